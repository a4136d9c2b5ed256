/*
** core/text.h -- values, slugs and Markdown cells as plain text: what
** reports, downloads and the terminal print, and what pages build on.
**
** Owns nothing: every function appends to a pod_buf the caller owns.
** Values arrive in the SI unit of their metric (docs/ARCHITECTURE.md,
** "Units") and are scaled for reading: seconds to ms or us, bytes to
** KiB/MiB/GiB (transformers' "MB" is 2^20 bytes, so binary units are the
** honest labels), kWh to Wh, kg CO2eq to g. Three significant digits.
*/
#ifndef PODIUM_CORE_TEXT_H
#define PODIUM_CORE_TEXT_H

#include "core/buf.h"

/* Writes a number with `digits` decimals (a page writes it in its
** language's digits); NULL: ASCII. */
typedef void (*pod_number_fn)(pod_buf *out, double v, int digits, void *ud);

/* The factor that scales v for reading and the unit it is then in:
** 0.018 s is 18 ms (factor 1000, "ms"). */
double pod_unit_scale(double v, const char *unit, const char **out_unit);
/* "18.0 ms": the scaled value, a no-break space (U+00A0) and the unit;
** "n/a" for NaN. */
void pod_fmt_value_with(pod_buf *out, double v, const char *unit,
                        pod_number_fn number, void *ud);
void pod_fmt_value(pod_buf *out, double v, const char *unit);
/* The same with a plain space, for Markdown and the terminal. */
void pod_fmt_plain(pod_buf *out, double v, const char *unit);
/* A file-name-safe slug: lower-case ASCII, digits, '_' and '-', never
** '/', '\' or "..", with a hash suffix whenever the name had to change,
** so different names never share a slug. */
void pod_slug(pod_buf *out, const char *name);
/* A GFM table cell: Markdown's special characters escaped, line breaks
** and tabs as spaces. */
void pod_md_cell(pod_buf *out, const char *s);
/* Length of the valid UTF-8 prefix of p[0..n): overlong forms,
** surrogates and code points past U+10FFFF are not valid. */
size_t pod_utf8_valid_prefix(const unsigned char *p, size_t n);
/* The length of the UTF-8 character at p[i] (of p[0..n)), 0 when it is
** not one (the same rules). */
size_t pod_utf8_char(const unsigned char *p, size_t n, size_t i);
/* The first of names[0..n) (lens[i] bytes each) equal to an earlier one:
** its index, and the earlier one's in *earlier; n when all differ. Empty
** names are skipped when skip_empty (a CSV header's trailing
** separators). A table by hash, not pairs (a 100,000-column header took
** 21 s), seeded per process so that crafted names cannot all collide;
** the answer does not depend on the seed. */
size_t pod_first_repeat(const char *const *names, const size_t *lens,
                        size_t n, int skip_empty, size_t *earlier);

#endif
