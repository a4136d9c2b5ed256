/*
** tests/registry.c -- helpers for tests that ingest into a registry
** (t.db in the test's folder) and look at what it holds.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "core/sha256.h"
#include "ingest/ingest.h"
#include "store/store.h"

#include <dirent.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

const char *test_registry_url;

store_db *test_open_db(void) {
  store_db *db = NULL;
  char err[POD_ERRLEN];
  if (store_open(test_registry_url ? test_registry_url : test_path("t.db"),
                 &db, err))
    test_fail(__FILE__, __LINE__, "%s", err);
  return db;
}

int test_ingest_into(store_db *db, const ingest_meta *meta,
                     const char *const *paths, int n, char err[POD_ERRLEN]) {
  ingest_meta none = {0};
  ingest_session *s = ingest_session_new(db, meta ? meta : &none);
  ingest_path *list = NULL;
  int n_list = 0, rc = ingest_expand(paths, n, &list, &n_list, err);
  if (rc == POD_OK) ingest_session_read_ahead(s, list, n_list);   /* as the CLI */
  for (int i = 0; rc == POD_OK && i < n_list; i++) {
    int status;
    long rows;
    rc = ingest_file(s, &list[i], &status, &rows, err);
  }
  ingest_session_free(s);   /* first: its read-ahead reads the list */
  ingest_paths_free(list, n_list);
  return rc;
}

void test_registry_checksum(char hex[65]) {
  static const char *const tables[] = {"sources", "environments", "runs",
                                       "metrics", "measurements", "samples",
                                       "tracker_results", NULL};
  static const char *const order[] = {"rowid", "rowid", "rowid", "rowid",
                                      "rowid", "rowid",
                                      "run_id, source_id, line"};
  sqlite3 *db;
  pod_sha256 h;
  pod_sha256_init(&h);
  sqlite3_open(test_path("t.db"), &db);
  for (int t = 0; tables[t]; t++) {
    char sql[128];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", tables[t],
             order[t]);
    sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    while (sqlite3_step(st) == SQLITE_ROW)
      for (int i = 0; i < sqlite3_column_count(st); i++) {
        const unsigned char *v = sqlite3_column_text(st, i);
        pod_sha256_update(&h, v ? (const char *)v : "\x01",
                          v ? strlen((const char *)v) + 1 : 1);
      }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  pod_sha256_hex(&h, hex);
}

double test_query_num(const char *sql) {
  sqlite3 *db;
  sqlite3_stmt *st;
  double v = NAN;
  sqlite3_open(test_path("t.db"), &db);
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_double(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

const char *test_query_text(const char *sql) {
  static char out[512];
  sqlite3 *db;
  sqlite3_stmt *st;
  out[0] = '\0';
  sqlite3_open(test_path("t.db"), &db);
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

const char *test_fixture(const char *dir, const char *name) {
  static char bufs[8][4096];
  static int next;
  char *p = bufs[next++ % 8];
  snprintf(p, 4096, "%s/tests/data/%s/%s", test_root(), dir, name);
  return p;
}

void test_make_folder_of(const char *path) {
  char err[POD_ERRLEN], folder[4096];
  snprintf(folder, sizeof folder, "%s", path);
  *strrchr(folder, '/') = '\0';
  if (pod_mkdirs(folder, err)) test_fail(__FILE__, __LINE__, "%s", err);
}

const char *test_copy_fixture(const char *dir, const char *name,
                              const char *to) {
  char err[POD_ERRLEN];
  pod_buf b = POD_BUF_INIT;
  const char *dst = test_path(to);
  test_make_folder_of(dst);
  if (pod_file_read(test_fixture(dir, name), &b, err))
    test_fail(__FILE__, __LINE__, "%s", err);
  test_write(dst, b.data, b.len);
  pod_buf_free(&b);
  return dst;
}

int test_ingest(const ingest_meta *meta, const char *const *paths, int n,
                char err[POD_ERRLEN]) {
  store_db *db = test_open_db();
  int rc = test_ingest_into(db, meta, paths, n, err);
  store_close(db);
  return rc;
}

int test_count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
    n++;
  return n;
}

const char *test_data(const char *rel) {
  static char bufs[8][4096];
  static int next;
  char *p = bufs[next++ % 8];
  snprintf(p, 4096, "%s/tests/data/%s", test_root(), rel);
  return p;
}

void test_expect_refused_at(const char *file, int line, const char *good,
                            const char *name, const char *data, size_t n,
                            const char *want1, const char *want2) {
  char err[POD_ERRLEN], before[65], after[65];
  const char *p = test_path(name);
  store_db *db = test_open_db();
  if (good && test_ingest_into(db, NULL, &good, 1, err) != POD_OK)
    test_fail(file, line, "%s: the good file did not go in: %s", name, err);
  test_registry_checksum(before);
  if (strchr(name, '/')) {  /* "sub/trainer_state.json": make sub/ */
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", p);
    *strrchr(folder, '/') = '\0';
    pod_mkdirs(folder, err);
  }
  if (data) test_write(p, data, n);  /* NULL: the test wrote it already */
  err[0] = '\0';
  int rc = test_ingest_into(db, NULL, &p, 1, err);
  if (rc != POD_EINPUT)
    test_fail(file, line, "%s: rc %d, expected POD_EINPUT (%s)", name, rc, err);
  if (!strstr(err, want1) || (want2 && !strstr(err, want2)))
    test_fail(file, line, "%s: message \"%s\" lacks \"%s\" / \"%s\"", name,
              err, want1, want2 ? want2 : "");
  store_close(db);
  test_registry_checksum(after);
  if (strcmp(before, after))
    test_fail(file, line, "%s: the registry changed", name);
}

store_db *test_example_registry(void) {
  char err[POD_ERRLEN], dir[2][4096];
  store_db *db = NULL;
  ingest_meta m = {0};
  snprintf(dir[0], sizeof dir[0], "%s/examples/bert-base", test_root());
  snprintf(dir[1], sizeof dir[1], "%s/examples/distilbert", test_root());
  if (store_open(test_path("site.db"), &db, err))
    test_fail(__FILE__, __LINE__, "%s", err);
  m.task = "text-classification";
  for (int k = 0; k < 2 && db; k++) {
    const char *args[] = {dir[k]};
    m.role = k ? "optimized" : "baseline";
    m.variant = k ? "distilled-6-layer" : NULL;
    if (test_ingest_into(db, &m, args, 1, err))
      test_fail(__FILE__, __LINE__, "examples/: %s", err);
  }
  return db;
}

int test_check_links(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  pod_buf page = POD_BUF_INIT;
  char err[POD_ERRLEN];
  int n = 0;
  if (!d) return 0;
  while ((e = readdir(d))) {
    char path[4096];
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (pod_is_dir(path)) { n += test_check_links(path); continue; }
    if (!strstr(e->d_name, ".html")) continue;
    pod_file_read(path, &page, err);
    for (const char *p = page.data; (p = strstr(p, "=\"")); p += 2) {
      if (strncmp(p - 4, "href", 4) && strncmp(p - 3, "src", 3)) continue;
      const char *start = p + 2, *end = strchr(start, '"');
      char target[2048], file[8192];
      snprintf(target, sizeof target, "%.*s", (int)(end - start), start);
      if (strstr(target, "://") || !strncmp(target, "//", 2)) {
        test_fail(__FILE__, __LINE__, "%s links outside: %s", path, target);
        continue;
      }
      char *hash = strchr(target, '#');
      if (hash) *hash = '\0';
      if (!*target) continue;
      n++;
      snprintf(file, sizeof file, "%s/%s", dir, target);
      if (!pod_exists(file))
        test_fail(__FILE__, __LINE__, "%s: broken link %s", path, target);
    }
  }
  closedir(d);
  pod_buf_free(&page);
  return n;
}

int test_demo_bench(pod_buf *out, pod_buf *err, const char *flags) {
  int rc = test_podium(out, err, "%s ingest --quiet --role baseline "
                       "'%s/examples/bert-base'", flags, test_root());
  if (rc) return rc;
  return test_podium(out, err, "%s ingest --quiet --role optimized --variant "
                     "distilled-6-layer '%s/examples/distilbert'", flags,
                     test_root());
}

/* Replaces every occurrence of from in b by to. */
static void replace_all(pod_buf *b, const char *from, const char *to) {
  pod_buf out = POD_BUF_INIT;
  size_t n = strlen(from);
  const char *p = pod_buf_str(b), *q;
  while ((q = strstr(p, from))) {
    pod_buf_add(&out, p, (size_t)(q - p));
    pod_buf_adds(&out, to);
    p = q + n;
  }
  pod_buf_adds(&out, p);
  pod_buf_free(b);
  *b = out;
}

/* ISO 8601 times (ingest and run times) become a fixed placeholder. */
static void mask_times(pod_buf *b) {
  for (char *p = b->data; p && (p = strchr(p, 'T')); p++) {
    if (p - b->data < 10 || strlen(p) < 10) continue;
    char *d = p - 10;
    if (d[4] == '-' && d[7] == '-' && p[3] == ':' && p[6] == ':' && p[9] == 'Z')
      memcpy(d, "YYYY-MM-DDThh:mm:ssZ", 20);
  }
  /* and the localized times beside them: <time ...>TEXT</time> */
  for (char *p = b->data; p && (p = strstr(p, "<time ")); p++) {
    char *open = strchr(p, '>'), *close = open ? strstr(open, "</time>") : NULL;
    if (!close) break;
    size_t n = (size_t)(close - open - 1);
    if (n < 4) continue;   /* TIME must not grow the page */
    memmove(open + 5, close, strlen(close) + 1);
    memcpy(open + 1, "TIME", 4);
    b->len = b->len - n + 4;
  }
}

void test_mask_volatile(pod_buf *page) {
  replace_all(page, test_root(), "ROOT");
  mask_times(page);
}

const char *test_sql_text(const char *name, const char *sql) {
  static char out[256];
  sqlite3 *db;
  sqlite3_stmt *st = NULL;
  out[0] = '\0';
  if (sqlite3_open_v2(test_path(name), &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

/* "TEXT" with %d as the schema version this podium writes. */
const char *test_at_version(const char *fmt) {
  static char out[4][256];
  static int turn;
  char *o = out[turn++ % 4];
  snprintf(o, 256, fmt, STORE_SCHEMA_VERSION);
  return o;
}

void test_read_site_at(const char *file, int line, const char *rel,
                       pod_buf *page) {
  char path[4200], err[POD_ERRLEN];
  snprintf(path, sizeof path, "%s/_site/%s", test_dir(), rel);
  if (pod_file_read(path, page, err)) test_fail(file, line, "%s", err);
}

void test_add_at(struct store_db *db, int64_t run, int64_t metric,
                 int64_t src, int64_t line, double v, int64_t batch,
                 int64_t seq, double epoch, const char *split) {
  store_measurement m;
  char err[POD_ERRLEN];
  store_measurement_init(&m);
  m.run_id = run;
  m.metric_id = metric;
  m.source_id = src;
  m.line = line;
  m.value = v;
  m.batch_size = batch;
  m.sequence_length = seq;
  m.epoch = epoch;
  m.split = split;
  if (store_measurement_add(db, &m, err))
    test_fail(__FILE__, __LINE__, "%s", err);
}

void test_add_value(struct store_db *db, int64_t run, int64_t metric, int64_t src,
                    double v, int64_t batch, int64_t seq, const char *split) {
  test_add_at(db, run, metric, src, 2, v, batch, seq, NAN, split);
}

int test_count_entries(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  if (!d) return -1;
  while ((e = readdir(d)))
    if (!strncmp(e->d_name, prefix, strlen(prefix))) n++;
  closedir(d);
  return n;
}
