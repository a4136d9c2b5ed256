/*
** core/num.c -- strict decimal numbers (num.h).
*/
#include "core/num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

int pod_parse_number(const char *s, double *out) {
  const char *p = s;
  int digits = 0;
  double v;
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
