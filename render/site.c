/*
** render/site.c -- which pages the site has, and the data each page's
** template gets. Paths of pages are decided here, once; templates link
** to them with link(href).
**
**   index.html                      language chooser (chooser.html), in
**                                   the default language (the first of
**                                   --lang, else the project file's
**                                   default_language); hreflang x-default
**   <lang>/index.html               overview (overview.html)
**   <lang>/leaderboards/<slug>.html one per (scope, metric)
**   <lang>/runs/index.html          every run (runs.html)
**   <lang>/runs/<id>.html           one per run (run.html)
**   <lang>/envs/<id>.html           one per environment (env.html)
**   <lang>/compare/<base>--<opt>.html one per baseline/optimized pair
**                                   (compare.html; Markdown beside it in
**                                   reports/compare-<base>--<opt>.md)
**   <lang>/study/<dataset>.html,    the study's pages (study_pages.c)
**   <lang>/models/<model>.html
**   <lang>/pareto/<scope>.html      quality against cost per scope
**                                   (pareto.html)
**   <lang>/<page>.html              one per content/<lang>/<page>.md
**                                   (page.html); index.md goes on the
**                                   overview instead
**   assets/                         copied from site/
** Every page's template output is wrapped in layout.html.
**
** Run pages (nearly all of a big site) are shared out between the main
** thread and jobs - 1 worker threads, each with its own registry
** connection, Lua sandbox and catalogs: every thread walks the runs and
** renders the chunks of RUN_CHUNK runs it claims first, so a page is the
** same whichever thread renders it; then the model and comparison pages
** (study_pages.c), claimed the same way. The first failure stops the
** others and is the render's error.
*/
#include "render/site_int.h"
#include "core/fs.h"
#include "render/i18n.h"

#include <dirent.h>
#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Sets content_lang and content_dir: the language a course text is
** written in (the default language's when this one has none), so a
** page can mark an English paragraph on a Persian page lang="en"
** dir="ltr" and its punctuation stays where English puts it. */
static void push_content_lang(site *s, int fallback) {
  const char *lang = fallback ? render_i18n_lang(s->i18n[0]) : s->lang;
  lua_pushstring(s->L, lang);
  lua_setfield(s->L, -2, "content_lang");
  lua_pushstring(s->L, render_i18n_rtl(lang) ? "rtl" : "ltr");
  lua_setfield(s->L, -2, "content_dir");
}
/* ---- rows into Lua tables -------------------------------------------- */

static void push_value(lua_State *L, const store_value *v) {
  switch (v->type) {
  case STORE_INT: lua_pushinteger(L, (lua_Integer)v->i); break;
  case STORE_REAL: lua_pushnumber(L, v->d); break;
  case STORE_TEXT: lua_pushstring(L, v->s); break;
  default: lua_pushnil(L);
  }
}

static void push_row(lua_State *L, const store_row *row) {
  lua_createtable(L, 0, row->n + 2);
  for (int i = 0; i < row->n; i++) {
    if (row->v[i].type == STORE_NULL) continue;
    push_value(L, &row->v[i]);
    lua_setfield(L, -2, row->names[i]);
  }
}

static int64_t row_int(const store_row *row, const char *name) {
  return store_row_col(row, name)->i;
}

/* Kinds of rows, each with the links its pages need. */
enum { ROW_PLAIN, ROW_RUN, ROW_ENV, ROW_BOARD };

typedef struct row_sink {
  site *s;
  int kind;
  long limit;   /* 0: every row; else stop after this many (ROWS_ENOUGH) */
} row_sink;

/* A row callback's "stop here, all is well": not a POD_E* code. */
#define ROWS_ENOUGH (-2)

#define OVERVIEW_RUNS 20   /* the newest runs the overview lists */
#define OVERVIEW_TOP 10    /* the entries of a primary board it shows */

static void set_href(lua_State *L, const char *field, const char *fmt,
                     const char *lang, long long id) {
  char href[128];
  snprintf(href, sizeof href, fmt, lang, id);
  lua_pushstring(L, href);
  lua_setfield(L, -2, field);
}

/* The leaderboard page of (scope, metric), relative to the language. */
static void board_path(pod_buf *out, const char *scope, const char *metric) {
  pod_buf_adds(out, "leaderboards/");
  render_board_name(out, scope, metric);
  pod_buf_adds(out, ".html");
}

/* Appends the row, as a table, to the array on top of the stack. */
static int append_row(const store_row *row, void *ud) {
  row_sink *k = ud;
  lua_State *L = k->s->L;
  push_row(L, row);
  if (k->kind == ROW_RUN) {
    set_href(L, "href", "%s/runs/%lld.html", k->s->lang,
             (long long)row_int(row, "id"));
    if (row_int(row, "environment_id"))
      set_href(L, "env_href", "%s/envs/%lld.html", k->s->lang,
               (long long)row_int(row, "environment_id"));
  } else if (k->kind == ROW_ENV) {
    set_href(L, "href", "%s/envs/%lld.html", k->s->lang,
             (long long)row_int(row, "id"));
  } else if (k->kind == ROW_BOARD) {
    pod_buf p = POD_BUF_INIT;
    pod_buf_printf(&p, "%s/", k->s->lang);
    board_path(&p, store_row_text(row, "scope"), store_row_text(row, "metric"));
    lua_pushstring(L, p.data);
    lua_setfield(L, -2, "href");
    pod_buf_free(&p);
    if (render_primary_of(k->s->prim, k->s->n_prim, store_row_text(row, "scope"),
                          row_int(row, "metric_id"))) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, "primary");
    }
  }
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  return k->limit && (long)lua_rawlen(L, -1) >= k->limit ? ROWS_ENOUGH : 0;
}

/* data[field] = array of rows from walk(db, ..., append_row). */
typedef int (*walk_fn)(store_db *, store_row_fn, void *, char *);
typedef int (*walk_id_fn)(store_db *, int64_t, store_row_fn, void *, char *);

/* ...the first limit rows only, when limit > 0. */
static int add_list(site *s, const char *field, int kind, walk_fn walk,
                    long limit, char err[POD_ERRLEN]) {
  row_sink k = {s, kind, limit};
  int rc;
  lua_newtable(s->L);
  rc = walk(s->db, append_row, &k, err);
  lua_setfield(s->L, -2, field);
  return rc == ROWS_ENOUGH ? POD_OK : rc;
}

/* data.boards: the boards of results, for the overview. */
static int add_boards(site *s, char err[POD_ERRLEN]) {
  row_sink k = {s, ROW_BOARD, 0};
  int rc;
  lua_newtable(s->L);
  rc = render_each_board(s->db, s->project, append_row, &k, err);
  lua_setfield(s->L, -2, "boards");
  return rc;
}

/* Pushes the row as a table (for a query of one row). */
static int take_first(const store_row *row, void *ud) {
  row_sink *k = ud;
  push_row(k->s->L, row);
  return 0;
}


/* ---- pages ----------------------------------------------------------- */

/* Renders template with the data table on top (popped), wraps it in
** layout.html and writes it to rel. */
/* The same page in every language the site has, for the switcher and
** hreflang: {code, name, href, dir, current}. rel starts with a language
** folder ("en/runs/1.html"), or is the language chooser. */
static void push_languages(site *s, const char *rel) {
  lua_State *L = s->L;
  const char *rest = strchr(rel, '/');
  lua_createtable(L, s->n_langs, 0);
  for (int k = 0; rest && k < s->n_langs; k++) {
    char href[600];
    lua_createtable(L, 0, 5);
    lua_pushstring(L, render_i18n_lang(s->i18n[k]));
    lua_setfield(L, -2, "code");
    lua_pushstring(L, render_i18n_name(s->i18n[k]));
    lua_setfield(L, -2, "name");
    snprintf(href, sizeof href, "%s%s", render_i18n_lang(s->i18n[k]), rest);
    lua_pushstring(L, href);
    lua_setfield(L, -2, "href");
    lua_pushstring(L, render_i18n_rtl(render_i18n_lang(s->i18n[k])) ? "rtl" : "ltr");
    lua_setfield(L, -2, "dir");
    lua_pushboolean(L, !strcmp(render_i18n_lang(s->i18n[k]), s->lang));
    lua_setfield(L, -2, "current");
    lua_rawseti(L, -2, k + 1);
  }
}

/* Renders template with the data table on top (popped), wraps it in
** layout.html and writes it to rel. A template may set `title` itself
** (in its language); otherwise the data's title stands. */
int site_write_page(site *s, const char *rel, const char *template,
                    char err[POD_ERRLEN]) {
  lua_State *L = s->L;
  pod_buf root = POD_BUF_INIT;
  int rc, untranslated;
  for (const char *p = rel; *p; p++)
    if (*p == '/') pod_buf_adds(&root, "../");
  lua_pushstring(L, s->lang);
  lua_setfield(L, -2, "lang");
  lua_pushstring(L, rel);
  lua_setfield(L, -2, "path");
  lua_pushvalue(L, -1);  /* keep the data: the template may set its title */
  /* C-made texts in the data (render_sandbox_msg) that fell back count */
  untranslated = render_sandbox_fallback(s->sb, 1);
  rc = render_sandbox_page(s->sb, template, pod_buf_str(&root), &s->body,
                           err);
  if (rc) { lua_pop(L, 1); goto done; }
  untranslated |= render_sandbox_fallback(s->sb, 1);
  lua_getfield(L, -1, "untranslated");   /* e.g. a course page's fallback */
  untranslated |= lua_toboolean(L, -1);
  lua_pop(L, 1);
  lua_getfield(L, -1, "title");
  lua_remove(L, -2);     /* title */
  lua_createtable(L, 0, 8);
  lua_insert(L, -2);
  lua_setfield(L, -2, "title");
  render_push_raw(L, pod_buf_str(&s->body), s->body.len);
  lua_setfield(L, -2, "content");
  lua_pushstring(L, s->lang);
  lua_setfield(L, -2, "lang");
  lua_pushstring(L, render_i18n_rtl(s->lang) ? "rtl" : "ltr");
  lua_setfield(L, -2, "dir");
  lua_pushstring(L, rel);
  lua_setfield(L, -2, "path");
  lua_pushboolean(L, untranslated);
  lua_setfield(L, -2, "untranslated");
  push_languages(s, rel);
  lua_setfield(L, -2, "languages");
  rc = render_sandbox_page(s->sb, "layout.html", pod_buf_str(&root), &s->page,
                           err);
  render_sandbox_fallback(s->sb, 1);   /* the next page starts clean */
  if (rc == POD_OK)
    rc = render_out_write(s->out, rel, s->page.data, s->page.len, err);
done:
  pod_buf_free(&root);
  return rc;
}

void site_set_title(lua_State *L, const char *title) {
  lua_pushstring(L, title);
  lua_setfield(L, -2, "title");
}

static int page_chooser(site *s, char err[POD_ERRLEN]) {
  lua_newtable(s->L);
  site_set_title(s->L, "podium");
  lua_createtable(s->L, s->n_langs, 0);
  for (int k = 0; k < s->n_langs; k++) {
    const char *code = render_i18n_lang(s->i18n[k]);
    char href[64];
    lua_createtable(s->L, 0, 4);
    lua_pushstring(s->L, code);
    lua_setfield(s->L, -2, "code");
    lua_pushstring(s->L, render_i18n_name(s->i18n[k]));
    lua_setfield(s->L, -2, "name");
    snprintf(href, sizeof href, "%s/index.html", code);
    lua_pushstring(s->L, href);
    lua_setfield(s->L, -2, "href");
    lua_pushstring(s->L, render_i18n_rtl(code) ? "rtl" : "ltr");
    lua_setfield(s->L, -2, "dir");
    lua_pushboolean(s->L, k == 0);   /* the project's default_language */
    lua_setfield(s->L, -2, "default");
    lua_rawseti(s->L, -2, k + 1);
  }
  lua_setfield(s->L, -2, "languages");
  return site_write_page(s, "index.html", "chooser.html", err);
}

static int push_groups(site *s, const char *scope, int64_t metric_id,
                       int board_idx, long limit, long from, long to,
                       char err[POD_ERRLEN]);

/* data.primaries: each scope's primary board, {board = {scope, metric,
** unit, direction, href, primary, costs}, groups}, for the overview. */
static int add_primaries(site *s, char err[POD_ERRLEN]) {
  lua_State *L = s->L;
  int rc = POD_OK;
  lua_createtable(L, (int)s->n_prim, 0);
  for (size_t i = 0; i < s->n_prim && rc == POD_OK; i++) {
    const render_primary *p = &s->prim[i];
    pod_buf href = POD_BUF_INIT;
    lua_createtable(L, 0, 2);
    lua_createtable(L, 0, 7);
    lua_pushstring(L, p->scope);
    lua_setfield(L, -2, "scope");
    lua_pushstring(L, p->metric);
    lua_setfield(L, -2, "metric");
    lua_pushstring(L, p->unit);
    lua_setfield(L, -2, "unit");
    lua_pushinteger(L, p->direction);
    lua_setfield(L, -2, "direction");
    pod_buf_printf(&href, "%s/", s->lang);
    board_path(&href, p->scope, p->metric);
    lua_pushstring(L, href.data);
    lua_setfield(L, -2, "href");
    pod_buf_free(&href);
    if ((rc = push_groups(s, p->scope, p->metric_id, -1, OVERVIEW_TOP, 0, 0,
                          err)) == POD_OK) {
      lua_setfield(L, -3, "groups");
      lua_setfield(L, -2, "board");
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    } else {
      lua_pop(L, 2);
    }
  }
  if (rc == POD_OK) lua_setfield(L, -2, "primaries");
  else lua_pop(L, 1);
  return rc;
}

static int page_overview(site *s, char err[POD_ERRLEN]) {
  char rel[64];
  row_sink k = {s, ROW_PLAIN};
  int rc;
  lua_newtable(s->L);
  site_set_title(s->L, "Overview");
  if ((rc = store_counts(s->db, take_first, &k, err))) return rc;
  lua_setfield(s->L, -2, "counts");
  lua_createtable(s->L, (int)s->n_pages, 0);
  for (size_t i = 0; i < s->n_pages; i++) {
    lua_createtable(s->L, 0, 2);
    lua_pushstring(s->L, s->pages[i].title);
    lua_setfield(s->L, -2, "title");
    lua_pushfstring(s->L, "%s/%s.html", s->lang, s->pages[i].slug);
    lua_setfield(s->L, -2, "href");
    lua_rawseti(s->L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(s->L, -2, "pages");
  if (s->intro) {
    render_push_raw(s->L, s->intro, strlen(s->intro));
    lua_setfield(s->L, -2, "intro");
    lua_pushboolean(s->L, s->intro_fallback);
    lua_setfield(s->L, -2, "untranslated");
    push_content_lang(s, s->intro_fallback);
  }
  if ((rc = add_primaries(s, err)) ||
      (rc = add_boards(s, err)) ||
      (rc = add_list(s, "runs", ROW_RUN, store_each_run, OVERVIEW_RUNS,
                     err)) ||
      (rc = add_list(s, "envs", ROW_ENV, store_each_env, 0, err))) {
    lua_pop(s->L, 1);
    return rc;
  }
  study_push_compares(s);
  lua_setfield(s->L, -2, "compares");
  lua_createtable(s->L, (int)s->n_pareto, 0);
  for (size_t i = 0; i < s->n_pareto; i++) {
    pod_buf h = POD_BUF_INIT;
    lua_createtable(s->L, 0, 2);
    lua_pushstring(s->L, s->pareto_scopes[i]);
    lua_setfield(s->L, -2, "scope");
    pod_buf_printf(&h, "%s/pareto/", s->lang);
    render_slug(&h, *s->pareto_scopes[i] ? s->pareto_scopes[i] : "all");
    pod_buf_adds(&h, ".html");
    lua_pushstring(s->L, h.data);
    lua_setfield(s->L, -2, "href");
    pod_buf_free(&h);
    lua_rawseti(s->L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(s->L, -2, "paretos");
  snprintf(rel, sizeof rel, "%s/index.html", s->lang);
  return site_write_page(s, rel, "overview.html", err);
}

/* ---- paged lists ---------------------------------------------------- */

void site_list_page_path(pod_buf *out, const char *base, long k) {
  pod_buf_adds(out, base);
  if (k > 1) pod_buf_printf(out, ".p%ld", k);
  pod_buf_adds(out, ".html");
}

void site_push_pager(lua_State *L, const char *base, long page,
                     long pages) {
  static const char *const keys[] = {"first", "prev", "next", "last"};
  long at[] = {1, page - 1, page + 1, pages};
  lua_createtable(L, 0, 6);
  lua_pushinteger(L, page);
  lua_setfield(L, -2, "page");
  lua_pushinteger(L, pages);
  lua_setfield(L, -2, "pages");
  for (int i = 0; i < 4; i++) {
    pod_buf h = POD_BUF_INIT;
    if (at[i] < 1 || at[i] > pages) continue;
    site_list_page_path(&h, base, at[i]);
    lua_pushstring(L, h.data);
    lua_setfield(L, -2, keys[i]);
    pod_buf_free(&h);
  }
  lua_setfield(L, -2, "pager");
}

static int count_runs(const store_row *row, void *ud) {
  *(long *)ud = (long)row_int(row, "runs");
  return 0;
}

/* A list of runs being cut into pages as the walk gives its rows: the
** run list, or an environment's runs (env set). */
typedef struct run_lister {
  row_sink k;
  long total, pages, page, n;
  const store_row *env;   /* an environment page's row, else NULL */
  const char *template, *title;
  char base[64];
  char err[POD_ERRLEN];
} run_lister;

/* Starts a page's data table and its runs list on the Lua stack. */
static void run_list_open(run_lister *r) {
  lua_State *L = r->k.s->L;
  lua_newtable(L);
  site_set_title(L, r->title);
  if (r->env) {
    push_row(L, r->env);
    lua_setfield(L, -2, "env");
  }
  lua_pushinteger(L, r->total);
  lua_setfield(L, -2, "total");
  lua_newtable(L);
}

/* Writes the open page (data table and runs list on the stack). */
static int run_list_write(run_lister *r) {
  site *s = r->k.s;
  pod_buf rel = POD_BUF_INIT;
  int rc;
  lua_setfield(s->L, -2, "runs");
  r->page++;
  site_push_pager(s->L, r->base, r->page, r->pages);
  site_list_page_path(&rel, r->base, r->page);
  rc = site_write_page(s, rel.data, r->template, r->err);
  pod_buf_free(&rel);
  r->n = 0;
  return rc;
}

static int run_list_row(const store_row *row, void *ud) {
  run_lister *r = ud;
  if (r->n == 0) run_list_open(r);
  append_row(row, &r->k);
  return ++r->n == LIST_ROWS ? run_list_write(r) : 0;
}

/* Walks the runs (of environment env_id when r->env) into r's pages. */
static int run_list_pages(run_lister *r, int64_t env_id, char err[POD_ERRLEN]) {
  site *s = r->k.s;
  int rc;
  r->pages = r->total ? (r->total + LIST_ROWS - 1) / LIST_ROWS : 1;
  rc = r->env ? store_each_env_run(s->db, env_id, run_list_row, r, err)
              : store_each_run(s->db, run_list_row, r, err);
  if (rc == POD_OK && (r->n || !r->page)) {   /* the last page, or none yet */
    if (!r->n) run_list_open(r);
    rc = run_list_write(r);
  } else if (rc && r->n) {
    lua_pop(s->L, 2);
  }
  if (rc && r->err[0]) snprintf(err, POD_ERRLEN, "%s", r->err);
  return rc;
}

/* <lang>/runs/index.html and on: every run, newest first, LIST_ROWS a
** page (the overview lists the newest OVERVIEW_RUNS). */
static int page_run_list(site *s, char err[POD_ERRLEN]) {
  run_lister r;
  int rc;
  memset(&r, 0, sizeof r);
  r.k.s = s;
  r.k.kind = ROW_RUN;
  r.template = "runs.html";
  r.title = "Runs";
  snprintf(r.base, sizeof r.base, "%s/runs/index", s->lang);
  if ((rc = store_counts(s->db, count_runs, &r.total, err))) return rc;
  return run_list_pages(&r, 0, err);
}

/* Groups ranked entries by axis point: groups[i] = {batch_size,
** sequence_length, split, total, entries = {...}}, at most limit entries
** each when limit > 0 (total counts them all). Stack while walking:
** groups, group, entries. */
typedef struct grouper {
  site *s;
  long limit, total;
  long at, from, to;  /* the row's place in the board; rows [from, to)
                      ** only, when to > 0 (a page of a long board) */
  int have;
  int64_t batch, seq;
  uint64_t split;   /* render_text_hash of the whole split name */
  unsigned costs;   /* bit i: render_costs[i] has a value in some entry */
} grouper;

/* Sets the open group's total and pops it with its entries. */
static void group_close(grouper *g) {
  lua_State *L = g->s->L;
  if (!g->have) return;
  lua_pushinteger(L, g->total);
  lua_setfield(L, -3, "total");
  lua_pop(L, 2);
  g->have = 0;
}

static int group_entry(const store_row *row, void *ud) {
  grouper *g = ud;
  lua_State *L = g->s->L;
  int64_t batch = row_int(row, "batch_size");
  int64_t seq = row_int(row, "sequence_length");
  const char *split = store_row_text(row, "split");
  long at = g->at++;
  if (!split) split = "";
  /* the cost columns are the whole board's, on every page of it */
  for (int i = 0; i < RENDER_N_COSTS; i++)
    for (int c = 0; c < row->n; c++)
      if (row->v[c].type != STORE_NULL &&
          !strcmp(row->names[c], render_costs[i].metric))
        g->costs |= 1u << i;
  if (g->to > 0 && (at < g->from || at >= g->to)) return 0;
  if (!g->have || batch != g->batch || seq != g->seq ||
      render_text_hash(split) != g->split) {
    group_close(g);
    lua_createtable(L, 0, 5);                       /* groups, group */
    for (int i = 0; i < row->n; i++)
      if (!strcmp(row->names[i], "batch_size") ||
          !strcmp(row->names[i], "sequence_length") ||
          !strcmp(row->names[i], "split")) {
        push_value(L, &row->v[i]);
        lua_setfield(L, -2, row->names[i]);
      }
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, (lua_Integer)lua_rawlen(L, -3) + 1);
    lua_newtable(L);                                /* groups, group, entries */
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "entries");
    g->have = 1;
    g->total = 0;
    g->batch = batch;
    g->seq = seq;
    g->split = render_text_hash(split);
  }
  if (++g->total > g->limit && g->limit) return 0;   /* counted only */
  push_row(L, row);
  set_href(L, "href", "%s/runs/%lld.html", g->s->lang,
           (long long)row_int(row, "run_id"));
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  return 0;
}

/* Pushes the groups of a board (see group_entry; limit as there); a
** scope's primary board comes with the cost columns, and then sets
** board.primary and board.costs (each {metric, unit}, those with a
** value, not the ranked metric itself) on the table at board_idx. On
** failure nothing is pushed. */
static int push_groups(site *s, const char *scope, int64_t metric_id,
                       int board_idx, long limit, long from, long to,
                       char err[POD_ERRLEN]) {
  lua_State *L = s->L;
  const render_primary *p = render_primary_of(s->prim, s->n_prim, scope,
                                              metric_id);
  grouper g;
  const store_rows *rows;
  int rc, n = 0;
  memset(&g, 0, sizeof g);
  g.s = s;
  g.limit = limit;
  g.from = from;
  g.to = to;
  board_idx = lua_absindex(L, board_idx);
  if ((rc = render_board_rows_get(&s->boards, s->db, s->prim, s->n_prim,
                                  scope, metric_id, &rows, err)))
    return rc;
  lua_newtable(L);
  rc = store_rows_each(rows, group_entry, &g);
  group_close(&g);
  if (rc) {
    lua_pop(L, 1);
    return rc;
  }
  if (!p) return POD_OK;
  lua_pushboolean(L, 1);
  lua_setfield(L, board_idx, "primary");
  lua_newtable(L);
  for (int i = 0; i < RENDER_N_COSTS; i++) {
    if (!(g.costs >> i & 1) || !strcmp(render_costs[i].metric, p->metric))
      continue;
    lua_createtable(L, 0, 2);
    lua_pushstring(L, render_costs[i].metric);
    lua_setfield(L, -2, "metric");
    lua_pushstring(L, render_costs[i].unit);
    lua_setfield(L, -2, "unit");
    lua_rawseti(L, -2, ++n);
  }
  lua_setfield(L, board_idx, "costs");
  return POD_OK;
}

typedef struct board_walk {
  site *s;
  char err[POD_ERRLEN];
} board_walk;

/* A leaderboard's pages: LIST_ROWS entries a page (a group cut by a page
** starts the next one again under its heading), <board>.html first. */
static int page_board(const store_row *row, void *ud) {
  board_walk *w = ud;
  site *s = w->s;
  const char *scope = store_row_text(row, "scope");
  const char *metric = store_row_text(row, "metric");
  pod_buf base = POD_BUF_INIT, title = POD_BUF_INIT;
  const store_rows *rows;
  long pages;
  int rc;
  if ((rc = render_board_rows_get(&s->boards, s->db, s->prim, s->n_prim,
                                  scope, row_int(row, "metric_id"), &rows,
                                  w->err)))
    return rc;
  pages = store_rows_count(rows) ? ((long)store_rows_count(rows) +
                                    LIST_ROWS - 1) / LIST_ROWS : 1;
  pod_buf_printf(&title, "%s \xe2\x80\x94 %s", metric,
                 *scope ? scope : "all runs");
  pod_buf_printf(&base, "%s/leaderboards/", s->lang);
  render_board_name(&base, scope, metric);
  for (long k = 1; k <= pages && rc == POD_OK; k++) {
    pod_buf rel = POD_BUF_INIT;
    lua_newtable(s->L);
    site_set_title(s->L, title.data);
    push_row(s->L, row);
    rc = push_groups(s, scope, row_int(row, "metric_id"), -1, 0,
                     (k - 1) * LIST_ROWS, pages > 1 ? k * LIST_ROWS : 0,
                     w->err);
    if (rc == POD_OK) lua_setfield(s->L, -3, "groups");
    lua_setfield(s->L, -2, "board");
    site_push_pager(s->L, base.data, k, pages);
    site_list_page_path(&rel, base.data, k);
    if (rc == POD_OK) rc = site_write_page(s, rel.data, "leaderboard.html", w->err);
    else lua_pop(s->L, 1);
    pod_buf_free(&rel);
  }
  pod_buf_free(&base);
  pod_buf_free(&title);
  return rc;
}

typedef board_walk item_walk;

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

static double row_real(const store_row *row, const char *name) {
  const store_value *v = store_row_col(row, name);
  return v->type == STORE_REAL  ? v->d
         : v->type == STORE_INT ? (double)v->i
                                : NAN;
}

static int curve_row(const store_row *row, void *ud) {
  curve *c = ud;
  double x = row_real(row, "duration"), y = row_real(row, "energy_consumed");
  long line = (long)row_int(row, "line");
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
  int64_t *ids;
  size_t n, cap;
} meas_sink;

static int meas_row(const store_row *row, void *ud) {
  meas_sink *m = ud;
  int64_t id = store_row_col(row, "source_id")->i;
  size_t i = 0;
  while (i < m->n && m->ids[i] != id) i++;
  if (i == m->n) {
    if (m->n == m->cap) {
      m->cap = m->cap ? 2 * m->cap : 8;
      m->ids = pod_xrealloc(m->ids, m->cap * sizeof *m->ids);
    }
    m->ids[m->n++] = id;
  }
  return append_row(row, &m->k);
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
    rc = store_get_source(s->db, id, take_first, &k, err);
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
** rows (store_each_measurement). */
static int add_measurements(site *s, const store_rows *rows,
                            char err[POD_ERRLEN]) {
  meas_sink m = {{s, ROW_PLAIN, 0}, NULL, 0, 0};
  int rc = POD_OK;
  lua_newtable(s->L);
  store_rows_each(rows, meas_row, &m);
  lua_setfield(s->L, -2, "measurements");
  if (m.n > 1) qsort(m.ids, m.n, sizeof *m.ids, cmp_id);
  lua_createtable(s->L, (int)m.n, 0);
  for (size_t i = 0; i < m.n && rc == POD_OK; i++)
    if ((rc = push_source(s, m.ids[i], err)) == POD_OK)
      lua_rawseti(s->L, -2, (lua_Integer)i + 1);
  lua_setfield(s->L, -2, "sources");
  free(m.ids);
  return rc;
}

/* Whether the next run of the walk is this thread's to render: claims the
** next free chunk when past its own. */
static int take_run(site *s, int *mine, char err[POD_ERRLEN]) {
  long i = s->run_index++;
  *mine = 1;
  if (!s->share) return POD_OK;
  if (atomic_load(&s->share->stop)) {
    s->stopped = 1;
    return pod_err(err, POD_EINTERNAL, "stopped: another render thread "
                   "failed");
  }
  if (i >= s->chunk_end) {
    s->chunk_start = atomic_fetch_add(&s->share->next, 1) * RUN_CHUNK;
    s->chunk_end = s->chunk_start + RUN_CHUNK;
  }
  *mine = i >= s->chunk_start;
  return POD_OK;
}

void site_use_language(site *s, int k) {
  s->lang_k = k;
  s->lang = render_i18n_lang(s->i18n[k]);
  render_sandbox_language(s->sb, s->i18n[k]);
}

/* What a run page shows, asked of the store once for every language. */
typedef struct run_data {
  store_rows *meas;   /* store_each_measurement */
  store_rows *env;    /* store_get_env: none or one row */
  curve c;            /* its snapshots */
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
  return POD_OK;
}

static void run_data_free(run_data *d) {
  store_rows_free(d->meas);
  store_rows_free(d->env);
  curve_free(&d->c);
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

static int page_run_in(site *s, const store_row *row, const run_data *d,
                       char err[POD_ERRLEN]) {
  int64_t id = row_int(row, "id"), env = row_int(row, "environment_id");
  char rel[96], title[300];
  const char *name = store_row_text(row, "name");
  row_sink k = {s, ROW_PLAIN, 0};
  int rc;
  lua_newtable(s->L);
  snprintf(title, sizeof title, "Run %lld: %s", (long long)id,
           name ? name : store_row_text(row, "model"));
  site_set_title(s->L, title);
  push_row(s->L, row);
  if (env) set_href(s->L, "env_href", "%s/envs/%lld.html", s->lang, env);
  lua_setfield(s->L, -2, "run");
  if ((rc = add_measurements(s, d->meas, err))) {
    lua_pop(s->L, 1);
    return rc;
  }
  push_curve(s, &d->c);
  push_checks(s, d->meas);
  if (store_rows_count(d->env)) {
    store_rows_each(d->env, take_first, &k);
    lua_setfield(s->L, -2, "env");
  }
  snprintf(rel, sizeof rel, "%s/runs/%lld.html", s->lang, (long long)id);
  return site_write_page(s, rel, "run.html", err);
}

/* A run's page in every language, from one set of queries. */
static int page_run(const store_row *row, void *ud) {
  item_walk *w = ud;
  site *s = w->s;
  run_data d;
  int rc, mine;
  if ((rc = take_run(s, &mine, w->err)) || !mine) return rc;
  rc = run_fetch(s, row_int(row, "id"), row_int(row, "environment_id"), &d,
                 w->err);
  for (int k = 0; rc == POD_OK && k < s->n_langs; k++) {
    site_use_language(s, k);
    rc = page_run_in(s, row, &d, w->err);
  }
  run_data_free(&d);
  return rc;
}

/* <lang>/envs/<id>.html and on: an environment and its runs, LIST_ROWS
** a page. */
static int page_env(const store_row *row, void *ud) {
  item_walk *w = ud;
  site *s = w->s;
  int64_t id = row_int(row, "id");
  char title[64];
  run_lister r;
  memset(&r, 0, sizeof r);
  r.k.s = s;
  r.k.kind = ROW_RUN;
  r.env = row;
  r.total = (long)row_int(row, "runs");
  r.template = "env.html";
  snprintf(title, sizeof title, "Environment %lld", (long long)id);
  r.title = title;
  snprintf(r.base, sizeof r.base, "%s/envs/%lld", s->lang, (long long)id);
  return run_list_pages(&r, id, w->err);
}

/* Pareto pages: first the scopes that have one (for the overview), then
** the pages. */
static int note_pareto(void *ud, const char *scope) {
  site *s = ud;
  lua_pop(s->L, 1);
  s->pareto_scopes = pod_xrealloc(s->pareto_scopes, (s->n_pareto + 1) *
                                                        sizeof(char *));
  s->pareto_scopes[s->n_pareto++] = pod_xstrdup(scope);
  return 0;
}

static int find_paretos(site *s) {
  render_pareto_new(s->tables, s->n_tables, &s->pareto);
  return render_pareto_each(s->pareto, s->L, s->lang, note_pareto, s);
}

static int page_pareto(void *ud, const char *scope) {
  site *s = ud;
  pod_buf rel = POD_BUF_INIT, title = POD_BUF_INIT;
  int rc;
  lua_newtable(s->L);
  lua_insert(s->L, -2);                 /* data, charts */
  lua_setfield(s->L, -2, "charts");
  lua_pushstring(s->L, scope);
  lua_setfield(s->L, -2, "scope");
  pod_buf_printf(&title, "Pareto fronts \xe2\x80\x94 %s",
                 *scope ? scope : "all runs");
  site_set_title(s->L, title.data);
  pod_buf_printf(&rel, "%s/pareto/", s->lang);
  render_slug(&rel, *scope ? scope : "all");
  pod_buf_adds(&rel, ".html");
  rc = site_write_page(s, rel.data, "pareto.html", s->err);
  pod_buf_free(&rel);
  pod_buf_free(&title);
  return rc;
}

static int pareto_pages(site *s, char err[POD_ERRLEN]) {
  int rc;
  s->err[0] = '\0';
  rc = render_pareto_each(s->pareto, s->L, s->lang, page_pareto, s);
  if (rc) snprintf(err, POD_ERRLEN, "%s", s->err);
  return rc;
}

/* ---- course pages ---------------------------------------------------- */

/* A shortcode's leaderboard: when found, its data table {board, groups,
** level} is left on the Lua stack. */
typedef struct board_find {
  site *s;
  const char *name;
  int found;
  pod_buf names;    /* the known names, for the error */
  char err[POD_ERRLEN];
} board_find;

static int find_board(const store_row *row, void *ud) {
  board_find *f = ud;
  site *s = f->s;
  const char *scope = store_row_text(row, "scope"), *metric = store_row_text(row, "metric");
  pod_buf name = POD_BUF_INIT, href = POD_BUF_INIT;
  int rc = POD_OK;
  if (!scope) scope = "";
  if (!metric) metric = "";
  render_board_name(&name, scope, metric);
  if (f->names.len < 300) {
    pod_buf_adds(&f->names, f->names.len ? ", " : "");
    pod_buf_adds(&f->names, name.data);
  }
  if (!f->found && !strcmp(name.data, f->name)) {
    lua_createtable(s->L, 0, 3);
    push_row(s->L, row);
    pod_buf_printf(&href, "%s/", s->lang);
    board_path(&href, scope, metric);
    lua_pushstring(s->L, href.data);
    lua_setfield(s->L, -2, "href");
    rc = push_groups(s, scope, row_int(row, "metric_id"), -1, 0, 0, 0, f->err);
    if (rc == POD_OK) lua_setfield(s->L, -3, "groups");
    lua_setfield(s->L, -2, "board");
    lua_pushinteger(s->L, 3);   /* the page's own headings are h1 and h2 */
    lua_setfield(s->L, -2, "level");
    if (rc) lua_pop(s->L, 1);
    else f->found = 1;
  }
  pod_buf_free(&name);
  pod_buf_free(&href);
  return rc;
}

/* {{< compare A B [DATASET] >}}: A (baseline) against B (optimized), each
** a run id, run name or model as `podium compare` takes them, through
** compare_table.html (the compare page's rows). */
static int compare_shortcode(site *s, const char *args, pod_buf *html,
                             char err[POD_ERRLEN]) {
  char words[3][256];
  int n = 0, rc = POD_OK;
  int64_t *ids[2] = {NULL, NULL};
  size_t n_ids[2] = {0, 0};
  analysis_cmp *c = NULL;
  for (const char *p = args; *p && n < 4; n++) {
    size_t k = strcspn(p, " ");
    if (n < 3) snprintf(words[n], sizeof words[n], "%.*s", (int)k, p);
    p += k;
    while (*p == ' ') p++;
  }
  if (n < 2 || n > 3)
    return pod_err(err, POD_EINPUT, "{{< compare A B [DATASET] >}} takes "
                   "two runs and a dataset, found \"%s\"", args);
  for (int k = 0; k < 2 && rc == POD_OK; k++)
    if (analysis_compare_resolve(s->db, words[k], &ids[k], &n_ids[k], err))
      rc = pod_err(err, POD_EINPUT, "unknown run \"%s\", expected a run id, "
                   "run name or model (podium runs lists them)", words[k]);
  if (rc == POD_OK)
    rc = analysis_compare_new(s->db, (const int64_t *const *)ids, n_ids,
                            n == 3 ? words[2] : NULL, &c, err);
  if (rc == POD_OK) {
    lua_createtable(s->L, 0, 2);
    render_compare_push(s->L, c, s->lang);
    lua_setfield(s->L, -2, "cmp");
    /* pages sit at <lang>/<page>.html */
    rc = render_sandbox_page(s->sb, "compare_table.html", "../", html, err);
  }
  analysis_compare_free(c);
  free(ids[0]);
  free(ids[1]);
  return rc;
}

/* {{< leaderboard NAME >}}: the board's ranked tables, through the same
** partial as its own page; {{< compare A B >}}: a comparison's table. */
static int course_shortcode(void *ud, const char *kind, const char *args,
                            pod_buf *html, char err[POD_ERRLEN]) {
  site *s = ud;
  board_find f;
  int rc;
  if (!strcmp(kind, "compare")) return compare_shortcode(s, args, html, err);
  if (strcmp(kind, "leaderboard"))
    return pod_err(err, POD_EINPUT, "unknown shortcode \"%s\", expected "
                   "leaderboard or compare", kind);
  if (!*args || strchr(args, ' '))
    return pod_err(err, POD_EINPUT, "{{< leaderboard NAME >}} takes one "
                   "NAME, found \"%s\"", args);
  memset(&f, 0, sizeof f);
  f.s = s;
  f.name = args;
  rc = render_each_board(s->db, s->project, find_board, &f, err);
  if (rc && f.err[0]) snprintf(err, POD_ERRLEN, "%s", f.err);
  if (rc == POD_OK && !f.found)
    rc = pod_err(err, POD_EINPUT, "unknown leaderboard \"%s\", expected one "
                 "of: %s", args, f.names.len ? f.names.data : "(none yet)");
  if (rc == POD_OK)   /* pages sit at <lang>/<page>.html */
    rc = render_sandbox_page(s->sb, "leaderboard_table.html", "../", html, err);
  pod_buf_free(&f.names);
  return rc;
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.md file names in dir, sorted; NULL and 0 when dir is missing. */
static char **md_files(const char *dir, size_t *out_n) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char **names = NULL;
  size_t n = 0, cap = 0;
  *out_n = 0;
  if (!d) return NULL;
  while ((e = readdir(d))) {
    size_t k = strlen(e->d_name);
    if (e->d_name[0] == '.' || k < 4 || strcmp(e->d_name + k - 3, ".md"))
      continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 16;
      names = pod_xrealloc(names, cap * sizeof *names);
    }
    names[n++] = pod_xstrdup(e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, name_cmp);
  *out_n = n;
  return names;
}

static int course_add(site *s, const char *path, char *base, int fallback,
                      char err[POD_ERRLEN]) {
  pod_buf text = POD_BUF_INIT, html = POD_BUF_INIT, title = POD_BUF_INIT,
          slug = POD_BUF_INIT;
  int rc;
  if ((rc = pod_file_read(path, &text, err)) ||
      (rc = render_markdown(path, pod_buf_str(&text), text.len,
                            course_shortcode, s, &html, &title, err)))
    goto done;
  base[strlen(base) - 3] = '\0';   /* drop ".md" */
  if (!strcmp(base, "index")) {    /* <lang>/index.html is the overview */
    if (!s->intro) {
      s->intro = pod_xstrdup(pod_buf_str(&html));
      s->intro_fallback = fallback;
    }
    goto done;
  }
  render_slug(&slug, base);
  for (size_t i = 0; i < s->n_pages; i++)   /* this language has its own */
    if (!strcmp(s->pages[i].slug, pod_buf_str(&slug))) goto done;
  s->pages = pod_xrealloc(s->pages, (s->n_pages + 1) * sizeof *s->pages);
  s->pages[s->n_pages].fallback = fallback;
  s->pages[s->n_pages].slug = pod_xstrdup(pod_buf_str(&slug));
  s->pages[s->n_pages].title = pod_xstrdup(title.len ? title.data : base);
  s->pages[s->n_pages].html = pod_xstrdup(pod_buf_str(&html));
  s->n_pages++;
done:
  pod_buf_free(&text);
  pod_buf_free(&html);
  pod_buf_free(&title);
  pod_buf_free(&slug);
  return rc;
}

/* Renders the .md files of content_dir/<lang> into s->pages (and s->intro); a missing
** <lang> folder means no pages. */
static int course_load(site *s, const char *content_dir, const char *lang,
                       int fallback, char err[POD_ERRLEN]) {
  char dir[4096], path[4400];
  char **names;
  size_t n;
  int rc = POD_OK;
  if (!content_dir) return POD_OK;   /* render_site checked it is a folder */
  snprintf(dir, sizeof dir, "%s/%s", content_dir, lang);
  names = md_files(dir, &n);
  for (size_t i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (rc == POD_OK && !pod_is_dir(path))
      rc = course_add(s, path, names[i], fallback, err);
    free(names[i]);
  }
  free(names);
  return rc;
}

static void course_free(site *s);

/* The course pages of the language being written: its own, then the
** default language's for pages it lacks (shown with a notice). */
static int course_load_language(site *s, const char *content_dir,
                                char err[POD_ERRLEN]) {
  const char *dflt = render_i18n_lang(s->i18n[0]);
  int rc;
  course_free(s);
  if ((rc = course_load(s, content_dir, s->lang, 0, err))) return rc;
  if (strcmp(s->lang, dflt)) rc = course_load(s, content_dir, dflt, 1, err);
  return rc;
}

static int page_course(site *s, const course_page *p, char err[POD_ERRLEN]) {
  pod_buf rel = POD_BUF_INIT;
  int rc;
  lua_newtable(s->L);
  site_set_title(s->L, p->title);
  render_push_raw(s->L, p->html, strlen(p->html));
  lua_setfield(s->L, -2, "html");
  lua_pushboolean(s->L, p->fallback);
  lua_setfield(s->L, -2, "untranslated");
  push_content_lang(s, p->fallback);
  pod_buf_printf(&rel, "%s/%s.html", s->lang, p->slug);
  rc = site_write_page(s, rel.data, "page.html", err);
  pod_buf_free(&rel);
  return rc;
}

static int pages_course(site *s, char err[POD_ERRLEN]) {
  int rc = POD_OK;
  for (size_t i = 0; i < s->n_pages && rc == POD_OK; i++)
    rc = page_course(s, &s->pages[i], err);
  return rc;
}

static void course_free(site *s) {
  for (size_t i = 0; i < s->n_pages; i++) {
    free(s->pages[i].slug);
    free(s->pages[i].title);
    free(s->pages[i].html);
  }
  free(s->pages);
  free(s->intro);
  s->pages = NULL;
  s->n_pages = 0;
  s->intro = NULL;
}

/* Runs a store walk whose callback renders pages; the callback's error
** text is in w.err. */
static int each_page(site *s, walk_fn walk, store_row_fn fn,
                     char err[POD_ERRLEN]) {
  board_walk w;
  int rc;
  w.s = s;
  w.err[0] = '\0';
  rc = walk(s->db, fn, &w, err);
  if (rc && w.err[0]) snprintf(err, POD_ERRLEN, "%s", w.err);
  return rc;
}

/* A page per leaderboard of a result (render_each_board). */
static int board_pages(site *s, char err[POD_ERRLEN]) {
  board_walk w;
  int rc;
  w.s = s;
  w.err[0] = '\0';
  rc = render_each_board(s->db, s->project, page_board, &w, err);
  if (rc && w.err[0]) snprintf(err, POD_ERRLEN, "%s", w.err);
  return rc;
}

/* The run pages this thread claims, each in every language. */
static int run_pages(site *s, char err[POD_ERRLEN]) {
  s->run_index = s->chunk_start = s->chunk_end = 0;
  return each_page(s, store_each_run, page_run, err);
}

/* Every page of one language but the run pages (run_pages) and the
** model and comparison pages (study_pages), which threads share out. */
static int language_pages(site *s, char err[POD_ERRLEN]) {
  int rc;
  if ((rc = page_overview(s, err)) || (rc = page_run_list(s, err)) ||
      (rc = pages_course(s, err)) || (rc = study_tables(s, err)) ||
      (rc = pareto_pages(s, err)) ||
      (rc = board_pages(s, err)) ||
      (rc = each_page(s, store_each_env, page_env, err)))
    return rc;
  return POD_OK;
}

/* Opens the catalogs of the comma-separated languages (the first is the
** default, used for the language chooser). */
static int open_languages(site *s, const char *share, const char *langs,
                          char err[POD_ERRLEN]) {
  char dir[4200], code[64];
  const char *p = langs;
  int rc;
  snprintf(dir, sizeof dir, "%s/i18n", share);
  while (*p) {
    size_t n = strcspn(p, ",");
    if (n == 0 || n >= sizeof code)
      return pod_err(err, POD_EUSAGE, "found language list \"%s\", "
                     "expected codes separated by commas (en,fa)", langs);
    snprintf(code, sizeof code, "%.*s", (int)n, p);
    for (int k = 0; k < s->n_langs; k++)
      if (!strcmp(render_i18n_lang(s->i18n[k]), code))
        return pod_err(err, POD_EUSAGE, "language %s is listed twice", code);
    s->i18n = pod_xrealloc(s->i18n, (size_t)(s->n_langs + 1) * sizeof *s->i18n);
    if ((rc = render_i18n_open(dir, code, &s->i18n[s->n_langs], err)))
      return rc;
    s->n_langs++;
    p += n + (p[n] == ',');
  }
  return POD_OK;
}

/* ---- run-page workers ------------------------------------------------ */

typedef struct worker {
  site s;            /* its own db, sandbox, catalogs and buffers */
  const char *share_dir, *langs, *const *dirs;
  int n_dirs;
  pthread_t thread;
  int started;       /* main's alone: the worker never touches it */
  int rc;            /* the worker's alone until it is joined */
  char err[POD_ERRLEN];
} worker;

static void *worker_main(void *ud) {
  worker *w = ud;
  site *s = &w->s;
  int rc;
  if ((rc = open_languages(s, w->share_dir, w->langs, w->err)) == POD_OK &&
      (rc = render_sandbox_new(w->dirs, w->n_dirs, &s->sb, w->err)) ==
          POD_OK) {
    s->L = render_sandbox_state(s->sb);
    if ((rc = run_pages(s, w->err)) == POD_OK) rc = study_pages(s, w->err);
  }
  if (rc) atomic_store(&s->share->stop, 1);
  w->rc = rc;
  render_sandbox_free(s->sb);
  for (int k = 0; k < s->n_langs; k++) render_i18n_close(s->i18n[k]);
  free(s->i18n);
  render_board_rows_free(s->boards);
  store_close(s->db);
  pod_buf_free(&s->body);
  pod_buf_free(&s->page);
  return NULL;
}

/* Threads for run pages: opts->jobs, else PODIUM_JOBS, else the online
** CPUs (at most 8) when there are runs enough to pay for a thread's
** connection, sandbox and catalogs. 1 for a registry a thread cannot open
** on its own (in memory). */
static int render_jobs(store_db *db, const render_opts *opts) {
  const char *env = getenv("PODIUM_JOBS"), *path = store_path(db);
  long jobs = opts->jobs, runs = 0;
  char ignored[POD_ERRLEN];
  if (!path || !*path || !strcmp(path, ":memory:")) return 1;
  if (jobs <= 0 && env && *env) jobs = strtol(env, NULL, 10);
  if (jobs <= 0) {
    jobs = sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs > 8) jobs = 8;
    if (store_counts(db, count_runs, &runs, ignored) || runs < 200) jobs = 1;
  }
  return jobs < 1 ? 1 : jobs > MAX_JOBS ? MAX_JOBS : (int)jobs;
}

/* Opens a connection per worker, each reading the state main reads
** (issue 15): main's read transaction began before the render key, so a
** worker whose state differs means a writer committed since, and the
** render goes on with main's connection alone. Returns the threads. */
static int open_snapshots(site *s, worker *w, int n, const char *snap) {
  char err[POD_ERRLEN], d[65];
  for (int i = 0; i < n - 1; i++) {
    w[i].s.db = NULL;
    if (store_reopen(s->db, &w[i].s.db, err) ||
        store_read_begin(w[i].s.db, d, err) || strcmp(d, snap)) {
      for (int k = 0; k <= i; k++) store_close(w[k].s.db);
      return 1;
    }
  }
  return n;
}

/* Starts n - 1 workers copying what main shares with them (pairs, pareto:
** read only), each with its connection from open_snapshots (the worker
** closes it). A worker that cannot start leaves its runs to the others. */
static void start_workers(site *s, worker *w, int n, const char *share_dir,
                          const char *langs, const char *const *dirs,
                          int n_dirs) {
  for (int i = 0; i < n - 1; i++) {
    store_db *own = w[i].s.db;
    memset(&w[i], 0, sizeof w[i]);
    w[i].s.db = own;
    w[i].s.out = s->out;
    w[i].s.share = s->share;
    /* main's study, read only: the worker renders its share of its pages */
    w[i].s.project = s->project;
    w[i].s.study = s->study;
    w[i].s.tables = s->tables;
    w[i].s.n_tables = s->n_tables;
    w[i].s.cmp_pages = s->cmp_pages;
    w[i].s.n_cmp_pages = s->n_cmp_pages;
    w[i].s.models = s->models;
    w[i].s.n_models = s->n_models;
    w[i].s.unit_row = s->unit_row;
    w[i].s.jobs = s->jobs;
    w[i].s.n_jobs = s->n_jobs;
    w[i].share_dir = share_dir;
    w[i].langs = langs;
    w[i].dirs = dirs;
    w[i].n_dirs = n_dirs;
    /* rc is set before the thread starts, never after: a worker that
    ** fails at once writes its rc before pthread_create returns, and an
    ** "ok" written then would hide its failure (TSan, make tsan) */
    w[i].rc = POD_OK;
    w[i].started = pthread_create(&w[i].thread, NULL, worker_main, &w[i]) == 0;
    if (!w[i].started) store_close(own);
  }
}

/* Joins the workers; returns the render's result: main's own failure, else
** the first worker's (a thread that only stopped because another failed
** does not count). */
static int join_workers(site *s, worker *w, int n, int rc,
                        char err[POD_ERRLEN]) {
  int main_failed = rc && !s->stopped;
  if (rc) atomic_store(&s->share->stop, 1);
  for (int i = 0; i < n - 1; i++) {
    if (!w[i].started) continue;
    pthread_join(w[i].thread, NULL);
    if (w[i].rc && !w[i].s.stopped && !main_failed) {
      main_failed = 1;
      rc = w[i].rc;
      memcpy(err, w[i].err, POD_ERRLEN);
    }
  }
  return rc;
}

int render_site(store_db *db, const render_opts *opts, render_stats *stats,
                char err[POD_ERRLEN]) {
  site s;
  char builtin[4096], assets[4096], i18n_dir[4096], key[65], snap[65];
  const char *dirs[2];
  const char *langs = opts->langs                                ? opts->langs
                      : opts->project && opts->project->languages ? opts->project->languages
                                                                  : RENDER_LANGUAGES;
  int n_dirs = 0, rc, jobs = 1;
  worker *workers = NULL;
  run_share share;
  memset(&s, 0, sizeof s);
  memset(stats, 0, sizeof *stats);
  s.db = db;
  snprintf(builtin, sizeof builtin, "%s/templates", opts->share_dir);
  snprintf(assets, sizeof assets, "%s/site", opts->share_dir);
  snprintf(i18n_dir, sizeof i18n_dir, "%s/i18n", opts->share_dir);
  if (opts->templates_dir) {
    if (!pod_is_dir(opts->templates_dir))
      return pod_err(err, POD_EINPUT, "%s: found no folder, expected a "
                     "folder of templates", opts->templates_dir);
    dirs[n_dirs++] = opts->templates_dir;
  }
  dirs[n_dirs++] = builtin;
  if (opts->content_dir && !pod_is_dir(opts->content_dir))
    return pod_err(err, POD_EINPUT, "%s: found no folder, expected a folder "
                   "of course pages (<lang>/NAME.md)", opts->content_dir);
  /* one state for the whole render: the key and every page (workers
  ** join it in open_snapshots) */
  if ((rc = store_read_begin(db, snap, err))) return rc;
  if ((rc = render_state_key(db, dirs, n_dirs, assets, opts->content_dir,
                             i18n_dir, langs, opts->project, key, err)))
    goto done;
  if (render_out_current(opts->out_dir, key, &stats->pages)) {
    stats->unchanged = stats->skipped = 1;   /* nothing it is made of changed */
    stats->stale = render_out_sweep(opts->out_dir);
    goto done;
  }
  if ((rc = open_languages(&s, opts->share_dir, langs, err))) goto done;
  if ((rc = render_sandbox_new(dirs, n_dirs, &s.sb, err))) goto done;
  s.L = render_sandbox_state(s.sb);
  if ((rc = render_out_open(opts, key, &s.out, err)))
    goto done;
  s.lang = render_i18n_lang(s.i18n[0]);
  s.project = opts->project;
  if ((rc = render_out_copy(s.out, assets, "assets", err)) == POD_OK &&
      (rc = render_primary_list(db, opts->project, &s.prim, &s.n_prim,
                                err)) == POD_OK &&
      (rc = study_find(&s, err)) == POD_OK)
    rc = find_paretos(&s);
  if (rc == POD_OK && (jobs = render_jobs(db, opts)) > 1) {
    atomic_init(&share.next, 0);
    atomic_init(&share.next_job, 0);
    atomic_init(&share.stop, 0);
    s.share = &share;
    workers = pod_xmalloc((size_t)(jobs - 1) * sizeof *workers);
    if ((jobs = open_snapshots(&s, workers, jobs, snap)) > 1)
      start_workers(&s, workers, jobs, opts->share_dir, langs, dirs, n_dirs);
  }
  for (int k = 0; rc == POD_OK && k < s.n_langs; k++) {
    site_use_language(&s, k);
    if ((rc = course_load_language(&s, opts->content_dir, err))) break;
    if (k == 0) rc = page_chooser(&s, err);
    if (rc == POD_OK) rc = language_pages(&s, err);
  }
  /* the downloads before this thread's run pages: the workers render
  ** run pages meanwhile, and the last of them end together */
  if (rc == POD_OK) rc = render_downloads(db, opts->project, &s.boards, s.out, err);
  if (rc == POD_OK) rc = run_pages(&s, err);
  if (rc == POD_OK) rc = study_pages(&s, err);
  if (workers) {   /* before the tree is committed or removed */
    rc = join_workers(&s, workers, jobs, rc, err);
    free(workers);
  }
  if (rc) {
    render_out_abort(s.out);
    goto done;
  }
  rc = render_out_commit(s.out, stats, err);
done:
  store_read_end(db);
  study_free(&s);
  render_pareto_free(s.pareto);
  render_primary_free(s.prim, s.n_prim);
  render_board_rows_free(s.boards);
  for (size_t i = 0; i < s.n_pareto; i++) free(s.pareto_scopes[i]);
  free(s.pareto_scopes);
  course_free(&s);
  render_sandbox_free(s.sb);
  for (int k = 0; k < s.n_langs; k++) render_i18n_close(s.i18n[k]);
  free(s.i18n);
  pod_buf_free(&s.body);
  pod_buf_free(&s.page);
  return rc;
}

int render_find_share_dir(const char *argv0, char out[4096],
                          char err[POD_ERRLEN]) {
  char exe[3000], probe[4200];
  const char *env = getenv("PODIUM_SHARE");
  ssize_t n;
  if (env && *env) {
    snprintf(out, 4096, "%s", env);
    return POD_OK;
  }
  n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) snprintf(exe, sizeof exe, "%s", argv0);
  else exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (slash) *slash = '\0';
  else snprintf(exe, sizeof exe, ".");
  /* build/podium or build/asan/podium in a source tree, or
  ** PREFIX/bin/podium installed */
  static const char *const tries[] = {"%s/..", "%s/../..",
                                      "%s/../share/podium"};
  for (int i = 0; i < 3; i++) {
    char real[PATH_MAX];
    snprintf(out, 4096, tries[i], exe);
    snprintf(probe, sizeof probe, "%s/templates/layout.html", out);
    if (!pod_exists(probe)) continue;
    /* "/usr/local/share/podium", not "/usr/local/bin/../share/podium":
    ** the folder shows in estimate provenance */
    if (realpath(out, real) && strlen(real) < 4096) snprintf(out, 4096, "%s", real);
    return POD_OK;
  }
  return pod_err(err, POD_EIO, "cannot find podium's templates next to %s "
                 "(set PODIUM_SHARE to the folder holding templates/)", exe);
}
