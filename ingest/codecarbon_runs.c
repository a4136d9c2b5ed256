/*
** ingest/codecarbon_runs.c -- the run_ids of a CodeCarbon file, for
** ingest/codecarbon.c.
**
** Keyed by a 64-bit hash of the run_id: no string per run is kept. Two
** run_ids colliding in 64 bits in one file is ~n^2 / 2^65 (3e-8 for a
** million): accepted. The entries lie dense, in the order first seen; a
** slim index (hash, place: 12 bytes a slot, open addressing) finds them,
** so that growing rehashes 12 bytes an entry, not the 56 of an entry
** (the table was 13% of ingesting one run per line, issue 14).
**
** Memory stays flat however many run_ids a file holds (CodeCarbon's
** default layout is one new run_id per line): at most
** ingest_codecarbon_run_cache (65,536) entries
** live in memory; when the table is full they are written, sorted by
** hash, to a segment of a scratch file (tmpfile()) and the table starts
** empty. A Bloom filter of the spilled hashes (4 MiB; 4 bits, all in one
** 64-bit word, so that a look is one cache miss, not four: ~2e-4 false
** positives at a million run_ids) lets a new run_id, the common case,
** skip the segments; a run_id seen again after its entry was
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
#define BLOOM_WORDS (1u << 19)     /* 4 MiB */

uint64_t cc_runs_hash(const char *s) {
  uint64_t h = 1469598103934665603ULL;  /* FNV-1a, then a final mix */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h ? h : 1;
}

/* Doubles the index (16 slots first: a file of a few runs cleared 256
** entries, issue 14) and places every entry in it again. */
static void grow_index(run_table *t) {
  free(t->slot_hash);
  free(t->slot_at);
  t->cap = t->cap ? 2 * t->cap : 16;
  t->slot_hash = pod_xcalloc(t->cap, sizeof *t->slot_hash);
  t->slot_at = pod_xmalloc(t->cap * sizeof *t->slot_at);
  for (size_t k = 0; k < t->n; k++) {
    size_t i = t->e[k].hash & (t->cap - 1);
    while (t->slot_hash[i]) i = (i + 1) & (t->cap - 1);
    t->slot_hash[i] = t->e[k].hash;
    t->slot_at[i] = (uint32_t)k;
  }
}

static run_entry *table_find(run_table *t, uint64_t h, int add) {
  if (add && 2 * (t->n + 1) > t->cap) grow_index(t);
  if (!t->cap) return NULL;
  for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
    if (t->slot_hash[i] == h) return &t->e[t->slot_at[i]];
    if (!t->slot_hash[i]) {
      if (!add) return NULL;
      if (t->n == t->cap_e) {
        t->cap_e = t->cap_e ? 2 * t->cap_e : 16;
        t->e = pod_xrealloc(t->e, t->cap_e * sizeof *t->e);
      }
      t->slot_hash[i] = h;
      t->slot_at[i] = (uint32_t)t->n;
      memset(&t->e[t->n], 0, sizeof t->e[t->n]);
      t->e[t->n].hash = h;
      return &t->e[t->n++];
    }
  }
}

/* The word of h and its 4 bits there. */
static size_t bloom_word(uint64_t h, uint64_t *bits) {
  *bits = 1ULL << (h & 63) | 1ULL << (h >> 6 & 63) | 1ULL << (h >> 12 & 63) |
          1ULL << (h >> 18 & 63);
  return (size_t)(h >> 45) & (BLOOM_WORDS - 1);
}

static int bloom_has(const run_table *t, uint64_t h) {
  uint64_t bits;
  size_t w = bloom_word(h, &bits);
  return (t->bloom[w] & bits) == bits;
}

typedef struct { uint64_t hash; size_t at; } hash_at;

static int by_hash(const void *a, const void *b) {
  uint64_t x = ((const hash_at *)a)->hash, y = ((const hash_at *)b)->hash;
  return (x > y) - (x < y);
}

void cc_runs_free(run_table *t) {
  free(t->e);
  free(t->slot_hash);
  free(t->slot_at);
  if (t->spill) fclose(t->spill);
  free(t->seg_at);
  free(t->seg_n);
  free(t->bloom);
  memset(t, 0, sizeof *t);
}

/* Writes every entry in memory to a new segment, sorted by hash, and
** empties the table. (hash, place) pairs are sorted, not the 56-byte
** entries: qsort's scratch copy of those was ~3 MB a spill. */
static int table_spill(run_table *t, const char *path, char err[POD_ERRLEN]) {
  size_t n = t->n, i;
  hash_at *order;
  if (!t->spill && !(t->spill = tmpfile()))
    return pod_err(err, POD_EIO, "%s: cannot make a scratch file for its "
                   "run_ids: %s", path, strerror(errno));
  if (!t->bloom) t->bloom = pod_xcalloc(BLOOM_WORDS, sizeof *t->bloom);
  order = pod_xmalloc((n + 1) * sizeof *order);
  for (i = 0; i < n; i++) {
    uint64_t bits;
    t->bloom[bloom_word(t->e[i].hash, &bits)] |= bits;
    order[i].hash = t->e[i].hash;
    order[i].at = i;
  }
  qsort(order, n, sizeof *order, by_hash);
  if (!fseeko(t->spill, (off_t)(t->spilled * (long long)sizeof *t->e),
              SEEK_SET))
    for (i = 0; i < n; i++)
      if (fwrite(&t->e[order[i].at], sizeof *t->e, 1, t->spill) != 1) break;
  free(order);
  if (i < n || fflush(t->spill))
    return pod_err(err, POD_EIO, "%s: cannot write its run_ids to a scratch "
                   "file: %s", path, strerror(errno));
  t->seg_at = pod_xrealloc(t->seg_at, (t->n_seg + 1) * sizeof *t->seg_at);
  t->seg_n = pod_xrealloc(t->seg_n, (t->n_seg + 1) * sizeof *t->seg_n);
  t->seg_at[t->n_seg] = t->spilled;
  t->seg_n[t->n_seg++] = n;
  t->spilled += (long long)n;
  memset(t->slot_hash, 0, t->cap * sizeof *t->slot_hash);
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
** file has not shown it yet: one probe of the index for a new run_id,
** the everyday case. */
int cc_runs_get(run_table *t, uint64_t h, const char *path,
                run_entry **out, char err[POD_ERRLEN]) {
  run_entry old;
  int rc, found = 0;
  if (t->cap) {
    size_t i = h & (t->cap - 1);
    for (; t->slot_hash[i]; i = (i + 1) & (t->cap - 1))
      if (t->slot_hash[i] == h) {
        *out = &t->e[t->slot_at[i]];
        return POD_OK;
      }
  }
  if (t->bloom && bloom_has(t, h) && (found = segments_find(t, h, &old)) < 0)
    return pod_err(err, POD_EIO, "%s: cannot read its run_ids back from a "
                   "scratch file: %s", path, strerror(errno));
  if (t->n + 1 > ingest_codecarbon_run_cache &&
      (rc = table_spill(t, path, err)))
    return rc;
  *out = table_find(t, h, 1);
  if (found) **out = old;
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
