/*
** core/sha256.h -- SHA-256, streamed, for source provenance and slugs.
**
** OpenSSL's libcrypto does the hashing: it uses the CPU's SHA extensions
** (SHA-NI) where there are some, ~8x faster than portable C, and hashing
** is a sixth of the time of ingesting a large CSV file.
** Owns: nothing; a pod_sha256 holds its libcrypto context in itself
** (pod_sha256_hex or _digest ends it).
*/
#ifndef PODIUM_SHA256_H
#define PODIUM_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct pod_sha256 {
  /* SHA256_CTX (112 bytes in OpenSSL 3; sha256.c checks it fits), held
  ** here: a render hashes ~100,000 rows, and a context allocated and
  ** freed for each was a malloc pair per hash */
  union {
    unsigned char bytes[128];
    uint64_t align;
  } ctx;
  /* short updates gathered here: a render's keys and fingerprints hash
  ** values a few bytes at a time, and each EVP call cost ~700
  ** instructions (2.4% of a render) */
  unsigned char buf[256];
  size_t n;
} pod_sha256;

void pod_sha256_init(pod_sha256 *s);
void pod_sha256_update(pod_sha256 *s, const void *data, size_t n);
/* Writes 64 lower-case hex digits and a NUL to hex; ends the context. */
void pod_sha256_hex(pod_sha256 *s, char hex[65]);
/* The same digest as 32 bytes. */
void pod_sha256_digest(pod_sha256 *s, unsigned char md[32]);

#endif
