/*
** analysis/curves.c -- results from training curves. A training log
** holds values per epoch; what a lab reports is each validation (and
** test) metric at the best epoch: the epoch of the lowest validation
** loss, else of the best value of that metric itself, the same pick as
** the overfitting verdict (core/stats.c pod_best_index). The result is a
** copy of that epoch's value as a summary value, pointing at the log
** line of that epoch, labelled "best-epoch" with the epoch and the number
** of epochs. A summary file of the same run (the Trainer's
** all_results.json) is the result where it exists: no copy is made for a
** metric and split it gives, and pages cross-check it against the curve.
*/
#include "analysis/analysis_int.h"
#include "core/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One curve point: a quality metric's value at an epoch. */
typedef struct point {
  const char *metric, *split;   /* the reader's copies, one per name */
  int direction;
  double epoch, value;
  int64_t step;                 /* -1: none */
  int64_t id, source_id, col;   /* store_result_from_point's names */
  size_t ord;                   /* as read: a run page's rows are sorted */
} point;

/* The columns take_row reads, found by name once per walk (a lookup by
** name per column and point, and a copy of two names per point, were
** ~4% of ingesting a folder of training logs). */
enum { C_METRIC, C_UNIT, C_SPLIT, C_EPOCH, C_DIRECTION, C_VALUE, C_STEP,
       C_DERIVED, C_ID, C_SOURCE_ID, C_COL, C_N };
static const char *const col_name[C_N] = {
    "metric", "unit", "split", "epoch", "direction", "value", "step",
    "derived", "id", "source_id", "col"};

typedef struct reader {
  point *p;
  size_t n, cap;
  const char *const *names;   /* the walk's column names, as found */
  int n_names, at[C_N];       /* at[c]: col_name[c]'s index, or -1 */
  char **strs;                /* metric and split names, one copy each */
  size_t n_strs;
  int has_kept;               /* a best_global_step value was read: */
  int64_t kept;               /* the checkpoint a Trainer kept */
  char **given;        /* "metric\x1fsplit" of summary values read as is */
  double *given_value;
  size_t n_given;
} reader;

int analysis_is_quality(const char *metric, const char *unit, int direction) {
  (void)metric;
  return unit && !*unit && direction != 0;
}

static char *key_of(const char *metric, const char *split) {
  size_t a = strlen(metric), b = split ? strlen(split) : 0;
  char *k = pod_xmalloc(a + b + 2);
  memcpy(k, metric, a);
  k[a] = '\x1f';
  memcpy(k + a + 1, split ? split : "", b + 1);
  return k;
}

static const store_value *col(reader *r, const store_row *row, int c) {
  static const store_value none = {STORE_NULL, 0, 0, NULL};
  if (r->names != row->names || r->n_names != row->n) {
    for (int k = 0; k < C_N; k++) {
      r->at[k] = -1;
      for (int i = 0; i < row->n && r->at[k] < 0; i++)
        if (!strcmp(row->names[i], col_name[k])) r->at[k] = i;
    }
    r->names = row->names;
    r->n_names = row->n;
  }
  return r->at[c] < 0 ? &none : &row->v[r->at[c]];
}

static const char *text(reader *r, const store_row *row, int c) {
  const store_value *v = col(r, row, c);
  return v->type == STORE_TEXT ? v->s : NULL;
}

/* The reader's one copy of s (names repeat on every point). */
static const char *intern(reader *r, const char *s) {
  for (size_t i = r->n_strs; i-- > 0;)
    if (!strcmp(r->strs[i], s)) return r->strs[i];
  r->strs = pod_xrealloc(r->strs, (r->n_strs + 1) * sizeof *r->strs);
  return r->strs[r->n_strs++] = pod_xstrdup(s);
}

static int take_row(const store_row *row, void *ud) {
  reader *r = ud;
  const char *metric = text(r, row, C_METRIC);
  const char *unit = text(r, row, C_UNIT);
  const char *split = text(r, row, C_SPLIT);
  const store_value *epoch = col(r, row, C_EPOCH);
  int direction = (int)col(r, row, C_DIRECTION)->i;
  double v = col(r, row, C_VALUE)->d;
  if (metric && !strcmp(metric, "best_global_step") && v >= 0) {
    r->has_kept = 1;   /* ingest/hf_trainer.c, add_kept_step */
    r->kept = (int64_t)v;
    return 0;
  }
  /* store_each_curve_point gives only these; a run page's rows, all */
  if (!metric || !analysis_is_quality(metric, unit, direction)) return 0;
  if (!split || (strcmp(split, "validation") && strcmp(split, "test")))
    return 0;
  if (epoch->type == STORE_NULL) {
    /* a summary value as the file gave it (not one of our copies) */
    if (col(r, row, C_STEP)->type == STORE_NULL &&
        col(r, row, C_DERIVED)->type == STORE_NULL) {
      r->given = pod_xrealloc(r->given, (r->n_given + 1) * sizeof *r->given);
      r->given_value = pod_xrealloc(r->given_value, (r->n_given + 1) *
                                                       sizeof *r->given_value);
      r->given_value[r->n_given] = v;
      r->given[r->n_given++] = key_of(metric, split);
    }
    return 0;
  }
  if (!isfinite(v)) return 0;
  if (r->n == r->cap) {
    r->cap = r->cap ? 2 * r->cap : 64;
    r->p = pod_xrealloc(r->p, r->cap * sizeof *r->p);
  }
  const store_value *step = col(r, row, C_STEP);
  r->p[r->n++] = (point){intern(r, metric), intern(r, split), direction,
                         epoch->d, v,
                         step->type == STORE_NULL ? -1 : step->i,
                         col(r, row, C_ID)->i, col(r, row, C_SOURCE_ID)->i,
                         col(r, row, C_COL)->i, r->n};
  return 0;
}

static int by_curve(const void *a, const void *b) {
  const point *x = a, *y = b;
  /* interned: the same name is the same pointer */
  int c = x->split == y->split ? 0 : strcmp(x->split, y->split);
  if (!c) c = x->metric == y->metric ? 0 : strcmp(x->metric, y->metric);
  if (!c) c = (x->epoch > y->epoch) - (x->epoch < y->epoch);
  /* file order: ids as added; chunk points by file and place */
  if (!c) c = (x->id > y->id) - (x->id < y->id);
  if (!c) c = (x->source_id > y->source_id) - (x->source_id < y->source_id);
  if (!c) c = (x->col > y->col) - (x->col < y->col);
  if (!c) c = (x->ord > y->ord) - (x->ord < y->ord);
  return c;
}

/* [*lo, *hi) is the curve starting at i. */
static size_t curve_end(const point *p, size_t n, size_t i) {
  size_t j = i;
  while (j < n && p[j].metric == p[i].metric &&   /* interned */
         p[j].split == p[i].split)
    j++;
  return j;
}

/* The last point of each epoch in [i, end): a log may write an epoch twice
** (a step inside it); its last value is the epoch's. */
static size_t epoch_points(const point *p, size_t i, size_t end, double *v,
                           size_t *at) {
  size_t k = 0;
  for (size_t j = i; j < end; j++) {
    if (k && p[at[k - 1]].epoch == p[j].epoch) k--;
    v[k] = p[j].value;
    at[k++] = j;
  }
  return k;
}

/* The epoch of the lowest validation loss (metric `loss`), NaN without
** one (r sorted). */
static double loss_best_epoch(const reader *r, const char *loss, double *v,
                              size_t *at) {
  double best = NAN;
  for (size_t i = 0; i < r->n; i = curve_end(r->p, r->n, i)) {
    if (strcmp(r->p[i].split, "validation") || strcmp(r->p[i].metric, loss))
      continue;
    size_t k = epoch_points(r->p, i, curve_end(r->p, r->n, i), v, at);
    int b = pod_best_index(v, k, -1);
    if (b >= 0) best = r->p[at[b]].epoch;
  }
  return best;
}

/* The epoch of the validation values logged at step (the checkpoint a
** Trainer kept), NaN when none was. */
static double kept_epoch(const reader *r, int64_t step) {
  for (size_t i = 0; i < r->n; i++)
    if (r->p[i].step == step && !strcmp(r->p[i].split, "validation"))
      return r->p[i].epoch;
  return NAN;
}

/* The best epoch: the checkpoint's a Trainer kept, else the lowest
** validation loss's; NaN: neither (each metric's own best then). */
static double best_epoch_of(const reader *r, double *v, size_t *at) {
  double e = r->has_kept ? kept_epoch(r, r->kept) : NAN;
  return isnan(e) ? loss_best_epoch(r, "loss", v, at) : e;
}

/* A Trainer evaluating on several datasets logs eval_<name>_<metric>:
** without a kept checkpoint or a plain loss, a metric <name>_<x> is
** taken at the lowest <name>_loss, as plain metrics at the lowest loss
** (NaN: no such loss). */
static double dataset_best_epoch(const reader *r, const char *metric,
                                 double *v, size_t *at) {
  const char *us = strrchr(metric, '_');
  char loss[256];
  if (!us || us == metric || (size_t)(us - metric) + 6 > sizeof loss)
    return NAN;
  snprintf(loss, sizeof loss, "%.*s_loss", (int)(us - metric), metric);
  return loss_best_epoch(r, loss, v, at);
}

/* The index among the k epoch values v of the curve starting at p: the
** best epoch's, else (no validation loss) the curve's own best; -1 when
** the curve was not measured at the best epoch. */
static int pick(const point *p, const double *v, const size_t *at, size_t k,
                const point *all, double best_epoch) {
  if (isnan(best_epoch)) return pod_best_index(v, k, p->direction);
  for (size_t j = 0; j < k; j++)
    if (all[at[j]].epoch == best_epoch) return (int)j;
  return -1;
}

/* The epochs a curve of k epoch points covers: k when each point is a
** whole epoch (Keras, Lightning), else the last epoch reached, rounded
** up: a Trainer evaluating every 200 steps has 7 points by epoch 13.46,
** which is "of 14", not "of 7". */
static size_t epochs_of(const point *p, const size_t *at, size_t k) {
  double last = 0;
  int whole = 1;
  for (size_t j = 0; j < k; j++) {
    double e = p[at[j]].epoch;
    if (e != floor(e)) whole = 0;
    if (e > last) last = e;
  }
  return whole ? k : (size_t)ceil(last);
}

static void reader_free(reader *r) {
  for (size_t i = 0; i < r->n_strs; i++) free(r->strs[i]);
  free(r->strs);
  for (size_t i = 0; i < r->n_given; i++) free(r->given[i]);
  free(r->p);
  free(r->given);
  free(r->given_value);
}

static int given(const reader *r, const point *p) {
  char *k = key_of(p->metric, p->split);
  int found = 0;
  for (size_t i = 0; i < r->n_given && !found; i++)
    found = !strcmp(r->given[i], k);
  free(k);
  return found;
}

int analysis_curve_results(store_db *db, int64_t run_id, int64_t kept_step,
                           char err[POD_ERRLEN]) {
  reader r;
  int rc;
  double best_epoch = NAN, *v;
  size_t *at, n_epochs = 0;
  memset(&r, 0, sizeof r);
  if ((rc = store_results_clear(db, run_id, err)) ||
      (rc = store_each_curve_point(db, run_id, take_row, &r, err)))
    goto done;
  if (!r.n) goto done;
  qsort(r.p, r.n, sizeof *r.p, by_curve);
  v = pod_xmalloc(r.n * sizeof *v);
  at = pod_xmalloc(r.n * sizeof *at);
  r.has_kept = kept_step >= 0;   /* the curve points hold no kept step */
  r.kept = kept_step;
  best_epoch = best_epoch_of(&r, v, at);
  for (size_t i = 0; i < r.n && !rc; i = curve_end(r.p, r.n, i)) {
    size_t end = curve_end(r.p, r.n, i), k;
    double e = isnan(best_epoch)
                   ? dataset_best_epoch(&r, r.p[i].metric, v, at) : best_epoch;
    int b;
    k = epoch_points(r.p, i, end, v, at);
    if (!k || given(&r, &r.p[i])) continue;
    if ((b = pick(&r.p[i], v, at, k, r.p, e)) < 0)
      continue;   /* not measured at the best epoch */
    n_epochs = epochs_of(r.p, at, k);
    rc = store_result_from_point(db, run_id, r.p[at[b]].id,
                                 r.p[at[b]].source_id, r.p[at[b]].col,
                                 ANALYSIS_BEST_EPOCH, (int64_t)n_epochs,
                                 err);
  }
  free(v);
  free(at);
done:
  reader_free(&r);
  return rc;
}

/* A run's results at the checkpoint its Trainer kept, as the ingest of
** its trainer_state.json picked them (the step is a value of the run). */
static int results_at_kept(store_db *db, int64_t run_id,
                           char err[POD_ERRLEN]) {
  int64_t kept;
  int rc = store_run_kept_step(db, run_id, &kept, err);
  return rc ? rc : analysis_curve_results(db, run_id, kept, err);
}

int analysis_missing_results(store_db *db, long *n_runs,
                             char err[POD_ERRLEN]) {
  store_ids l = {NULL, 0};
  int rc = store_each_run_without_results(db, store_take_id, &l, err);
  *n_runs = 0;
  if (!rc && l.n && !(rc = store_begin(db, err))) {
    for (size_t i = 0; i < l.n && !rc; i++)
      rc = results_at_kept(db, l.ids[i], err);
    if (rc) store_rollback(db);
    else rc = store_commit(db, err);
  }
  if (!rc && l.n) {  /* a run whose summary file gave every result gets
                     ** none and stays on the list: not counted */
    store_ids left = {NULL, 0};
    rc = store_each_run_without_results(db, store_take_id, &left, err);
    *n_runs = (long)(l.n - left.n);
    free(left.ids);
  }
  free(l.ids);
  return rc;
}

int analysis_source_results(store_db *db, int64_t source_id,
                            char err[POD_ERRLEN]) {
  store_ids l = {NULL, 0};
  int rc = store_each_source_run(db, source_id, store_take_id, &l, err);
  for (size_t i = 0; i < l.n && !rc; i++)
    rc = results_at_kept(db, l.ids[i], err);
  free(l.ids);
  return rc;
}

/* ---- the cross-check of a summary file against its curve ------------ */

static int close_to(double a, double b) {
  return fabs(a - b) <= 1e-6 * fmax(1, fmax(fabs(a), fabs(b)));
}

size_t analysis_curve_checks(const store_rows *rows, analysis_check *out,
                             size_t max) {
  reader r;
  size_t n_out = 0;
  double best_epoch = NAN, *v;
  size_t *at;
  memset(&r, 0, sizeof r);
  store_rows_each(rows, take_row, &r);
  if (r.n && r.n_given) {
    qsort(r.p, r.n, sizeof *r.p, by_curve);
    v = pod_xmalloc(r.n * sizeof *v);
    at = pod_xmalloc(r.n * sizeof *at);
    best_epoch = best_epoch_of(&r, v, at);   /* as the results were picked */
    for (size_t i = 0; i < r.n && n_out < max; i = curve_end(r.p, r.n, i)) {
      size_t k = epoch_points(r.p, i, curve_end(r.p, r.n, i), v, at);
      char *key = key_of(r.p[i].metric, r.p[i].split);
      int b = -1;
      for (size_t g = 0; g < r.n_given && k; g++) {
        analysis_check *c;
        if (strcmp(r.given[g], key)) continue;
        b = pick(&r.p[i], v, at, k, r.p, best_epoch);
        c = &out[n_out++];
        memset(c, 0, sizeof *c);
        snprintf(c->metric, sizeof c->metric, "%s", r.p[i].metric);
        snprintf(c->split, sizeof c->split, "%s", r.p[i].split);
        c->given = r.given_value[g];
        c->best = b >= 0 ? v[b] : NAN;
        c->best_epoch = b >= 0 ? r.p[at[b]].epoch : NAN;
        c->final = v[k - 1];
        c->final_epoch = r.p[at[k - 1]].epoch;
        c->agrees = (b >= 0 && close_to(c->given, c->best)) ||
                    close_to(c->given, c->final);
        break;
      }
      free(key);
    }
    free(v);
    free(at);
  }
  reader_free(&r);
  return n_out;
}

/* ---- a run page's curves (analysis.h) --------------------------------- */

typedef struct curve_set {
  analysis_curve *c;
  size_t n, cap;
} curve_set;

static int split_rank(const char *s) {
  static const char *const names[] = {"train", "training", "validation",
                                      "val", "eval", "test"};
  static const int ranks[] = {1, 1, 2, 2, 2, 3};
  for (int i = 0; i < 6; i++)
    if (!strcmp(s, names[i])) return ranks[i];
  return 9;
}

static int take_curve_row(const store_row *row, void *ud) {
  curve_set *cs = ud;
  const store_value *epoch = store_row_col(row, "epoch");
  const char *metric = store_row_text(row, "metric");
  const char *split = store_row_text(row, "split");
  analysis_curve *c = NULL;
  analysis_series *sr = NULL;
  if (epoch->type == STORE_NULL || !metric) return 0;
  if (!split) split = "all";
  for (size_t i = 0; i < cs->n && !c; i++)
    if (!strcmp(cs->c[i].metric, metric)) c = &cs->c[i];
  if (!c) {
    const char *unit = store_row_text(row, "unit");
    if (cs->n == cs->cap) {
      cs->cap = cs->cap ? 2 * cs->cap : 4;
      cs->c = pod_xrealloc(cs->c, cs->cap * sizeof *cs->c);
    }
    c = &cs->c[cs->n++];
    memset(c, 0, sizeof *c);
    c->metric = pod_xstrdup(metric);
    c->unit = unit ? pod_xstrdup(unit) : NULL;
    c->direction = (int)store_row_col(row, "direction")->i;
    c->judged = c->direction != 0 && (!unit || !*unit || !strcmp(unit, "%"));
  }
  for (size_t i = 0; i < c->n && !sr; i++)
    if (!strcmp(c->s[i].split, split)) sr = &c->s[i];
  if (!sr) {
    c->s = pod_xrealloc(c->s, (c->n + 1) * sizeof *c->s);
    sr = &c->s[c->n++];
    memset(sr, 0, sizeof *sr);
    sr->split = pod_xstrdup(split);
    sr->rank = split_rank(split);
  }
  if (sr->n == sr->cap) {
    sr->cap = sr->cap ? 2 * sr->cap : 16;
    sr->p = pod_xrealloc(sr->p, sr->cap * sizeof *sr->p);
  }
  sr->p[sr->n].epoch = *epoch;
  sr->p[sr->n].value = *store_row_col(row, "value");
  sr->p[sr->n].epoch.s = sr->p[sr->n].value.s = NULL;   /* numbers only */
  sr->n++;
  return 0;
}

static double num_of(const store_value *v) {
  return v->type == STORE_INT ? (double)v->i : v->d;
}

static int by_rank(const void *a, const void *b) {
  const analysis_series *x = a, *y = b;
  if (x->rank != y->rank) return x->rank - y->rank;
  return strcmp(x->split, y->split);
}

/* Epoch order; points of one epoch keep the order their rows came in
** (a merge sort: stable). */
static void sort_points(analysis_point *p, size_t n, analysis_point *tmp) {
  size_t h = n / 2, i = 0, j = h, k = 0;
  if (n < 2) return;
  sort_points(p, h, tmp);
  sort_points(p + h, n - h, tmp);
  while (i < h && j < n)
    tmp[k++] = num_of(&p[j].epoch) < num_of(&p[i].epoch) ? p[j++] : p[i++];
  while (i < h) tmp[k++] = p[i++];
  while (j < n) tmp[k++] = p[j++];
  memcpy(p, tmp, n * sizeof *p);
}

/* The best validation epoch over the validation series (the first
** best value wins a tie) and the shading after it: the run page's mark. */
static void best_epoch(analysis_curve *c) {
  double best_v = 0;
  const analysis_point *last = NULL;
  for (size_t i = 0; i < c->n; i++) {
    const analysis_series *sr = &c->s[i];
    if (sr->rank != 2 || !c->judged) continue;
    for (size_t k = 0; k < sr->n; k++) {
      double v = num_of(&sr->p[k].value);
      if (!c->has_best || (c->direction < 0 && v < best_v) ||
          (c->direction > 0 && v > best_v)) {
        c->has_best = 1;
        c->best = num_of(&sr->p[k].epoch);
        best_v = v;
      }
    }
    if (sr->n) last = &sr->p[sr->n - 1];
  }
  if (c->has_best && last && num_of(&last->epoch) > c->best &&
      num_of(&last->value) != best_v) {
    c->has_shade = 1;
    c->shade_to = num_of(&last->epoch);
  }
}

size_t analysis_run_curves(const store_rows *rows, analysis_curve **out) {
  curve_set cs = {NULL, 0, 0};
  store_rows_each(rows, take_curve_row, &cs);
  for (size_t i = 0; i < cs.n; i++) {
    analysis_curve *c = &cs.c[i];
    qsort(c->s, c->n, sizeof *c->s, by_rank);
    c->train = c->validation = -1;
    for (size_t k = 0; k < c->n; k++) {
      analysis_point *tmp = pod_xmalloc((c->s[k].n + 1) * sizeof *tmp);
      sort_points(c->s[k].p, c->s[k].n, tmp);
      free(tmp);
      if (c->s[k].rank == 1 && c->train < 0) c->train = (int)k;
      if (c->s[k].rank == 2 && c->validation < 0) c->validation = (int)k;
    }
    best_epoch(c);
  }
  *out = cs.c;
  return cs.n;
}

void analysis_run_curves_free(analysis_curve *c, size_t n) {
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; k < c[i].n; k++) {
      free(c[i].s[k].split);
      free(c[i].s[k].p);
    }
    free(c[i].s);
    free(c[i].metric);
    free(c[i].unit);
  }
  free(c);
}
