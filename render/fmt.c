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

#include <math.h>
#include <stdio.h>
#include <string.h>

static void add_number(pod_buf *out, double v) {
  double a = fabs(v);
  if (a == 0) pod_buf_adds(out, "0");
  else if (a >= 100) pod_buf_printf(out, "%.0f", v);
  else if (a >= 10) pod_buf_printf(out, "%.1f", v);
  else if (a >= 0.01) pod_buf_printf(out, "%.2f", v);
  else pod_buf_printf(out, "%.2e", v);
}

/* U+00A0 keeps the number and its unit on one line. */
#define NBSP "\xc2\xa0"

static void add_scaled(pod_buf *out, double v, const char *unit) {
  add_number(out, v);
  if (*unit) {
    pod_buf_adds(out, NBSP);
    pod_buf_adds(out, unit);
  }
}

void render_fmt_value(pod_buf *out, double v, const char *unit) {
  double a = fabs(v);
  if (isnan(v)) { pod_buf_adds(out, "n/a"); return; }
  if (!strcmp(unit, "s")) {
    if (a != 0 && a < 1e-3) add_scaled(out, v * 1e6, "\xc2\xb5s");
    else if (a != 0 && a < 1) add_scaled(out, v * 1e3, "ms");
    else add_scaled(out, v, "s");
  } else if (!strcmp(unit, "B")) {
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (a >= 1024 && u < 4) { a /= 1024; v /= 1024; u++; }
    if (u == 0) pod_buf_printf(out, "%.0f" NBSP "B", v);
    else add_scaled(out, v, units[u]);
  } else if (!strcmp(unit, "kWh")) {
    if (a != 0 && a < 1) add_scaled(out, v * 1e3, "Wh");
    else add_scaled(out, v, "kWh");
  } else if (!strcmp(unit, "kg")) {
    if (a != 0 && a < 1) add_scaled(out, v * 1e3, "g");
    else add_scaled(out, v, "kg");
  } else {
    add_scaled(out, v, unit);
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

void render_board_name(pod_buf *out, const char *scope, const char *metric) {
  render_slug(out, *scope ? scope : "all");
  pod_buf_adds(out, "--");
  render_slug(out, metric);
}
