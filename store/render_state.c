/*
** store/render_state.c -- what an incremental render needs to know of
** each run beyond its row: which files feed it, with how many rows and
** the last of them (render/incr.c hashes these into the run page's
** fingerprint). Kept apart from query.c, whose statement table is
** another worker's; its statements are prepared on each walk, which the
** snapshot's memo makes once a render.
** Owns: nothing past a call.
*/
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

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
** same TDP has the same values).
**
** On SQLite the rows are grouped here, not by SQL: every render reads
** them, and SQLite's GROUP BY sorted all of them in a temporary B-tree
** first (60 of a 10,000-run registry's 66 ms). Each table is read in the
** order of an index (by run, then a fixed order within it, so sums come
** out the same every time), the four side by side, one run at a time:
** the memory is one run's parts. Every query's columns: run, source,
** count, last, value, line, note. PostgreSQL groups them itself
** (pg_feed_sql): a result is read whole there (db_pg.c), and every row
** of the four tables at once was 163 MB and 2 s at 1,000,000
** measurements. Both give the same columns, integers as integers; a
** note's length is in characters and notes compare byte by byte. */
/* The last column is what the row adds to its run's count of
** measurements (Q_RUN_COUNTS), taken on the way (feed_walk); but a
** tracker row's cells, which a render that finds nothing changed would
** count for nothing (+5 ms at 10,000 CodeCarbon runs): those are added
** when the counts are first needed (store_run_counts_complete). */
static const char *const feed_sql[] = {
    "SELECT run_id, source_id, 1, id, value, line, method_note, 1 "
    "FROM measurements ORDER BY run_id, id",
    "SELECT run_id, source_id, 1, line, energy_consumed, line, NULL, 0 "
    "FROM tracker_results ORDER BY run_id, source_id, line",
    "SELECT run_id, source_id, 1, id, energy_consumed, line, NULL, 0 "
    "FROM samples ORDER BY run_id, step, id",
    "SELECT run_id, source_id, n, first_point + n, vsum, line, NULL, n "
    "FROM curves ORDER BY run_id, source_id, first_point",
};
enum { N_FEED = sizeof feed_sql / sizeof *feed_sql };

static const char pg_feed_sql[] =
    "SELECT run_id, 1 AS kind, source_id, count(*) AS n, max(id) AS last, "
    "  coalesce(sum(value), 0.0) AS vsum, "
    "  CAST(coalesce(sum(length(method_note)), 0) AS BIGINT) AS notes, "
    "  CAST(coalesce(sum(line), 0) AS BIGINT) AS lines, "
    "  coalesce(min(method_note COLLATE \"C\"), '') AS note_lo, "
    "  coalesce(max(method_note COLLATE \"C\"), '') AS note_hi "
    "FROM measurements GROUP BY run_id, source_id "
    "UNION ALL SELECT run_id, 2, source_id, count(*), max(line), "
    "  coalesce(sum(energy_consumed), 0.0), 0, "
    "  CAST(coalesce(sum(line), 0) AS BIGINT), '', '' "
    "FROM tracker_results GROUP BY run_id, source_id "
    "UNION ALL SELECT run_id, 3, source_id, count(*), max(id), "
    "  coalesce(sum(energy_consumed), 0.0), 0, "
    "  CAST(coalesce(sum(line), 0) AS BIGINT), '', '' "
    "FROM samples GROUP BY run_id, source_id "
    "UNION ALL SELECT run_id, 4, source_id, CAST(sum(n) AS BIGINT), "
    "  max(first_point + n), coalesce(sum(vsum), 0.0), 0, "
    "  CAST(coalesce(sum(line), 0) AS BIGINT), '', '' "
    "FROM curves GROUP BY run_id, source_id "
    "ORDER BY 1, 2, 3";

/* Characters of UTF-8 text s (SQL's length()). */
static int64_t utf8_chars(const char *s) {
  int64_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

typedef struct part {   /* one (run, source) of one table, summed */
  int64_t source, seq, n, last, notes, lines;
  double vsum;
  char *lo, *hi;        /* least and greatest note, owned; NULL: none */
} part;

typedef struct feed {
  store_db *db;
  db_stmt *st[N_FEED];
  int live[N_FEED];     /* 1: st[k] is on a row */
  part *parts;          /* the current run's, of one table */
  size_t n, cap;
  int64_t count;        /* the current run's measurements */
  char *err;
} feed;

static int feed_step(feed *f, int k) {
  int r = db_step(f->st[k]);
  f->live[k] = r == SQLITE_ROW;
  if (r == SQLITE_ROW || r == SQLITE_DONE) return POD_OK;
  return store_fail(f->db, f->err);
}

static void note_minmax(char **lo, char **hi, const char *s) {
  if (!*lo || strcmp(s, *lo) < 0) {
    free(*lo);
    *lo = pod_xstrdup(s);
  }
  if (!*hi || strcmp(s, *hi) > 0) {
    free(*hi);
    *hi = pod_xstrdup(s);
  }
}

/* b into a (b came later: its sums go after a's) */
static void part_merge(part *a, part *b) {
  a->n += b->n;
  if (b->last > a->last) a->last = b->last;
  a->notes += b->notes;
  a->lines += b->lines;
  a->vsum += b->vsum;
  if (b->lo) note_minmax(&a->lo, &a->hi, b->lo);
  if (b->hi) note_minmax(&a->lo, &a->hi, b->hi);
  free(b->lo);
  free(b->hi);
}

static int part_cmp(const void *x, const void *y) {
  const part *a = x, *b = y;
  if (a->source != b->source) return a->source < b->source ? -1 : 1;
  return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Table k's rows of run, summed per source, to fn in source order. */
static int feed_run(feed *f, int k, int64_t run, store_row_fn fn, void *ud) {
  static const char *const names[] = {"run_id", "kind", "source_id", "n",
      "last", "vsum", "notes", "lines", "note_lo", "note_hi"};
  db_stmt *st = f->st[k];
  store_value v[10];
  store_row row = {10, names, v};
  size_t n = 0;
  int rc = POD_OK;
  f->n = 0;
  while (f->live[k] && db_column_int64(st, 0) == run) {
    int64_t source = db_column_int64(st, 1);
    const char *note = (const char *)db_column_text(st, 6);
    part *p;
    /* a file's rows of a run come together: the last part, mostly */
    if (!f->n || f->parts[f->n - 1].source != source) {
      if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 8;
        f->parts = pod_xrealloc(f->parts, f->cap * sizeof *f->parts);
      }
      p = &f->parts[f->n];
      memset(p, 0, sizeof *p);
      p->source = source;
      p->seq = (int64_t)f->n++;
      p->last = INT64_MIN;
    }
    p = &f->parts[f->n - 1];
    p->n += db_column_int64(st, 2);
    if (db_column_int64(st, 3) > p->last) p->last = db_column_int64(st, 3);
    if (db_column_type(st, 4) != SQLITE_NULL) p->vsum += db_column_double(st, 4);
    p->lines += db_column_int64(st, 5);
    f->count += db_column_int64(st, 7);
    if (note) {
      p->notes += utf8_chars(note);
      note_minmax(&p->lo, &p->hi, note);
    }
    if ((rc = feed_step(f, k))) break;
  }
  if (f->n > 1) {   /* a source's parts together, in the order they came */
    qsort(f->parts, f->n, sizeof *f->parts, part_cmp);
    for (size_t i = 1; i < f->n; i++)
      if (f->parts[i].source == f->parts[n].source)
        part_merge(&f->parts[n], &f->parts[i]);
      else
        f->parts[++n] = f->parts[i];
  }
  if (f->n) n++;
  for (size_t i = 0; i < n; i++) {
    part *p = &f->parts[i];
    int64_t ints[8] = {run, k + 1, p->source, p->n, p->last, 0, p->notes,
                       p->lines};
    for (int c = 0; c < 8; c++) {
      v[c].type = STORE_INT;
      v[c].i = ints[c];
      v[c].d = (double)ints[c];
      v[c].s = NULL;
    }
    v[5].type = STORE_REAL;
    v[5].i = 0;
    v[5].d = p->vsum;
    v[8].type = v[9].type = STORE_TEXT;
    v[8].s = p->lo ? p->lo : "";
    v[9].s = p->hi ? p->hi : "";
    if (rc == POD_OK) rc = fn(&row, ud);
    free(p->lo);
    free(p->hi);
  }
  return rc;
}

/* Every (run, kind, source) in that order, to fn. Inside a snapshot
** that has not read them yet, each run's count of measurements is taken
** on the way: it is the same rows, and Q_RUN_COUNTS grouped them again
** in a temporary B-tree (11 ms of the 10,000-run study's render). */
static int feed_walk(store_db *db, store_row_fn fn, void *ud,
                     char err[POD_ERRLEN]) {
  feed f;
  int rc = POD_OK, counts = db->reading && !db->run_counts_read;
  if (db->pg) {
    db_stmt *st;
    if ((rc = store_prepare(db, pg_feed_sql, &st, err))) return rc;
    rc = store_walk(db, st, fn, ud, err);
    db_finalize(st);
    return rc;
  }
  memset(&f, 0, sizeof f);
  f.db = db;
  f.err = err;
  if (counts) db->n_run_counts = 0;
  for (int k = 0; k < N_FEED && rc == POD_OK; k++)
    if ((rc = store_prepare(db, feed_sql[k], &f.st[k], err)) == POD_OK)
      rc = feed_step(&f, k);
  while (rc == POD_OK) {
    int64_t run = INT64_MAX;
    int any = 0;
    for (int k = 0; k < N_FEED; k++)
      if (f.live[k] && (!any || db_column_int64(f.st[k], 0) < run)) {
        run = db_column_int64(f.st[k], 0);
        any = 1;
      }
    if (!any) break;
    f.count = 0;
    for (int k = 0; k < N_FEED && rc == POD_OK; k++)
      if (f.live[k] && db_column_int64(f.st[k], 0) == run)
        rc = feed_run(&f, k, run, fn, ud);
    if (counts && f.count)   /* Q_RUN_COUNTS' rows: the runs with any */
      store_counts_put(&db->run_counts, &db->n_run_counts,
                       &db->cap_run_counts, run, f.count);
  }
  if (counts && rc == POD_OK) db->run_counts_read = db->run_counts_partial = 1;
  else if (counts) db->n_run_counts = 0;
  for (int k = 0; k < N_FEED; k++) db_finalize(f.st[k]);
  free(f.parts);
  return rc;
}

int store_each_run_feed(store_db *db, store_row_fn fn, void *ud,
                        char err[POD_ERRLEN]) {
  store_rows *rows;
  int rc;
  if (db->reading && db->feed_memo)   /* read already in this snapshot */
    return store_rows_each(db->feed_memo, fn, ud);
  if (!db->reading) return feed_walk(db, fn, ud, err);
  rows = store_rows_new();
  if ((rc = feed_walk(db, store_rows_add, rows, err))) {
    store_rows_free(rows);
    return rc;
  }
  db->feed_memo = rows;
  return store_rows_each(rows, fn, ud);
}
