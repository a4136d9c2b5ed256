/*
** render/compare.c -- baseline against optimized: which values pair up,
** the ratio, speed-up or percentage-point difference of each, its 95%
** interval when both sides have repeats, and what differs between the
** two sides' machines and measurement methods (docs/COMPARE.md).
**
** Used by `podium compare` (JSON, Markdown, text) and by site.c for the
** compare pages; the statistics are core/stats.c, the reads store/.
*/
#include "render/render_int.h"
#include "core/num.h"
#include "core/stats.h"
#include "render/i18n.h"

#include <cjson/cJSON.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One run's mean at one point: (scope, metric, batch, seq, split). */
typedef struct obs {
  int side;                      /* 0 baseline, 1 optimized */
  int64_t run;
  char *scope, *metric, *unit, *split;
  int direction;
  int64_t batch, seq;            /* -1: not an axis of this value */
  double sum;
  int count;
  char *method;                  /* core/method.h names, or NULL */
} obs;

/* The comparability facts of one side, each "a / b" over its runs. */
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

/* A warning as a message, for pages in other languages: pools (side, n)
** or differs (fact); MSG_NONE shows the English text. */
enum { MSG_NONE, MSG_POOLS, MSG_DIFFERS };
typedef struct cmp_msg {
  int kind;
  int side;
  size_t n;
  int fact;
} cmp_msg;

struct render_cmp {
  char *label[2];
  int64_t *runs[2];
  size_t n_runs[2];
  pod_buf facts[2][F_COUNT_];
  char **warnings;
  cmp_msg *msgs;     /* warnings[i] as a message */
  size_t n_warnings;
  pod_buf differs;   /* "GPU, PUE": the facts that differ, for each row */
  int64_t *envs[2];  /* distinct environment ids per side (0: unknown) */
  size_t n_envs[2];
  render_cmp_row *rows;
  size_t n_rows, cap_rows;
};

typedef struct loader {
  store_db *db;
  render_cmp *c;
  const char *dataset;
  int side;
  int64_t run;
  char scope[512];
  obs *obs;
  size_t n_obs, cap_obs;
  char err[POD_ERRLEN];
} loader;

/* ---- rows in -------------------------------------------------------- */

static int64_t axis_of(const store_row *row, const char *name) {
  const store_value *v = store_row_col(row, name);
  return v->type == STORE_NULL ? -1 : v->i;
}

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
  int64_t batch = axis_of(row, "batch_size");
  int64_t seq = axis_of(row, "sequence_length");
  double v = store_row_col(row, "value")->d;
  obs *o;
  /* per-epoch and per-step values are curves, not results */
  const char *method = store_row_text(row, "method"), *unit = store_row_text(row, "unit");
  if (store_row_col(row, "epoch")->type != STORE_NULL ||
      store_row_col(row, "step")->type != STORE_NULL || !metric || !isfinite(v))
    return 0;
  /* the measurement method: that of the energy, power and emissions
  ** figures (docs/COMPARE.md); other metrics have none */
  if (unit && (!strcmp(unit, "kWh") || !strcmp(unit, "kg") ||
               !strcmp(unit, "W")))
    fact_add(&l->c->facts[l->side][F_METHOD], method ? method : "unknown");
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
  o->scope = pod_xstrdup(l->scope);
  o->metric = pod_xstrdup(metric);
  o->unit = pod_xstrdup(store_row_text(row, "unit") ? store_row_text(row, "unit") : "");
  o->split = split ? pod_xstrdup(split) : NULL;
  o->direction = (int)store_row_col(row, "direction")->i;
  o->batch = batch;
  o->seq = seq;
  o->sum = v;
  o->count = 1;
  o->method = method ? pod_xstrdup(method) : NULL;
  return 0;
}

static int take_env(const store_row *row, void *ud) {
  loader *l = ud;
  pod_buf *f = l->c->facts[l->side];
  static const char *const cols[] = {"gpu_model", "cpu_model", "country",
                                     "region", NULL, "tracking_mode"};
  char pue[32];
  const char *fw = store_row_text(row, "framework"), *fv = store_row_text(row, "framework_version");
  pod_buf both = POD_BUF_INIT;
  for (int i = 0; i < 6; i++) {
    if (!cols[i]) continue;
    fact_add(&f[i], store_row_text(row, cols[i]) ? store_row_text(row, cols[i]) : "unknown");
  }
  if (store_row_col(row, "pue")->type == STORE_NULL) fact_add(&f[F_PUE], "unknown");
  else {
    snprintf(pue, sizeof pue, "%g", store_row_col(row, "pue")->d);
    fact_add(&f[F_PUE], pue);
  }
  pod_buf_printf(&both, "%s%s%s", fw ? fw : "", fw && fv ? " " : "",
                 fv ? fv : "");
  fact_add(&f[F_FRAMEWORK], both.len ? both.data : "unknown");
  pod_buf_free(&both);
  return 0;
}

/* Loads one run of one side: its values, environment and formats. */
static int load_run(const store_row *row, void *ud) {
  loader *l = ud;
  render_cmp *c = l->c;
  const char *scope = store_row_text(row, "scope"), *dataset = store_row_text(row, "dataset");
  int64_t env = store_row_col(row, "environment_id")->i;
  int rc;
  if (!scope) scope = "";
  if (l->dataset && strcmp(l->dataset, scope) &&
      !same_text(l->dataset, dataset))
    return 0;
  l->run = store_row_col(row, "id")->i;
  snprintf(l->scope, sizeof l->scope, "%s", scope);
  c->runs[l->side] = pod_xrealloc(c->runs[l->side], (c->n_runs[l->side] + 1) *
                                                        sizeof(int64_t));
  c->runs[l->side][c->n_runs[l->side]++] = l->run;
  if (!c->label[l->side]) {
    const char *model = store_row_text(row, "model");
    c->label[l->side] = pod_xstrdup(model ? model : "?");
  }
  {
    size_t k = 0;
    while (k < c->n_envs[l->side] && c->envs[l->side][k] != env) k++;
    if (k == c->n_envs[l->side]) {
      c->envs[l->side] = pod_xrealloc(c->envs[l->side],
                                      (k + 1) * sizeof(int64_t));
      c->envs[l->side][c->n_envs[l->side]++] = env;
    }
  }
  if ((rc = store_each_measurement(l->db, l->run, take_measurement, l,
                                   l->err)))
    return rc;
  if (!env) {
    take_env(&(store_row){0, NULL, NULL}, l);
    return 0;
  }
  return store_get_env(l->db, env, take_env, l, l->err);
}

/* ---- the table ------------------------------------------------------- */

static int accuracy_like(const char *unit, int direction, const double *v,
                         size_t n) {
  if (*unit || direction <= 0) return 0;
  for (size_t i = 0; i < n; i++)
    if (v[i] < 0 || v[i] > 1) return 0;
  return 1;
}

static const char *direction_verdict(double change, int direction) {
  if (change == 0) return "same";
  if (direction == 0) return "different";
  return (change > 0) == (direction > 0) ? "better" : "worse";
}

/* Fills row r from the per-run means of both sides at one point. */
static void compute_row(render_cmp_row *r, const double *b, size_t nb,
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
  r->verdict = direction_verdict(so.mean - sb.mean, r->direction);
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

static render_cmp_row *row_new(render_cmp *c) {
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

/* Collects the per-run means of side's values at ob[at]'s point into v,
** marking them in mark; returns how many, the first run in *first. */
static size_t collect(const obs *ob, size_t n, size_t at, int side,
                      char *mark, double *v, int64_t *first, char **method) {
  size_t k = 0;
  pod_buf m = POD_BUF_INIT;
  *first = 0;
  for (size_t j = 0; j < n; j++) {
    if (ob[j].side != side || !same_point(&ob[at], &ob[j])) continue;
    mark[j] = 1;
    if (!*first) *first = ob[j].run;
    v[k++] = ob[j].sum / ob[j].count;
    if (ob[j].method) fact_add(&m, ob[j].method);
  }
  *method = m.len ? pod_buf_detach(&m) : NULL;
  pod_buf_free(&m);
  return k;
}

/* One row per baseline point and each optimized point it meets: the exact
** point when the optimized side has it, else those equal on the axes both
** have. Baseline order. */
static void build_rows(render_cmp *c, obs *ob, size_t n) {
  double *vb = pod_xmalloc((n + 1) * sizeof(double));
  double *vo = pod_xmalloc((n + 1) * sizeof(double));
  char *done = pod_xmalloc(n + 1), *used = pod_xmalloc(n + 1);
  memset(done, 0, n + 1);
  for (size_t i = 0; i < n; i++) {
    int64_t first_b, first_o;
    int exact = 0;
    size_t nb;
    char *method_b = NULL;
    if (done[i] || ob[i].side != 0) continue;
    nb = collect(ob, n, i, 0, done, vb, &first_b, &method_b);
    for (size_t j = 0; j < n && !exact; j++)
      exact = ob[j].side == 1 && same_point(&ob[i], &ob[j]);
    memset(used, 0, n + 1);
    for (size_t j = 0; j < n; j++) {
      const obs *o = &ob[j];
      if (o->side != 1 || used[j] ||
          !(exact ? same_point(&ob[i], o) : axes_meet(&ob[i], o)))
        continue;
      char *method_o = NULL;
      size_t no = collect(ob, n, j, 1, used, vo, &first_o, &method_o);
      render_cmp_row *r = row_new(c);
      const char *split = ob[i].split ? ob[i].split : o->split;
      r->scope = pod_xstrdup(ob[i].scope);
      r->metric = pod_xstrdup(ob[i].metric);
      r->unit = pod_xstrdup(ob[i].unit);
      r->split = split ? pod_xstrdup(split) : NULL;
      r->direction = ob[i].direction;
      r->batch_size = ob[i].batch >= 0 ? ob[i].batch : o->batch;
      r->sequence_length = ob[i].seq >= 0 ? ob[i].seq : o->seq;
      r->base.run_id = first_b;
      r->opt.run_id = first_o;
      r->base.method = method_b ? pod_xstrdup(method_b) : NULL;
      r->opt.method = method_o;
      compute_row(r, vb, nb, vo, no);
    }
    free(method_b);
  }
  free(vb);
  free(vo);
  free(done);
  free(used);
}

static void add_warning_msg(render_cmp *c, pod_buf *w, cmp_msg msg) {
  c->warnings = pod_xrealloc(c->warnings,
                             (c->n_warnings + 1) * sizeof *c->warnings);
  c->msgs = pod_xrealloc(c->msgs, (c->n_warnings + 1) * sizeof *c->msgs);
  c->msgs[c->n_warnings] = msg;
  c->warnings[c->n_warnings++] = pod_buf_detach(w);
}

static void add_warnings(render_cmp *c) {
  for (int s = 0; s < 2; s++) {
    pod_buf w = POD_BUF_INIT;
    if (c->n_envs[s] < 2) continue;
    /* repeats are runs of one model, scope and environment */
    pod_buf_printf(&w, "%s pools runs from %zu environments: its repeats "
                   "are not like for like", s ? "optimized" : "baseline",
                   c->n_envs[s]);
    pod_buf_printf(&c->differs, "%s%s environments", c->differs.len ? ", " : "",
                   s ? "optimized" : "baseline");
    add_warning_msg(c, &w, (cmp_msg){MSG_POOLS, s, c->n_envs[s], 0});
  }
  for (int f = 0; f < F_COUNT_; f++) {
    const char *a = pod_buf_str(&c->facts[0][f]);
    const char *b = pod_buf_str(&c->facts[1][f]);
    pod_buf w = POD_BUF_INIT;
    if (!strcmp(a, b)) continue;
    pod_buf_printf(&w, "%s differs: %s (baseline) vs %s (optimized)",
                   fact_names[f], a, b);
    pod_buf_printf(&c->differs, "%s%s", c->differs.len ? ", " : "",
                   fact_names[f]);
    add_warning_msg(c, &w, (cmp_msg){MSG_DIFFERS, 0, 0, f});
  }
}

static void free_obs(obs *ob, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(ob[i].scope);
    free(ob[i].metric);
    free(ob[i].unit);
    free(ob[i].split);
    free(ob[i].method);
  }
  free(ob);
}

int render_compare_new(store_db *db, const int64_t *const ids[2],
                       const size_t n_ids[2], const char *dataset,
                       render_cmp **out, char err[POD_ERRLEN]) {
  render_cmp *c = pod_xmalloc(sizeof *c);
  loader l;
  int rc = POD_OK;
  char id[32];
  memset(c, 0, sizeof *c);
  memset(&l, 0, sizeof l);
  l.db = db;
  l.c = c;
  l.dataset = dataset;
  *out = NULL;
  for (int s = 0; s < 2 && !rc; s++) {
    l.side = s;
    for (size_t i = 0; i < n_ids[s] && !rc; i++) {
      snprintf(id, sizeof id, "%lld", (long long)ids[s][i]);
      rc = store_get_run(db, id, load_run, &l, err);
      if (rc && l.err[0]) snprintf(err, POD_ERRLEN, "%s", l.err);
    }
    if (!rc && !c->n_runs[s])
      rc = pod_err(err, POD_EINPUT, "the %s has no run in dataset \"%s\"",
                   s ? "optimized side" : "baseline", dataset ? dataset : "");
  }
  if (!rc) {
    build_rows(c, l.obs, l.n_obs);
    add_warnings(c);
    if (!c->n_rows)
      rc = pod_err(err, POD_EINPUT, "%s and %s have no metric at a common "
                   "dataset/task, batch size, sequence length and split",
                   c->label[0], c->label[1]);
  }
  free_obs(l.obs, l.n_obs);
  if (rc) {
    render_compare_free(c);
    return rc;
  }
  *out = c;
  return POD_OK;
}

void render_compare_free(render_cmp *c) {
  if (!c) return;
  for (size_t r = 0; r < c->n_rows; r++) {
    free((char *)c->rows[r].scope);
    free((char *)c->rows[r].metric);
    free((char *)c->rows[r].unit);
    free((char *)c->rows[r].split);
    free((char *)c->rows[r].base.method);
    free((char *)c->rows[r].opt.method);
  }
  for (int s = 0; s < 2; s++) {
    free(c->label[s]);
    free(c->runs[s]);
    free(c->envs[s]);
    for (int f = 0; f < F_COUNT_; f++) pod_buf_free(&c->facts[s][f]);
  }
  for (size_t i = 0; i < c->n_warnings; i++) free(c->warnings[i]);
  free(c->warnings);
  free(c->msgs);
  pod_buf_free(&c->differs);
  free(c->rows);
  free(c);
}

const render_cmp_row *render_compare_rows(const render_cmp *c,
                                          size_t *out_n) {
  *out_n = c->n_rows;
  return c->rows;
}

size_t render_compare_n_warnings(const render_cmp *c) {
  return c->n_warnings;
}

const char *render_compare_warning(const render_cmp *c, size_t i) {
  return i < c->n_warnings ? c->warnings[i] : NULL;
}

const char *render_compare_label(const render_cmp *c, int side) {
  return c->label[side ? 1 : 0];
}

/* ---- the table out --------------------------------------------------- */

/* The figures of a row as text, shared by Markdown, text and pages so
** they agree to the digit. */
void render_compare_cells(const render_cmp_row *r, render_cmp_text *out) {
  snprintf(out->ratio, sizeof out->ratio, isnan(r->ratio) ? "-" : "%.3f",
           r->ratio);
  snprintf(out->change, sizeof out->change,
           isnan(r->change_pct) ? "-" : "%+.1f %%", r->change_pct);
  if (r->is_difference)
    snprintf(out->effect, sizeof out->effect, "%+.1f pp", r->diff_pp);
  else if (!isnan(r->speedup))
    snprintf(out->effect, sizeof out->effect, "%.2fx", r->speedup);
  else
    snprintf(out->effect, sizeof out->effect, "-");
  if (isnan(r->lo))
    snprintf(out->interval, sizeof out->interval, "%s",
             r->note ? r->note : "-");
  else if (r->is_difference)
    snprintf(out->interval, sizeof out->interval, "[%+.1f, %+.1f] pp", r->lo,
             r->hi);
  else
    snprintf(out->interval, sizeof out->interval, "[%.3f, %.3f]", r->lo,
             r->hi);
}

static void point_text(pod_buf *out, const render_cmp_row *r) {
  size_t start = out->len;
  if (r->batch_size >= 0)
    pod_buf_printf(out, "batch %lld", (long long)r->batch_size);
  if (r->sequence_length >= 0)
    pod_buf_printf(out, "%sseq %lld", out->len > start ? ", " : "",
                   (long long)r->sequence_length);
  if (r->split)
    pod_buf_printf(out, "%s%s", out->len > start ? ", " : "", r->split);
  if (out->len == start) pod_buf_adds(out, "-");
}

/* Printed so it reads back as the same double (cJSON's own printing
** keeps 15 digits when they come "close enough"; issue 14). */
static void num_or_null(cJSON *o, const char *k, double v) {
  char num[32];
  if (isfinite(v)) cJSON_AddRawToObject(o, k, pod_num_format(v, num));
  else cJSON_AddNullToObject(o, k);
}

static cJSON *side_json(const render_cmp_side *s) {
  cJSON *o = cJSON_CreateObject();
  num_or_null(o, "mean", s->mean);
  num_or_null(o, "sd", s->sd);
  cJSON_AddNumberToObject(o, "n", s->n);
  num_or_null(o, "ci_low", s->lo);
  num_or_null(o, "ci_high", s->hi);
  cJSON_AddNumberToObject(o, "run_id", (double)s->run_id);
  if (s->method) cJSON_AddStringToObject(o, "method", s->method);
  else cJSON_AddNullToObject(o, "method");
  return o;
}

void render_compare_json(const render_cmp *c, pod_buf *out) {
  cJSON *root = cJSON_CreateObject(), *w = cJSON_CreateArray();
  cJSON *rows = cJSON_CreateArray();
  char *s;
  for (int k = 0; k < 2; k++) {
    cJSON *side = cJSON_CreateObject(), *runs = cJSON_CreateArray();
    cJSON_AddStringToObject(side, "label", c->label[k]);
    for (size_t i = 0; i < c->n_runs[k]; i++)
      cJSON_AddItemToArray(runs, cJSON_CreateNumber((double)c->runs[k][i]));
    cJSON_AddItemToObject(side, "runs", runs);
    cJSON_AddItemToObject(root, k ? "optimized" : "baseline", side);
  }
  for (size_t i = 0; i < c->n_warnings; i++)
    cJSON_AddItemToArray(w, cJSON_CreateString(c->warnings[i]));
  cJSON_AddItemToObject(root, "warnings", w);
  for (size_t i = 0; i < c->n_rows; i++) {
    const render_cmp_row *r = &c->rows[i];
    cJSON *o = cJSON_CreateObject(), *rw = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "scope", r->scope);
    cJSON_AddStringToObject(o, "metric", r->metric);
    cJSON_AddStringToObject(o, "unit", r->unit);
    cJSON_AddNumberToObject(o, "direction", r->direction);
    if (r->batch_size >= 0)
      cJSON_AddNumberToObject(o, "batch_size", (double)r->batch_size);
    else cJSON_AddNullToObject(o, "batch_size");
    if (r->sequence_length >= 0)
      cJSON_AddNumberToObject(o, "sequence_length",
                              (double)r->sequence_length);
    else cJSON_AddNullToObject(o, "sequence_length");
    if (r->split) cJSON_AddStringToObject(o, "split", r->split);
    else cJSON_AddNullToObject(o, "split");
    cJSON_AddItemToObject(o, "baseline", side_json(&r->base));
    cJSON_AddItemToObject(o, "optimized", side_json(&r->opt));
    num_or_null(o, "ratio", r->ratio);
    num_or_null(o, "change_pct", r->change_pct);
    num_or_null(o, "speedup", r->speedup);
    num_or_null(o, "diff_pp", r->diff_pp);
    cJSON_AddStringToObject(o, "interval_of",
                            r->is_difference ? "diff_pp" : "ratio");
    num_or_null(o, "interval_low", r->lo);
    num_or_null(o, "interval_high", r->hi);
    cJSON_AddStringToObject(o, "verdict", r->verdict);
    if (r->note) cJSON_AddStringToObject(o, "note", r->note);
    else cJSON_AddNullToObject(o, "note");
    for (size_t k = 0; k < c->n_warnings; k++)
      cJSON_AddItemToArray(rw, cJSON_CreateString(c->warnings[k]));
    cJSON_AddItemToObject(o, "warnings", rw);
    cJSON_AddItemToArray(rows, o);
  }
  cJSON_AddItemToObject(root, "rows", rows);
  s = cJSON_Print(root);
  pod_buf_adds(out, s);
  pod_buf_addc(out, '\n');
  cJSON_free(s);
  cJSON_Delete(root);
}

/* mean (+- sd, n) in the metric's unit, plain spaces. */
static void side_text(pod_buf *out, const render_cmp_side *s,
                      const char *unit) {
  pod_buf v = POD_BUF_INIT;
  render_fmt_value(&v, s->mean, unit);
  if (s->n >= 2) {
    pod_buf_adds(&v, " \xc2\xb1 ");
    render_fmt_value(&v, s->sd, unit);
  }
  for (const char *p = pod_buf_str(&v); *p; p++) {
    if (!strncmp(p, "\xc2\xa0", 2)) { pod_buf_addc(out, ' '); p++; }
    else pod_buf_addc(out, *p);
  }
  pod_buf_printf(out, " (n=%d)", s->n);
  if (s->method) pod_buf_printf(out, " [%s]", s->method);
  pod_buf_free(&v);
}

void render_compare_md(const render_cmp *c, pod_buf *out) {
  pod_buf_adds(out, "# ");
  render_md_cell(out, c->label[0]);
  pod_buf_adds(out, " vs ");
  render_md_cell(out, c->label[1]);
  pod_buf_adds(out, "\n\nBaseline against optimized, per dataset/task, "
                    "batch size, sequence length and split. Ratio is "
                    "optimized / baseline; speed-up is baseline / optimized "
                    "for times; accuracy-like metrics give the difference "
                    "in percentage points (pp). With repeats on both sides "
                    "the 95% interval is Student t (log-ratio delta method "
                    "for ratios); a verdict is \"within noise\" when it "
                    "holds 1 (or 0 pp). Generated by podium from its "
                    "registry.\n");
  if (c->n_warnings) {
    pod_buf_adds(out, "\n**Not like for like:**\n\n");
    for (size_t i = 0; i < c->n_warnings; i++) {
      pod_buf_adds(out, "- ");
      render_md_cell(out, c->warnings[i]);
      pod_buf_addc(out, '\n');
    }
  }
  pod_buf_adds(out, "\n| Dataset/task | Metric | Point | Baseline | "
                    "Optimized | Ratio | Change | Speed-up / pp | "
                    "95% interval | Verdict | Runs |\n"
                    "|---|---|---|---:|---:|---:|---:|---:|---|---|---|\n");
  for (size_t i = 0; i < c->n_rows; i++) {
    const render_cmp_row *r = &c->rows[i];
    render_cmp_text t;
    pod_buf p = POD_BUF_INIT;
    render_compare_cells(r, &t);
    pod_buf_adds(out, "| ");
    render_md_cell(out, *r->scope ? r->scope : "-");
    pod_buf_adds(out, " | ");
    render_md_cell(out, r->metric);
    pod_buf_adds(out, " | ");
    point_text(&p, r);
    render_md_cell(out, p.data);
    pod_buf_adds(out, " | ");
    side_text(out, &r->base, r->unit);
    pod_buf_adds(out, " | ");
    side_text(out, &r->opt, r->unit);
    pod_buf_printf(out, " | %s | %s | %s | %s | %s", t.ratio, t.change,
                   t.effect, t.interval, r->verdict);
    if (c->n_warnings)
      pod_buf_printf(out, " (not like for like: %s)", c->differs.data);
    pod_buf_printf(out, " | %lld vs %lld |\n", (long long)r->base.run_id,
                   (long long)r->opt.run_id);
    pod_buf_free(&p);
  }
}

void render_compare_text(const render_cmp *c, pod_buf *out) {
  pod_buf_printf(out, "baseline  %s (%zu run%s)\noptimized %s (%zu run%s)\n",
                 c->label[0], c->n_runs[0], c->n_runs[0] == 1 ? "" : "s",
                 c->label[1], c->n_runs[1], c->n_runs[1] == 1 ? "" : "s");
  for (size_t i = 0; i < c->n_warnings; i++)
    pod_buf_printf(out, "warning: %s\n", c->warnings[i]);
  for (size_t i = 0; i < c->n_rows; i++) {
    const render_cmp_row *r = &c->rows[i];
    render_cmp_text t;
    pod_buf p = POD_BUF_INIT, b = POD_BUF_INIT, o = POD_BUF_INIT;
    render_compare_cells(r, &t);
    point_text(&p, r);
    side_text(&b, &r->base, r->unit);
    side_text(&o, &r->opt, r->unit);
    pod_buf_printf(out, "%-18s %-20s %-22s %s -> %s  ratio %s (%s) %s  "
                   "%s  %s%s%s%s\n", *r->scope ? r->scope : "-", r->metric,
                   p.data, b.data, o.data, t.ratio, t.change, t.effect,
                   t.interval, r->verdict,
                   c->n_warnings ? " (not like for like: " : "",
                   c->n_warnings ? c->differs.data : "",
                   c->n_warnings ? ")" : "");
    pod_buf_free(&p);
    pod_buf_free(&b);
    pod_buf_free(&o);
  }
}

/* ---- which runs ------------------------------------------------------ */

typedef struct id_list {
  int64_t *ids;
  size_t n;
} id_list;

static int take_id(const store_row *row, void *ud) {
  id_list *l = ud;
  l->ids = pod_xrealloc(l->ids, (l->n + 1) * sizeof *l->ids);
  l->ids[l->n++] = store_row_col(row, "id")->i;
  return 0;
}

int render_compare_resolve(store_db *db, const char *spec, int64_t **out_ids,
                           size_t *out_n, char err[POD_ERRLEN]) {
  id_list l = {NULL, 0};
  int rc = store_each_run_match(db, spec, take_id, &l, err);
  if (rc) {
    free(l.ids);
    return rc;
  }
  *out_ids = l.ids;
  *out_n = l.n;
  return POD_OK;
}

/* Pages: every optimized group against every baseline group of its
** scope; a group is the runs of one model, scope and environment (its
** repeats). */
typedef struct run_info {
  int64_t id, env;
  int role;            /* 0 baseline, 1 optimized, -1 none */
  char *scope, *model;
} run_info;

typedef struct run_set {
  run_info *r;
  size_t n;
} run_set;

static int take_run_info(const store_row *row, void *ud) {
  run_set *s = ud;
  const char *role = store_row_text(row, "role");
  run_info *r;
  s->r = pod_xrealloc(s->r, (s->n + 1) * sizeof *s->r);
  r = &s->r[s->n++];
  r->id = store_row_col(row, "id")->i;
  r->env = store_row_col(row, "environment_id")->i;
  r->role = !role ? -1 : !strcmp(role, "optimized") ? 1 : 0;
  r->scope = pod_xstrdup(store_row_text(row, "scope") ? store_row_text(row, "scope") : "");
  r->model = pod_xstrdup(store_row_text(row, "model") ? store_row_text(row, "model") : "");
  return 0;
}

static int same_group(const run_info *a, const run_info *b) {
  return a->role == b->role && a->env == b->env &&
         !strcmp(a->scope, b->scope) && !strcmp(a->model, b->model);
}

/* ids of the runs in a's group; a is its first member. */
static void group_ids(const run_set *s, size_t a, int64_t **ids, size_t *n) {
  *n = 0;
  *ids = pod_xmalloc(s->n * sizeof **ids);
  for (size_t i = a; i < s->n; i++)
    if (same_group(&s->r[a], &s->r[i])) (*ids)[(*n)++] = s->r[i].id;
}

static int first_of_group(const run_set *s, size_t i) {
  for (size_t j = 0; j < i; j++)
    if (same_group(&s->r[j], &s->r[i])) return 0;
  return 1;
}

static int by_id(const void *a, const void *b) {
  const run_info *x = a, *y = b;
  return (x->id > y->id) - (x->id < y->id);
}

static void add_pair(render_cmp_pair **p, size_t *n, const run_set *s,
                     size_t b, size_t o) {
  render_cmp_pair *q;
  pod_buf name = POD_BUF_INIT;
  *p = pod_xrealloc(*p, (*n + 1) * sizeof **p);
  q = &(*p)[(*n)++];
  group_ids(s, b, &q->ids[0], &q->n_ids[0]);
  group_ids(s, o, &q->ids[1], &q->n_ids[1]);
  q->scope = pod_xstrdup(s->r[b].scope);
  render_slug(&name, s->r[b].model);
  pod_buf_adds(&name, "--");
  render_slug(&name, s->r[o].model);
  /* the same two models in another scope or machine: number them */
  for (int k = 2, clash = 1; clash; k++) {
    clash = 0;
    for (size_t i = 0; i + 1 < *n && !clash; i++)
      clash = !strcmp((*p)[i].name, pod_buf_str(&name));
    if (clash) {
      char *end = strrchr(name.data, '~');
      if (end) name.len = (size_t)(end - name.data);
      pod_buf_printf(&name, "~%d", k);
    }
  }
  q->name = pod_buf_detach(&name);
  q->base_label = pod_xstrdup(s->r[b].model);
  q->opt_label = pod_xstrdup(s->r[o].model);
}

int render_compare_pairs(store_db *db, render_cmp_pair **out, size_t *out_n,
                         char err[POD_ERRLEN]) {
  run_set s = {NULL, 0};
  int rc = store_each_run(db, take_run_info, &s, err);
  *out = NULL;
  *out_n = 0;
  if (!rc && s.n) qsort(s.r, s.n, sizeof *s.r, by_id);
  for (size_t o = 0; !rc && o < s.n; o++) {
    if (s.r[o].role != 1 || !first_of_group(&s, o)) continue;
    for (size_t b = 0; b < s.n; b++)
      if (s.r[b].role == 0 && first_of_group(&s, b) &&
          !strcmp(s.r[b].scope, s.r[o].scope))
        add_pair(out, out_n, &s, b, o);
  }
  for (size_t i = 0; i < s.n; i++) {
    free(s.r[i].scope);
    free(s.r[i].model);
  }
  free(s.r);
  return rc;
}

void render_compare_pair_clear(render_cmp_pair *p) {
  free(p->ids[0]);
  free(p->ids[1]);
  free(p->scope);
  free(p->name);
  free(p->base_label);
  free(p->opt_label);
  memset(p, 0, sizeof *p);
}

void render_compare_pairs_free(render_cmp_pair *p, size_t n) {
  for (size_t i = 0; i < n; i++) render_compare_pair_clear(&p[i]);
  free(p);
}

/* ---- page data ------------------------------------------------------- */

static void set_num(lua_State *L, const char *k, double v) {
  if (isnan(v)) return;
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

static void set_str(lua_State *L, const char *k, const char *v) {
  if (!v) return;
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}

static void push_side(lua_State *L, const render_cmp_side *s,
                      const char *lang) {
  char href[96];
  lua_createtable(L, 0, 7);
  set_num(L, "mean", s->mean);
  set_num(L, "sd", s->sd);
  set_num(L, "lo", s->lo);
  set_num(L, "hi", s->hi);
  lua_pushinteger(L, s->n);
  lua_setfield(L, -2, "n");
  lua_pushinteger(L, (lua_Integer)s->run_id);
  lua_setfield(L, -2, "run_id");
  snprintf(href, sizeof href, "%s/runs/%lld.html", lang,
           (long long)s->run_id);
  set_str(L, "href", href);
  set_str(L, "method", s->method);
}

/* The message key of a row's note. */
static const char *note_key(const char *note) {
  return !strncmp(note, "n = 1", 5) ? "compare.note.single"
                                    : "compare.note.not_positive";
}

/* Warning i in the page language. */
static void push_warning(lua_State *L, const render_cmp *c, size_t i) {
  const cmp_msg *m = &c->msgs[i];
  if (m->kind == MSG_NONE) {
    lua_pushstring(L, c->warnings[i]);
  } else if (m->kind == MSG_POOLS) {
    render_i18n_arg a[] = {{"side", m->side ? "optimized" : "baseline", 0},
                           {"n", NULL, (double)m->n}};
    render_sandbox_msg(L, "compare.warn.pools", a, 2, c->warnings[i]);
  } else {
    const char *fact;
    render_sandbox_msg(L, fact_keys[m->fact], NULL, 0, fact_names[m->fact]);
    fact = lua_tostring(L, -1);
    render_i18n_arg a[] = {{"fact", fact, 0},
                           {"baseline", pod_buf_str(&c->facts[0][m->fact]), 0},
                           {"optimized", pod_buf_str(&c->facts[1][m->fact]), 0}};
    render_sandbox_msg(L, "compare.warn.differs", a, 3, c->warnings[i]);
    lua_remove(L, -2);
  }
}

void render_compare_push(lua_State *L, const render_cmp *c,
                         const char *lang) {
  lua_createtable(L, 0, 4);
  for (int k = 0; k < 2; k++) {
    lua_createtable(L, 0, 2);
    set_str(L, "label", c->label[k]);
    lua_createtable(L, (int)c->n_runs[k], 0);
    for (size_t i = 0; i < c->n_runs[k]; i++) {
      char href[96];
      lua_createtable(L, 0, 2);
      lua_pushinteger(L, (lua_Integer)c->runs[k][i]);
      lua_setfield(L, -2, "id");
      snprintf(href, sizeof href, "%s/runs/%lld.html", lang,
               (long long)c->runs[k][i]);
      set_str(L, "href", href);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "runs");
    lua_setfield(L, -2, k ? "optimized" : "baseline");
  }
  lua_createtable(L, (int)c->n_warnings, 0);
  for (size_t i = 0; i < c->n_warnings; i++) {
    push_warning(L, c, i);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "warnings");
  lua_createtable(L, (int)c->n_rows, 0);
  for (size_t i = 0; i < c->n_rows; i++) {
    const render_cmp_row *r = &c->rows[i];
    render_cmp_text t;
    render_compare_cells(r, &t);
    lua_createtable(L, 0, 24);
    set_str(L, "scope", r->scope);
    set_str(L, "metric", r->metric);
    set_str(L, "unit", r->unit);
    set_str(L, "split", r->split);
    lua_pushinteger(L, r->direction);
    lua_setfield(L, -2, "direction");
    if (r->batch_size >= 0) set_num(L, "batch_size", (double)r->batch_size);
    if (r->sequence_length >= 0)
      set_num(L, "sequence_length", (double)r->sequence_length);
    push_side(L, &r->base, lang);
    lua_setfield(L, -2, "base");
    push_side(L, &r->opt, lang);
    lua_setfield(L, -2, "opt");
    set_num(L, "ratio", r->ratio);
    set_num(L, "change_pct", r->change_pct);
    set_num(L, "speedup", r->speedup);
    set_num(L, "diff_pp", r->diff_pp);
    set_num(L, "lo", r->lo);
    set_num(L, "hi", r->hi);
    lua_pushboolean(L, r->is_difference);
    lua_setfield(L, -2, "is_difference");
    set_str(L, "verdict", r->verdict);
    set_str(L, "note", r->note);
    set_str(L, "ratio_text", t.ratio);
    set_str(L, "change_text", t.change);
    set_str(L, "effect_text", t.effect);
    set_str(L, "interval_text", t.interval);
    /* in the page language */
    if (r->verdict) {
      char key[64];
      snprintf(key, sizeof key, "verdict.%s", r->verdict);
      render_sandbox_msg(L, key, NULL, 0, r->verdict);
      lua_setfield(L, -2, "verdict_text");
    }
    if (r->note && isnan(r->lo)) {   /* the interval cell holds the note */
      render_sandbox_msg(L, note_key(r->note), NULL, 0, t.interval);
      lua_setfield(L, -2, "interval_text");
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "rows");
}
