/*
** fuzz/common.c -- the scratch folder and the checked ingest every fuzz
** target uses (fuzz.h).
*/
#include "fuzz/fuzz.h"
#include "core/buf.h"
#include "core/fs.h"
#include "store/store.h"
#include "store/store_int.h"   /* the connection, to empty the registry */

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *fuzz_current;

static char dir_g[256];

static void remove_dir(void) {
  char err[POD_ERRLEN];
  if (dir_g[0]) pod_rmtree(dir_g, err);
}

const char *fuzz_dir(void) {
  if (dir_g[0]) return dir_g;
  /* /dev/shm when there is one: every input is written to a file, since
  ** ingest reads files, and a disk would make that the slow part */
  const char *base = getenv("PODIUM_FUZZ_TMP");
  if (!base) base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  snprintf(dir_g, sizeof dir_g, "%s/podium-fuzz-XXXXXX", base);
  if (!mkdtemp(dir_g)) {
    perror(dir_g);
    abort();
  }
  atexit(remove_dir);
  return dir_g;
}

const char *fuzz_path(const char *rel) {
  static char buf[4][4096];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", fuzz_dir(), rel);
  return buf[k];
}

const char *fuzz_write(const char *rel, const void *data, size_t n) {
  char err[POD_ERRLEN], folder[4096];
  const char *path = fuzz_path(rel);
  snprintf(folder, sizeof folder, "%s", path);
  *strrchr(folder, '/') = '\0';
  if (pod_mkdirs(folder, err) || pod_file_write(path, data, n, err)) {
    fprintf(stderr, "fuzz: %s\n", err);
    abort();
  }
  return path;
}

void fuzz_clean(void) {
  DIR *d = opendir(fuzz_dir());
  struct dirent *e;
  char err[POD_ERRLEN];
  if (!d) return;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      pod_rmtree(fuzz_path(e->d_name), err);
  closedir(d);
}

void fuzz_fail(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "fuzz: broken promise%s%s: ", fuzz_current ? " on " : "",
          fuzz_current ? fuzz_current : "");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  abort();
}

/* One in-memory registry per process, emptied after every input back to
** the rows a new registry has: findings must not depend on the inputs
** before, and making the schema anew (~4 ms under ASan) would be most of
** an input's time. */
static store_db *db_g;
static struct { char name[64]; sqlite3_int64 max; } tables_g[32];
static int n_tables_g;

static void close_registry(void) { store_close(db_g); }

static store_db *registry(void) {
  char err[POD_ERRLEN];
  sqlite3_stmt *st;
  if (db_g) return db_g;
  if (store_open(":memory:", &db_g, err)) fuzz_fail("store_open: %s", err);
  atexit(close_registry);
  if (sqlite3_prepare_v2(db_g->conn, "SELECT name FROM sqlite_master WHERE "
                         "type = 'table' AND name NOT LIKE 'sqlite_%' "
                         "ORDER BY rowid DESC",
                         -1, &st, NULL) != SQLITE_OK)
    fuzz_fail("%s", sqlite3_errmsg(db_g->conn));
  while (sqlite3_step(st) == SQLITE_ROW && n_tables_g < 32)
    snprintf(tables_g[n_tables_g++].name, sizeof tables_g[0].name, "%s",
             (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  for (int i = 0; i < n_tables_g; i++) {
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT coalesce(max(rowid), 0) FROM \"%s\"",
             tables_g[i].name);
    if (sqlite3_prepare_v2(db_g->conn, sql, -1, &st, NULL) != SQLITE_OK) {
      tables_g[i].max = -1;   /* WITHOUT ROWID (tracker_results): empty */
      continue;
    }
    if (sqlite3_step(st) != SQLITE_ROW)
      fuzz_fail("%s: %s", sql, sqlite3_errmsg(db_g->conn));
    tables_g[i].max = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  return db_g;
}

/* Deletes every row an input added (rowids above those of the new
** registry), the newest tables first: a table refers only to tables made
** before it, so no reference breaks. (PRAGMA foreign_keys = OFF would do
** in any order, but every PRAGMA of that kind makes SQLite prepare all
** statements again, a third of an input's time.) */
static void registry_empty(store_db *db) {
  char sql[200];
  if (sqlite3_exec(db->conn, "BEGIN", NULL, NULL,
                   NULL) != SQLITE_OK)
    fuzz_fail("emptying: %s", sqlite3_errmsg(db->conn));
  for (int i = 0; i < n_tables_g; i++) {
    if (tables_g[i].max < 0)
      snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", tables_g[i].name);
    else
      snprintf(sql, sizeof sql, "DELETE FROM \"%s\" WHERE rowid > %lld",
               tables_g[i].name, (long long)tables_g[i].max);
    if (sqlite3_exec(db->conn, sql, NULL, NULL, NULL) != SQLITE_OK)
      fuzz_fail("%s: %s", sql, sqlite3_errmsg(db->conn));
  }
  if (sqlite3_exec(db->conn, "COMMIT", NULL, NULL,
                   NULL) != SQLITE_OK)
    fuzz_fail("emptying: %s", sqlite3_errmsg(db->conn));
  store_rollback(db);   /* outside a transaction: forgets cached metric ids */
}

int fuzz_ingest(const char *rel, const ingest_meta *meta) {
  char err[POD_ERRLEN] = "", cerr[POD_ERRLEN] = "";
  store_db *db;
  ingest_session *s;
  ingest_path p = {0};
  store_check_result chk;
  int rc, status = -1;
  long rows = 0;
  db = registry();
  s = ingest_session_new(db, meta);
  p.path = (char *)fuzz_path(rel);
  p.from_folder = 0;
  rc = ingest_file(s, &p, &status, &rows, err);
  if (rc != POD_OK && !err[0]) fuzz_fail("error %d without a message", rc);
  if (rc == POD_OK && status != INGEST_ADDED)
    fuzz_fail("a file in an empty registry was not added (status %d)",
              status);
  /* input is refused as input (POD_EINPUT); SQLite refusing what a parser
  ** let through, or an invariant, is a bug */
  if (rc == POD_EINTERNAL || rc == POD_EDB)
    fuzz_fail("error %d on input: %s", rc, err);
  memset(&chk, 0, sizeof chk);
  if (store_check(db, &chk, cerr)) fuzz_fail("podium check: %s", cerr);
  if (chk.problems)
    fuzz_fail("podium check found %ld problems after ingest said %d (%s): "
              "%s", chk.problems, rc, err, pod_buf_str(&chk.text));
  /* whole file or nothing (ARCHITECTURE.md, "Ingest") */
  if (rc != POD_OK && (chk.sources || chk.runs || chk.measurements))
    fuzz_fail("a refused file left %lld sources, %lld runs, %lld "
              "measurements (%s)", (long long)chk.sources,
              (long long)chk.runs, (long long)chk.measurements, err);
  if (rc == POD_OK && chk.sources != 1)
    fuzz_fail("an added file made %lld sources", (long long)chk.sources);
  store_check_free(&chk);
  ingest_session_free(s);
  registry_empty(db);
  return rc;
}
