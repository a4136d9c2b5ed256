/*
** tests/t_store.c -- store/: migrations, environments, leaderboards and
** the query plan the renderer relies on.
*/
#include "tests/test.h"
#include "store/store.h"
#include "store/store_int.h"   /* store_sql: the plans of two queries */

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static store_db *open_fresh(void) {
  store_db *db = NULL;
  char err[POD_ERRLEN];
  if (store_open(test_registry_url ? test_registry_url : test_path("t.db"),
                 &db, err))
    test_fail(__FILE__, __LINE__, "%s", err);
  return db;
}

static int64_t add_source(store_db *db, const char *sha) {
  store_source s = {"f.csv", sha, "hf-benchmark", NULL, 10};
  int64_t id = 0;
  char err[POD_ERRLEN];
  CHECK_INT(store_source_add(db, &s, &id, err), POD_OK);
  return id;
}

static int64_t add_run(store_db *db, const char *model, const char *task) {
  store_run_new r = {0};
  int64_t id = 0;
  char err[POD_ERRLEN];
  r.model = model;
  r.task = task;
  CHECK_INT(store_run_add(db, &r, &id, err), POD_OK);
  return id;
}


static void test_store_migrates_an_old_registry_forward(void) {
  char err[POD_ERRLEN];
  sqlite3 *raw;
  store_db *db = NULL;
  const char *path = test_path("old.db");
  CHECK_INT(store_create_at_version(path, 1, err), POD_OK);
  /* a version-1 registry with data in it, as podium 0.0 would leave it */
  CHECK_INT(sqlite3_open(path, &raw), SQLITE_OK);
  CHECK_INT(sqlite3_exec(raw,
      "INSERT INTO sources VALUES (1, 'a.csv', 'ab', 'hf-benchmark', NULL, 5, 1, 'now');"
      "INSERT INTO runs (id, model, scope, created_at) VALUES (1, 'bert', '', 'now');"
      "INSERT INTO metrics VALUES (1, 'inference_time', 's', -1);"
      "INSERT INTO measurements (run_id, metric_id, value, source_id, line) "
      "VALUES (1, 1, 0.5, 1, 2);", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(raw);
  CHECK_INT(store_open(path, &db, err), POD_OK);
  CHECK_INT(store_schema_version(db), STORE_SCHEMA_VERSION);
  pod_buf plan = POD_BUF_INIT;
  CHECK_INT(store_explain_leaderboard(db, &plan, err), POD_OK);
  CHECK_HAS(plan.data, "measurements_summary");   /* the v2 index exists */
  pod_buf_free(&plan);
  store_close(db);
  CHECK_INT(sqlite3_open(path, &raw), SQLITE_OK);
  sqlite3_stmt *st;
  sqlite3_prepare_v2(raw, "SELECT count(*) FROM measurements", -1, &st, NULL);
  CHECK_INT(sqlite3_step(st), SQLITE_ROW);
  CHECK_INT(sqlite3_column_int(st, 0), 1);        /* the data survived */
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

static void test_store_refuses_a_registry_from_a_newer_podium(void) {
  char err[POD_ERRLEN];
  sqlite3 *raw;
  store_db *db = NULL;
  const char *path = test_path("new.db");
  CHECK_INT(sqlite3_open(path, &raw), SQLITE_OK);
  sqlite3_exec(raw, "PRAGMA user_version = 99", NULL, NULL, NULL);
  sqlite3_close(raw);
  CHECK_INT(store_open(path, &db, err), POD_EDB);
  CHECK(db == NULL);
  CHECK_HAS(err, "found schema version 99");
  CHECK_HAS(err, "newer podium");
}

static void test_store_rejects_a_file_that_is_not_sqlite(void) {
  char err[POD_ERRLEN];
  store_db *db = NULL;
  test_write(test_path("junk.db"), "this is not a database, just text....."
             "..............................................................",
             100);
  CHECK(store_open(test_path("junk.db"), &db, err) != POD_OK);
  CHECK_HAS(err, "junk.db");
}

static void test_store_leaderboard_query_uses_an_index(void) {
  char err[POD_ERRLEN];
  pod_buf plan = POD_BUF_INIT;
  store_db *db = open_fresh();
  CHECK_INT(store_explain_leaderboard(db, &plan, err), POD_OK);
  CHECK_LACKS(plan.data, "SCAN measurements");
  CHECK_LACKS(plan.data, "SCAN x\n");
  CHECK_LACKS(plan.data, "SCAN r\n");
  CHECK_LACKS(plan.data, "SCAN rs\n");
  CHECK_HAS(plan.data, "INDEX measurements_summary (metric_id=? AND run_id=?)");
  /* tracker_results is read only in the arm of the board's metric, after
  ** the metric's key lookup, which stops it, and then by the scope's
  ** runs: never the whole table */
  CHECK_LACKS(plan.data, "SCAN w\n");
  CHECK_INT(test_count(plan.data, "SEARCH w USING PRIMARY KEY (run_id=?)"),
            test_count(plan.data, "SEARCH mt USING INTEGER PRIMARY KEY"));
  pod_buf_free(&plan);
  store_close(db);
}

static int collect_ranks(const store_row *row, void *ud) {
  pod_buf *b = ud;
  for (int i = 0; i < row->n; i++)
    if (!strcmp(row->names[i], "rank")) pod_buf_printf(b, "%lld,", (long long)row->v[i].i);
  return 0;
}

static void test_store_ties_share_a_rank(void) {
  char err[POD_ERRLEN];
  int64_t metric, src;
  pod_buf ranks = POD_BUF_INIT;
  store_db *db = open_fresh();
  store_begin(db, err);
  src = add_source(db, "aa");
  CHECK_INT(store_metric_id(db, "inference_time", "s", STORE_LOWER_BETTER, &metric, err), POD_OK);
  test_add_value(db, add_run(db, "a", "t"), metric, src, 0.010, 8, 128, NULL);
  test_add_value(db, add_run(db, "b", "t"), metric, src, 0.010, 8, 128, NULL);
  test_add_value(db, add_run(db, "c", "t"), metric, src, 0.020, 8, 128, NULL);
  test_add_value(db, add_run(db, "d", "t"), metric, src, 0.005, 8, 128, NULL);
  CHECK_INT(store_commit(db, err), POD_OK);
  CHECK_INT(store_each_leaderboard_entry(db, "t", metric, collect_ranks, &ranks, err), POD_OK);
  CHECK_STR(ranks.data, "1,2,2,4,");
  /* higher is better flips the order */
  pod_buf_clear(&ranks);
  int64_t acc;
  store_begin(db, err);
  CHECK_INT(store_metric_id(db, "accuracy", "", STORE_HIGHER_BETTER, &acc, err), POD_OK);
  test_add_value(db, add_run(db, "e", "t"), acc, src, 0.9, 8, 128, NULL);
  test_add_value(db, add_run(db, "f", "t"), acc, src, 0.8, 8, 128, NULL);
  store_commit(db, err);
  CHECK_INT(store_each_leaderboard_entry(db, "t", acc, collect_ranks, &ranks, err), POD_OK);
  CHECK_STR(ranks.data, "1,2,");
  pod_buf_free(&ranks);
  store_close(db);
}


/* "rank model cost=value ...;" per row, costs that are not NULL only. */
static int collect_primary(const store_row *row, void *ud) {
  pod_buf *b = ud;
  for (int i = 0; i < row->n; i++) {
    const char *n = row->names[i];
    const store_value *v = &row->v[i];
    if (!strcmp(n, "rank")) pod_buf_printf(b, "%lld", (long long)v->i);
    else if (!strcmp(n, "model")) pod_buf_printf(b, " %s", v->s);
    else if (i >= row->n - 6 && v->type != STORE_NULL)
      pod_buf_printf(b, " %s=%g", n, v->d);
  }
  pod_buf_adds(b, ";");
  return 0;
}

static void test_store_primary_ranking_carries_cost_columns(void) {
  char err[POD_ERRLEN];
  int64_t acc, time, energy, mem, src, a, b, c, e, f;
  pod_buf rows = POD_BUF_INIT, plan = POD_BUF_INIT;
  store_db *db = open_fresh();
  store_begin(db, err);
  src = add_source(db, "cc");
  CHECK_INT(store_metric_id(db, "accuracy", "", STORE_HIGHER_BETTER, &acc, err), POD_OK);
  CHECK_INT(store_metric_id(db, "inference_time", "s", STORE_LOWER_BETTER, &time, err), POD_OK);
  CHECK_INT(store_metric_id(db, "energy_consumed", "kWh", STORE_LOWER_BETTER, &energy, err), POD_OK);
  CHECK_INT(store_metric_id(db, "inference_memory", "B", STORE_LOWER_BETTER, &mem, err), POD_OK);
  a = add_run(db, "a", "t");
  b = add_run(db, "b", "t");
  c = add_run(db, "c", "t");
  test_add_value(db, c, acc, src, 0.8, 8, 128, NULL);
  test_add_value(db, b, acc, src, 0.9, 8, 128, NULL);
  test_add_value(db, a, acc, src, 0.9, 8, 128, NULL);
  test_add_value(db, a, time, src, 0.02, 8, 128, NULL);   /* the row's point */
  test_add_value(db, a, time, src, 0.05, 8, 512, NULL);   /* another point: not shown */
  test_add_value(db, a, energy, src, 0.001, -1, -1, NULL);  /* a run total */
  test_add_value(db, c, time, src, 0.01, 8, 128, NULL);
  test_add_value(db, add_run(db, "d", "u"), acc, src, 0.99, 8, 128, NULL);  /* other scope */
  /* a board without axes: a cost measured at one point is the run's */
  e = add_run(db, "e", "v");
  f = add_run(db, "f", "v");
  test_add_value(db, e, acc, src, 0.7, -1, -1, NULL);
  test_add_value(db, f, acc, src, 0.6, -1, -1, NULL);
  test_add_value(db, e, mem, src, 1000, 1, 8, NULL);
  test_add_value(db, f, time, src, 0.1, 1, 8, NULL);     /* two points: which one? */
  test_add_value(db, f, time, src, 0.3, 1, 16, NULL);
  CHECK_INT(store_commit(db, err), POD_OK);
  CHECK_INT(store_each_primary_entry(db, "t", acc, collect_primary, &rows, err), POD_OK);
  CHECK_STR(rows.data, "1 a inference_time=0.02 energy_consumed=0.001;1 b;3 c inference_time=0.01;");
  pod_buf_clear(&rows);
  CHECK_INT(store_each_primary_entry(db, "v", acc, collect_primary, &rows, err), POD_OK);
  CHECK_STR(rows.data, "1 e inference_memory=1000;2 f;");
  /* lower is better: the same order as the plain board */
  pod_buf_clear(&rows);
  CHECK_INT(store_each_primary_entry(db, "t", time, collect_primary, &rows, err), POD_OK);
  CHECK_STR(rows.data, "1 c inference_time=0.01;2 a inference_time=0.02 energy_consumed=0.001;"
            "1 a inference_time=0.05 energy_consumed=0.001;");
  /* each cost is an index search per row, never a scan (the first
  ** version joined a CTE and took 19 s for 5,000 runs); SQLite's plan */
  if (!test_registry_url) {
    CHECK_INT(store_explain_primary(db, &plan, err), POD_OK);
    CHECK_LACKS(plan.data, "SCAN measurements");
    CHECK_LACKS(plan.data, "SCAN tracker_results");
    CHECK_HAS(plan.data, "SEARCH measurements USING INDEX measurements_summary "
              "(metric_id=? AND run_id=? AND batch_size=?");
    CHECK_HAS(plan.data, "SEARCH w USING PRIMARY KEY (run_id=?)");
    CHECK_LACKS(plan.data, "SCAN w\n");   /* the board's rows: by scope */
  }
  pod_buf_free(&rows);
  pod_buf_free(&plan);
  store_close(db);
}

/* A study's registry before (changed 0) and after (1) a few of its runs
** changed: run 3 lost its values on the boards (it left them), run 5
** has another value, runs 13-17 are new (a tie, a best, a worst, a new
** point, a run without axes) and run 18 is of another scope. Ids come
** in the same order in both. */
static store_db *patch_registry(const char *name, int changed, int64_t *time,
                                int64_t *acc) {
  char err[POD_ERRLEN];
  store_db *db = NULL;
  int64_t src, energy;
  if (store_open(test_path(name), &db, err))
    test_fail(__FILE__, __LINE__, "%s", err);
  store_begin(db, err);
  src = add_source(db, "pp");
  CHECK_INT(store_metric_id(db, "inference_time", "s", STORE_LOWER_BETTER, time, err), POD_OK);
  CHECK_INT(store_metric_id(db, "accuracy", "", STORE_HIGHER_BETTER, acc, err), POD_OK);
  CHECK_INT(store_metric_id(db, "energy_consumed", "kWh", STORE_LOWER_BETTER, &energy, err), POD_OK);
  for (int i = 1; i <= 18; i++) {
    char model[16];
    snprintf(model, sizeof model, "m%02d", i % 7);   /* models repeat */
    int64_t r = add_run(db, model, i == 18 ? "u" : "t");
    if (i > 12 && !changed) continue;
    if (i == 3 && changed) {   /* left the boards: a value they do not read */
      test_add_value(db, r, energy, src, 1, -1, -1, NULL);
      continue;
    }
    double v = i == 5 && changed ? 0.007 : 0.001 * (double)(i % 5 + 1);
    int64_t batch = i == 16 ? 16 : 8, seq = i == 17 ? -1 : 128;
    if (i == 14) v = 0.0001;   /* the best */
    if (i == 15) v = 0.9;      /* the worst */
    test_add_value(db, r, *time, src, v, batch, seq, NULL);
    if (i % 4 == 0)   /* repeats: the run's mean */
      test_add_value(db, r, *time, src, v + 0.002, batch, seq, NULL);
    test_add_value(db, r, *acc, src, 0.5 + 0.01 * (double)(i % 3), 8, 128,
                   i % 2 ? "test" : "validation");
    if (i % 3 == 0) test_add_value(db, r, energy, src, 0.1 * i, -1, -1, NULL);
  }
  CHECK_INT(store_commit(db, err), POD_OK);
  return db;
}

/* A board's rows as bytes (store_rows_save): every column, in order. */
static void board_bytes(store_db *db, int64_t metric, int primary,
                        store_rows **rows, pod_buf *out) {
  char err[POD_ERRLEN];
  *rows = store_rows_new();
  CHECK_INT(primary ? store_each_primary_entry(db, "t", metric, store_rows_add, *rows, err)
                    : store_each_leaderboard_entry(db, "t", metric, store_rows_add, *rows, err),
            POD_OK);
  store_rows_save(*rows, out);
}

/* An incremental render patches a kept board with the runs that changed
** (store_board_patch): the same rows, ranks and order, byte for byte, as
** the board read again, both directions, plain and primary. */
static void test_store_board_patch_equals_the_board_read_again(void) {
  char err[POD_ERRLEN];
  int64_t time, acc, ids[] = {3, 5, 13, 14, 15, 16, 17, 18};
  store_db *before = patch_registry("p0.db", 0, &time, &acc);
  store_db *after = patch_registry("p1.db", 1, &time, &acc);
  for (int k = 0; k < 4; k++) {
    int64_t metric = k < 2 ? time : acc;
    int primary = k % 2;
    store_rows *kept, *want, *got = NULL;
    pod_buf a = POD_BUF_INIT, b = POD_BUF_INIT, c = POD_BUF_INIT;
    int same = -1;
    board_bytes(before, metric, primary, &kept, &a);
    board_bytes(after, metric, primary, &want, &b);
    CHECK(a.len != b.len || memcmp(a.data, b.data, a.len));   /* it changed */
    CHECK_INT(store_board_patch(after, "t", metric, primary, kept, ids,
                                sizeof ids / sizeof *ids, &got, &same, err), POD_OK);
    CHECK_INT(same, 0);
    store_rows_save(got, &c);
    CHECK_INT((int)store_rows_count(got), (int)store_rows_count(want));
    CHECK(b.len == c.len && !memcmp(b.data, c.data, b.len));
    /* no changed run on the board, now nor before (run 18 is of
    ** another scope): the kept rows as they are, the live site's files */
    store_rows_free(got);
    got = NULL;
    CHECK_INT(store_board_patch(after, "t", metric, primary, want, ids + 7, 1,
                                &got, &same, err), POD_OK);
    CHECK_INT(same, 1);
    CHECK(got == NULL);
    /* run 3 left the boards: no row of its own now, but one before */
    CHECK_INT(store_board_patch(after, "t", metric, primary, kept, ids, 1,
                                &got, &same, err), POD_OK);
    CHECK_INT(same, 0);
    CHECK_INT((int)store_rows_count(got), (int)store_rows_count(kept) - 1);
    store_rows_free(got);
    store_rows_free(kept);
    store_rows_free(want);
    pod_buf_free(&a);
    pod_buf_free(&b);
    pod_buf_free(&c);
  }
  store_close(before);
  store_close(after);
}

static void test_store_same_environment_fields_give_one_row(void) {
  char err[POD_ERRLEN];
  store_env a, b;
  int64_t ia, ib, ic;
  store_db *db = open_fresh();
  store_env_init(&a);
  a.cpu_model = "x86_64";
  a.gpu_model = "Tesla V100";
  a.gpu_memory_bytes = 16160LL << 20;
  b = a;
  CHECK_INT(store_env_add(db, &a, &ia, err), POD_OK);
  CHECK_INT(store_env_add(db, &b, &ib, err), POD_OK);
  CHECK_INT(ia, ib);
  b.gpu_model = "A100";
  CHECK_INT(store_env_add(db, &b, &ic, err), POD_OK);
  CHECK(ic != ia);
  store_close(db);
}

static int take_model(const store_row *row, void *ud) {
  snprintf(ud, 32, "%s", store_row_text(row, "model"));
  return 0;
}

static int count_sql(const char *sql) {
  sqlite3 *raw;
  sqlite3_stmt *st;
  int n = -1;
  if (sqlite3_open(test_path("t.db"), &raw) == SQLITE_OK &&
      sqlite3_prepare_v2(raw, sql, -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(raw);
  return n;
}

/* Runs and tracker rows written in batches (store/pending.c): ids as
** SQLite would give them, read back inside the transaction, gone on a
** rollback, and the next transaction's ids follow the kept rows. */
/* Curve points (an epoch or a step) go into curve chunks on SQLite
** (store/curves.c; rows on a server) and read back as they went in:
** every double to the bit, REAL even when written "3", raw cells with
** JSON's special characters, two runs interleaved in one file, and a
** point of an energy metric kept as a row (--method updates rows). */
typedef struct point_back {
  int n, bad;
  const char *const *raw;
  const double *v;
  char names[512];   /* the first row's column names: every row's */
} point_back;

/* Whether row's column names are the first row's (a chunk's points are
** made in C, store/curve_read.c, beside rows from SQL). */
static int same_names(point_back *b, const store_row *row) {
  char names[512] = "";
  for (int i = 0; i < row->n; i++) {
    strncat(names, row->names[i], sizeof names - strlen(names) - 2);
    strcat(names, ",");
  }
  if (!b->names[0]) snprintf(b->names, sizeof b->names, "%s", names);
  return !strcmp(names, b->names);
}

static int check_all(const store_row *row, void *ud) {
  point_back *b = ud;
  if (!same_names(b, row)) b->bad++;
  b->n++;
  return 0;
}

static int check_point(const store_row *row, void *ud) {
  point_back *b = ud;
  if (!same_names(b, row)) b->bad += 100;
  const store_value *v = store_row_col(row, "value");
  long line = (long)store_row_col(row, "line")->i, i = line - 2;
  const char *raw = store_row_text(row, "raw_value");
  /* bit for bit, but -0.0: SQLite keeps a whole REAL as an integer */
  if (i < 0 || i >= 8 || v->type != STORE_REAL ||
      (b->v[i] ? memcmp(&v->d, &b->v[i], sizeof v->d) : v->d != 0) ||
      strcmp(raw ? raw : "(null)", b->raw[i] ? b->raw[i] : "(null)") ||
      store_row_col(row, "step")->i != i * 10 ||
      store_row_col(row, "epoch")->d != (i % 2 ? i + 0.25 : i))
    b->bad++;
  b->n++;
  return 0;
}

static void test_store_curve_points_read_back_exactly(void) {
  static const char *const raw_cells[8] = {
      "0.30000000000000004", "5e-324", "-0.0", "1.7976931348623157e308",
      "3", "18", "a\"b\\c\x01\t\xc3\xa9", NULL};
  static const double v[8] = {0.30000000000000004, 5e-324, -0.0,
                              1.7976931348623157e308, 3.0, 0.018, 0.25,
                              2.5};
  char err[POD_ERRLEN];
  int64_t src, run[2], loss, kwh;
  point_back b = {0, 0, raw_cells, v};
  store_db *db = open_fresh();
  CHECK_INT(store_begin(db, err), POD_OK);
  src = add_source(db, "curves");
  CHECK_INT(store_metric_id(db, "loss", "", -1, &loss, err), POD_OK);
  CHECK_INT(store_metric_id(db, "energy", "kWh", -1, &kwh, err), POD_OK);
  run[0] = add_run(db, "even", NULL);
  run[1] = add_run(db, "odd", NULL);
  for (int i = 0; i < 8; i++) {
    store_measurement m;
    store_measurement_init(&m);
    m.run_id = run[i % 2];
    m.metric_id = loss;
    m.source_id = src;
    m.line = i + 2;
    m.value = v[i];
    m.epoch = i % 2 ? i + 0.25 : i;
    m.step = i * 10;
    m.split = i % 3 ? "validation" : "train";
    m.raw_value = raw_cells[i];
    m.raw_unit = i == 5 ? "ms" : NULL;
    CHECK_RC(store_measurement_add(db, &m, err), POD_OK, err);
  }
  {
    store_measurement m;
    store_measurement_init(&m);
    m.run_id = run[0];
    m.metric_id = kwh;
    m.source_id = src;
    m.line = 20;
    m.value = 0.5;
    m.epoch = 1;
    CHECK_RC(store_measurement_add(db, &m, err), POD_OK, err);
  }
  CHECK_INT(store_commit(db, err), POD_OK);
  CHECK_RC(store_each_measurement(db, run[0], check_point, &b, err), POD_OK, err);
  CHECK_RC(store_each_measurement(db, run[1], check_point, &b, err), POD_OK, err);
  CHECK_INT(b.n, 9);    /* and the energy point, line 20: counted bad */
  CHECK_INT(b.bad, 1);
  memset(&b, 0, sizeof b);
  CHECK_RC(store_each_measurement_all(db, check_all, &b, err), POD_OK, err);
  CHECK_INT(b.n, 9);
  CHECK_INT(b.bad, 0);
  CHECK_HAS(b.names, "run_id,metric,unit,value,");
  if (!test_registry_url) {
    /* one chunk each time the run changes; the energy point a row */
    CHECK_INT(count_sql("SELECT count(*) FROM curves"), 8);
    CHECK_INT(count_sql("SELECT count(*) FROM measurements"), 1);
    CHECK_INT(count_sql("SELECT count(*) FROM measurements_all WHERE "
                        "typeof(value) <> 'real'"), 0);
    CHECK_INT(count_sql("SELECT count(*) FROM measurements_all WHERE "
                        "raw_unit = 'ms' AND line = 7"), 1);
    /* a value that is its cell holds 1 for the cell (schema 9): the
    ** first four; "3" is no JSON real, "18" is ms ... */
    CHECK_INT(count_sql("SELECT count(*) FROM curves c, json_each(c.points) "
                        "j WHERE typeof(j.value ->> 5) = 'integer'"), 4);
    /* ... and chunks written before, with the cell, read the same */
    sqlite3 *raw;
    CHECK(sqlite3_open(test_path("t.db"), &raw) == SQLITE_OK);
    CHECK(sqlite3_exec(raw, "UPDATE curves SET points = (SELECT "
                       "json_group_array(json(CASE typeof(j.value ->> 5) "
                       "WHEN 'integer' THEN json_set(j.value, '$[5]', "
                       "'' || (j.value -> 4)) ELSE j.value END)) FROM "
                       "json_each(curves.points) j)", NULL, NULL,
                       NULL) == SQLITE_OK);
    sqlite3_close(raw);
    CHECK_INT(count_sql("SELECT count(*) FROM curves c, json_each(c.points) "
                        "j WHERE typeof(j.value ->> 5) = 'integer'"), 0);
    memset(&b, 0, sizeof b);
    b.raw = raw_cells;
    b.v = v;
    CHECK_RC(store_each_measurement(db, run[0], check_point, &b, err), POD_OK, err);
    CHECK_RC(store_each_measurement(db, run[1], check_point, &b, err), POD_OK, err);
    CHECK_INT(b.n, 9);
    CHECK_INT(b.bad, 1);
    CHECK_INT(count_sql("SELECT count(*) FROM measurements_all WHERE "
                        "raw_value = '0.30000000000000004' AND line = 2"), 1);
  }
  store_close(db);
}

/* A value or an epoch without its cell (a JSON file's numbers, an epoch
** worked out) is written into the chunk in the fewest decimals that
** read back as it, or with %.17g: 3,000 values of every kind, read back
** bit for bit as values and as epochs. */
typedef struct bits_back {
  const double *v;
  long n, bad;
} bits_back;

static int check_bits(const store_row *row, void *ud) {
  bits_back *b = ud;
  long i = (long)store_row_col(row, "line")->i - 1;
  const store_value *v = store_row_col(row, "value"),
                    *e = store_row_col(row, "epoch");
  double want = b->v[i];
  if (i < 0 || i >= 3000 || v->type != STORE_REAL ||
      memcmp(&v->d, &want, sizeof want) || e->d != fabs(want))
    b->bad++;
  b->n++;
  return 0;
}

static void test_store_curve_values_without_a_cell_read_back_exactly(void) {
  static double v[3000];
  char err[POD_ERRLEN];
  int64_t src, run, loss;
  uint64_t x = 88172645463325252ULL;
  bits_back b = {v, 0, 0};
  store_db *db = open_fresh();
  for (int i = 0; i < 3000; i++) {
    double d;
    uint64_t u;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;   /* xorshift64 */
    switch (i % 4) {
    case 0:   /* a short decimal m / 10^k */
      d = (double)(x % 100000000) / pow(10, (double)((x >> 40) % 9 + 1));
      break;
    case 1:   /* its neighbour: not short */
      d = nextafter((double)(x % 10000) / 1000, 1e9);
      break;
    case 2:   /* any finite double */
      u = x;
      memcpy(&d, &u, sizeof d);
      if (!isfinite(d) || d == 0) d = 0.1 * i;
      break;
    default:   /* halfway cases and the range's ends */
      d = i % 3 ? 0.5 + (double)(x % 1000000) * 1e-8
                : (i % 2 ? 9999999.99999999 : 1e-8 + (double)(x % 7) * 1e-9);
    }
    v[i] = x & 1 ? -d : d;
  }
  CHECK_INT(store_begin(db, err), POD_OK);
  src = add_source(db, "bits");
  CHECK_INT(store_metric_id(db, "loss", "", -1, &loss, err), POD_OK);
  run = add_run(db, "bits", NULL);
  for (int i = 0; i < 3000; i++) {
    store_measurement m;
    store_measurement_init(&m);
    m.run_id = run;
    m.metric_id = loss;
    m.source_id = src;
    m.line = i + 1;
    m.value = v[i];
    m.epoch = fabs(v[i]);
    m.split = "validation";
    CHECK_RC(store_measurement_add(db, &m, err), POD_OK, err);
  }
  CHECK_INT(store_commit(db, err), POD_OK);
  CHECK_RC(store_each_measurement(db, run, check_bits, &b, err), POD_OK, err);
  CHECK_INT(b.n, 3000);
  CHECK_INT(b.bad, 0);
  if (!test_registry_url)   /* the view reads them as numbers too */
    CHECK_INT(count_sql("SELECT count(*) FROM measurements_all WHERE "
                        "typeof(value) = 'real' AND epoch = abs(value)"),
              3000);
  store_close(db);
}

static void test_store_pending_rows_read_back_and_roll_back(void) {
  char err[POD_ERRLEN], model[32], name[32];
  int64_t src, id = 0, prev = 0, metric;
  store_db *db = open_fresh();
  CHECK_INT(store_begin(db, err), POD_OK);
  src = add_source(db, "pp");
  CHECK_INT(store_metric_id(db, "loss", "", -1, &metric, err), POD_OK);
  for (int i = 0; i < 150; i++) {   /* two full batches and a rest */
    store_run_new r = {0};
    store_tracker_result t;
    char raw[32];
    snprintf(name, sizeof name, "m%d", i);
    r.model = name;
    CHECK_INT(store_run_add(db, &r, &id, err), POD_OK);
    CHECK(prev == 0 || id == prev + 1);
    prev = id;
    memset(&t, 0, sizeof t);
    t.run_id = id;
    t.source_id = src;
    t.line = i + 2;
    t.cpu_method = "rapl";
    for (int k = 0; k < STORE_SAMPLE_N; k++) t.v[k] = NAN;
    snprintf(raw, sizeof raw, "%d.5", i);
    t.v[0] = i + 0.5;
    t.raw[0] = raw;   /* copied: the buffer is reused */
    CHECK_INT(store_tracker_result_add(db, &t, err), POD_OK);
    test_add_value(db, id, metric, src, i, 8, 128, NULL);   /* a measurement: batched too */
    if (i == 100) {   /* a read inside the transaction sees every row */
      snprintf(name, sizeof name, "%lld", (long long)id);
      model[0] = '\0';
      CHECK_INT(store_get_run(db, name, take_model, model, err), POD_OK);
      CHECK_STR(model, "m100");
    }
  }
  CHECK_INT(store_commit(db, err), POD_OK);
  if (!test_registry_url) {
    CHECK_INT(count_sql("SELECT count(*) FROM runs WHERE id BETWEEN 1 AND 150"),
              150);
    CHECK_INT(count_sql("SELECT count(*) FROM tracker_results t JOIN runs r"
                        " ON r.id = t.run_id WHERE r.model = 'm' || (t.line - 2)"
                        " AND t.duration = t.line - 1.5 AND t.duration_raw ="
                        " (t.line - 2) || '.5' AND t.emissions IS NULL"),
              150);
    CHECK_INT(count_sql("SELECT count(*) FROM measurements m JOIN runs r"
                        " ON r.id = m.run_id WHERE r.model = 'm' || CAST(m.value AS INTEGER)"
                        " AND m.batch_size = 8 AND m.epoch IS NULL"),
              150);
  }
  CHECK_INT(store_begin(db, err), POD_OK);   /* dropped on a rollback */
  for (int i = 0; i < 70; i++) {
    store_run_new r = {0};
    r.model = "gone";
    CHECK_INT(store_run_add(db, &r, &id, err), POD_OK);
  }
  store_rollback(db);
  CHECK_INT(store_begin(db, err), POD_OK);
  {
    store_run_new r = {0};
    r.model = "next";
    CHECK_INT(store_run_add(db, &r, &id, err), POD_OK);
    CHECK_INT(id, prev + 1);
  }
  CHECK_INT(store_commit(db, err), POD_OK);
  if (!test_registry_url)
    CHECK_INT(count_sql("SELECT count(*) FROM runs WHERE model = 'gone'"), 0);
  store_close(db);
}

/* The plan of statement q on the test registry, details joined by "; ". */
static void plan_of(int q, char *out, size_t n) {
  sqlite3 *raw;
  sqlite3_stmt *st;
  char sql[2048];
  size_t at = 0;
  out[0] = '\0';
  snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", store_sql[q]);
  if (sqlite3_open(test_path("t.db"), &raw) == SQLITE_OK &&
      sqlite3_prepare_v2(raw, sql, -1, &st, NULL) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW && at < n)
      at += (size_t)snprintf(out + at, n - at, "%s; ",
                             (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
  }
  sqlite3_close(raw);
}

/* What each file of a folder asks (issue 14): its earlier ingest by path,
** and, for a training log, the runs it fed. Neither may scan a table
** that grows with the registry: 200 logs into a registry of 100,000
** CodeCarbon runs took 3.6 s scanning tracker_results, 0.16 s when
** empty. */
static void test_store_per_file_lookups_use_indexes(void) {
  char plan[1024];
  store_db *db = open_fresh();
  store_close(db);
  if (test_registry_url) return;
  plan_of(Q_SOURCE_BY_PATH, plan, sizeof plan);
  CHECK(strstr(plan, "sources_by_path") != NULL);
  plan_of(Q_SOURCE_RUNS, plan, sizeof plan);
  CHECK(strstr(plan, "measurements_by_source") != NULL);
  CHECK(strstr(plan, "SCAN") == NULL);
}

static void test_store_rollback_leaves_nothing(void) {
  char err[POD_ERRLEN];
  int64_t found = 0, metric;
  store_db *db = open_fresh();
  store_begin(db, err);
  add_source(db, "bb");
  CHECK_INT(store_metric_id(db, "m", "s", -1, &metric, err), POD_OK);
  store_rollback(db);
  CHECK_INT(store_source_find(db, "bb", &found, err), POD_OK);
  CHECK_INT(found, 0);
  /* the metric cache forgot the rolled-back id too */
  store_begin(db, err);
  int64_t again;
  CHECK_INT(store_metric_id(db, "n", "s", -1, &again, err), POD_OK);
  CHECK_INT(store_metric_id(db, "m", "s", -1, &metric, err), POD_OK);
  CHECK(metric != again);
  store_commit(db, err);
  store_close(db);
}

/* Kept rows walk back as they were given: a value the row above has is
** kept as a tag alone (store/rows.c), so repeats, -0.0 after 0.0, a NULL
** between equal values and wide negative integers are the cases. */
static int print_row(const store_row *row, void *ud) {
  pod_buf *b = ud;
  for (int i = 0; i < row->n; i++) {
    const store_value *v = &row->v[i];
    pod_buf_printf(b, "%s=%d:%lld:%a:%s ", row->names[i], (int)v->type,
                   (long long)v->i, v->d, v->s ? v->s : "-");
  }
  pod_buf_addc(b, '\n');
  return 0;
}

static void test_store_rows_walk_back_as_given(void) {
  static const char *const names[] = {"n", "x", "t"};
  const store_value rows[][3] = {
      {{STORE_INT, 5, 5.0, NULL}, {STORE_REAL, 0, 0.0, NULL}, {STORE_TEXT, 0, 0, "a"}},
      {{STORE_INT, 5, 5.0, NULL}, {STORE_REAL, 0, -0.0, NULL}, {STORE_TEXT, 0, 0, "a"}},
      {{STORE_INT, -300000000000, -3e11, NULL}, {STORE_NULL, 0, 0, NULL}, {STORE_NULL, 0, 0, NULL}},
      {{STORE_INT, -300000000000, -3e11, NULL}, {STORE_REAL, 0, 1.5, NULL}, {STORE_TEXT, 0, 0, "a"}},
      {{STORE_INT, 0, 0.0, NULL}, {STORE_REAL, 0, 1.5, NULL}, {STORE_TEXT, 0, 0, ""}}};
  pod_buf want = POD_BUF_INIT, got = POD_BUF_INIT;
  store_rows *rs = store_rows_new();
  for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
    store_row row = {3, names, rows[r]};
    CHECK_INT(store_rows_add(&row, rs), 0);
    print_row(&row, &want);
  }
  CHECK_INT(store_rows_count(rs), 5);
  CHECK_INT(store_rows_each(rs, print_row, &got), 0);
  CHECK_STR(pod_buf_str(&got), pod_buf_str(&want));
  pod_buf_clear(&got);   /* and again: walking changes nothing */
  CHECK_INT(store_rows_each(rs, print_row, &got), 0);
  CHECK_STR(pod_buf_str(&got), pod_buf_str(&want));
  /* as bytes and back (a board kept for the next render): the same
  ** rows; every shorter or damaged copy is refused, never walked */
  {
    pod_buf bytes = POD_BUF_INIT;
    store_rows *back;
    store_rows_save(rs, &bytes);
    back = store_rows_load(bytes.data, bytes.len);
    CHECK(back != NULL);
    if (back) {
      pod_buf_clear(&got);
      CHECK_INT(store_rows_each(back, print_row, &got), 0);
      CHECK_STR(pod_buf_str(&got), pod_buf_str(&want));
      store_rows_free(back);
    }
    for (size_t n = 0; n < bytes.len; n++)
      if ((back = store_rows_load(bytes.data, n))) {
        test_fail(__FILE__, __LINE__, "%zu of %zu bytes taken", n, bytes.len);
        store_rows_free(back);
      }
    for (size_t i = 0; i < bytes.len; i++) {   /* each byte changed: no
                                              ** crash (ASan), rows or NULL */
      char was = bytes.data[i];
      for (int bit = 0; bit < 8; bit++) {
        bytes.data[i] = (char)(was ^ (1 << bit));
        if ((back = store_rows_load(bytes.data, bytes.len))) {
          pod_buf scratch = POD_BUF_INIT;
          store_rows_each(back, print_row, &scratch);
          pod_buf_free(&scratch);
          store_rows_free(back);
        }
      }
      bytes.data[i] = was;
    }
    pod_buf_free(&bytes);
  }
  store_rows_free(rs);
  pod_buf_free(&want);
  pod_buf_free(&got);
}

static void test_store_get_run_by_id_and_by_name(void) {
  char err[POD_ERRLEN];
  store_run_new r = {0};
  int64_t id;
  int n = 0;
  store_db *db = open_fresh();
  r.model = "bert";
  r.name = "exp-1";
  store_run_add(db, &r, &id, err);
  CHECK_INT(store_get_run(db, "1", collect_ranks, &(pod_buf){0}, err), POD_OK);
  CHECK_INT(store_get_run(db, "exp-1", collect_ranks, &(pod_buf){0}, err), POD_OK);
  CHECK_INT(store_get_run(db, "exp-2", collect_ranks, &(pod_buf){0}, err), POD_EINPUT);
  CHECK_HAS(err, "no run \"exp-2\"");
  store_run_add(db, &r, &id, err);   /* a second run of that name */
  CHECK_INT(store_get_run(db, "exp-1", collect_ranks, &(pod_buf){0}, err), POD_EINPUT);
  CHECK_HAS(err, "matches 2 runs");
  (void)n;
  store_close(db);
}

static int collect_splits(const store_row *row, void *ud) {
  pod_buf *b = ud;
  const char *split = "-";
  long long rank = 0;
  for (int i = 0; i < row->n; i++) {
    if (!strcmp(row->names[i], "split") && row->v[i].type == STORE_TEXT) split = row->v[i].s;
    if (!strcmp(row->names[i], "rank")) rank = row->v[i].i;
  }
  pod_buf_printf(b, "%s:%lld,", split, rank);
  return 0;
}

static void test_store_leaderboard_ranks_each_split_apart(void) {
  char err[POD_ERRLEN];
  int64_t metric, src, a, b;
  pod_buf out = POD_BUF_INIT;
  store_measurement m;
  store_db *db = open_fresh();
  store_begin(db, err);
  src = add_source(db, "cc");
  store_metric_id(db, "loss", "", STORE_LOWER_BETTER, &metric, err);
  a = add_run(db, "a", "t");
  b = add_run(db, "b", "t");
  double vals[4] = {0.1, 0.5, 0.2, 0.4};   /* a: train, validation; b: ... */
  const char *splits[4] = {"train", "validation", "train", "validation"};
  for (int i = 0; i < 4; i++) {
    store_measurement_init(&m);
    m.run_id = i < 2 ? a : b;
    m.metric_id = metric;
    m.source_id = src;
    m.line = 2;
    m.value = vals[i];
    m.split = splits[i];
    CHECK_INT(store_measurement_add(db, &m, err), POD_OK);
  }
  store_commit(db, err);
  CHECK_INT(store_each_leaderboard_entry(db, "t", metric, collect_splits, &out, err), POD_OK);
  /* train: a (0.1) before b (0.2); validation: b (0.4) before a (0.5) */
  CHECK_STR(out.data, "train:1,train:2,validation:1,validation:2,");
  pod_buf_free(&out);
  store_close(db);
}

typedef struct nested { store_db *db; int inner_rc, calls; char err[POD_ERRLEN]; } nested;

static int walk_again(const store_row *row, void *ud) {
  nested *n = ud;
  (void)row;
  if (++n->calls > 10) return 1;   /* a restarted walk would loop: stop */
  n->inner_rc = store_each_run(n->db, walk_again, n, n->err);
  return 0;
}

static void test_store_nested_walk_of_one_query_fails_instead_of_looping(void) {
  char err[POD_ERRLEN];
  nested n = {0};
  store_db *db = open_fresh();
  add_run(db, "a", "t");
  add_run(db, "b", "t");
  n.db = db;
  CHECK_INT(store_each_run(db, walk_again, &n, err), POD_OK);
  CHECK_INT(n.calls, 2);
  CHECK_INT(n.inner_rc, POD_EINTERNAL);
  CHECK_HAS(n.err, "nested use of one statement");
  store_close(db);
}

/* A source added in a transaction of its own (another writer's commit). */
static void commit_source(store_db *writer, const char *sha) {
  char err[POD_ERRLEN];
  CHECK_INT(store_begin(writer, err), POD_OK);
  add_source(writer, sha);
  CHECK_INT(store_commit(writer, err), POD_OK);
}

/* A connection marked before another begins its read knows, with no
** digest, that it reads that state when nothing was committed between;
** a commit in between is seen (it then reads the digest: render/jobs.c);
** a server, which has no data_version, always reads the digest. */
static void test_store_read_join_knows_the_state_or_says_not(void) {
  store_db *writer = open_fresh(), *main_db = NULL, *other = NULL;
  char err[POD_ERRLEN], d1[65], d2[65];
  commit_source(writer, "aa");
  CHECK_RC(store_reopen(writer, &main_db, err), POD_OK, err);
  CHECK_RC(store_reopen(writer, &other, err), POD_OK, err);
  /* nothing between: the same state, no digest read */
  store_read_mark(other);
  CHECK_RC(store_read_begin(main_db, 0, d1, err), POD_OK, err);
  CHECK_INT(store_read_join(other), !test_registry_url);
  if (test_registry_url) CHECK_RC(store_read_begin(other, 0, d2, err), POD_OK, err);
  store_read_end(main_db);
  store_read_end(other);
  /* a commit after the mark, before the read: not known */
  store_read_mark(other);
  commit_source(writer, "bb");
  CHECK_RC(store_read_begin(main_db, 0, d1, err), POD_OK, err);
  CHECK_INT(store_read_join(other), 0);
  CHECK_RC(store_read_begin(other, 0, d2, err), POD_OK, err);
  CHECK_STR(d1, d2);   /* the digest says it */
  /* once: a second join is not known either */
  CHECK_INT(store_read_join(other), 0);
  store_read_end(main_db);
  store_read_end(other);
  /* both marked, the other joined before main begins (render/site.c
  ** reads the run feeds on it meanwhile): the same state when main's
  ** data_version has not moved either, and the feeds handed over */
  store_read_mark(other);
  store_read_mark(main_db);
  CHECK_INT(store_read_join(other), !test_registry_url);
  if (!test_registry_url) CHECK_RC(store_read_prefetch(other, err), POD_OK, err);
  CHECK_RC(store_read_begin(main_db, 0, d1, err), POD_OK, err);
  CHECK_INT(store_read_still(main_db), !test_registry_url);
  store_read_give(other, main_db);
  CHECK_INT(store_read_join(other), !test_registry_url);   /* joined already */
  store_read_end(main_db);
  store_read_end(other);
  /* a commit after main's mark: main's state is not the marked one */
  store_read_mark(main_db);
  commit_source(writer, "cc");
  CHECK_RC(store_read_begin(main_db, 0, d1, err), POD_OK, err);
  CHECK_INT(store_read_still(main_db), 0);
  store_read_end(main_db);
  store_close(other);
  store_close(main_db);
  store_close(writer);
}

const test_case tests_store[] = {
    {"store_read_join_knows_the_state_or_says_not",
     test_store_read_join_knows_the_state_or_says_not},
  {"store_leaderboard_ranks_each_split_apart", test_store_leaderboard_ranks_each_split_apart},
  {"store_nested_walk_of_one_query_fails_instead_of_looping", test_store_nested_walk_of_one_query_fails_instead_of_looping},
  {"store_migrates_an_old_registry_forward", test_store_migrates_an_old_registry_forward},
  {"store_refuses_a_registry_from_a_newer_podium", test_store_refuses_a_registry_from_a_newer_podium},
  {"store_rejects_a_file_that_is_not_sqlite", test_store_rejects_a_file_that_is_not_sqlite},
  {"store_leaderboard_query_uses_an_index", test_store_leaderboard_query_uses_an_index},
  {"store_ties_share_a_rank", test_store_ties_share_a_rank},
  {"store_board_patch_equals_the_board_read_again", test_store_board_patch_equals_the_board_read_again},
  {"store_primary_ranking_carries_cost_columns", test_store_primary_ranking_carries_cost_columns},
  {"store_same_environment_fields_give_one_row", test_store_same_environment_fields_give_one_row},
  {"store_rollback_leaves_nothing", test_store_rollback_leaves_nothing},
  {"store_per_file_lookups_use_indexes", test_store_per_file_lookups_use_indexes},
  {"store_pending_rows_read_back_and_roll_back", test_store_pending_rows_read_back_and_roll_back},
  {"store_curve_points_read_back_exactly", test_store_curve_points_read_back_exactly},
  {"store_curve_values_without_a_cell_read_back_exactly", test_store_curve_values_without_a_cell_read_back_exactly},
  {"store_get_run_by_id_and_by_name", test_store_get_run_by_id_and_by_name},
  {"store_rows_walk_back_as_given", test_store_rows_walk_back_as_given},
  {NULL, NULL},
};
