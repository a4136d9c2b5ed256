/*
** core/buf.c -- growable buffers and the aborting allocator (buf.h).
*/
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t n) {
  fprintf(stderr, "podium: out of memory (asked for %zu bytes)\n", n);
  abort();
}

void *pod_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) out_of_memory(n);
  return p;
}

void *pod_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) out_of_memory(n);
  return q;
}

void *pod_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) out_of_memory(n * size);
  return p;
}

char *pod_xstrndup(const char *s, size_t n) {
  char *p = pod_xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *pod_xstrdup(const char *s) { return pod_xstrndup(s, strlen(s)); }

static __attribute__((noinline)) void grow_to(pod_buf *b, size_t need) {
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap *= 2;
  b->data = pod_xrealloc(b->data, cap);
  b->cap = cap;
}

/* The check inline, the growing apart: a call per byte added was ~2% of
** ingesting a log folder. */
static inline void grow(pod_buf *b, size_t extra) {
  size_t need = b->len + extra + 1;
  if (need > b->cap) grow_to(b, need);
}

void pod_buf_add(pod_buf *b, const void *p, size_t n) {
  grow(b, n);
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void pod_buf_adds(pod_buf *b, const char *s) { pod_buf_add(b, s, strlen(s)); }

void pod_buf_reserve(pod_buf *b, size_t n) { grow(b, n); }

/* Formats once into the room the buffer has (a second time only when it
** did not fit: vsnprintf twice per call was a tenth of the downloads). */
void pod_buf_printf(pod_buf *b, const char *fmt, ...) {
  va_list ap;
  size_t room = b->cap > b->len ? b->cap - b->len : 0;
  va_start(ap, fmt);
  int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
  va_end(ap);
  if (n <= 0) {
    if (room) b->data[b->len] = '\0';
    return;
  }
  if ((size_t)n >= room) {
    grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  b->len += (size_t)n;
}

char *pod_digits(char *end, long long v) {
  char *p = end;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                               : (unsigned long long)v;
  do *--p = (char)('0' + u % 10); while (u /= 10);
  if (v < 0) *--p = '-';
  return p;
}

void pod_buf_addi(pod_buf *b, long long v) {
  char tmp[24], *p = pod_digits(tmp + sizeof tmp, v);
  pod_buf_add(b, p, (size_t)(tmp + sizeof tmp - p));
}

void pod_buf_clear(pod_buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

char *pod_buf_detach(pod_buf *b) {
  char *p = b->data ? b->data : pod_xstrdup("");
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}

void pod_buf_free(pod_buf *b) {
  if (!b) return;
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

const char *pod_buf_str(const pod_buf *b) { return b->data ? b->data : ""; }
