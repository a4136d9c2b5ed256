/*
** core/num.c -- strict decimal numbers (num.h).
*/
#include "core/num.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
static long double p10l(int e) {   /* 0 <= e <= 27: exact on x87 */
  static const long double p10[28] = {
      1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
      1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
      1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
  return p10[e];
}

#if defined(__x86_64__) && defined(__LDBL_MANT_DIG__) && \
    __LDBL_MANT_DIG__ == 64 && !defined(__FAST_MATH__)

static int fast_decimal(uint64_t w, int e, int neg, double *out) {
  long double q;
  uint64_t sig;
  double d;
  if (e < -27 || e > 27) return 0;
  if (!w) {
    *out = neg ? -0.0 : 0.0;
    return 1;
  }
  q = e < 0 ? (long double)w / p10l(-e) : (long double)w * p10l(e);
  memcpy(&sig, &q, sizeof sig);   /* the x87 format's 64-bit significand */
  if ((sig & 0x7ff) == 0x400) return 0;   /* halfway: strtod decides */
  d = (double)q;
  *out = neg ? -d : d;
  return 1;
}

/* w * 10^e against d > 0, exactly: -1 below, 1 above, 0 too close to
** tell (within the long double's rounding of d) or out of range. The
** quotient or product is one correctly rounded operation on exact
** operands, and rounding is monotonic: q > d means w * 10^e > d. */
static int decimal_cmp(uint64_t w, int e, double d) {
  long double q;
  if (e < -27 || e > 27) return 0;
  q = e < 0 ? (long double)w / p10l(-e) : (long double)w * p10l(e);
  return (q > d) - (q < d);
}
#else
static int fast_decimal(unsigned long long w, int e, int neg, double *out) {
  (void)w; (void)e; (void)neg; (void)out;
  return 0;
}
static int decimal_cmp(unsigned long long w, int e, double d) {
  (void)w; (void)e; (void)d;
  return 0;   /* the text is kept */
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

/* w * 10^e read as a double, correctly rounded: fast_decimal, else
** strtod. w > 0. */
static double decimal_value(unsigned long long w, int e) {
  char text[48];
  double v;
  if (fast_decimal(w, e, 0, &v)) return v;
  snprintf(text, sizeof text, "%llue%d", w, e);
  return strtod(text, NULL);
}

/* ---- Python's repr ---------------------------------------------------------
** repr(float) in Python 3 (what CodeCarbon's pandas, the csv and json
** modules write) is the shortest string of digits that reads back as the
** double, the nearest to it of that length, laid out as
**   0.000ddd  ddd.ddd  ddd000.0   when the point is 3 zeros left of the
**                                  first digit up to 16 digits right of it
**   d.ddde-05  de+16               elsewhere (2 exponent digits at least).
** Kept as the only text of a value, it is ~40% of a CodeCarbon registry
** (issue 14): store/ keeps a cell's text only where it is not this.
** DBL_DIG (15) is what makes the check cheap: two decimals of at most 15
** significant digits are never the same double (normal numbers), so such
** a text is the shortest and the only one of its length; 16 and 17 digits
** are checked against their neighbours of k - 1 and k digits. */

/* The digits of s in Python's layout: *w (the significant digits, k of
** them, at most 17, no trailing zero) and *decpt (value = 0.DIGITS *
** 10^decpt). 0: another layout (a trailing zero, "1.50", "+1", "1E5",
** "01.5", ".5", "1.5e5", "1e-5", "100", "1e+05" where 100000.0 goes...). */
static int repr_layout(const char *p, unsigned long long *w, int *k,
                       int *decpt) {
  int n_int = 0, n_frac = 0, x = 0, xdigits = 0, zeros = 0;
  const char *frac = NULL;
  *w = 0;
  *k = 0;
  if (p[0] == '0' && p[1] == '.') {            /* 0.000ddd */
    for (p += 2; *p == '0'; p++) zeros++;
    if (zeros > 3) return 0;
    for (; is_digit(*p); p++) {
      if (++*k > 17) return 0;
      *w = 10 * *w + (unsigned)(*p - '0');
    }
    *decpt = -zeros;
    return !*p && *k && p[-1] != '0';
  }
  if (*p < '1' || *p > '9') return 0;
  for (; is_digit(*p); p++, n_int++) {
    if (++*k > 17) return 0;
    *w = 10 * *w + (unsigned)(*p - '0');
  }
  if (*p == '.') {
    frac = ++p;
    for (; is_digit(*p); p++, n_frac++)
      if (n_frac < 17) *w = 10 * *w + (unsigned)(*p - '0');
  }
  if (*p == 'e') {                             /* d[.ddd]e[+-]XX */
    int xneg = p[1] == '-';
    if (n_int != 1 || (frac && (!n_frac || p[-1] == '0')) ||
        (p[1] != '+' && p[1] != '-'))
      return 0;
    for (p += 2; is_digit(*p); p++, xdigits++)
      if (xdigits < 4) x = 10 * x + (*p - '0');
    /* two digits at least, no zero before them beyond that */
    if (*p || xdigits < 2 || xdigits > 3 || (xdigits == 3 && p[-3] == '0'))
      return 0;
    *k += n_frac;
    *decpt = (xneg ? -x : x) + 1;
    return *k <= 17 && (*decpt <= -4 || *decpt > 16);
  }
  if (*p || !frac || !n_frac || n_int > 16) return 0;
  *decpt = n_int;
  if (n_frac == 1 && *frac == '0') {           /* ddd000.0 */
    *w /= 10;
    while (*w % 10 == 0) {
      *w /= 10;
      --*k;
    }
    return 1;
  }
  *k += n_frac;                                /* ddd.ddd */
  return *k <= 17 && p[-1] != '0';
}

int pod_num_is_repr(const char *s, double d) {
  unsigned long long w;
  int k, decpt, e;
  int neg = *s == '-';
  if (neg) s++;
  if (neg != !!signbit(d)) return 0;
  /* -0.0 keeps its text: SQLite keeps a whole REAL as an integer, and
  ** an integer has no negative zero */
  if (d == 0) return !neg && !strcmp(s, "0.0");
  if (!isfinite(d) || fabs(d) < DBL_MIN || !repr_layout(s, &w, &k, &decpt))
    return 0;
  if (k <= 15) return 1;
  /* 16 or 17 digits: none of k - 1 reads back as d (its two neighbours
  ** of k - 1 digits do not: the decimals that read as d are an interval
  ** around s), and s is the nearest of k digits to d (strictly inside
  ** the midpoints to its neighbours), as %.*e, which pod_num_repr
  ** prints, rounds */
  d = fabs(d);
  e = decpt - k;
  return decimal_value(w / 10, e + 1) != d &&
         decimal_value(w / 10 + 1, e + 1) != d &&
         decimal_cmp(10 * w - 5, e - 1, d) < 0 &&
         decimal_cmp(10 * w + 5, e - 1, d) > 0;
}

static const unsigned long long pow10_u64[18] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
    10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
    100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
    100000000000000000ULL};

/* *x = d * 10^(k - dp) rounded to an integer, by one long double product
** or quotient, checked exactly against the midpoints to its neighbours
** (decimal_cmp). 1: *x is that; 0: it could not be told. */
static int round_at(double d, int k, int dp, unsigned long long *x) {
  int shift = k - dp;
  long double q;
  if (shift < -27 || shift > 27) return 0;
  q = shift < 0 ? (long double)d / p10l(-shift) : (long double)d * p10l(shift);
  if (q < 1 || q >= 1e18L) return 0;
  /* rounded in the FPU's own mode (to nearest): a cast truncates, and
  ** switching the FPU's mode for it took ~60% of this function */
  *x = (unsigned long long)llrintl(q);
  return decimal_cmp(10 * *x - 5, -shift - 1, d) < 0 &&
         decimal_cmp(10 * *x + 5, -shift - 1, d) > 0;
}

/* The nearest decimal of k digits to d > 0: *w (10^(k-1) <= *w < 10^k)
** and *decpt (d ~ 0.W * 10^decpt), by round_at; %.*e (multi-precision,
** ~10x slower) where that cannot tell. */
static void nearest_digits(double d, int k, unsigned long long *w,
                           int *decpt) {
  char sci[40];
  unsigned long long x, finer;
  int dp = (int)floor(log10(d)) + 1;   /* may be one off either way */
  for (int tries = 0; tries < 3 && round_at(d, k, dp, &x); tries++) {
    if (x >= pow10_u64[k]) { dp++; continue; }
    if (x < pow10_u64[k - 1]) { dp--; continue; }
    /* 10^(dp-1) itself: a value just under it is nearer a decimal of
    ** the finer grid below (999999999999999.75: 999999999999999.8, not
    ** 1e15), which must be told too */
    if (x == pow10_u64[k - 1]) {
      if (!round_at(d, k, dp - 1, &finer)) break;
      if (finer < pow10_u64[k]) {
        x = finer;
        dp--;
      }
    }
    *w = x;
    *decpt = dp;
    return;
  }
  snprintf(sci, sizeof sci, "%.*e", k - 1, d);
  *w = 0;
  for (const char *c = sci; *c != 'e'; c++)
    if (is_digit(*c)) *w = 10 * *w + (unsigned)(*c - '0');
  *decpt = atoi(strchr(sci, 'e') + 1) + 1;
}

/* w (k digits) with the point decpt digits in, its trailing zeros
** dropped, as printf's %.*g lays it out (prec: the last place of the
** point written without an exponent; an exponent of two digits at
** least) or Python's repr (16, and ".0" after a whole number: dot0). */
static char *lay_out(int neg, unsigned long long w, int k, int decpt,
                     int prec, int dot0, char *out) {
  char digits[20], *o = out;
  int x = decpt - 1;
  for (int i = k; i-- > 0; w /= 10) digits[i] = (char)('0' + w % 10);
  while (k > 1 && digits[k - 1] == '0') k--;
  if (neg) *o++ = '-';
  if (x < -4 || x >= prec) {
    *o++ = digits[0];
    if (k > 1) {
      *o++ = '.';
      memcpy(o, digits + 1, (size_t)k - 1);
      o += k - 1;
    }
    snprintf(o, 8, "e%c%02d", x < 0 ? '-' : '+', abs(x) % 1000);
    return out;
  }
  if (decpt <= 0) {
    *o++ = '0';
    *o++ = '.';
    for (int i = decpt; i < 0; i++) *o++ = '0';
    memcpy(o, digits, (size_t)k);
    o += k;
  } else {
    for (int i = 0; i < decpt; i++) *o++ = i < k ? digits[i] : '0';
    if (k > decpt) {
      *o++ = '.';
      memcpy(o, digits + decpt, (size_t)(k - decpt));
      o += k - decpt;
    } else if (dot0) {
      *o++ = '.';
      *o++ = '0';
    }
  }
  *o = '\0';
  return out;
}

char *pod_num_repr(double d, char out[32]) {
  unsigned long long w;
  int k = 17, decpt;
  double a = fabs(d);
  if (d == 0 || !isfinite(d)) {
    snprintf(out, 32, "%s", d == 0 ? (signbit(d) ? "-0.0" : "0.0")
                                   : isnan(d) ? "nan" : d < 0 ? "-inf" : "inf");
    return out;
  }
  /* the nearest decimal of 17 digits (always reads back as d), unless
  ** one of 16 does: then the nearest of 15 that reads back, its trailing
  ** zeros dropped, else the nearest of 16 */
  nearest_digits(a, 17, &w, &decpt);
  if (decimal_value(w / 10, decpt - 16) == a ||
      decimal_value(w / 10 + 1, decpt - 16) == a) {
    unsigned long long w17 = w;
    int decpt17 = decpt;
    nearest_digits(a, k = 15, &w, &decpt);
    if (decimal_value(w, decpt - 15) != a) {
      nearest_digits(a, k = 16, &w, &decpt);
      /* a power of two has a gap below it half the one above: there the
      ** nearest of 16 may not read back where a neighbour does */
      if (decimal_value(w, decpt - 16) != a) {
        decpt = decpt17;
        w = decimal_value(w17 / 10, decpt - 16) == a ? w17 / 10
                                                     : w17 / 10 + 1;
        if (w == pow10_u64[16]) {   /* 9999999999999999 + 1 */
          w = pow10_u64[15];
          decpt++;
        }
      }
    }
  }
  return lay_out(d < 0, w, k, decpt, 16, 1, out);
}

/* The nearest decimal of k digits to |d| by nearest_digits, laid out
** as %.*g; printf itself for zero, subnormals and non-finite values. */
char *pod_num_g(double d, int prec, char out[32]) {
  unsigned long long w;
  int decpt;
  double a = fabs(d);
  if (prec < 1 || prec > 17 || !isfinite(d) || a < DBL_MIN) {
    snprintf(out, 32, "%.*g", prec, d);
    return out;
  }
  nearest_digits(a, prec, &w, &decpt);
  return lay_out(d < 0, w, prec, decpt, prec, 0, out);
}

/* The first of %.15g, %.16g (and %.17g) that reads back: printf's digits
** by nearest_digits, read back by decimal_value (one long double
** operation where it can tell), ~10x faster than printf and strtod, the
** downloads' every number (issue 17). */
char *pod_num_format(double d, char out[32]) {
  unsigned long long w;
  int decpt;
  double a = fabs(d);
  if (!isfinite(d) || a < DBL_MIN) {
    for (int digits = 15; digits <= 17; digits++) {
      snprintf(out, 32, "%.*g", digits, d);
      if (strtod(out, NULL) == d) break;
    }
    return out;
  }
  for (int k = 15; k <= 16; k++) {
    nearest_digits(a, k, &w, &decpt);
    if (decimal_value(w, decpt - k) == a)
      return lay_out(d < 0, w, k, decpt, k, 0, out);
  }
  return pod_num_g(d, 17, out);
}

int pod_num_fixed(double d, int places, char out[32]) {
  unsigned long long x, unit;
  char *o = out;
  /* round_at: |d| * 10^places in [1, 10^18), not a tie */
  if (places < 0 || places > 6 || !isfinite(d) ||
      !round_at(fabs(d), places, 0, &x))
    return 0;
  unit = pow10_u64[places];
  if (signbit(d)) *o++ = '-';
  {   /* the whole part: its digits backwards, then turned */
    char *first = o;
    unsigned long long whole = x / unit;
    do {
      *o++ = (char)('0' + whole % 10);
      whole /= 10;
    } while (whole);
    for (char *a = first, *b = o - 1; a < b; a++, b--) {
      char c = *a;
      *a = *b;
      *b = c;
    }
  }
  if (places) {
    *o++ = '.';
    for (int i = places; i-- > 0; x /= 10) o[i] = (char)('0' + x % 10);
    o += places;
  }
  *o = '\0';
  return 1;
}
