/*
** core/buf.h -- a growable byte buffer and the aborting allocator.
**
** Owns: a pod_buf owns its bytes; pod_buf_free releases them (NULL-safe),
** pod_buf_detach hands them to the caller (free with free()).
** Errors: none. Like cmark, running out of memory prints and aborts, so
** no caller carries an ENOMEM branch.
*/
#ifndef PODIUM_BUF_H
#define PODIUM_BUF_H

#include <stddef.h>

void *pod_xmalloc(size_t n);
void *pod_xrealloc(void *p, size_t n);
/* n * size zeroed bytes: calloc, which skips clearing fresh pages. */
void *pod_xcalloc(size_t n, size_t size);
char *pod_xstrdup(const char *s);
char *pod_xstrndup(const char *s, size_t n);

typedef struct pod_buf {
  char *data;   /* always NUL-terminated once anything was added */
  size_t len;
  size_t cap;
} pod_buf;

#define POD_BUF_INIT {NULL, 0, 0}

void pod_buf_add(pod_buf *b, const void *p, size_t n);
void pod_buf_adds(pod_buf *b, const char *s);
/* Room for n more bytes and the NUL (what the adders below call). */
void pod_buf_reserve(pod_buf *b, size_t n);
/* One byte; inline, as templates and JSON writers add them one by one. */
static inline void pod_buf_addc(pod_buf *b, char c) {
  if (b->len + 2 > b->cap) pod_buf_reserve(b, 1);
  b->data[b->len++] = c;
  b->data[b->len] = '\0';
}
void pod_buf_printf(pod_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* v in decimal, as printf's %lld writes it. */
void pod_buf_addi(pod_buf *b, long long v);
/* The same digits, ending at end (no NUL): returns where they begin
** (24 bytes before end are room enough). */
char *pod_digits(char *end, long long v);
void pod_buf_clear(pod_buf *b);        /* len = 0, keeps capacity */
char *pod_buf_detach(pod_buf *b);      /* caller frees; b is empty after */
void pod_buf_free(pod_buf *b);
/* The bytes as a C string; "" for an empty buffer. Borrowed from b. */
const char *pod_buf_str(const pod_buf *b);

#endif
