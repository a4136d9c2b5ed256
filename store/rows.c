/*
** store/rows.c -- a copy of the rows a walk gave, to walk again without
** asking SQLite: render/ writes the same leaderboard, and the same run,
** in every language of the site from one query.
**
** Values sit in one array (columns x rows), text in one arena; a text
** value keeps its offset in the arena until the walk, which lends out
** pointers (the arena may move while rows are added).
*/
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

struct store_rows {
  int n_cols;
  char **names;         /* the first row's column names, copied */
  const char **name_ptrs;
  store_value *v;       /* n_cols per row */
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
  free(rs->v);
  pod_buf_free(&rs->text);
  free(rs);
}

size_t store_rows_count(const store_rows *rs) { return rs->n; }

int store_rows_add(const store_row *row, void *ud) {
  store_rows *rs = ud;
  if (rs->n == 0 && !rs->names) {
    rs->n_cols = row->n;
    rs->names = pod_xmalloc((size_t)(row->n ? row->n : 1) * sizeof *rs->names);
    rs->name_ptrs = pod_xmalloc((size_t)(row->n ? row->n : 1) *
                                sizeof *rs->name_ptrs);
    for (int i = 0; i < row->n; i++)
      rs->name_ptrs[i] = rs->names[i] = pod_xstrdup(row->names[i]);
  }
  if (row->n != rs->n_cols) return POD_EINTERNAL;  /* one statement's rows */
  if (rs->n == rs->cap) {
    rs->cap = rs->cap ? 2 * rs->cap : 16;
    rs->v = pod_xrealloc(rs->v, rs->cap * (size_t)(rs->n_cols ? rs->n_cols : 1) *
                                    sizeof *rs->v);
  }
  store_value *out = rs->v + rs->n * (size_t)rs->n_cols;
  for (int i = 0; i < row->n; i++) {
    out[i] = row->v[i];
    if (out[i].type == STORE_TEXT) {
      out[i].i = (int64_t)rs->text.len;   /* an offset until the walk */
      out[i].s = NULL;
      pod_buf_add(&rs->text, row->v[i].s, strlen(row->v[i].s) + 1);
    }
  }
  rs->n++;
  return 0;
}

int store_rows_each(const store_rows *rs, store_row_fn fn, void *ud) {
  /* the row on the stack, as store_walk has it: a callback that never
  ** returns (a render page out of Lua memory) leaves nothing behind */
  store_value stack[64], *v = stack;
  int rc = 0;
  if (rs->n == 0) return 0;
  if (rs->n_cols > 64)
    v = pod_xmalloc((size_t)rs->n_cols * sizeof *v);
  for (size_t r = 0; r < rs->n && rc == 0; r++) {
    const store_value *in = rs->v + r * (size_t)rs->n_cols;
    store_row row = {rs->n_cols, rs->name_ptrs, v};
    for (int i = 0; i < rs->n_cols; i++) {
      v[i] = in[i];
      if (v[i].type == STORE_TEXT) {
        v[i].s = rs->text.data + in[i].i;
        v[i].i = 0;
      }
    }
    rc = fn(&row, ud);
  }
  if (v != stack) free(v);
  return rc;
}
