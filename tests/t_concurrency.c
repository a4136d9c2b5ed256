/*
** tests/t_concurrency.c -- issue 15: one registry under many hands. Real
** podium processes started at the same moment: two ingests creating a
** fresh registry, two ingests of one file, a small ingest beside a big
** one, a writer outwaiting a long transaction, a full disk, and a render
** whose threads read one snapshot while ingests commit. Each repeats its
** trial test_trials(20) times (`make torture`: --trials 200).
*/
#define _GNU_SOURCE
#include "tests/test.h"
#include "core/fs.h"
#include "store/store.h"

#include <dirent.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- one registry under many hands ------------------------------------ */

/* Runs n shell commands (in the test's folder) so that they start at the
** same moment: each child waits on a pipe the parent closes once all are
** forked. Exit codes go to rc[]; command k's output to .pK.out/.pK.err. */
void test_run_together(int n, const char *const *cmds, int *rc) {
  int gate[2];
  pid_t pid[8];
  if (pipe(gate) != 0) { test_fail(__FILE__, __LINE__, "pipe"); return; }
  for (int k = 0; k < n; k++) {
    pod_buf cmd = POD_BUF_INIT;
    const char *bin = getenv("PODIUM_BIN");
    pod_buf_printf(&cmd, "cd '%s' && P='%s/%s' && %s >.p%d.out 2>.p%d.err",
                   test_dir(), test_root(), bin && *bin ? bin : "build/asan/podium",
                   cmds[k], k, k);
    if ((pid[k] = fork()) == 0) {
      char c;
      close(gate[1]);
      while (read(gate[0], &c, 1) > 0) {}
      execl("/bin/sh", "sh", "-c", cmd.data, (char *)NULL);
      _exit(127);
    }
    pod_buf_free(&cmd);
  }
  close(gate[0]);
  close(gate[1]);   /* go */
  for (int k = 0; k < n; k++) {
    int st = 0;
    waitpid(pid[k], &st, 0);
    rc[k] = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
  }
}

const char *test_proc_output(int k, const char *ext) {
  static pod_buf b[2];
  static int turn;
  char name[32], err[POD_ERRLEN];
  pod_buf *o = &b[turn++ % 2];
  snprintf(name, sizeof name, ".p%d.%s", k, ext);
  pod_buf_clear(o);
  if (pod_file_read(test_path(name), o, err)) return "";
  return pod_buf_str(o);
}

static void remove_registry(const char *name) {
  static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
  for (int i = 0; i < 4; i++) {
    char p[256];
    snprintf(p, sizeof p, "%s%s", name, ext[i]);
    remove(test_path(p));
  }
}

/* issue 15: "table sources already exists" in 17 of 20 trials */
static void test_concurrent_ingests_create_a_fresh_registry_once(void) {
  char cmd[2][PATH_MAX + 100];
  const char *cmds[] = {cmd[0], cmd[1]};
  snprintf(cmd[0], sizeof cmd[0], "$P --db c.db ingest %s/tests/data/hf-benchmark/inference_time_1590589635.csv", test_root());
  snprintf(cmd[1], sizeof cmd[1], "$P --db c.db ingest %s/tests/data/hf-benchmark/train_time_1590402664.csv", test_root());
  for (int trial = 0, n = test_trials(20); trial < n; trial++) {
    int rc[2];
    remove_registry("c.db");
    test_run_together(2, cmds, rc);
    for (int k = 0; k < 2; k++)
      if (rc[k] != 0)
        test_fail(__FILE__, __LINE__, "trial %d, ingest %d: exit %d: %s",
                  trial, k, rc[k], test_proc_output(k, "err"));
    CHECK_STR(test_sql_text("c.db", "SELECT count(*) FROM sources"), "2");
    CHECK_STR(test_sql_text("c.db", "PRAGMA journal_mode"), "wal");
    CHECK_STR(test_sql_text("c.db", "PRAGMA user_version"), test_at_version("%d"));
  }
}

/* issue 15: the loser said "UNIQUE constraint failed: sources.sha256" */
static void test_concurrent_ingests_of_one_file_add_it_once(void) {
  char cmd[PATH_MAX + 100];
  const char *cmds[] = {cmd, cmd};
  snprintf(cmd, sizeof cmd, "$P --db c.db ingest %s/tests/data/hf-benchmark/inference_time_1590589635.csv", test_root());
  for (int trial = 0, n = test_trials(20); trial < n; trial++) {
    int rc[2], added = 0, skipped = 0;
    remove_registry("c.db");
    if (trial % 2) {   /* half the trials into an existing registry */
      pod_buf o = POD_BUF_INIT;
      test_podium(&o, NULL, "--db c.db init");
      pod_buf_free(&o);
    }
    test_run_together(2, cmds, rc);
    for (int k = 0; k < 2; k++) {
      const char *out = test_proc_output(k, "out");
      if (rc[k] != 0)
        test_fail(__FILE__, __LINE__, "trial %d, ingest %d: exit %d: %s",
                  trial, k, rc[k], test_proc_output(k, "err"));
      added += strstr(out, "added ") != NULL;
      skipped += strstr(out, "(already ingested)") != NULL;
    }
    if (added != 1 || skipped != 1)
      test_fail(__FILE__, __LINE__, "trial %d: %d added, %d skipped:\n%s\n%s",
                trial, added, skipped, test_proc_output(0, "out"), test_proc_output(1, "out"));
    CHECK_STR(test_sql_text("c.db", "SELECT count(*) FROM sources"), "1");
  }
}

/* A benchmark CSV of n models at 4 sequence lengths. */
static void big_csv(const char *name, int n) {
  pod_buf csv = POD_BUF_INIT;
  pod_buf_adds(&csv, "model,batch_size,sequence_length,result\n");
  for (int m = 0; m < n; m++)
    for (int s = 8; s <= 512; s *= 4)
      pod_buf_printf(&csv, "model-%05d,8,%d,0.%04d\n", m, s, 1000 + (m * 7 + s) % 9000);
  test_write(test_path(name), csv.data, csv.len);
  pod_buf_free(&csv);
}

/* issue 15: a small ingest failed with "database is locked" while a big
** one wrote */
static void test_a_small_ingest_waits_for_a_big_one(void) {
  char err[POD_ERRLEN];
  const char *cmds[] = {"$P --db c.db ingest big/inference_time_1700000001.csv",
                        "$P --db c.db ingest small/"};
  pod_mkdirs(test_path("big"), err);
  pod_mkdirs(test_path("small"), err);
  big_csv("big/inference_time_1700000001.csv", 3000);
  test_write(test_path("small/inference_time_1600000000.csv"),
             "model,batch_size,sequence_length,result\ntiny,1,8,0.001\n",
             SIZE_MAX);
  for (int trial = 0, n = test_trials(20); trial < n; trial++) {
    int rc[2];
    remove_registry("c.db");
    test_run_together(2, cmds, rc);
    for (int k = 0; k < 2; k++)
      if (rc[k] != 0)
        test_fail(__FILE__, __LINE__, "trial %d, ingest %d: exit %d: %s",
                  trial, k, rc[k], test_proc_output(k, "err"));
    CHECK_STR(test_sql_text("c.db", "SELECT count(*) FROM sources"), "2");
  }
}

/* A writer holding the lock longer than the old 5 s busy timeout. */
static void test_a_writer_waits_out_a_long_transaction(void) {
  sqlite3 *db;
  pid_t pid;
  int st = 0;
  pod_buf out = POD_BUF_INIT;
  char cmd[PATH_MAX * 2];
  CHECK_INT(test_podium(&out, NULL, "--db c.db init"), 0);
  CHECK_INT(sqlite3_open(test_path("c.db"), &db), SQLITE_OK);
  CHECK_INT(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
  snprintf(cmd, sizeof cmd, "cd '%s' && '%s/%s' --db c.db ingest %s/tests/data/hf-benchmark/inference_time_1590589635.csv >.p0.out 2>.p0.err",
           test_dir(), test_root(), getenv("PODIUM_BIN") ? getenv("PODIUM_BIN") : "build/asan/podium", test_root());
  if ((pid = fork()) == 0) {
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  sleep(7);
  CHECK_INT(waitpid(pid, &st, WNOHANG), 0);   /* still waiting */
  sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close(db);
  waitpid(pid, &st, 0);
  CHECK_INT(WIFEXITED(st) ? WEXITSTATUS(st) : 128, 0);
  CHECK_LACKS(test_proc_output(0, "err"), "locked");
  CHECK_STR(test_sql_text("c.db", "SELECT count(*) FROM sources"), "1");
  pod_buf_free(&out);
}

/* issue 15: a full disk said "disk I/O error". A 400 KiB tmpfs in a mount
** namespace of its own when the test may make one (root), and SQLite's
** page limit (SQLITE_FULL without a full disk) always. */
static void test_a_full_disk_says_disk_full(void) {
  char err[POD_ERRLEN], sum[65], again[65];
  store_db *db = test_open_db();
  big_csv("inference_time_1700000001.csv", 3000);
  store_close(db);
  test_registry_checksum(sum);
  /* the page limit is per connection: set it through the store's own */
  CHECK_RC(store_open(test_path("t.db"), &db, err), POD_OK, err);
  CHECK_INT(store_test_max_pages(db, 20), POD_OK);
  const char *files[] = {test_path("inference_time_1700000001.csv")};
  CHECK_INT(test_ingest_into(db, NULL, files, 1, err), POD_EIO);
  CHECK_HAS(err, "t.db: disk full");
  store_close(db);
  test_registry_checksum(again);
  CHECK_STR(again, sum);
  if (geteuid() == 0 && system("unshare -m true 2>/dev/null") == 0) {
    const char *cmds[] = {"mkdir -p small && unshare -m sh -c \"mount -t tmpfs "
                          "-o size=400k tmpfs small && $P --db small/r.db init "
                          ">/dev/null && $P --db small/r.db ingest "
                          "inference_time_1700000001.csv\""};
    int rc;
    test_run_together(1, cmds, &rc);
    CHECK_INT(rc, 1);
    CHECK_HAS(test_proc_output(0, "err"), "small/r.db: disk full");
    CHECK_LACKS(test_proc_output(0, "err"), "disk I/O error");
  }
}

static void test_ingest_prints_file_names_escaped(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  char e[POD_ERRLEN];
  pod_buf data = POD_BUF_INIT;
  pod_file_read(test_data("hf-benchmark/inference_time_1590589635.csv"), &data, e);
  test_write(test_path("inference_time_1\nadded evil\x1b[2J\xc2\x9b.csv"), data.data, data.len);
  test_write(test_path("inference_time_2\x07.csv"), "model,batch_size\n", SIZE_MAX);
  CHECK_INT(test_podium(&out, &err, "--db e.db ingest ."), 0);
  CHECK_HAS(out.data, "added ./inference_time_1\\nadded evil\\x1b[2J\\u009b.csv (");
  CHECK_LACKS(out.data, "\x1b");
  CHECK_HAS(out.data, "ignored ./inference_time_2\\x07.csv");
  CHECK_INT(test_podium(&out, &err, "--db e.db ingest 'inference_time_2\x07.csv'"), 1);
  CHECK_HAS(err.data, "inference_time_2\\x07.csv");
  CHECK_LACKS(err.data, "\x07");
  CHECK_INT(test_podium(&out, &err, "--db e.db ingest ."), 0);
  CHECK_HAS(out.data, "skipped ./inference_time_1\\nadded evil\\x1b[2J\\u009b.csv (already ingested)");
  /* registry text on the terminal: runs and show */
  pod_mkdirs(test_path("m"), e);
  test_write(test_path("m/inference_time_1700000000.csv"),
             "model,batch_size,sequence_length,result\nevil\x1b]0;pwned\x07,8,8,0.5\n", SIZE_MAX);
  CHECK_INT(test_podium(&out, &err, "--db e.db ingest m"), 0);
  CHECK_INT(test_podium(&out, &err, "--db e.db runs"), 0);
  CHECK_HAS(out.data, "evil\\x1b]0;pwned\\x07");
  CHECK_LACKS(out.data, "\x1b");
  const char *line = strstr(out.data, "evil");
  while (line && line > out.data && line[-1] != '\n') line--;
  long run_id = line ? strtol(line, NULL, 10) : 0;
  CHECK_INT(test_podium(&out, &err, "--db e.db show %ld", run_id), 0);
  CHECK_HAS(out.data, "evil\\x1b]0;pwned\\x07");
  CHECK_LACKS(out.data, "\x07");
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&data);
}

/* ---- one snapshot for every render thread ------------------------------ */

/* Run ids of the run pages below dir (NAME.html with a number), as a
** sorted, comma-separated list in out. */
static int cmp_long(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return x < y ? -1 : x > y;
}

static void ids_text(long *ids, size_t n, pod_buf *out) {
  qsort(ids, n, sizeof *ids, cmp_long);
  pod_buf_clear(out);
  for (size_t i = 0; i < n; i++) pod_buf_printf(out, "%ld,", ids[i]);
}

static void run_page_ids(const char *dir, pod_buf *out) {
  DIR *d = opendir(dir);
  struct dirent *e;
  long *ids = NULL;
  size_t n = 0;
  while (d && (e = readdir(d))) {
    char *end;
    long id = strtol(e->d_name, &end, 10);
    if (end == e->d_name || strcmp(end, ".html")) continue;
    ids = pod_xrealloc(ids, (n + 1) * sizeof *ids);
    ids[n++] = id;
  }
  if (d) closedir(d);
  ids_text(ids, n, out);
  free(ids);
}

/* The ids in the first column of a CSV download. */
static void csv_ids(const char *path, pod_buf *out) {
  pod_buf csv = POD_BUF_INIT;
  char err[POD_ERRLEN];
  long *ids = NULL;
  size_t n = 0;
  pod_file_read(path, &csv, err);
  for (const char *p = strchr(pod_buf_str(&csv), '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
    ids = pod_xrealloc(ids, (n + 1) * sizeof *ids);
    ids[n++] = strtol(p + 1, NULL, 10);
  }
  ids_text(ids, n, out);
  free(ids);
  pod_buf_free(&csv);
}

/* A writer adds runs while a 3-thread render runs: the run pages (worker
** threads) and the run list download (main thread) name the same runs. */
static void test_render_threads_read_one_snapshot(void) {
  char err[POD_ERRLEN];
  pod_buf pages = POD_BUF_INIT, listed = POD_BUF_INIT, out = POD_BUF_INIT;
  const char *cmds[] = {
      "$P --db c.db render --out _site --lang en --jobs 3",
      "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do mkdir -p w$i.$T && printf "
      "'model,batch_size,sequence_length,result\\nnew-%s-%s,1,8,0.001\\n' $T $i "
      ">w$i.$T/inference_time_1600000000.csv && $P --db c.db ingest --quiet "
      "w$i.$T || exit 1; done"};
  big_csv("inference_time_1700000001.csv", 100);
  CHECK_INT(test_podium(&out, NULL, "--db c.db ingest inference_time_1700000001.csv"), 0);
  for (int trial = 0, n = test_trials(20); trial < n; trial++) {
    int rc[2];
    char t[16];
    snprintf(t, sizeof t, "%d", trial);
    setenv("T", t, 1);
    pod_rmtree(test_path("_site"), err);
    test_run_together(2, cmds, rc);
    if (rc[0] || rc[1])
      test_fail(__FILE__, __LINE__, "trial %d: exit %d, %d: %s %s", trial,
                rc[0], rc[1], test_proc_output(0, "err"), test_proc_output(1, "err"));
    run_page_ids(test_path("_site/en/runs"), &pages);
    csv_ids(test_path("_site/data/runs.csv"), &listed);
    if (strcmp(pod_buf_str(&pages), pod_buf_str(&listed)))
      test_fail(__FILE__, __LINE__, "trial %d: run pages and runs.csv differ "
                "(%zu and %zu bytes of ids)", trial, pages.len, listed.len);
  }
  unsetenv("T");
  pod_buf_free(&pages);
  pod_buf_free(&listed);
  pod_buf_free(&out);
}

const test_case tests_concurrency[] = {
    {"concurrent_ingests_create_a_fresh_registry_once",
     test_concurrent_ingests_create_a_fresh_registry_once},
    {"concurrent_ingests_of_one_file_add_it_once",
     test_concurrent_ingests_of_one_file_add_it_once},
    {"concurrent_a_small_ingest_waits_for_a_big_one",
     test_a_small_ingest_waits_for_a_big_one},
    {"concurrent_a_writer_waits_out_a_long_transaction",
     test_a_writer_waits_out_a_long_transaction},
    {"concurrent_a_full_disk_says_disk_full", test_a_full_disk_says_disk_full},
    {"ingest_prints_file_names_escaped", test_ingest_prints_file_names_escaped},
    {"render_threads_read_one_snapshot", test_render_threads_read_one_snapshot},
    {NULL, NULL}};
