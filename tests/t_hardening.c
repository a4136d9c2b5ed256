/*
** tests/t_hardening.c -- issue 15: what podium must never do to a user's
** files, whatever the paths, the data or the other processes: renders
** that delete nothing they did not write, read commands that never
** write, data that never kills a render, what fuzzing found, and podium
** check. Writers that wait their turn: tests/t_concurrency.c.
*/
#define _GNU_SOURCE
#include "tests/test.h"
#include "core/fs.h"
#include "core/project.h"
#include "render/render.h"
#include "store/store.h"

#include <dirent.h>
#include <sqlite3.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>


/* ---- the output folder ----------------------------------------------- */

static int render_into(store_db *db, const char *out, const char *db_path,
                       render_stats *st, char err[POD_ERRLEN]) {
  render_opts o = {0};
  o.out_dir = out;
  o.share_dir = test_root();
  o.db_path = db_path ? db_path : test_path("site.db");
  o.jobs = 1;
  return render_site(db, &o, st, err);
}


/* A change in the registry, so the next render swaps. */
static void add_run(store_db *db, const char *model) {
  char err[POD_ERRLEN];
  store_run_new r = {0};
  int64_t id;
  r.model = model;
  if (store_run_add(db, &r, &id, err)) test_fail(__FILE__, __LINE__, "%s", err);
}

static void test_render_refuses_a_registry_anywhere_below_the_site(void) {
  char err[POD_ERRLEN], site[PATH_MAX], inner[PATH_MAX];
  render_stats st;
  store_db *db = test_example_registry();
  snprintf(site, sizeof site, "%s", test_path("site"));
  CHECK_RC(render_into(db, site, NULL, &st, err), POD_OK, err);
  /* issue 15: site/db/reg.db, rendered with --out site, was deleted */
  snprintf(inner, sizeof inner, "%s", test_path("site/db/reg.db"));
  pod_mkdirs(test_path("site/db"), err);
  test_write(inner, "SQLite format 3", SIZE_MAX);
  add_run(db, "tinybert");
  CHECK_INT(render_into(db, site, inner, &st, err), POD_EINPUT);
  CHECK_HAS(err, "the registry");
  CHECK_HAS(err, "db/reg.db");
  CHECK(pod_exists(inner));
  CHECK_INT(test_count_entries(test_dir(), "site.tmp"), 0);
  /* through a relative path with .. and a trailing slash too */
  CHECK_INT(render_into(db, test_path("site/db/../"), inner, &st, err), POD_EINPUT);
  CHECK(pod_exists(inner));
  /* its -wal alone is enough */
  remove(inner);
  snprintf(inner, sizeof inner, "%s", test_path("site/db/reg.db-wal"));
  test_write(inner, "wal", SIZE_MAX);
  snprintf(inner, sizeof inner, "%s", test_path("site/db/reg.db"));
  CHECK_INT(render_into(db, site, inner, &st, err), POD_EINPUT);
  CHECK(pod_exists(test_path("site/db/reg.db-wal")));
  store_close(db);
}

static void test_render_refuses_project_file_and_content_below_the_site(void) {
  char err[POD_ERRLEN];
  render_stats st;
  render_opts o = {0};
  pod_project project;
  store_db *db = test_example_registry();
  memset(&project, 0, sizeof project);
  o.out_dir = test_path("site");
  o.share_dir = test_root();
  o.db_path = test_path("site.db");
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  add_run(db, "tinybert");
  test_write(test_path("site/podium.project.json"), "{}", SIZE_MAX);
  project.path = (char *)test_path("site/podium.project.json");
  o.project = &project;
  CHECK_INT(render_site(db, &o, &st, err), POD_EINPUT);
  CHECK_HAS(err, "the project file");
  CHECK(pod_exists(test_path("site/podium.project.json")));
  o.project = NULL;
  pod_mkdirs(test_path("site/notes/content/en"), err);
  test_write(test_path("site/notes/content/en/a.md"), "# A\n", SIZE_MAX);
  o.content_dir = test_path("site/notes/content");
  CHECK_INT(render_site(db, &o, &st, err), POD_EINPUT);
  CHECK_HAS(err, "the course pages");
  CHECK(pod_exists(test_path("site/notes/content/en/a.md")));
  store_close(db);
}

/* A folder whose path is n bytes long (n < PATH_MAX), made of 200-byte
** names. */
static const char *long_dir(size_t n) {
  static char path[PATH_MAX];
  char err[POD_ERRLEN];
  size_t len = (size_t)snprintf(path, sizeof path, "%s", test_dir());
  while (len + 201 < n) {
    path[len++] = '/';
    memset(path + len, 'd', 200);
    len += 200;
    path[len] = '\0';
  }
  if (len < n) {
    path[len++] = '/';
    memset(path + len, 's', n - len);
    len = n;
    path[len] = '\0';
  }
  if (pod_mkdirs(path, err)) test_fail(__FILE__, __LINE__, "%s", err);
  rmdir(path);   /* the parent is there, the site is not yet */
  return path;
}

static void test_render_a_path_that_does_not_fit_is_an_error_naming_it(void) {
  char err[POD_ERRLEN], out[PATH_MAX];
  render_stats st;
  store_db *db = test_example_registry();
  /* room for the short pages, not for en/leaderboards/... */
  snprintf(out, sizeof out, "%s", long_dir(PATH_MAX - 40));
  CHECK_INT(render_into(db, out, NULL, &st, err), POD_EINPUT);
  CHECK_HAS(err, "path too long");
  CHECK_HAS(err, "--out");
  CHECK(!pod_exists(out));
  /* nothing left beside it */
  char parent[PATH_MAX];
  snprintf(parent, sizeof parent, "%s", out);
  *strrchr(parent, '/') = '\0';
  CHECK_INT(test_count_entries(parent, "s"), 0);
  /* a path with room renders every page */
  snprintf(out, sizeof out, "%s", long_dir(PATH_MAX - 400));
  CHECK_RC(render_into(db, out, NULL, &st, err), POD_OK, err);
  CHECK(st.pages > 8);
  store_close(db);
}

static void test_render_through_a_symlink_keeps_the_symlink(void) {
  char err[POD_ERRLEN];
  render_stats st;
  struct stat ls;
  pod_buf page = POD_BUF_INIT;
  store_db *db = test_example_registry();
  pod_mkdirs(test_path("real"), err);
  CHECK_INT(symlink("real", test_path("link")), 0);
  CHECK_RC(render_into(db, test_path("link"), NULL, &st, err), POD_OK, err);
  CHECK(pod_exists(test_path("real/en/index.html")));
  add_run(db, "tinybert-symlinked");
  CHECK_RC(render_into(db, test_path("link"), NULL, &st, err), POD_OK, err);
  CHECK_INT(lstat(test_path("link"), &ls), 0);
  CHECK(S_ISLNK(ls.st_mode));
  pod_file_read(test_path("real/en/index.html"), &page, err);
  CHECK_HAS(page.data, "tinybert-symlinked");
  CHECK_INT(test_count_entries(test_dir(), "link.tmp"), 0);
  CHECK_INT(test_count_entries(test_dir(), "real.tmp"), 0);
  pod_buf_free(&page);
  store_close(db);
}

static void test_render_with_a_trailing_slash_swaps(void) {
  char err[POD_ERRLEN], out[PATH_MAX];
  render_stats st;
  pod_buf page = POD_BUF_INIT;
  store_db *db = test_example_registry();
  snprintf(out, sizeof out, "%s/", test_path("site"));
  CHECK_RC(render_into(db, out, NULL, &st, err), POD_OK, err);
  add_run(db, "tinybert-slashed");
  snprintf(out, sizeof out, "%s//", test_path("site"));
  CHECK_RC(render_into(db, out, NULL, &st, err), POD_OK, err);
  pod_file_read(test_path("site/en/index.html"), &page, err);
  CHECK_HAS(page.data, "tinybert-slashed");
  CHECK_INT(test_count_entries(test_path("site"), ".tmp"), 0);
  CHECK_INT(test_count_entries(test_dir(), "site.tmp"), 0);
  pod_buf_free(&page);
  store_close(db);
}

static void test_render_removes_temporary_trees_of_killed_renders(void) {
  char err[POD_ERRLEN];
  render_stats st;
  pod_buf out = POD_BUF_INIT;
  store_db *db = test_example_registry();
  CHECK_RC(render_into(db, test_path("_site"), NULL, &st, err), POD_OK, err);
  CHECK_INT(st.stale, 0);
  /* a killed render's tree (its marker, no such process), a folder of
  ** the same shape without the marker, and one of a live process */
  pod_mkdirs(test_path("_site.tmp-2147483000/en"), err);
  test_write(test_path("_site.tmp-2147483000/.podium-site"), "podium\ntemporary 2147483000\n", SIZE_MAX);
  test_write(test_path("_site.tmp-2147483000/en/index.html"), "x", SIZE_MAX);
  pod_mkdirs(test_path("_site.tmp-2147483001"), err);
  test_write(test_path("_site.tmp-2147483001/mine.txt"), "x", SIZE_MAX);
  char live[64];
  snprintf(live, sizeof live, "_site.tmp-%ld", (long)getppid());
  pod_mkdirs(test_path(live), err);
  char live_marker[96];
  snprintf(live_marker, sizeof live_marker, "%s/.podium-site", live);
  test_write(test_path(live_marker), "podium\n", SIZE_MAX);
  add_run(db, "tinybert");
  store_close(db);
  CHECK_INT(test_podium(&out, NULL, "--db site.db render --out _site"), 0);
  CHECK_HAS(out.data, "_site: removed 1 temporary folder of a killed render");
  CHECK(!pod_exists(test_path("_site.tmp-2147483000")));
  CHECK(pod_exists(test_path("_site.tmp-2147483001/mine.txt")));
  CHECK(pod_exists(test_path(live)));
  /* a render with nothing new sweeps them too */
  pod_mkdirs(test_path("_site.tmp-2147483002"), err);
  test_write(test_path("_site.tmp-2147483002/.podium-site"), "podium\n", SIZE_MAX);
  CHECK_INT(test_podium(&out, NULL, "--db site.db render --out _site"), 0);
  CHECK_HAS(out.data, "_site: removed 1 temporary folder of a killed render");
  CHECK_HAS(out.data, "_site: unchanged");
  CHECK(!pod_exists(test_path("_site.tmp-2147483002")));
  pod_buf_free(&out);
}

static void test_render_cli_refuses_the_registry_in_the_site(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  char e[POD_ERRLEN];
  store_db *db = test_example_registry();
  store_close(db);
  CHECK_INT(test_podium(&out, &err, "--db site.db render --out site"), 0);
  pod_mkdirs(test_path("site/db"), e);
  CHECK_INT(rename(test_path("site.db"), test_path("site/db/reg.db")), 0);
  remove(test_path("site.db-wal"));
  remove(test_path("site.db-shm"));
  CHECK_INT(test_podium(&out, &err, "--db site/db/reg.db init"), 0);
  CHECK_INT(test_podium(&out, &err, "--db site/db/reg.db render --out site"), 1);
  CHECK_HAS(err.data, "refusing to render over a folder that holds the registry");
  CHECK(pod_exists(test_path("site/db/reg.db")));
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* ---- read commands never write ---------------------------------------- */

static void file_state(const char *name, char hex[65]) {
  char err[POD_ERRLEN];
  if (pod_file_sha256(test_path(name), hex, NULL, err)) snprintf(hex, 65, "missing");
}

static void sql_exec(const char *name, const char *sql) {
  sqlite3 *db;
  if (sqlite3_open(test_path(name), &db) != SQLITE_OK ||
      sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
    test_fail(__FILE__, __LINE__, "%s: %s", sql, sqlite3_errmsg(db));
  sqlite3_close(db);
}

static const char *const read_commands[] = {
    "runs", "runs --json", "show 1", "show 1 --json",
    "report text-classification--inference_time",
    "compare bert-base-uncased distilbert-base-uncased",
    "render --out _site", NULL};

static void test_read_commands_refuse_a_foreign_database_untouched(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  char before[65], after[65];
  sql_exec("foreign.db", "CREATE TABLE x(a); CREATE TABLE y(b); INSERT INTO x VALUES (1);");
  file_state("foreign.db", before);
  for (int i = 0; read_commands[i]; i++) {
    CHECK_INT(test_podium(&out, &err, "--db foreign.db %s", read_commands[i]), 1);
    CHECK_HAS(err.data, "foreign.db: not a podium registry: it has tables x, y");
    CHECK_LACKS(out.data, "[]");
  }
  /* writing commands refuse it too */
  CHECK_INT(test_podium(&out, &err, "--db foreign.db ingest %s/tests/data/hf-benchmark/inference_time_1590589635.csv", test_root()), 1);
  CHECK_HAS(err.data, "not a podium registry: it has tables x, y");
  CHECK_INT(test_podium(&out, &err, "--db foreign.db init"), 1);
  file_state("foreign.db", after);
  CHECK_STR(after, before);
  CHECK(!pod_exists(test_path("foreign.db-wal")));
  CHECK_STR(test_sql_text("foreign.db", "PRAGMA journal_mode"), "delete");
  CHECK_STR(test_sql_text("foreign.db", "PRAGMA user_version"), "0");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

static void test_read_commands_never_write_a_registry(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  char before[65], after[65];
  CHECK_INT(test_podium(&out, &err, "--db r.db ingest --task text-classification %s/examples", test_root()), 0);
  file_state("r.db", before);
  for (int i = 0; read_commands[i]; i++) {
    int rc = test_podium(&out, &err, "--db r.db %s", read_commands[i]);
    if (rc != 0) test_fail(__FILE__, __LINE__, "%s: exit %d: %s", read_commands[i], rc, err.data);
  }
  file_state("r.db", after);
  CHECK_STR(after, before);
  CHECK(pod_exists(test_path("_site/index.html")));
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* issue 15: a read-only registry could not be listed ("attempt to write
** a readonly database"): every open switched it to WAL. Here the registry
** and its folder are read-only for the user running podium (nobody, when
** the tests run as root and setpriv is there). */
static void test_read_commands_read_a_registry_they_may_not_write(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  char e[POD_ERRLEN], before[65], after[65];
  if (geteuid() != 0 || system("command -v setpriv >/dev/null") != 0) return;
  pod_mkdirs(test_path("ro"), e);
  CHECK_INT(test_podium(&out, &err, "--db ro/r.db ingest --task text-classification %s/examples", test_root()), 0);
  file_state("ro/r.db", before);
  CHECK_INT(chmod(test_path("ro/r.db"), 0444), 0);
  CHECK_INT(chmod(test_path("ro"), 0555), 0);
  /* the site goes where that user may write (a render reads the
  ** registry on two threads: neither may take it for changing) */
  pod_mkdirs(test_path("rw"), e);
  CHECK_INT(chmod(test_path("rw"), 0777), 0);
  CHECK_INT(chmod(test_dir(), 0755), 0);
  const char *cmds[] = {
      "{ setpriv --reuid=65534 --regid=65534 --clear-groups $P --db ro/r.db runs && "
      "setpriv --reuid=65534 --regid=65534 --clear-groups $P --db ro/r.db check && "
      "setpriv --reuid=65534 --regid=65534 --clear-groups $P --db ro/r.db report "
      "text-classification--inference_time && "
      "setpriv --reuid=65534 --regid=65534 --clear-groups $P --db ro/r.db render "
      "--lang en --jobs 2 --out rw/site; }"};
  int rc;
  test_run_together(1, cmds, &rc);
  if (rc) test_fail(__FILE__, __LINE__, "exit %d: %s", rc, test_proc_output(0, "err"));
  CHECK_HAS(test_proc_output(0, "out"), "bert-base-uncased");
  CHECK_HAS(test_proc_output(0, "out"), "ro/r.db: ok");
  CHECK(pod_exists(test_path("rw/site/en/index.html")));
  file_state("ro/r.db", after);
  CHECK_STR(after, before);
  chmod(test_path("ro"), 0755);
  pod_buf_free(&out);
  pod_buf_free(&err);
}

static void test_a_missing_or_empty_registry_is_not_created_by_a_read(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  CHECK_INT(test_podium(&out, &err, "--db none.db runs --json"), 1);
  CHECK_HAS(err.data, "none.db: no registry here");
  CHECK(!pod_exists(test_path("none.db")));
  test_write(test_path("empty.db"), "", 0);
  CHECK_INT(test_podium(&out, &err, "--db empty.db runs"), 1);
  CHECK_HAS(err.data, "empty.db: an empty database, not a podium registry yet (podium init makes it one)");
  CHECK(!pod_exists(test_path("empty.db-wal")));
  /* an empty file is where a writing command may create one */
  CHECK_INT(test_podium(&out, &err, "--db empty.db init"), 0);
  CHECK_HAS(out.data, test_at_version("schema version %d"));
  CHECK_STR(test_sql_text("empty.db", "PRAGMA journal_mode"), "wal");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

static void test_an_older_registry_is_read_only_after_init(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  char e[POD_ERRLEN], before[65], after[65];
  CHECK_RC(store_create_at_version(test_path("old.db"), 2, e), POD_OK, e);
  file_state("old.db", before);
  CHECK_INT(test_podium(&out, &err, "--db old.db runs"), 1);
  CHECK_HAS(err.data, test_at_version("old.db: found schema version 2, expected %d; `podium init` migrates it"));
  file_state("old.db", after);
  CHECK_STR(after, before);
  CHECK_STR(test_sql_text("old.db", "PRAGMA user_version"), "2");
  /* a metric named before podium knew exact match is higher-better */
  sql_exec("old.db", "INSERT INTO metrics (name, unit, direction) VALUES "
                     "('exact_match', '', 0)");
  CHECK_INT(test_podium(&out, &err, "--db old.db init"), 0);
  CHECK_STR(test_sql_text("old.db", "PRAGMA user_version"), test_at_version("%d"));
  CHECK_STR(test_sql_text("old.db", "SELECT direction FROM metrics WHERE name = 'exact_match'"), "1");
  CHECK_INT(test_podium(&out, &err, "--db old.db runs --json"), 0);
  CHECK_STR(out.data, "[]\n");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

static void test_a_newer_registry_is_refused_before_any_write(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  char before[65], after[65];
  sql_exec("new.db", "CREATE TABLE sources(id); PRAGMA user_version = 99;");
  file_state("new.db", before);
  CHECK_INT(test_podium(&out, &err, "--db new.db ingest %s/tests/data/hf-benchmark/inference_time_1590589635.csv", test_root()), 1);
  CHECK_HAS(err.data, test_at_version("found schema version 99, expected at most %d"));
  CHECK_INT(test_podium(&out, &err, "--db new.db runs"), 1);
  CHECK_HAS(err.data, "newer podium");
  file_state("new.db", after);
  CHECK_STR(after, before);
  CHECK_STR(test_sql_text("new.db", "PRAGMA journal_mode"), "delete");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* ---- data never kills a render ------------------------------------------ */

static render_sandbox *builtin_sandbox(void) {
  render_sandbox *sb = NULL;
  char err[POD_ERRLEN], dir[PATH_MAX];
  const char *dirs[] = {dir};
  snprintf(dir, sizeof dir, "%s/templates", test_root());
  if (render_sandbox_new(dirs, 1, &sb, err)) test_fail(__FILE__, __LINE__, "%s", err);
  return sb;
}

static const char *eval_page(render_sandbox *sb, const char *text, int *rc) {
  static pod_buf out = POD_BUF_INIT;
  static char err[POD_ERRLEN];
  pod_buf_clear(&out);
  *rc = render_sandbox_eval(sb, "t.html", text, NULL, 0, &out, err);
  return *rc ? err : pod_buf_str(&out);
}

/* issue 15: 29 models at one batch size stopped the render with
** "invalid option '%z' to 'lua_pushfstring'"; here 10x the limit of 28 */
static void test_render_a_leaderboard_with_280_models_draws_28_and_says_so(void) {
  pod_buf csv = POD_BUF_INIT, out = POD_BUF_INIT, err = POD_BUF_INIT, page = POD_BUF_INIT;
  char e[POD_ERRLEN];
  static const int seqs[] = {8, 32, 128, 512};
  pod_buf_adds(&csv, "model,batch_size,sequence_length,result\n");
  for (int m = 0; m < 280; m++)
    for (int k = 0; k < 4; k++)
      pod_buf_printf(&csv, "model-%03d,8,%d,0.%04d\n", m, seqs[k], 100 + m * 4 + k);
  pod_mkdirs(test_path("bench"), e);
  test_write(test_path("bench/inference_time_1700000000.csv"), csv.data, csv.len);
  CHECK_INT(test_podium(&out, &err, "--db many.db ingest --task text-classification bench"), 0);
  int rc = test_podium(&out, &err, "--db many.db render --out _site --lang en,fa");
  CHECK_INT(rc, 0);
  CHECK_LACKS(err.data, "lua_pushfstring");
  CHECK_INT(pod_file_read(test_path("_site/en/leaderboards/text-classification--inference_time.html"), &page, e), POD_OK);
  CHECK_HAS(page.data, "280 series; the chart shows the first 28, the table has all");
  CHECK_HAS(page.data, "model-279");   /* the table has all */
  CHECK_INT(pod_file_read(test_path("_site/fa/leaderboards/text-classification--inference_time.html"), &page, e), POD_OK);
  CHECK_HAS(page.data, "chart-note");
  pod_buf_free(&csv);
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&page);
}

static void test_render_chart_helpers_take_ten_times_their_series_limit(void) {
  render_sandbox *sb = builtin_sandbox();
  int rc;
  const char *page = eval_page(sb,
      "{% lua local s = {} for k = 1, 280 do s[k] = {name = 'm' .. k, points = {{1, k}, {2, k + 1}}} end %}"
      "{{ chart_lines{title = 'lines', series = s, panel2 = {series = s}} }}", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_HAS(page, "280 series; the chart shows the first 28");
  CHECK_HAS(page, "<svg");
  page = eval_page(sb,
      "{% lua local s = {} for k = 1, 280 do s[k] = {name = 'm' .. k, values = {k, k}} end %}"
      "{{ chart_bars{title = 'bars', categories = {'a', 'b'}, series = s} }}", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_HAS(page, "280 series; the chart shows the first 28");
  page = eval_page(sb,
      "{% lua local s = {} for k = 1, 280 do s[k] = {name = 'm' .. k, points = {{k, k}}} end %}"
      "{{ chart_scatter{title = 'scatter', series = s} }}", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_HAS(page, "280 series; the chart shows the first 28");
  /* at the limit: no note */
  page = eval_page(sb,
      "{% lua local s = {} for k = 1, 28 do s[k] = {name = 'm' .. k, points = {{1, k}, {2, k}}} end %}"
      "{{ chart_lines{series = s} }}", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_LACKS(page, "chart-note");
  render_sandbox_free(sb);
}

/* overfit{} refused curves of more than 100,000 epochs; 10x that is judged */
static void test_render_overfit_judges_a_million_epochs(void) {
  render_sandbox *sb = builtin_sandbox();
  int rc;
  const char *page = eval_page(sb,
      "{% lua local t = {} for i = 1, 1000000 do t[i] = {i, 1 / i} end "
      "local o = overfit{train = t, validation = t, direction = -1} %}"
      "{{ o.status }} {{ o.best_epoch }}", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_HAS(page, "no_divergence 1000000");
  render_sandbox_free(sb);
}

/* Lua's formatter (lua_pushfstring, luaL_error) knows %% %s %f %I %p %d
** %c %U and no flags, widths or length modifiers: "%zu" raised "invalid
** option '%z'" in the middle of a render. Reads every such call's format
** in render/ and core/. */
static void check_lua_formats(const char *path) {
  pod_buf src = POD_BUF_INIT;
  char err[POD_ERRLEN];
  static const char *const calls[] = {"luaL_error(", "lua_pushfstring(",
                                      "luaL_where(", NULL};
  if (pod_file_read(path, &src, err)) return;
  for (int c = 0; calls[c]; c++) {
    for (const char *p = strstr(src.data, calls[c]); p; p = strstr(p + 1, calls[c])) {
      const char *q = strchr(p, ',');
      pod_buf fmt = POD_BUF_INIT;
      long line = 1;
      for (const char *l = src.data; l < p; l++) line += *l == '\n';
      if (!q) break;
      q++;
      for (;;) {   /* adjacent string literals */
        while (*q == ' ' || *q == '\n' || *q == '\t') q++;
        if (*q != '"') break;
        for (q++; *q && *q != '"'; q++) {
          if (*q == '\\' && q[1]) q++;
          pod_buf_add(&fmt, q, 1);
        }
        if (*q) q++;
      }
      for (const char *f = pod_buf_str(&fmt); (f = strchr(f, '%')); f += 2)
        if (!f[1] || !strchr("%sfIpdcU", f[1]))
          test_fail(__FILE__, __LINE__, "%s:%ld: %s format \"%s\": Lua knows no %%%c",
                    path, line, calls[c], fmt.data, f[1]);
      pod_buf_free(&fmt);
    }
  }
  pod_buf_free(&src);
}

static void test_lua_formats_use_only_what_lua_knows(void) {
  static const char *const dirs[] = {"render", "core", NULL};
  int files = 0;
  for (int d = 0; dirs[d]; d++) {
    char dir[PATH_MAX];
    DIR *h;
    struct dirent *e;
    snprintf(dir, sizeof dir, "%s/%s", test_root(), dirs[d]);
    if (!(h = opendir(dir))) continue;
    while ((e = readdir(h))) {
      size_t n = strlen(e->d_name);
      char path[PATH_MAX + 256];
      if (n < 3 || strcmp(e->d_name + n - 2, ".c")) continue;
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      check_lua_formats(path);
      files++;
    }
    closedir(h);
  }
  CHECK(files > 10);
}

/* report.c kept a board's scope in 512 bytes: a longer dataset name (10x
** that here) found the board and then no rows, an empty report. */
static void test_report_of_a_board_with_a_5120_byte_dataset_name(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, name = POD_BUF_INIT, ds = POD_BUF_INIT;
  for (int i = 0; i < 5120; i++) pod_buf_addc(&ds, (char)('a' + i % 26));
  CHECK_INT(test_podium(&out, &err, "--db r.db ingest --dataset %s %s/tests/data/hf-benchmark/inference_time_1590589635.csv", ds.data, test_root()), 0);
  render_board_name(&name, ds.data, "inference_time");
  CHECK_INT(test_podium(&out, &err, "--db r.db report %s", name.data), 0);
  CHECK_HAS(out.data, "distilbert-base-uncased");
  CHECK_INT(test_podium(&out, &err, "--db r.db render --out _site --lang en"), 0);
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&name);
  pod_buf_free(&ds);
}

/* report.c kept the split of the group being written in 64 bytes: a
** longer split (10x here) never equalled its cut copy, and every entry
** got a heading of its own. */
static void test_report_groups_a_640_byte_split_once(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, csv = POD_BUF_INIT, split = POD_BUF_INIT;
  char e[POD_ERRLEN];
  for (int i = 0; i < 640; i++) pod_buf_addc(&split, (char)('a' + i % 26));
  pod_mkdirs(test_path("lab"), e);
  test_write(test_path("lab/podium.json"),
             "{\"format\": \"generic\", \"columns\": {\"model\": \"Model\", "
             "\"dataset\": \"Data\", \"split\": \"Split\", \"metric\": \"Metric\", "
             "\"value\": \"Score\"}}\n", SIZE_MAX);
  pod_buf_adds(&csv, "Model,Data,Split,Metric,Score\n");
  for (int m = 0; m < 3; m++)
    pod_buf_printf(&csv, "m%d,sst2,%s,accuracy,0.9%d\n", m, split.data, m);
  test_write(test_path("lab/results.csv"), csv.data, csv.len);
  CHECK_INT(test_podium(&out, &err, "--db r.db ingest lab"), 0);
  CHECK_INT(test_podium(&out, &err, "--db r.db report sst2--accuracy"), 0);
  int headings = 0;
  for (const char *p = pod_buf_str(&out); (p = strstr(p, "\n## ")); p++) headings++;
  CHECK_INT(headings, 1);
  CHECK_HAS(out.data, "m2");
  /* and the leaderboard page (site.c grouped the same way) */
  CHECK_INT(test_podium(&out, &err, "--db r.db render --out _site --lang en"), 0);
  CHECK_INT(pod_file_read(test_path("_site/en/leaderboards/sst2--accuracy.html"), &out, e), POD_OK);
  int tables = 0;
  for (const char *p = pod_buf_str(&out); (p = strstr(p, "<table class=\"board\"")); p++) tables++;
  CHECK_INT(tables, 1);
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&csv);
  pod_buf_free(&split);
}

/* ---- found by fuzzing (fuzz/, docs/RELIABILITY.md) ------------------- */

/* A --replace creates a temp table, which makes SQLite prepare every
** cached statement again on its next step and free the column names
** store_walk had taken before that step: the next file's best-epoch
** results (curve_results) read freed memory (ASan: heap-use-after-free
** in store_row_col). Found by fuzz_keras_csvlogger reusing a registry. */
static void test_fuzz_replace_after_another_file_reads_live_names(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, log = POD_BUF_INIT;
  char e[POD_ERRLEN];
  CHECK_INT(pod_mkdirs(test_path("a"), e), POD_OK);
  CHECK_INT(pod_mkdirs(test_path("b"), e), POD_OK);
  CHECK_INT(pod_file_read(test_data("keras-csvlogger/keras2-acc-AKBoles-Voice-Identification-training.log"), &log, e), POD_OK);
  test_write(test_path("b/training.log"), log.data, log.len);
  CHECK_INT(test_podium(&out, &err, "--db r.db ingest b/training.log"), 0);
  pod_buf_adds(&log, "99,0.9,0.1,0.8,0.2\n");
  test_write(test_path("b/training.log"), log.data, log.len);
  pod_buf_free(&log);
  CHECK_INT(pod_file_read(test_data("keras-csvlogger/tf2-accuracy-Aditya24jar-Emotion-Detection-training.log"), &log, e), POD_OK);
  test_write(test_path("a/training.log"), log.data, log.len);
  /* a/ goes first and prepares the statements; b/ replaces its old self */
  CHECK_INT(test_podium(&out, &err, "--db r.db ingest --replace a/training.log b/training.log"), 0);
  CHECK_HAS(out.data, "2 added");
  CHECK_LACKS(err.data, "AddressSanitizer");
  CHECK_INT(test_podium(&out, &err, "--db r.db check"), 0);
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&log);
}

/* A model naming "baseline" twice leaked the first (LeakSanitizer, found
** by fuzz_project); it is refused, as a pair naming a key twice is. */
static void test_fuzz_project_model_key_twice_is_refused(void) {
  pod_project p;
  char e[POD_ERRLEN];
  test_write(test_path("podium.project.json"),
             "{\"models\": {\"distil\": {\"role\": \"optimized\", "
             "\"baseline\": \"bert\", \"baseline\": \"tiny\"}}}\n", SIZE_MAX);
  CHECK_RC(pod_project_load(test_path("podium.project.json"), &p, e),
           POD_EINPUT, e);
  CHECK_HAS(e, "it twice");
  pod_project_free(&p);
}

/* ---- podium check ---------------------------------------------------- */

static void test_check_says_ok_then_finds_each_kind_of_damage(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, db = POD_BUF_INIT;
  char e[POD_ERRLEN], before[65], after[65];
  CHECK_INT(test_podium(&out, &err, "--db r.db ingest --task text-classification %s/examples", test_root()), 0);
  file_state("r.db", before);
  CHECK_INT(test_podium(&out, &err, "--db r.db check"), 0);
  CHECK_HAS(out.data, test_at_version("r.db: ok (schema version %d; "));
  file_state("r.db", after);
  CHECK_STR(after, before);   /* a read command */
  CHECK_INT(pod_file_read(test_path("r.db"), &db, e), POD_OK);
  /* rows lost: two measurements of one source gone */
  test_write(test_path("lost.db"), db.data, db.len);
  sql_exec("lost.db", "DELETE FROM measurements WHERE id IN (SELECT id FROM "
           "measurements WHERE source_id = 2 LIMIT 2)");
  CHECK_INT(test_podium(&out, &err, "--db lost.db check"), 1);
  CHECK_HAS(out.data, "lost.db: source 2 (");
  CHECK_HAS(out.data, "): ingested with 4 rows, holds 2");
  CHECK_HAS(err.data, "lost.db: damaged: 1 problem");
  /* a reference to nothing */
  test_write(test_path("dangling.db"), db.data, db.len);
  sql_exec("dangling.db", "INSERT INTO measurements (run_id, metric_id, value, "
           "source_id, line) VALUES (999, 1, 1.0, 1, 30)");
  CHECK_INT(test_podium(&out, &err, "--db dangling.db check"), 1);
  CHECK_HAS(out.data, "measurements row");
  CHECK_HAS(out.data, "refers to a missing runs row");
  /* a hand edit that SQLite's column types let through: text in a REAL
  ** column, a role past the CHECK with its constraints ignored */
  test_write(test_path("typed.db"), db.data, db.len);
  sql_exec("typed.db", "UPDATE measurements SET value = 'abc' WHERE id = 1; "
           "PRAGMA ignore_check_constraints = 1; "
           "UPDATE runs SET role = 'king' WHERE id = 1");
  CHECK_INT(test_podium(&out, &err, "--db typed.db check"), 1);
  CHECK_HAS(out.data, "typed.db: measurements row 1: value is 'abc', expected a number");
  CHECK_HAS(out.data, "typed.db: runs row 1: role is 'king', expected baseline, optimized or NULL");
  CHECK_HAS(err.data, "typed.db: damaged: 2 problems");
  /* bytes overwritten in the cell area of every table's root page (not
  ** the schema's pages: its view is longer than a page) */
  CHECK(db.len > 8 * 4096);
  {
    sqlite3 *conn = NULL;
    sqlite3_stmt *st = NULL;
    int hit = 0;
    CHECK(sqlite3_open_v2(test_path("r.db"), &conn, SQLITE_OPEN_READONLY,
                          NULL) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(conn, "SELECT rootpage FROM sqlite_schema "
                             "WHERE type = 'table' AND rootpage > 1", -1,
                             &st, NULL) == SQLITE_OK);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
      size_t pg = (size_t)sqlite3_column_int64(st, 0) - 1;
      if ((pg + 1) * 4096 <= db.len) {
        memset(db.data + pg * 4096 + 3000, 0xff, 500);
        hit++;
      }
    }
    sqlite3_finalize(st);
    sqlite3_close(conn);
    CHECK(hit > 4);
  }
  test_write(test_path("corrupt.db"), db.data, db.len);
  CHECK_INT(test_podium(&out, &err, "--db corrupt.db check"), 1);
  CHECK_HAS(out.data, "corrupt.db: integrity: ");
  CHECK_HAS(err.data, "corrupt.db: damaged: ");
  /* cut in half */
  test_write(test_path("half.db"), db.data, db.len / 2);
  CHECK_INT(test_podium(&out, &err, "--db half.db check"), 1);
  CHECK_HAS(err.data, "half.db: ");
  /* not a database at all */
  test_write(test_path("text.db"), "hello, this is not SQLite\n", SIZE_MAX);
  CHECK_INT(test_podium(&out, &err, "--db text.db check"), 1);
  CHECK_HAS(err.data, "text.db: not a podium registry (file is not a database)");
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&db);
}

/* A folder inside a walk that cannot be opened fails on its own, named,
** as an unreadable file does, and the other folders go in (it stopped
** the whole ingest before: helper's note, issue 14). Run as nobody when
** the tests run as root (root opens any folder). */
static void test_ingest_an_unreadable_folder_fails_alone(void) {
  char e[POD_ERRLEN], cmd[1024];
  const char *as = "";
  int rc;
  if (geteuid() == 0) {
    if (system("command -v setpriv >/dev/null") != 0)
      test_fail(__FILE__, __LINE__, "%s", "setpriv is needed to run as nobody");
    as = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  pod_mkdirs(test_path("ur/top/a"), e);
  pod_mkdirs(test_path("ur/top/b"), e);
  pod_mkdirs(test_path("ur/top/c"), e);
  snprintf(cmd, sizeof cmd, "cp %s/examples/bert-base/* '%s' && "
           "cp %s/examples/tinybert/* '%s' && cp %s/examples/distilbert/* '%s'",
           test_root(), test_path("ur/top/a"), test_root(),
           test_path("ur/top/b"), test_root(), test_path("ur/top/c"));
  CHECK_INT(system(cmd), 0);
  CHECK_INT(chmod(test_path("ur/top/b"), 0), 0);
  CHECK_INT(chmod(test_path("ur"), 0777), 0);
  CHECK_INT(chmod(test_dir(), 0755), 0);
  snprintf(cmd, sizeof cmd, "cd '%s' && %s$P --db ur/r.db ingest --task "
           "text-classification ur/top", test_dir(), as);
  {
    const char *cmds[1] = {cmd};
    test_run_together(1, cmds, &rc);
  }
  chmod(test_path("ur/top/b"), 0755);
  CHECK(rc != 0);
  CHECK_HAS(test_proc_output(0, "err"), "ur/top/b: cannot open this folder: "
            "Permission denied (nothing in it was read)");
  CHECK_HAS(test_proc_output(0, "out"), "ingest: 6 added, 0 skipped, 1 failed");
  CHECK_HAS(test_proc_output(0, "out"), "added ur/top/c/inference_time_1700000420.csv");
}

const test_case tests_hardening[] = {
    {"ingest_an_unreadable_folder_fails_alone",
     test_ingest_an_unreadable_folder_fails_alone},
    {"render_refuses_a_registry_anywhere_below_the_site",
     test_render_refuses_a_registry_anywhere_below_the_site},
    {"render_refuses_project_file_and_content_below_the_site",
     test_render_refuses_project_file_and_content_below_the_site},
    {"render_a_path_that_does_not_fit_is_an_error_naming_it",
     test_render_a_path_that_does_not_fit_is_an_error_naming_it},
    {"render_through_a_symlink_keeps_the_symlink",
     test_render_through_a_symlink_keeps_the_symlink},
    {"render_with_a_trailing_slash_swaps", test_render_with_a_trailing_slash_swaps},
    {"render_removes_temporary_trees_of_killed_renders",
     test_render_removes_temporary_trees_of_killed_renders},
    {"render_cli_refuses_the_registry_in_the_site",
     test_render_cli_refuses_the_registry_in_the_site},
    {"read_commands_refuse_a_foreign_database_untouched",
     test_read_commands_refuse_a_foreign_database_untouched},
    {"read_commands_never_write_a_registry",
     test_read_commands_never_write_a_registry},
    {"read_commands_read_a_registry_they_may_not_write",
     test_read_commands_read_a_registry_they_may_not_write},
    {"read_a_missing_or_empty_registry_is_not_created",
     test_a_missing_or_empty_registry_is_not_created_by_a_read},
    {"read_an_older_registry_only_after_init",
     test_an_older_registry_is_read_only_after_init},
    {"read_a_newer_registry_is_refused_before_any_write",
     test_a_newer_registry_is_refused_before_any_write},
    {"render_a_leaderboard_with_280_models_draws_28_and_says_so",
     test_render_a_leaderboard_with_280_models_draws_28_and_says_so},
    {"render_chart_helpers_take_ten_times_their_series_limit",
     test_render_chart_helpers_take_ten_times_their_series_limit},
    {"render_overfit_judges_a_million_epochs",
     test_render_overfit_judges_a_million_epochs},
    {"lua_formats_use_only_what_lua_knows", test_lua_formats_use_only_what_lua_knows},
    {"report_of_a_board_with_a_5120_byte_dataset_name",
     test_report_of_a_board_with_a_5120_byte_dataset_name},
    {"report_groups_a_640_byte_split_once", test_report_groups_a_640_byte_split_once},
    {"check_says_ok_then_finds_each_kind_of_damage",
     test_check_says_ok_then_finds_each_kind_of_damage},
    {"fuzz_replace_after_another_file_reads_live_names",
     test_fuzz_replace_after_another_file_reads_live_names},
    {"fuzz_project_model_key_twice_is_refused",
     test_fuzz_project_model_key_twice_is_refused},
    {NULL, NULL}};
