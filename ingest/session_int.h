/*
** ingest/session_int.h -- the ingest session, shared by the driver
** (ingest.c: one file whole or not at all) and session.c (the session's
** life, its batches, progress and environments by description).
*/
#ifndef PODIUM_SESSION_INT_H
#define PODIUM_SESSION_INT_H

#include "ingest/ingest_int.h"

struct ingest_session {
  store_db *db;
  ingest_meta meta;      /* strings owned by the session */
  id_map runs;           /* run key -> run id */
  id_map folder_envs;    /* folder -> environment id */
  id_map env_desc;       /* ingest_env_recall: raw cells -> its id, */
  pod_buf env_names;     /* for cells these names name, */
  unsigned long env_epoch;   /* in the store's epoch */
  char *run_name_model;  /* with --run: the one model it may hold */
  /* folder -> its manifest (NULL: none), loaded once per session; found
  ** by a hash (a list scanned per folder was quadratic in a folder of
  ** 10,000 logs, issue 14) */
  id_map manifest_at;    /* folder -> index + 1 into manifest */
  id_map real_at;        /* folder -> offset + 1 of its real path in */
  pod_buf real_paths;    /* these, NUL after each (ingest_real_dir) */
  ingest_manifest **manifest;
  size_t n_manifests;
  ingest_progress_fn progress;
  void *progress_ud;
  double progress_last;   /* monotonic seconds of the last report */
  pod_buf bad;            /* the last file's skipped lines */
  pod_buf data;           /* a small file's bytes (ingest_ctx.data) */
  ingest_read_ahead *ahead;   /* the CLI's list, read on a thread */
  pod_buf twin;           /* ingest_report.twin's bytes */
  ingest_report report;   /* the last file's, pointing into bad */
  /* ingest_session_batch: its limits (0 files: no batches), files added
  ** but not committed, when the batch began, and the maps as they were
  ** then (a lost batch takes its runs) */
  int batch_files, unsettled, lost;
  int optimistic, replay;   /* ingest_session_optimistic, _replay */
  long replay_batch;        /* the batch undone (its commits number) */
  long commits;           /* batches committed (ingest_session_commits) */
  double batch_seconds, batch_began;
  size_t batch_runs, batch_envs;
  int batch_had_model;
};

/* Monotonic seconds. */
double ingest_monotonic_now(void);
/* The batch's transaction is gone: its files are not in, nor its runs. */
void ingest_batch_lost(ingest_session *s);
/* A file's writes undone; a batch with nothing kept yet is ended; an
** optimistic batch goes with the file (ingest_session_replay). */
void ingest_file_undo(ingest_session *s);

#endif
