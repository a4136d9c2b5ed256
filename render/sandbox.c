/*
** render/sandbox.c -- the Lua 5.4 state templates run in.
**
** Templates are users' code, so they get a small world: base functions
** without load/dofile/require/collectgarbage, string without dump, table,
** math and utf8; never io, os, package or debug. getmetatable does not
** reveal the string metatable. A counting allocator caps memory and a
** count hook caps instructions, so a runaway template is an error with
** its file and line, not a hung or crashed podium.
**
** The count hook is set only on a page that runs long: while a count
** hook is set, Lua traps every VM instruction (a tenth of a render), and
** nearly every page ends within a millisecond. A timer on the thread's
** CPU clock signals the thread every WATCH_NS of CPU time; when the same
** page is still running at the next signal, the handler sets the hook
** (lua_sethook may be called from a signal handler; lua.c stops a script
** on Ctrl-C so). No system call per page. Where no such timer can be
** made, the hook is set from the start. A sandbox is used on the thread
** that made it (its timer watches that thread).
** Helpers templates call: fmt, fmt_date, link, t, split_name, file_name,
** point_label, digits and method_text (fmt.c), include, escape and raw
** (escape.c), and the charts of svg_lua.c.
*/
#define _GNU_SOURCE   /* gettid, SIGEV_THREAD_ID */
#include "render/render_int.h"
#include "core/fs.h"
#include "render/i18n.h"
#include "render/row_keep.h"

#include <math.h>

#include <lauxlib.h>
#include <lualib.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_INSTRUCTIONS 200000000L  /* ~1 s of a tight loop */
#define DEFAULT_MEMORY (256u << 20)
#define HOOK_EVERY 10000
#define WATCH_NS 50000000L   /* 50 ms of CPU between the watch's signals */
#define STUCK_SIGNALS 200     /* 10 s of CPU in one call out of Lua's reach */
#define PAGE_MAX (64u << 20)  /* bytes of one page: a gsub of a gsub made
                              ** 100 MB pages, 18 GB of them in 88 s */

/* Lua's small blocks (strings, tables, their nodes: nearly all of a
** page's allocations) come from the sandbox's own slabs, a free list per
** 16-byte class, kept until the sandbox is freed: malloc and free were a
** tenth of a render's CPU (issue 17). Under AddressSanitizer a free
** block is poisoned until it is handed out again, so a use after free
** is still caught. */
#define POOL_STEP 16
#define POOL_MAX 256              /* larger blocks: malloc */
#define POOL_CLASSES (POOL_MAX / POOL_STEP)
#define SLAB_BYTES (64u << 10)
#define TRIM_OVER (1u << 20)      /* bytes: render_sandbox_trim */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct render_sandbox {
  lua_State *L;
  render_i18n *i18n;     /* the page language; NULL: untranslated */
  int fallback_used;     /* t() fell back to English since the reset */
  size_t mem_used, mem_limit;
  size_t mem_kept;   /* mem_used after render_sandbox_trim's last collection */
  int out_of_memory;     /* the last page went over mem_limit */
  long instr_limit, instr_used;
  char **dirs;
  int n_dirs;
  timer_t watch;     /* on the thread's CPU clock; see the top */
  int has_watch;
  void *free_blocks[POOL_CLASSES];   /* small blocks Lua freed, by class */
  char *slab;          /* the newest slab; its first word links the older */
  size_t slab_used;
  row_keep *rows;      /* borrowed: rows kept between renders (kept()) */
};

static const char CACHE_KEY = 'c';    /* registry key of compiled templates */
static const char SANDBOX_KEY = 's';  /* registry key of the sandbox */

/* The class of a block of n bytes (n > 0), POOL_CLASSES when it is not
** pooled. */
static size_t pool_class(size_t n) {
  return n <= POOL_MAX ? (n - 1) / POOL_STEP : POOL_CLASSES;
}

static void *pool_get(render_sandbox *sb, size_t c) {
  void *p = sb->free_blocks[c];
  size_t size = (c + 1) * POOL_STEP;
  if (p) {
    UNPOISON(p, size);
    memcpy(&sb->free_blocks[c], p, sizeof p);   /* its link */
    return p;
  }
  if (!sb->slab || sb->slab_used + size > SLAB_BYTES) {
    char *slab = malloc(SLAB_BYTES);
    if (!slab) return NULL;
    memcpy(slab, &sb->slab, sizeof sb->slab);  /* link the older slabs */
    sb->slab = slab;
    sb->slab_used = POOL_STEP;   /* the link's word, aligned */
    POISON(slab + POOL_STEP, SLAB_BYTES - POOL_STEP);
  }
  p = sb->slab + sb->slab_used;
  sb->slab_used += size;
  UNPOISON(p, size);
  return p;
}

static void pool_put(render_sandbox *sb, void *p, size_t c) {
  memcpy(p, &sb->free_blocks[c], sizeof p);
  sb->free_blocks[c] = p;
  POISON(p, (c + 1) * POOL_STEP);
}

static void pool_free(render_sandbox *sb) {
  while (sb->slab) {
    char *older;
    memcpy(&older, sb->slab, sizeof older);
    UNPOISON(sb->slab, SLAB_BYTES);
    free(sb->slab);
    sb->slab = older;
  }
}

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  render_sandbox *sb = ud;
  size_t oc, nc;
  void *p;
  if (!ptr) osize = 0;
  oc = osize ? pool_class(osize) : POOL_CLASSES;
  if (nsize == 0) {
    if (ptr && oc < POOL_CLASSES) pool_put(sb, ptr, oc);
    else free(ptr);
    sb->mem_used -= osize;
    return NULL;
  }
  if (nsize > osize && sb->mem_used + (nsize - osize) > sb->mem_limit)
    return NULL;  /* Lua turns this into a memory error */
  nc = pool_class(nsize);
  if (ptr && nc == oc && nc < POOL_CLASSES) {
    p = ptr;   /* the same class: the block fits already */
  } else if (nc == POOL_CLASSES && (!ptr || oc == POOL_CLASSES)) {
    p = realloc(ptr, nsize);
  } else {   /* into or out of the pool: a new block, the old one freed */
    p = nc < POOL_CLASSES ? pool_get(sb, nc) : malloc(nsize);
    if (p && ptr) {
      memcpy(p, ptr, osize < nsize ? osize : nsize);
      if (oc < POOL_CLASSES) pool_put(sb, ptr, oc);
      else free(ptr);
    }
  }
  if (p) sb->mem_used = sb->mem_used - osize + nsize;
  return p;
}

static render_sandbox *sandbox_of(lua_State *L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &SANDBOX_KEY);
  render_sandbox *sb = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return sb;
}

struct render_i18n *render_sandbox_i18n(lua_State *L) {
  return sandbox_of(L)->i18n;
}

/* Hook calls on this thread: the watch tells a page stuck in one C call
** (no call for seconds with the hook set) from a long one. */
static _Thread_local volatile unsigned long hook_calls;

static void count_hook(lua_State *L, lua_Debug *ar) {
  render_sandbox *sb = sandbox_of(L);
  (void)ar;
  hook_calls++;
  sb->instr_used += HOOK_EVERY;
  if (sb->instr_used > sb->instr_limit) {
    char msg[96];  /* lua_pushfstring knows no %ld */
    snprintf(msg, sizeof msg, "template ran over %ld instructions (an "
             "endless loop?)", sb->instr_limit);
    luaL_error(L, "%s", msg);
  }
}

/* The state of the page this thread is running, for the signal handler
** (NULL between pages); pages counts the pages begun, seen is the count
** at the last signal. */
static _Thread_local lua_State *volatile watched;
static _Thread_local const char *volatile watched_name;
static _Thread_local volatile unsigned long pages, seen, calls_seen;
static _Thread_local volatile int hooked, stuck;

/* The page has run STUCK_SIGNALS signals in one call the count hook
** cannot reach: a string pattern that backtracks (('a*'):rep(40) over
** 40 a's) or a loop in a __gc finalizer (Lua stops hooks there). No
** error can unwind it, so the process says so and ends: the live site
** was never touched, and the next render removes the temporary tree. */
static void stuck_exit(void) {
  static const char a[] = "podium: ", b[] = ": a template ran 10 s of CPU "
      "in one call Lua cannot interrupt (a string pattern that backtracks?);"
      " render stopped, the site is as it was\n";
  const char *name = watched_name ? watched_name : "template";
  ssize_t ignored = write(2, a, sizeof a - 1);
  ignored = write(2, name, strlen(name));
  ignored = write(2, b, sizeof b - 1);
  (void)ignored;
  _exit(1);
}

static void watch_fired(int sig) {
  lua_State *L = watched;
  (void)sig;
  if (L && pages == seen) {
    if (!hooked) {
      lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
      hooked = 1;
    } else if (hook_calls == calls_seen) {
      if (++stuck >= STUCK_SIGNALS) stuck_exit();
    } else {
      stuck = 0;
    }
  } else {
    hooked = stuck = 0;
  }
  seen = pages;
  calls_seen = hook_calls;
}

static void watch_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = watch_fired;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGRTMIN, &sa, NULL);
}

/* Makes sb->watch: a timer on this thread's CPU clock that signals this
** thread every WATCH_NS. */
static void watch_new(render_sandbox *sb) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  struct sigevent ev;
  pthread_once(&once, watch_install);
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = SIGRTMIN;
#ifdef sigev_notify_thread_id
  ev.sigev_notify_thread_id = gettid();
#else
  ev._sigev_un._tid = gettid();
#endif
  sb->has_watch = timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &sb->watch) == 0;
  if (sb->has_watch) {
    struct itimerspec t;
    memset(&t, 0, sizeof t);
    t.it_value.tv_nsec = t.it_interval.tv_nsec = WATCH_NS;
    if (timer_settime(sb->watch, 0, &t, NULL)) {
      timer_delete(sb->watch);
      sb->has_watch = 0;
    }
  }
}


/* fmt(value, unit) */
static int l_fmt(lua_State *L) {
  pod_buf b = POD_BUF_INIT;
  if (lua_isnoneornil(L, 1)) {
    lua_pushliteral(L, "");
    return 1;
  }
  render_fmt_value_in(&b, luaL_checknumber(L, 1), luaL_optstring(L, 2, ""),
                      sandbox_of(L)->i18n);
  lua_pushlstring(L, pod_buf_str(&b), b.len);
  pod_buf_free(&b);
  return 1;
}

/* An argument of t() from its second argument: a number is {n}, a table
** gives {name}s; numbers keep their type (locale digits, plural). */
typedef struct lua_args {
  lua_State *L;
} lua_args;

static int lua_arg(void *ud, const char *name, double *num, pod_buf *text) {
  lua_State *L = ((lua_args *)ud)->L;
  size_t len;
  const char *s;
  int kind = RENDER_ARG_TEXT;
  if (lua_type(L, 2) == LUA_TNUMBER) {
    if (strcmp(name, "n")) return RENDER_ARG_NONE;
    *num = lua_tonumber(L, 2);
    return RENDER_ARG_NUM;
  }
  if (lua_type(L, 2) != LUA_TTABLE) return RENDER_ARG_NONE;
  switch (lua_getfield(L, 2, name)) {
  case LUA_TNIL: kind = RENDER_ARG_NONE; break;
  case LUA_TNUMBER: *num = lua_tonumber(L, -1); kind = RENDER_ARG_NUM; break;
  default:
    s = luaL_tolstring(L, -1, &len);
    pod_buf_add(text, s, len);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return kind;
}

/* t(key [, n | {name = value}]): the UI message in the page language,
** English when the language lacks it (and the page says so). Messages
** are ICU MessageFormat: a number fills {n} (and picks a plural form of
** {n, plural, ...}), a table fills {name}s. */
/* t() keeps what it made, per language (the registry's podium.t[serial]
** for texts without arguments, podium.tn[serial] for texts of one number):
** a site asks for the same texts on thousands of pages. The t templates
** call is a Lua wrapper (T_WRAPPER) that looks a text up in the page
** language's table before calling C at all; a fallback is never kept, so
** every page that uses one is still marked. */
static const char T_BOX = 'b';      /* registry: {current texts table} */

static void push_kept(lua_State *L, const char *field, unsigned long serial) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, field) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, field);
  }
  if (lua_rawgeti(L, -1, (lua_Integer)serial) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, (lua_Integer)serial);
  }
  lua_remove(L, -2);
}

#define T_KEPT_PER_KEY 4096   /* numbers kept per message */

static const char T_WRAPPER[] =
  "local ct, box = ...\n"
  "return function(k, a)\n"
  "  if a == nil then local v = box[1][k] if v then return v end end\n"
  "  return ct(k, a)\n"
  "end\n";

static int l_t(lua_State *L) {
  render_sandbox *sb = sandbox_of(L);
  const char *key = luaL_checkstring(L, 1);
  int fallback = 0, rc, by_number;
  lua_args a = {L};
  pod_buf out = POD_BUF_INIT;
  char err[POD_ERRLEN];
  if (!sb->i18n) {  /* no catalogs loaded (tests of bare templates) */
    lua_pushvalue(L, 1);
    return 1;
  }
  lua_settop(L, 2);
  by_number = lua_type(L, 2) == LUA_TNUMBER &&
              lua_tonumber(L, 2) == lua_tonumber(L, 2);   /* not NaN */
  if (by_number) {
    push_kept(L, "podium.tn", render_i18n_serial(sb->i18n));   /* 3 */
    lua_pushvalue(L, 1);
    if (lua_rawget(L, 3) == LUA_TTABLE) {          /* 4: by number */
      lua_pushvalue(L, 2);
      if (lua_rawget(L, 4) == LUA_TSTRING) return 1;
    }
    lua_settop(L, 2);
  }
  rc = render_i18n_format(sb->i18n, key, lua_arg, &a, &out, &fallback, err);
  if (rc) {
    pod_buf_free(&out);
    luaL_where(L, 2);   /* the template's line, not the wrapper's */
    lua_pushstring(L, err);
    lua_concat(L, 2);
    return lua_error(L);
  }
  if (fallback) sb->fallback_used = 1;
  lua_pushlstring(L, pod_buf_str(&out), out.len);   /* 3 */
  pod_buf_free(&out);
  if (fallback) return 1;
  if (lua_isnil(L, 2)) {
    push_kept(L, "podium.t", render_i18n_serial(sb->i18n));
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 3);
    lua_rawset(L, -3);
  } else if (by_number) {
    push_kept(L, "podium.tn", render_i18n_serial(sb->i18n));   /* 4 */
    lua_pushvalue(L, 1);
    if (lua_rawget(L, 4) != LUA_TTABLE) {          /* 5 */
      lua_pop(L, 1);
      lua_newtable(L);
      lua_pushvalue(L, 1);
      lua_pushvalue(L, -2);
      lua_rawset(L, 4);
    }
    lua_getfield(L, 5, "count");   /* numbers kept so far */
    lua_Integer kept = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (kept < T_KEPT_PER_KEY) {
      lua_pushvalue(L, 2);
      lua_pushvalue(L, 3);
      lua_rawset(L, 5);
      lua_pushinteger(L, kept + 1);
      lua_setfield(L, 5, "count");
    }
  }
  lua_settop(L, 3);
  return 1;
}

/* fmt_date(iso [, 'date']): an ISO 8601 time as the page language writes
** it (UTC); anything else comes back as it is. */
static int l_fmt_date(lua_State *L) {
  render_sandbox *sb = sandbox_of(L);
  const char *iso = luaL_optstring(L, 1, NULL);
  const char *style = luaL_optstring(L, 2, "datetime");
  pod_buf out = POD_BUF_INIT;
  if (!iso) {
    lua_pushliteral(L, "");
    return 1;
  }
  if (strcmp(style, "date") && strcmp(style, "datetime"))
    return luaL_error(L, "fmt_date: found style \"%s\", expected date or "
                      "datetime", style);
  if (!sb->i18n || render_i18n_date(sb->i18n, iso, !strcmp(style, "datetime"),
                                    &out)) {
    lua_pushvalue(L, 1);
  } else {
    lua_pushlstring(L, pod_buf_str(&out), out.len);
  }
  pod_buf_free(&out);
  return 1;
}

/* A name podium gives in English, looked up as PREFIX.name in the page
** language's catalog; a name it has no key for comes back as it is. */
void render_push_named(lua_State *L, const char *prefix, const char *s) {
  char key[96];
  if (!s) {
    lua_pushliteral(L, "");
    return;
  }
  snprintf(key, sizeof key, "%s.%s", prefix, s);
  render_sandbox_msg(L, key, NULL, 0, s);
}

static int named(lua_State *L, const char *prefix) {
  render_push_named(L, prefix, luaL_optstring(L, 1, NULL));
  return 1;
}

/* split_name(s): a split podium names (train, validation, test). */
static int l_split_name(lua_State *L) { return named(L, "split"); }

/* role_name(s): baseline or optimized. */
static int l_role_name(lua_State *L) { return named(L, "role"); }

/* file_name(path): what follows the last / or \ of a path, the path
** itself when nothing does, "" for nil: a source as the reader needs it
** (run.html). In C: Lua's '[^/\\]+$' tries every start of the path. */
static int l_file_name(lua_State *L) {
  size_t n;
  const char *s, *e;
  if (!lua_toboolean(L, 1)) {
    lua_pushliteral(L, "");
    return 1;
  }
  s = luaL_checklstring(L, 1, &n);   /* a number becomes its text */
  for (e = s + n; e > s && e[-1] != '/' && e[-1] != '\\'; e--)
    ;
  if (e == s + n) lua_settop(L, 1);
  else lua_pushlstring(L, e, (size_t)(s + n - e));
  return 1;
}

void render_sandbox_msg(lua_State *L, const char *key,
                        const render_i18n_arg *args, int n_args,
                        const char *english) {
  render_sandbox *sb = sandbox_of(L);
  pod_buf out = POD_BUF_INIT;
  char err[POD_ERRLEN];
  int fallback = 0;
  if (sb->i18n && render_i18n_text(sb->i18n, key, NULL) &&
      render_i18n_format_args(sb->i18n, key, args, n_args, &out, &fallback,
                              err) == POD_OK) {
    if (fallback) sb->fallback_used = 1;
    lua_pushlstring(L, pod_buf_str(&out), out.len);
  } else if (english) {
    lua_pushstring(L, english);
  } else {
    lua_pushnil(L);   /* the caller has its own English */
  }
  pod_buf_free(&out);
}

/* A template's data is its _ENV: the data's own names first, then the
** sandbox's globals, through this metatable, one per state (made once:
** one per include was a table a cell of a study table). getmetatable
** does not give it out (l_getmetatable): one template cannot change the
** next one's globals through it. */
static const char ENV_META_KEY = 'e';
static void push_env_meta(lua_State *L) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &ENV_META_KEY) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_createtable(L, 0, 1);
  lua_pushglobaltable(L);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &ENV_META_KEY);
}

/* getmetatable without the string metatable (and its string table), nor
** the one template data shares (push_env_meta): false for that. */
static int l_getmetatable(lua_State *L) {
  luaL_checkany(L, 1);
  if (lua_type(L, 1) == LUA_TSTRING || !lua_getmetatable(L, 1)) {
    lua_pushnil(L);
    return 1;
  }
  lua_rawgetp(L, LUA_REGISTRYINDEX, &ENV_META_KEY);
  if (lua_rawequal(L, -1, -2)) {
    lua_pushboolean(L, 0);
    return 1;
  }
  lua_pop(L, 1);
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) return 1;
  return 1;
}

static int run_template(lua_State *L, render_sandbox *sb, const char *name,
                        int as_string, int out);

/* A load error on top without the template's name (Lua's "C stack
** overflow" for 100,000 nested parentheses has no position): named. */
static void name_error(lua_State *L, const char *name) {
  if (lua_isstring(L, -1) &&
      strncmp(lua_tostring(L, -1), name, strlen(name))) {
    lua_pushfstring(L, "%s: %s (an expression nested too deep?)", name,
                    lua_tostring(L, -1));
    lua_remove(L, -2);
  }
}

/* setmetatable without finalizers: Lua runs __gc with hooks off, so a
** loop in one could not be stopped by the instruction limit. */
static int l_setmetatable(lua_State *L) {
  int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "setmetatable: a template may not set __gc");
    lua_pop(L, 1);
  }
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
    return luaL_error(L, "cannot change a protected metatable");
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

/* The number of chart ids the page has taken (svg_lua.c adds one a
** chart): an include that drew a chart is not kept, its ids are the
** page's. */
static lua_Integer chart_ids(lua_State *L) {
  lua_Integer n = 0;
  if (lua_getfield(L, LUA_REGISTRYINDEX, RENDER_CHART_IDS) == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, -2)) { n++; lua_pop(L, 1); }
  }
  lua_pop(L, 1);
  return n;
}

/* include(name, data [, key]): another template's output, as raw HTML.
** With a key the template promises that its output depends on nothing
** but the key, the page language and the page's folder depth: the
** output is kept (per sandbox, INCLUDES_KEPT bytes at most) and the next
** include of the same name and key on such a page takes it without
** running the template (a run page's environment facts: 20% of it). An
** include that fell back to English or drew a chart is not kept. */
static const char INCLUDES_KEY = 'i';   /* registry: kept include output */
#define INCLUDES_KEPT (4 << 20)   /* bytes: a page's memory limit holds */

static int l_include(lua_State *L) {
  render_sandbox *sb = sandbox_of(L);
  const char *name = luaL_checkstring(L, 1);
  int keyed = !lua_isnoneornil(L, 3), fallback = 0;
  lua_Integer charts = 0;
  luaL_checktype(L, 2, LUA_TTABLE);
  if (keyed) {
    const char *key = luaL_checkstring(L, 3);
    lua_settop(L, 3);
    lua_getglobal(L, "_root");
    lua_pushfstring(L, "%s\n%I\n%s\n%s", name,
                    (lua_Integer)(sb->i18n ? render_i18n_serial(sb->i18n) : 0),
                    lua_isstring(L, 4) ? lua_tostring(L, 4) : "", key);
    lua_replace(L, 3);   /* the full key */
    lua_settop(L, 3);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &INCLUDES_KEY) != LUA_TTABLE) {
      lua_pop(L, 1);
      lua_newtable(L);
      lua_pushvalue(L, -1);
      lua_rawsetp(L, LUA_REGISTRYINDEX, &INCLUDES_KEY);
    }
    lua_pushvalue(L, 3);
    if (lua_rawget(L, 4) == LUA_TSTRING) {
      lua_replace(L, 1);
      lua_settop(L, 1);
      return render_l_raw(L);
    }
    fallback = sb->fallback_used;
    sb->fallback_used = 0;
    charts = chart_ids(L);
  }
  lua_settop(L, keyed ? 3 : 2);
  lua_pushvalue(L, 2);   /* the data on top */
  if (run_template(L, sb, name, 1, 0) != LUA_OK) return lua_error(L);
  if (keyed) {   /* 1 name, 2 data, 3 key, 4 output */
    if (!sb->fallback_used && chart_ids(L) == charts &&
        lua_type(L, 4) == LUA_TSTRING) {
      lua_rawgetp(L, LUA_REGISTRYINDEX, &INCLUDES_KEY);
      lua_getfield(L, -1, "#");   /* bytes kept so far */
      lua_Integer kept = lua_tointeger(L, -1) + (lua_Integer)lua_rawlen(L, 4);
      lua_pop(L, 1);
      if (kept <= INCLUDES_KEPT) {
        lua_pushvalue(L, 3);
        lua_pushvalue(L, 4);
        lua_rawset(L, -3);
        lua_pushinteger(L, kept);
        lua_setfield(L, -2, "#");
      }
      lua_pop(L, 1);
    }
    sb->fallback_used |= fallback;
  }
  lua_replace(L, 1);   /* the output takes the name's place */
  lua_settop(L, 1);
  return render_l_raw(L);
}

/* Pushes the full key kept() keeps the output of the template named at
** name_idx under, for the key at key_idx (render_kept_key). A Lua
** string: nothing to free when a template error unwinds. */
static void push_kept_key(lua_State *L, render_sandbox *sb, int name_idx,
                          int key_idx) {
  pod_buf key = POD_BUF_INIT;
  lua_getglobal(L, "_root");
  render_kept_key(&key, lua_tostring(L, name_idx),
                  sb->i18n ? render_i18n_lang(sb->i18n) : "",
                  lua_isstring(L, -1) ? lua_tostring(L, -1) : "",
                  lua_tostring(L, key_idx));
  lua_pop(L, 1);
  lua_pushlstring(L, key.data, key.len);
  pod_buf_free(&key);
}

/* kept(name, data, key): include(name, data), its output kept between
** renders (row_keep.h) under key, which must be a digest of everything
** that output shows but the page language and folder depth (podium
** gives one with each row of a long table: its key). Like a keyed
** include, an output that fell back to English or drew a chart is not
** kept. No key, or no rows kept in this render: include(name, data). */
static int l_kept(lua_State *L) {
  render_sandbox *sb = sandbox_of(L);
  const char *name = luaL_checkstring(L, 1), *text, *key;
  int fallback;
  lua_Integer charts;
  size_t n, key_len;
  luaL_checktype(L, 2, LUA_TTABLE);
  if (lua_isnoneornil(L, 3) || !sb->rows) {
    lua_settop(L, 2);
    return l_include(L);
  }
  lua_settop(L, 3);
  luaL_checkstring(L, 3);
  push_kept_key(L, sb, 1, 3);   /* 4 */
  key = lua_tolstring(L, 4, &key_len);
  if ((text = row_keep_get(sb->rows, key, key_len, &n))) {
    render_push_raw(L, text, n);
    return 1;
  }
  fallback = sb->fallback_used;
  sb->fallback_used = 0;
  charts = chart_ids(L);
  lua_pushvalue(L, 2);   /* the data on top */
  if (run_template(L, sb, name, 1, 0) != LUA_OK) return lua_error(L);
  if (!sb->fallback_used && chart_ids(L) == charts &&
      lua_type(L, -1) == LUA_TSTRING) {
    text = lua_tolstring(L, -1, &n);
    row_keep_put(sb->rows, key, key_len, text, n);
  }
  sb->fallback_used |= fallback;
  lua_replace(L, 1);   /* the output takes the name's place */
  lua_settop(L, 1);
  return render_l_raw(L);
}

void render_kept_key(pod_buf *key, const char *name, const char *lang,
                     const char *root, const char *k) {
  pod_buf_adds(key, name);
  pod_buf_addc(key, '\n');
  pod_buf_adds(key, lang);
  pod_buf_addc(key, '\n');
  pod_buf_adds(key, root);
  pod_buf_addc(key, '\n');
  pod_buf_adds(key, k);
}

void render_sandbox_keep_rows(render_sandbox *sb, row_keep *rows) {
  sb->rows = rows;
}

/* Runs the partial named at 3 with the data at 4 into the page's buffer
** at 1, whose text was at bytes before; 0 when it returned something
** else (its own buffer, a text): that, as include() would have given
** it, in place of what it wrote there. */
static int partial_in_place(lua_State *L, render_sandbox *sb, size_t at) {
  lua_pushvalue(L, 4);
  if (run_template(L, sb, lua_tostring(L, 3), 1, 1) != LUA_OK)
    lua_error(L);
  if (lua_rawequal(L, -1, 1)) return 1;
  render_out_truncate(L, 1, at);
  lua_pushcfunction(L, render_l_w);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  lua_pushcfunction(L, render_l_raw);
  lua_rotate(L, -5, -1);   /* _w, buffer, nil, raw, value */
  lua_call(L, 1, 1);
  lua_call(L, 3, 0);
  return 0;
}

/* {{ kept(name, data, key) }} as _inc takes it (buffer at 1, its text
** at bytes): the row kept, or the partial's output, into the page's
** buffer as they are, no string of their own (a 10,000-row board). */
static int kept_in_place(lua_State *L, render_sandbox *sb, size_t at) {
  const char *text, *key;
  size_t n, end, key_len;
  int fallback;
  lua_Integer charts;
  push_kept_key(L, sb, 3, 5);   /* 6 */
  key = lua_tolstring(L, 6, &key_len);
  if ((text = row_keep_get(sb->rows, key, key_len, &n))) {
    render_out_append(L, 1, text, n);
    return 0;
  }
  fallback = sb->fallback_used;
  sb->fallback_used = 0;
  charts = chart_ids(L);
  if (!partial_in_place(L, sb, at)) {   /* not its own output: not kept */
    sb->fallback_used |= fallback;
    return 0;
  }
  if (!sb->fallback_used && chart_ids(L) == charts) {
    text = render_out_text(L, 1, &end);
    row_keep_put(sb->rows, key, key_len, text + at, end - at);
  }
  sb->fallback_used |= fallback;
  return 0;
}

/* _inc(buffer, include, name, data [, key]): {{ include(...) }} as
** template.c compiles it. The partial writes into the page's buffer
** itself: no buffer, string and raw() of its own (~7,000 instructions an
** include; a study table has one a cell). A keyed include, or an
** include the template replaced, goes as {{ }} would take it. */
static int l_inc(lua_State *L) {
  render_sandbox *sb = sandbox_of(L);
  int n = lua_gettop(L);
  size_t at;
  if (n == 5 && lua_tocfunction(L, 2) == l_kept && sb->rows &&
      lua_type(L, 5) == LUA_TSTRING && render_out_text(L, 1, &at) &&
      lua_type(L, 3) == LUA_TSTRING && lua_type(L, 4) == LUA_TTABLE)
    return kept_in_place(L, sb, at);
  if (n != 4 || lua_tocfunction(L, 2) != l_include ||
      !render_out_text(L, 1, &at) || lua_type(L, 3) != LUA_TSTRING ||
      lua_type(L, 4) != LUA_TTABLE) {   /* as before, its errors too */
    luaL_checkstack(L, 4, NULL);
    lua_pushcfunction(L, render_l_w);
    lua_insert(L, 1);        /* _w, buffer, include, args... */
    lua_pushnil(L);          /* the text place */
    lua_insert(L, 3);        /* _w, buffer, nil, include, args... */
    lua_call(L, n - 2, 1);   /* include(...) */
    lua_call(L, 3, 0);       /* _w(buffer, nil, its output) */
    return 0;
  }
  partial_in_place(L, sb, at);
  return 0;
}

/* ---- loading templates ----------------------------------------------- */

/* With a compiled template's chunk on top: runs it with the output
** functions it takes (_w, _nb, _inc), leaving the template's function
** or a message; lua_pcall's result. */
static int run_chunk(lua_State *L) {
  render_push_writers(L);
  lua_pushcfunction(L, l_inc);
  return lua_pcall(L, 3, 1, 0);
}

/* Pushes the compiled function of template name, compiling on first use.
** On failure pushes the message and returns nonzero. */
static int load_template(lua_State *L, render_sandbox *sb, const char *name) {
  pod_buf text = POD_BUF_INIT, lua = POD_BUF_INIT;
  char err[POD_ERRLEN], path[4096], chunk[300];
  int found = 0, r;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &CACHE_KEY);
  if (lua_getfield(L, -1, name) == LUA_TFUNCTION) {
    lua_remove(L, -2);
    return LUA_OK;
  }
  lua_pop(L, 2);
  if (strstr(name, "..") || strchr(name, '/') || name[0] == '.') {
    lua_pushfstring(L, "template name \"%s\" is not a plain file name", name);
    return LUA_ERRRUN;
  }
  for (int i = 0; i < sb->n_dirs && !found; i++) {
    snprintf(path, sizeof path, "%s/%s", sb->dirs[i], name);
    found = pod_exists(path) && pod_file_read(path, &text, err) == POD_OK;
  }
  if (!found) {
    lua_pushfstring(L, "no template \"%s\"", name);
    return LUA_ERRRUN;
  }
  r = render_template_compile(name, text.data, text.len, &lua, err);
  if (r != POD_OK) {
    lua_pushstring(L, err);
  } else {
    snprintf(chunk, sizeof chunk, "=%s", name);
    r = luaL_loadbufferx(L, lua.data, lua.len, chunk, "t");
    if (r != LUA_OK) name_error(L, name);
    if (r == LUA_OK) {   /* returns the function */
      r = run_chunk(L);
    }
    if (r == LUA_OK) {
      lua_rawgetp(L, LUA_REGISTRYINDEX, &CACHE_KEY);
      lua_pushvalue(L, -2);
      lua_setfield(L, -2, name);
      lua_pop(L, 1);
    }
  }
  pod_buf_free(&text);
  pod_buf_free(&lua);
  return r;
}

/* With the data table on top: replaces it by the template's output
** (its buffer, render_out_text, unless as_string), or by an error
** message (nonzero return). out (a stack index, 0 for none): the buffer
** the template writes into (_inc), left as it is when returned. */
static int run_template(lua_State *L, render_sandbox *sb, const char *name,
                        int as_string, int out) {
  size_t n;
  const char *s;
  int r = load_template(L, sb, name);
  if (r != LUA_OK) {
    lua_remove(L, -2);
    return r;
  }
  lua_insert(L, -2);   /* function, data */
  push_env_meta(L);    /* data falls back to the sandbox globals */
  lua_setmetatable(L, -2);
  if (out) lua_pushvalue(L, out);
  lua_call(L, out ? 2 : 1, 1);
  if (as_string && !(out && lua_rawequal(L, -1, out)) &&
      (s = render_out_text(L, -1, &n))) {
    lua_pushlstring(L, s, n);
    render_out_release(L, -2);
    lua_replace(L, -2);
  }
  return LUA_OK;
}

/* Message handler: make sure the message names the template and line. */
static int add_where(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  lua_Debug ar;
  if (!msg) msg = lua_pushfstring(L, "(error object is a %s value)",
                                  luaL_typename(L, 1));
  for (int level = 1; lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "Sl", &ar);
    size_t k = strlen(ar.short_src);
    if (ar.currentline > 0 && k > 5 && !strcmp(ar.short_src + k - 5, ".html")) {
      if (strncmp(msg, ar.short_src, k))
        lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
      else
        lua_pushstring(L, msg);
      return 1;
    }
  }
  lua_pushstring(L, msg);
  return 1;
}

static int page_call(lua_State *L) {
  render_sandbox *sb = sandbox_of(L);
  const char *name = lua_tostring(L, 1);
  lua_settop(L, 2);
  if (run_template(L, sb, name, 0, 0) != LUA_OK) return lua_error(L);
  return 1;
}

/* ---- the sandbox ----------------------------------------------------- */

static void open_lib(lua_State *L, const char *name, lua_CFunction f) {
  luaL_requiref(L, name, f, 1);
  lua_pop(L, 1);
}

static const char *const removed[] = {
  "dofile", "loadfile", "load", "loadstring", "require", "collectgarbage",
  "print", "module", NULL};

static const char PRELUDE[] =
  "function link(p) return (_root or '') .. p end\n";

int render_sandbox_new(const char *const *dirs, int n_dirs,
                       render_sandbox **out, char err[POD_ERRLEN]) {
  render_sandbox *sb = pod_xmalloc(sizeof *sb);
  lua_State *L;
  memset(sb, 0, sizeof *sb);
  sb->mem_limit = DEFAULT_MEMORY;
  sb->instr_limit = DEFAULT_INSTRUCTIONS;
  sb->dirs = pod_xmalloc((size_t)(n_dirs ? n_dirs : 1) * sizeof *sb->dirs);
  for (int i = 0; i < n_dirs; i++) sb->dirs[i] = pod_xstrdup(dirs[i]);
  sb->n_dirs = n_dirs;
  *out = NULL;
  watch_new(sb);
  if (!(L = sb->L = lua_newstate(limited_alloc, sb))) {
    render_sandbox_free(sb);
    return pod_err(err, POD_ETEMPLATE, "cannot start Lua");
  }
  open_lib(L, LUA_GNAME, luaopen_base);
  open_lib(L, LUA_STRLIBNAME, luaopen_string);
  open_lib(L, LUA_TABLIBNAME, luaopen_table);
  open_lib(L, LUA_MATHLIBNAME, luaopen_math);
  open_lib(L, LUA_UTF8LIBNAME, luaopen_utf8);
  for (int i = 0; removed[i]; i++) {
    lua_pushnil(L);
    lua_setglobal(L, removed[i]);
  }
  lua_getglobal(L, "string");
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 1);
  lua_register(L, "getmetatable", l_getmetatable);
  lua_register(L, "setmetatable", l_setmetatable);
  render_escape_register(L);   /* _esc, _url, raw, escape */
  lua_register(L, "fmt", l_fmt);
  lua_register(L, "fmt_date", l_fmt_date);
  lua_register(L, "split_name", l_split_name);
  lua_register(L, "point_label", render_l_point_label);
  lua_register(L, "role_name", l_role_name);
  lua_register(L, "file_name", l_file_name);
  lua_register(L, "digits", render_l_digits);
  lua_register(L, "method_text", render_l_method_text);
  lua_register(L, "include", l_include);
  lua_register(L, "kept", l_kept);
  render_svg_register(L);   /* chart_lines, chart_bars, chart_scatter */
  render_overfit_register(L);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &CACHE_KEY);
  lua_pushlightuserdata(L, sb);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &SANDBOX_KEY);
  lua_createtable(L, 1, 0);    /* t(): the wrapper and its box */
  lua_newtable(L);
  lua_rawseti(L, -2, 1);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &T_BOX);
  if (luaL_loadstring(L, T_WRAPPER) != LUA_OK) {
    pod_err(err, POD_EINTERNAL, "t(): %s", lua_tostring(L, -1));
    render_sandbox_free(sb);
    return POD_EINTERNAL;
  }
  lua_insert(L, -2);
  lua_pushcfunction(L, l_t);
  lua_insert(L, -2);
  lua_call(L, 2, 1);
  lua_setglobal(L, "t");
  if (luaL_dostring(L, PRELUDE) != LUA_OK) {
    pod_err(err, POD_EINTERNAL, "sandbox prelude: %s", lua_tostring(L, -1));
    render_sandbox_free(sb);
    return POD_EINTERNAL;
  }
  *out = sb;
  return POD_OK;
}

void render_sandbox_free(render_sandbox *sb) {
  if (!sb) return;
  if (sb->has_watch) timer_delete(sb->watch);
  if (sb->L) lua_close(sb->L);
  pool_free(sb);
  for (int i = 0; i < sb->n_dirs; i++) free(sb->dirs[i]);
  free(sb->dirs);
  free(sb);
}

void render_sandbox_limits(render_sandbox *sb, long instructions,
                           size_t memory_bytes) {
  if (instructions > 0) sb->instr_limit = instructions;
  if (memory_bytes > 0) sb->mem_limit = sb->mem_used + memory_bytes;
}

lua_State *render_sandbox_state(render_sandbox *sb) { return sb->L; }

int render_sandbox_out_of_memory(const render_sandbox *sb) {
  return sb->out_of_memory;
}

/* A list of 1,000 rows leaves megabytes of tables and output blocks for
** the incremental collector to take in its own time, while the next such
** page builds its own: at a 10,000-run render's peak the main thread's
** state held 4.8 MB. A full collection after such a page costs little
** (what stays live is the compiled templates and caches). */
void render_sandbox_trim(render_sandbox *sb) {
  /* over what the last collection kept, not over 1 MB: a state whose
  ** live data (kept partials, a log registry's run pages) is over 1 MB
  ** was collected after every page, +35% of the CPU of rendering 10,000
  ** training logs */
  if (sb->mem_used > sb->mem_kept + TRIM_OVER) {
    lua_gc(sb->L, LUA_GCCOLLECT);
    sb->mem_kept = sb->mem_used;
  }
}

render_i18n *render_sandbox_digits(lua_State *L) {
  return sandbox_of(L)->i18n;
}

void render_sandbox_language(render_sandbox *sb, render_i18n *i18n) {
  lua_State *L = sb->L;
  sb->i18n = i18n;
  sb->fallback_used = 0;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &T_BOX);   /* t()'s texts: this language's */
  if (i18n) push_kept(L, "podium.t", render_i18n_serial(i18n));
  else lua_newtable(L);
  lua_rawseti(L, -2, 1);
  lua_pop(L, 1);
}

int render_sandbox_fallback(render_sandbox *sb, int reset) {
  int used = sb->fallback_used;
  if (reset) sb->fallback_used = 0;
  return used;
}

int render_sandbox_page(render_sandbox *sb, const char *name,
                        const char *root, pod_buf *out, char err[POD_ERRLEN]) {
  lua_State *L = sb->L;
  int data = lua_gettop(L), r;
  size_t len = 0;
  lua_pushstring(L, root);
  lua_setglobal(L, "_root");
  lua_pushnil(L);   /* a new page: no chart ids used yet */
  lua_setfield(L, LUA_REGISTRYINDEX, RENDER_CHART_IDS);
  lua_pushcfunction(L, add_where);
  lua_pushcfunction(L, page_call);
  lua_pushstring(L, name);
  lua_pushvalue(L, data);
  sb->instr_used = 0;
  if (sb->has_watch) {
    watched_name = name;
    pages++;
    watched = L;
  } else {
    lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
  }
  r = lua_pcall(L, 2, 1, data + 1);
  sb->out_of_memory = r == LUA_ERRMEM;
  watched = NULL;
  lua_sethook(L, NULL, 0, 0);
  if (r == LUA_OK && render_out_text(L, -1, &len) && len > PAGE_MAX) {
    r = LUA_ERRRUN;
    pod_err(err, POD_ETEMPLATE, "%s: found a page of %zu MB, expected at "
            "most %u MB", name, len >> 20, PAGE_MAX >> 20);
  } else if (r == LUA_OK) {
    size_t n = 0, cap = 0;
    char *block = render_out_take(L, -1, &n, &cap);
    if (block && n < cap && cap > POOL_MAX) {
      /* the block is out's (a plain malloc block: not pooled), no
      ** longer the state's */
      sb->mem_used -= cap;
      pod_buf_free(out);
      out->data = block;
      out->len = n;
      out->cap = cap;
      block[n] = '\0';
    } else {
      const char *s = block ? block : lua_tolstring(L, -1, &n);
      pod_buf_clear(out);
      pod_buf_add(out, s ? s : "", s ? n : 0);
      if (block) limited_alloc(sb, block, cap, 0);
    }
  } else if (r == LUA_ERRMEM) {
    pod_err(err, POD_ETEMPLATE, "%s: template used more memory than its "
            "limit (%zu MB)", name, sb->mem_limit >> 20);
  } else {
    pod_err(err, POD_ETEMPLATE, "%s", lua_tostring(L, -1));
  }
  lua_settop(L, data - 1);
  /* no explicit GC step per page: Lua collects as it allocates */
  return r == LUA_OK ? POD_OK : POD_ETEMPLATE;
}

int render_sandbox_eval(render_sandbox *sb, const char *name,
                        const char *text, const char *const *kv, int n_kv,
                        pod_buf *out, char err[POD_ERRLEN]) {
  lua_State *L = sb->L;
  pod_buf lua = POD_BUF_INIT;
  char chunk[300];
  int rc = render_template_compile(name, text, strlen(text), &lua, err);
  if (rc) {
    pod_buf_free(&lua);
    return rc;
  }
  snprintf(chunk, sizeof chunk, "=%s", name);
  int loaded = luaL_loadbufferx(L, lua.data, lua.len, chunk, "t") == LUA_OK;
  if (!loaded) name_error(L, name);
  if (!loaded || run_chunk(L) != LUA_OK) {
    pod_err(err, POD_ETEMPLATE, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    pod_buf_free(&lua);
    return POD_ETEMPLATE;
  }
  pod_buf_free(&lua);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &CACHE_KEY);
  lua_insert(L, -2);
  lua_setfield(L, -2, name);  /* cached under its name, like a file */
  lua_pop(L, 1);
  lua_createtable(L, 0, n_kv / 2);
  for (int i = 0; i + 1 < n_kv; i += 2) {
    lua_pushstring(L, kv[i + 1]);
    lua_setfield(L, -2, kv[i]);
  }
  rc = render_sandbox_page(sb, name, "", out, err);
  /* drop it from the cache: the next eval may reuse the name */
  lua_rawgetp(L, LUA_REGISTRYINDEX, &CACHE_KEY);
  lua_pushnil(L);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
  return rc;
}
