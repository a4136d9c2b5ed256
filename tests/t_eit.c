/*
** tests/t_eit.c -- ingest/eit.c: experiment-impact-tracker's
** impacttracker/data.json log (tests/data/eit/): series and summaries
** checked against the file, NaN power skipped and counted, bad lines,
** deep nesting, long lines and oversize files refused with a located
** message and the registry left as it was. (The per-run HTML page is
** tests/t_eit_report.c.)
*/
#include "tests/test.h"
#include "ingest/ingest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EIT "eit-RLEnergyLeaderboard-cule-Pong_seed_3-data.json"


static void test_eit_corpus_series_match_the_file(void) {
  char err[POD_ERRLEN];
  const char *p = test_copy_fixture("eit", EIT, "Pong_seed_3/impacttracker/data.json");
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT format FROM sources"), "eit");
  CHECK_INT(test_query_num("SELECT rows FROM sources"), 35);
  CHECK_HAS(test_query_text("SELECT format_version FROM sources"), "derived by podium");
  /* the folder holding impacttracker/ names the model */
  CHECK_STR(test_query_text("SELECT model FROM runs"), "Pong_seed_3");
  /* line 1: "rapl_power_draw_absolute":61.1223055634 */
  CHECK(test_query_num(TEST_VALUE_OF("cpu_power", "m.step = 1")) == 61.1223055634);
  CHECK_STR(test_query_text("SELECT m.raw_value FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'cpu_power' AND m.step = 1"), "61.1223055634");
  CHECK_INT(test_query_num("SELECT m.line FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'cpu_power' AND m.step = 1"), 1);
  /* line 2: attributable 25.7822945692, GPU 41.44 */
  CHECK(test_query_num(TEST_VALUE_OF("cpu_power_attributable", "m.step = 2")) == 25.7822945692);
  CHECK(test_query_num(TEST_VALUE_OF("gpu_power", "m.step = 2")) == 41.44);
  CHECK_INT(test_query_num("SELECT m.line FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'gpu_power' AND m.step = 2"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'gpu_power_attributable'"), 35);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'cpu_power'"), "W");
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE epoch IS NOT NULL"), 0);
}

static void test_eit_summary_is_derived_from_the_samples(void) {
  char err[POD_ERRLEN];
  const char *p = test_copy_fixture("eit", EIT, "run/impacttracker/data.json");
  ingest_meta meta = {0};
  meta.model = "a2c-cule";
  CHECK_RC(test_ingest(&meta, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT model FROM runs"), "a2c-cule");
  /* last timestamp 1572548839.8460979462 - first 1572548471.1904480457 */
  CHECK(fabs(test_query_num(TEST_VALUE_OF("duration", "m.step IS NULL")) - 368.6556499) < 1e-6);
  /* trapezoids of the attributable power (computed in Python from the
  ** same file): CPU 0.004270393755249005 kWh, GPU 0.005883458598342869 */
  CHECK(fabs(test_query_num(TEST_VALUE_OF("cpu_energy_attributable_derived", "m.step IS NULL")) - 0.004270393755249005) < 1e-12);
  CHECK(fabs(test_query_num(TEST_VALUE_OF("gpu_energy_attributable_derived", "m.step IS NULL")) - 0.005883458598342869) < 1e-12);
  CHECK(fabs(test_query_num(TEST_VALUE_OF("energy_attributable_derived", "m.step IS NULL")) - 0.010153852353591874) < 1e-12);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'energy_attributable_derived'"), "kWh");
  /* the summary cites the last sample; its raw value is in joules */
  CHECK_INT(test_query_num("SELECT m.line FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'duration'"), 35);
  CHECK_STR(test_query_text("SELECT m.raw_unit FROM measurements m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'cpu_energy_attributable_derived'"), "J");
  /* one summary value per metric, none for the power series */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE step IS NULL"), 4);
}

#define EIT_OK "{\"timestamp\": 10.0, \"rapl_power_draw_absolute\": 50.0, \"rapl_estimated_attributable_power_draw\": 20.0}\n"

static void test_eit_refuses_bad_lines(void) {
  TEST_REFUSE("a/impacttracker/data.json", EIT_OK "{\"timestamp\": 11.0,, }\n",
         "data.json:2:20:", "expected valid JSON");
  TEST_REFUSE("b/impacttracker/data.json", EIT_OK "[1, 2]\n",
         "data.json:2:1:", "found a list, expected a JSON object");
  TEST_REFUSE("c/impacttracker/data.json", EIT_OK "{\"timestamp\": \"noon\"}\n",
         "data.json:2:2:", "found a string for \"timestamp\", expected a number");
  TEST_REFUSE("d/impacttracker/data.json",
         EIT_OK "{\"timestamp\": 12, \"nvidia_draw_absolute\": [40]}\n",
         "data.json:2:19:", "found a list for \"nvidia_draw_absolute\"");
  TEST_REFUSE("e/impacttracker/data.json", EIT_OK "{\"timestamp\": 9.5}\n",
         "data.json:2:2:", "expected samples in time order");
  TEST_REFUSE("f/impacttracker/data.json", EIT_OK "{\"timestamp\": 12} {}\n",
         "data.json:2:19:", "expected one JSON object per line");
  TEST_REFUSE("g/impacttracker/data.json", EIT_OK "{\"rapl_power_draw_absolute\": 1}\n",
         "data.json:2:1:", "found no key for \"timestamp\"");
  TEST_REFUSE("h/impacttracker/data.json", EIT_OK "{\"timestamp\": 1e999}\n",
         "data.json:2:2:", "found a number out of range for \"timestamp\"");
}

/* The tracker's stop() ends the sampling process, which may be writing:
** a last line cut refuses the file with what is missing, or is skipped
** under --skip-bad-rows; the summary is the whole samples'. */
static void test_eit_cut_last_sample(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  char db[4096];
  const char *p = test_path("cut/impacttracker/data.json");
  snprintf(db, sizeof db, "%s", test_path("t.db"));
  test_make_folder_of(p);
  test_write(p, EIT_OK "{\"timestamp\": 20.0, \"rapl_power_draw_absolute\": 30.0, "
                "\"rapl_estimated_attributable_power_draw\": 30.0}\n"
                "{\"timestamp\": 30.0, \"rapl_power_dr", (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --model m '%s'", db, p), 1);
  CHECK_HAS(errb.data, "data.json:3:35: found the end of the file in the last sample, expected the rest of its JSON object and a line end: the line was cut (the tracker stopped while writing it) (--skip-bad-rows skips such lines)");
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 0);
  pod_buf_clear(&errb);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --model m --skip-bad-rows '%s'", db, p), 0);
  CHECK_HAS(errb.data, "podium: skipped ");
  CHECK_HAS(out.data, "(2 rows, 1 bad line skipped)");
  CHECK(test_query_num(TEST_VALUE_OF("duration", "1")) == 10);
  /* a line cut in the middle of the file is no such line: refused */
  TEST_REFUSE("mid/impacttracker/data.json", EIT_OK "{\"timestamp\": 11.0, \"rapl\n" EIT_OK,
              "data.json:2:", "expected valid JSON");
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

static void test_eit_nan_power_is_skipped_and_counted(void) {
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
  CHECK(fabs(test_query_num(TEST_VALUE_OF("cpu_energy_attributable_derived", "1")) - 250 / 3.6e6) < 1e-15);
  CHECK(test_query_num(TEST_VALUE_OF("duration", "1")) == 10);
  TEST_REFUSE("nan2/impacttracker/data.json", EIT_OK "{\"timestamp\": NaN}\n",
         "data.json:2:2:", "found NaN for \"timestamp\"");
}

static void test_eit_refuses_deep_nesting_and_long_lines(void) {
  char data[4096];
  size_t n = (size_t)snprintf(data, sizeof data, "%s{\"timestamp\": 12, \"x\": ", EIT_OK);
  for (int i = 0; i < 40; i++) data[n++] = '[';
  for (int i = 0; i < 40; i++) data[n++] = ']';
  data[n++] = '}';
  data[n++] = '\n';
  test_refuse("deep/impacttracker/data.json", data, n, "data.json:2:55:",
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
    test_refuse("long/impacttracker/data.json", big, o, "data.json:2:1:",
                   "expected at most 1048576 (1 MiB) per sample");
    free(big);
  }
}

static void test_eit_refuses_a_file_over_the_size_cap(void) {
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

const test_case tests_eit[] = {
  {"eit_corpus_series_match_the_file", test_eit_corpus_series_match_the_file},
  {"eit_summary_is_derived_from_the_samples", test_eit_summary_is_derived_from_the_samples},
  {"eit_refuses_bad_lines", test_eit_refuses_bad_lines},
  {"eit_cut_last_sample", test_eit_cut_last_sample},
  {"eit_nan_power_is_skipped_and_counted", test_eit_nan_power_is_skipped_and_counted},
  {"eit_refuses_deep_nesting_and_long_lines", test_eit_refuses_deep_nesting_and_long_lines},
  {"eit_refuses_a_file_over_the_size_cap", test_eit_refuses_a_file_over_the_size_cap},
  {NULL, NULL},
};
