/*
** ingest/session.c -- an ingest session: the metadata it was given, its
** batches (several files in one transaction, optimistic or with a
** savepoint per file), its progress reports and the environments it
** recalls by description. One file's ingest is ingest.c's.
**
** Owns the session (ingest_session_new .. ingest_session_free): its
** copies of the metadata, maps, buffers and read-ahead.
*/
#include "ingest/session_int.h"
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *dup_or_null(const char *s) {
  return s ? pod_xstrdup(s) : NULL;
}

static const char *const *dup_list(const char *const *list, int n) {
  const char **copy;
  if (n <= 0) return NULL;
  copy = pod_xmalloc((size_t)n * sizeof *copy);
  for (int i = 0; i < n; i++) copy[i] = pod_xstrdup(list[i]);
  return copy;
}

ingest_session *ingest_session_new(store_db *db, const ingest_meta *meta) {
  ingest_session *s = pod_xmalloc(sizeof *s);
  memset(s, 0, sizeof *s);
  s->db = db;
  s->meta.format = dup_or_null(meta->format);
  s->meta.project = dup_or_null(meta->project);
  s->meta.model = dup_or_null(meta->model);
  s->meta.variant = dup_or_null(meta->variant);
  s->meta.role = dup_or_null(meta->role);
  s->meta.dataset = dup_or_null(meta->dataset);
  s->meta.task = dup_or_null(meta->task);
  s->meta.run_name = dup_or_null(meta->run_name);
  s->meta.method = dup_or_null(meta->method);
  s->meta.replace = meta->replace;
  s->meta.skip_bad_rows = meta->skip_bad_rows;
  s->meta.map = dup_list(meta->map, meta->n_map);
  s->meta.n_map = meta->n_map;
  s->meta.tags = dup_list(meta->tags, meta->n_tags);
  s->meta.n_tags = meta->n_tags;
  return s;
}

static void free_list(const char *const *list, int n) {
  for (int i = 0; i < n; i++) free((char *)list[i]);
  free((void *)list);
}

const ingest_report *ingest_session_report(const ingest_session *s) {
  return &s->report;
}

double ingest_monotonic_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- environments by description --------------------------------------- */

/* The cells known for these names in this epoch (emptied otherwise:
** the store forgot, or the cells mean other things now). */
static id_map *env_descs(ingest_session *s, const char *names, size_t n) {
  unsigned long epoch = store_env_epoch(s->db);
  if (epoch != s->env_epoch || n != s->env_names.len ||
      memcmp(names, s->env_names.data ? s->env_names.data : "", n)) {
    id_map_truncate(&s->env_desc, 0);
    s->env_epoch = epoch;
    pod_buf_clear(&s->env_names);
    pod_buf_add(&s->env_names, names, n);
  }
  return &s->env_desc;
}

int64_t ingest_env_recall(ingest_ctx *cx, const char *names,
                          size_t names_len, const char *key) {
  return id_map_get(env_descs(cx->session, names, names_len), key);
}

void ingest_env_remember(ingest_ctx *cx, const char *names, size_t names_len,
                         const char *key, int64_t id) {
  id_map *m = env_descs(cx->session, names, names_len);
  if (m->n == 64) id_map_truncate(m, 0);   /* as many as the store keeps */
  id_map_put(m, key, id);
}

/* ---- batches: several files in one transaction ------------------------ */

void ingest_session_read_ahead(ingest_session *s, const ingest_path *paths,
                               int n) {
  ingest_read_ahead_stop(s->ahead);
  s->ahead = ingest_read_ahead_start(paths, n);
}

void ingest_session_batch(ingest_session *s, int files, double seconds) {
  s->batch_files = files;
  s->batch_seconds = seconds;
}

int ingest_session_unsettled(const ingest_session *s) { return s->unsettled; }

long ingest_session_commits(const ingest_session *s) { return s->commits; }

int ingest_session_due(const ingest_session *s) {
  return s->unsettled && (s->unsettled >= s->batch_files ||
                          ingest_monotonic_now() - s->batch_began >= s->batch_seconds);
}

int ingest_session_lost(ingest_session *s) {
  int n = s->lost;
  s->lost = 0;
  return n;
}

/* The batch's transaction is gone: its files are not in, nor its runs. */
void ingest_batch_lost(ingest_session *s) {
  s->lost += s->unsettled;
  s->unsettled = 0;
  id_map_truncate(&s->runs, s->batch_runs);
  id_map_truncate(&s->folder_envs, s->batch_envs);
  if (!s->batch_had_model) {
    free(s->run_name_model);
    s->run_name_model = NULL;
  }
}

void ingest_session_optimistic(ingest_session *s, int on) {
  s->optimistic = on;
  store_batch_optimistic(s->db, on);
}

int ingest_session_replay(ingest_session *s, long *batch) {
  int r = s->replay;
  s->replay = 0;
  *batch = s->replay_batch;
  return r;
}

/* A file's writes undone; a batch with nothing kept yet is ended. An
** optimistic batch goes with the file: its files are the caller's to
** ingest again, each with a savepoint from now on. */
void ingest_file_undo(ingest_session *s) {
  int kept = s->unsettled;
  if (store_file_undo(s->db)) {
    ingest_batch_lost(s);
    if (s->optimistic && kept) {
      s->lost -= kept;
      s->replay = 1;
      s->replay_batch = s->commits;   /* the batch undone */
      ingest_session_optimistic(s, 0);
    }
  } else if (!s->unsettled) {
    store_rollback(s->db);
  }
}

int ingest_session_commit(ingest_session *s, char err[POD_ERRLEN]) {
  int rc;
  if (s->unsettled && !store_in_tx(s->db)) {   /* undone under us */
    ingest_batch_lost(s);
    return pod_err(err, POD_EDB, "the registry undid the transaction of "
                   "the last files on an error");
  }
  if ((rc = store_batch_commit(s->db, err))) ingest_batch_lost(s);
  else if (s->unsettled) s->commits++;
  s->unsettled = 0;
  return rc;
}

void ingest_session_free(ingest_session *s) {
  if (!s) return;
  if (s->unsettled) store_rollback(s->db);   /* not committed: undone */
  ingest_read_ahead_stop(s->ahead);
  pod_buf_free(&s->bad);
  pod_buf_free(&s->data);
  pod_buf_free(&s->twin);
  free((char *)s->meta.format);
  free((char *)s->meta.project);
  free((char *)s->meta.model);
  free((char *)s->meta.variant);
  free((char *)s->meta.role);
  free((char *)s->meta.dataset);
  free((char *)s->meta.task);
  free((char *)s->meta.run_name);
  free((char *)s->meta.method);
  free_list(s->meta.map, s->meta.n_map);
  free_list(s->meta.tags, s->meta.n_tags);
  for (size_t i = 0; i < s->n_manifests; i++)
    ingest_manifest_free(s->manifest[i]);
  id_map_free(&s->manifest_at);
  free(s->manifest);
  id_map_free(&s->real_at);
  pod_buf_free(&s->real_paths);
  id_map_free(&s->runs);
  id_map_free(&s->folder_envs);
  id_map_free(&s->env_desc);
  pod_buf_free(&s->env_names);
  free(s->run_name_model);
  free(s);
}

void ingest_session_progress(ingest_session *s, ingest_progress_fn fn,
                             void *ud) {
  s->progress = fn;
  s->progress_ud = ud;
}

void ingest_progress(ingest_ctx *cx, long long bytes) {
  ingest_session *s = cx->session;
  double now;
  if (!s->progress) return;
  now = ingest_monotonic_now();
  if (now - s->progress_last < 0.25) return;
  s->progress_last = now;
  s->progress(s->progress_ud, cx->path, cx->rows, bytes, cx->bytes);
}

