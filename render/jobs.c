/*
** render/jobs.c -- render threads: how many (site_jobs), a registry
** connection per worker reading main's snapshot, the workers themselves
** (each with its own sandbox, catalogs and buffers, rendering the run
** pages and study pages it claims, and the whole-registry downloads when
** it claims them first) and joining them; site_take_run is the claim of
** run chunks every thread makes as it walks the runs.
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

static void *worker_main(void *ud) {
  worker *w = ud;
  site *s = &w->s;
  int rc;
  if ((rc = site_download_tables(s, w->err)) == POD_OK &&
      (rc = site_open_languages(s, w->share_dir, w->langs, w->err)) == POD_OK &&
      (rc = render_sandbox_new(w->dirs, w->n_dirs, &s->sb, w->err)) ==
          POD_OK) {
    render_sandbox_limits(s->sb, 0, s->template_memory);
    s->L = render_sandbox_state(s->sb);
    if ((rc = site_run_pages(s, w->err)) == POD_OK) rc = study_pages(s, w->err);
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

/* Threads for run pages: opts->jobs, else PODIUM_JOBS, else the online
** CPUs (at most 8) when there are runs enough to pay for a thread's
** connection, sandbox and catalogs. 1 for a registry a thread cannot open
** on its own (in memory). */
int site_jobs(store_db *db, const render_opts *opts) {
  const char *env = getenv("PODIUM_JOBS"), *path = store_path(db);
  long jobs = opts->jobs, runs = 0;
  char ignored[POD_ERRLEN];
  if (!path || !*path || !strcmp(path, ":memory:")) return 1;
  if (jobs <= 0 && env && *env) jobs = strtol(env, NULL, 10);
  if (jobs <= 0) {
    jobs = sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs > 8) jobs = 8;
    if (store_counts(db, site_count_runs, &runs, ignored) || runs < 200) jobs = 1;
  }
  return jobs < 1 ? 1 : jobs > MAX_JOBS ? MAX_JOBS : (int)jobs;
}

/* Opens a connection per worker, each reading the state main reads
** (issue 15): main's read transaction began before the render key, so a
** worker whose state differs means a writer committed since, and the
** render goes on with main's connection alone. Returns the threads. */
int site_open_snapshots(site *s, worker *w, int n, const char *snap) {
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
** read only), each with its connection from site_open_snapshots (the worker
** closes it). A worker that cannot start leaves its runs to the others. */
void site_start_workers(site *s, worker *w, int n, const char *share_dir,
                        const char *langs, const char *const *dirs,
                        int n_dirs) {
  for (int i = 0; i < n - 1; i++) {
    store_db *own = w[i].s.db;
    memset(&w[i], 0, sizeof w[i]);
    w[i].s.db = own;
    w[i].s.out = s->out;
    w[i].s.share = s->share;
    w[i].s.incr = s->incr;
    w[i].s.template_memory = s->template_memory;
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
int site_join_workers(site *s, worker *w, int n, int rc,
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
