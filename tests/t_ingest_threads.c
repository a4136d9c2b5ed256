/*
** tests/t_ingest_threads.c -- ingest beside its helper threads (issue 14):
** the read-ahead (ingest/read_ahead.c) changes nothing, checkpoints run
** behind the writer (store/checkpoint.c), and the foreign keys an ingest
** leaves unchecked (store/batch.c) leave no dangling reference, and
** optimistic batches (no savepoint per file) lose no file.
*/
#include "tests/test.h"
#include "core/buf.h"
#include "core/fs.h"
#include "ingest/ingest.h"
#include "ingest/ingest_int.h"   /* the read-ahead itself */
#include "store/store.h"
#include "store/store_int.h"   /* the checkpoint thread's limits */

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The CLI reads and hashes the files of its list on a thread, and parses
** small JSON files there (read_ahead.c, issue 14): that must change
** nothing. A folder of every kind (each writer's files from tests/data,
** a trainer_state.json with a BOM, one in percent that is read twice, a
** JSON syntax error, an empty file, a Trainer checkpoint, the same bytes
** twice, a log over the in-memory size) is ingested file by file into
** two registries, with and without the read-ahead: the same statuses,
** the same messages, the same values. */
static void ingest_list(const char *db_path, int ahead, const char *dir,
                        pod_buf *said) {
  char err[POD_ERRLEN];
  ingest_meta none = {0};
  store_db *db = NULL;
  ingest_path *list = NULL;
  const char *args[1] = {dir};
  int n = 0;
  if (store_open(db_path, &db, err)) test_fail(__FILE__, __LINE__, "%s", err);
  ingest_session *s = ingest_session_new(db, &none);
  ingest_session_batch(s, 4, 60);
  CHECK_RC(ingest_expand(args, 1, &list, &n, err), POD_OK, err);
  if (ahead) ingest_session_read_ahead(s, list, n);
  for (int i = 0; i < n; i++) {
    int status = -1;
    long rows = 0;
    int rc = ingest_file(s, &list[i], &status, &rows, err);
    pod_buf_printf(said, "%s: rc %d status %d rows %ld %s\n",
                   list[i].path + strlen(dir), rc, status, rows,
                   rc ? err + (strncmp(err, dir, strlen(dir)) ? 0 : strlen(dir))
                      : "");
    if (ingest_session_due(s) && ingest_session_commit(s, err))
      test_fail(__FILE__, __LINE__, "%s", err);
  }
  CHECK_RC(ingest_session_commit(s, err), POD_OK, err);
  ingest_session_free(s);
  store_close(db);
  ingest_paths_free(list, n);
}

/* Every row of sql in the registry at path, cells joined by | */
static void dump_rows(const char *path, const char *sql, pod_buf *out) {
  sqlite3 *db;
  sqlite3_stmt *st = NULL;
  CHECK_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  CHECK_INT(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    for (int i = 0; i < sqlite3_column_count(st); i++) {
      const unsigned char *v = sqlite3_column_text(st, i);
      pod_buf_printf(out, "%s|", v ? (const char *)v : "NULL");
    }
    pod_buf_addc(out, '\n');
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
}

static void test_ingest_read_ahead_changes_nothing(void) {
  static const char *const kinds[] = {"hf-trainer", "keras-csvlogger",
    "lightning-csv", "codecarbon", "hf-benchmark", "eit", "bad-lines"};
  static const char q[] = "SELECT s.path, s.sha256, s.format, "
    "s.format_version, s.rows, r.name, r.model, (SELECT name FROM metrics "
    "WHERE id = m.metric_id), "
    "quote(m.value), m.raw_value, m.raw_unit, m.epoch, m.step, m.split, "
    "m.line, m.derived FROM measurements_all m JOIN sources s ON "
    "s.id = m.source_id JOIN runs r ON r.id = m.run_id "
    "ORDER BY 1, 8, 12, 13, 14, 15, 16, 9";
  char dir[512], cmd[4096], a_db[512], b_db[512];
  pod_buf a = POD_BUF_INIT, b = POD_BUF_INIT, big = POD_BUF_INIT;
  pod_buf rows_a = POD_BUF_INIT, rows_b = POD_BUF_INIT;
  snprintf(dir, sizeof dir, "%s", test_path("ra"));
  snprintf(a_db, sizeof a_db, "%s", test_path("ra-a.db"));
  snprintf(b_db, sizeof b_db, "%s", test_path("ra-b.db"));
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp -R '%s' '%s/'", dir,
             test_data(kinds[i]), dir);
    CHECK_INT(system(cmd), 0);
  }
  test_make_folder_of(test_path("ra/bom/trainer_state.json"));
  test_write(test_path("ra/bom/trainer_state.json"),
             "\xEF\xBB\xBF{\"log_history\": [{\"epoch\": 1.0, "
             "\"eval_loss\": 0.5, \"eval_accuracy\": 0.8, \"step\": 10}]}\n",
             (size_t)-1);
  test_make_folder_of(test_path("ra/pct/trainer_state.json"));
  test_write(test_path("ra/pct/trainer_state.json"),
             "{\"log_history\": [{\"epoch\": 1.0, \"eval_loss\": 0.5, "
             "\"eval_accuracy\": 85.5, \"step\": 10},\n{\"epoch\": 2.0, "
             "\"eval_loss\": 0.4, \"eval_accuracy\": 89.9, \"step\": 20}]}\n",
             (size_t)-1);
  test_make_folder_of(test_path("ra/syntax/trainer_state.json"));
  test_write(test_path("ra/syntax/trainer_state.json"),
             "{\"log_history\": [{\"epoch\": 1.0,\n \"eval_loss\": 0.5,,}]}\n",
             (size_t)-1);
  test_make_folder_of(test_path("ra/empty/all_results.json"));
  test_write(test_path("ra/empty/all_results.json"), "", 0);
  test_make_folder_of(test_path("ra/run/checkpoint-10/trainer_state.json"));
  test_write(test_path("ra/run/checkpoint-10/trainer_state.json"),
             "{\"log_history\": [{\"epoch\": 1.0, \"loss\": 0.7, \"step\": 10}]}\n",
             (size_t)-1);
  test_write(test_path("ra/run/trainer_state.json"),
             "{\"log_history\": [{\"epoch\": 1.0, \"loss\": 0.7, \"step\": 10},"
             "{\"epoch\": 2.0, \"loss\": 0.6, \"step\": 20}]}\n", (size_t)-1);
  test_make_folder_of(test_path("ra/twin/trainer_state.json"));
  snprintf(cmd, sizeof cmd, "cp '%s/run/trainer_state.json' '%s/twin/'", dir,
           dir);
  CHECK_INT(system(cmd), 0);
  pod_buf_adds(&big, "epoch,accuracy,loss,val_accuracy,val_loss\n");
  for (int e = 0; big.len <= 70000; e++)
    pod_buf_printf(&big, "%d,0.%04d,0.%04d,0.%04d,0.%04d\n", e, 5000 + e % 4000,
                   9000 - e % 4000, 4000 + e % 4000, 9500 - e % 4000);
  test_make_folder_of(test_path("ra/big/training.log"));
  test_write(test_path("ra/big/training.log"), big.data, big.len);

  ingest_list(a_db, 0, dir, &a);
  ingest_list(b_db, 1, dir, &b);
  CHECK_STR(b.data, a.data);
  CHECK_HAS(a.data, "/pct/trainer_state.json: rc 0 status 0");
  CHECK_HAS(a.data, "/syntax/trainer_state.json: rc 1 status 0 rows 0 /syntax/trainer_state.json:2:20: found");
  CHECK_HAS(a.data, "/twin/trainer_state.json: rc 0 status 1");
  CHECK_HAS(a.data, "/checkpoint-10/trainer_state.json: rc 0 status 2");
  CHECK_HAS(a.data, "/big/training.log: rc 0 status 0");
  dump_rows(a_db, q, &rows_a);
  dump_rows(b_db, q, &rows_b);
  CHECK(rows_a.len > 10000);
  CHECK_HAS(rows_a.data, "|89.9|%|");
  CHECK_STR(rows_b.data, rows_a.data);
  /* the command line: the read-ahead and optimistic batches, whose files
  ** go in again when a broken file undoes the batch: the same rows (ids
  ** may be given in another order: a file read twice, in percent, goes
  ** in before the files it undid) */
  {
    pod_buf o = POD_BUF_INIT, e = POD_BUF_INIT, rows_c = POD_BUF_INIT;
    CHECK_INT(test_podium(&o, &e, "--db ra-c.db ingest ra"), 1);
    CHECK_HAS(e.data, "ra/syntax/trainer_state.json:2:20: found");
    CHECK_HAS(o.data, "skipped ra/twin/trainer_state.json (the same bytes as "
              "ra/run/trainer_state.json");
    dump_rows(test_path("ra-c.db"), q, &rows_c);
    /* paths as the command line gave them */
    pod_buf_free(&rows_b);
    for (const char *r = rows_a.data, *at; (at = strstr(r, dir)); r = at + strlen(dir)) {
      pod_buf_add(&rows_b, r, (size_t)(at - r));
      pod_buf_adds(&rows_b, "ra");
      if (!strstr(at + strlen(dir), dir)) pod_buf_adds(&rows_b, at + strlen(dir));
    }
    CHECK_STR(rows_c.data, rows_b.data);
    pod_buf_free(&o);
    pod_buf_free(&e);
    pod_buf_free(&rows_c);
  }
  pod_buf_free(&a);
  pod_buf_free(&b);
  pod_buf_free(&big);
  pod_buf_free(&rows_a);
  pod_buf_free(&rows_b);
}

/* A long ingest copies the write-ahead log back into the registry on a
** thread (store/checkpoint.c): the thread does run checkpoints, the log
** starts over once it is past its limit (it would otherwise grow as long
** as the writes go on: each checkpoint runs beside the next batch), and
** every file is in the registry, read by another connection. Limits
** lowered: a request every 8 frames, caught up at 64. */
static void test_ingest_checkpoints_behind_the_writer(void) {
  char err[POD_ERRLEN], name[64], wal[600];
  int every = store_checkpoint_every, most = store_checkpoint_most;
  struct stat st;
  off_t wal_most = 0;
  store_checkpoint_every = 8;
  store_checkpoint_most = 64;
  store_db *db = test_open_db();
  store_checkpoint_behind(db);
  store_trust_references(db);
  snprintf(wal, sizeof wal, "%s-wal", test_path("t.db"));
  for (int i = 0; i < 120; i++) {
    const char *paths[1];
    pod_buf log = POD_BUF_INIT;
    pod_buf_adds(&log, "epoch,accuracy,loss,val_accuracy,val_loss\n");
    for (int e = 0; e < 40; e++)
      pod_buf_printf(&log, "%d,0.%04d,0.%04d,0.%04d,0.%04d\n", e, 5000 + i + e,
                     9000 - e, 4000 + i + e, 9500 - e);
    snprintf(name, sizeof name, "cp/m%03d/training.log", i);
    test_make_folder_of(test_path(name));
    test_write(test_path(name), log.data, log.len);
    pod_buf_free(&log);
    paths[0] = test_path(name);
    CHECK_RC(test_ingest_into(db, NULL, paths, 1, err), POD_OK, err);
    if (stat(wal, &st) == 0 && st.st_size > wal_most) wal_most = st.st_size;
  }
  CHECK(store_checkpoints_behind(db) > 0);
  /* the thread's checkpoints are no other writer's commits */
  CHECK_INT(store_references_trusted(db), 1);
  /* the limit, one file's commit and the frame headers: not 120 files */
  CHECK(wal_most < (64 + 64) * (4096 + 24) + 32);
  CHECK(wal_most > 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 120);
  store_close(db);
  store_checkpoint_every = every;
  store_checkpoint_most = most;
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 120);
  CHECK_STR(test_query_text("PRAGMA integrity_check"), "ok");
}

/* podium ingest leaves foreign keys unchecked (store/batch.c): a
** --replace then removes the rows below the old file and the runs it
** leaves empty by hand. Both ways give the same registry, with no
** dangling reference: files of every table below a source (a benchmark's
** measurements, CodeCarbon snapshots' samples and tracker rows, a log's
** curve chunks and results) ingested, then each replaced by other bytes. */
static void replace_all(const char *db_path, int trust, const char *dir,
                        pod_buf *dump) {
  static const char *const names[] = {"inference_time_1.csv",
    "emissions.csv", "training.log"};
  static const char q[] = "SELECT 'm', s.path, r.name, r.model, m.metric_id, "
    "quote(m.value), m.raw_value, m.epoch, m.step, m.line, m.derived FROM "
    "measurements_all m JOIN sources s ON s.id = m.source_id JOIN runs r ON "
    "r.id = m.run_id UNION ALL SELECT 's', s.path, r.name, r.model, x.step, "
    "quote(x.duration), x.line, NULL, NULL, NULL, NULL FROM samples x JOIN "
    "sources s ON s.id = x.source_id JOIN runs r ON r.id = x.run_id "
    "UNION ALL SELECT 'r', count(*), NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL, NULL, NULL FROM runs ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10";
  char err[POD_ERRLEN];
  store_db *db = NULL;
  ingest_meta m = {0};
  if (store_open(db_path, &db, err)) test_fail(__FILE__, __LINE__, "%s", err);
  if (trust) store_trust_references(db);
  for (int round = 0; round < 2; round++) {
    pod_buf t = POD_BUF_INIT;
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, names[0]);
    pod_buf_adds(&t, "model,batch_size,sequence_length,result\n");
    pod_buf_printf(&t, "bert-base-uncased,8,128,0.0%d21\ndistilbert,8,128,0.0%d11\n",
                   round + 1, round + 1);
    test_write(path, t.data, t.len);
    pod_buf_clear(&t);
    snprintf(path, sizeof path, "%s/%s", dir, names[1]);
    pod_buf_adds(&t, "timestamp,project_name,run_id,duration,emissions,"
                 "emissions_rate,cpu_power,gpu_power,ram_power,cpu_energy,"
                 "gpu_energy,ram_energy,energy_consumed,country_name,"
                 "country_iso_code,region,cloud_provider,cloud_region,os,"
                 "python_version,codecarbon_version,cpu_count,cpu_model,"
                 "gpu_count,gpu_model,longitude,latitude,ram_total_size,"
                 "tracking_mode,on_cloud,pue\n");
    for (int k = 0; k < 3; k++)   /* one run, three snapshots; a second */
      pod_buf_printf(&t, "2024-03-0%dT10:00:0%d,proj,%s,%d.5,0.00%d,1e-06,"
                     "42.5,0,11.7,0.001,0,0.0003,0.0013,Canada,CAN,quebec,,,"
                     "Linux-5.15,3.10.12,2.3.4,8,Intel Xeon,,,-73.6,45.5,31.3,"
                     "machine,N,1.0\n", round + 1, k,
                     k < 2 ? "aaaa-1111" : "bbbb-2222", 10 * (k + 1) + round,
                     k + 1);
    test_write(path, t.data, t.len);
    pod_buf_clear(&t);
    snprintf(path, sizeof path, "%s/%s", dir, names[2]);
    pod_buf_adds(&t, "epoch,accuracy,loss,val_accuracy,val_loss\n");
    for (int e = 0; e < 4 + round; e++)
      pod_buf_printf(&t, "%d,0.%d,0.%d,0.%d,0.%d\n", e, 60 + e, 50 - e,
                     55 + e + round, 52 - e);
    test_write(path, t.data, t.len);
    pod_buf_free(&t);
    ingest_session *s = ingest_session_new(db, &m);
    for (int i = 0; i < 3; i++) {
      ingest_path p = {0};
      int status;
      long rows;
      snprintf(path, sizeof path, "%s/%s", dir, names[i]);
      p.path = path;
      CHECK_RC(ingest_file(s, &p, &status, &rows, err), POD_OK, err);
      CHECK_INT(status, INGEST_ADDED);
    }
    ingest_session_free(s);
    m.replace = 1;
  }
  CHECK_INT(store_references_trusted(db), trust);
  store_close(db);
  dump_rows(db_path, q, dump);
  dump_rows(db_path, "PRAGMA foreign_key_check", dump);
}

static void test_ingest_replace_without_checked_references(void) {
  char dir[512], a_db[512], b_db[512];
  pod_buf a = POD_BUF_INIT, b = POD_BUF_INIT;
  snprintf(dir, sizeof dir, "%s", test_path("fk/model"));
  test_make_folder_of(test_path("fk/model/x"));
  snprintf(a_db, sizeof a_db, "%s", test_path("fk-a.db"));
  snprintf(b_db, sizeof b_db, "%s", test_path("fk-b.db"));
  replace_all(a_db, 0, dir, &a);
  replace_all(b_db, 1, dir, &b);
  CHECK_HAS(a.data, "m|");
  CHECK_HAS(a.data, "s|");
  CHECK_HAS(a.data, "|0.0221|");     /* the benchmark's second bytes */
  CHECK(!strstr(a.data, "|0.0121|"));   /* not its first */
  CHECK(!strstr(a.data, "|20.5|"));     /* nor the first emissions */
  CHECK_STR(b.data, a.data);
  pod_buf_free(&a);
  pod_buf_free(&b);
}

/* Another connection's commit ends the trust, for good: the next
** transaction checks references again (a run id the session kept could
** be gone). */
static void test_ingest_another_writer_ends_trusted_references(void) {
  char err[POD_ERRLEN];
  store_db *db = test_open_db(), *other = test_open_db();
  store_trust_references(db);
  CHECK_INT(store_references_trusted(db), 1);
  CHECK_RC(store_begin(db, err), POD_OK, err);
  CHECK_RC(store_commit(db, err), POD_OK, err);
  CHECK_INT(store_references_trusted(db), 1);
  CHECK_RC(store_begin(other, err), POD_OK, err);
  CHECK_RC(store_exec_raw(other, "INSERT INTO metrics (name, unit, direction) "
                          "VALUES ('fk_probe', 's', -1)"), SQLITE_OK, "insert");
  CHECK_RC(store_commit(other, err), POD_OK, err);
  CHECK_RC(store_begin(db, err), POD_OK, err);
  CHECK_INT(store_references_trusted(db), 0);
  CHECK_RC(store_exec_raw(db, "INSERT INTO runs (model, scope, created_at, "
                          "environment_id) VALUES ('m', 's', 'now', 99999)"),
           SQLITE_CONSTRAINT, "a run of no environment");
  store_rollback(db);
  store_close(other);
  store_close(db);
}

/* What the read-ahead takes on and what it leaves to the registry thread:
** a small file with its bytes and hash, and its tree when hf_trainer.c
** would read it; no tree for other JSON; a file over 64 KiB not at all
** (the thread would hash it, and the registry thread read it again: a
** file rewritten in between would have gone in with another's hash);
** an ignored path not at all. */
static void test_ingest_read_ahead_takes_small_files_only(void) {
  static const char *const names[] = {"ra2/a/trainer_state.json",
    "ra2/b/other.json", "ra2/c/training.log", "ra2/d/training.log",
    "ra2/e/trainer_state.json"};
  ingest_path paths[5];
  pod_buf big = POD_BUF_INIT, data = POD_BUF_INIT;
  char keep[5][600];
  for (int i = 0; i < 5; i++) {
    snprintf(keep[i], sizeof keep[i], "%s", test_path(names[i]));
    test_make_folder_of(keep[i]);
    memset(&paths[i], 0, sizeof paths[i]);
    paths[i].path = keep[i];
  }
  test_write(keep[0], "{\"log_history\": [{\"epoch\": 1.0, \"loss\": 0.5, "
             "\"step\": 1}]}\n", (size_t)-1);
  test_write(keep[1], "{\"a\": 1}\n", (size_t)-1);
  pod_buf_adds(&big, "epoch,accuracy,loss\n");
  while (big.len <= 65536) pod_buf_printf(&big, "%zu,0.5,0.5\n", big.len);
  test_write(keep[2], big.data, big.len);
  test_write(keep[3], "epoch,accuracy,loss\n0,0.5,0.5\n", (size_t)-1);
  test_write(keep[4], "{\"log_history\": []}\n", (size_t)-1);
  paths[4].why_ignored = "a checkpoint";
  ingest_read_ahead *ra = ingest_read_ahead_start(paths, 5);
  ingest_read got;
  size_t end = 0;
  CHECK(ra != NULL);
  CHECK_INT(ingest_read_ahead_take(ra, &paths[0], &got, &data), 1);
  CHECK_INT((int)got.bytes, (int)data.len);
  CHECK(data.len > 10 && !memcmp(data.data, "{\"log_history\"", 14));
  cJSON *tree = ingest_read_ahead_json(ra, &end);
  CHECK(tree != NULL);
  CHECK_INT((int)end, (int)data.len - 1);   /* before the newline */
  cJSON_Delete(tree);
  CHECK(ingest_read_ahead_json(ra, &end) == NULL);   /* handed over once */
  CHECK_INT(ingest_read_ahead_take(ra, &paths[1], &got, &data), 1);
  CHECK(ingest_read_ahead_json(ra, &end) == NULL);   /* no trainer file */
  CHECK_INT(ingest_read_ahead_take(ra, &paths[2], &got, &data), 0);
  CHECK_INT(ingest_read_ahead_take(ra, &paths[3], &got, &data), 1);
  {
    char sha[65];
    int64_t n;
    char err[POD_ERRLEN];
    CHECK_RC(pod_file_sha256(keep[3], sha, &n, err), POD_OK, err);
    CHECK_STR(got.sha, sha);
  }
  CHECK_INT(ingest_read_ahead_take(ra, &paths[4], &got, &data), 0);
  CHECK_INT(ingest_read_ahead_take(ra, &paths[0], &got, &data), 0);  /* past */
  ingest_read_ahead_stop(ra);
  pod_buf_free(&big);
  pod_buf_free(&data);
}

/* Optimistic batches (the CLI's): a file after a batch's first takes
** no savepoint; a broken one undoes the batch, says so once
** (ingest_session_replay), and the session takes savepoints from then
** on: a broken file later undoes only itself. */
static void test_ingest_optimistic_batch_replays(void) {
  char err[POD_ERRLEN];
  ingest_meta none = {0};
  store_db *db = NULL;
  int status;
  long rows;
  static const char *const good[] = {"o/a/training.log", "o/b/training.log",
                                     "o/d/training.log", "o/e/training.log"};
  ingest_path p[4], bad, pct;
  long undone = -1;
  memset(p, 0, sizeof p);
  memset(&bad, 0, sizeof bad);
  bad.path = strdup(test_path("o/c/training.log"));
  for (int i = 0; i < 4; i++) {
    char text[128];
    snprintf(text, sizeof text, "epoch,accuracy,loss\n0,0.5,1.%d\n1,0.6,0.9\n", i);
    p[i].path = strdup(test_path(good[i]));   /* test_path's buffers rotate */
    test_make_folder_of(p[i].path);
    test_write(p[i].path, text, (size_t)-1);
  }
  test_make_folder_of(bad.path);
  test_write(bad.path, "epoch,accuracy,loss\n0,0.5,oops\n", (size_t)-1);
  CHECK_RC(store_open(test_path("o.db"), &db, err), POD_OK, err);
  ingest_session *s = ingest_session_new(db, &none);
  ingest_session_batch(s, 64, 3600);
  ingest_session_optimistic(s, 1);
  for (int i = 0; i < 2; i++) {
    CHECK_RC(ingest_file(s, &p[i], &status, &rows, err), POD_OK, err);
    CHECK_INT(ingest_session_replay(s, &undone), 0);
  }
  CHECK_INT(ingest_session_unsettled(s), 2);
  CHECK_INT(ingest_file(s, &bad, &status, &rows, err), POD_EINPUT);
  CHECK_HAS(err, "o/c/training.log:2:");
  /* a and b went with it: to be ingested again, not told lost */
  CHECK_INT(ingest_session_replay(s, &undone), 1);
  CHECK_INT(undone, 0);
  CHECK_INT(ingest_session_replay(s, &undone), 0);
  CHECK_INT(ingest_session_unsettled(s), 0);
  CHECK_INT(ingest_session_lost(s), 0);
  for (int i = 0; i < 2; i++) {
    CHECK_RC(ingest_file(s, &p[i], &status, &rows, err), POD_OK, err);
    CHECK_INT(status, INGEST_ADDED);
  }
  /* savepoints from now on: the broken file undoes itself alone */
  CHECK_RC(ingest_file(s, &p[2], &status, &rows, err), POD_OK, err);
  CHECK_INT(ingest_file(s, &bad, &status, &rows, err), POD_EINPUT);
  CHECK_INT(ingest_session_replay(s, &undone), 0);
  CHECK_INT(ingest_session_unsettled(s), 3);
  CHECK_RC(ingest_file(s, &p[3], &status, &rows, err), POD_OK, err);
  CHECK_RC(ingest_session_commit(s, err), POD_OK, err);
  ingest_session_free(s);
  store_close(db);
  CHECK_STR(test_sql_text("o.db", "SELECT group_concat(substr(path, -14), ' ') "
                          "FROM (SELECT path FROM sources ORDER BY path)"),
            "a/training.log b/training.log d/training.log e/training.log");
  CHECK_STR(test_sql_text("o.db", "SELECT count(*) FROM runs"), "4");
  CHECK_STR(test_sql_text("o.db", "PRAGMA foreign_key_check"), "");
  /* a file read twice (accuracy in percent) after a batch's first: its
  ** first read undoes the batch, its second begins a batch of its own,
  ** which is not committed while the undone files wait, however old the
  ** undone batch was (helper-25: it was committed alone, and the files
  ** undone before it were told added, never in) */
  memset(&pct, 0, sizeof pct);
  pct.path = strdup(test_path("o2/c/training.log"));
  test_make_folder_of(pct.path);
  test_write(pct.path, "epoch,accuracy,loss\n0,50,1.5\n1,60,0.9\n", (size_t)-1);
  CHECK_RC(store_open(test_path("o2.db"), &db, err), POD_OK, err);
  s = ingest_session_new(db, &none);
  ingest_session_batch(s, 64, 0.2);
  ingest_session_optimistic(s, 1);
  CHECK_RC(ingest_file(s, &p[0], &status, &rows, err), POD_OK, err);
  CHECK_INT(ingest_session_unsettled(s), 1);
  usleep(300000);   /* the batch is due by the clock */
  CHECK_RC(ingest_file(s, &pct, &status, &rows, err), POD_OK, err);
  CHECK_INT(status, INGEST_ADDED);
  CHECK_INT(ingest_session_replay(s, &undone), 1);
  CHECK_INT(undone, 0);
  CHECK_INT(ingest_session_commits(s), 0);
  CHECK_INT(ingest_session_unsettled(s), 1);
  CHECK_RC(ingest_file(s, &p[0], &status, &rows, err), POD_OK, err);
  CHECK_INT(status, INGEST_ADDED);
  CHECK_RC(ingest_session_commit(s, err), POD_OK, err);
  ingest_session_free(s);
  store_close(db);
  free(pct.path);
  for (int i = 0; i < 4; i++) free(p[i].path);
  free(bad.path);
  CHECK_STR(test_sql_text("o2.db", "SELECT count(*) FROM sources"), "2");
  CHECK_STR(test_sql_text("o2.db", "SELECT max(value) FROM measurements_all "
                          "WHERE metric_id = (SELECT id FROM metrics WHERE "
                          "name = 'accuracy')"), "0.6");
}

const test_case tests_ingest_threads[] = {
  {"ingest_optimistic_batch_replays", test_ingest_optimistic_batch_replays},
  {"ingest_read_ahead_changes_nothing", test_ingest_read_ahead_changes_nothing},
  {"ingest_read_ahead_takes_small_files_only", test_ingest_read_ahead_takes_small_files_only},
  {"ingest_checkpoints_behind_the_writer", test_ingest_checkpoints_behind_the_writer},
  {"ingest_replace_without_checked_references", test_ingest_replace_without_checked_references},
  {"ingest_another_writer_ends_trusted_references", test_ingest_another_writer_ends_trusted_references},
  {NULL, NULL},
};
