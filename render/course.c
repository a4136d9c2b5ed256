/*
** render/course.c -- course pages: content/<lang>/NAME.md through cmark-gfm
** (markdown.c) to <lang>/<page>.html, index.md onto the overview, the
** default language's page where a language has none; and their
** shortcodes, {{< leaderboard NAME >}} and {{< compare A B [DATASET] >}}.
**
** Owns: s->pages and s->intro, the pages of the language being written,
** replaced by site_course_load and freed by site_course_free.
*/
#include "render/site_int.h"
#include "core/fs.h"
#include "core/text.h"
#include "render/i18n.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    site_push_row(s->L, row);
    pod_buf_printf(&href, "%s/", s->lang);
    site_board_path(&href, scope, metric);
    lua_pushstring(s->L, href.data);
    lua_setfield(s->L, -2, "href");
    rc = site_push_groups(s, scope, store_row_int(row, "metric_id", 0), -1, 0, 0,
                          0, -1, f->err);
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
    if (store_run_ids(s->db, words[k], &ids[k], &n_ids[k], err))
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

#define COURSE_MAX_CELLS 10000   /* '|' on one line */

/* A course page is UTF-8 text, as the pages it becomes (a Latin-1 file
** put its bytes into UTF-8 HTML), without NUL, DEL or C0 controls but
** tab, line ends and form feed (not allowed in HTML): refused where
** found, as ingest does. */
static int course_text(const char *path, const pod_buf *text,
                       char err[POD_ERRLEN]) {
  const unsigned char *p = (const unsigned char *)pod_buf_str(text);
  size_t ok = pod_utf8_valid_prefix(p, text->len), pipes = 0;
  long line, col;
  for (size_t i = 0; i < ok; i++) {
    if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' &&
         p[i] != '\f') || p[i] == 0x7f) {
      pod_line_col((const char *)p, i, &line, &col);
      return pod_err_at(err, POD_EINPUT, path, line, col, "found control "
                        "character 0x%02x, expected text", p[i]);
    }
    /* cmark-gfm 0.29 leaks a table row of over 65,535 cells */
    pipes = p[i] == '\n' || p[i] == '\r' ? 0 : pipes + (p[i] == '|');
    if (pipes > COURSE_MAX_CELLS) {
      pod_line_col((const char *)p, i, &line, &col);
      return pod_err_at(err, POD_EINPUT, path, line, col, "found a table "
                        "row of over %d cells, expected at most %d",
                        COURSE_MAX_CELLS, COURSE_MAX_CELLS);
    }
  }
  if (ok == text->len) return POD_OK;
  pod_line_col((const char *)p, ok, &line, &col);
  return pod_err_at(err, POD_EINPUT, path, line, col, "found byte 0x%02x "
                    "that is not UTF-8, expected UTF-8 text", p[ok]);
}

static int course_add(site *s, const char *path, char *base, int fallback,
                      char err[POD_ERRLEN]) {
  pod_buf text = POD_BUF_INIT, html = POD_BUF_INIT, title = POD_BUF_INIT,
          slug = POD_BUF_INIT;
  int rc;
  if ((rc = pod_file_read(path, &text, err)) ||
      (rc = course_text(path, &text, err)) ||
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

/* The course pages of the language being written: its own, then the
** default language's for pages it lacks (shown with a notice). */
int site_course_load(site *s, const char *content_dir,
                     char err[POD_ERRLEN]) {
  const char *dflt = render_i18n_lang(s->i18n[0]);
  int rc;
  site_course_free(s);
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
  site_push_content_lang(s, p->fallback);
  pod_buf_printf(&rel, "%s/%s.html", s->lang, p->slug);
  rc = site_write_page(s, rel.data, "page.html", err);
  pod_buf_free(&rel);
  return rc;
}

int site_course_pages(site *s, char err[POD_ERRLEN]) {
  int rc = POD_OK;
  for (size_t i = 0; i < s->n_pages && rc == POD_OK; i++)
    rc = page_course(s, &s->pages[i], err);
  return rc;
}

void site_course_free(site *s) {
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
