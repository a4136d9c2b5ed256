/*
** ingest/ingest_int.h -- what the format parsers share: the per-file
** context, the streaming CSV reader and strict number parsing.
*/
#ifndef PODIUM_INGEST_INT_H
#define PODIUM_INGEST_INT_H

#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>
#include "ingest/ingest.h"
#include "core/buf.h"

/* A small string -> id map; entries added inside a failed transaction are
** dropped by truncating to the length the transaction started with. */
/* Keys in insertion order (a failed file truncates what it added) with
** a hash index over them: a CodeCarbon file can name 100,000s of runs. */
typedef struct id_map {
  char **key;
  int64_t *id;
  size_t n, cap;
  size_t *slot;          /* index + 1 into key/id; 0: free */
  size_t n_slots;        /* a power of two, >= 2 n */
} id_map;
int64_t id_map_get(const id_map *m, const char *key);   /* 0: none */
void id_map_put(id_map *m, const char *key, int64_t id);
void id_map_truncate(id_map *m, size_t n);   /* keeps the first n */
void id_map_free(id_map *m);

/* Per-file state, alive while one file is read inside its transaction. */
typedef struct ingest_read_ahead ingest_read_ahead;
typedef struct ingest_ctx {
  ingest_session *session;
  ingest_read_ahead *ahead;     /* the file was read there (NULL: not) */
  store_db *db;
  const ingest_meta *meta;
  const char *path;             /* as given */
  char dir[4096];               /* folder of path: runs group per folder */
  int64_t source_id;
  long rows;                    /* data rows read */
  const char *format_version;   /* set by the parser once it knows */
  const char *tags_json;        /* --tag and manifest tags, or NULL */
  long long bytes;              /* the file's size */
  const char *note;             /* a static string for ingest_report.note */
  long bad_rows;                /* lines skipped (--skip-bad-rows) */
  int replacing;                /* --replace took out the file's old rows */
  pod_buf *bad;                 /* their messages (the session's buffer) */
  char delim;                   /* CSV separator the parser chose; 0: ',' */
  char eol;                     /* the line end csv.c found first; 0: none yet */
  /* A large new file is hashed by the CSV reader thread as it reads it
  ** (ingest_file sets stream_sha; the reader sets sha_done, sha and
  ** sha_bytes once every byte went through); otherwise, or when no
  ** reader read it all, ingest_file hashes it after the parse. */
  int stream_sha, sha_done;
  char sha[65];
  long long sha_bytes;
  /* A small file's bytes, read once by ingest_file as it hashed them
  ** (the session's; NULL: read from path): the CSV reader takes them
  ** instead of opening the file again. */
  const char *data;
  size_t data_len;
  /* Columns a first read found in percent ('\n' after each name): the
  ** parser divides them by 100 when the file is read again. */
  char percent[4096];
  /* The step of the checkpoint a transformers Trainer kept as its best
  ** (load_best_model_at_end: best_global_step, best_model_checkpoint), or
  ** -1: the file's results are picked at that step's epoch. */
  int64_t kept_step;
  int run_made;                 /* the last ingest_run_for made its run */
  int want_repr;                /* the parser asks the reader thread to
                                ** tell cells that are their number's repr
                                ** (ingest_csv_row.repr): CodeCarbon */
} ingest_ctx;

/* A parser's answer: roll the file back and read it again (cx->percent
** now names columns in percent); file_in_batch does, once. */
#define INGEST_READ_AGAIN 100
/* Whether cx->percent names column; adds it (0: no room, or named). */
int ingest_percent_named(const ingest_ctx *cx, const char *column);
/* 1: column added to cx->percent; 0: it was there; -1: no room (err). */
int ingest_percent_add(ingest_ctx *cx, const char *column,
                       char err[POD_ERRLEN]);
/* Whether a fraction column whose largest |value| is max was logged in
** percent: over 1 (not by a rounding error: a mean of accuracies can end
** a hair above 1) and at most 100. */
int ingest_max_is_percent(double max);
/* Appends ", in percent: a, b" (those columns) to version[n]. */
void ingest_percent_note(const ingest_ctx *cx, char *version, size_t n);

/* A broken line: under --skip-bad-rows, err (already written, located)
** is kept for the report, the line counted and POD_OK returned; otherwise
** rc, with " (--skip-bad-rows skips such lines)" added to err. */
int ingest_bad_row(ingest_ctx *cx, int rc, char err[POD_ERRLEN]);
/* A file of a header and no row ("found a header but no rows, expected
** at least one WHAT"; line: the header's), naming the broken lines
** skipped when every line was one. Returns POD_EINPUT. */
int ingest_no_rows(ingest_ctx *cx, long line, const char *what,
                   char err[POD_ERRLEN]);

/* A machine's environment by its description as written, across the
** files of a session: env_build and the store's fingerprint were a fifth
** of a small CodeCarbon file (issue 14). key: a row's raw cells
** (NUL-terminated); names: what says what they are (a header's text,
** names_len bytes). Kept while the store's answers stand
** (store_env_epoch) and the names stay the same, so a recalled id is
** what store_env_add would give; 0: not known. The session copies. */
int64_t ingest_env_recall(ingest_ctx *cx, const char *names,
                          size_t names_len, const char *key);
void ingest_env_remember(ingest_ctx *cx, const char *names, size_t names_len,
                         const char *key, int64_t id);

/* ---- the CSV reader (csv.c) ------------------------------------------ */
typedef struct ingest_csv_row {
  size_t n;              /* number of fields */
  char **field;          /* NUL-terminated, spaces around them trimmed */
  size_t *len;
  long line;             /* line on which the row starts (1-based) */
  const char *text;      /* the row as written (may be cut when huge) */
  size_t text_len;
  long long offset;      /* byte offset of the row's first line */
  const double *num;     /* field i as a number (NaN: not one), when the
                         ** reader thread parsed them; else NULL */
  const int *orig;       /* NULL, or field i is field orig[i] of the row as
                         ** written (-1: the writer left it out), for
                         ** positions in messages (dropped_cols.c) */
  char delim;            /* the separator; 0: a comma */
  char eol;              /* '\r': the file ends lines with a lone CR (a
                         ** quoted field's CRs are then line breaks in
                         ** messages); else '\n' or 0 */
  int unended;           /* the file's last row, with no line end after it
                         ** (cut, or still being written) */
  const unsigned char *repr;  /* field i is pod_num_repr(num[i]) (core/
                         ** num.h), when the reader thread checked; or NULL */
} ingest_csv_row;

/* Files this large are read and parsed on a reader thread (csv.c),
** which hashes them as it reads when cx->stream_sha is set. */
#define INGEST_THREAD_MIN_BYTES (1L << 20)
/* Files smaller than this are read once, into cx->data: a folder of
** small files opened each three times spent a tenth of its time in
** open, fstat and read (issue 14). Below the CSV reader's 64 KiB chunk,
** so the reader sees the same bytes in one piece either way. */
#define INGEST_IN_MEMORY_MAX ((1L << 16) - 1)

/* Files read and hashed ahead on a thread (read_ahead.c): start returns
** NULL for fewer than two paths or when no thread could start; take
** gives paths[i] as read (its stat, sha256 and size) and its bytes
** (swapped into *data), and returns 1, or 0 when the caller is to read
** the file itself; json then hands over that file's tree when the
** thread parsed it (the caller's to delete; *end: where the parse
** stopped), else NULL. Paths are taken in order; one passed over is
** dropped. */
typedef struct ingest_read {
  struct stat st;
  char sha[65];
  int64_t bytes;
} ingest_read;
ingest_read_ahead *ingest_read_ahead_start(const ingest_path *paths, int n);
int ingest_read_ahead_take(ingest_read_ahead *ra, const ingest_path *p,
                           ingest_read *out, pod_buf *data);
struct cJSON *ingest_read_ahead_json(ingest_read_ahead *ra, size_t *end);
/* A tree json handed over, given back to be freed on the thread. */
void ingest_read_ahead_done(ingest_read_ahead *ra, struct cJSON *tree);
void ingest_read_ahead_stop(ingest_read_ahead *ra);

/* Field i of row as a strict number (ingest_parse_number), taken from the
** reader thread's parse when there is one. */
int ingest_csv_number(const ingest_csv_row *row, size_t i, double *out);
/* 1: field i of row, read as v, is exactly pod_num_repr(v), so a store may
** keep v alone (core/num.h); from the reader thread's check when there
** is one. */
int ingest_csv_is_repr(const ingest_csv_row *row, size_t i, double v);

/* fn returns POD_OK to go on, or an error code with err written. */
typedef int (*ingest_csv_fn)(ingest_ctx *cx, const ingest_csv_row *row,
                             void *ud, char err[POD_ERRLEN]);

/* Streams cx->path row by row: UTF-8 BOM skipped, CRLF accepted, quoted
** fields honoured. Rejects NUL bytes, invalid UTF-8, fields over
** INGEST_MAX_FIELD bytes and unterminated quotes with a located message. */
#define INGEST_MAX_FIELD (1 << 20)
int ingest_csv_read(ingest_ctx *cx, ingest_csv_fn fn, void *ud,
                    char err[POD_ERRLEN]);

/* Reads again the one row that starts at byte offset on line `line` (an
** ingest_csv_row's offset and line from an earlier ingest_csv_read of the
** same file) and calls fn with it: a parser that needs a row's cells after
** the pass, without keeping every row in memory. */
int ingest_csv_read_row_at(ingest_ctx *cx, long long offset, long line,
                           ingest_csv_fn fn, void *ud, char err[POD_ERRLEN]);

/* Copies row's fields into one new block (the caller's to free; NULL
** for no fields) and points out[0 .. row->n) at them: one allocation,
** not one per field. */
char *ingest_copy_fields(const ingest_csv_row *row, char **out);

/* 1-based column (in bytes) at which field i of row starts, and the line
** it is on; for fields past the last, the end of the row. */
long ingest_csv_col(const ingest_csv_row *row, size_t i, long *out_line);

/* "path:line:col: found <snippet of field i>, expected <what>". */
int ingest_csv_fail(ingest_ctx *cx, const ingest_csv_row *row, size_t i,
                    const char *expected, char err[POD_ERRLEN]);
/* Rejects a header with empty or repeated names. */
int ingest_csv_check_header(ingest_ctx *cx, const ingest_csv_row *row,
                            char err[POD_ERRLEN]);

/* Tells the session's progress callback, if any, how far the reader got
** (rate-limited here, so readers may call it often). */
void ingest_progress(ingest_ctx *cx, long long bytes);

/* What a JSON value is, for "found X, expected Y": "an object", "a list",
** "a string", "a number", "true/false", "null" (value.c). */
struct cJSON;
const char *ingest_json_type(const struct cJSON *v);
/* What cJSON lets through silently, refused with path:line:col: a NUL
** (raw, or \u0000: the string was cut there) and a key repeated in one
** object (Python keeps the last, cJSON's lookups the first). */
int ingest_json_check(const char *path, const struct cJSON *root,
                      const char *text, size_t len, char err[POD_ERRLEN]);

/* ---- rows with empty columns left out (dropped_cols.c) ---------------- */
/* A writer that leaves a row's empty cells out (CodeCarbon 3.2.9-3.3
** when it appends) makes rows shorter than the header, the cells after a
** gap moved left. ingest_dropped_place finds which columns a short row
** lacks, from those empty in the file's first whole row, and gives the
** row placed under the header. Zero-initialize; set hdr. */
typedef int (*ingest_fits_fn)(void *ud, size_t col, const char *cell);
typedef struct ingest_dropped {
  const ingest_csv_row *hdr;   /* borrowed: the header, for the names */
  char **first;                /* the first whole row's cells (owned) */
  char *first_bytes;           /* ... their bytes, one block (owned) */
  size_t n;                    /* header columns */
  unsigned long found;         /* the last set found, over the candidates */
  size_t found_k;              /* the shortfall it was found for; 0: none */
  int searches;                /* searches made (bounded) */
  char **field;                /* the placed row (owned arrays, borrowed */
  size_t *len;                 /* cells; valid until the next call) */
  int *orig;
  ingest_csv_row out;
  long rows;                   /* rows placed: the caller counts them */
  pod_buf names;               /* the columns left out, for the note */
} ingest_dropped;
/* Keeps a copy of row (a whole row) as the file's first, once. */
void ingest_dropped_first(ingest_dropped *d, const ingest_csv_row *row);
/* 1 and *out = row placed under the header when exactly one set of left-out
** columns fits (fits(ud, col, cell): the cell may stand in column col;
** may_drop(ud, col): the writer can leave col out); 0 when none or
** several do, or no whole row came first. */
int ingest_dropped_place(ingest_dropped *d, const ingest_csv_row *row,
                         ingest_fits_fn fits, int (*may_drop)(void *, size_t),
                         void *ud, const ingest_csv_row **out);
void ingest_dropped_free(ingest_dropped *d);

/* ---- values (value.c) ------------------------------------------------ */
/* Strict decimal: [+-]digits[.digits][e[+-]digits]; no hex, NaN, inf,
** comma decimals or trailing text. Returns 1 on success. */
int ingest_parse_number(const char *s, double *out);
/* A whole number >= min written as digits (1.0 is accepted: CodeCarbon
** writes counts as floats). Returns 1 on success. */
int ingest_parse_count(const char *s, long long min, long long *out);
/* A character of a bare JSON token (a number, true, NaN...). */
int ingest_json_token_char(char c);
/* The length of the bare token at t[i]; Python's NaN, Infinity and
** -Infinity, which cJSON rejects, become "[]" padded with spaces (columns
** stay exact) and count in *nonfinite. For the scans before cJSON. */
size_t ingest_json_token(char *t, size_t len, size_t i, long *nonfinite);

/* ---- runs (ingest.c) ------------------------------------------------- */
/* What a file says about the run a row belongs to; NULL: it does not say.
** Flags (--model, ...) win over these. */
typedef struct ingest_run_fields {
  const char *model, *project, *variant, *role, *dataset, *task;
  const char *key;  /* the file's own run identity (CodeCarbon run_id): rows
                    ** with different keys are different runs; NULL: none */
  int parser_keeps;  /* 1: the parser remembers the run of each key itself,
                     ** so the session need not (a file of a million
                     ** run_ids would make a million session entries) */
  int attempt;       /* > 1: the file's Nth training (CSVLogger(append=
                     ** True)); under --run NAME it is run "NAME, training N" */
} ingest_run_fields;

/* Fills f from a CSV row for each --map FIELD=COLUMN whose column is in
** header (the row's strings are borrowed: use f before the next row). */
void ingest_map_row(const ingest_meta *meta, const ingest_csv_row *header,
                    const ingest_csv_row *row, ingest_run_fields *f);

/* The run a row belongs to, created on first use: --run names it, else
** one run per (folder, model, metadata) for the whole session. The
** run's environment is env_id, else that of the folder's environment
** file, if any. A model is required (flags or file). */
int ingest_run_for(ingest_ctx *cx, const ingest_run_fields *from_file,
                   int64_t env_id, int64_t *out_run, char err[POD_ERRLEN]);
/* A tracker's column (CodeCarbon) or key (an eit page's Stats row) and
** the metric it holds: the metric's SI unit, the unit as written, its
** direction, and the factor from what is written to SI. */
typedef struct ingest_column_metric {
  const char *column, *metric, *unit, *raw_unit;
  int direction;
  double scale;
} ingest_column_metric;

/* realpath(dir) (dir itself when it has none), kept for the session. */
void ingest_real_dir(ingest_ctx *cx, const char *dir, char out[PATH_MAX]);

/* Whether path's name is one of a format podium reads (.csv .tsv .json
** .log .txt .html .htm, any case): a Git LFS pointer or a dangling link
** so named in a folder fails; others are left out, as a file would be. */
int ingest_name_podium_reads(const char *path);

/* A JSON file whole into out (from cx->data when it is in memory), up
** to INGEST_JSON_MAX bytes: a larger one, or one that grows past it as
** it is read, is refused. */
#define INGEST_JSON_MAX (64L << 20)
int ingest_read_json(ingest_ctx *cx, pod_buf *out, char err[POD_ERRLEN]);


/* The file's first bytes (up to n) into buf, from cx->data when the file
** is in memory (no second open), else from the file; how many: 0 when it
** cannot be read (the parser that reads it whole then says why). */
size_t ingest_head(const ingest_ctx *cx, char *buf, size_t n);

/* A measurement of this file: what every format sets (its run, metric,
** source and line, the value in the metric's SI unit); the caller adds
** step, epoch, split, axes and the raw cell as it has them. */
void ingest_measurement_init(store_measurement *m, const ingest_ctx *cx,
                             int64_t run_id, int64_t metric_id, int64_t line,
                             double value);
/* Records the environment a folder's environment file described. */
void ingest_set_folder_env(ingest_ctx *cx, int64_t env_id);

/* ---- manifests (manifest.c) ------------------------------------------- */
typedef struct ingest_manifest ingest_manifest;

int ingest_manifest_load(const char *path, ingest_manifest **out,
                         char err[POD_ERRLEN]);
void ingest_manifest_free(ingest_manifest *m);   /* NULL is fine */
const char *ingest_manifest_path(const ingest_manifest *m);
/* Sets out's text fields that the manifest sets for the file at path (out
** borrows the manifest's strings) and returns a new array of pairs,
** "m<FIELD>=<COLUMN>" for map, "t<KEY>=<VALUE>" for tags and "c<JSON>"
** for a "columns" map (the last one wins), each string and the array to
** be freed by the caller. */
void ingest_manifest_apply(const ingest_manifest *m, const char *path,
                           ingest_meta *out, char ***out_pairs, int *n_pairs);

/* ---- training logs (metric_names.c) --------------------------------- */
/* A logged key ("val_acc", "val/rmse_loss", "loss/val", "acc.test",
** "eval_runtime", "train_loss_step", "lr-Adam") as a metric: base name
** (lower case, split word removed from either end, Lightning's _epoch
** suffix dropped and _step kept after a split, acc -> accuracy,
** lr/learning_rate/lr-<Optimizer> -> learning_rate) into base, and *split
** "validation", "test", "train" (also for keys naming none) or NULL
** (learning rate). *split points to a static string. */
void ingest_metric_from_key(const char *key, char *base, size_t n,
                            const char **split);
/* STORE_LOWER_BETTER, STORE_HIGHER_BETTER or STORE_NO_DIRECTION. */
int ingest_metric_direction(const char *base);
/* "s" (runtime, *_runtime), "1/s" (*_per_second), "FLOP" (total_flos),
** "B" (*mem_*_delta), else "". */
const char *ingest_metric_unit(const char *base);
/* A metric whose values are fractions, 0 to 1 (or logged 0 to 100):
** accuracy, F1, precision, recall, AUC, IoU, Dice... */
int ingest_metric_is_fraction(const char *base);
/* A cell of a training log: 1 a finite number in *out; 0 nan or inf (a
** run that diverged: the caller skips and counts it); -1 not a number. */
int ingest_log_value(const char *s, double *out);
/* Whether name[0, n) is a Trainer's checkpoint folder: checkpoint-<N>
** or last-checkpoint. */
int ingest_checkpoint_folder(const char *name, size_t n);
/* The model name a log gets from the folder holding it (dir): that
** folder's name, going up past Lightning's lightning_logs/version_N and
** the Trainer's checkpoint-N. */
void ingest_model_from_dir(ingest_ctx *cx, const char *dir, char *out,
                           size_t n);
/* Splits the first line of head into at most max cells (quotes and
** spaces dropped, each cut at 63 bytes); returns how many. */
int ingest_header_cells(const char *head, size_t n, char cells[][64], int max);
/* How many cells of head's first line are name (quotes and spaces
** around a cell left out), however many cells the line has. */
int ingest_header_count(const char *head, size_t n, const char *name);

/* Reads a CSV training log (Keras or Lightning CSVLogger): an epoch
** column, an optional step column, every other column a logged key. */
typedef struct ingest_trainlog {
  int need_step;         /* in: the header must have a step column */
  int epoch_required;    /* in: every row has an epoch (Keras) */
  int na_is_empty;       /* in: "NA" is a missing value (Keras) */
  int epoch_col, step_col;  /* out: their columns, -1 when absent */
  int old_acc, has_lr;   /* out: "acc"/"val_acc" seen; a learning rate */
  long nonfinite;        /* out: nan/inf cells skipped */
  long values;           /* out: values stored */
  int split_restarts;    /* in: an epoch not above the last one starts a new
                         ** training, a run of its own (Keras append=True) */
  int trainings;         /* out: trainings found (1 without restarts) */
} ingest_trainlog;
int ingest_trainlog_csv(ingest_ctx *cx, ingest_trainlog *tl,
                        char err[POD_ERRLEN]);
/* cx->format_version: what (the writer) and what the read found (", 2
** trainings (append=True)", ", 3 nan/inf values skipped"), in version[n],
** which must outlive the ingest of the file. */
void ingest_trainlog_version(ingest_ctx *cx, const ingest_trainlog *tl,
                             const char *what, char *version, size_t n);

/* ---- formats --------------------------------------------------------- */
typedef struct ingest_format {
  const char *name;
  const char *identified_by;   /* for `podium formats` */
  /* 0..100: how sure the format is that it reads this file, given the
  ** first bytes (BOM removed) and the file name. */
  int (*sniff)(const char *head, size_t n, const char *path);
  int (*parse)(ingest_ctx *cx, char err[POD_ERRLEN]);
  /* Comma-separated names (header cells or JSON keys) that characterize
  ** the format: detect() counts them in a file no format reads to name the
  ** closest ones. NULL: none. */
  const char *keys;
} ingest_format;

/* For a sniff of a text format: copies the head (at most 4 KiB) into buf
** as a string and says whether its first non-blank byte is `first` ('{'
** for JSON, '<' for HTML), so the sniff can strstr() for its markers. */
int ingest_sniff_text(const char *head, size_t n, char first,
                      char buf[4097]);

/* codecarbon.c keeps this many run_ids in memory, the rest in a scratch
** file (65,536; a test hook lowers it to exercise the spill). */
extern size_t ingest_codecarbon_run_cache;

/* expand.c: "path: cannot open: <why>" for a path stat could not follow
** (errno as stat left it): a symbolic link to nothing says where it
** points (a results link whose /scratch folder was purged). POD_EINPUT. */
int ingest_cannot_open(const char *path, char err[POD_ERRLEN]);

/* detect.c: the format --format names (NULL: none), and the format that
** reads path from its first bytes (*out NULL and err saying what the file
** starts with and the closest formats when none does). */
const ingest_format *ingest_format_named(const char *name);
int ingest_detect(const char *path, const ingest_format **out,
                  char err[POD_ERRLEN]);
/* The same from the file's bytes, already read (the whole file, len). */
int ingest_detect_bytes(const char *path, const char *data, size_t len,
                        const ingest_format **out, char err[POD_ERRLEN]);
/* POD_EINPUT, with what to do, when data (the file's first n bytes) is
** a Git LFS pointer (a clone without `git lfs pull`); in_folder: only one
** named as a file podium would read (.csv, .json, .log, ...), others
** being left for detection to refuse (a walk then ignores them). */
int ingest_lfs_pointer(const char *path, const char *data, size_t n,
                       int in_folder, char err[POD_ERRLEN]);

extern const ingest_format ingest_hf_benchmark;
/* A transformers env_info file skipped as already ingested still gives
** its folder's results their machine (ingest_set_folder_env); any other
** file: nothing. */
int ingest_hf_env_again(ingest_ctx *cx, char err[POD_ERRLEN]);
extern const ingest_format ingest_keras_csvlogger;
extern const ingest_format ingest_lightning_csv;
extern const ingest_format ingest_hf_trainer;
extern const ingest_format ingest_codecarbon;
extern const ingest_format ingest_eit;
extern const ingest_format ingest_eit_report;
extern const ingest_format ingest_generic;

#endif
