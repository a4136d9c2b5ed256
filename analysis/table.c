/*
** analysis/table.c -- the study table of one dataset (analysis.h): every
** model of the dataset with its accuracy, latency, memory, energy and
** emissions, each over its runs, and what it changes against its
** baseline. Columns are picked from what the dataset's runs carry, so a
** study without energy measurements has no energy column.
*/
#include "analysis/analysis.h"
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One run's values of one metric at one point (or a quality metric's
** split), summed. */
typedef struct val {
  size_t unit;
  int64_t run;
  int dataset_free;
  const char *metric, *unit_name, *split;   /* gather's names */
  int direction;
  int64_t batch, seq;
  double sum, at_epoch;
  int count, of_epochs;
} val;

/* The columns take reads, by place (store_row_col_at: ~14 columns a
** row, a scan of ~15 names each was 15% of finding a 10,000-run
** study). */
enum { TC_METRIC, TC_UNIT, TC_SPLIT, TC_AT_EPOCH, TC_OF_EPOCHS, TC_DIRECTION,
       TC_BATCH, TC_SEQ, TC_VALUE, TC_EPOCH, TC_STEP, TC_N };
static const char *const tc_names[TC_N] = {
    "metric", "unit", "split", "at_epoch", "of_epochs", "direction",
    "batch_size", "sequence_length", "value", "epoch", "step"};

typedef struct gather {
  const analysis_unit *units;
  size_t unit;
  int64_t run;
  int dataset_free;
  size_t run_start;   /* the current run's first value in v */
  val *v;
  size_t n, cap;
  char **names;       /* each metric, unit and split once (a copy a
                      ** value was three allocations a value) */
  size_t n_names;
  int col[TC_N];      /* take's columns' places (store_row_col_at) */
} gather;

/* name as a text of g's (the rows lend theirs). */
static const char *name_of(gather *g, const char *name) {
  for (size_t i = g->n_names; i-- > 0;)
    if (!strcmp(g->names[i], name)) return g->names[i];
  g->names = pod_xrealloc(g->names, (g->n_names + 1) * sizeof *g->names);
  return g->names[g->n_names++] = pod_xstrdup(name);
}

/* The cell of every row in a column no model has (fill_cell's for it). */
static const analysis_cell empty = {.mean = NAN, .sd = NAN, .lo = NAN,
                                    .hi = NAN, .at_epoch = NAN,
                                    .change = NAN, .change_lo = NAN,
                                    .change_hi = NAN};

static int same_text(const char *a, const char *b) {
  return (!a && !b) || (a && b && !strcmp(a, b));
}

static const store_value *col_at(int *at, const store_row *row, int k) {
  return store_row_col_at(row, tc_names[k], &at[k]);
}

static const char *text_at(int *at, const store_row *row, int k) {
  return store_row_text_at(row, tc_names[k], &at[k]);
}

/* analysis_table_reads, from the row's columns (at: col_at's places). */
static int reads(int *at, const store_row *row) {
  const char *metric = text_at(at, row, TC_METRIC);
  const char *unit = text_at(at, row, TC_UNIT);
  int direction = (int)col_at(at, row, TC_DIRECTION)->i;
  if (col_at(at, row, TC_EPOCH)->type != STORE_NULL ||
      col_at(at, row, TC_STEP)->type != STORE_NULL || !metric ||
      !isfinite(col_at(at, row, TC_VALUE)->d))
    return 0;
  /* only what a column can show (pick_quality, pick_point): a CodeCarbon
  ** run's power and duration readings were four fifths of the values
  ** gathered, ~150 MB of a 100,000-run render's peak (issue 17) */
  return analysis_is_quality(metric, unit ? unit : "", direction) ||
         !strcmp(metric, "inference_time") ||
         !strcmp(metric, "inference_memory") ||
         !strcmp(metric, "energy_consumed") || !strcmp(metric, "emissions");
}

int analysis_table_reads(const store_row *row) {
  int at[TC_N];
  for (int k = 0; k < TC_N; k++) at[k] = -1;
  return reads(at, row);
}

static int take(const store_row *row, void *ud) {
  gather *g = ud;
  int *c = g->col;
  const char *metric = text_at(c, row, TC_METRIC);
  const char *unit = text_at(c, row, TC_UNIT);
  const char *split = text_at(c, row, TC_SPLIT);
  const store_value *at = col_at(c, row, TC_AT_EPOCH);
  int direction = (int)col_at(c, row, TC_DIRECTION)->i;
  int64_t b = store_value_int_or(col_at(c, row, TC_BATCH), -1),
          q = store_value_int_or(col_at(c, row, TC_SEQ), -1);
  double x = col_at(c, row, TC_VALUE)->d;
  val *v;
  if (!reads(c, row)) return 0;
  if (!unit) unit = "";
  /* a run's values are gathered together: look among its own only */
  for (size_t i = g->run_start; i < g->n; i++) {
    v = &g->v[i];
    if (v->run == g->run && v->unit == g->unit && v->batch == b &&
        v->seq == q && !strcmp(v->metric, metric) && same_text(v->split, split)) {
      v->sum += x;
      v->count++;
      return 0;
    }
  }
  if (g->n == g->cap) {
    g->cap = g->cap ? 2 * g->cap : 64;
    g->v = pod_xrealloc(g->v, g->cap * sizeof *g->v);
  }
  v = &g->v[g->n++];
  memset(v, 0, sizeof *v);
  v->unit = g->unit;
  v->run = g->run;
  v->dataset_free = g->dataset_free;
  v->metric = name_of(g, metric);
  v->unit_name = name_of(g, unit);
  v->split = split ? name_of(g, split) : NULL;
  v->direction = direction;
  v->batch = b;
  v->seq = q;
  v->sum = x;
  v->count = 1;
  v->at_epoch = at->type == STORE_NULL ? NAN : at->d;
  v->of_epochs = (int)col_at(c, row, TC_OF_EPOCHS)->i;
  return 0;
}

/* How much a quality metric suits the accuracy column: the primary
** metric, accuracy, then another higher-is-better score, then a loss;
** validation before test before train. */
static int quality_pref(const val *v, const char *primary) {
  int split = !v->split ? 1 : !strcmp(v->split, "validation") ? 3
              : !strcmp(v->split, "test") ? 2 : 0;
  int name = primary && !strcmp(v->metric, primary) ? 40
             : !strcmp(v->metric, "accuracy") ? 30
             : v->direction > 0 ? 20 : 10;
  return name + split;
}

static void pick_quality(analysis_table *t, const gather *g,
                         const char *primary) {
  int best = -1;
  for (size_t i = 0; i < g->n; i++) {
    const val *v = &g->v[i];
    if (!analysis_is_quality(v->metric, v->unit_name, v->direction)) continue;
    if (quality_pref(v, primary) > best) {
      best = quality_pref(v, primary);
      t->col[ANALYSIS_COL_QUALITY] = (analysis_column){
          v->metric, v->unit_name, v->split, v->direction, -1, -1};
    }
  }
}

/* The point of metric that most units have; ties: the smaller batch,
** then the longer sequence. Each distinct point is counted once (per
** value it was quadratic: minutes for a 10,000-model dataset). */
static void pick_point(analysis_table *t, int col, const char *metric,
                       const gather *g, size_t n_units) {
  size_t best_count = 0, n_pts = 0;
  int64_t bb = -1, bs = -1;
  const val *found = NULL;
  const val **pts = NULL;   /* the first value at each point, in order */
  char *seen = pod_xmalloc(n_units + 1);
  for (size_t i = 0; i < g->n; i++) {
    const val *v = &g->v[i];
    size_t k = 0;
    if (strcmp(v->metric, metric)) continue;
    while (k < n_pts && (pts[k]->batch != v->batch || pts[k]->seq != v->seq))
      k++;
    if (k < n_pts) continue;
    pts = pod_xrealloc(pts, (n_pts + 1) * sizeof *pts);
    pts[n_pts++] = v;
  }
  for (size_t p = 0; p < n_pts; p++) {
    const val *v = pts[p];
    size_t count = 0;
    memset(seen, 0, n_units + 1);
    for (size_t j = 0; j < g->n; j++)
      if (g->v[j].batch == v->batch && g->v[j].seq == v->seq &&
          !seen[g->v[j].unit] && !strcmp(g->v[j].metric, metric)) {
        seen[g->v[j].unit] = 1;
        count++;
      }
    if (count > best_count ||
        (count == best_count && (v->batch < bb ||
                                 (v->batch == bb && v->seq > bs)))) {
      best_count = count;
      bb = v->batch;
      bs = v->seq;
      found = v;
    }
  }
  free(seen);
  free(pts);
  if (found)
    t->col[col] = (analysis_column){found->metric, found->unit_name, NULL,
                                    found->direction, bb, bs};
}

static int in_column(const analysis_column *c, const val *v) {
  if (!c->metric || strcmp(c->metric, v->metric)) return 0;
  if (c->split && !same_text(c->split, v->split)) return 0;
  return v->batch == c->batch && v->seq == c->seq;
}

/* The cell of a unit whose values are g->v[from, to) (a unit's values
** are gathered together). */
static void fill_cell(analysis_cell *cell, const analysis_column *c,
                      const gather *g, size_t unit, size_t from, size_t to) {
  double *x = pod_xmalloc((to - from + 1) * sizeof *x);
  size_t k = 0, n_free = 0;
  pod_sample s;
  memset(cell, 0, sizeof *cell);
  cell->at_epoch = cell->change = cell->change_lo = cell->change_hi = NAN;
  cell->mean = cell->sd = cell->lo = cell->hi = NAN;
  for (size_t i = from; i < to; i++) {
    const val *v = &g->v[i];
    if (v->unit != unit || !in_column(c, v)) continue;
    if (!cell->run_id) cell->run_id = v->run;
    x[k++] = v->sum / v->count;
    n_free += v->dataset_free;
    if (!isnan(v->at_epoch) && isnan(cell->at_epoch)) {
      cell->at_epoch = v->at_epoch;
      cell->of_epochs = v->of_epochs;
    }
  }
  if (k) {
    pod_sample_of(x, k, &s);
    cell->n = s.n;
    cell->mean = s.mean;
    cell->sd = s.sd;
    pod_mean_ci(&s, &cell->lo, &cell->hi);
    cell->dataset_free = n_free == k;
  }
  free(x);
}

/* The change of cell o against b: pp for accuracy-like quality, else the
** ratio o / b; intervals when both have n >= 2. */
static void change_of(analysis_cell *o, const analysis_cell *b, int pp) {
  pod_sample sb = {b->mean, b->sd, b->n}, so = {o->mean, o->sd, o->n};
  double lo = NAN, hi = NAN;
  if (!o->n || !b->n) return;
  o->change_pp = pp;
  if (pp) {
    o->change = pod_diff_ci(&sb, &so, &lo, &hi) * 100;
    o->change_lo = lo * 100;
    o->change_hi = hi * 100;
  } else if (b->mean > 0) {
    o->change = pod_ratio_ci(&sb, &so, &lo, &hi);
    o->change_lo = lo;
    o->change_hi = hi;
  }
  if (o->n < 2 || b->n < 2) o->change_lo = o->change_hi = NAN;
}

static int accuracy_like(const analysis_column *c, const analysis_table *t,
                         int col) {
  if (!c->metric || *c->unit || c->direction <= 0) return 0;
  for (size_t i = 0; i < t->n_rows; i++) {
    const analysis_cell *x = t->rows[i].cell[col];
    if (x->n && (x->mean < 0 || x->mean > 1)) return 0;
  }
  return 1;
}

/* Ranked by the rank column in its direction; rows without it last. */
typedef struct rank_ctx {
  int col, dir;
} rank_ctx;

/* -1: a before b. Rows without a value last; equal rows keep their
** order (the sort is by index too). */
typedef struct ranked {
  analysis_table_row row;
  size_t at;
  const rank_ctx *c;
} ranked;

static int by_rank(const void *pa, const void *pb) {
  const ranked *a = pa, *b = pb;
  const analysis_cell *x = a->row.cell[a->c->col], *y = b->row.cell[a->c->col];
  if (!x->n != !y->n) return x->n ? -1 : 1;
  if (x->n && x->mean != y->mean)
    return (a->c->dir < 0 ? x->mean < y->mean : x->mean > y->mean) ? -1 : 1;
  return (a->at > b->at) - (a->at < b->at);
}

static void rank_rows(analysis_table *t) {
  rank_ctx c = {t->rank_col, t->col[t->rank_col].direction < 0 ? -1 : 1};
  ranked *r;
  if (t->n_rows < 2) return;
  /* a sort, not insertion: a dataset may have 10,000 models */
  r = pod_xmalloc(t->n_rows * sizeof *r);
  for (size_t i = 0; i < t->n_rows; i++) r[i] = (ranked){t->rows[i], i, &c};
  qsort(r, t->n_rows, sizeof *r, by_rank);
  for (size_t i = 0; i < t->n_rows; i++) t->rows[i] = r[i].row;
  free(r);
}

int analysis_study_table(store_db *db, const analysis_study *s,
                         const char *scope, const char *primary,
                         const analysis_rows_src *src, analysis_table **out,
                         char err[POD_ERRLEN]) {
  size_t n_units;
  const analysis_unit *u = analysis_study_units(s, &n_units);
  analysis_table *t = pod_xmalloc(sizeof *t);
  gather g;
  size_t *from = NULL, *to = NULL, *base = NULL;  /* per row */
  size_t cap = 0;   /* of rows, from and to */
  int rc = POD_OK;
  memset(t, 0, sizeof *t);
  memset(&g, 0, sizeof g);
  *out = NULL;
  t->scope = scope;
  g.units = u;
  for (size_t k = 0; k < n_units && !rc; k++) {
    if (strcmp(u[k].scope, scope)) continue;
    if (t->n_rows == cap) {   /* doubled: one realloc a row was a copy of
                              ** the table per row at 10,000 models */
      cap = cap ? 2 * cap : 16;
      t->rows = pod_xrealloc(t->rows, cap * sizeof *t->rows);
      from = pod_xrealloc(from, cap * sizeof *from);
      to = pod_xrealloc(to, cap * sizeof *to);
    }
    memset(&t->rows[t->n_rows], 0, sizeof t->rows[0]);
    from[t->n_rows] = g.n;
    t->rows[t->n_rows++].unit = &u[k];
    g.unit = k;
    for (size_t i = 0; i < u[k].n_runs && !rc; i++) {
      g.run = u[k].runs[i];
      g.run_start = g.n;
      g.dataset_free = i >= u[k].n_runs - u[k].n_free;
      rc = src ? src->each(src->ud, db, g.run, take, &g, err)
               : store_each_measurement(db, g.run, take, &g, err);
    }
    to[t->n_rows - 1] = g.n;
  }
  if (!rc) {
    pick_quality(t, &g, primary);
    pick_point(t, ANALYSIS_COL_LATENCY, "inference_time", &g, n_units);
    pick_point(t, ANALYSIS_COL_MEMORY, "inference_memory", &g, n_units);
    pick_point(t, ANALYSIS_COL_ENERGY, "energy_consumed", &g, n_units);
    pick_point(t, ANALYSIS_COL_EMISSIONS, "emissions", &g, n_units);
    size_t *bases = pod_xmalloc((t->n_rows + 1) * sizeof *bases), n_bases = 0;
    int n_cols = 0;
    for (int c = 0; c < ANALYSIS_N_COLS; c++) n_cols += t->col[c].metric != NULL;
    /* row r's cells: t->cells[r * n_cols, (r + 1) * n_cols), in column
    ** order (rows are not ranked yet) */
    t->cells = pod_xmalloc((t->n_rows * (size_t)n_cols + 1) * sizeof *t->cells);
    for (size_t r = 0; r < t->n_rows; r++)
      for (int c = 0, k = 0; c < ANALYSIS_N_COLS; c++) {
        analysis_cell *cell = &t->cells[r * (size_t)n_cols + (size_t)k];
        if (!t->col[c].metric) {
          t->rows[r].cell[c] = &empty;
          continue;
        }
        fill_cell(cell, &t->col[c], &g, (size_t)(t->rows[r].unit - u),
                  from[r], to[r]);
        t->rows[r].cell[c] = cell;
        k++;
      }
    /* each optimized model against its (first) baseline: the baseline
    ** rows are listed once (looking through every row per row was
    ** quadratic) */
    base = pod_xmalloc((t->n_rows + 1) * sizeof *base);
    for (size_t r = 0; r < t->n_rows; r++)
      if (t->rows[r].unit->role == 0) bases[n_bases++] = r;
    for (size_t r = 0; r < t->n_rows; r++) {
      analysis_table_row *row = &t->rows[r];
      if (row->unit->role != 1) continue;
      for (size_t b = 0; b < n_bases && !row->baseline; b++) {
        const analysis_unit *bu = t->rows[bases[b]].unit;
        if (!row->unit->baseline || !strcmp(row->unit->baseline, bu->model)) {
          row->baseline = bu;
          base[r] = bases[b];
        }
      }
    }
    free(bases);
    for (int c = 0; c < ANALYSIS_N_COLS; c++) {
      int pp = c == ANALYSIS_COL_QUALITY && accuracy_like(&t->col[c], t, c);
      for (size_t r = 0; r < t->n_rows && t->col[c].metric; r++)
        if (t->rows[r].baseline)   /* the row's own cell, in t->cells */
          change_of((analysis_cell *)t->rows[r].cell[c],
                    t->rows[base[r]].cell[c], pp);
    }
    t->rank_col = ANALYSIS_COL_QUALITY;
    for (int c = 0; primary && c < ANALYSIS_N_COLS; c++)
      if (t->col[c].metric && !strcmp(t->col[c].metric, primary))
        t->rank_col = c;
    if (!t->col[t->rank_col].metric) t->rank_col = ANALYSIS_COL_LATENCY;
    rank_rows(t);
  }
  /* the columns borrow the gathered names: keep them with the table */
  if (!rc) {
    for (int c = 0; c < ANALYSIS_N_COLS; c++) {
      analysis_column *col = &t->col[c];
      if (!col->metric) continue;
      col->metric = pod_xstrdup(col->metric);
      col->unit = pod_xstrdup(col->unit);
      col->split = col->split ? pod_xstrdup(col->split) : NULL;
    }
  }
  for (size_t i = 0; i < g.n_names; i++) free(g.names[i]);
  free(g.names);
  free(g.v);
  free(from);
  free(to);
  free(base);
  if (rc) {
    free(t->rows);
    free(t->cells);
    free(t);
    return rc;
  }
  *out = t;
  return POD_OK;
}

void analysis_table_free(analysis_table *t) {
  if (!t) return;
  for (int c = 0; c < ANALYSIS_N_COLS; c++) {
    if (!t->col[c].metric) continue;
    free((char *)t->col[c].metric);
    free((char *)t->col[c].unit);
    free((char *)t->col[c].split);
  }
  free(t->rows);
  free(t->cells);
  free(t);
}
