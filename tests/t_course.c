/*
** tests/t_course.c -- course pages: Markdown from content/<lang>/ through
** cmark-gfm (safe mode, GFM tables), shortcodes that embed leaderboards,
** and the pages' place in the site.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "ingest/ingest.h"
#include "render/render.h"
#include "store/store.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

/* Markdown to HTML without shortcodes; the output, or the error. */
static const char *md(const char *text, int *rc) {
  static pod_buf out = POD_BUF_INIT;
  static char err[POD_ERRLEN];
  pod_buf_clear(&out);
  pod_buf_adds(&out, "");
  *rc = render_markdown("t.md", text, strlen(text), NULL, NULL, &out, NULL,
                        err);
  return *rc ? err : pod_buf_str(&out);
}

static void test_course_markdown_renders_pipe_tables(void) {
  int rc;
  const char *html = md("# T\n\n| model | time |\n|---|---:|\n| bert | 18 ms |\n"
                        "\n~~old~~ and https://example.org\n", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_HAS(html, "<table>");
  CHECK_HAS(html, "<th>model</th>");
  CHECK_HAS(html, "<td class=\"align-right\">18 ms</td>");
  CHECK_HAS(html, "<del>old</del>");
  CHECK_HAS(html, "<a href=\"https://example.org\">");
}

static void test_course_markdown_suppresses_raw_html_and_script(void) {
  int rc;
  const char *html = md("<script>alert(1)</script>\n\ntext <b onclick=\"x()\">"
                        "bold</b> <img src=x onerror=alert(1)>\n\n"
                        "<iframe src=\"https://evil.example\"></iframe>\n", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_LACKS(html, "<script");
  CHECK_LACKS(html, "onclick");
  CHECK_LACKS(html, "onerror");
  CHECK_LACKS(html, "<iframe");
  CHECK_HAS(html, "raw HTML omitted");
}

static void test_course_markdown_drops_javascript_links(void) {
  int rc;
  const char *html = md("[click](javascript:alert(1)) [also](JaVaScRiPt:x) "
                        "![i](javascript:y) <javascript:alert(2)> [ok](runs.html)\n", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_LACKS(html, "href=\"javascript");   /* the text of <javascript:..> stays */
  CHECK_LACKS(html, "href=\"JaVaScRiPt");
  CHECK_LACKS(html, "src=\"javascript");
  CHECK_HAS(html, "<a href=\"\">javascript:alert(2)</a>");
  CHECK_HAS(html, "<a href=\"\">click</a>");
  CHECK_HAS(html, "<a href=\"runs.html\">ok</a>");
}

/* ---- in the site ----------------------------------------------------- */

static const char PAGE[] =
  "# Distillation *in short*\n"
  "\n"
  "See [the board](leaderboards/text-classification--inference_time.html).\n"
  "\n"
  "{{< leaderboard text-classification--inference_time >}}\n"
  "\n"
  "| model | layers |\n|---|---:|\n| bert-base | 12 |\n";

/* content/en/<name> holds text; renders the registry with it. */
static int render_course(store_db *db, const char *name, const char *text,
                         char err[POD_ERRLEN]) {
  char path[4096];
  render_opts o = {0};
  render_stats st;
  pod_mkdirs(test_path("content/en"), err);
  snprintf(path, sizeof path, "%s/%s", test_path("content/en"), name);
  test_write(path, text, (size_t)-1);
  o.out_dir = test_path("_site");
  o.share_dir = test_root();
  o.db_path = test_path("site.db");
  o.content_dir = test_path("content");
  return render_site(db, &o, &st, err);
}

static void test_course_shortcode_expands_to_leaderboard_tables(void) {
  char err[POD_ERRLEN];
  pod_buf page = POD_BUF_INIT, board = POD_BUF_INIT;
  store_db *db = test_example_registry();
  CHECK_RC(render_course(db, "distillation.md", PAGE, err), POD_OK, err);
  CHECK_INT(pod_file_read(test_path("_site/en/distillation.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<title>Distillation in short · podium</title>");
  CHECK_HAS(page.data, "<table class=\"board\" data-sortable>");
  CHECK_HAS(page.data, "<h3>Batch size 8, sequence length 128</h3>");
  CHECK_HAS(page.data, "<a href=\"../en/runs/2.html\"><bdi>distilbert-base-uncased</bdi></a>");
  CHECK_HAS(page.data, "9.00\xc2\xa0ms");
  CHECK_HAS(page.data, "<td class=\"align-right\">12</td>");   /* the GFM table */
  CHECK_LACKS(page.data, "{{&lt;");
  /* one table markup: the leaderboard page uses the same partial */
  CHECK_INT(pod_file_read(test_path("_site/en/leaderboards/text-classification--inference_time.html"), &board, err), POD_OK);
  CHECK_HAS(board.data, "<h2>Batch size 8, sequence length 128</h2>");
  CHECK_HAS(board.data, "<table class=\"board\" data-sortable>");
  pod_buf_free(&page);
  pod_buf_free(&board);
  store_close(db);
}

static void test_course_unknown_leaderboard_fails_with_its_line(void) {
  char err[POD_ERRLEN];
  store_db *db = test_example_registry();
  CHECK_INT(render_course(db, "page.md", "# P\n\ntext\n\n{{< leaderboard nope >}}\n", err), POD_EINPUT);
  CHECK_HAS(err, "content/en/page.md:5: unknown leaderboard \"nope\"");
  CHECK_HAS(err, "text-classification--inference_time");   /* names the known */
  CHECK(!pod_exists(test_path("_site/en/page.html")));
  CHECK_INT(render_course(db, "page.md", "# P\n\n{{< compare bert-base-uncased nope >}}\n", err), POD_EINPUT);
  CHECK_HAS(err, "content/en/page.md:3: unknown run \"nope\"");
  CHECK_INT(render_course(db, "page.md", "# P\n\n\n{{< compare 77 1 >}}\n", err), POD_EINPUT);
  CHECK_HAS(err, "page.md:4: unknown run \"77\"");
  CHECK_INT(render_course(db, "page.md", "{{< compare 1 >}}\n", err), POD_EINPUT);
  CHECK_HAS(err, "page.md:1: {{< compare A B [DATASET] >}} takes two runs");
  CHECK_INT(render_course(db, "page.md", "{{< chart x >}}\n", err), POD_EINPUT);
  CHECK_HAS(err, "page.md:1: unknown shortcode \"chart\"");
  /* a shortcode inside other text is only text */
  CHECK_RC(render_course(db, "page.md", "see {{< leaderboard nope >}} here\n", err), POD_OK, err);
  store_close(db);
}

/* {{< compare A B >}} embeds the compare page's rows (issue #6). */
static void test_course_compare_shortcode_embeds_the_comparison(void) {
  char err[POD_ERRLEN];
  pod_buf page = POD_BUF_INIT, cmp = POD_BUF_INIT;
  store_db *db = test_example_registry();
  CHECK_RC(render_course(db, "c.md", "# C\n\n{{< compare bert-base-uncased "
                         "distilbert-base-uncased >}}\n\n{{< compare 1 2 "
                         "text-classification >}}\n", err), POD_OK, err);
  CHECK_INT(pod_file_read(test_path("_site/en/c.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<table class=\"compare\">");
  CHECK_HAS(page.data, "<a href=\"../en/runs/1.html\">#1</a>");
  CHECK_LACKS(page.data, "{{&lt;");
  /* the same rows as the pair's own page: each ratio there is here */
  CHECK_INT(pod_file_read(test_path("_site/en/compare/bert-base-uncased--distilbert-base-uncased.html"), &cmp, err), POD_OK);
  int rows = 0;
  for (const char *p = cmp.data; (p = strstr(p, "<td class=\"num\" data-label=\"Change\">")); p += 10) {
    char cell[128];
    const char *end = strstr(p, "</td>");
    snprintf(cell, sizeof cell, "%.*s", (int)(end - p), p);
    CHECK_HAS(page.data, cell);
    rows++;
  }
  CHECK(rows >= 8);
  pod_buf_free(&page);
  pod_buf_free(&cmp);
  store_close(db);
}

static void test_course_cli_reports_an_unknown_leaderboard(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  char err[POD_ERRLEN];
  CHECK_INT(test_demo_bench(&out, &errb, "--db r.db"), 0);
  /* no content folder: fine, no course */
  CHECK_INT(test_podium(&out, &errb, "--db r.db render"), 0);
  CHECK(pod_exists(test_path("_site/en/index.html")));
  pod_mkdirs(test_path("content/en"), err);
  test_write(test_path("content/en/page.md"), "# P\n\n{{< leaderboard x >}}\n", (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db r.db render"), 1);   /* ./content */
  CHECK_HAS(errb.data, "podium: ");
  CHECK_HAS(errb.data, "content/en/page.md:3: unknown leaderboard \"x\"");
  CHECK_INT(test_podium(&out, &errb, "--db r.db render --content nowhere"), 1);
  CHECK_HAS(errb.data, "nowhere: found no folder");
  /* not UTF-8 (Latin-1's é), a control character: refused where found */
  test_write(test_path("content/en/page.md"), "# Caf\xe9\n", (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db r.db render --content content"), 1);
  CHECK_HAS(errb.data, "content/en/page.md:1:6: found byte 0xe9 that is not UTF-8, expected UTF-8 text");
  test_write(test_path("content/en/page.md"), "# P\n\nbe\x01ll\n", (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db r.db render --content content"), 1);
  CHECK_HAS(errb.data, "content/en/page.md:3:3: found control character 0x01, expected text");
  {  /* a table row cmark-gfm cannot hold (it leaked over 65,535 cells) */
    pod_buf row = POD_BUF_INIT;
    pod_buf_adds(&row, "# P\n\n");
    for (int i = 0; i < 10001; i++) pod_buf_adds(&row, "|a");
    pod_buf_adds(&row, "|\n");
    test_write(test_path("content/en/page.md"), row.data, row.len);
    CHECK_INT(test_podium(&out, &errb, "--db r.db render --content content"), 1);
    CHECK_HAS(errb.data, "content/en/page.md:3:20001: found a table row of over 10000 cells");
    pod_buf_free(&row);
  }
  {  /* line ends of CR alone end a row too: 2,000 rows of 5 cells pass */
    pod_buf rows = POD_BUF_INIT;
    pod_buf_adds(&rows, "# P\r\r|a|b|c|d|e|\r|-|-|-|-|-|\r");
    for (int i = 0; i < 2000; i++) pod_buf_adds(&rows, "|1|2|3|4|5|\r");
    test_write(test_path("content/en/page.md"), rows.data, rows.len);
    CHECK_INT(test_podium(&out, &errb, "--db r.db render --content content"), 0);
    pod_buf_free(&rows);
  }
  test_write(test_path("content/en/page.md"), "# P\n\n{{< leaderboard text-classification--inference_memory >}}\n", (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db r.db render --content content"), 0);
  CHECK(pod_exists(test_path("_site/en/page.html")));
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

static void test_course_missing_content_is_fine(void) {
  char err[POD_ERRLEN];
  render_opts o = {0};
  render_stats st;
  store_db *db = test_example_registry();
  pod_buf page = POD_BUF_INIT;
  o.out_dir = test_path("_site");
  o.share_dir = test_root();
  o.db_path = test_path("site.db");
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);   /* no content */
  pod_mkdirs(test_path("content/fr"), err);               /* no en/ in it */
  o.content_dir = test_path("content");
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  pod_file_read(test_path("_site/en/index.html"), &page, err);
  CHECK_LACKS(page.data, "id=\"course\"");
  pod_buf_free(&page);
  store_close(db);
}

static void test_course_page_is_linked_from_the_overview(void) {
  char err[POD_ERRLEN];
  pod_buf page = POD_BUF_INIT;
  store_db *db = test_example_registry();
  pod_mkdirs(test_path("content/en"), err);
  test_write(test_path("content/en/index.md"), "Welcome to **the course**.\n", (size_t)-1);
  CHECK_RC(render_course(db, "distillation.md", PAGE, err), POD_OK, err);
  CHECK_INT(pod_file_read(test_path("_site/en/index.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<h2 id=\"course\">Course</h2>");
  CHECK_HAS(page.data, "<li><a href=\"../en/distillation.html\">Distillation in short</a></li>");
  CHECK_HAS(page.data, "Welcome to <strong>the course</strong>.");   /* index.md */
  CHECK(!pod_exists(test_path("_site/en/index-page.html")));
  /* an edited page is a change (the render key covers content/) */
  CHECK_RC(render_course(db, "distillation.md", "# Distillation, revised\n", err), POD_OK, err);
  CHECK_INT(pod_file_read(test_path("_site/en/index.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, ">Distillation, revised</a></li>");
  pod_buf_free(&page);
  store_close(db);
}

static void test_course_site_links_all_resolve(void) {
  char err[POD_ERRLEN];
  store_db *db = test_example_registry();
  CHECK_RC(render_course(db, "distillation.md", PAGE, err), POD_OK, err);
  CHECK(pod_exists(test_path("_site/en/distillation.html")));
  CHECK(test_check_links(test_path("_site")) > 20);
  /* and the course that ships in examples/content (make demo renders it) */
  render_opts o = {0};
  render_stats st;
  char content[4096];
  snprintf(content, sizeof content, "%s/examples/content", test_root());
  o.out_dir = test_path("_site");
  o.share_dir = test_root();
  o.db_path = test_path("site.db");
  o.content_dir = content;
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  CHECK(pod_exists(test_path("_site/en/distillation.html")));
  CHECK(!pod_exists(test_path("_site/en/index-page.html")));
  CHECK(test_check_links(test_path("_site")) > 20);
  store_close(db);
}

const test_case tests_course[] = {
  {"course_markdown_renders_pipe_tables", test_course_markdown_renders_pipe_tables},
  {"course_markdown_suppresses_raw_html_and_script", test_course_markdown_suppresses_raw_html_and_script},
  {"course_markdown_drops_javascript_links", test_course_markdown_drops_javascript_links},
  {"course_shortcode_expands_to_leaderboard_tables", test_course_shortcode_expands_to_leaderboard_tables},
  {"course_unknown_leaderboard_fails_with_its_line", test_course_unknown_leaderboard_fails_with_its_line},
  {"course_compare_shortcode_embeds_the_comparison", test_course_compare_shortcode_embeds_the_comparison},
  {"course_cli_reports_an_unknown_leaderboard", test_course_cli_reports_an_unknown_leaderboard},
  {"course_missing_content_is_fine", test_course_missing_content_is_fine},
  {"course_page_is_linked_from_the_overview", test_course_page_is_linked_from_the_overview},
  {"course_site_links_all_resolve", test_course_site_links_all_resolve},
  {NULL, NULL},
};
