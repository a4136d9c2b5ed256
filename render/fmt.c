/*
** render/fmt.c -- numbers and units in the page language, slugs and
** board names: core/text.c does the scaling, this file the digits.
*/
#include "render/render.h"
#include "core/text.h"
#include "render/i18n.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A number in the page language's digits (i18n), for core/text.c. */
static void i18n_number(pod_buf *out, double v, int digits, void *ud) {
  render_i18n_number(ud, out, v, digits);
}


void render_fmt_value_in(pod_buf *out, double v, const char *unit,
                         render_i18n *i18n) {
  pod_fmt_value_with(out, v, unit, i18n ? i18n_number : NULL, i18n);
}

void render_slug(pod_buf *out, const char *name) { pod_slug(out, name); }

uint64_t render_text_hash(const char *s) {
  uint64_t h = 14695981039346656037u;   /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

void render_board_name(pod_buf *out, const char *scope, const char *metric) {
  render_slug(out, *scope ? scope : "all");
  pod_buf_adds(out, "--");
  render_slug(out, metric);
}
