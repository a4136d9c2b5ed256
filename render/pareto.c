/*
** render/pareto.c -- the Pareto pages: per dataset, the quality column of
** its study table (accuracy at the best epoch) against each cost column
** (latency and memory at the reference point, energy and emissions per
** run), one point per model: every model of the dataset that has both.
** analysis/ computes the tables (once per render, site.c's study) and the front (chart_scatter marks it via
** analysis_pareto); this file only turns the table into chart data.
*/
#include "render/render_int.h"
#include "render/i18n.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct render_pareto {
  const analysis_table **t;   /* the tables with a chart, borrowed */
  size_t n;
};

/* Models with both the quality and cost c. */
static size_t both(const analysis_table *t, int c) {
  size_t k = 0;
  for (size_t r = 0; r < t->n_rows; r++)
    k += t->rows[r].cell[ANALYSIS_COL_QUALITY]->n && t->rows[r].cell[c]->n;
  return k;
}

static int has_chart(const analysis_table *t) {
  if (!t->col[ANALYSIS_COL_QUALITY].metric) return 0;
  for (int c = ANALYSIS_COL_LATENCY; c < ANALYSIS_N_COLS; c++)
    if (t->col[c].metric && both(t, c) >= 2) return 1;
  return 0;
}

void render_pareto_new(analysis_table *const *tables, size_t n,
                       render_pareto **out) {
  render_pareto *p = pod_xmalloc(sizeof *p);
  memset(p, 0, sizeof *p);
  p->t = pod_xmalloc((n ? n : 1) * sizeof *p->t);
  for (size_t i = 0; i < n; i++)
    if (has_chart(tables[i])) p->t[p->n++] = tables[i];
  *out = p;
}

void render_pareto_free(render_pareto *p) {
  if (!p) return;
  free(p->t);
  free(p);
}

/* " (Batch 8, Seq. length 128)" in the page language, or "". */
static void point_text(lua_State *L, pod_buf *b, const analysis_column *c) {
  pod_buf_clear(b);
  if (c->batch < 0 && c->seq < 0 && !c->split) return;
  pod_buf_adds(b, " (");
  render_point_text(L, b, c->batch, c->seq, c->split);
  pod_buf_addc(b, ')');
}

static void push_chart(lua_State *L, const analysis_table *t, int c,
                       const char *lang) {
  const analysis_column *q = &t->col[ANALYSIS_COL_QUALITY], *k = &t->col[c];
  pod_buf b = POD_BUF_INIT;
  int n = 0;
  lua_createtable(L, 0, 8);
  lua_newtable(L);
  for (size_t r = 0; r < t->n_rows; r++) {
    const analysis_table_row *row = &t->rows[r];
    const analysis_cell *x = row->cell[c], *y = row->cell[ANALYSIS_COL_QUALITY];
    if (!x->n || !y->n) continue;
    lua_createtable(L, 3, 1);
    lua_pushnumber(L, x->mean);
    lua_rawseti(L, -2, 1);
    lua_pushnumber(L, y->mean);
    lua_rawseti(L, -2, 2);
    pod_buf_clear(&b);
    render_model_label(&b, row->unit->model, row->unit->variant);
    lua_pushstring(L, b.data);
    lua_rawseti(L, -2, 3);
    pod_buf_clear(&b);
    render_model_href(&b, lang, row->unit->model, row->unit->variant);
    lua_pushstring(L, b.data);
    lua_setfield(L, -2, "href");
    lua_rawseti(L, -2, ++n);
  }
  lua_setfield(L, -2, "points");
  lua_pushstring(L, q->metric);
  lua_setfield(L, -2, "quality");
  lua_pushstring(L, q->unit);
  lua_setfield(L, -2, "quality_unit");
  lua_pushinteger(L, q->direction < 0 ? -1 : 1);
  lua_setfield(L, -2, "quality_better");
  point_text(L, &b, q);
  lua_pushstring(L, pod_buf_str(&b));
  lua_setfield(L, -2, "quality_point");
  lua_pushstring(L, k->metric);
  lua_setfield(L, -2, "cost");
  lua_pushstring(L, k->unit);
  lua_setfield(L, -2, "cost_unit");
  point_text(L, &b, k);
  lua_pushstring(L, pod_buf_str(&b));
  lua_setfield(L, -2, "cost_point");
  pod_buf_free(&b);
}

int render_pareto_each(const render_pareto *p, lua_State *L, const char *lang,
                       int (*page)(void *ud, const char *scope), void *ud) {
  for (size_t i = 0; i < p->n; i++) {
    const analysis_table *t = p->t[i];
    int charts = 0, rc;
    lua_newtable(L);
    for (int c = ANALYSIS_COL_LATENCY; c < ANALYSIS_N_COLS; c++) {
      if (!t->col[c].metric || both(t, c) < 2) continue;
      push_chart(L, t, c, lang);
      lua_rawseti(L, -2, ++charts);
    }
    if ((rc = page(ud, t->scope))) return rc;
  }
  return 0;
}
