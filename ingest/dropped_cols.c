/*
** ingest/dropped_cols.c -- rows a writer shortened by leaving out their
** empty cells, put back under the header's columns.
**
** CodeCarbon 3.2.9 to 3.3 append a run to emissions.csv with
** `new_df.dropna(axis=1, how="all")` before a headerless `to_csv(mode=
** "a")` (output_methods/file.py, c82e8e2b; mlco2/codecarbon#1304; 2.8.5
** to 3.2.8 dropped such columns only from the whole file they rewrote,
** header and all, and the task file): every
** column that is None for that run (longitude, latitude and region for an
** OfflineEmissionsTracker, gpu_count and gpu_model on a CPU-only machine)
** is left out, and the cells after it move left. The file's first row is
** written with the header and is whole; every row appended after it is
** short by the same columns when the same machine wrote it.
**
** So the columns a short row lacks are looked for among those empty in
** the file's first whole row (and that the caller says can be left out):
** of the sets of the right size whose cells then fit their columns (a
** number where a number goes, per the caller), the one under which most
** cells equal the first row's (a machine's os, CPU, Python version...)
** wins. None fits, or two sets tie: the row is not placed (the caller
** refuses it as before). The set found is kept and tried first on the
** next row of the same length, so a file costs one search per length
** (and at most MAX_SEARCHES).
**
** Owns: the copy of the first row, the set found, the placed row (valid
** until the next call), the names for the note. Errors: none (0/1).
*/
#include "ingest/ingest_int.h"

#include <stdlib.h>
#include <string.h>

/* A search tries every set of candidates of the right size: at most 2^16
** sets, and at most MAX_SEARCHES searches a file (each new length, or a
** row the last set does not fit), so a hostile file costs milliseconds. */
#define MAX_CANDIDATES 16
#define MAX_SEARCHES 64

void ingest_dropped_first(ingest_dropped *d, const ingest_csv_row *row) {
  if (d->first) return;
  d->n = row->n;
  d->first = pod_xmalloc((row->n + 1) * sizeof *d->first);
  d->first_bytes = ingest_copy_fields(row, d->first);
}

/* Under the set drop (a bit per candidate), row's cells placed in
** d->field; returns the score (cells equal to the first row's) or -1 when
** a cell does not fit its column. */
static int place(ingest_dropped *d, const ingest_csv_row *row,
                 const size_t *cand, size_t nc, unsigned long drop,
                 ingest_fits_fn fits, void *ud) {
  size_t j = 0, c = 0;
  int score = 0;
  for (size_t i = 0; i < d->n; i++) {
    int left_out = c < nc && cand[c] == i && (drop >> c++ & 1);
    if (left_out) {
      d->field[i] = (char *)"";
      d->len[i] = 0;
      d->orig[i] = -1;
      continue;
    }
    if (j >= row->n) return -1;
    d->field[i] = row->field[j];
    d->len[i] = row->len[j];
    d->orig[i] = (int)j++;
    if (!fits(ud, i, d->field[i])) return -1;
    if (!strcmp(d->field[i], d->first[i])) score++;
  }
  return j == row->n ? score : -1;
}

static int bits(unsigned long x) {
  int n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

int ingest_dropped_place(ingest_dropped *d, const ingest_csv_row *row,
                         ingest_fits_fn fits, int (*may_drop)(void *, size_t),
                         void *ud, const ingest_csv_row **out) {
  size_t cand[MAX_CANDIDATES], nc = 0, k;
  unsigned long best = 0;
  int best_score = -1, ties = 0;
  if (!d->first || row->n >= d->n) return 0;
  k = d->n - row->n;
  for (size_t i = 0; i < d->n; i++) {
    if (d->first[i][0] || !may_drop(ud, i)) continue;
    if (nc == MAX_CANDIDATES) return 0;
    cand[nc++] = i;
  }
  if (k > nc) return 0;
  if (!d->field) {
    d->field = pod_xmalloc((d->n + 1) * sizeof *d->field);
    d->len = pod_xmalloc((d->n + 1) * sizeof *d->len);
    d->orig = pod_xmalloc((d->n + 1) * sizeof *d->orig);
  }
  /* the set that placed the last row this short, if it still fits */
  if (d->found_k == k && place(d, row, cand, nc, d->found, fits, ud) >= 0) {
    best = d->found;
  } else {
    if (++d->searches > MAX_SEARCHES) return 0;
    for (unsigned long s = 0; s < 1UL << nc; s++) {
      if (bits(s) != (int)k) continue;
      int score = place(d, row, cand, nc, s, fits, ud);
      if (score > best_score) { best = s; best_score = score; ties = 0; }
      else if (score >= 0 && score == best_score) ties++;
    }
    if (best_score < 0 || ties) return 0;
    d->found = best;
    d->found_k = k;
    place(d, row, cand, nc, best, fits, ud);
  }
  if (!d->names.len) {   /* the note names the first set found */
    for (size_t c = 0; c < nc; c++)
      if (best >> c & 1)
        pod_buf_printf(&d->names, "%s%s", d->names.len ? ", " : "",
                       d->hdr->field[cand[c]]);
  }
  d->out = *row;
  d->out.n = d->n;
  d->out.field = d->field;
  d->out.len = d->len;
  d->out.num = NULL;
  d->out.repr = NULL;
  d->out.orig = d->orig;
  *out = &d->out;
  return 1;
}

void ingest_dropped_free(ingest_dropped *d) {
  free(d->first_bytes);
  free(d->first);
  free(d->field);
  free(d->len);
  free(d->orig);
  pod_buf_free(&d->names);
  memset(d, 0, sizeof *d);
}
