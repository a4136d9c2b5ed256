/*
** core/sha256.h -- SHA-256, streamed, for source provenance and slugs.
**
** OpenSSL's libcrypto does the hashing: it uses the CPU's SHA extensions
** (SHA-NI) where there are some, ~8x faster than portable C, and hashing
** is a sixth of the time of ingesting a large CSV file.
** Owns: a pod_sha256 holds a libcrypto context from pod_sha256_init until
** pod_sha256_hex, which releases it; every init must end in one hex.
*/
#ifndef PODIUM_SHA256_H
#define PODIUM_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct pod_sha256 {
  void *ctx;              /* SHA256_CTX */
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

#endif
