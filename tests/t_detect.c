/*
** tests/t_detect.c -- format detection (ingest/ingest.c): the closest
** format named when none fits, a tie refused as ambiguous, the pickle
** message saying what to do instead, and `podium formats` listing them.
*/
#include "tests/test.h"
#include "ingest/ingest.h"

#include <string.h>

static void test_detect_pickle_is_named_with_what_to_do(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("run/impacttracker/info.pkl");
  const char *args[] = {p};
  ingest_meta meta = {0};
  /* protocol 4 pickle: PROTO 4, FRAME ..., as pickle.dumps writes it */
  test_refuse("run/impacttracker/info.pkl", "\x80\x04\x95\x10\x00\x00\x00"
                 "\x00\x00\x00\x00}\x94.", 15, "info.pkl:1:1: found a Python "
                 "pickle (protocol 4", "ingest impacttracker/data.json");
  /* --format eit sees it too */
  meta.format = "eit";
  CHECK_INT(test_ingest(&meta, args, 1, err), POD_EINPUT);
  CHECK_HAS(err, "found a Python pickle (experiment-impact-tracker's info.pkl)");
}



static void test_detect_names_the_closest_format(void) {
  TEST_REFUSE("x.csv", "duration,emissions,project_name,foo\n1,2,3,4\n",
         "x.csv:1:1:", "closest: codecarbon (3 of its names: project_name, duration, emissions)");
  TEST_REFUSE("y.json", "{\"foo\": 1, \"rapl_power_draw_absolute_x\": 2, \"timestamp\": 3}\n",
         "y.json:1:1:", "closest: codecarbon (1 of its names: timestamp) or eit (1 of its names: timestamp)");
  TEST_REFUSE("z.csv", "alpha,beta\n1,2\n", "z.csv:1:1: found \"alpha,beta\"",
         "--format NAME forces one)");
  {
    /* nothing in common: no "closest" at all */
    char err[POD_ERRLEN];
    const char *p = test_path("z.csv");
    CHECK_INT(test_ingest(NULL, &p, 1, err), POD_EINPUT);
    CHECK_LACKS(err, "closest");
  }
}

static void test_detect_refuses_a_tie_as_ambiguous(void) {
  /* epoch first (Keras' CSVLogger) and CodeCarbon's four columns: both
  ** sniff 90 */
  TEST_REFUSE("both.csv", "epoch,timestamp,project_name,duration,emissions\n"
         "0,2024-01-01T00:00:00,p,1.0,0.1\n",
         "both.csv:1:1:", "both keras-csvlogger and codecarbon read equally "
         "well, expected one format; pass --format keras-csvlogger or "
         "--format codecarbon");
}


static void test_detect_cli_prints_the_pickle_message(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  test_write(test_path("info.pkl"), "\x80\x02}q\x00.", 6);
  CHECK_INT(test_podium(&out, &errb, "--db t.db ingest info.pkl"), 1);
  CHECK_HAS(errb.data, "info.pkl:1:1: found a Python pickle (protocol 2");
  CHECK_HAS(errb.data, "ingest impacttracker/data.json");
  pod_buf_free(&out);
  pod_buf_free(&errb);
}


static void test_detect_formats_are_listed(void) {
  const char *name, *by;
  int eit = 0, generic = 0;
  for (int i = 0; ingest_format_info(i, &name, &by); i++) {
    if (!strcmp(name, "eit")) eit = 1;
    if (!strcmp(name, "generic")) { generic = 1; CHECK_HAS(by, "never detected"); }
  }
  CHECK(eit && generic);
}

const test_case tests_detect[] = {
  {"detect_pickle_is_named_with_what_to_do", test_detect_pickle_is_named_with_what_to_do},
  {"detect_names_the_closest_format", test_detect_names_the_closest_format},
  {"detect_refuses_a_tie_as_ambiguous", test_detect_refuses_a_tie_as_ambiguous},
  {"detect_cli_prints_the_pickle_message", test_detect_cli_prints_the_pickle_message},
  {"detect_formats_are_listed", test_detect_formats_are_listed},
  {NULL, NULL},
};
