/*
** ingest/ingest.h -- reads the files ML tools write into the registry.
**
** A session ingests a list of files and folders for one `podium ingest`.
** Each file is one transaction: it goes in whole or not at all, and a
** file whose sha256 is already registered is skipped. The nearest
** podium.json manifest up a file's path adds metadata (manifest.c);
** flags override it.
** Owns: an ingest_session owns its copies of the metadata and its run
** map; ingest_session_free releases them (NULL is fine). It borrows the
** store_db, which must outlive it.
** Errors: POD_EINPUT with "path:line:col: found X, expected Y" (a byte
** offset where a line makes no sense), POD_EIO, POD_EDB.
*/
#ifndef PODIUM_INGEST_H
#define PODIUM_INGEST_H

#include "core/err.h"
#include "store/store.h"

/* What flags say about the runs a file holds; NULL means "not given". */
typedef struct ingest_meta {
  const char *format;    /* --format: skip detection */
  const char *project, *model, *variant, *role, *dataset, *task;
  const char *run_name;  /* --run */
  /* --method or podium.json "method": how the file's energy, power and
  ** emissions figures were obtained (core/method.h names, '+'-joined);
  ** wins over what podium infers from the format. */
  const char *method;
  /* --map FIELD=COLUMN, repeatable: take a run field (model, project,
  ** variant, role, dataset, task) from a column of the file. */
  const char *const *map;
  int n_map;
  /* --tag KEY=VALUE, repeatable: stored as the run's tags (JSON). */
  const char *const *tags;
  int n_tags;
  int replace;           /* --replace: a changed file swaps out its old self */
  /* --skip-bad-rows: a broken line (cut or interleaved by two writers) is
  ** skipped and reported (ingest_session_report) instead of refusing the
  ** whole file. Formats that tell a broken line: codecarbon. */
  int skip_bad_rows;
  /* podium.json "columns" (the generic format's column map) as JSON text;
  ** set per file from the manifest only, never by flags. */
  const char *columns_json;
} ingest_meta;

/* The column --map names for field ("model", ...), or NULL. */
const char *ingest_meta_column(const ingest_meta *meta, const char *field);

typedef struct ingest_session ingest_session;

ingest_session *ingest_session_new(store_db *db, const ingest_meta *meta);

/* Long files report progress through fn, at most a few times a second:
** the file, rows read so far, bytes read and the file's size. */
typedef void (*ingest_progress_fn)(void *ud, const char *path, long rows,
                                   long long bytes, long long total);
void ingest_session_progress(ingest_session *s, ingest_progress_fn fn,
                             void *ud);
void ingest_session_free(ingest_session *s);

/* What became of a file. */
enum {
  INGEST_ADDED,    /* its rows are in the registry now */
  INGEST_SKIPPED,  /* a file with the same sha256 was ingested before */
  INGEST_IGNORED   /* found in a folder walk, and no format reads it */
};

/* A file to ingest; from_folder says it was found by walking a folder
** (such files may be ignored; files named on the command line may not). */
typedef struct ingest_path {
  char *path;
  int from_folder;
  const char *why_ignored;   /* set by ingest_expand: not read, and why */
  int open_errno;   /* set by ingest_expand: a folder inside a walk that
                    ** could not be opened (it fails as a file would) */
} ingest_path;

/* Ingests one file. *out_status says what became of it; *out_rows counts
** the data rows read. */
int ingest_file(ingest_session *s, const ingest_path *p, int *out_status,
                long *out_rows, char err[POD_ERRLEN]);

/* The paths the session will be given, in this order, read and hashed
** ahead on a thread while the files before them are ingested (the
** CLI's; off by default). paths must outlive the session. */
void ingest_session_read_ahead(ingest_session *s, const ingest_path *paths,
                               int n);

/* Batches (the CLI's; off by default): the files ingest_file adds go
** into one transaction until a batch has `files` of them or has lasted
** `seconds` (checked after each added file; ingest_session_due says so
** between files, for the caller to commit before a long run of skipped
** ones), each file still kept or undone whole. An added file is in the
** registry once ingest_session_unsettled says 0 (its batch committed);
** ingest_session_commit commits the rest (on failure, they are not in).
** ingest_session_lost: how many files reported added since the last call
** were undone after all, with the batch holding them (SQLite undoes the
** whole transaction on errors such as a full disk); reading it resets
** it. ingest_session_free undoes what was not committed. On PostgreSQL
** every file is committed as it goes. */
void ingest_session_batch(ingest_session *s, int files, double seconds);
int ingest_session_unsettled(const ingest_session *s);
int ingest_session_due(const ingest_session *s);
int ingest_session_commit(ingest_session *s, char err[POD_ERRLEN]);
int ingest_session_lost(ingest_session *s);
/* Batches committed so far (the caller's lines held before a commit
** are in the registry, whatever a later batch comes to). */
long ingest_session_commits(const ingest_session *s);
/* Optimistic batches (the CLI's; off by default): a file after a
** batch's first takes no savepoint of its own (they were ~10% of a
** folder of small logs). A file undone then takes the batch's other
** files with it: ingest_session_replay says so once (reading it resets
** it) and sets *batch to the undone batch's number (the
** ingest_session_commits its files were told under); the caller ingests
** the files it was told were added in it again (and those skipped as
** their twins), before any other; the session takes a savepoint per
** file from then on, so that a folder of broken files is not read over
** and over. These files are not counted by ingest_session_lost. A file
** read twice (columns in percent) after a batch's first is such an
** undo too. */
void ingest_session_optimistic(ingest_session *s, int on);
int ingest_session_replay(ingest_session *s, long *batch);

/* What the last ingest_file of a session noticed beyond its row count,
** for the summary. Borrowed from the session: valid until the next
** ingest_file or ingest_session_free. */
typedef struct ingest_report {
  long bad_rows;         /* lines skipped under --skip-bad-rows */
  const char *bad;       /* one "path:line:col: found X, expected Y" per
                         ** skipped line (the first 1,000), each ending in
                         ** '\n'; "" if none */
  const char *note;      /* what the rows came to when that is not the
                         ** usual ("0 values: every result N/A"), or NULL */
  const char *twin;      /* a skipped file: the path its bytes were first
                         ** ingested under (maybe its own), or NULL */
} ingest_report;
const ingest_report *ingest_session_report(const ingest_session *s);

/* Expands files and folders (recursively, dotfiles left out, symbolic
** links followed, each folder walked once) into the files to ingest, in
** the order they must go in: per folder, environment files first so the
** results beside them can point at that environment.
** The list is the caller's: free with ingest_paths_free. */
int ingest_expand(const char *const *args, int n_args, ingest_path **out,
                  int *out_n, char err[POD_ERRLEN]);
void ingest_paths_free(ingest_path *paths, int n);


/* The formats podium reads: name and what identifies each. Walk with
** i = 0, 1, ... until it returns 0. */
int ingest_format_info(int i, const char **name, const char **identified_by);

#endif
