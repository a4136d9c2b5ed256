/*
** store/check.c -- `podium check`: is the registry whole?
**
** Three looks, each from the same read transaction: SQLite's own
** (PRAGMA integrity_check: pages, indexes, b-trees), the references
** (PRAGMA foreign_key_check: a measurement whose run is gone), and
** podium's (every source still holds the rows it was ingested with: the
** distinct lines of its measurements, tracker results and samples number
** sources.rows;
** environment files, whose lines describe a machine, hold none), and
** on SQLite the types a hand edit can break (a value that is text).
** Reads only: a damaged registry is reported, never repaired.
*/
#include "store/store_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_LISTED 50   /* problems listed per look; the rest are counted */

static void problem(store_check_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void problem(store_check_result *r, const char *fmt, ...) {
  char line[1024];
  va_list ap;
  if (r->problems++ >= MAX_LISTED * 3) return;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  pod_buf_printf(&r->text, "%s\n", line);
}

/* Runs sql; each row goes to fn. A failing statement is a problem too:
** a damaged file often fails the look itself. */
static void look(store_db *db, store_check_result *r, const char *what,
                 const char *sql,
                 void (*fn)(store_check_result *, db_stmt *)) {
  db_stmt *st = NULL;
  char err[POD_ERRLEN];
  int rc;
  if (!sql) return;   /* a look this backend takes care of itself */
  if (store_prepare(db, sql, &st, err)) {
    problem(r, "%s failed: %s", what, err);
    return;
  }
  while ((rc = db_step(st)) == SQLITE_ROW) fn(r, st);
  if (rc != SQLITE_DONE) {
    store_fail(db, err);
    problem(r, "%s failed: %s", what, err);
  }
  db_finalize(st);
}

static const char *text(db_stmt *st, int i) {
  const unsigned char *t = db_column_text(st, i);
  return t ? (const char *)t : "NULL";
}

static void on_integrity(store_check_result *r, db_stmt *st) {
  if (strcmp(text(st, 0), "ok")) problem(r, "integrity: %s", text(st, 0));
}

static void on_foreign(store_check_result *r, db_stmt *st) {
  problem(r, "%s row %s refers to a missing %s row", text(st, 0),
          text(st, 1), text(st, 2));
}

static void on_source(store_check_result *r, db_stmt *st) {
  problem(r, "source %s (%s): ingested with %s rows, holds %s",
          text(st, 0), text(st, 1), text(st, 2), text(st, 3));
}

static void on_type(store_check_result *r, db_stmt *st) {
  problem(r, "%s row %s: %s is %s, expected %s", text(st, 0), text(st, 1),
          text(st, 2), text(st, 3), text(st, 4));
}

static void on_count(store_check_result *r, db_stmt *st) {
  r->sources = db_column_int64(st, 0);
  r->runs = db_column_int64(st, 1);
  r->measurements = db_column_int64(st, 2);
}

/* The lines a source fed: of its measurements, samples and (SQLite:
** PostgreSQL holds none, store/schema.c 7 -> 8) curve chunks' points,
** and, in one pass over tracker_results (no index by source), its lines
** that are no sample's or measurement's line already. held is compared
** outside: PostgreSQL knows no alias in WHERE. */
#define CURVE_LINES                                                        \
  " UNION SELECT j.value ->> 7 FROM curves c, json_each(c.points) j "      \
  "WHERE c.source_id = s.id"
#define SOURCE_ROWS(X)                                                     \
  "SELECT id, path, rows, held FROM (SELECT s.id AS id, s.path AS path,"   \
  "  s.rows - s.valueless AS rows, (SELECT count(*) FROM ("                \
  "  SELECT line FROM measurements WHERE source_id = s.id UNION "          \
  "  SELECT line FROM samples WHERE source_id = s.id" X ") AS l) + "       \
  "  coalesce(ws.n, 0) AS held "                                           \
  "FROM sources s LEFT JOIN (SELECT w.source_id AS source_id, "            \
  "  count(*) AS n FROM tracker_results w WHERE NOT EXISTS (SELECT 1 "     \
  "  FROM samples x WHERE x.run_id = w.run_id AND x.source_id = "          \
  "  w.source_id AND x.line = w.line) AND NOT EXISTS (SELECT 1 FROM "      \
  "  measurements m WHERE m.run_id = w.run_id AND m.source_id = "          \
  "  w.source_id AND m.line = w.line) GROUP BY w.source_id) ws "           \
  "  ON ws.source_id = s.id "                                              \
  "WHERE coalesce(s.format_version, '') NOT LIKE 'env_info%') AS c "       \
  "WHERE held <> rows LIMIT 50"

int store_check(store_db *db, store_check_result *r, char err[POD_ERRLEN]) {
  memset(r, 0, sizeof *r);
  r->text = (pod_buf)POD_BUF_INIT;
  if (store_exec_dialect(db, D_BEGIN_READ) != SQLITE_OK)
    return store_fail(db, err);
  look(db, r, "PRAGMA integrity_check", store_dialect[D_INTEGRITY][db->pg != NULL],
       on_integrity);
  look(db, r, "PRAGMA foreign_key_check",
       store_dialect[D_FOREIGN][db->pg != NULL], on_foreign);
  look(db, r, "the rows of each source",
       db->pg ? SOURCE_ROWS("") : SOURCE_ROWS(CURVE_LINES), on_source);
  /* what SQLite's column types let through from a hand edit (a REAL
  ** column holds the text 'abc'; a CHECK left out by sqlite3's
  ** ignore_check_constraints): a render would fail on them. A server's
  ** columns are typed. */
  look(db, r, "the values' types", db->pg ? NULL :
       "SELECT 'measurements', id, 'value', quote(value), 'a number' "
       "FROM measurements WHERE typeof(value) NOT IN ('real', 'integer') "
       "UNION ALL SELECT 'runs', id, 'role', quote(role), "
       "'baseline, optimized or NULL' FROM runs WHERE role IS NOT NULL "
       "AND role NOT IN ('baseline', 'optimized') LIMIT 50", on_type);
  look(db, r, "counting",
       "SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM runs),"
       " (SELECT count(*) FROM measurements) + (SELECT coalesce(sum("
       WIDE_CELLS "), 0) FROM tracker_results w) + (SELECT CAST(coalesce("
       "sum(n), 0) AS INTEGER) FROM curves)", on_count);
  store_exec_raw(db, "COMMIT");
  return POD_OK;
}

void store_check_free(store_check_result *r) { pod_buf_free(&r->text); }
