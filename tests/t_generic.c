/*
** tests/t_generic.c -- ingest/generic.c: the generic column-map format
** (long and wide CSV, JSON lists and lines) with units and directions
** from its podium.json, the files entry's columns winning, and every bad
** file refused with a located message and the registry left as it was.
*/
#include "tests/test.h"
#include "ingest/ingest.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void test_generic_long_form_converts_units(void) {
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
  CHECK(fabs(test_query_num(TEST_VALUE_OF("latency", "1")) - 0.0125) < 1e-15);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'latency'"), "s");
  CHECK_STR(test_query_text("SELECT raw_value || ' ' || raw_unit FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'latency'"), "12.5 ms");
  CHECK(test_query_num(TEST_VALUE_OF("peak_memory", "1")) == 3e6);
  CHECK(test_query_num(TEST_VALUE_OF("peak_memory_binary", "1")) == 2097152);
  CHECK(fabs(test_query_num(TEST_VALUE_OF("energy", "1")) - 0.005) < 1e-15);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'energy'"), "kWh");
  CHECK(fabs(test_query_num(TEST_VALUE_OF("emissions", "1")) - 0.004) < 1e-15);
  CHECK_INT(test_query_num("SELECT direction FROM metrics WHERE name = 'accuracy'"), 1);
  CHECK_INT(test_query_num("SELECT batch_size FROM measurements WHERE line = 2"), 8);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE batch_size IS NULL"), 3);
  CHECK_STR(test_query_text("SELECT dataset FROM runs WHERE model = 'tiny'"), "sst2");
  /* an empty value cell is not measured; its run is still there */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements"), 6);
  CHECK_INT(test_query_num("SELECT line FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'emissions'"), 6);
}

static void test_generic_wide_form_with_directions(void) {
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
  CHECK(test_query_num(TEST_VALUE_OF("acc", "m.epoch = 2")) == 0.75);
  CHECK(fabs(test_query_num(TEST_VALUE_OF("latency_ms", "m.epoch = 2")) - 0.018) < 1e-15);
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

static void test_generic_refuses_missing_columns_and_bad_cells(void) {
  generic_manifest("g1", LONG_MAP);
  TEST_REFUSE("g1/r.csv", "Model,Metric,Value\nm,acc,0.5\n",
         "r.csv:1:1:", "found no column \"Score\", expected the column the map names");
  generic_manifest("g2", LONG_MAP);
  TEST_REFUSE("g2/r.csv", "Model,Metric,Score\nm,acc,0.5\nm,acc,high\n",
         "r.csv:3:7:", "found \"high\", expected a number (acc)");
  generic_manifest("g9", "{\"model\": \"Model\", \"metric\": \"Metric\", \"value\": \"Score\", \"unit\": \"Unit\"}");
  TEST_REFUSE("g9/r.csv", "Model,Metric,Score,Unit\nm,latency,12,ms\nm,latency,0.5,s\nm,latency,3,%\n",
         "r.csv:4:11:", "found \"3\", expected a value in s (as \"latency\" on line 2)");
  generic_manifest("g3", "{\"model\": \"Model\", \"metrics\": {\"f1\": {}}, \"step\": \"Step\"}");
  TEST_REFUSE("g3/r.csv", "Model,Step,f1\nm,one,0.5\n",
         "r.csv:2:3:", "expected a whole number >= 0 (step)");
  generic_manifest("g4", "{\"model\": \"Model\"}");
  TEST_REFUSE("g4/r.csv", "Model,Score\nm,1\n", "r.csv", "without \"metric\" and \"value\"");
  generic_manifest("g5", "{\"modle\": \"Model\", \"metric\": \"M\", \"value\": \"V\"}");
  TEST_REFUSE("g5/r.csv", "M,V\nacc,1\n", "r.csv", "found \"columns\".\"modle\"");
  generic_manifest("g6", "[1]");
  TEST_REFUSE("g6/r.csv", "M,V\nacc,1\n", "podium.json", "found \"columns\" that is not an object");
  /* no model column and no --model */
  generic_manifest("g7", "{\"metric\": \"M\", \"value\": \"V\"}");
  TEST_REFUSE("g7/r.csv", "M,V\nacc,1\n", "r.csv:2:", "found no model name");
  /* never detected: without --format or "format" it is not read */
  TEST_REFUSE("g8/r.csv", "Model,Metric,Score\nm,acc,0.5\n", "r.csv:1:1:",
         "expected the start of a file podium reads");
}

static void test_generic_needs_a_column_map(void) {
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

static void test_generic_json_list_and_lines(void) {
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
  CHECK(test_query_num(TEST_VALUE_OF("f1", "m.line = 2")) == 0.8125);
  CHECK(test_query_num(TEST_VALUE_OF("time", "m.raw_value = '1.5e1'")) == 900);
  CHECK_INT(test_query_num("SELECT m.line FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'time' AND m.raw_value = '1.5e1'"), 3);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'time'"), "s");
  /* JSON Lines: the blank line is skipped, lines keep their numbers */
  CHECK(test_query_num(TEST_VALUE_OF("f1", "m.line = 3")) == 0.25);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements"), 6);
}

static void test_generic_json_refuses_bad_values(void) {
  generic_manifest("j1", LONG_MAP);
  TEST_REFUSE("j1/r.json", "[{\"Model\": \"m\", \"Metric\": \"acc\", \"Score\": 1},\n"
         " {\"Model\": \"m\", \"Metric\": \"acc\", \"Score\": \"high\"}]\n",
         "r.json:2:34:", "found \"high\" for \"Score\", expected a number (acc)");
  generic_manifest("j2", LONG_MAP);
  TEST_REFUSE("j2/r.json", "{\"Model\": \"m\", \"Metric\": \"acc\", \"Score\": [1]}\n",
         "r.json:1:33:", "found a list for \"Score\", expected a number or a string");
  generic_manifest("j3", LONG_MAP);
  TEST_REFUSE("j3/r.json", "{\"Model\": \"m\", \"Metric\": \"acc\", \"Scor\": 1}\n",
         "r.json:1:1:", "found no key \"Score\", expected the key the map names");
  generic_manifest("j4", LONG_MAP);
  TEST_REFUSE("j4/r.json", "{\"Model\": \"m\", \"Metric\": \"acc\", \"Score\": 1}\n"
         "{\"Model\": \"m\" \"Metric\": 2}\n", "r.json:2:", "expected valid JSON");
  generic_manifest("j5", LONG_MAP);
  TEST_REFUSE("j5/r.json", "[1, 2]\n", "r.json:1:2:", "found a number, expected an object");
}


static void test_generic_files_entry_columns_win(void) {
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
  CHECK(test_query_num(TEST_VALUE_OF("bleu", "1")) == 31.5);
  CHECK_STR(test_query_text("SELECT model FROM runs"), "m0");
}

const test_case tests_generic[] = {
  {"generic_long_form_converts_units", test_generic_long_form_converts_units},
  {"generic_wide_form_with_directions", test_generic_wide_form_with_directions},
  {"generic_refuses_missing_columns_and_bad_cells", test_generic_refuses_missing_columns_and_bad_cells},
  {"generic_needs_a_column_map", test_generic_needs_a_column_map},
  {"generic_json_list_and_lines", test_generic_json_list_and_lines},
  {"generic_json_refuses_bad_values", test_generic_json_refuses_bad_values},
  {"generic_files_entry_columns_win", test_generic_files_entry_columns_win},
  {NULL, NULL},
};
