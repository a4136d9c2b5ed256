/*
** core/stats.c -- means, standard deviations and 95% intervals for
** `podium compare` (render/compare.c). Pure arithmetic on arrays; the
** method is written up in docs/COMPARE.md.
*/
#include "core/stats.h"

#include <math.h>

void pod_sample_of(const double *v, size_t n, pod_sample *out) {
  double sum = 0, ss = 0;
  out->n = (int)n;
  out->mean = out->sd = NAN;
  if (n == 0) return;
  for (size_t i = 0; i < n; i++) sum += v[i];
  out->mean = sum / (double)n;
  if (n < 2) return;
  for (size_t i = 0; i < n; i++) ss += (v[i] - out->mean) * (v[i] - out->mean);
  out->sd = sqrt(ss / (double)(n - 1));
}

/* Two-sided 95% critical values of Student's t, df 1..30, from the
** NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.2
** "Critical Values of the Student's t Distribution" (column 0.975),
** https://www.itl.nist.gov/div898/handbook/eda/section3/eda3672.htm */
static const double t975_small[31] = {
  NAN,    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
  2.228,  2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093,
  2.086,  2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045,
  2.042};

double pod_t975(double df) {
  if (!(df >= 1)) return NAN;
  if (df < 31) return t975_small[(int)floor(df)];
  /* same table, rows 40, 60, 120 and infinity; between rows the smaller
  ** df's (larger) value, so intervals err on the wide side */
  if (df < 40) return 2.042;
  if (df < 60) return 2.021;
  if (df < 120) return 2.000;
  if (isinf(df)) return 1.960;
  return 1.980;
}

void pod_mean_ci(const pod_sample *s, double *out_lo, double *out_hi) {
  double half;
  *out_lo = *out_hi = NAN;
  if (s->n < 2) return;
  half = pod_t975(s->n - 1) * s->sd / sqrt((double)s->n);
  *out_lo = s->mean - half;
  *out_hi = s->mean + half;
}

/* Welch-Satterthwaite degrees of freedom of a sum of two variance
** terms a = s1^2/n1 and b = s2^2/n2 (or their log-scale versions). */
static double welch_df(double a, int n1, double b, int n2) {
  double den = a * a / (n1 - 1) + b * b / (n2 - 1);
  if (den <= 0) return INFINITY;   /* no spread at all: the normal limit */
  return (a + b) * (a + b) / den;
}

double pod_ratio_ci(const pod_sample *b, const pod_sample *o, double *out_lo,
                    double *out_hi) {
  double r = o->mean / b->mean, vb, vo, se, t;
  *out_lo = *out_hi = NAN;
  if (b->n < 2 || o->n < 2 || !(b->mean > 0) || !(o->mean > 0)) return r;
  /* delta method: Var(log mean) ~ sd^2 / (n mean^2) for each side */
  vb = b->sd * b->sd / (b->n * b->mean * b->mean);
  vo = o->sd * o->sd / (o->n * o->mean * o->mean);
  se = sqrt(vb + vo);
  t = pod_t975(welch_df(vb, b->n, vo, o->n));
  *out_lo = exp(log(r) - t * se);
  *out_hi = exp(log(r) + t * se);
  return r;
}

double pod_diff_ci(const pod_sample *b, const pod_sample *o, double *out_lo,
                   double *out_hi) {
  double d = o->mean - b->mean, vb, vo, t;
  *out_lo = *out_hi = NAN;
  if (b->n < 2 || o->n < 2) return d;
  vb = b->sd * b->sd / b->n;
  vo = o->sd * o->sd / o->n;
  t = pod_t975(welch_df(vb, b->n, vo, o->n));
  *out_lo = d - t * sqrt(vb + vo);
  *out_hi = d + t * sqrt(vb + vo);
  return d;
}

/* 1 when a is better than b in direction (NaN is never better). */
static int better(double a, double b, int direction) {
  return direction < 0 ? a < b : a > b;
}

int pod_best_index(const double *v, size_t n, int direction) {
  int best = -1;
  for (size_t i = 0; i < n; i++)
    if (best < 0 || better(v[i], v[best], direction)) best = (int)i;
  return best;
}

void pod_overfit_of(const double *epoch, const double *train,
                    const double *val, size_t n, int direction, int k,
                    pod_overfit *out) {
  (void)epoch;   /* ascending order is all that matters */
  out->best = -1;
  out->onset = -1;
  out->gap = NAN;
  out->too_short = n < (size_t)k + 1;
  out->best = pod_best_index(val, n, direction);
  if (out->best >= 0) out->gap = val[out->best] - train[out->best];
  if (out->too_short || out->best < 0) return;
  /* after the best epoch nothing is better, so this is early stopping's
  ** patience test with a check that training still held */
  for (size_t i = (size_t)out->best + 1; i + (size_t)k <= n; i++) {
    int worse = 1, train_ok = 1;
    for (size_t j = i; j < i + (size_t)k && worse; j++)
      worse = better(val[out->best], val[j], direction);
    if (!isnan(train[i - 1]) && !isnan(train[i + k - 1]))
      train_ok = !better(train[i - 1], train[i + k - 1], direction);
    if (worse && train_ok) {
      out->onset = (int)i;
      return;
    }
  }
}
