/*
** analysis/compare.c -- baseline against optimized: which values pair up,
** the ratio, speed-up or percentage-point difference of each, its 95%
** interval when both sides have repeats, what differs between the
** machines and measurement methods behind each row, and whether an
** optimized model keeps its accuracy target (docs/COMPARE.md).
**
** Used by `podium compare` (JSON, Markdown, text) and by render/ for the
** compare pages; the statistics are core/stats.c, the reads store/.
** Comparability is judged per row, on the runs that carry its values: a
** run that describes no machine (a training log) is no environment, and
** a side whose values at one point come from two machines is flagged.
*/
#include "analysis/analysis_int.h"
#include "core/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One run's mean at one point: (scope, metric, batch, seq, split). */
typedef struct obs {
  int side;                      /* 0 baseline, 1 optimized */
  int64_t run, env;              /* env 0: the run names no machine */
  int dataset_free;
  char *scope, *metric, *unit, *split;
  int direction;
  int64_t batch, seq;            /* -1: not an axis of this value */
  double sum;
  int count;
  double at_epoch;               /* a result from a curve, else NaN */
  int of_epochs;
  char *method;                  /* core/method.h names, or NULL */
} obs;

/* The comparability facts of a machine. */
enum { F_GPU, F_CPU, F_COUNTRY, F_REGION, F_PUE, F_TRACKING, F_FRAMEWORK,
       F_METHOD, F_COUNT_ };
static const char *const fact_names[F_COUNT_] = {
  "GPU", "CPU", "country", "region", "PUE", "tracking mode",
  "framework version", "measurement method"};
/* Their message keys, for pages (render_i18n_c_keys). */
static const char *const fact_keys[F_COUNT_] = {
  "compare.fact.gpu", "compare.fact.cpu", "compare.fact.country",
  "compare.fact.region", "compare.fact.pue", "compare.fact.tracking",
  "compare.fact.framework", "compare.fact.method"};

typedef struct env_facts {
  int64_t id;
  char *fact[F_METHOD];          /* "unknown" when the row lacks it */
} env_facts;

typedef struct loader {
  store_db *db;
  analysis_cmp *c;
  const char *dataset;           /* keep runs of it (and dataset-free) */
  const char *scope_as;          /* a unit's scope: every value's scope */
  int side, dataset_free;
  size_t in_dataset;             /* runs of l->dataset itself, this side */
  int common_scope;              /* 1: every run so far has first_scope */
  char *first_scope;
  int64_t run, env;
  char scope[512];
  obs *obs;
  size_t n_obs, cap_obs;
  env_facts *envs;
  size_t n_envs;
  char err[POD_ERRLEN];
} loader;

/* ---- rows in -------------------------------------------------------- */

static int same_text(const char *a, const char *b) {
  return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Adds s to a " / "-joined set unless it is there. */
static void fact_add(pod_buf *b, const char *s) {
  const char *p = pod_buf_str(b);
  size_t n = strlen(s);
  while (*p) {
    const char *end = strstr(p, " / ");
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && !strncmp(p, s, n)) return;
    p += len + (end ? 3 : 0);
  }
  if (b->len) pod_buf_adds(b, " / ");
  pod_buf_adds(b, s);
}

static int take_measurement(const store_row *row, void *ud) {
  loader *l = ud;
  const char *metric = store_row_text(row, "metric"), *split = store_row_text(row, "split");
  const char *method = store_row_text(row, "method"), *unit = store_row_text(row, "unit");
  int64_t batch = store_row_int(row, "batch_size", -1);
  int64_t seq = store_row_int(row, "sequence_length", -1);
  int direction = (int)store_row_col(row, "direction")->i;
  double v = store_row_col(row, "value")->d;
  const store_value *at = store_row_col(row, "at_epoch");
  obs *o;
  /* per-epoch and per-step values are curves, not results; instrument
  ** readings and training diagnostics are not compared */
  if (store_row_col(row, "epoch")->type != STORE_NULL ||
      store_row_col(row, "step")->type != STORE_NULL || !metric ||
      !isfinite(v) || !analysis_is_result(NULL, metric, unit ? unit : "",
                                          direction))
    return 0;
  for (size_t i = 0; i < l->n_obs; i++) {
    o = &l->obs[i];
    if (o->side == l->side && o->run == l->run && o->batch == batch &&
        o->seq == seq && !strcmp(o->metric, metric) &&
        same_text(o->split, split) && !strcmp(o->scope, l->scope)) {
      o->sum += v;
      o->count++;
      if (!same_text(o->method, method)) {  /* mixed: both, joined */
        pod_buf b = POD_BUF_INIT;
        pod_buf_adds(&b, o->method ? o->method : "unknown");
        fact_add(&b, method ? method : "unknown");
        free(o->method);
        o->method = pod_buf_detach(&b);
      }
      return 0;
    }
  }
  if (l->n_obs == l->cap_obs) {
    l->cap_obs = l->cap_obs ? 2 * l->cap_obs : 64;
    l->obs = pod_xrealloc(l->obs, l->cap_obs * sizeof *l->obs);
  }
  o = &l->obs[l->n_obs++];
  memset(o, 0, sizeof *o);
  o->side = l->side;
  o->run = l->run;
  o->env = l->env;
  o->dataset_free = l->dataset_free;
  o->scope = pod_xstrdup(l->scope);
  o->metric = pod_xstrdup(metric);
  o->unit = pod_xstrdup(unit ? unit : "");
  o->split = split ? pod_xstrdup(split) : NULL;
  o->direction = direction;
  o->batch = batch;
  o->seq = seq;
  o->sum = v;
  o->count = 1;
  o->at_epoch = at->type == STORE_NULL ? NAN : at->d;
  o->of_epochs = (int)store_row_col(row, "of_epochs")->i;
  /* the measurement method: that of the energy, power and emissions
  ** figures (docs/COMPARE.md); other metrics have none */
  if (!strcmp(o->unit, "kWh") || !strcmp(o->unit, "kg") ||
      !strcmp(o->unit, "W"))
    o->method = pod_xstrdup(method ? method : "unknown");
  return 0;
}

static int take_env(const store_row *row, void *ud) {
  env_facts *e = ud;
  static const char *const cols[] = {"gpu_model", "cpu_model", "country",
                                     "region", NULL, "tracking_mode"};
  const char *fw = store_row_text(row, "framework"), *fv = store_row_text(row, "framework_version");
  pod_buf b = POD_BUF_INIT;
  for (int i = 0; i < 6; i++)
    if (cols[i])
      e->fact[i] = pod_xstrdup(store_row_text(row, cols[i])
                                   ? store_row_text(row, cols[i]) : "unknown");
  if (store_row_col(row, "pue")->type == STORE_NULL)
    e->fact[F_PUE] = pod_xstrdup("unknown");
  else {
    pod_buf_printf(&b, "%g", store_row_col(row, "pue")->d);
    e->fact[F_PUE] = pod_buf_detach(&b);
  }
  pod_buf_printf(&b, "%s%s%s", fw ? fw : "", fw && fv ? " " : "",
                 fv ? fv : "");
  e->fact[F_FRAMEWORK] = pod_xstrdup(b.len ? b.data : "unknown");
  pod_buf_free(&b);
  return 0;
}

/* The facts of environment id, read once per comparison. */
static int env_of(loader *l, int64_t id) {
  env_facts *e;
  if (!id) return POD_OK;
  for (size_t i = 0; i < l->n_envs; i++)
    if (l->envs[i].id == id) return POD_OK;
  l->envs = pod_xrealloc(l->envs, (l->n_envs + 1) * sizeof *l->envs);
  e = &l->envs[l->n_envs++];
  memset(e, 0, sizeof *e);
  e->id = id;
  return store_get_env(l->db, id, take_env, e, l->err);
}

static const env_facts *facts_of(const loader *l, int64_t id) {
  for (size_t i = 0; i < l->n_envs; i++)
    if (l->envs[i].id == id) return &l->envs[i];
  return NULL;
}

/* Loads one run of one side: its values and environment. */
static int load_run(const store_row *row, void *ud) {
  loader *l = ud;
  analysis_cmp *c = l->c;
  const char *scope = store_row_text(row, "scope"), *dataset = store_row_text(row, "dataset");
  int rc;
  if (!scope) scope = "";
  /* a run without a dataset, compared within one: its values apply to
  ** every dataset of its model (a unit says which of its runs are so) */
  if (!l->scope_as)
    l->dataset_free = l->dataset && !dataset && strcmp(l->dataset, scope);
  /* --dataset D: the runs of D, and those that name no dataset */
  if (l->dataset && strcmp(l->dataset, scope) &&
      !same_text(l->dataset, dataset) && dataset)
    return 0;
  if (!l->dataset_free) l->in_dataset++;
  if (!l->first_scope) {
    l->first_scope = pod_xstrdup(scope);
    l->common_scope = 1;
  } else if (strcmp(l->first_scope, scope)) {
    l->common_scope = 2;
  }
  l->run = store_row_col(row, "id")->i;
  l->env = store_row_col(row, "environment_id")->i;
  snprintf(l->scope, sizeof l->scope, "%s",
           l->scope_as ? l->scope_as : l->dataset ? l->dataset : scope);
  c->runs[l->side] = pod_xrealloc(c->runs[l->side], (c->n_runs[l->side] + 1) *
                                                        sizeof(int64_t));
  c->runs[l->side][c->n_runs[l->side]++] = l->run;
  if (!c->label[l->side]) {
    const char *model = store_row_text(row, "model");
    c->label[l->side] = pod_xstrdup(model ? model : "?");
  }
  if ((rc = env_of(l, l->env))) return rc;
  return store_each_measurement(l->db, l->run, take_measurement, l, l->err);
}

/* ---- the table ------------------------------------------------------- */

static int accuracy_like(const char *unit, int direction, const double *v,
                         size_t n) {
  if (*unit || direction <= 0) return 0;
  for (size_t i = 0; i < n; i++)
    if (v[i] < 0 || v[i] > 1) return 0;
  return 1;
}

static const char *direction_verdict(double opt, double base, int direction) {
  double change = opt - base;
  /* a mean's rounding (0.825 against 0.8250000000000001) is no change */
  if (fabs(change) <= 1e-12 * fmax(fabs(opt), fabs(base))) return "same";
  if (direction == 0) return "different";
  return (change > 0) == (direction > 0) ? "better" : "worse";
}

/* Fills row r from the per-run means of both sides at one point. */
static void compute_row(analysis_cmp_row *r, const double *b, size_t nb,
                        const double *o, size_t no) {
  pod_sample sb, so;
  pod_sample_of(b, nb, &sb);
  pod_sample_of(o, no, &so);
  r->base.mean = sb.mean; r->base.sd = sb.sd; r->base.n = sb.n;
  r->opt.mean = so.mean;  r->opt.sd = so.sd;  r->opt.n = so.n;
  pod_mean_ci(&sb, &r->base.lo, &r->base.hi);
  pod_mean_ci(&so, &r->opt.lo, &r->opt.hi);
  r->speedup = r->diff_pp = NAN;
  r->ratio = pod_ratio_ci(&sb, &so, &r->lo, &r->hi);
  r->change_pct = (r->ratio - 1) * 100;
  if (!strcmp(r->unit, "s") && so.mean > 0) r->speedup = sb.mean / so.mean;
  r->is_difference = accuracy_like(r->unit, r->direction, b, nb) &&
                     accuracy_like(r->unit, r->direction, o, no);
  if (r->is_difference) {
    r->diff_pp = pod_diff_ci(&sb, &so, &r->lo, &r->hi) * 100;
    r->lo *= 100;
    r->hi *= 100;
  }
  if (!(sb.mean > 0)) r->ratio = r->change_pct = NAN;
  r->verdict = direction_verdict(so.mean, sb.mean, r->direction);
  r->note = NULL;
  if (sb.n < 2 || so.n < 2) {
    r->note = "n = 1: no interval";
  } else if (isnan(r->lo)) {
    r->note = "no interval: a mean is not positive";
  } else {
    double null = r->is_difference ? 0 : 1;
    if (r->lo <= null && null <= r->hi) r->verdict = "within noise";
  }
}

static analysis_cmp_row *row_new(analysis_cmp *c) {
  if (c->n_rows == c->cap_rows) {
    c->cap_rows = c->cap_rows ? 2 * c->cap_rows : 16;
    c->rows = pod_xrealloc(c->rows, c->cap_rows * sizeof *c->rows);
  }
  memset(&c->rows[c->n_rows], 0, sizeof c->rows[0]);
  return &c->rows[c->n_rows++];
}

static int same_point(const obs *a, const obs *b) {
  return a->batch == b->batch && a->seq == b->seq &&
         !strcmp(a->metric, b->metric) && !strcmp(a->scope, b->scope) &&
         same_text(a->split, b->split);
}

/* Same scope and metric, and equal on every axis both have (an axis one
** side lacks, -1 or NULL, does not keep them apart). */
static int axes_meet(const obs *a, const obs *b) {
  return !strcmp(a->metric, b->metric) && !strcmp(a->scope, b->scope) &&
         (a->batch == b->batch || a->batch < 0 || b->batch < 0) &&
         (a->seq == b->seq || a->seq < 0 || b->seq < 0) &&
         (same_text(a->split, b->split) || !a->split || !b->split);
}

/* What one side of one row stands on: its values' machines and methods. */
typedef struct side_facts {
  pod_buf fact[F_COUNT_];
  int64_t envs[8];
  size_t n_envs;
} side_facts;

static void side_facts_free(side_facts *f) {
  for (int k = 0; k < F_COUNT_; k++) pod_buf_free(&f->fact[k]);
}

/* Collects the per-run means of side's values at ob[at]'s point into v,
** marking them in mark, and the facts of the machines they come from;
** fills s's run, method, dataset_free and epoch fields. */
static size_t collect(const loader *l, size_t at, int side, char *mark,
                      double *v, analysis_cmp_side *s, side_facts *f) {
  const obs *ob = l->obs;
  size_t k = 0, n_free = 0;
  s->run_id = 0;
  s->at_epoch = NAN;
  for (size_t j = 0; j < l->n_obs; j++) {
    if (ob[j].side != side || !same_point(&ob[at], &ob[j])) continue;
    mark[j] = 1;
    if (!s->run_id) s->run_id = ob[j].run;
    v[k++] = ob[j].sum / ob[j].count;
    n_free += ob[j].dataset_free;
    if (!isnan(ob[j].at_epoch)) {
      /* one epoch, or the range of epochs the repeats picked */
      s->at_epoch = isnan(s->at_epoch) ? ob[j].at_epoch : s->at_epoch;
      if (ob[j].of_epochs > s->of_epochs) s->of_epochs = ob[j].of_epochs;
    }
    if (ob[j].method) fact_add(&f->fact[F_METHOD], ob[j].method);
    if (ob[j].env) {
      const env_facts *e = facts_of(l, ob[j].env);
      size_t i = 0;
      while (i < f->n_envs && f->envs[i] != ob[j].env) i++;
      if (i == f->n_envs && f->n_envs < 8) f->envs[f->n_envs++] = ob[j].env;
      for (int q = 0; e && q < F_METHOD; q++) fact_add(&f->fact[q], e->fact[q]);
    }
  }
  s->dataset_free = k && n_free == k;
  return k;
}

/* The warning with these words, added once; its index. */
static size_t warning_index(analysis_cmp *c, const analysis_warning *w) {
  for (size_t i = 0; i < c->n_warnings; i++)
    if (!strcmp(c->warnings[i].text, w->text)) return i;
  c->warnings = pod_xrealloc(c->warnings,
                             (c->n_warnings + 1) * sizeof *c->warnings);
  c->warnings[c->n_warnings] = *w;
  c->warnings[c->n_warnings].text = pod_xstrdup(w->text);
  c->warnings[c->n_warnings].values[0] =
      w->values[0] ? pod_xstrdup(w->values[0]) : NULL;
  c->warnings[c->n_warnings].values[1] =
      w->values[1] ? pod_xstrdup(w->values[1]) : NULL;
  return c->n_warnings++;
}

static void row_warn(analysis_cmp *c, analysis_cmp_row *r,
                     const analysis_warning *w) {
  size_t i = warning_index(c, w);
  size_t *list = (size_t *)r->warnings;
  for (size_t k = 0; k < r->n_warnings; k++)
    if (list[k] == i) return;
  list = pod_xrealloc(list, (r->n_warnings + 1) * sizeof *list);
  list[r->n_warnings++] = i;
  r->warnings = list;
}

/* A row's warnings: a side pooling machines, a fact that differs between
** the machines (or methods) both sides' values come from. A fact only one
** side knows (its other runs name no machine) is not a difference. */
static void row_warnings(analysis_cmp *c, analysis_cmp_row *r,
                         side_facts f[2]) {
  pod_buf text = POD_BUF_INIT;
  for (int s = 0; s < 2; s++) {
    if (f[s].n_envs < 2) continue;
    pod_buf_clear(&text);
    /* repeats are runs of one model, scope and environment */
    pod_buf_printf(&text, "%s pools runs from %zu environments: its repeats "
                   "are not like for like", s ? "optimized" : "baseline",
                   f[s].n_envs);
    row_warn(c, r, &(analysis_warning){ANALYSIS_WARN_POOLS, s, f[s].n_envs,
                                       NULL, NULL, {NULL, NULL}, text.data});
  }
  for (int k = 0; k < F_COUNT_; k++) {
    const char *a = pod_buf_str(&f[0].fact[k]), *b = pod_buf_str(&f[1].fact[k]);
    if (k != F_METHOD && (!f[0].n_envs || !f[1].n_envs)) continue;
    if (!strcmp(a, b) || !*a || !*b) continue;
    pod_buf_clear(&text);
    pod_buf_printf(&text, "%s differs: %s (baseline) vs %s (optimized)",
                   fact_names[k], a, b);
    row_warn(c, r, &(analysis_warning){ANALYSIS_WARN_DIFFERS, 0, 0,
                                       fact_names[k], fact_keys[k], {a, b},
                                       text.data});
  }
  pod_buf_free(&text);
}

static void fill_row(analysis_cmp_row *r, const obs *b, const obs *o) {
  const char *split = b->split ? b->split : o->split;
  r->scope = pod_xstrdup(b->scope);
  r->metric = pod_xstrdup(b->metric);
  r->unit = pod_xstrdup(b->unit);
  r->split = split ? pod_xstrdup(split) : NULL;
  r->direction = b->direction;
  r->batch_size = b->batch >= 0 ? b->batch : o->batch;
  r->sequence_length = b->seq >= 0 ? b->seq : o->seq;
}

/* One row per baseline point and each optimized point it meets: the exact
** point when the optimized side has it, else those equal on the axes both
** have. */
static void build_rows(loader *l) {
  analysis_cmp *c = l->c;
  obs *ob = l->obs;
  size_t n = l->n_obs;
  double *vb = pod_xmalloc((n + 1) * sizeof(double));
  double *vo = pod_xmalloc((n + 1) * sizeof(double));
  char *done = pod_xmalloc(n + 1), *used = pod_xmalloc(n + 1);
  memset(done, 0, n + 1);
  for (size_t i = 0; i < n; i++) {
    int exact = 0;
    size_t nb;
    analysis_cmp_side sb;
    side_facts fb;
    if (done[i] || ob[i].side != 0) continue;
    memset(&sb, 0, sizeof sb);
    memset(&fb, 0, sizeof fb);
    nb = collect(l, i, 0, done, vb, &sb, &fb);
    for (size_t j = 0; j < n && !exact; j++)
      exact = ob[j].side == 1 && same_point(&ob[i], &ob[j]);
    memset(used, 0, n + 1);
    for (size_t j = 0; j < n; j++) {
      const obs *o = &ob[j];
      analysis_cmp_side so;
      side_facts f[2];
      if (o->side != 1 || used[j] ||
          !(exact ? same_point(&ob[i], o) : axes_meet(&ob[i], o)))
        continue;
      memset(&so, 0, sizeof so);
      memset(&f[1], 0, sizeof f[1]);
      size_t no = collect(l, j, 1, used, vo, &so, &f[1]);
      analysis_cmp_row *r = row_new(c);
      fill_row(r, &ob[i], o);
      r->base = sb;
      r->opt = so;
      r->base.method = fb.fact[F_METHOD].len ? pod_xstrdup(fb.fact[F_METHOD].data) : NULL;
      r->opt.method = f[1].fact[F_METHOD].len ? pod_xstrdup(f[1].fact[F_METHOD].data) : NULL;
      compute_row(r, vb, nb, vo, no);
      f[0] = fb;
      row_warnings(c, r, f);
      side_facts_free(&f[1]);
    }
    side_facts_free(&fb);
  }
  free(vb);
  free(vo);
  free(done);
  free(used);
}

/* Rows in the order a lab reads them: accuracy first, then time, memory,
** energy, emissions, duration; within one kind by metric and point. */
static int by_kind(const void *a, const void *b) {
  const analysis_cmp_row *x = a, *y = b;
  int kx = analysis_metric_rank(x->metric, x->unit, x->direction);
  int ky = analysis_metric_rank(y->metric, y->unit, y->direction);
  int c = (kx > ky) - (kx < ky);
  if (!c) c = strcmp(x->scope, y->scope);
  if (!c) c = strcmp(x->metric, y->metric);
  if (!c) c = (x->batch_size > y->batch_size) - (x->batch_size < y->batch_size);
  if (!c)
    c = (x->sequence_length > y->sequence_length) -
        (x->sequence_length < y->sequence_length);
  if (!c) c = strcmp(x->split ? x->split : "", y->split ? y->split : "");
  return c;
}

static void free_loader(loader *l) {
  for (size_t i = 0; i < l->n_obs; i++) {
    free(l->obs[i].scope);
    free(l->obs[i].metric);
    free(l->obs[i].unit);
    free(l->obs[i].split);
    free(l->obs[i].method);
  }
  for (size_t i = 0; i < l->n_envs; i++)
    for (int k = 0; k < F_METHOD; k++) free(l->envs[i].fact[k]);
  free(l->obs);
  free(l->envs);
  free(l->first_scope);
  l->first_scope = NULL;
}

/* Whether the optimized side keeps share of the baseline's accuracy: its
** first accuracy-like row (validation first), the ratio's interval above
** the share (meets), below it (misses), or across it. */
static void judge_target(analysis_cmp *c, double share) {
  analysis_target *t = &c->target;
  const analysis_cmp_row *pick = NULL;
  t->share = share;
  t->ratio = t->lo = t->hi = NAN;
  if (isnan(share)) return;
  for (size_t i = 0; i < c->n_rows; i++) {
    const analysis_cmp_row *r = &c->rows[i];
    if (!r->is_difference) continue;
    if (!pick || (r->split && !strcmp(r->split, "validation") &&
                  !(pick->split && !strcmp(pick->split, "validation"))))
      pick = r;
  }
  if (!pick) return;
  t->metric = pick->metric;
  t->ratio = pick->ratio;
  t->n = pick->base.n < pick->opt.n ? pick->base.n : pick->opt.n;
  if (pick->base.n >= 2 && pick->opt.n >= 2) {
    pod_sample sb = {pick->base.mean, pick->base.sd, pick->base.n};
    pod_sample so = {pick->opt.mean, pick->opt.sd, pick->opt.n};
    pod_ratio_ci(&sb, &so, &t->lo, &t->hi);
  }
  if (isnan(t->lo)) t->verdict = "cannot tell";
  else if (t->lo >= share) t->verdict = "meets";
  else if (t->hi < share) t->verdict = "misses";
  else t->verdict = "cannot tell";
}

static int finish(loader *l, double share, analysis_cmp **out,
                  char err[POD_ERRLEN]) {
  analysis_cmp *c = l->c;
  int rc = POD_OK;
  build_rows(l);
  if (c->n_rows) qsort(c->rows, c->n_rows, sizeof *c->rows, by_kind);
  judge_target(c, share);
  if (!c->n_rows)
    rc = pod_err(err, POD_EINPUT, "%s and %s have no metric at a common "
                 "dataset/task, batch size, sequence length and split",
                 c->label[0], c->label[1]);
  free_loader(l);
  if (rc) {
    analysis_compare_free(c);
    return rc;
  }
  *out = c;
  return POD_OK;
}

/* Loads ids[0..n) into side; the last n_free of them name no dataset. */
static int load_ids(loader *l, int side, const int64_t *ids, size_t n,
                    size_t n_free, char err[POD_ERRLEN]) {
  char id[32];
  int rc = POD_OK;
  l->side = side;
  for (size_t i = 0; i < n && !rc; i++) {
    l->dataset_free = i >= n - n_free;
    snprintf(id, sizeof id, "%lld", (long long)ids[i]);
    rc = store_get_run(l->db, id, load_run, l, err);
    if (rc && l->err[0]) snprintf(err, POD_ERRLEN, "%s", l->err);
  }
  return rc;
}

int analysis_compare_new(store_db *db, const int64_t *const ids[2],
                         const size_t n_ids[2], const char *dataset,
                         analysis_cmp **out, char err[POD_ERRLEN]) {
  analysis_cmp *c = pod_xmalloc(sizeof *c);
  loader l;
  int rc = POD_OK;
  memset(c, 0, sizeof *c);
  memset(&l, 0, sizeof l);
  l.db = db;
  l.c = c;
  l.dataset = dataset;
  *out = NULL;
  for (int s = 0; s < 2 && !rc; s++) {
    l.in_dataset = 0;
    rc = load_ids(&l, s, ids[s], n_ids[s], 0, err);
    /* a side's dataset-free runs join a dataset it has runs in */
    if (!rc && (!c->n_runs[s] || !l.in_dataset))
      rc = pod_err(err, POD_EINPUT, "the %s has no run in dataset \"%s\"",
                   s ? "optimized side" : "baseline", dataset ? dataset : "");
  }
  if (rc) {
    free_loader(&l);
    analysis_compare_free(c);
    return rc;
  }
  /* the dataset, else the one scope every run has */
  if (dataset) c->scope = pod_xstrdup(dataset);
  else if (l.common_scope == 1) c->scope = pod_xstrdup(l.first_scope);
  return finish(&l, NAN, out, err);
}

int analysis_compare_units(store_db *db, const analysis_unit *base,
                           const analysis_unit *opt, double target_share,
                           analysis_cmp **out, char err[POD_ERRLEN]) {
  analysis_cmp *c = pod_xmalloc(sizeof *c);
  loader l;
  int rc;
  memset(c, 0, sizeof *c);
  memset(&l, 0, sizeof l);
  l.db = db;
  l.c = c;
  l.scope_as = base->scope;
  *out = NULL;
  c->scope = pod_xstrdup(base->scope);
  c->label[0] = pod_xstrdup(base->model);
  c->label[1] = pod_xstrdup(opt->model);
  if ((rc = load_ids(&l, 0, base->runs, base->n_runs, base->n_free, err)) ||
      (rc = load_ids(&l, 1, opt->runs, opt->n_runs, opt->n_free, err))) {
    free_loader(&l);
    analysis_compare_free(c);
    return rc;
  }
  return finish(&l, target_share, out, err);
}

void analysis_compare_free(analysis_cmp *c) {
  if (!c) return;
  for (size_t r = 0; r < c->n_rows; r++) {
    free((char *)c->rows[r].scope);
    free((char *)c->rows[r].metric);
    free((char *)c->rows[r].unit);
    free((char *)c->rows[r].split);
    free((char *)c->rows[r].base.method);
    free((char *)c->rows[r].opt.method);
    free((size_t *)c->rows[r].warnings);
  }
  for (int s = 0; s < 2; s++) {
    free(c->label[s]);
    free(c->runs[s]);
  }
  for (size_t i = 0; i < c->n_warnings; i++) {
    free((char *)c->warnings[i].text);
    free((char *)c->warnings[i].values[0]);
    free((char *)c->warnings[i].values[1]);
  }
  free(c->warnings);
  free(c->scope);
  free(c->rows);
  free(c);
}

const analysis_cmp_row *analysis_compare_rows(const analysis_cmp *c,
                                              size_t *out_n) {
  *out_n = c->n_rows;
  return c->rows;
}

size_t analysis_compare_n_warnings(const analysis_cmp *c) {
  return c->n_warnings;
}

const char *analysis_compare_warning(const analysis_cmp *c, size_t i) {
  return i < c->n_warnings ? c->warnings[i].text : NULL;
}

const analysis_warning *analysis_compare_warning_at(const analysis_cmp *c,
                                                    size_t i) {
  return i < c->n_warnings ? &c->warnings[i] : NULL;
}

const char *analysis_compare_label(const analysis_cmp *c, int side) {
  return c->label[side ? 1 : 0];
}

const char *analysis_compare_scope(const analysis_cmp *c) { return c->scope; }

const int64_t *analysis_compare_runs(const analysis_cmp *c, int side,
                                     size_t *out_n) {
  *out_n = c->n_runs[side ? 1 : 0];
  return c->runs[side ? 1 : 0];
}

const analysis_target *analysis_compare_target(const analysis_cmp *c) {
  return &c->target;
}
