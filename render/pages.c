/*
** render/pages.c -- the data each page's template gets, for every page
** of one language but the run, course and study pages: the language
** chooser, the overview, the run list and environment pages (LIST_ROWS
** runs a page), leaderboards, Pareto pages; and what every page family
** shares: store rows as Lua tables, writing a page through layout.html,
** pagers.
**
** Owns: nothing past a call but what it leaves on the Lua stack (a
** page's data table, popped when the page is written) and
** s->pareto_scopes (freed by render_site).
*/
#include "render/site_int.h"
#include "render/i18n.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sets content_lang and content_dir: the language a course text is
** written in (the default language's when this one has none), so a
** page can mark an English paragraph on a Persian page lang="en"
** dir="ltr" and its punctuation stays where English puts it. */
void site_push_content_lang(site *s, int fallback) {
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

void site_push_row(lua_State *L, const store_row *row) {
  lua_createtable(L, 0, row->n + 2);
  for (int i = 0; i < row->n; i++) {
    if (row->v[i].type == STORE_NULL) continue;
    push_value(L, &row->v[i]);
    lua_setfield(L, -2, row->names[i]);
  }
}


#define OVERVIEW_RUNS 20   /* the newest runs the overview lists */
#define OVERVIEW_TOP 10    /* the entries of a primary board it shows */

void site_set_href(lua_State *L, const char *field, const char *lang,
                   const char *kind, long long id) {
  /* built by hand: a printf per entry was 5% of a board page's making */
  char href[128], digits[24], *d = pod_digits(digits + sizeof digits, id);
  size_t nl = strlen(lang), nk = strlen(kind), n = 0;
  size_t nd = (size_t)(digits + sizeof digits - d);
  if (nl + nk + nd + 8 > sizeof href) {   /* a long language code */
    pod_buf b = POD_BUF_INIT;
    pod_buf_printf(&b, "%s/%s/%lld.html", lang, kind, id);
    lua_pushlstring(L, b.data, b.len);
    lua_setfield(L, -2, field);
    pod_buf_free(&b);
    return;
  }
  memcpy(href, lang, nl), n = nl;
  href[n++] = '/';
  memcpy(href + n, kind, nk), n += nk;
  href[n++] = '/';
  memcpy(href + n, d, nd), n += nd;
  memcpy(href + n, ".html", 5), n += 5;
  lua_pushlstring(L, href, n);
  lua_setfield(L, -2, field);
}

/* The leaderboard page of (scope, metric), relative to the language. */
void site_board_path(pod_buf *out, const char *scope, const char *metric) {
  pod_buf_adds(out, "leaderboards/");
  render_board_name(out, scope, metric);
  pod_buf_adds(out, ".html");
}

/* Appends the row, as a table, to the array on top of the stack. */
int site_append_row(const store_row *row, void *ud) {
  row_sink *k = ud;
  lua_State *L = k->s->L;
  site_push_row(L, row);
  if (k->kind == ROW_RUN) {
    site_set_href(L, "href", k->s->lang, "runs",
                  (long long)store_row_int(row, "id", 0));
    if (store_row_int(row, "environment_id", 0))
      site_set_href(L, "env_href", k->s->lang, "envs",
                    (long long)store_row_int(row, "environment_id", 0));
  } else if (k->kind == ROW_ENV) {
    site_set_href(L, "href", k->s->lang, "envs",
                  (long long)store_row_int(row, "id", 0));
  } else if (k->kind == ROW_BOARD) {
    pod_buf p = POD_BUF_INIT;
    pod_buf_printf(&p, "%s/", k->s->lang);
    site_board_path(&p, store_row_text(row, "scope"),
                    store_row_text(row, "metric"));
    lua_pushstring(L, p.data);
    lua_setfield(L, -2, "href");
    pod_buf_free(&p);
    if (render_primary_of(k->s->prim, k->s->n_prim, store_row_text(row, "scope"),
                          store_row_int(row, "metric_id", 0))) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, "primary");
    }
  }
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  return k->limit && (long)lua_rawlen(L, -1) >= k->limit ? ROWS_ENOUGH : 0;
}


/* data[field] = array of rows from walk(db, ..., site_append_row), the
** first limit rows only when limit > 0. */
static int add_list(site *s, const char *field, int kind, walk_fn walk,
                    long limit, char err[POD_ERRLEN]) {
  row_sink k = {s, kind, limit};
  int rc;
  lua_newtable(s->L);
  rc = walk(s->db, site_append_row, &k, err);
  lua_setfield(s->L, -2, field);
  return rc == ROWS_ENOUGH ? POD_OK : rc;
}

/* data.boards: the boards of results, for the overview. */
static int add_boards(site *s, char err[POD_ERRLEN]) {
  row_sink k = {s, ROW_BOARD, 0};
  int rc;
  lua_newtable(s->L);
  rc = render_each_board(s->db, s->project, site_append_row, &k, err);
  lua_setfield(s->L, -2, "boards");
  return rc;
}

/* Pushes the row as a table (for a query of one row). */
int site_take_first(const store_row *row, void *ud) {
  row_sink *k = ud;
  site_push_row(k->s->L, row);
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
void site_page_root(pod_buf *root, const char *rel) {
  for (const char *p = rel; *p; p++)
    if (*p == '/') pod_buf_adds(root, "../");
}

int site_write_page(site *s, const char *rel, const char *template,
                    char err[POD_ERRLEN]) {
  lua_State *L = s->L;
  pod_buf root = POD_BUF_INIT;
  int rc, untranslated;
  site_page_root(&root, rel);
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
  pod_buf_free(&s->body);   /* the template's block: content has it now */
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
  if (rc == POD_OK)   /* layout's block, to the writer as it is */
    rc = render_out_part_take(s->out, rel, &s->page, 1, 1, err);
  render_sandbox_trim(s->sb);
done:
  pod_buf_free(&root);
  return rc;
}

void site_set_title(lua_State *L, const char *title) {
  lua_pushstring(L, title);
  lua_setfield(L, -2, "title");
}

int site_page_chooser(site *s, char err[POD_ERRLEN]) {
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
    site_board_path(&href, p->scope, p->metric);
    lua_pushstring(L, href.data);
    lua_setfield(L, -2, "href");
    pod_buf_free(&href);
    if ((rc = site_push_groups(s, p->scope, p->metric_id, -1, OVERVIEW_TOP,
                               0, 0, -1, err)) == POD_OK) {
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
  if ((rc = store_counts(s->db, site_take_first, &k, err))) return rc;
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
    site_push_content_lang(s, s->intro_fallback);
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

/* Page k (from 1, newest first) of a list numbered from its oldest end:
** the newest page is <base>.html, the others <base>.pJ.html with J
** counted from the oldest page (1): a new row changes the newest page
** only, until it fills up. */
void site_list_page_path_rev(pod_buf *out, const char *base, long k,
                             long pages) {
  pod_buf_adds(out, base);
  if (k > 1) pod_buf_printf(out, ".p%ld", pages - k + 1);
  pod_buf_adds(out, ".html");
}

static void push_pager(lua_State *L, const char *base, long page,
                       long pages, int rev) {
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
    if (rev) site_list_page_path_rev(&h, base, at[i], pages);
    else site_list_page_path(&h, base, at[i]);
    lua_pushstring(L, h.data);
    lua_setfield(L, -2, keys[i]);
    pod_buf_free(&h);
  }
  lua_setfield(L, -2, "pager");
}

void site_push_pager(lua_State *L, const char *base, long page,
                     long pages) {
  push_pager(L, base, page, pages, 0);
}

int site_count_runs(const store_row *row, void *ud) {
  *(long *)ud = (long)store_row_int(row, "runs", 0);
  return 0;
}

/* A list of runs being cut into pages as the walk gives its rows: the
** run list (newest first, numbered from its oldest end: rev), or an
** environment's runs (env set; oldest first, numbered so). Only the page
** holding the newest runs gets the total (and the environment's run
** count): the older pages then stay as they are when a run is added, and
** an incremental render takes them from the live site. */
typedef struct run_lister {
  row_sink k;
  long total, pages, page, n;
  int rev;
  const store_row *env;   /* an environment page's row, else NULL */
  const char *template, *title;
  char base[64];
  pod_sha256 h;           /* the open page's fingerprint */
  store_rows *rows;       /* its rows: pushed only when it is rendered */
  char err[POD_ERRLEN];
} run_lister;

/* Rows of page k (from 1, in walk order). */
static long run_list_size(const run_lister *r, long k) {
  long rest = r->total - (r->pages - 1) * LIST_ROWS;   /* the newest page */
  if (r->rev) return k == 1 ? rest : LIST_ROWS;
  return k == r->pages ? rest : LIST_ROWS;
}

static int run_list_newest(const run_lister *r, long k) {
  return r->rev ? k == 1 : k == r->pages;
}

/* The environment's row as page k shows it: its run count (the last
** column, "runs") on the newest page only. */
static store_row run_list_env(const run_lister *r, long k) {
  store_row env = *r->env;
  if (!run_list_newest(r, k) && env.n && !strcmp(env.names[env.n - 1], "runs"))
    env.n--;
  return env;
}

/* Starts a page: its fingerprint and rows. */
static void run_list_open(run_lister *r) {
  long k = r->page + 1;
  site_list_fp_begin(&r->h, r->env ? "env page" : "run list page", k,
                     r->pages);
  if (r->env) {
    store_row env = run_list_env(r, k);
    render_state_hash_row(&env, &r->h);
  }
  site_fp_num(&r->h, run_list_newest(r, k) ? (double)r->total : -1);
  r->rows = store_rows_new();
}

/* Writes the open page, or takes the live site's when its fingerprint is
** the same. */
static int run_list_write(run_lister *r) {
  site *s = r->k.s;
  lua_State *L = s->L;
  pod_buf rel = POD_BUF_INIT;
  char fp[RENDER_FP_LEN + 1];
  int rc;
  r->page++;
  if (r->rev) site_list_page_path_rev(&rel, r->base, r->page, r->pages);
  else site_list_page_path(&rel, r->base, r->page);
  site_list_fp_end(&r->h, fp);
  if (s->incr && site_reusable(s, rel.data, fp)) {
    rc = render_out_reuse(s->out, rel.data, r->err);
  } else {
    lua_newtable(L);
    site_set_title(L, r->title);
    if (r->env) {
      store_row env = run_list_env(r, r->page);
      site_push_row(L, &env);
      lua_setfield(L, -2, "env");
    }
    if (run_list_newest(r, r->page)) {
      lua_pushinteger(L, r->total);
      lua_setfield(L, -2, "total");
    }
    lua_newtable(L);
    store_rows_each(r->rows, site_append_row, &r->k);
    lua_setfield(L, -2, "runs");
    push_pager(L, r->base, r->page, r->pages, r->rev);
    rc = site_write_page(s, rel.data, r->template, r->err);
  }
  store_rows_free(r->rows);
  r->rows = NULL;
  pod_buf_free(&rel);
  r->n = 0;
  return rc;
}

static int run_list_row(const store_row *row, void *ud) {
  run_lister *r = ud;
  if (r->n == 0) run_list_open(r);
  store_rows_add(row, r->rows);
  render_state_hash_row(row, &r->h);
  return ++r->n == run_list_size(r, r->page + 1) ? run_list_write(r) : 0;
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
  }
  store_rows_free(r->rows);   /* a failed walk's open page */
  r->rows = NULL;
  if (rc && r->err[0]) snprintf(err, POD_ERRLEN, "%s", r->err);
  return rc;
}

void site_push_models(site *s, size_t from, size_t to) {
  lua_State *L = s->L;
  size_t n;
  const analysis_unit *u = analysis_study_units(s->study, &n);
  lua_createtable(L, (int)(to - from), 0);
  for (size_t i = from; i < to; i++) {
    const analysis_unit *m = &u[s->models[i].units[0]];
    pod_buf h = POD_BUF_INIT, l = POD_BUF_INIT;
    lua_createtable(L, 0, 2);
    render_model_label(&l, m->model, m->variant);
    lua_pushstring(L, l.data);
    lua_setfield(L, -2, "label");
    render_model_href(&h, s->lang, m->model, m->variant);
    lua_pushstring(L, h.data);
    lua_setfield(L, -2, "href");
    pod_buf_free(&h);
    pod_buf_free(&l);
    lua_rawseti(L, -2, (lua_Integer)(i - from) + 1);
  }
}

/* A page of the model list: its place, its models (what
** site_push_models gives) and, on the first page, their count. */
static void model_list_fp(site *s, size_t from, size_t to, long k,
                          long pages, char fp[RENDER_FP_LEN + 1]) {
  size_t n;
  const analysis_unit *u = analysis_study_units(s->study, &n);
  pod_sha256 h;
  site_list_fp_begin(&h, "model list page", k, pages);
  site_fp_num(&h, k == 1 ? (double)s->n_models : -1);
  for (size_t i = from; i < to; i++) {
    const analysis_unit *m = &u[s->models[i].units[0]];
    site_fp_str(&h, m->model);
    site_fp_str(&h, m->variant);
  }
  site_list_fp_end(&h, fp);
}

/* Beside the models/ folder, not in it: a model's slug can be "index".
** Only the first page gets the count of models (data.total). */
int site_model_list(site *s, char err[POD_ERRLEN]) {
  char base[64];
  long pages = s->n_models ? ((long)s->n_models + LIST_ROWS - 1) / LIST_ROWS
                           : 0;
  if (!s->study) return POD_OK;
  snprintf(base, sizeof base, "%s/models", s->lang);
  for (long k = 1; k <= pages; k++) {
    pod_buf rel = POD_BUF_INIT;
    size_t from = (size_t)(k - 1) * LIST_ROWS;
    size_t to = from + LIST_ROWS < s->n_models ? from + LIST_ROWS : s->n_models;
    int rc;
    site_list_page_path(&rel, base, k);
    if (s->incr) {   /* the live site's page when its models are the same */
      char fp[RENDER_FP_LEN + 1];
      model_list_fp(s, from, to, k, pages, fp);
      if (site_reusable(s, rel.data, fp)) {
        rc = render_out_reuse(s->out, rel.data, err);
        pod_buf_free(&rel);
        if (rc) return rc;
        continue;
      }
    }
    lua_newtable(s->L);
    site_set_title(s->L, "Models");
    site_push_models(s, from, to);
    lua_setfield(s->L, -2, "models");
    if (k == 1) {   /* the others stay as they are when a model is added */
      lua_pushinteger(s->L, (lua_Integer)s->n_models);
      lua_setfield(s->L, -2, "total");
    }
    site_push_pager(s->L, base, k, pages);
    rc = site_write_page(s, rel.data, "models.html", err);
    pod_buf_free(&rel);
    if (rc) return rc;
  }
  return POD_OK;
}

/* <lang>/runs/index.html and on: every run, newest first, LIST_ROWS a
** page numbered from the oldest (run_lister; the overview lists the
** newest OVERVIEW_RUNS). */
static int page_run_list(site *s, char err[POD_ERRLEN]) {
  run_lister r;
  int rc;
  memset(&r, 0, sizeof r);
  r.k.s = s;
  r.k.kind = ROW_RUN;
  r.rev = 1;
  r.template = "runs.html";
  r.title = "Runs";
  snprintf(r.base, sizeof r.base, "%s/runs/index", s->lang);
  if ((rc = store_counts(s->db, site_count_runs, &r.total, err))) return rc;
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
  int cols_known;   /* the columns' places are set (every row of a walk
                    ** has the same columns): no lookups by name per row */
  int cost_col[RENDER_N_COSTS];   /* render_costs[i]'s column, or -1 */
  int batch_col, seq_col, split_col, run_col, rank_col;   /* or -1 */
  /* the key of an entry's kept row (leaderboard_row.html, kept()) is
  ** made of its row, the board's unit and the cost columns it shows */
  const char *unit;
  unsigned shown;   /* bit i: render_costs[i] is a column of the table */
} grouper;

/* group_entry's stop past the rows of its page (not an error). */
#define GROUPS_PAGE_DONE 1000

/* Sets the open group's total and pops it with its entries. */
static void group_close(grouper *g) {
  lua_State *L = g->s->L;
  if (!g->have) return;
  lua_pushinteger(L, g->total);
  lua_setfield(L, -3, "total");
  lua_pop(L, 2);
  g->have = 0;
}

/* The columns' places, from the first row (no name lookups per row). */
static void group_cols(grouper *g, const store_row *row) {
  for (int i = 0; i < RENDER_N_COSTS; i++) {
    g->cost_col[i] = -1;
    for (int c = 0; c < row->n; c++)
      if (!strcmp(row->names[c], render_costs[i].metric)) g->cost_col[i] = c;
  }
  g->batch_col = g->seq_col = g->split_col = g->run_col = g->rank_col = -1;
  for (int c = 0; c < row->n; c++) {
    const char *n = row->names[c];
    if (!strcmp(n, "batch_size")) g->batch_col = c;
    else if (!strcmp(n, "sequence_length")) g->seq_col = c;
    else if (!strcmp(n, "split")) g->split_col = c;
    else if (!strcmp(n, "run_id")) g->run_col = c;
    else if (!strcmp(n, "rank")) g->rank_col = c;
  }
  g->cols_known = 1;
}

/* The cost columns are the whole board's, on every page of it: a walk
** of all its rows (once a board, site_board_costs, for its pages). */
static int group_costs(const store_row *row, void *ud) {
  grouper *g = ud;
  if (!g->cols_known) group_cols(g, row);
  for (int i = 0; i < RENDER_N_COSTS; i++)
    if (g->cost_col[i] >= 0 && row->v[g->cost_col[i]].type != STORE_NULL)
      g->costs |= 1u << i;
  return 0;
}

/* store_row_int's value of column c (-1: none), 0 when null. */
static int64_t int_at(const store_row *row, int c) {
  return c >= 0 ? store_value_int_or(&row->v[c], 0) : 0;
}

/* Pushes an entry: its row, href and key. Whole even when its row is
** kept: a page reads its entries beyond their rows (leaderboard.html's
** chart of latency against sequence length). */
static void push_entry(grouper *g, const store_row *row) {
  site *s = g->s;
  lua_State *L = s->L;
  char key[SITE_ROW_KEY_LEN + 1];
  site_board_row_key(row, g->rank_col, g->unit, g->shown, key);
  site_push_row(L, row);
  site_set_href(L, "href", s->lang, "runs",
                (long long)int_at(row, g->run_col));
  lua_pushstring(L, key);
  lua_setfield(L, -2, "key");
}

static int group_entry(const store_row *row, void *ud) {
  grouper *g = ud;
  lua_State *L = g->s->L;
  int64_t batch, seq;
  const char *split;
  long at = g->at++;
  if (g->to > 0 && at >= g->to) return GROUPS_PAGE_DONE;   /* the rest: not read */
  if (g->to > 0 && at < g->from) return 0;
  if (!g->cols_known) group_cols(g, row);
  batch = int_at(row, g->batch_col);
  seq = int_at(row, g->seq_col);
  split = g->split_col >= 0 && row->v[g->split_col].type == STORE_TEXT
              ? row->v[g->split_col].s : "";
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
  push_entry(g, row);
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  return 0;
}

/* A board's rows, read once per thread (render_board_rows_get). */
static int board_rows(site *s, const char *scope, int64_t metric_id,
                      const store_rows **rows, char err[POD_ERRLEN]) {
  return render_board_rows_get(&s->boards, s->keep, s->worker, s->db, s->prim,
                               s->n_prim, scope, metric_id, rows, NULL, err);
}

unsigned site_board_costs(const store_rows *rows) {
  grouper g;
  memset(&g, 0, sizeof g);
  store_rows_each(rows, group_costs, &g);
  return g.costs;
}

/* Pushes the groups of a board (see group_entry; limit as there); a
** scope's primary board comes with the cost columns, and then sets
** board.primary and board.costs (each {metric, unit}, those with a
** value, not the ranked metric itself) on the table at board_idx. On
** failure nothing is pushed. */
int site_push_groups(site *s, const char *scope, int64_t metric_id,
                     int board_idx, long limit, long from, long to,
                     long costs, char err[POD_ERRLEN]) {
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
  if ((rc = board_rows(s, scope, metric_id, &rows, err)))
    return rc;
  g.costs = costs >= 0 ? (unsigned)costs : site_board_costs(rows);
  /* the cost columns the table shows (below) */
  for (int i = 0; p && i < RENDER_N_COSTS; i++)
    if (g.costs >> i & 1 && strcmp(render_costs[i].metric, p->metric))
      g.shown |= 1u << i;
  lua_getfield(L, board_idx, "unit");
  g.unit = lua_tostring(L, -1);   /* the board table holds it */
  lua_pop(L, 1);
  lua_newtable(L);
  rc = store_rows_each(rows, group_entry, &g);
  if (rc == GROUPS_PAGE_DONE) rc = POD_OK;
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
    if (!(g.shown >> i & 1)) continue;
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


int site_reused_everywhere(site *s, const char *rest, const char *fp,
                           int *rc, char err[POD_ERRLEN]) {
  pod_buf rel = POD_BUF_INIT;
  int same = 1;
  if (!s->incr) return 0;
  /* the next render's manifest lists it either way, once for all */
  pod_buf_add(&s->manifest_all, fp, RENDER_FP_LEN);
  pod_buf_addc(&s->manifest_all, ' ');
  pod_buf_adds(&s->manifest_all, rest);
  pod_buf_addc(&s->manifest_all, '\n');
  for (int pass = 0; pass < 2 && same; pass++)   /* check, then link */
    for (int k = 0; k < s->n_langs && same; k++) {
      pod_buf_clear(&rel);
      pod_buf_adds(&rel, render_i18n_lang(s->i18n[k]));
      pod_buf_addc(&rel, '/');
      pod_buf_adds(&rel, rest);
      if (!pass)
        same = render_incr_same(s->incr, rel.data, fp) &&
               render_out_live(s->out, rel.data);
      else if (*rc == POD_OK) *rc = render_out_reuse(s->out, rel.data, err);
    }
  pod_buf_free(&rel);
  return same;
}

/* Notes page rel with fingerprint fp in the manifest; 1 when the live
** site's page can be taken as it is (incr.c). */
int site_reusable(site *s, const char *rel, const char *fp) {
  pod_buf_printf(&s->manifest, "%s %s\n", fp, rel);
  return render_incr_same(s->incr, rel, fp) && render_out_live(s->out, rel);
}

/* A leaderboard's pages: LIST_ROWS entries a page (a group cut by a page
** starts the next one again under its heading), <board>.html first; each
** the live site's when its own rows, ranks and place did not change (a
** new entry changes the pages from its rank on). */
static int page_board(const store_row *row, void *ud) {
  board_walk *w = ud;
  site *s = w->s;
  const char *scope = store_row_text(row, "scope");
  const char *metric = store_row_text(row, "metric");
  pod_buf base = POD_BUF_INIT, title = POD_BUF_INIT;
  const store_rows *rows;
  char (*fps)[RENDER_FP_LEN + 1] = NULL;
  long pages;
  long costs = -1;   /* the whole board's: with the fingerprints, else
                     ** once it has a page to make */
  int rc;
  if ((rc = board_rows(s, scope, store_row_int(row, "metric_id", 0), &rows,
                       w->err)))
    return rc;
  pages = store_rows_count(rows) ? ((long)store_rows_count(rows) +
                                    LIST_ROWS - 1) / LIST_ROWS : 1;
  pod_buf_printf(&title, "%s \xe2\x80\x94 %s", metric,
                 *scope ? scope : "all runs");
  pod_buf_printf(&base, "%s/leaderboards/", s->lang);
  render_board_name(&base, scope, metric);
  if (s->incr) {   /* a page of the live site whose rows are the same */
    fps = pod_xmalloc((size_t)pages * sizeof *fps);
    costs = (long)site_board_fps(s, row, rows, pages, fps);
  }
  for (long k = 1; k <= pages && rc == POD_OK; k++) {
    pod_buf rel = POD_BUF_INIT;
    site_list_page_path(&rel, base.data, k);
    if (fps && site_reusable(s, rel.data, fps[k - 1])) {
      rc = render_out_reuse(s->out, rel.data, w->err);
      pod_buf_free(&rel);
      continue;
    }
    if (costs < 0) costs = (long)site_board_costs(rows);
    lua_newtable(s->L);
    site_set_title(s->L, title.data);
    site_push_row(s->L, row);
    render_push_board_files(s->L, scope, metric);
    rc = site_push_groups(s, scope, store_row_int(row, "metric_id", 0), -1, 0,
                     (k - 1) * LIST_ROWS, pages > 1 ? k * LIST_ROWS : 0,
                     costs, w->err);
    if (rc == POD_OK) lua_setfield(s->L, -3, "groups");
    lua_setfield(s->L, -2, "board");
    site_push_pager(s->L, base.data, k, pages);
    if (rc == POD_OK)
      rc = site_write_page(s, rel.data, "leaderboard.html", w->err);
    else lua_pop(s->L, 1);
    pod_buf_free(&rel);
  }
  free(fps);
  pod_buf_free(&base);
  pod_buf_free(&title);
  return rc;
}

void site_use_language(site *s, int k) {
  s->lang_k = k;
  s->lang = render_i18n_lang(s->i18n[k]);
  render_sandbox_language(s->sb, s->i18n[k]);
}

/* <lang>/envs/<id>.html and on: an environment and its runs, LIST_ROWS
** a page. */
static int page_env(const store_row *row, void *ud) {
  item_walk *w = ud;
  site *s = w->s;
  int64_t id = store_row_int(row, "id", 0);
  char title[64];
  run_lister r;
  memset(&r, 0, sizeof r);
  r.k.s = s;
  r.k.kind = ROW_RUN;
  r.env = row;
  r.total = (long)store_row_int(row, "runs", 0);
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

int site_find_paretos(site *s) {
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

/* Runs a store walk whose callback renders pages; the callback's error
** text is in w.err. */
int site_each_page(site *s, walk_fn walk, store_row_fn fn,
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

/* Every page of one language but the run pages (site_run_pages) and the
** model and comparison pages (study_pages), which threads share out. */
int site_language_pages(site *s, char err[POD_ERRLEN]) {
  int rc;
  if ((rc = page_overview(s, err)) || (rc = page_run_list(s, err)) ||
      (rc = site_model_list(s, err)) ||
      (rc = site_course_pages(s, err)) || (rc = study_tables(s, err)) ||
      (rc = pareto_pages(s, err)) ||
      (rc = board_pages(s, err)) ||
      (rc = site_each_page(s, store_each_env, page_env, err)))
    return rc;
  return POD_OK;
}
