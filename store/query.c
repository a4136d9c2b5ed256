/*
** store/query.c -- every SQL statement podium runs, and the reads that
** render/ and the CLI make. Rows go out through store_row callbacks, so
** no caller ever sees a statement.
*/
#include "store/store_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Most queries read the long form through the view measurements_all
** (schema.c, 5 -> 6). SQLite pushes a bound term (run_id = ?1) into each
** of the view's arms, but not a correlated one (run_id = r.id): there it
** would read the whole view per outer row, so correlated subqueries name
** measurements and tracker_results themselves. */

/* The columns a run row carries everywhere it is listed. */
/* A tracker cell's text where store/pending.c kept none (it is the
** value's pod_num_repr): '' here, its text in store/curve_read.c's walks
** (raw_back), which read these two queries alone. */
#define RAW_VALUE                                                           \
  "coalesce(m.raw_value, CASE WHEN m.col > 0 THEN '' END) AS raw_value"

#define RUN_BASE_COLUMNS                                                   \
  "r.id AS id, r.name AS name, r.project AS project, r.model AS model, "   \
  "r.variant AS variant, r.role AS role, r.dataset AS dataset, "           \
  "r.task AS task, r.scope AS scope, r.environment_id AS environment_id, " \
  "r.tags AS tags, r.created_at AS created_at, "
#define RUN_COLUMNS                                                        \
  RUN_BASE_COLUMNS                                                         \
  "(SELECT count(*) FROM measurements m WHERE m.run_id = r.id) + "         \
  "(SELECT coalesce(sum(" WIDE_CELLS "), 0) FROM tracker_results w "       \
  " WHERE w.run_id = r.id) + (SELECT CAST(coalesce(sum(c.n), 0) AS "      \
  " INTEGER) FROM curves c WHERE c.run_id = r.id) AS measurements "

/* One leaderboard: per axis point (batch size, sequence length, split:
** train and validation loss are not one ranking), runs ranked by mean
** value. ORDER differs only in direction: two statements from one text. */
#define ALL_MEASUREMENTS_SQL(FILTER)                                       \
  "SELECT m.run_id AS run_id, mt.name AS metric, mt.unit AS unit, "        \
  "  m.value AS value, m.batch_size AS batch_size, "                       \
  "  m.sequence_length AS sequence_length, m.epoch AS epoch, "             \
  "  m.step AS step, m.split AS split, " RAW_VALUE ", "                    \
  "  m.raw_unit AS raw_unit, s.path AS source_path, "                      \
  "  s.sha256 AS source_sha256, m.line AS line, m.method AS method, "      \
  "  m.method_note AS method_note "                                        \
  /* CROSS JOIN: the view first, read as it goes (a co-routine); an     \
  ** inner join made SQLite copy it whole into a temporary table */      \
  "FROM results_all m CROSS JOIN metrics mt CROSS JOIN sources s "         \
  "WHERE mt.id = m.metric_id AND s.id = m.source_id " FILTER               \
  /* curve points first, in file order whether they are in chunks (no   \
  ** id) or rows (PostgreSQL, registries before schema v8), then the     \
  ** rest as added */                                                    \
  "ORDER BY m.run_id, m.epoch IS NULL AND m.step IS NULL, m.id, "          \
  "  m.source_id, m.line, m.col"
#define ALL_CHUNKS_SQL(FILTER)                                             \
  "SELECT c.run_id, c.source_id, s.path, s.sha256, c.first_point, "        \
  "  c.points FROM curves c JOIN sources s ON s.id = c.source_id " FILTER  \
  "ORDER BY c.run_id, c.source_id, c.first_point"

/* A board's rows of results_all (metric ?2, no epoch, no step, runs of
** scope ?1) with the filters inside each of its arms, the scope's runs
** first (CROSS JOIN): SQLite copied the whole view, every tracker cell
** of the registry, for each board, and an incremental render reads the
** boards of a new run's scope only. */
#define BOARD_ARM_OF(c, m, RUNS)                                           \
  " UNION ALL SELECT w.run_id, w." #c ", NULL, NULL, NULL, " m " "         \
  "FROM metrics mt CROSS JOIN runs rs CROSS JOIN tracker_results w "       \
  "WHERE mt.id = ?2 "                                                      \
  "AND mt.name = '" #c "' AND " RUNS " AND w.run_id = rs.id "              \
  "AND w." #c " IS NOT NULL"
/* the runs a board reads: its scope's, or one of them (?3: a board
** patched after a few runs changed, store_board_patch) */
#define SCOPE_RUNS "rs.scope = ?1"
#define ONE_RUN "rs.scope = ?1 AND rs.id = ?3"
#define BOARD_ARM(c, unit, m, k) BOARD_ARM_OF(c, m, SCOPE_RUNS)
#define BOARD_RUN_ARM(c, unit, m, k) BOARD_ARM_OF(c, m, ONE_RUN)
#define BOARD_SOURCE(RUNS, ARM)                                            \
  "(SELECT x.run_id AS run_id, x.value AS value, "                         \
  "  x.batch_size AS batch_size, x.sequence_length AS sequence_length, "   \
  "  x.split AS split, x.method AS method "                                \
  "FROM runs rs CROSS JOIN measurements x WHERE " RUNS                     \
  "  AND x.run_id = rs.id "                                                \
  "  AND x.metric_id = ?2 AND x.epoch IS NULL AND x.step IS NULL"          \
  TRACKER_COLUMNS(ARM) ")"
#define BOARD_OF(DIR, SOURCE)                                              \
  "SELECT rank() OVER (PARTITION BY m.batch_size, m.sequence_length, "     \
  "                    m.split ORDER BY avg(m.value) " DIR ") AS rank, "   \
  "  r.id AS run_id, r.name AS name, r.model AS model, "                   \
  "  r.variant AS variant, r.role AS role, r.project AS project, "         \
  "  m.batch_size AS batch_size, m.sequence_length AS sequence_length, "   \
  "  m.split AS split, avg(m.value) AS value, count(*) AS n, "             \
  "  group_concat(DISTINCT m.method) AS method "                           \
  "FROM " SOURCE " m JOIN runs r ON r.id = m.run_id "                      \
  "GROUP BY m.run_id, m.batch_size, m.sequence_length, m.split "           \
  "ORDER BY m.batch_size, m.sequence_length, m.split, rank, r.model, r.id"
#define BOARD_SQL(DIR) BOARD_OF(DIR, BOARD_SOURCE(SCOPE_RUNS, BOARD_ARM))
#define BOARD_RUN_SQL(DIR) BOARD_OF(DIR, BOARD_SOURCE(ONE_RUN, BOARD_RUN_ARM))

/* The primary ranking: a board's rows (BOARD_SQL) with each run's cost
** figures beside them, from one statement. A cost is the run's mean at
** the row's axis point, else its mean measured without axes (a
** CodeCarbon total), else, on a row without axes, its mean at the one
** point it was measured at; NULL otherwise. Splits are not told apart.
** Each lookup is a search of measurements_summary (and a key lookup in
** tracker_results for the tracker's figures, which have no axes), so the
** statement stays linear in the board's rows (a join on a CTE was
** quadratic). */
#define COST_COLUMNS(X)                                                    \
  X(inference_time, NO_WIDE) X(train_time, NO_WIDE)                        \
  X(inference_memory, NO_WIDE) X(train_memory, NO_WIDE)                    \
  X(energy_consumed, WIDE) X(emissions, WIDE)
#define NO_WIDE(c) ""
#define WIDE(c)                                                            \
  " UNION ALL SELECT w." #c ", NULL, NULL FROM tracker_results w "         \
  "WHERE w.run_id = b.run_id AND w." #c " IS NOT NULL"
#define COST_OF(c, wide)                                                   \
  "FROM (SELECT value, batch_size, sequence_length FROM measurements "     \
  "WHERE metric_id = (SELECT id FROM metrics WHERE name = '" #c "') "      \
  "AND run_id = b.run_id AND epoch IS NULL AND step IS NULL" wide(c) ") c "
#define COST_PICK(c, wide)                                                 \
  ", coalesce((SELECT avg(c.value) " COST_OF(c, wide) "WHERE c.batch_size "\
  "IS b.batch_size AND c.sequence_length IS b.sequence_length), "          \
  "(SELECT avg(c.value) " COST_OF(c, wide) "WHERE c.batch_size IS NULL "   \
  "AND c.sequence_length IS NULL), CASE WHEN b.batch_size IS NULL AND "    \
  "b.sequence_length IS NULL THEN (SELECT CASE WHEN count(DISTINCT "       \
  "coalesce(c.batch_size, -1) || ',' || coalesce(c.sequence_length, -1)) " \
  "= 1 THEN avg(c.value) END " COST_OF(c, wide) ") END) AS " #c
#define PRIMARY_OF(BOARD)                                                  \
  "SELECT b.*" COST_COLUMNS(COST_PICK) " FROM (" BOARD ") b "              \
  "ORDER BY b.batch_size, b.sequence_length, b.split, b.rank, b.model, "   \
  "  b.run_id"
#define PRIMARY_SQL(DIR) PRIMARY_OF(BOARD_SQL(DIR))
#define PRIMARY_RUN_SQL(DIR) PRIMARY_OF(BOARD_RUN_SQL(DIR))

#define VALUE_NAME(c, unit, m, k) ", " #c
#define SCOPE_HAS(c, unit, m, k)                                           \
  ", max(CASE WHEN w." #c " IS NULL THEN 0 ELSE 1 END) AS " #c
#define HAS_CASE(c, unit, m, k) " WHEN '" #c "' THEN ws." #c

/* What analysis/curves.c reads of a run after each training log: only
** the validation and test values of quality metrics (no unit, a
** direction), unsorted; from measurements and curve chunks (the tracker
** columns all have units). A point is named by its measurement id, or
** by its file and place (`col`) in a chunk. Half of a log's ingest read
** the whole run. PostgreSQL holds no chunks (schema.c, 7 -> 8) and
** knows no json_each: it reads the first part alone (store_pg_override). */
#define CURVE_POINTS_LONG                                                  \
  "SELECT mt.name AS metric, mt.unit AS unit, m.split AS split, "          \
  "  mt.direction AS direction, m.epoch AS epoch, m.value AS value, "      \
  "  m.id AS id, m.step AS step, m.derived AS derived, NULL AS source_id, "\
  "  NULL AS col "                                                         \
  "FROM measurements m JOIN metrics mt ON mt.id = m.metric_id "            \
  "WHERE m.run_id = ?1 AND m.split IN ('validation', 'test') AND "         \
  "  mt.unit = '' AND mt.direction <> 0"
#define CURVE_POINTS_CHUNKS                                                \
  " UNION ALL SELECT mt.name, mt.unit, p.split, mt.direction, p.epoch, "   \
  "  p.value, NULL, p.step, NULL, p.source_id, p.col "                     \
  "FROM (SELECT j.value ->> 0 AS metric_id, j.value ->> 1 AS split, "      \
  "  j.value ->> 2 AS epoch, j.value ->> 4 AS value, j.value ->> 3 AS "    \
  "  step, c.source_id AS source_id, c.first_point + j.key AS col "        \
  "  FROM curves c, json_each(c.points) j WHERE c.run_id = ?1) p "         \
  "  JOIN metrics mt ON mt.id = p.metric_id "                              \
  "WHERE p.split IN ('validation', 'test') AND mt.unit = '' AND "          \
  "  mt.direction <> 0"

const char *const store_curve_points_pg = CURVE_POINTS_LONG;

/* Runs with validation or test curve points of a quality metric and no
** result from them: `podium init` makes theirs. The chunks' arm on
** SQLite only (PostgreSQL holds none: store_pg_override). */
#define NO_RESULT(run)                                                      \
  " NOT EXISTS (SELECT 1 FROM measurements d WHERE d.run_id = " run        \
  "  AND d.derived IS NOT NULL)"
#define RUNS_WITHOUT_RESULTS_LONG                                           \
  "SELECT DISTINCT m.run_id AS id FROM measurements m JOIN metrics mt "     \
  "  ON mt.id = m.metric_id WHERE m.epoch IS NOT NULL AND m.split IN "      \
  "  ('validation', 'test') AND mt.unit = '' AND mt.direction <> 0 AND "    \
  NO_RESULT("m.run_id")
const char *const store_runs_without_results_pg =
    RUNS_WITHOUT_RESULTS_LONG " ORDER BY 1";

const char *const store_sql[Q_COUNT_] = {
  [Q_SOURCE_FIND] = "SELECT id FROM sources WHERE sha256 = ?1",
  [Q_SOURCE_ADD] =
      "INSERT INTO sources (path, sha256, format, format_version, bytes, "
      "ingested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [Q_SOURCE_SHA] = "UPDATE sources SET sha256 = ?2, bytes = ?3 WHERE id = ?1",
  [Q_SOURCE_ROWS] =
      "UPDATE sources SET rows = ?1, format_version = coalesce(?2, "
      "format_version), valueless = ?4 WHERE id = ?3",
  [Q_SOURCE_BY_PATH] =
      "SELECT id, sha256 FROM sources WHERE path = ?1 ORDER BY id DESC "
      "LIMIT 1",
  /* --replace: remember the runs the old file fed, drop the file (its
  ** measurements go with it: ON DELETE CASCADE), then drop those runs
  ** that no other file feeds. */
  [Q_REPLACED_CLEAR] = "DELETE FROM temp.replaced_runs",
  [Q_REPLACED_KEEP] =
      "INSERT OR IGNORE INTO temp.replaced_runs SELECT run_id "
      "FROM measurements WHERE source_id = ?1 UNION SELECT run_id "
      "FROM tracker_results WHERE source_id = ?1 UNION SELECT run_id "
      "FROM curves WHERE source_id = ?1",
  [Q_SOURCE_DELETE] = "DELETE FROM sources WHERE id = ?1",
  /* the one run of a model that a replaced source fed and that other
  ** files still feed (store_replaced_run); 0 when none or several */
  /* the same result of a run from another file of a format (summary
  ** rows as written, not podium's best-epoch copies: measurements_summary
  ** finds them) */
  [Q_RESULT_COPY] =
      "SELECT s.path FROM measurements m JOIN sources s ON s.id = "
      "m.source_id WHERE m.metric_id = ?2 AND m.run_id = ?1 AND "
      "m.batch_size IS NULL AND m.sequence_length IS NULL AND m.value = ?4 "
      "AND m.epoch IS NULL AND m.step IS NULL AND m.derived IS NULL AND "
      "coalesce(m.split, '') = coalesce(?3, '') AND m.source_id <> ?5 AND "
      "s.format = ?6 "
      "ORDER BY m.id LIMIT 1",
  [Q_REPLACED_RUN] =
      "SELECT CASE WHEN count(*) = 1 THEN max(r.id) ELSE 0 END "
      "FROM temp.replaced_runs t JOIN runs r ON r.id = t.id "
      "WHERE r.model = ?1",
  [Q_ORPHAN_RUNS] =
      "DELETE FROM runs WHERE id IN (SELECT id FROM temp.replaced_runs) "
      "AND NOT EXISTS (SELECT 1 FROM measurements m WHERE m.run_id = "
      "runs.id) AND NOT EXISTS (SELECT 1 FROM tracker_results w WHERE "
      "w.run_id = runs.id) AND NOT EXISTS (SELECT 1 FROM curves c WHERE "
      "c.run_id = runs.id)",
  /* the same by hand, where foreign keys are not checked (batch.c):
  ** the rows below the source, then the samples of runs it left empty */
  [Q_SOURCE_MEASUREMENTS_DELETE] =
      "DELETE FROM measurements WHERE source_id = ?1",
  [Q_SOURCE_SAMPLES_DELETE] = "DELETE FROM samples WHERE source_id = ?1",
  [Q_SOURCE_TRACKER_DELETE] =
      "DELETE FROM tracker_results WHERE source_id = ?1",
  [Q_SOURCE_CURVES_DELETE] = "DELETE FROM curves WHERE source_id = ?1",
  [Q_ORPHAN_SAMPLES] =
      "DELETE FROM samples WHERE run_id IN (SELECT id FROM "
      "temp.replaced_runs) AND run_id NOT IN (SELECT id FROM runs)",
  /* whether another connection committed; whether foreign keys are on
  ** (batch.c, SQLite only) */
  [Q_DATA_VERSION] = "PRAGMA data_version",
  [Q_FOREIGN_KEYS] = "PRAGMA foreign_keys",
  /* every environment, for store_env_add's match (store.c); columns in
  ** the order of env_fields */
  [Q_ENV_ALL] =
      "SELECT id, cpu_model, cpu_count, ram_bytes, gpu_model, gpu_count, "
      "gpu_memory_bytes, gpu_power_w, os, python_version, framework, "
      "framework_version, country, region, cloud_provider, cloud_region, "
      "pue, tracking_mode, extras FROM environments ORDER BY id",
  [Q_ENV_ADD] =
      "INSERT INTO environments (fingerprint, cpu_model, cpu_count, "
      "ram_bytes, gpu_model, gpu_count, gpu_memory_bytes, gpu_power_w, os, "
      "python_version, framework, framework_version, country, region, "
      "cloud_provider, cloud_region, pue, tracking_mode, extras) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
      "?16, ?17, ?18, ?19)",
  [Q_ENV_UPDATE] =
      "UPDATE environments SET fingerprint = ?1, cpu_model = ?2, "
      "cpu_count = ?3, ram_bytes = ?4, gpu_model = ?5, gpu_count = ?6, "
      "gpu_memory_bytes = ?7, gpu_power_w = ?8, os = ?9, "
      "python_version = ?10, framework = ?11, framework_version = ?12, "
      "country = ?13, region = ?14, cloud_provider = ?15, "
      "cloud_region = ?16, pue = ?17, tracking_mode = ?18, extras = ?19 "
      "WHERE id = ?20",
  [Q_RUN_ADD] =
      "INSERT INTO runs (name, project, model, variant, role, dataset, task, "
      "scope, environment_id, tags, created_at) VALUES (?1, ?2, ?3, ?4, ?5, "
      "?6, ?7, ?8, ?9, ?10, ?11)",
  /* the same with the id given (store/pending.c) */
  [Q_RUN_ADD_ID] =
      "INSERT INTO runs (id, name, project, model, variant, role, dataset, "
      "task, scope, environment_id, tags, created_at) VALUES (?1, ?2, ?3, "
      "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
  [Q_RUN_FIND_NAME] = "SELECT id FROM runs WHERE name = ?1 ORDER BY id",
  [Q_METRIC_FIND] =
      "SELECT id, unit, direction FROM metrics WHERE name = ?1",
  [Q_METRIC_ADD] =
      "INSERT INTO metrics (name, unit, direction) VALUES (?1, ?2, ?3)",
  [Q_MEAS_ADD] =
      "INSERT INTO measurements (run_id, metric_id, value, batch_size, "
      "sequence_length, epoch, step, split, source_id, line, raw_value, "
      "raw_unit, method, method_note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
      "?8, ?9, ?10, ?11, ?12, ?13, ?14)",
  [Q_RUNS] = "SELECT " RUN_COLUMNS "FROM runs r ORDER BY r.id DESC",
  /* the same without the counts, which a snapshot reads once
  ** (Q_RUN_COUNTS: a render walked the runs seven times, three lookups
  ** a run each time) */
  [Q_RUNS_BARE] =
      "SELECT " RUN_BASE_COLUMNS "0 AS measurements FROM runs r "
      "ORDER BY r.id DESC",
  [Q_ENV_RUNS_BARE] =
      "SELECT " RUN_BASE_COLUMNS "0 AS measurements FROM runs r "
      "WHERE r.environment_id = ?1 ORDER BY r.id",
  [Q_RUN_COUNTS] =
      "SELECT run_id, sum(n) FROM (SELECT run_id, count(*) AS n FROM "
      "  measurements GROUP BY run_id UNION ALL SELECT w.run_id, "
      "  sum(" WIDE_CELLS ") FROM tracker_results w GROUP BY w.run_id "
      "  UNION ALL SELECT run_id, CAST(sum(n) AS INTEGER) FROM curves "
      "  GROUP BY run_id) AS k GROUP BY run_id ORDER BY run_id",
  /* the tracker part of it, in the table's order (its key's) */
  [Q_RUN_CELLS] =
      "SELECT w.run_id, sum(" WIDE_CELLS ") FROM tracker_results w "
      "GROUP BY w.run_id ORDER BY w.run_id",
  [Q_RUN_BY_ID] = "SELECT " RUN_COLUMNS "FROM runs r WHERE r.id = ?1",
  [Q_RUN_BY_NAME] =
      "SELECT " RUN_COLUMNS "FROM runs r WHERE r.name = ?1 ORDER BY r.id",
  [Q_SAMPLE_ADD] =
      "INSERT INTO samples (run_id, step, source_id, line, duration, "
      "emissions, emissions_rate, cpu_power, gpu_power, ram_power, "
      "cpu_energy, gpu_energy, ram_energy, energy_consumed, water_consumed, "
      "cpu_utilization, gpu_utilization, ram_utilization, ram_used) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
      "?16, ?17, ?18, ?19)",
  [Q_TRACKER_ADD] =
      "INSERT INTO tracker_results (run_id, source_id, line, cpu_method, "
      "method" TRACKER_COLUMNS(TRACKER_NAMES) ") VALUES (?1, ?2, ?3, ?4, ?5, "
      "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
      "?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, "
      "?33, ?34, ?35)",
  [Q_LINE_SUMMARY] =
      "INSERT INTO samples (run_id, step, source_id, line"
      TRACKER_COLUMNS(VALUE_NAME) ") SELECT run_id, ?4, source_id, line"
      TRACKER_COLUMNS(VALUE_NAME) " FROM tracker_results WHERE run_id = ?1 "
      "AND source_id = ?2 AND line = ?3",
  [Q_LINE_SUMMARY_DELETE] =
      "DELETE FROM tracker_results WHERE run_id = ?1 AND source_id = ?2 "
      "  AND line = ?3",
  /* CodeCarbon 2.0-2.1's g/s emissions_rate is a measurements row of its
  ** own (its raw unit differs from the view's): it moves with its line
  ** (store_rate_to_sample) */
  [Q_LINE_RATE_TO_SAMPLE] =
      "UPDATE samples SET emissions_rate = (SELECT m.value FROM measurements "
      "  m JOIN metrics t ON t.id = m.metric_id WHERE m.run_id = ?1 AND "
      "  m.source_id = ?2 AND m.line = ?3 AND t.name = 'emissions_rate') "
      "WHERE run_id = ?1 AND source_id = ?2 AND line = ?3 AND "
      "  emissions_rate IS NULL",
  [Q_LINE_RATE_DELETE] =
      "DELETE FROM measurements WHERE run_id = ?1 AND source_id = ?2 AND "
      "  line = ?3 AND epoch IS NULL AND step IS NULL AND derived IS NULL "
      "  AND metric_id IN (SELECT id FROM metrics WHERE name = "
      "  'emissions_rate')",
  [Q_SAMPLES] =
      "SELECT x.step AS step, x.line AS line, s.path AS source_path, "
      "  x.duration AS duration, x.emissions AS emissions, "
      "  x.emissions_rate AS emissions_rate, x.cpu_power AS cpu_power, "
      "  x.gpu_power AS gpu_power, x.ram_power AS ram_power, "
      "  x.cpu_energy AS cpu_energy, x.gpu_energy AS gpu_energy, "
      "  x.ram_energy AS ram_energy, x.energy_consumed AS energy_consumed, "
      "  x.water_consumed AS water_consumed, "
      "  x.cpu_utilization AS cpu_utilization, "
      "  x.gpu_utilization AS gpu_utilization, "
      "  x.ram_utilization AS ram_utilization, x.ram_used AS ram_used "
      "FROM samples x JOIN sources s ON s.id = x.source_id "
      "WHERE x.run_id = ?1 ORDER BY x.step, x.id",
  [Q_MEASUREMENTS] =
      "SELECT mt.name AS metric, mt.unit AS unit, mt.direction AS direction, "
      "  m.value AS value, m.batch_size AS batch_size, "
      "  m.sequence_length AS sequence_length, m.epoch AS epoch, "
      "  m.step AS step, m.split AS split, " RAW_VALUE ", "
      "  m.raw_unit AS raw_unit, s.path AS source_path, "
      "  s.sha256 AS source_sha256, m.line AS line, s.id AS source_id, "
      "  m.method AS method, m.method_note AS method_note, m.id AS id, "
      "  m.derived AS derived, m.at_epoch AS at_epoch, "
      "  m.of_epochs AS of_epochs "
      "FROM results_all m JOIN metrics mt ON mt.id = m.metric_id "
      "  JOIN sources s ON s.id = m.source_id "
      "WHERE m.run_id = ?1 "
      "ORDER BY mt.name, m.batch_size, m.sequence_length, m.epoch, m.step, "
      "  m.id, m.source_id, m.line, m.col",
  [Q_SOURCE_GET] =
      "SELECT s.id AS id, s.path AS path, s.sha256 AS sha256, "
      "  s.format AS format, s.format_version AS format_version, "
      "  s.bytes AS bytes, s.rows AS rows, s.ingested_at AS ingested_at "
      "FROM sources s WHERE s.id = ?1",
  [Q_RUN_SOURCES] =
      "SELECT s.id AS id, s.path AS path, s.sha256 AS sha256, "
      "  s.format AS format, s.format_version AS format_version, "
      "  s.bytes AS bytes, s.rows AS rows, s.ingested_at AS ingested_at "
      "FROM sources s WHERE s.id IN "
      "  (SELECT source_id FROM results_all WHERE run_id = ?1 UNION "
      "  SELECT source_id FROM curves WHERE run_id = ?1) "
      "ORDER BY s.id",
  [Q_ENVS] =
      "SELECT e.*, (SELECT count(*) FROM runs r WHERE r.environment_id = "
      "e.id) AS runs FROM environments e ORDER BY e.id",
  [Q_ENV_GET] = "SELECT e.* FROM environments e WHERE e.id = ?1",
  [Q_ENV_RUNS] =
      "SELECT " RUN_COLUMNS "FROM runs r WHERE r.environment_id = ?1 "
      "ORDER BY r.id",
  [Q_BOARDS] =
      "SELECT sc.scope AS scope, mt.id AS metric_id, mt.name AS metric, "
      "  mt.unit AS unit, mt.direction AS direction "
      "FROM (SELECT DISTINCT scope FROM runs) sc, metrics mt "
      "WHERE EXISTS (SELECT 1 FROM measurements m JOIN runs r "
      "  ON r.id = m.run_id WHERE m.metric_id = mt.id "
      "  AND m.epoch IS NULL AND m.step IS NULL AND r.scope = sc.scope) "
      /* tracker figures: one pass over tracker_results, by scope */
      "OR EXISTS (SELECT 1 FROM (SELECT r.scope AS scope" TRACKER_COLUMNS(
          SCOPE_HAS) " FROM tracker_results w JOIN runs r ON r.id = "
      "  w.run_id GROUP BY r.scope) AS ws WHERE ws.scope = sc.scope AND "
      "  CASE mt.name" TRACKER_COLUMNS(HAS_CASE) " END = 1) "
      "ORDER BY sc.scope, mt.name",
  [Q_BOARD_ASC] = BOARD_SQL("ASC"),
  [Q_BOARD_DESC] = BOARD_SQL("DESC"),
  [Q_PRIMARY_ASC] = PRIMARY_SQL("ASC"),
  [Q_PRIMARY_DESC] = PRIMARY_SQL("DESC"),
  [Q_BOARD_RUN_ASC] = BOARD_RUN_SQL("ASC"),
  [Q_BOARD_RUN_DESC] = BOARD_RUN_SQL("DESC"),
  [Q_PRIMARY_RUN_ASC] = PRIMARY_RUN_SQL("ASC"),
  [Q_PRIMARY_RUN_DESC] = PRIMARY_RUN_SQL("DESC"),
  [Q_ALL_MEASUREMENTS] = ALL_MEASUREMENTS_SQL(""),
  [Q_RUN_ALL_MEASUREMENTS] = ALL_MEASUREMENTS_SQL("AND m.run_id = ?1 "),
  [Q_COUNTS] =
      "SELECT (SELECT count(*) FROM runs) AS runs, "
      "  (SELECT count(*) FROM sources) AS sources, "
      "  (SELECT count(*) FROM environments) AS environments, "
      "  (SELECT count(*) FROM measurements) + (SELECT coalesce(sum("
      WIDE_CELLS "), 0) FROM tracker_results w) + (SELECT CAST(coalesce("
      "sum(n), 0) AS INTEGER) FROM curves) AS measurements, "
      "  (SELECT count(*) FROM samples) AS samples",
  [Q_SUMMARY] =
      "SELECT r.scope AS scope, r.id AS run_id, r.model AS model, "
      "  r.variant AS variant, mt.name AS metric, mt.unit AS unit, "
      "  mt.direction AS direction, m.batch_size AS batch_size, "
      "  m.sequence_length AS sequence_length, m.split AS split, "
      "  avg(m.value) AS value "
      "FROM results_all m JOIN runs r ON r.id = m.run_id "
      "  JOIN metrics mt ON mt.id = m.metric_id "
      "WHERE m.epoch IS NULL AND m.step IS NULL "
      "GROUP BY r.id, mt.id, m.batch_size, m.sequence_length, m.split "
      "ORDER BY r.scope, mt.name, m.batch_size, m.sequence_length, "
      "  m.split, r.id",
  [Q_RUNS_OF_MODEL] =
      "SELECT " RUN_COLUMNS "FROM runs r WHERE r.model = ?1 ORDER BY r.id",
  /* What every page is made from, so that equal rows mean an equal site.
  ** Measurements are only ever added or deleted with their source, so
  ** their count and last id stand for them. */
  /* the raw columns, NULL-padded to one width: hashed as they come
  ** (render/state.c), no text built in SQL */
  [Q_STATE] =
      "SELECT 's' AS t, id, path, sha256, rows, format, format_version, "
      "  ingested_at, NULL, NULL, NULL, NULL, NULL FROM sources "
      "UNION ALL SELECT 'r', id, name, project, model, variant, role, "
      "  dataset, task, scope, environment_id, tags, created_at FROM runs "
      "UNION ALL SELECT 'e', id, fingerprint, extras, NULL, NULL, NULL, "
      "  NULL, NULL, NULL, NULL, NULL, NULL FROM environments "
      "UNION ALL SELECT 'm', id, name, unit, direction, NULL, NULL, NULL, "
      "  NULL, NULL, NULL, NULL, NULL FROM metrics "
      "UNION ALL SELECT 'v', count(*), coalesce(max(id), 0), NULL, NULL, "
      "  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM measurements "
      "UNION ALL SELECT 'x', count(*), coalesce(max(id), 0), NULL, NULL, "
      "  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM samples "
      "UNION ALL SELECT 'w', count(*), coalesce(max(run_id), 0), "
      "  coalesce(sum(line), 0), NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
      "  NULL, NULL FROM tracker_results "
      "UNION ALL SELECT 'c', count(*), CAST(coalesce(sum(n), 0) AS INTEGER), "
      "  coalesce(sum(line), 0), coalesce(sum(vsum), 0), NULL, NULL, NULL, "
      "  NULL, NULL, NULL, NULL, NULL FROM curves",
  [Q_SET_METHOD] =
      "UPDATE measurements SET method = ?3 WHERE source_id = ?1 "
      "  AND metric_id = (SELECT id FROM metrics WHERE name = ?2) "
      "  AND (?4 = 0 OR method IS NULL)",
  [Q_SET_METHOD_ENERGY] =
      "UPDATE measurements SET method = ?2 WHERE source_id = ?1 "
      "  AND metric_id IN (SELECT id FROM metrics WHERE unit IN "
      "    ('kWh', 'kg', 'W')) AND (?3 = 0 OR method IS NULL)",
  [Q_ESTIMATE_CLEAR] =
      "DELETE FROM measurements WHERE run_id = ?1 AND method = 'estimate'",
  [Q_ESTIMATE_ORPHANS] =
      "DELETE FROM sources WHERE format = '" STORE_ESTIMATE_FORMAT "' AND "
      "  NOT EXISTS (SELECT 1 FROM measurements m WHERE m.source_id = "
      "  sources.id)",
  /* curves are measurements: tracker_results has no index by source */
  [Q_SOURCE_RUNS] =
      "SELECT run_id AS id FROM measurements WHERE source_id = ?1 "
      "UNION SELECT run_id FROM curves WHERE source_id = ?1 ORDER BY 1",
  /* runs with validation or test curves of a quality metric and no
  ** result picked from them: a registry from before schema v5 */
  [Q_RUNS_WITHOUT_RESULTS] =
      RUNS_WITHOUT_RESULTS_LONG " UNION SELECT c.run_id FROM curves c, "
      "  json_each(c.points) j JOIN metrics mt ON mt.id = j.value ->> 0 "
      "  WHERE j.value ->> 2 IS NOT NULL AND j.value ->> 1 IN ('validation', "
      "  'test') AND mt.unit = '' AND mt.direction <> 0 AND"
      NO_RESULT("c.run_id") " ORDER BY 1",
  [Q_CURVE_POINTS] = CURVE_POINTS_LONG CURVE_POINTS_CHUNKS,
  [Q_RESULT_FROM_POINT] =
      "INSERT INTO measurements (run_id, metric_id, value, batch_size, "
      "  sequence_length, epoch, step, split, source_id, line, raw_value, "
      "  raw_unit, method, method_note, derived, at_epoch, of_epochs) "
      "SELECT run_id, metric_id, value, batch_size, sequence_length, NULL, "
      "  NULL, split, source_id, line, raw_value, raw_unit, method, "
      "  method_note, ?2, epoch, ?3 FROM measurements WHERE id = ?1",
  /* the same for a point of a curve chunk: ?1 run, ?2 file, ?3 place */
  [Q_RESULT_FROM_CURVE] =
      "INSERT INTO measurements (run_id, metric_id, value, batch_size, "
      "  sequence_length, epoch, step, split, source_id, line, raw_value, "
      "  raw_unit, method, method_note, derived, at_epoch, of_epochs) "
      "SELECT c.run_id, j.value ->> 0, j.value ->> 4, NULL, NULL, NULL, "
      "  NULL, j.value ->> 1, c.source_id, j.value ->> 7, " CURVE_RAW ", "
      "  j.value ->> 6, NULL, NULL, ?4, j.value ->> 2, ?5 "
      "FROM curves c, json_each(c.points) j WHERE c.run_id = ?1 AND "
      "  c.source_id = ?2 AND c.first_point = (SELECT max(first_point) "
      "  FROM curves WHERE run_id = ?1 AND source_id = ?2 AND "
      "  first_point <= ?3) AND j.key = ?3 - c.first_point",
  /* the same from the values themselves (pending.c's memo) */
  [Q_RESULT_ADD] =
      "INSERT INTO measurements (run_id, metric_id, value, split, "
      "  source_id, line, raw_value, raw_unit, derived, at_epoch, "
      "  of_epochs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
  [Q_CURVE_ADD] =
      "INSERT INTO curves (run_id, source_id, first_point, line, n, vsum, "
      "  points) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
  /* a run's curve chunks, every chunk: store/curve_read.c */
  [Q_RUN_CHUNKS] =
      "SELECT c.run_id, c.source_id, s.path, s.sha256, c.first_point, "
      "  c.points FROM curves c JOIN sources s ON s.id = c.source_id "
      "WHERE c.run_id = ?1 ORDER BY c.source_id, c.first_point",
  [Q_ALL_CHUNKS] = ALL_CHUNKS_SQL(""),
  [Q_RUN_ALL_CHUNKS] = ALL_CHUNKS_SQL("WHERE c.run_id = ?1 "),
  [Q_METRIC_INFO] = "SELECT id, name, unit, direction FROM metrics",
  /* a board's sort order (store_metric_direction): asked per board */
  [Q_METRIC_DIRECTION] = "SELECT direction FROM metrics WHERE id = ?1",
  /* the checkpoint a Trainer kept (ingest/hf_trainer.c): a summary row */
  [Q_RUN_KEPT_STEP] =
      "SELECT CAST(m.value AS INTEGER) FROM measurements m JOIN metrics mt "
      "  ON mt.id = m.metric_id WHERE m.run_id = ?1 AND mt.name = "
      "  'best_global_step' AND m.epoch IS NULL AND m.step IS NULL "
      "ORDER BY m.id DESC LIMIT 1",
  [Q_RESULTS_CLEAR] =
      "DELETE FROM measurements WHERE run_id = ?1 AND derived IS NOT NULL",
  [Q_ROLE_CONFLICT] =
      "SELECT r.role AS role, r.id AS run_id, coalesce((SELECT s.path FROM "
      "  measurements m JOIN sources s ON s.id = m.source_id WHERE "
      "  m.run_id = r.id ORDER BY m.id LIMIT 1), (SELECT s.path FROM "
      "  tracker_results w JOIN sources s ON s.id = w.source_id WHERE "
      "  w.run_id = r.id LIMIT 1), (SELECT s.path FROM curves c JOIN "
      "  sources s ON s.id = c.source_id WHERE c.run_id = r.id LIMIT 1)) "
      "  AS source_path "
      "FROM runs r WHERE r.model = ?1 AND r.scope = ?2 AND r.role IS NOT "
      "  NULL AND r.role <> ?3 ORDER BY r.id LIMIT 1",
};

static void store_row_values(db_stmt *st, store_row *row) {
  store_value *v = (store_value *)row->v;
  for (int i = 0; i < row->n; i++) {
    memset(&v[i], 0, sizeof v[i]);
    switch (db_column_type(st, i)) {
    case SQLITE_INTEGER:
      v[i].type = STORE_INT;
      v[i].i = db_column_int64(st, i);
      v[i].d = (double)v[i].i;
      break;
    case SQLITE_FLOAT:
      v[i].type = STORE_REAL;
      v[i].d = db_column_double(st, i);
      break;
    case SQLITE_NULL:
      v[i].type = STORE_NULL;
      break;
    default:
      v[i].type = STORE_TEXT;
      v[i].s = (const char *)db_column_text(st, i);
      if (!v[i].s) v[i].s = "";
    }
  }
}

int store_row_step(store_db *db, db_stmt *st, store_row *row,
                   const char *names[64], char err[POD_ERRLEN]) {
  int r = db_step(st);
  if (r == SQLITE_DONE) {
    db_reset(st);
    return 0;
  }
  if (r != SQLITE_ROW) return -store_fail(db, err);
  /* Names only once the statement ran: PostgreSQL names the columns
  ** then, and a schema change since SQLite prepared it (--replace's
  ** temp table, another process's migration) makes the first step
  ** prepare it again, freeing the old names (found by fuzzing). */
  if (row->n < 0) {
    row->n = db_column_count(st);
    if (row->n > 64) {
      db_reset(st);
      return -pod_err(err, POD_EINTERNAL, "query has %d columns", row->n);
    }
    for (int i = 0; i < row->n; i++) names[i] = db_column_name(st, i);
  }
  store_row_values(st, row);
  return 1;
}

int store_walk(store_db *db, db_stmt *st, store_row_fn fn, void *ud,
               char err[POD_ERRLEN]) {
  const char *names[64];
  store_value v[64];
  store_row row = {-1, names, v};
  int r, stop;
  while ((r = store_row_step(db, st, &row, names, err)) == 1)
    if ((stop = fn(&row, ud))) {
      db_reset(st);
      return stop;
    }
  return r < 0 ? -r : POD_OK;
}

/* Prepares q, binds an optional integer ?1, walks the rows. */
static int walk_q(store_db *db, int q, int64_t id, store_row_fn fn, void *ud,
                  char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(db, q, &st, err);
  if (rc) return rc;
  if (id) db_bind_int64(st, 1, id);
  return store_walk(db, st, fn, ud, err);
}

/* A statement without parameters inside a snapshot: read once into
** *memo, walked again from there (the registry holds still). */
int store_walk_memo(store_db *db, int q, store_rows **memo, store_row_fn fn,
                    void *ud, char err[POD_ERRLEN]) {
  int rc;
  if (!db->reading) return walk_q(db, q, 0, fn, ud, err);
  if (!*memo) {
    store_rows *rows = store_rows_new();
    if ((rc = walk_q(db, q, 0, store_rows_add, rows, err))) {
      store_rows_free(rows);
      return rc;
    }
    *memo = rows;
  }
  return store_rows_each(*memo, fn, ud);
}

void store_counts_put(int64_t (**a)[2], size_t *n, size_t *cap, int64_t run,
                      int64_t count) {
  if (*n == *cap) {
    *cap = *cap ? 2 * *cap : 1024;
    *a = pod_xrealloc(*a, *cap * sizeof **a);
  }
  (*a)[*n][0] = run;
  (*a)[(*n)++][1] = count;
}

/* Q_RUN_COUNTS into the snapshot's memo: (run, count) by run. */
static int take_count(const store_row *row, void *ud) {
  store_db *db = ud;
  store_counts_put(&db->run_counts, &db->n_run_counts, &db->cap_run_counts,
                   store_value_int(&row->v[0]), store_value_int(&row->v[1]));
  return 0;
}

typedef struct cells {   /* Q_RUN_CELLS merged into the feed's counts */
  store_db *db;
  int64_t (*out)[2];
  size_t n, cap, at;   /* at: the feed's next count */
} cells;

static int take_cells(const store_row *row, void *ud) {
  cells *c = ud;
  const store_db *db = c->db;
  int64_t run = store_value_int(&row->v[0]), n = store_value_int(&row->v[1]);
  while (c->at < db->n_run_counts && db->run_counts[c->at][0] < run) {
    store_counts_put(&c->out, &c->n, &c->cap, db->run_counts[c->at][0],
                     db->run_counts[c->at][1]);
    c->at++;
  }
  if (c->at < db->n_run_counts && db->run_counts[c->at][0] == run)
    n += db->run_counts[c->at++][1];
  if (n) store_counts_put(&c->out, &c->n, &c->cap, run, n);
  return 0;
}

int store_run_counts_complete(store_db *db, char err[POD_ERRLEN]) {
  cells c = {db, NULL, 0, 0, 0};
  int rc;
  if (!db->run_counts_read || !db->run_counts_partial) return POD_OK;
  if ((rc = walk_q(db, Q_RUN_CELLS, 0, take_cells, &c, err))) {
    free(c.out);
    db->n_run_counts = 0;
    db->run_counts_read = db->run_counts_partial = 0;
    return rc;
  }
  for (; c.at < db->n_run_counts; c.at++)
    store_counts_put(&c.out, &c.n, &c.cap, db->run_counts[c.at][0],
                     db->run_counts[c.at][1]);
  free(db->run_counts);
  db->run_counts = c.out;
  db->n_run_counts = c.n;
  db->cap_run_counts = c.cap;
  db->run_counts_partial = 0;
  return POD_OK;
}

typedef struct counted {   /* a walk of bare run rows given their counts */
  store_db *db;
  store_row_fn fn;
  void *ud;
} counted;

static int with_count(const store_row *row, void *ud) {
  counted *c = ud;
  store_value v[16];
  store_row r = {row->n, row->names, v};
  int64_t id = row->v[0].i, n = 0;
  size_t lo = 0, hi = c->db->n_run_counts;
  if (row->n < 1 || row->n > 16) return c->fn(row, c->ud);
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (c->db->run_counts[mid][0] < id) lo = mid + 1;
    else hi = mid;
  }
  if (lo < c->db->n_run_counts && c->db->run_counts[lo][0] == id)
    n = c->db->run_counts[lo][1];
  memcpy(v, row->v, (size_t)row->n * sizeof *v);
  v[row->n - 1] = (store_value){STORE_INT, n, (double)n, NULL};
  return c->fn(&r, c->ud);
}

void store_runs_memo_free(store_runs_memo *m) {
  if (!m) return;
  store_rows_free(m->rows);
  free(m->env);
  free(m->by_env);
  free(m->newest);
  free(m);
}

typedef struct run_key {   /* a row of the runs memo, to sort */
  int64_t env, id;
  size_t row;
} run_key;

static int take_key(const store_row *row, void *ud) {
  run_key **k = ud;
  const store_value *env = store_row_col(row, "environment_id"),
                    *id = store_row_col(row, "id");
  /* no environment: never asked for (SQL's = NULL is never true) */
  (*k)->env = env && env->type == STORE_INT ? env->i : INT64_MIN;
  (*k)->id = id && id->type == STORE_INT ? id->i : 0;
  (*k)++;
  return 0;
}

static int by_newest(const void *a, const void *b) {
  const run_key *x = a, *y = b;
  return x->id > y->id ? -1 : x->id < y->id;
}

static int by_env_oldest(const void *a, const void *b) {
  const run_key *x = a, *y = b;
  if (x->env != y->env) return x->env < y->env ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* A runs memo of rows (taken): their orders, newest first and by
** environment (the rows may come in any order). */
static store_runs_memo *runs_memo_of(store_rows *rows) {
  store_runs_memo *m = pod_xmalloc(sizeof *m);
  size_t n = store_rows_count(rows), one = n ? n : 1;
  run_key *k = pod_xmalloc(one * sizeof *k), *at = k;
  m->rows = rows;
  m->n = n;
  m->env = pod_xmalloc(one * sizeof *m->env);
  m->by_env = pod_xmalloc(one * sizeof *m->by_env);
  m->newest = pod_xmalloc(one * sizeof *m->newest);
  store_rows_each(rows, take_key, &at);
  for (size_t i = 0; i < n; i++) k[i].row = i;
  qsort(k, n, sizeof *k, by_newest);
  for (size_t i = 0; i < n; i++) m->newest[i] = k[i].row;
  qsort(k, n, sizeof *k, by_env_oldest);
  for (size_t i = 0; i < n; i++) {
    m->env[i] = k[i].env;
    m->by_env[i] = k[i].row;
  }
  free(k);
  return m;
}

/* The names of Q_RUNS_BARE's columns (RUN_BASE_COLUMNS, measurements). */
static const char *const bare_names[] = {
    "id", "name", "project", "model", "variant", "role", "dataset", "task",
    "scope", "environment_id", "tags", "created_at", "measurements"};
enum { N_BARE = sizeof bare_names / sizeof *bare_names };

/* A Q_STATE row of a run ('r': its id and RUN_BASE_COLUMNS' columns in
** their order) as Q_RUNS_BARE has it; a row of another type is skipped,
** a run's row not as SQLite gives it (PostgreSQL's are text) fails. */
static int take_state_run(const store_row *row, void *ud) {
  store_value v[N_BARE];
  store_row r = {N_BARE, bare_names, v};
  if (row->n != N_BARE || row->v[0].type != STORE_TEXT ||
      strcmp(row->v[0].s, "r"))
    return 0;
  if (row->v[1].type != STORE_INT ||
      (row->v[10].type != STORE_INT && row->v[10].type != STORE_NULL))
    return 1;
  memcpy(v, row->v + 1, (N_BARE - 1) * sizeof *v);
  v[N_BARE - 1] = (store_value){STORE_INT, 0, 0.0, NULL};
  return store_rows_add(&r, ud);
}

/* db->runs_memo: every run's bare row read once (store_read_keep_runs),
** from the state rows when they are still kept, else from SQL. */
static int runs_memo(store_db *db, char err[POD_ERRLEN]) {
  store_rows *rows;
  int rc;
  if (db->runs_memo) return POD_OK;
  rows = store_rows_new_indexed();
  if ((rc = walk_q(db, Q_RUNS_BARE, 0, store_rows_add, rows, err))) {
    store_rows_free(rows);
    return rc;
  }
  db->runs_memo = runs_memo_of(rows);
  return POD_OK;
}

static store_rows *counts_of_state(store_db *db);

void store_read_keep_runs(store_db *db) {
  store_rows *rows;
  char ignored[POD_ERRLEN];
  if (!db->reading) return;
  db->keep_runs = 1;
  if (!db->state_memo) return;
  /* the runs are among the state rows store_read_begin kept: taken from
  ** there, they cost no second walk of the table */
  if (!db->runs_memo) {
    rows = store_rows_new_indexed();
    if (store_rows_each(db->state_memo, take_state_run, rows) == 0)
      db->runs_memo = runs_memo_of(rows);
    else
      store_rows_free(rows);   /* read from SQL when first walked */
  }
  /* and the registry's counts, with the runs' counts made whole now, so
  ** that the workers started next borrow them (a failure: each reads
  ** Q_RUN_COUNTS when it walks the runs) */
  store_run_counts_complete(db, ignored);
  if (!db->counts_memo) db->counts_memo = counts_of_state(db);
}

/* Runs as RUN_COLUMNS has them: inside a snapshot, bare rows (q_bare:
** from the runs memo when it is kept) and the counts read once; else
** q. id: the environment of Q_ENV_RUNS. */
static int walk_runs(store_db *db, int q, int q_bare, int64_t id,
                     store_row_fn fn, void *ud, char err[POD_ERRLEN]) {
  counted c = {db, fn, ud};
  int rc;
  if (!db->reading) return walk_q(db, q, id, fn, ud, err);
  if ((rc = store_run_counts_complete(db, err))) return rc;
  if (!db->run_counts_read) {
    db->n_run_counts = 0;
    if ((rc = walk_q(db, Q_RUN_COUNTS, 0, take_count, db, err))) return rc;
    db->run_counts_read = 1;
  }
  if (db->keep_runs && (rc = runs_memo(db, err))) return rc;
  if (db->runs_memo) {
    const store_runs_memo *m = db->runs_memo;
    size_t lo = 0, hi = m->n, end;
    if (q_bare == Q_RUNS_BARE)
      return store_rows_each_at(m->rows, m->newest, m->n, with_count, &c);
    if (!id) return POD_OK;   /* walk_q binds no 0: ?1 is NULL, no run */
    while (lo < hi) {   /* the environment's first row */
      size_t mid = lo + (hi - lo) / 2;
      if (m->env[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    for (end = lo; end < m->n && m->env[end] == id; end++) continue;
    return store_rows_each_at(m->rows, m->by_env + lo, end - lo, with_count,
                              &c);
  }
  return walk_q(db, q_bare, id, with_count, &c, err);
}

int store_each_run(store_db *db, store_row_fn fn, void *ud,
                   char err[POD_ERRLEN]) {
  return walk_runs(db, Q_RUNS, Q_RUNS_BARE, 0, fn, ud, err);
}

static int count_rows(const store_row *row, void *ud) {
  (void)row;
  ++*(int *)ud;
  return 0;
}

int store_get_run(store_db *db, const char *id_or_name, store_row_fn fn,
                  void *ud, char err[POD_ERRLEN]) {
  db_stmt *st;
  char *end;
  long long id = strtoll(id_or_name, &end, 10);
  int by_id = *id_or_name && !*end && id > 0, n = 0;
  int rc = store_stmt(db, by_id ? Q_RUN_BY_ID : Q_RUN_BY_NAME, &st, err);
  if (rc) return rc;
  if (by_id) db_bind_int64(st, 1, id);
  else db_bind_text(st, 1, id_or_name);
  if ((rc = store_walk(db, st, count_rows, &n, err))) return rc;
  if (n == 0)
    return pod_err(err, POD_EINPUT, "no run \"%s\" (podium runs lists them)",
                   id_or_name);
  if (n > 1)  /* a name may be shared; say so instead of picking one */
    return pod_err(err, POD_EINPUT,
                   "run name \"%s\" matches %d runs; give a run id "
                   "(podium runs lists them)", id_or_name, n);
  return store_walk(db, st, fn, ud, err);
}

int store_take_id(const store_row *row, void *ud) {
  store_ids *l = ud;
  l->ids = pod_xrealloc(l->ids, (l->n + 1) * sizeof *l->ids);
  l->ids[l->n++] = store_row_col(row, "id")->i;
  return 0;
}

int store_run_ids(store_db *db, const char *spec, int64_t **out_ids,
                  size_t *out_n, char err[POD_ERRLEN]) {
  store_ids l = {NULL, 0};
  int rc = store_each_run_match(db, spec, store_take_id, &l, err);
  if (rc) {
    free(l.ids);
    return rc;
  }
  *out_ids = l.ids;
  *out_n = l.n;
  return POD_OK;
}

int store_each_run_match(store_db *db, const char *spec, store_row_fn fn,
                         void *ud, char err[POD_ERRLEN]) {
  db_stmt *st;
  char *end;
  long long id = strtoll(spec, &end, 10);
  int n = 0, rc;
  /* a run id, else a run name (every run of it), else a model name */
  if (*spec && !*end && id > 0) {
    if ((rc = walk_q(db, Q_RUN_BY_ID, id, count_rows, &n, err))) return rc;
    if (n) return walk_q(db, Q_RUN_BY_ID, id, fn, ud, err);
  }
  static const int by_text[2] = {Q_RUN_BY_NAME, Q_RUNS_OF_MODEL};
  for (int k = 0; k < 2; k++) {
    if ((rc = store_stmt(db, by_text[k], &st, err))) return rc;
    db_bind_text(st, 1, spec);
    if ((rc = store_walk(db, st, count_rows, &n, err))) return rc;
    if (n) return store_walk(db, st, fn, ud, err);
  }
  return pod_err(err, POD_EINPUT, "no run or model \"%s\" (podium runs "
                 "lists them)", spec);
}

int store_each_sample(store_db *db, int64_t run_id, store_row_fn fn,
                      void *ud, char err[POD_ERRLEN]) {
  return walk_q(db, Q_SAMPLES, run_id, fn, ud, err);
}

int store_each_run_source(store_db *db, int64_t run_id, store_row_fn fn,
                          void *ud, char err[POD_ERRLEN]) {
  return walk_q(db, Q_RUN_SOURCES, run_id, fn, ud, err);
}

int store_each_env(store_db *db, store_row_fn fn, void *ud,
                   char err[POD_ERRLEN]) {
  return store_walk_memo(db, Q_ENVS, &db->envs_memo, fn, ud, err);
}

int store_get_source(store_db *db, int64_t source_id, store_row_fn fn,
                     void *ud, char err[POD_ERRLEN]) {
  return walk_q(db, Q_SOURCE_GET, source_id, fn, ud, err);
}

int store_get_env(store_db *db, int64_t env_id, store_row_fn fn, void *ud,
                  char err[POD_ERRLEN]) {
  return walk_q(db, Q_ENV_GET, env_id, fn, ud, err);
}

int store_each_env_run(store_db *db, int64_t env_id, store_row_fn fn,
                       void *ud, char err[POD_ERRLEN]) {
  return walk_runs(db, Q_ENV_RUNS, Q_ENV_RUNS_BARE, env_id, fn, ud, err);
}

int store_each_leaderboard(store_db *db, store_row_fn fn, void *ud,
                           char err[POD_ERRLEN]) {
  return store_walk_memo(db, Q_BOARDS, &db->boards_memo, fn, ud, err);
}

/* Direction of a metric: the board's sort order depends on it (a kept
** statement: it was prepared again for every board read). */
int store_metric_direction(store_db *db, int64_t metric_id) {
  db_stmt *st;
  int dir = 0;
  char err[POD_ERRLEN];
  if (store_stmt(db, Q_METRIC_DIRECTION, &st, err) == POD_OK) {
    db_bind_int64(st, 1, metric_id);
    if (db_step(st) == SQLITE_ROW) dir = db_column_int(st, 0);
    db_reset(st);   /* not left mid-walk: the next board asks again */
  }
  return dir;
}

int store_walk_board(store_db *db, int primary, int desc, const char *scope,
                     int64_t metric_id, int64_t run_id, store_row_fn fn,
                     void *ud, char err[POD_ERRLEN]) {
  static const int q[2][2][2] = {   /* [primary][one run][desc] */
      {{Q_BOARD_ASC, Q_BOARD_DESC}, {Q_BOARD_RUN_ASC, Q_BOARD_RUN_DESC}},
      {{Q_PRIMARY_ASC, Q_PRIMARY_DESC},
       {Q_PRIMARY_RUN_ASC, Q_PRIMARY_RUN_DESC}}};
  db_stmt *st;
  int rc = store_stmt(db, q[primary != 0][run_id != 0][desc != 0], &st, err);
  if (rc) return rc;
  db_bind_text(st, 1, scope);
  db_bind_int64(st, 2, metric_id);
  if (run_id) db_bind_int64(st, 3, run_id);
  return store_walk(db, st, fn, ud, err);
}

int store_each_leaderboard_entry(store_db *db, const char *scope,
                                 int64_t metric_id, store_row_fn fn, void *ud,
                                 char err[POD_ERRLEN]) {
  return store_walk_board(db, 0, store_metric_direction(db, metric_id) > 0,
                          scope, metric_id, 0, fn, ud, err);
}

int store_each_primary_entry(store_db *db, const char *scope,
                             int64_t metric_id, store_row_fn fn, void *ud,
                             char err[POD_ERRLEN]) {
  return store_walk_board(db, 1, store_metric_direction(db, metric_id) > 0,
                          scope, metric_id, 0, fn, ud, err);
}

int store_each_run_without_results(store_db *db, store_row_fn fn, void *ud,
                                   char err[POD_ERRLEN]) {
  return walk_q(db, Q_RUNS_WITHOUT_RESULTS, 0, fn, ud, err);
}

int store_each_curve_point(store_db *db, int64_t run_id, store_row_fn fn,
                           void *ud, char err[POD_ERRLEN]) {
  if (store_memo_each_curve_point(db, run_id, fn, ud)) return POD_OK;
  return walk_q(db, Q_CURVE_POINTS, run_id, fn, ud, err);
}

int store_each_summary(store_db *db, store_row_fn fn, void *ud,
                       char err[POD_ERRLEN]) {
  return walk_q(db, Q_SUMMARY, 0, fn, ud, err);
}

typedef struct tally {   /* Q_COUNTS' row, counted from the state rows */
  int64_t runs, sources, envs, samples;
  int ok;
} tally;

static int tally_state(const store_row *row, void *ud) {
  tally *t = ud;
  const char *type = row->n > 1 && row->v[0].type == STORE_TEXT ? row->v[0].s : "";
  if (!strcmp(type, "s")) t->sources++;
  else if (!strcmp(type, "r")) t->runs++;
  else if (!strcmp(type, "e")) t->envs++;
  else if (!strcmp(type, "x") && row->v[1].type == STORE_INT) {
    t->samples = row->v[1].i;
    t->ok = 1;
  }
  return 0;
}

/* Q_COUNTS' row from what the snapshot holds, when it holds the state
** rows (sources, runs, environments, the count of samples) and each
** run's count of measurements (the feed's walk, SQLite): Q_COUNTS
** counted the tracker rows' cells again, 7 ms of 10,000 CodeCarbon
** runs. */
static store_rows *counts_of_state(store_db *db) {
  static const char *const names[] = {"runs", "sources", "environments",
                                      "measurements", "samples"};
  tally t = {0, 0, 0, 0, 0};
  store_value v[5];
  store_row row = {5, names, v};
  store_rows *rows;
  int64_t measurements = 0;
  if (!db->reading || !db->state_memo || !db->run_counts_read ||
      db->run_counts_partial || db->pg)
    return NULL;
  store_rows_each(db->state_memo, tally_state, &t);
  if (!t.ok) return NULL;
  for (size_t i = 0; i < db->n_run_counts; i++)
    measurements += db->run_counts[i][1];
  {
    int64_t n[5] = {t.runs, t.sources, t.envs, measurements, t.samples};
    for (int i = 0; i < 5; i++) v[i] = (store_value){STORE_INT, n[i], (double)n[i], NULL};
  }
  rows = store_rows_new();
  store_rows_add(&row, rows);
  return rows;
}

int store_counts(store_db *db, store_row_fn fn, void *ud,
                 char err[POD_ERRLEN]) {
  return store_walk_memo(db, Q_COUNTS, &db->counts_memo, fn, ud, err);
}

int store_each_state(store_db *db, store_row_fn fn, void *ud,
                     char err[POD_ERRLEN]) {
  return store_walk_memo(db, Q_STATE, &db->state_memo, fn, ud, err);
}

void store_read_forget(store_db *db) {
  store_rows_free(db->state_memo);
  store_rows_free(db->feed_memo);
  db->state_memo = db->feed_memo = NULL;
}

static int explain(store_db *db, int q, pod_buf *out, char err[POD_ERRLEN]) {
  pod_buf sql = POD_BUF_INIT;
  db_stmt *st = NULL;
  int r;
  pod_buf_printf(&sql, store_dialect[D_EXPLAIN][db->pg != NULL],
                 store_sql[q]);
  r = store_prepare(db, sql.data, &st, err);
  pod_buf_free(&sql);
  if (r != POD_OK) return r;
  db_bind_text_static(st, 1, "");
  db_bind_int64(st, 2, 1);
  pod_buf_clear(out);
  while ((r = db_step(st)) == SQLITE_ROW) {   /* the detail: last column */
    pod_buf_adds(out, (const char *)db_column_text(st, db_column_count(st) - 1));
    pod_buf_addc(out, '\n');
  }
  db_finalize(st);
  return r == SQLITE_DONE ? POD_OK : store_fail(db, err);
}

int store_explain_leaderboard(store_db *db, pod_buf *out,
                              char err[POD_ERRLEN]) {
  return explain(db, Q_BOARD_ASC, out, err);
}

int store_explain_primary(store_db *db, pod_buf *out, char err[POD_ERRLEN]) {
  return explain(db, Q_PRIMARY_ASC, out, err);
}

const store_value *store_row_col(const store_row *row, const char *name) {
  int at = -1;
  return store_row_col_at(row, name, &at);
}

const store_value *store_row_col_at(const store_row *row, const char *name,
                                    int *at) {
  static const store_value none = {STORE_NULL, 0, 0, NULL};
  if (*at >= 0 && *at < row->n && !strcmp(row->names[*at], name))
    return &row->v[*at];
  for (int i = 0; i < row->n; i++)
    if (!strcmp(row->names[i], name)) {
      *at = i;
      return &row->v[i];
    }
  return &none;
}

const char *store_row_text_at(const store_row *row, const char *name,
                              int *at) {
  const store_value *v = store_row_col_at(row, name, at);
  return v->type == STORE_TEXT ? v->s : NULL;
}

const char *store_row_text(const store_row *row, const char *name) {
  const store_value *v = store_row_col(row, name);
  return v->type == STORE_TEXT ? v->s : NULL;
}

const char *store_row_text_or(const store_row *row, const char *name,
                              const char *if_none) {
  const store_value *v = store_row_col(row, name);
  return v->type == STORE_TEXT && *v->s ? v->s : if_none;
}

int64_t store_value_int_or(const store_value *v, int64_t if_null) {
  return v->type == STORE_INT    ? v->i
         : v->type == STORE_REAL ? (int64_t)v->d
                                 : if_null;
}

int64_t store_row_int(const store_row *row, const char *name,
                      int64_t if_null) {
  return store_value_int_or(store_row_col(row, name), if_null);
}

int64_t store_value_int(const store_value *v) {
  return v->type == STORE_INT    ? v->i
         : v->type == STORE_REAL ? (int64_t)v->d
         : v->type == STORE_TEXT ? strtoll(v->s, NULL, 10) : 0;
}

double store_row_real(const store_row *row, const char *name) {
  const store_value *v = store_row_col(row, name);
  return v->type == STORE_REAL  ? v->d
         : v->type == STORE_INT ? (double)v->i
                                : NAN;
}

int store_each_source_run(store_db *db, int64_t source_id, store_row_fn fn,
                          void *ud, char err[POD_ERRLEN]) {
  return walk_q(db, Q_SOURCE_RUNS, source_id, fn, ud, err);
}

int store_each_role_conflict(store_db *db, const char *model,
                             const char *scope, const char *role,
                             store_row_fn fn, void *ud, char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(db, Q_ROLE_CONFLICT, &st, err);
  if (rc) return rc;
  db_bind_text_static(st, 1, model);
  db_bind_text_static(st, 2, scope);
  db_bind_text_static(st, 3, role);
  return store_walk(db, st, fn, ud, err);
}
