/*
** store/batch.c -- several files in one transaction (ingest's batches,
** store.h): each file after the first is a savepoint, kept or undone
** alone; COMMIT, once per batch, is what a file per transaction paid for
** each (issue 14: ~50 WAL writes and 10 lock calls a file). PostgreSQL
** keeps a transaction per file: its rows go in by COPY, per file.
** Optimistic batches (store_batch_optimistic) take no savepoints: a file
** undone takes the batch with it, and the caller ingests the batch's
** other files again.
** Also the references an ingest trusts (store_trust_references). Owns
** nothing beyond store_db's file_* and refs_* fields.
*/
#include "store/store_int.h"

#include <stdlib.h>

/* SAVEPOINT (0) or RELEASE (1) of a file, after the rows it keeps
** pending, as store_exec_raw would run it; prepared once, not parsed
** again for each file (~17,000 instructions a small file, issue 14). */
static int file_sql(store_db *db, int k, char err[POD_ERRLEN]) {
  static const char *const sql[2] = {"SAVEPOINT podium_file",
                                     "RELEASE podium_file"};
  char ignored[POD_ERRLEN];
  int rc;
  if (store_pending_flush(db, ignored) != POD_OK) return store_fail(db, err);
  if (!db->file_sql[k] &&
      sqlite3_prepare_v3(db->conn, sql[k], -1, SQLITE_PREPARE_PERSISTENT,
                         &db->file_sql[k], NULL) != SQLITE_OK)
    return store_fail(db, err);
  rc = sqlite3_step(db->file_sql[k]) == SQLITE_DONE ? POD_OK
                                                     : store_fail(db, err);
  sqlite3_reset(db->file_sql[k]);
  return rc;
}

void store_batch_optimistic(store_db *db, int on) {
  db->files_optimistic = on;
}

int store_file_begin(store_db *db, char err[POD_ERRLEN]) {
  db->file_metrics_mark = db->n_metrics;
  /* the first file of a batch is the transaction itself: no savepoint,
  ** so its statement journals stay per statement (a savepoint's lives as
  ** long as the file) */
  if (db->pg || !store_in_tx(db)) {
    db->file_savepoint = db->file_after_first = 0;
    return store_begin(db, err);
  }
  db->tx_runs_from = 0;   /* runs from here on are this file's */
  db->file_after_first = 1;
  /* optimistic: the file's writes join the transaction's; undone, they
  ** take the batch with them (~10% of a folder of small logs went to
  ** SQLite's savepoints: its sub-journal of every page a file touched) */
  if ((db->file_savepoint = !db->files_optimistic) == 0) return POD_OK;
  return file_sql(db, 0, err);
}

int store_file_keep(store_db *db, char err[POD_ERRLEN]) {
  db->tx_runs_from = 0;
  if (db->pg) return store_commit(db, err);
  return db->file_savepoint ? file_sql(db, 1, err) : POD_OK;
}

int store_file_undo(store_db *db) {
  if (db->pg || !db->file_savepoint) {   /* the file was the transaction, */
    int lost = !db->pg && db->file_after_first;   /* or joined it */
    store_rollback(db);
    return lost;
  }
  store_pending_drop(db);
  db->tx_runs_from = 0;
  db->held_source = 0;   /* its id may be given again */
  db->n_envs = 0;
  db->env_epoch++;
  while (db->n_metrics > db->file_metrics_mark)
    free(db->metrics[--db->n_metrics].name);
  /* SQLite undoes the whole transaction on some errors (a full disk) */
  if (store_in_tx(db) &&
      store_exec_raw(db, "ROLLBACK TO podium_file") == SQLITE_OK &&
      store_exec_raw(db, "RELEASE podium_file") == SQLITE_OK)
    return 0;
  store_rollback(db);
  return 1;
}

int store_batch_commit(store_db *db, char err[POD_ERRLEN]) {
  int rc;
  if (!store_in_tx(db)) return POD_OK;
  if ((rc = store_commit(db, err))) store_rollback(db);
  return rc;
}


/* ---- references trusted ------------------------------------------------

SQLite looks up the run and the source of every row inserted while
foreign keys are on: ~8% of ingesting a CodeCarbon file of a million
runs (issue 14). An ingest's rows name a run and a source it made or
found in the same transaction, or a run it made in an earlier one of its
own; only another writer's deletes between its transactions could leave
such an id pointing at nothing. So the checks are off until another
connection is seen to have committed (PRAGMA data_version), and back on
for good from then on; deletes remove the rows below a source themselves
(store_source_remove), and podium check still runs foreign_key_check. */

int64_t store_pragma_int(store_db *db, int q) {
  db_stmt *st;
  int64_t v = -1;
  char ignored[POD_ERRLEN];
  if (store_stmt_get(db, q, &st, ignored) == POD_OK)
    store_step_int64(db, st, -1, &v, ignored);
  return v;
}

void store_ingest_cache(store_db *db) {
  if (!db->pg) store_exec_raw(db, "PRAGMA cache_size = -8192");
}

void store_trust_references(store_db *db) {
  if (!db || db->pg || db->read_only || store_in_tx(db)) return;
  if (store_exec_raw(db, "PRAGMA foreign_keys = OFF") != SQLITE_OK) return;
  db->refs_version = store_pragma_int(db, Q_DATA_VERSION);
  db->refs_trusted = 1;
}

int store_refs_still_trusted(store_db *db, char err[POD_ERRLEN]) {
  if (!db->refs_trusted ||
      store_pragma_int(db, Q_DATA_VERSION) == db->refs_version)
    return 1;
  /* nothing is done in the transaction yet: undone, the checks turned on
  ** (a no-op inside one) and seen on; only then trusted no more, so that
  ** store_source_remove deletes by hand for as long as they are off */
  if (store_exec_raw(db, "ROLLBACK") != SQLITE_OK ||
      store_exec_raw(db, "PRAGMA foreign_keys = ON") != SQLITE_OK ||
      store_pragma_int(db, Q_FOREIGN_KEYS) != 1) {
    pod_err(err, POD_EDB, "%s: cannot turn foreign key checks back on "
            "after another writer's commit: %s", db->path,
            sqlite3_errmsg(db->conn));
    return -1;
  }
  db->refs_trusted = 0;   /* for good: ids kept from before may be gone */
  return 0;
}

int store_references_trusted(store_db *db) { return db->refs_trusted; }
