/*
** ingest/codecarbon_runs.h -- the run_ids of one CodeCarbon file
** (codecarbon_runs.c): which podium run each belongs to, its row count
** and final row, in flat memory however many a file holds.
*/
#ifndef PODIUM_CODECARBON_RUNS_H
#define PODIUM_CODECARBON_RUNS_H

#include <stdint.h>
#include <stdio.h>
#include "core/err.h"

typedef struct run_entry {
  uint64_t hash;       /* 0: free slot */
  long count;          /* rows with this run_id so far */
  long first_line;     /* its first row, stored as summary values */
  long final_line;     /* the row whose duration is largest (last wins) */
  long long final_offset;  /* and that row's byte offset, to read it again */
  double best_duration;
  int64_t run_id;      /* podium run, 0 until the first row is stored */
} run_entry;


typedef struct run_table {
  run_entry *e;        /* the entries in memory: e[0..n), dense */
  size_t n, cap_e;
  uint64_t *slot_hash; /* the index: a hash (0: a free slot) */
  uint32_t *slot_at;   /* and its entry's place in e */
  size_t cap;          /* slots, a power of two */
  FILE *spill;         /* segments of sorted entries, or NULL */
  long long *seg_at;   /* segment k: seg_n[k] entries from entry seg_at[k] */
  size_t *seg_n, n_seg;
  long long spilled;   /* entries in the file */
  uint64_t *bloom;     /* spilled hashes; NULL until the first spill */
} run_table;

/* The table's 64-bit key of a run_id. */
uint64_t cc_runs_hash(const char *s);
/* The entry of h (a new, zeroed one when unseen), in memory until the
** next cc_runs_get: a spilled entry comes back. */
int cc_runs_get(run_table *t, uint64_t h, const char *path, run_entry **out,
                char err[POD_ERRLEN]);
/* After the pass: every spilled entry with more than one row back in
** memory (snapshot_summaries walks t->e[0..n)). */
int cc_runs_gather(run_table *t, const char *path, char err[POD_ERRLEN]);
/* Frees the table and its scratch file. */
void cc_runs_free(run_table *t);

#endif
