/*
** core/hash.h -- a fast 64-bit hash of bytes, eight at a time, for
** tables in memory and checks of podium's own files (render/: the
** manifests' paths, the files a render wrote, kept rows). Not a
** cryptographic one: what must resist crafted input (fingerprints of
** pages, the registry's state) is SHA-256 (core/sha256.h).
** Owns: nothing.
*/
#ifndef PODIUM_HASH_H
#define PODIUM_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t pod_hash64(const void *data, size_t n, uint64_t seed) {
  const unsigned char *p = data;
  uint64_t h = seed ^ (uint64_t)n * 0x9e3779b97f4a7c15u;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdu;
    h ^= h >> 32;
  }
  if (n) {
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
  }
  h ^= h >> 29;
  return h * 0x94d049bb133111ebu ^ (h >> 31);
}

/* The same kind of hash over bytes that come in pieces: the value does
** not depend on where they were cut (it is not pod_hash64's). */
typedef struct pod_hash_stream {
  uint64_t h, n;            /* the words so far, the bytes so far */
  unsigned char tail[8];    /* bytes of the next word */
} pod_hash_stream;

static inline void pod_hash_stream_init(pod_hash_stream *s, uint64_t seed) {
  s->h = seed;
  s->n = 0;
}

static inline void pod_hash_word(pod_hash_stream *s, uint64_t w) {
  s->h = (s->h ^ w) * 0xff51afd7ed558ccdu;
  s->h ^= s->h >> 32;
}

static inline void pod_hash_stream_add(pod_hash_stream *s, const void *data,
                                       size_t n) {
  const unsigned char *p = data;
  size_t k = (size_t)(s->n & 7);
  s->n += n;
  if (k) {   /* the word begun before */
    size_t take = 8 - k < n ? 8 - k : n;
    memcpy(s->tail + k, p, take);
    p += take;
    n -= take;
    if (k + take < 8) return;
    uint64_t w;
    memcpy(&w, s->tail, 8);
    pod_hash_word(s, w);
  }
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    pod_hash_word(s, w);
  }
  if (n) memcpy(s->tail, p, n);
}

static inline uint64_t pod_hash_stream_end(const pod_hash_stream *s) {
  uint64_t h = s->h;
  size_t k = (size_t)(s->n & 7);
  if (k) {
    uint64_t w = 0;
    memcpy(&w, s->tail, k);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
  }
  h ^= s->n * 0x9e3779b97f4a7c15u;
  h ^= h >> 29;
  return h * 0x94d049bb133111ebu ^ (h >> 31);
}

#endif
