/*
** render/overfit_lua.c -- the overfit{} template helper: best epoch,
** train/validation gap and divergence onset of one metric's curves
** (core/stats.c computes; this file reads and writes Lua tables).
**
** overfit{train = {{epoch, value}, ...}, validation = {...}, direction =
** -1 | 1, k = 3} returns {best_epoch, best_value, gap, onset_epoch,
** verdict} or nil without validation points. Bad arguments raise a Lua
** error naming the helper, so the page fails with its template line.
*/
#include "render/render_int.h"
#include "core/stats.h"
#include "render/i18n.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>

/* indices are ints (pod_overfit); the sandbox's memory cap bounds n long
** before this: a long curve is judged, never an error (issue 15) */
#define MAX_EPOCHS ((size_t)INT_MAX - 1)

/* Reads t[field] = {{x, y}, ...} into userdata arrays on the stack. */
static size_t points(lua_State *L, const char *field, double **x,
                     double **y) {
  size_t n;
  *x = *y = NULL;
  if (lua_getfield(L, 1, field) == LUA_TNIL) return 0;
  luaL_argcheck(L, lua_istable(L, -1), 1, "overfit: points must be a table");
  n = (size_t)lua_rawlen(L, -1);
  if (n > MAX_EPOCHS) luaL_error(L, "overfit: %s has too many points", field);
  *x = lua_newuserdatauv(L, (n + 1) * sizeof(double), 0);
  *y = lua_newuserdatauv(L, (n + 1) * sizeof(double), 0);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, -3, (lua_Integer)i + 1);
    if (!lua_istable(L, -1) || lua_rawgeti(L, -1, 1) != LUA_TNUMBER ||
        lua_rawgeti(L, -2, 2) != LUA_TNUMBER)
      luaL_error(L, "overfit: %s[%d] needs {epoch, value}", field, (int)i + 1);
    (*x)[i] = lua_tonumber(L, -2);
    (*y)[i] = lua_tonumber(L, -1);
    lua_pop(L, 3);
    if (i && (*x)[i] < (*x)[i - 1])
      luaL_error(L, "overfit: %s must be sorted by epoch", field);
  }
  return n;   /* leaves the table and two userdata on the stack */
}

static int l_overfit(lua_State *L) {
  double *te, *tv, *ve, *vv, *aligned;
  size_t nt, nv;
  int direction, k;
  luaL_checktype(L, 1, LUA_TTABLE);
  direction = lua_getfield(L, 1, "direction") == LUA_TNUMBER &&
              lua_tonumber(L, -1) > 0 ? 1 : -1;
  k = lua_getfield(L, 1, "k") == LUA_TNUMBER ? (int)lua_tointeger(L, -1) : 3;
  if (k < 1 || k > 100) luaL_error(L, "overfit: k must be 1 to 100");
  nt = points(L, "train", &te, &tv);
  nv = points(L, "validation", &ve, &vv);
  aligned = lua_newuserdatauv(L, (nv + 1) * sizeof(double), 0);
  render_push_overfit(L, te, tv, nt, ve, vv, nv, direction, k, aligned);
  return 1;
}

void render_push_overfit(lua_State *L, const double *te, const double *tv,
                         size_t nt, const double *ve, const double *vv,
                         size_t nv, int direction, int k, double *aligned) {
  pod_overfit o;
  char verdict[160];
  if (nv == 0) {
    lua_pushnil(L);
    return;
  }
  for (size_t i = 0, j = 0; i < nv; i++) {
    while (j < nt && te[j] < ve[i]) j++;
    aligned[i] = j < nt && te[j] == ve[i] ? tv[j] : NAN;
  }
  pod_overfit_of(ve, aligned, vv, nv, direction, k, &o);
  lua_createtable(L, 0, 5);
  lua_pushnumber(L, ve[o.best]);
  lua_setfield(L, -2, "best_epoch");
  lua_pushnumber(L, vv[o.best]);
  lua_setfield(L, -2, "best_value");
  if (!isnan(o.gap)) {
    lua_pushnumber(L, o.gap);
    lua_setfield(L, -2, "gap");
  }
  /* the verdict in the page language (English without one); status
  ** names it for templates that choose by it */
  if (o.onset >= 0) {
    render_i18n_arg a[] = {{"epoch", NULL, ve[o.onset]}, {"k", NULL, k}};
    lua_pushnumber(L, ve[o.onset]);
    lua_setfield(L, -2, "onset_epoch");
    snprintf(verdict, sizeof verdict, "overfitting from epoch %g: "
             "validation worse than its best for %d epochs while training "
             "held or improved", ve[o.onset], k);
    render_sandbox_msg(L, "overfit.onset", a, 2, verdict);
    lua_pushliteral(L, "overfitting");
  } else if (o.too_short) {
    render_i18n_arg a[] = {{"n", NULL, (double)nv}, {"need", NULL, k + 1}};
    snprintf(verdict, sizeof verdict, "too few epochs to tell (%zu, "
             "need %d)", nv, k + 1);
    render_sandbox_msg(L, "overfit.too_few", a, 2, verdict);
    lua_pushliteral(L, "too_few");
  } else {
    render_i18n_arg a[] = {{"n", NULL, (double)nv}};
    snprintf(verdict, sizeof verdict, "no divergence in %zu epochs", nv);
    render_sandbox_msg(L, "overfit.none", a, 1, verdict);
    lua_pushliteral(L, "no_divergence");
  }
  lua_setfield(L, -3, "status");
  lua_setfield(L, -2, "verdict");
}

void render_overfit_register(lua_State *L) {
  lua_register(L, "overfit", l_overfit);
}
