/*
** tests/t_detect.c -- format detection (ingest/ingest.c): the closest
** format named when none fits, a tie refused as ambiguous, the pickle
** message saying what to do instead, and `podium formats` listing them;
** folder walks (ingest/expand.c), symbolic links and all.
*/
#include "tests/test.h"
#include "core/buf.h"
#include "ingest/ingest.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* A file under 64 KiB is read once and parsed from memory (ingest.c,
** INGEST_IN_MEMORY_MAX), a larger one streamed: the same rows either
** side of the line (a BOM, CRLF, snapshots read again by offset, the
** padding spaces libcsv trims) give the same values. */
static void test_detect_files_in_memory_and_streamed_read_alike(void) {
  char err[POD_ERRLEN];
  pod_buf c = POD_BUF_INIT;
  const char *args[2];
  pod_buf_adds(&c, "\xEF\xBB\xBFtimestamp,project_name,run_id,duration,"
               "emissions,energy_consumed,cpu_model,os\r\n");
  for (int i = 0; c.len < 65000; i++)
    pod_buf_printf(&c, "2024-01-01T00:%02d:%02d,p%d,r%d,%d.5,0.00%d,0.0%d,"
                   "CPU %d,Linux\r\n", i / 60 % 60, i % 60, i % 7, i % 50,
                   10 + i, i % 10, i % 9, i % 3);
  c.len -= 2;   /* the last line's os cell padded to the size wanted */
  for (size_t size = 65535; size <= 65536; size++) {
    pod_buf f = POD_BUF_INIT;
    pod_buf_add(&f, c.data, c.len);
    while (f.len < size - 2) pod_buf_addc(&f, ' ');
    pod_buf_adds(&f, "\r\n");
    const char *p = test_path(size == 65535 ? "m/emissions.csv"
                                            : "s/emissions.csv");
    test_make_folder_of(p);
    test_write(p, f.data, f.len);
    CHECK_INT(f.len, size);
    pod_buf_free(&f);
  }
  pod_buf_free(&c);
  args[0] = test_path("m");
  args[1] = test_path("s");
  CHECK_RC(test_ingest(NULL, args, 2, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(DISTINCT rows) FROM sources"), 1);
  CHECK(test_query_num("SELECT count(*) FROM samples") > 1000);
#define ALIKE(t, cols)                                                    \
  CHECK_INT(test_query_num("SELECT count(*) FROM (SELECT " cols " FROM " t \
                           " WHERE source_id = 1 EXCEPT SELECT " cols     \
                           " FROM " t " WHERE source_id = 2)"), 0);         \
  CHECK_INT(test_query_num("SELECT count(*) FROM " t " WHERE source_id = 1"), \
            test_query_num("SELECT count(*) FROM " t " WHERE source_id = 2"))
  ALIKE("measurements_all", "line, metric_id, value, raw_value");
  ALIKE("samples", "line, step, duration, emissions, energy_consumed");
#undef ALIKE
  CHECK_INT(test_query_num("SELECT count(*) FROM environments"), 3);
}

/* A folder walk lists regular files, below folders too; never a dotfile
** or a manifest. */
static void test_detect_walk_lists_regular_files_only(void) {
  char err[POD_ERRLEN];
  ingest_path *list = NULL;
  int n = 0;
  const char *args[1];
  test_make_folder_of(test_path("w/sub/b.csv"));
  test_write(test_path("w/sub/b.csv"), "x\n", 2);
  test_write(test_path("w/a.csv"), "x\n", 2);
  test_write(test_path("w/.hidden.csv"), "x\n", 2);
  test_write(test_path("w/podium.json"), "{}", 2);
  args[0] = test_path("w");   /* test_path's buffers rotate */
  CHECK_RC(ingest_expand(args, 1, &list, &n, err), POD_OK, err);
  CHECK_INT(n, 2);
  if (n == 2) {
    CHECK_STR(list[0].path, test_path("w/a.csv"));
    CHECK_STR(list[1].path, test_path("w/sub/b.csv"));
    CHECK(list[0].from_folder && list[1].from_folder);
  }
  ingest_paths_free(list, n);
}

/* Issue 14: a walk follows symbolic links as find -L does (results ->
** /scratch/... on clusters), each file under the path named; a folder
** reached twice (two links, a cycle, a `latest` link beside the folder
** itself) is walked once, under its own path where it has one; a link
** to nothing is listed, for ingest_file to fail. */
/* A folder nested past 4,096 bytes of path: the walk says so, instead
** of cutting the path (a cut one names another file, or none). */
static void test_detect_walk_refuses_a_path_too_long(void) {
  char err[POD_ERRLEN], name[201], top[512];
  int fd[22];
  ingest_path *list = NULL;
  int n = 0;
  memset(name, 'x', 200);
  name[200] = '\0';
  snprintf(top, sizeof top, "%s", test_path("deep"));
  CHECK_INT(mkdir(top, 0755), 0);
  fd[0] = open(top, O_RDONLY | O_DIRECTORY);
  for (int i = 1; i < 22; i++) {   /* 21 x 201 bytes below it */
    CHECK_INT(mkdirat(fd[i - 1], name, 0755), 0);
    fd[i] = openat(fd[i - 1], name, O_RDONLY | O_DIRECTORY);
  }
  int f = openat(fd[21], "emissions.csv", O_WRONLY | O_CREAT, 0644);
  CHECK(f >= 0 && write(f, "a,b\n1,2\n", 8) == 8);
  close(f);
  const char *p = top;
  CHECK_INT(ingest_expand(&p, 1, &list, &n, err), POD_EINPUT);
  CHECK_HAS(err, "found a path over 4095 bytes, expected a shorter one");
  ingest_paths_free(list, n);
  /* pod_rmtree goes by path: take it down by descriptor */
  unlinkat(fd[21], "emissions.csv", 0);
  for (int i = 21; i > 0; i--) {
    close(fd[i]);
    unlinkat(fd[i - 1], name, AT_REMOVEDIR);
  }
  close(fd[0]);
}

static void test_detect_walk_follows_symbolic_links(void) {
  char err[POD_ERRLEN], top[4096], want[4][4096];
  static const char *const links[][2] = {
    {"../real", "a/top/link"},       /* a folder elsewhere */
    {"../real", "a/top/twin"},       /* the same folder again */
    {".", "a/top/loop"},             /* a cycle */
    {"..", "a/top/up"},              /* the folder above: real and top
                                     ** walked already */
    {"run9", "a/top/latest"},        /* beside the folder itself */
    {"../real/run1/e.csv", "a/top/best.csv"},   /* a file */
    {"../nothing.csv", "a/top/dead.csv"},       /* nothing */
  };
  static const char *const files[] = {"a/real/run1/e.csv", "a/top/run9/x.csv"};
  ingest_path *list = NULL;
  int n = 0;
  const char *args[1] = {top};
  for (int i = 0; i < 2; i++) {
    test_make_folder_of(test_path(files[i]));
    test_write(test_path(files[i]), "x\n", 2);
  }
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
    CHECK_INT(symlink(links[i][0], test_path(links[i][1])), 0);
  snprintf(top, sizeof top, "%s", test_path("a/top"));
  static const char *const wanted[] = {"a/top/best.csv", "a/top/dead.csv",
                                       "a/top/link/run1/e.csv",
                                       "a/top/run9/x.csv"};
  for (int i = 0; i < 4; i++)
    snprintf(want[i], sizeof want[i], "%s", test_path(wanted[i]));
  CHECK_RC(ingest_expand(args, 1, &list, &n, err), POD_OK, err);
  CHECK_INT(n, 4);
  for (int i = 0; i < n && i < 4; i++) {
    CHECK_STR(list[i].path, want[i]);
    CHECK(list[i].from_folder);
  }
  ingest_paths_free(list, n);
}

/* The same through the CLI: the files behind links go in under the
** links' paths, a link to nothing fails with where it points, and a file
** reached twice (a link to it, a link to its folder) is skipped the
** second time. */
static void test_detect_walk_cli_ingests_through_links(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  test_copy_fixture("codecarbon",
                    "v2.4.3rc1-mlco2-codecarbon-examples-emissions.csv",
                    "a/real/run1/emissions.csv");
  test_copy_fixture("codecarbon",
                    "v2.7.1-GauravVan-Exploring-CodeCarbon-emissions.csv",
                    "a/real/run2/emissions.csv");
  test_make_folder_of(test_path("a/top/x"));
  CHECK_INT(symlink("../real", test_path("a/top/link")), 0);
  CHECK_INT(symlink("../real/run1/emissions.csv",
                    test_path("a/top/again.csv")), 0);
  CHECK_INT(symlink("../gone/emissions.csv", test_path("a/top/dead.csv")), 0);
  /* dangling too, but named as nothing podium reads: left out */
  CHECK_INT(symlink("../gone/model.safetensors", test_path("a/top/weights")), 0);
  CHECK_INT(symlink("../gone", test_path("a/top/latest")), 0);
  /* a link to itself, named like a file podium reads: the loop said */
  CHECK_INT(symlink("self.csv", test_path("a/top/self.csv")), 0);
  CHECK_INT(test_podium(&out, &errb, "--db t.db ingest a/top"), 1);
  CHECK_HAS(out.data, "added a/top/again.csv (");
  CHECK_HAS(out.data, "skipped a/top/link/run1/emissions.csv (the same "
            "bytes as a/top/again.csv, already ingested)");
  CHECK_HAS(out.data, "added a/top/link/run2/emissions.csv (");
  CHECK_HAS(out.data, "ingest: 2 added, 1 skipped, 2 failed");
  CHECK_HAS(errb.data, "podium: a/top/dead.csv: cannot open: a symbolic "
            "link to ../gone/emissions.csv that does not exist");
  CHECK_HAS(errb.data, "podium: a/top/self.csv: cannot open: a symbolic "
            "link to self.csv, which leads back to itself (a loop of links)");
  CHECK_HAS(errb.data, "2 of 5 files failed");
  CHECK_STR(test_query_text("SELECT group_concat(path, ' ') FROM (SELECT "
                            "path FROM sources ORDER BY path)"),
            "a/top/again.csv a/top/link/run2/emissions.csv");
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

/* A folder with no file in it: nothing to ingest, said, and exit 0 (the
** empty list went to qsort as NULL, which UBSan stops at). */
static void test_detect_walk_of_an_empty_folder_adds_nothing(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  test_make_folder_of(test_path("empty/sub/x"));
  CHECK_INT(test_podium(&out, &errb, "--db t.db ingest empty"), 0);
  CHECK_HAS(out.data, "ingest: 0 added, 0 skipped, 0 failed");
  CHECK_STR(errb.data ? errb.data : "", "");
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

/* Issue 14: a repository cloned without `git lfs pull` holds pointers
** where its files should be; one is named as such, --format or not. */
#define LFS_POINTER "version https://git-lfs.github.com/spec/v1\n" \
  "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n" \
  "size 12345\n"
static void test_detect_git_lfs_pointer_is_named_with_what_to_do(void) {
  char err[POD_ERRLEN];
  const char *p;
  ingest_meta meta = {0};
  TEST_REFUSE("emissions.csv", LFS_POINTER,
              "emissions.csv:1:1: found a Git LFS pointer (oid "
              "sha256:4d7a214614ab..., size 12345 bytes), expected the "
              "file itself: run `git lfs pull` in its repository", NULL);
  meta.format = "codecarbon";
  p = test_path("emissions.csv");
  CHECK_INT(test_ingest(&meta, &p, 1, err), POD_EINPUT);
  CHECK_HAS(err, "emissions.csv:1:1: found a Git LFS pointer (oid "
            "sha256:4d7a214614ab..., size 12345 bytes)");
}

/* In a folder, a pointer fails when podium would read the file it stands
** for (named .csv, .json, .log, ...); one for a model's weights is
** ignored, as the weights would be. */
static void test_detect_git_lfs_pointer_in_a_folder(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  test_make_folder_of(test_path("clone/run1/x"));
  test_write(test_path("clone/run1/emissions.csv"), LFS_POINTER, SIZE_MAX);
  test_write(test_path("clone/run1/model.safetensors"), LFS_POINTER,
             SIZE_MAX);
  CHECK_INT(test_podium(&out, &errb, "--db t.db ingest clone"), 1);
  CHECK_HAS(errb.data, "podium: clone/run1/emissions.csv:1:1: found a Git "
            "LFS pointer (oid sha256:4d7a214614ab..., size 12345 bytes), "
            "expected the file itself: run `git lfs pull` in its "
            "repository");
  CHECK_HAS(out.data, "ignored clone/run1/model.safetensors (not a format "
            "podium reads)");
  CHECK_HAS(out.data, "ingest: 0 added, 0 skipped, 1 failed, 1 ignored");
  CHECK_INT(test_sql_text("t.db", "SELECT count(*) FROM sources")[0], '0');
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

const test_case tests_detect[] = {
  {"detect_pickle_is_named_with_what_to_do", test_detect_pickle_is_named_with_what_to_do},
  {"detect_names_the_closest_format", test_detect_names_the_closest_format},
  {"detect_refuses_a_tie_as_ambiguous", test_detect_refuses_a_tie_as_ambiguous},
  {"detect_cli_prints_the_pickle_message", test_detect_cli_prints_the_pickle_message},
  {"detect_formats_are_listed", test_detect_formats_are_listed},
  {"detect_files_in_memory_and_streamed_read_alike", test_detect_files_in_memory_and_streamed_read_alike},
  {"detect_walk_lists_regular_files_only", test_detect_walk_lists_regular_files_only},
  {"detect_walk_refuses_a_path_too_long", test_detect_walk_refuses_a_path_too_long},
  {"detect_walk_follows_symbolic_links", test_detect_walk_follows_symbolic_links},
  {"detect_walk_cli_ingests_through_links", test_detect_walk_cli_ingests_through_links},
  {"detect_walk_of_an_empty_folder_adds_nothing", test_detect_walk_of_an_empty_folder_adds_nothing},
  {"detect_git_lfs_pointer_is_named_with_what_to_do", test_detect_git_lfs_pointer_is_named_with_what_to_do},
  {"detect_git_lfs_pointer_in_a_folder", test_detect_git_lfs_pointer_in_a_folder},
  {NULL, NULL},
};
