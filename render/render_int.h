/*
** render/render_int.h -- what the render/ files share.
*/
#ifndef PODIUM_RENDER_INT_H
#define PODIUM_RENDER_INT_H

#include <lua.h>
#include "render/render.h"

/* The Lua state of a sandbox, to push page data onto. */
lua_State *render_sandbox_state(render_sandbox *sb);
/* 1 when the last render_sandbox_page went over the memory limit. */
int render_sandbox_out_of_memory(const render_sandbox *sb);
/* Between pages: collects the state's garbage when it holds much. */
void render_sandbox_trim(render_sandbox *sb);
/* Renders template `name` with the table on top of the stack as its data
** (popped). root is the relative path from the page to the site root
** ("../../"), used by link(). Each call starts a page: the chart ids it
** used (RENDER_CHART_IDS, a Lua registry table of svg_lua.c) are
** forgotten. The output is out's, its block the template's own (not a
** copy: a list of 1,000 rows is half a megabyte). */
#define RENDER_CHART_IDS "podium.chart_ids"
int render_sandbox_page(render_sandbox *sb, const char *name,
                        const char *root, pod_buf *out, char err[POD_ERRLEN]);

/* Adds chart_lines, chart_bars and chart_scatter (svg_lua.c). */
void render_svg_register(lua_State *L);

/* Sets field "files" of the table on top: the board's CSV, JSON and
** Markdown report as report.c writes them (from the site's root). */
void render_push_board_files(lua_State *L, const char *scope,
                             const char *metric);
/* Adds _esc, _url, raw and escape, and raw()'s metatable (escape.c). */
void render_escape_register(lua_State *L);
/* Pushes _w and _nb, the output functions compiled templates get as
** their chunk's first arguments (template.c, escape.c; sandbox.c adds
** _inc, the in-place include). */
void render_push_writers(lua_State *L);
/* _w as a C function: _w(buffer, text, value, ...) (escape.c). */
int render_l_w(lua_State *L);
/* The text of the output buffer at idx (what a compiled template
** returns), or NULL when idx is none. */
const char *render_out_text(lua_State *L, int idx, size_t *n);
/* Adds n bytes of s to that buffer as they are. */
void render_out_append(lua_State *L, int idx, const char *s, size_t n);
/* Cuts that buffer's text back to its first len bytes. */
void render_out_truncate(lua_State *L, int idx, size_t len);
/* Empties that buffer, its text taken: its memory serves the next. */
void render_out_release(lua_State *L, int idx);
/* Empties that buffer, its block given to the caller (NULL when it has
** none): *len bytes of text in a block of *cap from the state's
** allocator, which the caller frees with free() and no longer counts
** (render_sandbox_page). */
char *render_out_take(lua_State *L, int idx, size_t *len, size_t *cap);
/* raw(s): s marked as HTML, not to be escaped again (escape.c). */
int render_l_raw(lua_State *L);
/* The key kept() keeps the output of template name under (row_keep.h),
** for a page in lang whose root is root ("../../"), given key k: into
** key (appended). A page builder asks row_keep_get with it whether a
** row will be taken as kept, and then needs not give its data. */
void render_kept_key(pod_buf *key, const char *name, const char *lang,
                     const char *root, const char *k);

/* Adds overfit{} (overfit_lua.c). */
void render_overfit_register(lua_State *L);
/* Pushes what overfit{} returns for these points (epochs sorted; nil
** without validation points), in the page language; aligned: room for
** nv doubles. For page data made in C (a run's curves, judged on every
** point however few a chart draws). */
void render_push_overfit(lua_State *L, const double *te, const double *tv,
                         size_t nt, const double *ve, const double *vv,
                         size_t nv, int direction, int k, double *aligned);

/* The language of the page being rendered, from inside a helper (NULL
** when none was set). */
struct render_i18n *render_sandbox_digits(lua_State *L);

/* Pushes the C-made text of message key (a key in render_i18n_c_keys)
** in the page language, noting a fallback to English so the page shows
** its notice; `english` (already formatted) when no language is set or
** the key is missing, or nil when english is NULL. */
struct render_i18n_arg;
void render_sandbox_msg(lua_State *L, const char *key,
                        const struct render_i18n_arg *args, int n_args,
                        const char *english);

/* Appends the axis point of a value in the page language: "batch 8, seq
** 128, validation" (batch, seq < 0 and split NULL: not an axis). The one
** place it is made (fmt.c): pareto.c's column names and templates'
** point_label. */
void render_point_text(lua_State *L, pod_buf *out, int64_t batch,
                       int64_t seq, const char *split);
int render_l_point_label(lua_State *L);   /* point_label(r), fmt.c */
int render_l_digits(lua_State *L);        /* digits(s), fmt.c */
int render_l_method_text(lua_State *L);   /* method_text(m), fmt.c */
/* The page language a template runs in (NULL: none). */
struct render_i18n *render_sandbox_i18n(lua_State *L);

/* Pushes a name podium gives in English (a split, a role) in the page
** language: message PREFIX.s, else s itself ("" for NULL); what
** split_name() and role_name() give templates. */
void render_push_named(lua_State *L, const char *prefix, const char *s);

/* Pushes a value templates output without escaping. */
void render_push_raw(lua_State *L, const char *s, size_t n);

/* The incremental render's manifest (incr.c): bookkeeping like the
** marker, so neither counted as a file nor as a change. */
#define RENDER_MANIFEST ".podium-pages"
/* The boards' rows kept for the next render (board_keep.c): the same. */
#define RENDER_BOARDS ".podium-boards"
/* Where each run's rows are in data/measurements.* (download_keep.c). */
#define RENDER_DOWNLOADS ".podium-downloads"
/* The rows study tables read of each run (run_keep.c). */
#define RENDER_VALUES ".podium-values"
#define RENDER_BOOKKEEPING(name)                                           \
  (!strcmp((name), RENDER_MANIFEST) || !strcmp((name), RENDER_BOARDS) ||   \
   !strcmp((name), RENDER_DOWNLOADS) || !strcmp((name), RENDER_VALUES))

/* The output tree (output.c): a temporary folder swapped into place. */
typedef struct render_out render_out;
/* 1 when target is a site rendered with this key that still holds all its
** files (their count in *out_files); never for an empty key. */
int render_out_current(const char *target, const char *key, long *out_files);
/* Removes TARGET.tmp-PID trees of killed renders (our marker in them, no
** such process) and returns how many; render_out_open does it too. */
int render_out_sweep(const char *target);
/* Opens opts->out_dir; refuses one that holds what podium did not write
** (opts: db_path, project, content_dir, templates_dir). key: the render
** key to record in the marker ("" records none). */
int render_out_open(const render_opts *opts, const char *key,
                    render_out **out, char err[POD_ERRLEN]);
int render_out_write(render_out *o, const char *rel, const void *data,
                     size_t n, char err[POD_ERRLEN]);
/* Bytes of a download (data/runs.*, data/measurements.*) held before a
** part is written (render_out_part); tests lower it. */
extern size_t render_download_part;
/* Room for a whole part in b once it holds 16 KB: a part grown from 64
** bytes by doubling was 13 copies of it, and twice its memory. */
void render_part_room(pod_buf *b);
/* A file too big to hold in memory (the downloads of a large registry),
** written in parts in order: first creates it, last counts it. */
int render_out_part(render_out *o, const char *rel, const void *data,
                    size_t n, int first, int last, char err[POD_ERRLEN]);
/* A middle part of rel: bytes [at, at + n) of the live site's file at
** the same path (copied by the kernel, not read into memory). */
int render_out_part_copy(render_out *o, const char *rel, uint64_t at,
                         uint64_t n, char err[POD_ERRLEN]);
/* The first part of rel: bytes [0, n) of the live site's file at the
** same path. Updating a standby (output.c), whose file there is `was`
** bytes long and begins with `same` bytes of the live file's (the two
** renders' indexes say so: download_keep.c), that file is cut to those
** and only the rest is copied, unless another path links it (the live
** site's) or its size is not `was` (a download of 60 MB that grows at
** its end is not copied whole after each new run). */
int render_out_part_prefix(render_out *o, const char *rel, uint64_t n,
                           uint64_t same, uint64_t was, char err[POD_ERRLEN]);
/* The tree being updated when it is a standby (its files are the render
** before the live one's until written), else NULL. */
const char *render_out_standby(const render_out *o);
/* render_out_part of b's bytes, taking b's block instead of copying it
** (the writer frees it); b is left empty, ready for the next part. */
int render_out_part_take(render_out *o, const char *rel, pod_buf *b,
                         int first, int last, char err[POD_ERRLEN]);
/* rel as the live site has it (a hard link, else a copy): a page whose
** fingerprint did not change (incr.c). The caller checked it is there
** (render_out_live). Counted as written and unchanged. */
int render_out_reuse(render_out *o, const char *rel, char err[POD_ERRLEN]);
/* 1 when the live site has a file rel (given that the caller's manifest
** lists it: below the top, when no folder's time changed since the
** marker, without looking). */
int render_out_live(render_out *o, const char *rel);
/* The live site's folder (resolved; it may not exist yet). */
const char *render_out_target(const render_out *o);
int render_out_copy(render_out *o, const char *src_dir, const char *rel_dir,
                    char err[POD_ERRLEN]);
/* An incremental render (in read the live site's manifest) updates the
** tree the live site replaced, kept beside it, instead of filling an
** empty one: call before anything is written. A standby of no use
** (another base key, files added or removed in it) is removed. */
struct render_incr;
int render_out_use_standby(render_out *o, struct render_incr *in,
                           char err[POD_ERRLEN]);
/* Swaps the new tree in when anything differs; frees o either way. */
int render_out_commit(render_out *o, render_stats *stats,
                      char err[POD_ERRLEN]);
void render_out_abort(render_out *o);   /* removes the temporary tree */

/* The render key (state.c): a SHA-256 of the podium binary, the
** registry's state rows (snap: their digest from store_read_begin, or
** NULL: read them), the template folders, assets, content and the
** project file's settings (project may be NULL); key is
** "" when the binary cannot be read (then every render renders). */
int render_state_key(store_db *db, const char *const *dirs, int n_dirs,
                     const char *assets, const char *content_dir,
                     const char *i18n_dir, const char *langs,
                     const pod_project *project, const char *snap,
                     char key[65], char err[POD_ERRLEN]);
/* Adds a row to the SHA-256 at ud (a pod_sha256 *) as typed bytes. */
int render_state_hash_row(const store_row *row, void *ud);
/* The same key without the registry's rows but its metrics: what every
** page depends on beside its own rows (incr.c). */
int render_state_base_key(store_db *db, const char *const *dirs, int n_dirs,
                          const char *assets, const char *content_dir,
                          const char *i18n_dir, const char *langs,
                          const pod_project *project, char key[65],
                          char err[POD_ERRLEN]);

/* A GFM table cell: Markdown punctuation escaped, no line breaks
** (report.c; compare reports use it too). */
void render_md_cell(pod_buf *out, const char *s);

/* The primary metric of each scope (primary.c has the default rule):
** one board per scope, in scope order. Owned: free with
** render_primary_free. POD_EINPUT when the project file names, for one
** scope, a metric it has no leaderboard of. */
typedef struct render_primary {
  char *scope, *metric, *unit;
  int64_t metric_id;
  int direction;
} render_primary;
/* store_each_leaderboard, less the boards of metrics that are no results
** (analysis_is_result; the project file's "boards" adds some back). */
int render_each_board(store_db *db, const pod_project *project,
                      store_row_fn fn, void *ud, char err[POD_ERRLEN]);
int render_primary_list(store_db *db, const pod_project *project,
                        render_primary **out, size_t *out_n,
                        char err[POD_ERRLEN]);
void render_primary_free(render_primary *p, size_t n);
/* The primary metric's name of scope, or NULL. */
const char *render_primary_metric(const render_primary *p, size_t n,
                                  const char *scope);
/* A model's label, "model (variant)", and its page "<lang>/models/<slug>
** .html" (study_pages.c). */
void render_model_label(pod_buf *out, const char *model, const char *variant);
void render_model_href(pod_buf *out, const char *lang, const char *model,
                       const char *variant);
/* The entry when (scope, metric_id) is its scope's primary board, else
** NULL. Borrowed from p. */
const render_primary *render_primary_of(const render_primary *p, size_t n,
                                        const char *scope, int64_t metric_id);
/* The cost columns of a primary ranking, in store_each_primary_entry's
** order, with their SI units. */
typedef struct render_cost {
  const char *metric, *unit;
} render_cost;
#define RENDER_N_COSTS 6
extern const render_cost render_costs[RENDER_N_COSTS];

/* The ranked rows of leaderboard (scope, metric_id): a scope's primary
** board's from store_each_primary_entry (with the cost columns), any
** other's from store_each_leaderboard_entry; asked of the store once per
** render and kept in *cache (start with NULL), since the pages of every
** language and the downloads walk the same rows (primary.c). *out is
** borrowed from the cache until the next call that asks for another
** board (which may release older boards: the cache keeps about
** render_board_rows_kept rows, so a 100,000-run registry's boards are
** asked again rather than all held); render_board_rows_free releases
** all. keep (may be NULL): the boards kept by the last render; every
** thread takes from it, main notes every board it reads for the next
** render, a worker (worker set) none (board_keep.h). *live (may be
** NULL): 1 when the rows are the live site's (kept with none of the
** board's runs changed, or patched and found the same), so are the
** files made of them. */
extern size_t render_board_rows_kept;
typedef struct render_board_rows render_board_rows;
typedef struct board_keep board_keep;   /* board_keep.h */
int render_board_rows_get(render_board_rows **cache, board_keep *keep,
                          int worker, store_db *db,
                          const render_primary *prim, size_t n_prim,
                          const char *scope, int64_t metric_id,
                          const store_rows **out, int *live,
                          char err[POD_ERRLEN]);
void render_board_rows_free(render_board_rows *cache);

/* data/runs and data/measurements as CSV and JSON, whole registry
** (render_download_tables: main's or a worker's, whichever thread claims
** it first); data/leaderboards/ and reports/ (one Markdown report per
** leaderboard) (render_board_downloads: whichever thread claims them
** first, site_board_downloads; from the rows render_board_rows_get
** keeps in boards, a worker's when worker is set). A scope's primary board (project
** may be NULL: the defaults) carries the cost columns (report.c). */
typedef struct render_incr render_incr;   /* incr.h */
int render_download_tables(store_db *db, render_out *out,
                           const render_incr *incr, char err[POD_ERRLEN]);
/* data/measurements.csv and .json (download_keep.c): each run's rows
** as the live site's files have them when none of them changed (incr
** may be NULL: every row from the registry). */
int render_measurements_download(store_db *db, render_out *out,
                                 const render_incr *incr,
                                 char err[POD_ERRLEN]);
/* A row of a download: its CSV header line, and the row as a CSV line
** and a JSON object (report.c). */
void render_csv_header(const store_row *row, pod_buf *csv);
void render_csv_json_row(const store_row *row, pod_buf *csv, pod_buf *json);
int render_board_downloads(store_db *db, const pod_project *project,
                           render_board_rows **boards, board_keep *keep,
                           int worker, render_out *out,
                           char err[POD_ERRLEN]);

/* Pareto pages (pareto.c): per dataset of the study, its table's
** quality column against each cost column, a point per model. Owned,
** free with render_pareto_free (the tables stay). render_pareto_each pushes, for each scope
** with a chart, the list of charts (each {quality, quality_unit,
** quality_better, quality_point, cost, cost_unit, cost_point, points =
** {{x, y, label, href = model page}}}) and calls page, which pops it;
** page's nonzero return stops the walk and is returned. */
typedef struct render_pareto render_pareto;
/* tables[0..n): the study tables of the datasets, borrowed (they must
** outlive *out). */
void render_pareto_new(analysis_table *const *tables, size_t n,
                       render_pareto **out);
void render_pareto_free(render_pareto *p);   /* NULL is fine */
int render_pareto_each(const render_pareto *p, lua_State *L, const char *lang,
                       int (*page)(void *ud, const char *scope), void *ud);

/* t[k] = v on the table on top of L, unless v is NaN / NULL
** (compare_lua.c). */
void render_set_num(lua_State *L, const char *k, double v);
void render_set_str(lua_State *L, const char *k, const char *v);
/* Pushes a comparison as a Lua table (compare_lua.c; docs/TEMPLATES.md,
** compare_table.html). */
void render_compare_push(lua_State *L, const analysis_cmp *c, const char *lang);

#endif
