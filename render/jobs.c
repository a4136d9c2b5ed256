/*
** render/jobs.c -- render threads: how many (site_jobs), a registry
** connection per worker reading main's snapshot, the workers themselves
** (each with its own sandbox, catalogs and buffers, rendering the
** languages, run pages and study pages it claims, and the whole-registry
** downloads when it claims them first) and joining them; site_take_run
** is the claim of run chunks every thread makes as it walks the runs.
**
** Owns: each worker's site (connection, sandbox, catalogs, board rows,
** buffers), made and freed by the worker itself; main's study and
** output are borrowed, read only.
*/
#include "render/site_int.h"
#include "render/i18n.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether the next run of the walk is this thread's to render: claims the
** next free chunk when past its own. */
int site_take_run(site *s, int *mine, char err[POD_ERRLEN]) {
  long i = s->run_index++;
  *mine = 1;
  if (!s->share) return POD_OK;
  if (atomic_load(&s->share->stop)) {
    s->stopped = 1;
    return pod_err(err, POD_EINTERNAL, "stopped: another render thread "
                   "failed");
  }
  if (i >= s->chunk_end) {
    /* a worker goes to its language when the study is found: main
    ** claims the rest after its own */
    if (s->runs_until_study && atomic_load(&s->share->study_ready))
      return RUNS_ALL_CLAIMED;
    s->chunk_start = atomic_fetch_add(&s->share->next, 1) * RUN_CHUNK;
    s->chunk_end = s->chunk_start + RUN_CHUNK;
    /* every run is another thread's: the rest of the walk would only
    ** skip them (after one new run, the walks of every run were 10% of
    ** a render) */
    if (s->chunk_start >= s->share->n_runs) return RUNS_ALL_CLAIMED;
  }
  *mine = i >= s->chunk_start;
  return POD_OK;
}

/* The whole-registry downloads (render_download_tables), by the first
** thread to ask: a worker as it starts, so that they are written beside
** main's language pages (a quarter of a render after one new run was
** main's alone), else main after those pages. */
int site_download_tables(site *s, char err[POD_ERRLEN]) {
  if (s->share && atomic_exchange(&s->share->tables, 1)) return POD_OK;
  return render_download_tables(s->db, s->out, s->incr, err);
}

/* The boards' downloads and reports (render_board_downloads), by the
** first thread to ask: after one new run a worker before its run pages
** if main is still finding the study (the changed board's files were
** the last tenth of a 10,000-run render, main's alone), else main after
** its language pages. Either reads the boards through its own cache of
** rows, which its language's board pages read again. */
int site_board_downloads(site *s, char err[POD_ERRLEN]) {
  if (s->share && atomic_exchange(&s->share->board_files, 1)) return POD_OK;
  return render_board_downloads(s->db, s->project, &s->boards, s->keep,
                                s->worker, s->out, err);
}

/* The next language this thread writes after language k: the one after
** k without other threads, else the next none has claimed; n_langs when
** none is left. */
static int claim_language(site *s, int k) {
  if (!s->share) return k + 1;
  if (atomic_load(&s->share->stop)) return s->n_langs;
  return atomic_fetch_add(&s->share->next_lang, 1);
}

/* After one new run, main wrote every language's pages while the worker
** had only a few run pages to render: two languages took as long as two
** one-language renders. */
int site_other_languages(site *s, const char *content_dir,
                         char err[POD_ERRLEN]) {
  int k = 0, rc = POD_OK;
  while (rc == POD_OK && (k = claim_language(s, k)) < s->n_langs) {
    site_use_language(s, k);
    if ((rc = site_course_load(s, content_dir, err)) == POD_OK)
      rc = site_language_pages(s, err);
  }
  site_course_free(s);
  return rc;
}

void site_study_ready(site *s, int rc) {
  run_share *sh = s->share;
  if (!sh) return;
  pthread_mutex_lock(&sh->lock);
  if (!atomic_load(&sh->study_ready)) {
    atomic_store(&sh->study_ready, 1);
    if (rc) atomic_store(&sh->stop, 1);
    else store_read_lend(s->db, &sh->memos);
  }
  pthread_cond_broadcast(&sh->cond);
  pthread_mutex_unlock(&sh->lock);
}

/* Waits for main's study (site_study_ready), then takes it, read only:
** the worker renders its share of the languages and study pages. */
static int wait_study(site *s, char err[POD_ERRLEN]) {
  run_share *sh = s->share;
  const site *m;
  pthread_mutex_lock(&sh->lock);
  while (!atomic_load(&sh->study_ready)) pthread_cond_wait(&sh->cond, &sh->lock);
  pthread_mutex_unlock(&sh->lock);
  if (atomic_load(&sh->stop)) {
    s->stopped = 1;
    return pod_err(err, POD_EINTERNAL, "stopped: another render thread "
                   "failed");
  }
  m = sh->main;
  store_read_borrow(s->db, &sh->memos);
  s->study = m->study;
  s->tables = m->tables;
  s->n_tables = m->n_tables;
  s->row_keys = m->row_keys;
  s->cmp_pages = m->cmp_pages;
  s->n_cmp_pages = m->n_cmp_pages;
  s->models = m->models;
  s->n_models = m->n_models;
  s->unit_row = m->unit_row;
  s->jobs = m->jobs;
  s->n_jobs = m->n_jobs;
  s->prim = m->prim;
  s->n_prim = m->n_prim;
  s->pareto = m->pareto;
  s->pareto_scopes = m->pareto_scopes;
  s->n_pareto = m->n_pareto;
  return POD_OK;
}

/* The worker's connection, reading the state main reads (issue 15):
** main's read transaction began before the render key, so another state
** means a writer committed since; this worker then claims nothing and
** the others render. Each worker checks its own, beside main (on main,
** one after the other, they were a tenth of a render after one new run). */
static int join_snapshot(worker *w) {
  char err[POD_ERRLEN], d[65];
  if ((!w->s.db && store_reopen(w->main_db, &w->s.db, err) != POD_OK) ||
      (!store_read_join(w->s.db) &&
       (store_read_begin(w->s.db, 0, d, err) != POD_OK || strcmp(d, w->snap))))
    return 0;
  /* the same state: what main read of it before the worker started (each
  ** run's count of measurements, every run's row after one new run) is
  ** this worker's too, instead of ~25 ms of SQL before its downloads */
  store_read_borrow(w->s.db, &w->early);
  return 1;
}

static void *worker_main(void *ud) {
  worker *w = ud;
  site *s = &w->s;
  int rc;
  if (!join_snapshot(w)) {
    store_close(s->db);
    return NULL;   /* w->rc stays POD_OK */
  }
  if (render_incr_reusing(s->incr)) store_read_keep_runs(s->db);   /* as main */
  if ((rc = site_download_tables(s, w->err)) == POD_OK &&
      (rc = site_open_languages(s, w->share_dir, w->langs, w->err)) == POD_OK &&
      (rc = render_sandbox_new(w->dirs, w->n_dirs, &s->sb, w->err)) ==
          POD_OK) {
    render_sandbox_limits(s->sb, 0, s->template_memory);
    render_sandbox_keep_rows(s->sb, s->rows);
    s->L = render_sandbox_state(s->sb);
    /* the downloads (above) while main finds the study; then after one
    ** new run, a language beside main's first; in a full render, main
    ** writes every language: the run pages are work enough for the
    ** others, and two languages' big pages at once (boards of 10,000
    ** rows) raised its peak memory */
    int langs = render_incr_reusing(s->incr);
    /* the run pages need no study either: they go while main finds it
    ** (after one new run, the worker waited for it idle) */
    s->runs_until_study = langs;
    if (langs && !atomic_load(&s->share->study_ready))
      rc = site_board_downloads(s, w->err);
    if (rc == POD_OK && (rc = site_run_pages(s, w->err)) == POD_OK &&
        (rc = wait_study(s, w->err)) == POD_OK && langs) {
      s->runs_until_study = 0;
      rc = site_other_languages(s, w->content_dir, w->err);
      render_board_rows_free(s->boards);   /* read by language pages only */
      s->boards = NULL;
      if (rc == POD_OK) rc = site_run_pages(s, w->err);   /* the rest */
    }
    if (rc == POD_OK) rc = study_pages(s, w->err);
  }
  if (rc) atomic_store(&s->share->stop, 1);
  w->rc = rc;
  render_sandbox_free(s->sb);
  for (int k = 0; k < s->n_langs; k++) render_i18n_close(s->i18n[k]);
  free(s->i18n);
  render_board_rows_free(s->boards);
  store_close(s->db);
  pod_buf_free(&s->body);
  pod_buf_free(&s->page);   /* s->manifest(_all): main's after joining */
  return NULL;
}

/* opts->jobs, PODIUM_JOBS, else the CPUs (at most 8: -1 says so); 0
** when the registry cannot be opened again (in memory). */
static long jobs_asked(const store_db *db, const render_opts *opts) {
  const char *env = getenv("PODIUM_JOBS"), *path = store_path(db);
  long jobs = opts->jobs;
  if (!path || !*path || !strcmp(path, ":memory:")) return 0;
  if (jobs <= 0 && env && *env) jobs = strtol(env, NULL, 10);
  if (jobs <= 0) {
    jobs = sysconf(_SC_NPROCESSORS_ONLN);
    return -(jobs > 8 ? 8 : jobs < 1 ? 1 : jobs);
  }
  return jobs;
}

static int jobs_in_range(long jobs) {
  return jobs < 1 ? 1 : jobs > MAX_JOBS ? MAX_JOBS : (int)jobs;
}

int site_jobs_at_most(const store_db *db, const render_opts *opts) {
  long jobs = jobs_asked(db, opts);
  return jobs_in_range(jobs < 0 ? -jobs : jobs);
}

/* Threads for run pages: opts->jobs, else PODIUM_JOBS, else the online
** CPUs (at most 8) when there are runs enough to pay for a thread's
** connection, sandbox and catalogs. 1 for a registry a thread cannot open
** on its own (in memory). */
int site_jobs(store_db *db, const render_opts *opts) {
  long jobs = jobs_asked(db, opts), runs = 0;
  char ignored[POD_ERRLEN];
  if (jobs < 0) {   /* the CPUs: one for a small registry */
    jobs = -jobs;
    if (store_counts(db, site_count_runs, &runs, ignored) || runs < 200) jobs = 1;
  }
  return jobs_in_range(jobs);
}

/* Starts n - 1 workers copying what main shares with them (project,
** kept boards: read only; the study later, wait_study). Each takes its
** connection from marked (made before main's read began: the worker
** knows it reads main's state without reading its digest), or opens
** one, and reads main's state in its thread (join_snapshot).
** A worker that cannot start leaves its languages and runs to the
** others. */
void site_start_workers(site *s, worker *w, int n, store_db **marked,
                        const char *snap, const char *share_dir,
                        const char *langs, const char *content_dir,
                        const char *const *dirs, int n_dirs) {
  for (int i = 0; i < n - 1; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].main_db = s->db;
    w[i].s.db = marked[i];   /* the worker's now (NULL: it opens one) */
    marked[i] = NULL;
    store_read_lend(s->db, &w[i].early);   /* never changed after */
    snprintf(w[i].snap, sizeof w[i].snap, "%s", snap);
    w[i].s.out = s->out;
    w[i].s.share = s->share;
    w[i].s.incr = s->incr;
    w[i].s.template_memory = s->template_memory;
    w[i].s.project = s->project;
    w[i].s.keep = s->keep;
    w[i].s.rows = s->rows;
    w[i].s.worker = 1;
    w[i].share_dir = share_dir;
    w[i].content_dir = content_dir;
    w[i].langs = langs;
    w[i].dirs = dirs;
    w[i].n_dirs = n_dirs;
    /* rc is set before the thread starts, never after: a worker that
    ** fails at once writes its rc before pthread_create returns, and an
    ** "ok" written then would hide its failure (TSan, make tsan) */
    w[i].rc = POD_OK;
    w[i].started = pthread_create(&w[i].thread, NULL, worker_main, &w[i]) == 0;
    if (!w[i].started) {
      store_close(w[i].s.db);
      w[i].s.db = NULL;
    }
  }
}

/* Joins the workers; returns the render's result: main's own failure, else
** the first worker's (a thread that only stopped because another failed
** does not count). */
int site_join_workers(site *s, worker *w, int n, int rc,
                      char err[POD_ERRLEN]) {
  int main_failed = rc && !s->stopped;
  if (rc) atomic_store(&s->share->stop, 1);
  site_study_ready(s, rc);   /* no worker waits for a study forever */
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
