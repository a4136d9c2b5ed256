/*
** core/sha256.c -- SHA-256 through libcrypto's SHA256_Init/Update/Final
** (sha256.h says why libcrypto). Not EVP: fetching EVP_sha256 starts
** libcrypto's providers, ~2 MB of a render's peak RSS (code pages and
** tables touched, the method store) for the same rounds; these calls
** run libcrypto's sha256_block_data_order, SHA-NI included, directly.
** OpenSSL 3 marks them deprecated, not removed: they are kept for the
** whole 3.x series. Checked against the FIPS 180-4 test vectors in
** tests/t_core.c.
*/
#define OPENSSL_SUPPRESS_DEPRECATED
#include "core/sha256.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void must(int ok) {
  if (!ok) {
    fputs("podium: libcrypto SHA-256 failed\n", stderr);
    abort();
  }
}

_Static_assert(sizeof(SHA256_CTX) <= sizeof(((pod_sha256 *)0)->ctx.bytes),
               "pod_sha256 holds a SHA256_CTX");

#define CTX(s) ((SHA256_CTX *)(void *)(s)->ctx.bytes)

void pod_sha256_init(pod_sha256 *s) {
  must(SHA256_Init(CTX(s)));
  s->n = 0;
}

static void flush(pod_sha256 *s) {
  if (s->n) must(SHA256_Update(CTX(s), s->buf, s->n));
  s->n = 0;
}

void pod_sha256_update(pod_sha256 *s, const void *data, size_t n) {
  if (s->n + n <= sizeof s->buf) {
    if (n) memcpy(s->buf + s->n, data, n);
    s->n += n;
    return;
  }
  flush(s);
  if (n >= sizeof s->buf) {   /* long input: straight through */
    must(SHA256_Update(CTX(s), data, n));
    return;
  }
  memcpy(s->buf, data, n);
  s->n = n;
}

void pod_sha256_digest(pod_sha256 *s, unsigned char md[32]) {
  flush(s);
  must(SHA256_Final(md, CTX(s)));
}

void pod_sha256_hex(pod_sha256 *s, char hex[65]) {
  static const char digits[] = "0123456789abcdef";
  unsigned char md[SHA256_DIGEST_LENGTH];
  pod_sha256_digest(s, md);
  for (unsigned i = 0; i < 32; i++) {
    hex[2 * i] = digits[md[i] >> 4];
    hex[2 * i + 1] = digits[md[i] & 15];
  }
  hex[64] = '\0';
}
