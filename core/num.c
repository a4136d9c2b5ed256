/*
** core/num.c -- strict decimal numbers (num.h).
*/
#include "core/num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* strtod's exact answer without strtod, for most cells tools write
** (strtod's multi-precision path for 17 significant digits, the digits
** CodeCarbon and pandas print, was ~30% of the reader thread of an
** ingest, issue 14). The decimal is w * 10^e with w < 2^64; on x87, w
** and 10^e (|e| <= 27: 5^27 < 2^64) are exact in a long double (64-bit
** significand), so w * 10^e or w / 10^-e is one correctly rounded
** operation. Rounding that to double again is exact unless the long
** double lies exactly halfway between two doubles (its 11 lowest bits
** 10000000000): only then can the two roundings differ from one, and
** then strtod decides. Elsewhere (no 64-bit long double): strtod.
** 1: *out set; 0: ask strtod. */
#if defined(__x86_64__) && defined(__LDBL_MANT_DIG__) && \
    __LDBL_MANT_DIG__ == 64 && !defined(__FAST_MATH__)
#include <stdint.h>
#include <string.h>
static int fast_decimal(uint64_t w, int e, int neg, double *out) {
  static const long double p10[28] = {
      1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
      1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
      1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
  long double q;
  uint64_t sig;
  double d;
  if (e < -27 || e > 27) return 0;
  if (!w) {
    *out = neg ? -0.0 : 0.0;
    return 1;
  }
  q = e < 0 ? (long double)w / p10[-e] : (long double)w * p10[e];
  memcpy(&sig, &q, sizeof sig);   /* the x87 format's 64-bit significand */
  if ((sig & 0x7ff) == 0x400) return 0;   /* halfway: strtod decides */
  d = (double)q;
  *out = neg ? -d : d;
  return 1;
}
#else
static int fast_decimal(unsigned long long w, int e, int neg, double *out) {
  (void)w; (void)e; (void)neg; (void)out;
  return 0;
}
#endif

int pod_parse_number(const char *s, double *out) {
  const char *p = s;
  int digits = 0, sig = 0, neg = *p == '-', e = 0, exact = 1;
  unsigned long long w = 0;
  double v;
  if (*p == '+' || *p == '-') p++;
  /* w: the significant digits (at most 19: < 2^64), e: where the point
  ** goes; more digits than that leave it to strtod */
  for (; is_digit(*p); p++, digits++)
    if (sig || *p != '0') {
      if (sig++ < 19) w = 10 * w + (unsigned)(*p - '0');
      else exact = 0;
    }
  if (*p == '.') {
    p++;
    for (; is_digit(*p); p++, digits++, e--)
      if (sig || *p != '0') {
        if (sig++ < 19) w = 10 * w + (unsigned)(*p - '0');
        else exact = 0;
      }
  }
  if (!digits) return 0;
  if (*p == 'e' || *p == 'E') {
    int exp_digits = 0, x = 0, xneg;
    p++;
    xneg = *p == '-';
    if (*p == '+' || *p == '-') p++;
    for (; is_digit(*p); p++, exp_digits++)
      if (x < 10000) x = 10 * x + (*p - '0');
    if (!exp_digits) return 0;
    e += xneg ? -x : x;
  }
  if (*p) return 0;
  if (exact && fast_decimal(w, e, neg, &v)) {
    if (out) *out = v;
    return 1;
  }
  v = strtod(s, NULL);
  if (!isfinite(v)) return 0;  /* 1e999 overflows to inf: not a value */
  if (out) *out = v;
  return 1;
}

char *pod_num_format(double d, char out[32]) {
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(out, 32, "%.*g", digits, d);
    if (strtod(out, NULL) == d) break;
  }
  return out;
}
