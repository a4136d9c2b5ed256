/*
** tests/t_browser.c -- the demo site in headless Chromium, as a phone
** (390 px) and a desktop (1280 px) show it, in all five languages, with
** one training log beside it (a run page of per-epoch charts):
** tests/browser/check.js does the looking (page heights, sideways scroll,
** chart text size and overlaps; issue 17), this runs it from the one
** runner. Needs node, chromium and `npm ci` (make deps); without them the
** test fails, it never passes quietly.
**
** And the validators (tests/browser/validate.js): the Nu Html Checker
** over every page of the demo and of a generated site with every page
** kind, axe-core on one page of each kind per language; java too.
*/
#include "tests/test.h"
#include "core/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Runs `node tests/browser/SCRIPT ARGS` from the source tree; on a
** non-zero exit each line it printed but the summary (starting with
** summary) is a failure. Returns the count the summary starts with. */
static int run_node(const char *script, const char *args, const char *summary) {
  pod_buf out = POD_BUF_INIT, cmd = POD_BUF_INIT;
  char err[POD_ERRLEN];
  int n = -1;
  pod_buf_printf(&cmd, "command -v node >/dev/null 2>&1 || "
                 "{ echo 'cannot run: node is missing (make deps installs it)'; exit 2; }; "
                 "cd '%s' && timeout 600 node tests/browser/%s %s >'%s' 2>&1",
                 test_root(), script, args, test_path("browser.out"));
  int status = system(pod_buf_str(&cmd));
  pod_file_read(test_path("browser.out"), &out, err);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    int lines = 0;
    for (char *line = out.data, *nl; line && *line && lines < 40; line = nl ? nl + 1 : NULL) {
      nl = strchr(line, '\n');
      if (nl) *nl = '\0';
      if (strncmp(line, summary, strlen(summary))) {
        test_fail(__FILE__, __LINE__, "%s", line);
        lines++;
      }
    }
    if (!lines)
      test_fail(__FILE__, __LINE__, "tests/browser/%s exited with status %d", script,
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  } else {
    const char *c = strstr(out.data ? out.data : "", summary);
    if (c) n = atoi(c + strlen(summary));
  }
  pod_buf_free(&out);
  pod_buf_free(&cmd);
  return n;
}

static void test_browser_demo_reads_on_phones_and_desktops(void) {
  pod_buf out = POD_BUF_INIT, e = POD_BUF_INIT, args = POD_BUF_INIT;
  CHECK_INT(test_podium(&out, &e, "ingest --quiet %s/examples", test_root()), 0);
  /* and a training log: per-epoch charts with a best epoch and shading */
  CHECK_INT(test_podium(&out, &e, "ingest --quiet %s/tests/data/keras-csvlogger/"
                        "tf2-manymetrics-lr-4hmetcakmak-BraTS2020-training.log",
                        test_root()), 0);
  CHECK_INT(test_podium(&out, &e, "render --lang en,fa,ar,te,ha --content %s/examples/content", test_root()), 0);
  pod_buf_printf(&args, "'%s'", test_path("_site"));
  int n = run_node("check.js", args.data, "checked ");
  /* all was seen: 10 pages a language and the chooser */
  if (n >= 0) CHECK(n >= 51);
  pod_buf_free(&out);
  pod_buf_free(&e);
  pod_buf_free(&args);
}

/* The demo as `make demo` renders it, and a site with every page kind
** and run pages of every format (benchmarks with N/A, CodeCarbon curves,
** Keras, Lightning and Trainer logs, an EIT report), in all five
** languages: vnu finds no error in any page, axe no violation. */
static void test_browser_pages_pass_vnu_and_axe(void) {
  pod_buf out = POD_BUF_INIT, e = POD_BUF_INIT, args = POD_BUF_INIT;
  const char *r = test_root();
  static const char *const gen[] = {
      "tests/data/codecarbon/v2.7.1-GauravVan-Exploring-CodeCarbon-emissions.csv",
      "tests/data/codecarbon/v2.3.1-1gni5-green-hackathon-emissions.csv",
      "tests/data/keras-csvlogger", "tests/data/lightning-csv",
      "tests/data/hf-trainer", "tests/data/eit", "tests/data/hf-benchmark-oom"};
  CHECK_INT(test_podium(&out, &e, "--db demo.db ingest --quiet %s/examples", r), 0);
  CHECK_INT(test_podium(&out, &e, "--db demo.db render --out demo --content "
                        "%s/examples/content", r), 0);
  CHECK_INT(test_podium(&out, &e, "--db gen.db ingest --quiet %s/examples", r), 0);
  for (size_t i = 0; i < sizeof gen / sizeof *gen; i++)
    CHECK_INT(test_podium(&out, &e, "--db gen.db ingest --quiet %s/%s", r, gen[i]), 0);
  CHECK_INT(test_podium(&out, &e, "--db gen.db render --lang en,fa,ar,te,ha "
                        "--out gen --content %s/examples/content", r), 0);
  pod_buf_printf(&args, "'%s' '%s'", test_path("demo"), test_path("gen"));
  int n = run_node("validate.js", args.data, "validated ");
  if (n >= 0) CHECK(n >= 600);   /* every page of both was seen */
  pod_buf_free(&out);
  pod_buf_free(&e);
  pod_buf_free(&args);
}

const test_case tests_browser[] = {
  {"browser_demo_reads_on_phones_and_desktops", test_browser_demo_reads_on_phones_and_desktops},
  {"browser_pages_pass_vnu_and_axe", test_browser_pages_pass_vnu_and_axe},
  {NULL, NULL},
};
