/*
** store/rows.c -- a copy of the rows a walk gave, to walk again without
** asking SQLite: render/ writes the same leaderboard, and the same run,
** in every language of the site from one query.
**
** The rows are one byte stream, walked only from the start: per value a
** tag (its type) and then its payload, an integer as a zigzag varint, a
** double's 8 bytes, a text inline with its NUL; a value equal to the one
** above it in the previous row is its tag alone (SAME: the scope, role,
** batch size, method of a board's rows). A leaderboard of 100,000 runs
** is kept whole for the render (issue 17): 9 bytes a value and an arena
** of texts took ~160 bytes a row of a primary board, this ~60. The walk
** builds each row's store_value again, as store_walk made it (an
** integer's d is its value as a double); texts are lent from the stream.
** The stream is also what an incremental render keeps of a board between
** renders (store_rows_save/load: the column names, the row count, the
** stream as it is).
*/
#include "store/store.h"
#include "core/sha256.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { SAME = 7 };   /* a tag beside store_type's */

struct store_rows {
  int n_cols;
  char **names;         /* the first row's column names, copied */
  const char **name_ptrs;
  unsigned char *data;  /* the stream */
  size_t len, cap;
  size_t n;             /* rows */
  size_t *last;         /* n_cols: where each value of the last row is */
  size_t *starts;       /* indexed: where each row begins (no SAME) */
  size_t cap_starts;
  int indexed;
};

store_rows *store_rows_new(void) {
  store_rows *rs = pod_xmalloc(sizeof *rs);
  memset(rs, 0, sizeof *rs);
  return rs;
}

/* Rows that may be walked in any order (store_rows_each_at): no value
** refers to the row before it, and where each row begins is noted. */
store_rows *store_rows_new_indexed(void) {
  store_rows *rs = store_rows_new();
  rs->indexed = 1;
  return rs;
}

void store_rows_free(store_rows *rs) {
  if (!rs) return;
  free(rs->starts);
  for (int i = 0; i < rs->n_cols; i++) free(rs->names[i]);
  free(rs->names);
  free(rs->name_ptrs);
  free(rs->data);
  free(rs->last);
  free(rs);
}

size_t store_rows_count(const store_rows *rs) { return rs->n; }

static void put(store_rows *rs, const void *p, size_t n) {
  if (rs->len + n > rs->cap) {
    /* half again, not double: the last growth of a big board wastes less */
    rs->cap = rs->cap + rs->cap / 2 > rs->len + n ? rs->cap + rs->cap / 2
                                                  : rs->len + n + 4096;
    rs->data = pod_xrealloc(rs->data, rs->cap);
  }
  memcpy(rs->data + rs->len, p, n);
  rs->len += n;
}

static void put_varint(store_rows *rs, int64_t i) {
  uint64_t z = ((uint64_t)i << 1) ^ (uint64_t)(i < 0 ? -1 : 0);
  unsigned char b[10];
  size_t n = 0;
  do {
    b[n] = (unsigned char)(z & 0x7f);
    z >>= 7;
    if (z) b[n] |= 0x80;
    n++;
  } while (z);
  put(rs, b, n);
}

static int64_t get_varint(const unsigned char **p) {
  uint64_t z = 0;
  int shift = 0;
  for (;;) {
    unsigned char b = *(*p)++;
    z |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
}

/* Whether v is the value stored at off (a previous row's, same column). */
static int same_as(const store_rows *rs, size_t off, const store_value *v) {
  const unsigned char *p = rs->data + off;
  double d;
  if (*p != (unsigned char)v->type) return 0;
  p++;
  switch (v->type) {
  case STORE_INT:
    return get_varint(&p) == v->i;
  case STORE_REAL:
    memcpy(&d, p, sizeof d);
    return !memcmp(&d, &v->d, sizeof d);   /* the same bits */
  case STORE_TEXT:
    return !strcmp((const char *)p, v->s);
  default:
    return 0;   /* a NULL is a tag alone anyway */
  }
}

int store_rows_add(const store_row *row, void *ud) {
  store_rows *rs = ud;
  if (rs->n == 0 && !rs->names) {
    rs->n_cols = row->n;
    rs->names = pod_xmalloc((size_t)(row->n ? row->n : 1) * sizeof *rs->names);
    rs->name_ptrs = pod_xmalloc((size_t)(row->n ? row->n : 1) *
                                sizeof *rs->name_ptrs);
    rs->last = pod_xmalloc((size_t)(row->n ? row->n : 1) * sizeof *rs->last);
    for (int i = 0; i < row->n; i++)
      rs->name_ptrs[i] = rs->names[i] = pod_xstrdup(row->names[i]);
  }
  if (row->n != rs->n_cols) return POD_EINTERNAL;  /* one statement's rows */
  if (rs->indexed) {
    if (rs->n == rs->cap_starts) {
      rs->cap_starts = rs->cap_starts ? 2 * rs->cap_starts : 1024;
      rs->starts = pod_xrealloc(rs->starts, rs->cap_starts * sizeof *rs->starts);
    }
    rs->starts[rs->n] = rs->len;
  }
  for (int i = 0; i < row->n; i++) {
    const store_value *v = &row->v[i];
    unsigned char tag = (unsigned char)v->type;
    if (rs->n && !rs->indexed && v->type != STORE_NULL && same_as(rs, rs->last[i], v)) {
      tag = SAME;
      put(rs, &tag, 1);
      continue;   /* rs->last[i] stays where the value is */
    }
    rs->last[i] = rs->len;
    put(rs, &tag, 1);
    switch (v->type) {
    case STORE_INT:
      put_varint(rs, v->i);
      break;
    case STORE_REAL:
      put(rs, &v->d, sizeof v->d);
      break;
    case STORE_TEXT:
      put(rs, v->s, strlen(v->s) + 1);
      break;
    default:
      break;
    }
  }
  rs->n++;
  return 0;
}

/* Walks rows of n_cols values from stream p (checked) with names. */
static int walk_stream(const unsigned char *p, size_t rows, int n_cols,
                       const char *const *names, store_row_fn fn, void *ud) {
  /* the row on the stack, as store_walk has it: a callback that never
  ** returns (a render page out of Lua memory) leaves nothing behind */
  store_value stack[64], *v = stack;
  int rc = 0;
  if (rows == 0) return 0;
  if (n_cols > 64) v = pod_xmalloc((size_t)n_cols * sizeof *v);
  for (size_t r = 0; r < rows && rc == 0; r++) {
    store_row row = {n_cols, names, v};
    for (int i = 0; i < n_cols; i++) {
      unsigned char tag = *p++;
      if (tag == SAME) continue;   /* v[i] holds it from the row before */
      memset(&v[i], 0, sizeof v[i]);
      v[i].type = (store_type)tag;
      switch (v[i].type) {
      case STORE_INT:
        v[i].i = get_varint(&p);
        v[i].d = (double)v[i].i;
        break;
      case STORE_REAL:
        memcpy(&v[i].d, p, sizeof v[i].d);
        p += sizeof v[i].d;
        break;
      case STORE_TEXT:
        v[i].s = (const char *)p;
        p += strlen(v[i].s) + 1;
        break;
      default:
        break;
      }
    }
    rc = fn(&row, ud);
  }
  if (v != stack) free(v);
  return rc;
}

int store_rows_each(const store_rows *rs, store_row_fn fn, void *ud) {
  return walk_stream(rs->data, rs->n, rs->n_cols, rs->name_ptrs, fn, ud);
}

int store_rows_each_at(const store_rows *rs, const size_t *rows, size_t n,
                       store_row_fn fn, void *ud) {
  int rc = 0;
  if (!rs->indexed) return POD_EINTERNAL;
  for (size_t k = 0; k < n && rc == 0; k++)
    if (rows[k] < rs->n)
      rc = walk_stream(rs->data + rs->starts[rows[k]], 1, rs->n_cols,
                       rs->name_ptrs, fn, ud);
  return rc;
}

/* ---- as bytes ------------------------------------------------------ */

static void buf_varint(pod_buf *out, uint64_t z) {
  do {
    unsigned char b = (unsigned char)(z & 0x7f);
    z >>= 7;
    if (z) b |= 0x80;
    pod_buf_addc(out, (char)b);
  } while (z);
}

/* "<n_cols> <names, each with its NUL> <rows> <stream length> <stream>",
** the counts as varints */
void store_rows_save_head(const store_rows *rs, pod_buf *out) {
  buf_varint(out, (uint64_t)rs->n_cols);
  for (int i = 0; i < rs->n_cols; i++)
    pod_buf_add(out, rs->names[i], strlen(rs->names[i]) + 1);
  buf_varint(out, rs->n);
  buf_varint(out, rs->len);
}

const void *store_rows_stream(const store_rows *rs, size_t *len) {
  *len = rs->len;
  return rs->data;
}

void store_rows_save(const store_rows *rs, pod_buf *out) {
  store_rows_save_head(rs, out);
  pod_buf_add(out, rs->data, rs->len);
}

/* A varint of data [*p, end), or 0 with *ok cleared past the end or when
** longer than 64 bits. */
static uint64_t take_varint(const unsigned char **p, const unsigned char *end,
                            int *ok) {
  uint64_t z = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p >= end) break;
    unsigned char b = *(*p)++;
    z |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) return z;
  }
  *ok = 0;
  return 0;
}

/* A text with its NUL inside [*p, end): its length, or -1. */
static long take_text(const unsigned char **p, const unsigned char *end) {
  const unsigned char *nul = memchr(*p, 0, (size_t)(end - *p));
  long n;
  if (!nul) return -1;
  n = (long)(nul - *p);
  *p = nul + 1;
  return n;
}

/* Whether stream [p, end) holds exactly rows values of n_cols columns as
** store_rows_add writes them (a SAME only where a value is above it). */
static int stream_ok(const unsigned char *p, const unsigned char *end,
                     size_t rows, int n_cols) {
  int ok = 1;
  for (size_t r = 0; r < rows; r++)
    for (int i = 0; i < n_cols; i++) {
      if (p >= end) return 0;
      switch (*p++) {
      case SAME:
        if (r == 0) return 0;
        break;
      case STORE_NULL:
        break;
      case STORE_INT:
        take_varint(&p, end, &ok);
        if (!ok) return 0;
        break;
      case STORE_REAL:
        if ((size_t)(end - p) < sizeof(double)) return 0;
        p += sizeof(double);
        break;
      case STORE_TEXT:
        if (take_text(&p, end) < 0) return 0;
        break;
      default:
        return 0;
      }
    }
  return p == end;
}

/* The head of saved rows [*p, end): their column count, names (into
** the data, at most max of them) and row count, *p at their stream,
** checked whole; -1 when they are not what store_rows_save wrote. */
static int take_head(const unsigned char **p, const unsigned char *end,
                     const char **names, int max, size_t *rows) {
  int ok = 1;
  uint64_t n_cols = take_varint(p, end, &ok), n, bytes;
  if (!ok || n_cols > (uint64_t)max) return -1;
  for (int i = 0; i < (int)n_cols; i++) {
    names[i] = (const char *)*p;
    if (take_text(p, end) < 0) return -1;
  }
  n = take_varint(p, end, &ok);
  bytes = take_varint(p, end, &ok);
  /* a row is a tag a column at least */
  if (!ok || bytes != (uint64_t)(end - *p) || (n && !n_cols) || n > bytes ||
      !stream_ok(*p, end, (size_t)n, (int)n_cols))
    return -1;
  *rows = (size_t)n;
  return (int)n_cols;
}

int store_rows_each_saved(const void *data, size_t len, store_row_fn fn,
                          void *ud, int *bad) {
  const unsigned char *p = data;
  const char *names[64];
  size_t rows;
  int n_cols = take_head(&p, p + len, names, 64, &rows);
  *bad = n_cols < 0;
  return *bad ? 0 : walk_stream(p, rows, n_cols, names, fn, ud);
}

store_rows *store_rows_load(const void *data, size_t len) {
  const unsigned char *p = data, *end = p + len, *q = p;
  int ok = 1, n_cols;
  uint64_t want = take_varint(&q, end, &ok);
  const char **names;
  size_t rows, n;
  store_rows *rs;
  if (!ok || want > 4096) return NULL;
  n = want ? (size_t)want : 1;
  names = pod_xmalloc(n * sizeof *names);
  if ((n_cols = take_head(&p, end, names, (int)want, &rows)) < 0) {
    free(names);
    return NULL;
  }
  rs = store_rows_new();
  rs->n_cols = n_cols;
  rs->names = pod_xmalloc(n * sizeof *rs->names);
  rs->name_ptrs = pod_xmalloc(n * sizeof *rs->name_ptrs);
  for (int i = 0; i < n_cols; i++)
    rs->name_ptrs[i] = rs->names[i] = pod_xstrdup(names[i]);
  free(names);
  rs->n = rows;
  rs->len = rs->cap = (size_t)(end - p);
  rs->data = pod_xmalloc(rs->len ? rs->len : 1);
  memcpy(rs->data, p, rs->len);
  /* last[] is only for rows added after: none are (the loaded rows are
  ** walked, never added to), but it must not point outside the stream */
  rs->last = pod_xmalloc(n * sizeof *rs->last);
  memset(rs->last, 0, n * sizeof *rs->last);
  return rs;
}

/* One update a row (buffered): the registry has a row per run, and the
** render hashes every one on every render, changed or not. */
void store_row_digest(const store_row *row, pod_sha256 *h) {
  char buf[2048];
  size_t n = 0;
  for (int i = 0; i < row->n; i++) {
    const store_value *v = &row->v[i];
    size_t need = v->type == STORE_TEXT ? strlen(v->s) + 2 : 9;
    if (n + need >= sizeof buf) {   /* flush (a byte stays for the '\n');
                                       a long text goes on its own */
      pod_sha256_update(h, buf, n);
      n = 0;
      if (need >= sizeof buf) {
        pod_sha256_update(h, "t", 1);
        pod_sha256_update(h, v->s, need - 1);
        continue;
      }
    }
    switch (v->type) {
    case STORE_INT: buf[n++] = 'i'; memcpy(buf + n, &v->i, 8); n += 8; break;
    case STORE_REAL: buf[n++] = 'r'; memcpy(buf + n, &v->d, 8); n += 8; break;
    case STORE_TEXT: buf[n++] = 't'; memcpy(buf + n, v->s, need - 1); n += need - 1; break;
    default: buf[n++] = 'n';
    }
  }
  buf[n++] = '\n';
  pod_sha256_update(h, buf, n);
}
