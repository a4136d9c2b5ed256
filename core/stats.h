/*
** core/stats.h -- the small statistics comparisons need: mean and
** standard deviation of repeats, Student t 95% intervals, and the 95%
** interval of a ratio of two means (log-ratio delta method) or of their
** difference (Welch). No SQLite, no Lua: testable on plain arrays.
** Owns: nothing. Errors: none; "no interval" is NaN bounds.
*/
#ifndef PODIUM_STATS_H
#define PODIUM_STATS_H

#include <stddef.h>

/* Mean, sample standard deviation (n - 1; NaN when n < 2) and n of
** v[0..n). */
typedef struct pod_sample {
  double mean, sd;
  int n;
} pod_sample;

void pod_sample_of(const double *v, size_t n, pod_sample *out);

/* The 0.975 quantile of Student's t with df degrees of freedom (the
** two-sided 95% critical value); fractional df round down (wider, so
** conservative). NaN for df < 1. */
double pod_t975(double df);

/* The 95% interval of a mean: mean +- t975(n - 1) sd / sqrt(n). NaN
** bounds when n < 2. */
void pod_mean_ci(const pod_sample *s, double *out_lo, double *out_hi);

/* The ratio o.mean / b.mean with its 95% interval by the delta method on
** log(ratio) (docs/COMPARE.md): NaN bounds unless both n >= 2 and both
** means > 0. */
double pod_ratio_ci(const pod_sample *b, const pod_sample *o, double *out_lo,
                    double *out_hi);

/* The difference o.mean - b.mean with its Welch 95% interval; NaN bounds
** unless both n >= 2. */
double pod_diff_ci(const pod_sample *b, const pod_sample *o, double *out_lo,
                   double *out_hi);

/* Overfitting on a training curve: val[i] and train[i] at epoch[i]
** (ascending; NaN train is missing), direction -1 (loss) or +1
** (accuracy). best: index of the best validation value (the first if
** tied); gap: val - train at best (NaN without train); onset: the first
** index i after best where validation is worse than at best for k epochs
** in a row (i, ..., i+k-1) while train did not get worse from i-1 to
** i+k-1 (or train is missing): -1 when there is none. A
** curve shorter than k + 1 epochs gets onset -1 and too_short 1. */
typedef struct pod_overfit {
  int best, onset, too_short;
  double gap;
} pod_overfit;

/* The first index holding the best value in direction (-1 lower is
** better, else higher), -1 when n is 0: the best epoch of a curve, for the
** overfitting verdict and for results from curves alike. */
int pod_best_index(const double *v, size_t n, int direction);

void pod_overfit_of(const double *epoch, const double *train,
                    const double *val, size_t n, int direction, int k,
                    pod_overfit *out);

#endif
