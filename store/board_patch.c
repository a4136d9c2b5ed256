/*
** store/board_patch.c -- a board's rows made again from the ones read
** before, when only a few of its scope's runs changed.
**
** Reading a board (BOARD_SQL, PRIMARY_SQL) groups and ranks every run of
** its scope: ~160 ms for a board of 10,000 runs with its cost columns,
** read by each render thread, after one new run most of a render that
** writes little else (issue 17). A board's rows are each made of one
** run (its row, its measurements and tracker results at one point), and
** only the rank column reads the others. So the rows of the runs that
** changed are read again, one run at a time (BOARD_RUN_SQL: the same
** statement for run ?3), and merged into the others, which are taken as
** they were in their order, and every row is ranked here as the
** statement does it:
**   rank() OVER (PARTITION BY batch_size, sequence_length, split
**                ORDER BY value <direction>)
**   ORDER BY batch_size, sequence_length, split, rank, model, run_id
** with SQLite's order of values (NULL first, numbers, then text by its
** bytes) and its peers (equal values share a rank: 1, 1, 3). Within a
** partition the rank goes with the value, so that order is the order of
** (partition, value, model, run_id), which the kept rows keep whatever
** their ranks become: one pass over them, no sort.
**
** Owns: the rows it copies, freed before it returns; *out is the
** caller's.
*/
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct patch {
  int n_cols;
  const char **names;     /* the first row's, copied (owned) */
  const char *const *checked;   /* names found the same */
  int c_rank, c_run, c_batch, c_seq, c_split, c_value, c_model;
  const int64_t *ids;     /* the changed runs, ascending */
  size_t n_ids;
  store_value *v;         /* the changed runs' rows: n of n_cols values,
                          ** texts owned */
  size_t n, cap;
  int bad;                /* a row of other columns */
  int desc;
  /* the merge (merge_kept) */
  struct ref *fresh;      /* the changed runs' rows in order */
  size_t next;            /* the first of them not yet out */
  store_rows *out;
  store_value *row;       /* the row going out, its rank set */
  store_value last[4];    /* the last row's partition and value */
  pod_buf last_text[4];   /* their texts */
  int64_t last_rank;
  size_t pos;             /* rows of the partition out so far */
} patch;

static int col_of(const patch *p, const char *name) {
  for (int i = 0; i < p->n_cols; i++)
    if (!strcmp(p->names[i], name)) return i;
  return -1;
}

static int has_id(const patch *p, int64_t id) {
  size_t lo = 0, hi = p->n_ids;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (p->ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < p->n_ids && p->ids[lo] == id;
}

/* 0 when row has the columns of the rows before it (the first sets
** them). */
static int same_columns(patch *p, const store_row *row) {
  if (row->names == p->checked) return 0;   /* a walk's rows share them */
  if (!p->names) {
    p->n_cols = row->n;
    p->names = pod_xmalloc((size_t)row->n * sizeof *p->names);
    for (int i = 0; i < row->n; i++) p->names[i] = pod_xstrdup(row->names[i]);
    p->c_rank = col_of(p, "rank");
    p->c_run = col_of(p, "run_id");
    p->c_batch = col_of(p, "batch_size");
    p->c_seq = col_of(p, "sequence_length");
    p->c_split = col_of(p, "split");
    p->c_value = col_of(p, "value");
    p->c_model = col_of(p, "model");
    if (p->c_rank < 0 || p->c_run < 0 || p->c_batch < 0 || p->c_seq < 0 ||
        p->c_split < 0 || p->c_value < 0 || p->c_model < 0)
      p->bad = 1;
  }
  if (row->n != p->n_cols) p->bad = 1;
  for (int i = 0; !p->bad && i < row->n; i++)
    if (row->names[i] != p->names[i] && strcmp(row->names[i], p->names[i]))
      p->bad = 1;
  if (!p->bad) p->checked = row->names;
  return p->bad;
}

static int take_row(const store_row *row, void *ud) {
  patch *p = ud;
  if (same_columns(p, row)) return 1;
  if (p->n == p->cap) {
    p->cap = p->cap ? 2 * p->cap : 256;
    p->v = pod_xrealloc(p->v, p->cap * (size_t)p->n_cols * sizeof *p->v);
  }
  store_value *v = p->v + p->n++ * (size_t)p->n_cols;
  memcpy(v, row->v, (size_t)row->n * sizeof *v);
  for (int i = 0; i < row->n; i++)
    if (v[i].type == STORE_TEXT) v[i].s = pod_xstrdup(v[i].s);
  return 0;
}

/* SQLite's order of two values: NULL, then numbers, then text (BINARY). */
static int sql_cmp(const store_value *a, const store_value *b) {
  int ka = a->type == STORE_NULL ? 0 : a->type == STORE_TEXT ? 2 : 1;
  int kb = b->type == STORE_NULL ? 0 : b->type == STORE_TEXT ? 2 : 1;
  if (ka != kb) return ka < kb ? -1 : 1;
  if (ka == 0) return 0;
  if (ka == 2) {
    int c = strcmp(a->s, b->s);
    return (c > 0) - (c < 0);
  }
  if (a->type == STORE_INT && b->type == STORE_INT)
    return (a->i > b->i) - (a->i < b->i);
  double x = a->type == STORE_INT ? (double)a->i : a->d;
  double y = b->type == STORE_INT ? (double)b->i : b->d;
  return (x > y) - (x < y);
}

/* A row to sort, with what its comparator needs (no global: render
** threads patch boards at the same time). */
typedef struct ref {
  store_value *v;
  const patch *p;
} ref;

static int cmp_partition(const patch *p, const store_value *a,
                         const store_value *b) {
  int c = sql_cmp(&a[p->c_batch], &b[p->c_batch]);
  if (!c) c = sql_cmp(&a[p->c_seq], &b[p->c_seq]);
  if (!c) c = sql_cmp(&a[p->c_split], &b[p->c_split]);
  return c;
}

/* The statement's order (see the top). */
static int cmp_rows(const patch *p, const store_value *a,
                    const store_value *b) {
  int c = cmp_partition(p, a, b);
  if (c) return c;
  c = sql_cmp(&a[p->c_value], &b[p->c_value]);
  if (c) return p->desc ? -c : c;   /* NULL first ascending, last descending */
  c = sql_cmp(&a[p->c_model], &b[p->c_model]);
  return c ? c : sql_cmp(&a[p->c_run], &b[p->c_run]);
}

static int cmp_ref(const void *x, const void *y) {
  const ref *a = x, *b = y;
  return cmp_rows(a->p, a->v, b->v);
}

/* Adds row v to the output with its rank. */
static void put_row(patch *p, const store_value *v) {
  const int keys[4] = {p->c_batch, p->c_seq, p->c_split, p->c_value};
  int same = p->pos > 0;
  for (int i = 0; i < 3 && same; i++)
    same = !sql_cmp(&p->last[i], &v[keys[i]]);
  if (!same) p->pos = 0;   /* a new partition */
  if (p->pos == 0 || sql_cmp(&p->last[3], &v[p->c_value]))
    p->last_rank = (int64_t)p->pos + 1;   /* not a peer of the last */
  p->pos++;
  memcpy(p->row, v, (size_t)p->n_cols * sizeof *v);
  p->row[p->c_rank] = (store_value){STORE_INT, p->last_rank,
                                    (double)p->last_rank, NULL};
  store_row out = {p->n_cols, p->names, p->row};
  store_rows_add(&out, p->out);
  for (int i = 0; i < 4; i++) {   /* kept rows' texts are lent: copied */
    p->last[i] = v[keys[i]];
    if (v[keys[i]].type == STORE_TEXT) {
      pod_buf_clear(&p->last_text[i]);
      pod_buf_adds(&p->last_text[i], v[keys[i]].s);
      p->last[i].s = pod_buf_str(&p->last_text[i]);
    }
  }
}

/* A kept row: the changed runs' rows before it go out first. */
static int merge_kept(const store_row *row, void *ud) {
  patch *p = ud;
  if (same_columns(p, row)) return 1;
  if (has_id(p, row->v[p->c_run].i)) return 0;   /* read again */
  if (!p->row) p->row = pod_xmalloc((size_t)p->n_cols * sizeof *p->row);
  while (p->next < p->n && cmp_rows(p, p->fresh[p->next].v, row->v) < 0)
    put_row(p, p->fresh[p->next++].v);
  put_row(p, row->v);
  return 0;
}

/* Stops the walk at a kept row of a changed run. */
static int changed_row(const store_row *row, void *ud) {
  patch *p = ud;
  return same_columns(p, row) || has_id(p, row->v[p->c_run].i);
}

static void patch_free(patch *p) {
  for (size_t r = 0; r < p->n; r++)
    for (int i = 0; i < p->n_cols; i++)
      if (p->v[r * (size_t)p->n_cols + (size_t)i].type == STORE_TEXT)
        free((char *)p->v[r * (size_t)p->n_cols + (size_t)i].s);
  free(p->v);
  free(p->fresh);
  free(p->row);
  for (int i = 0; i < 4; i++) pod_buf_free(&p->last_text[i]);
  for (int i = 0; p->names && i < p->n_cols; i++) free((char *)p->names[i]);
  free(p->names);
}

int store_board_patch(store_db *db, const char *scope, int64_t metric_id,
                      int primary, const store_rows *kept, const int64_t *ids,
                      size_t n_ids, store_rows **out, int *same,
                      char err[POD_ERRLEN]) {
  patch p;
  int rc = POD_OK;
  memset(&p, 0, sizeof p);
  *out = NULL;
  *same = 0;
  p.ids = ids;
  p.n_ids = n_ids;
  p.desc = store_metric_direction(db, metric_id) > 0;
  for (size_t k = 0; k < n_ids && !p.bad && rc == POD_OK; k++)
    rc = store_walk_board(db, primary, p.desc, scope, metric_id, ids[k],
                          take_row, &p, err);
  /* none of them on the board now nor before (a new run without this
  ** metric): the board is kept's, and its files the live site's */
  if (rc == POD_OK && !p.bad && p.n == 0 &&
      store_rows_each(kept, changed_row, &p) == 0 && !p.bad) {
    patch_free(&p);
    *same = 1;
    return POD_OK;
  }
  if (rc == POD_OK && !p.bad) {
    p.fresh = pod_xmalloc((p.n ? p.n : 1) * sizeof *p.fresh);
    for (size_t r = 0; r < p.n; r++)
      p.fresh[r] = (ref){p.v + r * (size_t)p.n_cols, &p};
    qsort(p.fresh, p.n, sizeof *p.fresh, cmp_ref);
    p.out = store_rows_new();
    store_rows_each(kept, merge_kept, &p);
    if (!p.row && p.n_cols)
      p.row = pod_xmalloc((size_t)p.n_cols * sizeof *p.row);
    while (!p.bad && p.next < p.n) put_row(&p, p.fresh[p.next++].v);
  }
  if (rc == 1 || p.bad) rc = POD_EINTERNAL;   /* the caller reads it all */
  if (rc == POD_OK) *out = p.out;
  else store_rows_free(p.out);
  patch_free(&p);
  return rc;
}
