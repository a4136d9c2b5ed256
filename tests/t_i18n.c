/*
** tests/t_i18n.c -- languages: locale digits and plural forms through
** ICU, the catalogs' fallback, t() in templates, and `podium i18n check`.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "render/i18n.h"
#include "render/render.h"

#include <pthread.h>
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

/* Whole numbers are written without ICU (i18n_num.c) where that gives
** ICU's bytes: grouping (Telugu's 2 after the first 3), digits, the zeros
** a fraction asks for; negative ones still go through ICU. */
static void test_i18n_whole_numbers_as_icu_writes_them(void) {
  CHECK_STR(number_in("en", 0, 0), "0");
  CHECK_STR(number_in("en", 999, -1), "999");
  CHECK_STR(number_in("en", 1000, 0), "1,000");
  CHECK_STR(number_in("en", 1234567, -1), "1,234,567");
  CHECK_STR(number_in("en", 8, 2), "8.00");
  CHECK_STR(number_in("en", -1234, 0), "-1,234");
  CHECK_STR(number_in("te", 12345678, 0), "1,23,45,678");
  CHECK_STR(number_in("te", 123456, -1), "1,23,456");
  /* Persian: ۱٬۲۳۴٬۵۶۷ and ۸٫۰۰ */
  CHECK_STR(number_in("fa", 1234567, 0),
            "\xdb\xb1\xd9\xac\xdb\xb2\xdb\xb3\xdb\xb4\xd9\xac\xdb\xb5"
            "\xdb\xb6\xdb\xb7");
  CHECK_STR(number_in("fa", 8, 2), "\xdb\xb8\xd9\xab\xdb\xb0\xdb\xb0");
  /* Arabic: ١٠٠٠ grouped as ١٬٠٠٠ */
  CHECK_STR(number_in("ar", 1000, 0), "\xd9\xa1\xd9\xac\xd9\xa0\xd9\xa0\xd9\xa0");
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
  /* the catalog's message takes every one of the six forms */
  static const struct { double n; const char *want; } msgs[] = {
    {0, "لا تشغيلات"}, {1, "تشغيل واحد"}, {2, "تشغيلان"},
    {3, "\xd9\xa3 تشغيلات"}, {11, "\xd9\xa1\xd9\xa1 تشغيلًا"},
    {100, "\xd9\xa1\xd9\xa0\xd9\xa0 تشغيل"}};
  int fallback = 0;
  char err[POD_ERRLEN];
  for (size_t k = 0; ar && k < sizeof msgs / sizeof msgs[0]; k++) {
    pod_buf out = POD_BUF_INIT;
    render_i18n_arg n = {"n", NULL, msgs[k].n};
    CHECK_RC(render_i18n_format_args(ar, "overview.runs", &n, 1, &out, &fallback, err), POD_OK, err);
    CHECK_STR(pod_buf_str(&out), msgs[k].want);
    pod_buf_free(&out);
  }
  CHECK_INT(fallback, 0);
  render_i18n_close(ar);
}

/* MessageFormat: formatting of the subset, in two languages. */
static const char *mf_in(render_i18n *i, const char *pattern,
                         const render_i18n_arg *args, int n) {
  static char out[1024];
  char err[POD_ERRLEN];
  pod_buf b = POD_BUF_INIT;
  size_t at;
  /* a throwaway catalog key: format through a pattern we check first */
  if (render_i18n_syntax(pattern, &at, err)) {
    snprintf(out, sizeof out, "ERROR %zu %s", at, err);
    return out;
  }
  char dir[4200], path[4300];
  snprintf(dir, sizeof dir, "%s", test_path("mfcat"));
  pod_mkdirs(dir, err);
  pod_buf json = POD_BUF_INIT;
  pod_buf_adds(&json, "{\"k\": \"");
  for (const char *p = pattern; *p; p++) {
    if (*p == '"' || *p == '\\') pod_buf_addc(&json, '\\');
    pod_buf_addc(&json, *p);
  }
  pod_buf_adds(&json, "\"}");
  snprintf(path, sizeof path, "%s/%s.json", dir, render_i18n_lang(i));
  test_write(path, json.data, SIZE_MAX);
  snprintf(path, sizeof path, "%s/en.json", dir);
  test_write(path, json.data, SIZE_MAX);
  pod_buf_free(&json);
  render_i18n *j = NULL;
  if (render_i18n_open(dir, render_i18n_lang(i), &j, err) ||
      render_i18n_format_args(j, "k", args, n, &b, NULL, err))
    snprintf(out, sizeof out, "ERROR %s", err);
  else
    snprintf(out, sizeof out, "%s", pod_buf_str(&b));
  render_i18n_close(j);
  pod_buf_free(&b);
  return out;
}

static void test_i18n_messageformat_subset(void) {
  render_i18n *en = open_lang("en"), *fa = open_lang("fa"), *ar = open_lang("ar");
  render_i18n_arg a[] = {{"count", NULL, 1}, {"name", "bert", 0},
                         {"side", "baseline", 0}, {"x", NULL, 12.5}};
  const char *runs = "{count, plural, =0 {no runs} one {# run} other {# runs}}";
  CHECK_STR(mf_in(en, runs, a, 4), "1 run");
  a[0].num = 0;
  CHECK_STR(mf_in(en, runs, a, 4), "no runs");
  a[0].num = 1200;
  CHECK_STR(mf_in(en, runs, a, 4), "1,200 runs");
  CHECK_STR(mf_in(fa, runs, a, 4), "\xdb\xb1\xd9\xac\xdb\xb2\xdb\xb0\xdb\xb0 runs");
  CHECK_STR(mf_in(fa, "{x}", a, 4), "\xdb\xb1\xdb\xb2\xd9\xab\xdb\xb5");  /* ۱۲٫۵ */
  CHECK_STR(mf_in(ar, "{x}", a, 4), "\xd9\xa1\xd9\xa2\xd9\xab\xd9\xa5");  /* ١٢٫٥ */
  CHECK_STR(mf_in(en, "Hi {name}, {missing}", a, 4), "Hi bert, {missing}");
  CHECK_STR(mf_in(en, "{side, select, baseline {the base} other {the other}}", a, 4), "the base");
  a[2].text = "optimized";
  CHECK_STR(mf_in(en, "{side, select, baseline {the base} other {the other}}", a, 4), "the other");
  /* # inside a select inside a plural is the plural's number */
  a[0].num = 3;
  CHECK_STR(mf_in(en, "{count, plural, other {{side, select, other {# x}}}}", a, 4), "3 x");
  /* quoting: '' is a quote, '{' starts quoted text, a lone ' is itself */
  CHECK_STR(mf_in(en, "it''s '{braces}' ma'auni", a, 4), "it's {braces} ma'auni");
  CHECK_STR(mf_in(en, "{count, plural, other {'#' is #}}", a, 4), "# is 3");
  render_i18n_close(en);
  render_i18n_close(fa);
  render_i18n_close(ar);
}

static void test_i18n_messageformat_errors_say_where(void) {
  static const struct { const char *pattern; size_t at; const char *msg; } bad[] = {
    {"Hello {name", 11, "expected \",\" or \"}\" after {name"},
    {"a } b", 2, "with no \"{\" before it"},
    {"{}", 1, "expected an argument name"},
    {"{n, number}", 4, "found argument type number, expected plural or select"},
    {"{n, plural, one {# run}}", 0, "without an \"other\" form"},
    {"{n, plural, single {x} other {y}}", 12, "found plural form \"single\""},
    {"{n, plural, one {x} one {y} other {z}}", 20, "found form \"one\" twice"},
    {"{n, plural, one x other {y}}", 16, "expected \"{\" to open the form \"one\""},
    {"{n, plural, other {x}", 0, "without its closing"},
    {"{n, plural, other {x", 20, "expected \"}\" to close"},
    {"'{unclosed", 0, "not closed"},
  };
  char err[POD_ERRLEN];
  size_t at;
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    err[0] = '\0';
    at = 999;
    if (render_i18n_syntax(bad[k].pattern, &at, err) != POD_EINPUT)
      test_fail(__FILE__, __LINE__, "%s: parsed, expected an error", bad[k].pattern);
    else if (at != bad[k].at || !strstr(err, bad[k].msg))
      test_fail(__FILE__, __LINE__, "%s: error at %zu \"%s\", expected at %zu \"%s\"",
                bad[k].pattern, at, err, bad[k].at, bad[k].msg);
  }
  CHECK_RC(render_i18n_syntax("plain text, {a} and {b, select, x {y} other {z}}", &at, err), POD_OK, err);
  /* in a catalog the error names its file, line and column */
  render_i18n *i = NULL;
  pod_mkdirs(test_path("badcat"), err);
  test_write(test_path("badcat/en.json"), "{\n  \"ok\": \"fine\",\n  \"bad\": \"a \\\"q\\\" {n, plural, one {x}}\"\n}\n", SIZE_MAX);
  CHECK_INT(render_i18n_open(test_path("badcat"), "en", &i, err), POD_EINPUT);
  CHECK_HAS(err, "badcat/en.json:3:19: \"bad\": found {n, plural, ...} without an \"other\" form");
  /* the old form is refused with the way out */
  test_write(test_path("badcat/en.json"), "{\"runs\": {\"one\": \"{n} run\", \"other\": \"{n} runs\"}}", SIZE_MAX);
  CHECK_INT(render_i18n_open(test_path("badcat"), "en", &i, err), POD_EINPUT);
  CHECK_HAS(err, "en.json:1:10: \"runs\": found an object of plural forms (the old catalog form)");
  CHECK_HAS(err, "podium i18n convert");
}

/* podium i18n convert: old plural objects become MessageFormat, strings
** and key order stay, and a second run changes nothing. */
static void test_i18n_convert_rewrites_the_old_form(void) {
  pod_buf out = POD_BUF_INIT, e = POD_BUF_INIT, text = POD_BUF_INIT;
  char err[POD_ERRLEN];
  test_write(test_path("old.json"),
             "{\"_name\": \"العربية\", \"title\": \"Run {id}\",\n"
             " \"runs\": {\"zero\": \"لا تشغيلات\", \"one\": \"تشغيل واحد\", \"two\": \"تشغيلان\", "
             "\"few\": \"{n} تشغيلات\", \"many\": \"{n} تشغيلًا\", \"other\": \"{n} تشغيل #{id}\"},\n"
             " \"eq\": {\"other\": \"it's {n}\", \"=0\": \"none '{x}'\"}}", SIZE_MAX);
  CHECK_INT(test_podium(&out, &e, "i18n convert old.json"), 0);
  CHECK_HAS(out.data, "old.json: 2 messages converted");
  CHECK_INT(pod_file_read(test_path("old.json"), &text, err), POD_OK);
  CHECK_STR(text.data,
            "{\n  \"_name\": \"العربية\",\n  \"title\": \"Run {id}\",\n"
            "  \"runs\": \"{n, plural, zero {لا تشغيلات} one {تشغيل واحد} two {تشغيلان} "
            "few {# تشغيلات} many {# تشغيلًا} other {# تشغيل '#'{id}}}\",\n"
            "  \"eq\": \"{n, plural, =0 {none ''{x}''} other {it's #}}\"\n}\n");
  CHECK_INT(test_podium(&out, &e, "i18n convert old.json"), 0);
  CHECK_HAS(out.data, "old.json: already MessageFormat");
  size_t at;
  CHECK_INT(render_i18n_syntax("{n, plural, =0 {none ''{x}''} other {it's #}}", &at, err), POD_OK);
  pod_buf_free(&out);
  pod_buf_free(&e);
  pod_buf_free(&text);
}

static void test_i18n_missing_message_falls_back_to_english(void) {
  char err[POD_ERRLEN];
  render_i18n *i = NULL;
  int fallback = 0;
  pod_mkdirs(test_path("cat"), err);
  test_write(test_path("cat/en.json"), "{\"a\": \"Apple\", \"b\": \"Bee\"}", SIZE_MAX);
  test_write(test_path("cat/fa.json"), "{\"a\": \"سیب\"}", SIZE_MAX);
  CHECK_RC(render_i18n_open(test_path("cat"), "fa", &i, err), POD_OK, err);
  CHECK_STR(render_i18n_text(i, "a", &fallback), "سیب");
  CHECK_INT(fallback, 0);
  CHECK_STR(render_i18n_text(i, "b", &fallback), "Bee");
  CHECK_INT(fallback, 1);
  CHECK(render_i18n_text(i, "c", &fallback) == NULL);
  render_i18n_close(i);
  test_write(test_path("cat/xx.json"), "{\"a\": [1]}", SIZE_MAX);
  CHECK_INT(render_i18n_open(test_path("cat"), "xx", &i, err), POD_EINPUT);
  CHECK_HAS(err, "xx.json:1:7: \"a\": found a message that is not a string");
  CHECK_INT(render_i18n_open(test_path("cat"), "../x", &i, err), POD_EINPUT);
  CHECK_INT(render_i18n_open(test_path("cat"), "de", &i, err), POD_EINPUT);
  CHECK_HAS(err, "no catalog for language \"de\"");
}

/* Catalogs are read once for every language open on them, on any
** thread (render/i18n.c): one closing leaves the others whole, and a file
** changed since is read again while the old copy stays its holders'. */
typedef struct open_job {
  const char *dir;
  render_i18n *i;
  char err[POD_ERRLEN];
  int rc;
} open_job;

static void *open_on_thread(void *ud) {
  open_job *j = ud;
  j->rc = render_i18n_open(j->dir, "fa", &j->i, j->err);
  return NULL;
}

/* Opens and closes fa and ar 50 times, reading a text each time, as
** render threads do beside each other (TSan: make tsan). */
static void *churn_on_thread(void *ud) {
  open_job *j = ud;
  int fallback = 0;
  for (int k = 0; k < 50 && j->rc == POD_OK; k++) {
    render_i18n *fa = NULL, *ar = NULL;
    if ((j->rc = render_i18n_open(j->dir, "fa", &fa, j->err)) == POD_OK &&
        (j->rc = render_i18n_open(j->dir, "ar", &ar, j->err)) == POD_OK) {
      const char *b = render_i18n_text(fa, "b", &fallback);
      const char *a = render_i18n_text(ar, "a", &fallback);
      if (!b || strcmp(b, "Bee") || !a || strcmp(a, "تفاحة")) j->rc = -1;
    }
    render_i18n_close(ar);
    render_i18n_close(fa);
  }
  return NULL;
}

static void test_i18n_catalogs_shared_and_read_again_when_changed(void) {
  char err[POD_ERRLEN];
  render_i18n *fa = NULL, *ar = NULL, *fa2 = NULL;
  open_job j = {test_path("shared"), NULL, "", 0};
  pthread_t th;
  int fallback = 0;
  pod_mkdirs(test_path("shared"), err);
  test_write(test_path("shared/en.json"), "{\"a\": \"Apple\", \"b\": \"Bee\"}", SIZE_MAX);
  test_write(test_path("shared/fa.json"), "{\"a\": \"سیب\"}", SIZE_MAX);
  test_write(test_path("shared/ar.json"), "{\"a\": \"تفاحة\"}", SIZE_MAX);
  CHECK_RC(render_i18n_open(test_path("shared"), "fa", &fa, err), POD_OK, err);
  CHECK_RC(render_i18n_open(test_path("shared"), "ar", &ar, err), POD_OK, err);
  CHECK_INT(pthread_create(&th, NULL, open_on_thread, &j), 0);
  pthread_join(th, NULL);
  CHECK_RC(j.rc, POD_OK, j.err);
  {   /* four threads opening and closing them at once */
    open_job c[4];
    pthread_t ct[4];
    for (int k = 0; k < 4; k++) {
      c[k] = (open_job){test_path("shared"), NULL, "", 0};
      CHECK_INT(pthread_create(&ct[k], NULL, churn_on_thread, &c[k]), 0);
    }
    for (int k = 0; k < 4; k++) {
      pthread_join(ct[k], NULL);
      CHECK_RC(c[k].rc, POD_OK, c[k].err);
    }
  }
  render_i18n_close(fa);   /* the others keep fa.json and en.json */
  CHECK_STR(render_i18n_text(j.i, "a", &fallback), "سیب");
  CHECK_STR(render_i18n_text(j.i, "b", &fallback), "Bee");
  CHECK_STR(render_i18n_text(ar, "b", &fallback), "Bee");
  CHECK_STR(render_i18n_name(ar), "ar");
  test_write(test_path("shared/en.json"), "{\"a\": \"Apple\", \"b\": \"Bear\"}", SIZE_MAX);
  CHECK_RC(render_i18n_open(test_path("shared"), "fa", &fa2, err), POD_OK, err);
  CHECK_STR(render_i18n_text(fa2, "b", &fallback), "Bear");
  CHECK_STR(render_i18n_text(j.i, "b", &fallback), "Bee");
  render_i18n_close(j.i);
  render_i18n_close(ar);
  CHECK_STR(render_i18n_text(fa2, "a", &fallback), "سیب");
  render_i18n_close(fa2);
  /* a broken file is refused, not taken from an open copy */
  CHECK_RC(render_i18n_open(test_path("shared"), "ar", &ar, err), POD_OK, err);
  test_write(test_path("shared/en.json"), "{\"a\": [1]}", SIZE_MAX);
  CHECK_INT(render_i18n_open(test_path("shared"), "fa", &fa, err), POD_EINPUT);
  CHECK_HAS(err, "en.json:1:7");
  render_i18n_close(ar);
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

/* Texts, numbers and dates are kept once made (sandbox.c t() cache,
** i18n.c number and date slots): asking again, in another language and
** back, gives the same answers; a fallback still marks every page that
** uses it; what differs only in fraction digits or style stays apart. */
static void test_i18n_kept_texts_stay_right(void) {
  char err[POD_ERRLEN], dir[4096];
  const char *dirs[] = {dir};
  render_sandbox *sb = NULL;
  pod_buf out = POD_BUF_INIT, b = POD_BUF_INIT;
  render_i18n *fa = open_lang("fa"), *en = open_lang("en"), *part = NULL;
  const char *tpl = "{{ t('nav.runs') }}|{{ t('overview.runs', 3) }}|{{ t('overview.runs', 1) }}|{{ 1234 }}|{{ 2.5 }}";
  snprintf(dir, sizeof dir, "%s/templates", test_root());
  CHECK_RC(render_sandbox_new(dirs, 1, &sb, err), POD_OK, err);
  for (int round = 0; round < 2; round++) {
    render_sandbox_language(sb, fa);
    CHECK_RC(render_sandbox_eval(sb, "t.html", tpl, NULL, 0, &out, err), POD_OK, err);
    CHECK_STR(out.data, "اجراها|۳ اجرا|۱ اجرا|۱٬۲۳۴|۲٫۵");
    render_sandbox_language(sb, en);
    CHECK_RC(render_sandbox_eval(sb, "t.html", tpl, NULL, 0, &out, err), POD_OK, err);
    CHECK_STR(out.data, "Runs|3 runs|1 run|1,234|2.5");
  }
  /* a catalog lacking a key: English, and the page is marked each time */
  pod_mkdirs(test_path("cat"), err);
  test_write(test_path("cat/en.json"), "{\"a\": \"Apple\", \"b\": \"{n, plural, one {# bee} other {# bees}}\"}", SIZE_MAX);
  test_write(test_path("cat/fa.json"), "{\"a\": \"سیب\"}", SIZE_MAX);
  CHECK_RC(render_i18n_open(test_path("cat"), "fa", &part, err), POD_OK, err);
  render_sandbox_language(sb, part);
  for (int page = 0; page < 3; page++) {
    CHECK_RC(render_sandbox_eval(sb, "t.html", "{{ t('a') }} {{ t('b', 2) }}", NULL, 0, &out, err), POD_OK, err);
    CHECK_STR(out.data, "سیب ۲ bees");
    CHECK_INT(render_sandbox_fallback(sb, 1), 1);
    CHECK_RC(render_sandbox_eval(sb, "t.html", "{{ t('a') }}", NULL, 0, &out, err), POD_OK, err);
    CHECK_INT(render_sandbox_fallback(sb, 1), 0);
  }
  /* the same value at other precisions, the same time with and without
  ** the time of day */
  for (int round = 0; round < 2; round++) {
    pod_buf_clear(&b);
    render_i18n_number(en, &b, 2.5, 0);
    pod_buf_adds(&b, "|");
    render_i18n_number(en, &b, 2.5, 2);
    pod_buf_adds(&b, "|");
    render_i18n_number(en, &b, 2.5, -1);
    CHECK_STR(b.data, "2|2.50|2.5");
    pod_buf_clear(&b);
    CHECK_INT(render_i18n_date(en, "2026-11-23T11:53:09Z", 0, &b), 0);
    CHECK_LACKS(b.data, "11:53");
    pod_buf_clear(&b);
    CHECK_INT(render_i18n_date(en, "2026-11-23T11:53:09Z", 1, &b), 0);
    CHECK_HAS(b.data, "11:53");
  }
  render_sandbox_free(sb);
  render_i18n_close(fa);
  render_i18n_close(en);
  render_i18n_close(part);
  pod_buf_free(&out);
  pod_buf_free(&b);
}

static void test_i18n_check_finds_every_kind_of_problem(void) {
  char err[POD_ERRLEN];
  pod_buf report = POD_BUF_INIT;
  int n = 0;
  pod_mkdirs(test_path("cat"), err);
  pod_mkdirs(test_path("tpl"), err);
  test_write(test_path("tpl/a.html"), "{{ t('hello', {name = x}) }} {{ t('runs', 2) }} {{ t('gone') }} {{ t('broken') }} {{ t('verdict.better') }}", SIZE_MAX);
  test_write(test_path("cat/en.json"), "{\"hello\": \"Hello {name}\", \"runs\": \"{n, plural, one {# run} other {# runs}}\", \"unused\": \"x\", \"broken\": \"ok\", \"verdict.better\": \"better\"}", SIZE_MAX);
  test_write(test_path("cat/ar.json"), "{\"hello\": \"مرحبا {nom}\",\n\"runs\": \"{n, plural, one {تشغيل} other {# تشغيل}}\", \"unused\": \"x\", \"extra\": \"y\",\n\"broken\": \"{n, plural, one {x}}\", \"verdict.better\": \"أفضل\"}", SIZE_MAX);
  CHECK_RC(render_i18n_check(test_path("cat"), test_path("tpl"), &report, &n, err), POD_OK, err);
  CHECK_HAS(report.data, "en.json: missing key \"gone\" that the templates use");
  CHECK_HAS(report.data, "en.json: key \"unused\" is used by no template");
  CHECK_HAS(report.data, "ar.json: \"hello\" has placeholders that differ from English: {nom}, expected {name}");
  CHECK_HAS(report.data, "ar.json: \"runs\" lacks the plural form \"few\"");
  CHECK_HAS(report.data, "ar.json: \"runs\" lacks the plural form \"zero\"");
  CHECK_HAS(report.data, "ar.json: key \"extra\" is not in en.json");
  CHECK_HAS(report.data, "ar.json:3:12: \"broken\": found {n, plural, ...} without an \"other\" form");
  /* every key the C code formats must be in en.json */
  for (int k = 0; render_i18n_c_keys[k]; k++)
    if (strcmp(render_i18n_c_keys[k], "verdict.better"))
      CHECK(strstr(report.data, render_i18n_c_keys[k]) != NULL);
  CHECK_LACKS(report.data, "missing key \"verdict.better\"");
  CHECK(n >= 10);
  pod_buf_free(&report);
}

/* Issue 17: Hausa had "Matsayi" for both Rank and Role in 88 tables. */
static void test_i18n_check_refuses_two_columns_with_one_header(void) {
  char err[POD_ERRLEN];
  pod_buf report = POD_BUF_INIT;
  int n = 0;
  pod_mkdirs(test_path("hcat"), err);
  pod_mkdirs(test_path("htpl"), err);
  test_write(test_path("htpl/board.html"), "<table><thead><tr><th>{{ t('col.rank') }}</th><th>{{ t('col.role') }}</th></tr></thead><tbody><tr><td>{{ t('col.step') }}</td></tr></tbody></table>", SIZE_MAX);
  test_write(test_path("hcat/en.json"), "{\"col.rank\": \"Rank\", \"col.role\": \"Role\", \"col.step\": \"Step\"}", SIZE_MAX);
  test_write(test_path("hcat/ha.json"), "{\"col.rank\": \"Matsayi\", \"col.role\": \"Matsayi\", \"col.step\": \"Matsayi\"}", SIZE_MAX);
  CHECK_RC(render_i18n_check(test_path("hcat"), test_path("htpl"), &report, &n, err), POD_OK, err);
  CHECK_HAS(report.data, "ha.json: \"col.rank\" and \"col.role\" are both \"Matsayi\", two columns of one table in board.html");
  CHECK_LACKS(report.data, "en.json: \"col.rank\" and");
  CHECK_LACKS(report.data, "col.step\" are");   /* a cell, not a header */
  const char *both = strstr(report.data, "are both");
  CHECK(both && !strstr(both + 1, "are both"));   /* Hausa only */
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
  CHECK_INT(test_demo_bench(&out, &e, ""), 0);
  CHECK_INT(test_podium(&out, &e, "render --lang en,fa"), 0);
  CHECK_INT(pod_file_read(test_path("_site/fa/leaderboards/text-classification--inference_time.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "class=\"tick\" direction=\"ltr\">\xdb\xb2\xdb\xb0</text>");   /* ۲۰ */
  CHECK_HAS(page.data, ">\xd8\xaa\xd8\xa3\xd8\xae\xdb\x8c\xd8\xb1 (ms)</text>");   /* تأخیر (ms) */
  /* a mixed header of the chart's data reads right to left, as the page */
  CHECK_HAS(page.data, "<bdi dir=\"rtl\">bert-base-uncased (\xd8\xaa\xd8\xa3\xd8\xae\xdb\x8c\xd8\xb1)</bdi></th>");
  CHECK_INT(pod_file_read(test_path("_site/en/leaderboards/text-classification--inference_time.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, ">20</text>");
  CHECK_HAS(page.data, ">Latency (ms)</text>");
  pod_buf_free(&out);
  pod_buf_free(&e);
  pod_buf_free(&page);
}

/* Writes a one-row benchmark file model,8,128,v into folder. */
static void bench_in(const char *folder, const char *model, double v) {
  char body[256], path[600], err[POD_ERRLEN];
  snprintf(path, sizeof path, "%s", test_path(folder));
  pod_mkdirs(path, err);
  snprintf(body, sizeof body,
           "model,batch_size,sequence_length,result\n%s,8,128,%.4f\n", model, v);
  snprintf(path, sizeof path, "%s/inference_time_1700000000.csv", folder);
  test_write(test_path(path), body, SIZE_MAX);
}

/* Texts made in C reach pages in the page language: comparison warnings
** and verdicts, overfitting verdicts, split names, dates; a C message a
** language lacks shows in English with the page's notice. */
static void test_i18n_c_texts_follow_the_page(void) {
  char err[POD_ERRLEN], share[4096], path[4200];
  pod_buf out = POD_BUF_INIT, e = POD_BUF_INIT, page = POD_BUF_INIT,
          env = POD_BUF_INIT, cat = POD_BUF_INIT;
  const char *dirs[] = {"templates", "site", "i18n"};
  char *a100;
  /* two GPUs: the comparison warns */
  bench_in("v100", "bert-base-uncased", 0.018);
  bench_in("a100", "distilbert-base-uncased", 0.009);
  snprintf(path, sizeof path, "%s/examples/bert-base/env_info_1700000000.csv", test_root());
  CHECK_INT(pod_file_read(path, &env, err), POD_OK);
  test_write(test_path("v100/env_info_1700000000.csv"), env.data, env.len);
  a100 = strstr(env.data, "Tesla V100-SXM2-16GB");
  CHECK(a100 != NULL);
  if (a100) memcpy(a100, "NVIDIA A100-SXM4-40G", 20);
  test_write(test_path("a100/env_info_1700000000.csv"), env.data, env.len);
  CHECK_INT(test_podium(&out, &e, "ingest --task t --role baseline v100"), 0);
  CHECK_INT(test_podium(&out, &e, "ingest --task t --role optimized a100"), 0);
  /* a training log: train and validation loss per epoch */
  snprintf(path, sizeof path, "%s/tests/data/keras-csvlogger/tf2-accuracy-Aditya24jar-Emotion-Detection-training.log", test_root());
  CHECK_INT(test_podium(&out, &e, "ingest --task t --model keras '%s'", path), 0);
  /* a share folder whose Arabic catalog lacks the "differs" warning */
  snprintf(share, sizeof share, "%s", test_path("share"));
  for (int k = 0; k < 3; k++) {
    char from[4200], to[4200];
    snprintf(from, sizeof from, "%s/%s", test_root(), dirs[k]);
    snprintf(to, sizeof to, "%s/%s", share, dirs[k]);
    CHECK_RC(pod_copytree(from, to, err), POD_OK, err);
  }
  snprintf(path, sizeof path, "%s/i18n/ar.json", share);
  CHECK_INT(pod_file_read(path, &cat, err), POD_OK);
  char *k = strstr(cat.data, "  \"compare.warn.differs\"");
  CHECK(k != NULL);
  if (k) { char *nl = strchr(k, '\n'); memmove(k, nl + 1, strlen(nl + 1) + 1); }
  test_write(path, cat.data, SIZE_MAX);
  setenv("PODIUM_SHARE", share, 1);
  CHECK_INT(test_podium(&out, &e, "render --lang en,fa,ar"), 0);
  unsetenv("PODIUM_SHARE");
  /* Persian: the warning, its fact and the verdict */
  CHECK_INT(pod_file_read(test_path("_site/fa/compare/bert-base-uncased--distilbert-base-uncased.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<li>GPU فرق دارد: Tesla V100-SXM2-16GB (پایه) در برابر NVIDIA A100-SXM4-40G (بهینه‌شده)</li>");
  CHECK_HAS(page.data, "\">بهتر<sup class=\"warn-mark\"");
  CHECK_HAS(page.data, "<bdi>بدون بازه (n = ۱)</bdi>");   /* starts right to left */
  CHECK_LACKS(page.data, "GPU differs");
  CHECK_LACKS(page.data, "class=\"notice\"");
  /* English stays English */
  CHECK_INT(pod_file_read(test_path("_site/en/compare/bert-base-uncased--distilbert-base-uncased.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<li>GPU differs: Tesla V100-SXM2-16GB (baseline) vs NVIDIA A100-SXM4-40G (optimized)</li>");
  /* Arabic lacks the message: English, and the page says so */
  CHECK_INT(pod_file_read(test_path("_site/ar/compare/bert-base-uncased--distilbert-base-uncased.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<li>GPU differs: Tesla V100-SXM2-16GB (baseline) vs NVIDIA A100-SXM4-40G (optimized)</li>");
  CHECK_HAS(page.data, "class=\"notice\"");
  CHECK_HAS(page.data, "\">أفضل<sup class=\"warn-mark\"");
  /* the training run: split names, the overfitting verdict, dates */
  CHECK_INT(pod_file_read(test_path("_site/fa/runs/3.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<td>اعتبارسنجی</td>");
  CHECK_HAS(page.data, "class=\"legend\" direction=\"ltr\">آموزش</text>");
  CHECK_HAS(page.data, "<p class=\"overfit\">بهترین loss اعتبارسنجی");
  CHECK_HAS(page.data, "نتیجه (k = ۳):");
  CHECK(strstr(page.data, "<strong>بیش‌برازش از دورهٔ") || strstr(page.data, "<strong>بدون واگرایی در"));
  CHECK_LACKS(page.data, "Verdict");
  CHECK_LACKS(page.data, "no divergence");
  CHECK_LACKS(page.data, "overfitting from");
  CHECK_LACKS(page.data, "class=\"notice\"");
  CHECK_HAS(page.data, "<time datetime=\"");
  CHECK(strstr(page.data, "\xdb\xb1\xdb\xb4\xdb\xb0") != NULL);   /* ۱۴۰…: a Persian-calendar year */
  CHECK_INT(pod_file_read(test_path("_site/en/runs/3.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<td>validation</td>");
  CHECK_HAS(page.data, "<p class=\"overfit\">Best validation loss");
  CHECK_HAS(page.data, " UTC</time>");
  pod_buf_free(&out);
  pod_buf_free(&e);
  pod_buf_free(&page);
  pod_buf_free(&env);
  pod_buf_free(&cat);
}

/* fmt_date: one time in each language, as CLDR writes it. */
static void test_i18n_dates_follow_the_locale(void) {
  static const struct { const char *lang, *want; } cases[] = {
    {"en", "Nov 23, 2026, 11:53 AM UTC"},
    {"fa", "۲ آذر ۱۴۰۵، ۱۱:۵۳ (UTC)"},
    {"ar", "٢٣ نوفمبر ٢٠٢٦، ١١:٥٣ ص UTC"},
    {"te", "23, నవం 2026 11:53 AM UTC"},
    {"ha", "23 Nuw, 2026, 11:53 UTC"}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    render_i18n *i = open_lang(cases[k].lang);
    pod_buf b = POD_BUF_INIT;
    if (!i) continue;
    CHECK_INT(render_i18n_date(i, "2026-11-23T11:53:09Z", 1, &b), 0);
    /* CLDR puts narrow no-break spaces in some; compare with plain ones */
    for (char *p; (p = strstr(b.data, "\xe2\x80\xaf"));) {
      *p = ' ';
      memmove(p + 1, p + 3, strlen(p + 3) + 1);
      b.len -= 2;
    }
    if (strcmp(pod_buf_str(&b), cases[k].want))
      test_fail(__FILE__, __LINE__, "%s: \"%s\", expected \"%s\"", cases[k].lang,
                pod_buf_str(&b), cases[k].want);
    pod_buf_clear(&b);
    /* an offset is honoured: 13:53+02:00 is 11:53 UTC */
    CHECK_INT(render_i18n_date(i, "2026-11-23T13:53:09+02:00", 1, &b), 0);
    CHECK(strstr(pod_buf_str(&b), "11") != NULL || strcmp(cases[k].lang, "en"));
    pod_buf_clear(&b);
    CHECK_INT(render_i18n_date(i, "2026-11-23", 1, &b), 0);   /* a date alone */
    CHECK_LACKS(pod_buf_str(&b), "UTC");
    CHECK_INT(render_i18n_date(i, "yesterday", 1, &b), -1);
    CHECK_INT(render_i18n_date(i, "2026-13-01T00:00:00Z", 1, &b), -1);
    pod_buf_free(&b);
    render_i18n_close(i);
  }
}

/* The project file's default_language writes the chooser in that
** language, lists it first and marks it; pages point to the chooser as
** x-default. */
static void test_i18n_project_default_language_on_the_chooser(void) {
  pod_buf out = POD_BUF_INIT, e = POD_BUF_INIT, page = POD_BUF_INIT;
  char err[POD_ERRLEN];
  CHECK_INT(test_podium(&out, &e, "init"), 0);
  test_write(test_path("podium.project.json"),
             "{\"languages\": [\"en\", \"fa\", \"ar\"], \"default_language\": \"fa\"}", SIZE_MAX);
  CHECK_INT(test_podium(&out, &e, "render"), 0);
  CHECK_INT(pod_file_read(test_path("_site/index.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<html lang=\"fa\" dir=\"rtl\">");
  CHECK_HAS(page.data, "<ul class=\"languages\">\n<li class=\"default\"><a href=\"fa/index.html\" hreflang=\"fa\"");
  CHECK_HAS(page.data, "<li><a href=\"en/index.html\" hreflang=\"en\"");
  CHECK(!pod_exists(test_path("_site/te")));
  CHECK_INT(pod_file_read(test_path("_site/en/index.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<link rel=\"alternate\" hreflang=\"x-default\" href=\"../index.html\">");
  test_write(test_path("podium.project.json"),
             "{\"languages\": [\"fa\", \"en\"], \"default_language\": \"en\"}", SIZE_MAX);
  CHECK_INT(test_podium(&out, &e, "render"), 0);
  CHECK_INT(pod_file_read(test_path("_site/index.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<html lang=\"en\" dir=\"ltr\">");
  CHECK_HAS(page.data, "<li class=\"default\"><a href=\"en/index.html\"");
  CHECK(!pod_exists(test_path("_site/ar")));
  /* --lang wins: its first is the default */
  CHECK_INT(test_podium(&out, &e, "render --lang ar,en"), 0);
  CHECK_INT(pod_file_read(test_path("_site/index.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<html lang=\"ar\" dir=\"rtl\">");
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
  {"i18n_whole_numbers_as_icu_writes_them", test_i18n_whole_numbers_as_icu_writes_them},
  {"i18n_arabic_has_six_plural_forms", test_i18n_arabic_has_six_plural_forms},
  {"i18n_missing_message_falls_back_to_english", test_i18n_missing_message_falls_back_to_english},
  {"i18n_catalogs_shared_and_read_again_when_changed", test_i18n_catalogs_shared_and_read_again_when_changed},
  {"i18n_t_and_fmt_in_templates", test_i18n_t_and_fmt_in_templates},
  {"i18n_kept_texts_stay_right", test_i18n_kept_texts_stay_right},
  {"i18n_check_finds_every_kind_of_problem", test_i18n_check_finds_every_kind_of_problem},
  {"i18n_check_refuses_two_columns_with_one_header", test_i18n_check_refuses_two_columns_with_one_header},
  {"i18n_messageformat_subset", test_i18n_messageformat_subset},
  {"i18n_project_default_language_on_the_chooser", test_i18n_project_default_language_on_the_chooser},
  {"i18n_c_texts_follow_the_page", test_i18n_c_texts_follow_the_page},
  {"i18n_dates_follow_the_locale", test_i18n_dates_follow_the_locale},
  {"i18n_messageformat_errors_say_where", test_i18n_messageformat_errors_say_where},
  {"i18n_convert_rewrites_the_old_form", test_i18n_convert_rewrites_the_old_form},
  {NULL, NULL},
};
