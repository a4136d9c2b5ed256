/*
** tests/t_render.c -- render/: the template language, the sandbox's
** walls, escaping, and the atomic output tree.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "ingest/ingest.h"
#include "render/render.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static render_sandbox *sandbox(void) {
  render_sandbox *sb = NULL;
  char err[POD_ERRLEN], dir[4096];
  const char *dirs[] = {dir};
  snprintf(dir, sizeof dir, "%s/templates", test_root());
  if (render_sandbox_new(dirs, 1, &sb, err)) test_fail(__FILE__, __LINE__, "%s", err);
  return sb;
}

/* Renders text with data k1=v1...; returns the output or the error. */
static const char *eval(render_sandbox *sb, const char *text,
                        const char *const *kv, int n_kv, int *rc) {
  static pod_buf out = POD_BUF_INIT;
  static char err[POD_ERRLEN];
  pod_buf_clear(&out);
  *rc = render_sandbox_eval(sb, "t.html", text, kv, n_kv, &out, err);
  if (*rc) return err;
  return pod_buf_str(&out);
}

static void test_template_language_basics(void) {
  render_sandbox *sb = sandbox();
  int rc;
  const char *kv[] = {"name", "bert"};
  CHECK_STR(eval(sb, "Hello {{ name }}!", kv, 2, &rc), "Hello bert!");
  CHECK_STR(eval(sb, "{% for i = 1, 3 %}{{ i }},{% end %}", NULL, 0, &rc), "1,2,3,");
  CHECK_STR(eval(sb, "{% if name == 'bert' %}yes{% else %}no{% end %}", kv, 2, &rc), "yes");
  CHECK_STR(eval(sb, "a{# a comment #}b", NULL, 0, &rc), "ab");
  CHECK_STR(eval(sb, "{{ nil }}|{{ 3 }}|{{ 0.5 }}", NULL, 0, &rc), "|3|0.5");
  CHECK_STR(eval(sb, "{{ fmt(0.018, 's') }}", NULL, 0, &rc), "18.0\xc2\xa0ms");
  /* the axis point, made once in C for every page (render_point_text) */
  CHECK_STR(eval(sb, "{{ point_label{batch_size = 8, sequence_length = 128, split = 'validation'} }}",
                 NULL, 0, &rc), "batch 8, seq 128, validation");
  CHECK_STR(eval(sb, "[{{ point_label{sequence_length = 32} }}][{{ point_label{} }}]", NULL, 0, &rc),
            "[seq 32][]");
  CHECK_STR(eval(sb, "line1\n\"quoted\" \\ back\n", NULL, 0, &rc), "line1\n\"quoted\" \\ back\n");
  /* a partial through include() comes out as HTML, not escaped again */
  CHECK_HAS(eval(sb, "{{ include('env_facts.html', {env = {os = 'Linux'}}) }}", NULL, 0, &rc), "<dd><bdi>Linux</bdi></dd>");
  render_sandbox_free(sb);
}

static void test_template_errors_name_file_and_line(void) {
  render_sandbox *sb = sandbox();
  int rc;
  CHECK_HAS(eval(sb, "one\ntwo\n{{ nothing.here }}\n", NULL, 0, &rc), "t.html:3:");
  CHECK_INT(rc, POD_ETEMPLATE);
  CHECK_HAS(eval(sb, "a\n{% if x then %}\n", NULL, 0, &rc), "t.html:");
  CHECK_INT(rc, POD_ETEMPLATE);
  CHECK_HAS(eval(sb, "a\nb {{ x", NULL, 0, &rc), "t.html:2: found an unclosed {{");
  CHECK_HAS(eval(sb, "\n\n{{ include('missing.html', {}) }}", NULL, 0, &rc), "t.html:3: no template \"missing.html\"");
  CHECK_HAS(eval(sb, "{{ include('../etc/passwd', {}) }}", NULL, 0, &rc), "not a plain file name");
  {  /* Lua's own "C stack overflow" has no position: the template named */
    pod_buf deep = POD_BUF_INIT;
    pod_buf_adds(&deep, "{{ ");
    for (int i = 0; i < 100000; i++) pod_buf_addc(&deep, '(');
    pod_buf_addc(&deep, '1');
    for (int i = 0; i < 100000; i++) pod_buf_addc(&deep, ')');
    pod_buf_adds(&deep, " }}");
    CHECK_HAS(eval(sb, deep.data, NULL, 0, &rc), "t.html: ");
    CHECK_HAS(eval(sb, deep.data, NULL, 0, &rc), "nested too deep");
    CHECK_INT(rc, POD_ETEMPLATE);
    pod_buf_free(&deep);
  }
  render_sandbox_free(sb);
}

static void test_sandbox_has_no_dangerous_globals(void) {
  static const char *const forbidden[] = {
    "io", "os", "require", "load", "loadstring", "loadfile", "dofile",
    "debug", "package", "collectgarbage", "string.dump", "print", NULL};
  render_sandbox *sb = sandbox();
  int rc;
  char t[128];
  for (int i = 0; forbidden[i]; i++) {
    snprintf(t, sizeof t, "{{ type(%s) }}", forbidden[i]);
    const char *out = eval(sb, t, NULL, 0, &rc);
    if (rc || strcmp(out, "nil"))
      test_fail(__FILE__, __LINE__, "%s is reachable: %s", forbidden[i], out);
  }
  CHECK_STR(eval(sb, "{{ type(getmetatable('')) }}", NULL, 0, &rc), "nil");
  CHECK_STR(eval(sb, "{{ type(('').dump) }}", NULL, 0, &rc), "nil");
  CHECK_STR(eval(sb, "{{ tostring(getmetatable(raw('x'))) }}", NULL, 0, &rc), "false");
  CHECK_HAS(eval(sb, "{{ io.open('/etc/passwd') }}", NULL, 0, &rc), "t.html:1:");
  CHECK_INT(rc, POD_ETEMPLATE);
  render_sandbox_free(sb);
}

static void test_sandbox_stops_an_endless_loop(void) {
  render_sandbox *sb = sandbox();
  int rc;
  render_sandbox_limits(sb, 1000000, 0);
  const char *out = eval(sb, "x\n{% lua while true do end %}", NULL, 0, &rc);
  CHECK_INT(rc, POD_ETEMPLATE);
  CHECK_HAS(out, "t.html:2:");
  CHECK_HAS(out, "instructions");
  /* and the sandbox still works after it */
  CHECK_STR(eval(sb, "ok", NULL, 0, &rc), "ok");
  render_sandbox_free(sb);
}

/* setmetatable without __gc: Lua runs finalizers with hooks off, so a
** loop in one hung the render past any instruction limit. Other
** metatables work as before. */
static void test_sandbox_refuses_finalizers(void) {
  render_sandbox *sb = sandbox();
  int rc;
  const char *out = eval(sb, "{% lua setmetatable({}, {__gc = function() "
                         "while true do end end}) %}", NULL, 0, &rc);
  CHECK_INT(rc, POD_ETEMPLATE);
  CHECK_HAS(out, "t.html:1: setmetatable: a template may not set __gc");
  CHECK_STR(eval(sb, "{{ setmetatable({}, {__index = {a = 7}}).a }}", NULL, 0, &rc), "7");
  CHECK_HAS(eval(sb, "{% lua local t = setmetatable({}, {__metatable = 1}) "
                 "setmetatable(t, {}) %}", NULL, 0, &rc), "protected metatable");
  CHECK_INT(rc, POD_ETEMPLATE);
  render_sandbox_free(sb);
}

static void test_sandbox_stops_a_memory_bomb(void) {
  render_sandbox *sb = sandbox();
  int rc;
  render_sandbox_limits(sb, 0, 8u << 20);
  const char *out = eval(sb, "{% lua local t = {} for i = 1, 1e9 do t[i] = "
                         "('x'):rep(100) .. i end %}", NULL, 0, &rc);
  CHECK_INT(rc, POD_ETEMPLATE);
  CHECK_HAS(out, "memory");
  CHECK_STR(eval(sb, "ok", NULL, 0, &rc), "ok");
  render_sandbox_free(sb);
}

static void test_output_is_escaped_by_context(void) {
  render_sandbox *sb = sandbox();
  int rc;
  const char *kv[] = {"x", "<script>alert(1)</script>",
                      "y", "\"><img src=x onerror=alert(1)>",
                      "js", "javascript:alert(1)",
                      "js2", " JaVaScRiPt:alert(1)",
                      "data", "data:text/html,<script>alert(1)</script>",
                      "ok", "https://example.org/a?b=1&c=2",
                      "rel", "../runs/1.html#m"};
  CHECK_STR(eval(sb, "{{ x }}", kv, 14, &rc), "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK_STR(eval(sb, "<a title=\"{{ y }}\">", kv, 14, &rc),
            "<a title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\">");
  CHECK_STR(eval(sb, "<a href=\"{{ js }}\">", kv, 14, &rc), "<a href=\"#blocked-url\">");
  CHECK_STR(eval(sb, "<a href=\"{{ js2 }}\">", kv, 14, &rc), "<a href=\"#blocked-url\">");
  CHECK_STR(eval(sb, "<img src=\"{{ data }}\">", kv, 14, &rc), "<img src=\"#blocked-url\">");
  CHECK_STR(eval(sb, "<a href=\"{{ ok }}\">", kv, 14, &rc),
            "<a href=\"https://example.org/a?b=1&amp;c=2\">");
  CHECK_STR(eval(sb, "<a href=\"{{ rel }}\">", kv, 14, &rc), "<a href=\"../runs/1.html#m\">");
  CHECK_STR(eval(sb, "{{ raw('<b>') }}{{ '<b>' }}", kv, 14, &rc), "<b>&lt;b&gt;");
  /* control characters (not allowed in HTML text) become U+FFFD; tab,
  ** line ends and form feed stay */
  CHECK_STR(eval(sb, "{{ 'a\\1b\\127c\\0d\\t\\ne' }}", kv, 14, &rc),
            "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd" "d\t\ne");
  CHECK_STR(eval(sb, "<p title=\"{{ 'x\\27y' }}\">", kv, 14, &rc),
            "<p title=\"x\xef\xbf\xbdy\">");
  render_sandbox_free(sb);
}

/* ---- the site -------------------------------------------------------- */

static int render_to(store_db *db, const char *out, render_stats *st,
                     char err[POD_ERRLEN]) {
  render_opts o = {0};
  o.out_dir = out;
  o.share_dir = test_root();
  o.db_path = test_path("site.db");
  return render_site(db, &o, st, err);
}


/* Files below dir, at any depth. */
static long count_tree(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  long n = 0;
  if (!d) return 0;
  while ((e = readdir(d))) {
    char sub[4096];
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
    n += pod_is_dir(sub) ? count_tree(sub) : 1;
  }
  closedir(d);
  return n;
}

static void test_render_writes_the_site_and_skips_a_no_change_render(void) {
  char err[POD_ERRLEN];
  render_stats st;
  pod_buf page = POD_BUF_INIT;
  store_db *db = test_example_registry();
  char out[4096];
  snprintf(out, sizeof out, "%s", test_path("_site"));
  CHECK_RC(render_to(db, out, &st, err), POD_OK, err);
  CHECK(st.pages >= 8);
  CHECK_INT(st.changed, st.pages);
  CHECK(pod_exists(test_path("_site/index.html")));
  CHECK(pod_exists(test_path("_site/en/index.html")));
  CHECK(pod_exists(test_path("_site/en/runs/1.html")));
  CHECK(pod_exists(test_path("_site/en/envs/1.html")));
  CHECK(pod_exists(test_path("_site/assets/style.css")));
  CHECK_INT(test_count_entries(test_path("_site/en/leaderboards"), "text-classification--"), 2);
  CHECK_INT(pod_file_read(test_path("_site/en/runs/1.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "inference_memory_1700000000.csv:2</code>");   /* provenance */
  CHECK_HAS(page.data, "<code class=\"hash\">");
  CHECK_HAS(page.data, "Tesla V100-SXM2-16GB");
  CHECK_RC(render_to(db, out, &st, err), POD_OK, err);
  CHECK_INT(st.unchanged, 1);
  CHECK_INT(st.changed, 0);
  CHECK_INT(test_count_entries(test_dir(), "_site.tmp"), 0);
  pod_buf_free(&page);
  store_close(db);
}

static void test_render_failure_leaves_the_old_site(void) {
  char err[POD_ERRLEN];
  render_stats st;
  pod_buf before = POD_BUF_INIT, after = POD_BUF_INIT;
  store_db *db = test_example_registry();
  char out[4096];
  snprintf(out, sizeof out, "%s", test_path("_site"));
  CHECK_RC(render_to(db, out, &st, err), POD_OK, err);
  pod_file_read(test_path("_site/en/index.html"), &before, err);
  /* make the registry differ so a render would change the site, then fail
  ** the 1st, 2nd, ... write until a render gets through */
  store_run_new r = {0};
  int64_t id;
  r.model = "tinybert";
  store_run_add(db, &r, &id, err);
  int failures = 0;
  for (long n = 1; n < 500; n++) {
    pod_fs_fail_after(n);
    int rc = render_to(db, out, &st, err);
    pod_fs_fail_after(0);
    if (rc == POD_OK) break;
    failures++;
    if (rc != POD_EIO) test_fail(__FILE__, __LINE__, "write %ld: %s", n, err);
    CHECK_HAS(err, "_site");
    pod_file_read(test_path("_site/en/index.html"), &after, err);
    if (strcmp(pod_buf_str(&before), pod_buf_str(&after)))
      test_fail(__FILE__, __LINE__, "failure %ld changed the live site", n);
    CHECK_INT(test_count_entries(test_dir(), "_site.tmp"), 0);
  }
  CHECK(failures > 10);
  pod_file_read(test_path("_site/en/index.html"), &after, err);
  CHECK_HAS(after.data, "tinybert");
  pod_buf_free(&before);
  pod_buf_free(&after);
  store_close(db);
}

static void test_render_refuses_folders_it_did_not_make(void) {
  char err[POD_ERRLEN];
  render_stats st;
  store_db *db = test_example_registry();
  pod_mkdirs(test_path("mine"), err);
  test_write(test_path("mine/thesis.tex"), "precious", 8);
  CHECK_INT(render_to(db, test_path("mine"), &st, err), POD_EINPUT);
  CHECK_HAS(err, "did not create");
  CHECK(pod_exists(test_path("mine/thesis.tex")));
  CHECK_INT(render_to(db, "/", &st, err), POD_EINPUT);
  CHECK_HAS(err, "refusing to render over /");
  CHECK_INT(render_to(db, test_dir(), &st, err), POD_EINPUT);  /* registry's folder */
  CHECK_HAS(err, "registry");
  const char *home = getenv("HOME");
  if (home && *home) {
    CHECK_INT(render_to(db, home, &st, err), POD_EINPUT);
    CHECK_HAS(err, "$HOME");
  }
  store_close(db);
}

static void test_render_links_all_resolve(void) {
  char err[POD_ERRLEN];
  render_stats st;
  store_db *db = test_example_registry();
  CHECK_INT(render_to(db, test_path("_site"), &st, err), POD_OK);
  CHECK(test_check_links(test_path("_site")) > 20);
  store_close(db);
}

static void test_render_user_templates_override_builtin_ones(void) {
  char err[POD_ERRLEN];
  render_stats st;
  pod_buf page = POD_BUF_INIT;
  store_db *db = test_example_registry();
  render_opts o = {0};
  pod_mkdirs(test_path("mytemplates"), err);
  test_write(test_path("mytemplates/overview.html"), "<p>Lab {{ counts.runs }}</p>", 28);
  o.out_dir = test_path("_site");
  o.share_dir = test_root();
  o.templates_dir = test_path("mytemplates");
  CHECK_INT(render_site(db, &o, &st, err), POD_OK);
  pod_file_read(test_path("_site/en/index.html"), &page, err);
  CHECK_HAS(page.data, "<p>Lab 2</p>");
  CHECK_HAS(page.data, "<!DOCTYPE html>");   /* layout still built in */
  test_write(test_path("mytemplates/run.html"), "\n{{ run.nope.deeper }}", 22);
  CHECK_INT(render_site(db, &o, &st, err), POD_ETEMPLATE);
  CHECK_HAS(err, "run.html:2:");
  pod_buf_free(&page);
  store_close(db);
}

/* A failure names the caller's line. */
#define check_cell(in, want) check_cell_at(__LINE__, in, want)
static void check_cell_at(int line, const char *in, const char *want) {
  pod_buf b = POD_BUF_INIT;
  render_csv_cell(&b, in);
  if (strcmp(pod_buf_str(&b), want))
    test_fail(__FILE__, line, "csv cell of \"%s\" is %s, expected %s", in,
              pod_buf_str(&b), want);
  pod_buf_free(&b);
}

static void test_csv_cells_neutralize_formulas(void) {
  check_cell("bert", "bert");
  check_cell("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"");
  check_cell("+cmd", "\"'+cmd\"");
  check_cell("-2+3", "\"'-2+3\"");
  check_cell("@SUM(A1)", "\"'@SUM(A1)\"");
  check_cell("\tx", "\"'\tx\"");
  check_cell("\rx", "\"'\rx\"");
  check_cell("-0.5", "-0.5");        /* plain numbers stay */
  check_cell("+1e-3", "+1e-3");
  check_cell("a,b", "\"a,b\"");
  check_cell("", "");
}

static void test_render_writes_downloads_and_reports(void) {
  char err[POD_ERRLEN];
  render_stats st;
  pod_buf f = POD_BUF_INIT;
  store_db *db = test_example_registry();
  CHECK_RC(render_to(db, test_path("_site"), &st, err), POD_OK, err);
  CHECK_INT(pod_file_read(test_path("_site/data/runs.csv"), &f, err), POD_OK);
  CHECK(!strncmp(f.data, "id,name,project,model,", 22));
  CHECK_INT(pod_file_read(test_path("_site/data/measurements.json"), &f, err), POD_OK);
  CHECK_HAS(f.data, "\"metric\":\"inference_time\"");
  CHECK_HAS(f.data, "\"value\":0.018");
  CHECK_INT(pod_file_read(test_path("_site/data/leaderboards/text-classification--inference_time.csv"), &f, err), POD_OK);
  CHECK_HAS(f.data, "rank,run_id");
  CHECK_INT(pod_file_read(test_path("_site/reports/text-classification--inference_time.md"), &f, err), POD_OK);
  CHECK_HAS(f.data, "| 1 | distilbert-base-uncased | distilled-6-layer | optimized | 9.00 ms | 1 | 2 |");
  CHECK_HAS(f.data, "|---:|---|");
  pod_buf_free(&f);
  store_close(db);
}

/* The render key: a second render with nothing new renders nothing; a
** new run, a changed template or a deleted page makes it render again. */
static void test_render_skips_work_when_nothing_changed(void) {
  char err[POD_ERRLEN];
  render_stats st;
  render_opts o = {0};
  pod_buf page = POD_BUF_INIT, marker = POD_BUF_INIT;
  store_db *db = test_example_registry();
  char tdir[4096], site[4096];   /* test_path's buffers rotate */
  snprintf(tdir, sizeof tdir, "%s", test_path("tpl"));
  snprintf(site, sizeof site, "%s", test_path("_site"));
  pod_mkdirs(tdir, err);
  o.out_dir = site;
  o.share_dir = test_root();
  o.db_path = test_path("site.db");
  o.templates_dir = tdir;
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  CHECK_INT(st.skipped, 0);
  long pages = st.pages;
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  CHECK_INT(st.skipped, 1);
  CHECK_INT(st.unchanged, 1);
  CHECK_INT(st.pages, pages);
  /* a template that only gains a comment: same pages, a new key kept */
  test_write(test_path("tpl/chooser.html"), "{# mine #}x", (size_t)-1);
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  CHECK_INT(st.skipped, 0);
  CHECK_INT(st.changed, 1);
  test_write(test_path("tpl/chooser.html"), "{# mine, again #}x", (size_t)-1);
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  CHECK_INT(st.skipped, 0);
  CHECK_INT(st.unchanged, 1);
  pod_file_read(test_path("_site/.podium-site"), &marker, err);
  CHECK_HAS(marker.data, "podium\nkey ");
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  CHECK_INT(st.skipped, 1);
  /* a page deleted by hand comes back */
  CHECK_INT(pod_rmtree(test_path("_site/en/runs/1.html"), err), POD_OK);
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  CHECK_INT(st.skipped, 0);
  CHECK(pod_exists(test_path("_site/en/runs/1.html")));
  /* so does a tree with a stray file, and then the file is gone */
  test_write(test_path("_site/fa/runs/stray.html"), "x", SIZE_MAX);
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  CHECK_INT(st.skipped, 0);
  CHECK(!pod_exists(test_path("_site/fa/runs/stray.html")));
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  CHECK_INT(st.skipped, 1);
  /* a new run */
  store_run_new r = {0};
  int64_t id;
  r.model = "tinybert";
  CHECK_INT(store_run_add(db, &r, &id, err), POD_OK);
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  CHECK_INT(st.skipped, 0);
  pod_file_read(test_path("_site/en/index.html"), &page, err);
  CHECK_HAS(page.data, "tinybert");
  pod_buf_free(&page);
  pod_buf_free(&marker);
  store_close(db);
}

/* The JSON downloads are written directly; cJSON must read back every
** byte of a name with quotes, backslashes and control characters. */
static void test_render_json_downloads_round_trip(void) {
  char err[POD_ERRLEN];
  render_stats st;
  pod_buf f = POD_BUF_INIT;
  store_db *db = test_example_registry();
  store_run_new r = {0};
  int64_t id;
  const char *weird = "we\"ird\\ \x01\x1f\t\n\x7f \xc3\xa9 </script>";
  r.model = weird;
  CHECK_INT(store_run_add(db, &r, &id, err), POD_OK);
  CHECK_RC(render_to(db, test_path("_site"), &st, err), POD_OK, err);
  CHECK_INT(pod_file_read(test_path("_site/data/runs.json"), &f, err), POD_OK);
  CHECK_HAS(f.data, "\\u0001\\u001f\\t\\n");
  cJSON *runs = cJSON_Parse(f.data), *run;
  CHECK(cJSON_IsArray(runs));
  int found = 0;
  cJSON_ArrayForEach(run, runs) {
    const char *model = cJSON_GetStringValue(cJSON_GetObjectItem(run, "model"));
    if (model && !strcmp(model, weird)) found = 1;
  }
  CHECK(found);
  cJSON_Delete(runs);
  CHECK_INT(pod_file_read(test_path("_site/data/measurements.json"), &f, err), POD_OK);
  runs = cJSON_Parse(f.data);
  CHECK_INT(cJSON_GetArraySize(runs), 16);
  CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(runs, 0), "value")) > 0);
  cJSON_Delete(runs);
  pod_buf_free(&f);
  store_close(db);
}

/* Whole pages of the demo site, as `make demo` renders them, byte for
** byte (times and the checkout's folder masked); `make golden` rewrites
** them and git diff shows what changed. */
static void test_render_demo_pages_match_goldens(void) {
  static const char *const pages[] = {
    "index.html", "en/index.html", "en/runs/1.html",
    "en/leaderboards/text-classification--inference_time.html",
    "fa/leaderboards/text-classification--inference_time.html",
    "ar/compare/bert-base-uncased--distilbert-base-uncased.html",
    "te/envs/1.html", "ha/index.html", "en/distillation.html",
    "reports/text-classification--inference_time.md", NULL};
  pod_buf out = POD_BUF_INIT, e = POD_BUF_INIT, page = POD_BUF_INIT;
  char err[POD_ERRLEN], path[4200], rel[600];
  CHECK_INT(test_demo_bench(&out, &e, ""), 0);
  CHECK_INT(test_podium(&out, &e, "render --content %s/examples/content", test_root()), 0);
  for (int i = 0; pages[i]; i++) {
    snprintf(path, sizeof path, "%s/_site/%s", test_dir(), pages[i]);
    if (pod_file_read(path, &page, err)) {
      test_fail(__FILE__, __LINE__, "%s", err);
      continue;
    }
    test_mask_volatile(&page);
    snprintf(rel, sizeof rel, "site/%s", pages[i]);
    test_golden(rel, &page);
  }
  pod_buf_free(&out);
  pod_buf_free(&e);
  pod_buf_free(&page);
}

/* ---- issue 17: pages that read well on a phone and right to left ------ */

/* The demo site, ingested from test_root()/examples by its absolute path. */
static void render_demo(void) {
  pod_buf out = POD_BUF_INIT, e = POD_BUF_INIT;
  CHECK_INT(test_podium(&out, &e, "ingest --quiet %s/examples", test_root()), 0);
  CHECK_INT(test_podium(&out, &e, "render --content %s/examples/content", test_root()), 0);
  pod_buf_free(&out);
  pod_buf_free(&e);
}


/* A 205,328 px run page at 390 px: its Source column wrapped a path every
** few characters and printed the ingesting machine's absolute path. */
static void test_render_run_page_names_sources_by_file_on_one_line(void) {
  pod_buf page = POD_BUF_INIT, want = POD_BUF_INIT;
  render_demo();
  test_read_site("en/runs/1.html", &page);
  pod_buf_printf(&want, "<code class=\"path\" dir=\"ltr\" title=\"%s/examples/bert-base/inference_time_1700000000.csv:4\">inference_time_1700000000.csv:4</code>", test_root());
  CHECK_HAS(page.data, want.data);
  pod_buf_clear(&want);
  pod_buf_printf(&want, ">%s/examples", test_root());
  CHECK_LACKS(page.data, want.data);   /* the absolute path is no cell text */
  test_read_site("assets/style.css", &page);
  CHECK_LACKS(page.data, "anywhere; }\ncode.hash");
  CHECK_HAS(page.data, "td code, th code { white-space: nowrap; }");
  CHECK_HAS(page.data, "text-overflow: ellipsis");
  pod_buf_free(&page);
  pod_buf_free(&want);
}

/* The Persian and Arabic zero is a dot: "۵ · محیط" reads "۵۰". */
static void test_render_rtl_pages_have_no_middle_dot(void) {
  static const char *const pages[] = {
    "index.html", "runs/index.html", "runs/1.html", "envs/1.html",
    "leaderboards/text-classification--inference_time.html",
    "compare/bert-base-uncased--distilbert-base-uncased.html",
    "study/sst2.html", "pareto/sst2.html",
    "models/distilbert-base-uncased.html", "distillation.html", NULL};
  pod_buf page = POD_BUF_INIT;
  char rel[300];
  render_demo();
  for (int l = 0; l < 2; l++)
    for (int i = 0; pages[i]; i++) {
      snprintf(rel, sizeof rel, "%s/%s", l ? "ar" : "fa", pages[i]);
      test_read_site(rel, &page);
      if (page.data && strstr(page.data, "\xc2\xb7"))
        test_fail(__FILE__, __LINE__, "%s has a \"\xc2\xb7\"", rel);
    }
  test_read_site("fa/index.html", &page);
  CHECK_HAS(page.data, "\xdb\xb2 \xd9\x85\xd8\xad\xdb\x8c\xd8\xb7</p>");  /* ۲ محیط */
  test_read_site("en/index.html", &page);
  CHECK_HAS(page.data, " \xc2\xb7 2 environments</p>");
  pod_buf_free(&page);
}

static void test_render_root_title_names_podium_once(void) {
  pod_buf page = POD_BUF_INIT;
  render_demo();
  test_read_site("index.html", &page);
  CHECK_HAS(page.data, "<title>podium results</title>");
  test_read_site("en/runs/1.html", &page);
  CHECK_HAS(page.data, "<title>Run 1: bert-base-uncased \xc2\xb7 podium</title>");
  pod_buf_free(&page);
}

/* vnu: "The align attribute on the th element is obsolete", and an
** empty first header cell. */
static void test_render_course_tables_are_valid_html(void) {
  pod_buf page = POD_BUF_INIT;
  render_demo();
  test_read_site("en/distillation.html", &page);
  CHECK_LACKS(page.data, " align=");
  CHECK_LACKS(page.data, "<th></th>");
  CHECK_HAS(page.data, "<th class=\"align-right\">BERT-base</th>");
  CHECK_HAS(page.data, "<td class=\"align-right\">12</td>");
  test_read_site("assets/style.css", &page);
  CHECK_HAS(page.data, ".align-right { text-align: end;");
  pod_buf_free(&page);
}




/* Every file below a (relative path rel) has an equal twin below b, and
** b has no other; returns the number of files. */
static long same_tree(const char *a, const char *b, const char *rel) {
  char pa[4096], pb[4096], err[POD_ERRLEN];
  DIR *d;
  struct dirent *e;
  long n = 0;
  snprintf(pa, sizeof pa, "%s%s", a, rel);
  snprintf(pb, sizeof pb, "%s%s", b, rel);
  if (!(d = opendir(pa))) return 0;
  while ((e = readdir(d))) {
    char sub[4096];
    pod_buf x = POD_BUF_INIT, y = POD_BUF_INIT;
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name);
    snprintf(pa, sizeof pa, "%s%s", a, sub);
    snprintf(pb, sizeof pb, "%s%s", b, sub);
    if (pod_is_dir(pa)) {
      n += same_tree(a, b, sub);
      continue;
    }
    n++;
    if (pod_file_read(pa, &x, err) || pod_file_read(pb, &y, err)) {
      test_fail(__FILE__, __LINE__, "%s or %s cannot be read", pa, pb);
    } else {
      if (!strcmp(e->d_name, ".podium-site")) {   /* the folder times differ */
        char *dx = strstr(x.data, "\ndir "), *dy = strstr(y.data, "\ndir ");
        if (dx) x.len = (size_t)(dx - x.data);
        if (dy) y.len = (size_t)(dy - y.data);
      }
      if (x.len != y.len || memcmp(x.data, y.data, x.len))
        test_fail(__FILE__, __LINE__, "%s differs from %s", pb, pa);
    }
    pod_buf_free(&x);
    pod_buf_free(&y);
  }
  closedir(d);
  if (!*rel && count_tree(b) != n)
    test_fail(__FILE__, __LINE__, "%s has %ld files, %s %ld", b,
              count_tree(b), a, n);
  return n;
}

/* The example registry and 300 more runs: enough for the run pages to be
** shared out in many chunks. */
static store_db *many_runs_registry(void) {
  char err[POD_ERRLEN], model[64];
  store_db *db = test_example_registry();
  store_run_new r = {0};
  int64_t id;
  r.model = model;
  r.role = "baseline";
  r.env_id = 1;
  store_begin(db, err);
  for (int i = 0; i < 300; i++) {
    snprintf(model, sizeof model, "model-%03d", i);
    CHECK_RC(store_run_add(db, &r, &id, err), POD_OK, err);
  }
  CHECK_RC(store_commit(db, err), POD_OK, err);
  return db;
}

static void test_render_with_threads_equals_one_thread(void) {
  char err[POD_ERRLEN], one[4096], content[4096];
  render_stats st;
  render_opts o = {0};
  store_db *db = many_runs_registry();
  long pages;
  /* course pages too: every language's are read (cmark) by the thread
  ** that claims the language, beside the others (make tsan) */
  CHECK_RC(pod_mkdirs(test_path("content/en"), err), POD_OK, err);
  CHECK_RC(pod_mkdirs(test_path("content/fa"), err), POD_OK, err);
  test_write(test_path("content/en/index.md"), "Welcome, **all**.\n", SIZE_MAX);
  test_write(test_path("content/en/week1.md"),
             "# Week 1\n\n| a | b |\n|---|--:|\n| x | 1 |\n", SIZE_MAX);
  test_write(test_path("content/fa/week1.md"), "# \xd9\x87\xd9\x81\xd8\xaa\xd9\x87 \xdb\xb1\n\n~~x~~ y\n", SIZE_MAX);
  snprintf(content, sizeof content, "%s", test_path("content"));
  o.content_dir = content;
  o.share_dir = test_root();
  o.jobs = 1;
  snprintf(one, sizeof one, "%s", test_path("one"));
  o.out_dir = one;
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  pages = st.pages;
  CHECK(pages > 5 * 300);
  for (int jobs = 2; jobs <= 3; jobs++) {
    char many[4096];
    snprintf(many, sizeof many, "%s", test_path(jobs == 2 ? "two" : "three"));
    o.jobs = jobs;
    o.out_dir = many;
    CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
    CHECK_INT(st.pages, pages);
    CHECK_INT(st.changed, pages);
    /* and the marker, the manifest (render/incr.c) and what is kept for
    ** the next render (board_keep.c, download_keep.c, run_keep.c) */
    CHECK_INT(same_tree(one, many, ""), pages + 5);
    CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);  /* no change */
    CHECK_INT(st.skipped, 1);
  }
  store_close(db);
}

/* A run page failing in whichever thread renders it: the render fails
** with the template's message, the old site stays, nothing is left. */
static void test_render_thread_failure_leaves_the_old_site(void) {
  char err[POD_ERRLEN], out[4096], keep[4096];
  render_stats st;
  render_opts o = {0};
  pod_buf e = POD_BUF_INIT, so = POD_BUF_INIT;
  store_db *db = many_runs_registry();
  snprintf(out, sizeof out, "%s", test_path("_site"));
  snprintf(keep, sizeof keep, "%s", test_path("keep"));
  o.share_dir = test_root();
  o.out_dir = out;
  o.jobs = 2;
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  o.out_dir = keep;
  CHECK_RC(render_site(db, &o, &st, err), POD_OK, err);
  pod_mkdirs(test_path("bad"), err);
  /* every run page of one language fails; other pages render */
  test_write(test_path("bad/run.html"),
             "{% lua if lang == 'fa' then error('no run pages in fa') end %}ok",
             SIZE_MAX);
  o.out_dir = out;
  o.templates_dir = test_path("bad");
  for (int jobs = 2; jobs <= 3; jobs++) {
    o.jobs = jobs;
    CHECK_INT(render_site(db, &o, &st, err), POD_ETEMPLATE);
    CHECK_HAS(err, "run.html:1: no run pages in fa");
    CHECK_INT(test_count_entries(test_dir(), "_site.tmp"), 0);
    same_tree(keep, out, "");
  }
  store_close(db);
  /* the CLI: exit 1 with the message */
  CHECK_INT(test_podium(&so, &e, "--db site.db render --out _site --jobs 2 "
                        "--templates bad"), 1);
  CHECK_HAS(e.data, "run.html:1: no run pages in fa");
  CHECK_INT(test_count_entries(test_dir(), "_site.tmp"), 0);
  same_tree(keep, out, "");
  CHECK_INT(test_podium(&so, &e, "--db site.db render --out _site --jobs 0"), 2);
  CHECK_HAS(e.data, "--jobs 0");
  pod_buf_free(&e);
  pod_buf_free(&so);
}

/* Occurrences of needle in hay between the first from and the next to
** (the whole text when from is NULL). */
static int count_in(const char *hay, const char *from, const char *to,
                    const char *needle) {
  const char *p = from ? strstr(hay, from) : hay, *end;
  int n = 0;
  if (!p) return -1;
  end = to ? strstr(p, to) : NULL;
  if (!end) end = p + strlen(p);
  for (p = strstr(p, needle); p && p < end; p = strstr(p + 1, needle)) n++;
  return n;
}

/* 25 ranked runs: the overview shows the newest 20 and the first 10 of
** the primary board, each with a link to the whole list; the run list
** page and the board page have all 25. */
static void test_render_overview_lists_the_newest_and_links_the_rest(void) {
  pod_buf csv = POD_BUF_INIT, out = POD_BUF_INIT, err = POD_BUF_INIT,
          page = POD_BUF_INIT;
  char e[POD_ERRLEN];
  pod_mkdirs(test_path("res"), e);
  pod_buf_adds(&csv, "model,batch_size,sequence_length,result\n");
  for (int i = 1; i <= 25; i++)
    pod_buf_printf(&csv, "model-%02d,8,128,%.3f\n", i, 0.01 * i);
  test_write(test_path("res/inference_time_1700000000.csv"), csv.data, SIZE_MAX);
  CHECK_INT(test_podium(&out, &err, "--db top.db ingest --task glue res"), 0);
  CHECK_INT(test_podium(&out, &err, "--db top.db render --lang en,fa --out top"), 0);
  CHECK_RC(pod_file_read(test_path("top/en/index.html"), &page, e), POD_OK, e);
  CHECK_HAS(page.data, "The newest 20 of 25. <a href=\"../en/runs/index.html\">All runs</a>");
  CHECK_INT(count_in(page.data, "id=\"runs\"", "id=\"environments\"", "<tr><td><a href=\"../en/runs/"), 20);
  CHECK_HAS(page.data, "model-25");   /* newest first */
  CHECK_INT(count_in(page.data, "id=\"runs\"", "id=\"environments\"", ">model-05<"), 0);
  CHECK_INT(count_in(page.data, "id=\"rankings\"", "id=\"leaderboards\"", "</td></tr>"), 10);
  CHECK_HAS(page.data, "The first 10 of 25. <a href=\"../en/leaderboards/glue--inference_time.html\">Full leaderboard</a>");
  CHECK_RC(pod_file_read(test_path("top/en/runs/index.html"), &page, e), POD_OK, e);
  CHECK_INT(count_in(page.data, "<tbody>", "</tbody>", "<tr><td><a href=\"../../en/runs/"), 25);
  CHECK_HAS(page.data, "<h1>All runs</h1>");
  CHECK_RC(pod_file_read(test_path("top/en/leaderboards/glue--inference_time.html"), &page, e), POD_OK, e);
  CHECK_INT(count_in(page.data, "<tbody>", "</tbody>", "<tr"), 25);
  CHECK_RC(pod_file_read(test_path("top/fa/index.html"), &page, e), POD_OK, e);
  CHECK_HAS(page.data, "\u06f2\u06f0 اجرای تازه از \u06f2\u06f5 اجرا.");
  pod_buf_free(&csv);
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&page);
}

/* A template of run.html that loops on one page (model-250 in fa) stops
** with its line, at every jobs count from first_jobs to 2, and nothing
** is written. */
static void check_loop_stops(const char *loop, int first_jobs) {
  char err[POD_ERRLEN], tpl[256];
  render_stats st;
  render_opts o = {0};
  store_db *db = many_runs_registry();
  pod_mkdirs(test_path("loop"), err);
  snprintf(tpl, sizeof tpl, "{%% lua if run.model == 'model-250' and lang == 'fa' then\n"
           "  %s end %%}ok", loop);
  test_write(test_path("loop/run.html"), tpl, SIZE_MAX);
  o.share_dir = test_root();
  o.out_dir = test_path("_site");
  o.templates_dir = test_path("loop");
  for (int jobs = first_jobs; jobs <= 2; jobs++) {
    o.jobs = jobs;
    CHECK_INT(render_site(db, &o, &st, err), POD_ETEMPLATE);
    CHECK_HAS(err, "run.html:2: template ran over");
    CHECK_INT(test_count_entries(test_dir(), "_site"), 0);
  }
  store_close(db);
}

/* An endless loop on a page a worker thread renders is stopped too (the
** count hook is set by a timer on that thread's CPU clock). */
static void test_render_stops_an_endless_loop_in_any_thread(void) {
  check_loop_stops("while true do end", 1);
}

/* The same stop, from a loop that allocates: `make tsan` runs this one,
** since ThreadSanitizer delivers the CPU timer's signal only when the
** thread calls into libc, which an empty loop never does. Blocks over
** the sandbox's pool (256 bytes) come from malloc: a small table never
** did once the pool came, and the test waited forever under tsan. One
** malloc per 1,000 turns: the 200 million instructions stay ~1 s. */
static void test_render_stops_an_allocating_loop_in_any_thread(void) {
  check_loop_stops("local i = 0 while true do i = i + 1 if i % 1000 == 0 "
                   "then local s = string.rep('x', 300) end end", 2);
}

const test_case tests_render[] = {
  {"render_demo_pages_match_goldens", test_render_demo_pages_match_goldens},
  {"render_run_page_names_sources_by_file_on_one_line", test_render_run_page_names_sources_by_file_on_one_line},
  {"render_rtl_pages_have_no_middle_dot", test_render_rtl_pages_have_no_middle_dot},
  {"render_root_title_names_podium_once", test_render_root_title_names_podium_once},
  {"render_course_tables_are_valid_html", test_render_course_tables_are_valid_html},
  {"render_json_downloads_round_trip", test_render_json_downloads_round_trip},
  {"render_skips_work_when_nothing_changed", test_render_skips_work_when_nothing_changed},
  {"csv_cells_neutralize_formulas", test_csv_cells_neutralize_formulas},
  {"render_writes_downloads_and_reports", test_render_writes_downloads_and_reports},
  {"template_language_basics", test_template_language_basics},
  {"template_errors_name_file_and_line", test_template_errors_name_file_and_line},
  {"sandbox_has_no_dangerous_globals", test_sandbox_has_no_dangerous_globals},
  {"sandbox_stops_an_endless_loop", test_sandbox_stops_an_endless_loop},
  {"sandbox_refuses_finalizers", test_sandbox_refuses_finalizers},
  {"sandbox_stops_a_memory_bomb", test_sandbox_stops_a_memory_bomb},
  {"output_is_escaped_by_context", test_output_is_escaped_by_context},
  {"render_writes_the_site_and_skips_a_no_change_render", test_render_writes_the_site_and_skips_a_no_change_render},
  {"render_failure_leaves_the_old_site", test_render_failure_leaves_the_old_site},
  {"render_refuses_folders_it_did_not_make", test_render_refuses_folders_it_did_not_make},
  {"render_links_all_resolve", test_render_links_all_resolve},
  {"render_user_templates_override_builtin_ones", test_render_user_templates_override_builtin_ones},
  {"render_with_threads_equals_one_thread", test_render_with_threads_equals_one_thread},
  {"render_thread_failure_leaves_the_old_site", test_render_thread_failure_leaves_the_old_site},
  {"render_overview_lists_the_newest_and_links_the_rest", test_render_overview_lists_the_newest_and_links_the_rest},
  {"render_stops_an_endless_loop_in_any_thread", test_render_stops_an_endless_loop_in_any_thread},
  {"render_stops_an_allocating_loop_in_any_thread", test_render_stops_an_allocating_loop_in_any_thread},
  {NULL, NULL},
};
