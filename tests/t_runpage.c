/*
** tests/t_runpage.c -- a run's page as readers get it whatever the run
** holds: a long, wide training log bounded (rows, curves, points, said
** with a link to the download), a page over the sandbox's memory falling
** back to a short page, the overfitting verdict only for losses and
** scores and judged on every point.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "render/render.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

/* A runtime that grows after the best epoch is no overfitting. */
static void test_render_overfit_verdict_only_for_losses_and_scores(void) {
  static const char data[] =
      "{\"epoch\": 4.0, \"global_step\": 40, \"log_history\": [\n"
      "{\"epoch\": 1.0, \"loss\": 0.9, \"step\": 10},\n"
      "{\"epoch\": 1.0, \"eval_loss\": 0.8, \"eval_runtime\": 9.0, \"eval_samples_per_second\": 50.0, \"step\": 10},\n"
      "{\"epoch\": 2.0, \"loss\": 0.6, \"step\": 20},\n"
      "{\"epoch\": 2.0, \"eval_loss\": 0.5, \"eval_runtime\": 8.0, \"eval_samples_per_second\": 60.0, \"step\": 20},\n"
      "{\"epoch\": 3.0, \"loss\": 0.4, \"step\": 30},\n"
      "{\"epoch\": 3.0, \"eval_loss\": 0.6, \"eval_runtime\": 12.0, \"eval_samples_per_second\": 40.0, \"step\": 30},\n"
      "{\"epoch\": 4.0, \"loss\": 0.3, \"step\": 40},\n"
      "{\"epoch\": 4.0, \"eval_loss\": 0.7, \"eval_runtime\": 13.0, \"eval_samples_per_second\": 30.0, \"step\": 40}\n"
      "]}\n";
  pod_buf out = POD_BUF_INIT, e = POD_BUF_INIT, page = POD_BUF_INIT;
  char err[POD_ERRLEN];
  pod_mkdirs(test_path("t5"), err);
  test_write(test_path("t5/trainer_state.json"), data, sizeof data - 1);
  CHECK_INT(test_podium(&out, &e, "ingest --quiet t5"), 0);
  CHECK_INT(test_podium(&out, &e, "render --lang en"), 0);
  test_read_site("en/runs/1.html", &page);
  const char *loss = strstr(page.data ? page.data : "", "<figcaption>loss per epoch");
  const char *rt = strstr(page.data ? page.data : "", "<figcaption>runtime per epoch");
  const char *sps = strstr(page.data ? page.data : "", "<figcaption>samples_per_second per epoch");
  CHECK(loss && rt && sps);
  if (loss && rt && sps) {
    const char *after_loss = strstr(loss + 1, "<figcaption>");
    CHECK(after_loss != NULL);
    CHECK(strstr(loss, "validation worsens") && strstr(loss, "validation worsens") < after_loss);
    /* runtime and samples/s: no best epoch, no shading, no verdict */
    const char *from = rt < sps ? rt : sps;
    const char *end = strstr(from, "<h2>");
    pod_buf part = POD_BUF_INIT;
    pod_buf_add(&part, from, end ? (size_t)(end - from) : strlen(from));
    CHECK_LACKS(part.data, "validation worsens");
    CHECK_LACKS(part.data, "best epoch");
    CHECK_LACKS(part.data, "class=\"overfit\"");
    pod_buf_free(&part);
  }
  pod_buf_free(&out);
  pod_buf_free(&e);
  pod_buf_free(&page);
}

/* A long, wide training log (a Keras log of 31 columns over 1,500
** epochs: 46,500 values, 16 curves) renders: its page lists every result and the
** first curve points up to 1,000 rows, draws 12 curves (loss first) of
** at most 250 points a series, says so with a link to the download, and
** stays under 1 MB; the render's memory stays bounded. */
static void test_render_run_page_of_a_long_wide_log_is_bounded(void) {
  pod_buf log = POD_BUF_INIT, out = POD_BUF_INIT, e = POD_BUF_INIT,
          page = POD_BUF_INIT;
  char err[POD_ERRLEN];
  pod_buf_adds(&log, "epoch");
  for (int m = 0; m < 15; m++) pod_buf_printf(&log, ",m%02d", m);
  pod_buf_adds(&log, ",loss");
  for (int m = 0; m < 14; m++) pod_buf_printf(&log, ",val_m%02d", m);
  pod_buf_adds(&log, ",val_loss\n");
  for (int ep = 0; ep < 1500; ep++) {
    pod_buf_printf(&log, "%d", ep);
    for (int c = 0; c < 31; c++)
      pod_buf_printf(&log, ",%.4f", 1.0 / (1 + ep + c));
    pod_buf_addc(&log, '\n');
  }
  pod_mkdirs(test_path("wide"), err);
  test_write(test_path("wide/training.log"), log.data, log.len);
  CHECK_INT(test_podium(&out, &e, "ingest --quiet --model wide wide"), 0);
  CHECK_INT(test_podium(&out, &e, "render --lang en,fa"), 0);
  test_read_site("en/runs/1.html", &page);
  CHECK(page.len > 0 && page.len < 1000000);
  CHECK_HAS(page.data, "12 of 16 curves are drawn here, loss and quality "
            "metrics first; every value is in the downloads: <a href=\"../../"
            "data/measurements.csv\"><code>measurements.csv</code></a>");
  CHECK_HAS(page.data, "1,000 of 46,501 measurements are listed here: every "
            "result, then the curve points in order");
  CHECK_HAS(page.data, "<figcaption>loss per epoch");
  /* the table: its 1,000 rows, of which the loss at its best epoch */
  const char *t = strstr(page.data ? page.data : "", "<h2>Measurements</h2>");
  long rows = 0;
  for (const char *r = t; r && (r = strstr(r + 1, "<tr>")) &&
       r < strstr(t, "<h2>Sources"); )
    rows++;
  CHECK_INT(rows, 1001);   /* and its header row */
  test_read_site("fa/runs/1.html", &page);
  CHECK(page.len > 0 && page.len < 1000000);
  pod_buf_free(&log);
  pod_buf_free(&out);
  pod_buf_free(&e);
  pod_buf_free(&page);
}

/* A run page over the memory a page may use (here a sandbox of 2 MB and
** 300 values written with 8,000 digits each) is the short page that says so, linking the
** download; the other pages and the render go on. Without the protected
** call, Lua aborted the process. */
static void test_render_run_page_over_the_memory_limit_falls_back(void) {
  pod_buf csv = POD_BUF_INIT, page = POD_BUF_INIT, out = POD_BUF_INIT,
          e = POD_BUF_INIT;
  char err[POD_ERRLEN];
  render_opts o = {0};
  render_stats st;
  pod_buf_adds(&csv, "model,batch_size,sequence_length,result\n");
  for (int i = 0; i < 300; i++) {   /* 0.0100...001: 8,000 digits a cell */
    pod_buf_printf(&csv, "m,%d,128,0.01", i + 1);
    for (int k = 0; k < 8000; k++) pod_buf_addc(&csv, '0');
    pod_buf_adds(&csv, "1\n");
  }
  pod_buf_adds(&csv, "small,8,128,0.02\n");
  test_write(test_path("inference_time_1700000000.csv"), csv.data, csv.len);
  CHECK_INT(test_podium(&out, &e, "--db t.db ingest --quiet --run big "
                        "--model big inference_time_1700000000.csv"), 0);
  store_db *db = NULL;
  CHECK_RC(store_open_read(test_path("t.db"), &db, err), POD_OK, err);
  o.out_dir = test_path("_site");
  o.share_dir = test_root();
  o.db_path = test_path("t.db");
  o.langs = "en,fa";
  o.template_memory = 2u << 20;
  o.jobs = 1;
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  store_close(db);
  test_read_site("en/runs/1.html", &page);
  CHECK_HAS(page.data, "This run&#39;s page is too large to show");
  CHECK_HAS(page.data, "data/measurements.csv");
  test_read_site("fa/runs/1.html", &page);
  CHECK_HAS(page.data, "measurements.csv");
  test_read_site("en/index.html", &page);
  CHECK(page.len > 0);
  pod_buf_free(&csv);
  pod_buf_free(&page);
  pod_buf_free(&out);
  pod_buf_free(&e);
}

const test_case tests_runpage[] = {
  {"render_overfit_verdict_only_for_losses_and_scores", test_render_overfit_verdict_only_for_losses_and_scores},
  {"render_run_page_of_a_long_wide_log_is_bounded", test_render_run_page_of_a_long_wide_log_is_bounded},
  {"render_run_page_over_the_memory_limit_falls_back", test_render_run_page_over_the_memory_limit_falls_back},
  {NULL, NULL}
};
