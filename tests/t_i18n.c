/*
** tests/t_i18n.c -- languages: locale digits and plural forms through
** ICU, the catalogs' fallback, t() in templates, and `podium i18n check`.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "render/i18n.h"
#include "render/render.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static render_i18n *open_lang(const char *lang) {
  render_i18n *i = NULL;
  char err[POD_ERRLEN], dir[4096];
  snprintf(dir, sizeof dir, "%s/i18n", test_root());
  if (render_i18n_open(dir, lang, &i, err)) test_fail(__FILE__, __LINE__, "%s", err);
  return i;
}

static const char *number_in(const char *lang, double v, int fraction) {
  static char out[128];
  pod_buf b = POD_BUF_INIT;
  render_i18n *i = open_lang(lang);
  if (!i) return "";
  render_i18n_number(i, &b, v, fraction);
  snprintf(out, sizeof out, "%s", pod_buf_str(&b));
  pod_buf_free(&b);
  render_i18n_close(i);
  return out;
}

static void test_i18n_digits_follow_the_locale(void) {
  CHECK_STR(number_in("en", 12.5, 1), "12.5");
  /* Persian: extended Arabic-Indic digits and the Persian decimal sign */
  CHECK_STR(number_in("fa", 12.5, 1), "\xdb\xb1\xdb\xb2\xd9\xab\xdb\xb5");
  /* Arabic: CLDR's default for "ar" is Arabic-Indic digits */
  CHECK_STR(number_in("ar", 12.5, 1), "\xd9\xa1\xd9\xa2\xd9\xab\xd9\xa5");
  CHECK_STR(number_in("te", 12.5, 1), "12.5");
  CHECK_STR(number_in("ha", 1234.5, 1), "1,234.5");
}

static void test_i18n_arabic_has_six_plural_forms(void) {
  render_i18n *ar = open_lang("ar");
  char cat[16];
  static const struct { double n; const char *want; } cases[] = {
    {0, "zero"}, {1, "one"}, {2, "two"}, {3, "few"}, {10, "few"},
    {11, "many"}, {99, "many"}, {100, "other"}, {102, "other"}};
  for (size_t k = 0; ar && k < sizeof cases / sizeof cases[0]; k++)
    if (strcmp(render_i18n_plural(ar, cases[k].n, cat), cases[k].want))
      test_fail(__FILE__, __LINE__, "ar plural of %g is %s, expected %s",
                cases[k].n, cat, cases[k].want);
  int fallback = 0;
  CHECK_STR(render_i18n_text(ar, "overview.runs", 2, 1, &fallback), "تشغيلان");
  CHECK_STR(render_i18n_text(ar, "overview.runs", 5, 1, &fallback), "{n} تشغيلات");
  CHECK_INT(fallback, 0);
  render_i18n_close(ar);
}

static void test_i18n_missing_message_falls_back_to_english(void) {
  char err[POD_ERRLEN];
  render_i18n *i = NULL;
  int fallback = 0;
  pod_mkdirs(test_path("cat"), err);
  test_write(test_path("cat/en.json"), "{\"a\": \"Apple\", \"b\": \"Bee\"}", SIZE_MAX);
  test_write(test_path("cat/fa.json"), "{\"a\": \"سیب\"}", SIZE_MAX);
  CHECK_RC(render_i18n_open(test_path("cat"), "fa", &i, err), POD_OK, err);
  CHECK_STR(render_i18n_text(i, "a", 0, 0, &fallback), "سیب");
  CHECK_INT(fallback, 0);
  CHECK_STR(render_i18n_text(i, "b", 0, 0, &fallback), "Bee");
  CHECK_INT(fallback, 1);
  CHECK(render_i18n_text(i, "c", 0, 0, &fallback) == NULL);
  render_i18n_close(i);
  test_write(test_path("cat/xx.json"), "{\"a\": [1]}", SIZE_MAX);
  CHECK_INT(render_i18n_open(test_path("cat"), "xx", &i, err), POD_EINPUT);
  CHECK_HAS(err, "found message \"a\" that is neither");
  CHECK_INT(render_i18n_open(test_path("cat"), "../x", &i, err), POD_EINPUT);
  CHECK_INT(render_i18n_open(test_path("cat"), "de", &i, err), POD_EINPUT);
  CHECK_HAS(err, "no catalog for language \"de\"");
}

static void test_i18n_t_and_fmt_in_templates(void) {
  char err[POD_ERRLEN], dir[4096];
  const char *dirs[] = {dir};
  render_sandbox *sb = NULL;
  pod_buf out = POD_BUF_INIT;
  render_i18n *fa = open_lang("fa");
  snprintf(dir, sizeof dir, "%s/templates", test_root());
  CHECK_RC(render_sandbox_new(dirs, 1, &sb, err), POD_OK, err);
  render_sandbox_language(sb, fa);
  CHECK_RC(render_sandbox_eval(sb, "t.html", "{{ t('nav.runs') }}|{{ t('overview.runs', 3) }}|{{ fmt(0.018, 's') }}", NULL, 0, &out, err), POD_OK, err);
  CHECK_STR(out.data, "اجراها|\xdb\xb3 اجرا|\xdb\xb1\xdb\xb8\xd9\xab\xdb\xb0\xc2\xa0ms");
  CHECK_INT(render_sandbox_fallback(sb, 1), 0);
  CHECK_INT(render_sandbox_eval(sb, "t.html", "\n{{ t('no.such.key') }}", NULL, 0, &out, err), POD_ETEMPLATE);
  CHECK_HAS(err, "t.html:2: unknown message key \"no.such.key\"");
  render_sandbox_free(sb);
  render_i18n_close(fa);
  pod_buf_free(&out);
}

static void test_i18n_check_finds_every_kind_of_problem(void) {
  char err[POD_ERRLEN];
  pod_buf report = POD_BUF_INIT;
  int n = 0;
  pod_mkdirs(test_path("cat"), err);
  pod_mkdirs(test_path("tpl"), err);
  test_write(test_path("tpl/a.html"), "{{ t('hello', {name = x}) }} {{ t('runs', 2) }} {{ t('gone') }}", SIZE_MAX);
  test_write(test_path("cat/en.json"), "{\"hello\": \"Hello {name}\", \"runs\": {\"one\": \"{n} run\", \"other\": \"{n} runs\"}, \"unused\": \"x\"}", SIZE_MAX);
  test_write(test_path("cat/ar.json"), "{\"hello\": \"مرحبا {nom}\", \"runs\": {\"one\": \"تشغيل\", \"other\": \"{n} تشغيل\"}, \"unused\": \"x\", \"extra\": \"y\"}", SIZE_MAX);
  CHECK_RC(render_i18n_check(test_path("cat"), test_path("tpl"), &report, &n, err), POD_OK, err);
  CHECK_HAS(report.data, "en.json: missing key \"gone\" that the templates use");
  CHECK_HAS(report.data, "en.json: key \"unused\" is used by no template");
  CHECK_HAS(report.data, "ar.json: \"hello\" has placeholders that differ from English");
  CHECK_HAS(report.data, "ar.json: \"runs\" lacks the plural form \"few\"");
  CHECK_HAS(report.data, "ar.json: key \"extra\" is not in en.json");
  CHECK(n >= 8);  /* zero, two, few, many missing too */
  pod_buf_free(&report);
}

static void test_i18n_site_in_five_languages(void) {
  char err[POD_ERRLEN], share[4096];
  pod_buf page = POD_BUF_INIT, out = POD_BUF_INIT, e = POD_BUF_INIT;
  static const char evil[] =
      "model,batch_size,sequence_length,result\n"
      "\"gpt\xe2\x80\xae" "lmth.exe\",8,128,0.018\n";
  /* a share folder whose Persian catalog lacks one message */
  snprintf(share, sizeof share, "%s", test_path("share"));
  const char *dirs[] = {"templates", "site", "i18n"};
  for (int k = 0; k < 3; k++) {
    char from[4200], to[4200];
    snprintf(from, sizeof from, "%s/%s", test_root(), dirs[k]);
    snprintf(to, sizeof to, "%s/%s", share, dirs[k]);
    CHECK_RC(pod_copytree(from, to, err), POD_OK, err);
  }
  pod_buf cat = POD_BUF_INIT;
  char path[4200];
  snprintf(path, sizeof path, "%s/i18n/fa.json", share);
  pod_file_read(path, &cat, err);
  char *k = strstr(cat.data, "  \"run.sources\"");
  CHECK(k != NULL);
  if (k) { char *nl = strchr(k, '\n'); memmove(k, nl + 1, strlen(nl + 1) + 1); }
  test_write(path, cat.data, SIZE_MAX);
  pod_buf_free(&cat);
  test_write(test_path("inference_time_1.csv"), evil, sizeof evil - 1);
  setenv("PODIUM_SHARE", share, 1);
  CHECK_INT(test_podium(&out, &e, "ingest --task t inference_time_1.csv"), 0);
  CHECK_INT(test_podium(&out, &e, "render"), 0);
  CHECK_INT(test_podium(&out, &e, "render --lang en,xx"), 1);
  CHECK_HAS(e.data, "no catalog for language \"xx\"");
  CHECK_INT(test_podium(&out, &e, "render --lang en,,fa"), 2);
  unsetenv("PODIUM_SHARE");
  CHECK_INT(pod_file_read(test_path("_site/fa/runs/1.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<html lang=\"fa\" dir=\"rtl\">");
  CHECK_HAS(page.data, "hreflang=\"ar\"");
  CHECK_HAS(page.data, "hreflang=\"te\"");
  CHECK_HAS(page.data, "hreflang=\"ha\"");
  CHECK_HAS(page.data, "\xdb\xb1\xdb\xb8\xd9\xab\xdb\xb0\xc2\xa0ms");  /* ۱۸٫۰ ms */
  /* the model name with U+202E is isolated wherever it is shown */
  CHECK_HAS(page.data, "<bdi>gpt\xe2\x80\xae" "lmth.exe</bdi>");
  CHECK_HAS(page.data, "class=\"notice\"");   /* run.sources fell back */
  CHECK_INT(pod_file_read(test_path("_site/fa/index.html"), &page, err), POD_OK);
  CHECK_LACKS(page.data, "class=\"notice\"");
  CHECK_INT(pod_file_read(test_path("_site/ar/runs/1.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<html lang=\"ar\" dir=\"rtl\">");
  CHECK_INT(pod_file_read(test_path("_site/te/runs/1.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<html lang=\"te\" dir=\"ltr\">");
  CHECK_INT(pod_file_read(test_path("_site/index.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "hreflang=\"fa\" lang=\"fa\" dir=\"rtl\">فارسی</a>");
  CHECK_HAS(page.data, "తెలుగు");
  pod_buf_free(&page);
  pod_buf_free(&out);
  pod_buf_free(&e);
}

/* The shipped catalogs and templates: what `podium i18n check` checks. */
static void test_i18n_check_passes_on_the_shipped_catalogs(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  CHECK_INT(test_podium(&out, &err, "i18n check"), 0);
  CHECK_HAS(out.data, "every catalog in");
  CHECK_STR(err.data, "");
  CHECK_INT(test_podium(&out, &err, "i18n"), 2);
  pod_buf_free(&out);
  pod_buf_free(&err);
}

static void test_i18n_course_page_missing_in_a_language_falls_back(void) {
  char err[POD_ERRLEN];
  pod_buf out = POD_BUF_INIT, e = POD_BUF_INIT, page = POD_BUF_INIT;
  pod_mkdirs(test_path("content/en"), err);
  pod_mkdirs(test_path("content/fa"), err);
  test_write(test_path("content/en/intro.md"), "# Intro\n\nHello.\n", SIZE_MAX);
  test_write(test_path("content/en/notes.md"), "# Notes\n\nEnglish notes.\n", SIZE_MAX);
  test_write(test_path("content/fa/notes.md"), "# یادداشت‌ها\n\nمتن فارسی.\n", SIZE_MAX);
  CHECK_INT(test_podium(&out, &e, "init"), 0);
  CHECK_INT(test_podium(&out, &e, "render --lang en,fa --content content"), 0);
  CHECK_INT(pod_file_read(test_path("_site/fa/notes.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "متن فارسی");
  CHECK_LACKS(page.data, "class=\"notice\"");
  CHECK_INT(pod_file_read(test_path("_site/fa/intro.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "Hello.");                  /* the English page */
  CHECK_HAS(page.data, "class=\"notice\"");        /* said so, in Persian */
  CHECK_HAS(page.data, "ترجمه نشده");
  CHECK_INT(pod_file_read(test_path("_site/en/intro.html"), &page, err), POD_OK);
  CHECK_LACKS(page.data, "class=\"notice\"");
  pod_buf_free(&out);
  pod_buf_free(&e);
  pod_buf_free(&page);
}

/* Charts on a Persian page: tick labels in Persian digits; the chart
** itself stays left to right. */
static void test_i18n_chart_digits_follow_the_page(void) {
  pod_buf out = POD_BUF_INIT, e = POD_BUF_INIT, page = POD_BUF_INIT;
  char err[POD_ERRLEN];
  CHECK_INT(test_podium(&out, &e, "ingest --quiet %s/examples", test_root()), 0);
  CHECK_INT(test_podium(&out, &e, "render --lang en,fa"), 0);
  CHECK_INT(pod_file_read(test_path("_site/fa/leaderboards/text-classification--inference_time.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "class=\"tick\" direction=\"ltr\" unicode-bidi=\"isolate\">\xdb\xb2\xdb\xb0\xd9\xab\xdb\xb0\xc2\xa0ms</text>");
  CHECK_INT(pod_file_read(test_path("_site/en/leaderboards/text-classification--inference_time.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, ">20.0\xc2\xa0ms</text>");
  pod_buf_free(&out);
  pod_buf_free(&e);
  pod_buf_free(&page);
}

const test_case tests_i18n[] = {
  {"i18n_chart_digits_follow_the_page", test_i18n_chart_digits_follow_the_page},
  {"i18n_course_page_missing_in_a_language_falls_back", test_i18n_course_page_missing_in_a_language_falls_back},
  {"i18n_check_passes_on_the_shipped_catalogs", test_i18n_check_passes_on_the_shipped_catalogs},
  {"i18n_site_in_five_languages", test_i18n_site_in_five_languages},
  {"i18n_digits_follow_the_locale", test_i18n_digits_follow_the_locale},
  {"i18n_arabic_has_six_plural_forms", test_i18n_arabic_has_six_plural_forms},
  {"i18n_missing_message_falls_back_to_english", test_i18n_missing_message_falls_back_to_english},
  {"i18n_t_and_fmt_in_templates", test_i18n_t_and_fmt_in_templates},
  {"i18n_check_finds_every_kind_of_problem", test_i18n_check_finds_every_kind_of_problem},
  {NULL, NULL},
};
