/*
** render/site_int.h -- what the page builders share: the render's state
** (site), store rows as Lua tables, writing a page through layout.html,
** and the page families, each in its own file: pages.c (overview, lists,
** boards, environments, Pareto), runs.c (run pages), course.c (course
** pages), study_pages.c (comparisons, study tables, model pages),
** jobs.c (render threads), site.c (the driver). Not for other modules.
**
** Owns: a site owns everything it points at except db, project and out's
** target; render_site (site.c) creates and frees main's, each worker
** (jobs.c) its own.
*/
#ifndef PODIUM_SITE_INT_H
#define PODIUM_SITE_INT_H

#include "render/render_int.h"
#include "render/i18n.h"
#include "render/incr.h"

#include <pthread.h>
#include <stdatomic.h>

#define RUN_CHUNK 16    /* runs claimed at a time: small enough to balance */
#define MAX_JOBS 64

#define MODEL_CHUNK 16  /* model pages claimed at a time */

/* The pages being shared out: the next chunk of runs not yet claimed (a
** thread renders its runs in every language), the next study job
** (study_job), the next language; n_runs: when a claim starts past them,
** every run is someone's and the walk stops; tables: the whole-registry
** downloads are claimed (by a worker as it starts, else by main after
** its language pages); board_files: the boards' downloads are claimed
** (site_board_downloads); stop: a thread failed, the others give up.
** Workers start before main has found the study: they render downloads
** and run pages, then wait for it (study_ready, under lock) before
** languages and study pages. */
typedef struct run_share {
  atomic_long next;
  atomic_long next_job;
  atomic_int tables;
  atomic_int board_files;
  atomic_int next_lang;   /* the next language to claim (0 is main's) */
  atomic_int stop;
  long n_runs;       /* the runs the walk gives: past them, all are claimed */
  pthread_mutex_t lock;
  pthread_cond_t cond;
  atomic_int study_ready;   /* main's study, primaries and Pareto pages
                            ** are found: set under lock, read without */
  const struct site *main;   /* what workers copy then (read only) */
  store_memos memos;         /* main's connection's, lent then */
} run_share;

/* One model (and variant): its units in the study's order (units[0] is
** the first), for its page. */
typedef struct model_ref {
  size_t *units;
  size_t n;
} model_ref;

/* A piece of the study's pages one thread renders in every language: a
** comparison page or models [first, end). */
enum { JOB_COMPARE, JOB_MODELS };
typedef struct study_job {
  int kind;
  size_t first, end;
} study_job;

/* A course page, rendered before the overview that lists it. */
typedef struct course_page {
  char *slug, *title, *html;
  int fallback;      /* the default language's page: this one has none */
} course_page;

/* A comparison page: one baseline model against one optimized model,
** a section (a comparison) per dataset they share. name: the page's
** file name, "<baseline slug>--<optimized slug>", unique. */
typedef struct cmp_page {
  char *name, *base_label, *opt_label;
  analysis_cmp **cmps;
  size_t n;
  int listed;        /* a project file pair's page: never shared */
} cmp_page;

/* A study table's row keys (site_study_row_keys), made once a render
** for every language: the first thread to need a page's makes them
** (each language made them all again: 2% of a render after one new run
** on a 10,000-model table). */
typedef struct study_keys {
  pthread_mutex_t lock;
  char (*keys)[RENDER_FP_LEN + 1];   /* the table's rows' (SITE_ROW_KEY_LEN) */
  unsigned char *made;               /* per page of LIST_ROWS rows */
} study_keys;

typedef struct site {
  store_db *db;
  render_sandbox *sb;
  lua_State *L;
  render_out *out;
  const char *lang;        /* the language being written */
  render_i18n **i18n;      /* every language of the site, default first */
  int n_langs;
  pod_buf body, page;
  analysis_study *study;   /* every model's evidence per dataset */
  analysis_table **tables; /* its study table per scope, in the order of
                           ** analysis_study_scopes; made once a render */
  size_t n_tables;
  study_keys *row_keys;    /* per table: main's, shared with workers */
  cmp_page *cmp_pages;     /* the comparisons that have rows */
  size_t n_cmp_pages;
  model_ref *models;       /* each model once, by its first unit */
  size_t n_models;
  const analysis_table_row **unit_row;  /* each unit's study table row */
  study_job *jobs;         /* the study's pages, in pieces */
  size_t n_jobs;
  const pod_project *project;  /* its pairs get pages too; may be NULL */
  render_pareto *pareto;
  char **pareto_scopes;     /* scopes with a Pareto page */
  size_t n_pareto;
  char err[POD_ERRLEN];     /* a page callback's message */
  course_page *pages;
  size_t n_pages;
  char *intro;       /* index.md's HTML, or NULL */
  int intro_fallback;  /* it is the default language's */
  render_primary *prim;     /* each scope's primary board */
  size_t n_prim;
  render_board_rows *boards;   /* each leaderboard's rows, asked once */
  size_t template_memory;  /* render_opts'; 0: the sandbox's default */
  run_share *share;  /* NULL: this thread renders every run page */
  int lang_k;        /* index of lang in i18n */
  long run_index, chunk_start, chunk_end;   /* this thread's claim */
  int stopped;       /* gave up because another thread failed */
  const render_incr *incr;  /* main's, read only: what may be reused */
  board_keep *keep;  /* main's: boards' rows kept between renders;
                     ** workers read them too (board_keep_take) */
  int worker;        /* a worker thread: notes no board */
  /* the digest of a study table's columns (site_model_fp, model by
  ** model: the last table's, hashed once) */
  const analysis_table *cols_of;
  unsigned char cols_md[32];
  int runs_until_study;   /* claims no more run pages once it is found */
  struct run_keep *values;  /* main's: runs' rows study tables read, kept */
  struct row_keep *rows;    /* main's: long tables' rows kept (kept()), any
                            ** thread's sandbox takes and adds */
  pod_buf manifest;  /* "<fingerprint> <path>\n" of this thread's pages */
  pod_buf manifest_all;  /* "<fingerprint> <rest>\n": its pages <lang>/<rest>
                         ** in every language (run and model pages) */
} site;

/* The way from page rel up to the site's root: "../" a folder. */
void site_page_root(pod_buf *root, const char *rel);
/* Pops the data table on top of s->L, renders template with it inside
** layout.html and writes it to rel (site.c). */
int site_write_page(site *s, const char *rel, const char *template,
                    char err[POD_ERRLEN]);
void site_set_title(lua_State *L, const char *title);

/* Rows a list page holds at most (the run list, an environment's runs,
** a leaderboard, a study table): a 60,000-run list on one page overran
** the template memory limit (issue 17), and 1,000 rows stay under 1 MB. */
#define LIST_ROWS 1000
#define OVERVIEW_MODELS 100   /* the overview's models; all on models.html */

/* The path of page k (from 1) of a list whose first page is
** <base>.html: <base>.html, then <base>.p2.html... (slugs never hold a
** dot, so no other page is named so). */
void site_list_page_path(pod_buf *out, const char *base, long k);
/* Page k (from 1, newest first) of a list numbered from its oldest end
** (the run list): <base>.html holds the newest rows, <base>.pJ.html the
** others, J = pages - k + 1 (pages.c). */
void site_list_page_path_rev(pod_buf *out, const char *base, long k,
                             long pages);
/* Sets data.pager = {page, pages, first, prev, next, last} (hrefs from
** the site root; prev and next nil at the ends) on the table on top. */
void site_push_pager(lua_State *L, const char *base, long page, long pages);

/* Makes language k of s->i18n the one being written (site.c). */
void site_use_language(site *s, int k);

/* ---- store rows as Lua tables (pages.c) ------------------------------ */

/* Kinds of rows, each with the links its pages need. */
enum { ROW_PLAIN, ROW_RUN, ROW_ENV, ROW_BOARD };

typedef struct row_sink {
  site *s;
  int kind;
  long limit;   /* 0: every row; else stop after this many (ROWS_ENOUGH) */
} row_sink;

/* A row callback's "stop here, all is well": not a POD_E* code. */
#define ROWS_ENOUGH (-2)

/* data[field] = array of rows from walk(db, ..., site_append_row). */
typedef int (*walk_fn)(store_db *, store_row_fn, void *, char *);
typedef int (*walk_id_fn)(store_db *, int64_t, store_row_fn, void *, char *);

/* A store walk whose callback renders pages: its error text in err. */
typedef struct board_walk {
  site *s;
  char err[POD_ERRLEN];
} board_walk;
typedef board_walk item_walk;

void site_push_row(lua_State *L, const store_row *row);
/* data[field] = "<lang>/<kind>/<id>.html" (kind: "runs", "envs") */
void site_set_href(lua_State *L, const char *field, const char *lang,
                   const char *kind, long long id);
/* The leaderboard page of (scope, metric), relative to the language. */
void site_board_path(pod_buf *out, const char *scope, const char *metric);
/* Appends the row (ud: a row_sink), as a table with its links, to the
** array on top of the stack. */
int site_append_row(const store_row *row, void *ud);
/* Pushes the row as a table (ud: a row_sink; for a query of one row). */
int site_take_first(const store_row *row, void *ud);
/* Pushes a board's groups of ranked entries (pages.c, push_groups),
** each with the key of its row (kept() in leaderboard_table.html):
** rows [from, to) only when to > 0 (a page of a long board); costs: the
** board's cost columns with a value (site_board_costs), or -1 to find. */
int site_push_groups(site *s, const char *scope, int64_t metric_id,
                     int board_idx, long limit, long from, long to,
                     long costs, char err[POD_ERRLEN]);
/* Bit i set: render_costs[i] has a value in some row of the board. */
unsigned site_board_costs(const store_rows *rows);
/* data.content_lang and content_dir of a course text (fallback: it is
** the default language's). */
void site_push_content_lang(site *s, int fallback);
/* ud of store_each_runs: its row's "runs" into the long at ud. */
int site_count_runs(const store_row *row, void *ud);

/* Notes page rel with fingerprint fp in s->manifest; 1 when the live
** site's page may be taken as it is (incr.c). s->incr must be set. */
int site_reusable(site *s, const char *rel, const char *fp);
/* A page in every language (run and model pages: "<lang>/" and rest),
** noted with fingerprint fp in s->manifest_all; taken as the live site
** has it when each language's is there with fp: then each is reused
** (the first failure in *rc) and 1 is returned; 0: render them. Paths
** made by hand: two printfs a language were 2% of a render after one
** new run. */
int site_reused_everywhere(site *s, const char *rest, const char *fp,
                           int *rc, char err[POD_ERRLEN]);
/* page_fp.c: a model page's fingerprint (s->models[mi]) and a
** leaderboard page's (its listing row and ranked rows). */
void site_model_fp(site *s, size_t mi, char fp[RENDER_FP_LEN + 1]);
/* Each page's of a leaderboard of pages pages: fp[0] the first; returns
** the board's cost columns with a value, as site_board_costs. */
unsigned site_board_fps(site *s, const store_row *row, const store_rows *rows,
                        long pages, char (*fp)[RENDER_FP_LEN + 1]);
/* A page of a long list (run list, an environment's runs, a study
** table): begun with its kind and place, then the caller hashes what it
** shows (site_fp_str, site_fp_num, render_state_hash_row, the study's
** rows and columns), then it is ended into fp. */
void site_list_fp_begin(pod_sha256 *h, const char *kind, long page,
                        long pages);
void site_list_fp_end(pod_sha256 *h, char fp[RENDER_FP_LEN + 1]);
void site_fp_str(pod_sha256 *h, const char *s);   /* NULL is fine */
void site_fp_num(pod_sha256 *h, double v);
void site_study_row_fp(pod_sha256 *h, const analysis_table *t,
                       const analysis_table_row *row);
void site_study_cols_fp(pod_sha256 *h, const analysis_table *t);
/* The key a row of a long table is kept under between renders (kept(),
** row_keep.h): a digest of what it shows. A study table's row with its
** table's columns; a leaderboard's ranked row but its rank (column
** rank_col, -1: none; a new entry ranked before it moves it, the same
** row), with the board's unit and cost columns shown. */
#define SITE_ROW_KEY_LEN RENDER_FP_LEN   /* ended as a page's (site_list_fp_end) */
void site_study_row_keys(const analysis_table *t, size_t from, size_t to,
                         char (*keys)[SITE_ROW_KEY_LEN + 1]);   /* rows [from, to) */
void site_board_row_key(const store_row *row, int rank_col, const char *unit,
                        unsigned costs, char key[SITE_ROW_KEY_LEN + 1]);

/* ---- the page families ------------------------------------------------ */

/* Runs a store walk whose callback (given a board_walk) renders pages. */
int site_each_page(site *s, walk_fn walk, store_row_fn fn,
                   char err[POD_ERRLEN]);
int site_page_chooser(site *s, char err[POD_ERRLEN]);      /* pages.c */
/* Every page of s->lang but the run, model and comparison pages. */
int site_language_pages(site *s, char err[POD_ERRLEN]);    /* pages.c */
/* The scopes with a Pareto page (s->pareto, s->pareto_scopes). */
int site_find_paretos(site *s);                            /* pages.c */
/* The run pages this thread claims, each in every language (runs.c). */
int site_run_pages(site *s, char err[POD_ERRLEN]);
/* course.c: the course pages of s->lang (its own, then the default
** language's it lacks) into s->pages and s->intro; their pages. */
int site_course_load(site *s, const char *content_dir, char err[POD_ERRLEN]);
int site_course_pages(site *s, char err[POD_ERRLEN]);
void site_course_free(site *s);
/* Opens the catalogs of the comma-separated languages (site.c). */
int site_open_languages(site *s, const char *share, const char *langs,
                        char err[POD_ERRLEN]);

/* ---- render threads (jobs.c) ------------------------------------------ */

/* Whether the next run of the walk is this thread's to render. */
/* site_take_run's "no run is left to claim" (or none for this thread
** now: runs_until_study): the walk stops there. */
#define RUNS_ALL_CLAIMED (-2)
int site_take_run(site *s, int *mine, char err[POD_ERRLEN]);
/* data/runs and data/measurements, unless another thread claimed them. */
int site_download_tables(site *s, char err[POD_ERRLEN]);
/* data/leaderboards/ and reports/, unless another thread claimed them. */
int site_board_downloads(site *s, char err[POD_ERRLEN]);
typedef struct worker {
  site s;            /* its own db, sandbox, catalogs and buffers */
  const store_db *main_db;   /* whose file the worker opens again */
  char snap[65];     /* main's state (store_read_begin's digest) */
  store_memos early; /* what main had read of it when the worker started */
  const char *share_dir, *langs, *content_dir, *const *dirs;
  int n_dirs;
  pthread_t thread;
  int started;       /* main's alone: the worker never touches it */
  int rc;            /* the worker's alone until it is joined */
  char err[POD_ERRLEN];
} worker;
/* How many threads render: opts->jobs, PODIUM_JOBS, else the CPUs. */
int site_jobs(store_db *db, const render_opts *opts);
/* What site_jobs may say, without asking the registry anything. */
int site_jobs_at_most(const store_db *db, const render_opts *opts);
/* Starts n - 1 workers, each on its own connection to main's state snap
** (a worker that reads another claims nothing): marked[i] the i-th's
** when not NULL, marked before main's read (store_read_mark), taken
** (set to NULL). */
void site_start_workers(site *s, worker *w, int n, store_db **marked,
                        const char *snap, const char *share_dir,
                        const char *langs, const char *content_dir,
                        const char *const *dirs, int n_dirs);
/* Main: its study is found (rc POD_OK) or never will be; wakes the
** workers waiting for it. Idempotent. */
void site_study_ready(site *s, int rc);
/* The language pages of the languages after the first (main writes the
** first, and the language chooser), each by the thread that claims it. */
int site_other_languages(site *s, const char *content_dir,
                         char err[POD_ERRLEN]);
/* Joins the workers: main's failure (rc), else the first worker's. Their
** manifests stay in w[i].s for main to write, then to free. */
int site_join_workers(site *s, worker *w, int n, int rc,
                      char err[POD_ERRLEN]);

/* study_pages.c: the study (s->study), its tables, comparisons, models
** and jobs, made once before any page by the main thread (workers borrow
** them, read only); study_pages renders the jobs this thread claims
** (every job when s->share is NULL), each in every language;
** study_tables the study table pages of s->lang (main thread); the
** overview's list of them pushed as a Lua list; released at the end. */
int study_find(site *s, char err[POD_ERRLEN]);
int study_pages(site *s, char err[POD_ERRLEN]);
int study_tables(site *s, char err[POD_ERRLEN]);   /* in s->lang */
void study_push_compares(site *s);
void study_free(site *s);
/* The study table of scope (s->tables), or NULL. */
const analysis_table *study_table_of(const site *s, const char *scope);

/* pages.c: pushes models [from, to) of the study as a list of {label,
** href}; and <lang>/models.html (models.p2.html, ...): every model,
** LIST_ROWS a page. */
void site_push_models(site *s, size_t from, size_t to);
int site_model_list(site *s, char err[POD_ERRLEN]);

#endif
