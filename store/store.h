/*
** store/store.h -- the registry: one SQLite file, or a PostgreSQL
** database shared by several machines (a postgresql:// URL where a path
** would be); the only module that speaks SQL.
**
** Owns: a store_db owns its connection and every statement it prepares;
** store_close releases them (NULL is fine).
** Borrowed: a store_row passed to a callback, and every string in it, is
** valid only until the callback returns; copy what you keep.
** Errors: POD_OK, or POD_EDB ("path: what SQLite said") / POD_EINPUT
** ("no run X") with one line in err.
** Writes happen inside store_begin/store_commit; store_rollback undoes
** everything since store_begin, which is how ingest keeps a file whole
** or absent.
*/
#ifndef PODIUM_STORE_H
#define PODIUM_STORE_H

#include <stdint.h>
#include "core/buf.h"
#include "core/err.h"

#define STORE_SCHEMA_VERSION 9

typedef struct store_db store_db;

/* For writing commands: creates the registry (a missing or empty file)
** or migrates it, under the write lock; refuses a SQLite file that is not
** a podium registry or is newer (POD_EDB). */
int store_open(const char *path, store_db **out, char err[POD_ERRLEN]);
/* For read commands: read-only, never writes a byte (no creation, no
** migration, no WAL switch); a missing, empty or older registry is
** POD_EINPUT saying what to do, a foreign or newer one POD_EDB. */
int store_open_read(const char *path, store_db **out, char err[POD_ERRLEN]);
/* A second connection to db's registry, opened the way db was (render
** threads). */
int store_reopen(const store_db *db, store_db **out, char err[POD_ERRLEN]);
void store_close(store_db *db);
/* From now until store_close, the write-ahead log is copied back into
** the registry file on a thread of its own, not inside the COMMIT that
** grew it (a long ingest: store/checkpoint.c). SQLite file only; where
** no thread or connection can be had, nothing changes. */
void store_checkpoint_behind(store_db *db);
/* An ingest's page cache (SQLite): 8 MiB instead of the 24 MiB every
** other command gets. A bulk ingest ran as fast with 8 (its inserts go
** to the right edge of each B-tree), and its peak RSS no longer grew
** with the registry (snapshots: 30 MB at 100k lines, 43 MB from 300k
** on; now 26 MB at both). */
void store_ingest_cache(store_db *db);
/* From now on (outside a transaction; SQLite file only), the references
** of inserted rows are not checked while no other connection commits:
** an ingest's rows name runs and sources it made (store/batch.c says
** why and when they are checked again). Whether they still are not. */
void store_trust_references(store_db *db);
int store_references_trusted(store_db *db);
/* Whether target names a registry on this machine's file system (a
** path), as opposed to a server (postgresql://USER@HOST[:PORT]/DB, whose
** password comes from libpq: PGPASSWORD, ~/.pgpass, PGPASSFILE; never
** from the URL). Files beside a local registry (podium.project.json)
** are looked for beside it. */
int store_is_local(const char *target);
/* The path it was opened with (render's workers open their own). */
const char *store_path(const store_db *db);
int store_schema_version(store_db *db);  /* PRAGMA user_version */
const char *store_sqlite_version(void);
/* "15.4": the libpq podium runs with (static text). */
const char *store_libpq_version(void);

/* Test hook: open a database as an older schema version would have left
** it, so a test can check that store_open migrates it forward. */
int store_create_at_version(const char *path, int version,
                            char err[POD_ERRLEN]);
/* Test hook: the file may grow to `pages` pages at most (at least its
** size now), so the next write past it fails as on a full disk. */
int store_test_max_pages(store_db *db, long pages);

/* ---- one state for several connections (snapshot.c) ------------------- */
/* Begins a read transaction on db and names the state it reads: two
** connections with equal digests read the same registry (the rows the
** render key is made of). Until store_read_end, db sees no later write.
** keep: those rows are kept for store_each_state too (until
** store_read_forget). */
int store_read_begin(store_db *db, int keep, char digest[65],
                     char err[POD_ERRLEN]);
/* For a second connection db to read the state another is about to
** read: called on db before that other's store_read_begin. 0 when db
** cannot be marked (a server, an immutable file): it will read the
** digest. */
int store_read_mark(store_db *db);
/* Then, after that store_read_begin: 1 when db now reads the same state
** (no commit since the mark: SQLite's data_version; no digest read), its
** read begun as store_read_begin's (or already, by this call); 0 with
** nothing begun when that is not known (unmarked, a server, a commit
** came): read the digest. */
int store_read_join(store_db *db);
/* After store_read_begin on a marked db: 1 when its state is the one
** at its mark (no commit between), so that a connection marked with it
** and joined reads that same state too. Once. */
int store_read_still(store_db *db);
/* On a joined db: reads what a render reads first of every run (the run
** feeds, store_each_run_feed, and each run's count of measurements) for
** store_read_give to hand to another connection reading the same state
** (render/site.c reads them beside main's store_read_begin). */
int store_read_prefetch(store_db *db, char err[POD_ERRLEN]);
/* The same for the list of boards (store_each_leaderboard), which main
** reads before its workers start. */
int store_read_prefetch_boards(store_db *db, char err[POD_ERRLEN]);
/* Moves what from has read of those (and of nothing else) to to, where
** to has not read it itself; both read the same state. */
void store_read_give(store_db *from, store_db *to);
/* Inside it, store_each_state and store_each_run_feed read once and walk
** again what they read (the render key, the base key and the
** incremental render each walk them); this gives that memory back. */
void store_read_forget(store_db *db);
/* Inside it, every run's row is read once when first walked
** (store_each_run, store_each_env_run) and walked from memory after:
** a render that reuses most pages walks every run five times and
** renders few of them (~1.5 MB at 10,000 runs, so a full render, whose
** peak that would raise, does not ask for it). Called before
** store_read_forget, it takes them from the state rows, and the
** registry's counts (store_counts) too. */
void store_read_keep_runs(store_db *db);
void store_read_end(store_db *db);   /* ends it; NULL or none is fine */
/* What a connection inside a read has read once (the boards, counts,
** environments, runs' measurement counts): another connection reading
** the same state (their digests agree) may walk them too. A render's
** main thread lends its own when it has found the study; its workers
** borrow them then, instead of each asking SQL again. */
typedef struct store_memos {
  const struct store_rows *boards, *counts, *envs;
  const struct store_runs_memo *runs;
  const int64_t (*run_counts)[2];
  size_t n_run_counts;
  int run_counts_read;
} store_memos;
/* Called in from's thread: what from has read so far (borrowed from
** from until it ends its read or is closed). */
void store_read_lend(const store_db *from, store_memos *out);
/* db walks those of m it has not read itself, read only, until its read
** ends; from's read must last longer. Any thread. */
void store_read_borrow(store_db *db, const store_memos *m);
/* A walk whose callback never returns (render/runs.c: a page out of Lua
** memory unwinds through it) leaves its statement busy. store_walks_mark
** notes the walks in progress; store_walks_abandon resets those begun
** since. */
void store_walks_mark(store_db *db);
void store_walks_abandon(store_db *db);

/* ---- podium copy (copy.c) -------------------------------------------- */
typedef struct store_copy_stats {
  long copied, skipped;   /* sources: added to `to`, there already */
} store_copy_stats;
/* Every source of `from` that `to` lacks (by sha256), with its runs,
** metrics, measurements and samples, one transaction per source, and
** every environment; paths, sha256 and times as they were. `from` read
** only (one snapshot), `to` opened for writing. Run twice, the second
** copies nothing. */
int store_copy(store_db *from, store_db *to, store_copy_stats *out,
               char err[POD_ERRLEN]);

/* ---- podium check (check.c) ------------------------------------------ */
typedef struct store_check_result {
  long problems;          /* 0: the registry is whole */
  pod_buf text;           /* one line per problem (the first 150) */
  int64_t sources, runs, measurements;
} store_check_result;
/* Looks at db (read-only is fine): PRAGMA integrity_check, PRAGMA
** foreign_key_check, and every source's rows. Problems go to *out, which
** the caller frees with store_check_free; the rc is for failing to look
** at all. */
int store_check(store_db *db, store_check_result *out, char err[POD_ERRLEN]);
void store_check_free(store_check_result *r);

/* ---- transactions ---------------------------------------------------- */
int store_begin(store_db *db, char err[POD_ERRLEN]);
int store_commit(store_db *db, char err[POD_ERRLEN]);
void store_rollback(store_db *db);
/* Several files in one transaction (SQLite; on PostgreSQL each file is its
** own): store_file_begin opens the transaction if none is open (the file
** is then the transaction) or takes a savepoint for the file; store_file_keep keeps its writes (not committed yet);
** store_file_undo undoes them alone and returns 0, or returns 1 when the
** whole transaction was lost (SQLite undoes it on errors like a full
** disk), the files kept before in it too. store_batch_commit commits
** what was kept (nothing open: POD_OK); on failure it is all undone. */
int store_file_begin(store_db *db, char err[POD_ERRLEN]);
/* on: a file after a transaction's first takes no savepoint (they cost
** ~10% of a folder of small files): store_file_undo of it undoes the
** whole transaction and returns 1, as when SQLite undoes it; off (the
** default): a savepoint each. */
void store_batch_optimistic(store_db *db, int on);
/* Whether a transaction is open on db (SQLite undoes one whole on some
** errors: a caller keeping files in it checks). */
int store_in_tx(store_db *db);
int store_file_keep(store_db *db, char err[POD_ERRLEN]);
int store_file_undo(store_db *db);
int store_batch_commit(store_db *db, char err[POD_ERRLEN]);

/* ---- writes (used by ingest/) --------------------------------------- */
typedef struct store_source {
  const char *path;            /* as the user gave it */
  const char *sha256;          /* 64 hex digits */
  const char *format;          /* "hf-benchmark" */
  const char *format_version;  /* "2.10+", may be NULL */
  int64_t bytes;
} store_source;

/* *out_id is 0 when no source has that sha256. */
int store_source_find(store_db *db, const char *sha256, int64_t *out_id,
                      char err[POD_ERRLEN]);
int store_source_add(store_db *db, const store_source *src, int64_t *out_id,
                     char err[POD_ERRLEN]);
/* The newest source ingested from path, with its sha256 (65 bytes); *out_id
** is 0 when there is none. */
int store_source_find_path(store_db *db, const char *path, int64_t *out_id,
                           char out_sha[65], char err[POD_ERRLEN]);
/* Removes a source with its measurements, and the runs that are left
** with no measurement at all (--replace). Environments stay. */
int store_source_remove(store_db *db, int64_t id, char err[POD_ERRLEN]);
int store_source_set_rows(store_db *db, int64_t id, int64_t rows,
                          const char *format_version, char err[POD_ERRLEN]);
/* A source's sha256 and size, known only after its rows were read (a
** large file is hashed while it is parsed): set before the commit. */
int store_source_set_sha(store_db *db, int64_t id, const char *sha256,
                         int64_t bytes, char err[POD_ERRLEN]);

/* A normalized hardware/software fingerprint. NULL text and negative
** numbers mean "not known" (NaN for the reals). */
typedef struct store_env {
  const char *cpu_model;
  int64_t cpu_count;
  int64_t ram_bytes;
  const char *gpu_model;
  int64_t gpu_count;
  int64_t gpu_memory_bytes;
  double gpu_power_w;
  const char *os;
  const char *python_version;
  const char *framework;
  const char *framework_version;
  const char *country;
  const char *region;
  const char *cloud_provider;
  const char *cloud_region;
  double pue;
  const char *tracking_mode;
  const char *extras_json;     /* raw fields we keep but do not normalize */
} store_env;

void store_env_init(store_env *env);  /* every field "not known" */
/* The environment a description is: the row with the same fields, else
** the row it matches best (every field known on both sides agrees, one of
** CPU model, RAM, GPU model among them), enriched with the fields it
** lacked, else a new row (docs/ARCHITECTURE.md, "Environments"). */
int store_env_add(store_db *db, const store_env *env, int64_t *out_id,
                  char err[POD_ERRLEN]);
/* Changes whenever store_env_add forgets its answers (a transaction
** begun or undone, a file undone, its cache full): a caller may keep
** what a description gave while this stays the same, and the store
** would give it again. */
unsigned long store_env_epoch(const store_db *db);

typedef struct store_run_new {
  const char *name;       /* --run, may be NULL */
  const char *project, *model, *variant, *role, *dataset, *task;
  const char *tags_json;  /* may be NULL */
  int64_t env_id;         /* 0: unknown */
} store_run_new;

int store_run_add(store_db *db, const store_run_new *run, int64_t *out_id,
                  char err[POD_ERRLEN]);
/* *out_id is 0 when no run has that name. */
int store_run_find_name(store_db *db, const char *name, int64_t *out_id,
                        char err[POD_ERRLEN]);
/* After store_source_remove: the one run of model that the removed source
** fed and that other files still feed (a file replaced in a folder whose
** files make one run joins it again); *out_id 0 when none or several. */
int store_replaced_run(store_db *db, const char *model, int64_t *out_id,
                       char err[POD_ERRLEN]);

/* Whether run_id already holds a result (no epoch, step, batch size or
** sequence length) of metric_id, split and exactly value, from a source
** of format other than source_id: *found, and that source's path in
** from (cut to n bytes). */
int store_result_copy_of(store_db *db, int64_t run_id, int64_t metric_id,
                         const char *split, double value, int64_t source_id,
                         const char *format, char *from, size_t n,
                         int *found, char err[POD_ERRLEN]);

/* Metric direction: which way is better. */
enum { STORE_LOWER_BETTER = -1, STORE_NO_DIRECTION = 0,
       STORE_HIGHER_BETTER = 1 };

/* Returns the id of a metric, adding it on first use (cached per db). */
int store_metric_id(store_db *db, const char *name, const char *unit,
                    int direction, int64_t *out_id, char err[POD_ERRLEN]);

/* One long-form value. Axes that do not apply: -1 (batch_size,
** sequence_length, step), NaN (epoch), NULL (split). */
typedef struct store_measurement {
  int64_t run_id, metric_id, source_id, line;
  double value;             /* SI unit of the metric */
  int64_t batch_size, sequence_length, step;
  double epoch;
  const char *split;
  const char *raw_value;    /* the cell as written */
  int value_is_raw;         /* 1: value is raw_value read as a number */
  const char *raw_unit;     /* the unit it was written in */
  const char *method;       /* core/method.h names, '+'-joined; NULL */
  const char *method_note;  /* how an estimate was made, or NULL */
} store_measurement;

void store_measurement_init(store_measurement *m);
int store_measurement_add(store_db *db, const store_measurement *m,
                          char err[POD_ERRLEN]);

/* One cumulative snapshot of an energy tracker (samples table): values in
** the SI unit of the metric named store_sample_metrics[k]; NaN: empty. */
enum { STORE_SAMPLE_N = 15 };
extern const char *const store_sample_metrics[STORE_SAMPLE_N];
typedef struct store_sample {
  int64_t run_id, step, source_id, line;
  double v[STORE_SAMPLE_N];
} store_sample;

void store_sample_init(store_sample *s);   /* every value NaN */
int store_sample_add(store_db *db, const store_sample *s,
                     char err[POD_ERRLEN]);
/* A run's result as one line of an energy tracker gave it, in wide form
** (one row, not a measurement per figure; readers see the same long-form
** measurements either way). Values as store_sample's; raw[k] the cell as
** written (in the unit store/schema.c gives the column), borrowed for the
** call, or NULL where it is pod_num_repr(v[k]) (core/num.h: readers get
** that text back, ~40% of such a registry saved); cpu_method how the CPU figures were obtained, method (or NULL)
** every energy, power and emissions figure's. */
typedef struct store_tracker_result {
  int64_t run_id, source_id, line;
  const char *cpu_method, *method;
  double v[STORE_SAMPLE_N];
  const char *raw[STORE_SAMPLE_N];
} store_tracker_result;

int store_tracker_result_add(store_db *db, const store_tracker_result *t,
                             char err[POD_ERRLEN]);
/* Turns the result a run got from one line of a source
** (store_tracker_result_add) into its sample `step` and deletes it: a run
** first seen as one row turned out to have snapshots. */
int store_summary_to_sample(store_db *db, int64_t run_id, int64_t source_id,
                            int64_t line, int64_t step, char err[POD_ERRLEN]);
/* The emissions_rate measurement of that line (CodeCarbon 2.0-2.1's g/s
** rate, a measurements row of its own) into the same sample, after
** store_summary_to_sample. */
int store_rate_to_sample(store_db *db, int64_t run_id, int64_t source_id,
                         int64_t line, char err[POD_ERRLEN]);
/* Index of a metric among the sample columns, or -1. */
int store_sample_index(const char *metric);
/* Sets the method of the source's measurements of metric (NULL: of every
** energy, power and emissions metric: units kWh, kg, W); only_unset keeps
** the ones a parser already set. */
int store_source_set_method(store_db *db, int64_t source_id,
                            const char *metric, const char *method,
                            int only_unset, char err[POD_ERRLEN]);
/* Removes a run's estimates (method "estimate") and the estimate sources
** (format STORE_ESTIMATE_FORMAT) no measurement points at any more. */
#define STORE_ESTIMATE_FORMAT "podium-estimate"
int store_estimate_clear(store_db *db, int64_t run_id, char err[POD_ERRLEN]);

/* ---- reads (used by render/ and the CLI) ------------------------------ */
typedef enum { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT } store_type;

typedef struct store_value {
  store_type type;
  int64_t i;
  double d;
  const char *s;   /* STORE_TEXT: NUL-terminated, borrowed */
} store_value;

typedef struct store_row {
  int n;
  const char *const *names;   /* column names */
  const store_value *v;
} store_row;

/* The value of column name in row (a STORE_NULL value when it has none),
** and its text (NULL unless it is text): for callbacks that read rows by
** column name. */
const store_value *store_row_col(const store_row *row, const char *name);
/* The same, looking first at *at: where the column was in the walk's
** last row (checked by name, so any start will do; *at is updated). A
** walk that reads many columns of many rows: one strcmp a column, not a
** scan of every name. */
const store_value *store_row_col_at(const store_row *row, const char *name,
                                    int *at);
/* store_row_text by way of store_row_col_at's place hint. */
const char *store_row_text_at(const store_row *row, const char *name,
                              int *at);
const char *store_row_text(const store_row *row, const char *name);
/* Reading a column with a default: its text when it is non-empty text,
** else if_none; its integer (a real cut), else if_null; its number as a
** double, else NaN. */
const char *store_row_text_or(const store_row *row, const char *name,
                              const char *if_none);
int64_t store_row_int(const store_row *row, const char *name, int64_t if_null);
double store_row_real(const store_row *row, const char *name);
/* An integer column as either backend gives it (PostgreSQL's columns of
** a UNION are text): its integer, a real cut, text read as a number; 0
** when NULL. */
int64_t store_value_int(const store_value *v);
/* store_row_int's of a value: an integer, a real cut, else if_null. */
int64_t store_value_int_or(const store_value *v, int64_t if_null);

/* Called once per row; a nonzero return stops the walk (and is returned
** by the store_each_* function unchanged). */
typedef int (*store_row_fn)(const store_row *row, void *ud);

/* A copy of the rows of a walk, walked again without SQL (store/rows.c):
** pass store_rows_add as the callback of any store_each_* with a
** store_rows as ud, then store_rows_each as often as needed. The rows of
** one store_rows come from one statement (the same columns). Owns its
** copies; store_rows_free releases them (NULL is fine). A row lent by
** store_rows_each is valid until the callback returns, like any other. */
typedef struct store_rows store_rows;
store_rows *store_rows_new(void);
void store_rows_free(store_rows *rs);
int store_rows_add(const store_row *row, void *rows);
/* A row into a SHA-256 as typed bytes (a tag, then 8 bytes of a number
** or a text with its NUL; a newline ends it): the registry's state
** digest and the render's fingerprints. */
struct pod_sha256;
void store_row_digest(const store_row *row, struct pod_sha256 *h);
int store_rows_each(const store_rows *rs, store_row_fn fn, void *ud);
/* Rows made by store_rows_new_indexed (a little bigger: no value is
** "the same as above") may also be walked in any order: rows[0..n) are
** row numbers, from 0 in the order added (POD_EINTERNAL for others). */
store_rows *store_rows_new_indexed(void);
int store_rows_each_at(const store_rows *rs, const size_t *rows, size_t n,
                       store_row_fn fn, void *ud);
size_t store_rows_count(const store_rows *rs);
/* The rows as bytes for a file (store_rows_save appends them to out) and
** back (store_rows_load: a new store_rows, or NULL when data is not what
** store_rows_save wrote: every value is checked before it is taken). */
void store_rows_save(const store_rows *rs, pod_buf *out);
/* The same in two pieces, for a caller that writes a big one without a
** copy: what comes before the stream, and the stream itself (lent). */
void store_rows_save_head(const store_rows *rs, pod_buf *out);
const void *store_rows_stream(const store_rows *rs, size_t *len);
store_rows *store_rows_load(const void *data, size_t len);
/* Walks saved rows where they are, without a store_rows (its texts and
** names are lent from data): *bad set, and nothing walked, when data is
** not what store_rows_save wrote (or has over 64 columns). */
int store_rows_each_saved(const void *data, size_t len, store_row_fn fn,
                          void *ud, int *bad);

/* Runs with their environment id and measurement count, newest first. */
int store_each_run(store_db *db, store_row_fn fn, void *ud,
                   char err[POD_ERRLEN]);
/* One run by numeric id or by name; POD_EINPUT when there is none. */
int store_get_run(store_db *db, const char *id_or_name, store_row_fn fn,
                  void *ud, char err[POD_ERRLEN]);
/* The runs a user means by spec: the run with that id, else every run
** with that name, else every run of that model (repeats); POD_EINPUT when
** none. Rows as store_each_run. */
int store_each_run_match(store_db *db, const char *spec, store_row_fn fn,
                         void *ud, char err[POD_ERRLEN]);
/* Ids gathered from a walk: store_take_id (a store_row_fn) appends each
** row's "id" to the store_ids given as ud; the caller frees ids. */
typedef struct store_ids {
  int64_t *ids;
  size_t n;
} store_ids;
int store_take_id(const store_row *row, void *ud);
/* The runs the measurements of source_id went to, ascending and
** distinct, as store_each_source_run lists them, when source_id is the
** source this connection added last and every measurement of it came
** through store_measurement_add (an ingest, before its commit): 1, and
** out->ids (the caller frees it). 0 otherwise: ask the registry. Saves
** a query per training log (issue 14). */
int store_source_new_runs(store_db *db, int64_t source_id, store_ids *out);
/* store_each_run_match as ids: *out_ids (the caller frees it), *out_n. */
int store_run_ids(store_db *db, const char *spec, int64_t **out_ids,
                  size_t *out_n, char err[POD_ERRLEN]);
/* Every measurement of a run with metric, unit, axes and provenance. */
int store_each_measurement(store_db *db, int64_t run_id, store_row_fn fn,
                           void *ud, char err[POD_ERRLEN]);
/* The step of the checkpoint a transformers Trainer kept for run (its
** best_global_step value), or -1 when it has none. */
int store_run_kept_step(store_db *db, int64_t run_id, int64_t *out,
                        char err[POD_ERRLEN]);
/* Runs whose validation or test curves of a quality metric have no result
** picked from them (registries from before schema v5): id. */
int store_each_run_without_results(store_db *db, store_row_fn fn, void *ud,
                                   char err[POD_ERRLEN]);
/* A run's validation and test values of quality metrics (unit "",
** direction not 0), in no order: metric, unit, split, direction, epoch,
** value, id, step, derived, source_id, col (a point of a curve chunk has
** no id: its file and place name it). What results from curves are
** made from. */
int store_each_curve_point(store_db *db, int64_t run_id, store_row_fn fn,
                           void *ud, char err[POD_ERRLEN]);
/* A run's snapshots by step: step, line, source_path, then one column
** per store_sample_metrics (NULL when empty). */
int store_each_sample(store_db *db, int64_t run_id, store_row_fn fn,
                      void *ud, char err[POD_ERRLEN]);
/* One source by id, with the columns store_each_run_source gives. */
int store_get_source(store_db *db, int64_t source_id, store_row_fn fn,
                     void *ud, char err[POD_ERRLEN]);
/* The sources a run's measurements came from. */
int store_each_run_source(store_db *db, int64_t run_id, store_row_fn fn,
                          void *ud, char err[POD_ERRLEN]);
int store_each_env(store_db *db, store_row_fn fn, void *ud,
                   char err[POD_ERRLEN]);
int store_get_env(store_db *db, int64_t env_id, store_row_fn fn, void *ud,
                  char err[POD_ERRLEN]);
/* Runs measured on one environment. */
int store_each_env_run(store_db *db, int64_t env_id, store_row_fn fn,
                       void *ud, char err[POD_ERRLEN]);
/* Every (scope, metric) pair that has summary values: scope is the run's
** dataset, else its task, else "". */
int store_each_leaderboard(store_db *db, store_row_fn fn, void *ud,
                           char err[POD_ERRLEN]);
/* The ranked entries of one leaderboard: per axis point (batch size,
** sequence length), runs ranked by their mean value in the metric's
** direction; ties share a rank (1, 1, 3). */
int store_each_leaderboard_entry(store_db *db, const char *scope,
                                 int64_t metric_id, store_row_fn fn, void *ud,
                                 char err[POD_ERRLEN]);
/* The primary ranking of a board: the rows of store_each_leaderboard_entry
** (same order and ranks) with six more columns, the run's cost figures in
** SI units: inference_time, train_time (s), inference_memory,
** train_memory (B), energy_consumed (kWh), emissions (kg). Each is the
** run's mean at the row's axis point, else its value measured without
** axes (a CodeCarbon total), else, on a row without axes, its value at
** the only point it has; NULL when none applies. One statement. */
int store_each_primary_entry(store_db *db, const char *scope,
                             int64_t metric_id, store_row_fn fn, void *ud,
                             char err[POD_ERRLEN]);
/* A board's entries made from the ones read before (kept: the rows of
** store_each_leaderboard_entry, or store_each_primary_entry when
** primary) when only the runs ids[] (ascending) changed since: theirs
** are read again (none for a run that left the scope), the others are
** taken as they were, and every row is ranked and ordered as the
** statements do (store/board_patch.c). *out: a new store_rows the caller
** frees; NULL, *same set, when the board is kept's row for row (none of
** the runs has a row on it, before or now). POD_EINTERNAL when kept's
** columns are not the statement's: read the board instead. */
int store_board_patch(store_db *db, const char *scope, int64_t metric_id,
                      int primary, const store_rows *kept, const int64_t *ids,
                      size_t n_ids, store_rows **out, int *same,
                      char err[POD_ERRLEN]);
/* Every measurement of every run (downloads), by run; _of: one run's,
** the same rows in the same order as among the others. */
int store_each_measurement_all(store_db *db, store_row_fn fn, void *ud,
                               char err[POD_ERRLEN]);
int store_each_measurement_all_of(store_db *db, int64_t run_id,
                                  store_row_fn fn, void *ud,
                                  char err[POD_ERRLEN]);
/* Each run's mean per metric and axis point (summary values only: no
** epoch, no step), by scope, metric, point and run: scope, run_id, model,
** variant, metric, unit, direction, batch_size, sequence_length, split,
** value. For the Pareto pages. */
int store_each_summary(store_db *db, store_row_fn fn, void *ud,
                       char err[POD_ERRLEN]);
/* Counts for the overview: runs, sources, environments, measurements. */
int store_counts(store_db *db, store_row_fn fn, void *ud,
                 char err[POD_ERRLEN]);
/* Rows that differ whenever anything a page shows differs (render's
** no-change check hashes them): every source, run, environment and
** metric, and the count and last id of measurements. */
int store_each_state(store_db *db, store_row_fn fn, void *ud,
                     char err[POD_ERRLEN]);
/* store/render_state.c: rows (run_id, kind, source_id, n, last, vsum,
** notes) ordered by run, kind (1 measurements, 2 tracker results, 3
** snapshots, 4 curve points in chunks) and source: which files feed each run, how many rows, the
** last id, the sum of their values and of their notes' lengths. */
int store_each_run_feed(store_db *db, store_row_fn fn, void *ud,
                        char err[POD_ERRLEN]);
/* The query plan of the leaderboard query, one detail per line (tests). */
int store_explain_leaderboard(store_db *db, pod_buf *out,
                              char err[POD_ERRLEN]);
int store_explain_primary(store_db *db, pod_buf *out, char err[POD_ERRLEN]);

/* Results from curves (analysis/curves.c): the distinct runs that source
** fed measurements or curve chunks to (column id; the runs of
** tracker_results rows are not looked for, a scan of that table per
** training log, issue 14), a copy of one curve point as a summary value
** (epoch and step cleared, derived = how it was picked, at_epoch = the
** point's epoch, of_epochs = how many epochs the curve has; same source
** and line), and the removal of every such copy of a run. The point is
** store_each_curve_point's: its measurement id, else (id 0) its
** source_id and col in run_id's curve chunks. */
int store_each_source_run(store_db *db, int64_t source_id, store_row_fn fn,
                          void *ud, char err[POD_ERRLEN]);
int store_result_from_point(store_db *db, int64_t run_id,
                            int64_t measurement_id, int64_t source_id,
                            int64_t col, const char *derived,
                            int64_t of_epochs, char err[POD_ERRLEN]);
int store_results_clear(store_db *db, int64_t run_id, char err[POD_ERRLEN]);
/* The roles other runs of model give it in scope: a row (role, run_id,
** source_path) per run whose role is set and is not role; none when
** they agree. For ingest's check that a model has one role per scope. */
int store_each_role_conflict(store_db *db, const char *model,
                             const char *scope, const char *role,
                             store_row_fn fn, void *ud, char err[POD_ERRLEN]);

#endif
