/*
** render/svg_lua.c -- the chart helpers templates call: chart_lines,
** chart_bars and chart_scatter (docs/TEMPLATES.md). Each reads one Lua
** table, draws it with render/svg.c and returns raw HTML: a <figure> with
** the SVG and its data table in <details>.
**
** Bad arguments raise a Lua error, so the page fails with
** "name.html:LINE: chart_lines: ...". Data never does (issue 15): a
** chart given more series than it can tell apart draws the first
** MAX_SERIES and says so in a note under its caption. Everything read from the table
** lives in Lua memory (userdata anchored on the stack), so an error
** leaks nothing and counts against the sandbox's memory cap.
*/
#include "render/render_int.h"
#include "render/svg.h"

#include "render/i18n.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_SERIES 28

typedef struct args {
  lua_State *L;
  const char *fn;    /* helper name, for messages */
  int anchor;        /* stack index of a table keeping things alive */
  size_t given;      /* most series a panel was given */
} args;

/* Of n series given, how many are drawn (the rest are named in a note). */
static size_t drawn(args *a, size_t n) {
  if (n > a->given) a->given = n;
  return n > MAX_SERIES ? MAX_SERIES : n;
}

static void *keep(args *a, size_t bytes) {
  void *p = lua_newuserdatauv(a->L, bytes ? bytes : 1, 0);
  lua_rawseti(a->L, a->anchor, (lua_Integer)lua_rawlen(a->L, a->anchor) + 1);
  return p;
}

/* t[field] as a string (numbers too), NULL when nil. */
static const char *opt_text(args *a, int t, const char *field) {
  const char *s = NULL;
  int ty = lua_getfield(a->L, t, field);
  if (ty == LUA_TSTRING || ty == LUA_TNUMBER) {
    s = luaL_tolstring(a->L, -1, NULL);
    lua_rawseti(a->L, a->anchor, (lua_Integer)lua_rawlen(a->L, a->anchor) + 1);
  } else if (ty != LUA_TNIL) {
    luaL_error(a->L, "%s: %s must be a string, not a %s", a->fn, field,
               lua_typename(a->L, ty));
  }
  lua_pop(a->L, 1);
  return s;
}

static double opt_num(args *a, int t, const char *field, double def) {
  double v = def;
  int ty = lua_getfield(a->L, t, field);
  if (ty == LUA_TNUMBER) v = lua_tonumber(a->L, -1);
  else if (ty != LUA_TNIL)
    luaL_error(a->L, "%s: %s must be a number, not a %s", a->fn, field,
               lua_typename(a->L, ty));
  lua_pop(a->L, 1);
  return v;
}

static int opt_bool(args *a, int t, const char *field) {
  int v;
  lua_getfield(a->L, t, field);
  v = lua_toboolean(a->L, -1);
  lua_pop(a->L, 1);
  return v;
}

/* Pushes t[field], which must be a table; returns its length. */
static size_t need_table(args *a, int t, const char *field, const char *where) {
  if (lua_getfield(a->L, t, field) != LUA_TTABLE)
    luaL_error(a->L, "%s: %s%s must be a table, not a %s", a->fn, where,
               field, luaL_typename(a->L, -1));
  return (size_t)lua_rawlen(a->L, -1);
}

static void axis(args *a, int t, const char *label, const char *unit,
                 const char *log, render_svg_axis *out) {
  out->label = opt_text(a, t, label);
  out->unit = opt_text(a, t, unit);
  out->log = opt_bool(a, t, log);
}

/* Numbers of array at idx (nil entries are NaN when may_miss). */
static double *numbers(args *a, int idx, size_t n, const char *what,
                       size_t k, int may_miss) {
  double *v = keep(a, n * sizeof *v);
  idx = lua_absindex(a->L, idx);
  for (size_t i = 0; i < n; i++) {
    int ty = lua_rawgeti(a->L, idx, (lua_Integer)i + 1);
    if (ty == LUA_TNUMBER) v[i] = lua_tonumber(a->L, -1);
    else if (ty == LUA_TNIL && may_miss) v[i] = NAN;
    else luaL_error(a->L, "%s: series[%d].%s[%d] must be a number, not a %s",
                    a->fn, (int)k + 1, what, (int)i + 1, lua_typename(a->L, ty));
    lua_pop(a->L, 1);
  }
  return v;
}

/* series = {{name=, points={{x, y[, label]}, ...}}, ...} */
static size_t series_points(args *a, int t, render_svg_series *out,
                            const char *where) {
  lua_State *L = a->L;
  size_t ns = drawn(a, need_table(a, t, "series", where));
  int list = lua_gettop(L);
  for (size_t k = 0; k < ns; k++) {
    render_svg_series *s = &out[k];
    if (lua_rawgeti(L, list, (lua_Integer)k + 1) != LUA_TTABLE)
      luaL_error(L, "%s: series[%d] must be a table", a->fn, (int)k + 1);
    int st = lua_gettop(L);
    memset(s, 0, sizeof *s);
    s->name = opt_text(a, st, "name");
    size_t n = need_table(a, st, "points", "series[].");
    int pts = lua_gettop(L);
    double *x = keep(a, n * sizeof *x), *y = keep(a, n * sizeof *y);
    const char **labels = keep(a, n * sizeof *labels);
    for (size_t i = 0; i < n; i++) {
      if (lua_rawgeti(L, pts, (lua_Integer)i + 1) != LUA_TTABLE)
        luaL_error(L, "%s: series[%d].points[%d] must be a table {x, y}",
                   a->fn, (int)k + 1, (int)i + 1);
      int ty = lua_rawgeti(L, -1, 1);
      if (ty != LUA_TNUMBER)
        luaL_error(L, "%s: series[%d].points[%d] needs a number x, not a %s",
                   a->fn, (int)k + 1, (int)i + 1, lua_typename(L, ty));
      x[i] = lua_tonumber(L, -1);
      ty = lua_rawgeti(L, -2, 2);
      if (ty != LUA_TNUMBER && ty != LUA_TNIL)
        luaL_error(L, "%s: series[%d].points[%d] needs a number y or nil, "
                   "not a %s", a->fn, (int)k + 1, (int)i + 1,
                   lua_typename(L, ty));
      y[i] = ty == LUA_TNUMBER ? lua_tonumber(L, -1) : NAN;
      ty = lua_rawgeti(L, -3, 3);
      labels[i] = NULL;
      if (ty == LUA_TSTRING || ty == LUA_TNUMBER) {
        labels[i] = luaL_tolstring(L, -1, NULL);
        lua_rawseti(L, a->anchor, (lua_Integer)lua_rawlen(L, a->anchor) + 1);
      }
      lua_pop(L, 4);
    }
    s->x = x;
    s->y = y;
    s->labels = labels;
    s->n = n;
    lua_settop(L, list);
  }
  lua_pop(L, 1);
  return ns;
}

/* Wraps the chart in a figure and pushes it as raw HTML. */
static int push_figure(args *a, const render_svg_chart *c,
                       int (*draw)(pod_buf *, pod_buf *,
                                   const render_svg_chart *, char *)) {
  pod_buf svg = POD_BUF_INIT, table = POD_BUF_INIT, out = POD_BUF_INIT;
  char err[POD_ERRLEN];
  static const char *const keys[RENDER_SVG_N_WORDS] = {
      "chart.log_scale", "chart.diverging", "chart.best", "chart.series",
      "chart.point", "chart.pareto_front", "chart.yes", "chart.sampled",
      "common.list_separator"};
  render_svg_chart in_language = *c;   /* digits and words of the page */
  int top = lua_gettop(a->L), rc;
  const char *data;
  char id[16], uniq[16];
  in_language.digits = render_sandbox_digits(a->L);
  /* two charts of one page with the same title and description (a
  ** section per dataset) would share element ids: the second gets -2 */
  render_svg_chart_id(id, c);
  if (lua_getfield(a->L, LUA_REGISTRYINDEX, RENDER_CHART_IDS) != LUA_TTABLE) {
    lua_pop(a->L, 1);
    lua_newtable(a->L);
    lua_pushvalue(a->L, -1);
    lua_setfield(a->L, LUA_REGISTRYINDEX, RENDER_CHART_IDS);
  }
  {
    lua_Integer seen = (lua_getfield(a->L, -1, id), lua_tointeger(a->L, -1));
    lua_pop(a->L, 1);
    lua_pushinteger(a->L, seen + 1);
    lua_setfield(a->L, -2, id);
    if (seen) {
      /* id cut to make room for -N, and N past any id the page has
      ** already (a chart's own id may be "x-2"); the new id is taken
      ** too, so a later chart named so moves on */
      for (;; seen++) {
        char suffix[24];
        size_t n = (size_t)snprintf(suffix, sizeof suffix, "-%lld",
                                    (long long)seen + 1), keep = strlen(id);
        int taken;
        if (n > 8) n = 8;                       /* fits: 15 chars and NUL */
        if (keep > 15 - n) keep = 15 - n;
        memcpy(uniq, id, keep);
        memcpy(uniq + keep, suffix, n);
        uniq[keep + n] = '\0';
        taken = lua_getfield(a->L, -1, uniq) != LUA_TNIL;
        lua_pop(a->L, 1);
        if (!taken) break;
      }
      lua_pushinteger(a->L, 1);
      lua_setfield(a->L, -2, uniq);
      in_language.id = uniq;
    }
    lua_pop(a->L, 1);
  }
  for (int k = 0; k < RENDER_SVG_N_WORDS; k++) {  /* on the stack till done */
    render_sandbox_msg(a->L, keys[k], NULL, 0, NULL);
    in_language.words[k] = lua_tostring(a->L, -1);
  }
  render_sandbox_msg(a->L, "chart.data", NULL, 0, "Data");
  data = lua_tostring(a->L, -1);
  rc = draw(&svg, &table, &in_language, err);
  if (rc == POD_OK) {
    pod_buf_adds(&out, "<figure class=\"chart\">\n");
    if (c->title) {
      pod_buf_adds(&out, "<figcaption>");
      render_svg_escape(&out, c->title);
      pod_buf_adds(&out, "</figcaption>\n");
    }
    if (a->given > MAX_SERIES) {
      char en[160];
      render_i18n_arg nums[] = {{"n", NULL, (double)a->given},
                                {"shown", NULL, MAX_SERIES}};
      snprintf(en, sizeof en, "%zu series; the chart shows the first %d, "
               "the table has all", a->given, MAX_SERIES);
      render_sandbox_msg(a->L, "chart.more_series", nums, 2, en);
      pod_buf_adds(&out, "<p class=\"chart-note\">");
      render_svg_escape(&out, lua_tostring(a->L, -1));
      pod_buf_adds(&out, "</p>\n");
    }
    pod_buf_add(&out, pod_buf_str(&svg), svg.len);
    pod_buf_adds(&out, "<details><summary>");
    render_svg_escape(&out, data);
    pod_buf_adds(&out, "</summary>\n<div class=\"scroll\">");
    pod_buf_add(&out, pod_buf_str(&table), table.len);
    pod_buf_adds(&out, "</div></details>\n</figure>\n");
    lua_settop(a->L, top);
    render_push_raw(a->L, pod_buf_str(&out), out.len);
  }
  pod_buf_free(&svg);
  pod_buf_free(&table);
  pod_buf_free(&out);
  if (rc) luaL_error(a->L, "%s: %s", a->fn, err);   /* bufs freed first */
  return 1;
}

static void common(args *a, render_svg_chart *c) {
  render_svg_chart_init(c);
  c->title = opt_text(a, 1, "title");
  c->desc = opt_text(a, 1, "desc");
  c->id = opt_text(a, 1, "id");
  axis(a, 1, "x_label", "x_unit", "log_x", &c->x);
  axis(a, 1, "y_label", "y_unit", "log_y", &c->panel[0].y);
}

static void start(lua_State *L, args *a, const char *fn) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  lua_newtable(L);
  a->L = L;
  a->fn = fn;
  a->anchor = 2;
  a->given = 0;
}

/* chart_lines{title=, desc=, x_label=, x_unit=, log_x=, y_label=, y_unit=,
** log_y=, series=, best_x=, best_label=, shade={from, to}, shade_label=,
** panel2={y_label=, y_unit=, log_y=, series=}} */
static int l_chart_lines(lua_State *L) {
  args a;
  render_svg_chart c;
  render_svg_series *s;
  start(L, &a, "chart_lines");
  s = keep(&a, 2 * MAX_SERIES * sizeof *s);
  common(&a, &c);
  c.panel[0].series = s;
  c.panel[0].n_series = series_points(&a, 1, s, "");
  c.best_x = opt_num(&a, 1, "best_x", NAN);
  c.best_label = opt_text(&a, 1, "best_label");
  c.shade_label = opt_text(&a, 1, "shade_label");
  if (lua_getfield(L, 1, "shade") == LUA_TTABLE) {
    lua_rawgeti(L, -1, 1);
    lua_rawgeti(L, -2, 2);
    if (!lua_isnumber(L, -2) || !lua_isnumber(L, -1))
      luaL_error(L, "chart_lines: shade must be {from, to} numbers");
    c.shade_from = lua_tonumber(L, -2);
    c.shade_to = lua_tonumber(L, -1);
    lua_pop(L, 2);
  } else if (!lua_isnil(L, -1)) {
    luaL_error(L, "chart_lines: shade must be {from, to}");
  }
  lua_pop(L, 1);
  if (lua_getfield(L, 1, "panel2") == LUA_TTABLE) {
    int p2 = lua_gettop(L);
    axis(&a, p2, "y_label", "y_unit", "log_y", &c.panel[1].y);
    c.panel[1].series = s + MAX_SERIES;
    c.panel[1].n_series = series_points(&a, p2, s + MAX_SERIES, "panel2.");
  }
  lua_pop(L, 1);
  return push_figure(&a, &c, render_svg_lines);
}

/* chart_scatter{..., x_better=-1, y_better=1, series={{name=, points=
** {{x, y, label}, ...}}}} */
static int l_chart_scatter(lua_State *L) {
  args a;
  render_svg_chart c;
  render_svg_series *s;
  start(L, &a, "chart_scatter");
  s = keep(&a, MAX_SERIES * sizeof *s);
  common(&a, &c);
  c.panel[0].series = s;
  c.panel[0].n_series = series_points(&a, 1, s, "");
  c.x_better = opt_num(&a, 1, "x_better", -1) < 0 ? -1 : 1;
  c.y_better = opt_num(&a, 1, "y_better", 1) < 0 ? -1 : 1;
  return push_figure(&a, &c, render_svg_scatter);
}

/* chart_bars{title=, desc=, x_label=, y_label=, y_unit=, log_y=,
** categories={...}, series={{name=, values={...}, lo={...}, hi={...}}}} */
static int l_chart_bars(lua_State *L) {
  args a;
  render_svg_chart c;
  render_svg_series *s;
  const char **cats;
  start(L, &a, "chart_bars");
  s = keep(&a, MAX_SERIES * sizeof *s);
  common(&a, &c);
  size_t nc = need_table(&a, 1, "categories", "");
  cats = keep(&a, nc * sizeof *cats);
  for (size_t i = 0; i < nc; i++) {
    int ty = lua_rawgeti(L, -1, (lua_Integer)i + 1);
    if (ty != LUA_TSTRING && ty != LUA_TNUMBER)
      luaL_error(L, "chart_bars: categories[%d] must be a string", (int)i + 1);
    cats[i] = luaL_tolstring(L, -1, NULL);
    lua_rawseti(L, a.anchor, (lua_Integer)lua_rawlen(L, a.anchor) + 1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  c.categories = cats;
  c.n_categories = nc;
  size_t ns = drawn(&a, need_table(&a, 1, "series", ""));
  int list = lua_gettop(L);
  for (size_t k = 0; k < ns; k++) {
    if (lua_rawgeti(L, list, (lua_Integer)k + 1) != LUA_TTABLE)
      luaL_error(L, "chart_bars: series[%d] must be a table", (int)k + 1);
    int st = lua_gettop(L);
    memset(&s[k], 0, sizeof s[k]);
    s[k].name = opt_text(&a, st, "name");
    size_t n = need_table(&a, st, "values", "series[].");
    s[k].y = numbers(&a, -1, n, "values", k, 1);
    s[k].n = n;
    lua_pop(L, 1);
    const char *const ends[] = {"lo", "hi"};
    for (int e = 0; e < 2; e++) {
      if (lua_getfield(L, st, ends[e]) == LUA_TTABLE) {
        if ((size_t)lua_rawlen(L, -1) > n)
          luaL_error(L, "chart_bars: series[%d].%s is longer than values",
                     (int)k + 1, ends[e]);
        double *v = numbers(&a, -1, n, ends[e], k, 1);
        if (e == 0) s[k].lo = v;
        else s[k].hi = v;
      }
      lua_pop(L, 1);
    }
    lua_settop(L, list);
  }
  lua_pop(L, 1);
  c.panel[0].series = s;
  c.panel[0].n_series = ns;
  return push_figure(&a, &c, render_svg_bars);
}

void render_svg_register(lua_State *L) {
  lua_register(L, "chart_lines", l_chart_lines);
  lua_register(L, "chart_bars", l_chart_bars);
  lua_register(L, "chart_scatter", l_chart_scatter);
}
