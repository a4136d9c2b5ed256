/*
** store/copy.c -- `podium copy`: a registry's files moved into another
** (SQLite to PostgreSQL and back, issue 16), with their provenance.
**
** The unit is a source, as in ingest: each source the target lacks (by
** sha256) goes in one transaction of its own, with the runs, metrics,
** measurements, samples and tracker lines it brought; a source the target
** has is skipped, so a copy run twice, or again after an interruption, adds
** nothing twice. Environments go first, all of them (an env_info file
** describes a machine and feeds no run). Rows keep their text: paths,
** sha256, ingested_at, created_at. Ids are the target's own, given in
** the source's order, so a copy into an empty registry numbers runs and
** sources as the original did (when it has no gaps).
**
** A run fed by two files stays one run: its rows of the other file, if
** the target has that file already (an earlier, interrupted copy), name
** the target's run (by sha256 and line); else it is a new run. Fields do
** not tell runs apart: CodeCarbon repeats are alike to the second.
*/
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

enum {
  C_ENVS, C_ENV_FIND, C_ENV_ADD, C_SOURCES, C_SOURCE_ADD, C_RUN_GET,
  C_RUN_FILES, C_RUN_AT, C_RUN_ADD, C_METRICS, C_METRIC_GET, C_MEAS,
  C_MEAS_ADD, C_SAMPLES, C_SAMPLE_ADD, C_TRACKERS, C_TRACKER_ADD, C_COUNT_
};

#define ENV_COLS                                                           \
  "fingerprint, cpu_model, cpu_count, ram_bytes, gpu_model, gpu_count, "   \
  "gpu_memory_bytes, gpu_power_w, os, python_version, framework, "         \
  "framework_version, country, region, cloud_provider, cloud_region, "     \
  "pue, tracking_mode, extras"
#define SAMPLE_COLS                                                        \
  "duration, emissions, emissions_rate, cpu_power, gpu_power, ram_power, " \
  "cpu_energy, gpu_energy, ram_energy, energy_consumed, water_consumed, "  \
  "cpu_utilization, gpu_utilization, ram_utilization, ram_used"

/* A source's measurements; from SQLite, its curve chunks' points too, as
** the rows they stand for, first (the target writes them as rows: a
** server registry holds no chunks, store/schema.c 7 -> 8). */
#define MEAS_COLS                                                          \
  "run_id, metric_id, value, batch_size, sequence_length, epoch, step, "   \
  "split, line, raw_value, raw_unit, method, method_note, derived, "       \
  "at_epoch, of_epochs"
static const char meas_and_curves[] =
    "SELECT * FROM (SELECT c.run_id, j.value ->> 0, j.value ->> 4, NULL, "
    "  NULL, j.value ->> 2, j.value ->> 3, j.value ->> 1, j.value ->> 7, "
    "  " CURVE_RAW ", j.value ->> 6, NULL, NULL, NULL, NULL, NULL, 0 AS o, "
    "  c.first_point + j.key AS k FROM curves c, json_each(c.points) j "
    "  WHERE c.source_id = ?1 UNION ALL SELECT " MEAS_COLS ", 1, id FROM "
    "measurements WHERE source_id = ?1) ORDER BY o, 1, k";

static const char *const copy_sql[C_COUNT_] = {
  [C_ENVS] = "SELECT id, " ENV_COLS " FROM environments ORDER BY id",
  [C_ENV_FIND] = "SELECT id FROM environments WHERE fingerprint = ?1",
  [C_ENV_ADD] =
      "INSERT INTO environments (" ENV_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, "
      "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
  [C_SOURCES] =
      "SELECT id, path, sha256, format, format_version, bytes, rows, "
      "ingested_at, valueless FROM sources ORDER BY id",
  [C_SOURCE_ADD] =
      "INSERT INTO sources (path, sha256, format, format_version, bytes, "
      "rows, ingested_at, valueless) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [C_RUN_GET] =
      "SELECT name, project, model, variant, role, dataset, task, scope, "
      "environment_id, tags, created_at FROM runs WHERE id = ?1",
  /* a line of each file that fed the run */
  [C_RUN_FILES] =
      "SELECT s.sha256, min(x.line) FROM (SELECT source_id, line FROM "
      "measurements WHERE run_id = ?1 UNION ALL SELECT source_id, line "
      "FROM samples WHERE run_id = ?1 UNION ALL SELECT source_id, line "
      "FROM tracker_results WHERE run_id = ?1 UNION ALL SELECT source_id, "
      "line FROM curves WHERE run_id = ?1) x JOIN sources s ON "
      "s.id = x.source_id GROUP BY s.sha256",
  /* the run that line of that file fed */
  [C_RUN_AT] =
      "SELECT m.run_id FROM measurements m JOIN sources s ON "
      "s.id = m.source_id WHERE s.sha256 = ?1 AND m.line = ?2 UNION ALL "
      "SELECT x.run_id FROM samples x JOIN sources s ON s.id = x.source_id "
      "WHERE s.sha256 = ?1 AND x.line = ?2 UNION ALL "
      "SELECT w.run_id FROM tracker_results w JOIN sources s ON "
      "s.id = w.source_id WHERE s.sha256 = ?1 AND w.line = ?2 UNION ALL "
      "SELECT c.run_id FROM curves c JOIN sources s ON s.id = c.source_id "
      "WHERE s.sha256 = ?1 AND c.line = ?2 LIMIT 1",
  [C_RUN_ADD] =
      "INSERT INTO runs (name, project, model, variant, role, dataset, "
      "task, scope, environment_id, tags, created_at) VALUES (?1, ?2, ?3, "
      "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
  [C_METRICS] = "SELECT id FROM metrics ORDER BY id",
  [C_METRIC_GET] = "SELECT name, unit, direction FROM metrics WHERE id = ?1",
  [C_MEAS] = "SELECT " MEAS_COLS " FROM measurements WHERE source_id = ?1 "
             "ORDER BY id",
  [C_MEAS_ADD] =
      "INSERT INTO measurements (run_id, metric_id, value, batch_size, "
      "sequence_length, epoch, step, split, source_id, line, raw_value, "
      "raw_unit, method, method_note, derived, at_epoch, of_epochs) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
      "?16, ?17)",
  [C_SAMPLES] =
      "SELECT run_id, step, line, " SAMPLE_COLS " FROM samples WHERE "
      "source_id = ?1 ORDER BY id",
  [C_SAMPLE_ADD] =
      "INSERT INTO samples (run_id, step, source_id, line, " SAMPLE_COLS
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
      "?14, ?15, ?16, ?17, ?18, ?19)",
  /* a tracker's result lines (store/schema.c, 5 -> 6); the scan by
  ** source is a copy's only read of them */
  [C_TRACKERS] =
      "SELECT run_id, line, cpu_method, method" TRACKER_COLUMNS(TRACKER_NAMES)
      " FROM tracker_results WHERE source_id = ?1 ORDER BY run_id, line",
  [C_TRACKER_ADD] =
      "INSERT INTO tracker_results (run_id, source_id, line, cpu_method, "
      "method" TRACKER_COLUMNS(TRACKER_NAMES) ") VALUES (?1, ?2, ?3, ?4, ?5, "
      "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
      "?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, "
      "?33, ?34, ?35)",
};

/* Ids of one table in `from` -> ids in `to`. */
typedef struct idmap {
  int64_t *from, *to;
  size_t n, cap;
} idmap;

static int64_t idmap_get(const idmap *m, int64_t id) {
  for (size_t i = m->n; i-- > 0;)   /* recent ids are asked most */
    if (m->from[i] == id) return m->to[i];
  return 0;
}

static void idmap_put(idmap *m, int64_t from, int64_t to) {
  if (m->n == m->cap) {
    m->cap = m->cap ? 2 * m->cap : 64;
    m->from = pod_xrealloc(m->from, m->cap * sizeof *m->from);
    m->to = pod_xrealloc(m->to, m->cap * sizeof *m->to);
  }
  m->from[m->n] = from;
  m->to[m->n++] = to;
}

static void idmap_free(idmap *m) {
  free(m->from);
  free(m->to);
}

typedef struct copier {
  store_db *from, *to;
  db_stmt *st[C_COUNT_];   /* C_ENVS, C_SOURCES, *_GET, C_MEAS, C_SAMPLES
                           ** on from; the others on to */
  idmap envs, runs, metrics;
  char *err;
} copier;

static int on_to(int q) {
  return q == C_ENV_FIND || q == C_ENV_ADD || q == C_SOURCE_ADD ||
         q == C_RUN_AT || q == C_RUN_ADD || q == C_MEAS_ADD ||
         q == C_SAMPLE_ADD || q == C_TRACKER_ADD;
}

/* The statement q, reset, bindings cleared. */
static int stmt(copier *c, int q, db_stmt **out) {
  store_db *db = on_to(q) ? c->to : c->from;
  int rc;
  const char *sql = q == C_MEAS && !db->pg ? meas_and_curves : copy_sql[q];
  if (!c->st[q] && (rc = store_prepare(db, sql, &c->st[q], c->err)))
    return rc;
  db_reset(c->st[q]);
  db_clear_bindings(c->st[q]);
  *out = c->st[q];
  return POD_OK;
}

/* Column i of a row of src as parameter k of dst, with its type. */
static void bind_col(db_stmt *dst, int k, db_stmt *src, int i) {
  switch (db_column_type(src, i)) {
  case SQLITE_INTEGER: db_bind_int64(dst, k, db_column_int64(src, i)); break;
  case SQLITE_FLOAT: db_bind_double(dst, k, db_column_double(src, i)); break;
  case SQLITE_NULL: db_bind_null(dst, k); break;
  default: db_bind_text(dst, k, (const char *)db_column_text(src, i));
  }
}

/* Steps an insert of `to`; *id its new id when id is given. */
static int insert(copier *c, db_stmt *st, int64_t *id) {
  int r = st->pg ? pgs_step(st->pg, id) : db_step(st);
  if (r != SQLITE_DONE) return store_fail(c->to, c->err);
  if (id && !st->pg) *id = sqlite3_last_insert_rowid(c->to->conn);
  return POD_OK;
}

/* One lookup of `to` answering an id, 0 when no row. */
static int find(copier *c, db_stmt *st, int64_t *id) {
  int r = db_step(st);
  *id = r == SQLITE_ROW ? db_column_int64(st, 0) : 0;
  if (r != SQLITE_ROW && r != SQLITE_DONE) return store_fail(c->to, c->err);
  db_reset(st);
  return POD_OK;
}

static int copy_envs(copier *c) {
  db_stmt *all, *f, *add;
  int rc, r;
  if ((rc = stmt(c, C_ENVS, &all))) return rc;
  while ((r = db_step(all)) == SQLITE_ROW) {
    int64_t id;
    if ((rc = stmt(c, C_ENV_FIND, &f))) return rc;
    bind_col(f, 1, all, 1);
    if ((rc = find(c, f, &id))) return rc;
    if (!id) {
      if ((rc = stmt(c, C_ENV_ADD, &add))) return rc;
      for (int k = 1; k <= 19; k++) bind_col(add, k, all, k);
      if ((rc = insert(c, add, &id))) return rc;
    }
    idmap_put(&c->envs, db_column_int64(all, 0), id);
  }
  if (r != SQLITE_DONE) return store_fail(c->from, c->err);
  return POD_OK;
}

/* The run of `to` that is run `id` of `from`, made when missing. */
static int map_run(copier *c, int64_t id, int64_t *out) {
  db_stmt *files, *at, *get, *add;
  int rc, r;
  if ((*out = idmap_get(&c->runs, id))) return POD_OK;
  if ((rc = stmt(c, C_RUN_FILES, &files))) return rc;
  db_bind_int64(files, 1, id);
  while (!*out && (r = db_step(files)) == SQLITE_ROW) {
    if ((rc = stmt(c, C_RUN_AT, &at))) return rc;
    bind_col(at, 1, files, 0);
    bind_col(at, 2, files, 1);
    if ((rc = find(c, at, out))) return rc;
  }
  db_reset(files);
  if (!*out) {
    if ((rc = stmt(c, C_RUN_GET, &get)) || (rc = stmt(c, C_RUN_ADD, &add)))
      return rc;
    db_bind_int64(get, 1, id);
    if (db_step(get) != SQLITE_ROW) return store_fail(c->from, c->err);
    for (int k = 0; k < 11; k++) bind_col(add, k + 1, get, k);
    if (db_column_type(get, 8) != SQLITE_NULL) {   /* as `to` numbers it */
      int64_t e = idmap_get(&c->envs, db_column_int64(get, 8));
      if (e) db_bind_int64(add, 9, e);
      else db_bind_null(add, 9);
    }
    rc = insert(c, add, out);
    db_reset(get);
    if (rc) return rc;
  }
  idmap_put(&c->runs, id, *out);
  return POD_OK;
}

/* The metric of `to` named as metric `id` of `from` (added when new). */
static int map_metric(copier *c, int64_t id, int64_t *out) {
  db_stmt *get;
  int rc;
  if ((*out = idmap_get(&c->metrics, id))) return POD_OK;
  if ((rc = stmt(c, C_METRIC_GET, &get))) return rc;
  db_bind_int64(get, 1, id);
  if (db_step(get) != SQLITE_ROW) return store_fail(c->from, c->err);
  rc = store_metric_id(c->to, (const char *)db_column_text(get, 0),
                       (const char *)db_column_text(get, 1),
                       db_column_int(get, 2), out, c->err);
  db_reset(get);
  if (!rc) idmap_put(&c->metrics, id, *out);
  return rc;
}

/* The rows of source `id` of `from` into `to`, as source `to_id`. */
static int copy_rows(copier *c, int64_t id, int64_t to_id) {
  db_stmt *rows, *add;
  int rc, r;
  if ((rc = stmt(c, C_MEAS, &rows))) return rc;
  db_bind_int64(rows, 1, id);
  while ((r = db_step(rows)) == SQLITE_ROW) {
    int64_t run, metric;
    if ((rc = map_run(c, db_column_int64(rows, 0), &run)) ||
        (rc = map_metric(c, db_column_int64(rows, 1), &metric)) ||
        (rc = stmt(c, C_MEAS_ADD, &add)))
      return rc;
    db_bind_int64(add, 1, run);
    db_bind_int64(add, 2, metric);
    for (int k = 2; k < 8; k++) bind_col(add, k + 1, rows, k);
    db_bind_int64(add, 9, to_id);
    for (int k = 8; k < 16; k++) bind_col(add, k + 2, rows, k);
    if ((rc = insert(c, add, NULL))) return rc;
  }
  if (r != SQLITE_DONE) return store_fail(c->from, c->err);
  if ((rc = stmt(c, C_SAMPLES, &rows))) return rc;
  db_bind_int64(rows, 1, id);
  while ((r = db_step(rows)) == SQLITE_ROW) {
    int64_t run;
    if ((rc = map_run(c, db_column_int64(rows, 0), &run)) ||
        (rc = stmt(c, C_SAMPLE_ADD, &add)))
      return rc;
    db_bind_int64(add, 1, run);
    bind_col(add, 2, rows, 1);
    db_bind_int64(add, 3, to_id);
    for (int k = 2; k < 3 + STORE_SAMPLE_N; k++) bind_col(add, k + 2, rows, k);
    if ((rc = insert(c, add, NULL))) return rc;
  }
  if (r != SQLITE_DONE) return store_fail(c->from, c->err);
  if ((rc = stmt(c, C_TRACKERS, &rows))) return rc;
  db_bind_int64(rows, 1, id);
  while ((r = db_step(rows)) == SQLITE_ROW) {
    int64_t run;
    if ((rc = map_run(c, db_column_int64(rows, 0), &run)) ||
        (rc = stmt(c, C_TRACKER_ADD, &add)))
      return rc;
    db_bind_int64(add, 1, run);
    db_bind_int64(add, 2, to_id);
    for (int k = 1; k < 4 + 2 * STORE_SAMPLE_N; k++)
      bind_col(add, k + 2, rows, k);
    if ((rc = insert(c, add, NULL))) return rc;
  }
  if (r != SQLITE_DONE) return store_fail(c->from, c->err);
  return POD_OK;
}

/* Every metric, in `from`'s order, before any source: the tracker lines'
** metrics are named by no row, and a copy into an empty registry numbers
** metrics as the original did. */
static int copy_metrics(copier *c) {
  db_stmt *all;
  int rc, r;
  if ((rc = stmt(c, C_METRICS, &all))) return rc;
  while ((r = db_step(all)) == SQLITE_ROW) {
    int64_t to;
    if ((rc = map_metric(c, db_column_int64(all, 0), &to))) return rc;
  }
  if (r != SQLITE_DONE) return store_fail(c->from, c->err);
  return POD_OK;
}

/* One source: skipped when `to` has its sha256, else copied whole. */
static int copy_source(copier *c, db_stmt *src, store_copy_stats *out) {
  int64_t known, id;
  db_stmt *add;
  size_t runs_before = c->runs.n, metrics_before = c->metrics.n;
  const char *sha = (const char *)db_column_text(src, 2);
  int rc = store_begin(c->to, c->err);
  if (rc) return rc;
  if ((rc = store_source_find(c->to, sha, &known, c->err))) goto fail;
  if (known) {
    out->skipped++;
    return store_commit(c->to, c->err);
  }
  if ((rc = stmt(c, C_SOURCE_ADD, &add))) goto fail;
  for (int k = 1; k <= 8; k++) bind_col(add, k, src, k);
  if ((rc = insert(c, add, &id)) ||
      (rc = copy_rows(c, db_column_int64(src, 0), id)) ||
      (rc = store_commit(c->to, c->err)))
    goto fail;
  out->copied++;
  return POD_OK;
fail:
  store_rollback(c->to);
  c->runs.n = runs_before;   /* what this transaction made is gone */
  c->metrics.n = metrics_before;
  return rc;
}

int store_copy(store_db *from, store_db *to, store_copy_stats *out,
               char err[POD_ERRLEN]) {
  copier c;
  char digest[65];
  db_stmt *src;
  int rc, r;
  memset(&c, 0, sizeof c);
  memset(out, 0, sizeof *out);
  c.from = from;
  c.to = to;
  c.err = err;
  /* one state of `from` throughout */
  if ((rc = store_read_begin(from, 0, digest, err))) return rc;
  if ((rc = store_begin(to, err))) goto done;
  if ((rc = copy_envs(&c)) || (rc = copy_metrics(&c)) ||
      (rc = store_commit(to, err))) {
    store_rollback(to);
    goto done;
  }
  if ((rc = stmt(&c, C_SOURCES, &src))) goto done;
  while ((r = db_step(src)) == SQLITE_ROW)
    if ((rc = copy_source(&c, src, out))) goto done;
  if (r != SQLITE_DONE) rc = store_fail(from, err);
done:
  for (int q = 0; q < C_COUNT_; q++) db_finalize(c.st[q]);
  store_read_end(from);
  idmap_free(&c.envs);
  idmap_free(&c.runs);
  idmap_free(&c.metrics);
  return rc;
}
