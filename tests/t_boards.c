/*
** tests/t_boards.c -- primary rankings (issue #5): each scope ranked by
** its primary metric (project file, else the default rule) with the
** runs' time, memory, energy and emissions beside it, on the board page,
** the overview, the report and the downloads; and the sortable tables
** (issue #6): data-v on cells, site/sort.js linked and copied, and (when
** chromium is installed) a click that sorts in a real browser.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "core/project.h"
#include "render/render.h"
#include "render/render_int.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* sst2: runs a, b (tied on accuracy) and c; a has its time at the
** accuracy's point and an energy and emissions total; c a time; f1 on
** a and c. */
static store_db *sst2_registry(void) {
  char err[POD_ERRLEN];
  store_db *db = NULL;
  store_source src = {"r.csv", "abc", "generic", NULL, 10};
  int64_t sid, acc, f1, time, energy, co2, run[3];
  static const char *const models[] = {"model-a", "model-b", "model-c"};
  static const double accuracy[] = {0.91, 0.91, 0.85}, f1s[] = {0.5, 0, 0.7};
  if (store_open(test_path("b.db"), &db, err))
    test_fail(__FILE__, __LINE__, "%s", err);
  store_begin(db, err);
  store_source_add(db, &src, &sid, err);
  store_metric_id(db, "accuracy", "", STORE_HIGHER_BETTER, &acc, err);
  store_metric_id(db, "f1", "", STORE_HIGHER_BETTER, &f1, err);
  store_metric_id(db, "inference_time", "s", STORE_LOWER_BETTER, &time, err);
  store_metric_id(db, "energy_consumed", "kWh", STORE_LOWER_BETTER, &energy, err);
  store_metric_id(db, "emissions", "kg", STORE_LOWER_BETTER, &co2, err);
  for (int i = 0; i < 3; i++) {
    store_run_new r = {0};
    store_measurement m;
    r.model = models[i];
    r.dataset = "sst2";
    store_run_add(db, &r, &run[i], err);
    store_measurement_init(&m);
    m.run_id = run[i];
    m.source_id = sid;
    m.line = i + 2;
    m.metric_id = acc;
    m.value = accuracy[i];
    store_measurement_add(db, &m, err);
    if (f1s[i] > 0) {
      m.metric_id = f1;
      m.value = f1s[i];
      store_measurement_add(db, &m, err);
    }
  }
  store_measurement m;
  store_measurement_init(&m);
  m.source_id = sid;
  m.line = 9;
  m.run_id = run[0];
  m.metric_id = time;
  m.value = 0.0125;
  store_measurement_add(db, &m, err);
  m.metric_id = energy;
  m.value = 0.0042;
  store_measurement_add(db, &m, err);
  m.metric_id = co2;
  m.value = 0.0016;
  store_measurement_add(db, &m, err);
  m.run_id = run[2];
  m.metric_id = time;
  m.value = 0.004;
  store_measurement_add(db, &m, err);
  if (store_commit(db, err)) test_fail(__FILE__, __LINE__, "%s", err);
  return db;
}

static int render_with(store_db *db, const pod_project *p, char err[POD_ERRLEN]) {
  render_opts o = {0};
  render_stats st;
  o.out_dir = test_path("_site");
  o.share_dir = test_root();
  o.db_path = test_path("b.db");
  o.langs = "en,fa";
  o.project = p;
  return render_site(db, &o, &st, err);
}

static const char *page(const char *rel) {
  static pod_buf b = POD_BUF_INIT;
  char err[POD_ERRLEN];
  pod_buf_clear(&b);
  if (pod_file_read(test_path(rel), &b, err)) {
    test_fail(__FILE__, __LINE__, "%s", err);
    return "";
  }
  return pod_buf_str(&b);
}

/* The rank cells of a page, in order: "1,1,3,". */
static void ranks_of(const char *html, pod_buf *out) {
  pod_buf_clear(out);
  pod_buf_adds(out, "");
  for (const char *p = html; (p = strstr(p, "<td class=\"num\" data-v=\"")); ) {
    const char *row = p;
    while (row > html && strncmp(row, "<tr", 3)) row--;
    p += 24;
    if (strncmp(row, "<tr", 3) || strstr(row, "<td") != p - 24) continue;
    pod_buf_printf(out, "%.*s,", (int)strcspn(p, "\""), p);
  }
}

static void test_boards_default_primary_is_accuracy_with_cost_columns(void) {
  char err[POD_ERRLEN];
  pod_buf ranks = POD_BUF_INIT;
  store_db *db = sst2_registry();
  CHECK_RC(render_with(db, NULL, err), POD_OK, err);
  const char *html = page("_site/en/leaderboards/sst2--accuracy.html");
  /* higher is better, ties share a rank: 1, 1, 3 */
  ranks_of(html, &ranks);
  CHECK_STR(ranks.data, "1,1,3,");
  CHECK_HAS(html, "This is the primary ranking");
  CHECK_HAS(html, "<th scope=\"col\" class=\"num cost\">Inference time</th>");
  CHECK_HAS(html, "<th scope=\"col\" class=\"num cost\">Energy</th>");
  CHECK_HAS(html, "<th scope=\"col\" class=\"num cost\">CO₂eq emitted</th>");
  CHECK_LACKS(html, "Training time");            /* no run has one */
  CHECK_HAS(html, "data-v=\"0.0125\"><bdi>12.5\xc2\xa0ms</bdi>");
  CHECK_HAS(html, "data-v=\"0.0042\"><bdi>4.20\xc2\xa0Wh</bdi>");
  CHECK_HAS(html, "data-v=\"0.0016\"><bdi>1.60\xc2\xa0g</bdi>");
  CHECK_HAS(html, "<td class=\"num cost\"></td>");   /* b has no time */
  /* a board that is not primary keeps its plain columns */
  html = page("_site/en/leaderboards/sst2--f1.html");
  CHECK_LACKS(html, "num cost");
  CHECK_LACKS(html, "primary ranking");
  /* the overview ranks each scope by its primary metric */
  html = page("_site/en/index.html");
  CHECK_HAS(html, "<h2 id=\"rankings\">Rankings</h2>");
  CHECK_HAS(html, "ranked by \xe2\x81\xa8" "accuracy\xe2\x81\xa9 · higher is better");
  CHECK_HAS(html, "<th scope=\"col\" class=\"num cost\">Energy</th>");
  /* Persian digits on the page, ASCII in data-v */
  html = page("_site/fa/leaderboards/sst2--accuracy.html");
  CHECK_HAS(html, "data-v=\"0.0125\"><bdi>\xdb\xb1\xdb\xb2\xd9\xab\xdb\xb5");
  /* the downloads and the report of the primary board */
  html = page("_site/data/leaderboards/sst2--accuracy.csv");
  CHECK_HAS(html, ",value,n,method,inference_time,train_time,inference_memory,"
            "train_memory,energy_consumed,emissions\r\n");
  CHECK_HAS(html, "1,1,,model-a,,,,,,,0.91000000000000003,1,,0.012500000000000001,,,,"
            "0.0041999999999999997,0.0016000000000000001\r\n");
  cJSON *rows = cJSON_Parse(page("_site/data/leaderboards/sst2--accuracy.json"));
  CHECK_INT(cJSON_GetArraySize(rows), 3);
  CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 0), "energy_consumed")) == 0.0042);
  CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 1), "energy_consumed")));
  cJSON_Delete(rows);
  html = page("_site/data/leaderboards/sst2--f1.csv");
  CHECK_LACKS(html, "energy_consumed");
  html = page("_site/reports/sst2--accuracy.md");
  CHECK_HAS(html, "| Rank | Model | Variant | Role | accuracy | n | Run | "
            "inference\\_time | energy\\_consumed | emissions |\n"
            "|---:|---|---|---|---:|---:|---:|---:|---:|---:|\n");
  CHECK_HAS(html, "| 1 | model-a | - | - | 0.91 | 1 | 1 | 12.5 ms | 4.20 Wh | 1.60 g |\n");
  CHECK_HAS(html, "| 1 | model-b | - | - | 0.91 | 1 | 2 |  |  |  |\n");
  CHECK_HAS(html, "| 3 | model-c | - | - | 0.85 | 1 | 3 | 4.00 ms |  |  |\n");
  pod_buf_free(&ranks);
  store_close(db);
}

static void test_boards_project_file_picks_the_primary_metric(void) {
  char err[POD_ERRLEN];
  pod_project p;
  pod_buf out = POD_BUF_INIT;
  store_db *db = sst2_registry();
  test_write(test_path("podium.project.json"),
             "{\"primary_metrics\": {\"sst2\": \"f1\", \"*\": \"accuracy\"}}",
             (size_t)-1);
  CHECK_RC(pod_project_load(test_path("podium.project.json"), &p, err), POD_OK, err);
  CHECK_RC(render_with(db, &p, err), POD_OK, err);
  const char *html = page("_site/en/leaderboards/sst2--f1.html");
  CHECK_HAS(html, "This is the primary ranking");
  CHECK_HAS(html, "<th scope=\"col\" class=\"num cost\">Energy</th>");
  CHECK_LACKS(page("_site/en/leaderboards/sst2--accuracy.html"), "num cost");
  CHECK_HAS(page("_site/en/index.html"), "ranked by \xe2\x81\xa8" "f1\xe2\x81\xa9");
  /* podium report reads the same project file (beside the registry) */
  CHECK_RC(render_report(db, &p, "sst2--f1", &out, err), POD_OK, err);
  CHECK_HAS(out.data, "The primary ranking of sst2");
  CHECK_HAS(out.data, "| 1 | model-c | - | - | 0.70 | 1 | 3 | 4.00 ms |  |  |");
  pod_project_free(&p);
  /* a metric named for one scope must exist there: a typo is an error */
  test_write(test_path("podium.project.json"),
             "{\"primary_metrics\": {\"sst2\": \"acuracy\"}}", (size_t)-1);
  CHECK_RC(pod_project_load(test_path("podium.project.json"), &p, err), POD_OK, err);
  CHECK_INT(render_with(db, &p, err), POD_EINPUT);
  CHECK_HAS(err, "podium.project.json: primary_metrics: \"sst2\" has no "
            "leaderboard of \"acuracy\", expected one of: accuracy, "
            "emissions, energy_consumed, f1, inference_time");
  pod_project_free(&p);
  /* "*" naming what a scope lacks falls back to the default there */
  test_write(test_path("podium.project.json"),
             "{\"primary_metrics\": {\"*\": \"bleu\"}}", (size_t)-1);
  CHECK_RC(pod_project_load(test_path("podium.project.json"), &p, err), POD_OK, err);
  CHECK_RC(render_with(db, &p, err), POD_OK, err);
  CHECK_HAS(page("_site/en/leaderboards/sst2--accuracy.html"), "This is the primary ranking");
  pod_project_free(&p);
  pod_buf_free(&out);
  store_close(db);
}

/* Without accuracy the first time metric leads (the demo's boards). */
static void test_boards_default_primary_without_accuracy_is_a_time(void) {
  pod_buf out = POD_BUF_INIT, e = POD_BUF_INIT;
  CHECK_INT(test_demo_bench(&out, &e, ""), 0);
  CHECK_INT(test_podium(&out, &e, "render --lang en"), 0);
  CHECK_HAS(page("_site/en/leaderboards/text-classification--inference_time.html"),
            "<th scope=\"col\" class=\"num cost\">Inference memory</th>");
  CHECK_LACKS(page("_site/en/leaderboards/text-classification--inference_memory.html"),
              "num cost");
  CHECK_INT(test_podium(&out, &e, "report text-classification--inference_time"), 0);
  CHECK_HAS(out.data, "| Run | inference\\_memory |");
  pod_buf_free(&out);
  pod_buf_free(&e);
}

/* ---- sortable tables -------------------------------------------------- */

static void test_boards_tables_are_sortable_without_breaking_plain_html(void) {
  char err[POD_ERRLEN];
  store_db *db = sst2_registry();
  CHECK_RC(render_with(db, NULL, err), POD_OK, err);
  const char *html = page("_site/fa/leaderboards/sst2--accuracy.html");
  CHECK_HAS(html, "<script src=\"../../assets/sort.js\" defer></script>");
  CHECK_HAS(html, "<table class=\"board\" data-sortable>");
  /* the server's order is the rank order, and says so */
  CHECK_HAS(html, "<th scope=\"col\" class=\"num\" aria-sort=\"ascending\">");
  CHECK_HAS(html, "<td class=\"num\" data-v=\"0.91\">");
  CHECK_LACKS(html, "<button");          /* buttons come with the script */
  CHECK(pod_exists(test_path("_site/assets/sort.js")));
  CHECK_HAS(page("_site/en/index.html"), "assets/sort.js");
  store_close(db);
}

/* In a real browser: the Persian (right-to-left)
** page, a click on the accuracy header, the rows in the new order. */
static void test_boards_sort_js_sorts_by_raw_values_in_chromium(void) {
  char err[POD_ERRLEN], cmd[8192];
  pod_buf html = POD_BUF_INIT, dom = POD_BUF_INIT;
  store_db *db;
  FILE *f;
  if (system("command -v chromium >/dev/null 2>&1") != 0) {
    test_fail(__FILE__, __LINE__, "no chromium: `make deps` installs it");
    return;
  }
  db = sst2_registry();
  CHECK_RC(render_with(db, NULL, err), POD_OK, err);
  store_close(db);
  pod_buf_adds(&html, page("_site/fa/leaderboards/sst2--accuracy.html"));
  /* after load: click accuracy (column 5: 0.85 first), then energy twice
  ** (column 9, descending: empty cells still last, in their order) */
  const char *probe =
      "<script>addEventListener('load', function () {"
      " var t = document.querySelector('table[data-sortable]');"
      " function order() { return Array.prototype.map.call(t.tBodies[0].rows,"
      "  function (r) { return r.cells[1].textContent; }).join(' '); }"
      " function click(c) { t.tHead.rows[0].cells[c].querySelector('button').click(); }"
      " var out = [];"
      " click(4); out.push(order(), t.tHead.rows[0].cells[4].getAttribute('aria-sort'),"
      "  String(t.tHead.rows[0].cells[0].hasAttribute('aria-sort')));"
      " click(8); click(8); out.push(order(), t.tHead.rows[0].cells[8].getAttribute('aria-sort'));"
      " var p = document.createElement('pre'); p.id = 'probe';"
      " p.textContent = 'RESULT ' + out.join(' | ') + ' END'; document.body.appendChild(p);"
      "});</script></body>";
  char *body = strstr(html.data, "</body>");
  CHECK(body != NULL);
  if (!body) goto done;
  *body = '\0';
  pod_buf_adds(&dom, html.data);
  pod_buf_adds(&dom, probe);
  test_write(test_path("_site/fa/leaderboards/probe.html"), dom.data, dom.len);
  pod_buf_clear(&dom);
  snprintf(cmd, sizeof cmd,
           "timeout 60 chromium --headless --no-sandbox --disable-gpu "
           "--disable-background-networking --disable-component-update "
           "--disable-sync --no-first-run --user-data-dir='%s' "
           "--virtual-time-budget=5000 --dump-dom 'file://%s' 2>/dev/null",
           test_path("chrome"), test_path("_site/fa/leaderboards/probe.html"));
  if (!(f = popen(cmd, "r"))) goto done;
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) pod_buf_add(&dom, chunk, n);
  pclose(f);
  const char *got = strstr(pod_buf_str(&dom), "<pre id=\"probe\">");
  CHECK_HAS(got ? got : "(no RESULT: did the script run?)", "RESULT model-c model-a model-b | ascending | false | "
            "model-a model-c model-b | descending END");
  /* the script turned each header into a button */
  CHECK_HAS(pod_buf_str(&dom), "<th scope=\"col\" class=\"num\"><button type=\"button\">");
done:
  pod_buf_free(&html);
  pod_buf_free(&dom);
}

/* Counts the occurrences of needle in the file at rel under the test's
** site; -1 when the file is missing. */
static int count_in(const char *rel, const char *needle) {
  pod_buf b = POD_BUF_INIT;
  char err[POD_ERRLEN];
  int n = 0;
  if (pod_file_read(test_path(rel), &b, err)) return -1;
  for (const char *p = b.data; (p = strstr(p, needle)); p += strlen(needle)) n++;
  if (b.len > (1u << 20)) n = -2;   /* over 1 MB: no list page may be */
  pod_buf_free(&b);
  return n;
}

/* Issue 17: the run list, a long leaderboard, an environment's runs and
** a study table come in pages of 1,000 rows, each under 1 MB, with first/previous/next/last links relative to
** the page (file://), in en and fa; a short list stays one page. */
static void test_boards_long_lists_come_in_pages(void) {
  pod_buf csv = POD_BUF_INIT, out = POD_BUF_INIT, e = POD_BUF_INIT;
  const char *board = "_site/%s/leaderboards/text-classification--inference_time%s.html";
  char rel[200];
  pod_buf_adds(&csv, "model,batch_size,sequence_length,result\n");
  for (int i = 1; i <= 2001; i++)
    pod_buf_printf(&csv, "model-%05d,8,128,%.4f\n", i, 0.001 * i);
  char err[POD_ERRLEN];
  CHECK_INT(pod_mkdirs(test_path("res"), err), 0);
  test_write(test_path("res/inference_time_1700000000.csv"), csv.data, csv.len);
  {  /* one machine for every run: an environment page of 2,001 runs */
    pod_buf env = POD_BUF_INIT;
    char path[4200];
    snprintf(path, sizeof path, "%s/examples/bert-base/env_info_1700000000.csv",
             test_root());
    CHECK_INT(pod_file_read(path, &env, err), 0);
    test_write(test_path("res/env_info_1700000000.csv"), env.data, env.len);
    pod_buf_free(&env);
  }
  CHECK_INT(test_podium(&out, &e, "ingest --quiet --task text-classification res"), 0);
  CHECK_INT(test_podium(&out, &e, "render --lang en,fa"), 0);
  /* runs, newest first, numbered from the oldest end (a new run changes
  ** index.html only until it fills up): index.html the newest run,
  ** index.p2.html the 1,000 before, index.p1.html the oldest 1,000 (and
  ** the header row of each) */
  CHECK_INT(count_in("_site/en/runs/index.html", "<tr>"), 2);
  CHECK_INT(count_in("_site/en/runs/index.p2.html", "<tr>"), 1001);
  CHECK_INT(count_in("_site/en/runs/index.p1.html", "<tr>"), 1001);
  CHECK_INT(count_in("_site/en/runs/index.p3.html", "<tr>"), -1);
  CHECK_INT(count_in("_site/en/runs/index.html", "href=\"../../en/runs/2001.html\""), 1);
  CHECK_INT(count_in("_site/en/runs/index.p1.html", "href=\"../../en/runs/1.html\""), 1);
  CHECK_INT(count_in("_site/en/runs/index.p1.html", "href=\"../../en/runs/1000.html\""), 1);
  CHECK_INT(count_in("_site/en/runs/index.html", "rel=\"prev\""), 0);
  CHECK_INT(count_in("_site/en/runs/index.html",
                     "<span>Page 1 of 3</span> "
                     "<a href=\"../../en/runs/index.p2.html\" rel=\"next\">Next</a> "
                     "<a href=\"../../en/runs/index.p1.html\">Last</a>"), 1);
  CHECK_INT(count_in("_site/en/runs/index.p2.html",
                     "<a href=\"../../en/runs/index.html\">First</a> "
                     "<a href=\"../../en/runs/index.html\" rel=\"prev\">Previous</a> "
                     "<span>Page 2 of 3</span> "
                     "<a href=\"../../en/runs/index.p1.html\" rel=\"next\">Next</a> "
                     "<a href=\"../../en/runs/index.p1.html\">Last</a>"), 1);
  CHECK_INT(count_in("_site/en/runs/index.p1.html", "rel=\"next\""), 0);
  CHECK_INT(count_in("_site/en/runs/index.p1.html",
                     "<a href=\"../../en/runs/index.p2.html\" rel=\"prev\">Previous</a> "
                     "<span>Page 3 of 3</span>"), 1);
  /* the count of runs on the newest page only: the others stay */
  CHECK_INT(count_in("_site/en/runs/index.html", "2,001 runs"), 1);
  CHECK_INT(count_in("_site/en/runs/index.p1.html", "2,001 runs"), 0);
  /* fa: its own words and digits, its own pages */
  CHECK_INT(count_in("_site/fa/runs/index.p2.html", "<span>\xd8\xb5\xd9\x81\xd8\xad\xd9\x87\xd9\x94 \xdb\xb2 \xd8\xa7\xd8\xb2 \xdb\xb3</span>"), 1);
  CHECK_INT(count_in("_site/fa/runs/index.p2.html", "href=\"../../fa/runs/index.p1.html\" rel=\"next\""), 1);
  /* the board: ranks go on across pages, every page under 1 MB */
  snprintf(rel, sizeof rel, board, "en", "");
  CHECK_INT(count_in(rel, "<tr"), 1001);
  snprintf(rel, sizeof rel, board, "en", ".p2");
  CHECK_INT(count_in(rel, "<tr"), 1001);
  CHECK_INT(count_in(rel, "data-v=\"1001\">1,001</td>"), 1);
  CHECK_INT(count_in(rel, "rel=\"prev\""), 1);
  snprintf(rel, sizeof rel, board, "fa", ".p3");
  CHECK_INT(count_in(rel, "<tr"), 2);
  CHECK_INT(count_in(rel, "rel=\"next\""), 0);
  snprintf(rel, sizeof rel, board, "fa", ".p4");
  CHECK_INT(count_in(rel, "<tr"), -1);
  /* the environment's runs and the study table, the same way */
  CHECK_INT(count_in("_site/en/envs/1.html", "<li><a href=\"../../en/runs/"), 1000);
  CHECK_INT(count_in("_site/en/envs/1.p3.html", "<li><a href=\"../../en/runs/"), 1);
  CHECK_INT(count_in("_site/fa/envs/1.p3.html", "href=\"../../fa/envs/1.p2.html\" rel=\"prev\""), 1);
  CHECK_INT(count_in("_site/en/study/text-classification.html", "<th scope=\"row\">"), 1000);
  CHECK_INT(count_in("_site/en/study/text-classification.p3.html", "<th scope=\"row\">"), 1);
  CHECK_INT(count_in("_site/fa/study/text-classification.p2.html", "href=\"../../fa/study/text-classification.p3.html\" rel=\"next\""), 1);
  /* a sortable table in pages says its sort sees one page; a list that
  ** does not sort says nothing */
  snprintf(rel, sizeof rel, board, "en", ".p2");
  CHECK_INT(count_in(rel, "Sorting a column orders the rows of this page only."), 1);
  CHECK_INT(count_in("_site/en/study/text-classification.html", "of this page only"), 1);
  CHECK_INT(count_in("_site/en/runs/index.html", "of this page only"), 0);
  /* the models: the overview lists 100 and links to the whole list */
  CHECK_INT(count_in("_site/en/index.html", "<li><a href=\"../en/models/"), 100);
  CHECK_INT(count_in("_site/en/index.html", "<a href=\"../en/models.html\">All models (2,001)</a>"), 1);
  CHECK_INT(count_in("_site/en/models.html", "<li><a href=\"../en/models/"), 1000);
  CHECK_INT(count_in("_site/en/models.html", "2,001 models"), 1);
  CHECK_INT(count_in("_site/en/models.p2.html", "2,001 models"), 0);
  CHECK_INT(count_in("_site/en/models.p3.html", "<li><a href=\"../en/models/"), 1);
  CHECK_INT(count_in("_site/en/models.p4.html", "<li>"), -1);
  CHECK_INT(count_in("_site/fa/models.p2.html", "href=\"../fa/models.p3.html\" rel=\"next\""), 1);
  pod_buf_free(&csv);
  pod_buf_free(&out);
  pod_buf_free(&e);
}

/* A large registry is rendered in bounded memory: its downloads are
** written in parts as their rows come (a 100,000-run registry's
** measurements are hundreds of MB) and only the newest boards' rows are
** kept (the others are asked again). The site is the same, byte for
** byte. */
static void test_boards_bounded_memory_renders_the_same_site(void) {
  static const char *const files[] = {"data/measurements.json",
      "data/measurements.csv", "data/runs.json", "data/runs.csv"};
  char err[POD_ERRLEN];
  store_db *db = sst2_registry();
  render_opts o = {0};
  render_stats st;
  size_t saved = render_download_part, kept = render_board_rows_kept;
  char cmd[9000];
  o.share_dir = test_root();
  o.db_path = test_path("b.db");
  o.langs = "en";
  o.out_dir = test_path("whole");
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  render_download_part = 64;   /* every few rows a part */
  render_board_rows_kept = 1;   /* only the board just asked for */
  o.out_dir = test_path("parts");
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  render_download_part = saved;
  render_board_rows_kept = kept;
  snprintf(cmd, sizeof cmd, "diff -r -x .podium-site '%s' '%s' >/dev/null",
           test_path("whole"), test_path("parts"));
  CHECK_INT(system(cmd), 0);
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    pod_buf a = POD_BUF_INIT, b = POD_BUF_INIT;
    char pa[4200], pb[4200];
    snprintf(pa, sizeof pa, "%s/%s", test_path("whole"), files[i]);
    snprintf(pb, sizeof pb, "%s/%s", test_path("parts"), files[i]);
    CHECK_RC(pod_file_read(pa, &a, err), POD_OK, err);
    CHECK_RC(pod_file_read(pb, &b, err), POD_OK, err);
    CHECK(a.len > 3 * 64);   /* it came in parts */
    if (a.len != b.len || memcmp(a.data, b.data, a.len))
      test_fail(__FILE__, __LINE__, "%s differs when written in parts", files[i]);
    pod_buf_free(&a);
    pod_buf_free(&b);
  }
  store_close(db);
}

const test_case tests_boards[] = {
  {"boards_bounded_memory_renders_the_same_site", test_boards_bounded_memory_renders_the_same_site},
  {"boards_tables_are_sortable_without_breaking_plain_html", test_boards_tables_are_sortable_without_breaking_plain_html},
  {"boards_sort_js_sorts_by_raw_values_in_chromium", test_boards_sort_js_sorts_by_raw_values_in_chromium},
  {"boards_default_primary_is_accuracy_with_cost_columns", test_boards_default_primary_is_accuracy_with_cost_columns},
  {"boards_project_file_picks_the_primary_metric", test_boards_project_file_picks_the_primary_metric},
  {"boards_default_primary_without_accuracy_is_a_time", test_boards_default_primary_without_accuracy_is_a_time},
  {"boards_long_lists_come_in_pages", test_boards_long_lists_come_in_pages},
  {NULL, NULL},
};
