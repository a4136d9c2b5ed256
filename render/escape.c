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

/* The bytes HTML escaping replaces: one table look-up a byte. Control
** characters (C0 but tab, line ends and form feed; DEL) are not allowed
** in HTML text: a name holding one gets U+FFFD instead. */
#define CTL 2
static const unsigned char SPECIAL[256] = {
  ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
  [0x00] = CTL, [0x01] = CTL, [0x02] = CTL, [0x03] = CTL, [0x04] = CTL,
  [0x05] = CTL, [0x06] = CTL, [0x07] = CTL, [0x08] = CTL, [0x0b] = CTL,
  [0x0e] = CTL, [0x0f] = CTL, [0x10] = CTL, [0x11] = CTL, [0x12] = CTL,
  [0x13] = CTL, [0x14] = CTL, [0x15] = CTL, [0x16] = CTL, [0x17] = CTL,
  [0x18] = CTL, [0x19] = CTL, [0x1a] = CTL, [0x1b] = CTL, [0x1c] = CTL,
  [0x1d] = CTL, [0x1e] = CTL, [0x1f] = CTL, [0x7f] = CTL};
#define REPLACEMENT "\xef\xbf\xbd"   /* U+FFFD */

/* What byte c (SPECIAL) becomes. */
static const char *escape_of(unsigned char c) {
  switch (c) {
  case '&': return "&amp;";
  case '<': return "&lt;";
  case '>': return "&gt;";
  case '"': return "&quot;";
  case '\'': return "&#39;";
  default: return REPLACEMENT;
  }
}

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
    luaL_addstring(b, escape_of((unsigned char)s[i]));
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
** were a tenth of a render). The text is in a block from the state's own
** allocator (lua_getallocf), so the sandbox's memory limit holds; it
** grows in place and is freed by the buffer's __gc or when released: a
** block of Lua's garbage per doubling held ~1 MB at a 10,000-run
** render's peak (the 1,000-row pages). */
typedef struct {
  char *data;
  size_t len, cap;
} out_buf;

#define OUT_FIRST 1024   /* the first block; then doubling */

/* The block of the last output taken (render_out_release), for the next
** one: a page's template and layout.html then write into blocks made
** once, not four or five new ones a page. Not a block over SPARE_MAX: a
** list of 1,000 rows (a few such pages a language) would keep its block
** for the rest of the render, in every thread. */
static const char SPARE_KEY = 'o';
#define SPARE_MAX (256u << 10)

static void block_free(lua_State *L, char *p, size_t cap) {
  void *ud;
  lua_Alloc f = lua_getallocf(L, &ud);
  if (p) f(ud, p, cap, 0);
}

static int out_gc(lua_State *L) {   /* a buffer's, and the spare's */
  out_buf *b = lua_touserdata(L, 1);
  block_free(L, b->data, b->cap);
  b->data = NULL;
  b->len = b->cap = 0;
  return 0;
}

/* A new, empty buffer userdata, freed by __gc; its metatable is out of a
** template's reach (__metatable). */
static out_buf *out_new(lua_State *L) {
  out_buf *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->data = NULL;
  b->len = b->cap = 0;
  if (luaL_newmetatable(L, "podium.out")) {
    lua_pushcfunction(L, out_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  return b;
}

/* _nb(): a new, empty output buffer. */
static int l_nb(lua_State *L) {
  out_new(L);
  return 1;
}

/* The output buffer at idx, or NULL. The only userdata a template can
** reach whose size is an out_buf's are those _nb made. */
static out_buf *to_out(lua_State *L, int idx) {
  out_buf *b = lua_touserdata(L, idx);
  return b && lua_rawlen(L, idx) == sizeof *b ? b : NULL;
}

/* The spare buffer (registry), made on first use. */
static out_buf *spare_of(lua_State *L) {
  out_buf *sp;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &SPARE_KEY) == LUA_TUSERDATA) {
    sp = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return sp;
  }
  lua_pop(L, 1);
  sp = out_new(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &SPARE_KEY);
  return sp;
}

/* Makes room for n more bytes in b. */
static void out_grow(lua_State *L, out_buf *b, size_t n) {
  size_t cap = b->cap ? b->cap : OUT_FIRST;
  out_buf *sp;
  void *ud, *d;
  lua_Alloc f = lua_getallocf(L, &ud);
  while (cap - b->len < n) {
    if (cap > ((size_t)-1) / 4) luaL_error(L, "template output too large");
    cap *= 2;
  }
  if (!b->data && (sp = spare_of(L))->data && sp->cap >= cap) {
    b->data = sp->data;   /* empty: nothing to copy */
    b->cap = sp->cap;
    sp->data = NULL;
    sp->cap = 0;
    return;
  }
  while (!(d = f(ud, b->data, b->data ? b->cap : 0, cap))) {
    /* over the sandbox's limit: a userdata as large makes Lua collect its
    ** garbage, and raise its own memory error when that is not enough */
    lua_newuserdatauv(L, cap, 0);
    lua_pop(L, 1);
    lua_gc(L, LUA_GCCOLLECT);
  }
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
    e = escape_of((unsigned char)s[i]);
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

int render_l_w(lua_State *L) { return l_w(L); }

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

void render_out_append(lua_State *L, int idx, const char *s, size_t n) {
  out_buf *b = to_out(L, idx);
  if (b) out_add(L, b, s, n);
}

void render_out_truncate(lua_State *L, int idx, size_t len) {
  out_buf *b = to_out(L, idx);
  if (b && len < b->len) b->len = len;
}

void render_out_release(lua_State *L, int idx) {
  out_buf *b = to_out(L, idx), *sp;
  if (!b || !b->data) return;
  sp = spare_of(L);
  if (b->cap <= SPARE_MAX && b->cap > sp->cap) {   /* the spare if larger */
    block_free(L, sp->data, sp->cap);
    sp->data = b->data;
    sp->cap = b->cap;
  } else {
    block_free(L, b->data, b->cap);
  }
  b->data = NULL;   /* a closure that writes to it later gets a new block */
  b->len = b->cap = 0;
}

char *render_out_take(lua_State *L, int idx, size_t *len, size_t *cap) {
  out_buf *b = to_out(L, idx);
  char *d;
  if (!b || !b->data) return NULL;
  d = b->data;
  *len = b->len;
  *cap = b->cap;
  b->data = NULL;
  b->len = b->cap = 0;
  return d;
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
