/*
** render/run_keep.c -- the rows study tables read of each run, kept from
** one render to the next.
**
** A study table reads every run of its dataset's models
** (analysis_study_table: a query per run), a fifth of a render after one
** new run though that run changed one table. Every render writes the rows
** a table takes of each run (analysis_table_reads: results without epoch
** or step, of the metrics a column shows) to .podium-values
** (RENDER_VALUES, keep_file.h), with the fingerprint of the run's rows
** (render_incr_rows_fp); the next render with the same base key walks a
** run's kept rows instead of asking the registry when its fingerprint is
** the same. The tables are then made from the same rows in the same
** order: the same pages (tests/t_incremental.c).
**
** The file's body: per run 'R', its id (8 bytes), the fingerprint (16),
** the length of its rows (8) and the rows (store_rows_save) with the
** columns a table reads (read_cols).
**
** Owns: the live site's file read whole, its index and the runs noted;
** freed by run_keep_end and run_keep_free.
*/
#include "render/run_keep.h"
#include "render/keep_file.h"

#include <stdlib.h>
#include <string.h>

#define KEEP_HEAD "podium values 1 "
#define REC_HEAD (1 + 8 + 16 + 8)

typedef struct kept {     /* a run of the live site's file */
  int64_t id;
  const unsigned char *fp, *rows;
  size_t len;
} kept;

struct run_keep {
  const render_incr *incr;
  pod_map text;           /* the live site's file */
  kept *kept;             /* by id */
  size_t n_kept;
  int64_t *noted;         /* runs in this render's file: open addressing, */
  size_t n_slots, n_noted;   /* 0 is a free slot (ids start at 1) */
  keep_writer w;
  int ended;
};

static int by_id(const void *a, const void *b) {
  int64_t x = ((const kept *)a)->id, y = ((const kept *)b)->id;
  return (x > y) - (x < y);
}

static void index_file(run_keep *k, const unsigned char *p,
                       const unsigned char *end) {
  size_t cap = 0;
  while (p < end) {
    kept e;
    uint64_t len;
    if ((size_t)(end - p) < REC_HEAD || *p != 'R') break;
    memcpy(&e.id, p + 1, 8);
    e.fp = p + 9;
    memcpy(&len, p + 25, 8);
    p += REC_HEAD;
    if (len > (uint64_t)(end - p)) break;
    e.rows = p;
    e.len = (size_t)len;
    p += len;
    if (k->n_kept == cap) {
      cap = cap ? 2 * cap : 256;
      k->kept = pod_xrealloc(k->kept, cap * sizeof *k->kept);
    }
    k->kept[k->n_kept++] = e;
  }
  if (p != end) {   /* the sum held but the records do not: none */
    free(k->kept);
    k->kept = NULL;
    k->n_kept = 0;
    return;
  }
  if (k->n_kept) qsort(k->kept, k->n_kept, sizeof *k->kept, by_id);
}

run_keep *run_keep_open(const render_incr *incr, const char *target,
                        render_out *out) {
  run_keep *k = pod_xmalloc(sizeof *k);
  const unsigned char *body;
  size_t len;
  memset(k, 0, sizeof *k);
  k->incr = incr;
  if (keep_file_open(&k->w, incr, out, target, RENDER_VALUES, KEEP_HEAD, &k->text,
                     &body, &len))
    index_file(k, body, body + len);
  return k;
}

/* 1 when run is in this render's file already (a dataset-free run is in
** the table of every dataset of its model), else notes it. */
static int noted(run_keep *k, int64_t run) {
  size_t i;
  if (2 * (k->n_noted + 1) > k->n_slots) {   /* grow: rehash */
    size_t n = k->n_slots ? 2 * k->n_slots : 1024;
    int64_t *slots = pod_xmalloc(n * sizeof *slots);
    memset(slots, 0, n * sizeof *slots);
    for (size_t j = 0; j < k->n_slots; j++)
      if (k->noted[j]) {
        for (i = (uint64_t)k->noted[j] * 0x9e3779b97f4a7c15ull % n; slots[i];
             i = (i + 1) % n) {}
        slots[i] = k->noted[j];
      }
    free(k->noted);
    k->noted = slots;
    k->n_slots = n;
  }
  for (i = (uint64_t)run * 0x9e3779b97f4a7c15ull % k->n_slots; k->noted[i];
       i = (i + 1) % k->n_slots)
    if (k->noted[i] == run) return 1;
  k->noted[i] = run;
  k->n_noted++;
  return 0;
}

static int note(run_keep *k, int64_t run, const unsigned char fp[16],
                const void *rows, size_t len, char err[POD_ERRLEN]) {
  unsigned char head[REC_HEAD];
  uint64_t n = len;
  int rc;
  if (k->ended || noted(k, run)) return POD_OK;
  head[0] = 'R';
  memcpy(head + 1, &run, 8);
  memcpy(head + 9, fp, 16);
  memcpy(head + 25, &n, 8);
  if ((rc = keep_writer_add(&k->w, head, sizeof head, err))) return rc;
  return keep_writer_add(&k->w, rows, len, err);
}

/* What a study table reads of a row (analysis/table.c take): the rest
** (the file's path and sha256, the cell as written...) is not kept. */
static const char *const read_cols[] = {
    "metric", "unit", "direction", "value", "batch_size", "sequence_length",
    "epoch", "step", "split", "at_epoch", "of_epochs"};
#define N_READ (sizeof read_cols / sizeof *read_cols)

/* The rows of a walk a study table takes (analysis_table_reads), with
** those columns only. */
static int add_read(const store_row *row, void *ud) {
  store_value v[N_READ];
  store_row r = {(int)N_READ, read_cols, v};
  if (!analysis_table_reads(row)) return 0;
  for (size_t i = 0; i < N_READ; i++) {
    const store_value *c = store_row_col(row, read_cols[i]);
    v[i] = *c;
  }
  return store_rows_add(&r, ud);
}

static int each_row(void *ud, store_db *db, int64_t run, store_row_fn fn,
                    void *fn_ud, char err[POD_ERRLEN]) {
  run_keep *k = ud;
  unsigned char fp[16];
  kept key, *e = NULL;
  store_rows *rows;
  pod_buf bytes = POD_BUF_INIT;
  int rc;
  render_incr_rows_fp(k->incr, run, fp);
  key.id = run;
  if (!k->ended && k->n_kept &&
      (e = bsearch(&key, k->kept, k->n_kept, sizeof *k->kept, by_id)) &&
      !memcmp(e->fp, fp, 16)) {
    /* walked where they are in the mapped file (a copy of each run's
    ** rows was ~15 allocations, 10,000 of them) */
    int bad;
    rc = store_rows_each_saved(e->rows, e->len, fn, fn_ud, &bad);
    if (!bad) {
      if (rc == POD_OK) rc = note(k, run, fp, e->rows, e->len, err);
      return rc;
    }
  }
  rows = store_rows_new();   /* from the registry */
  rc = store_each_measurement(db, run, add_read, rows, err);
  if (rc == POD_EINTERNAL)
    rc = pod_err(err, rc, "run %lld: rows differ in columns", (long long)run);
  if (rc == POD_OK) {
    store_rows_save(rows, &bytes);
    rc = note(k, run, fp, bytes.data, bytes.len, err);
  }
  if (rc == POD_OK) rc = store_rows_each(rows, fn, fn_ud);
  store_rows_free(rows);
  pod_buf_free(&bytes);
  return rc;
}

void run_keep_src(run_keep *k, analysis_rows_src *src) {
  src->each = k ? each_row : NULL;
  src->ud = k;
}

int run_keep_end(run_keep *k, char err[POD_ERRLEN]) {
  if (!k || k->ended) return POD_OK;
  k->ended = 1;
  pod_file_unmap(&k->text);
  free(k->kept);
  k->kept = NULL;
  k->n_kept = 0;
  return keep_writer_end(&k->w, err);
}

void run_keep_free(run_keep *k) {
  if (!k) return;
  pod_file_unmap(&k->text);
  keep_writer_free(&k->w);
  free(k->kept);
  free(k->noted);
  free(k);
}
