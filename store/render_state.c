/*
** store/render_state.c -- what an incremental render needs to know of
** each run beyond its row: which files feed it, with how many rows and
** the last of them (render/incr.c hashes these into the run page's
** fingerprint). Kept apart from query.c, whose statement table is
** another worker's; one statement, prepared once a render.
** Owns: nothing past a call.
*/
#include "store/store_int.h"

/* Per (run, source): measurements, tracker result lines, snapshots and
** curve points, each with its count, its largest id (tracker results
** have none: their largest line; curve points their last place) and the
** sum of its values (energy for the wide tables).
** A file added or replaced changes a run's rows; rows are never updated
** in place after their file's transaction. But SQLite gives new rows
** the largest ids again once those rows are deleted (an estimate made
** again: the same count, the same ids, the same data table as source),
** so the values, the lines and the notes' lengths are summed too, and
** the least and greatest note taken (an estimate for another GPU of the
** same TDP has the same values). One type per column on both backends. */
static const char feed_sql[] =
    "SELECT run_id, 1 AS kind, source_id, count(*) AS n, max(id) AS last, "
    "  coalesce(sum(value), 0.0) AS vsum, "
    "  coalesce(sum(length(method_note)), 0) AS notes, "
    "  coalesce(sum(line), 0) AS lines, "
    "  coalesce(min(method_note), '') AS note_lo, "
    "  coalesce(max(method_note), '') AS note_hi "
    "FROM measurements GROUP BY run_id, source_id "
    "UNION ALL SELECT run_id, 2, source_id, count(*), max(line), "
    "  coalesce(sum(energy_consumed), 0.0), 0, coalesce(sum(line), 0), '', '' "
    "FROM tracker_results GROUP BY run_id, source_id "
    "UNION ALL SELECT run_id, 3, source_id, count(*), max(id), "
    "  coalesce(sum(energy_consumed), 0.0), 0, coalesce(sum(line), 0), '', '' "
    "FROM samples GROUP BY run_id, source_id "
    "UNION ALL SELECT run_id, 4, source_id, CAST(sum(n) AS INTEGER), "
    "  max(first_point + n), sum(vsum), 0, coalesce(sum(line), 0), '', '' "
    "FROM curves GROUP BY run_id, source_id "
    "ORDER BY 1, 2, 3";

int store_each_run_feed(store_db *db, store_row_fn fn, void *ud,
                        char err[POD_ERRLEN]) {
  db_stmt *st;
  store_rows *rows = NULL;
  int rc;
  if (db->reading && db->feed_memo)   /* read already in this snapshot */
    return store_rows_each(db->feed_memo, fn, ud);
  if ((rc = store_prepare(db, feed_sql, &st, err))) return rc;
  if (db->reading) rows = store_rows_new();
  rc = store_walk(db, st, rows ? store_rows_add : fn, rows ? rows : ud, err);
  db_finalize(st);
  if (!rows) return rc;
  if (rc) {
    store_rows_free(rows);
    return rc;
  }
  db->feed_memo = rows;
  return store_rows_each(rows, fn, ud);
}
