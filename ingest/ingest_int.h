/*
** ingest/ingest_int.h -- what the format parsers share: the per-file
** context, the streaming CSV reader and strict number parsing.
*/
#ifndef PODIUM_INGEST_INT_H
#define PODIUM_INGEST_INT_H

#include <stddef.h>
#include "ingest/ingest.h"

/* Per-file state, alive while one file is read inside its transaction. */
typedef struct ingest_ctx {
  ingest_session *session;
  store_db *db;
  const ingest_meta *meta;
  const char *path;             /* as given */
  char dir[4096];               /* folder of path: runs group per folder */
  int64_t source_id;
  long rows;                    /* data rows read */
  const char *format_version;   /* set by the parser once it knows */
} ingest_ctx;

/* ---- the CSV reader (csv.c) ------------------------------------------ */
typedef struct ingest_csv_row {
  size_t n;              /* number of fields */
  char **field;          /* NUL-terminated, spaces around them trimmed */
  size_t *len;
  long line;             /* line on which the row starts (1-based) */
  const char *text;      /* the row as written (may be cut when huge) */
  size_t text_len;
} ingest_csv_row;

/* fn returns POD_OK to go on, or an error code with err written. */
typedef int (*ingest_csv_fn)(ingest_ctx *cx, const ingest_csv_row *row,
                             void *ud, char err[POD_ERRLEN]);

/* Streams cx->path row by row: UTF-8 BOM skipped, CRLF accepted, quoted
** fields honoured. Rejects NUL bytes, invalid UTF-8, fields over
** INGEST_MAX_FIELD bytes and unterminated quotes with a located message. */
#define INGEST_MAX_FIELD (1 << 20)
int ingest_csv_read(ingest_ctx *cx, ingest_csv_fn fn, void *ud,
                    char err[POD_ERRLEN]);

/* 1-based column (in bytes) at which field i of row starts, and the line
** it is on; for fields past the last, the end of the row. */
long ingest_csv_col(const ingest_csv_row *row, size_t i, long *out_line);

/* "path:line:col: found <snippet of field i>, expected <what>". */
int ingest_csv_fail(ingest_ctx *cx, const ingest_csv_row *row, size_t i,
                    const char *expected, char err[POD_ERRLEN]);
/* Rejects a header with empty or repeated names. */
int ingest_csv_check_header(ingest_ctx *cx, const ingest_csv_row *row,
                            char err[POD_ERRLEN]);

/* ---- values (value.c) ------------------------------------------------ */
/* Strict decimal: [+-]digits[.digits][e[+-]digits]; no hex, NaN, inf,
** comma decimals or trailing text. Returns 1 on success. */
int ingest_parse_number(const char *s, double *out);
/* A whole number >= min written as digits (1.0 is accepted: CodeCarbon
** writes counts as floats). Returns 1 on success. */
int ingest_parse_count(const char *s, long long min, long long *out);

/* ---- runs (ingest.c) ------------------------------------------------- */
/* What a file says about the run a row belongs to; NULL: it does not say.
** Flags (--model, ...) win over these. */
typedef struct ingest_run_fields {
  const char *model, *project, *variant, *role, *dataset, *task;
  const char *key;  /* the file's own run identity (CodeCarbon run_id): rows
                    ** with different keys are different runs; NULL: none */
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
/* Records the environment a folder's environment file described. */
void ingest_set_folder_env(ingest_ctx *cx, int64_t env_id);

/* ---- formats --------------------------------------------------------- */
typedef struct ingest_format {
  const char *name;
  const char *identified_by;   /* for `podium formats` */
  /* 0..100: how sure the format is that it reads this file, given the
  ** first bytes (BOM removed) and the file name. */
  int (*sniff)(const char *head, size_t n, const char *path);
  int (*parse)(ingest_ctx *cx, char err[POD_ERRLEN]);
} ingest_format;

extern const ingest_format ingest_hf_benchmark;
extern const ingest_format ingest_codecarbon;

#endif
