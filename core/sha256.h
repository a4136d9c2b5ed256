/*
** core/sha256.h -- SHA-256 (FIPS 180-4), streamed, for source provenance.
** Owns nothing; the context lives wherever the caller puts it.
*/
#ifndef PODIUM_SHA256_H
#define PODIUM_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct pod_sha256 {
  uint32_t h[8];
  uint64_t total;         /* bytes hashed so far */
  unsigned char block[64];
  size_t fill;            /* bytes waiting in block */
} pod_sha256;

void pod_sha256_init(pod_sha256 *s);
void pod_sha256_update(pod_sha256 *s, const void *data, size_t n);
/* Writes 64 lower-case hex digits and a NUL to hex. */
void pod_sha256_hex(pod_sha256 *s, char hex[65]);

#endif
