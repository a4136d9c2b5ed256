/*
** store/snapshot.c -- several connections reading one state of the
** registry (issue 15: render threads each opened their own connection,
** and a writer committing in between gave them different registries).
**
** SQLite's snapshot API is not compiled into Debian's library, so a read
** transaction is named by a digest of the rows the render key is made of
** (Q_STATE: sources, runs, environments, metrics, the count and largest
** id of measurements and samples): connections whose digests agree read
** the same registry as far as a site can tell. A connection marked
** before another begins its read (store_read_mark) knows it without the
** digest: SQLite's data_version moves with any other connection's
** commit, so an unmoved one between the mark and its own read means no
** commit came between, and both read the one state.
*/
#include "store/store_int.h"
#include "core/sha256.h"

#include <string.h>

/* Begins a read transaction (its first read takes the state), with a
** reading connection's page cache and its sorters' memory, which follows
** it (down to SQLITE_CONFIG_PMASZ, store.c): the 24 MiB an ingest wants
** (store_dialect D_OPEN) were ~24 MB of a render's peak per thread at
** 100,000 runs; a render reads a page once or twice, and SQLite's pages
** are in the system's cache (128 KiB against 512: the same time after
** one new run, in a full render and at 100,000 runs; -1 MB of a
** 10,000-run render's peak RSS). 0 when it could not begin. */
static int begin_read(store_db *db) {
  if (store_exec_dialect(db, D_BEGIN_READ) != SQLITE_OK) return 0;
  if (!db->pg) store_exec_raw(db, "PRAGMA cache_size = -128");
  return 1;
}

int store_read_begin(store_db *db, int keep, char digest[65],
                     char err[POD_ERRLEN]) {
  db_stmt *st;
  pod_sha256 h;
  const char *names[64];
  store_value v[64];
  store_row row = {-1, names, v};
  store_rows *rows = keep ? store_rows_new() : NULL;
  int rc;
  if (!begin_read(db)) {
    store_rows_free(rows);
    return store_fail(db, err);
  }
  if ((rc = store_stmt(db, Q_STATE, &st, err))) goto fail;
  pod_sha256_init(&h);
  while ((rc = store_row_step(db, st, &row, names, err)) == 1) {
    /* the values as read (not the text SQLite would make of each: three
    ** more calls a value and a number printed, a tenth of a render after
    ** one new run at 10,000 runs) */
    store_row_digest(&row, &h);
    if (rows) store_rows_add(&row, rows);
  }
  pod_sha256_hex(&h, digest);   /* releases h either way */
  if (rc < 0) {
    rc = -rc;
    goto fail;
  }
  store_memos_drop(db);
  /* the rows the render keys read next (store_each_state): a second
  ** walk of them was a tenth of the keys' time */
  db->state_memo = rows;
  db->reading = 1;
  db->joined = 0;
  return POD_OK;
fail:
  store_rows_free(rows);
  store_exec_raw(db, "ROLLBACK");
  return rc;
}

int store_read_mark(store_db *db) {
  int64_t v;
  db->marked = 0;
  /* a server has no data_version; an immutable file's never moves, even
  ** when another writer commits (the digest still sees it) */
  if (db->pg || db->immutable || db->reading || store_in_tx(db)) return 0;
  if ((v = store_pragma_int(db, Q_DATA_VERSION)) < 0) return 0;
  db->mark_version = v;
  db->marked = 1;
  return 1;
}

int store_read_join(store_db *db) {
  int64_t v;
  if (db->reading) return db->joined;
  if (!db->marked) return 0;
  db->marked = 0;   /* once: a later read is another state */
  if (!begin_read(db)) return 0;
  /* in the transaction, the version of the state it reads (its first
  ** read begins it) */
  if ((v = store_pragma_int(db, Q_DATA_VERSION)) < 0 || v != db->mark_version) {
    store_exec_raw(db, "ROLLBACK");
    return 0;
  }
  store_memos_drop(db);
  db->reading = db->joined = 1;
  return 1;
}

int store_read_still(store_db *db) {
  int64_t v;
  if (!db->marked || !db->reading) return 0;
  db->marked = 0;
  v = store_pragma_int(db, Q_DATA_VERSION);
  return v >= 0 && v == db->mark_version;
}

static int ignore_row(const store_row *row, void *ud) {
  (void)row;
  (void)ud;
  return 0;
}

int store_read_prefetch(store_db *db, char err[POD_ERRLEN]) {
  int rc;
  if (!db->reading) return POD_EINTERNAL;
  if ((rc = store_each_run_feed(db, ignore_row, NULL, err))) return rc;
  return store_run_counts_complete(db, err);
}

int store_read_prefetch_boards(store_db *db, char err[POD_ERRLEN]) {
  if (!db->reading) return POD_EINTERNAL;
  return store_each_leaderboard(db, ignore_row, NULL, err);
}

void store_read_give(store_db *from, store_db *to) {
  if (!from->reading || !to->reading) return;
  if (!to->feed_memo) {
    to->feed_memo = from->feed_memo;
    from->feed_memo = NULL;
  }
  if (!to->boards_memo && !(from->borrowed & MEMO_BOARDS)) {
    to->boards_memo = from->boards_memo;
    from->boards_memo = NULL;
  }
  if (!to->run_counts_read && from->run_counts_read &&
      !(from->borrowed & MEMO_RUN_COUNTS)) {
    free(to->run_counts);
    to->run_counts = from->run_counts;
    to->n_run_counts = from->n_run_counts;
    to->cap_run_counts = from->cap_run_counts;
    to->run_counts_read = 1;
    to->run_counts_partial = from->run_counts_partial;
    from->run_counts = NULL;
    from->n_run_counts = from->cap_run_counts = 0;
    from->run_counts_read = from->run_counts_partial = 0;
  }
}

void store_memos_drop(store_db *db) {
  store_rows **memo[] = {&db->boards_memo, &db->counts_memo, &db->envs_memo};
  for (int i = 0; i < 3; i++) {
    if (!(db->borrowed & (1 << i))) store_rows_free(*memo[i]);
    *memo[i] = NULL;
  }
  store_read_forget(db);
  if (!(db->borrowed & MEMO_RUNS)) store_runs_memo_free(db->runs_memo);
  db->runs_memo = NULL;
  db->keep_runs = 0;
  if (db->borrowed & MEMO_RUN_COUNTS) {   /* never written through */
    db->run_counts = NULL;
    db->n_run_counts = db->cap_run_counts = 0;
  }
  db->run_counts_read = db->run_counts_partial = 0;
  db->borrowed = 0;
}

void store_read_lend(const store_db *from, store_memos *out) {
  memset(out, 0, sizeof *out);
  if (!from->reading) return;
  out->boards = from->boards_memo;
  out->counts = from->counts_memo;
  out->envs = from->envs_memo;
  out->runs = from->runs_memo;
  if (from->run_counts_read && !from->run_counts_partial) {
    out->run_counts = (const int64_t(*)[2])from->run_counts;
    out->n_run_counts = from->n_run_counts;
    out->run_counts_read = 1;
  }
}

void store_read_borrow(store_db *db, const store_memos *m) {
  store_rows **memo[] = {&db->boards_memo, &db->counts_memo, &db->envs_memo};
  const store_rows *const theirs[] = {m->boards, m->counts, m->envs};
  if (!db->reading) return;
  for (int i = 0; i < 3; i++)
    if (!*memo[i] && theirs[i]) {   /* walked only: never changed */
      *memo[i] = (store_rows *)theirs[i];
      db->borrowed |= 1 << i;
    }
  if (!db->runs_memo && m->runs) {
    db->runs_memo = (store_runs_memo *)m->runs;
    db->borrowed |= MEMO_RUNS;
  }
  if (!db->run_counts_read && m->run_counts_read) {
    if (!(db->borrowed & MEMO_RUN_COUNTS)) free(db->run_counts);
    db->run_counts = (int64_t(*)[2])m->run_counts;
    db->n_run_counts = db->cap_run_counts = m->n_run_counts;
    db->run_counts_read = 1;
    db->borrowed |= MEMO_RUN_COUNTS;
  }
}

void store_read_end(store_db *db) {
  if (db) {
    store_memos_drop(db);
    free(db->run_counts);   /* NULL when it was borrowed */
    db->run_counts = NULL;
    db->n_run_counts = db->cap_run_counts = 0;
    db->reading = db->joined = 0;
  }
  if (db && store_in_tx(db))
    store_exec_raw(db, "COMMIT");
  if (db && !db->pg)   /* the cache an ingest wants, back */
    store_exec_dialect(db, D_OPEN);
}
