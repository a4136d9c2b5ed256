/*
** render/compare_lua.c -- a comparison (analysis/compare.c) as the Lua
** table compare.html and the compare shortcode read, its words in the
** page language.
*/
#include "render/render_int.h"
#include "render/i18n.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- page data ------------------------------------------------------- */

void render_set_num(lua_State *L, const char *k, double v) {
  if (isnan(v)) return;
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

void render_set_str(lua_State *L, const char *k, const char *v) {
  if (!v) return;
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}

static void push_side(lua_State *L, const analysis_cmp_side *s,
                      const char *lang) {
  char href[96];
  lua_createtable(L, 0, 7);
  render_set_num(L, "mean", s->mean);
  render_set_num(L, "sd", s->sd);
  render_set_num(L, "lo", s->lo);
  render_set_num(L, "hi", s->hi);
  lua_pushinteger(L, s->n);
  lua_setfield(L, -2, "n");
  lua_pushinteger(L, (lua_Integer)s->run_id);
  lua_setfield(L, -2, "run_id");
  snprintf(href, sizeof href, "%s/runs/%lld.html", lang,
           (long long)s->run_id);
  render_set_str(L, "href", href);
  render_set_str(L, "method", s->method);
  render_set_num(L, "at_epoch", s->at_epoch);
  if (!isnan(s->at_epoch)) {
    lua_pushinteger(L, s->of_epochs);
    lua_setfield(L, -2, "of_epochs");
  }
  lua_pushboolean(L, s->dataset_free);
  lua_setfield(L, -2, "dataset_free");
}

/* The message key of a row's note. */
static const char *note_key(const char *note) {
  return !strncmp(note, "n = 1", 5) ? "compare.note.single"
                                    : "compare.note.not_positive";
}

/* Warning i in the page language. */
static void push_warning(lua_State *L, const analysis_cmp *c, size_t i) {
  const analysis_warning *w = analysis_compare_warning_at(c, i);
  if (w->kind == ANALYSIS_WARN_POOLS) {
    render_i18n_arg a[] = {{"side", w->side ? "optimized" : "baseline", 0},
                           {"n", NULL, (double)w->n}};
    render_sandbox_msg(L, "compare.warn.pools", a, 2, w->text);
  } else if (w->kind == ANALYSIS_WARN_DIFFERS) {
    const char *fact;
    render_sandbox_msg(L, w->fact_key, NULL, 0, w->fact);
    fact = lua_tostring(L, -1);
    render_i18n_arg a[] = {{"fact", fact, 0},
                           {"baseline", w->values[0], 0},
                           {"optimized", w->values[1], 0}};
    render_sandbox_msg(L, "compare.warn.differs", a, 3, w->text);
    lua_remove(L, -2);
  } else {
    lua_pushstring(L, w->text);
  }
}

/* The accuracy target's verdict in the page language. */
static void push_target(lua_State *L, const analysis_cmp *c) {
  const analysis_target *t = analysis_compare_target(c);
  char key[64], ratio[32];
  if (isnan(t->share) || !t->verdict) return;
  lua_createtable(L, 0, 6);
  render_set_num(L, "share", t->share);
  render_set_str(L, "metric", t->metric);
  render_set_num(L, "ratio", t->ratio);
  render_set_num(L, "lo", t->lo);
  render_set_num(L, "hi", t->hi);
  lua_pushinteger(L, t->n);
  lua_setfield(L, -2, "n");
  render_set_str(L, "verdict", t->verdict);
  snprintf(ratio, sizeof ratio, isnan(t->ratio) ? "-" : "%.4f", t->ratio);
  render_set_str(L, "ratio_text", ratio);
  snprintf(key, sizeof key, "target.%s", !strcmp(t->verdict, "meets") ? "meets"
           : !strcmp(t->verdict, "misses") ? "misses" : "cannot_tell");
  {
    render_i18n_arg a[] = {{"n", NULL, (double)t->n}};
    render_sandbox_msg(L, key, a, 1, t->verdict);
  }
  lua_setfield(L, -2, "verdict_text");
  lua_setfield(L, -2, "target");
}

void render_compare_push(lua_State *L, const analysis_cmp *c,
                         const char *lang) {
  lua_createtable(L, 0, 4);
  for (int k = 0; k < 2; k++) {
    lua_createtable(L, 0, 2);
    size_t n_runs;
    const int64_t *runs = analysis_compare_runs(c, k, &n_runs);
    render_set_str(L, "label", analysis_compare_label(c, k));
    lua_createtable(L, (int)n_runs, 0);
    for (size_t i = 0; i < n_runs; i++) {
      char href[96];
      lua_createtable(L, 0, 2);
      lua_pushinteger(L, (lua_Integer)runs[i]);
      lua_setfield(L, -2, "id");
      snprintf(href, sizeof href, "%s/runs/%lld.html", lang,
               (long long)runs[i]);
      render_set_str(L, "href", href);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "runs");
    lua_setfield(L, -2, k ? "optimized" : "baseline");
  }
  render_set_str(L, "scope", analysis_compare_scope(c));
  if (analysis_compare_scope(c)) {
    pod_buf a = POD_BUF_INIT;
    render_slug(&a, analysis_compare_scope(c));
    render_set_str(L, "anchor", a.data);
    pod_buf_free(&a);
  }
  push_target(L, c);
  lua_createtable(L, (int)analysis_compare_n_warnings(c), 0);
  for (size_t i = 0; i < analysis_compare_n_warnings(c); i++) {
    push_warning(L, c, i);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "warnings");
  size_t n_rows;
  const analysis_cmp_row *rows = analysis_compare_rows(c, &n_rows);
  lua_createtable(L, (int)n_rows, 0);
  for (size_t i = 0; i < n_rows; i++) {
    const analysis_cmp_row *r = &rows[i];
    analysis_cmp_text t;
    analysis_compare_cells(r, &t);
    lua_createtable(L, 0, 24);
    render_set_str(L, "scope", r->scope);
    render_set_str(L, "metric", r->metric);
    render_set_str(L, "unit", r->unit);
    render_set_str(L, "split", r->split);
    lua_pushinteger(L, r->direction);
    lua_setfield(L, -2, "direction");
    if (r->batch_size >= 0) render_set_num(L, "batch_size", (double)r->batch_size);
    if (r->sequence_length >= 0)
      render_set_num(L, "sequence_length", (double)r->sequence_length);
    push_side(L, &r->base, lang);
    lua_setfield(L, -2, "base");
    push_side(L, &r->opt, lang);
    lua_setfield(L, -2, "opt");
    render_set_num(L, "ratio", r->ratio);
    render_set_num(L, "change_pct", r->change_pct);
    render_set_num(L, "speedup", r->speedup);
    render_set_num(L, "diff_pp", r->diff_pp);
    render_set_num(L, "lo", r->lo);
    render_set_num(L, "hi", r->hi);
    lua_pushboolean(L, r->is_difference);
    lua_setfield(L, -2, "is_difference");
    render_set_str(L, "verdict", r->verdict);
    render_set_str(L, "note", r->note);
    render_set_str(L, "ratio_text", t.ratio);
    render_set_str(L, "change_text", t.change);
    render_set_str(L, "effect_text", t.effect);
    render_set_str(L, "interval_text", t.interval);
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
    lua_createtable(L, (int)r->n_warnings, 0);   /* markers: 1-based */
    for (size_t k = 0; k < r->n_warnings; k++) {
      lua_pushinteger(L, (lua_Integer)r->warnings[k] + 1);
      lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "warn");
    {
      pod_buf p = POD_BUF_INIT;
      analysis_point_text(&p, r);
      render_set_str(L, "point_text", p.data);
      pod_buf_free(&p);
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "rows");
}
