/*
** store/curves.c -- training curves in chunks (schema.c, 7 -> 8), and
** the results picked from them (issue 14).
**
** store_measurement_add hands a curve point (an epoch or a step, no
** other axis, no method) here: it joins the open chunk, one run's points
** from one file as a JSON array, written as one curves row when another
** run or file comes, at CURVE_CHUNK bytes, or when anything else is
** written (pending.c: readers see every row as if written at once). A
** row per value cost two index entries and three foreign-key probes: a
** log folder ingested at 0.3x sqlite3's .import of the same bytes.
**
** The memo keeps the file's validation and test values for the results
** picked once the file is read (analysis/curves.c), so they are not
** unpacked from JSON again. Owns: the open chunk and the memo
** (store_curves_drop, store_curves_free).
*/
#include "core/num.h"
#include "store/store_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A training log's curve points go into chunks (schema.c, 7 -> 8): the
** open chunk, one run's points from one file as the JSON array being
** built, closed at CURVE_CHUNK bytes (at a line's end), when another run
** or file's point comes, or when anything else is written. */
#define CURVE_CHUNK 32768
typedef struct curve_chunk {
  int64_t run_id, source_id, first, line, last_line;
  long n;
  double vsum;
  pod_buf json;
} curve_chunk;

/* The next point's place among a run's points from the file (a chunk's
** first_point): runs seen in the file being read, usually one. */
typedef struct curve_place {
  int64_t run_id, next;
} curve_place;

/* This file's validation and test values, for the results picked from
** its curves (store_each_curve_point, analysis/curves.c): read back from
** the chunks, each point was JSON unpacked by SQL, 2.6 of 4.4 s of CPU
** for 10,000 logs. Kept for the runs this file added (every value of
** theirs goes by here), up to MEMO_MAX points; a run with a curve point
** in long form (its id is not known here) is read back from SQL. */
#define MEMO_MAX 65536
typedef struct memo_point {
  int64_t run_id, metric_id, step, col, line;  /* col -1: a summary */
  double epoch, value;
  const char *split;             /* "validation" or "test" */
  size_t raw, raw_unit;          /* in memo_text, or NONE */
} memo_point;

#define NONE ((size_t)-1)  /* a NULL text */

struct store_curves {
  curve_chunk curve;
  curve_place *places;
  size_t n_places, cap_places;
  int64_t places_source;   /* the file the places are of */
  memo_point *memo;
  size_t n_memo, cap_memo;
  pod_buf memo_text;
  int64_t memo_source;     /* the file the memo is of */
  int memo_full;           /* MEMO_MAX reached: SQL reads them all */
  int64_t *memo_off;       /* runs SQL reads back */
  size_t n_off, cap_off;
};

static store_curves *curves(store_db *db) {
  if (!db->curves) {
    db->curves = pod_xmalloc(sizeof *db->curves);
    memset(db->curves, 0, sizeof *db->curves);
  }
  return db->curves;
}

/* Writes the open chunk (after the runs it points at). */
int store_curves_write(store_db *db, char err[POD_ERRLEN]) {
  curve_chunk *c;
  db_stmt *st;
  int rc;
  if (!db->curves || !(c = &db->curves->curve)->n) return POD_OK;
  pod_buf_addc(&c->json, ']');
  if ((rc = store_stmt_get(db, Q_CURVE_ADD, &st, err)) == POD_OK) {
    db_bind_int64(st, 1, c->run_id);
    db_bind_int64(st, 2, c->source_id);
    db_bind_int64(st, 3, c->first);
    db_bind_int64(st, 4, c->line);
    db_bind_int64(st, 5, c->n);
    db_bind_double(st, 6, c->vsum);
    db_bind_text_static(st, 7, pod_buf_str(&c->json));
    rc = db_step(st) == SQLITE_DONE ? POD_OK : store_fail(db, err);
    db_reset(st);
    db_clear_bindings(st);
  }
  c->n = 0;
  pod_buf_clear(&c->json);
  return rc;
}

/* ---- the memo of this file's validation and test values --------------- */

static void memo_clear(store_curves *p, int64_t source_id) {
  p->n_memo = p->n_off = 0;
  p->memo_full = 0;
  p->memo_source = source_id;
  pod_buf_clear(&p->memo_text);
}

static size_t memo_keep(store_curves *p, const char *s) {
  size_t at = p->memo_text.len;
  if (!s) return NONE;
  pod_buf_add(&p->memo_text, s, strlen(s) + 1);
  return at;
}

static int memo_is_off(const store_curves *p, int64_t run_id) {
  for (size_t i = 0; i < p->n_off; i++)
    if (p->memo_off[i] == run_id) return 1;
  return 0;
}

/* Notes m (a chunk's point at col, or a long-form value: col -1). */
static void memo_note(store_db *db, const store_measurement *m, int64_t col) {
  store_curves *p = curves(db);
  memo_point *q;
  const char *split = m->split;
  if (db->pg || !db->tx_runs_from || m->run_id < db->tx_runs_from) return;
  if (p->memo_source != m->source_id) memo_clear(p, m->source_id);
  if (!split || (strcmp(split, "validation") && strcmp(split, "test")))
    return;
  if (col < 0 && (!isnan(m->epoch) || m->step >= 0)) {
    if (!memo_is_off(p, m->run_id)) {   /* a curve point with an id */
      if (p->n_off == p->cap_off) {
        p->cap_off = p->cap_off ? 2 * p->cap_off : 4;
        p->memo_off = pod_xrealloc(p->memo_off,
                                   p->cap_off * sizeof *p->memo_off);
      }
      p->memo_off[p->n_off++] = m->run_id;
    }
    return;
  }
  if (p->n_memo == MEMO_MAX) {
    p->memo_full = 1;
    return;
  }
  if (p->n_memo == p->cap_memo) {
    p->cap_memo = p->cap_memo ? 2 * p->cap_memo : 256;
    p->memo = pod_xrealloc(p->memo, p->cap_memo * sizeof *p->memo);
  }
  q = &p->memo[p->n_memo++];
  q->run_id = m->run_id;
  q->metric_id = m->metric_id;
  q->step = m->step;
  q->col = col;
  q->line = m->line;
  q->epoch = m->epoch;
  q->value = m->value;
  q->split = split[0] == 'v' ? "validation" : "test";
  q->raw = memo_keep(p, m->raw_value);
  q->raw_unit = memo_keep(p, m->raw_unit);
}

/* Whether every validation and test value of run_id is in the memo. */
static int memo_has_run(store_db *db, int64_t run_id) {
  store_curves *p = db->curves;
  return p && !db->pg && db->tx_runs_from && run_id >= db->tx_runs_from &&
         !p->memo_full && !memo_is_off(p, run_id);
}

int store_memo_each_curve_point(store_db *db, int64_t run_id,
                                store_row_fn fn, void *ud) {
  static const char *const names[] = {"metric", "unit", "split",
                                      "direction", "epoch", "value", "id",
                                      "step", "derived", "source_id", "col"};
  store_curves *p = db->curves;
  store_value v[11];
  store_row row = {11, names, v};
  if (!memo_has_run(db, run_id)) return 0;
  for (size_t i = 0; i < p->n_memo; i++) {
    const memo_point *q = &p->memo[i];
    const metric_cache_entry *mt;
    if (q->run_id != run_id) continue;
    if (!(mt = store_metric_cached(db, q->metric_id)) || !mt->quality)
      continue;
    memset(v, 0, sizeof v);
    v[0] = (store_value){STORE_TEXT, 0, 0, mt->name};
    v[1] = (store_value){STORE_TEXT, 0, 0, ""};
    v[2] = (store_value){STORE_TEXT, 0, 0, q->split};
    v[3] = (store_value){STORE_INT, mt->direction, mt->direction, NULL};
    if (!isnan(q->epoch)) v[4] = (store_value){STORE_REAL, 0, q->epoch, NULL};
    v[5] = (store_value){STORE_REAL, 0, q->value, NULL};
    if (q->step >= 0)
      v[7] = (store_value){STORE_INT, q->step, (double)q->step, NULL};
    if (q->col >= 0) {
      v[9] = (store_value){STORE_INT, p->memo_source, 0, NULL};
      v[10] = (store_value){STORE_INT, q->col, (double)q->col, NULL};
    }
    if (fn(&row, ud)) break;
  }
  return 1;
}

int store_memo_result(store_db *db, int64_t run_id, int64_t source_id,
                      int64_t col, const char *derived, int64_t of_epochs,
                      char err[POD_ERRLEN]) {
  store_curves *p = db->curves;
  const memo_point *q = NULL;
  db_stmt *st;
  int rc;
  if (!memo_has_run(db, run_id) || source_id != p->memo_source) return 0;
  for (size_t i = 0; i < p->n_memo && !q; i++)
    if (p->memo[i].run_id == run_id && p->memo[i].col == col) q = &p->memo[i];
  if (!q) return 0;
  if ((rc = store_stmt(db, Q_RESULT_ADD, &st, err))) return rc;
  db_bind_int64(st, 1, run_id);
  db_bind_int64(st, 2, q->metric_id);
  db_bind_double(st, 3, q->value);
  db_bind_text_static(st, 4, q->split);
  db_bind_int64(st, 5, source_id);
  db_bind_int64(st, 6, q->line);
  if (q->raw != NONE) db_bind_text(st, 7, p->memo_text.data + q->raw);
  if (q->raw_unit != NONE) db_bind_text(st, 8, p->memo_text.data + q->raw_unit);
  bind_text(st, 9, derived);
  bind_real(st, 10, q->epoch);
  db_bind_int64(st, 11, of_epochs);
  rc = store_step_done(db, st, NULL, err);
  return rc ? rc : 1;
}

/* ---- curve chunks ------------------------------------------------------ */

/* A JSON string, or null. */
static void json_text(pod_buf *b, const char *s) {
  const char *run;
  if (!s) {
    pod_buf_adds(b, "null");
    return;
  }
  pod_buf_addc(b, '"');
  for (run = s; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
    pod_buf_add(b, run, (size_t)(s - run));
    if (ch == '"' || ch == '\\') {
      pod_buf_addc(b, '\\');
      pod_buf_addc(b, (char)ch);
    } else {
      pod_buf_printf(b, "\\u%04x", ch);
    }
    run = s + 1;
  }
  pod_buf_add(b, run, (size_t)(s - run));
  pod_buf_addc(b, '"');
}

/* Whether s is a JSON number with a fraction or an exponent (SQLite then
** reads it as a REAL, as the measurements column holds it). */
static int json_real_syntax(const char *s) {
  int real = 0;
  if (*s == '-') s++;
  if (*s == '0') s++;
  else if (*s >= '1' && *s <= '9') while (*s >= '0' && *s <= '9') s++;
  else return 0;
  if (*s == '.') {
    real = 1;
    if (!(*++s >= '0' && *s <= '9')) return 0;
    while (*s >= '0' && *s <= '9') s++;
  }
  if (*s == 'e' || *s == 'E') {
    real = 1;
    if (*++s == '+' || *s == '-') s++;
    if (!(*s >= '0' && *s <= '9')) return 0;
    while (*s >= '0' && *s <= '9') s++;
  }
  return real && !*s;
}

/* d as m / 10^k with the fewest digits k <= 8, when a decimal that short
** reads back as exactly d: the epochs a transformers log gives as 0.25
** (%.17g writes them "0.25" but 0.1 as "0.10000000000000001", through
** printf's multi-precision path: ~3% of ingesting a folder of logs).
** m < 2^53 and 10^k are exact doubles, so m / 10^k is one correctly
** rounded division: what strtod makes of the decimal. 0: not so short. */
static int short_decimal(pod_buf *b, double d) {
  static const double p10[9] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  double a = fabs(d);
  if (!(a >= 1e-8 && a < 1e7)) return 0;
  for (int k = 1; k <= 8; k++) {
    double m = nearbyint(a * p10[k]);
    long long whole = (long long)a, frac = (long long)m - whole * (long long)p10[k];
    char digits[8];
    if (m / p10[k] != a || frac < 0 || frac >= (long long)p10[k]) continue;
    if (d < 0) pod_buf_addc(b, '-');
    pod_buf_addi(b, whole);
    pod_buf_addc(b, '.');
    for (int i = k; i-- > 0; frac /= 10) digits[i] = (char)('0' + frac % 10);
    pod_buf_add(b, digits, (size_t)k);
    return 1;
  }
  return 0;
}

/* A double as a JSON number that reads back as exactly d: the cell as
** written when it is one (no formatting: most points; is_raw: the caller
** read d from raw, so it need not be read again), a whole number with
** ".0", a short decimal, else %.17g (always exact; core/num.h's shortest
** form formats up to three times: ~6% of ingesting transformers' logs,
** whose epochs are fractions). 1: it wrote raw as it is. */
static int json_real(pod_buf *b, double d, const char *raw, int is_raw) {
  char num[32];
  double v;
  /* -0 == 0: the sign is compared apart; pod_parse_number: strtod's
  ** answer without strtod for most cells (strtod here was ~6% of a log
  ** folder's ingest) */
  if (raw && json_real_syntax(raw) &&
      (is_raw || (pod_parse_number(raw, &v) && v == d &&
                  !signbit(d) == (*raw != '-')))) {
    pod_buf_adds(b, raw);
    return 1;
  } else if (d == 0) {
    pod_buf_adds(b, signbit(d) ? "-0.0" : "0.0");
  } else if (d == floor(d) && fabs(d) < 1e15) {
    pod_buf_addi(b, (long long)d);
    pod_buf_adds(b, ".0");
  } else if (!short_decimal(b, d)) {   /* not whole: a '.' or an 'e' */
    snprintf(num, sizeof num, "%.17g", d);
    pod_buf_adds(b, num);
  }
  return 0;
}

/* A point of a curve that a chunk can hold: an epoch or a step, no other
** axis, no method (--method updates measurements rows of energy units,
** so those stay rows), finite numbers; on SQLite, in a transaction. */
static int is_curve_point(store_db *db, const store_measurement *m) {
  const metric_cache_entry *mt;
  return (!isnan(m->epoch) || m->step >= 0) && m->batch_size < 0 &&
         m->sequence_length < 0 && !m->method && !m->method_note &&
         isfinite(m->value) && (isnan(m->epoch) || isfinite(m->epoch)) &&
         store_may_defer(db) && (mt = store_metric_cached(db, m->metric_id)) &&
         !mt->energy;
}

/* The place of run's next point among its points from source. */
static int64_t next_place(store_curves *p, int64_t run_id, int64_t source_id) {
  size_t i;
  if (p->places_source != source_id) {
    p->n_places = 0;
    p->places_source = source_id;
  }
  for (i = 0; i < p->n_places; i++)
    if (p->places[i].run_id == run_id) return p->places[i].next++;
  if (p->n_places == p->cap_places) {
    p->cap_places = p->cap_places ? 2 * p->cap_places : 4;
    p->places = pod_xrealloc(p->places, p->cap_places * sizeof *p->places);
  }
  p->places[p->n_places++] = (curve_place){run_id, 1};
  return 0;
}

int store_curves_add(store_db *db, const store_measurement *m,
                     char err[POD_ERRLEN]) {
  store_curves *p;
  curve_chunk *c;
  int64_t place;
  int rc;
  if (!is_curve_point(db, m)) {
    memo_note(db, m, -1);
    return 0;
  }
  p = curves(db);
  c = &p->curve;
  place = next_place(p, m->run_id, m->source_id);
  if (c->n && (c->run_id != m->run_id || c->source_id != m->source_id ||
               (c->json.len >= CURVE_CHUNK && m->line != c->last_line))) {
    /* the runs first: the chunk points at its run */
    if ((rc = store_pending_write(db, err))) return rc;
  }
  if (!c->n) {
    c->run_id = m->run_id;
    c->source_id = m->source_id;
    c->first = place;
    c->line = m->line;
    c->vsum = 0;
  }
  pod_buf_adds(&c->json, c->n++ ? ",[" : "[[");
  pod_buf_addi(&c->json, m->metric_id);
  pod_buf_addc(&c->json, ',');
  json_text(&c->json, m->split);
  pod_buf_addc(&c->json, ',');
  if (isnan(m->epoch)) pod_buf_adds(&c->json, "null");
  else (void)json_real(&c->json, m->epoch, NULL, 0);
  pod_buf_addc(&c->json, ',');
  if (m->step >= 0) pod_buf_addi(&c->json, m->step);
  else pod_buf_adds(&c->json, "null");
  pod_buf_addc(&c->json, ',');
  /* the cell, or 1 when the value is the cell as written (schema 9: a
  ** third of a log's bytes were the cell twice) */
  if (json_real(&c->json, m->value, m->raw_value, m->value_is_raw)) {
    pod_buf_adds(&c->json, ",1");
  } else {
    pod_buf_addc(&c->json, ',');
    json_text(&c->json, m->raw_value);
  }
  pod_buf_addc(&c->json, ',');
  json_text(&c->json, m->raw_unit);
  pod_buf_addc(&c->json, ',');
  pod_buf_addi(&c->json, m->line);
  pod_buf_addc(&c->json, ']');
  c->vsum += m->value;
  c->last_line = m->line;
  memo_note(db, m, place);
  store_note_line(db, m->source_id, m->line);
  store_note_run(db, m->source_id, m->run_id);
  return 1;
}


void store_curves_drop(store_db *db) {
  store_curves *p = db->curves;
  if (!p) return;
  p->curve.n = 0;
  pod_buf_clear(&p->curve.json);
  p->n_places = 0;
  p->places_source = 0;
  memo_clear(p, 0);
}

void store_curves_free(store_db *db) {
  store_curves *p = db->curves;
  if (!p) return;
  pod_buf_free(&p->curve.json);
  free(p->places);
  free(p->memo);
  pod_buf_free(&p->memo_text);
  free(p->memo_off);
  free(p);
  db->curves = NULL;
}

/* ---- results from curves ---------------------------------------------- */

int store_result_from_point(store_db *db, int64_t run_id,
                            int64_t measurement_id, int64_t source_id,
                            int64_t col, const char *derived,
                            int64_t of_epochs, char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc;
  if (!measurement_id &&
      (rc = store_memo_result(db, run_id, source_id, col, derived, of_epochs,
                              err)))
    return rc == 1 ? POD_OK : rc;
  rc = store_stmt(db, measurement_id ? Q_RESULT_FROM_POINT
                                     : Q_RESULT_FROM_CURVE, &st, err);
  if (rc) return rc;
  if (measurement_id) {
    db_bind_int64(st, 1, measurement_id);
    bind_text(st, 2, derived);
    db_bind_int64(st, 3, of_epochs);
  } else {
    db_bind_int64(st, 1, run_id);
    db_bind_int64(st, 2, source_id);
    db_bind_int64(st, 3, col);
    bind_text(st, 4, derived);
    db_bind_int64(st, 5, of_epochs);
  }
  return store_step_done(db, st, NULL, err);
}

int store_results_clear(store_db *db, int64_t run_id, char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc;
  /* a run this transaction added has none yet: the DELETE (a scan of the
  ** run's measurements) was ~4% of ingesting a training log */
  if (db->tx_runs_from && run_id >= db->tx_runs_from) return POD_OK;
  rc = store_stmt(db, Q_RESULTS_CLEAR, &st, err);
  if (rc) return rc;
  db_bind_int64(st, 1, run_id);
  return store_step_done(db, st, NULL, err);
}

int store_run_kept_step(store_db *db, int64_t run_id, int64_t *out,
                        char err[POD_ERRLEN]) {
  db_stmt *st;
  int rc = store_stmt(db, Q_RUN_KEPT_STEP, &st, err);
  *out = -1;
  if (rc) return rc;
  db_bind_int64(st, 1, run_id);
  return store_step_int64(db, st, -1, out, err);
}
