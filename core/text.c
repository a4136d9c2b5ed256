/*
** core/text.c -- values, slugs and Markdown cells as plain text
** (core/text.h).
*/
#include "core/text.h"
#include "core/hash.h"
#include "core/num.h"
#include "core/sha256.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* U+00A0 keeps the number and its unit on one line. */
#define NBSP "\xc2\xa0"

/* Three significant digits. */
static void add_number(pod_buf *out, double v, pod_number_fn number,
                       void *ud) {
  double a = fabs(v);
  int digits = a == 0 || a >= 100 ? 0 : a >= 10 ? 1 : 2;
  if (a != 0 && a < 0.01) pod_buf_printf(out, "%.2e", v);
  else if (number) number(out, v, digits, ud);
  else {
    char num[32];
    if (pod_num_fixed(v, digits, num)) pod_buf_adds(out, num);
    else pod_buf_printf(out, "%.*f", digits, v);
  }
}

static void add_scaled(pod_buf *out, double v, const char *unit,
                       pod_number_fn number, void *ud) {
  add_number(out, v, number, ud);
  if (*unit) {
    pod_buf_adds(out, NBSP);
    pod_buf_adds(out, unit);
  }
}

double pod_unit_scale(double v, const char *unit, const char **out_unit) {
  static const char *const bytes[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double a = fabs(v), f = 1;
  *out_unit = unit;
  if (!strcmp(unit, "s")) {
    if (a != 0 && a < 1e-3) { *out_unit = "\xc2\xb5s"; f = 1e6; }
    else if (a != 0 && a < 1) { *out_unit = "ms"; f = 1e3; }
  } else if (!strcmp(unit, "B")) {
    int u = 0;
    while (a >= 1024 && u < 4) { a /= 1024; f /= 1024; u++; }
    *out_unit = bytes[u];
  } else if (!strcmp(unit, "kWh") || !strcmp(unit, "kg")) {
    if (a != 0 && a < 1) { *out_unit = unit[1] == 'W' ? "Wh" : "g"; f = 1e3; }
  }
  return f;
}

void pod_fmt_value_with(pod_buf *out, double v, const char *unit,
                        pod_number_fn number, void *ud) {
  const char *shown;
  double f;
  if (isnan(v)) { pod_buf_adds(out, "n/a"); return; }
  f = pod_unit_scale(v, unit, &shown);
  add_scaled(out, v * f, shown, number, ud);
}

void pod_fmt_value(pod_buf *out, double v, const char *unit) {
  pod_fmt_value_with(out, v, unit, NULL, NULL);
}

void pod_fmt_plain(pod_buf *out, double v, const char *unit) {
  pod_buf tmp = POD_BUF_INIT;
  pod_fmt_value(&tmp, v, unit);
  for (const char *p = pod_buf_str(&tmp); *p; p++) {
    if (!strncmp(p, NBSP, 2)) { pod_buf_addc(out, ' '); p++; }
    else pod_buf_addc(out, *p);
  }
  pod_buf_free(&tmp);
}

/* Names Windows will not create as files, whatever the extension. */
static int reserved(const char *s) {
  static const char *const names[] = {"con", "prn", "aux", "nul", NULL};
  for (int i = 0; names[i]; i++)
    if (!strcmp(s, names[i])) return 1;
  return (!strncmp(s, "com", 3) || !strncmp(s, "lpt", 3)) && s[3] >= '0' &&
         s[3] <= '9' && !s[4];
}

void pod_slug(pod_buf *out, const char *name) {
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

void pod_md_cell(pod_buf *out, const char *s) {
  for (const char *p = s; *p; p++) {
    if (*p == '\n' || *p == '\r' || *p == '\t') pod_buf_addc(out, ' ');
    else {
      if (strchr("\\`*_[]<>|#!~", *p)) pod_buf_addc(out, '\\');
      pod_buf_addc(out, *p);
    }
  }
}

size_t pod_utf8_char(const unsigned char *p, size_t n, size_t i) {
  unsigned char c = p[i];
  size_t k;
  unsigned cp;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) { k = 1; cp = c & 0x1f; }
  else if (c >= 0xe0 && c <= 0xef) { k = 2; cp = c & 0x0f; }
  else if (c >= 0xf0 && c <= 0xf4) { k = 3; cp = c & 0x07; }
  else return 0;
  for (size_t j = 1; j <= k; j++) {
    if (i + j >= n || (p[i + j] & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (p[i + j] & 0x3f);
  }
  if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  return k + 1;
}

size_t pod_utf8_valid_prefix(const unsigned char *p, size_t n) {
  size_t i = 0, len;
  while (i < n) {
    /* eight ASCII bytes at a time: nearly every byte of a results file
    ** (byte by byte was 2% of a folder of small CodeCarbon files) */
    for (uint64_t w; i + 8 <= n; i += 8) {
      memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ULL) break;
    }
    if (i == n) break;
    if (!(len = pod_utf8_char(p, n, i))) return i;
    i += len;
  }
  return n;
}

size_t pod_first_repeat(const char *const *names, const size_t *lens,
                        size_t n, int skip_empty, size_t *earlier) {
  static const char seed_of;   /* its address: another seed each run */
  uint64_t seed = (uint64_t)(uintptr_t)&seed_of;
  size_t cap = 16, *slot, found = n;
  while (cap < 2 * n) cap *= 2;
  slot = pod_xmalloc(cap * sizeof *slot);
  for (size_t k = 0; k < cap; k++) slot[k] = SIZE_MAX;
  for (size_t i = 0; i < n && found == n; i++) {
    size_t k;
    if (skip_empty && !lens[i]) continue;
    k = (size_t)pod_hash64(names[i], lens[i], seed) & (cap - 1);
    for (; slot[k] != SIZE_MAX; k = (k + 1) & (cap - 1))
      if (lens[slot[k]] == lens[i] && !memcmp(names[slot[k]], names[i], lens[i])) {
        *earlier = slot[k];
        found = i;
        break;
      }
    slot[k] = i;
  }
  free(slot);
  return found;
}
