/*
** tests/run.c -- podium's one test runner.
**
** usage: run-tests [--match WORD] [--trials N]
** Prints one line per failure and per skip and ends with "N passed,
** N failed, N skipped"; exits nonzero when anything failed or skipped
** (a skip is a test that did not prove anything: CI must not go green). Each test gets
** a fresh temporary folder. --trials N repeats each trial loop N times
** (`make torture` runs 200) instead of the count the test chose.
*/
#include "tests/test.h"
#include "core/fs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures_in_test;
static int skipped_test;
static int trials;   /* --trials; 0: each test's own count */
static const char *current;
static char dir[2048];
static char root[4096];

void test_fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  failures_in_test++;
  printf("FAIL %s: %s:%d: ", current, file, line);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}

void test_skip(const char *fmt, ...) {
  va_list ap;
  skipped_test = 1;
  printf("SKIP %s: ", current);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}

int test_trials(int usual) { return trials > 0 ? trials : usual; }

const char *test_dir(void) { return dir; }
const char *test_root(void) { return root; }

const char *test_path(const char *name) {
  static char bufs[8][4096];
  static int next;
  char *b = bufs[next++ % 8];
  snprintf(b, 4096, "%s/%s", dir, name);
  return b;
}

void test_write(const char *path, const char *data, size_t n) {
  char err[POD_ERRLEN];
  if (n == (size_t)-1) n = strlen(data);
  if (pod_file_write(path, data, n, err)) test_fail(__FILE__, __LINE__, "%s", err);
}

int test_podium(pod_buf *out, pod_buf *errb, const char *fmt, ...) {
  pod_buf cmd = POD_BUF_INIT, args = POD_BUF_INIT;
  const char *bin = getenv("PODIUM_BIN");
  char oerr[POD_ERRLEN];
  va_list ap;
  int status;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *a = pod_xmalloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(a, (size_t)n + 1, fmt, ap);
  va_end(ap);
  pod_buf_printf(&cmd, "cd '%s' && '%s/%s' %s >'%s/.out' 2>'%s/.err' </dev/null",
                 dir, root, bin && *bin ? bin : "build/asan/podium", a, dir, dir);
  free(a);
  status = system(cmd.data);
  pod_buf_free(&cmd);
  pod_buf_free(&args);
  if (out) pod_file_read(test_path(".out"), out, oerr);
  if (errb) pod_file_read(test_path(".err"), errb, oerr);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void test_golden_at(const char *file, int line, const char *rel,
                    const pod_buf *out) {
  char path[8192], err[POD_ERRLEN];
  pod_buf want = POD_BUF_INIT;
  const char *regen = getenv("PODIUM_GOLDEN");
  snprintf(path, sizeof path, "%s/tests/golden/%s", root, rel);
  if (regen && *regen == '1') {
    char folder[8192];
    snprintf(folder, sizeof folder, "%s", path);
    *strrchr(folder, '/') = '\0';
    if (pod_mkdirs(folder, err) || pod_file_write(path, pod_buf_str(out), out->len, err))
      test_fail(file, line, "%s", err);
    return;
  }
  if (pod_file_read(path, &want, err)) {
    test_fail(file, line, "%s (run `make golden`)", err);
    return;
  }
  if (want.len != out->len || memcmp(want.data, out->data, out->len)) {
    const char *a = pod_buf_str(&want), *b = pod_buf_str(out);
    int n = 1;
    while (*a && *a == *b) { if (*a == '\n') n++; a++; b++; }
    while (a > want.data && a[-1] != '\n') { a--; b--; }
    test_fail(file, line, "%s differs at line %d:\n- %.*s\n+ %.*s\n"
              "(if the change is meant: make golden, and review git diff)",
              rel, n, (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
  }
  pod_buf_free(&want);
}

static const test_case *const suites[] = {tests_core, tests_store,
                                          tests_ingest, tests_ingest_threads,
                                          tests_render,
                                          tests_cli, tests_svg, tests_trainlogs,
                                          tests_trainlogs_traps,
                                          tests_codecarbon, tests_i18n,
                                          tests_eit, tests_generic,
                                          tests_detect, tests_compare,
                                          tests_course, tests_boards,
                                          tests_eit_report, tests_env,
                                          tests_methods, tests_study,
                                          tests_browser, tests_hardening,
                                          tests_pg, tests_template,
                                          tests_incremental, tests_concurrency,
                                          tests_runpage};

int main(int argc, char **argv) {
  const char *match = NULL;
  const char *tmp = getenv("TMPDIR");
  int passed = 0, failed = 0, skipped = 0;
  char err[POD_ERRLEN];
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--match") && i + 1 < argc) match = argv[++i];
    else if (!strcmp(argv[i], "--trials") && i + 1 < argc &&
             (trials = atoi(argv[++i])) > 0) {}
    else {
      fprintf(stderr, "usage: run-tests [--match WORD] [--trials N]\n");
      return 2;
    }
  }
  if (!getcwd(root, sizeof root)) return 2;
  setvbuf(stdout, NULL, _IOLBF, 0);
  /* Hermetic: the caller's settings never change a result. Tests that
  ** need one of these set it themselves; dates are UTC, numbers ASCII. */
  unsetenv("PODIUM_DB");
  unsetenv("PODIUM_JOBS");
  unsetenv("PODIUM_SHARE");
  /* libpq's: tests/t_pg.c names its own server */
  unsetenv("PGHOST");
  unsetenv("PGHOSTADDR");
  unsetenv("PGPORT");
  unsetenv("PGUSER");
  unsetenv("PGDATABASE");
  unsetenv("PGPASSWORD");
  unsetenv("PGSERVICE");
  setenv("TZ", "UTC", 1);
  setenv("LC_ALL", "C.UTF-8", 1);
  for (size_t s = 0; s < sizeof suites / sizeof suites[0]; s++) {
    for (const test_case *t = suites[s]; t->name; t++) {
      if (match && !strstr(t->name, match)) continue;
      snprintf(dir, sizeof dir, "%s/podium-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
      if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
      current = t->name;
      failures_in_test = 0;
      skipped_test = 0;
      pod_fs_fail_after(0);
      t->fn();
      pod_fs_fail_after(0);
      if (failures_in_test) failed++;
      else if (skipped_test) skipped++;
      else passed++;
      pod_rmtree(dir, err);
    }
  }
  printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed || skipped ? 1 : 0;
}
