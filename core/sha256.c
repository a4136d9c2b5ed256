/*
** core/sha256.c -- SHA-256 through libcrypto's EVP interface (sha256.h
** says why). Checked against the FIPS 180-4 test vectors in tests/t_core.c.
** Out of memory or a libcrypto failure aborts, as pod_xmalloc does: there
** is no meaningful way on without a hash.
*/
#include "core/sha256.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void must(int ok) {
  if (!ok) {
    fputs("podium: libcrypto SHA-256 failed\n", stderr);
    abort();
  }
}

/* The algorithm fetched once: EVP_sha256() makes OpenSSL 3 look it up
** again (locks, a property query) in every init, ~8,000 instructions,
** as much as hashing a 2 KB file (issue 14). Never freed: one per
** process, as OpenSSL's own default provider. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_md(void) { sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL); }

void pod_sha256_init(pod_sha256 *s) {
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  must(c != NULL);
  pthread_once(&sha256_once, fetch_md);
  must(EVP_DigestInit_ex(c, sha256_md ? sha256_md : EVP_sha256(), NULL));
  s->ctx = c;
  s->n = 0;
}

static void flush(pod_sha256 *s) {
  if (s->n) must(EVP_DigestUpdate((EVP_MD_CTX *)s->ctx, s->buf, s->n));
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
    must(EVP_DigestUpdate((EVP_MD_CTX *)s->ctx, data, n));
    return;
  }
  memcpy(s->buf, data, n);
  s->n = n;
}

void pod_sha256_hex(pod_sha256 *s, char hex[65]) {
  static const char digits[] = "0123456789abcdef";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  flush(s);
  must(EVP_DigestFinal_ex((EVP_MD_CTX *)s->ctx, md, &n) && n == 32);
  EVP_MD_CTX_free((EVP_MD_CTX *)s->ctx);
  s->ctx = NULL;
  for (unsigned i = 0; i < 32; i++) {
    hex[2 * i] = digits[md[i] >> 4];
    hex[2 * i + 1] = digits[md[i] & 15];
  }
  hex[64] = '\0';
}
