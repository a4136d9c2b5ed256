/*
** store/rows.c -- a copy of the rows a walk gave, to walk again without
** asking SQLite: render/ writes the same leaderboard, and the same run,
** in every language of the site from one query.
**
** Each value is kept in 9 bytes, not as a 32-byte store_value: its type
** in one array and its payload in another (an integer, a double's bits,
** or a text's offset in the arena), since a leaderboard of 100,000 runs
** is kept whole for the render (issue 17: the values were ~1 KB a row of
** a primary board). The walk builds each row's store_value again, as
** store_walk made it (an integer's d is its value as a double). Text
** sits in one arena, NUL-terminated; the walk lends out pointers into it.
*/
#include "store/store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct store_rows {
  int n_cols;
  char **names;         /* the first row's column names, copied */
  const char **name_ptrs;
  unsigned char *type;  /* n_cols per row: store_type */
  uint64_t *val;        /* n_cols per row: int64, double bits, text offset */
  size_t n, cap;        /* rows */
  pod_buf text;         /* NUL-terminated texts one after another */
};

store_rows *store_rows_new(void) {
  store_rows *rs = pod_xmalloc(sizeof *rs);
  memset(rs, 0, sizeof *rs);
  return rs;
}

void store_rows_free(store_rows *rs) {
  if (!rs) return;
  for (int i = 0; i < rs->n_cols; i++) free(rs->names[i]);
  free(rs->names);
  free(rs->name_ptrs);
  free(rs->type);
  free(rs->val);
  pod_buf_free(&rs->text);
  free(rs);
}

size_t store_rows_count(const store_rows *rs) { return rs->n; }

int store_rows_add(const store_row *row, void *ud) {
  store_rows *rs = ud;
  size_t cols;
  if (rs->n == 0 && !rs->names) {
    rs->n_cols = row->n;
    rs->names = pod_xmalloc((size_t)(row->n ? row->n : 1) * sizeof *rs->names);
    rs->name_ptrs = pod_xmalloc((size_t)(row->n ? row->n : 1) *
                                sizeof *rs->name_ptrs);
    for (int i = 0; i < row->n; i++)
      rs->name_ptrs[i] = rs->names[i] = pod_xstrdup(row->names[i]);
  }
  if (row->n != rs->n_cols) return POD_EINTERNAL;  /* one statement's rows */
  cols = (size_t)(rs->n_cols ? rs->n_cols : 1);
  if (rs->n == rs->cap) {
    /* half again, not double: the last growth of a big board wastes less */
    rs->cap = rs->cap ? rs->cap + rs->cap / 2 : 16;
    rs->type = pod_xrealloc(rs->type, rs->cap * cols);
    rs->val = pod_xrealloc(rs->val, rs->cap * cols * sizeof *rs->val);
  }
  unsigned char *t = rs->type + rs->n * cols;
  uint64_t *out = rs->val + rs->n * cols;
  for (int i = 0; i < row->n; i++) {
    const store_value *v = &row->v[i];
    t[i] = (unsigned char)v->type;
    switch (v->type) {
    case STORE_INT:
      out[i] = (uint64_t)v->i;
      break;
    case STORE_REAL:
      memcpy(&out[i], &v->d, sizeof v->d);
      break;
    case STORE_TEXT:
      out[i] = rs->text.len;   /* an offset: the arena may move */
      pod_buf_add(&rs->text, v->s, strlen(v->s) + 1);
      break;
    default:
      out[i] = 0;
    }
  }
  rs->n++;
  return 0;
}

int store_rows_each(const store_rows *rs, store_row_fn fn, void *ud) {
  /* the row on the stack, as store_walk has it: a callback that never
  ** returns (a render page out of Lua memory) leaves nothing behind */
  store_value stack[64], *v = stack;
  size_t cols = (size_t)(rs->n_cols ? rs->n_cols : 1);
  int rc = 0;
  if (rs->n == 0) return 0;
  if (cols > 64) v = pod_xmalloc(cols * sizeof *v);
  for (size_t r = 0; r < rs->n && rc == 0; r++) {
    const unsigned char *t = rs->type + r * cols;
    const uint64_t *in = rs->val + r * cols;
    store_row row = {rs->n_cols, rs->name_ptrs, v};
    for (int i = 0; i < rs->n_cols; i++) {
      memset(&v[i], 0, sizeof v[i]);
      v[i].type = (store_type)t[i];
      switch (v[i].type) {
      case STORE_INT:
        v[i].i = (int64_t)in[i];
        v[i].d = (double)v[i].i;
        break;
      case STORE_REAL:
        memcpy(&v[i].d, &in[i], sizeof v[i].d);
        break;
      case STORE_TEXT:
        v[i].s = rs->text.data + in[i];
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
