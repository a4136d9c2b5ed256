/*
** render/pareto.c -- the Pareto pages: per dataset/task, each
** higher-is-better metric (accuracy, F1) against each cost (time s,
** memory B, energy kWh, emissions kg), one point per run. The front itself
** is drawn and marked by chart_scatter (svg.c); this file picks the data.
**
** A metric measured at several axis points (batch size, sequence length,
** split) is read at the point most runs share, so every run is judged at
** the same point; the page says which.
*/
#include "render/render_int.h"
#include "render/i18n.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rec {
  char *scope, *label, *metric, *unit, *split;
  int64_t run, batch, seq;
  int direction;
  double value;
} rec;

struct render_pareto {
  rec *r;
  size_t n, cap;
};

static char *dup_text(const store_row *row, const char *name) {
  const store_value *v = store_row_col(row, name);
  return v->type == STORE_TEXT ? pod_xstrdup(v->s) : NULL;
}

static int take(const store_row *row, void *ud) {
  render_pareto *p = ud;
  rec *r;
  pod_buf label = POD_BUF_INIT;
  const store_value *variant = store_row_col(row, "variant");
  if (p->n == p->cap) {
    p->cap = p->cap ? 2 * p->cap : 64;
    p->r = pod_xrealloc(p->r, p->cap * sizeof *p->r);
  }
  r = &p->r[p->n++];
  r->scope = dup_text(row, "scope");
  if (!r->scope) r->scope = pod_xstrdup("");
  pod_buf_printf(&label, "%s", store_row_col(row, "model")->s ? store_row_col(row, "model")->s : "?");
  if (variant->type == STORE_TEXT)
    pod_buf_printf(&label, " (%s)", variant->s);
  pod_buf_printf(&label, " #%lld", (long long)store_row_col(row, "run_id")->i);
  r->label = pod_buf_detach(&label);
  r->metric = dup_text(row, "metric");
  r->unit = dup_text(row, "unit");
  if (!r->unit) r->unit = pod_xstrdup("");
  r->split = dup_text(row, "split");
  r->run = store_row_col(row, "run_id")->i;
  r->batch = store_row_col(row, "batch_size")->type == STORE_NULL ? -1 : store_row_col(row, "batch_size")->i;
  r->seq = store_row_col(row, "sequence_length")->type == STORE_NULL ? -1 : store_row_col(row, "sequence_length")->i;
  r->direction = (int)store_row_col(row, "direction")->i;
  r->value = store_row_col(row, "value")->d;
  return 0;
}

int render_pareto_new(store_db *db, render_pareto **out,
                      char err[POD_ERRLEN]) {
  render_pareto *p = pod_xmalloc(sizeof *p);
  int rc;
  memset(p, 0, sizeof *p);
  rc = store_each_summary(db, take, p, err);
  if (rc) {
    render_pareto_free(p);
    p = NULL;
  }
  *out = p;
  return rc;
}

void render_pareto_free(render_pareto *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n; i++) {
    free(p->r[i].scope);
    free(p->r[i].label);
    free(p->r[i].metric);
    free(p->r[i].unit);
    free(p->r[i].split);
  }
  free(p->r);
  free(p);
}

static int is_cost(const rec *r) {
  return r->direction < 0 && (!strcmp(r->unit, "s") || !strcmp(r->unit, "B") ||
                              !strcmp(r->unit, "kWh") || !strcmp(r->unit, "kg"));
}

static int same_key(const rec *a, const rec *b) {
  return a->batch == b->batch && a->seq == b->seq &&
         ((!a->split && !b->split) ||
          (a->split && b->split && !strcmp(a->split, b->split)));
}

/* The record of the point of metric [from, to) most runs share: rows come
** ordered by point, so a point is a stretch. */
static size_t best_point(const render_pareto *p, size_t from, size_t to) {
  size_t best = from, best_n = 0;
  for (size_t i = from; i < to;) {
    size_t j = i;
    while (j < to && same_key(&p->r[i], &p->r[j])) j++;
    if (j - i > best_n) { best = i; best_n = j - i; }
    i = j;
  }
  return best;
}

/* [from, to) of each metric of the scope starting at `from`. */
typedef struct span { size_t from, to, at; } span;

static size_t metric_spans(const render_pareto *p, size_t from, span *out,
                           size_t *n_out) {
  size_t i = from, n = 0;
  while (i < p->n && !strcmp(p->r[i].scope, p->r[from].scope)) {
    size_t j = i;
    while (j < p->n && !strcmp(p->r[j].scope, p->r[i].scope) &&
           !strcmp(p->r[j].metric, p->r[i].metric))
      j++;
    out[n].from = i;
    out[n].to = j;
    out[n].at = best_point(p, i, j);
    n++;
    i = j;
  }
  *n_out = n;
  return i;
}

/* Appends " · " and message key with {n} = v (English: "en_word v"). */
static void axis_part(lua_State *L, pod_buf *b, const char *key,
                      const char *en_word, long long v) {
  char en[64];
  render_i18n_arg a = {"n", NULL, (double)v};
  snprintf(en, sizeof en, "%s %lld", en_word, v);
  render_sandbox_msg(L, key, &a, 1, en);
  pod_buf_printf(b, " · %s", lua_tostring(L, -1));
  lua_pop(L, 1);
}

/* " · batch 8 · seq 128 · validation", in the page language. */
static void axis_text(lua_State *L, pod_buf *b, const rec *r) {
  if (r->batch >= 0) axis_part(L, b, "point.batch", "batch", (long long)r->batch);
  if (r->seq >= 0) axis_part(L, b, "point.seq", "seq", (long long)r->seq);
  if (r->split) {
    pod_buf key = POD_BUF_INIT;
    pod_buf_printf(&key, "split.%s", r->split);
    render_sandbox_msg(L, key.data, NULL, 0, r->split);
    pod_buf_printf(b, " · %s", lua_tostring(L, -1));
    lua_pop(L, 1);
    pod_buf_free(&key);
  }
}

/* Pushes {quality, quality_unit, quality_point, cost, cost_unit,
** cost_point, points = {{x, y, label, href}}} when two runs or more have
** both; returns whether it pushed. */
static int push_chart(lua_State *L, const render_pareto *p, const span *q,
                      const span *c, const char *lang) {
  int n = 0;
  pod_buf t = POD_BUF_INIT;
  lua_createtable(L, 0, 7);
  lua_newtable(L);
  for (size_t i = q->from; i < q->to; i++) {
    const rec *a = &p->r[i];
    if (!same_key(a, &p->r[q->at])) continue;
    for (size_t j = c->from; j < c->to; j++) {
      const rec *b = &p->r[j];
      char href[96];
      if (b->run != a->run || !same_key(b, &p->r[c->at])) continue;
      lua_createtable(L, 4, 1);
      lua_pushnumber(L, b->value);
      lua_rawseti(L, -2, 1);
      lua_pushnumber(L, a->value);
      lua_rawseti(L, -2, 2);
      lua_pushstring(L, a->label);
      lua_rawseti(L, -2, 3);
      snprintf(href, sizeof href, "%s/runs/%lld.html", lang, (long long)a->run);
      lua_pushstring(L, href);
      lua_setfield(L, -2, "href");
      lua_rawseti(L, -2, ++n);
    }
  }
  lua_setfield(L, -2, "points");
  if (n < 2) {
    lua_pop(L, 1);
    return 0;
  }
  lua_pushstring(L, p->r[q->at].metric);
  lua_setfield(L, -2, "quality");
  lua_pushstring(L, p->r[q->at].unit);
  lua_setfield(L, -2, "quality_unit");
  axis_text(L, &t, &p->r[q->at]);
  lua_pushstring(L, pod_buf_str(&t));
  lua_setfield(L, -2, "quality_point");
  pod_buf_clear(&t);
  lua_pushstring(L, p->r[c->at].metric);
  lua_setfield(L, -2, "cost");
  lua_pushstring(L, p->r[c->at].unit);
  lua_setfield(L, -2, "cost_unit");
  axis_text(L, &t, &p->r[c->at]);
  lua_pushstring(L, pod_buf_str(&t));
  lua_setfield(L, -2, "cost_point");
  pod_buf_free(&t);
  return 1;
}

int render_pareto_each(const render_pareto *p, lua_State *L, const char *lang,
                       int (*page)(void *ud, const char *scope), void *ud) {
  span *sp = pod_xmalloc((p->n + 1) * sizeof *sp);
  size_t n_sp, next;
  int rc = POD_OK;
  for (size_t from = 0; from < p->n && !rc; from = next) {
    int charts = 0;
    next = metric_spans(p, from, sp, &n_sp);
    lua_newtable(L);
    for (size_t q = 0; q < n_sp; q++) {
      if (p->r[sp[q].from].direction <= 0) continue;
      for (size_t c = 0; c < n_sp; c++)
        if (is_cost(&p->r[sp[c].from]) &&
            push_chart(L, p, &sp[q], &sp[c], lang))
          lua_rawseti(L, -2, ++charts);
    }
    if (!charts) {
      lua_pop(L, 1);
      continue;
    }
    rc = page(ud, p->r[from].scope);   /* pops the charts */
  }
  free(sp);
  return rc;
}
