/*
** store/snapshot.c -- several connections reading one state of the
** registry (issue 15: render threads each opened their own connection,
** and a writer committing in between gave them different registries).
**
** SQLite's snapshot API is not compiled into Debian's library, so a read
** transaction is named by a digest of the rows the render key is made of
** (Q_STATE: sources, runs, environments, metrics, the count and largest
** id of measurements and samples): connections whose digests agree read
** the same registry as far as a site can tell.
*/
#include "store/store_int.h"
#include "core/sha256.h"

#include <string.h>

int store_read_begin(store_db *db, char digest[65], char err[POD_ERRLEN]) {
  db_stmt *st;
  pod_sha256 h;
  int rc;
  if (store_exec_dialect(db, D_BEGIN_READ) != SQLITE_OK)
    return store_fail(db, err);
  /* the reading connection's page cache, and its sorter's memory, which
  ** follows it: the 24 MiB an ingest wants (store_dialect D_OPEN) were
  ** ~24 MB of a render's peak per thread at 100,000 runs; a render reads
  ** a page once or twice, and SQLite's pages are in the system's cache */
  if (!db->pg) store_exec_raw(db, "PRAGMA cache_size = -512");
  if ((rc = store_stmt(db, Q_STATE, &st, err))) goto fail;
  pod_sha256_init(&h);
  while ((rc = db_step(st)) == SQLITE_ROW)
    for (int i = 0; i < db_column_count(st); i++) {
      const unsigned char *v = db_column_text(st, i);
      char type = (char)('0' + db_column_type(st, i));
      pod_sha256_update(&h, &type, 1);
      if (v) pod_sha256_update(&h, v, (size_t)db_column_bytes(st, i) + 1);
    }
  pod_sha256_hex(&h, digest);   /* releases h either way */
  if (rc != SQLITE_DONE) {
    rc = store_fail(db, err);
    goto fail;
  }
  db_reset(st);
  store_rows_free(db->boards_memo);
  store_rows_free(db->counts_memo);
  store_rows_free(db->envs_memo);
  db->boards_memo = db->counts_memo = db->envs_memo = NULL;
  store_read_forget(db);
  db->run_counts_read = 0;
  db->reading = 1;
  return POD_OK;
fail:
  store_exec_raw(db, "ROLLBACK");
  return rc;
}

void store_read_end(store_db *db) {
  if (db) {
    store_rows_free(db->boards_memo);
    store_rows_free(db->counts_memo);
    store_rows_free(db->envs_memo);
    db->boards_memo = db->counts_memo = db->envs_memo = NULL;
    store_read_forget(db);
    free(db->run_counts);
    db->run_counts = NULL;
    db->n_run_counts = db->cap_run_counts = 0;
    db->run_counts_read = 0;
    db->reading = 0;
  }
  if (db && store_in_tx(db))
    store_exec_raw(db, "COMMIT");
  if (db && !db->pg)   /* the cache an ingest wants, back */
    store_exec_dialect(db, D_OPEN);
}
