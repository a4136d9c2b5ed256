/*
** tests/t_env.c -- one machine, several descriptions (issue #4): an HF
** env_info file and CodeCarbon rows of the same machine are one
** environment whichever goes in first; descriptions that disagree stay
** apart; the rule of store_env_add (docs/ARCHITECTURE.md, "Environments")
** field by field.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "ingest/ingest.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The machine of the CodeCarbon 2.3.5 corpus row: Linux, Python 3.11.5,
** 8 x i7-1165G7, ram_total_size 15.305477142333984 GB (GiB), which is
** 15672.8 MiB: transformers would write cpu_ram_mb 15672. */
#define CC "codecarbon/v2.3.5-xtabdeveloping-la-assignment1-emissions.csv"
#define HF_ENV(ram, py)                                                     \
  "transformers_version,4.30.0\r\nframework,PyTorch\r\n"                    \
  "use_torchscript,False\r\nframework_version,2.0.1\r\n"                    \
  "python_version," py "\r\nsystem,Linux\r\ncpu,x86_64\r\n"                 \
  "architecture,64bit\r\ndate,2024-05-02\r\ntime,11:20:01.000001\r\n"       \
  "fp16,False\r\nuse_multiprocessing,True\r\nonly_pretrain_model,False\r\n" \
  "cpu_ram_mb," ram "\r\nuse_gpu,False\r\nuse_tpu,False\r\n"
#define HF_TIME "model,batch_size,sequence_length,result\r\nbert-base-uncased,8,128,%s\r\n"

#define ENV_ROW "SELECT fingerprint || '|' || quote(cpu_model) || quote(cpu_count) " \
  "|| quote(ram_bytes) || quote(gpu_model) || quote(os) || quote(python_version) " \
  "|| quote(framework) || quote(framework_version) || quote(country) || " \
  "quote(region) || quote(pue) || quote(tracking_mode) || '|' || extras " \
  "FROM environments"

/* An env_info file and a result file (value: its one time) in dir. */
static void write_hf(const char *dir, const char *env, const char *value) {
  char name[256], data[256];
  snprintf(name, sizeof name, "%s/env_info_1714648801.csv", dir);
  test_write(test_path(name), env, (size_t)-1);
  snprintf(name, sizeof name, "%s/inference_time_1714648801.csv", dir);
  snprintf(data, sizeof data, HF_TIME, value);
  test_write(test_path(name), data, (size_t)-1);
}

static void write_cc(const char *dir) {
  char err[POD_ERRLEN], name[256];
  pod_buf b = POD_BUF_INIT;
  snprintf(name, sizeof name, "%s/emissions.csv", dir);
  if (pod_file_read(test_data(CC), &b, err)) test_fail(__FILE__, __LINE__, "%s", err);
  test_write(test_path(name), b.data, b.len);
  pod_buf_free(&b);
}

static void fresh_registry(void) {
  unlink(test_path("t.db"));
  unlink(test_path("t.db-wal"));
  unlink(test_path("t.db-shm"));
}

static int ingest_one(const char *dir, char err[POD_ERRLEN]) {
  store_db *db = test_open_db();
  const char *p = test_path(dir);
  int rc = test_ingest_into(db, NULL, &p, 1, err);
  store_close(db);
  return rc;
}

static void test_env_hf_and_codecarbon_of_one_machine_are_one_env(void) {
  char err[POD_ERRLEN], first[512];
  pod_mkdirs(test_path("hf"), err);
  pod_mkdirs(test_path("cc"), err);
  write_hf("hf", HF_ENV("15672", "3.11.5"), "0.0180");
  write_cc("cc");
  /* HF first */
  CHECK_RC(ingest_one("hf", err), POD_OK, err);
  CHECK_RC(ingest_one("cc", err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE environment_id = 1"), 2);
  /* each side's fields, none overwritten; the finer RAM and OS kept */
  CHECK_STR(test_query_text("SELECT cpu_model FROM environments"),
            "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz");
  CHECK_INT(test_query_num("SELECT cpu_count FROM environments"), 8);
  CHECK_STR(test_query_text("SELECT framework || ' ' || framework_version FROM environments"),
            "PyTorch 2.0.1");
  CHECK_STR(test_query_text("SELECT country || '/' || pue FROM environments"), "Denmark/1.0");
  CHECK_STR(test_query_text("SELECT os FROM environments"),
            "Linux-5.15.0-105-generic-x86_64-with-glibc2.31");
  CHECK_INT(test_query_num("SELECT ram_bytes FROM environments"),
            16434130944LL);   /* 15.305477142333984 * 2^30 */
  CHECK_INT(test_query_num("SELECT count(*) FROM environments WHERE extras LIKE "
                           "'%\"codecarbon_version\":\"2.3.5\"%' AND extras LIKE "
                           "'%\"transformers_version\":\"4.30.0\"%'"), 1);
  snprintf(first, sizeof first, "%s", test_query_text(ENV_ROW));
  /* CodeCarbon first: the same one row, the same fingerprint */
  fresh_registry();
  CHECK_RC(ingest_one("cc", err), POD_OK, err);
  CHECK_RC(ingest_one("hf", err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE environment_id = 1"), 2);
  CHECK_STR(test_query_text(ENV_ROW), first);
  /* again: nothing changes, nothing is added */
  CHECK_RC(ingest_one("hf", err), POD_OK, err);
  CHECK_STR(test_query_text(ENV_ROW), first);
}

static void test_env_disagreeing_descriptions_stay_apart(void) {
  char err[POD_ERRLEN];
  pod_mkdirs(test_path("py"), err);
  pod_mkdirs(test_path("ram"), err);
  pod_mkdirs(test_path("cc"), err);
  write_hf("py", HF_ENV("15672", "3.10.12"), "0.0181");   /* another Python */
  write_hf("ram", HF_ENV("15671", "3.11.5"), "0.0182");   /* 1 MiB less RAM */
  write_cc("cc");
  CHECK_RC(ingest_one("cc", err), POD_OK, err);
  CHECK_RC(ingest_one("py", err), POD_OK, err);
  CHECK_RC(ingest_one("ram", err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments"), 3);
  /* the CodeCarbon row kept what it had: no HF field went into it */
  CHECK_INT(test_query_num("SELECT count(*) FROM environments WHERE "
                           "cpu_model IS NOT NULL AND framework IS NULL"), 1);
  CHECK_INT(test_query_num("SELECT count(DISTINCT environment_id) FROM runs"), 3);
}

/* ---- the rule, on store_env_add -------------------------------------- */

static void test_env_rule_fields_known_on_both_sides_decide(void) {
  char err[POD_ERRLEN], fp_merged[80];
  store_env a, b, c;
  int64_t ia, ib, ic;
  store_db *db = test_open_db();
  store_env_init(&a);
  a.cpu_model = "AMD EPYC 7742 64-Core Processor";
  a.country = "France";
  a.pue = 1.2;
  a.extras_json = "{\"k\":\"1\"}";
  CHECK_RC(store_env_add(db, &a, &ia, err), POD_OK, err);
  /* b knows the CPU too, and the GPU: the same machine, enriched */
  store_env_init(&b);
  b.cpu_model = a.cpu_model;
  b.gpu_model = "A100";
  b.extras_json = "{\"j\":\"2\"}";
  CHECK_RC(store_env_add(db, &b, &ib, err), POD_OK, err);
  CHECK_INT(ib, ia);
  CHECK_STR(test_query_text("SELECT gpu_model || '/' || country || '/' || extras FROM environments"),
            "A100/France/{\"j\":\"2\",\"k\":\"1\"}");
  snprintf(fp_merged, sizeof fp_merged, "%s", test_query_text("SELECT fingerprint FROM environments"));
  /* a known value is never overwritten: another PUE is another row */
  c = b;
  c.pue = 1.5;
  CHECK_RC(store_env_add(db, &c, &ic, err), POD_OK, err);
  CHECK(ic != ia);
  CHECK(test_query_num("SELECT pue FROM environments WHERE id = 1") == 1.2);
  /* an extras key with two values disagrees too */
  c = b;
  c.extras_json = "{\"k\":\"3\"}";
  CHECK_RC(store_env_add(db, &c, &ic, err), POD_OK, err);
  CHECK(ic != ia);
  /* no machine field known on both sides: not the same machine */
  store_env_init(&c);
  c.country = "France";
  c.python_version = "3.12.1";
  CHECK_RC(store_env_add(db, &c, &ic, err), POD_OK, err);
  CHECK(ic != ia);
  store_close(db);
  /* the enriched row's fingerprint is that of its fields: the merged
  ** description added to an empty registry gets the same one */
  fresh_registry();
  db = test_open_db();
  store_env_init(&c);
  c.cpu_model = a.cpu_model;
  c.gpu_model = "A100";
  c.country = "France";
  c.pue = 1.2;
  c.extras_json = "{\"k\":\"1\",\"j\":\"2\"}";
  CHECK_RC(store_env_add(db, &c, &ic, err), POD_OK, err);
  store_close(db);
  CHECK_STR(test_query_text("SELECT fingerprint FROM environments"), fp_merged);
}

static void test_env_rule_an_ambiguous_description_gets_its_own_row(void) {
  char err[POD_ERRLEN];
  store_env a, b, c;
  int64_t ia, ib, ic;
  store_db *db = test_open_db();
  store_env_init(&a);
  a.ram_bytes = 16LL << 30;
  a.cpu_model = "CPU A";
  b = a;
  b.cpu_model = "CPU B";
  CHECK_RC(store_env_add(db, &a, &ia, err), POD_OK, err);
  CHECK_RC(store_env_add(db, &b, &ib, err), POD_OK, err);
  CHECK(ia != ib);
  /* only the RAM: both rows fit equally well, neither is enriched */
  store_env_init(&c);
  c.ram_bytes = 16LL << 30;
  c.framework = "JAX";
  CHECK_RC(store_env_add(db, &c, &ic, err), POD_OK, err);
  CHECK(ic != ia && ic != ib);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments WHERE framework = 'JAX'"), 1);
  /* and the same description again is that row (from the cache, and in
  ** a new transaction from the table) */
  CHECK_RC(store_env_add(db, &c, &ib, err), POD_OK, err);
  CHECK_INT(ib, ic);
  CHECK_RC(store_begin(db, err), POD_OK, err);
  CHECK_RC(store_env_add(db, &c, &ib, err), POD_OK, err);
  CHECK_INT(ib, ic);
  store_rollback(db);
  store_close(db);
}

/* CodeCarbon names a GPU "1 x Tesla T4", transformers "Tesla T4": one
** machine, one environment, the count taken from the prefix; a prefix
** that disagrees with gpu_count keeps no model. */
static void test_env_codecarbon_gpu_prefix_matches_hf_gpu_name(void) {
  char err[POD_ERRLEN];
  pod_mkdirs(test_path("hf"), err);
  pod_mkdirs(test_path("cc"), err);
  write_hf("hf", "transformers_version,4.30.0\nframework,PyTorch\n"
                 "framework_version,2.0.1\npython_version,3.10.12\n"
                 "system,Linux\ncpu,x86_64\ncpu_ram_mb,32045\nuse_gpu,True\n"
                 "num_gpus,1\ngpu,Tesla T4\ngpu_ram_mb,15360\n"
                 "gpu_power_watts,70.0\n", "0.0180");
  test_write(test_path("cc/emissions.csv"),
             "timestamp,project_name,run_id,duration,emissions,energy_consumed,"
             "os,python_version,ram_total_size,gpu_model,gpu_count\n"
             "2024-01-01T00:00:00,p,r1,10,0.1,0.2,Linux-5.10.0-x86_64-with-glibc2.31,"
             "3.10.12,31.29486083984375,1 x Tesla T4,1\n", (size_t)-1);
  CHECK_RC(ingest_one("cc", err), POD_OK, err);
  CHECK_RC(ingest_one("hf", err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments"), 1);
  CHECK_STR(test_query_text("SELECT gpu_model || '|' || gpu_count || '|' || gpu_memory_bytes FROM environments"),
            "Tesla T4|1|16106127360");
  CHECK_HAS(test_query_text("SELECT extras FROM environments"), "\"gpu_model\":\"1 x Tesla T4\"");
  /* "8 x NVIDIA H20" with gpu_count 1 (CodeCarbon 2.8.3 on a node of 8,
  ** tracking one): the machine's 8, the run's 1, the kind H20 either way */
  fresh_registry();
  test_write(test_path("cc/emissions.csv"),
             "timestamp,project_name,run_id,duration,emissions,gpu_model,gpu_count\n"
             "2024-01-01T00:00:00,p,r1,10,0.1,8 x NVIDIA H20,1\n", (size_t)-1);
  CHECK_RC(ingest_one("cc", err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT quote(gpu_model) || '|' || gpu_count FROM environments"), "'NVIDIA H20'|1");
  CHECK_HAS(test_query_text("SELECT extras FROM environments"), "\"gpu_model\":\"8 x NVIDIA H20\"");
}

const test_case tests_env[] = {
  {"test_env_codecarbon_gpu_prefix_matches_hf_gpu_name", test_env_codecarbon_gpu_prefix_matches_hf_gpu_name},
  {"test_env_hf_and_codecarbon_of_one_machine_are_one_env", test_env_hf_and_codecarbon_of_one_machine_are_one_env},
  {"test_env_disagreeing_descriptions_stay_apart", test_env_disagreeing_descriptions_stay_apart},
  {"test_env_rule_fields_known_on_both_sides_decide", test_env_rule_fields_known_on_both_sides_decide},
  {"test_env_rule_an_ambiguous_description_gets_its_own_row", test_env_rule_an_ambiguous_description_gets_its_own_row},
  {NULL, NULL}};
