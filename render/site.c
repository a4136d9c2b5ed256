/*
** render/site.c -- the render driver: opens the languages and the
** sandbox, decides whether anything changed (render key), renders every
** page into the temporary tree and commits it (render_site). The pages
** themselves are built in pages.c (overview, lists, boards,
** environments, Pareto), runs.c (run pages), course.c (course pages and
** their shortcodes), study_pages.c (comparisons, study tables, models);
** jobs.c shares the run, model and comparison pages out between render
** threads. Paths of pages are decided in those files, once; templates
** link to them with link(href). The site's pages:
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
** Owns: the main thread's site struct for the length of render_site
** (everything it points at but db, project and the output's target),
** freed before it returns.
**
** Run pages (nearly all of a big site) are shared out between the main
** thread and jobs - 1 worker threads (jobs.c), each with its own registry
** connection, Lua sandbox and catalogs: every thread walks the runs and
** renders the chunks of RUN_CHUNK runs it claims first, so a page is the
** same whichever thread renders it; then the model and comparison pages
** (study_pages.c), claimed the same way. The first failure stops the
** others and is the render's error.
*/
#include "render/site_int.h"
#include "core/fs.h"
#include "render/i18n.h"
#include "render/board_keep.h"
#include "render/run_keep.h"
#include "render/row_keep.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Opens the catalogs of the comma-separated languages (the first is the
** default, used for the language chooser). */
int site_open_languages(site *s, const char *share, const char *langs,
                        char err[POD_ERRLEN]) {
  char dir[4200], code[64];
  const char *p = langs;
  int rc;
  snprintf(dir, sizeof dir, "%s/i18n", share);
  /* at least one code, and no empty one ("", ",en", "en,,fa", "en,") */
  if (!*langs || langs[strlen(langs) - 1] == ',')
    return pod_err(err, POD_EUSAGE, "found language list \"%s\", "
                   "expected codes separated by commas (en,fa)", langs);
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
/* The manifest of every thread's pages: main's and the n - 1 workers'
** (their buffers are not copied into main's: at 10,000 runs in five
** languages that copy was the render's peak). */
static int write_manifest(site *s, worker *w, int n, const render_incr *incr,
                          char err[POD_ERRLEN]) {
  pod_buf **lines = pod_xmalloc(2 * (size_t)n * sizeof *lines), **every = lines + n;
  const char **langs = pod_xmalloc((size_t)s->n_langs * sizeof *langs);
  int rc;
  lines[0] = &s->manifest;
  every[0] = &s->manifest_all;
  for (int i = 1; i < n; i++) {
    lines[i] = &w[i - 1].s.manifest;
    every[i] = &w[i - 1].s.manifest_all;
  }
  for (int k = 0; k < s->n_langs; k++) langs[k] = render_i18n_lang(s->i18n[k]);
  rc = render_incr_write_manifest(incr, lines, every, (size_t)n, langs,
                                  s->n_langs, s->out, err);
  free(lines);
  free(langs);
  return rc;
}

/* What a render reads first of every run, read on a worker's marked
** connection while main begins its read (store_read_prefetch); then the
** list of boards while main makes the keys (store_read_prefetch_boards). */
typedef struct prefetch {
  store_db *db;
  int ok;
  int running;   /* thread is to be joined */
  pthread_t thread;
} prefetch;

static void *prefetch_main(void *ud) {
  prefetch *p = ud;
  char ignored[POD_ERRLEN];
  p->ok = store_read_join(p->db) &&
          store_read_prefetch(p->db, ignored) == POD_OK;
  return NULL;
}

static void *prefetch_boards_main(void *ud) {
  prefetch *p = ud;
  char ignored[POD_ERRLEN];
  p->ok = store_read_prefetch_boards(p->db, ignored) == POD_OK;
  return NULL;
}

/* Waits for the prefetch thread; what it read goes to db when it read
** it and both read one state (same). 1 when it was given. */
static int prefetch_end(prefetch *p, store_db *db, int same) {
  if (!p->running) return 0;
  pthread_join(p->thread, NULL);
  p->running = 0;
  if (!p->ok || !same) return 0;
  store_read_give(p->db, db);
  return 1;
}

/* The feeds read: main takes them when both read one state (no commit
** since either mark), and the list of boards is read next; else the
** worker's read ends, and it compares digests. */
static void prefetch_feeds_end(prefetch *p, store_db *db, int same) {
  if (!p->running) return;
  if (prefetch_end(p, db, same))
    p->running = pthread_create(&p->thread, NULL, prefetch_boards_main, p) == 0;
  else
    store_read_end(p->db);
}

/* What a render after new runs reads of the files in and beside the
** live site: its manifest and the kept boards, rows and values. A
** thread of its own reads them while main reads what pages are made of
** from the registry (render_incr_scan): at 10,000 runs ~12 ms of each,
** one after the other on one core before (issue 17). The two touch
** different parts of incr and of s. The standby tree is main's to take
** after both, when the registry was read: a render that fails there
** leaves it for the next. */
typedef struct side_open {
  site *s;
  render_incr *incr;
  const char *base;
} side_open;

static void side_open_files(side_open *o) {
  site *s = o->s;
  const char *target = render_out_target(s->out);
  render_incr_load_live(o->incr, target);
  s->keep = board_keep_open(o->incr, target, s->out);
  s->rows = row_keep_open(target, o->base, render_incr_reusing(o->incr));
  s->values = run_keep_open(o->incr, target, s->out);
}

static void *side_open_main(void *ud) {
  side_open_files(ud);
  return NULL;
}

int render_site(store_db *db, const render_opts *opts, render_stats *stats,
                char err[POD_ERRLEN]) {
  site s;
  char builtin[4096], assets[4096], i18n_dir[4096], key[65], snap[65],
      base[65];
  const char *dirs[2];
  const char *langs = opts->langs                                ? opts->langs
                      : opts->project && opts->project->languages ? opts->project->languages
                                                                  : RENDER_LANGUAGES;
  int n_dirs = 0, rc, jobs = 1, n_marked = 0;
  store_db *marked[MAX_JOBS] = {NULL};
  prefetch pre = {NULL, 0, 0, 0};
  char ignored[POD_ERRLEN];
  worker *workers = NULL;
  run_share share;
  render_incr *incr = NULL;
  memset(&s, 0, sizeof s);
  memset(stats, 0, sizeof *stats);
#ifdef __GLIBC__
  /* big buffers (long pages, download parts, rows kept) are mapped and
  ** given back when freed: glibc's threshold otherwise rises to the
  ** largest block freed, and they stay in the heap, scattered (-3.5 MB
  ** of a 10,000-run render's peak RSS, same CPU) */
  mallopt(M_MMAP_THRESHOLD, 256 << 10);
#endif
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
  ** join it, jobs.c, on connections marked before it begins); the first
  ** of those reads every run's feeds meanwhile (prefetch) */
  n_marked = site_jobs_at_most(db, opts) - 1;
  for (int i = 0; i < n_marked; i++)
    if (store_reopen(db, &marked[i], ignored) == POD_OK &&
        !store_read_mark(marked[i])) {   /* of no use: a worker opens its own */
      store_close(marked[i]);
      marked[i] = NULL;
    }
  store_read_mark(db);
  pre.db = n_marked > 0 ? marked[0] : NULL;
  pre.running = pre.db &&
                pthread_create(&pre.thread, NULL, prefetch_main, &pre) == 0;
  rc = store_read_begin(db, 1, snap, err);
  prefetch_feeds_end(&pre, db, rc == POD_OK && store_read_still(db));
  if (rc) goto done;
  if ((rc = render_state_key(db, dirs, n_dirs, assets, opts->content_dir,
                             i18n_dir, langs, opts->project, snap, key, err)))
    goto done;
  if (render_out_current(opts->out_dir, key, &stats->pages)) {
    stats->unchanged = stats->skipped = 1;   /* nothing it is made of changed */
    stats->stale = render_out_sweep(opts->out_dir);
    goto done;
  }
  if ((rc = site_open_languages(&s, opts->share_dir, langs, err))) goto done;
  if ((rc = render_sandbox_new(dirs, n_dirs, &s.sb, err))) goto done;
  s.template_memory = opts->template_memory;
  render_sandbox_limits(s.sb, 0, s.template_memory);
  s.L = render_sandbox_state(s.sb);
  if ((rc = render_out_open(opts, key, &s.out, err)))
    goto done;
  /* pages of the live site that read nothing that changed are reused:
  ** what they are made of is read from the registry here while a thread
  ** reads the site's files (side_open); then the standby is taken */
  if ((rc = render_state_base_key(db, dirs, n_dirs, assets,
                                  opts->content_dir, i18n_dir, langs,
                                  opts->project, base, err)) == POD_OK) {
    side_open side;
    pthread_t side_thread;
    int side_running;
    memset(&side, 0, sizeof side);
    side.s = &s;
    side.incr = incr = render_incr_new(base);
    side.base = base;
    side_running = pthread_create(&side_thread, NULL, side_open_main,
                                  &side) == 0;
    if (!side_running) side_open_files(&side);
    rc = render_incr_scan(incr, db, err);
    if (side_running) pthread_join(side_thread, NULL);
    if (rc == POD_OK) rc = render_out_use_standby(s.out, incr, err);
  }
  if (rc) {
    render_out_abort(s.out);
    goto done;
  }
  s.incr = incr;
#ifdef __GLIBC__
  /* after one new run, pages are few and the buffers that come and go
  ** are the kept files and downloads: mapped afresh each time, their
  ** page faults were a tenth of the render (0.42 -> 0.35 s on 10,000
  ** runs); a full render keeps the low threshold for its peak */
  if (render_incr_reusing(incr)) {
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
  }
#endif
  /* few pages to render, every run walked five times (study, lists,
  ** downloads, run pages): from memory after the first, taken with the
  ** registry's counts from the state rows the keys and incr read */
  if (render_incr_reusing(incr)) store_read_keep_runs(db);
  store_read_forget(db);   /* those rows */
  render_sandbox_keep_rows(s.sb, s.rows);
  s.lang = render_i18n_lang(s.i18n[0]);
  s.project = opts->project;
  /* the workers start at once: downloads and run pages need no study;
  ** the connections marked for workers that will not be, closed; the
  ** list of boards main lends them first */
  prefetch_end(&pre, db, 1);
  jobs = site_jobs(db, opts);
  for (int i = jobs - 1; i < n_marked; i++) {
    store_close(marked[i]);
    marked[i] = NULL;
  }
  if (jobs > 1) {
    atomic_init(&share.next, 0);
    atomic_init(&share.next_job, 0);
    atomic_init(&share.tables, 0);
    atomic_init(&share.board_files, 0);
    atomic_init(&share.next_lang, 1);
    atomic_init(&share.study_ready, 0);
    share.n_runs = LONG_MAX;   /* until counted: never stop early */
    long runs = 0;
    if (store_counts(db, site_count_runs, &runs, ignored) == POD_OK)
      share.n_runs = runs;
    atomic_init(&share.stop, 0);
    pthread_mutex_init(&share.lock, NULL);
    pthread_cond_init(&share.cond, NULL);
    share.main = &s;
    s.share = &share;
    workers = pod_xmalloc((size_t)(jobs - 1) * sizeof *workers);
    site_start_workers(&s, workers, jobs, marked, snap, opts->share_dir,
                       langs, opts->content_dir, dirs, n_dirs);
  }
  if ((rc = render_out_copy(s.out, assets, "assets", err)) == POD_OK &&
      (rc = render_primary_list(db, opts->project, &s.prim, &s.n_prim,
                                err)) == POD_OK &&
      (rc = study_find(&s, err)) == POD_OK)
    rc = site_find_paretos(&s);
  site_study_ready(&s, rc);
  if (rc == POD_OK) {   /* the first language's; the others as claimed */
    site_use_language(&s, 0);
    if ((rc = site_course_load(&s, opts->content_dir, err)) == POD_OK &&
        (rc = site_page_chooser(&s, err)) == POD_OK &&
        (rc = site_language_pages(&s, err)) == POD_OK)
      rc = site_other_languages(&s, opts->content_dir, err);
  }
  /* the downloads before this thread's run pages: the workers render
  ** run pages meanwhile, and the last of them end together (the
  ** whole-registry tables are a worker's when one took them) */
  if (rc == POD_OK) rc = site_board_downloads(&s, err);
  if (rc == POD_OK) rc = site_download_tables(&s, err);
  /* no page of this thread reads a board's rows from here on: they go
  ** before the run pages, the render's peak */
  render_board_rows_free(s.boards);
  s.boards = NULL;
  if (rc == POD_OK) rc = site_run_pages(&s, err);
  if (rc == POD_OK) rc = study_pages(&s, err);
  if (workers)   /* before the tree is committed or removed */
    rc = site_join_workers(&s, workers, jobs, rc, err);
  /* every board is read, and no worker takes kept ones any more:
  ** their rows go out for the next render */
  if (rc == POD_OK) rc = board_keep_end(s.keep, err);
  /* every page is made: the study goes before the manifest is sorted and
  ** written (the end of a render was its peak) */
  study_free(&s);
  if (rc == POD_OK)   /* what the next render may reuse */
    rc = write_manifest(&s, workers, workers ? jobs : 1, incr, err);
  for (int i = 0; workers && i < jobs - 1; i++) {
    pod_buf_free(&workers[i].s.manifest);
    pod_buf_free(&workers[i].s.manifest_all);
  }
  free(workers);
  if (s.share) {
    pthread_mutex_destroy(&share.lock);
    pthread_cond_destroy(&share.cond);
  }
  if (rc) {
    render_out_abort(s.out);
    goto done;
  }
  rc = render_out_commit(s.out, stats, err);
done:
  prefetch_end(&pre, db, 1);   /* before its connection is closed */
  for (int i = 0; i < n_marked; i++) store_close(marked[i]);   /* not taken */
  store_read_end(db);
  study_free(&s);
  render_pareto_free(s.pareto);
  render_primary_free(s.prim, s.n_prim);
  render_board_rows_free(s.boards);
  for (size_t i = 0; i < s.n_pareto; i++) free(s.pareto_scopes[i]);
  free(s.pareto_scopes);
  site_course_free(&s);
  render_sandbox_free(s.sb);
  for (int k = 0; k < s.n_langs; k++) render_i18n_close(s.i18n[k]);
  free(s.i18n);
  pod_buf_free(&s.body);
  pod_buf_free(&s.page);
  pod_buf_free(&s.manifest);
  pod_buf_free(&s.manifest_all);
  board_keep_free(s.keep);
  run_keep_free(s.values);
  /* its index after the rest is freed: a full render's 60,000 entries
  ** were a MB over its peak */
  row_keep_end(s.rows, rc == POD_OK);
  row_keep_free(s.rows);
  render_incr_free(incr);
  return rc;
}
