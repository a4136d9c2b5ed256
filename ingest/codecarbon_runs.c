/*
** ingest/codecarbon_runs.c -- the run_ids of a CodeCarbon file, for
** ingest/codecarbon.c.
**
** Keyed by a 64-bit hash of the run_id: no string per run is kept. Two
** run_ids colliding in 64 bits in one file is ~n^2 / 2^65 (3e-8 for a
** million): accepted.
**
** Memory stays flat however many run_ids a file holds (CodeCarbon's
** default layout is one new run_id per line): at most
** ingest_codecarbon_run_cache (65,536) entries
** live in memory; when the table is full they are written, sorted by
** hash, to a segment of a scratch file (tmpfile()) and the table starts
** empty. A Bloom filter of the spilled hashes (4 MiB, 4 probes: ~2e-4
** false positives at a million run_ids) lets a new run_id, the common
** case, skip the segments; a run_id seen again after its entry was
** spilled is found by binary search in the segments, newest first, and
** comes back to memory with its state.
**
** Owns: the table (cc_runs_free). Errors: POD_EIO with the file named.
*/
#include "ingest/codecarbon_runs.h"
#include "ingest/ingest_int.h"
#include "core/buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t ingest_codecarbon_run_cache = 65536;  /* entries in memory before
                                             ** a spill (tests lower it) */
#define BLOOM_BITS (1u << 25)      /* 4 MiB */

uint64_t cc_runs_hash(const char *s) {
  uint64_t h = 1469598103934665603ULL;  /* FNV-1a, then a final mix */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h ? h : 1;
}

static run_entry *table_find(run_table *t, uint64_t h, int add) {
  if (add && 2 * (t->n + 1) > t->cap) {
    run_table g = *t;
    g.n = 0;
    /* small first: a file of a few runs cleared 256 entries (issue 14) */
    g.cap = t->cap ? 2 * t->cap : 16;
    g.e = pod_xmalloc(g.cap * sizeof *g.e);
    memset(g.e, 0, g.cap * sizeof *g.e);
    for (size_t i = 0; i < t->cap; i++)
      if (t->e[i].hash) *table_find(&g, t->e[i].hash, 1) = t->e[i];
    free(t->e);
    *t = g;
  }
  if (!t->cap) return NULL;
  for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
    if (t->e[i].hash == h) return &t->e[i];
    if (!t->e[i].hash) {
      if (!add) return NULL;
      memset(&t->e[i], 0, sizeof t->e[i]);
      t->e[i].hash = h;
      t->n++;
      return &t->e[i];
    }
  }
}

static size_t bloom_bit(uint64_t h, int k) {
  return (size_t)((h + (uint64_t)k * ((h >> 32) | 1)) & (BLOOM_BITS - 1));
}

static int bloom_has(const run_table *t, uint64_t h) {
  for (int k = 0; k < 4; k++) {
    size_t b = bloom_bit(h, k);
    if (!(t->bloom[b >> 3] & (1u << (b & 7)))) return 0;
  }
  return 1;
}

static int by_hash(const void *a, const void *b) {
  uint64_t x = ((const run_entry *)a)->hash, y = ((const run_entry *)b)->hash;
  return (x > y) - (x < y);
}

void cc_runs_free(run_table *t) {
  free(t->e);
  if (t->spill) fclose(t->spill);
  free(t->seg_at);
  free(t->seg_n);
  free(t->bloom);
  memset(t, 0, sizeof *t);
}

/* Writes every entry in memory to a new segment and empties the table. */
static int table_spill(run_table *t, const char *path, char err[POD_ERRLEN]) {
  size_t n = 0;
  if (!t->spill && !(t->spill = tmpfile()))
    return pod_err(err, POD_EIO, "%s: cannot make a scratch file for its "
                   "run_ids: %s", path, strerror(errno));
  if (!t->bloom) {
    t->bloom = pod_xmalloc(BLOOM_BITS / 8);
    memset(t->bloom, 0, BLOOM_BITS / 8);
  }
  for (size_t i = 0; i < t->cap; i++)  /* pack, then sort by hash */
    if (t->e[i].hash) t->e[n++] = t->e[i];
  qsort(t->e, n, sizeof *t->e, by_hash);
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < 4; k++) {
      size_t b = bloom_bit(t->e[i].hash, k);
      t->bloom[b >> 3] |= (unsigned char)(1u << (b & 7));
    }
  if (fseeko(t->spill, (off_t)(t->spilled * (long long)sizeof *t->e),
             SEEK_SET) ||
      fwrite(t->e, sizeof *t->e, n, t->spill) != n || fflush(t->spill))
    return pod_err(err, POD_EIO, "%s: cannot write its run_ids to a scratch "
                   "file: %s", path, strerror(errno));
  t->seg_at = pod_xrealloc(t->seg_at, (t->n_seg + 1) * sizeof *t->seg_at);
  t->seg_n = pod_xrealloc(t->seg_n, (t->n_seg + 1) * sizeof *t->seg_n);
  t->seg_at[t->n_seg] = t->spilled;
  t->seg_n[t->n_seg++] = n;
  t->spilled += (long long)n;
  memset(t->e, 0, t->cap * sizeof *t->e);
  t->n = 0;
  return POD_OK;
}

static int read_entry(run_table *t, long long i, run_entry *out) {
  return fseeko(t->spill, (off_t)(i * (long long)sizeof *out), SEEK_SET) ||
         fread(out, sizeof *out, 1, t->spill) != 1;
}

/* The entry of hash h in the segments, newest first: 1 found, 0 not, -1
** a read error. */
static int segments_find(run_table *t, uint64_t h, run_entry *out) {
  for (size_t s = t->n_seg; s-- > 0;) {
    long long lo = 0, hi = (long long)t->seg_n[s];
    while (lo < hi) {
      long long mid = lo + (hi - lo) / 2;
      if (read_entry(t, t->seg_at[s] + mid, out)) return -1;
      if (out->hash == h) return 1;
      if (out->hash < h) lo = mid + 1;
      else hi = mid;
    }
  }
  return 0;
}

/* The entry of run_id hash h, made (zeroed but for the hash) when the
** file has not shown it yet. */
int cc_runs_get(run_table *t, uint64_t h, const char *path,
                     run_entry **out, char err[POD_ERRLEN]) {
  run_entry *e = table_find(t, h, 0), old;
  int rc, found = 0;
  if (e) { *out = e; return POD_OK; }
  if (t->bloom && bloom_has(t, h) && (found = segments_find(t, h, &old)) < 0)
    return pod_err(err, POD_EIO, "%s: cannot read its run_ids back from a "
                   "scratch file: %s", path, strerror(errno));
  if (t->n + 1 > ingest_codecarbon_run_cache &&
      (rc = table_spill(t, path, err)))
    return rc;
  e = table_find(t, h, 1);
  if (found) *e = old;
  *out = e;
  return POD_OK;
}

/* After the pass: every run with more than one row (the newest state of
** each) back in memory, for snapshot_summaries. */
int cc_runs_gather(run_table *t, const char *path, char err[POD_ERRLEN]) {
  run_entry x;
  /* one seek per segment, then sequential reads (a seek per entry was a
  ** million lseeks for a million run_ids) */
  for (size_t s = t->n_seg; s-- > 0;)
    for (size_t i = 0; i < t->seg_n[s]; i++) {
      if (i ? fread(&x, sizeof x, 1, t->spill) != 1
            : read_entry(t, t->seg_at[s], &x))
        return pod_err(err, POD_EIO, "%s: cannot read its run_ids back from "
                       "a scratch file: %s", path, strerror(errno));
      if (x.count > 1 && !table_find(t, x.hash, 0))
        *table_find(t, x.hash, 1) = x;
    }
  return POD_OK;
}
