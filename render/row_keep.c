/*
** render/row_keep.c -- rows of long tables kept between renders (see
** row_keep.h).
**
** Two files. .NAME.podium-rows: a head line "podium rows 1 <base
** key>\n", then records, each key length and text length (4 bytes each,
** little-endian), the key, the text, and a 64-bit check of all of it.
** Records are only added: rows no page shows any more stay until the
** next full render writes the file anew, or until it is ROWS_MAX long.
** .NAME.podium-rows.idx, written again at the end of each render: a
** head line "podium rows index 1 <base key> <bytes of records>\n", then
** per record the hash of its key and where it starts (8 bytes each),
** sorted by hash. A render reads only the index and the records it
** takes (indexing 60,000 records of 27 MB at the start of each render
** was a tenth of it); the index's hashes are found through a directory
** by their top bits, made at the start (a binary search of 60,000
** entries was ~16 cache misses a row, 2% of a render after one new
** run, with two boards and a study table of 10,000 rows). A record is
** taken only when its key and check hold: a file cut short, two renders
** writing at once or an edit make rows that are not taken, never wrong
** ones.
*/
#define _GNU_SOURCE
#include "render/row_keep.h"
#include "core/buf.h"
#include "core/fs.h"
#include "core/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEAD "podium rows 1 "
#define HEAD_LEN (sizeof HEAD - 1 + 64 + 1)
#define ROWS_MAX ((size_t)256 << 20)   /* bytes; past 3/4 of it, a new file */
#define FLUSH_AT (64u << 10)           /* bytes waiting for a write */
#define KEY_MAX 4096
#define IDX_HEAD "podium rows index 1 "

typedef struct entry {
  uint64_t hash, at;   /* the key's pod_hash64, where its record starts */
} entry;

struct row_keep {
  char path[PATH_MAX], fresh_path[PATH_MAX], idx_path[PATH_MAX],
      idx_fresh[PATH_MAX];
  char base[65];
  uint64_t seed;         /* of records' checks: the base key's hash */
  pod_map old, old_idx;  /* the files of the last render, when reused */
  const unsigned char *index;   /* old_idx's entries, 16 bytes each (at
                                ** any address: read bytewise) */
  size_t n_index;
  uint32_t *dir;         /* dir[b]: the first entry whose hash's top
                         ** dir_bits bits are b or more; dir[1 << dir_bits]
                         ** = n_index */
  int dir_bits;
  uint64_t size;         /* bytes of records and head in the file now */
  int fresh;             /* writing fresh_path, renamed over path at end */
  int fd;                /* -1: nothing more is written */
  pthread_mutex_t lock;
  pod_buf part;          /* records not written yet */
  entry *added;          /* records this render added */
  size_t n_added, cap_added;
};

static uint64_t get_u32(const unsigned char *p) {
  return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
         (uint64_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p) {
  return get_u32(p) | get_u32(p + 4) << 32;
}

static void put_u64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* A record's check, seeded with the base key: a record another podium
** or template set wrote (two renders at once in one file) never checks
** out under this one's. */
static uint64_t check_of(const row_keep *k, const unsigned char *rec,
                         size_t key_len, size_t text_len) {
  return pod_hash64(rec, 8 + key_len + text_len, k->seed);
}

static uint64_t key_hash(const char *key, size_t key_len) {
  return pod_hash64(key, key_len, 1);
}

/* The text of the record at at when it holds key and checks out. */
static const char *record_text(const row_keep *k, uint64_t at,
                               const char *key, size_t key_len, size_t *n) {
  const unsigned char *r;
  size_t room, tl;
  if (at < HEAD_LEN || at >= k->old.len) return NULL;
  r = k->old.data + at;
  room = k->old.len - at;
  if (room < 16 + key_len || get_u32(r) != key_len ||
      memcmp(r + 8, key, key_len))
    return NULL;
  tl = get_u32(r + 4);
  if (tl > room - 16 - key_len ||
      get_u64(r + 8 + key_len + tl) != check_of(k, r, key_len, tl))
    return NULL;
  *n = tl;
  return (const char *)r + 8 + key_len;
}

static uint64_t index_hash(const row_keep *k, size_t i) {
  return get_u64(k->index + 16 * i);
}

/* The directory of the index (about four entries a slot): 0 when the
** index is too long for it, or not sorted by hash (an edit, or another
** writer's: nothing is taken then). */
static int make_dir(row_keep *k) {
  size_t slots, b = 0;
  uint64_t last = 0;
  int bits = 1;
  if (k->n_index > UINT32_MAX) return 0;
  while (bits < 30 && ((size_t)4 << bits) < k->n_index) bits++;
  slots = (size_t)1 << bits;
  k->dir = pod_xmalloc((slots + 1) * sizeof *k->dir);
  k->dir_bits = bits;
  for (size_t e = 0; e < k->n_index; e++) {   /* one walk, in order */
    uint64_t h = index_hash(k, e);
    if (h < last) return 0;
    last = h;
    for (; b <= h >> (64 - bits); b++) k->dir[b] = (uint32_t)e;
  }
  for (; b <= slots; b++) k->dir[b] = (uint32_t)k->n_index;
  return 1;
}

/* Maps the last render's files when written with this base key and the
** index covers the records; 1 when rows can be taken and more added. */
static int use_old(row_keep *k) {
  char err[POD_ERRLEN], head[HEAD_LEN + 1];
  const unsigned char *d, *nl;
  uint64_t covered = 0;
  size_t head_len;
  snprintf(head, sizeof head, HEAD "%s\n", k->base);
  if (pod_file_map(k->path, &k->old, err) != POD_OK ||
      k->old.len < HEAD_LEN || k->old.len > ROWS_MAX / 4 * 3 ||
      memcmp(k->old.data, head, HEAD_LEN) ||
      pod_file_map(k->idx_path, &k->old_idx, err) != POD_OK)
    return 0;
  d = k->old_idx.data;
  head_len = sizeof IDX_HEAD - 1 + 64;
  if (k->old_idx.len < head_len + 2 || memcmp(d, IDX_HEAD, sizeof IDX_HEAD - 1) ||
      memcmp(d + sizeof IDX_HEAD - 1, k->base, 64) || d[head_len] != ' ' ||
      !(nl = memchr(d + head_len, '\n', k->old_idx.len - head_len)) ||
      nl == d + head_len + 1)
    return 0;
  for (const unsigned char *p = d + head_len + 1; p < nl; p++) {
    if (*p < '0' || *p > '9' || covered > (UINT64_MAX - 9) / 10) return 0;
    covered = covered * 10 + (uint64_t)(*p - '0');
  }
  if (covered != k->old.len ||   /* records no index lists: a new file */
      (k->old_idx.len - (size_t)(nl + 1 - d)) % 16)
    return 0;
  k->index = nl + 1;
  k->n_index = (k->old_idx.len - (size_t)(nl + 1 - d)) / 16;
  k->size = k->old.len;
  if (!make_dir(k)) return 0;
  k->fd = open(k->path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  return k->fd >= 0;
}

row_keep *row_keep_open(const char *target, const char *base, int reuse) {
  row_keep *k;
  const char *slash = strrchr(target, '/');
  int n;
  if (strlen(base) != 64 || !(k = calloc(1, sizeof *k))) return NULL;
  k->fd = -1;
  memcpy(k->base, base, 65);
  k->seed = pod_hash64(base, 64, 0x706f6469756d);
  n = slash ? snprintf(k->path, sizeof k->path, "%.*s/.%s.podium-rows",
                       (int)(slash - target), target, slash + 1)
            : snprintf(k->path, sizeof k->path, ".%s.podium-rows", target);
  if (n <= 0 || (size_t)n >= sizeof k->path - 8) {
    free(k);
    return NULL;
  }
  /* n + 9 fits: checked above */
  memcpy(k->fresh_path, k->path, (size_t)n);
  memcpy(k->fresh_path + n, ".new", 5);
  memcpy(k->idx_path, k->path, (size_t)n);
  memcpy(k->idx_path + n, ".idx", 5);
  memcpy(k->idx_fresh, k->path, (size_t)n);
  memcpy(k->idx_fresh + n, ".idx.new", 9);
  if (!reuse || !use_old(k)) {
    pod_file_unmap(&k->old);
    pod_file_unmap(&k->old_idx);
    free(k->dir);
    k->dir = NULL;
    k->index = NULL;
    k->n_index = 0;
    k->fresh = 1;
    k->fd = open(k->fresh_path,
                 O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (k->fd < 0) {
      free(k);
      return NULL;
    }
    pod_buf_printf(&k->part, HEAD "%s\n", base);
    k->size = k->part.len;
  }
  pthread_mutex_init(&k->lock, NULL);
  return k;
}

const char *row_keep_get(const row_keep *k, const char *key, size_t key_len,
                         size_t *n) {
  uint64_t h, b;
  size_t at, end;
  if (!k || !k->n_index) return NULL;
  h = key_hash(key, key_len);
  b = h >> (64 - k->dir_bits);
  end = k->dir[b + 1];
  for (at = k->dir[b]; at < end && index_hash(k, at) < h; at++) {}
  for (; at < end && index_hash(k, at) == h; at++) {
    const char *text = record_text(k, get_u64(k->index + 16 * at + 8), key,
                                   key_len, n);
    if (text) return text;
  }
  return NULL;
}

/* Writes n bytes of p to fd; 0 when it could not. (Not core/fs.c's:
** these writes are best-effort, and its failure injection is for the
** site's files.) */
static int write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return 0;
    p += w;
    n -= (size_t)w;
  }
  return 1;
}

/* Writes what waits (lock held); a failure ends the writing. */
static void flush_part(row_keep *k) {
  if (k->fd >= 0 && !write_all(k->fd, k->part.data, k->part.len)) {
    close(k->fd);
    k->fd = -1;
  }
  pod_buf_clear(&k->part);
}

void row_keep_put(row_keep *k, const char *key, size_t key_len,
                  const char *text, size_t n) {
  unsigned char lens[8], check[8];
  size_t at;
  if (!k || key_len == 0 || key_len > KEY_MAX || n > UINT32_MAX) return;
  pthread_mutex_lock(&k->lock);
  if (k->fd >= 0 && k->size + 16 + key_len + n <= ROWS_MAX) {
    /* a new file's records are indexed at its end, read back: their
    ** entries held meanwhile were a MB of a full render's peak */
    if (!k->fresh) {
      if (k->n_added == k->cap_added) {
        k->cap_added = k->cap_added ? 2 * k->cap_added : 1024;
        k->added = pod_xrealloc(k->added, k->cap_added * sizeof *k->added);
      }
      k->added[k->n_added++] = (entry){key_hash(key, key_len), k->size};
    }
    lens[0] = (unsigned char)key_len;
    lens[1] = (unsigned char)(key_len >> 8);
    lens[2] = lens[3] = 0;
    for (int b = 0; b < 4; b++) lens[4 + b] = (unsigned char)(n >> (8 * b));
    at = k->part.len;
    pod_buf_add(&k->part, lens, 8);
    pod_buf_add(&k->part, key, key_len);
    pod_buf_add(&k->part, text, n);
    put_u64(check, check_of(k, (const unsigned char *)k->part.data + at,
                            key_len, n));
    pod_buf_add(&k->part, check, 8);
    k->size += 16 + key_len + n;
    if (k->part.len >= FLUSH_AT) flush_part(k);
  }
  pthread_mutex_unlock(&k->lock);
}

static int by_hash(const void *a, const void *b) {
  uint64_t x = ((const entry *)a)->hash, y = ((const entry *)b)->hash;
  return (x > y) - (x < y);
}

/* The index of the old entries and this render's, by hash: 1 if written
** (to idx_fresh), in parts (a whole one was 1 MB more at a render's end,
** its peak). */
static int write_index(row_keep *k) {
  pod_buf out = POD_BUF_INIT;
  size_t i = 0, j = 0;
  int ok = 1, fd = open(k->idx_fresh, O_WRONLY | O_CREAT | O_TRUNC |
                                          O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return 0;
  if (k->n_added > 1) qsort(k->added, k->n_added, sizeof *k->added, by_hash);
  pod_buf_printf(&out, IDX_HEAD "%s %llu\n", k->base,
                 (unsigned long long)k->size);
  while (ok && (i < k->n_index || j < k->n_added || out.len)) {
    if (i < k->n_index &&
        (j == k->n_added || index_hash(k, i) <= k->added[j].hash)) {
      pod_buf_add(&out, k->index + 16 * i++, 16);
    } else if (j < k->n_added) {
      unsigned char e[16];
      put_u64(e, k->added[j].hash);
      put_u64(e + 8, k->added[j].at);
      pod_buf_add(&out, e, 16);
      j++;
    }
    if (out.len >= FLUSH_AT || (i == k->n_index && j == k->n_added)) {
      if (ok) ok = write_all(fd, out.data, out.len);
      pod_buf_clear(&out);
    }
  }
  if (close(fd) != 0) ok = 0;
  pod_buf_free(&out);
  return ok;
}

/* The entries of a new file's records (fresh_path, written whole), read
** back in parts (mapped, its 23 MB were the render's peak): 1 when they
** are all read. */
static int index_fresh(row_keep *k) {
  enum { CHUNK = 256 << 10 };
  unsigned char *buf = pod_xmalloc(CHUNK);
  uint64_t r = HEAD_LEN, base = 0;
  size_t have = 0;
  int fd = open(k->fresh_path, O_RDONLY | O_CLOEXEC);
  while (fd >= 0 && r < k->size) {
    size_t kl = 0, tl;
    ssize_t got;
    /* its head, then its key, in the buffer: read from r when not */
    for (int pass = 0; pass < 2; pass++) {
      size_t need = pass ? 8 + kl : 8;
      if (r < base || r + need > base + have) {
        base = r;
        got = pread(fd, buf, CHUNK, (off_t)r);
        have = got > 0 ? (size_t)got : 0;
        if (have < need) goto done;
      }
      kl = get_u32(buf + (r - base));
      if (kl > KEY_MAX) goto done;
    }
    tl = get_u32(buf + (r - base) + 4);
    if (k->n_added == k->cap_added) {
      k->cap_added = k->cap_added ? 2 * k->cap_added : 1024;
      k->added = pod_xrealloc(k->added, k->cap_added * sizeof *k->added);
    }
    k->added[k->n_added++] =
        (entry){key_hash((const char *)buf + (r - base) + 8, kl), r};
    r += 16 + kl + tl;
  }
done:
  if (fd >= 0) close(fd);
  free(buf);
  return r == k->size;
}

void row_keep_end(row_keep *k, int ok) {
  int index;
  if (!k) return;
  pthread_mutex_lock(&k->lock);
  if (ok) flush_part(k);
  if (k->fd < 0 || close(k->fd) != 0) ok = 0;
  k->fd = -1;
  if (ok && k->fresh && !index_fresh(k)) ok = 0;
  index = ok && (k->n_added || k->fresh);   /* none new: the old holds */
  if (index && !write_index(k)) ok = index = 0;
  if (k->fresh) {   /* the records first, then their index */
    if (!ok || rename(k->fresh_path, k->path) != 0) {
      unlink(k->fresh_path);
      ok = 0;
    }
    k->fresh = 0;
  }
  if (index && (!ok || rename(k->idx_fresh, k->idx_path) != 0))
    unlink(k->idx_fresh);
  k->n_added = 0;
  pthread_mutex_unlock(&k->lock);
}

void row_keep_free(row_keep *k) {
  if (!k) return;
  row_keep_end(k, 0);
  pthread_mutex_destroy(&k->lock);
  pod_file_unmap(&k->old);
  pod_file_unmap(&k->old_idx);
  free(k->dir);
  free(k->added);
  pod_buf_free(&k->part);
  free(k);
}
