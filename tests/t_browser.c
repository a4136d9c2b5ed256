/*
** tests/t_browser.c -- the demo site in headless Chromium, as a phone
** (390 px) and a desktop (1280 px) show it, in all five languages, with
** one training log beside it (a run page of per-epoch charts):
** tests/browser/check.js does the looking (page heights, sideways scroll,
** chart text size and overlaps; issue 17), this runs it from the one
** runner. Needs node, chromium and `npm ci` (make deps); without them the
** test fails, it never passes quietly.
*/
#include "tests/test.h"
#include "core/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static void test_browser_demo_reads_on_phones_and_desktops(void) {
  pod_buf out = POD_BUF_INIT, e = POD_BUF_INIT, cmd = POD_BUF_INIT;
  char err[POD_ERRLEN];
  CHECK_INT(test_podium(&out, &e, "ingest --quiet %s/examples", test_root()), 0);
  /* and a training log: per-epoch charts with a best epoch and shading */
  CHECK_INT(test_podium(&out, &e, "ingest --quiet %s/tests/data/keras-csvlogger/"
                        "tf2-manymetrics-lr-4hmetcakmak-BraTS2020-training.log",
                        test_root()), 0);
  CHECK_INT(test_podium(&out, &e, "render --lang en,fa,ar,te,ha --content %s/examples/content", test_root()), 0);
  pod_buf_printf(&cmd, "command -v node >/dev/null 2>&1 || "
                 "{ echo 'cannot run: node is missing (make deps installs it)'; exit 2; }; "
                 "cd '%s' && timeout 600 node tests/browser/check.js '%s' >'%s' 2>&1",
                 test_root(), test_path("_site"), test_path("browser.out"));
  int status = system(pod_buf_str(&cmd));
  pod_buf_clear(&out);
  pod_file_read(test_path("browser.out"), &out, err);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    int lines = 0;
    for (char *line = out.data, *nl; line && *line && lines < 40; line = nl ? nl + 1 : NULL) {
      nl = strchr(line, '\n');
      if (nl) *nl = '\0';
      if (strncmp(line, "checked ", 8)) {
        test_fail(__FILE__, __LINE__, "%s", line);
        lines++;
      }
    }
    if (!lines)
      test_fail(__FILE__, __LINE__, "tests/browser/check.js exited with status %d",
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  } else {
    const char *c = strstr(out.data ? out.data : "", "checked ");
    CHECK(c && atoi(c + 8) >= 51);   /* all was seen: 10 pages a language and the chooser */
  }
  pod_buf_free(&out);
  pod_buf_free(&e);
  pod_buf_free(&cmd);
}

const test_case tests_browser[] = {
  {"browser_demo_reads_on_phones_and_desktops", test_browser_demo_reads_on_phones_and_desktops},
  {NULL, NULL},
};
