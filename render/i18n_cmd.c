/*
** render/i18n_cmd.c -- the commands that look at catalogs rather than
** use them: `podium i18n check` (every catalog against en.json and the
** templates) and `podium i18n convert` (old plural objects to ICU
** MessageFormat). The runtime they check is render/i18n.c; what the two
** share is in i18n_int.h. Owns nothing past a call.
*/
#include "render/i18n.h"
#include "render/i18n_int.h"
#include "core/fs.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/upluralrules.h>

/* ---- podium i18n check ----------------------------------------------- */

static void problem(pod_buf *report, int *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(pod_buf *report, int *n, const char *fmt, ...) {
  va_list ap;
  char line[POD_ERRLEN + 300];
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  pod_buf_adds(report, line);
  pod_buf_addc(report, '\n');
  ++*n;
}

typedef struct sink {
  pod_buf *report;
  int *n;
} sink;

static void sink_line(void *ud, const char *line) {
  sink *k = ud;
  problem(k->report, k->n, "%s", line);
}

static int good_message(const cJSON *m) {
  size_t at;
  char err[POD_ERRLEN];
  return cJSON_IsString(m) &&
         render_i18n_syntax(m->valuestring, &at, err) == POD_OK;
}

static int same_set(cJSON *a, cJSON *b) {
  cJSON *x;
  cJSON_ArrayForEach(x, a) if (!cJSON_GetObjectItemCaseSensitive(b, x->string)) return 0;
  cJSON_ArrayForEach(x, b) if (!cJSON_GetObjectItemCaseSensitive(a, x->string)) return 0;
  return 1;
}

static void set_text(pod_buf *b, cJSON *set) {
  cJSON *x;
  pod_buf_clear(b);
  cJSON_ArrayForEach(x, set) pod_buf_printf(b, "%s{%s}", b->len ? " " : "", x->string);
  if (!b->len) pod_buf_adds(b, "none");
}

/* Calls fn with the name and text of every template file in dir. */
static void each_template(const char *dir,
                          void (*fn)(const char *name, const char *text,
                                     cJSON *out),
                          cJSON *out) {
  DIR *d = opendir(dir);
  struct dirent *e;
  pod_buf text = POD_BUF_INIT;
  char err[POD_ERRLEN];
  if (!d) return;
  while ((e = readdir(d))) {
    char path[4200];
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (pod_file_read(path, &text, err)) continue;
    fn(e->d_name, pod_buf_str(&text), out);
  }
  closedir(d);
  pod_buf_free(&text);
}

/* Keys a template uses: t('key' or t("key". */
static void template_keys(const char *name, const char *text, cJSON *used) {
  (void)name;
  for (const char *p = text; (p = strstr(p, "t(")); p += 2) {
    if (p > text && (p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
                     (p[-1] >= 'A' && p[-1] <= 'Z') ||
                     (p[-1] >= '0' && p[-1] <= '9')))
      continue;
    const char *q = p + 2;
    while (*q == ' ') q++;
    if (*q != '\'' && *q != '"') continue;
    const char *end = strchr(q + 1, *q);
    if (!end || end - q > 100) continue;
    char key[128];
    snprintf(key, sizeof key, "%.*s", (int)(end - q - 1), q + 1);
    if (!cJSON_GetObjectItemCaseSensitive(used, key))
      cJSON_AddStringToObject(used, key, "the templates use");
  }
}

static void used_keys(const char *dir, cJSON *used) {
  each_template(dir, template_keys, used);
}

/* The keys each table header row of a template names (t('key') between
** <thead and </thead>), as [[file, key, key...], ...]: two columns of one
** table must never share a header, in any language. */
static void template_headers(const char *name, const char *text,
                             cJSON *tables) {
  for (const char *p = text; (p = strstr(p, "<thead")); ) {
    const char *end = strstr(p, "</thead>");
    cJSON *row = cJSON_CreateArray();
    if (!end) end = p + strlen(p);
    cJSON_AddItemToArray(row, cJSON_CreateString(name));
    for (const char *q = p; (q = strstr(q, "t('")) && q < end; q += 3) {
      const char *close = strchr(q + 3, '\'');
      char key[128];
      if (!close || close > end || close - q > 100) break;
      snprintf(key, sizeof key, "%.*s", (int)(close - q - 3), q + 3);
      cJSON_AddItemToArray(row, cJSON_CreateString(key));
    }
    cJSON_AddItemToArray(tables, row);
    p = end;
  }
}

static void header_keys(const char *dir, cJSON *tables) {
  each_template(dir, template_headers, tables);
}

/* Two headers of one table that read the same in this catalog. */
static void check_headers(cJSON *cat, cJSON *en, cJSON *tables,
                          const char *file, pod_buf *report, int *n) {
  cJSON *row;
  cJSON_ArrayForEach(row, tables) {
    int nk = cJSON_GetArraySize(row);
    for (int i = 1; i < nk; i++)
      for (int j = i + 1; j < nk; j++) {
        const char *ki = cJSON_GetArrayItem(row, i)->valuestring;
        const char *kj = cJSON_GetArrayItem(row, j)->valuestring;
        cJSON *a = cJSON_GetObjectItemCaseSensitive(cat, ki);
        cJSON *b = cJSON_GetObjectItemCaseSensitive(cat, kj);
        if (!a) a = cJSON_GetObjectItemCaseSensitive(en, ki);
        if (!b) b = cJSON_GetObjectItemCaseSensitive(en, kj);
        if (strcmp(ki, kj) && cJSON_IsString(a) && cJSON_IsString(b) &&
            !strcmp(a->valuestring, b->valuestring))
          problem(report, n, "%s: \"%s\" and \"%s\" are both \"%s\", two "
                  "columns of one table in %s", file, ki, kj, a->valuestring,
                  cJSON_GetArrayItem(row, 0)->valuestring);
      }
  }
}

/* Plural forms each plural of pattern lacks that lang's rules have. */
static void check_plurals(UPluralRules *rules, const char *file,
                          const char *key, const char *pattern,
                          pod_buf *report, int *n) {
  cJSON *plurals = cJSON_CreateArray(), *p;
  i18n_shape(pattern, NULL, plurals);
  cJSON_ArrayForEach(p, plurals) {
    UErrorCode st = U_ZERO_ERROR;
    UEnumeration *kw = uplrules_getKeywords(rules, &st);
    const char *k;
    int32_t len;
    while (U_SUCCESS(st) && (k = uenum_next(kw, &len, &st))) {
      cJSON *form;
      int has = 0;
      cJSON_ArrayForEach(form, p) has |= form != p->child && !strcmp(form->valuestring, k);
      if (!has)
        problem(report, n, "%s: \"%s\" lacks the plural form \"%s\" that "
                "this language needs (in {%s, plural, ...})", file, key, k,
                p->child->valuestring);
    }
    uenum_close(kw);
  }
  cJSON_Delete(plurals);
}

/* One language against English. */
static void check_language(const char *lang, cJSON *cat, cJSON *en,
                           const char *file, pod_buf *report, int *n) {
  UErrorCode st = U_ZERO_ERROR;
  UPluralRules *rules = uplrules_open(lang, &st);
  pod_buf a = POD_BUF_INIT, b = POD_BUF_INIT;
  cJSON *m;
  if (U_FAILURE(st)) {
    problem(report, n, "%s: ICU cannot serve language \"%s\": %s", file,
            lang, u_errorName(st));
    return;
  }
  cJSON_ArrayForEach(m, en) {
    cJSON *t = cJSON_GetObjectItemCaseSensitive(cat, m->string);
    cJSON *want, *got;
    if (m->string[0] == '_') continue;
    if (!t) {
      problem(report, n, "%s: missing key \"%s\"", file, m->string);
      continue;
    }
    if (!good_message(t)) continue;   /* check_messages said why */
    check_plurals(rules, file, m->string, t->valuestring, report, n);
    if (cat == en || !good_message(m)) continue;
    want = cJSON_CreateObject();
    got = cJSON_CreateObject();
    i18n_shape(m->valuestring, want, NULL);
    i18n_shape(t->valuestring, got, NULL);
    if (!same_set(got, want)) {
      set_text(&a, got);
      set_text(&b, want);
      problem(report, n, "%s: \"%s\" has placeholders that differ from "
              "English: %s, expected %s", file, m->string, a.data, b.data);
    }
    cJSON_Delete(want);
    cJSON_Delete(got);
  }
  if (cat != en)
    cJSON_ArrayForEach(m, cat)
      if (m->string[0] != '_' && !cJSON_GetObjectItemCaseSensitive(en, m->string))
        problem(report, n, "%s: key \"%s\" is not in en.json", file, m->string);
  uplrules_close(rules);
  pod_buf_free(&a);
  pod_buf_free(&b);
}

static int name_cmp(const void *x, const void *y) {
  return strcmp(*(char *const *)x, *(char *const *)y);
}

int render_i18n_check(const char *dir, const char *templates_dir,
                      pod_buf *report, int *n_problems, char err[POD_ERRLEN]) {
  cJSON *en = NULL, *used = cJSON_CreateObject(), *m;
  cJSON *tables = cJSON_CreateArray();
  pod_buf text = POD_BUF_INIT;
  char path[4200], **files = NULL;
  size_t n_files = 0;
  DIR *d;
  struct dirent *e;
  sink k = {report, n_problems};
  int rc;
  *n_problems = 0;
  snprintf(path, sizeof path, "%s/en.json", dir);
  if ((rc = i18n_read_catalog(path, &text, &en, err))) goto done;
  used_keys(templates_dir, used);
  header_keys(templates_dir, tables);
  for (int j = 0; render_i18n_c_keys[j]; j++)
    if (!cJSON_GetObjectItemCaseSensitive(used, render_i18n_c_keys[j]))
      cJSON_AddStringToObject(used, render_i18n_c_keys[j], "podium's C code uses");
  cJSON_ArrayForEach(m, used)
    if (!cJSON_GetObjectItemCaseSensitive(en, m->string))
      problem(report, n_problems, "%s: missing key \"%s\" that %s", path,
              m->string, m->valuestring);
  cJSON_ArrayForEach(m, en)
    if (m->string[0] != '_' && !cJSON_GetObjectItemCaseSensitive(used, m->string))
      problem(report, n_problems, "%s: key \"%s\" is used by no template",
              path, m->string);
  if (!(d = opendir(dir))) {
    rc = pod_err(err, POD_EIO, "%s: cannot open folder", dir);
    goto done;
  }
  while ((e = readdir(d))) {   /* sorted below: a stable report */
    size_t n = strlen(e->d_name);
    if (n < 6 || strcmp(e->d_name + n - 5, ".json")) continue;
    files = pod_xrealloc(files, (n_files + 1) * sizeof *files);
    files[n_files++] = pod_xstrdup(e->d_name);
  }
  closedir(d);
  if (n_files) qsort(files, n_files, sizeof *files, name_cmp);
  for (size_t f = 0; f < n_files; f++) {
    cJSON *cat = NULL;
    char lang[64];
    size_t n = strlen(files[f]);
    snprintf(path, sizeof path, "%s/%s", dir, files[f]);
    snprintf(lang, sizeof lang, "%.*s", (int)(n - 5), files[f]);
    if (i18n_read_catalog(path, &text, &cat, err)) {
      problem(report, n_problems, "%s", err);
      continue;
    }
    i18n_check_messages(path, pod_buf_str(&text), cat, sink_line, &k);
    check_language(lang, strcmp(lang, "en") ? cat : en, en, path, report,
                   n_problems);
    check_headers(cat, en, tables, path, report, n_problems);
    cJSON_Delete(cat);
  }
  err[0] = '\0';
done:
  for (size_t f = 0; f < n_files; f++) free(files[f]);
  free(files);
  cJSON_Delete(en);
  cJSON_Delete(used);
  cJSON_Delete(tables);
  pod_buf_free(&text);
  return rc;
}

/* ---- podium i18n convert ---------------------------------------------- */

static void json_string(pod_buf *b, const char *s) {
  pod_buf_addc(b, '"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') { pod_buf_addc(b, '\\'); pod_buf_addc(b, (char)c); }
    else if (c == '\n') pod_buf_adds(b, "\\n");
    else if (c == '\t') pod_buf_adds(b, "\\t");
    else if (c < 0x20) pod_buf_printf(b, "\\u%04x", c);
    else pod_buf_addc(b, (char)c);
  }
  pod_buf_addc(b, '"');
}

/* An old plural form as MessageFormat: {n} becomes #, a literal # is
** quoted, a quote that would start quoting is doubled. */
static void convert_form(pod_buf *b, const char *s) {
  for (; *s; s++) {
    if (!strncmp(s, "{n}", 3)) { pod_buf_addc(b, '#'); s += 2; }
    else if (*s == '#') pod_buf_adds(b, "'#'");
    else if (*s == '\'' && strchr("'{}|#", s[1])) pod_buf_adds(b, "''");   /* or the end: '}' follows */
    else pod_buf_addc(b, *s);
  }
}

int render_i18n_convert(const char *path, int *converted,
                        char err[POD_ERRLEN]) {
  static const char *const order[] = {"=0", "=1", "=2", "zero", "one", "two",
                                      "few", "many", "other", NULL};
  pod_buf text = POD_BUF_INIT, out = POD_BUF_INIT;
  cJSON *root = NULL, *m;
  int rc = i18n_read_catalog(path, &text, &root, err);
  *converted = 0;
  if (rc) goto done;
  pod_buf_adds(&out, "{\n");
  cJSON_ArrayForEach(m, root) {
    pod_buf_adds(&out, "  ");
    json_string(&out, m->string);
    pod_buf_adds(&out, ": ");
    if (cJSON_IsString(m)) {
      json_string(&out, m->valuestring);
    } else if (cJSON_IsObject(m)) {
      pod_buf pat = POD_BUF_INIT;
      cJSON *form;
      int known = 0;
      cJSON_ArrayForEach(form, m) {
        int j = 0;
        while (order[j] && strcmp(order[j], form->string)) j++;
        if (!order[j] || !cJSON_IsString(form)) {
          rc = pod_err(err, POD_EINPUT, "%s: \"%s\": found plural form "
                       "\"%s\", expected =0, zero, one, two, few, many or "
                       "other with a string", path, m->string, form->string);
          pod_buf_free(&pat);
          goto done;
        }
        known++;
      }
      if (!known || !cJSON_GetObjectItemCaseSensitive(m, "other")) {
        rc = pod_err(err, POD_EINPUT, "%s: \"%s\": found plural forms "
                     "without \"other\", expected one", path, m->string);
        pod_buf_free(&pat);
        goto done;
      }
      pod_buf_adds(&pat, "{n, plural,");
      for (int j = 0; order[j]; j++) {   /* CLDR's order, other last */
        form = cJSON_GetObjectItemCaseSensitive(m, order[j]);
        if (!form) continue;
        pod_buf_printf(&pat, " %s {", order[j]);
        convert_form(&pat, form->valuestring);
        pod_buf_addc(&pat, '}');
      }
      pod_buf_addc(&pat, '}');
      json_string(&out, pat.data);
      pod_buf_free(&pat);
      ++*converted;
    } else {
      rc = pod_err(err, POD_EINPUT, "%s: \"%s\": found a message that is "
                   "neither a string nor plural forms", path, m->string);
      goto done;
    }
    pod_buf_adds(&out, m->next ? ",\n" : "\n");
  }
  pod_buf_adds(&out, "}\n");
  if (*converted) rc = pod_file_write(path, out.data, out.len, err);
done:
  cJSON_Delete(root);
  pod_buf_free(&text);
  pod_buf_free(&out);
  return rc;
}
