/*
** ingest/value.c -- strict parsing of the numbers found in cells.
**
** strtod alone is too kind: it reads "nan", "inf", hex floats and stops
** at "1,5" without complaint. Tools write plain decimals, so anything
** else is a data error the user should see.
*/
#include "ingest/ingest_int.h"

#include <math.h>
#include <stdlib.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

int ingest_parse_number(const char *s, double *out) {
  const char *p = s;
  int digits = 0;
  if (*p == '+' || *p == '-') p++;
  while (is_digit(*p)) { p++; digits++; }
  if (*p == '.') {
    p++;
    while (is_digit(*p)) { p++; digits++; }
  }
  if (!digits) return 0;
  if (*p == 'e' || *p == 'E') {
    int exp_digits = 0;
    p++;
    if (*p == '+' || *p == '-') p++;
    while (is_digit(*p)) { p++; exp_digits++; }
    if (!exp_digits) return 0;
  }
  if (*p) return 0;
  *out = strtod(s, NULL);
  return isfinite(*out);  /* 1e999 overflows to inf: not a value */
}

int ingest_parse_count(const char *s, long long min, long long *out) {
  double d;
  if (!ingest_parse_number(s, &d) || d != floor(d) || d < (double)min ||
      d > 9e15)
    return 0;
  *out = (long long)d;
  return 1;
}
