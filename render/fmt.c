/*
** render/fmt.c -- numbers and units as people read them, and slugs.
**
** Values arrive in the SI unit of their metric (docs/ARCHITECTURE.md,
** "Units"); fmt scales them: seconds to ms or us, bytes to KiB/MiB/GiB
** (transformers' "MB" is 2^20 bytes, so binary units are the honest
** labels), kWh to Wh, kg CO2eq to g. Three significant digits.
*/
#include "render/render.h"
#include "core/sha256.h"
#include "render/i18n.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Three significant digits; in the page language's digits when i18n is
** given (ASCII for reports and downloads). */
static void add_number(pod_buf *out, double v, render_i18n *i18n) {
  double a = fabs(v);
  int digits = a == 0 || a >= 100 ? 0 : a >= 10 ? 1 : 2;
  if (a != 0 && a < 0.01) pod_buf_printf(out, "%.2e", v);
  else if (i18n) render_i18n_number(i18n, out, v, digits);
  else pod_buf_printf(out, "%.*f", digits, v);
}

/* U+00A0 keeps the number and its unit on one line. */
#define NBSP "\xc2\xa0"

static void add_scaled(pod_buf *out, double v, const char *unit,
                       render_i18n *i18n) {
  add_number(out, v, i18n);
  if (*unit) {
    pod_buf_adds(out, NBSP);
    pod_buf_adds(out, unit);
  }
}

void render_fmt_value(pod_buf *out, double v, const char *unit) {
  render_fmt_value_in(out, v, unit, NULL);
}

void render_fmt_value_in(pod_buf *out, double v, const char *unit,
                         render_i18n *i18n) {
  double a = fabs(v);
  if (isnan(v)) { pod_buf_adds(out, "n/a"); return; }
  if (!strcmp(unit, "s")) {
    if (a != 0 && a < 1e-3) add_scaled(out, v * 1e6, "\xc2\xb5s", i18n);
    else if (a != 0 && a < 1) add_scaled(out, v * 1e3, "ms", i18n);
    else add_scaled(out, v, "s", i18n);
  } else if (!strcmp(unit, "B")) {
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (a >= 1024 && u < 4) { a /= 1024; v /= 1024; u++; }
    if (u == 0) { add_number(out, v, i18n); pod_buf_adds(out, NBSP "B"); }
    else add_scaled(out, v, units[u], i18n);
  } else if (!strcmp(unit, "kWh")) {
    if (a != 0 && a < 1) add_scaled(out, v * 1e3, "Wh", i18n);
    else add_scaled(out, v, "kWh", i18n);
  } else if (!strcmp(unit, "kg")) {
    if (a != 0 && a < 1) add_scaled(out, v * 1e3, "g", i18n);
    else add_scaled(out, v, "kg", i18n);
  } else {
    add_scaled(out, v, unit, i18n);
  }
}

/* Names Windows will not create as files, whatever the extension. */
static int reserved(const char *s) {
  static const char *const names[] = {"con", "prn", "aux", "nul", NULL};
  for (int i = 0; names[i]; i++)
    if (!strcmp(s, names[i])) return 1;
  return (!strncmp(s, "com", 3) || !strncmp(s, "lpt", 3)) && s[3] >= '0' &&
         s[3] <= '9' && !s[4];
}

void render_slug(pod_buf *out, const char *name) {
  size_t start = out->len;
  int changed = 0, dash = 0;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    unsigned char c = *p;
    if (c >= 'A' && c <= 'Z') { c = (unsigned char)(c - 'A' + 'a'); changed = 1; }
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
      if (dash && out->len > start) pod_buf_addc(out, '-');
      dash = 0;
      pod_buf_addc(out, (char)c);
    } else {
      if (c != '-' || dash || out->len == start) changed = 1;
      dash = 1;
    }
    if (out->len - start >= 60) { changed = 1; break; }
  }
  if (out->len == start) { pod_buf_adds(out, "x"); changed = 1; }
  if (reserved(out->data + start)) changed = 1;
  if (changed || dash) {  /* keep different names apart */
    pod_sha256 s;
    char hex[65];
    pod_sha256_init(&s);
    pod_sha256_update(&s, name, strlen(name));
    pod_sha256_hex(&s, hex);
    pod_buf_printf(out, "-%.8s", hex);
  }
}

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
