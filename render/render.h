/*
** render/render.h -- turns the registry into the static site.
**
** render_site asks store/ for data, runs the Lua templates (built-in ones
** from templates/, or a user's --templates folder that overrides them
** file by file), and writes the tree into a temporary folder beside the
** target that is swapped into place at the end: a failed render leaves
** the previous site as it was.
** Owns: render_site keeps nothing after it returns; what the other calls
** hand out is the caller's: a sandbox (render_sandbox_free), text in the
** caller's pod_buf (reports, Markdown, slugs, compiled templates).
** Errors: POD_ETEMPLATE
** ("name.html:LINE: message"), POD_EIO, POD_EDB, POD_EINPUT (a target
** podium refuses to replace).
*/
#ifndef PODIUM_RENDER_H
#define PODIUM_RENDER_H

#include "analysis/analysis.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/project.h"
#include "store/store.h"

typedef struct render_opts {
  const char *out_dir;        /* "_site" */
  const char *templates_dir;  /* user overrides, may be NULL */
  const char *share_dir;      /* holds templates/ and site/ */
  const char *db_path;        /* the registry: never rendered over */
  const char *langs;          /* "en,fa": languages, the first the default;
                              ** NULL: RENDER_LANGUAGES */
  const char *content_dir;    /* course pages in DIR/<lang>/ as .md files, or NULL */
  const pod_project *project; /* the project file's settings, may be NULL */
  int jobs;                   /* threads rendering run pages; 0: PODIUM_JOBS,
                              ** else the online CPUs (at most 8) when the
                              ** registry has enough runs to pay for them */
  size_t template_memory;     /* bytes a page's data and template may use in
                              ** each Lua sandbox; 0: 256 MB */
} render_opts;

#define RENDER_LANGUAGES "en,fa,ar,te,ha"

typedef struct render_stats {
  long pages;      /* files in the new site */
  long changed;    /* files that differ from the previous site */
  long reused;     /* pages taken from the previous site unrendered
                   ** (their fingerprints did not change: render/incr.c) */
  long kept;       /* of those, files the tree updated held already (the
                   ** standby: render/output.c), neither linked nor copied */
  int unchanged;   /* 1: nothing differed, the old site was kept */
  int skipped;     /* 1: the render key matched, nothing was rendered */
  int stale;       /* temporary trees of killed renders removed */
  long carried;    /* entries a user put at the site's top, kept (output.c) */
  char carried_names[200];   /* theirs, "CNAME, robots.txt" (may be cut) */
} render_stats;

int render_site(store_db *db, const render_opts *opts, render_stats *out,
                char err[POD_ERRLEN]);

/* ---- formatting, shared with the CLI --------------------------------- */
/* A value in a metric's SI unit as people read it, in a language's
** digits (i18n.h; NULL: ASCII, which is core/text.h's pod_fmt_value):
** 0.0720 "s" gives "72.0 ms". */
struct render_i18n;
void render_fmt_value_in(pod_buf *out, double v, const char *unit,
                         struct render_i18n *i18n);

/* ---- the sandbox, exposed for tests ----------------------------------- */
typedef struct render_sandbox render_sandbox;

/* dirs: folders searched in order for template files (user's first). */
int render_sandbox_new(const char *const *dirs, int n_dirs,
                       render_sandbox **out, char err[POD_ERRLEN]);
void render_sandbox_free(render_sandbox *sb);
/* Limits for one template call (0 keeps the default). */
void render_sandbox_limits(render_sandbox *sb, long instructions,
                           size_t memory_bytes);
/* Renders a template given as text, with a Lua table built from the
** JSON-free key=value pairs kv[0..n) (strings) as its data; for tests. */
int render_sandbox_eval(render_sandbox *sb, const char *name,
                        const char *text, const char *const *kv, int n_kv,
                        pod_buf *out, char err[POD_ERRLEN]);

/* The language t() and fmt() use from now on (borrowed; NULL: none). */
void render_sandbox_language(render_sandbox *sb, struct render_i18n *i18n);
/* 1 when t() fell back to English since the last reset. */
int render_sandbox_fallback(render_sandbox *sb, int reset);
/* The rows kept between renders kept() takes and adds to (row_keep.h;
** borrowed; NULL: kept() is include()). */
struct row_keep;
void render_sandbox_keep_rows(render_sandbox *sb, struct row_keep *rows);

/* Compiles template text into Lua source whose line numbers match the
** template's (template.c). */
int render_template_compile(const char *name, const char *text, size_t n,
                            pod_buf *lua, char err[POD_ERRLEN]);

/* A file-name-safe slug: lower-case ASCII letters, digits, _ and -, no
** "..", never empty; names that had to change get a short hash so two
** different names never share a slug. */
void render_slug(pod_buf *out, const char *name);

/* A leaderboard's name, used for its page, report and downloads:
** "<scope slug>--<metric slug>" ("all" for the empty scope). */
void render_board_name(pod_buf *out, const char *scope, const char *metric);
/* A 64-bit hash (FNV-1a) of a whole string: grouping rows by a name of
** any length without keeping a copy (split names in boards, reports). */
uint64_t render_text_hash(const char *s);

/* ---- course pages (markdown.c) --------------------------------------- */
/* Turns a shortcode ({{< kind args >}} alone in a paragraph) into HTML
** appended to html; on failure writes a message without location to err
** (render_markdown adds "name:LINE: "). */
typedef int (*render_shortcode_fn)(void *ud, const char *kind,
                                   const char *args, pod_buf *html,
                                   char err[POD_ERRLEN]);
/* CommonMark with GFM tables, strikethrough and autolinks to HTML,
** appended to html; raw HTML is omitted and javascript: links lose their
** URL. title (may be NULL) gets the text of the first heading. fn may be
** NULL (shortcodes stay text). Errors: only what fn returns, located
** "name:LINE: ". */
int render_markdown(const char *name, const char *text, size_t n,
                    render_shortcode_fn fn, void *ud, pod_buf *html,
                    pod_buf *title, char err[POD_ERRLEN]);

/* ---- reports and downloads (report.c) --------------------------------- */
/* The Markdown report (GFM tables) of the leaderboard called name
** (render_board_name); POD_EINPUT naming the known ones when none is.
** A scope's primary board (project: its primary_metrics, may be NULL)
** has the runs' time, memory, energy and emissions beside the ranking. */
int render_report(store_db *db, const pod_project *project, const char *name,
                  pod_buf *out, char err[POD_ERRLEN]);
/* A CSV cell: quoted when needed, and a text starting with = + - @ tab or
** CR gets a leading ' so spreadsheets do not run it as a formula (plain
** numbers stay as they are). */
void render_csv_cell(pod_buf *out, const char *s);

#endif
