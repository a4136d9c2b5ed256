/*
** tests/t_ingest.c -- ingest/: the transformers benchmark files as they
** are written in the wild, and every kind of bad file, each of which must
** be refused with a located message and leave the registry as it was.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "core/sha256.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "store/store_int.h"   /* store_exec_raw: a tiny page cache */

#include <math.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void test_ingest_reads_transformers_time_files(void) {
  char err[POD_ERRLEN];
  store_db *db = test_open_db();
  const char *paths[] = {test_fixture("hf-benchmark", "inference_time_1590589635.csv")};
  CHECK_INT(test_ingest_into(db, NULL, paths, 1, err), POD_OK);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements"), 4);
  CHECK(test_query_num("SELECT value FROM measurements WHERE sequence_length = 8") == 0.0720);
  CHECK(test_query_num("SELECT value FROM measurements WHERE sequence_length = 512") == 3.8314);
  CHECK_INT(test_query_num("SELECT line FROM measurements WHERE sequence_length = 512"), 5);
  CHECK_INT(test_query_num("SELECT batch_size FROM measurements WHERE sequence_length = 512"), 8);
  CHECK_INT(test_query_num("SELECT count(*) FROM metrics WHERE name = 'inference_time' AND unit = 's' AND direction = -1"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE model = 'distilbert-base-uncased'"), 1);
  CHECK_INT(test_query_num("SELECT rows FROM sources"), 4);
  CHECK_INT(test_query_num("SELECT bytes FROM sources"), 190);
  CHECK_INT(test_query_num("SELECT length(sha256) FROM sources"), 64);
}

static void test_ingest_reads_memory_with_unit_suffixes_and_old_column(void) {
  char err[POD_ERRLEN];
  store_db *db = test_open_db();
  const char *paths[] = {test_fixture("hf-benchmark", "inference_memory_1590401111-unitsuffix.csv"),
                         test_fixture("hf-benchmark", "memory_1586264107-oldcolumn.csv")};
  CHECK_INT(test_ingest_into(db, NULL, paths, 2, err), POD_OK);
  store_close(db);
  /* "5.863MB" and "292.000KB" are 1024-based (bytes_to_human_readable) */
  CHECK(fabs(test_query_num("SELECT m.value FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.model = 'distilbert-base-cased'") - 5.863 * 1048576) < 1e-6);
  CHECK_INT(test_query_num("SELECT m.value FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.model = 'bert-base-cased'"), 292 * 1024);
  CHECK_INT(test_query_num("SELECT m.value FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.model = 'distilgpt2'"), 256 * 1024);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'inference_memory' AND t.unit = 'B'"), 3);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format_version LIKE 'before 2.10%'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE raw_value = '5.863MB' AND raw_unit = 'MB'"), 1);
}

static void test_ingest_integer_mb_is_mebibytes(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("inference_memory_1.csv");
  store_db *db = test_open_db();
  test_write(p, "model,batch_size,sequence_length,result\r\nbert,8,128,1307\r\n", 58);
  CHECK_INT(test_ingest_into(db, NULL, &p, 1, err), POD_OK);
  store_close(db);
  CHECK_INT(test_query_num("SELECT value FROM measurements"), 1307LL * 1048576);
}

static void test_ingest_train_time_names_the_metric(void) {
  char err[POD_ERRLEN];
  store_db *db = test_open_db();
  const char *paths[] = {test_fixture("hf-benchmark", "train_time_1590402664.csv")};
  CHECK_INT(test_ingest_into(db, NULL, paths, 1, err), POD_OK);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'train_time'"), 8);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);   /* two models */
}

static void test_ingest_env_file_describes_runs_in_its_folder(void) {
  char err[POD_ERRLEN];
  store_db *db = test_open_db();
  /* the folder holds env_info and results; env goes first whatever order */
  const char *paths[] = {test_fixture("hf-benchmark", "")};
  CHECK_INT(test_ingest_into(db, NULL, paths, 1, err), POD_OK);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE environment_id IS NULL"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments WHERE framework = 'PyTorch' AND framework_version = '1.5.0' AND python_version = '3.7.5' AND os = 'Linux' AND cpu_model IS NULL AND extras LIKE '%\"cpu\":\"x86_64\"%'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments WHERE extras LIKE '%\"use_torchscript\":\"False\"%'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 5);
}

/* An env_info file skipped as already in still describes its folder: new
** results added to a folder ingested before, and the same file copied
** into a second model's folder, get its machine (they had none). */
static void test_ingest_skipped_env_file_still_describes_its_folder(void) {
  char err[POD_ERRLEN];
  const char *env = "env_info_1592985573.csv";
  const char *p[4];
  p[0] = test_copy_fixture("hf-benchmark", env, "bert/env_info_1700000000.csv");
  p[1] = test_copy_fixture("hf-benchmark", "inference_time_1590589635.csv",
                           "bert/inference_time_1700000000.csv");
  CHECK_RC(test_ingest(NULL, p, 2, err), POD_OK, err);
  /* later: the same env_info beside another model's results, and a new
  ** file in the first folder, each folder ingested whole again */
  test_copy_fixture("hf-benchmark", env, "distil/env_info_1700000000.csv");
  test_copy_fixture("hf-benchmark", "inference_memory_1590401111-unitsuffix.csv",
                    "distil/inference_memory_1700000000.csv");
  test_copy_fixture("hf-benchmark", "train_time_1590402664.csv",
                    "bert/train_time_1700000001.csv");
  p[0] = test_path("distil");
  p[1] = test_path("bert");
  CHECK_RC(test_ingest(NULL, p, 2, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 4);
  CHECK(test_query_num("SELECT count(*) FROM runs") >= 3);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE environment_id IS NULL"), 0);
}

/* tests/data/hf-benchmark: the shared corpus's five transformers files,
** byte for byte (its SOURCES.md), so the suite needs nothing beside it. */
static void test_ingest_every_corpus_hf_file(void) {
  char err[POD_ERRLEN];
  store_db *db = test_open_db();
  const char *paths[] = {test_data("hf-benchmark")};
  CHECK_RC(test_ingest_into(db, NULL, paths, 1, err), POD_OK, err);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 5);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements"), 15);
}

static void test_ingest_same_file_twice_is_a_noop(void) {
  char err[POD_ERRLEN], before[65], after[65];
  store_db *db = test_open_db();
  ingest_meta none = {0};
  ingest_session *s = ingest_session_new(db, &none);
  ingest_path p = {(char *)test_fixture("hf-benchmark", "inference_time_1590589635.csv"), 0};
  int status;
  long rows;
  CHECK_INT(ingest_file(s, &p, &status, &rows, err), POD_OK);
  CHECK_INT(status, INGEST_ADDED);
  test_registry_checksum(before);
  CHECK_INT(ingest_file(s, &p, &status, &rows, err), POD_OK);
  CHECK_INT(status, INGEST_SKIPPED);
  test_registry_checksum(after);
  CHECK_STR(after, before);
  ingest_session_free(s);
  store_close(db);
}

static void test_ingest_accepts_bom_crlf_quotes_and_na(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("inference_time_2.csv");
  static const char data[] =
      "\xEF\xBB\xBF" "model,batch_size,sequence_length,result\r\n"
      "\"org/model, v2\",8,128,0.0180\r\n"
      "\"quoted \"\"name\"\"\",8,512,N/A\r\n"
      " spaced ,8,32,0.0064";   /* no newline at the end */
  store_db *db = test_open_db();
  test_write(p, data, sizeof data - 1);
  CHECK_INT(test_ingest_into(db, NULL, &p, 1, err), POD_OK);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE model = 'org/model, v2'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE model = 'spaced'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements"), 2);   /* N/A is no value */
  CHECK_INT(test_query_num("SELECT rows FROM sources"), 3);
  CHECK_INT(test_query_num("SELECT line FROM measurements WHERE sequence_length = 32"), 4);
}

/* Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR: the same
** rows, at the same lines, as the LF file (a CodeCarbon file read both
** ways), and a Keras log saved so; and a Keras log's CR CR LF. */
#define CR_ROWS "SELECT group_concat(metric_id || ':' || value || '@' || line, ' ') " \
  "FROM (SELECT * FROM measurements_all ORDER BY line, metric_id, value)"
static void test_ingest_reads_cr_only_line_ends(void) {
  char err[POD_ERRLEN];
  const char *src = test_fixture("codecarbon", "v2.3.1-1gni5-green-hackathon-emissions.csv");
  const char *p = test_path("emissions.csv");   /* test_path's buffer */
  pod_buf lf = POD_BUF_INIT;
  CHECK_INT(pod_file_read(src, &lf, err), POD_OK);
  CHECK(test_count(lf.data ? lf.data : "", "\n") > 2);
  for (size_t i = 0; i < lf.len; i++) if (lf.data[i] == '\n') lf.data[i] = '\r';
  test_write(p, lf.data, lf.len);
  pod_buf_free(&lf);
  CHECK_INT(test_ingest(NULL, &p, 1, err), POD_OK);
  char *cr = strdup(test_query_text(CR_ROWS));
  remove(test_path("t.db"));
  remove(test_path("t.db-wal"));
  remove(test_path("t.db-shm"));
  CHECK_INT(test_ingest(NULL, &src, 1, err), POD_OK);
  CHECK(strlen(cr) > 100);
  CHECK_STR(cr, test_query_text(CR_ROWS));
  free(cr);
  const char *q = test_path("training.log");   /* test_path's buffer */
  test_write(q, "epoch,accuracy,loss\r0,0.5,1.25\r1,0.625,1.0\r", (size_t)-1);
  CHECK_INT(test_ingest(NULL, &q, 1, err), POD_OK);
  CHECK_INT(test_query_num("SELECT line FROM measurements_all WHERE value = 0.625"), 3);
  CHECK_INT(test_query_num("SELECT rows FROM sources WHERE path LIKE '%training.log'"), 2);
  /* a Keras CSVLogger on Windows ends its lines CR CR LF: LF lines */
  q = test_path("win/training.log");
  test_make_folder_of(q);
  test_write(q, "epoch,accuracy,loss\r\r\n0,0.5,1.5\r\r\n1,0.75,1.125\r\r\n", (size_t)-1);
  CHECK_INT(test_ingest(NULL, &q, 1, err), POD_OK);
  CHECK_INT(test_query_num("SELECT line FROM measurements_all WHERE value = 1.125"), 3);
  CHECK_INT(test_query_num("SELECT rows FROM sources WHERE path LIKE '%win/training.log'"), 2);
}

/* A file over 64 KiB is read in 64 KiB chunks, and its first line end
** tells LF from CR-only files. When that line end is a CR that is the
** chunk's last byte, the next chunk's first byte decides: CR-only, CRLF
** and CR CR LF files split there read as their one-chunk twins do. */
static void test_ingest_reads_a_line_end_split_by_a_chunk(void) {
  static const char *ends[] = {"\r", "\r\n", "\r\r\n"};
  char err[POD_ERRLEN], path[512];
  for (int i = 0; i < 3; i++) {
    pod_buf b = POD_BUF_INIT;
    pod_buf_adds(&b, "epoch,loss,acc_");
    while (b.len < 65535) pod_buf_addc(&b, 'x');   /* the CR at byte 65535 */
    for (int row = 0; row < 3; row++)
      pod_buf_printf(&b, "%s%s", ends[i], row == 0 ? "0,1.5,0.5"
                                          : row == 1 ? "1,1.25,0.625"
                                                     : "2,1.0,0.75");
    pod_buf_adds(&b, ends[i]);
    snprintf(path, sizeof path, "%s", test_path("split/training.log"));
    test_make_folder_of(path);
    test_write(path, b.data, b.len);
    pod_buf_free(&b);
    remove(test_path("t.db"));
    remove(test_path("t.db-wal"));
    remove(test_path("t.db-shm"));
    const char *q = path;
    CHECK_INT(test_ingest(NULL, &q, 1, err), POD_OK);
    CHECK_INT(test_query_num("SELECT rows FROM sources"), 3);
    CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all"), 6);
    CHECK_INT(test_query_num("SELECT line FROM measurements_all WHERE value = 0.625"), 3);
    CHECK_INT(test_query_num("SELECT line FROM measurements_all WHERE value = 0.75"), 4);
  }
}

/* The heart of "nothing half-written": a registry with data, a bad file,
** the error text, and the registry unchanged to the byte. */
static void expect_refused(const char *name, const char *data, size_t n,
                           const char *want1, const char *want2) {
  test_expect_refused(test_fixture("hf-benchmark", "inference_time_1590589635.csv"), name, data, n, want1, want2);
}

#define HDR "model,batch_size,sequence_length,result\n"
#define REFUSE(name, lit, w1, w2) expect_refused(name, lit, sizeof lit - 1, w1, w2)

static void test_ingest_refuses_bad_rows_with_line_and_column(void) {
  REFUSE("inference_time_a.csv", HDR "bert,8,8,0.1\nbert,8,32\n",
         "inference_time_a.csv:3:", "expected 4 fields");
  REFUSE("inference_time_b.csv", HDR "bert,8,8,0.1,extra\n",
         "inference_time_b.csv:2:14:", "found \"extra\"");
  REFUSE("inference_time_c.csv", HDR "bert,8,8,fast\n",
         "inference_time_c.csv:2:10: found \"fast\"", "expected a time in seconds");
  REFUSE("inference_time_d.csv", HDR "bert,8,8,\"0,5\"\n",
         ":2:10: found \"0,5\"", NULL);
  REFUSE("inference_time_e.csv", HDR "bert,8,8,-0.5\n",
         ":2:10: found \"-0.5\"", "expected a value >= 0");
  REFUSE("inference_time_f.csv", HDR "bert,8,8,nan\n", ":2:10: found \"nan\"", NULL);
  REFUSE("inference_time_g.csv", HDR "bert,8,8,inf\n", ":2:10: found \"inf\"", NULL);
  /* a quoted field over two lines: the cell after it is on the next
  ** line, in a CR-only file as in an LF one (issue 14) */
  REFUSE("inference_time_q.csv", HDR "\"bert\nbase\",8,8,slow\n",
         ":3:11: found \"slow\"", NULL);
  REFUSE("inference_time_r.csv", "model,batch_size,sequence_length,result\r"
         "\"bert\rbase\",8,8,slow\r", ":3:11: found \"slow\"", NULL);
  REFUSE("inference_time_h.csv", HDR "bert,eight,8,0.1\n",
         ":2:6: found \"eight\"", "expected a batch size");
  REFUSE("inference_time_i.csv", HDR "bert,0,8,0.1\n", ":2:6:", "whole number >= 1");
  REFUSE("inference_time_j.csv", HDR ",8,8,0.1\n", ":2:1:", "expected a model name");
}

static void test_ingest_refuses_broken_files(void) {
  REFUSE("inference_time_k.csv", HDR "\"bert,8,8,0.1\n",
         "inference_time_k.csv:2:1: found a quoted field that never ends",
         "expected a closing quote");
  /* the quote that opens it is named, not the row's start, however many
  ** lines it swallowed */
  REFUSE("inference_time_k2.csv", HDR "bert,8,8,0.1\nbert,16,8,\"0.2\nb,8,8,1\n",
         "inference_time_k2.csv:3:11: found a quoted field that never ends", NULL);
  /* a doubled quote inside it is no opening quote */
  REFUSE("inference_time_k3.csv", HDR "bert,8,8,0.1\nbert,16,8,\"0.2\"\"\n",
         "inference_time_k3.csv:3:11: found a quoted field that never ends", NULL);
  REFUSE("inference_time_k4.csv", HDR "bert,8,8,0.1\n\"be\"\"r\"\"t,16,8,0.2\n",
         "inference_time_k4.csv:3:1: found a quoted field that never ends", NULL);
  REFUSE("inference_time_l.csv", HDR "be\"rt,8,8,0.1\n",
         ":2:", "stray quote");
  expect_refused("inference_time_m.csv", "", 0, "inference_time_m.csv:",
                 "found an empty file");
  REFUSE("inference_time_n.csv", HDR, "inference_time_n.csv:1:",
         "found a header but no rows");
  REFUSE("inference_time_o.csv", HDR "b\xffrt,8,8,0.1\n",
         "inference_time_o.csv:2:2: found byte 0xff", "(byte offset 41)");
  expect_refused("inference_time_p.csv", HDR "bert\0,8,8,0.1\n",
                 sizeof HDR + 14 - 1, ":2:5: found a NUL byte", "binary data");
  expect_refused("blob.bin", "\x7f" "ELF\0\0\0\x01", 8, "blob.bin:1:5: found a NUL byte",
                 "binary data");
  REFUSE("inference_time_q.csv", HDR "bert,8,8,0.1\nmodel,batch,seq,time\n",
         ":3:7: found \"batch\"", NULL);
  REFUSE("inference_time_r.csv", "model,model,sequence_length,result\nbert,8,8,0.1\n",
         ":1:1: found \"model,model,sequence_length,result\"", "podium formats");
  REFUSE("notes.txt", "Dear diary,\ntoday I trained BERT.\n",
         "notes.txt:1:1: found \"Dear diary,\"", "podium formats");
  REFUSE("inference_time_s.csv", HDR "bert,8,8,1e999\n", ":2:10:", NULL);
  /* UTF-16 (Windows' "Unicode"): named as such, not "binary data" */
  expect_refused("inference_time_u.csv", "\xFF\xFEm\0o\0d\0", 8,
                 "inference_time_u.csv:1:1: found UTF-16 text", "iconv");
  /* a lone CR inside a line (a row end to libcsv) merged two rows */
  REFUSE("inference_time_t.csv", HDR "bert,8\r,8,0.1\n",
         "inference_time_t.csv:2:7: found a carriage return (CR) inside the line", NULL);
  /* two columns whose first cell is a word env_info files use is not an
  ** env_info file (it went in as an environment of 2 timings) */
  REFUSE("inference_time.csv", "time,num_images\n8.044777393341064,67\n12.69,110\n",
         "inference_time.csv:1:1: found \"time,num_images\"", "podium formats");
  REFUSE("env.csv", "framework,accuracy\npytorch,0.91\n",
         "env.csv:1:1: found \"framework,accuracy\"", "podium formats");
}

static void test_ingest_refuses_a_field_over_the_size_limit(void) {
  size_t big = (1 << 20) + 10;
  char *data = malloc(sizeof HDR + big + 16);
  memcpy(data, HDR, sizeof HDR - 1);
  memset(data + sizeof HDR - 1, 'x', big);
  memcpy(data + sizeof HDR - 1 + big, ",8,8,0.1\n", 9);
  expect_refused("inference_time_big.csv", data, sizeof HDR - 1 + big + 9,
                 "inference_time_big.csv:2:", "over 1048576 bytes");
  free(data);
}

static void test_ingest_keeps_each_file_atomic_among_several(void) {
  char err[POD_ERRLEN];
  const char *good = test_path("inference_time_ok.csv");
  const char *bad = test_path("inference_time_zbad.csv");
  store_db *db = test_open_db();
  test_write(good, HDR "bert,8,8,0.1\n", sizeof HDR - 1 + 13);
  test_write(bad, HDR "distil,8,8,0.1\ndistil,8,8,oops\n", sizeof HDR - 1 + 31);
  ingest_meta none = {0};
  ingest_session *s = ingest_session_new(db, &none);
  ingest_path pg = {(char *)good, 0}, pb = {(char *)bad, 0};
  int status;
  long rows;
  CHECK_INT(ingest_file(s, &pg, &status, &rows, err), POD_OK);
  CHECK_INT(ingest_file(s, &pb, &status, &rows, err), POD_EINPUT);
  ingest_session_free(s);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 1);      /* no 'distil' */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements"), 1);
}

static void test_ingest_flags_set_run_metadata(void) {
  char err[POD_ERRLEN];
  ingest_meta m = {0};
  const char *p = test_fixture("hf-benchmark", "inference_time_1590589635.csv");
  m.project = "distil";
  m.role = "optimized";
  m.variant = "6-layer";
  m.dataset = "sst2";
  m.run_name = "exp-7";
  store_db *db = test_open_db();
  CHECK_INT(test_ingest_into(db, &m, &p, 1, err), POD_OK);
  /* a second file under the same --run joins that run */
  const char *q = test_fixture("hf-benchmark", "train_time_1590402664.csv");
  CHECK_INT(test_ingest_into(db, &m, &q, 1, err), POD_EINPUT);
  CHECK_HAS(err, "second model");
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE name = 'exp-7' AND project = 'distil' AND role = 'optimized' AND variant = '6-layer' AND dataset = 'sst2' AND scope = 'sst2'"), 1);
}

static void test_ingest_manifest_gives_metadata_and_flags_win(void) {
  char err[POD_ERRLEN];
  const char *dir = test_path("results");
  pod_buf tmp = POD_BUF_INIT;
  store_db *db = test_open_db();
  pod_buf_printf(&tmp, "mkdir -p %s/bert %s/distil", dir, dir);
  CHECK_INT(system(tmp.data), 0);
  test_write(test_path("results/podium.json"),
             "{\"project\": \"p\", \"dataset\": \"sst2\", \"tags\": {\"gpu\": \"v100\"},\n"
             " \"files\": [{\"glob\": \"bert/*\", \"role\": \"baseline\"},\n"
             "           {\"glob\": \"**/inference_time_2.csv\", \"role\": \"optimized\","
             " \"variant\": \"6L\", \"tags\": {\"seed\": \"7\"}}]}", SIZE_MAX);
  pod_buf_clear(&tmp);
  pod_file_read(test_path("results/podium.json"), &tmp, err);
  CHECK(tmp.len > 0);
  test_write(test_path("results/bert/inference_time_1.csv"), HDR "bert,8,8,0.1\n", sizeof HDR - 1 + 13);
  test_write(test_path("results/distil/inference_time_2.csv"), HDR "distil,8,8,0.05\n", sizeof HDR - 1 + 16);
  ingest_meta m = {0};
  m.dataset = "glue-sst2";   /* a flag beats the manifest */
  const char *paths[] = {dir};
  CHECK_RC(test_ingest_into(db, &m, paths, 1, err), POD_OK, err);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE model = 'bert' AND role = 'baseline' AND project = 'p' AND dataset = 'glue-sst2' AND tags = '{\"gpu\":\"v100\"}'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE model = 'distil' AND role = 'optimized' AND variant = '6L' AND tags = '{\"gpu\":\"v100\",\"seed\":\"7\"}'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE path LIKE '%podium.json'"), 0);
  pod_buf_free(&tmp);
}

static void test_ingest_refuses_a_bad_manifest(void) {
  char err[POD_ERRLEN];
  store_db *db = test_open_db();
  test_write(test_path("podium.json"), "{\"project\": \"p\",\n \"modle\": \"x\"}", SIZE_MAX);
  test_write(test_path("inference_time_1.csv"), HDR "bert,8,8,0.1\n", sizeof HDR - 1 + 13);
  const char *p = test_path("inference_time_1.csv");
  CHECK_INT(test_ingest_into(db, NULL, &p, 1, err), POD_EINPUT);
  CHECK_HAS(err, "podium.json: found key \"modle\"");
  test_write(test_path("podium.json"), "{\"project\": \"p\",\n \"role\": }", SIZE_MAX);
  CHECK_INT(test_ingest_into(db, NULL, &p, 1, err), POD_EINPUT);
  CHECK_HAS(err, "podium.json:2:10: found invalid JSON");
  test_write(test_path("podium.json"), "{\"role\": \"boss\"}", SIZE_MAX);
  CHECK_INT(test_ingest_into(db, NULL, &p, 1, err), POD_EINPUT);
  CHECK_HAS(err, "found role \"boss\"");
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 0);
}

static void test_ingest_changed_file_needs_replace(void) {
  char err[POD_ERRLEN], before[65], after[65];
  const char *p = test_path("inference_time_1.csv");
  store_db *db = test_open_db();
  test_write(p, HDR "bert,8,8,0.1\ndistil,8,8,0.05\n", sizeof HDR - 1 + 29);
  CHECK_RC(test_ingest_into(db, NULL, &p, 1, err), POD_OK, err);
  test_registry_checksum(before);
  test_write(p, HDR "bert,8,8,0.2\n", sizeof HDR - 1 + 13);   /* rerun: new numbers */
  CHECK_INT(test_ingest_into(db, NULL, &p, 1, err), POD_EINPUT);
  CHECK_HAS(err, "found a changed file");
  CHECK_HAS(err, "--replace");
  test_registry_checksum(after);
  CHECK_STR(after, before);
  ingest_meta m = {0};
  m.replace = 1;
  CHECK_RC(test_ingest_into(db, &m, &p, 1, err), POD_OK, err);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements"), 1);
  CHECK(test_query_num("SELECT value FROM measurements") == 0.2);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 1);   /* distil is gone */
  /* the same bytes again are a skip; under --replace they are read again
  ** (a newer podium may read them otherwise: columns in percent) */
  int status;
  long rows;
  char path[512];
  snprintf(path, sizeof path, "%s", test_path("inference_time_1.csv"));
  ingest_path ip = {path, 0, NULL};
  db = test_open_db();
  ingest_session *s = ingest_session_new(db, &m);
  CHECK_RC(ingest_file(s, &ip, &status, &rows, err), POD_OK, err);
  CHECK_INT(status, INGEST_ADDED);
  ingest_session_free(s);
  m.replace = 0;
  s = ingest_session_new(db, &m);
  CHECK_RC(ingest_file(s, &ip, &status, &rows, err), POD_OK, err);
  CHECK_INT(status, INGEST_SKIPPED);
  ingest_session_free(s);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements"), 1);
}

/* Issue 14: a benchmark whose every result is N/A (out of memory) says
** so instead of "added (2 rows)"; one with some N/A counts them, and its
** run page says where (the file's format version, shown beside it). */
static void test_ingest_benchmark_all_na_says_so(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  char db[4096];
  snprintf(db, sizeof db, "%s", test_path("t.db"));
  CHECK_INT(test_podium(&out, &err, "--db '%s' ingest '%s'", db,
                        test_data("hf-benchmark-oom/oom-allna-inference_memory_1600000000.csv")), 0);
  CHECK_HAS(out.data, "(2 rows, 0 values: every result N/A (out of memory or not run))");
  CHECK_INT(test_podium(&out, &err, "--db '%s' ingest '%s'", db,
                        test_data("hf-benchmark-oom/oom-partna-inference_time_1600000000.csv")), 0);
  CHECK_HAS(out.data, "(2 rows, 1 value, 1 result N/A (out of memory or not run))");
  /* rows without values are no lost rows: podium check calls it whole
  ** (found by fuzzing, issue 15) */
  CHECK_INT(test_query_num("SELECT sum(valueless) FROM sources"), 3);
  CHECK_INT(test_podium(&out, &err, "--db '%s' check", db), 0);
  CHECK_HAS(out.data, ": ok (");
  /* the run page shows the file's format version beside it */
  CHECK_STR(test_query_text("SELECT format_version FROM sources WHERE path LIKE '%partna%'"),
            "2.10+, out of memory (N/A) at bert-large-uncased batch 8 seq 512");
  CHECK_INT(test_podium(&out, &err, "--db '%s' render --lang en --out '%s'", db, test_path("site")), 0);
  {
    pod_buf page = POD_BUF_INIT;
    char e[POD_ERRLEN];
    CHECK_INT(pod_file_read(test_path("site/en/runs/1.html"), &page, e), POD_OK);
    CHECK_HAS(page.data, "out of memory (N/A) at bert-large-uncased batch 8 seq 512");
    pod_buf_free(&page);
  }
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* Issue 14: show --json prints each double so it reads back the same:
** 0.1 + 0.2 is 0.30000000000000004, which cJSON's "15 digits if close
** enough" printed as 0.3. */
static void test_ingest_show_json_doubles_read_back_exactly(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  char db[4096], log[4096];
  snprintf(db, sizeof db, "%s", test_path("t.db"));
  snprintf(log, sizeof log, "%s", test_path("training.log"));
  test_write(log, "epoch,loss,val_loss\n0,0.30000000000000004,0.019856970821374123\n", (size_t)-1);
  CHECK_INT(test_podium(&out, &err, "--db '%s' ingest --model m '%s'", db, log), 0);
  CHECK_INT(test_podium(&out, &err, "--db '%s' show 1 --json", db), 0);
  CHECK_HAS(out.data, "0.30000000000000004");
  CHECK_HAS(out.data, "0.019856970821374123");
  /* and so do the downloads */
  CHECK_INT(test_podium(&out, &err, "--db '%s' render --lang en --out '%s'", db, test_path("site")), 0);
  {
    pod_buf f = POD_BUF_INIT;
    char e[POD_ERRLEN];
    CHECK_INT(pod_file_read(test_path("site/data/measurements.json"), &f, e), POD_OK);
    CHECK_HAS(f.data, "\"value\":0.30000000000000004");
    pod_buf_free(&f);
  }
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* `podium ingest` puts a folder's files into one transaction a batch
** (issue 14), each still whole or not at all: a bad file among good ones
** leaves nothing of itself and takes nothing of the others, the lines
** come in the folder's order, and a run fed by two files of one batch
** (a Trainer's trainer_state.json and all_results.json) gets the same
** results as when they go in one by one. */
static void test_ingest_batch_keeps_each_file_whole(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  char *one;
  test_copy_fixture("keras-csvlogger", TEST_GOOD_LOG, "logs/a/training.log");
  test_make_folder_of(test_path("logs/b/training.log"));
  test_write(test_path("logs/b/training.log"),
             "epoch,accuracy,loss\n0,0.5,1.5\n1,0.75,oops\n", SIZE_MAX);
  test_copy_fixture("keras-csvlogger", "tf2-accuracy-Aditya24jar-Emotion-Detection-training.log",
                    "logs/c/training.log");
  test_copy_fixture("hf-trainer", "t5sum-10844110-trainer_state.json", "logs/d/trainer_state.json");
  test_copy_fixture("hf-trainer", "t5sum-10844110-all_results.json", "logs/d/all_results.json");
  CHECK_INT(test_podium(&out, &err, "--db b.db ingest logs"), 1);
  CHECK_HAS(err.data, "logs/b/training.log:3:");
  CHECK_HAS(out.data, "added logs/a/training.log (");
  CHECK(strstr(out.data, "added logs/a/") < strstr(out.data, "added logs/c/"));
  CHECK(strstr(out.data, "added logs/c/") < strstr(out.data, "added logs/d/all_results.json"));
  CHECK_HAS(out.data, "ingest: 4 added, 0 skipped, 1 failed");
  CHECK_STR(test_sql_text("b.db", "SELECT count(*) FROM sources WHERE path LIKE '%b/training.log'"), "0");
  CHECK_STR(test_sql_text("b.db", "SELECT count(*) FROM runs WHERE model = 'b'"), "0");
  CHECK_STR(test_sql_text("b.db", "PRAGMA foreign_key_check"), "");
  /* the same files one by one: the same measurements and results */
  static const char q[] = "SELECT count(*) || ' ' || sum(m.derived IS NOT NULL) || ' ' || "
      "printf('%.12g', total(m.value * length(t.name) * (m.line + 1))) || ' ' || "
      "printf('%.12g', total(CASE WHEN m.derived IS NOT NULL THEN m.value * m.at_epoch + m.line END)) "
      "|| ' ' || count(DISTINCT r.model || '/' || coalesce(m.split, '')) FROM measurements_all m "
      "JOIN runs r ON r.id = m.run_id JOIN metrics t ON t.id = m.metric_id";
  one = strdup(test_sql_text("b.db", q));
  /* 4 results at the best epoch; d's 5 train figures, in both of its
  ** files, kept once */
  CHECK_HAS(one, "1418 4 ");
  static const char *const files[] = {"a/training.log", "c/training.log",
      "d"};   /* a folder's files are one run in one command */
  for (int i = 0; i < 3; i++)
    CHECK_INT(test_podium(&out, &err, "--db s.db ingest logs/%s", files[i]), 0);
  CHECK_STR(test_sql_text("s.db", q), one);
  free(one);
  /* two logs of one run (--run) in one batch: the second file's results
  ** replace the first's, as when they go in one by one */
  test_copy_fixture("keras-csvlogger", TEST_GOOD_LOG, "two/1.log");
  test_copy_fixture("keras-csvlogger", "tf2-accuracy-Aditya24jar-Emotion-Detection-training.log", "two/2.log");
  CHECK_INT(test_podium(&out, &err, "--db t2.db ingest --format keras-csvlogger --run joined two"), 0);
  one = strdup(test_sql_text("t2.db", q));
  CHECK_HAS(one, " 2 ");   /* accuracy and loss at the best epoch, once */
  CHECK_INT(test_podium(&out, &err, "--db s2.db ingest --format keras-csvlogger --run joined two/1.log"), 0);
  CHECK_INT(test_podium(&out, &err, "--db s2.db ingest --format keras-csvlogger --run joined two/2.log"), 0);
  CHECK_STR(test_sql_text("s2.db", q), one);
  free(one);
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* A session putting files in batches into t.db (a connection of its own,
** so a test can set the store's limits), no commit by the clock. */
static ingest_session *batched_session(store_db **db) {
  char err[POD_ERRLEN];
  static const ingest_meta none = {0};
  store_close(test_open_db());
  CHECK_RC(store_open(test_path("t.db"), db, err), POD_OK, err);
  ingest_session *s = ingest_session_new(*db, &none);
  ingest_session_batch(s, 64, 3600);
  return s;
}

#define HB "model,batch_size,sequence_length,result\n"

/* bench/render.sh's registry: two benchmark files of 10,000 models each
** in one batch. With a statement journal spilling at 1 MiB, SQLite 3.40.1
** failed the second file's rows with SQLITE_FULL ("disk full"). */
static void test_ingest_batch_of_two_large_benchmark_files(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, a = POD_BUF_INIT, b = POD_BUF_INIT;
  pod_buf_adds(&a, HB);
  pod_buf_adds(&b, HB);
  for (int i = 1; i <= 10000; i++) {
    pod_buf_printf(&a, "model-%05d,8,128,%.4f\r\n", i, 0.005 + (i * 7919 % 10007) / 100000.0);
    pod_buf_printf(&b, "model-%05d,8,128,%d\r\n", i, 800 + (i * 104729 % 10007) / 10);
  }
  test_make_folder_of(test_path("res/inference_time_1700000000.csv"));
  test_write(test_path("res/inference_time_1700000000.csv"), a.data, a.len);
  test_write(test_path("res/inference_memory_1700000000.csv"), b.data, b.len);
  test_copy_fixture("hf-benchmark", "env_info_1592985573.csv", "res/env_info_1700000000.csv");
  CHECK_INT(test_podium(&out, &err, "--db r.db ingest --task text-classification res"), 0);
  CHECK_HAS(out.data, "ingest: 3 added, 0 skipped, 0 failed");
  CHECK_STR(test_sql_text("r.db", "SELECT count(*) FROM measurements"), "20000");
  pod_buf_free(&a);
  pod_buf_free(&b);
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* A batch the registry undoes whole (SQLite rolls the transaction back on
** a full disk): its files are told lost, none of them is half in, and
** the session goes on. */
static void test_ingest_batch_lost_is_told(void) {
  char err[POD_ERRLEN];
  store_db *db;
  ingest_session *s = batched_session(&db);
  static const char *const names[] = {"x1/training.log", "x2/training.log"};
  for (int i = 0; i < 2; i++) {
    ingest_path p = {(char *)test_copy_fixture("keras-csvlogger", TEST_GOOD_LOG, names[i]), 0, NULL};
    int status;
    long rows;
    /* the two differ by a byte, so neither is a copy of the other */
    if (i) test_write(p.path, "epoch,accuracy,loss\n0,0.5,1.5\n", SIZE_MAX);
    CHECK_RC(ingest_file(s, &p, &status, &rows, err), POD_OK, err);
    CHECK_INT(status, INGEST_ADDED);
  }
  CHECK_INT(ingest_session_unsettled(s), 2);
  CHECK_INT(ingest_session_lost(s), 0);
  /* a file of 25,000 values (under 1 MiB: it joins the batch) on a
  ** registry that may not grow */
  CHECK_INT(store_test_max_pages(db, 30), POD_OK);
  pod_buf big = POD_BUF_INIT;
  pod_buf_adds(&big, "epoch,accuracy,loss,val_accuracy,val_loss\n");
  for (int e = 0; e < 5000; e++)
    pod_buf_printf(&big, "%d,0.%d,1.%d,0.%d,1.%d\n", e, e, e, e + 1, e + 2);
  ingest_path p = {(char *)test_path("x3/training.log"), 0, NULL};
  test_make_folder_of(p.path);
  test_write(p.path, big.data, big.len);
  pod_buf_free(&big);
  int status;
  long rows;
  CHECK_INT(ingest_file(s, &p, &status, &rows, err), POD_EIO);
  CHECK_HAS(err, "disk full");
  int lost = ingest_session_lost(s), left = ingest_session_unsettled(s);
  /* either SQLite undid the statement (the two wait for the commit) or
  ** the whole transaction (the two are lost and told) */
  CHECK(lost + left == 2 && (lost == 0 || lost == 2));
  CHECK_INT(store_test_max_pages(db, 100000), POD_OK);
  CHECK_RC(ingest_session_commit(s, err), POD_OK, err);
  ingest_session_free(s);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), left);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), left);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE source_id NOT IN (SELECT id FROM sources)"), 0);
}

/* ---- a batch SQLite undoes whole ---------------------------------------
** A file size limit stands in for a full disk: a write past it fails and
** SQLite rolls the whole transaction back, whichever statement hit it. */
static struct rlimit saved_fsize;
static void (*saved_xfsz)(int);
/* Files past `bytes` fail (0: as before); children inherit it. */
static void limit_file_size(long bytes) {
  if (bytes) {
    struct rlimit rl;
    getrlimit(RLIMIT_FSIZE, &saved_fsize);
    rl = saved_fsize;
    rl.rlim_cur = (rlim_t)bytes;
    saved_xfsz = signal(SIGXFSZ, SIG_IGN);
    CHECK_INT(setrlimit(RLIMIT_FSIZE, &rl), 0);
  } else {
    CHECK_INT(setrlimit(RLIMIT_FSIZE, &saved_fsize), 0);
    signal(SIGXFSZ, saved_xfsz);
  }
}

static int add_file(ingest_session *s, const char *rel, const char *data,
                    char err[POD_ERRLEN]) {
  int status;
  long rows;
  ingest_path p = {(char *)test_path(rel), 0, NULL};
  if (data) {
    test_make_folder_of(p.path);
    test_write(p.path, data, SIZE_MAX);
  }
  return ingest_file(s, &p, &status, &rows, err);
}


/* The command line: a file skipped as another's twin in a batch the
** registry then undoes is not written either, and says so (it was told
** "skipped ... already ingested", its bytes in no file). */
static void test_ingest_twin_in_a_lost_batch_is_told(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT, log = POD_BUF_INIT;
  pod_buf_adds(&log, "epoch,accuracy,loss,val_accuracy,val_loss\n");
  for (int e = 0; e < 3000; e++)
    pod_buf_printf(&log, "%d,0.%04d,1.%04d,0.%04d,1.%04d\n", e, e, e, e + 1,
                   e + 2);
  test_make_folder_of(test_path("k/a/training.log"));
  test_write(test_path("k/a/training.log"), log.data, log.len);
  test_make_folder_of(test_path("k/b/training.log"));
  test_write(test_path("k/b/training.log"), log.data, log.len);
  pod_buf_free(&log);
  CHECK_INT(test_podium(&out, &errb, "--db l.db init"), 0);
  limit_file_size(40960);   /* the WAL of the batch's commit fails */
  int rc = test_podium(&out, &errb, "--db l.db ingest k/a k/b");
  limit_file_size(0);
  CHECK_INT(rc, 1);
  CHECK_HAS(errb.data, "k/a/training.log: not written: the registry undid");
  CHECK_HAS(errb.data, "k/b/training.log: not written: the same bytes as "
            "k/a/training.log, which the registry undid with its "
            "transaction");
  CHECK_HAS(out.data, "ingest: 0 added, 0 skipped, 2 failed");
  CHECK_LACKS(out.data, "already ingested");
  CHECK_STR(test_sql_text("l.db", "SELECT count(*) FROM sources"), "0");
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

/* A file of 1 MiB or more commits the batch before it: when its own
** batch is then undone, the files committed before it stay told added
** (and their twins skipped); only its batch is told not written. */
static void write_log(const char *rel, int epochs, int mul) {
  pod_buf b = POD_BUF_INIT;
  pod_buf_adds(&b, "epoch,accuracy,loss,val_accuracy,val_loss\n");
  for (int e = 0; e < epochs; e++)
    pod_buf_printf(&b, "%d,0.%04d,1.%04d,0.%04d,1.%04d\n", e,
                   (e * mul) % 10000, e, e + 1, e + 2);
  test_make_folder_of(test_path(rel));
  test_write(test_path(rel), b.data, b.len);
  pod_buf_free(&b);
}

static void test_ingest_lost_batch_after_a_large_file_spares_the_one_before(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  write_log("lb/a/training.log", 300, 1);
  write_log("lb/a2/training.log", 300, 1);
  write_log("lb/b/training.log", 30000, 3);   /* 1.07 MB */
  write_log("lb/c/training.log", 300, 7);
  CHECK_INT(test_podium(&out, &errb, "--db lb.db init"), 0);
  limit_file_size(800 * 1024);   /* the large file's WAL goes past it */
  int rc = test_podium(&out, &errb, "--db lb.db ingest lb");
  limit_file_size(0);
  CHECK_INT(rc, 1);
  CHECK_HAS(out.data, "added lb/a/training.log (300 rows)");
  CHECK_HAS(out.data, "skipped lb/a2/training.log (the same bytes as "
            "lb/a/training.log, already ingested)");
  CHECK_HAS(errb.data, "lb/b/training.log: ");
  CHECK_LACKS(errb.data, "lb/a/training.log: not written");
  /* where the write fails depends on the checkpoint thread's timing: in
  ** a statement (the large file's savepoint is undone, the batch goes
  ** on and the next file goes in) or where SQLite undoes the whole
  ** transaction (the next file in it is not written); either way every
  ** file told added is in, and no other */
  if (strstr(out.data, "added lb/c/training.log")) {
    CHECK_HAS(out.data, "ingest: 2 added, 1 skipped, 1 failed");
    CHECK_STR(test_sql_text("lb.db", "SELECT group_concat(path) FROM "
                            "(SELECT path FROM sources ORDER BY id)"),
              "lb/a/training.log,lb/c/training.log");
  } else {
    /* c is "not written" with the transaction, or fails on its own
    ** write while the log is still past the limit */
    CHECK_HAS(out.data, "ingest: 1 added, 1 skipped, 2 failed");
    CHECK_HAS(errb.data, "lb/c/training.log: ");
    CHECK_STR(test_sql_text("lb.db", "SELECT group_concat(path) FROM sources"),
              "lb/a/training.log");
  }
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

/* Undone under a lookup (a read spilling the page cache), not a write
** of ours: the kept file is told lost, never reported added and gone. */
static void test_ingest_batch_lost_under_any_statement(void) {
  char err[POD_ERRLEN];
  store_db *db;
  ingest_session *s = batched_session(&db);
  CHECK_INT(store_exec_raw(db, "PRAGMA cache_size = 10"), 0);
  pod_buf log = POD_BUF_INIT;
  pod_buf_adds(&log, "epoch,accuracy,loss\n");
  for (int e = 0; e < 3000; e++) pod_buf_printf(&log, "%d,0.%d,1.%d\n", e, e, e);
  CHECK_RC(add_file(s, "x1/training.log", log.data, err), POD_OK, err);
  pod_buf_free(&log);
  CHECK_INT(ingest_session_unsettled(s), 1);
  CHECK_INT(store_exec_raw(db, "PRAGMA cache_size = 1"), 0);
  limit_file_size(8192);
  int r = add_file(s, "b/inference_time_1.csv", HB "bb,8,128,0.1\n", err);
  limit_file_size(0);
  int lost = ingest_session_lost(s);
  CHECK(r != POD_OK || lost == 0);
  CHECK_RC(add_file(s, "c/inference_time_1.csv", HB "cc,8,128,0.1\n", err), POD_OK, err);
  if (ingest_session_commit(s, err)) lost += ingest_session_lost(s);
  lost += ingest_session_lost(s);
  ingest_session_free(s);
  store_close(db);
  /* x1 is in, or was told lost: nothing in between */
  CHECK_INT(lost + (int)test_query_num("SELECT count(*) FROM sources WHERE path LIKE '%x1/training.log'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE path LIKE '%c/inference_time_1.csv'"), 1);
}

/* --replace in a batch that is then lost: the session forgets the runs
** of the lost batch, so a later file of the same model gets a run of
** that model (it went to another model's run, whose id the lost one had) */
static void test_ingest_batch_lost_after_replace(void) {
  char err[POD_ERRLEN];
  ingest_meta none = {0};
  store_db *db = test_open_db();
  store_close(db);
  CHECK_RC(store_open(test_path("t.db"), &db, err), POD_OK, err);
  ingest_session *s = ingest_session_new(db, &none);
  CHECK_RC(add_file(s, "r/inference_time_1.csv", HB "rr,8,128,0.1\n", err), POD_OK, err);
  ingest_session_free(s);
  none.replace = 1;
  s = ingest_session_new(db, &none);
  ingest_session_batch(s, 64, 3600);
  CHECK_RC(add_file(s, "a/inference_time_1.csv", HB "aa,8,128,0.1\n", err), POD_OK, err);
  CHECK_RC(ingest_session_commit(s, err), POD_OK, err);
  CHECK_RC(add_file(s, "r/inference_time_1.csv", HB "rr,8,128,0.2\n", err), POD_OK, err);
  CHECK_RC(add_file(s, "c/inference_time_1.csv", HB "cc,8,128,0.3\n", err), POD_OK, err);
  pod_buf big = POD_BUF_INIT;
  pod_buf_adds(&big, "epoch,accuracy,loss,val_accuracy,val_loss\n");
  for (int e = 0; e < 5000; e++)
    pod_buf_printf(&big, "%d,0.%d,1.%d,0.%d,1.%d\n", e, e, e, e + 1, e + 2);
  test_make_folder_of(test_path("x3/training.log"));
  test_write(test_path("x3/training.log"), big.data, big.len);
  pod_buf_free(&big);
  limit_file_size(8192);
  int r = add_file(s, "x3/training.log", NULL, err);
  if (!r) r = ingest_session_commit(s, err);
  limit_file_size(0);
  CHECK(r != POD_OK);
  int lost = ingest_session_lost(s);
  CHECK_RC(add_file(s, "d/inference_time_1.csv", HB "dd,8,128,0.4\n", err), POD_OK, err);
  CHECK_RC(add_file(s, "e/inference_time_1.csv", HB "ee,8,128,0.6\n", err), POD_OK, err);
  CHECK_RC(add_file(s, "c/inference_time_2.csv", HB "cc,8,128,0.5\n", err), POD_OK, err);
  CHECK_RC(ingest_session_commit(s, err), POD_OK, err);
  ingest_session_free(s);
  store_close(db);
  if (lost) {   /* the batch of r and c was lost: c2 makes cc's run */
    CHECK_STR(test_query_text("SELECT r.model FROM measurements_all m JOIN runs r ON r.id = m.run_id WHERE m.value = 0.5"), "cc");
    CHECK_STR(test_query_text("SELECT r.model FROM measurements_all m JOIN runs r ON r.id = m.run_id WHERE m.value = 0.6"), "ee");
  }
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN runs r ON r.id = m.run_id WHERE r.model = 'cc' AND m.value = 0.5"), 1);
}

/* A machine's environment is found once per batch for a folder of
** CodeCarbon files (ingest_env_recall), and forgotten with the files
** undone that made it: a later file of that machine makes it again, and
** every run points at a row that is there. */
#define CCH "timestamp,project_name,run_id,duration,emissions,energy_consumed,cpu_model,os\n"
static void test_ingest_codecarbon_machines_across_files_and_undo(void) {
  char err[POD_ERRLEN];
  store_db *db;
  ingest_session *s = batched_session(&db);
  CHECK_RC(add_file(s, "ca/emissions.csv", CCH "2024-01-01T00:00:00,p,r1,10,0.1,0.2,CPU A,Linux\n", err), POD_OK, err);
  /* a machine new to the batch, then a broken line: undone (a savepoint) */
  CHECK(add_file(s, "cb/emissions.csv", CCH "2024-01-01T00:00:00,p,r2,10,0.1,0.2,CPU B,Linux\n2024-01-01T00:00:01,p,r3,ten,0.1,0.2,CPU B,Linux\n", err) != POD_OK);
  CHECK_RC(add_file(s, "cc/emissions.csv", CCH "2024-01-01T00:00:00,p,r4,10,0.1,0.2,CPU B,Linux\n", err), POD_OK, err);
  CHECK_RC(add_file(s, "cd/emissions.csv", CCH "2024-01-01T00:00:00,p,r5,10,0.1,0.2,CPU A,Linux\n", err), POD_OK, err);
  CHECK_RC(ingest_session_commit(s, err), POD_OK, err);
  /* the first file of a batch undone (the transaction itself) */
  CHECK(add_file(s, "ce/emissions.csv", CCH "2024-01-01T00:00:00,p,r6,10,0.1,0.2,CPU C,Linux\n2024-01-01T00:00:01,p,r7,ten,0.1,0.2,CPU C,Linux\n", err) != POD_OK);
  CHECK_RC(add_file(s, "cf/emissions.csv", CCH "2024-01-01T00:00:00,p,r8,10,0.1,0.2,CPU C,Linux\n", err), POD_OK, err);
  CHECK_RC(add_file(s, "cg/emissions.csv", CCH "2024-01-01T00:00:00,p,r9,10,0.1,0.2,CPU B,Linux\n", err), POD_OK, err);
  CHECK_RC(ingest_session_commit(s, err), POD_OK, err);
  ingest_session_free(s);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments"), 3);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs r JOIN environments e ON e.id = r.environment_id"), 5);
  CHECK_INT(test_query_num("SELECT count(DISTINCT r.environment_id) FROM runs r JOIN tracker_results t ON t.run_id = r.id JOIN sources s ON s.id = t.source_id WHERE s.path LIKE '%/ca/%' OR s.path LIKE '%/cd/%'"), 1);
  CHECK_STR(test_query_text("SELECT group_concat(m, ',') FROM (SELECT e.cpu_model AS m FROM runs r JOIN environments e ON e.id = r.environment_id ORDER BY r.id)"), "CPU A,CPU B,CPU A,CPU C,CPU B");
  CHECK_INT(test_query_num("SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

/* A batched session freed without its commit undoes its files (the next
** session on the connection does not commit them). */
static void test_ingest_batch_free_undoes(void) {
  char err[POD_ERRLEN];
  ingest_meta none = {0};
  store_db *db = test_open_db();
  ingest_session *s = ingest_session_new(db, &none);
  ingest_session_batch(s, 64, 3600);
  CHECK_RC(add_file(s, "a/inference_time_1.csv", HB "aa,8,128,0.1\n", err), POD_OK, err);
  ingest_session_free(s);
  s = ingest_session_new(db, &none);
  CHECK_RC(add_file(s, "b/inference_time_1.csv", HB "bb,8,128,0.1\n", err), POD_OK, err);
  ingest_session_free(s);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE path LIKE '%a/inference_time_1.csv'"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE path LIKE '%b/inference_time_1.csv'"), 1);
}

const test_case tests_ingest[] = {
  {"ingest_skipped_env_file_still_describes_its_folder", test_ingest_skipped_env_file_still_describes_its_folder},
  {"test_ingest_show_json_doubles_read_back_exactly", test_ingest_show_json_doubles_read_back_exactly},
  {"test_ingest_benchmark_all_na_says_so", test_ingest_benchmark_all_na_says_so},
  {"ingest_manifest_gives_metadata_and_flags_win", test_ingest_manifest_gives_metadata_and_flags_win},
  {"ingest_refuses_a_bad_manifest", test_ingest_refuses_a_bad_manifest},
  {"ingest_changed_file_needs_replace", test_ingest_changed_file_needs_replace},
  {"ingest_reads_transformers_time_files", test_ingest_reads_transformers_time_files},
  {"ingest_reads_memory_with_unit_suffixes_and_old_column", test_ingest_reads_memory_with_unit_suffixes_and_old_column},
  {"ingest_integer_mb_is_mebibytes", test_ingest_integer_mb_is_mebibytes},
  {"ingest_train_time_names_the_metric", test_ingest_train_time_names_the_metric},
  {"ingest_env_file_describes_runs_in_its_folder", test_ingest_env_file_describes_runs_in_its_folder},
  {"ingest_every_corpus_hf_file", test_ingest_every_corpus_hf_file},
  {"ingest_same_file_twice_is_a_noop", test_ingest_same_file_twice_is_a_noop},
  {"ingest_accepts_bom_crlf_quotes_and_na", test_ingest_accepts_bom_crlf_quotes_and_na},
  {"ingest_reads_cr_only_line_ends", test_ingest_reads_cr_only_line_ends},
  {"ingest_reads_a_line_end_split_by_a_chunk", test_ingest_reads_a_line_end_split_by_a_chunk},
  {"ingest_refuses_bad_rows_with_line_and_column", test_ingest_refuses_bad_rows_with_line_and_column},
  {"ingest_refuses_broken_files", test_ingest_refuses_broken_files},
  {"ingest_refuses_a_field_over_the_size_limit", test_ingest_refuses_a_field_over_the_size_limit},
  {"ingest_keeps_each_file_atomic_among_several", test_ingest_keeps_each_file_atomic_among_several},
  {"ingest_flags_set_run_metadata", test_ingest_flags_set_run_metadata},
  {"ingest_batch_keeps_each_file_whole", test_ingest_batch_keeps_each_file_whole},
  {"ingest_batch_lost_is_told", test_ingest_batch_lost_is_told},
  {"ingest_batch_lost_under_any_statement", test_ingest_batch_lost_under_any_statement},
  {"ingest_batch_lost_after_replace", test_ingest_batch_lost_after_replace},
  {"ingest_twin_in_a_lost_batch_is_told", test_ingest_twin_in_a_lost_batch_is_told},
  {"ingest_lost_batch_after_a_large_file_spares_the_one_before", test_ingest_lost_batch_after_a_large_file_spares_the_one_before},
  {"ingest_batch_free_undoes", test_ingest_batch_free_undoes},
  {"ingest_codecarbon_machines_across_files_and_undo", test_ingest_codecarbon_machines_across_files_and_undo},
  {"ingest_batch_of_two_large_benchmark_files", test_ingest_batch_of_two_large_benchmark_files},
  {NULL, NULL},
};
