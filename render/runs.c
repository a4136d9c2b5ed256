/*
** render/runs.c -- run pages: <lang>/runs/<id>.html, one per run, each
** written in every language from one read of its measurement rows,
** sources, environment and energy snapshots (run_data). The runs are
** walked by every render thread, each rendering the chunks it claims
** (site_take_run, jobs.c).
**
** Owns: a run's rows (run_data) for the length of its pages; the Lua
** registry's cache of source rows ("podium.sources"), one per sandbox.
*/
#include "render/site_int.h"
#include "render/i18n.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A run's energy curve from its snapshots (store_each_sample), thinned
** to at most CURVE_POINTS evenly spaced points and the last one: a flush
** every 15 s for a day is 5,760 rows, more than a chart can show. */
#define CURVE_POINTS 240
typedef struct curve {
  double *x, *y;          /* duration s, energy_consumed kWh */
  size_t n, cap;
  long first_line, last_line;
  char *path;
} curve;

static int curve_row(const store_row *row, void *ud) {
  curve *c = ud;
  double x = store_row_real(row, "duration"), y = store_row_real(row, "energy_consumed");
  long line = (long)store_row_int(row, "line", 0);
  if (!c->path && store_row_text(row, "source_path"))
    c->path = pod_xstrdup(store_row_text(row, "source_path"));
  if (!c->first_line) c->first_line = line;
  c->last_line = line;
  if (isnan(x) || isnan(y)) return 0;
  if (c->n == c->cap) {
    c->cap = c->cap ? 2 * c->cap : 64;
    c->x = pod_xrealloc(c->x, c->cap * sizeof *c->x);
    c->y = pod_xrealloc(c->y, c->cap * sizeof *c->y);
  }
  c->x[c->n] = x;
  c->y[c->n++] = y;
  return 0;
}

/* Sets data.curve = {n=, source=, first_line=, last_line=, points=} when
** the run has snapshots (c from store_each_sample and curve_row). */
static void push_curve(site *s, const curve *cv) {
  const curve c = *cv;
  if (c.n > 1) {
    size_t stride = (c.n + CURVE_POINTS - 1) / CURVE_POINTS, k = 0;
    lua_createtable(s->L, 0, 5);
    lua_pushinteger(s->L, (lua_Integer)c.n);
    lua_setfield(s->L, -2, "n");
    lua_pushstring(s->L, c.path ? c.path : "");
    lua_setfield(s->L, -2, "source");
    lua_pushinteger(s->L, c.first_line);
    lua_setfield(s->L, -2, "first_line");
    lua_pushinteger(s->L, c.last_line);
    lua_setfield(s->L, -2, "last_line");
    lua_createtable(s->L, (int)(c.n / stride + 1), 0);
    for (size_t i = 0; i < c.n; i += stride) {
      if (i + stride >= c.n) i = c.n - 1;  /* always end on the last */
      lua_createtable(s->L, 2, 0);
      lua_pushnumber(s->L, c.x[i]);
      lua_rawseti(s->L, -2, 1);
      lua_pushnumber(s->L, c.y[i]);
      lua_rawseti(s->L, -2, 2);
      lua_rawseti(s->L, -2, (lua_Integer)++k);
    }
    lua_setfield(s->L, -2, "points");
    lua_setfield(s->L, -2, "curve");
  }
}

static void curve_free(curve *c) {
  free(c->x);
  free(c->y);
  free(c->path);
}

/* A run page's measurements, noting the sources they come from: the
** page's source list is made from those (one query less per page; the
** per-run DISTINCT query built a temporary B-tree, ~10% of a page). */
typedef struct meas_sink {
  row_sink k;
  int64_t *ids;       /* the sources of the rows (run_fetch's) */
  size_t n, cap;
  long points_left;   /* curve points the table still shows */
  long results, points, shown;   /* rows of each kind, and on the page */
} meas_sink;

/* A run page's table lists at most RUN_TABLE_ROWS rows (a page is never
** a list of over 1,000 rows, as lists are paged): every result first
** (a value with no epoch and no step, or one picked from a curve), then
** the curve points in the table's order until the rows are used up. A
** long training log (a metric a step for 100,000 steps) shows its
** results and its first points, and says so; every row is in the
** downloads. */
#define RUN_TABLE_ROWS 1000
/* Curves charted on a run page, loss and quality metrics first, and the
** points a series draws (every k-th, and the last): beyond them, a note. */
#define RUN_CHARTS 12
#define RUN_CHART_POINTS 250

static int is_curve_point(const store_row *row) {
  return store_row_col(row, "derived")->type == STORE_NULL &&
         (store_row_col(row, "epoch")->type != STORE_NULL ||
          store_row_col(row, "step")->type != STORE_NULL);
}

/* Counts the rows of each kind and notes the sources they come from. */
static int count_row(const store_row *row, void *ud) {
  meas_sink *m = ud;
  int64_t id = store_row_col(row, "source_id")->i;
  size_t i = 0;
  if (is_curve_point(row)) m->points++;
  else m->results++;
  while (i < m->n && m->ids[i] != id) i++;
  if (i == m->n) {
    if (m->n == m->cap) {
      m->cap = m->cap ? 2 * m->cap : 8;
      m->ids = pod_xrealloc(m->ids, m->cap * sizeof *m->ids);
    }
    m->ids[m->n++] = id;
  }
  return POD_OK;
}

static int meas_row(const store_row *row, void *ud) {
  meas_sink *m = ud;
  if (is_curve_point(row) ? m->points_left-- <= 0
                          : m->shown >= RUN_TABLE_ROWS)
    return POD_OK;
  m->shown++;
  return site_append_row(row, &m->k);
}

static int cmp_id(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Pushes a copy of source id's row, fetched once per render thread and
** kept in the Lua registry (a copy per page: a template may change it). */
static int push_source(site *s, int64_t id, char err[POD_ERRLEN]) {
  lua_State *L = s->L;
  int rc = POD_OK;
  if (lua_getfield(L, LUA_REGISTRYINDEX, "podium.sources") != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "podium.sources");
  }
  if (lua_rawgeti(L, -1, (lua_Integer)id) != LUA_TTABLE) {
    row_sink k = {s, ROW_PLAIN};
    int top;
    lua_pop(L, 1);
    top = lua_gettop(L);
    rc = store_get_source(s->db, id, site_take_first, &k, err);
    if (rc == POD_OK && lua_gettop(L) == top) lua_newtable(L);  /* gone */
    if (rc) {
      lua_settop(L, top - 1);
      return rc;
    }
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, (lua_Integer)id);
  }
  lua_newtable(L);   /* the page's own copy */
  lua_pushnil(L);
  while (lua_next(L, -3)) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, -4);
  }
  lua_remove(L, -2);   /* the cached row */
  lua_remove(L, -2);   /* the cache */
  return POD_OK;
}

/* data.measurements and data.sources of a run, from its measurement
** rows (store_each_measurement) as run_fetch counted them in c;
** data.rows_total when the table shows only some of them. */
static int add_measurements(site *s, const store_rows *rows,
                            const meas_sink *c, char err[POD_ERRLEN]) {
  meas_sink m = *c;
  int rc = POD_OK;
  m.k.s = s;
  m.points_left = m.results < RUN_TABLE_ROWS ? RUN_TABLE_ROWS - m.results : 0;
  lua_newtable(s->L);
  store_rows_each(rows, meas_row, &m);
  lua_setfield(s->L, -2, "measurements");
  if (m.shown < m.results + m.points) {
    lua_pushinteger(s->L, m.results + m.points);
    lua_setfield(s->L, -2, "rows_total");
  }
  lua_createtable(s->L, (int)m.n, 0);
  for (size_t i = 0; i < m.n && rc == POD_OK; i++)
    if ((rc = push_source(s, m.ids[i], err)) == POD_OK)
      lua_rawseti(s->L, -2, (lua_Integer)i + 1);
  lua_setfield(s->L, -2, "sources");
  return rc;
}
/* What a run page shows, asked of the store once for every language. */
/* Made once for every language, outside the page's protected call: a
** page that runs out of Lua memory leaves nothing of C's behind. */
typedef struct run_data {
  store_rows *meas;   /* store_each_measurement */
  store_rows *env;    /* store_get_env: none or one row */
  curve c;            /* its snapshots */
  meas_sink counts;   /* its rows by kind, and their sources */
  analysis_curve *curves;   /* analysis_run_curves */
  size_t n_curves;
} run_data;

static int run_fetch(site *s, int64_t id, int64_t env, run_data *d,
                     char err[POD_ERRLEN]) {
  int rc;
  memset(d, 0, sizeof *d);
  d->meas = store_rows_new();
  d->env = store_rows_new();
  if ((rc = store_each_measurement(s->db, id, store_rows_add, d->meas, err)) ||
      (rc = store_each_sample(s->db, id, curve_row, &d->c, err)) ||
      (env && (rc = store_get_env(s->db, env, store_rows_add, d->env, err))))
    return rc == POD_EINTERNAL ? pod_err(err, rc, "run %lld: rows differ in "
                                         "columns", (long long)id) : rc;
  store_rows_each(d->meas, count_row, &d->counts);
  if (d->counts.n > 1)
    qsort(d->counts.ids, d->counts.n, sizeof *d->counts.ids, cmp_id);
  d->n_curves = analysis_run_curves(d->meas, &d->curves);
  return POD_OK;
}

static void run_data_free(run_data *d) {
  store_rows_free(d->meas);
  store_rows_free(d->env);
  curve_free(&d->c);
  free(d->counts.ids);
  analysis_run_curves_free(d->curves, d->n_curves);
}

/* <lang>/runs/<id>.html in language s->lang. */
/* data.checks: each summary value that has a curve beside it, with the
** curve's values at the best and final epoch (analysis/curves.c). */
static void push_checks(site *s, const store_rows *meas) {
  analysis_check c[16];
  size_t n = analysis_curve_checks(meas, c, 16);
  if (!n) return;
  lua_createtable(s->L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_createtable(s->L, 0, 8);
    lua_pushstring(s->L, c[i].metric);
    lua_setfield(s->L, -2, "metric");
    lua_pushstring(s->L, c[i].split);
    lua_setfield(s->L, -2, "split");
    lua_pushnumber(s->L, c[i].given);
    lua_setfield(s->L, -2, "given");
    if (!isnan(c[i].best)) {
      lua_pushnumber(s->L, c[i].best);
      lua_setfield(s->L, -2, "best");
      lua_pushnumber(s->L, c[i].best_epoch);
      lua_setfield(s->L, -2, "best_epoch");
    }
    lua_pushnumber(s->L, c[i].final);
    lua_setfield(s->L, -2, "final");
    lua_pushnumber(s->L, c[i].final_epoch);
    lua_setfield(s->L, -2, "final_epoch");
    lua_pushboolean(s->L, c[i].agrees);
    lua_setfield(s->L, -2, "agrees");
    lua_rawseti(s->L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(s->L, -2, "checks");
}

static void push_number(lua_State *L, const store_value *v) {
  if (v->type == STORE_INT) lua_pushinteger(L, (lua_Integer)v->i);
  else lua_pushnumber(L, v->d);
}

/* The points of series s as epochs and values, into x and y. */
static void series_xy(const analysis_series *s, double *x, double *y) {
  for (size_t j = 0; j < s->n; j++) {
    const store_value *e = &s->p[j].epoch, *v = &s->p[j].value;
    x[j] = e->type == STORE_INT ? (double)e->i : e->d;
    y[j] = v->type == STORE_INT ? (double)v->i : v->d;
  }
}

/* curve.overfit: overfit{} of every point of the curve's train and
** validation series (a chart may draw fewer), k = 3 as run.html says.
** Its arrays are Lua's (collected whatever happens). */
static void push_overfit(lua_State *L, const analysis_curve *c) {
  const analysis_series *t = c->train >= 0 ? &c->s[c->train] : NULL;
  const analysis_series *v = &c->s[c->validation];
  size_t nt = t ? t->n : 0;
  double *buf = lua_newuserdatauv(L, (2 * nt + 3 * v->n + 1) * sizeof *buf, 0);
  if (t) series_xy(t, buf, buf + nt);
  series_xy(v, buf + 2 * nt, buf + 2 * nt + v->n);
  render_push_overfit(L, buf, buf + nt, nt, buf + 2 * nt, buf + 2 * nt + v->n,
                      v->n, c->direction > 0 ? 1 : -1, 3,
                      buf + 2 * nt + 2 * v->n);
  lua_remove(L, -2);   /* the arrays */
}

/* data.curves: the run's training curves (analysis_run_curves), each
** {metric, unit, direction, judged, series = {{name, split, points}},
** best, shade = {from, to}, train, validation} (train and validation:
** the points of the first such series, for overfit{}). */
static void push_training_curves(site *s, const run_data *d) {
  lua_State *L = s->L;
  const analysis_curve *c = d->curves;
  size_t n = d->n_curves, shown = 0, judged = 0, others;
  for (size_t i = 0; i < n; i++) judged += c[i].judged != 0;
  if (judged > RUN_CHARTS) judged = RUN_CHARTS;   /* loss and scores first, */
  others = RUN_CHARTS - judged;                   /* the rest in the room left */
  lua_createtable(L, (int)(n < RUN_CHARTS ? n : RUN_CHARTS), 0);
  for (size_t i = 0; i < n; i++) {   /* drawn in the order they came */
    size_t *room = c[i].judged ? &judged : &others;
    if (!*room) continue;
    (*room)--;
    lua_createtable(L, 0, 10);
    lua_pushstring(L, c[i].metric);
    lua_setfield(L, -2, "metric");
    if (c[i].unit) {
      lua_pushstring(L, c[i].unit);
      lua_setfield(L, -2, "unit");
    }
    lua_pushinteger(L, c[i].direction);
    lua_setfield(L, -2, "direction");
    lua_pushboolean(L, c[i].judged);
    lua_setfield(L, -2, "judged");
    lua_createtable(L, (int)c[i].n, 0);
    for (size_t k = 0; k < c[i].n; k++) {
      const analysis_series *sr = &c[i].s[k];
      lua_createtable(L, 0, 3);
      lua_pushstring(L, sr->split);
      lua_setfield(L, -2, "split");
      render_push_named(L, "split", sr->split);   /* split_name() */
      lua_setfield(L, -2, "name");
      size_t stride = (sr->n + RUN_CHART_POINTS - 1) / RUN_CHART_POINTS, at = 0;
      if (!stride) stride = 1;
      lua_createtable(L, (int)(sr->n / stride + 1), 0);
      for (size_t j = 0; j < sr->n; j += stride) {
        if (j + stride >= sr->n) j = sr->n - 1;   /* always end on the last */
        lua_createtable(L, 2, 0);
        push_number(L, &sr->p[j].epoch);
        lua_rawseti(L, -2, 1);
        push_number(L, &sr->p[j].value);
        lua_rawseti(L, -2, 2);
        lua_rawseti(L, -2, (lua_Integer)++at);
      }
      if ((int)k == c[i].train || (int)k == c[i].validation) {
        lua_pushvalue(L, -1);   /* the same points, for overfit{} */
        lua_setfield(L, -5, (int)k == c[i].train ? "train" : "validation");
      }
      lua_setfield(L, -2, "points");
      lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "series");
    if (c[i].judged && c[i].validation >= 0) {
      push_overfit(L, &c[i]);
      lua_setfield(L, -2, "overfit");
    }
    if (c[i].has_best) {
      lua_pushnumber(L, c[i].best);
      lua_setfield(L, -2, "best");
    }
    if (c[i].has_shade) {
      lua_createtable(L, 2, 0);
      lua_pushnumber(L, c[i].best);
      lua_rawseti(L, -2, 1);
      lua_pushnumber(L, c[i].shade_to);
      lua_rawseti(L, -2, 2);
      lua_setfield(L, -2, "shade");
    }
    lua_rawseti(L, -2, (lua_Integer)++shown);
  }
  lua_setfield(L, -2, "curves");
  if (shown < n) {
    lua_pushinteger(L, (lua_Integer)n);
    lua_setfield(L, -2, "curves_total");
  }
}

static int page_run_in(site *s, const store_row *row, const run_data *d,
                       char err[POD_ERRLEN]) {
  int64_t id = store_row_int(row, "id", 0);
  int64_t env = store_row_int(row, "environment_id", 0);
  char rel[96], title[300];
  const char *name = store_row_text(row, "name");
  row_sink k = {s, ROW_PLAIN, 0};
  int rc;
  lua_newtable(s->L);
  snprintf(title, sizeof title, "Run %lld: %s", (long long)id,
           name ? name : store_row_text(row, "model"));
  site_set_title(s->L, title);
  site_push_row(s->L, row);
  if (env) site_set_href(s->L, "env_href", s->lang, "envs", env);
  lua_setfield(s->L, -2, "run");
  if ((rc = add_measurements(s, d->meas, &d->counts, err))) {
    lua_pop(s->L, 1);
    return rc;
  }
  push_curve(s, &d->c);
  push_checks(s, d->meas);
  push_training_curves(s, d);
  if (store_rows_count(d->env)) {
    store_rows_each(d->env, site_take_first, &k);
    lua_setfield(s->L, -2, "env");
  }
  snprintf(rel, sizeof rel, "%s/runs/%lld.html", s->lang, (long long)id);
  return site_write_page(s, rel, "run.html", err);
}

/* page_run_in under lua_pcall: a page whose data or template goes over
** the sandbox's memory (a run of thousands of huge cells) is an error of
** that page, not an abort of the render (Lua aborts on an error outside
** a protected call). */
typedef struct run_call {
  site *s;
  const store_row *row;
  const run_data *d;
  char *err;
  int rc;
} run_call;

static int run_call_in(lua_State *L) {
  run_call *c = lua_touserdata(L, 1);
  c->rc = page_run_in(c->s, c->row, c->d, c->err);
  return 0;
}

/* The run's page in language s->lang; one too big for the sandbox's
** memory, in its data or its template, says so (run_too_large.html) and
** the render goes on. */
static int page_run_protected(site *s, const store_row *row,
                              const run_data *d, char err[POD_ERRLEN]) {
  run_call c = {s, row, d, err, POD_OK};
  int top = lua_gettop(s->L), r;
  char rel[96], model[204];
  store_walks_mark(s->db);
  lua_pushcfunction(s->L, run_call_in);
  lua_pushlightuserdata(s->L, &c);
  r = lua_pcall(s->L, 1, 0, 0);
  if (r == LUA_OK && !(c.rc == POD_ETEMPLATE &&
                       render_sandbox_out_of_memory(s->sb)))
    return c.rc;   /* written, or an error of another kind */
  lua_settop(s->L, top);
  store_walks_abandon(s->db);
  if (r != LUA_OK && r != LUA_ERRMEM)
    return pod_err(err, POD_ETEMPLATE, "run %lld: %s", (long long)
                   store_row_int(row, "id", 0), "its page's data failed");
  lua_gc(s->L, LUA_GCCOLLECT);
  snprintf(model, sizeof model, "%.200s", store_row_text(row, "model"));
  lua_newtable(s->L);
  lua_createtable(s->L, 0, 2);
  lua_pushinteger(s->L, (lua_Integer)store_row_int(row, "id", 0));
  lua_setfield(s->L, -2, "id");
  lua_pushstring(s->L, model);
  lua_setfield(s->L, -2, "model");
  lua_setfield(s->L, -2, "run");
  snprintf(rel, sizeof rel, "%s/runs/%lld.html", s->lang,
           (long long)store_row_int(row, "id", 0));
  return site_write_page(s, rel, "run_too_large.html", err);
}

/* A run's page in every language, from one set of queries, or from the
** live site when nothing it reads changed. */
static int page_run(const store_row *row, void *ud) {
  item_walk *w = ud;
  site *s = w->s;
  int64_t id = store_row_int(row, "id", 0);
  char fp[RENDER_FP_LEN + 1];
  run_data d;
  int rc, mine;
  if ((rc = site_take_run(s, &mine, w->err)) || !mine) return rc;
  if (s->incr) {
    pod_buf rest = POD_BUF_INIT;
    int reused;
    render_incr_run_fp(s->incr, row, fp);
    pod_buf_adds(&rest, "runs/");
    pod_buf_addi(&rest, (long long)id);
    pod_buf_adds(&rest, ".html");
    rc = POD_OK;
    reused = site_reused_everywhere(s, rest.data, fp, &rc, w->err);
    pod_buf_free(&rest);
    if (reused) return rc;
  }
  rc = run_fetch(s, id, store_row_int(row, "environment_id", 0), &d, w->err);
  for (int k = 0; rc == POD_OK && k < s->n_langs; k++) {
    site_use_language(s, k);
    rc = page_run_protected(s, row, &d, w->err);
  }
  run_data_free(&d);
  return rc;
}

/* The run pages this thread claims, each in every language. */
int site_run_pages(site *s, char err[POD_ERRLEN]) {
  int rc;
  s->run_index = s->chunk_start = s->chunk_end = 0;
  rc = site_each_page(s, store_each_run, page_run, err);
  return rc == RUNS_ALL_CLAIMED ? POD_OK : rc;
}
