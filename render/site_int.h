/*
** render/site_int.h -- what the page builders share: the render's state
** (site), writing a page through layout.html, and the page families
** that live in their own files (study_pages.c: comparisons, study
** tables, model pages). Not for other modules.
**
** Owns: a site owns everything it points at except db, project and out's
** target; render_site (site.c) creates and frees it.
*/
#ifndef PODIUM_SITE_INT_H
#define PODIUM_SITE_INT_H

#include "render/render_int.h"
#include "render/i18n.h"

#include <stdatomic.h>

#define RUN_CHUNK 16    /* runs claimed at a time: small enough to balance */
#define MAX_JOBS 64

#define MODEL_CHUNK 16  /* model pages claimed at a time */

/* The pages being shared out: the next chunk of runs not yet claimed (a
** thread renders its runs in every language), the next study job
** (study_job); stop: a thread failed, the others give up. */
typedef struct run_share {
  atomic_long next;
  atomic_long next_job;
  atomic_int stop;
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
  run_share *share;  /* NULL: this thread renders every run page */
  int lang_k;        /* index of lang in i18n */
  long run_index, chunk_start, chunk_end;   /* this thread's claim */
  int stopped;       /* gave up because another thread failed */
} site;

/* Pops the data table on top of s->L, renders template with it inside
** layout.html and writes it to rel (site.c). */
int site_write_page(site *s, const char *rel, const char *template,
                    char err[POD_ERRLEN]);
void site_set_title(lua_State *L, const char *title);

/* Rows a list page holds at most (the run list, an environment's runs,
** a leaderboard, a study table): a 60,000-run list on one page overran
** the template memory limit (issue 17), and 1,000 rows stay under 1 MB. */
#define LIST_ROWS 1000

/* The path of page k (from 1) of a list whose first page is
** <base>.html: <base>.html, then <base>.p2.html... (slugs never hold a
** dot, so no other page is named so). */
void site_list_page_path(pod_buf *out, const char *base, long k);
/* Sets data.pager = {page, pages, first, prev, next, last} (hrefs from
** the site root; prev and next nil at the ends) on the table on top. */
void site_push_pager(lua_State *L, const char *base, long page, long pages);

/* Makes language k of s->i18n the one being written (site.c). */
void site_use_language(site *s, int k);

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

#endif
