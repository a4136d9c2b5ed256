/*
** render/escape.c -- what keeps a page's HTML safe: every {{ }} goes
** through _esc (text) or _url (an href or src: javascript: and the like
** blocked), and raw() marks text a template or C made as already HTML.
** Registered in every sandbox by render_escape_register.
** Owns: nothing (Lua's strings).
*/
#include "render/render_int.h"
#include "render/i18n.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char RAW_KEY = 'r';      /* registry key of raw()'s metatable */

/* The bytes HTML escaping replaces: one table look-up a byte. */
static const unsigned char SPECIAL[256] = {
  ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1};

/* Length of the prefix of s that needs no escaping. */
static size_t plain_prefix(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && !SPECIAL[(unsigned char)s[i]]) i++;
  return i;
}

static void add_escaped(luaL_Buffer *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    size_t k = plain_prefix(s + i, n - i);   /* runs, not char by char */
    if (k) {
      luaL_addlstring(b, s + i, k);
      if ((i += k) == n) break;
    }
    switch (s[i]) {
    case '&': luaL_addstring(b, "&amp;"); break;
    case '<': luaL_addstring(b, "&lt;"); break;
    case '>': luaL_addstring(b, "&gt;"); break;
    case '"': luaL_addstring(b, "&quot;"); break;
    case '\'': luaL_addstring(b, "&#39;"); break;
    default: luaL_addchar(b, s[i]);
    }
  }
}

static int is_raw(lua_State *L, int idx) {
  int yes = 0;
  if (lua_type(L, idx) == LUA_TTABLE && lua_getmetatable(L, idx)) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &RAW_KEY);
    yes = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
  }
  return yes;
}

/* Pushes the text form of value idx: nil is "", numbers as written (in
** the page language's digits when it has one). */
static const char *to_text(lua_State *L, int idx, size_t *n) {
  struct render_i18n *i18n;
  switch (lua_type(L, idx)) {
  case LUA_TNIL: lua_pushliteral(L, ""); break;
  case LUA_TNUMBER:
    if ((i18n = render_sandbox_i18n(L))) {
      pod_buf num = POD_BUF_INIT;
      double v = lua_tonumber(L, idx);
      render_i18n_number(i18n, &num, v, v == floor(v) ? 0 : -1);
      lua_pushlstring(L, pod_buf_str(&num), num.len);
      pod_buf_free(&num);
    } else if (lua_isinteger(L, idx)) {
      lua_pushfstring(L, "%I", lua_tointeger(L, idx));
    } else {
      char num[64];
      snprintf(num, sizeof num, "%.15g", lua_tonumber(L, idx));
      lua_pushstring(L, num);
    }
    break;
  case LUA_TBOOLEAN: lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false"); break;
  case LUA_TSTRING: lua_pushvalue(L, idx); break;
  default: luaL_error(L, "cannot output a %s", luaL_typename(L, idx));
  }
  return lua_tolstring(L, -1, n);
}

/* _esc(v): template output in HTML text or a quoted attribute. */
static int l_esc(lua_State *L) {
  size_t n;
  const char *s;
  luaL_Buffer b;
  if (is_raw(L, 1)) {
    lua_rawgeti(L, 1, 1);
    return 1;
  }
  s = to_text(L, 1, &n);
  if (plain_prefix(s, n) == n) return 1;   /* most values: the text as is */
  luaL_buffinit(L, &b);
  add_escaped(&b, s, n);
  luaL_pushresult(&b);
  return 1;
}

/* Is s a link we let through: http(s), #fragment, or relative? */
static int safe_url(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && (unsigned char)s[i] <= ' ') i++;  /* browsers skip these */
  s += i; n -= i;
  if (!strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8))
    return 1;
  for (i = 0; i < n; i++) {  /* a scheme is letters before ':' */
    if (s[i] == ':') return 0;
    if (s[i] == '/' || s[i] == '?' || s[i] == '#') return 1;
    if ((unsigned char)s[i] < ' ' || s[i] == '\\') return 0;
  }
  return 1;
}

/* _url(v): template output inside href/src: unsafe schemes become "#". */
static int l_url(lua_State *L) {
  size_t n;
  const char *s = to_text(L, 1, &n);
  luaL_Buffer b;
  if (!safe_url(s, n)) {
    lua_pushliteral(L, "#blocked-url");
    return 1;
  }
  if (plain_prefix(s, n) == n) return 1;
  luaL_buffinit(L, &b);
  add_escaped(&b, s, n);
  luaL_pushresult(&b);
  return 1;
}

/* ---- template output ------------------------------------------------ */

/* What one run of a compiled template has written so far (template.c
** emits _w(_b, text, value, text, ...) instead of a Lua table of pieces
** joined at the end: a table slot, a join and an _esc call per piece
** were a tenth of a render). The text is in a userdata block of Lua's
** memory, the buffer's user value, so the sandbox's memory limit holds
** and a block outgrown is Lua's garbage. */
typedef struct {
  char *data;
  size_t len, cap;
} out_buf;

#define OUT_FIRST 1024   /* the first block; then doubling */

/* _nb(): a new, empty output buffer. */
static int l_nb(lua_State *L) {
  out_buf *b = lua_newuserdatauv(L, sizeof *b, 1);
  b->data = NULL;
  b->len = b->cap = 0;
  return 1;
}

/* The output buffer at idx, or NULL. The only userdata a template can
** reach are those _nb made (blocks are user values, out of its reach). */
static out_buf *to_out(lua_State *L, int idx) {
  out_buf *b = lua_touserdata(L, idx);
  return b && lua_rawlen(L, idx) == sizeof *b ? b : NULL;
}

/* The block of the last output taken (render_out_release), for the next
** one: a page's template and layout.html then write into blocks made
** once, not four or five new ones a page. */
static const char SPARE_KEY = 'o';

/* Makes room for n more bytes in b, the buffer at stack index 1. */
static void out_grow(lua_State *L, out_buf *b, size_t n) {
  size_t cap = b->cap ? b->cap : OUT_FIRST;
  char *d;
  while (cap - b->len < n) {
    if (cap > ((size_t)-1) / 4) luaL_error(L, "template output too large");
    cap *= 2;
  }
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &SPARE_KEY) == LUA_TUSERDATA &&
      lua_rawlen(L, -1) >= cap) {
    cap = lua_rawlen(L, -1);
    d = lua_touserdata(L, -1);
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &SPARE_KEY);
  } else {
    lua_pop(L, 1);
    d = lua_newuserdatauv(L, cap, 0);   /* Lua's memory error when over */
  }
  if (b->len) memcpy(d, b->data, b->len);
  lua_setiuservalue(L, 1, 1);
  b->data = d;
  b->cap = cap;
}

static inline void out_add(lua_State *L, out_buf *b, const char *s, size_t n) {
  if (b->cap - b->len < n) out_grow(L, b, n);
  memcpy(b->data + b->len, s, n);
  b->len += n;
}

static void out_escaped(lua_State *L, out_buf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    size_t k = plain_prefix(s + i, n - i);
    const char *e;
    if (k) {
      out_add(L, b, s + i, k);
      if ((i += k) == n) break;
    }
    switch (s[i]) {
    case '&': e = "&amp;"; break;
    case '<': e = "&lt;"; break;
    case '>': e = "&gt;"; break;
    case '"': e = "&quot;"; break;
    default: e = "&#39;";
    }
    out_add(L, b, e, strlen(e));
  }
}

/* _w(_b, text, value, text, value, ...): appends to buffer _b the
** template's own text (and _url's links, escaped already) as it is and
** each value escaped as _esc does; nil adds nothing. */
static int l_w(lua_State *L) {
  out_buf *b = to_out(L, 1);
  int n = lua_gettop(L);
  if (!b) return luaL_error(L, "_w: no output buffer");
  for (int i = 2; i <= n; i++) {
    size_t len;
    const char *s;
    int t = lua_type(L, i);
    if (t == LUA_TNIL) continue;
    if (i % 2 == 0) {   /* text */
      if (!(s = lua_tolstring(L, i, &len)))
        return luaL_error(L, "cannot output a %s", luaL_typename(L, i));
      out_add(L, b, s, len);
    } else if (t == LUA_TSTRING) {
      s = lua_tolstring(L, i, &len);
      out_escaped(L, b, s, len);
    } else if (is_raw(L, i)) {
      lua_rawgeti(L, i, 1);
      if (!(s = lua_tolstring(L, -1, &len)))
        return luaL_error(L, "cannot output a %s", luaL_typename(L, -1));
      out_add(L, b, s, len);
      lua_pop(L, 1);
    } else {
      s = to_text(L, i, &len);
      out_escaped(L, b, s, len);
      lua_pop(L, 1);
    }
  }
  return 0;
}

void render_push_writers(lua_State *L) {
  lua_pushcfunction(L, l_w);
  lua_pushcfunction(L, l_nb);
}

const char *render_out_text(lua_State *L, int idx, size_t *n) {
  out_buf *b = to_out(L, idx);
  if (!b) return NULL;
  *n = b->len;
  return b->data ? b->data : "";
}

void render_out_release(lua_State *L, int idx) {
  out_buf *b = to_out(L, idx);
  if (!b || !b->data) return;
  idx = lua_absindex(L, idx);
  lua_getiuservalue(L, idx, 1);   /* the block: the spare if larger */
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &SPARE_KEY) != LUA_TUSERDATA ||
      lua_rawlen(L, -1) < b->cap) {
    lua_pushvalue(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &SPARE_KEY);
  }
  lua_pop(L, 2);
  lua_pushnil(L);   /* a closure that writes to it later gets a new block */
  lua_setiuservalue(L, idx, 1);
  b->data = NULL;
  b->len = b->cap = 0;
}

void render_push_raw(lua_State *L, const char *s, size_t n) {
  lua_createtable(L, 1, 0);
  lua_pushlstring(L, s, n);
  lua_rawseti(L, -2, 1);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &RAW_KEY);
  lua_setmetatable(L, -2);
}

/* raw(s): output s as it is. Only for HTML podium made (Markdown, SVG). */
int render_l_raw(lua_State *L) {
  size_t n;
  const char *s;
  if (is_raw(L, 1)) { lua_settop(L, 1); return 1; }
  s = to_text(L, 1, &n);
  render_push_raw(L, s, n);
  return 1;
}

/* escape(s): the escaped text, for templates that build strings. */
static int l_escape(lua_State *L) { return l_esc(L); }

void render_escape_register(lua_State *L) {
  lua_register(L, "_esc", l_esc);
  lua_register(L, "_url", l_url);
  lua_register(L, "raw", render_l_raw);
  lua_register(L, "escape", l_escape);
  lua_createtable(L, 0, 2);  /* raw()'s metatable, hidden from templates */
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &RAW_KEY);
}
