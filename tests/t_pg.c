/*
** tests/t_pg.c -- the registry on PostgreSQL (issue 16): the store suite,
** the CLI end to end against the SQLite site, concurrent writers, copy.
**
** A throwaway server of our own: initdb into a temporary folder, pg_ctl
** start on a Unix socket in that folder (no TCP port), as nobody when
** the tests run as root (PostgreSQL refuses root); stopped and removed
** when the runner exits. A database per test. `make deps` installs the
** postgresql package; without it these tests fail saying so.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "store/store.h"

#include <glob.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char pg_dir[256];    /* the server's folder: data/, socket, log */
static char pg_bin[512];    /* initdb, pg_ctl, createdb */
static int pg_up;           /* 1 running, -1 could not start */
static char pg_url[1024];

/* A shell command; its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...) {
  char cmd[4096];
  va_list ap;
  int st;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* PostgreSQL will not run as root: nobody runs it then. */
static const char *as_server(void) {
  return getuid() == 0 ? "runuser -u nobody -- " : "";
}

static void pg_stop(void) {
  char err[POD_ERRLEN];
  if (pg_up != 1) return;
  sh("%s'%s/pg_ctl' -D '%s/data' -m immediate stop >/dev/null 2>&1",
     as_server(), pg_bin, pg_dir);
  pod_rmtree(pg_dir, err);
  pg_up = 0;
}

static int pg_start(void) {
  glob_t g;
  if (pg_up) return pg_up == 1;
  pg_up = -1;
  if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) != 0 ||
      !g.gl_pathc) {
    test_fail(__FILE__, __LINE__, "no PostgreSQL server binaries "
              "(/usr/lib/postgresql/*/bin): `make deps` installs them");
    return 0;
  }
  snprintf(pg_bin, sizeof pg_bin, "%s", g.gl_pathv[g.gl_pathc - 1]);
  globfree(&g);
  *strrchr(pg_bin, '/') = '\0';
  snprintf(pg_dir, sizeof pg_dir, "/tmp/podium-pg-XXXXXX");
  if (!mkdtemp(pg_dir)) {
    test_fail(__FILE__, __LINE__, "mkdtemp: %s", pg_dir);
    return 0;
  }
  if (getuid() == 0) {
    struct passwd *pw = getpwnam("nobody");
    if (!pw || chown(pg_dir, pw->pw_uid, pw->pw_gid) != 0) {
      test_fail(__FILE__, __LINE__, "cannot give %s to nobody", pg_dir);
      return 0;
    }
  }
  /* trust on a socket only this folder's owner (and root) reaches */
  if (sh("%s'%s/initdb' -D '%s/data' -U podium --auth=trust -E UTF8 "
         "--locale=C.UTF-8 >'%s/initdb.log' 2>&1", as_server(), pg_bin,
         pg_dir, pg_dir) ||
      sh("%s'%s/pg_ctl' -D '%s/data' -l '%s/log' -w -o \"-k %s -c "
         "listen_addresses='' -c fsync=off -c max_connections=40\" start "
         ">/dev/null 2>&1", as_server(), pg_bin, pg_dir, pg_dir, pg_dir)) {
    test_fail(__FILE__, __LINE__, "the test server did not start: see "
              "%s/initdb.log and %s/log", pg_dir, pg_dir);
    return 0;
  }
  pg_up = 1;
  atexit(pg_stop);
  return 1;
}

/* A new, empty database made with createdb's options opts; its URL
** (static, until the next call). The socket folder goes in the host
** part, '/' written %2F. */
static const char *pg_fresh_as(const char *name, const char *opts) {
  pod_buf host = POD_BUF_INIT;
  if (!pg_start()) return NULL;
  sh("'%s/dropdb' -h '%s' -U podium --if-exists '%s' >/dev/null 2>&1",
     pg_bin, pg_dir, name);
  if (sh("'%s/createdb' -h '%s' -U podium %s '%s'", pg_bin, pg_dir, opts,
         name)) {
    test_fail(__FILE__, __LINE__, "createdb %s failed", name);
    return NULL;
  }
  for (const char *p = pg_dir; *p; p++)
    if (*p == '/') pod_buf_adds(&host, "%2F");
    else pod_buf_addc(&host, *p);
  snprintf(pg_url, sizeof pg_url, "postgresql://podium@%s/%s", host.data,
           name);
  pod_buf_free(&host);
  return pg_url;
}

static const char *pg_fresh(const char *name) {
  return pg_fresh_as(name, "");
}

static int get_count(const store_row *row, void *ud) {
  long *n = ud;   /* runs, sources, environments, measurements */
  n[0] = (long)store_row_col(row, "runs")->i;
  n[1] = (long)store_row_col(row, "sources")->i;
  n[2] = (long)store_row_col(row, "measurements")->i;
  return 0;
}

/* runs, sources, measurements of the registry at url */
static void counts(const char *url, long n[3]) {
  store_db *db = NULL;
  char err[POD_ERRLEN];
  n[0] = n[1] = n[2] = -1;
  if (store_open_read(url, &db, err) == POD_OK)
    CHECK_RC(store_counts(db, get_count, n, err), POD_OK, err);
  else
    test_fail(__FILE__, __LINE__, "%s", err);
  store_close(db);
}

/* ---- the store suite -------------------------------------------------- */

/* Every test of tests/t_store.c that is not about SQLite's file, query
** plan or older versions, each on a database of its own. */
static void test_pg_store_suite(void) {
  static const char *const skip[] = {
      "store_migrates_an_old_registry_forward",
      "store_refuses_a_registry_from_a_newer_podium",
      "store_rejects_a_file_that_is_not_sqlite",
      "store_leaderboard_query_uses_an_index", NULL};
  int ran = 0;
  for (const test_case *t = tests_store; t->name; t++) {
    int skipped = 0;
    char name[64];
    for (int i = 0; skip[i]; i++) skipped |= !strcmp(skip[i], t->name);
    if (skipped) continue;
    snprintf(name, sizeof name, "s%d", ran++);
    if (!(test_registry_url = pg_fresh(name))) return;
    t->fn();
    test_registry_url = NULL;
  }
  CHECK(ran >= 7);
}

static void test_pg_init_creates_and_names_the_schema(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  const char *url = pg_fresh("init");
  char u[1024];
  if (!url) return;
  snprintf(u, sizeof u, "%s", url);
  /* a read of an empty database says what to do, and writes nothing */
  CHECK_INT(test_podium(&out, &err, "--db '%s' runs", u), 1);
  CHECK_HAS(err.data, "podium init");
  CHECK_INT(test_podium(&out, &err, "--db '%s' init", u), 0);
  CHECK_HAS(out.data, "registry ready (schema version");
  CHECK_INT(test_podium(&out, &err, "--db '%s' init", u), 0);
  CHECK_INT(test_podium(&out, &err, "--db '%s' check", u), 0);
  CHECK_HAS(out.data, ": ok (schema version");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* ---- security: the password never on a command line ------------------ */

static void test_pg_url_with_a_password_is_refused_unechoed(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  CHECK_INT(test_podium(&out, &err, "--db 'postgresql://u:hunter2@db.example/x' "
                        "runs"), 2);
  CHECK_HAS(err.data, "PGPASSWORD");
  CHECK_LACKS(err.data, "hunter2");
  setenv("PODIUM_DB", "postgresql://u:hunter2@db.example/x", 1);
  CHECK_INT(test_podium(&out, &err, "runs"), 2);
  CHECK_LACKS(err.data, "hunter2");
  unsetenv("PODIUM_DB");
  /* a failed connection names host and database */
  CHECK_INT(test_podium(&out, &err, "--db 'postgresql://u@127.0.0.1:1/lab' "
                        "runs"), 1);
  CHECK_HAS(err.data, "host 127.0.0.1, database lab");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

static void test_pg_libpq_environment_fills_the_url(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  const char *url = pg_fresh("env");
  char u[1024];
  if (!url) return;
  snprintf(u, sizeof u, "%s", url);
  CHECK_INT(test_podium(&out, &err, "--db '%s' ingest '%s/examples/bert-base'",
                        u, test_root()), 0);
  setenv("PGHOST", pg_dir, 1);
  setenv("PGUSER", "podium", 1);
  CHECK_INT(test_podium(&out, &err, "--db postgresql:///env runs"), 0);
  CHECK_HAS(out.data, "bert-base-uncased");
  setenv("PODIUM_DB", "postgresql:///env", 1);
  CHECK_INT(test_podium(&out, &err, "runs"), 0);
  CHECK_HAS(out.data, "bert-base-uncased");
  unsetenv("PODIUM_DB");
  unsetenv("PGHOST");
  unsetenv("PGUSER");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* ---- the CLI end to end ----------------------------------------------- */

/* diff -r of two sites, without the render's bookkeeping (its key, the
** pages' fingerprints, render/incr.c, and what is kept for the next
** render, board_keep.c, download_keep.c and run_keep.c, hash each
** backend's own rows);
** ignore: a regex of lines to ignore, or "". */
static int same_site(const char *a, const char *b, const char *ignore) {
  return sh("diff -r -x .podium-site -x .podium-pages -x .podium-boards "
            "-x .podium-downloads -x .podium-values %s%s%s '%s' '%s' "
            ">'%s/site.diff' 2>&1",
            *ignore ? "-I '" : "", ignore, *ignore ? "'" : "",
            test_path(a), test_path(b), test_dir()) == 0;
}

/* examples/ ingested into SQLite and into PostgreSQL: compare says the
** same, and the sites are the same but for ingest times; through `podium
** copy` they are the same byte for byte, and back again. */
static void test_pg_cli_site_matches_sqlite(void) {
  pod_buf lite = POD_BUF_INIT, pg = POD_BUF_INIT, err = POD_BUF_INIT;
  char direct[1024], copied[1024], root[2048];
  /* a server whose default collation is not bytes (Debian's clusters
  ** take the system's, en_US): podium's columns compare bytes anyway */
  const char *url = pg_fresh_as("direct", "-T template0 --locale-provider=icu "
                                "--icu-locale=en-US");
  if (!url) return;
  snprintf(direct, sizeof direct, "%s", url);
  if (!(url = pg_fresh("copied"))) return;
  snprintf(copied, sizeof copied, "%s", url);
  snprintf(root, sizeof root, "%s", test_root());
  CHECK_INT(test_podium(&lite, &err, "--db l.db ingest '%s/examples'", root), 0);
  CHECK_INT(test_podium(&pg, &err, "--db '%s' ingest '%s/examples'", direct,
                        root), 0);
  CHECK_HAS(pg.data, "ingest: 19 added, 0 skipped, 0 failed");
  CHECK_INT(test_podium(&lite, &err, "--db l.db compare bert-base-uncased "
                        "distilbert-base-uncased --md"), 0);
  CHECK_INT(test_podium(&pg, &err, "--db '%s' compare bert-base-uncased "
                        "distilbert-base-uncased --md", direct), 0);
  CHECK(lite.len > 1000);
  CHECK_STR(pg.data, lite.data);
  CHECK_INT(test_podium(&lite, &err, "--db l.db render --out lite --content "
                        "'%s/examples/content'", root), 0);
  CHECK_INT(test_podium(&pg, &err, "--db '%s' render --out direct --content "
                        "'%s/examples/content'", direct, root), 0);
  CHECK_HAS(pg.data, "direct: 315 files");
  if (!same_site("lite", "direct", "[0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z"))
    test_fail(__FILE__, __LINE__, "the sites differ: %s",
              test_path("site.diff"));
  /* copied: the same rows, the same site, byte for byte */
  CHECK_INT(test_podium(&pg, &err, "copy --from l.db --to '%s'", copied), 0);
  CHECK_HAS(pg.data, "19 sources copied, 0 there already");
  CHECK_INT(test_podium(&pg, &err, "copy --from l.db --to '%s'", copied), 0);
  CHECK_HAS(pg.data, "0 sources copied, 19 there already");
  CHECK_INT(test_podium(&pg, &err, "--db '%s' render --out copied --content "
                        "'%s/examples/content'", copied, root), 0);
  if (!same_site("lite", "copied", ""))
    test_fail(__FILE__, __LINE__, "copied site differs: %s",
              test_path("site.diff"));
  /* and back: a SQLite registry again, the same site */
  CHECK_INT(test_podium(&pg, &err, "copy --from '%s' --to back.db", copied), 0);
  CHECK_INT(test_podium(&pg, &err, "--db back.db render --out back --content "
                        "'%s/examples/content'", root), 0);
  if (!same_site("lite", "back", ""))
    test_fail(__FILE__, __LINE__, "site of the copy back differs: %s",
              test_path("site.diff"));
  /* a second render of an unchanged server registry writes nothing */
  CHECK_INT(test_podium(&pg, &err, "--db '%s' render --out copied --content "
                        "'%s/examples/content'", copied, root), 0);
  CHECK_HAS(pg.data, "unchanged");
  CHECK_INT(test_podium(&pg, &err, "--db '%s' check", copied), 0);
  CHECK_HAS(pg.data, "19 sources, 27 runs");
  /* one new run on both: the server's render takes the other pages from
  ** its live site (the runs, its environments' lists, read once from the
  ** server's rows) and is SQLite's full render but for ingest times */
  test_make_folder_of(test_path("new/inference_time_1700000100.csv"));
  {
    static const char csv[] = "model,batch_size,sequence_length,result\n"
                              "newmodel-a,8,8,0.0050\n";
    test_write(test_path("new/inference_time_1700000100.csv"), csv,
               sizeof csv - 1);
  }
  CHECK_INT(test_podium(&lite, &err, "--db l.db ingest --task "
                        "text-classification new"), 0);
  CHECK_INT(test_podium(&pg, &err, "--db '%s' ingest --task "
                        "text-classification new", copied), 0);
  CHECK_INT(test_podium(&lite, &err, "--db l.db render --out lite2 --content "
                        "'%s/examples/content'", root), 0);
  CHECK_INT(test_podium(&pg, &err, "--db '%s' render --out copied --content "
                        "'%s/examples/content'", copied, root), 0);
  CHECK_HAS(pg.data, "reused");
  if (!same_site("lite2", "copied", "[0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z"))
    test_fail(__FILE__, __LINE__, "the server's site after a new run "
              "differs: %s", test_path("site.diff"));
  pod_buf_free(&lite);
  pod_buf_free(&pg);
  pod_buf_free(&err);
}

/* ---- many writers ----------------------------------------------------- */

/* 4 processes x 20 files into one fresh database at once, and a render
** started among them: 80 sources, no error, no row lost or doubled; the
** render's run pages and its runs.csv name the same runs. */
static void test_pg_four_writers_and_a_render(void) {
  char err[POD_ERRLEN], cmd[5][1400];
  const char *cmds[5] = {cmd[0], cmd[1], cmd[2], cmd[3], cmd[4]};
  const char *url = pg_fresh("four");
  int rc[5];
  long n[3];
  if (!url) return;
  for (int k = 0; k < 4; k++) {
    char dir[32];
    snprintf(dir, sizeof dir, "d%d", k);
    pod_mkdirs(test_path(dir), err);
    for (int i = 0; i < 20; i++) {
      char name[64], csv[128];
      snprintf(name, sizeof name, "d%d/inference_time_16000000%02d.csv", k, i);
      snprintf(csv, sizeof csv, "model,batch_size,sequence_length,result\n"
               "m-%d-%02d,1,8,0.0%02d%d\n", k, i, i, k);
      test_write(test_path(name), csv, SIZE_MAX);
    }
    snprintf(cmd[k], sizeof cmd[k], "$P --db '%s' ingest d%d", url, k);
  }
  /* the render waits for the first file, then reads whatever is there */
  snprintf(cmd[4], sizeof cmd[4], "until $P --db '%s' runs 2>/dev/null | "
           "grep -q m-; do sleep 0.05; done; $P --db '%s' render --out _site "
           "--lang en", url, url);
  test_run_together(5, cmds, rc);
  for (int k = 0; k < 5; k++)
    if (rc[k])
      test_fail(__FILE__, __LINE__, "process %d: exit %d: %s", k, rc[k],
                test_proc_output(k, "err"));
  for (int k = 0; k < 4; k++)
    CHECK_HAS(test_proc_output(k, "out"), "ingest: 20 added, 0 skipped, 0 failed");
  counts(url, n);
  CHECK_INT(n[0], 80);
  CHECK_INT(n[1], 80);
  CHECK_INT(n[2], 80);
  /* one state: as many run pages as runs.csv has runs */
  pod_buf csv = POD_BUF_INIT;
  int pages = 0, lines = -1;
  char rel[64];
  for (int id = 1; id <= 200; id++) {
    snprintf(rel, sizeof rel, "_site/en/runs/%d.html", id);
    pages += pod_exists(test_path(rel));
  }
  if (pod_file_read(test_path("_site/data/runs.csv"), &csv, err) == POD_OK)
    for (const char *p = csv.data; (p = strchr(p, '\n')); p++) lines++;
  CHECK(pages > 0);
  CHECK_INT(pages, lines);
  pod_buf_free(&csv);
}

/* Two processes migrate an empty database at once (it is made once),
** then both ingest one file: one adds it, one finds it there. */
static void test_pg_two_writers_on_one_file(void) {
  char cmd[2][1400], f[1024];
  const char *cmds[2] = {cmd[0], cmd[1]};
  const char *url = pg_fresh("one");
  int rc[2], added = 0, skipped = 0;
  if (!url) return;
  for (int k = 0; k < 2; k++)
    snprintf(cmd[k], sizeof cmd[k], "$P --db '%s' init", url);
  test_run_together(2, cmds, rc);
  for (int k = 0; k < 2; k++)
    if (rc[k])
      test_fail(__FILE__, __LINE__, "init %d: exit %d: %s", k, rc[k],
                test_proc_output(k, "err"));
  snprintf(f, sizeof f, "%s/tests/data/hf-benchmark/inference_time_1590589635.csv",
           test_root());
  for (int k = 0; k < 2; k++)
    snprintf(cmd[k], sizeof cmd[k], "$P --db '%s' ingest '%s'", url, f);
  test_run_together(2, cmds, rc);
  for (int k = 0; k < 2; k++) {
    if (rc[k])
      test_fail(__FILE__, __LINE__, "ingest %d: exit %d: %s", k, rc[k],
                test_proc_output(k, "err"));
    added += strstr(test_proc_output(k, "out"), "added ") != NULL;
    skipped += strstr(test_proc_output(k, "out"), "(already ingested)") != NULL;
  }
  CHECK_INT(added, 1);
  CHECK_INT(skipped, 1);
}

const test_case tests_pg[] = {
  {"pg_store_suite", test_pg_store_suite},
  {"pg_init_creates_and_names_the_schema", test_pg_init_creates_and_names_the_schema},
  {"pg_url_with_a_password_is_refused_unechoed", test_pg_url_with_a_password_is_refused_unechoed},
  {"pg_libpq_environment_fills_the_url", test_pg_libpq_environment_fills_the_url},
  {"pg_cli_site_matches_sqlite", test_pg_cli_site_matches_sqlite},
  {"pg_four_writers_and_a_render", test_pg_four_writers_and_a_render},
  {"pg_two_writers_on_one_file", test_pg_two_writers_on_one_file},
  {NULL, NULL},
};
