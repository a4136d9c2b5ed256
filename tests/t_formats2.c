/*
** tests/t_formats2.c -- ingest/ for experiment-impact-tracker's data.json
** (tests/data/eit/), the generic column-map format, the pickle message and
** the closest-format and ambiguity messages of detection; every bad file
** refused with a located message and the registry left as it was.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "core/sha256.h"
#include "ingest/ingest.h"
#include "store/store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers --------------------------------------------------------- */

#define EIT "eit-RLEnergyLeaderboard-cule-Pong_seed_3-data.json"
#define KERAS_ACC "keras2-acc-AKBoles-Voice-Identification-training.log"

#define VALUE_OF(metric, cond) "SELECT m.value FROM measurements m JOIN " \
  "metrics t ON t.id = m.metric_id WHERE t.name = '" metric "' AND " cond

/* A good file goes in, then name (folders made) must be refused with a
** message holding want1 and want2, and the registry must not change. */
static void expect_refused(const char *name, const char *data, size_t n,
                           const char *want1, const char *want2) {
  test_expect_refused(test_fixture("keras-csvlogger", KERAS_ACC), name, data, n,
                      want1, want2);
}

#define REFUSE(name, lit, w1, w2) expect_refused(name, lit, sizeof lit - 1, w1, w2)

/* ---- experiment-impact-tracker ------------------------------------------ */

static void test_formats2_eit_corpus_series_match_the_file(void) {
  char err[POD_ERRLEN];
  const char *p = test_copy_fixture("eit", EIT, "Pong_seed_3/impacttracker/data.json");
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT format FROM sources"), "eit");
  CHECK_INT(test_query_num("SELECT rows FROM sources"), 35);
  CHECK_HAS(test_query_text("SELECT format_version FROM sources"), "derived by podium");
  /* the folder holding impacttracker/ names the model */
  CHECK_STR(test_query_text("SELECT model FROM runs"), "Pong_seed_3");
  /* line 1: "rapl_power_draw_absolute":61.1223055634 */
  CHECK(test_query_num(VALUE_OF("cpu_power", "m.step = 1")) == 61.1223055634);
  CHECK_STR(test_query_text("SELECT m.raw_value FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'cpu_power' AND m.step = 1"), "61.1223055634");
  CHECK_INT(test_query_num("SELECT m.line FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'cpu_power' AND m.step = 1"), 1);
  /* line 2: attributable 25.7822945692, GPU 41.44 */
  CHECK(test_query_num(VALUE_OF("cpu_power_attributable", "m.step = 2")) == 25.7822945692);
  CHECK(test_query_num(VALUE_OF("gpu_power", "m.step = 2")) == 41.44);
  CHECK_INT(test_query_num("SELECT m.line FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'gpu_power' AND m.step = 2"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'gpu_power_attributable'"), 35);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'cpu_power'"), "W");
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE epoch IS NOT NULL"), 0);
}

static void test_formats2_eit_summary_is_derived_from_the_samples(void) {
  char err[POD_ERRLEN];
  const char *p = test_copy_fixture("eit", EIT, "run/impacttracker/data.json");
  ingest_meta meta = {0};
  meta.model = "a2c-cule";
  CHECK_RC(test_ingest(&meta, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT model FROM runs"), "a2c-cule");
  /* last timestamp 1572548839.8460979462 - first 1572548471.1904480457 */
  CHECK(fabs(test_query_num(VALUE_OF("duration", "m.step IS NULL")) - 368.6556499) < 1e-6);
  /* trapezoids of the attributable power (computed in Python from the
  ** same file): CPU 0.004270393755249005 kWh, GPU 0.005883458598342869 */
  CHECK(fabs(test_query_num(VALUE_OF("cpu_energy_attributable_derived", "m.step IS NULL")) - 0.004270393755249005) < 1e-12);
  CHECK(fabs(test_query_num(VALUE_OF("gpu_energy_attributable_derived", "m.step IS NULL")) - 0.005883458598342869) < 1e-12);
  CHECK(fabs(test_query_num(VALUE_OF("energy_attributable_derived", "m.step IS NULL")) - 0.010153852353591874) < 1e-12);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'energy_attributable_derived'"), "kWh");
  /* the summary cites the last sample; its raw value is in joules */
  CHECK_INT(test_query_num("SELECT m.line FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'duration'"), 35);
  CHECK_STR(test_query_text("SELECT m.raw_unit FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'cpu_energy_attributable_derived'"), "J");
  /* one summary value per metric, none for the power series */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE step IS NULL"), 4);
}

#define EIT_OK "{\"timestamp\": 10.0, \"rapl_power_draw_absolute\": 50.0, \"rapl_estimated_attributable_power_draw\": 20.0}\n"

static void test_formats2_eit_refuses_bad_lines(void) {
  REFUSE("a/impacttracker/data.json", EIT_OK "{\"timestamp\": 11.0,, }\n",
         "data.json:2:20:", "expected valid JSON");
  REFUSE("b/impacttracker/data.json", EIT_OK "[1, 2]\n",
         "data.json:2:1:", "found a list, expected a JSON object");
  REFUSE("c/impacttracker/data.json", EIT_OK "{\"timestamp\": \"noon\"}\n",
         "data.json:2:2:", "found a string for \"timestamp\", expected a number");
  REFUSE("d/impacttracker/data.json",
         EIT_OK "{\"timestamp\": 12, \"nvidia_draw_absolute\": [40]}\n",
         "data.json:2:19:", "found a list for \"nvidia_draw_absolute\"");
  REFUSE("e/impacttracker/data.json", EIT_OK "{\"timestamp\": 9.5}\n",
         "data.json:2:2:", "expected samples in time order");
  REFUSE("f/impacttracker/data.json", EIT_OK "{\"timestamp\": 12} {}\n",
         "data.json:2:19:", "expected one JSON object per line");
  REFUSE("g/impacttracker/data.json", EIT_OK "{\"rapl_power_draw_absolute\": 1}\n",
         "data.json:2:1:", "found no key for \"timestamp\"");
}

static void test_formats2_eit_nan_power_is_skipped_and_counted(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("nan/impacttracker/data.json");
  test_make_folder_of(p);
  test_write(p, EIT_OK "{\"timestamp\": 20.0, \"rapl_power_draw_absolute\": NaN, "
                "\"rapl_estimated_attributable_power_draw\": 30.0, \"x\": -Infinity}\n",
             (size_t)-1);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'cpu_power'"), 1);
  CHECK_HAS(test_query_text("SELECT format_version FROM sources"), "1 nan power values skipped");
  /* (20 + 30) / 2 W for 10 s = 250 J */
  CHECK(fabs(test_query_num(VALUE_OF("cpu_energy_attributable_derived", "1")) - 250 / 3.6e6) < 1e-15);
  CHECK(test_query_num(VALUE_OF("duration", "1")) == 10);
  REFUSE("nan2/impacttracker/data.json", EIT_OK "{\"timestamp\": NaN}\n",
         "data.json:2:2:", "found NaN for \"timestamp\"");
}

static void test_formats2_eit_refuses_deep_nesting_and_long_lines(void) {
  char data[4096];
  size_t n = (size_t)snprintf(data, sizeof data, "%s{\"timestamp\": 12, \"x\": ", EIT_OK);
  for (int i = 0; i < 40; i++) data[n++] = '[';
  for (int i = 0; i < 40; i++) data[n++] = ']';
  data[n++] = '}';
  data[n++] = '\n';
  expect_refused("deep/impacttracker/data.json", data, n, "data.json:2:55:",
                 "nested deeper than 32 levels");
  {
    size_t len = (1u << 20) + 512, o = sizeof EIT_OK - 1;
    char *big = malloc(len + o + 1);
    memcpy(big, EIT_OK, o);
    o += (size_t)sprintf(big + o, "{\"timestamp\": 12, \"pad\": \"");
    while (o < len) big[o++] = 'x';
    big[o++] = '"';
    big[o++] = '}';
    big[o++] = '\n';
    expect_refused("long/impacttracker/data.json", big, o, "data.json:2:1:",
                   "expected at most 1048576 (1 MiB) per sample");
    free(big);
  }
}

static void test_formats2_eit_refuses_a_file_over_the_size_cap(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("big/impacttracker/data.json");
  const char *args[] = {p};
  ingest_meta meta = {0};
  test_make_folder_of(p);
  test_write(p, EIT_OK, sizeof EIT_OK - 1);
  CHECK_INT(truncate(p, (256L << 20) + 1), 0);
  meta.format = "eit";
  CHECK_INT(test_ingest(&meta, args, 1, err), POD_EINPUT);
  CHECK_HAS(err, "expected at most 268435456 (256 MiB)");
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 0);
}

static void test_formats2_pickle_is_named_with_what_to_do(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("run/impacttracker/info.pkl");
  const char *args[] = {p};
  ingest_meta meta = {0};
  /* protocol 4 pickle: PROTO 4, FRAME ..., as pickle.dumps writes it */
  expect_refused("run/impacttracker/info.pkl", "\x80\x04\x95\x10\x00\x00\x00"
                 "\x00\x00\x00\x00}\x94.", 15, "info.pkl:1:1: found a Python "
                 "pickle (protocol 4", "ingest impacttracker/data.json");
  /* --format eit sees it too */
  meta.format = "eit";
  CHECK_INT(test_ingest(&meta, args, 1, err), POD_EINPUT);
  CHECK_HAS(err, "found a Python pickle (experiment-impact-tracker's info.pkl)");
}

/* ---- generic --------------------------------------------------------- */

static void test_formats2_generic_long_form_converts_units(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("lab/results.csv");
  const char *args[] = {p};
  test_make_folder_of(p);
  test_write(test_path("lab/podium.json"),
             "{\"format\": \"generic\", \"columns\": {\"model\": \"Model\", "
             "\"dataset\": \"Data\", \"metric\": \"Metric\", \"value\": "
             "\"Score\", \"unit\": \"Unit\", \"batch_size\": \"BS\"}}\n",
             (size_t)-1);
  test_write(p, "Model,Data,Metric,Score,Unit,BS\n"
                "tiny,sst2,latency,12.5,ms,8\n"
                "tiny,sst2,peak_memory,3,MB,8\n"
                "tiny,sst2,peak_memory_binary,2,MiB,8\n"
                "tiny,sst2,energy,5,Wh,\n"
                "tiny,sst2,emissions,4,g,\n"
                "tiny,sst2,accuracy,0.91,,\n"
                "big,sst2,latency,,ms,8\n", (size_t)-1);
  CHECK_RC(test_ingest(NULL, args, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT format FROM sources"), "generic");
  CHECK_INT(test_query_num("SELECT rows FROM sources"), 7);
  CHECK(fabs(test_query_num(VALUE_OF("latency", "1")) - 0.0125) < 1e-15);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'latency'"), "s");
  CHECK_STR(test_query_text("SELECT raw_value || ' ' || raw_unit FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'latency'"), "12.5 ms");
  CHECK(test_query_num(VALUE_OF("peak_memory", "1")) == 3e6);
  CHECK(test_query_num(VALUE_OF("peak_memory_binary", "1")) == 2097152);
  CHECK(fabs(test_query_num(VALUE_OF("energy", "1")) - 0.005) < 1e-15);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'energy'"), "kWh");
  CHECK(fabs(test_query_num(VALUE_OF("emissions", "1")) - 0.004) < 1e-15);
  CHECK_INT(test_query_num("SELECT direction FROM metrics WHERE name = 'accuracy'"), 1);
  CHECK_INT(test_query_num("SELECT batch_size FROM measurements WHERE line = 2"), 8);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE batch_size IS NULL"), 3);
  CHECK_STR(test_query_text("SELECT dataset FROM runs WHERE model = 'tiny'"), "sst2");
  /* an empty value cell is not measured; its run is still there */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements"), 6);
  CHECK_INT(test_query_num("SELECT line FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'emissions'"), 6);
}

static void test_formats2_generic_wide_form_with_directions(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("wide/scores.csv");
  const char *args[] = {p};
  ingest_meta meta = {0};
  test_make_folder_of(p);
  test_write(test_path("wide/podium.json"),
             "{\"columns\": {\"model\": \"model\", \"epoch\": \"ep\", "
             "\"metrics\": {\"acc\": {\"unit\": \"\", \"direction\": "
             "\"higher\"}, \"latency_ms\": {\"unit\": \"ms\"}}}}\n", (size_t)-1);
  test_write(p, "model,ep,acc,latency_ms,notes\n"
                "a,1,0.5,20,first\n"
                "a,2,0.75,18,\n"
                "b,,0.6,,x\n", (size_t)-1);
  meta.format = "generic";
  CHECK_RC(test_ingest(&meta, args, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);
  CHECK_INT(test_query_num("SELECT direction FROM metrics WHERE name = 'acc'"), 1);
  CHECK_INT(test_query_num("SELECT direction FROM metrics WHERE name = 'latency_ms'"), 0);
  CHECK(test_query_num(VALUE_OF("acc", "m.epoch = 2")) == 0.75);
  CHECK(fabs(test_query_num(VALUE_OF("latency_ms", "m.epoch = 2")) - 0.018) < 1e-15);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE epoch IS NULL"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM metrics WHERE name = 'notes'"), 0);
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "generic (wide)");
}

static void generic_manifest(const char *folder, const char *columns) {
  char path[256], text[1024];
  snprintf(path, sizeof path, "%s/podium.json", folder);
  snprintf(text, sizeof text, "{\"format\": \"generic\", \"columns\": %s}\n",
           columns);
  test_make_folder_of(test_path(path));
  test_write(test_path(path), text, (size_t)-1);
}

#define LONG_MAP "{\"model\": \"Model\", \"metric\": \"Metric\", \"value\": \"Score\"}"

static void test_formats2_generic_refuses_missing_columns_and_bad_cells(void) {
  generic_manifest("g1", LONG_MAP);
  REFUSE("g1/r.csv", "Model,Metric,Value\nm,acc,0.5\n",
         "r.csv:1:1:", "found no column \"Score\", expected the column the map names");
  generic_manifest("g2", LONG_MAP);
  REFUSE("g2/r.csv", "Model,Metric,Score\nm,acc,0.5\nm,acc,high\n",
         "r.csv:3:7:", "found \"high\", expected a number (acc)");
  generic_manifest("g9", "{\"model\": \"Model\", \"metric\": \"Metric\", \"value\": \"Score\", \"unit\": \"Unit\"}");
  REFUSE("g9/r.csv", "Model,Metric,Score,Unit\nm,latency,12,ms\nm,latency,0.5,s\nm,latency,3,%\n",
         "r.csv:4:11:", "found \"3\", expected a value in s (as \"latency\" on line 2)");
  generic_manifest("g3", "{\"model\": \"Model\", \"metrics\": {\"f1\": {}}, \"step\": \"Step\"}");
  REFUSE("g3/r.csv", "Model,Step,f1\nm,one,0.5\n",
         "r.csv:2:3:", "expected a whole number >= 0 (step)");
  generic_manifest("g4", "{\"model\": \"Model\"}");
  REFUSE("g4/r.csv", "Model,Score\nm,1\n", "r.csv", "without \"metric\" and \"value\"");
  generic_manifest("g5", "{\"modle\": \"Model\", \"metric\": \"M\", \"value\": \"V\"}");
  REFUSE("g5/r.csv", "M,V\nacc,1\n", "r.csv", "found \"columns\".\"modle\"");
  generic_manifest("g6", "[1]");
  REFUSE("g6/r.csv", "M,V\nacc,1\n", "podium.json", "found \"columns\" that is not an object");
  /* no model column and no --model */
  generic_manifest("g7", "{\"metric\": \"M\", \"value\": \"V\"}");
  REFUSE("g7/r.csv", "M,V\nacc,1\n", "r.csv:2:", "found no model name");
  /* never detected: without --format or "format" it is not read */
  REFUSE("g8/r.csv", "Model,Metric,Score\nm,acc,0.5\n", "r.csv:1:1:",
         "expected the start of a file podium reads");
}

static void test_formats2_generic_needs_a_column_map(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("nomap/r.csv");
  const char *args[] = {p};
  ingest_meta meta = {0};
  test_make_folder_of(p);
  test_write(p, "a,b\n1,2\n", (size_t)-1);
  meta.format = "generic";
  CHECK_INT(test_ingest(&meta, args, 1, err), POD_EINPUT);
  CHECK_HAS(err, "found no column map, expected \"columns\" in podium.json");
}

static void test_formats2_generic_json_list_and_lines(void) {
  char err[POD_ERRLEN];
  const char *a = test_path("js/list.json"), *b = test_path("js/lines.jsonl");
  const char *args[] = {a, b};
  generic_manifest("js", "{\"model\": \"name\", \"metrics\": {\"f1\": "
                   "{\"direction\": \"higher\"}, \"time\": {\"unit\": \"min\"}}}");
  test_write(a, "[\n  {\"name\": \"m1\", \"f1\": 0.8125, \"time\": 2},\n"
                "  {\"name\": \"m2\", \"f1\": null, \"time\": 1.5e1, \"extra\": [1]}\n]\n",
             (size_t)-1);
  test_write(b, "{\"name\": \"m3\", \"f1\": 0.5, \"time\": 0.5}\n\n"
                "{\"name\": \"m3\", \"f1\": 0.25}\n", (size_t)-1);
  CHECK_RC(test_ingest(NULL, args, 2, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format = 'generic'"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 3);
  CHECK(test_query_num(VALUE_OF("f1", "m.line = 2")) == 0.8125);
  CHECK(test_query_num(VALUE_OF("time", "m.raw_value = '1.5e1'")) == 900);
  CHECK_INT(test_query_num("SELECT m.line FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'time' AND m.raw_value = '1.5e1'"), 3);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'time'"), "s");
  /* JSON Lines: the blank line is skipped, lines keep their numbers */
  CHECK(test_query_num(VALUE_OF("f1", "m.line = 3")) == 0.25);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements"), 6);
}

static void test_formats2_generic_json_refuses_bad_values(void) {
  generic_manifest("j1", LONG_MAP);
  REFUSE("j1/r.json", "[{\"Model\": \"m\", \"Metric\": \"acc\", \"Score\": 1},\n"
         " {\"Model\": \"m\", \"Metric\": \"acc\", \"Score\": \"high\"}]\n",
         "r.json:2:34:", "found \"high\" for \"Score\", expected a number (acc)");
  generic_manifest("j2", LONG_MAP);
  REFUSE("j2/r.json", "{\"Model\": \"m\", \"Metric\": \"acc\", \"Score\": [1]}\n",
         "r.json:1:33:", "found a list for \"Score\", expected a number or a string");
  generic_manifest("j3", LONG_MAP);
  REFUSE("j3/r.json", "{\"Model\": \"m\", \"Metric\": \"acc\", \"Scor\": 1}\n",
         "r.json:1:1:", "found no key \"Score\", expected the key the map names");
  generic_manifest("j4", LONG_MAP);
  REFUSE("j4/r.json", "{\"Model\": \"m\", \"Metric\": \"acc\", \"Score\": 1}\n"
         "{\"Model\": \"m\" \"Metric\": 2}\n", "r.json:2:", "expected valid JSON");
  generic_manifest("j5", LONG_MAP);
  REFUSE("j5/r.json", "[1, 2]\n", "r.json:1:2:", "found a number, expected an object");
}

/* ---- detection messages ------------------------------------------------ */

static void test_formats2_detect_names_the_closest_format(void) {
  REFUSE("x.csv", "duration,emissions,project_name,foo\n1,2,3,4\n",
         "x.csv:1:1:", "closest: codecarbon (3 of its names: project_name, duration, emissions)");
  REFUSE("y.json", "{\"foo\": 1, \"rapl_power_draw_absolute_x\": 2, \"timestamp\": 3}\n",
         "y.json:1:1:", "closest: codecarbon (1 of its names: timestamp) or eit (1 of its names: timestamp)");
  REFUSE("z.csv", "alpha,beta\n1,2\n", "z.csv:1:1: found \"alpha,beta\"",
         "--format NAME forces one)");
  {
    /* nothing in common: no "closest" at all */
    char err[POD_ERRLEN];
    const char *p = test_path("z.csv");
    CHECK_INT(test_ingest(NULL, &p, 1, err), POD_EINPUT);
    CHECK_LACKS(err, "closest");
  }
}

static void test_formats2_detect_refuses_a_tie_as_ambiguous(void) {
  /* epoch first (Keras' CSVLogger) and CodeCarbon's four columns: both
  ** sniff 90 */
  REFUSE("both.csv", "epoch,timestamp,project_name,duration,emissions\n"
         "0,2024-01-01T00:00:00,p,1.0,0.1\n",
         "both.csv:1:1:", "both keras-csvlogger and codecarbon read equally "
         "well, expected one format; pass --format keras-csvlogger or "
         "--format codecarbon");
}

static void test_formats2_cli_prints_the_pickle_message(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  test_write(test_path("info.pkl"), "\x80\x02}q\x00.", 6);
  CHECK_INT(test_podium(&out, &errb, "--db t.db ingest info.pkl"), 1);
  CHECK_HAS(errb.data, "info.pkl:1:1: found a Python pickle (protocol 2");
  CHECK_HAS(errb.data, "ingest impacttracker/data.json");
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

static void test_formats2_generic_files_entry_columns_win(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("fe/b.csv");
  const char *args[] = {p};
  test_make_folder_of(p);
  test_write(test_path("fe/podium.json"),
             "{\"format\": \"generic\", \"model\": \"m0\", \"columns\": "
             "{\"metric\": \"M\", \"value\": \"V\"}, \"files\": [{\"glob\": "
             "\"b.csv\", \"columns\": {\"metrics\": {\"bleu\": {\"direction\": "
             "\"higher\"}}}}]}\n", (size_t)-1);
  test_write(p, "bleu\n31.5\n", (size_t)-1);
  CHECK_RC(test_ingest(NULL, args, 1, err), POD_OK, err);
  CHECK(test_query_num(VALUE_OF("bleu", "1")) == 31.5);
  CHECK_STR(test_query_text("SELECT model FROM runs"), "m0");
}

static void test_formats2_formats_are_listed(void) {
  const char *name, *by;
  int eit = 0, generic = 0;
  for (int i = 0; ingest_format_info(i, &name, &by); i++) {
    if (!strcmp(name, "eit")) eit = 1;
    if (!strcmp(name, "generic")) { generic = 1; CHECK_HAS(by, "never detected"); }
  }
  CHECK(eit && generic);
}

const test_case tests_formats2[] = {
  {"test_formats2_eit_corpus_series_match_the_file", test_formats2_eit_corpus_series_match_the_file},
  {"test_formats2_eit_summary_is_derived_from_the_samples", test_formats2_eit_summary_is_derived_from_the_samples},
  {"test_formats2_eit_refuses_bad_lines", test_formats2_eit_refuses_bad_lines},
  {"test_formats2_eit_nan_power_is_skipped_and_counted", test_formats2_eit_nan_power_is_skipped_and_counted},
  {"test_formats2_eit_refuses_deep_nesting_and_long_lines", test_formats2_eit_refuses_deep_nesting_and_long_lines},
  {"test_formats2_eit_refuses_a_file_over_the_size_cap", test_formats2_eit_refuses_a_file_over_the_size_cap},
  {"test_formats2_pickle_is_named_with_what_to_do", test_formats2_pickle_is_named_with_what_to_do},
  {"test_formats2_generic_long_form_converts_units", test_formats2_generic_long_form_converts_units},
  {"test_formats2_generic_wide_form_with_directions", test_formats2_generic_wide_form_with_directions},
  {"test_formats2_generic_refuses_missing_columns_and_bad_cells", test_formats2_generic_refuses_missing_columns_and_bad_cells},
  {"test_formats2_generic_needs_a_column_map", test_formats2_generic_needs_a_column_map},
  {"test_formats2_generic_json_list_and_lines", test_formats2_generic_json_list_and_lines},
  {"test_formats2_generic_json_refuses_bad_values", test_formats2_generic_json_refuses_bad_values},
  {"test_formats2_detect_names_the_closest_format", test_formats2_detect_names_the_closest_format},
  {"test_formats2_detect_refuses_a_tie_as_ambiguous", test_formats2_detect_refuses_a_tie_as_ambiguous},
  {"test_formats2_cli_prints_the_pickle_message", test_formats2_cli_prints_the_pickle_message},
  {"test_formats2_generic_files_entry_columns_win", test_formats2_generic_files_entry_columns_win},
  {"test_formats2_formats_are_listed", test_formats2_formats_are_listed},
  {NULL, NULL}};
