/*
** tests/test.h -- the tiny harness every test file uses (cmark's
** api_test/harness.h in spirit): CHECK macros that record a failure and
** go on, and helpers for temporary files and running the CLI.
*/
#ifndef PODIUM_TEST_H
#define PODIUM_TEST_H

#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"
#include "core/err.h"

typedef struct test_case {
  const char *name;
  void (*fn)(void);
} test_case;

void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Marks the test skipped, with the reason: printed and counted, never a
** pass. Only for what `make deps` cannot install (the shared corpus). */
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* How many times a trial loop runs: usual, or --trials N (make torture). */
int test_trials(int usual);

#define CHECK(c) \
  do { if (!(c)) test_fail(__FILE__, __LINE__, "CHECK(%s)", #c); } while (0)
#define CHECK_INT(a, b)                                                     \
  do {                                                                      \
    long long a_ = (long long)(a), b_ = (long long)(b);                     \
    if (a_ != b_)                                                           \
      test_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, a_, b_); \
  } while (0)
/* rc of a call that writes err: on a mismatch, show the message too. */
#define CHECK_RC(call, want, err)                                           \
  do {                                                                      \
    int r_ = (call);                                                        \
    if (r_ != (want))                                                       \
      test_fail(__FILE__, __LINE__, "%s == %d, expected %d: %s", #call, r_,  \
                (int)(want), err);                                          \
  } while (0)
#define CHECK_STR(a, b)                                                     \
  do {                                                                      \
    const char *a_ = (a), *b_ = (b);                                        \
    if (!a_ || strcmp(a_, b_))                                              \
      test_fail(__FILE__, __LINE__, "%s is \"%s\", expected \"%s\"", #a,     \
                a_ ? a_ : "(null)", b_);                                    \
  } while (0)
#define CHECK_HAS(hay, needle)                                              \
  do {                                                                      \
    const char *h_ = (hay), *n_ = (needle);                                 \
    if (!h_ || !strstr(h_, n_))                                             \
      test_fail(__FILE__, __LINE__, "%s does not contain \"%s\": \"%.300s\"", \
                #hay, n_, h_ ? h_ : "(null)");                              \
  } while (0)
#define CHECK_LACKS(hay, needle)                                            \
  do {                                                                      \
    const char *h_ = (hay), *n_ = (needle);                                 \
    if (h_ && strstr(h_, n_))                                               \
      test_fail(__FILE__, __LINE__, "%s contains \"%s\"", #hay, n_);        \
  } while (0)

/* a within tol of b (needs <math.h>) */
#define CHECK_NEAR(a, b, tol)                                               \
  do {                                                                      \
    double a_ = (a), b_ = (b);                                              \
    if (!(fabs(a_ - b_) <= (tol)))                                          \
      test_fail(__FILE__, __LINE__, "%s == %.10g, expected %.10g", #a, a_,  \
                b_);                                                        \
  } while (0)

/* Compares out with tests/golden/<rel>, naming the first differing line;
** under PODIUM_GOLDEN=1 (`make golden`) rewrites the golden instead. */
void test_golden_at(const char *file, int line, const char *rel,
                    const pod_buf *out);
#define test_golden(rel, out) test_golden_at(__FILE__, __LINE__, rel, out)

/* A rendered page with what changes from run to run masked: the
** checkout's folder becomes ROOT, ISO 8601 times YYYY-MM-DDThh:mm:ssZ and
** the text of <time> elements TIME (goldens of whole pages). */
void test_mask_volatile(pod_buf *page);

/* A fresh folder for this test (removed after it); path of name in it. */
const char *test_dir(void);
const char *test_path(const char *name);   /* rotating static buffers */
/* Writes n bytes (SIZE_MAX: strlen(data)) to path. */
void test_write(const char *path, const char *data, size_t n);
/* Runs the podium binary (PODIUM_BIN) with a shell-quoted argument
** string; captures stdout and stderr. Returns the exit status. */
int test_podium(pod_buf *out, pod_buf *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The repository root (tests run from it). */
const char *test_root(void);

/* Every href and src of every page below dir resolves to a file there,
** and none leaves the site (a failure per broken link); returns how many
** links it followed. */
int test_check_links(const char *dir);

/* Runs n shell commands (n <= 8, in the test's folder, $P the podium
** binary) so that they start at the same moment; exit codes go to rc[],
** command k's output to .pK.out/.pK.err, read by test_proc_output(k,
** "out"/"err") (tests/t_hardening.c). */
void test_run_together(int n, const char *const *cmds, int *rc);
const char *test_proc_output(int k, const char *ext);

/* ---- registries (tests/registry.c): t.db in the test's folder ------- */
/* When set (tests/t_pg.c), the registry test_open_db and the store suite
** open instead of t.db: a postgresql:// URL. */
extern const char *test_registry_url;
struct store_db;
struct ingest_meta;
struct store_db *test_open_db(void);
/* site.db in the test's folder, holding examples/ (task
** text-classification); the caller closes it. */
struct store_db *test_example_registry(void);
/* The benchmark half of examples/ as the site's demo had it before the
** study joined it: bert-base as baseline, distilbert (distilled-6-layer)
** as optimized, through the CLI with flags ("--db X" or ""); 0 on success. */
int test_demo_bench(pod_buf *out, pod_buf *err, const char *flags);
/* Ingests files and folders with one session; the last error code. */
int test_ingest_into(struct store_db *db, const struct ingest_meta *meta,
                     const char *const *paths, int n, char err[POD_ERRLEN]);
void test_registry_checksum(char hex[65]);   /* sha256 of every t.db row */
double test_query_num(const char *sql);      /* first cell, NaN if none */
const char *test_query_text(const char *sql);  /* "" if none; static */
const char *test_data(const char *rel);      /* <root>/tests/data/<rel> */
int test_count(const char *hay, const char *needle);  /* occurrences */
/* <root>/tests/data/<dir>/<name>; eight calls' results stay valid */
const char *test_fixture(const char *dir, const char *name);
/* Makes the folder path's file goes in (mkdir -p of its dirname). */
void test_make_folder_of(const char *path);
/* Copies test_fixture(dir, name) to test_path(to), folders made. */
const char *test_copy_fixture(const char *dir, const char *name,
                              const char *to);
/* test_ingest_into a fresh connection to t.db, closed after */
int test_ingest(const struct ingest_meta *meta, const char *const *paths,
                int n, char err[POD_ERRLEN]);
/* Ingests good (if not NULL), then a file `name` holding data (NULL: the
** file is there already); expects
** POD_EINPUT, a message holding want1 (and want2), and t.db unchanged. */
void test_expect_refused_at(const char *file, int line, const char *good,
                            const char *name, const char *data, size_t n,
                            const char *want1, const char *want2);
#define test_expect_refused(...) \
  test_expect_refused_at(__FILE__, __LINE__, __VA_ARGS__)
/* The same after a good Keras log (tests/data/keras-csvlogger/); with a
** string literal, TEST_REFUSE. */
#define TEST_GOOD_LOG "keras2-acc-AKBoles-Voice-Identification-training.log"
#define test_refuse(name, data, n, w1, w2)                                 \
  test_expect_refused(test_fixture("keras-csvlogger", TEST_GOOD_LOG), name, \
                      data, n, w1, w2)
#define TEST_REFUSE(name, lit, w1, w2) test_refuse(name, lit, sizeof lit - 1, w1, w2)
/* SQL for the values of metric in the rows where cond holds. */
#define TEST_VALUE_OF(metric, cond) "SELECT m.value FROM measurements_all m JOIN " \
  "metrics t ON t.id = m.metric_id WHERE t.name = '" metric "' AND " cond

/* One value (as text, "" when none) of sql on the SQLite file name in
** the test's folder, opened read-only; static, valid until the next call. */
const char *test_sql_text(const char *name, const char *sql);
/* fmt with %d as the schema version this podium writes (rotating). */
const char *test_at_version(const char *fmt);

/* A measurement of run (line 2 of source src): v at batch and seq (-1:
** the axis does not apply), split or NULL. */
void test_add_value(struct store_db *db, int64_t run, int64_t metric, int64_t src,
                    double v, int64_t batch, int64_t seq, const char *split);
/* The same at a line, with an epoch (NAN: none). */
void test_add_at(struct store_db *db, int64_t run, int64_t metric,
                 int64_t src, int64_t line, double v, int64_t batch,
                 int64_t seq, double epoch, const char *split);
/* The entries of folder dir whose names start with prefix; -1: no dir. */
int test_count_entries(const char *dir, const char *prefix);

/* The file _site/<rel> of the test's folder into page (replaced); a
** failure at the caller's line when it cannot be read. */
void test_read_site_at(const char *file, int line, const char *rel,
                       pod_buf *page);
#define test_read_site(rel, page) test_read_site_at(__FILE__, __LINE__, rel, page)

extern const test_case tests_core[], tests_store[], tests_ingest[],
    tests_ingest_threads[],
    tests_render[], tests_cli[], tests_svg[], tests_trainlogs[],
    tests_trainlogs_traps[],
    tests_codecarbon[], tests_i18n[], tests_eit[], tests_generic[], tests_detect[], tests_compare[],
    tests_course[], tests_boards[], tests_eit_report[], tests_env[],
    tests_methods[], tests_study[], tests_browser[], tests_hardening[],
    tests_pg[], tests_template[], tests_incremental[],
    tests_concurrency[], tests_runpage[];

#endif
