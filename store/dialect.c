/*
** store/dialect.c -- the SQL that differs between SQLite and PostgreSQL
** (issue 16), in one place. Everything else is written once, SQLite's
** way, and rewritten by the PostgreSQL driver (db_pg.c, pg_translate).
*/
#include "store/store_int.h"

#include <string.h>

/* Writers take one lock, as SQLite's BEGIN IMMEDIATE does: ingest reads
** before it writes (is this sha256 known? which environment is this?),
** and two such transactions interleaved would both add the same
** environment or metric. Readers never wait for it. */
#define PG_WRITE_LOCK "7370916017"   /* "podium" */

const char *const store_dialect[D_COUNT_][2] = {
  [D_OPEN] = {
      "PRAGMA foreign_keys = ON;"
      "PRAGMA synchronous = NORMAL;"
      /* 24 MiB of page cache: a bulk ingest's index pages stay in
      ** memory instead of being re-read (peak RSS stays < 64 MB) */
      "PRAGMA cache_size = -24576;",
      /* extra_float_digits: every float8 as text that reads back as it
      ** (servers before 12 print 15 digits by default; 12+ print the
      ** shortest exact form for any value over 0): a value read back is
      ** the value stored, and so is the cell pod_num_repr prints from it */
      "SET client_min_messages = warning; SET client_encoding = 'UTF8'; "
      "SET extra_float_digits = 3"},
  [D_BEGIN_WRITE] = {
      "BEGIN IMMEDIATE",
      "BEGIN; SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")"},
  [D_BEGIN_READ] = {
      "BEGIN",
      "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"},
  [D_TABLES] = {
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
      "LIKE 'sqlite_%' ORDER BY name",
      "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
      "ORDER BY 1"},
  [D_INTEGRITY] = {"PRAGMA integrity_check(50)", NULL},
  [D_FOREIGN] = {
      "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check "
      "LIMIT 50", NULL},
  [D_EXPLAIN] = {"EXPLAIN QUERY PLAN %s", "EXPLAIN %s"},
};

/* The render key's rows: PostgreSQL wants one type per column of a
** UNION, so every value is text here (the digest compares connections of
** one registry, never the two backends). */
static const char *const pg_state =
    "SELECT 's' AS t, id::text, path, sha256, rows::text, format, "
    "  format_version, ingested_at, NULL, NULL, NULL, NULL, NULL "
    "FROM sources "
    "UNION ALL SELECT 'r', id::text, name, project, model, variant, role, "
    "  dataset, task, scope, environment_id::text, tags, created_at "
    "FROM runs "
    "UNION ALL SELECT 'e', id::text, fingerprint, extras, NULL, NULL, NULL, "
    "  NULL, NULL, NULL, NULL, NULL, NULL FROM environments "
    "UNION ALL SELECT 'm', id::text, name, unit, direction::text, NULL, "
    "  NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM metrics "
    "UNION ALL SELECT 'v', count(*)::text, coalesce(max(id), 0)::text, "
    "  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
    "FROM measurements "
    "UNION ALL SELECT 'x', count(*)::text, coalesce(max(id), 0)::text, "
    "  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
    "FROM samples "
    "UNION ALL SELECT 'w', count(*)::text, coalesce(max(run_id), 0)::text, "
    "  coalesce(sum(line), 0)::text, NULL, NULL, NULL, NULL, NULL, NULL, "
    "  NULL, NULL, NULL FROM tracker_results "
    "UNION ALL SELECT 'c', count(*)::text, coalesce(sum(n), 0)::text, "
    "  coalesce(sum(line), 0)::text, coalesce(sum(vsum), 0)::text, NULL, "
    "  NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM curves";

const char *store_pg_override(int q) {
  return q == Q_STATE                  ? pg_state
         : q == Q_CURVE_POINTS         ? store_curve_points_pg
         : q == Q_RUNS_WITHOUT_RESULTS ? store_runs_without_results_pg
                                       : NULL;
}

/* Nothing references measurements, samples or tracker_results (a new
** table that is referenced must not be listed here). */
const char *const store_pg_leaves[] = {"measurements", "samples",
                                       "tracker_results", NULL};

/* Foreign keys point from later to earlier tables here: runs at
** environments, measurements and samples at runs, metrics and sources. */
const char *const store_pg_copy_order[] = {
    "environments", "sources", "metrics", "runs", "measurements", "samples",
    "tracker_results", NULL};

/* Pieces of store_sql[] PostgreSQL refuses as they are, replaced before
** the rewrite: a board groups by m.run_id and shows r's columns, which
** PostgreSQL allows only when grouped by r's key. */
static const char *const pg_patches[][2] = {
  {"GROUP BY m.run_id, m.batch_size", "GROUP BY r.id, m.run_id, m.batch_size"},
};

char *store_pg_patch(const char *sql) {
  pod_buf b = POD_BUF_INIT;
  pod_buf_adds(&b, sql);
  for (size_t i = 0; i < sizeof pg_patches / sizeof *pg_patches; i++) {
    char *at = strstr(b.data, pg_patches[i][0]);
    if (at) {
      pod_buf n = POD_BUF_INIT;
      pod_buf_add(&n, b.data, (size_t)(at - b.data));
      pod_buf_adds(&n, pg_patches[i][1]);
      pod_buf_adds(&n, at + strlen(pg_patches[i][0]));
      pod_buf_free(&b);
      b = n;
    }
  }
  return b.data;
}
