/*
** store/pending.c -- runs, tracker results and measurements written in
** batches (issue 14).
**
** CodeCarbon's everyday file is one run per line: a runs row and a
** tracker_results row each; a training log is a measurement per value.
** One INSERT per row made SQLite's per-statement work (binds, step,
** cursors opened on the table, its indexes and the foreign keys'
** parents, halt, reset) most of the ingest. Inside a transaction on
** SQLite, store_run_add, store_tracker_result_add and
** store_measurement_add therefore keep their rows here (texts copied)
** and write STORE_PENDING_ROWS of a kind with one multi-row INSERT (16,
** 64 and 256 rows measured the same). A run's id is given, not left to SQLite: the
** next id is known after an insert (max(id) + 1 is what SQLite would
** give), and forgotten by any other statement (which may add runs).
**
** Whatever else runs on the connection (store_stmt, store_prepare,
** store_exec_*, COMMIT) first writes what is pending, so every reader and
** every later write sees the rows as if written at once; a rollback
** drops them. Errors (disk full) surface at that write. PostgreSQL and
** writes outside a transaction take the one-row path.
*/
#include "store/store_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUN_COLS 12      /* id and the 11 of Q_RUN_ADD */
#define TRACKER_COLS (5 + 2 * STORE_SAMPLE_N)
#define NONE ((size_t)-1)  /* a NULL text */

typedef struct pending_run {
  int64_t id, env_id;
  size_t text[10];  /* name .. scope, tags, created_at (Q_RUN_ADD's
                    ** order): offsets into text, or NONE */
} pending_run;

typedef struct pending_tracker {
  int64_t run_id, source_id, line;
  size_t cpu_method, method;
  double v[STORE_SAMPLE_N];
  size_t raw[STORE_SAMPLE_N];
} pending_tracker;

typedef struct pending_meas {
  int64_t run_id, metric_id, source_id, line;
  double value, epoch;
  int64_t batch_size, sequence_length, step;
  size_t text[5];   /* split, raw_value, raw_unit, method, method_note */
} pending_meas;

/* The kinds, in the order they are written: tracker rows and
** measurements point at runs (foreign keys). */
enum { K_RUN, K_TRK, K_MEAS, K_N };


struct store_pending {
  /* a batch of each kind, and a spare slot for the one-row path */
  pending_run runs[STORE_PENDING_ROWS + 1];
  pending_tracker trk[STORE_PENDING_ROWS + 1];
  pending_meas meas[STORE_PENDING_ROWS + 1];
  int n[K_N];
  pod_buf text;          /* the rows' strings, each with its NUL */
  int64_t next_run_id;   /* 0: not known (another statement ran) */
  db_stmt *many[K_N];   /* STORE_PENDING_ROWS rows each */
  time_t now_at;         /* created_at, made once a second */
  char now[32];
};

static store_pending *pending(store_db *db) {
  if (!db->pending) {
    db->pending = pod_xmalloc(sizeof *db->pending);
    memset(db->pending, 0, sizeof *db->pending);
  }
  return db->pending;
}

/* A string kept for its row: its length (4 bytes, so that the bind
** need not measure it again: ~2% of a CodeCarbon ingest's registry
** thread), then its bytes and NUL; where its bytes start. */
static size_t keep(store_pending *p, const char *s) {
  uint32_t n;
  if (!s) return NONE;
  n = (uint32_t)strlen(s);
  pod_buf_add(&p->text, &n, sizeof n);
  pod_buf_add(&p->text, s, (size_t)n + 1);
  return p->text.len - n - 1;
}

/* Texts are bound in place: the buffer does not move until the step. */
static void bind_kept(store_pending *p, db_stmt *st, int i, size_t at) {
  uint32_t n;
  if (at == NONE) {
    db_bind_null(st, i);
    return;
  }
  memcpy(&n, p->text.data + at - sizeof n, sizeof n);
  db_bind_text_static_n(st, i, p->text.data + at, (int)n);
}

static void bind_run(store_pending *p, db_stmt *st, int base,
                     const pending_run *r) {
  db_bind_int64(st, base + 1, r->id);
  for (int k = 0; k < 8; k++) bind_kept(p, st, base + 2 + k, r->text[k]);
  if (r->env_id > 0) db_bind_int64(st, base + 10, r->env_id);
  else db_bind_null(st, base + 10);
  bind_kept(p, st, base + 11, r->text[8]);
  bind_kept(p, st, base + 12, r->text[9]);
}

static void bind_tracker(store_pending *p, db_stmt *st, int base,
                         const pending_tracker *t) {
  db_bind_int64(st, base + 1, t->run_id);
  db_bind_int64(st, base + 2, t->source_id);
  db_bind_int64(st, base + 3, t->line);
  bind_kept(p, st, base + 4, t->cpu_method);
  bind_kept(p, st, base + 5, t->method);
  for (int k = 0; k < STORE_SAMPLE_N; k++) {
    if (isnan(t->v[k])) {
      db_bind_null(st, base + 6 + 2 * k);
      db_bind_null(st, base + 7 + 2 * k);
    } else {
      db_bind_double(st, base + 6 + 2 * k, t->v[k]);
      bind_kept(p, st, base + 7 + 2 * k, t->raw[k]);
    }
  }
}

static void bind_meas(store_pending *p, db_stmt *st, int base,
                      const pending_meas *m) {
  db_bind_int64(st, base + 1, m->run_id);
  db_bind_int64(st, base + 2, m->metric_id);
  db_bind_double(st, base + 3, m->value);
  if (m->batch_size >= 0) db_bind_int64(st, base + 4, m->batch_size);
  else db_bind_null(st, base + 4);
  if (m->sequence_length >= 0) db_bind_int64(st, base + 5, m->sequence_length);
  else db_bind_null(st, base + 5);
  if (!isnan(m->epoch)) db_bind_double(st, base + 6, m->epoch);
  else db_bind_null(st, base + 6);
  if (m->step >= 0) db_bind_int64(st, base + 7, m->step);
  else db_bind_null(st, base + 7);
  bind_kept(p, st, base + 8, m->text[0]);
  db_bind_int64(st, base + 9, m->source_id);
  db_bind_int64(st, base + 10, m->line);
  for (int k = 1; k < 5; k++) bind_kept(p, st, base + 10 + k, m->text[k]);
}

/* "INSERT ... VALUES (?,..),(?,..)..." for n rows of cols columns. */
static int prepare_many(store_db *db, const char *head, int cols, int n,
                        db_stmt **out, char err[POD_ERRLEN]) {
  pod_buf sql = POD_BUF_INIT;
  int rc;
  pod_buf_adds(&sql, head);
  for (int r = 0; r < n; r++) {
    pod_buf_adds(&sql, r ? ",(" : " VALUES (");
    for (int c = 0; c < cols; c++) pod_buf_adds(&sql, c ? ",?" : "?");
    pod_buf_addc(&sql, ')');
  }
  rc = store_prepare_get(db, sql.data, out, err);
  pod_buf_free(&sql);
  return rc;
}

static const struct {
  const char *head;   /* the insert up to VALUES */
  int cols, one;      /* columns; the one-row statement (store_sql) */
} kinds[K_N] = {
  {"INSERT INTO runs (id, name, project, model, variant, role, dataset, "
   "task, scope, environment_id, tags, created_at)", 12, Q_RUN_ADD_ID},
  {"INSERT INTO tracker_results (run_id, source_id, line, cpu_method, "
   "method" TRACKER_COLUMNS(TRACKER_NAMES) ")", 5 + 2 * STORE_SAMPLE_N,
   Q_TRACKER_ADD},
  {"INSERT INTO measurements (run_id, metric_id, value, batch_size, "
   "sequence_length, epoch, step, split, source_id, line, raw_value, "
   "raw_unit, method, method_note)", 14, Q_MEAS_ADD},
};

static void bind_row(store_pending *p, int kind, db_stmt *st, int i,
                     int base) {
  if (kind == K_RUN) bind_run(p, st, base, &p->runs[i]);
  else if (kind == K_TRK) bind_tracker(p, st, base, &p->trk[i]);
  else bind_meas(p, st, base, &p->meas[i]);
}

/* Steps st and makes it ready for the next rows. */
static int step_many(store_db *db, db_stmt *st, char err[POD_ERRLEN]) {
  int r = db_step(st);
  db_reset(st);
  return r == SQLITE_DONE ? POD_OK : store_fail(db, err);
}

/* Writes the rows of one kind: a full batch with the many-row
** statement, fewer one at a time. */
static int write_rows(store_db *db, int kind, char err[POD_ERRLEN]) {
  store_pending *p = db->pending;
  int n = p->n[kind], cols = kinds[kind].cols, rc = POD_OK;
  if (n == STORE_PENDING_ROWS) {
    db_stmt **many = &p->many[kind];
    if (!*many &&
        (rc = prepare_many(db, kinds[kind].head, cols, n, many, err)))
      return rc;
    for (int i = 0; i < n; i++) bind_row(p, kind, *many, i, i * cols);
    return step_many(db, *many, err);
  }
  for (int i = 0; i < n && rc == POD_OK; i++) {
    db_stmt *one;
    if ((rc = store_stmt_get(db, kinds[kind].one, &one, err))) break;
    bind_row(p, kind, one, i, 0);
    rc = step_many(db, one, err);
  }
  return rc;
}

static int write_pending(store_db *db, char err[POD_ERRLEN]) {
  store_pending *p = db->pending;
  int rc = POD_OK;
  if (!p) return POD_OK;
  for (int k = 0; k < K_N && rc == POD_OK; k++)
    if (p->n[k]) rc = write_rows(db, k, err);
  memset(p->n, 0, sizeof p->n);
  pod_buf_clear(&p->text);
  if (rc == POD_OK) rc = store_curves_write(db, err);
  return rc;
}

/* Room for one more row of kind: a full batch is written first (only
** ours: the next run id stays known). */
static int make_room(store_db *db, int kind, char err[POD_ERRLEN]) {
  store_pending *p = db->pending;
  int64_t next = p->next_run_id;
  int rc;
  if (p->n[kind] < STORE_PENDING_ROWS) return POD_OK;
  if ((rc = write_pending(db, err))) return rc;
  p->next_run_id = next;
  return POD_OK;
}

int store_pending_write(store_db *db, char err[POD_ERRLEN]) {
  int64_t next;
  int rc;
  if (!db->pending) return store_curves_write(db, err);
  next = db->pending->next_run_id;
  rc = write_pending(db, err);
  db->pending->next_run_id = next;
  return rc;
}

int store_pending_flush(store_db *db, char err[POD_ERRLEN]) {
  if (!db->pending) return store_curves_write(db, err);
  db->pending->next_run_id = 0;   /* the statement to come may add runs */
  return write_pending(db, err);
}

void store_pending_drop(store_db *db) {
  store_curves_drop(db);
  if (!db->pending) return;
  memset(db->pending->n, 0, sizeof db->pending->n);
  db->pending->next_run_id = 0;
  pod_buf_clear(&db->pending->text);
}

void store_pending_free(store_db *db) {
  store_curves_free(db);
  if (!db->pending) return;
  for (int k = 0; k < K_N; k++) db_finalize(db->pending->many[k]);
  pod_buf_free(&db->pending->text);
  free(db->pending);
  db->pending = NULL;
}

int store_may_defer(store_db *db) {
  return !db->pg && !sqlite3_get_autocommit(db->conn);
}

static const char *now_iso8601(store_pending *p) {
  time_t t = time(NULL);
  if (t != p->now_at) {
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(p->now, sizeof p->now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    p->now_at = t;
  }
  return p->now;
}

/* A run's texts in Q_RUN_ADD's order: name .. task, and its scope (the
** dataset, else the task, else ""). */
static void run_texts(const store_run_new *run, const char *t[8]) {
  t[0] = run->name;
  t[1] = run->project;
  t[2] = run->model;
  t[3] = run->variant;
  t[4] = run->role;
  t[5] = run->dataset;
  t[6] = run->task;
  t[7] = run->dataset ? run->dataset : run->task ? run->task : "";
}

/* The one-row insert, SQLite choosing the id (Q_RUN_ADD). */
static int run_add_now(store_db *db, const store_run_new *run, int64_t *out_id,
                       char err[POD_ERRLEN]) {
  const char *now = now_iso8601(pending(db));
  const char *texts[8];
  db_stmt *st;
  int rc = store_stmt(db, Q_RUN_ADD, &st, err);
  if (rc) return rc;
  run_texts(run, texts);
  /* texts are the caller's until the step below: no copies */
  for (int k = 0; k < 8; k++)
    if (texts[k]) db_bind_text_static(st, k + 1, texts[k]);
    else db_bind_null(st, k + 1);
  if (run->env_id > 0) db_bind_int64(st, 9, run->env_id);
  if (run->tags_json) db_bind_text_static(st, 10, run->tags_json);
  db_bind_text_static(st, 11, now);
  if (db->pg) {   /* the id comes back with the row (RETURNING) */
    rc = pgs_step(st->pg, out_id) == SQLITE_DONE ? POD_OK
                                                  : store_fail(db, err);
  } else if (db_step(st) != SQLITE_DONE) {
    rc = store_fail(db, err);
  } else {
    *out_id = sqlite3_last_insert_rowid(db->conn);
    if (!db->tx_runs_from && !sqlite3_get_autocommit(db->conn))
      db->tx_runs_from = *out_id;
  }
  db_clear_bindings(st);  /* drop the borrowed pointers now */
  if (rc == POD_OK && store_may_defer(db)) pending(db)->next_run_id = *out_id + 1;
  return rc;
}

int store_run_add(store_db *db, const store_run_new *run, int64_t *out_id,
                  char err[POD_ERRLEN]) {
  store_pending *p;
  pending_run *r;
  int rc;
  if (!store_may_defer(db) || !pending(db)->next_run_id)
    return run_add_now(db, run, out_id, err);
  p = db->pending;
  if ((rc = make_room(db, K_RUN, err))) return rc;
  r = &p->runs[p->n[K_RUN]++];
  r->id = *out_id = p->next_run_id++;
  if (!db->tx_runs_from) db->tx_runs_from = r->id;
  r->env_id = run->env_id;
  {
    const char *texts[8];
    run_texts(run, texts);
    for (int k = 0; k < 8; k++) r->text[k] = keep(p, texts[k]);
  }
  r->text[8] = keep(p, run->tags_json);
  r->text[9] = keep(p, now_iso8601(p));
  return POD_OK;
}

/* The one-row path (PostgreSQL, or no transaction): the row is kept as
** a batch row would be, bound by the same bind_row into the kind's
** one-row statement, and written at once. The statement is got before
** the row's texts are kept: getting it writes what is pending, which
** clears them. */
static int write_one(store_db *db, int kind, db_stmt *st,
                     char err[POD_ERRLEN]) {
  store_pending *p = db->pending;
  int rc;
  bind_row(p, kind, st, STORE_PENDING_ROWS, 0);   /* the spare slot */
  rc = db_step(st) == SQLITE_DONE ? POD_OK : store_fail(db, err);
  db_clear_bindings(st);   /* the texts are about to go */
  pod_buf_clear(&p->text);
  return rc;
}

/* The slot a new row of kind goes in: the next of the batch (written
** first when full), or, when nothing may wait, the spare slot with the
** one-row statement in *one. */
static int slot_for(store_db *db, int kind, db_stmt **one, int *at,
                    char err[POD_ERRLEN]) {
  store_pending *p = pending(db);
  int rc;
  *one = NULL;
  if (!store_may_defer(db)) {
    *at = STORE_PENDING_ROWS;
    return store_stmt(db, kinds[kind].one, one, err);
  }
  if ((rc = make_room(db, kind, err))) return rc;
  *at = p->n[kind]++;
  return POD_OK;
}

int store_tracker_result_add(store_db *db, const store_tracker_result *t,
                             char err[POD_ERRLEN]) {
  store_pending *p;
  pending_tracker *w;
  db_stmt *one;
  int rc, at;
  if ((rc = slot_for(db, K_TRK, &one, &at, err))) return rc;
  p = db->pending;
  w = &p->trk[at];
  w->run_id = t->run_id;
  w->source_id = t->source_id;
  w->line = t->line;
  w->cpu_method = keep(p, t->cpu_method);
  w->method = keep(p, t->method);
  for (int k = 0; k < STORE_SAMPLE_N; k++) {
    w->v[k] = t->v[k];
    w->raw[k] = isnan(t->v[k]) ? NONE : keep(p, t->raw[k]);
  }
  store_note_line(db, t->source_id, t->line);
  return one ? write_one(db, K_TRK, one, err) : POD_OK;
}

int store_measurement_add(store_db *db, const store_measurement *m,
                          char err[POD_ERRLEN]) {
  store_pending *p;
  pending_meas *w;
  db_stmt *one;
  int rc, at;
  if ((rc = store_curves_add(db, m, err))) return rc == 1 ? POD_OK : rc;
  if ((rc = slot_for(db, K_MEAS, &one, &at, err))) return rc;
  p = db->pending;
  w = &p->meas[at];
  w->run_id = m->run_id;
  w->metric_id = m->metric_id;
  w->source_id = m->source_id;
  w->line = m->line;
  w->value = m->value;
  w->epoch = m->epoch;
  w->batch_size = m->batch_size;
  w->sequence_length = m->sequence_length;
  w->step = m->step;
  w->text[0] = keep(p, m->split);
  w->text[1] = keep(p, m->raw_value);
  w->text[2] = keep(p, m->raw_unit);
  w->text[3] = keep(p, m->method);
  w->text[4] = keep(p, m->method_note);
  store_note_line(db, m->source_id, m->line);
  store_note_run(db, m->source_id, m->run_id);
  return one ? write_one(db, K_MEAS, one, err) : POD_OK;
}
