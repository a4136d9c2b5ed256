/*
** render/site.c -- which pages the site has, and the data each page's
** template gets. Paths of pages are decided here, once; templates link
** to them with link(href).
**
**   index.html                      language chooser (chooser.html)
**   <lang>/index.html               overview (overview.html)
**   <lang>/leaderboards/<slug>.html one per (scope, metric)
**   <lang>/runs/<id>.html           one per run (run.html)
**   <lang>/envs/<id>.html           one per environment (env.html)
**   <lang>/compare/<base>--<opt>.html one per baseline/optimized pair
**                                   (compare.html; Markdown beside it in
**                                   reports/compare-<base>--<opt>.md)
**   <lang>/pareto/<scope>.html      quality against cost per scope
**                                   (pareto.html)
**   <lang>/<page>.html              one per content/<lang>/<page>.md
**                                   (page.html); index.md goes on the
**                                   overview instead
**   assets/                         copied from site/
** Every page's template output is wrapped in layout.html.
*/
#include "render/render_int.h"
#include "core/fs.h"
#include "render/i18n.h"

#include <dirent.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A course page, rendered before the overview that lists it. */
typedef struct course_page {
  char *slug, *title, *html;
  int fallback;      /* the default language's page: this one has none */
} course_page;

typedef struct site {
  store_db *db;
  render_sandbox *sb;
  lua_State *L;
  render_out *out;
  const char *lang;        /* the language being written */
  render_i18n **i18n;      /* every language of the site, default first */
  int n_langs;
  pod_buf body, page;
  render_cmp_pair *pairs;   /* the comparisons that have rows */
  render_cmp **cmps;
  size_t n_pairs;
  const pod_project *project;  /* its pairs get pages too; may be NULL */
  render_pareto *pareto;
  char **pareto_scopes;     /* scopes with a Pareto page */
  size_t n_pareto;
  char err[POD_ERRLEN];     /* a page callback's message */
  course_page *pages;
  size_t n_pages;
  char *intro;       /* index.md's HTML, or NULL */
  int intro_fallback;  /* it is the default language's */
} site;

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
  for (int i = 0; i < row->n; i++)
    if (!strcmp(row->names[i], name)) return row->v[i].i;
  return 0;
}

static const char *row_text(const store_row *row, const char *name) {
  for (int i = 0; i < row->n; i++)
    if (!strcmp(row->names[i], name) && row->v[i].type == STORE_TEXT)
      return row->v[i].s;
  return NULL;
}

/* Kinds of rows, each with the links its pages need. */
enum { ROW_PLAIN, ROW_RUN, ROW_ENV, ROW_BOARD };

typedef struct row_sink {
  site *s;
  int kind;
} row_sink;

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
    board_path(&p, row_text(row, "scope"), row_text(row, "metric"));
    lua_pushstring(L, p.data);
    lua_setfield(L, -2, "href");
    pod_buf_free(&p);
  }
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  return 0;
}

/* data[field] = array of rows from walk(db, ..., append_row). */
typedef int (*walk_fn)(store_db *, store_row_fn, void *, char *);
typedef int (*walk_id_fn)(store_db *, int64_t, store_row_fn, void *, char *);

static int add_list(site *s, const char *field, int kind, walk_fn walk,
                    char err[POD_ERRLEN]) {
  row_sink k = {s, kind};
  int rc;
  lua_newtable(s->L);
  rc = walk(s->db, append_row, &k, err);
  lua_setfield(s->L, -2, field);
  return rc;
}

static int add_list_of(site *s, const char *field, int kind, walk_id_fn walk,
                       int64_t id, char err[POD_ERRLEN]) {
  row_sink k = {s, kind};
  int rc;
  lua_newtable(s->L);
  rc = walk(s->db, id, append_row, &k, err);
  lua_setfield(s->L, -2, field);
  return rc;
}

/* Sets data[field] to the single row fetched (or leaves it nil). */
static int take_first(const store_row *row, void *ud) {
  row_sink *k = ud;
  push_row(k->s->L, row);
  return 0;
}

static int add_one(site *s, const char *field, walk_id_fn get, int64_t id,
                   char err[POD_ERRLEN]) {
  row_sink k = {s, ROW_PLAIN};
  int top = lua_gettop(s->L);
  int rc = get(s->db, id, take_first, &k, err);
  if (rc == POD_OK && lua_gettop(s->L) > top) lua_setfield(s->L, -2, field);
  lua_settop(s->L, top);
  return rc;
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
static int write_page(site *s, const char *rel, const char *template,
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
  render_sandbox_fallback(s->sb, 1);
  rc = render_sandbox_page(s->sb, template, pod_buf_str(&root), &s->body,
                           err);
  if (rc) { lua_pop(L, 1); goto done; }
  untranslated = render_sandbox_fallback(s->sb, 1);
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
  if (rc == POD_OK)
    rc = render_out_write(s->out, rel, s->page.data, s->page.len, err);
done:
  pod_buf_free(&root);
  return rc;
}

static void set_title(lua_State *L, const char *title) {
  lua_pushstring(L, title);
  lua_setfield(L, -2, "title");
}

static int page_chooser(site *s, char err[POD_ERRLEN]) {
  lua_newtable(s->L);
  set_title(s->L, "podium");
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
    lua_rawseti(s->L, -2, k + 1);
  }
  lua_setfield(s->L, -2, "languages");
  return write_page(s, "index.html", "chooser.html", err);
}

static int page_overview(site *s, char err[POD_ERRLEN]) {
  char rel[64];
  row_sink k = {s, ROW_PLAIN};
  int rc;
  lua_newtable(s->L);
  set_title(s->L, "Overview");
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
  }
  if ((rc = add_list(s, "boards", ROW_BOARD, store_each_leaderboard, err)) ||
      (rc = add_list(s, "runs", ROW_RUN, store_each_run, err)) ||
      (rc = add_list(s, "envs", ROW_ENV, store_each_env, err))) {
    lua_pop(s->L, 1);
    return rc;
  }
  lua_createtable(s->L, (int)s->n_pairs, 0);
  for (size_t i = 0; i < s->n_pairs; i++) {
    const render_cmp_pair *p = &s->pairs[i];
    pod_buf h = POD_BUF_INIT;
    lua_createtable(s->L, 0, 5);
    lua_pushstring(s->L, p->base_label);
    lua_setfield(s->L, -2, "baseline");
    lua_pushstring(s->L, p->opt_label);
    lua_setfield(s->L, -2, "optimized");
    lua_pushstring(s->L, p->scope);
    lua_setfield(s->L, -2, "scope");
    pod_buf_printf(&h, "%s/compare/%s.html", s->lang, p->name);
    lua_pushstring(s->L, h.data);
    lua_setfield(s->L, -2, "href");
    pod_buf_clear(&h);
    pod_buf_printf(&h, "reports/compare-%s.md", p->name);
    lua_pushstring(s->L, h.data);
    lua_setfield(s->L, -2, "md_href");
    pod_buf_free(&h);
    lua_rawseti(s->L, -2, (lua_Integer)i + 1);
  }
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
  return write_page(s, rel, "overview.html", err);
}

/* Groups ranked entries by axis point: groups[i] = {batch_size,
** sequence_length, entries = {...}}. Stack: data, groups[, entries]. */
typedef struct grouper {
  site *s;
  int have;
  int64_t batch, seq;
  char split[64];
} grouper;

static int group_entry(const store_row *row, void *ud) {
  grouper *g = ud;
  lua_State *L = g->s->L;
  int64_t batch = row_int(row, "batch_size");
  int64_t seq = row_int(row, "sequence_length");
  const char *split = row_text(row, "split");
  if (!split) split = "";
  if (!g->have || batch != g->batch || seq != g->seq ||
      strcmp(split, g->split)) {
    if (g->have) lua_pop(L, 1);                     /* old entries */
    lua_createtable(L, 0, 3);                       /* group */
    for (int i = 0; i < row->n; i++)
      if (!strcmp(row->names[i], "batch_size") ||
          !strcmp(row->names[i], "sequence_length") ||
          !strcmp(row->names[i], "split")) {
        push_value(L, &row->v[i]);
        lua_setfield(L, -2, row->names[i]);
      }
    lua_newtable(L);                                /* group, entries */
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "entries");
    lua_insert(L, -2);                              /* entries, group */
    lua_rawseti(L, -3, (lua_Integer)lua_rawlen(L, -3) + 1);
    g->have = 1;
    g->batch = batch;
    g->seq = seq;
    snprintf(g->split, sizeof g->split, "%s", split);
  }
  push_row(L, row);
  set_href(L, "href", "%s/runs/%lld.html", g->s->lang,
           (long long)row_int(row, "run_id"));
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  return 0;
}

typedef struct board_walk {
  site *s;
  char err[POD_ERRLEN];
} board_walk;

static int page_board(const store_row *row, void *ud) {
  board_walk *w = ud;
  site *s = w->s;
  const char *scope = row_text(row, "scope");
  const char *metric = row_text(row, "metric");
  grouper g = {s, 0, 0, 0};
  pod_buf rel = POD_BUF_INIT, title = POD_BUF_INIT;
  int rc;
  lua_newtable(s->L);
  pod_buf_printf(&title, "%s \xe2\x80\x94 %s", metric,
                 *scope ? scope : "all runs");
  set_title(s->L, title.data);
  push_row(s->L, row);
  lua_setfield(s->L, -2, "board");
  lua_newtable(s->L);
  rc = store_each_leaderboard_entry(s->db, scope, row_int(row, "metric_id"),
                                    group_entry, &g, w->err);
  if (g.have) lua_pop(s->L, 1);
  lua_setfield(s->L, -2, "groups");
  pod_buf_printf(&rel, "%s/", s->lang);
  board_path(&rel, scope, metric);
  if (rc == POD_OK) rc = write_page(s, rel.data, "leaderboard.html", w->err);
  else lua_pop(s->L, 1);
  pod_buf_free(&rel);
  pod_buf_free(&title);
  return rc;
}

typedef board_walk item_walk;

static int page_run(const store_row *row, void *ud) {
  item_walk *w = ud;
  site *s = w->s;
  int64_t id = row_int(row, "id"), env = row_int(row, "environment_id");
  char rel[96], title[300];
  const char *name = row_text(row, "name");
  int rc;
  lua_newtable(s->L);
  snprintf(title, sizeof title, "Run %lld: %s", (long long)id,
           name ? name : row_text(row, "model"));
  set_title(s->L, title);
  push_row(s->L, row);
  if (env) set_href(s->L, "env_href", "%s/envs/%lld.html", s->lang, env);
  lua_setfield(s->L, -2, "run");
  if ((rc = add_list_of(s, "measurements", ROW_PLAIN, store_each_measurement,
                        id, w->err)) ||
      (rc = add_list_of(s, "sources", ROW_PLAIN, store_each_run_source, id,
                        w->err)) ||
      (env && (rc = add_one(s, "env", store_get_env, env, w->err)))) {
    lua_pop(s->L, 1);
    return rc;
  }
  snprintf(rel, sizeof rel, "%s/runs/%lld.html", s->lang, (long long)id);
  return write_page(s, rel, "run.html", w->err);
}

static int page_env(const store_row *row, void *ud) {
  item_walk *w = ud;
  site *s = w->s;
  int64_t id = row_int(row, "id");
  char rel[96], title[64];
  int rc;
  lua_newtable(s->L);
  snprintf(title, sizeof title, "Environment %lld", (long long)id);
  set_title(s->L, title);
  push_row(s->L, row);
  lua_setfield(s->L, -2, "env");
  if ((rc = add_list_of(s, "runs", ROW_RUN, store_each_env_run, id,
                        w->err))) {
    lua_pop(s->L, 1);
    return rc;
  }
  snprintf(rel, sizeof rel, "%s/envs/%lld.html", s->lang, (long long)id);
  return write_page(s, rel, "env.html", w->err);
}

static int same_ids(const int64_t *a, size_t na, const int64_t *b,
                    size_t nb) {
  if (na != nb) return 0;
  for (size_t i = 0; i < na; i++) {
    size_t j = 0;
    while (j < nb && b[j] != a[i]) j++;
    if (j == nb) return 0;
  }
  return 1;
}

/* The pairs the project file lists ("pairs": core/project.h), each with
** its page unless the automatic pairing already made the same one. A pair
** that names no run, or whose runs have nothing in common, is an error
** naming the project file: the user asked for that page. */
static int project_pairs(site *s, char err[POD_ERRLEN]) {
  const pod_project *pr = s->project;
  for (size_t i = 0; pr && i < pr->n_pairs; i++) {
    const pod_project_pair *pp = &pr->pairs[i];
    render_cmp_pair q;
    render_cmp *c = NULL;
    pod_buf name = POD_BUF_INIT;
    char e[POD_ERRLEN];
    int rc, dup = 0;
    memset(&q, 0, sizeof q);
    for (int k = 0; k < 2; k++) {
      const char *spec = k ? pp->optimized : pp->baseline;
      if ((rc = render_compare_resolve(s->db, spec, &q.ids[k], &q.n_ids[k],
                                       e))) {
        render_compare_pair_clear(&q);
        return pod_err(err, rc, "%s: pairs[%zu]: %s \"%s\" names no run "
                       "(a run id, run name or model in the registry): %s",
                       pr->path ? pr->path : POD_PROJECT_FILE, i,
                       k ? "optimized" : "baseline", spec, e);
      }
    }
    for (size_t j = 0; j < s->n_pairs && !dup; j++)
      dup = same_ids(q.ids[0], q.n_ids[0], s->pairs[j].ids[0],
                     s->pairs[j].n_ids[0]) &&
            same_ids(q.ids[1], q.n_ids[1], s->pairs[j].ids[1],
                     s->pairs[j].n_ids[1]);
    if (dup) {
      render_compare_pair_clear(&q);
      continue;
    }
    if ((rc = render_compare_new(s->db, (const int64_t *const *)q.ids,
                                 q.n_ids, pp->dataset, &c, e))) {
      render_compare_pair_clear(&q);
      return pod_err(err, rc, "%s: pairs[%zu] (%s vs %s): %s",
                     pr->path ? pr->path : POD_PROJECT_FILE, i, pp->baseline,
                     pp->optimized, e);
    }
    render_slug(&name, pp->baseline);
    pod_buf_adds(&name, "--");
    render_slug(&name, pp->optimized);
    if (pp->dataset) {
      pod_buf_adds(&name, "--");
      render_slug(&name, pp->dataset);
    }
    for (int k = 2, clash = 1; clash; k++) {   /* as add_pair numbers them */
      clash = 0;
      for (size_t j = 0; j < s->n_pairs && !clash; j++)
        clash = !strcmp(s->pairs[j].name, pod_buf_str(&name));
      if (clash) {
        char *end = strrchr(name.data, '~');
        if (end) name.len = (size_t)(end - name.data);
        pod_buf_printf(&name, "~%d", k);
      }
    }
    q.name = pod_buf_detach(&name);
    q.scope = pod_xstrdup(pp->dataset ? pp->dataset : "");
    q.base_label = pod_xstrdup(render_compare_label(c, 0));
    q.opt_label = pod_xstrdup(render_compare_label(c, 1));
    s->pairs = pod_xrealloc(s->pairs, (s->n_pairs + 1) * sizeof *s->pairs);
    s->cmps = pod_xrealloc(s->cmps, (s->n_pairs + 1) * sizeof *s->cmps);
    s->pairs[s->n_pairs] = q;
    s->cmps[s->n_pairs++] = c;
  }
  return POD_OK;
}

/* The pairs podium finds (render_compare_pairs), each compared; a pair
** with nothing in common is left out. */
static int find_pairs(site *s, char err[POD_ERRLEN]) {
  size_t n = 0, kept = 0;
  int rc = render_compare_pairs(s->db, &s->pairs, &n, err);
  if (rc) return rc;
  s->cmps = pod_xmalloc((n + 1) * sizeof *s->cmps);
  for (size_t i = 0; i < n; i++) {
    render_cmp_pair *p = &s->pairs[i];
    render_cmp *c = NULL;
    char e[POD_ERRLEN];
    rc = render_compare_new(s->db, (const int64_t *const *)p->ids, p->n_ids,
                            p->scope, &c, e);
    if (rc == POD_EINPUT) {   /* nothing in common: no page */
      render_compare_pair_clear(p);
      continue;
    }
    if (rc) {
      render_compare_pair_clear(p);
      for (size_t j = i + 1; j < n; j++) render_compare_pair_clear(&s->pairs[j]);
      s->n_pairs = kept;
      snprintf(err, POD_ERRLEN, "%s", e);
      return rc;
    }
    if (kept != i) memcpy(&s->pairs[kept], p, sizeof *p);
    s->cmps[kept++] = c;
  }
  s->n_pairs = kept;
  return project_pairs(s, err);
}

static int page_compare(site *s, size_t i, char err[POD_ERRLEN]) {
  const render_cmp_pair *p = &s->pairs[i];
  pod_buf rel = POD_BUF_INIT, title = POD_BUF_INIT, md = POD_BUF_INIT;
  int rc;
  lua_newtable(s->L);
  pod_buf_printf(&title, "%s vs %s", p->base_label, p->opt_label);
  set_title(s->L, title.data);
  render_compare_push(s->L, s->cmps[i], s->lang);
  lua_setfield(s->L, -2, "cmp");
  lua_pushstring(s->L, p->scope);
  lua_setfield(s->L, -2, "scope");
  pod_buf_printf(&rel, "reports/compare-%s.md", p->name);
  lua_pushstring(s->L, rel.data);
  lua_setfield(s->L, -2, "md_href");
  rc = POD_OK;
  if (!strcmp(s->lang, render_i18n_lang(s->i18n[0]))) {  /* one report */
    render_compare_md(s->cmps[i], &md);
    rc = render_out_write(s->out, rel.data, md.data, md.len, err);
  }
  pod_buf_clear(&rel);
  pod_buf_printf(&rel, "%s/compare/%s.html", s->lang, p->name);
  if (rc == POD_OK) rc = write_page(s, rel.data, "compare.html", err);
  else lua_pop(s->L, 1);
  pod_buf_free(&rel);
  pod_buf_free(&title);
  pod_buf_free(&md);
  return rc;
}

static int compare_pages(site *s, char err[POD_ERRLEN]) {
  int rc = POD_OK;
  for (size_t i = 0; i < s->n_pairs && !rc; i++) rc = page_compare(s, i, err);
  return rc;
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

static int find_paretos(site *s, char err[POD_ERRLEN]) {
  int rc = render_pareto_new(s->db, &s->pareto, err);
  if (rc) return rc;
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
  set_title(s->L, title.data);
  pod_buf_printf(&rel, "%s/pareto/", s->lang);
  render_slug(&rel, *scope ? scope : "all");
  pod_buf_adds(&rel, ".html");
  rc = write_page(s, rel.data, "pareto.html", s->err);
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
  const char *scope = row_text(row, "scope"), *metric = row_text(row, "metric");
  pod_buf name = POD_BUF_INIT, href = POD_BUF_INIT;
  grouper g = {s, 0, 0, 0};
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
    lua_setfield(s->L, -2, "board");
    lua_newtable(s->L);
    rc = store_each_leaderboard_entry(s->db, scope, row_int(row, "metric_id"),
                                      group_entry, &g, f->err);
    if (g.have) lua_pop(s->L, 1);
    lua_setfield(s->L, -2, "groups");
    lua_pushinteger(s->L, 3);   /* the page's own headings are h1 and h2 */
    lua_setfield(s->L, -2, "level");
    if (rc) lua_pop(s->L, 1);
    else f->found = 1;
  }
  pod_buf_free(&name);
  pod_buf_free(&href);
  return rc;
}

/* {{< leaderboard NAME >}}: the board's ranked tables, through the same
** partial as its own page; {{< compare A B >}} is reserved. */
static int course_shortcode(void *ud, const char *kind, const char *args,
                            pod_buf *html, char err[POD_ERRLEN]) {
  site *s = ud;
  board_find f;
  int rc;
  if (!strcmp(kind, "compare"))
    return pod_err(err, POD_EINPUT, "{{< compare %s >}}: comparisons are "
                   "not available yet", args);
  if (strcmp(kind, "leaderboard"))
    return pod_err(err, POD_EINPUT, "unknown shortcode \"%s\", expected "
                   "leaderboard or compare", kind);
  if (!*args || strchr(args, ' '))
    return pod_err(err, POD_EINPUT, "{{< leaderboard NAME >}} takes one "
                   "NAME, found \"%s\"", args);
  memset(&f, 0, sizeof f);
  f.s = s;
  f.name = args;
  rc = store_each_leaderboard(s->db, find_board, &f, err);
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
  set_title(s->L, p->title);
  render_push_raw(s->L, p->html, strlen(p->html));
  lua_setfield(s->L, -2, "html");
  lua_pushboolean(s->L, p->fallback);
  lua_setfield(s->L, -2, "untranslated");
  pod_buf_printf(&rel, "%s/%s.html", s->lang, p->slug);
  rc = write_page(s, rel.data, "page.html", err);
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

/* Every page of one language. */
static int language_pages(site *s, char err[POD_ERRLEN]) {
  int rc;
  if ((rc = page_overview(s, err)) || (rc = pages_course(s, err)) ||
      (rc = compare_pages(s, err)) || (rc = pareto_pages(s, err)) ||
      (rc = each_page(s, store_each_leaderboard, page_board, err)) ||
      (rc = each_page(s, store_each_run, page_run, err)) ||
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

int render_site(store_db *db, const render_opts *opts, render_stats *stats,
                char err[POD_ERRLEN]) {
  site s;
  char builtin[4096], assets[4096], i18n_dir[4096], key[65];
  const char *dirs[2];
  pod_buf keyed = POD_BUF_INIT;
  const char *langs = opts->langs                                ? opts->langs
                      : opts->project && opts->project->languages ? opts->project->languages
                                                                  : RENDER_LANGUAGES;
  int n_dirs = 0, rc;
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
  /* the project's pairs are part of what the site is made of */
  pod_buf_adds(&keyed, langs);
  for (size_t i = 0; opts->project && i < opts->project->n_pairs; i++)
    pod_buf_printf(&keyed, "\npair %s\t%s\t%s", opts->project->pairs[i].baseline,
                   opts->project->pairs[i].optimized,
                   opts->project->pairs[i].dataset ? opts->project->pairs[i].dataset : "");
  rc = render_state_key(db, dirs, n_dirs, assets, opts->content_dir, i18n_dir,
                        pod_buf_str(&keyed), key, err);
  pod_buf_free(&keyed);
  if (rc) return rc;
  if (render_out_current(opts->out_dir, key, &stats->pages)) {
    stats->unchanged = stats->skipped = 1;   /* nothing it is made of changed */
    return POD_OK;
  }
  if ((rc = open_languages(&s, opts->share_dir, langs, err))) goto done;
  if ((rc = render_sandbox_new(dirs, n_dirs, &s.sb, err))) goto done;
  s.L = render_sandbox_state(s.sb);
  if ((rc = render_out_open(opts->out_dir, opts->db_path, key, &s.out, err)))
    goto done;
  s.lang = render_i18n_lang(s.i18n[0]);
  s.project = opts->project;
  if ((rc = render_out_copy(s.out, assets, "assets", err)) == POD_OK &&
      (rc = find_pairs(&s, err)) == POD_OK)
    rc = find_paretos(&s, err);
  for (int k = 0; rc == POD_OK && k < s.n_langs; k++) {
    s.lang = render_i18n_lang(s.i18n[k]);
    render_sandbox_language(s.sb, s.i18n[k]);
    if ((rc = course_load_language(&s, opts->content_dir, err))) break;
    if (k == 0) rc = page_chooser(&s, err);
    if (rc == POD_OK) rc = language_pages(&s, err);
  }
  if (rc == POD_OK) rc = render_downloads(db, s.out, err);
  if (rc) {
    render_out_abort(s.out);
    goto done;
  }
  rc = render_out_commit(s.out, stats, err);
done:
  for (size_t i = 0; i < s.n_pairs; i++) render_compare_free(s.cmps[i]);
  render_compare_pairs_free(s.pairs, s.n_pairs);
  free(s.cmps);
  render_pareto_free(s.pareto);
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
    snprintf(out, 4096, tries[i], exe);
    snprintf(probe, sizeof probe, "%s/templates/layout.html", out);
    if (pod_exists(probe)) return POD_OK;
  }
  return pod_err(err, POD_EIO, "cannot find podium's templates next to %s "
                 "(set PODIUM_SHARE to the folder holding templates/)", exe);
}
