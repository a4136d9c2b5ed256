/*
** tests/t_incremental.c -- render/incr.c: a render after a change takes
** the pages whose fingerprints did not change from the live site, and
** the site is the one a full render of the same registry writes, byte
** for byte (issue 17). The registry is the demo study (examples/, with
** its podium.json and course pages), rendered in en and fa; each change
** is followed by an incremental render into one folder and a full
** render into a fresh one, and the two are compared with diff -r.
*/
#define _GNU_SOURCE   /* memmem */
#include "tests/test.h"
#include "core/fs.h"

#include <sqlite3.h>

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RENDER_KEEP_BOARDS ".podium-boards"       /* render_int.h */
#define RENDER_KEEP_DOWNLOADS ".podium-downloads"
#define RENDER_KEEP_VALUES ".podium-values"

/* The render's "N files, M changed[, R rendered, U reused]" line. */
typedef struct counts {
  long files, changed, rendered, reused;
  int differs;   /* render_both: the two sites are not the same */
} counts;

/* The site in "inc" is rendered by three threads (the languages, boards
** kept and run pages shared out: render/jobs.c), any other by one. */
static counts render_into(const char *out, const char *flags) {
  pod_buf o = POD_BUF_INIT, e = POD_BUF_INIT;
  counts c = {0, 0, 0, 0, 0};
  const char *p;
  CHECK_INT(test_podium(&o, &e, "--db t.db render --lang en,fa --content ex/content "
                        "--jobs %d --out %s %s", strcmp(out, "inc") ? 1 : 3,
                        out, flags), 0);
  p = strstr(pod_buf_str(&o), ": ");
  if (p && sscanf(p, ": unchanged, nothing written (%ld files)", &c.files) == 1)
    c.changed = 0;
  else if (!p || sscanf(p, ": %ld files, %ld changed, %ld rendered, %ld reused",
                   &c.files, &c.changed, &c.rendered, &c.reused) < 2)
    test_fail(__FILE__, __LINE__, "render said \"%s\" (%s)", pod_buf_str(&o),
              pod_buf_str(&e));
  if (!c.reused) c.rendered = c.files;
  pod_buf_free(&o);
  pod_buf_free(&e);
  return c;
}

/* Run pages (<id>.html) and model pages of the site in folder site. */
static long run_and_model_pages(const char *site) {
  static const char *const dirs[] = {"en/runs", "fa/runs", "en/models",
                                     "fa/models"};
  long n = 0;
  for (int i = 0; i < 4; i++) {
    char path[4200];
    DIR *d;
    struct dirent *e;
    snprintf(path, sizeof path, "%s/%s", test_path(site), dirs[i]);
    if (!(d = opendir(path))) continue;
    while ((e = readdir(d)))
      if (e->d_name[0] != '.' &&
          (i >= 2 || isdigit((unsigned char)e->d_name[0])))
        n++;
    closedir(d);
  }
  return n;
}

/* The inode of inc/rel: a reused page keeps its file (a hard link). */
static long long inode(const char *rel) {
  char path[4200];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", test_path("inc"), rel);
  return stat(path, &st) == 0 ? (long long)st.st_ino : -1;
}

/* An incremental render into inc, then a full one of the same registry
** into a fresh folder: the two trees are the same byte for byte. */
static counts render_both(const char *flags, int line) {
  char cmd[9000];
  counts c = render_into("inc", flags), f;
  pod_rmtree(test_path("full"), cmd);
  f = render_into("full", flags);
  if (f.reused) test_fail(__FILE__, line, "a fresh folder reused %ld", f.reused);
  if (f.files != c.files) {
    test_fail(__FILE__, line, "%ld files, a full render %ld", c.files, f.files);
    c.differs = 1;
  }
  snprintf(cmd, sizeof cmd, "diff -r -x .podium-site '%s' '%s' >'%s' 2>&1",
           test_path("inc"), test_path("full"), test_path("site.diff"));
  if (system(cmd) != 0) {
    pod_buf d = POD_BUF_INIT;
    c.differs = 1;
    pod_file_read(test_path("site.diff"), &d, cmd);
    test_fail(__FILE__, line, "the incremental site differs from a full "
              "render: %.600s", pod_buf_str(&d));
    pod_buf_free(&d);
  }
  return c;
}

/* The demo study, ingested as examples/ingest.sh does, and its site. */
static counts demo_site(void) {
  char e[POD_ERRLEN], from[4096];
  pod_buf o = POD_BUF_INIT, err = POD_BUF_INIT;
  snprintf(from, sizeof from, "%s/examples", test_root());
  CHECK_RC(pod_copytree(from, test_path("ex"), e), POD_OK, e);
  CHECK_INT(test_podium(&o, &err, "--db t.db ingest --quiet ex"), 0);
  pod_buf_free(&o);
  pod_buf_free(&err);
  return render_into("inc", "");
}

/* A benchmark file of one model as PyTorchBenchmark writes it. */
static void benchmark(const char *dir, const char *name, const char *model,
                      const char *value) {
  char path[4096], text[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  snprintf(text, sizeof text, "model,batch_size,sequence_length,result\n"
           "%s,8,8,%s\n", model, value);
  test_make_folder_of(test_path(path));
  test_write(test_path(path), text, strlen(text));
}

static void ingest(const char *args) {
  pod_buf o = POD_BUF_INIT, e = POD_BUF_INIT;
  if (test_podium(&o, &e, "--db t.db ingest --quiet %s", args) != 0)
    test_fail(__FILE__, __LINE__, "ingest %s: %s", args, pod_buf_str(&e));
  pod_buf_free(&o);
  pod_buf_free(&e);
}

/* A benchmark file of one model in folder dir, ingested, then both
** renders compared (render_both). */
static counts new_run(const char *dir, const char *name, const char *model,
                      const char *value, const char *flags, int line) {
  char args[512];
  benchmark(dir, name, model, value);
  snprintf(args, sizeof args, "--task text-classification %s", dir);
  ingest(args);
  return render_both(flags, line);
}

/* tpl/run.html: the built-in run page with a paragraph added (a template
** override: every page renders again). */
static void override_run_template(void) {
  pod_buf run = POD_BUF_INIT;
  char e[POD_ERRLEN], from[4096];
  snprintf(from, sizeof from, "%s/templates/run.html", test_root());
  CHECK_RC(pod_file_read(from, &run, e), POD_OK, e);
  pod_buf_adds(&run, "<p>overridden</p>\n");
  test_make_folder_of(test_path("tpl/run.html"));
  test_write(test_path("tpl/run.html"), run.data, run.len);
  pod_buf_free(&run);
}

/* (a), (c): one new run renders its pages and the pages that list it,
** and takes every other run and model page from the live site. */
static void test_render_incremental_one_new_run(void) {
  static const char *const kept[] = {"en/runs/1.html", "fa/runs/2.html",
      "en/models/bert-base-uncased.html", "fa/leaderboards/sst2--accuracy.html",
      "en/leaderboards/text-classification--inference_memory.html"};
  static const char *const made[] = {"en/index.html", "fa/runs/index.html",
      "en/leaderboards/text-classification--inference_time.html",
      "data/runs.csv"};
  long long before[5], before_made[4];
  counts first = demo_site(), c;
  CHECK(first.files > 100);
  CHECK_INT(first.reused, 0);
  for (int i = 0; i < 5; i++) before[i] = inode(kept[i]);
  for (int i = 0; i < 4; i++) before_made[i] = inode(made[i]);
  c = new_run("new1", "inference_time_1700000100.csv", "newmodel-a", "0.0050", "", __LINE__);
  CHECK(c.files > first.files);
  /* every run and model page but the new run's and model's, in en and
  ** fa, is taken as it was, and the boards the run is not on; what is
  ** rendered is the rest: lists, its board, comparisons, study tables,
  ** downloads, assets */
  CHECK(c.reused >= run_and_model_pages("inc") - 4);
  CHECK(c.reused > c.rendered);
  CHECK_INT(c.reused + c.rendered, c.files);
  for (int i = 0; i < 5; i++)
    if (before[i] < 0 || inode(kept[i]) != before[i])
      test_fail(__FILE__, __LINE__, "%s was rendered again", kept[i]);
  for (int i = 0; i < 4; i++)
    if (inode(made[i]) == before_made[i])
      test_fail(__FILE__, __LINE__, "%s was not rendered", made[i]);
  /* nothing new: the render key stops it before any page */
  c = render_into("inc", "");
  CHECK_INT(c.changed, 0);
}

/* (b): a run that changes a board's ranking and its model's page, a new
** model, a new environment, a page deleted by hand, a template
** override: each renders the same site as a full render. */
static void test_render_incremental_equals_full_after_changes(void) {
  counts c;
  demo_site();
  /* bert-base-uncased becomes the fastest at batch 8, length 8 */
  benchmark("faster", "inference_time_1700000200.csv", "bert-base-uncased",
            "0.0001");
  ingest("--task text-classification faster");
  c = render_both("", __LINE__);
  CHECK(c.reused > 0);
  /* a new model on a machine the registry has not seen */
  benchmark("machine", "inference_time_1700000300.csv", "newmodel-b",
            "0.0070");
  {
    pod_buf env = POD_BUF_INIT;
    char e[POD_ERRLEN], from[4096];
    snprintf(from, sizeof from, "%s/examples/bert-base/env_info_1700000000.csv",
             test_root());
    CHECK_RC(pod_file_read(from, &env, e), POD_OK, e);
    pod_buf_adds(&env, "");
    char *gpu = strstr(env.data, "Tesla V100-SXM2-16GB");
    CHECK(gpu != NULL);
    if (gpu) memcpy(gpu, "Tesla A100-SXM4-40GB", 20);
    test_write(test_path("machine/env_info_1700000300.csv"), env.data, env.len);
    pod_buf_free(&env);
  }
  ingest("--task text-classification machine");
  c = render_both("", __LINE__);
  CHECK(c.reused > 0);
  /* a reused page deleted by hand is rendered again */
  {
    char e[POD_ERRLEN];
    CHECK_RC(pod_rmtree(test_path("inc/en/runs/1.html"), e), POD_OK, e);
  }
  c = new_run("more", "inference_time_1700000400.csv", "newmodel-c", "0.0080", "", __LINE__);
  CHECK(c.reused > 0);
  CHECK(pod_exists(test_path("inc/en/runs/1.html")));
  /* a template override: every page is rendered again */
  override_run_template();
  c = render_both("--templates tpl", __LINE__);
  CHECK_INT(c.reused, 0);
  {
    pod_buf page = POD_BUF_INIT;
    char e[POD_ERRLEN];
    CHECK_RC(pod_file_read(test_path("inc/fa/runs/1.html"), &page, e), POD_OK, e);
    CHECK_HAS(page.data, "<p>overridden</p>");
    pod_buf_free(&page);
  }
  /* and the next change with the override reuses again */
  c = new_run("last", "inference_time_1700000500.csv", "newmodel-d", "0.0090", "--templates tpl", __LINE__);
  CHECK(c.reused > 0);
}

/* An estimate made again with another PUE replaces a run's estimated
** rows: the new rows may get the ids of the old ones (SQLite reuses the
** largest ids), so the fingerprint cannot rest on counts and ids alone. */
static void test_render_incremental_after_a_new_estimate(void) {
  char e[POD_ERRLEN];
  counts c;
  demo_site();
  CHECK_INT(pod_mkdirs(test_path("r"), e), POD_OK);
  test_write(test_path("r/all_results.json"),
             "{\"train_runtime\": 7200.0, \"train_loss\": 0.5}\n", (size_t)-1);
  ingest("--model bert --task t r");
  {
    pod_buf o = POD_BUF_INIT, err = POD_BUF_INIT;
    char at[64], sql[256];
    double last;
    long run = (long)test_query_num("SELECT id FROM runs WHERE model = 'bert'");
    CHECK_INT(test_podium(&o, &err, "--db t.db estimate %ld --gpu T4 --pue 1.58 "
                          "--intensity 379", run), 0);
    render_both("", __LINE__);
    last = test_query_num("SELECT max(id) FROM measurements");
    snprintf(at, sizeof at, "%s", test_query_text(
        "SELECT ingested_at FROM sources WHERE format = 'podium-estimate'"));
    if (test_podium(&o, &err, "--db t.db estimate %ld --gpu T4 --pue 1.2 "
                    "--intensity 379", run) != 0)
      test_fail(__FILE__, __LINE__, "estimate: %s", pod_buf_str(&err));
    /* the same ids again, and (as within one second) the same time */
    CHECK(test_query_num("SELECT max(id) FROM measurements") == last);
    snprintf(sql, sizeof sql, "UPDATE sources SET ingested_at = '%s' WHERE "
             "format = 'podium-estimate'", at);
    test_query_text(sql);
    pod_buf_free(&o);
    pod_buf_free(&err);
  }
  c = render_both("", __LINE__);
  CHECK(c.reused > 0);
}

/* Occurrences of needle in inc/rel; -1 when the file is missing. */
static int count_in(const char *rel, const char *needle) {
  pod_buf b = POD_BUF_INIT;
  char path[4200], err[POD_ERRLEN];
  int n = 0;
  snprintf(path, sizeof path, "inc/%s", rel);
  if (pod_file_read(test_path(path), &b, err)) return -1;
  for (const char *p = b.data; (p = strstr(p, needle)); p += strlen(needle)) n++;
  pod_buf_free(&b);
  return n;
}

/* The run list is numbered from its oldest end: index.html holds the
** newest runs, index.p1.html the oldest 1,000, and a new run changes
** index.html only until it fills up. At 0, 1, 999, 1000, 1001 and 1002
** runs (en only: the pager's words are t_boards.c's) its pages and pager
** are right and the incremental site is a full render's. */
static void test_render_incremental_run_list_pages(void) {
  static const int at[] = {0, 1, 999, 1000, 1001, 1002};
  const char *first = "en/runs/index.html", *oldest = "en/runs/index.p1.html";
  int have = 0;
  long long p1 = -1;
  pod_buf o = POD_BUF_INIT, e = POD_BUF_INIT;
  CHECK_INT(test_podium(&o, &e, "--db t.db init"), 0);
  for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
    pod_buf csv = POD_BUF_INIT;
    char dir[64], path[128];
    if (at[i] > have) {
      pod_buf_adds(&csv, "model,batch_size,sequence_length,result\n");
      for (int k = have + 1; k <= at[i]; k++)
        pod_buf_printf(&csv, "model-%05d,8,8,%.4f\n", k, 0.001 * (k % 97 + 1));
      snprintf(dir, sizeof dir, "runs%d", at[i]);
      snprintf(path, sizeof path, "%s/inference_time_%d.csv", dir,
               1700000000 + at[i]);
      test_make_folder_of(test_path(path));
      test_write(test_path(path), csv.data, csv.len);
      snprintf(path, sizeof path, "--task text-classification %s", dir);
      ingest(path);
      have = at[i];
    }
    pod_buf_free(&csv);
    CHECK_INT(test_podium(&o, &e, "--db t.db render --lang en --out inc"), 0);
    {
      char ignored[POD_ERRLEN];
      pod_rmtree(test_path("full"), ignored);
    }
    CHECK_INT(test_podium(&o, &e, "--db t.db render --lang en --out full"), 0);
    {
      char cmd[9000];
      snprintf(cmd, sizeof cmd, "diff -r -x .podium-site '%s' '%s' >/dev/null 2>&1",
               test_path("inc"), test_path("full"));
      if (system(cmd) != 0)
        test_fail(__FILE__, __LINE__, "%d runs: the incremental site differs "
                  "from a full render", at[i]);
    }
    if (at[i] <= 1000) {   /* one page, no pager */
      CHECK_INT(count_in(first, "<tr>"), at[i] ? at[i] + 1 : 0);
      CHECK_INT(count_in(first, "class=\"pager\""), 0);
      CHECK_INT(count_in(oldest, "<tr>"), -1);
      continue;
    }
    /* the newest runs first, then the oldest 1,000 */
    CHECK_INT(count_in(first, "<tr>"), at[i] - 1000 + 1);
    CHECK_INT(count_in(oldest, "<tr>"), 1001);
    CHECK_INT(count_in("en/runs/index.p2.html", "<tr>"), -1);
    CHECK_INT(count_in(oldest, "href=\"../../en/runs/1000.html\""), 1);
    CHECK_INT(count_in(first, "<span>Page 1 of 2</span> <a href=\"../../en/runs/"
                       "index.p1.html\" rel=\"next\">Next</a> <a href=\"../../"
                       "en/runs/index.p1.html\">Last</a>"), 1);
    CHECK_INT(count_in(oldest, "<a href=\"../../en/runs/index.html\">First</a> "
                       "<a href=\"../../en/runs/index.html\" rel=\"prev\">"
                       "Previous</a> <span>Page 2 of 2</span>"), 1);
    CHECK_INT(count_in(oldest, "rel=\"next\""), 0);
    CHECK_INT(count_in(oldest, " runs</p>"), 0);   /* the count: index.html's */
    CHECK_INT(count_in(first, at[i] == 1001 ? "1,001 runs" : "1,002 runs"), 1);
    /* the 1,002nd run changes the newest page only */
    if (at[i] == 1001) p1 = inode("en/runs/index.p1.html");
    else CHECK(p1 >= 0 && inode("en/runs/index.p1.html") == p1);
  }
  pod_buf_free(&o);
  pod_buf_free(&e);
}

/* The inode of the file or folder at path (below the tests' folder). */
static long long inode_at(const char *path) {
  struct stat st;
  return stat(test_path(path), &st) == 0 ? (long long)st.st_ino : -1;
}

/* Folders below dir/rel, each looked up in the marker's text. */
static long folders_in_marker(const char *dir, const char *rel,
                              const char *marker, int line) {
  char path[4200];
  DIR *d;
  struct dirent *e;
  long n = 0;
  snprintf(path, sizeof path, "%s%s%s", dir, *rel ? "/" : "", rel);
  if (!(d = opendir(path))) return 0;
  while ((e = readdir(d))) {
    char sub[4200], want[4300], child[8500];
    struct stat st;
    if (e->d_name[0] == '.' && (!e->d_name[1] || e->d_name[1] == '.')) continue;
    snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
    snprintf(child, sizeof child, "%s/%s", dir, sub);
    if (stat(child, &st) || !S_ISDIR(st.st_mode)) continue;
    snprintf(want, sizeof want, " %s\n", sub);
    if (!strstr(marker, want))
      test_fail(__FILE__, line, "folder %s is not in the marker", sub);
    n += 1 + folders_in_marker(dir, sub, marker, line);
  }
  closedir(d);
  return n;
}

/* The live site's marker lists its folders, each once (an incremental
** render that only added pages lists them without reading every
** folder: output.c). */
static void marker_lists_every_folder(const char *site, int line) {
  pod_buf m = POD_BUF_INIT;
  char e[POD_ERRLEN], path[4200];
  long lines = 0;
  snprintf(path, sizeof path, "%s/.podium-site", site);
  CHECK_RC(pod_file_read(test_path(path), &m, e), POD_OK, e);
  for (const char *p = strstr(pod_buf_str(&m), "\ndir "); p; p = strstr(p + 1, "\ndir "))
    lines++;
  long found = folders_in_marker(test_path(site), "", pod_buf_str(&m), line);
  if (found != lines || !found)
    test_fail(__FILE__, line, "%s: the marker lists %ld folders, the site has %ld",
              site, lines, found);
  pod_buf_free(&m);
}

/* An incremental render updates the tree the live site replaced (kept
** beside it as .inc.podium-prev) instead of making a new one: its
** folders come back as the live site's; pages gone from the registry
** go from it too; a kept tree touched by hand is not used. Each render
** is the full render's site. */
static void test_render_incremental_updates_the_kept_tree(void) {
  static const char *const prev = "." "inc" ".podium-prev";
  char e[POD_ERRLEN];
  long long first_runs, second_runs;
  counts c;
  demo_site();
  /* a full render keeps no tree: the old one shares nothing with it */
  CHECK(!pod_exists(test_path(prev)));
  first_runs = inode_at("inc/en/runs");
  c = new_run("new1", "inference_time_1700000100.csv", "newmodel-a", "0.0050", "", __LINE__);
  CHECK(c.reused > 0);
  /* the first site is kept, and the live one is a new tree */
  CHECK(pod_exists(test_path(prev)));
  CHECK(inode_at("inc/en/runs") != first_runs);
  CHECK(inode_at(".inc.podium-prev/en/runs") == first_runs);
  second_runs = inode_at("inc/en/runs");
  c = new_run("new2", "inference_time_1700000200.csv", "newmodel-b", "0.0060", "", __LINE__);
  CHECK(c.reused > 0);
  /* the kept first tree was updated into the third site */
  CHECK_INT(inode_at("inc/en/runs"), first_runs);
  CHECK_INT(inode_at(".inc.podium-prev/en/runs"), second_runs);
  CHECK(pod_exists(test_path("inc/en/models/newmodel-b.html")));
  marker_lists_every_folder("inc", __LINE__);
  /* newmodel-a's file read again as another model's: its run pages and
  ** model pages are gone from the registry, and from the kept tree
  ** updated into the next site (render_both compares it whole) */
  benchmark("new1", "inference_time_1700000100.csv", "newmodel-z", "0.0055");
  ingest("--replace --task text-classification new1");
  CHECK(pod_exists(test_path(".inc.podium-prev/en/models/newmodel-a.html")));
  c = render_both("", __LINE__);
  CHECK(c.reused > 0);
  CHECK(!pod_exists(test_path("inc/en/models/newmodel-a.html")));
  CHECK(pod_exists(test_path("inc/en/models/newmodel-z.html")));
  marker_lists_every_folder("inc", __LINE__);
  CHECK_INT(inode_at("inc/en/runs"), second_runs);
  /* a page removed from the kept tree by hand: the tree is not trusted
  ** (its folder's time changed), a new one is made (a trusted one would
  ** lack the page: render_both compares it whole; a new folder may get
  ** a freed inode number, so that is not looked at) */
  CHECK_RC(pod_rmtree(test_path(".inc.podium-prev/en/runs/1.html"), e),
           POD_OK, e);
  c = new_run("new3", "inference_time_1700000300.csv", "newmodel-c", "0.0070", "", __LINE__);
  CHECK(c.reused > 0);
  CHECK(pod_exists(test_path("inc/en/runs/1.html")));
  /* a template override renders every page: no tree is kept */
  override_run_template();
  c = render_both("--templates tpl", __LINE__);
  CHECK_INT(c.reused, 0);
  CHECK(!pod_exists(test_path(prev)));
  /* a folder of that name that podium did not make is left alone: no
  ** tree is kept while it is there */
  test_make_folder_of(test_path(".inc.podium-prev/notes.txt"));
  test_write(test_path(".inc.podium-prev/notes.txt"), "mine\n", 5);
  c = new_run("new4", "inference_time_1700000400.csv", "newmodel-d", "0.0080", "--templates tpl", __LINE__);
  CHECK(c.reused > 0);
  CHECK(pod_exists(test_path(".inc.podium-prev/notes.txt")));
  CHECK(!pod_exists(test_path(".inc.podium-prev/en")));
}

/* The kept tree's manifest out of order (written by hand, the same
** length, in place): which of its files are the live pages cannot be
** told from it (render_incr_load_prev), so the tree is not used and a
** new one is made; the site is a full render's all the same. */
static void test_render_incremental_kept_manifest_out_of_order(void) {
  static const char *const man = ".inc.podium-prev/.podium-pages";
  pod_buf b = POD_BUF_INIT;
  char e[POD_ERRLEN];
  long long kept_runs;
  counts c;
  demo_site();
  new_run("new1", "inference_time_1700000100.csv", "newmodel-a", "0.0050", "", __LINE__);
  new_run("new2", "inference_time_1700000200.csv", "newmodel-b", "0.0060", "", __LINE__);
  kept_runs = inode_at(".inc.podium-prev/en/runs");
  CHECK_RC(pod_file_read(test_path(man), &b, e), POD_OK, e);
  /* its second and third lines after the head, swapped */
  char *l1 = strchr(b.data, '\n'), *l2 = l1 ? strchr(l1 + 1, '\n') : NULL,
       *l3 = l2 ? strchr(l2 + 1, '\n') : NULL, *l4 = l3 ? strchr(l3 + 1, '\n') : NULL;
  CHECK(l4 != NULL);
  if (l4) {
    pod_buf swapped = POD_BUF_INIT;
    int fd;
    pod_buf_add(&swapped, b.data, (size_t)(l2 + 1 - b.data));
    pod_buf_add(&swapped, l3 + 1, (size_t)(l4 - l3));
    pod_buf_add(&swapped, l2 + 1, (size_t)(l3 - l2));
    pod_buf_adds(&swapped, l4 + 1);
    CHECK_INT((long long)swapped.len, (long long)b.len);
    CHECK(memcmp(swapped.data, b.data, b.len) != 0);
    fd = open(test_path(man), O_WRONLY);   /* in place: the folder's time stays */
    CHECK(fd >= 0);
    if (fd >= 0) {
      CHECK_INT((long long)write(fd, swapped.data, swapped.len), (long long)swapped.len);
      close(fd);
    }
    pod_buf_free(&swapped);
  }
  pod_buf_free(&b);
  c = new_run("new3", "inference_time_1700000300.csv", "newmodel-c", "0.0070", "", __LINE__);
  CHECK(c.reused > 0);
  /* (a new tree: not looked at, a new folder may get a freed inode
  ** number) and the next render updates a kept tree again */
  kept_runs = inode_at(".inc.podium-prev/en/runs");
  new_run("new4", "inference_time_1700000400.csv", "newmodel-d", "0.0080", "", __LINE__);
  CHECK_INT(inode_at("inc/en/runs"), kept_runs);
}

/* The measurements download grows at its end after a new run: the kept
** tree's file, the render before the live one's, is cut to what it
** shares with the live file and the rest copied (render_out_part_prefix),
** never when another path links it (it would change that file too) or
** its size is not what its index says. Each site is the full render's. */
static void test_render_incremental_grows_the_kept_download(void) {
  static const char *const kept_csv = ".inc.podium-prev/data/measurements.csv";
  char e[POD_ERRLEN];
  pod_buf before = POD_BUF_INIT, after = POD_BUF_INIT;
  long long ino;
  demo_site();
  new_run("g1", "inference_time_1700000101.csv", "grow-a", "0.0051", "", __LINE__);
  new_run("g2", "inference_time_1700000102.csv", "grow-b", "0.0052", "", __LINE__);
  /* the kept tree's own file becomes the live one */
  ino = inode_at(kept_csv);
  CHECK(ino > 0);
  new_run("g3", "inference_time_1700000103.csv", "grow-c", "0.0053", "", __LINE__);
  CHECK_INT(inode_at("inc/data/measurements.csv"), ino);
  CHECK(inode_at("inc/data/measurements.json") > 0);
  /* linked from elsewhere: left as it is, a new file made */
  ino = inode_at(kept_csv);
  CHECK_INT(link(test_path(kept_csv), test_path("elsewhere.csv")), 0);
  CHECK_RC(pod_file_read(test_path("elsewhere.csv"), &before, e), POD_OK, e);
  new_run("g4", "inference_time_1700000104.csv", "grow-d", "0.0054", "", __LINE__);
  CHECK(inode_at("inc/data/measurements.csv") != ino);
  CHECK_RC(pod_file_read(test_path("elsewhere.csv"), &after, e), POD_OK, e);
  CHECK(before.len == after.len && !memcmp(before.data, after.data, before.len));
  /* another size than its index says: not trusted (its first byte,
  ** changed too, would be in the site: render_both compares it) */
  FILE *f = fopen(test_path(kept_csv), "r+b");
  CHECK(f && fputc('#', f) != EOF && fseek(f, 0, SEEK_END) == 0 &&
        fputs("x\n", f) >= 0);
  if (f) fclose(f);
  new_run("g5", "inference_time_1700000105.csv", "grow-e", "0.0055", "", __LINE__);
  pod_buf_free(&before);
  pod_buf_free(&after);
}

/* Flips the byte at the middle of inc/rel (a file the next render reads
** back, made unreadable to it). */
static void damage(const char *rel) {
  pod_buf b = POD_BUF_INIT;
  char e[POD_ERRLEN], path[4200];
  snprintf(path, sizeof path, "inc/%s", rel);
  CHECK_RC(pod_file_read(test_path(path), &b, e), POD_OK, e);
  CHECK(b.len > 100);
  if (b.len > 100) {
    b.data[b.len / 2] ^= 0x20;
    test_write(test_path(path), b.data, b.len);
  }
  pod_buf_free(&b);
}

/* What a render keeps for the next one (board_keep.c, download_keep.c,
** run_keep.c): a board of a scope no new run is in is not read again,
** its downloads are the live site's files; the measurements of runs
** that did not change are the live files' bytes; the study tables read
** unchanged runs from the kept rows; kept files that do not check out
** are not believed. Each site is compared with a full render. */
static void test_render_incremental_keeps_what_did_not_change(void) {
  static const char *const sst2[] = {"data/leaderboards/sst2--accuracy.csv",
      "data/leaderboards/sst2--accuracy.json", "reports/sst2--accuracy.md"};
  static const char *const board = "data/leaderboards/"
      "text-classification--inference_time.csv";
  long long before[3], board_before;
  pod_buf csv = POD_BUF_INIT;
  char e[POD_ERRLEN], *at;
  counts c;
  demo_site();
  for (int i = 0; i < 3; i++) before[i] = inode(sst2[i]);
  board_before = inode(board);
  c = new_run("new1", "inference_time_1700000100.csv", "newmodel-a", "0.0050", "", __LINE__);
  CHECK(c.reused > 0);
  for (int i = 0; i < 3; i++)
    if (before[i] < 0 || inode(sst2[i]) != before[i])
      test_fail(__FILE__, __LINE__, "%s was written again", sst2[i]);
  CHECK(inode(board) != board_before);   /* the run is on this board */
  /* run 1's first row in the live file, changed by hand at the same
  ** size: the next render copies run 1's bytes as they are (a full
  ** render writes them from the registry again); so in the kept tree's
  ** file, which begins as the live one and is grown in place */
  static const char *const files[] = {"inc/data/measurements.csv",
      ".inc.podium-prev/data/measurements.csv"};
  for (int i = 0; i < 2; i++) {
    pod_buf_clear(&csv);
    CHECK_RC(pod_file_read(test_path(files[i]), &csv, e), POD_OK, e);
    at = strstr(pod_buf_str(&csv), "\n1,inference_memory,");
    CHECK(at != NULL);
    if (at) {
      memcpy(at + 3, "INFERENCE", 9);
      test_write(test_path(files[i]), csv.data, csv.len);
    }
  }
  benchmark("new2", "inference_time_1700000200.csv", "newmodel-b", "0.0060");
  ingest("--task text-classification new2");
  render_into("inc", "");
  pod_buf_clear(&csv);
  CHECK_RC(pod_file_read(test_path("inc/data/measurements.csv"), &csv, e),
           POD_OK, e);
  CHECK_HAS(pod_buf_str(&csv), "\n1,INFERENCE_memory,");
  CHECK_HAS(pod_buf_str(&csv), "new2/inference_time_1700000200.csv");
  pod_buf_free(&csv);
  /* a full render puts it right; then the kept files, damaged, cut
  ** short or gone, are not believed: the site is a full render's */
  CHECK_RC(pod_rmtree(test_path("inc"), e), POD_OK, e);
  render_both("", __LINE__);
  damage(RENDER_KEEP_BOARDS);
  damage(RENDER_KEEP_DOWNLOADS);
  damage(RENDER_KEEP_VALUES);
  c = new_run("new3", "inference_time_1700000300.csv", "newmodel-c", "0.0070", "", __LINE__);
  CHECK(c.reused > 0);
  test_write(test_path("inc/" RENDER_KEEP_DOWNLOADS), "podium downloads 1 ", 19);
  CHECK_RC(pod_rmtree(test_path("inc/" RENDER_KEEP_BOARDS), e), POD_OK, e);
  test_write(test_path("inc/" RENDER_KEEP_VALUES), "", 0);
  c = new_run("new4", "inference_time_1700000400.csv", "newmodel-d", "0.0080", "", __LINE__);
  CHECK(c.reused > 0);
  /* a live download of another size than its index says */
  test_write(test_path("inc/data/measurements.json"), "[]", 2);
  c = new_run("new5", "inference_time_1700000500.csv", "newmodel-e", "0.0090", "", __LINE__);
  CHECK(c.reused > 0);
}

/* Two boards of one file name (runs of no scope are "all", and so is a
** task named all): whichever changes, the site is a full render's, and
** no file of the live site is written in place (the tree kept beside
** it still has its own bytes). An estimate made again for a GPU of the
** same power changes only its rows' notes and lines: seen too. */
static void test_render_incremental_boards_of_one_name_and_estimates(void) {
  pod_buf before = POD_BUF_INIT, after = POD_BUF_INIT, o = POD_BUF_INIT,
          e = POD_BUF_INIT;
  static const char *const board = "data/leaderboards/all--inference_time.csv";
  char err[POD_ERRLEN], path[4200];
  test_make_folder_of(test_path("ex/content/none"));   /* render_into's */
  benchmark("a", "inference_time_1700000001.csv", "ma", "0.01");
  benchmark("b", "inference_time_1700000002.csv", "mb", "0.02");
  ingest("a");
  ingest("--task all b");
  render_both("", __LINE__);
  benchmark("a2", "inference_time_1700000003.csv", "mc", "0.03");
  ingest("a2");
  render_both("", __LINE__);
  snprintf(path, sizeof path, "inc/%s", board);
  CHECK_RC(pod_file_read(test_path(path), &before, err), POD_OK, err);
  benchmark("b2", "inference_time_1700000004.csv", "md", "0.04");
  ingest("--task all b2");
  render_both("", __LINE__);
  snprintf(path, sizeof path, ".inc.podium-prev/%s", board);
  CHECK_RC(pod_file_read(test_path(path), &after, err), POD_OK, err);
  CHECK_STR(pod_buf_str(&after), pod_buf_str(&before));
  /* estimates: V100 SXM2 32 GB and PCIe 16 GB draw the same */
  {
    const char *dirs[] = {"ra", "rb"}, *json[] = {"{\"train_runtime\": 7200.0}",
                                                 "{\"train_runtime\": 3600.0}"};
    for (int i = 0; i < 2; i++) {
      snprintf(path, sizeof path, "%s/all_results.json", dirs[i]);
      test_make_folder_of(test_path(path));
      test_write(test_path(path), json[i], strlen(json[i]));
    }
    ingest("--model bert --task t ra");
    ingest("--model bert2 --task t rb");
    CHECK_INT(test_podium(&o, &e, "--db t.db estimate 6 --gpu \"Tesla "
                          "V100-SXM2-32GB\" --pue 1.58 --intensity 379"), 0);
    CHECK_INT(test_podium(&o, &e, "--db t.db estimate 5 --gpu \"Tesla "
                          "V100-SXM2-32GB\" --pue 1.58 --intensity 379"), 0);
    render_both("", __LINE__);
    CHECK_INT(test_podium(&o, &e, "--db t.db estimate 5 --gpu \"Tesla "
                          "V100-PCIE-16GB\" --pue 1.58 --intensity 379"), 0);
    render_both("", __LINE__);
  }
  pod_buf_free(&before);
  pod_buf_free(&after);
  pod_buf_free(&o);
  pod_buf_free(&e);
}

/* Whether each run's count of values in site/data/runs.csv is what
** `podium runs` gives (its own SQL, Q_RUNS: no render's memo). */
static int counts_as_sql(const char *site, int line) {
  pod_buf o = POD_BUF_INIT, e = POD_BUF_INIT;
  char cmd[9000];
  int same;
  CHECK_INT(test_podium(&o, &e, "--db t.db runs"), 0);
  test_write(test_path("runs.txt"), o.data, o.len);
  pod_buf_free(&o);
  pod_buf_free(&e);
  snprintf(cmd, sizeof cmd,
           "cd '%s' && awk 'NR > 1 {print $1, $NF}' runs.txt | sort > sql.txt "
           "&& tr -d '\\r' < %s/data/runs.csv | awk -F, 'NR > 1 {print $1, "
           "$NF}' | sort > site.txt && test -s sql.txt && cmp -s sql.txt "
           "site.txt", test_dir(), site);
  same = system(cmd) == 0;
  if (!same)
    test_fail(__FILE__, __LINE__, "line %d: %s/data/runs.csv: the runs' "
              "counts differ from podium runs (%s/sql.txt, site.txt)", line,
              site, test_dir());
  return same;
}

/* The runs' counts of values a render takes on its walks of the files
** (measurements, tracker cells, curve points; not snapshots) are those
** SQL counts, in a full render and after a new run, with threads. */
static void test_render_incremental_run_counts_as_sql(void) {
  char e[POD_ERRLEN], from[4096];
  demo_site();
  snprintf(from, sizeof from, "%s/tests/data/eit", test_root());
  CHECK_RC(pod_copytree(from, test_path("eit"), e), POD_OK, e);
  ingest("--model a2c eit");
  render_both("", __LINE__);
  counts_as_sql("inc", __LINE__);
  counts_as_sql("full", __LINE__);
  new_run("new1", "inference_time_1700000100.csv", "newmodel-a", "0.0050",
          "", __LINE__);
  counts_as_sql("inc", __LINE__);
}

/* Writes runs from..to of a board (one model each, ranked by time) to
** dir and ingests it. */
static void board_runs(const char *dir, int from, int to, double first) {
  pod_buf csv = POD_BUF_INIT;
  char path[128];
  pod_buf_adds(&csv, "model,batch_size,sequence_length,result\n");
  for (int k = from; k <= to; k++)
    pod_buf_printf(&csv, "model-%05d,8,8,%.4f\n", k,
                   k == from ? first : 0.001 * (k % 97 + 1));
  snprintf(path, sizeof path, "%s/inference_time_%d.csv", dir, 1700000000 + to);
  test_make_folder_of(test_path(path));
  test_write(test_path(path), csv.data, csv.len);
  snprintf(path, sizeof path, "--task text-classification %s", dir);
  ingest(path);
  pod_buf_free(&csv);
}

static long long file_size(const char *rel) {
  struct stat st;
  return stat(test_path(rel), &st) == 0 ? (long long)st.st_size : -1;
}

/* The rows of long tables are kept beside the site (.inc.podium-rows,
** row_keep.c): a new run ranked first moves every row of its board's
** and study table's pages, and the render after it takes them from
** there (the file grows by the new rows only), a row whose record was
** edited is made again, and the site is the full render's. */
static void test_render_incremental_takes_kept_rows(void) {
  pod_buf o = POD_BUF_INIT, e = POD_BUF_INIT, rows = POD_BUF_INIT;
  char err[POD_ERRLEN], cmd[9000], *hit;
  long long before;
  CHECK_INT(test_podium(&o, &e, "--db t.db init"), 0);
  board_runs("b1", 1, 1200, 0.05);
  CHECK_INT(test_podium(&o, &e, "--db t.db render --lang en,fa --out inc"), 0);
  CHECK(file_size(".inc.podium-rows") > 1000000);   /* 1,200 rows, twice */
  CHECK(file_size(".inc.podium-rows.idx") > 0);
  /* one record edited, its length kept: its check no longer holds */
  CHECK_RC(pod_file_read(test_path(".inc.podium-rows"), &rows, err), POD_OK, err);
  hit = memmem(rows.data, rows.len, ">model-00007<", 13);
  CHECK(hit != NULL);
  if (hit) hit[7] = 'X';
  test_write(test_path(".inc.podium-rows"), rows.data, rows.len);
  before = file_size(".inc.podium-rows");
  board_runs("b2", 5000, 5000, 0.00001);   /* ranked first: all rows move */
  CHECK_INT(test_podium(&o, &e, "--db t.db render --lang en,fa --out inc"), 0);
  /* the new model's rows and the edited one's: a few KB, not 2 MB */
  CHECK(file_size(".inc.podium-rows") > before);
  CHECK(file_size(".inc.podium-rows") - before < 20000);
  CHECK_INT(count_in("en/leaderboards/text-classification--inference_time.html",
                     "model-00007"), 1);
  CHECK_INT(count_in("en/leaderboards/text-classification--inference_time.html",
                     "X0007"), 0);
  CHECK_INT(count_in("en/study/text-classification.html", "X0007"), 0);
  CHECK_INT(test_podium(&o, &e, "--db t.db render --lang en,fa --out full"), 0);
  snprintf(cmd, sizeof cmd, "diff -r -x .podium-site '%s' '%s' >/dev/null 2>&1",
           test_path("inc"), test_path("full"));
  if (system(cmd) != 0)
    test_fail(__FILE__, __LINE__, "the site with kept rows differs from a "
              "full render");
  pod_buf_free(&rows);
  pod_buf_free(&o);
  pod_buf_free(&e);
}

/* Renders inc after new run k and compares it with a full render. */
static void render_equals_full(int k, int line) {
  pod_buf o = POD_BUF_INIT, e = POD_BUF_INIT;
  char dir[32], cmd[9000];
  snprintf(dir, sizeof dir, "n%d", k);
  board_runs(dir, 6000 + k, 6000 + k, 0.00001 * k);
  if (test_podium(&o, &e, "--db t.db render --lang en --out inc") != 0)
    test_fail(__FILE__, line, "render: %s", pod_buf_str(&e));
  {
    char ignored[POD_ERRLEN];
    pod_rmtree(test_path("full"), ignored);
  }
  CHECK_INT(test_podium(&o, &e, "--db t.db render --lang en --out full"), 0);
  snprintf(cmd, sizeof cmd, "diff -r -x .podium-site '%s' '%s' >/dev/null 2>&1",
           test_path("inc"), test_path("full"));
  if (system(cmd) != 0)
    test_fail(__FILE__, line, "after damage %d the site differs from a full "
              "render", k);
  pod_buf_free(&o);
  pod_buf_free(&e);
}

/* The kept rows are a cache beside the site, where anything may happen
** to them: cut short, an index of garbage, an index that claims more
** records than there are, a folder or a link in their place. Each time
** the render goes on, right (the full render's site), and writes them
** anew. */
static void test_render_incremental_survives_broken_kept_rows(void) {
  pod_buf o = POD_BUF_INIT, e = POD_BUF_INIT, b = POD_BUF_INIT;
  char err[POD_ERRLEN];
  CHECK_INT(test_podium(&o, &e, "--db t.db init"), 0);
  board_runs("b1", 1, 300, 0.05);
  CHECK_INT(test_podium(&o, &e, "--db t.db render --lang en --out inc"), 0);
  render_equals_full(1, __LINE__);   /* rows taken: the file is used */
  /* 1: the records cut in half */
  CHECK_RC(pod_file_read(test_path(".inc.podium-rows"), &b, err), POD_OK, err);
  test_write(test_path(".inc.podium-rows"), b.data, b.len / 2);
  render_equals_full(2, __LINE__);
  /* 2: the index's entries garbage, its head kept */
  CHECK_RC(pod_file_read(test_path(".inc.podium-rows.idx"), &b, err), POD_OK, err);
  {
    char *nl = memchr(b.data, '\n', b.len);
    CHECK(nl != NULL);
    for (char *p = nl ? nl + 1 : b.data + b.len; p < b.data + b.len; p++)
      *p = (char)(0x9e ^ (p - b.data) * 31);
  }
  test_write(test_path(".inc.podium-rows.idx"), b.data, b.len);
  render_equals_full(3, __LINE__);
  /* 3: an index that claims more records than the file has */
  CHECK_RC(pod_file_read(test_path(".inc.podium-rows.idx"), &b, err), POD_OK, err);
  {
    char *nl = memchr(b.data, '\n', b.len), *sp = nl ? nl : b.data;
    while (sp > b.data && sp[-1] != ' ') sp--;
    if (nl && sp > b.data) memset(sp, '9', (size_t)(nl - sp));
  }
  test_write(test_path(".inc.podium-rows.idx"), b.data, b.len);
  render_equals_full(4, __LINE__);
  /* 4: a folder where the records go, 5: a link to elsewhere */
  CHECK_RC(pod_rmtree(test_path(".inc.podium-rows"), err), POD_OK, err);
  test_make_folder_of(test_path(".inc.podium-rows/x"));
  render_equals_full(5, __LINE__);
  CHECK_RC(pod_rmtree(test_path(".inc.podium-rows"), err), POD_OK, err);
  test_write(test_path("elsewhere"), "mine\n", 5);
  CHECK(symlink(test_path("elsewhere"), test_path(".inc.podium-rows")) == 0);
  render_equals_full(6, __LINE__);
  CHECK_RC(pod_file_read(test_path("elsewhere"), &b, err), POD_OK, err);
  CHECK_INT((int)b.len, 5);   /* never written through the link */
  render_equals_full(7, __LINE__);
  pod_buf_free(&b);
  pod_buf_free(&o);
  pod_buf_free(&e);
}

/* ---- a seeded walk of changes as a lab makes them -------------------- */

#define WALK_STEPS 12

static uint64_t walk_seed;
static char walk_steps[1024];   /* the walk so far, for a failure */

static unsigned pick(unsigned n) {   /* 0 .. n-1, the same every run */
  walk_seed = walk_seed * 6364136223846793005u + 1442695040888963407u;
  return (unsigned)(walk_seed >> 33) % n;
}

/* Fails the test naming the walk so far (its seed first). */
#define WALK_FAIL(...)                                                      \
  do {                                                                      \
    char m_[256];                                                           \
    snprintf(m_, sizeof m_, __VA_ARGS__);                                   \
    test_fail(__FILE__, __LINE__, "%s, after: %s", m_, walk_steps);         \
  } while (0)

static void walk_ingest(const char *args) {
  pod_buf o = POD_BUF_INIT, e = POD_BUF_INIT;
  if (test_podium(&o, &e, "--db t.db ingest --quiet %s", args) != 0)
    WALK_FAIL("ingest %s: %.100s", args, pod_buf_str(&e));
  pod_buf_free(&o);
  pod_buf_free(&e);
}

static const char *const walk_models[] = {
    "bert-base-uncased", "distilbert-base-uncased",
    "huawei-noah/TinyBERT_General_4L_312D", "newmodel-x", "newmodel-y"};
static const char *const walk_roles[] = {"baseline", "optimized", "optimized",
                                         "optimized", NULL};
static const char *const walk_datasets[] = {"sst2", "mrpc", "qnli"};
static const char *const walk_gpus[] = {"Tesla A100-SXM4-40GB",
                                        "Tesla T4 16GB (PCIe)",
                                        "Tesla P100-PCIE-16GB"};

/* Writes r<k>/name from text (freed) and ingests folder r<k>. */
static void walk_put(int k, const char *name, pod_buf *text) {
  char path[96], args[16];
  snprintf(path, sizeof path, "r%d/%s", k, name);
  test_write(test_path(path), text->data, text->len);
  pod_buf_free(text);
  snprintf(args, sizeof args, "r%d", k);
  walk_ingest(args);
}

/* Folder r<k> with a podium.json naming its model (and role) and
** dataset: what every file of step k is of. */
static void walk_folder(int k, unsigned m, unsigned d) {
  char path[64], text[512];
  snprintf(path, sizeof path, "r%d/podium.json", k);
  snprintf(text, sizeof text,
           "{\"task\": \"text-classification\", \"model\": \"%s\"%s%s%s, "
           "\"dataset\": \"%s\"}\n", walk_models[m],
           walk_roles[m] ? ", \"role\": \"" : "",
           walk_roles[m] ? walk_roles[m] : "", walk_roles[m] ? "\"" : "",
           walk_datasets[d]);
  test_make_folder_of(test_path(path));
  test_write(test_path(path), text, strlen(text));
}

/* r<k>/env_info_<stamp>.csv: the demo's machine with GPU g (its
** benchmark, with the same stamp, is of that machine). */
static void walk_machine(int k, unsigned g) {
  pod_buf env = POD_BUF_INIT;
  char e[POD_ERRLEN], from[4096], path[64], *gpu;
  snprintf(from, sizeof from, "%s/examples/bert-base/env_info_1700000000.csv",
           test_root());
  CHECK_RC(pod_file_read(from, &env, e), POD_OK, e);
  pod_buf_adds(&env, "");
  gpu = strstr(env.data, "Tesla V100-SXM2-16GB");
  if (!gpu) WALK_FAIL("the demo's env_info names no Tesla V100-SXM2-16GB");
  else memcpy(gpu, walk_gpus[g], 20);   /* each name is 20 bytes */
  snprintf(path, sizeof path, "r%d/env_info_%d.csv", k, 1700001000 + k);
  test_make_folder_of(test_path(path));
  test_write(test_path(path), env.data, env.len);
  pod_buf_free(&env);
}

/* Step k's change: a benchmark (on a new machine or none), CodeCarbon
** repeats, a Keras training log, estimates made again (of every run
** with a duration: the CodeCarbon ones, whose energy is then an
** estimate's beside the measured one), a run's or environment's row
** edited through SQLite by hand, or an earlier step's benchmark
** replaced with other values. Says which in what (for a failure). */
static void walk_change(int k, int *benchmarks, char what[128]) {
  char path[96], args[128], text[2048];
  unsigned kind = pick(*benchmarks ? 6 : 5), m = pick(5), d = pick(3);
  if (kind == 3) {   /* a benchmark on a machine of its own */
    walk_machine(k, pick(3));
    kind = 0;
    snprintf(what, 128, " on a new machine");
  } else {
    what[0] = '\0';
  }
  if (kind == 0) {   /* a benchmark of one model (no dataset) */
    unsigned time = pick(2), len = pick(2) ? 8 : 128, v = 10 + pick(90) * 7;
    char on[32];
    snprintf(on, sizeof on, "%s", what);
    snprintf(path, sizeof path, "r%d/inference_%s_%d.csv", k,
             time ? "time" : "memory", 1700001000 + k);
    snprintf(text, sizeof text, "model,batch_size,sequence_length,result\n"
             "%s,8,%u,%s%u\n", walk_models[m], len, time ? "0.00" : "", v);
    test_make_folder_of(test_path(path));
    test_write(test_path(path), text, strlen(text));
    snprintf(args, sizeof args, "--task text-classification r%d", k);
    walk_ingest(args);
    ++*benchmarks;
    snprintf(what, 128, "step %d: benchmark of %s%s", k, walk_models[m], on);
  } else if (kind == 1) {   /* CodeCarbon: one to three repeats */
    pod_buf csv = POD_BUF_INIT;
    unsigned n = 1 + pick(3);
    walk_folder(k, m, d);
    pod_buf_adds(&csv, "timestamp,project_name,run_id,duration,emissions,"
                 "energy_consumed,country_iso_code,cpu_model,gpu_count,"
                 "gpu_model,tracking_mode\n");
    for (unsigned i = 0; i < n; i++) {
      unsigned duration = 300 + pick(600), co2 = 10 + pick(80),
               kwh = 20 + pick(70);
      pod_buf_printf(&csv, "2024-0%d-1%uT10:00:00,p,walk%02d-%u,%u,0.0%u,"
                     "0.0%u,DEU,Intel(R) Xeon(R) CPU @ 2.20GHz,1,1 x Tesla "
                     "V100-SXM2-16GB,machine\n", 1 + k % 9, i, k, i, duration,
                     co2, kwh);
    }
    walk_put(k, "emissions.csv", &csv);
    snprintf(what, 128, "step %d: %u CodeCarbon runs of %s on %s", k, n,
             walk_models[m], walk_datasets[d]);
  } else if (kind == 2) {   /* a Keras CSVLogger log */
    pod_buf log = POD_BUF_INIT;
    unsigned epochs = 2 + pick(4);
    walk_folder(k, m, d);
    pod_buf_adds(&log, "epoch,accuracy,loss,val_accuracy,val_loss\n");
    for (unsigned e = 0; e < epochs; e++) {
      unsigned acc = 70 + e * 4 + pick(4), val = 72 + e * 3 + pick(5),
               val_loss = 45 - e * 4 + pick(6);
      pod_buf_printf(&log, "%u,0.%u,0.%u,0.%u,0.%u\n", e, acc, 50 - e * 5,
                     val, val_loss);
    }
    walk_put(k, "training.log", &log);
    snprintf(what, 128, "step %d: training log of %s on %s", k,
             walk_models[m], walk_datasets[d]);
  } else if (kind == 4) {   /* estimates made again, at another intensity */
    pod_buf o = POD_BUF_INIT, e = POD_BUF_INIT;
    unsigned g = 200 + pick(300);
    if (test_podium(&o, &e, "--db t.db estimate --gpu T4 --intensity %u", g))
      WALK_FAIL("estimate --gpu T4 --intensity %u: %.100s", g,
                pod_buf_str(&e));
    pod_buf_free(&o);
    pod_buf_free(&e);
    snprintf(what, 128, "step %d: estimates at %u g/kWh", k, g);
  } else if (kind == 6) {   /* a run's or environment's row edited in the
                             ** registry by hand (sqlite3), not by podium */
    sqlite3 *db = NULL;
    char sql[256];
    unsigned row = 1 + pick(20), env = pick(2), v = pick(1000);
    if (env)
      snprintf(sql, sizeof sql, "UPDATE environments SET region = 'walk-%u' "
               "WHERE id = (SELECT id FROM environments ORDER BY id LIMIT 1 "
               "OFFSET %u %% (SELECT count(*) FROM environments))", v, row);
    else
      snprintf(sql, sizeof sql, "UPDATE runs SET name = 'walk run %u', tags = "
               "'walk' WHERE id = (SELECT id FROM runs ORDER BY id LIMIT 1 "
               "OFFSET %u %% (SELECT count(*) FROM runs))", v, row);
    if (sqlite3_open(test_path("t.db"), &db) != SQLITE_OK ||
        sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
      WALK_FAIL("an edit by hand: %.150s", db ? sqlite3_errmsg(db) : "no db");
    sqlite3_close(db);
    snprintf(what, 128, "step %d: %s %u-th row edited by hand", k,
             env ? "an environment's" : "a run's", row);
  } else {   /* an earlier step's benchmark with other values: --replace */
    char name[64] = "";
    int j, tries = 0;
    unsigned v = 11 + pick(90) * 7;
    do {   /* a step that made one (benchmarks > 0: there is one) */
      char dir_path[4200];
      DIR *dir;
      struct dirent *e;
      j = (int)pick((unsigned)k);
      snprintf(dir_path, sizeof dir_path, "%s/r%d", test_path(""), j);
      if (!(dir = opendir(dir_path))) continue;
      while ((e = readdir(dir)))
        if (!strncmp(e->d_name, "inference_", 10) && strlen(e->d_name) < 40)
          memcpy(name, e->d_name, strlen(e->d_name) + 1);
      closedir(dir);
    } while (!name[0] && ++tries < 1000);
    if (!name[0]) {
      WALK_FAIL("step %d: no earlier benchmark to replace", k);
      return;
    }
    snprintf(path, sizeof path, "r%d/%s", j, name);
    snprintf(text, sizeof text, "model,batch_size,sequence_length,result\n"
             "%s,8,8,%s%u\n", walk_models[m], strstr(name, "time") ? "0.00" : "",
             v);
    test_write(test_path(path), text, strlen(text));
    snprintf(args, sizeof args, "--task text-classification --replace r%d", j);
    walk_ingest(args);
    snprintf(what, 128, "step %d: step %d's benchmark replaced (%s)", k, j,
             walk_models[m]);
  }
}

/* What a walk leaves in the test's folder, removed before the next. */
static void walk_clear(void) {
  static const char *const left[] = {
      "inc", "full", "ex", "t.db", "t.db-wal", "t.db-shm", ".inc.podium-prev",
      ".inc.podium-rows", ".inc.podium-rows.idx", ".full.podium-rows",
      ".full.podium-rows.idx", "site.diff"};
  char e[POD_ERRLEN], r[16];
  for (size_t i = 0; i < sizeof left / sizeof *left; i++)
    pod_rmtree(test_path(left[i]), e);
  for (int k = 0; k < WALK_STEPS; k++) {
    snprintf(r, sizeof r, "r%d", k);
    pod_rmtree(test_path(r), e);
  }
}

/* WALK_STEPS changes of the demo study, one or more before each render,
** each of a kind a lab makes (new benchmarks, some on new machines,
** CodeCarbon repeats of an old or new model on an old or new dataset,
** training logs, estimates made again, a file replaced): after each
** render the incremental site is a full render's, byte for byte, and it
** took pages from the live site. Seeded: the same walks every run (one;
** with run-tests --trials N, N of them); a failure names its seed and
** steps. */
static void test_render_incremental_random_changes(void) {
  for (int t = 0, n = test_trials(1); t < n; t++) {
    int benchmarks = 0;
    char what[128];
    walk_seed = 17 + (uint64_t)t;
    snprintf(walk_steps, sizeof walk_steps, "seed %d; ", 17 + t);
    walk_clear();
    demo_site();
    for (int k = 0; k <= WALK_STEPS; k++) {
      counts c;
      if (k < WALK_STEPS) {
        walk_change(k, &benchmarks, what);
        snprintf(walk_steps + strlen(walk_steps),
                 sizeof walk_steps - strlen(walk_steps), "%s; ", what);
        if (pick(3) == 0) continue;   /* another change before the render */
      }
      c = render_both("", __LINE__);
      if (c.differs) {
        WALK_FAIL("the sites differ");
        return;
      }
      if (!c.reused && c.changed) WALK_FAIL("nothing reused");
    }
  }
}

const test_case tests_incremental[] = {
  {"render_incremental_takes_kept_rows", test_render_incremental_takes_kept_rows},
  {"render_incremental_survives_broken_kept_rows",
   test_render_incremental_survives_broken_kept_rows},
  {"render_incremental_run_counts_as_sql",
   test_render_incremental_run_counts_as_sql},
  {"render_incremental_boards_of_one_name_and_estimates",
   test_render_incremental_boards_of_one_name_and_estimates},
  {"render_incremental_keeps_what_did_not_change",
   test_render_incremental_keeps_what_did_not_change},
  {"render_incremental_updates_the_kept_tree",
   test_render_incremental_updates_the_kept_tree},
  {"render_incremental_kept_manifest_out_of_order",
   test_render_incremental_kept_manifest_out_of_order},
  {"render_incremental_grows_the_kept_download",
   test_render_incremental_grows_the_kept_download},
  {"render_incremental_run_list_pages", test_render_incremental_run_list_pages},
  {"render_incremental_after_a_new_estimate",
   test_render_incremental_after_a_new_estimate},
  {"render_incremental_one_new_run", test_render_incremental_one_new_run},
  {"render_incremental_equals_full_after_changes",
   test_render_incremental_equals_full_after_changes},
  {"render_incremental_random_changes", test_render_incremental_random_changes},
  {NULL, NULL},
};
