/*
** store/store.c -- opening the registry, migrations, transactions and the
** writes ingest/ makes. Reads are in query.c.
**
** The connection runs with foreign_keys=ON (podium ingest turns them off
** while no other writer commits: store_trust_references, batch.c), WAL
** journaling (readers are not blocked while a render reads) and a busy
** timeout, so two podium processes on one registry wait for each other
** instead of failing.
**
** Two ways to open (issue 15):
**   store_open       writing commands: creates the registry, or migrates
**                    it, under BEGIN IMMEDIATE (the first of two
**                    processes creates, the other waits and finds it
**                    made), then switches it to WAL.
**   store_open_read  read commands: SQLITE_OPEN_READONLY, no PRAGMA that
**                    writes; a missing, empty, older or newer registry is
**                    an error that says what to do. Never writes a byte.
** Both refuse a SQLite file that is not a podium registry (user_version
** 0 with tables in it), naming its tables. Writers wait their turn: a
** statement waits STORE_BUSY_MS for a lock, BEGIN IMMEDIATE is retried
** with backoff for STORE_BEGIN_MS more.
*/
#include "store/store_int.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern const char *const store_migrations[];
extern const int store_n_migrations;

#define STORE_BUSY_MS 120000    /* a statement waits this long for a lock */
#define STORE_BEGIN_MS 600000   /* then BEGIN IMMEDIATE retries this long */

int store_fail(store_db *db, char err[POD_ERRLEN]) {
  if (db->pg) {   /* the URL names host and database, never a password */
    if (!strcmp(pgc_sqlstate(db->pg), "53100"))
      return pod_err(err, POD_EIO, "%s: disk full on the server (%s); "
                     "nothing of this transaction was kept", db->path,
                     pgc_errmsg(db->pg));
    return pod_err(err, POD_EDB, "%s: %s", db->path, pgc_errmsg(db->pg));
  }
  int code = sqlite3_errcode(db->conn);
  int sys = sqlite3_system_errno(db->conn);
  /* SQLite says "disk I/O error" when a write to the -wal hits ENOSPC */
  if (code == SQLITE_FULL ||
      (code == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT)))
    return pod_err(err, POD_EIO, "%s: disk full (SQLite: %s); nothing of "
                   "this transaction was kept", db->path,
                   sqlite3_errmsg(db->conn));
  if (code == SQLITE_NOTADB)
    return pod_err(err, POD_EDB, "%s: not a podium registry (%s)", db->path,
                   sqlite3_errmsg(db->conn));
  if (code == SQLITE_CORRUPT)
    return pod_err(err, POD_EDB, "%s: damaged (%s); `podium check` lists "
                   "what it finds", db->path, sqlite3_errmsg(db->conn));
  if (code == SQLITE_READONLY)
    return pod_err(err, POD_EDB, "%s: cannot write: %s", db->path,
                   sqlite3_errmsg(db->conn));
  return pod_err(err, POD_EDB, "%s: %s", db->path, sqlite3_errmsg(db->conn));
}

const char *store_sqlite_version(void) { return sqlite3_libversion(); }
const char *store_libpq_version(void) { return pgc_lib_version(); }

/* SQLite's code of a failed write of pending rows, else SQLITE_OK. */
static int flush_rc(store_db *db) {
  char err[POD_ERRLEN];
  if (store_pending_flush(db, err) == POD_OK) return SQLITE_OK;
  return db->pg ? SQLITE_ERROR : sqlite3_errcode(db->conn);
}

int store_exec_raw(store_db *db, const char *sql) {
  int rc = flush_rc(db);
  if (rc != SQLITE_OK) return rc;
  if (db->pg) return pgc_exec_sqlite(db->pg, sql);
  return sqlite3_exec(db->conn, sql, NULL, NULL, NULL);
}

int store_exec_dialect(store_db *db, int d) {
  const char *sql = store_dialect[d][db->pg != NULL];
  int rc = flush_rc(db);
  if (rc != SQLITE_OK) return rc;
  if (!sql) return SQLITE_OK;
  return db->pg ? pgc_exec(db->pg, sql)
                : sqlite3_exec(db->conn, sql, NULL, NULL, NULL);
}

int store_in_tx(store_db *db) {
  return db->pg ? pgc_in_tx(db->pg) : !sqlite3_get_autocommit(db->conn);
}

int store_prepare(store_db *db, const char *sql, db_stmt **out,
                  char err[POD_ERRLEN]) {
  int rc = store_pending_flush(db, err);
  *out = NULL;
  return rc ? rc : store_prepare_get(db, sql, out, err);
}

int store_prepare_get(store_db *db, const char *sql, db_stmt **out,
                      char err[POD_ERRLEN]) {
  db_stmt *st = pod_xmalloc(sizeof *st);
  memset(st, 0, sizeof *st);
  *out = NULL;
  if (db->pg) {
    char *patched = store_pg_patch(sql);
    st->pg = pgs_prepare(db->pg, patched);
    free(patched);
  } else if (sqlite3_prepare_v2(db->conn, sql, -1, &st->lite, NULL) !=
             SQLITE_OK) {
    free(st);
    return store_fail(db, err);
  }
  *out = st;
  return POD_OK;
}

static int exec(store_db *db, const char *sql, char err[POD_ERRLEN]) {
  if (store_exec_raw(db, sql) != SQLITE_OK)
    return store_fail(db, err);
  return POD_OK;
}

int store_schema_version(store_db *db) {
  db_stmt *st = NULL;
  int v = -1;
  char err[POD_ERRLEN];
  if (db->pg) return pgc_schema_version(db->pg);
  if (store_prepare(db, "PRAGMA user_version", &st, err) == POD_OK &&
      db_step(st) == SQLITE_ROW)
    v = db_column_int(st, 0);
  db_finalize(st);
  return v;
}

/* BEGIN IMMEDIATE; another writer's lock is waited out (the busy
** timeout, then retries with backoff up to STORE_BEGIN_MS). */
static int begin_immediate(store_db *db, char err[POD_ERRLEN]) {
  long waited = 0, step = 10;
  if (db->pg) {   /* the server's lock waits on its own */
    if (store_exec_dialect(db, D_BEGIN_WRITE)) return store_fail(db, err);
    pgc_writing(db->pg, 1);
    return POD_OK;
  }
  for (;;) {
    int rc = store_exec_dialect(db, D_BEGIN_WRITE);
    if (rc == SQLITE_OK) {
      int trusted = store_refs_still_trusted(db, err);
      if (trusted) return trusted > 0 ? POD_OK : POD_EDB;
      continue;   /* with foreign keys checked again */
    }
    rc &= 0xff;
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || waited >= STORE_BEGIN_MS)
      break;
    usleep((useconds_t)step * 1000);
    waited += step;
    step = step < 1000 ? 2 * step : 1000;
  }
  if ((sqlite3_errcode(db->conn) & 0xff) == SQLITE_BUSY)
    return pod_err(err, POD_EDB, "%s: another podium has held the registry's "
                   "write lock for %ld s; try again when it is done",
                   db->path, (STORE_BUSY_MS + STORE_BEGIN_MS) / 1000L);
  return store_fail(db, err);
}

static int check_registry(store_db *db, int writing, int *out_v,
                          char err[POD_ERRLEN]);

/* Applies migrations up to `to` in one transaction, under the write lock:
** the version is read again once the lock is held, so of two processes
** migrating at once the second finds the work done. */
static int migrate(store_db *db, int from, int to, char err[POD_ERRLEN]) {
  char pragma[64];
  int rc;
  if (from == to) return POD_OK;
  if ((rc = begin_immediate(db, err))) return rc;
  if ((rc = check_registry(db, 1, &from, err)) || from >= to) {
    store_exec_raw(db, rc ? "ROLLBACK" : "COMMIT");
    return rc;
  }
  for (int v = from; v < to; v++) {
    const char *sql = db->pg && store_pg_migration(v) ? store_pg_migration(v)
                                                       : store_migrations[v];
    if ((rc = exec(db, sql, err))) {
      store_exec_raw(db, "ROLLBACK");
      return rc;
    }
  }
  snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", to);
  if (db->pg)
    rc = pgc_set_version(db->pg, to) ? store_fail(db, err) : POD_OK;
  else
    rc = exec(db, pragma, err);
  if (rc || (rc = exec(db, "COMMIT", err))) {
    store_exec_raw(db, "ROLLBACK");
    return rc;
  }
  return POD_OK;
}

/* SQLite keeps memory statistics by default, taking a global mutex on
** every allocation (4% of an ingest of one run per line, issue 14);
** podium never reads them. A multi-row INSERT (pending.c) keeps a
** statement journal of every existing page it changes (~12 per batch);
** past 64 KiB (SQLite's default) that journal became a temporary file
** for the rest of the transaction, and one run per line wrote 158 MB to
** it per 100k lines (77,000 pwrites, more than the WAL's): kept in
** memory, freed after each statement. Never spilled: SQLite 3.40.1 failed
** a multi-row INSERT inside a savepoint with SQLITE_FULL ("disk full", no
** write failing) when the journal spilled at 512 KiB or 1 MiB (tests:
** ingest_batch_of_two_large_benchmark_files); a savepoint's journal, which
** lives as long as its file, is held only for files under 1 MiB (ingest
** runs a larger one as a transaction of its own). A sorter (ORDER BY,
** GROUP BY, a window) holds up to the larger of its connection's page
** cache and SQLITE_CONFIG_PMASZ pages in memory before it spills: 250
** pages by default, 1 MiB, three of them in one board's statement (3 MB
** of a render's peak heap); 32 pages leave the render's sorters at its
** page cache (store_read_begin) and an ingest's at its 24 MiB. Must come
** before SQLite initializes: once, before the first open. */
static void sqlite_settings(void) {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
  sqlite3_config(SQLITE_CONFIG_PMASZ, 32);
}

/* uri: NULL, or a file: URI to open instead of path (read-only). */
static int open_conn(const char *path, int writing, const char *uri,
                     store_db **out, char err[POD_ERRLEN]) {
  store_db *db = pod_xmalloc(sizeof *db);
  memset(db, 0, sizeof *db);
  db->path = pod_xstrdup(path);
  db->read_only = !writing;
  *out = db;
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, sqlite_settings);
  if (db_is_url(path)) {
    int rc = pgc_connect(path, &db->pg, err);
    if (rc) return rc;
    if (store_exec_dialect(db, D_OPEN) ||
        (!writing && pgc_exec(db->pg, "SET default_transaction_read_only = "
                                      "on")))
      return store_fail(db, err);
    return POD_OK;
  }
  /* One thread per connection: skip SQLite's per-call mutexes. */
  if (sqlite3_open_v2(uri ? uri : path, &db->conn,
                      (writing ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                               : SQLITE_OPEN_READONLY) |
                          (uri ? SQLITE_OPEN_URI : 0) |
                          SQLITE_OPEN_NOMUTEX, NULL) !=
      SQLITE_OK)
    return store_fail(db, err);
  sqlite3_busy_timeout(db->conn, STORE_BUSY_MS);
  /* none of these writes to the file */
  return store_exec_dialect(db, D_OPEN) ? store_fail(db, err) : POD_OK;
}

/* The names of the tables in db, ", "-separated, in out. */
static void table_names(store_db *db, pod_buf *out) {
  db_stmt *st = NULL;
  char err[POD_ERRLEN];
  if (store_prepare(db, store_dialect[D_TABLES][db->pg != NULL], &st,
                    err) == POD_OK)
    while (db_step(st) == SQLITE_ROW)
      pod_buf_printf(out, "%s%s", out->len ? ", " : "",
                     (const char *)db_column_text(st, 0));
  db_finalize(st);
}

/* Whether db is a podium registry this binary can use: *out_v is its
** schema version (0: empty, to be created; writing only). */
static int check_registry(store_db *db, int writing, int *out_v,
                          char err[POD_ERRLEN]) {
  pod_buf tables = POD_BUF_INIT;
  int v = store_schema_version(db), rc = POD_OK;
  *out_v = v;
  if (v < 0) {
    if (db->pg || (sqlite3_errcode(db->conn) & 0xff) == SQLITE_BUSY)
      return store_fail(db, err);
    return pod_err(err, POD_EDB, "%s: not a podium registry (%s)",
                   db->path, sqlite3_errmsg(db->conn));
  }
  if (v > STORE_SCHEMA_VERSION)
    return pod_err(err, POD_EDB,
                   "%s: found schema version %d, expected at most %d "
                   "(written by a newer podium)",
                   db->path, v, STORE_SCHEMA_VERSION);
  if (v == 0) {
    table_names(db, &tables);
    /* a reader on a server that a creator committed to meanwhile */
    if (tables.len && db->pg && (v = *out_v = store_schema_version(db)) > 0) {
      pod_buf_free(&tables);
      return check_registry(db, writing, out_v, err);
    }
    if (tables.len)
      rc = pod_err(err, POD_EDB, "%s: not a podium registry: it has "
                   "tables %s", db->path, tables.data);
    else if (!writing)
      rc = pod_err(err, POD_EINPUT, "%s: an empty database, not a podium "
                   "registry yet (podium init makes it one)", db->path);
    pod_buf_free(&tables);
    return rc;
  }
  if (v < STORE_SCHEMA_VERSION && !writing)
    return pod_err(err, POD_EINPUT, "%s: found schema version %d, expected "
                   "%d; `podium init` migrates it (read commands never "
                   "write)", db->path, v, STORE_SCHEMA_VERSION);
  return POD_OK;
}

/* WAL, unless it is already: asking costs nothing, switching writes.
** The switch reads, then upgrades to a write lock, and SQLite does not
** wait for an upgrade another writer blocks (it could deadlock): such a
** "database is locked" is retried with backoff, as BEGIN IMMEDIATE is. */
static int ensure_wal(store_db *db, char err[POD_ERRLEN]) {
  long waited = 0, step = 10;
  if (db->pg) return POD_OK;   /* a server keeps its own log */
  for (;;) {
    db_stmt *st = NULL;
    int wal = 0, rc;
    if (store_prepare(db, "PRAGMA journal_mode", &st, err) == POD_OK &&
        db_step(st) == SQLITE_ROW)
      wal = !sqlite3_stricmp((const char *)db_column_text(st, 0), "wal");
    db_finalize(st);
    if (wal) return POD_OK;
    /* a file that cannot be WAL (in memory) keeps its mode, as before */
    rc = store_exec_raw(db, "PRAGMA journal_mode = WAL");
    if (rc == SQLITE_OK) return POD_OK;
    if ((rc & 0xff) != SQLITE_BUSY || waited >= STORE_BEGIN_MS)
      return store_fail(db, err);
    usleep((useconds_t)step * 1000);
    waited += step;
    step = step < 1000 ? 2 * step : 1000;
  }
}

/* "file:PATH?immutable=1", PATH's %, ? and # escaped. */
static char *immutable_uri(const char *path) {
  pod_buf b = POD_BUF_INIT;
  pod_buf_adds(&b, "file:");
  for (const char *p = path; *p; p++)
    if (*p == '%' || *p == '?' || *p == '#') pod_buf_printf(&b, "%%%02X", *p);
    else pod_buf_addc(&b, *p);
  pod_buf_adds(&b, "?immutable=1");
  return b.data;   /* owned */
}

/* A WAL registry read-only in a folder this process may not write: SQLite
** cannot make the -shm it reads through (SQLITE_READONLY_CANTINIT). With
** no -wal beside it (or an empty one) no writer is at work, and the file
** is read as immutable. */
static int may_read_immutable(store_db *db, const char *path) {
  char wal[4200];
  struct stat st;
  if ((sqlite3_extended_errcode(db->conn) & 0xff) != SQLITE_READONLY)
    return 0;
  snprintf(wal, sizeof wal, "%s-wal", path);
  return stat(wal, &st) != 0 || st.st_size == 0;
}

/* Opens and checks; one snapshot: version and tables from the same moment
** (a creator may commit between two statements). */
static int open_checked(const char *path, int writing, const char *uri,
                        store_db **out, int *v, char err[POD_ERRLEN]) {
  int rc;
  if ((rc = open_conn(path, writing, uri, out, err)))
    return rc;
  /* PostgreSQL sees tables (its catalog) newer than a snapshot's rows:
  ** a writer looks under the writers' lock, after any creator is done */
  if ((*out)->pg && writing ? store_exec_dialect(*out, D_BEGIN_WRITE)
                            : store_exec_raw(*out, "BEGIN"))
    return store_fail(*out, err);
  rc = check_registry(*out, writing, v, err);
  /* a failed look leaves a PostgreSQL transaction aborted */
  store_exec_raw(*out, rc ? "ROLLBACK" : "COMMIT");
  return rc;
}

static int open_as(const char *path, int writing, store_db **out,
                   char err[POD_ERRLEN]) {
  store_db *db = NULL;
  int rc, v;
  *out = NULL;
  struct stat st;
  if (!writing && !db_is_url(path) && stat(path, &st) != 0)
    return pod_err(err, POD_EINPUT, "%s: no registry here (podium init or "
                   "podium ingest creates one; --db or PODIUM_DB points "
                   "elsewhere)", path);
  rc = open_checked(path, writing, NULL, &db, &v, err);
  if (rc && !writing && db && db->conn && may_read_immutable(db, path)) {
    char *uri = immutable_uri(path);
    store_close(db);
    db = NULL;
    rc = open_checked(path, 0, uri, &db, &v, err);
    if (db) db->immutable = 1;   /* its data_version never moves */
    free(uri);
  }
  if (rc) goto fail;
  if (writing && ((rc = migrate(db, v, store_n_migrations, err)) ||
                  (rc = ensure_wal(db, err))))
    goto fail;
  /* A read command on a server reads one state from start to end (its
  ** statements would each see the latest commit); store_read_end, or
  ** closing, ends it. */
  if (!writing && db->pg && store_exec_dialect(db, D_BEGIN_READ)) {
    rc = store_fail(db, err);
    goto fail;
  }
  *out = db;
  return POD_OK;
fail:
  store_close(db);
  return rc;
}

int store_open(const char *path, store_db **out, char err[POD_ERRLEN]) {
  return open_as(path, 1, out, err);
}

int store_open_read(const char *path, store_db **out, char err[POD_ERRLEN]) {
  return open_as(path, 0, out, err);
}

int store_reopen(const store_db *db, store_db **out, char err[POD_ERRLEN]) {
  return open_as(db->path, !db->read_only, out, err);
}

int store_create_at_version(const char *path, int version,
                            char err[POD_ERRLEN]) {
  store_db *db = NULL;
  int rc = open_conn(path, 1, NULL, &db, err);
  if (!rc) rc = migrate(db, store_schema_version(db), version, err);
  if (!rc) rc = ensure_wal(db, err);
  store_close(db);
  return rc;
}

int store_test_max_pages(store_db *db, long pages) {
  char sql[64], err[POD_ERRLEN];
  if (db->pg) return POD_EINTERNAL;   /* a server's disk is its own */
  snprintf(sql, sizeof sql, "PRAGMA max_page_count = %ld", pages);
  return exec(db, sql, err);
}

void store_close(store_db *db) {
  if (!db) return;
  store_pending_free(db);   /* an open transaction is rolled back */
  store_checkpoint_stop(db);
  store_metric_info_free(db);
  for (int i = 0; i < Q_COUNT_; i++) db_finalize(db->stmt[i]);
  for (int i = 0; i < 2; i++) sqlite3_finalize(db->file_sql[i]);
  for (size_t i = 0; i < db->n_metrics; i++) free(db->metrics[i].name);
  free(db->metrics);
  free(db->held);
  free(db->held_runs);
  store_memos_drop(db);
  free(db->run_counts);   /* its own: a borrowed one was dropped above */
  if (db->pg) pgc_close(db->pg);
  else sqlite3_close(db->conn);
  free(db->path);
  free(db);
}

const char *store_path(const store_db *db) { return db->path; }

int store_is_local(const char *target) { return !db_is_url(target); }

void store_walks_mark(store_db *db) {
  for (int i = 0; i < Q_COUNT_; i++)
    db->walking[i] = db->stmt[i] && db_busy(db->stmt[i]);
}

void store_walks_abandon(store_db *db) {
  for (int i = 0; i < Q_COUNT_; i++)
    if (!db->walking[i] && db->stmt[i] && db_busy(db->stmt[i]))
      db_reset(db->stmt[i]);
}

int store_stmt(store_db *db, int q, db_stmt **out, char err[POD_ERRLEN]) {
  int rc = store_pending_flush(db, err);
  return rc ? rc : store_stmt_get(db, q, out, err);
}

int store_stmt_get(store_db *db, int q, db_stmt **out,
                   char err[POD_ERRLEN]) {
  db_stmt *st = db->stmt[q];
  /* A walk in progress on this statement (a store_each_* called from
  ** inside a callback of the same walk) would restart it forever. */
  if (st && db_busy(st))
    return pod_err(err, POD_EINTERNAL, "%s: query %d is already being "
                   "walked (nested use of one statement)", db->path, q);
  if (!st) {
    st = pod_xmalloc(sizeof *st);
    memset(st, 0, sizeof *st);
    if (db->pg) {
      const char *over = store_pg_override(q);
      char *patched = store_pg_patch(over ? over : store_sql[q]);
      st->pg = pgs_prepare(db->pg, patched);
      free(patched);
    } else if (sqlite3_prepare_v3(db->conn, store_sql[q], -1,
                                  SQLITE_PREPARE_PERSISTENT, &st->lite,
                                  NULL) != SQLITE_OK) {
      free(st);
      return store_fail(db, err);
    }
    db->stmt[q] = st;
  }
  db_reset(st);
  db_clear_bindings(st);
  *out = st;
  return POD_OK;
}

/* ---- transactions ---------------------------------------------------- */

int store_begin(store_db *db, char err[POD_ERRLEN]) {
  db->n_envs = 0;  /* another process may have written since */
  db->env_epoch++;
  db->tx_runs_from = 0;
  if (db->read_only)
    return pod_err(err, POD_EINTERNAL, "%s: a write on a registry opened "
                   "for reading", db->path);
  return begin_immediate(db, err);
}

int store_commit(store_db *db, char err[POD_ERRLEN]) {
  db->tx_runs_from = 0;
  return exec(db, "COMMIT", err);
}

void store_rollback(store_db *db) {
  store_pending_drop(db);
  db->tx_runs_from = 0;
  if (db->pg) pgc_discard(db->pg);   /* rows not sent yet go too */
  if (store_in_tx(db))
    store_exec_raw(db, "ROLLBACK");
  /* Metric and environment ids added inside the transaction are gone
  ** now. */
  db->n_envs = 0;
  db->env_epoch++;
  for (size_t i = 0; i < db->n_metrics; i++) free(db->metrics[i].name);
  db->n_metrics = 0;
}

/* Runs a write statement; when out_id is given, stores the new rowid. */
int store_step_done(store_db *db, db_stmt *st, int64_t *out_id,
                    char err[POD_ERRLEN]) {
  if (db->pg) {   /* the id comes back with the row (RETURNING) */
    if (pgs_step(st->pg, out_id) != SQLITE_DONE) return store_fail(db, err);
    return POD_OK;
  }
  if (db_step(st) != SQLITE_DONE) return store_fail(db, err);
  if (out_id) *out_id = sqlite3_last_insert_rowid(db->conn);
  return POD_OK;
}

int store_step_int64(store_db *db, db_stmt *st, int64_t if_none,
                     int64_t *out, char err[POD_ERRLEN]) {
  int r = db_step(st);
  *out = if_none;
  if (r == SQLITE_ROW) *out = db_column_int64(st, 0);
  else if (r != SQLITE_DONE) return store_fail(db, err);
  db_reset(st);  /* done with it: not busy for the next caller */
  return POD_OK;
}

static void now_iso8601(char out[32]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- sources --------------------------------------------------------- */

int store_source_find(store_db *db, const char *sha256, int64_t *out_id,
                      char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(db, Q_SOURCE_FIND, &st, err);
  if (rc) return rc;
  bind_text(st, 1, sha256);
  return store_step_int64(db, st, 0, out_id, err);
}

int store_source_add(store_db *db, const store_source *src, int64_t *out_id,
                     char err[POD_ERRLEN]) {
  char now[32];
  db_stmt *st;
  int rc = store_stmt(db, Q_SOURCE_ADD, &st, err);
  if (rc) return rc;
  now_iso8601(now);
  bind_text(st, 1, src->path);
  bind_text(st, 2, src->sha256);
  bind_text(st, 3, src->format);
  bind_text(st, 4, src->format_version);
  db_bind_int64(st, 5, src->bytes);
  bind_text(st, 6, now);
  if ((rc = store_step_done(db, st, out_id, err))) return rc;
  db->held_source = *out_id;   /* its lines with values, from none */
  if (db->held) memset(db->held, 0, db->held_bytes);
  db->held_lines = 0;
  db->n_held_runs = 0;
  return POD_OK;
}

void store_note_run(store_db *db, int64_t source, int64_t run) {
  if (source != db->held_source ||
      (db->n_held_runs && db->held_runs[db->n_held_runs - 1] == run))
    return;
  if (db->n_held_runs == db->cap_held_runs) {
    db->cap_held_runs = 2 * db->cap_held_runs + 8;
    db->held_runs = pod_xrealloc(db->held_runs,
                                 db->cap_held_runs * sizeof *db->held_runs);
  }
  db->held_runs[db->n_held_runs++] = run;
}

static int by_id(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

int store_source_new_runs(store_db *db, int64_t source_id, store_ids *out) {
  size_t n = 0;
  out->ids = NULL;
  out->n = 0;
  if (source_id != db->held_source || !source_id) return 0;
  if (db->n_held_runs) {
    out->ids = pod_xmalloc(db->n_held_runs * sizeof *out->ids);
    memcpy(out->ids, db->held_runs, db->n_held_runs * sizeof *out->ids);
    qsort(out->ids, db->n_held_runs, sizeof *out->ids, by_id);
    for (size_t i = 0; i < db->n_held_runs; i++)
      if (!n || out->ids[n - 1] != out->ids[i]) out->ids[n++] = out->ids[i];
  }
  out->n = n;
  return 1;
}

void store_note_line(store_db *db, int64_t source, int64_t line) {
  size_t byte;
  unsigned char bit;
  if (source != db->held_source || line < 0) return;
  byte = (size_t)line >> 3;
  bit = (unsigned char)(1u << (line & 7));
  if (byte >= db->held_bytes) {
    size_t n = 2 * byte + 64;
    db->held = pod_xrealloc(db->held, n);
    memset(db->held + db->held_bytes, 0, n - db->held_bytes);
    db->held_bytes = n;
  }
  if (!(db->held[byte] & bit)) {
    db->held[byte] |= bit;
    db->held_lines++;
  }
}

int store_source_find_path(store_db *db, const char *path, int64_t *out_id,
                           char out_sha[65], char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(db, Q_SOURCE_BY_PATH, &st, err), r;
  if (rc) return rc;
  bind_text(st, 1, path);
  *out_id = 0;
  out_sha[0] = '\0';
  if ((r = db_step(st)) == SQLITE_ROW) {
    *out_id = db_column_int64(st, 0);
    snprintf(out_sha, 65, "%s", (const char *)db_column_text(st, 1));
  } else if (r != SQLITE_DONE) {
    return store_fail(db, err);
  }
  db_reset(st);
  return POD_OK;
}

int store_source_remove(store_db *db, int64_t id, char err[POD_ERRLEN]) {
  /* the rows below the source, and the samples of runs left empty, go
  ** by hand where foreign keys are not checked (an ingest, batch.c), by
  ** cascade else */
  static const struct { int q, by_hand, source; } steps[] = {
      {Q_REPLACED_CLEAR, 0, 0},        {Q_REPLACED_KEEP, 0, 1},
      {Q_SOURCE_MEASUREMENTS_DELETE, 1, 1}, {Q_SOURCE_SAMPLES_DELETE, 1, 1},
      {Q_SOURCE_TRACKER_DELETE, 1, 1}, {Q_SOURCE_CURVES_DELETE, 1, 1},
      {Q_SOURCE_DELETE, 0, 1},         {Q_ORPHAN_RUNS, 0, 0},
      {Q_ORPHAN_SAMPLES, 1, 0}};
  int rc = exec(db, "CREATE TEMP TABLE IF NOT EXISTS replaced_runs "
                    "(id INTEGER PRIMARY KEY)", err);
  for (size_t i = 0; rc == POD_OK && i < sizeof steps / sizeof *steps; i++) {
    db_stmt *st;
    if (steps[i].by_hand && !db->refs_trusted) continue;
    if ((rc = store_stmt(db, steps[i].q, &st, err))) break;
    if (steps[i].source) db_bind_int64(st, 1, id);
    rc = store_step_done(db, st, NULL, err);
  }
  return rc;
}

int store_source_set_rows(store_db *db, int64_t id, int64_t rows,
                          const char *format_version, char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(db, Q_SOURCE_ROWS, &st, err);
  if (rc) return rc;
  db_bind_int64(st, 1, rows);
  bind_text(st, 2, format_version);
  db_bind_int64(st, 3, id);
  /* rows that gave no value (N/A results, empty cells): check counts
  ** them as held */
  db_bind_int64(st, 4, id == db->held_source && rows > db->held_lines
                           ? rows - db->held_lines : 0);
  return store_step_done(db, st, NULL, err);
}

int store_source_set_sha(store_db *db, int64_t id, const char *sha256,
                         int64_t bytes, char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(db, Q_SOURCE_SHA, &st, err);
  if (rc) return rc;
  db_bind_int64(st, 1, id);
  db_bind_text(st, 2, sha256);
  db_bind_int64(st, 3, bytes);
  return store_step_done(db, st, NULL, err);
}

/* ---- runs ------------------------------------------------------------ */

int store_run_find_name(store_db *db, const char *name, int64_t *out_id,
                        char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(db, Q_RUN_FIND_NAME, &st, err);
  if (rc) return rc;
  bind_text(st, 1, name);
  return store_step_int64(db, st, 0, out_id, err);
}

int store_replaced_run(store_db *db, const char *model, int64_t *out_id,
                       char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(db, Q_REPLACED_RUN, &st, err);
  if (rc) return rc;
  bind_text(st, 1, model);
  return store_step_int64(db, st, 0, out_id, err);
}

int store_result_copy_of(store_db *db, int64_t run_id, int64_t metric_id,
                         const char *split, double value, int64_t source_id,
                         const char *format, char *from, size_t n,
                         int *found, char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(db, Q_RESULT_COPY, &st, err), r;
  *found = 0;
  if (rc) return rc;
  db_bind_int64(st, 1, run_id);
  db_bind_int64(st, 2, metric_id);
  bind_text(st, 3, split);
  db_bind_double(st, 4, value);
  db_bind_int64(st, 5, source_id);
  bind_text(st, 6, format);
  r = db_step(st);
  if (r == SQLITE_ROW) {
    const char *p = (const char *)db_column_text(st, 0);
    snprintf(from, n, "%s", p ? p : "");
    *found = 1;
  }
  db_reset(st);
  return r == SQLITE_ROW || r == SQLITE_DONE ? POD_OK : store_fail(db, err);
}

/* ---- metrics and measurements ---------------------------------------- */

/* The units --method applies to (Q_SET_METHOD_ENERGY). */
static int is_energy_unit(const char *unit) {
  return unit && (!strcmp(unit, "kWh") || !strcmp(unit, "kg") ||
                  !strcmp(unit, "W"));
}

int store_metric_id(store_db *db, const char *name, const char *unit,
                    int direction_asked, int64_t *out_id,
                    char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc, r, energy = is_energy_unit(unit), direction = direction_asked;
  int quality = unit && !*unit && direction != 0;
  for (size_t i = 0; i < db->n_metrics; i++)
    if (!strcmp(db->metrics[i].name, name)) {
      *out_id = db->metrics[i].id;
      return POD_OK;
    }
  if ((rc = store_stmt(db, Q_METRIC_FIND, &st, err))) return rc;
  bind_text(st, 1, name);
  *out_id = 0;
  if ((r = db_step(st)) == SQLITE_ROW) {
    const char *u = (const char *)db_column_text(st, 1);
    *out_id = db_column_int64(st, 0);
    energy = is_energy_unit(u);
    quality = u && !*u && db_column_int64(st, 2) != 0;
    direction = (int)db_column_int64(st, 2);
  } else if (r != SQLITE_DONE) {
    return store_fail(db, err);
  }
  db_reset(st);
  if (!*out_id) {
    if ((rc = store_stmt(db, Q_METRIC_ADD, &st, err))) return rc;
    bind_text(st, 1, name);
    bind_text(st, 2, unit);
    db_bind_int(st, 3, direction);
    if ((rc = store_step_done(db, st, out_id, err))) return rc;
  }
  if (db->n_metrics == db->cap_metrics) {
    db->cap_metrics = db->cap_metrics ? 2 * db->cap_metrics : 16;
    db->metrics = pod_xrealloc(db->metrics,
                               db->cap_metrics * sizeof *db->metrics);
  }
  db->metrics[db->n_metrics].name = pod_xstrdup(name);
  db->metrics[db->n_metrics].energy = energy;
  db->metrics[db->n_metrics].quality = quality;
  db->metrics[db->n_metrics].direction = direction;
  db->metrics[db->n_metrics++].id = *out_id;
  return POD_OK;
}

const metric_cache_entry *store_metric_cached(store_db *db,
                                               int64_t metric_id) {
  for (size_t i = db->n_metrics; i-- > 0;)
    if (db->metrics[i].id == metric_id) return &db->metrics[i];
  return NULL;
}

void store_measurement_init(store_measurement *m) {
  memset(m, 0, sizeof *m);
  m->batch_size = m->sequence_length = m->step = -1;
  m->epoch = NAN;
}

const char *const store_sample_metrics[STORE_SAMPLE_N] = {
    "duration",       "emissions",      "emissions_rate",  "cpu_power",
    "gpu_power",      "ram_power",      "cpu_energy",      "gpu_energy",
    "ram_energy",     "energy_consumed", "water_consumed", "cpu_utilization",
    "gpu_utilization", "ram_utilization", "ram_used"};

void store_sample_init(store_sample *s) {
  memset(s, 0, sizeof *s);
  for (int k = 0; k < STORE_SAMPLE_N; k++) s->v[k] = NAN;
}

int store_sample_index(const char *metric) {
  for (int k = 0; k < STORE_SAMPLE_N; k++)
    if (!strcmp(store_sample_metrics[k], metric)) return k;
  return -1;
}

int store_sample_add(store_db *db, const store_sample *s,
                     char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(db, Q_SAMPLE_ADD, &st, err);
  if (rc) return rc;
  db_bind_int64(st, 1, s->run_id);
  db_bind_int64(st, 2, s->step);
  db_bind_int64(st, 3, s->source_id);
  db_bind_int64(st, 4, s->line);
  for (int k = 0; k < STORE_SAMPLE_N; k++) bind_real(st, 5 + k, s->v[k]);
  store_note_line(db, s->source_id, s->line);
  return store_step_done(db, st, NULL, err);
}

/* Runs the statements from..to on (run, source, line); ?4 is step where
** the statement has it. */
static int line_statements(store_db *db, int from, int to, int64_t run_id,
                           int64_t source_id, int64_t line, int64_t step,
                           char err[POD_ERRLEN]) {
  db_stmt *st;
  for (int q = from; q <= to; q++) {
    int rc = store_stmt(db, q, &st, err);
    if (rc) return rc;
    db_bind_int64(st, 1, run_id);
    db_bind_int64(st, 2, source_id);
    db_bind_int64(st, 3, line);
    if (q == Q_LINE_SUMMARY) db_bind_int64(st, 4, step);
    if ((rc = store_step_done(db, st, NULL, err))) return rc;
  }
  return POD_OK;
}

int store_summary_to_sample(store_db *db, int64_t run_id, int64_t source_id,
                            int64_t line, int64_t step, char err[POD_ERRLEN]) {
  return line_statements(db, Q_LINE_SUMMARY, Q_LINE_SUMMARY_DELETE, run_id,
                         source_id, line, step, err);
}

int store_rate_to_sample(store_db *db, int64_t run_id, int64_t source_id,
                         int64_t line, char err[POD_ERRLEN]) {
  return line_statements(db, Q_LINE_RATE_TO_SAMPLE, Q_LINE_RATE_DELETE,
                         run_id, source_id, line, 0, err);
}

int store_source_set_method(store_db *db, int64_t source_id,
                            const char *metric, const char *method,
                            int only_unset, char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(db, metric ? Q_SET_METHOD : Q_SET_METHOD_ENERGY, &st,
                      err);
  if (rc) return rc;
  db_bind_int64(st, 1, source_id);
  if (metric) {
    bind_text(st, 2, metric);
    bind_text(st, 3, method);
    db_bind_int(st, 4, only_unset);
  } else {
    bind_text(st, 2, method);
    db_bind_int(st, 3, only_unset);
  }
  return store_step_done(db, st, NULL, err);
}

int store_estimate_clear(store_db *db, int64_t run_id, char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(db, Q_ESTIMATE_CLEAR, &st, err);
  if (rc) return rc;
  db_bind_int64(st, 1, run_id);
  if ((rc = store_step_done(db, st, NULL, err))) return rc;
  if ((rc = store_stmt(db, Q_ESTIMATE_ORPHANS, &st, err))) return rc;
  return store_step_done(db, st, NULL, err);
}

