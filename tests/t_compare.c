/*
** tests/t_compare.c -- `podium compare` and the compare pages: the
** statistics (core/stats.c) against numbers worked by hand, pairing on the
** examples, repeats, a tie within noise, a cross-hardware pair, and JSON,
** Markdown and page agreeing; the project file's pairs and the links
** from every number of a compare page to its run.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "core/stats.h"
#include "render/render.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- statistics ------------------------------------------------------ */

static void test_compare_t_quantiles_follow_the_nist_table(void) {
  CHECK_NEAR(pod_t975(1), 12.706, 1e-12);
  CHECK_NEAR(pod_t975(2), 4.303, 1e-12);
  CHECK_NEAR(pod_t975(4), 2.776, 1e-12);
  CHECK_NEAR(pod_t975(2.9), 4.303, 1e-12);   /* fractional df rounds down */
  CHECK_NEAR(pod_t975(30), 2.042, 1e-12);
  CHECK_NEAR(pod_t975(45), 2.021, 1e-12);
  CHECK_NEAR(pod_t975(1e6), 1.980, 1e-12);
  CHECK_NEAR(pod_t975(INFINITY), 1.960, 1e-12);
  CHECK(isnan(pod_t975(0.5)));
}

/* Baseline repeats 10, 12, 14 ms:
**   mean = 36 / 3 = 12 ms; deviations -2, 0, +2 ms;
**   sd = sqrt((4 + 0 + 4) / (3 - 1)) = sqrt(4) = 2 ms;
**   95% CI = 12 +- t(2) * 2 / sqrt(3) = 12 +- 4.303 * 1.154701
**          = 12 +- 4.968677 ms = [7.031323, 16.968677] ms.
** Optimized repeats 5.9, 6.0, 6.1 ms: mean 6 ms, sd 0.1 ms.
** Ratio 6 / 12 = 0.5; log-ratio delta method:
**   vb = sd_b^2 / (n_b mean_b^2) = 4 / (3 * 144) = 0.00925926
**   vo = sd_o^2 / (n_o mean_o^2) = 0.01 / (3 * 36) = 0.0000925926
**   se = sqrt(vb + vo) = sqrt(0.00935185) = 0.0967050
**   Welch df = (vb + vo)^2 / (vb^2 / 2 + vo^2 / 2) = 2.04 -> 2, t = 4.303
**   interval = 0.5 * exp(-+ 4.303 * 0.0967050) = [0.329800, 0.758035]. */
static const double base_ms[3] = {0.010, 0.012, 0.014};
static const double fast_ms[3] = {0.0059, 0.0060, 0.0061};

static void test_compare_repeats_give_mean_sd_and_student_interval(void) {
  pod_sample b, o;
  double lo, hi, r;
  pod_sample_of(base_ms, 3, &b);
  CHECK_NEAR(b.mean, 0.012, 1e-15);
  CHECK_NEAR(b.sd, 0.002, 1e-15);
  CHECK_INT(b.n, 3);
  pod_mean_ci(&b, &lo, &hi);
  CHECK_NEAR(lo, 0.007031323, 1e-9);
  CHECK_NEAR(hi, 0.016968677, 1e-9);
  pod_sample_of(fast_ms, 3, &o);
  r = pod_ratio_ci(&b, &o, &lo, &hi);
  CHECK_NEAR(r, 0.5, 1e-12);
  CHECK_NEAR(lo, 0.329800, 1e-6);
  CHECK_NEAR(hi, 0.758035, 1e-6);
  /* n = 1 on a side: no interval is invented */
  pod_sample_of(base_ms, 1, &b);
  CHECK(isnan(b.sd));
  pod_mean_ci(&b, &lo, &hi);
  CHECK(isnan(lo) && isnan(hi));
  pod_ratio_ci(&b, &o, &lo, &hi);
  CHECK(isnan(lo) && isnan(hi));
}

/* Accuracy 0.90, 0.91, 0.92 against 0.91, 0.92, 0.93: difference +1 pp;
** each side sd 0.01, so vb = vo = 0.0001 / 3; se = sqrt(0.0000666667)
** = 0.00816497; Welch df = 4 exactly, t = 2.776; half width = 2.776 *
** 0.00816497 = 0.0226659 -> [-1.2666, +3.2666] pp: holds 0, within
** noise. */
static void test_compare_difference_interval_is_welch(void) {
  static const double a[3] = {0.90, 0.91, 0.92}, c[3] = {0.91, 0.92, 0.93};
  pod_sample b, o;
  double lo, hi, d;
  pod_sample_of(a, 3, &b);
  pod_sample_of(c, 3, &o);
  d = pod_diff_ci(&b, &o, &lo, &hi);
  CHECK_NEAR(d, 0.01, 1e-12);
  CHECK_NEAR(lo, -0.0126659, 1e-6);
  CHECK_NEAR(hi, 0.0326659, 1e-6);
}

/* Overfitting, k = 3. Validation loss 1.0 0.8 0.7 0.75 0.8 0.85 0.9 at
** epochs 1..7, train 1.1 0.9 0.7 0.6 0.5 0.45 0.4: the best is epoch 3
** (0.7; gap 0.7 - 0.7 = 0); epochs 4, 5, 6 are all worse than 0.7 while
** train went 0.7 -> 0.45 (better): onset at epoch 4. */
static void test_compare_overfit_finds_best_epoch_gap_and_onset(void) {
  static const double ep[7] = {1, 2, 3, 4, 5, 6, 7};
  static const double val[7] = {1.0, 0.8, 0.7, 0.75, 0.8, 0.85, 0.9};
  static const double tr[7] = {1.1, 0.9, 0.7, 0.6, 0.5, 0.45, 0.4};
  static const double down[5] = {1.0, 0.9, 0.8, 0.7, 0.6};
  /* worse for two epochs only, then a new best: no onset */
  static const double dip[7] = {1.0, 0.8, 0.85, 0.9, 0.7, 0.69, 0.68};
  /* train got worse too: not overfitting, both diverge */
  static const double tr_up[7] = {1.1, 0.9, 0.7, 0.8, 0.9, 1.0, 1.1};
  pod_overfit o;
  pod_overfit_of(ep, tr, val, 7, -1, 3, &o);
  CHECK_INT(o.best, 2);
  CHECK_NEAR(o.gap, 0.0, 1e-12);
  CHECK_INT(o.onset, 3);
  CHECK_INT(o.too_short, 0);
  pod_overfit_of(ep, tr, down, 5, -1, 3, &o);
  CHECK_INT(o.best, 4);
  CHECK_INT(o.onset, -1);
  pod_overfit_of(ep, tr, dip, 7, -1, 3, &o);
  CHECK_INT(o.best, 6);
  CHECK_INT(o.onset, -1);
  pod_overfit_of(ep, tr_up, val, 7, -1, 3, &o);
  CHECK_INT(o.onset, -1);
  pod_overfit_of(ep, tr, val, 3, -1, 3, &o);   /* 3 epochs < k + 1 */
  CHECK_INT(o.too_short, 1);
  CHECK_INT(o.onset, -1);
  /* accuracy: higher is better; 0.9 at epoch 2, then 0.8 0.7 0.6 */
  static const double acc[5] = {0.8, 0.9, 0.8, 0.7, 0.6};
  static const double acc_tr[5] = {0.8, 0.9, 0.95, 0.97, 0.99};
  pod_overfit_of(ep, acc_tr, acc, 5, 1, 3, &o);
  CHECK_INT(o.best, 1);
  CHECK_INT(o.onset, 2);
}

static void test_compare_overfit_helper_reports_to_templates(void) {
  char err[POD_ERRLEN], dir[4096];
  const char *dirs[] = {dir};
  render_sandbox *sb = NULL;
  pod_buf out = POD_BUF_INIT;
  snprintf(dir, sizeof dir, "%s/templates", test_root());
  CHECK_RC(render_sandbox_new(dirs, 1, &sb, err), POD_OK, err);
  CHECK_RC(render_sandbox_eval(sb, "t.html",
      "{% lua local o = overfit{direction = -1, train = {{1, 1.1}, {2, 0.9}, {3, 0.7}, {4, 0.6}, {5, 0.5}, {6, 0.45}, {7, 0.4}}, "
      "validation = {{1, 1.0}, {2, 0.8}, {3, 0.7}, {4, 0.75}, {5, 0.8}, {6, 0.85}, {7, 0.9}}} %}"
      "{{ o.best_epoch }}|{{ o.onset_epoch }}|{{ o.verdict }}|{{ overfit{validation = {}} == nil }}",
      NULL, 0, &out, err), POD_OK, err);
  CHECK_HAS(out.data, "3|4|overfitting from epoch 4: validation worse than its best for 3 epochs");
  CHECK_HAS(out.data, "|true");
  CHECK_INT(render_sandbox_eval(sb, "t.html", "{{ overfit{validation = {{2, 1}, {1, 1}}} }}",
                                NULL, 0, &out, err), POD_ETEMPLATE);
  CHECK_HAS(err, "overfit: validation must be sorted by epoch");
  render_sandbox_free(sb);
  pod_buf_free(&out);
}

/* ---- the engine on a registry built by hand ------------------------- */

static int64_t hand_run(store_db *db, const char *model, const char *role) {
  store_run_new r = {0};
  int64_t id = 0;
  char err[POD_ERRLEN];
  r.model = model;
  r.role = role;
  r.dataset = "sst2";
  CHECK_RC(store_run_add(db, &r, &id, err), POD_OK, err);
  return id;
}


/* Accuracy is a difference in points (worked by hand above: +1 pp, within
** noise); a latency measured at batch 8 on one side and with no batch on
** the other still pairs (the axes both have), and loss is lower-better. */
static void test_compare_engine_pairs_axes_both_have_and_gives_pp(void) {
  static const double acc_b[3] = {0.90, 0.91, 0.92}, acc_o[3] = {0.91, 0.92, 0.93};
  char err[POD_ERRLEN];
  store_db *db = NULL;
  store_source src = {"f.csv", "ab", "hf-trainer", NULL, 1};
  int64_t sid = 0, acc = 0, lat = 0, loss = 0, runs[2][3];
  analysis_cmp *c = NULL;
  size_t n_rows = 0;
  CHECK_RC(store_open(test_path("t.db"), &db, err), POD_OK, err);
  CHECK_RC(store_source_add(db, &src, &sid, err), POD_OK, err);
  CHECK_RC(store_metric_id(db, "accuracy", "", STORE_HIGHER_BETTER, &acc, err), POD_OK, err);
  CHECK_RC(store_metric_id(db, "latency", "s", STORE_LOWER_BETTER, &lat, err), POD_OK, err);
  CHECK_RC(store_metric_id(db, "loss", "", STORE_LOWER_BETTER, &loss, err), POD_OK, err);
  for (int i = 0; i < 3; i++) {
    runs[0][i] = hand_run(db, "big", "baseline");
    runs[1][i] = hand_run(db, "small", "optimized");
    test_add_value(db, runs[0][i], acc, sid, acc_b[i], -1, -1, "validation");
    test_add_value(db, runs[1][i], acc, sid, acc_o[i], -1, -1, "validation");
    test_add_value(db, runs[0][i], lat, sid, 0.020, 8, -1, NULL);
    test_add_value(db, runs[1][i], lat, sid, 0.010, -1, -1, NULL);
    test_add_value(db, runs[0][i], loss, sid, 0.30, -1, -1, "validation");
    test_add_value(db, runs[1][i], loss, sid, 0.40, -1, -1, "validation");
  }
  const int64_t *ids[2] = {runs[0], runs[1]};
  const size_t n_ids[2] = {3, 3};
  CHECK_RC(analysis_compare_new(db, ids, n_ids, "sst2", &c, err), POD_OK, err);
  const analysis_cmp_row *r = c ? analysis_compare_rows(c, &n_rows) : NULL;
  CHECK_INT(n_rows, 3);
  for (size_t i = 0; r && i < n_rows; i++) {
    analysis_cmp_text t;
    analysis_compare_cells(&r[i], &t);
    if (!strcmp(r[i].metric, "accuracy")) {
      CHECK(r[i].is_difference);
      CHECK_NEAR(r[i].diff_pp, 1.0, 1e-9);
      CHECK_NEAR(r[i].lo, -1.26659, 1e-4);
      CHECK_NEAR(r[i].hi, 3.26659, 1e-4);
      CHECK_STR(r[i].verdict, "within noise");
      CHECK_STR(t.effect, "+1.0 pp");
      CHECK_STR(t.interval, "[-1.3, +3.3] pp");
    } else if (!strcmp(r[i].metric, "latency")) {
      CHECK_INT(r[i].batch_size, 8);
      CHECK_NEAR(r[i].speedup, 2.0, 1e-12);
      CHECK_STR(r[i].verdict, "better");   /* sd 0 both sides: exact */
    } else {
      CHECK_STR(r[i].metric, "loss");
      CHECK(!r[i].is_difference);          /* lower is better: no pp */
      CHECK_STR(r[i].verdict, "worse");
    }
  }
  CHECK_INT(c ? analysis_compare_n_warnings(c) : 1, 0);
  analysis_compare_free(c);
  c = NULL;
  CHECK_INT(analysis_compare_new(db, ids, n_ids, "mnli", &c, err), POD_EINPUT);
  CHECK_HAS(err, "no run in dataset \"mnli\"");
  store_close(db);
}

/* Two means a rounding apart (0.825 and 0.8250000000000001, as a mean of
** repeats may come out) are the same, not "+0.0 pp, better". */
static void test_compare_a_rounding_apart_is_the_same(void) {
  char err[POD_ERRLEN];
  store_db *db = NULL;
  store_source src = {"f.csv", "ab", "hf-trainer", NULL, 1};
  int64_t sid = 0, acc = 0, b, o;
  analysis_cmp *c = NULL;
  size_t n_rows = 0;
  CHECK_RC(store_open(test_path("t.db"), &db, err), POD_OK, err);
  CHECK_RC(store_source_add(db, &src, &sid, err), POD_OK, err);
  CHECK_RC(store_metric_id(db, "accuracy", "", STORE_HIGHER_BETTER, &acc, err), POD_OK, err);
  b = hand_run(db, "big", "baseline");
  o = hand_run(db, "small", "optimized");
  test_add_value(db, b, acc, sid, 0.825, -1, -1, "validation");
  test_add_value(db, o, acc, sid, 0.8250000000000001, -1, -1, "validation");
  {
    const int64_t one_b[1] = {b}, one_o[1] = {o};
    const int64_t *ids[2] = {one_b, one_o};
    const size_t n_ids[2] = {1, 1};
    CHECK_RC(analysis_compare_new(db, ids, n_ids, "sst2", &c, err), POD_OK, err);
  }
  const analysis_cmp_row *r = c ? analysis_compare_rows(c, &n_rows) : NULL;
  CHECK_INT(n_rows, 1);
  if (r) CHECK_STR(r[0].verdict, "same");
  analysis_compare_free(c);
  store_close(db);
}

/* Pareto page: A (90 %, 20 ms) and B (88 %, 10 ms) are on the front; C
** (85 %, 15 ms) is dominated by B (worse on both). Every model of the
** dataset is a point. */
static void test_compare_pareto_page_marks_the_front(void) {
  char err[POD_ERRLEN];
  store_db *db = NULL;
  store_source src = {"f.csv", "cd", "hf-trainer", NULL, 1};
  int64_t sid = 0, acc = 0, lat = 0;
  static const char *const models[3] = {"a", "b", "c"};
  static const double accs[3] = {0.90, 0.88, 0.85}, lats[3] = {0.020, 0.010, 0.015};
  render_opts o = {0};
  render_stats st;
  pod_buf page = POD_BUF_INIT;
  CHECK_RC(store_open(test_path("t.db"), &db, err), POD_OK, err);
  CHECK_RC(store_source_add(db, &src, &sid, err), POD_OK, err);
  CHECK_RC(store_metric_id(db, "accuracy", "", STORE_HIGHER_BETTER, &acc, err), POD_OK, err);
  CHECK_RC(store_metric_id(db, "inference_time", "s", STORE_LOWER_BETTER, &lat, err), POD_OK, err);
  for (int i = 0; i < 3; i++) {
    int64_t run = hand_run(db, models[i], NULL);
    test_add_value(db, run, acc, sid, accs[i], -1, -1, "test");
    test_add_value(db, run, lat, sid, lats[i], 8, -1, NULL);
  }
  o.out_dir = test_path("_site");
  o.share_dir = test_root();
  o.db_path = test_path("t.db");
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  store_close(db);
  CHECK_INT(pod_file_read(test_path("_site/en/pareto/sst2.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "accuracy vs inference_time");
  CHECK_HAS(page.data, "accuracy (test); inference_time (Batch 8)");
  CHECK_HAS(page.data, ">c</bdi></a>: 0.85, 15.0\xc2\xa0ms");   /* one point a model */
  int yes = 0;
  for (const char *p = page.data; p && (p = strstr(p, "<td>yes</td>")); p++) yes++;
  CHECK_INT(yes, 2);
  CHECK_INT(pod_file_read(test_path("_site/en/index.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "pareto/sst2.html");
  pod_buf_free(&page);
}

/* ---- the command ----------------------------------------------------- */

/* A transformers benchmark file holding one time at batch 8, seq 128. */
static void bench_file(const char *folder, const char *model, double v) {
  char body[256], path[512];
  pod_buf cmd = POD_BUF_INIT;
  snprintf(path, sizeof path, "%s/%s", test_dir(), folder);
  pod_buf_printf(&cmd, "mkdir -p '%s'", path);
  if (system(cmd.data) != 0) test_fail(__FILE__, __LINE__, "mkdir %s", path);
  pod_buf_free(&cmd);
  snprintf(body, sizeof body,
           "model,batch_size,sequence_length,result\n%s,8,128,%.4f\n", model,
           v);
  snprintf(path, sizeof path, "%s/inference_time_1700000000.csv", folder);
  test_write(test_path(path), body, (size_t)-1);
}

static const cJSON *row_at(const cJSON *j, const char *metric, int seq) {
  const cJSON *r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "rows")) {
    if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "metric")), metric) &&
        cJSON_GetNumberValue(cJSON_GetObjectItem(r, "sequence_length")) == seq)
      return r;
  }
  return NULL;
}

static double num(const cJSON *o, const char *k) {
  return cJSON_GetNumberValue(cJSON_GetObjectItem(o, k));
}

static const char *str(const cJSON *o, const char *k) {
  return cJSON_GetStringValue(cJSON_GetObjectItem(o, k));
}

/* The transformers docs figure: bert-base-uncased 0.018 s against the
** 6-layer model's 0.009 s at batch 8, sequence 128: ratio 0.5, 2.0x. */
static void test_compare_examples_give_the_docs_speedup(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  CHECK_INT(test_demo_bench(&out, &err, ""), 0);
  CHECK_INT(test_podium(&out, &err, "compare bert-base-uncased distilbert-base-uncased --json"), 0);
  cJSON *j = cJSON_Parse(out.data);
  CHECK(cJSON_IsObject(j));
  const cJSON *r = row_at(j, "inference_time", 128);
  CHECK(r != NULL);
  if (r) {
    CHECK_NEAR(num(r, "ratio"), 0.5, 1e-12);
    CHECK_NEAR(num(r, "speedup"), 2.0, 1e-12);
    CHECK_NEAR(num(r, "change_pct"), -50.0, 1e-9);
    CHECK_NEAR(num(cJSON_GetObjectItem(r, "baseline"), "mean"), 0.018, 1e-15);
    CHECK_NEAR(num(cJSON_GetObjectItem(r, "optimized"), "mean"), 0.009, 1e-15);
    CHECK_STR(str(r, "verdict"), "better");
    CHECK_STR(str(r, "note"), "n = 1: no interval");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(r, "interval_low")));
  }
  r = row_at(j, "inference_memory", 128);   /* lower is better: memory */
  CHECK(r && !strcmp(str(r, "verdict"), "better"));
  CHECK(r && cJSON_IsNull(cJSON_GetObjectItem(r, "speedup")));
  CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")), 8);
  CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "warnings")), 0);
  cJSON_Delete(j);
  /* the same by run id, and in words */
  CHECK_INT(test_podium(&out, &err, "compare 1 2"), 0);
  CHECK_HAS(out.data, "18.0 ms (n=1) -> 9.00 ms (n=1)  ratio 0.500 (-50.0 %) 2.00x");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

static void test_compare_exit_codes(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  CHECK_INT(test_demo_bench(&out, &err, ""), 0);
  CHECK_INT(test_podium(&out, &err, "compare nosuch distilbert-base-uncased"), 1);
  CHECK_HAS(err.data, "no run or model \"nosuch\"");
  CHECK_INT(test_podium(&out, &err, "compare 1"), 2);
  CHECK_HAS(err.data, "usage: podium compare");
  CHECK_INT(test_podium(&out, &err, "compare 1 2 --json --md"), 2);
  CHECK_INT(test_podium(&out, &err, "compare 1 2 --bogus"), 2);
  CHECK_INT(test_podium(&out, &err, "compare 1 2 --dataset elsewhere"), 1);
  CHECK_HAS(err.data, "no run in dataset \"elsewhere\"");
  CHECK_INT(test_podium(&out, &err, "compare 1 2 --dataset text-classification --json"), 0);
  CHECK_INT(test_podium(&out, &err, "compare --help"), 0);
  CHECK_HAS(out.data, "--strict");
  /* nothing in common: a model measured elsewhere */
  bench_file("other", "gpt2", 0.05);
  CHECK_INT(test_podium(&out, &err, "ingest --task generation other"), 0);
  CHECK_INT(test_podium(&out, &err, "compare bert-base-uncased gpt2 --json"), 1);
  CHECK_HAS(err.data, "have no metric at a common");
  CHECK_STR(out.data, "");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* Three runs a side: the numbers worked by hand above, via the CLI. */
static void test_compare_repeats_from_three_runs_a_side(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  for (int i = 0; i < 3; i++) {
    char f[32];
    snprintf(f, sizeof f, "base%d", i);
    bench_file(f, "big", base_ms[i]);
    CHECK_INT(test_podium(&out, &err, "ingest --task t --role baseline %s", f), 0);
    snprintf(f, sizeof f, "fast%d", i);
    bench_file(f, "small", fast_ms[i]);
    CHECK_INT(test_podium(&out, &err, "ingest --task t --role optimized %s", f), 0);
  }
  CHECK_INT(test_podium(&out, &err, "compare big small --json"), 0);
  cJSON *j = cJSON_Parse(out.data);
  const cJSON *r = row_at(j, "inference_time", 128);
  CHECK(r != NULL);
  if (r) {
    const cJSON *b = cJSON_GetObjectItem(r, "baseline");
    CHECK_INT(num(b, "n"), 3);
    CHECK_NEAR(num(b, "mean"), 0.012, 1e-12);
    CHECK_NEAR(num(b, "sd"), 0.002, 1e-12);
    CHECK_NEAR(num(b, "ci_low"), 0.007031323, 1e-9);
    CHECK_NEAR(num(b, "ci_high"), 0.016968677, 1e-9);
    CHECK_NEAR(num(r, "ratio"), 0.5, 1e-12);
    CHECK_NEAR(num(r, "interval_low"), 0.329800, 1e-6);
    CHECK_NEAR(num(r, "interval_high"), 0.758035, 1e-6);
    CHECK_STR(str(r, "verdict"), "better");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(r, "note")));
  }
  cJSON_Delete(j);
  /* the pages: one pair (three runs each), whiskers in the chart */
  CHECK_INT(test_podium(&out, &err, "render"), 0);
  pod_buf page = POD_BUF_INIT;
  char e[POD_ERRLEN];
  CHECK_INT(pod_file_read(test_path("_site/en/compare/big--small.html"), &page, e), POD_OK);
  CHECK_HAS(page.data, "[0.330, 0.758]");
  CHECK_HAS(page.data, "n=3</bdi>, <bdi>95% CI 7.03");
  CHECK_HAS(page.data, "class=\"whisker");
  CHECK_INT(pod_file_read(test_path("_site/en/index.html"), &page, e), POD_OK);
  CHECK_HAS(page.data, "compare/big--small.html");
  pod_buf_free(&page);
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* 10, 12, 14 ms against 11, 12, 13 ms: ratio 1, interval holds 1. */
static void test_compare_a_tie_is_within_noise(void) {
  static const double same[3] = {0.011, 0.012, 0.013};
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  for (int i = 0; i < 3; i++) {
    char f[32];
    snprintf(f, sizeof f, "a%d", i);
    bench_file(f, "a", base_ms[i]);
    CHECK_INT(test_podium(&out, &err, "ingest --task t %s", f), 0);
    snprintf(f, sizeof f, "b%d", i);
    bench_file(f, "b", same[i]);
    CHECK_INT(test_podium(&out, &err, "ingest --task t %s", f), 0);
  }
  CHECK_INT(test_podium(&out, &err, "compare a b --json"), 0);
  cJSON *j = cJSON_Parse(out.data);
  const cJSON *r = row_at(j, "inference_time", 128);
  CHECK(r && !strcmp(str(r, "verdict"), "within noise"));
  CHECK(r && num(r, "interval_low") < 1 && num(r, "interval_high") > 1);
  CHECK_NEAR(r ? num(r, "ratio") : 0, 1.0, 1e-12);
  cJSON_Delete(j);
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* The same models on a V100 and on an A100: every row says so, and
** --strict refuses. */
static void test_compare_flags_cross_hardware_and_strict_refuses(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, env = POD_BUF_INIT;
  char e[POD_ERRLEN];
  char *a100;
  bench_file("v100", "bert-base-uncased", 0.018);
  bench_file("a100", "distilbert-base-uncased", 0.009);
  CHECK_INT(pod_file_read("examples/bert-base/env_info_1700000000.csv", &env, e), POD_OK);
  test_write(test_path("v100/env_info_1700000000.csv"), env.data, env.len);
  a100 = strstr(env.data, "Tesla V100-SXM2-16GB");
  CHECK(a100 != NULL);
  if (a100) memcpy(a100, "NVIDIA A100-SXM4-40G", 20);
  test_write(test_path("a100/env_info_1700000000.csv"), env.data, env.len);
  CHECK_INT(test_podium(&out, &err, "ingest --task t v100 a100"), 0);
  CHECK_INT(test_podium(&out, &err, "compare bert-base-uncased distilbert-base-uncased --json"), 0);
  cJSON *j = cJSON_Parse(out.data);
  const cJSON *r = row_at(j, "inference_time", 128);
  const char *w = r ? cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "warnings"), 0)) : NULL;
  CHECK_STR(w, "GPU differs: Tesla V100-SXM2-16GB (baseline) vs NVIDIA A100-SXM4-40G (optimized)");
  cJSON_Delete(j);
  CHECK_INT(test_podium(&out, &err, "compare bert-base-uncased distilbert-base-uncased --md"), 0);
  CHECK_HAS(out.data, "**Not like for like** (rows marked [n]):");
  CHECK_HAS(out.data, "1. GPU differs: Tesla V100-SXM2-16GB (baseline) vs NVIDIA A100-SXM4-40G (optimized)");
  CHECK_HAS(out.data, "better [1] |");
  CHECK_INT(test_podium(&out, &err, "compare bert-base-uncased distilbert-base-uncased"), 0);
  CHECK_HAS(out.data, "warning [1]: GPU differs");
  CHECK_HAS(out.data, "better [1]\n");
  CHECK_INT(test_podium(&out, &err, "compare bert-base-uncased distilbert-base-uncased --strict"), 1);
  CHECK_HAS(err.data, "--strict: not like for like: GPU differs");
  CHECK_STR(out.data, "");
  /* a second baseline run on the A100: the baseline's repeats pool two
  ** machines, and that is said too */
  bench_file("a100b", "bert-base-uncased", 0.017);
  /* the same machine, another file (the same bytes would be skipped) */
  pod_buf_adds(&env, "\n");
  test_write(test_path("a100b/env_info_1700000000.csv"), env.data, env.len);
  CHECK_INT(test_podium(&out, &err, "ingest --task t a100b"), 0);
  CHECK_INT(test_podium(&out, &err, "compare bert-base-uncased distilbert-base-uncased"), 0);
  CHECK_HAS(out.data, "]: baseline pools runs from 2 environments");
  /* a run that describes no machine is no environment: nothing pooled */
  CHECK_HAS(out.data, "(n=2)");
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&env);
}

/* --json, --md and the page show the same figures. */
static void test_compare_json_md_and_page_agree(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, page = POD_BUF_INIT,
          md = POD_BUF_INIT, file = POD_BUF_INIT;
  char e[POD_ERRLEN], want[64];
  const cJSON *r;
  CHECK_INT(test_demo_bench(&out, &err, ""), 0);
  CHECK_INT(test_podium(&out, &err, "render"), 0);
  CHECK_INT(pod_file_read(test_path("_site/en/compare/bert-base-uncased--distilbert-base-uncased.html"), &page, e), POD_OK);
  CHECK_INT(test_podium(&md, &err, "compare 1 2 --md"), 0);
  CHECK_HAS(md.data, "| inference\\_time | batch 8, seq 128 | 18.0 ms (n=1) | 9.00 ms (n=1) | 0.500 | -50.0 % | 2.00x | n = 1: no interval | better | 1 vs 2 |");
  CHECK_INT(pod_file_read(test_path("_site/reports/compare-bert-base-uncased--distilbert-base-uncased.md"), &file, e), POD_OK);
  CHECK_STR(file.data, md.data);
  CHECK_INT(test_podium(&out, &err, "compare 1 2 --json"), 0);
  cJSON *j = cJSON_Parse(out.data);
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "rows")) {
    snprintf(want, sizeof want, ">%+.1f %%</bdi>", num(r, "change_pct"));
    CHECK_HAS(page.data, want);
    snprintf(want, sizeof want, "| %.3f |", num(r, "ratio"));
    CHECK_HAS(md.data, want);
  }
  cJSON_Delete(j);
  CHECK_HAS(page.data, "2.00x");
  CHECK_HAS(page.data, "href=\"../../en/runs/1.html\"");
  CHECK_HAS(page.data, "href=\"../../en/runs/2.html\"");
  CHECK_HAS(page.data, "<svg");
  CHECK_INT(pod_file_read(test_path("_site/en/index.html"), &page, e), POD_OK);
  CHECK_HAS(page.data, "compare/bert-base-uncased--distilbert-base-uncased.html");
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&page);
  pod_buf_free(&md);
  pod_buf_free(&file);
}

/* Pages: the same two models in two tasks are one page with a section
** per task (never pooled); a task where the two have nothing in common
** gets no section. */
static void test_compare_pages_pair_each_scope_and_skip_empty_pairs(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, page = POD_BUF_INIT;
  char e[POD_ERRLEN];
  bench_file("t1b", "big", 0.02);
  bench_file("t1o", "small", 0.01);
  bench_file("t2b", "big", 0.044);   /* files differ: same bytes are skipped */
  bench_file("t2o", "small", 0.011);
  bench_file("t3b", "big", 0.02);   /* then only memory in t3b: */
  CHECK(remove(test_path("t3b/inference_time_1700000000.csv")) == 0);
  test_write(test_path("t3b/inference_memory_1700000000.csv"),
             "model,batch_size,sequence_length,result\nbig,8,128,100\n", (size_t)-1);
  bench_file("t3o", "small", 0.012);
  CHECK_INT(test_podium(&out, &err, "ingest --task t1 --role baseline t1b"), 0);
  CHECK_INT(test_podium(&out, &err, "ingest --task t1 --role optimized t1o"), 0);
  CHECK_INT(test_podium(&out, &err, "ingest --task t2 --role baseline t2b"), 0);
  CHECK_INT(test_podium(&out, &err, "ingest --task t2 --role optimized t2o"), 0);
  CHECK_INT(test_podium(&out, &err, "ingest --task t3 --role baseline t3b"), 0);
  CHECK_INT(test_podium(&out, &err, "ingest --task t3 --role optimized t3o"), 0);
  CHECK_INT(test_podium(&out, &err, "render"), 0);
  CHECK_INT(pod_file_read(test_path("_site/en/compare/big--small.html"), &page, e), POD_OK);
  CHECK_HAS(page.data, "2.00x");
  CHECK_HAS(page.data, "4.00x");
  CHECK_HAS(page.data, "<section id=\"t1\">");
  CHECK_HAS(page.data, "<section id=\"t2\">");
  CHECK_LACKS(page.data, "<section id=\"t3\">");
  CHECK(strstr(page.data, "2.00x") < strstr(page.data, "<section id=\"t2\">"));
  CHECK(pod_exists(test_path("_site/reports/compare-big--small.md")));
  CHECK(!pod_exists(test_path("_site/en/compare/big--small~2.html")));
  CHECK_INT(pod_file_read(test_path("_site/en/index.html"), &page, e), POD_OK);
  CHECK_LACKS(page.data, "small~2");
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&page);
}

/* ---- the project file's pairs and the links of compare pages ------- */

static void write_project(const char *json) {
  test_write(test_path("podium.project.json"), json, (size_t)-1);
}

/* The project file's pairs get pages beside the automatic ones; a pair
** naming no run is an error naming the file. */
static void test_compare_project_pairs_get_pages(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, page = POD_BUF_INIT;
  char e[POD_ERRLEN];
  CHECK_INT(test_demo_bench(&out, &err, "--db t.db"), 0);
  write_project("{\"pairs\": [{\"baseline\": \"distilbert-base-uncased\", "
                "\"optimized\": \"bert-base-uncased\"}]}");
  CHECK_INT(test_podium(&out, &err, "--db t.db render --lang en"), 0);
  CHECK_INT(pod_file_read(test_path("_site/en/compare/distilbert-base-uncased--bert-base-uncased.html"), &page, e), POD_OK);
  CHECK_HAS(page.data, "0.50x");
  CHECK(pod_exists(test_path("_site/reports/compare-distilbert-base-uncased--bert-base-uncased.md")));
  CHECK(pod_exists(test_path("_site/en/compare/bert-base-uncased--distilbert-base-uncased.html")));
  CHECK_INT(pod_file_read(test_path("_site/en/index.html"), &page, e), POD_OK);
  CHECK_HAS(page.data, "compare/distilbert-base-uncased--bert-base-uncased.html");
  write_project("{\"pairs\": [{\"baseline\": \"bert-base-uncased\", "
                "\"optimized\": \"nosuch\"}]}");
  CHECK_INT(test_podium(&out, &err, "--db t.db render --lang en"), 1);
  CHECK_HAS(err.data, "podium.project.json: pairs[0]: optimized \"nosuch\" names no run");
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&page);
}

/* Every number a comparison page shows for a side (mean, sd, n, interval,
** method) sits inside one link to the run page holding its provenance,
** and that page names the source file and line. */
static void test_compare_numbers_link_to_run_pages(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, page = POD_BUF_INIT,
          run = POD_BUF_INIT;
  char e[POD_ERRLEN];
  int cells = 0;
  CHECK_INT(test_demo_bench(&out, &err, "--db t.db"), 0);
  CHECK_INT(test_podium(&out, &err, "--db t.db render --lang en"), 0);
  CHECK_INT(pod_file_read(test_path("_site/en/compare/bert-base-uncased--distilbert-base-uncased.html"), &page, e), POD_OK);
  const char *body = strstr(page.data, "<tbody>");
  CHECK(body != NULL);
  const char *body_end = body ? strstr(body, "</tbody>") : NULL;
  for (const char *p = body; p && (p = strstr(p, "<th scope=\"row\">")) &&
                             p < body_end; p += 8) {
    /* the first two cells after the metric are the two sides */
    const char *c = p;
    for (int k = 0; k < 2 && c; k++) {
      c = strstr(c + 1, "<td");
      if (!c) continue;
      const char *end = strstr(c, "</td>");
      const char *gt = strchr(c, '>');
      CHECK(end && gt && !strncmp(gt + 1, "<a href=\"", 9));
      CHECK(end && !strncmp(end - 4, "</a>", 4));
      if (!end || !gt || strncmp(gt + 1, "<a href=\"", 9)) continue;
      char href[256], path[512];
      size_t n = strcspn(gt + 10, "\"");
      snprintf(href, sizeof href, "%.*s", (int)n, gt + 10);
      snprintf(path, sizeof path, "_site/en/compare/%s", href);
      CHECK_INT(pod_file_read(test_path(path), &run, e), POD_OK);
      CHECK_HAS(run.data, "inference_");   /* the source file, with line */
      CHECK_HAS(run.data, ".csv:");
      cells++;
    }
  }
  CHECK(cells >= 4);
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&page);
  pod_buf_free(&run);
}

const test_case tests_compare[] = {
  {"compare_a_rounding_apart_is_the_same", test_compare_a_rounding_apart_is_the_same},
  {"compare_overfit_finds_best_epoch_gap_and_onset", test_compare_overfit_finds_best_epoch_gap_and_onset},
  {"compare_overfit_helper_reports_to_templates", test_compare_overfit_helper_reports_to_templates},
  {"compare_pareto_page_marks_the_front", test_compare_pareto_page_marks_the_front},
  {"compare_pages_pair_each_scope_and_skip_empty_pairs", test_compare_pages_pair_each_scope_and_skip_empty_pairs},
  {"compare_t_quantiles_follow_the_nist_table", test_compare_t_quantiles_follow_the_nist_table},
  {"compare_repeats_give_mean_sd_and_student_interval", test_compare_repeats_give_mean_sd_and_student_interval},
  {"compare_difference_interval_is_welch", test_compare_difference_interval_is_welch},
  {"compare_engine_pairs_axes_both_have_and_gives_pp", test_compare_engine_pairs_axes_both_have_and_gives_pp},
  {"compare_examples_give_the_docs_speedup", test_compare_examples_give_the_docs_speedup},
  {"compare_exit_codes", test_compare_exit_codes},
  {"compare_repeats_from_three_runs_a_side", test_compare_repeats_from_three_runs_a_side},
  {"compare_a_tie_is_within_noise", test_compare_a_tie_is_within_noise},
  {"compare_flags_cross_hardware_and_strict_refuses", test_compare_flags_cross_hardware_and_strict_refuses},
  {"compare_json_md_and_page_agree", test_compare_json_md_and_page_agree},
  {"compare_project_pairs_get_pages", test_compare_project_pairs_get_pages},
  {"compare_numbers_link_to_run_pages", test_compare_numbers_link_to_run_pages},
  {NULL, NULL},
};
