/*
** store/curve_read.c -- a run's measurements, and every measurement,
** with the points of curve chunks (schema.c, 7 -> 8) unpacked here.
**
** measurements_all unpacks a chunk with json_each and one `->>` a field:
** ~4 us a point, +30% of the render of 10,000 logs. A run page and the
** downloads read the rows of results_all (no chunks) in the order of
** measurements_all, and this file parses the run's chunks in C and puts
** each point where that order would (a merge): the same rows, in the
** same order, as the view gives (tests: t_pg's site of a PostgreSQL
** registry, which holds no chunks, is the SQLite one byte for byte).
** Owns: the points of one walk, freed before it returns.
*/
#include "store/store_int.h"
#include "core/num.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A point as the row it stands for (strings in the walk's arena). */
typedef struct cpoint {
  int64_t run_id, metric_id, step, line, source_id, col;
  double epoch, value;   /* epoch NaN: none */
  size_t split, raw, raw_unit, path, sha;   /* arena offsets, or NONE */
  const store_metric_info *mt;
} cpoint;

#define NONE ((size_t)-1)

typedef struct cwalk {
  store_db *db;
  cpoint *p;
  size_t n, cap;
  pod_buf arena;
} cwalk;

static size_t keep(cwalk *w, const char *s, size_t n) {
  size_t at = w->arena.len;
  pod_buf_add(&w->arena, s, n);
  pod_buf_addc(&w->arena, '\0');
  return at;
}

static const char *text_at(const cwalk *w, size_t at) {
  return at == NONE ? NULL : w->arena.data + at;
}

/* ---- the chunk's JSON, as store/curves.c writes it --------------------- */

typedef struct jp {
  const char *s;
  int bad;
} jp;

static void expect(jp *j, char c) {
  if (*j->s == c) j->s++;
  else j->bad = 1;
}

static int is_null(jp *j) {
  if (strncmp(j->s, "null", 4)) return 0;
  j->s += 4;
  return 1;
}

static double number(jp *j) {
  char *end;
  double d = strtod(j->s, &end);
  if (end == j->s) j->bad = 1;
  j->s = end;
  return d;
}

static int64_t integer(jp *j) {
  char *end;
  long long v = strtoll(j->s, &end, 10);
  if (end == j->s) j->bad = 1;
  j->s = end;
  return v;
}

/* A string or null into the arena (json_text's escapes: \" \\ \u00XX). */
static size_t string(jp *j, cwalk *w) {
  const char *run;
  size_t at;
  if (is_null(j)) return NONE;
  expect(j, '"');
  at = w->arena.len;
  for (run = j->s; *j->s && *j->s != '"'; j->s++) {
    if (*j->s != '\\') continue;
    pod_buf_add(&w->arena, run, (size_t)(j->s - run));
    if (j->s[1] == 'u' && j->s[2] == '0' && j->s[3] == '0') {
      char hex[3] = {j->s[4], j->s[5], 0};
      pod_buf_addc(&w->arena, (char)strtol(hex, NULL, 16));
      j->s += 5;
    } else if (j->s[1] == '"' || j->s[1] == '\\') {
      pod_buf_addc(&w->arena, j->s[1]);
      j->s++;
    } else {
      j->bad = 1;
      return NONE;
    }
    run = j->s + 1;
  }
  pod_buf_add(&w->arena, run, (size_t)(j->s - run));
  pod_buf_addc(&w->arena, '\0');
  expect(j, '"');
  return at;
}

/* The points of one chunk row: run_id, source_id, path, sha256,
** first_point, points. */
static int take_chunk(const store_row *row, void *ud) {
  cwalk *w = ud;
  const char *path = row->v[2].s, *sha = row->v[3].s;
  size_t path_at = keep(w, path ? path : "", path ? strlen(path) : 0);
  size_t sha_at = keep(w, sha ? sha : "", sha ? strlen(sha) : 0);
  int64_t col = row->v[4].i;
  jp j = {row->v[5].s ? row->v[5].s : "", 0};
  expect(&j, '[');
  while (!j.bad && *j.s == '[') {
    const char *value_at;
    size_t value_len;
    cpoint *p;
    if (w->n == w->cap) {
      w->cap = w->cap ? 2 * w->cap : 256;
      w->p = pod_xrealloc(w->p, w->cap * sizeof *w->p);
    }
    p = &w->p[w->n++];
    p->run_id = row->v[0].i;
    p->source_id = row->v[1].i;
    p->path = path_at;
    p->sha = sha_at;
    p->col = col++;
    j.s++;
    p->metric_id = integer(&j);
    expect(&j, ',');
    p->split = string(&j, w);
    expect(&j, ',');
    p->epoch = is_null(&j) ? NAN : number(&j);
    expect(&j, ',');
    p->step = is_null(&j) ? -1 : integer(&j);
    expect(&j, ',');
    value_at = j.s;
    p->value = number(&j);
    value_len = (size_t)(j.s - value_at);
    expect(&j, ',');
    if (*j.s == '1') {   /* schema 9: the cell is the value as written */
      j.s++;
      p->raw = keep(w, value_at, value_len);
    } else {
      p->raw = string(&j, w);
    }
    expect(&j, ',');
    p->raw_unit = string(&j, w);
    expect(&j, ',');
    p->line = integer(&j);
    expect(&j, ']');
    if (*j.s == ',') j.s++;
    p->mt = store_metric_info_of(w->db, p->metric_id);
    if (!p->mt) j.bad = 1;
  }
  expect(&j, ']');
  return j.bad ? POD_EDB : 0;
}

/* A run's chunks, parsed into w. */
static int read_chunks(cwalk *w, int64_t run_id, char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(w->db, Q_RUN_CHUNKS, &st, err);
  if (rc) return rc;
  db_bind_int64(st, 1, run_id);
  rc = store_walk(w->db, st, take_chunk, w, err);
  if (rc == POD_EDB)
    rc = pod_err(err, POD_EDB, "%s: a curve chunk is not as podium writes "
                 "them (run %lld)", w->db->path,
                 (long long)(w->n ? w->p[w->n - 1].run_id : run_id));
  return rc;
}

/* ---- rows and order ------------------------------------------------------ */

/* Column names of the two walks: those of Q_MEASUREMENTS and
** Q_ALL_MEASUREMENTS, in their order (a test compares them). */
static const char *const run_names[] = {
    "metric", "unit", "direction", "value", "batch_size", "sequence_length",
    "epoch", "step", "split", "raw_value", "raw_unit", "source_path",
    "source_sha256", "line", "source_id", "method", "method_note", "id",
    "derived", "at_epoch", "of_epochs"};
static const char *const all_names[] = {
    "run_id", "metric", "unit", "value", "batch_size", "sequence_length",
    "epoch", "step", "split", "raw_value", "raw_unit", "source_path",
    "source_sha256", "line", "method", "method_note"};

static store_value text_value(const char *s) {
  store_value v = {STORE_NULL, 0, 0, NULL};
  if (s) v = (store_value){STORE_TEXT, 0, 0, s};
  return v;
}

static store_value int_value(int64_t i) {
  return (store_value){STORE_INT, i, (double)i, NULL};
}

static store_value real_value(double d) {
  store_value v = {STORE_NULL, 0, 0, NULL};
  if (!isnan(d)) v = (store_value){STORE_REAL, 0, d, NULL};
  return v;
}

/* Calls fn with p as a row of names (run_names or all_names). */
static int emit(const cwalk *w, const cpoint *p, int all, store_row_fn fn,
                void *ud) {
  store_value v[21], *o = v;
  store_row row;
  memset(v, 0, sizeof v);
  if (all) *o++ = int_value(p->run_id);
  *o++ = text_value(p->mt->name);
  *o++ = text_value(p->mt->unit);
  if (!all) *o++ = int_value(p->mt->direction);
  *o++ = real_value(p->value);
  o += 2;   /* batch_size, sequence_length */
  *o++ = real_value(p->epoch);
  *o++ = p->step >= 0 ? int_value(p->step) : text_value(NULL);
  *o++ = text_value(text_at(w, p->split));
  *o++ = text_value(text_at(w, p->raw));
  *o++ = text_value(text_at(w, p->raw_unit));
  *o++ = text_value(text_at(w, p->path));
  *o++ = text_value(text_at(w, p->sha));
  *o++ = int_value(p->line);
  if (!all) *o++ = int_value(p->source_id);
  o += 2;   /* method, method_note; then id, derived, at_epoch, of_epochs */
  row.n = all ? 16 : 21;
  row.names = all ? all_names : run_names;
  row.v = v;
  return fn(&row, ud);
}

/* A tracker cell kept as its value alone (store/pending.c keeps no text
** where it is pod_num_repr of the value; the query says '' for it,
** RAW_VALUE in query.c): its text back, in buf. Both walks have value at
** 3 and raw_value at 9. */
static void raw_back(store_value *v, char buf[32]) {
  store_value *raw = &v[9], *value = &v[3];
  if (raw->type == STORE_TEXT && !*raw->s && value->type == STORE_REAL)
    *raw = text_value(pod_num_repr(value->d, buf));
}

static int cmp_null_first(const store_value *a, const store_value *b) {
  if (a->type == STORE_NULL || b->type == STORE_NULL)
    return (b->type == STORE_NULL) - (a->type == STORE_NULL);
  return (a->d > b->d) - (a->d < b->d);
}

/* Q_MEASUREMENTS' order: metric, batch_size, sequence_length, epoch,
** step, id, source_id, line, col; NULLs first. A point has no batch size,
** sequence length or id. */
static int point_vs_row(const cpoint *p, const store_row *r) {
  store_value e = real_value(p->epoch), s = int_value(p->step);
  int c = strcmp(p->mt->name, r->v[0].s ? r->v[0].s : "");
  if (p->step < 0) s.type = STORE_NULL;
  if (c) return c;
  if (r->v[4].type != STORE_NULL || r->v[5].type != STORE_NULL) return -1;
  if ((c = cmp_null_first(&e, &r->v[6])) || (c = cmp_null_first(&s, &r->v[7])))
    return c;
  if (r->v[17].type != STORE_NULL) return -1;
  c = (p->source_id > r->v[14].i) - (p->source_id < r->v[14].i);
  if (!c) c = (p->line > r->v[13].i) - (p->line < r->v[13].i);
  return c ? c : -1;
}

static int by_run_order(const void *a, const void *b) {
  const cpoint *x = a, *y = b;
  int c = strcmp(x->mt->name, y->mt->name);
  if (!c) c = isnan(y->epoch) - isnan(x->epoch);
  if (!c && !isnan(x->epoch)) c = (x->epoch > y->epoch) - (x->epoch < y->epoch);
  if (!c) c = (x->step > y->step) - (x->step < y->step);
  if (!c) c = (x->source_id > y->source_id) - (x->source_id < y->source_id);
  if (!c) c = (x->line > y->line) - (x->line < y->line);
  if (!c) c = (x->col > y->col) - (x->col < y->col);
  return c;
}

static void cwalk_free(cwalk *w) {
  free(w->p);
  pod_buf_free(&w->arena);
}

int store_each_measurement(store_db *db, int64_t run_id, store_row_fn fn,
                           void *ud, char err[POD_ERRLEN]) {
  cwalk w = {db, NULL, 0, 0, POD_BUF_INIT};
  const char *names[64];
  store_value v[64];
  store_row row = {-1, names, v};
  char text[32];
  db_stmt *st;
  size_t i = 0;
  int rc, r = 0, stop = 0;
  if ((rc = read_chunks(&w, run_id, err))) goto done;
  if (w.n) qsort(w.p, w.n, sizeof *w.p, by_run_order);
  if ((rc = store_stmt(db, Q_MEASUREMENTS, &st, err))) goto done;
  db_bind_int64(st, 1, run_id);
  while (!stop && (r = store_row_step(db, st, &row, names, err)) == 1) {
    raw_back(v, text);
    while (!stop && i < w.n && point_vs_row(&w.p[i], &row) < 0)
      stop = emit(&w, &w.p[i++], 0, fn, ud);
    if (!stop) stop = fn(&row, ud);
  }
  if (stop) db_reset(st);
  else if (r < 0) rc = -r;
  while (!rc && !stop && i < w.n) stop = emit(&w, &w.p[i++], 0, fn, ud);
done:
  cwalk_free(&w);
  return rc;
}

/* The next chunk of the walk of every chunk into w (its points only):
** 1, 0 at the end, or -(error code). */
static int next_chunk(cwalk *w, db_stmt *st, store_row *row,
                      const char *names[64], char err[POD_ERRLEN]) {
  int r = store_row_step(w->db, st, row, names, err);
  w->n = 0;
  pod_buf_clear(&w->arena);
  if (r != 1) return r;
  if (take_chunk(row, w))
    return -pod_err(err, POD_EDB, "%s: a curve chunk is not as podium "
                    "writes them (run %lld)", w->db->path,
                    (long long)row->v[0].i);
  return 1;
}

/* Every run's chunk points come first among its rows (Q_ALL_MEASUREMENTS:
** curve points first, rows without an id first among them), in file
** order: the chunks are read in key order beside the rows, one at a
** time (a registry's every point would not fit in memory). */
static int each_all(store_db *db, int64_t run_id, store_row_fn fn, void *ud,
                    char err[POD_ERRLEN]) {
  cwalk w = {db, NULL, 0, 0, POD_BUF_INIT};
  const char *names[64], *cnames[64];
  store_value v[64], cv[64];
  store_row row = {-1, names, v}, crow = {-1, cnames, cv};
  char text[32];
  db_stmt *st, *chunks;
  int rc, r = 0, have, stop = 0;
  if ((rc = store_stmt(db, run_id ? Q_RUN_ALL_CHUNKS : Q_ALL_CHUNKS, &chunks,
                       err)) ||
      (rc = store_stmt(db, run_id ? Q_RUN_ALL_MEASUREMENTS : Q_ALL_MEASUREMENTS,
                       &st, err)))
    goto done;
  if (run_id) {
    db_bind_int64(chunks, 1, run_id);
    db_bind_int64(st, 1, run_id);
  }
  have = next_chunk(&w, chunks, &crow, cnames, err);
  while (!stop && have >= 0 &&
         (r = store_row_step(db, st, &row, names, err)) == 1) {
    raw_back(v, text);
    while (!stop && have == 1 && w.p[0].run_id <= row.v[0].i) {
      for (size_t i = 0; i < w.n && !stop; i++)
        stop = emit(&w, &w.p[i], 1, fn, ud);
      if (!stop) have = next_chunk(&w, chunks, &crow, cnames, err);
    }
    if (!stop && have >= 0) stop = fn(&row, ud);
  }
  while (!stop && have == 1) {
    for (size_t i = 0; i < w.n && !stop; i++)
      stop = emit(&w, &w.p[i], 1, fn, ud);
    if (!stop) have = next_chunk(&w, chunks, &crow, cnames, err);
  }
  db_reset(st);
  db_reset(chunks);
  if (have < 0) rc = -have;
  else if (!stop && r < 0) rc = -r;
done:
  cwalk_free(&w);
  return rc;
}

int store_each_measurement_all(store_db *db, store_row_fn fn, void *ud,
                               char err[POD_ERRLEN]) {
  return each_all(db, 0, fn, ud, err);
}

int store_each_measurement_all_of(store_db *db, int64_t run_id,
                                  store_row_fn fn, void *ud,
                                  char err[POD_ERRLEN]) {
  return run_id ? each_all(db, run_id, fn, ud, err) : POD_OK;
}

/* ---- metric names --------------------------------------------------------- */

static int take_info(const store_row *row, void *ud) {
  store_db *db = ud;
  store_metric_info *m;
  db->minfo = pod_xrealloc(db->minfo, (db->n_minfo + 1) * sizeof *db->minfo);
  m = &db->minfo[db->n_minfo++];
  m->id = row->v[0].i;
  m->name = pod_xstrdup(row->v[1].s ? row->v[1].s : "");
  m->unit = pod_xstrdup(row->v[2].s ? row->v[2].s : "");
  m->direction = (int)row->v[3].i;
  return 0;
}

const store_metric_info *store_metric_info_of(store_db *db, int64_t id) {
  char err[POD_ERRLEN];
  db_stmt *st;
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < db->n_minfo; i++)
      if (db->minfo[i].id == id) return &db->minfo[i];
    if (pass) break;
    /* a metric added since: read them all again (a few dozen) */
    store_metric_info_free(db);
    if (store_stmt(db, Q_METRIC_INFO, &st, err) ||
        store_walk(db, st, take_info, db, err))
      return NULL;
  }
  return NULL;
}

void store_metric_info_free(store_db *db) {
  for (size_t i = 0; i < db->n_minfo; i++) {
    free(db->minfo[i].name);
    free(db->minfo[i].unit);
  }
  free(db->minfo);
  db->minfo = NULL;
  db->n_minfo = 0;
}
