/*
** store/store_int.h -- what store.c and query.c share; not for other
** modules.
*/
#ifndef PODIUM_STORE_INT_H
#define PODIUM_STORE_INT_H

#include "store/db.h"
#include <math.h>
#include "store/store.h"

/* Every statement the store prepares, by purpose. Prepared on first use,
** kept until store_close. */
enum {
  Q_SOURCE_FIND, Q_SOURCE_ADD, Q_SOURCE_ROWS, Q_SOURCE_SHA, Q_SOURCE_BY_PATH,
  Q_REPLACED_CLEAR, Q_REPLACED_KEEP, Q_SOURCE_DELETE, Q_ORPHAN_RUNS,
  Q_REPLACED_RUN, Q_RESULT_COPY,
  Q_SOURCE_MEASUREMENTS_DELETE, Q_SOURCE_SAMPLES_DELETE,
  Q_SOURCE_TRACKER_DELETE, Q_SOURCE_CURVES_DELETE, Q_ORPHAN_SAMPLES,
  Q_DATA_VERSION, Q_FOREIGN_KEYS,
  Q_ENV_ALL, Q_ENV_ADD, Q_ENV_UPDATE,
  Q_RUN_ADD, Q_RUN_ADD_ID, Q_RUN_FIND_NAME,
  Q_METRIC_FIND, Q_METRIC_ADD,
  Q_MEAS_ADD, Q_TRACKER_ADD, Q_SAMPLE_ADD, Q_SAMPLES, Q_LINE_SUMMARY, Q_LINE_SUMMARY_DELETE, Q_LINE_RATE_TO_SAMPLE, Q_LINE_RATE_DELETE,
  Q_RUNS, Q_RUN_BY_ID, Q_RUN_BY_NAME, Q_MEASUREMENTS, Q_RUN_SOURCES, Q_SOURCE_GET,
  Q_ENVS, Q_ENV_GET, Q_ENV_RUNS,
  Q_BOARDS, Q_BOARD_ASC, Q_BOARD_DESC, Q_COUNTS, Q_ALL_MEASUREMENTS,
  Q_RUNS_OF_MODEL, Q_SUMMARY, Q_STATE,
  Q_PRIMARY_ASC, Q_PRIMARY_DESC,
  Q_BOARD_RUN_ASC, Q_BOARD_RUN_DESC, Q_PRIMARY_RUN_ASC, Q_PRIMARY_RUN_DESC,
  Q_SET_METHOD, Q_SET_METHOD_ENERGY, Q_ESTIMATE_CLEAR, Q_ESTIMATE_ORPHANS,
  Q_SOURCE_RUNS, Q_RUNS_WITHOUT_RESULTS, Q_CURVE_POINTS, Q_RESULT_FROM_POINT, Q_RESULTS_CLEAR, Q_ROLE_CONFLICT,
  Q_CURVE_ADD, Q_RESULT_FROM_CURVE, Q_RESULT_ADD, Q_RUN_CHUNKS, Q_ALL_CHUNKS,
  Q_METRIC_INFO, Q_RUN_KEPT_STEP, Q_RUN_ALL_MEASUREMENTS, Q_RUN_ALL_CHUNKS,
  Q_RUNS_BARE, Q_ENV_RUNS_BARE, Q_RUN_COUNTS, Q_RUN_CELLS, Q_METRIC_DIRECTION,
  Q_COUNT_
};

/* A metric as readers name it (curve_read.c). */
typedef struct store_metric_info {
  int64_t id;
  char *name, *unit;
  int direction;
} store_metric_info;

typedef struct metric_cache_entry {
  char *name;
  int64_t id;
  int energy;    /* its unit is one --method applies to (kWh, kg, W) */
  int quality;   /* no unit, a direction: results come from its curves */
  int direction;
} metric_cache_entry;

/* store_env_add's answers in this transaction: a description's
** fingerprint -> the environment it went to. */
#define STORE_ENV_CACHE 64
typedef struct env_cache_entry {
  char fp[65];
  int64_t id;
} env_cache_entry;

/* Rows written in batches (pending.c); curve chunks and the memo of a
** file's values (curves.c). */
#define STORE_PENDING_ROWS 64
typedef struct store_pending store_pending;
typedef struct store_curves store_curves;

typedef struct store_checkpointer store_checkpointer;
/* checkpoint.c: stops the thread, gives SQLite its checkpoints back;
** how many checkpoints that copied frames the thread ran (tests); its
** limits in frames (tests lower them). */
void store_checkpoint_stop(store_db *db);
/* batch.c, right after BEGIN: 1 when references stay unchecked (or
** were checked), 0 when another connection committed since they were
** trusted: the transaction is rolled back and foreign keys are on again,
** for good (begin again), -1 on an error (err set). */
int store_refs_still_trusted(store_db *db, char err[POD_ERRLEN]);
long store_checkpoints_behind(store_db *db);
extern int store_checkpoint_every, store_checkpoint_most;

struct store_db {
  sqlite3 *conn;          /* one of the two (store/db.h) */
  struct pg_conn *pg;
  char *path;             /* a file, or a URL without a password */
  db_stmt *stmt[Q_COUNT_];
  unsigned char walking[Q_COUNT_];   /* store_walks_mark: busy then */
  metric_cache_entry *metrics;   /* small: a few dozen metric names */
  size_t n_metrics, cap_metrics;
  env_cache_entry envs[STORE_ENV_CACHE];
  int n_envs;
  unsigned long env_epoch;   /* store_env_epoch: n_envs set to 0 again */
  int read_only;   /* store_open_read: every write is refused */
  /* the lines of the source being ingested that got a value, one bit
  ** each: its rows less these are sources.valueless (podium check) */
  int64_t held_source;
  unsigned char *held;
  size_t held_bytes;
  long held_lines;
  /* the runs its measurements went to, as added (repeats in a row
  ** dropped): store_source_new_runs */
  int64_t *held_runs;
  size_t n_held_runs, cap_held_runs;
  store_pending *pending;   /* runs and tracker rows not written yet */
  store_curves *curves;     /* the open curve chunk, the file's memo */
  store_metric_info *minfo; /* every metric, for curve_read.c */
  /* inside store_read_begin/end the registry holds still: the list of
  ** boards (Q_BOARDS: a render asked for it seven times) and the counts
  ** are read once, walked again from here */
  int reading;
  store_rows *boards_memo, *counts_memo, *envs_memo;
  store_rows *state_memo, *feed_memo;   /* until store_read_forget */
  int64_t (*run_counts)[2];   /* (run, measurements) by run (Q_RUN_COUNTS) */
  size_t n_run_counts, cap_run_counts;
  int run_counts_read;
  /* the counts the feed took (render_state.c): without tracker rows'
  ** cells until store_run_counts_complete adds them */
  int run_counts_partial;
  int borrowed;   /* MEMO_* bits: those memos are another connection's */
  int keep_runs;   /* store_read_keep_runs: the runs read once */
  struct store_runs_memo *runs_memo;
  size_t n_minfo;
  /* SQLite: the first run added in this transaction (0: none); ids grow,
  ** so runs from it on are new, with no derived results to clear */
  int64_t tx_runs_from;
  size_t file_metrics_mark;   /* n_metrics at store_file_begin */
  int file_savepoint;         /* the file is a savepoint (not the tx) */
  int file_after_first;       /* the file is not the transaction's first */
  int files_optimistic;       /* store_batch_optimistic: no savepoints */
  sqlite3_stmt *file_sql[2];  /* batch.c: SAVEPOINT, RELEASE, prepared */
  store_checkpointer *ckpt;   /* checkpoint.c: NULL, SQLite's own */
  /* batch.c: foreign keys unchecked while no other connection has
  ** committed since data_version was refs_version */
  int refs_trusted;
  long long refs_version;
  /* snapshot.c: data_version when store_read_mark ran (marked); joined:
  ** the read was begun by store_read_join; immutable: opened as
  ** "?immutable=1" (store.c), where no commit is ever seen */
  int marked, joined, immutable;
  long long mark_version;
};

/* The columns of tracker_results (schema.c, 5 -> 6), in
** store_sample_metrics order: name, unit as written, how the figure was
** got as SQL over the row w (NULL: the metric has no method), and the
** column's place (a row's values are listed in the file's order). */
#define CPU_M "coalesce(w.method, w.cpu_method)"
#define PART_M(p) "coalesce(w.method, '" p "')"
#define TOTAL_M                                                             \
  "coalesce(w.method, CASE w.cpu_method WHEN 'tdp' THEN "                 \
  "'tdp+nvml+ram-model' ELSE w.cpu_method || '+nvml+ram-model' END)"
#define TRACKER_COLUMNS(X)                                                  \
  X(duration, "s", "NULL", 1) X(emissions, "kg", TOTAL_M, 2)                \
  X(emissions_rate, "kg/s", "NULL", 3) X(cpu_power, "W", CPU_M, 4)          \
  X(gpu_power, "W", PART_M("nvml"), 5)                                      \
  X(ram_power, "W", PART_M("ram-model"), 6) X(cpu_energy, "kWh", CPU_M, 7)  \
  X(gpu_energy, "kWh", PART_M("nvml"), 8)                                   \
  X(ram_energy, "kWh", PART_M("ram-model"), 9)                              \
  X(energy_consumed, "kWh", TOTAL_M, 10)                                    \
  X(water_consumed, "L", "NULL", 11) X(cpu_utilization, "%", "NULL", 12)    \
  X(gpu_utilization, "%", "NULL", 13) X(ram_utilization, "%", "NULL", 14)   \
  X(ram_used, "GB", "NULL", 15)
/* The non-empty cells of a tracker_results row w: the measurements it
** stands for (CASE, not a boolean sum: PostgreSQL adds no booleans). */
#define WIDE_CELL(c, unit, m, k)                                           \
  "(CASE WHEN w." #c " IS NULL THEN 0 ELSE 1 END) + "
#define WIDE_CELLS "(" TRACKER_COLUMNS(WIDE_CELL) "0)"
/* ", duration, duration_raw, ...": the column list of an insert or a copy */
#define TRACKER_NAMES(c, unit, m, k) ", " #c ", " #c "_raw"

/* A curve chunk point's raw_value in SQL, j a json_each row of
** curves.points: the cell ([5], a string or null), or, where [5] is 1
** (schema 9, store/curves.c), the value [4] as written, which `->` gives
** as its text. schema.c's migration 8 -> 9 uses it: never edit it. */
#define CURVE_RAW                                                           \
  "(CASE typeof(j.value ->> 5) WHEN 'integer' THEN j.value -> 4"           \
  " ELSE j.value ->> 5 END)"

/* Binding helpers: NULL for a NULL text, a count < 0, a NaN. */
static inline void bind_text(db_stmt *st, int i, const char *s) {
  if (s) db_bind_text(st, i, s);
  else db_bind_null(st, i);
}

static inline void bind_count(db_stmt *st, int i, int64_t v) {
  if (v >= 0) db_bind_int64(st, i, v);
  else db_bind_null(st, i);
}

static inline void bind_real(db_stmt *st, int i, double v) {
  if (!isnan(v)) db_bind_double(st, i, v);
  else db_bind_null(st, i);
}

/* Runs a write statement; when out_id is given, stores the new rowid. */
int store_step_done(store_db *db, db_stmt *st, int64_t *out_id,
                    char err[POD_ERRLEN]);

extern const char *const store_sql[Q_COUNT_];

/* A walk by hand (store_walk's steps): the next row of st into row
** (row->n -1 before the first: names are read then, into names): 1, 0
** at the end (st reset), or -(error code). */
int store_row_step(store_db *db, db_stmt *st, store_row *row,
                   const char *names[64], char err[POD_ERRLEN]);
/* PostgreSQL's text of a migration where it differs (schema.c; NULL: the
** same), and of Q_CURVE_POINTS (query.c, for store_pg_override). */
const char *store_pg_migration(int v);
extern const char *const store_curve_points_pg;
/* The integer a PRAGMA statement (Q_DATA_VERSION, Q_FOREIGN_KEYS)
** reads, prepared once; -1: none (batch.c). */
int64_t store_pragma_int(store_db *db, int q);
/* Steps a lookup returning one integer: *out, or if_none without a row;
** resets st (done with it: not busy for the next caller). */
int store_step_int64(store_db *db, db_stmt *st, int64_t if_none,
                     int64_t *out, char err[POD_ERRLEN]);
extern const char *const store_runs_without_results_pg;

/* curves.c: a value for a curve chunk: 1 when taken, 0 when it is to be
** a measurements row (noted in the memo either way), else an error;
** writes the open chunk; drops or frees the chunk and the memo. */
int store_curves_add(store_db *db, const store_measurement *m,
                     char err[POD_ERRLEN]);
int store_curves_write(store_db *db, char err[POD_ERRLEN]);
void store_curves_drop(store_db *db);
void store_curves_free(store_db *db);
/* pending.c: writes the rows kept, the next run id still known; whether
** writes may wait (SQLite, inside a transaction). */
int store_pending_write(store_db *db, char err[POD_ERRLEN]);
int store_may_defer(store_db *db);
/* The memo of the validation and test values of the file being
** ingested: store_each_curve_point's rows of run_id, and the result from
** one of them (store_result_from_point), when the memo has every such
** value of the run: 1 (or an error code), else 0: ask SQL. */
int store_memo_each_curve_point(store_db *db, int64_t run_id,
                                store_row_fn fn, void *ud);
int store_memo_result(store_db *db, int64_t run_id, int64_t source_id,
                      int64_t col, const char *derived, int64_t of_epochs,
                      char err[POD_ERRLEN]);
/* curve_read.c: the metric of that id (read again when unknown), or
** NULL; the memory of them. */
const store_metric_info *store_metric_info_of(store_db *db, int64_t id);
void store_metric_info_free(store_db *db);
/* A metric this connection looked up (store_metric_id), or NULL. */
const metric_cache_entry *store_metric_cached(store_db *db,
                                               int64_t metric_id);

/* Prepared statement for q, reset and with bindings cleared; pending
** rows are written first (pending.c). */
int store_stmt(store_db *db, int q, db_stmt **out, char err[POD_ERRLEN]);
/* A statement of SQLite's text for one use (db_finalize it); pending
** rows are written first. */
int store_prepare(store_db *db, const char *sql, db_stmt **out,
                  char err[POD_ERRLEN]);
/* The same without writing pending rows: for pending.c. */
int store_stmt_get(store_db *db, int q, db_stmt **out, char err[POD_ERRLEN]);
int store_prepare_get(store_db *db, const char *sql, db_stmt **out,
                      char err[POD_ERRLEN]);
/* pending.c: writes the rows kept (any other statement may read them or
** add runs); drops them (rollback); frees (close). */
int store_pending_flush(store_db *db, char err[POD_ERRLEN]);
void store_pending_drop(store_db *db);
void store_pending_free(store_db *db);
/* A value from line `line` of source `source` is stored. */
void store_note_line(store_db *db, int64_t source, int64_t line);
/* A measurement of source went to run (store_source_new_runs). */
void store_note_run(store_db *db, int64_t source, int64_t run);
/* Runs SQL text (SQLite's form) / a dialect entry (store_dialect[d]);
** SQLITE_OK or an error code, the message for store_fail. */
int store_exec_raw(store_db *db, const char *sql);
int store_exec_dialect(store_db *db, int d);
/* Formats "path: sqlite message" into err and returns POD_EDB. */
int store_fail(store_db *db, char err[POD_ERRLEN]);
/* Steps st to the end, calling fn for each row. */
int store_walk(store_db *db, db_stmt *st, store_row_fn fn, void *ud,
               char err[POD_ERRLEN]);

/* The memos a connection may borrow (store_read_borrow). */
enum { MEMO_BOARDS = 1, MEMO_COUNTS = 2, MEMO_ENVS = 4, MEMO_RUN_COUNTS = 8,
       MEMO_RUNS = 16 };
/* Every run's bare row (as Q_RUNS_BARE has them) and the numbers of
** their rows newest first and, per environment, oldest first (query.c). */
typedef struct store_runs_memo {
  store_rows *rows;
  int64_t *env;      /* env[i]: the environment of row by_env[i] */
  size_t *by_env;    /* by environment, then oldest first */
  size_t *newest;    /* newest first */
  size_t n;
} store_runs_memo;
void store_runs_memo_free(store_runs_memo *m);
/* Adds the tracker rows' cells to counts the feed took (a no-op when
** they are whole); on a failure they are dropped (Q_RUN_COUNTS is read
** instead) and err says why. */
int store_run_counts_complete(store_db *db, char err[POD_ERRLEN]);
/* (run, count) appended to a by-run array of counts (*n of *cap). */
void store_counts_put(int64_t (**a)[2], size_t *n, size_t *cap, int64_t run,
                      int64_t count);
/* A metric's direction (metrics.direction; 0 when unknown). */
int store_metric_direction(store_db *db, int64_t metric_id);
/* A board's rows (primary: with its cost columns; desc: higher is
** better): of scope, or with run_id of that run alone, ranked among its
** own rows (store_board_patch). Picks the statement (Q_BOARD_*,
** Q_PRIMARY_*, their _RUN_ forms). */
int store_walk_board(store_db *db, int primary, int desc, const char *scope,
                     int64_t metric_id, int64_t run_id, store_row_fn fn,
                     void *ud, char err[POD_ERRLEN]);
/* Frees db's own memos, forgets the borrowed ones (snapshot.c). */
void store_memos_drop(store_db *db);

/* Statement q (no parameters) inside a snapshot: read once into *memo
** and walked again from there; outside one, walked as it is. */
int store_walk_memo(store_db *db, int q, store_rows **memo, store_row_fn fn,
                    void *ud, char err[POD_ERRLEN]);

#endif
