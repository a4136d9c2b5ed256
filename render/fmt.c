/*
** render/fmt.c -- numbers and units in the page language, slugs and
** board names (core/text.c does the scaling, this file the digits), the
** axis point of a value, "batch 8, seq 128, validation", and the
** templates' digits() and method_text().
*/
#include "render/render.h"
#include "core/text.h"
#include "render/i18n.h"
#include "render/render_int.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* A number in the page language's digits (i18n), for core/text.c. */
static void i18n_number(pod_buf *out, double v, int digits, void *ud) {
  render_i18n_number(ud, out, v, digits);
}


void render_fmt_value_in(pod_buf *out, double v, const char *unit,
                         render_i18n *i18n) {
  pod_fmt_value_with(out, v, unit, i18n ? i18n_number : NULL, i18n);
}

void render_slug(pod_buf *out, const char *name) { pod_slug(out, name); }

uint64_t render_text_hash(const char *s) {
  uint64_t h = 14695981039346656037u;   /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

void render_board_name(pod_buf *out, const char *scope, const char *metric) {
  render_slug(out, *scope ? scope : "all");
  pod_buf_adds(out, "--");
  render_slug(out, metric);
}

/* ---- the axis point of a value (render_int.h) ------------------------ */

/* n in the page language's digits, as {{ n }} writes it. */
static void page_integer(lua_State *L, pod_buf *out, int64_t n) {
  struct render_i18n *i18n = render_sandbox_i18n(L);
  if (i18n) render_i18n_number(i18n, out, (double)n, 0);
  else pod_buf_printf(out, "%lld", (long long)n);
}

void render_point_text(lua_State *L, pod_buf *out, int64_t batch,
                       int64_t seq, const char *split) {
  const char *sep;
  size_t start = out->len;
  render_sandbox_msg(L, "common.list_separator", NULL, 0, ", ");
  sep = lua_tostring(L, -1);   /* stays on the stack until the end */
  if (batch >= 0) {
    render_sandbox_msg(L, "col.batch", NULL, 0, "batch");
    pod_buf_printf(out, "%s ", lua_tostring(L, -1));
    page_integer(L, out, batch);
    lua_pop(L, 1);
  }
  if (seq >= 0) {
    render_sandbox_msg(L, "col.seq", NULL, 0, "seq");
    pod_buf_printf(out, "%s%s ", out->len > start ? sep : "",
                   lua_tostring(L, -1));
    page_integer(L, out, seq);
    lua_pop(L, 1);
  }
  if (split && *split) {
    render_push_named(L, "split", split);
    pod_buf_printf(out, "%s%s", out->len > start ? sep : "",
                   lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* point_label(r): r's axis point, "batch 8, seq 128, validation", from
** r.batch_size, r.sequence_length and r.split (each optional). */
int render_l_point_label(lua_State *L) {
  pod_buf b = POD_BUF_INIT;
  int64_t batch = -1, seq = -1;
  const char *split = NULL;
  luaL_checktype(L, 1, LUA_TTABLE);
  if (lua_getfield(L, 1, "batch_size") == LUA_TNUMBER)
    batch = (int64_t)lua_tonumber(L, -1);
  if (lua_getfield(L, 1, "sequence_length") == LUA_TNUMBER)
    seq = (int64_t)lua_tonumber(L, -1);
  if (lua_getfield(L, 1, "split") == LUA_TSTRING) split = lua_tostring(L, -1);
  render_point_text(L, &b, batch, seq, split);
  lua_pushlstring(L, pod_buf_str(&b), b.len);
  pod_buf_free(&b);
  return 1;
}
/* digits(s): a figure C formatted, in the page language's digits. */
int render_l_digits(lua_State *L) {
  struct render_i18n *i18n = render_sandbox_i18n(L);
  const char *s = luaL_optstring(L, 1, "");
  pod_buf out = POD_BUF_INIT;
  if (!i18n) {
    lua_pushstring(L, s);
    return 1;
  }
  render_i18n_digits(i18n, &out, s);
  lua_pushlstring(L, pod_buf_str(&out), out.len);
  pod_buf_free(&out);
  return 1;
}

/* method_text(m): a measurement method as ingest and estimate store it
** ("rapl+nvml+ram-model", core/method.h) in words, with the error band
** of its least exact part: a wall meter is the reference, NVML readings
** are within 5 W, everything else (RAPL, models, TDP shares, estimates)
** is a software estimate, up to 40% off (docs/COMPARE.md). */
int render_l_method_text(lua_State *L) {
  const char *m = luaL_optstring(L, 1, NULL), *p;
  const char *worst = "band.reference";
  luaL_Buffer b;
  int parts = 0;
  if (!m || !*m) {
    lua_pushliteral(L, "");
    return 1;
  }
  luaL_buffinit(L, &b);
  for (p = m; *p;) {
    size_t n = strcspn(p, "+/ ");
    char part[48], key[64];
    if (n && n < sizeof part) {
      snprintf(part, sizeof part, "%.*s", (int)n, p);
      snprintf(key, sizeof key, "method.%s", part);
      if (parts++) luaL_addstring(&b, " + ");
      render_sandbox_msg(L, key, NULL, 0, part);
      luaL_addvalue(&b);
      if (!strcmp(part, "nvml")) {
        if (!strcmp(worst, "band.reference")) worst = "band.nvml";
      } else if (strcmp(part, "wall-meter")) {
        worst = "band.software";
      }
    }
    p += n;
    while (*p == '+' || *p == '/' || *p == ' ') p++;
  }
  luaL_addstring(&b, " (");
  render_sandbox_msg(L, worst, NULL, 0, worst);
  luaL_addvalue(&b);
  luaL_addchar(&b, ')');
  luaL_pushresult(&b);
  return 1;
}
