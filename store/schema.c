/*
** store/schema.c -- the registry schema as forward-only migrations.
**
** migrations[i] takes a database from user_version i to i + 1. Never edit
** a migration that has shipped: add a new one. store_open applies the
** missing ones in one transaction. SQL here is standard where it can be
** (a PostgreSQL backend would reuse it); SQLite-only PRAGMAs live in
** store.c.
*/
#include "store/store_int.h"

#define WIDE_COLUMN(c, unit, m, k) "  " #c " REAL, " #c "_raw TEXT,"
#define WIDE_ARM(c, unit, m, k)                                             \
  " UNION ALL SELECT NULL, w.run_id, mt.id, w." #c ", NULL, NULL, NULL,"    \
  " NULL, NULL, w.source_id, w.line, w." #c "_raw, '" unit "', " m ","      \
  " NULL, NULL, NULL, NULL, " #k " FROM tracker_results w, metrics mt"      \
  " WHERE mt.name = '" #c "' AND w." #c " IS NOT NULL"

/* measurements and the tracker_results arms: the long form of 5 -> 6 */
#define LONG_FORM                                                           \
  "SELECT id, run_id, metric_id, value, batch_size, sequence_length,"       \
  "  epoch, step, split, source_id, line, raw_value, raw_unit, method,"     \
  "  method_note, derived, at_epoch, of_epochs, 0 AS col"                   \
  "  FROM measurements" TRACKER_COLUMNS(WIDE_ARM)

/* 7 -> 8, the same on both backends but for measurements_all's last arm
** (PostgreSQL's registry never holds curve chunks: pending.c writes them
** on SQLite only, and a copy writes their points as measurements). */
#define CURVES_TABLE                                                        \
  "CREATE TABLE curves ("                                                   \
  "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"        \
  "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"  \
  "  first_point INTEGER NOT NULL,"                                         \
  "  line INTEGER NOT NULL,"                                                \
  "  n INTEGER NOT NULL,"                                                   \
  "  vsum REAL NOT NULL,"                                                   \
  "  points TEXT NOT NULL,"                                                 \
  "  PRIMARY KEY (run_id, source_id, first_point)) WITHOUT ROWID;"          \
  "CREATE INDEX curves_by_source ON curves(source_id);"                     \
  "DROP VIEW measurements_all;"                                             \
  "CREATE VIEW results_all AS " LONG_FORM ";"
/* A chunk's points as measurements: [metric_id, split, epoch, step,
** value, raw_value, raw_unit, line] each (store/curves.c writes them;
** from 8 -> 9 raw_value may be 1: CURVE_ARM_9). */
#define CURVE_ARM                                                           \
  " UNION ALL SELECT NULL, c.run_id, j.value ->> 0, j.value ->> 4, NULL,"   \
  " NULL, j.value ->> 2, j.value ->> 3, j.value ->> 1, c.source_id,"        \
  " j.value ->> 7, j.value ->> 5, j.value ->> 6, NULL, NULL, NULL, NULL,"   \
  " NULL, c.first_point + j.key FROM curves c, json_each(c.points) j"
#define EXACT_MATCH_HIGHER                                                  \
  "UPDATE metrics SET direction = 1 WHERE name = 'exact_match' AND "        \
  "direction = 0;"
/* 8 -> 9: the same with the cell as CURVE_RAW reads it. */
#define CURVE_ARM_9                                                         \
  " UNION ALL SELECT NULL, c.run_id, j.value ->> 0, j.value ->> 4, NULL,"   \
  " NULL, j.value ->> 2, j.value ->> 3, j.value ->> 1, c.source_id,"        \
  " j.value ->> 7, " CURVE_RAW ", j.value ->> 6, NULL, NULL, NULL, NULL,"   \
  " NULL, c.first_point + j.key FROM curves c, json_each(c.points) j"

const char *const store_migrations[] = {
  /* 0 -> 1: the registry's tables (docs/ARCHITECTURE.md, "Registry"). */
  "CREATE TABLE sources ("
  "  id INTEGER PRIMARY KEY,"
  "  path TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL UNIQUE,"
  "  format TEXT NOT NULL,"
  "  format_version TEXT,"
  "  bytes INTEGER NOT NULL,"
  "  rows INTEGER NOT NULL DEFAULT 0,"
  "  ingested_at TEXT NOT NULL);"
  "CREATE TABLE environments ("
  "  id INTEGER PRIMARY KEY,"
  "  fingerprint TEXT NOT NULL UNIQUE,"
  "  cpu_model TEXT, cpu_count INTEGER, ram_bytes INTEGER,"
  "  gpu_model TEXT, gpu_count INTEGER, gpu_memory_bytes INTEGER,"
  "  gpu_power_w REAL, os TEXT, python_version TEXT,"
  "  framework TEXT, framework_version TEXT,"
  "  country TEXT, region TEXT, cloud_provider TEXT, cloud_region TEXT,"
  "  pue REAL, tracking_mode TEXT, extras TEXT);"
  "CREATE TABLE runs ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT,"
  "  project TEXT, model TEXT NOT NULL, variant TEXT,"
  "  role TEXT CHECK (role IS NULL OR role IN ('baseline', 'optimized')),"
  "  dataset TEXT, task TEXT,"
  "  scope TEXT NOT NULL,"   /* dataset, else task, else '' */
  "  environment_id INTEGER REFERENCES environments(id),"
  "  tags TEXT,"
  "  created_at TEXT NOT NULL);"
  "CREATE TABLE metrics ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  unit TEXT NOT NULL,"
  "  direction INTEGER NOT NULL CHECK (direction IN (-1, 0, 1)));"
  "CREATE TABLE measurements ("
  "  id INTEGER PRIMARY KEY,"
  "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
  "  metric_id INTEGER NOT NULL REFERENCES metrics(id),"
  "  value REAL NOT NULL,"
  "  batch_size INTEGER, sequence_length INTEGER,"
  "  epoch REAL, step INTEGER, split TEXT,"
  "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
  "  line INTEGER NOT NULL,"
  "  raw_value TEXT, raw_unit TEXT);",

  /* 1 -> 2: indexes for the queries render/ runs. The leaderboard reads
  ** summary values (no epoch, no step) of one metric, hence a partial
  ** index; run pages read by run. */
  "CREATE INDEX measurements_by_run ON measurements(run_id);"
  "CREATE INDEX measurements_summary ON measurements(metric_id, run_id,"
  "  batch_size, sequence_length, value)"
  "  WHERE epoch IS NULL AND step IS NULL;"
  "CREATE INDEX measurements_by_source ON measurements(source_id);"
  "CREATE INDEX runs_by_scope ON runs(scope);"
  "CREATE INDEX runs_by_name ON runs(name);"
  "CREATE INDEX runs_by_env ON runs(environment_id);",

  /* 2 -> 3: energy trackers' cumulative snapshots, one row per line of
  ** the file (CodeCarbon's flush() writes a row per interval for one
  ** run_id). Long-form measurements cost ten rows and three index entries
  ** per line; a snapshot is a curve point, not a result, so it lives here
  ** in wide form: one row, one index entry. Values are in the SI unit of
  ** the metric of the same name (metrics table); NULL: the cell was
  ** empty. The run's result, the last snapshot, stays in measurements. */
  "CREATE TABLE samples ("
  "  id INTEGER PRIMARY KEY,"
  "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
  "  step INTEGER NOT NULL,"
  "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
  "  line INTEGER NOT NULL,"
  "  duration REAL, emissions REAL, emissions_rate REAL,"
  "  cpu_power REAL, gpu_power REAL, ram_power REAL,"
  "  cpu_energy REAL, gpu_energy REAL, ram_energy REAL,"
  "  energy_consumed REAL, water_consumed REAL,"
  "  cpu_utilization REAL, gpu_utilization REAL, ram_utilization REAL,"
  "  ram_used REAL);"
  "CREATE INDEX samples_by_run ON samples(run_id, step);",

  /* 3 -> 4: how each energy, power and emissions figure was obtained
  ** (core/method.h: "rapl", "nvml+rapl", "estimate", ...; NULL: not
  ** known) and, for estimates, the calculation behind it. Leaderboards
  ** read a run's methods per metric through the partial index. */
  "ALTER TABLE measurements ADD COLUMN method TEXT;"
  "ALTER TABLE measurements ADD COLUMN method_note TEXT;"
  "CREATE INDEX measurements_by_method ON measurements(run_id, metric_id,"
  "  method) WHERE method IS NOT NULL;",

  /* 4 -> 5: results from training curves (analysis/curves.c). A training
  ** log's values per epoch are a curve; its result is each validation
  ** metric at the best epoch, stored as a summary value (no epoch, no
  ** step) that points at the log line of that epoch. `derived` says how
  ** it was picked ("best-epoch"), `at_epoch` and `of_epochs` where. NULL
  ** on every value read from a file as it is. */
  "ALTER TABLE measurements ADD COLUMN derived TEXT;"
  "ALTER TABLE measurements ADD COLUMN at_epoch REAL;"
  "ALTER TABLE measurements ADD COLUMN of_epochs INTEGER;",

  /* 5 -> 6: an energy tracker's result line in wide form (issue 14).
  ** CodeCarbon's everyday file is one run per line: as ten long-form
  ** measurements a line cost eleven rows and ~43 index entries; here it
  ** is one row in one B-tree (keyed by run: a run page reads it by its
  ** key; a source's lines are found by a scan, which only --replace and
  ** `podium check` do). Values are in the SI unit of the metric of the
  ** same name (as in samples); <col>_raw is the cell as written, in the
  ** unit the view gives. cpu_method is how the CPU figures were got
  ** (core/method.h); method, when set (--method), is every energy,
  ** power and emissions figure's. Readers never see this table: they
  ** read measurements_all, below. */
  "CREATE TABLE tracker_results ("
  "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
  "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
  "  line INTEGER NOT NULL,"
  "  cpu_method TEXT, method TEXT,"
  TRACKER_COLUMNS(WIDE_COLUMN)
  "  PRIMARY KEY (run_id, source_id, line)) WITHOUT ROWID;"
  /* The long form every query reads: measurements, and each non-empty
  ** cell of tracker_results as the measurement it stands for (no id: it
  ** is no row of its own; `col` orders a row's values as the file had
  ** them). SQLite pushes a query's WHERE terms into each
  ** arm, so a run's values are key lookups and a board's metric is one
  ** arm's scan (tests: store_view_plans). */
  "CREATE VIEW measurements_all AS " LONG_FORM ";"
  /* A file's rows that gave no value (an out-of-memory benchmark's N/A,
  ** an empty value cell): `podium check` counts them among the rows a
  ** source holds (check.c). */
  "ALTER TABLE sources ADD COLUMN valueless INTEGER NOT NULL DEFAULT 0;"
  /* Most runs have no name (only --run gives one): index the named. */
  "DROP INDEX runs_by_name;"
  "CREATE INDEX runs_by_name ON runs(name) WHERE name IS NOT NULL;",

  /* 6 -> 7: a file's earlier ingest is looked up by path (a changed file
  ** takes --replace): without an index each file of a folder scanned
  ** every source, ~7% of ingesting 2,000 training logs and growing with
  ** the registry (issue 14). */
  "CREATE INDEX sources_by_path ON sources(path);",

  /* 7 -> 8: a training log's curve in chunks (issue 14). As long-form
  ** measurements a log line was a row per value, each with two index
  ** entries and three foreign-key probes: 10,000 logs took 3x sqlite3's
  ** .import of the same bytes. A chunk is up to 32 KiB of one run's
  ** points from one file, in file order, as a JSON array (pending.c):
  ** SQLite and any reader of the file unpack it with json_each. Its key:
  ** the run, the file, and the place of its first point among the run's
  ** points from that file (first_point; a point's place orders it as
  ** `col`). line is its first point's, n its points, vsum the sum of
  ** their values (render fingerprints, store/render_state.c). Chunks are
  ** few (one a log, mostly), so an index by file costs little and
  ** spares --replace, `podium check` and `podium copy` a scan. Readers
  ** still read measurements_all; results_all is the same without the
  ** chunks, for the queries that read only results (no epoch, no step:
  ** a chunk holds none), so a board never unpacks a curve. */
  CURVES_TABLE
  "CREATE VIEW measurements_all AS " LONG_FORM CURVE_ARM ";",

  /* 8 -> 9: a chunk point whose value is its cell as written holds 1 in
  ** place of the cell (the cell twice was a third of a training log's
  ** bytes in the registry: issue 14); points written before keep theirs.
  ** measurements_all gives the cell either way (CURVE_RAW). Exact
  ** match (SQuAD) is higher-better from now on: a registry's metric made
  ** before says so too. */
  "DROP VIEW measurements_all;"
  "CREATE VIEW measurements_all AS " LONG_FORM CURVE_ARM_9 ";"
  EXACT_MATCH_HIGHER,
};

/* PostgreSQL's text of a migration where it differs (NULL: the same). */
const char *store_pg_migration(int v) {
  return v == 7   ? CURVES_TABLE "CREATE VIEW measurements_all AS "
                    "SELECT * FROM results_all;"
         : v == 8 ? "DROP VIEW measurements_all; CREATE VIEW "   /* as it was */
                    "measurements_all AS SELECT * FROM results_all;"
                    EXACT_MATCH_HIGHER
                  : NULL;
}

const int store_n_migrations =
    (int)(sizeof store_migrations / sizeof store_migrations[0]);
