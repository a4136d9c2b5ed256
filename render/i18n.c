/*
** render/i18n.c -- catalogs, plural forms and locale digits (i18n.h),
** with ICU doing what CLDR knows: which plural category a count takes in
** each language (Arabic has six) and how each language writes numbers.
*/
#include "render/i18n.h"
#include "core/fs.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unum.h>
#include <unicode/upluralrules.h>
#include <unicode/ustring.h>

#define MAX_CATALOG (1 << 20)

/* A catalog's messages sorted by key: t() looks one up per call, and a
** cJSON object is a list walked with strcmp. */
typedef struct msg_entry {
  const char *key;
  cJSON *item;
  size_t pos;        /* in the catalog: the first of equal keys wins */
} msg_entry;

typedef struct msg_index {
  msg_entry *e;
  size_t n;
} msg_index;

struct render_i18n {
  char lang[32];
  cJSON *cat;        /* this language */
  cJSON *en;         /* the source and fallback (NULL when lang is en) */
  msg_index cat_idx, en_idx;
  UPluralRules *plural;
  UNumberFormat *num;
  /* one formatter per fraction -1..6, made on first use: changing a
  ** formatter's attributes makes ICU rebuild it (a third of a render) */
  UNumberFormat *frac[8];
};

int render_i18n_rtl(const char *lang) {
  static const char *const rtl[] = {"ar", "fa", "he", "ur", "ps", "sd",
                                    "ug", "yi", "dv", "ckb", NULL};
  for (int i = 0; rtl[i]; i++) {
    size_t n = strlen(rtl[i]);
    if (!strncmp(lang, rtl[i], n) && (!lang[n] || lang[n] == '-' || lang[n] == '_'))
      return 1;
  }
  return 0;
}

/* Loads and checks the shape of one catalog. */
static int load_catalog(const char *path, cJSON **out, char err[POD_ERRLEN]) {
  pod_buf text = POD_BUF_INIT;
  const char *end = NULL;
  cJSON *root, *item;
  int rc = pod_file_read(path, &text, err);
  *out = NULL;
  if (rc) return rc;
  if (text.len > MAX_CATALOG) {
    pod_buf_free(&text);
    return pod_err(err, POD_EINPUT, "%s: found %zu bytes, expected a "
                   "catalog under %d", path, text.len, MAX_CATALOG);
  }
  root = cJSON_ParseWithLengthOpts(text.data, text.len, &end, 0);
  if (!cJSON_IsObject(root)) {
    long line, col;
    pod_line_col(text.data, root ? 0 : (size_t)(end - text.data), &line, &col);
    cJSON_Delete(root);
    pod_buf_free(&text);
    return pod_err_at(err, POD_EINPUT, path, line, col, "found %s, expected "
                      "a JSON object of messages", root ? "JSON that is not "
                      "an object" : "invalid JSON");
  }
  pod_buf_free(&text);
  cJSON_ArrayForEach(item, root) {
    cJSON *form;
    if (cJSON_IsString(item)) continue;
    if (!cJSON_IsObject(item)) goto bad;
    cJSON_ArrayForEach(form, item) if (!cJSON_IsString(form)) goto bad;
    continue;
  bad:
    pod_err(err, POD_EINPUT, "%s: found message \"%s\" that is neither a "
            "string nor an object of plural forms, expected one of them",
            path, item->string);
    cJSON_Delete(root);
    return POD_EINPUT;
  }
  *out = root;
  return POD_OK;
}

static int entry_cmp(const void *a, const void *b) {
  const msg_entry *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  return c ? c : x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void index_catalog(cJSON *cat, msg_index *idx) {
  cJSON *item;
  size_t n = 0;
  cJSON_ArrayForEach(item, cat) n++;
  idx->e = pod_xmalloc((n ? n : 1) * sizeof *idx->e);
  idx->n = 0;
  cJSON_ArrayForEach(item, cat) {
    idx->e[idx->n].key = item->string ? item->string : "";
    idx->e[idx->n].item = item;
    idx->e[idx->n].pos = idx->n;
    idx->n++;
  }
  qsort(idx->e, idx->n, sizeof *idx->e, entry_cmp);
}

/* The message key of the catalog idx indexes, or NULL. */
static cJSON *find_message(const msg_index *idx, const char *key) {
  size_t lo = 0, hi = idx->n;
  while (lo < hi) {    /* the first entry not below key */
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(idx->e[mid].key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < idx->n && !strcmp(idx->e[lo].key, key) ? idx->e[lo].item : NULL;
}

int render_i18n_open(const char *dir, const char *lang, render_i18n **out,
                     char err[POD_ERRLEN]) {
  render_i18n *i = pod_xmalloc(sizeof *i);
  char path[4200];
  UErrorCode st = U_ZERO_ERROR;
  int rc;
  memset(i, 0, sizeof *i);
  *out = NULL;
  snprintf(i->lang, sizeof i->lang, "%s", lang);
  for (const char *p = lang; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '-' ||
          *p == '_')) {
      free(i);
      return pod_err(err, POD_EINPUT, "found language \"%s\", expected a "
                     "code such as en, fa or pt-BR", lang);
    }
  snprintf(path, sizeof path, "%s/%s.json", dir, lang);
  if (!pod_exists(path)) {
    free(i);
    return pod_err(err, POD_EINPUT, "%s: no catalog for language \"%s\"",
                   path, lang);
  }
  if ((rc = load_catalog(path, &i->cat, err))) goto fail;
  if (strcmp(lang, "en")) {
    snprintf(path, sizeof path, "%s/en.json", dir);
    if ((rc = load_catalog(path, &i->en, err))) goto fail;
  }
  index_catalog(i->cat, &i->cat_idx);
  if (i->en) index_catalog(i->en, &i->en_idx);
  i->plural = uplrules_open(lang, &st);
  if (U_SUCCESS(st)) i->num = unum_open(UNUM_DECIMAL, NULL, 0, lang, NULL, &st);
  if (U_FAILURE(st)) {
    rc = pod_err(err, POD_EINPUT, "ICU cannot serve language \"%s\": %s",
                 lang, u_errorName(st));
    goto fail;
  }
  *out = i;
  return POD_OK;
fail:
  render_i18n_close(i);
  return rc;
}

void render_i18n_close(render_i18n *i) {
  if (!i) return;
  cJSON_Delete(i->cat);
  cJSON_Delete(i->en);
  free(i->cat_idx.e);
  free(i->en_idx.e);
  if (i->plural) uplrules_close(i->plural);
  if (i->num) unum_close(i->num);
  for (int k = 0; k < 8; k++)
    if (i->frac[k]) unum_close(i->frac[k]);
  free(i);
}

const char *render_i18n_lang(const render_i18n *i) { return i->lang; }

const char *render_i18n_name(const render_i18n *i) {
  const char *s = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(i->cat, "_name"));
  return s ? s : i->lang;
}

const char *render_i18n_plural(render_i18n *i, double n, char out[16]) {
  UChar kw[32];
  UErrorCode st = U_ZERO_ERROR;
  int32_t len = uplrules_select(i->plural, n, kw, 32, &st);
  if (U_FAILURE(st) || len <= 0 || len >= 16) {
    snprintf(out, 16, "other");
    return out;
  }
  u_austrcpy(out, kw);
  return out;
}

/* The form of message m for n (a plural object), or m itself. */
static const char *pick(render_i18n *i, cJSON *m, double n, int has_n) {
  char cat[16];
  cJSON *form;
  if (cJSON_IsString(m)) return m->valuestring;
  if (!cJSON_IsObject(m)) return NULL;
  if (has_n && n == 0 &&   /* CLDR's "=0" explicit form, if given */
      (form = cJSON_GetObjectItemCaseSensitive(m, "=0")))
    return form->valuestring;
  form = cJSON_GetObjectItemCaseSensitive(
      m, has_n ? render_i18n_plural(i, n, cat) : "other");
  if (!form) form = cJSON_GetObjectItemCaseSensitive(m, "other");
  return cJSON_GetStringValue(form);
}

const char *render_i18n_text(render_i18n *i, const char *key, double n,
                             int has_n, int *fallback) {
  const char *s = pick(i, find_message(&i->cat_idx, key), n, has_n);
  if (s) return s;
  if (!i->en) return NULL;
  s = pick(i, find_message(&i->en_idx, key), n, has_n);
  if (s && fallback) *fallback = 1;
  return s;
}

void render_i18n_number(render_i18n *i, pod_buf *out, double v, int fraction) {
  UChar buf[128];
  char utf8[512];
  UErrorCode st = U_ZERO_ERROR;
  int32_t len, n8 = 0;
  UNumberFormat *f = i->num;
  int k = fraction + 1;
  if (k >= 0 && k < 8 && !i->frac[k]) {
    UErrorCode cst = U_ZERO_ERROR;
    i->frac[k] = unum_clone(i->num, &cst);
    if (U_FAILURE(cst)) i->frac[k] = NULL;
    else {
      unum_setAttribute(i->frac[k], UNUM_MIN_FRACTION_DIGITS, fraction < 0 ? 0 : fraction);
      unum_setAttribute(i->frac[k], UNUM_MAX_FRACTION_DIGITS, fraction < 0 ? 6 : fraction);
    }
  }
  if (k >= 0 && k < 8 && i->frac[k]) f = i->frac[k];
  else {
    unum_setAttribute(f, UNUM_MIN_FRACTION_DIGITS, fraction < 0 ? 0 : fraction);
    unum_setAttribute(f, UNUM_MAX_FRACTION_DIGITS, fraction < 0 ? 6 : fraction);
  }
  len = unum_formatDouble(f, v, buf, 128, NULL, &st);
  if (U_SUCCESS(st)) u_strToUTF8(utf8, sizeof utf8, &n8, buf, len, &st);
  if (U_FAILURE(st)) pod_buf_printf(out, "%.*f", fraction < 0 ? 6 : fraction, v);
  else pod_buf_add(out, utf8, (size_t)n8);
}

/* ---- podium i18n check ----------------------------------------------- */

/* Adds each {name} of s to set (a cJSON object used as a set). */
static void placeholders(const char *s, cJSON *set) {
  for (const char *p = s; (p = strchr(p, '{')); p++) {
    const char *e = strchr(p, '}');
    if (!e) break;
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(e - p - 1), p + 1);
    if (!cJSON_GetObjectItemCaseSensitive(set, name))
      cJSON_AddTrueToObject(set, name);
  }
}

static int same_set(cJSON *a, cJSON *b, int subset_only) {
  cJSON *x;
  cJSON_ArrayForEach(x, a) if (!cJSON_GetObjectItemCaseSensitive(b, x->string)) return 0;
  if (subset_only) return 1;
  cJSON_ArrayForEach(x, b) if (!cJSON_GetObjectItemCaseSensitive(a, x->string)) return 0;
  return 1;
}

/* Keys the templates use: t('key' or t("key". */
static void used_keys(const char *dir, cJSON *used) {
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
    for (const char *p = text.data; (p = strstr(p, "t(")); p += 2) {
      if (p > text.data && (p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
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
        cJSON_AddTrueToObject(used, key);
    }
  }
  closedir(d);
  pod_buf_free(&text);
}

static void problem(pod_buf *report, int *n, const char *fmt, const char *a,
                    const char *b, const char *c) {
  pod_buf_printf(report, fmt, a, b, c);
  pod_buf_addc(report, '\n');
  ++*n;
}

/* One language against English. */
static void check_language(render_i18n *i, cJSON *en, const char *file,
                           pod_buf *report, int *n) {
  cJSON *m;
  cJSON_ArrayForEach(m, en) {
    cJSON *t = cJSON_GetObjectItemCaseSensitive(i->cat, m->string);
    cJSON *want = cJSON_CreateObject(), *form;
    if (m->string[0] == '_') { cJSON_Delete(want); continue; }
    if (!t) {
      problem(report, n, "%s: missing key \"%s\"%s", file, m->string, "");
      cJSON_Delete(want);
      continue;
    }
    placeholders(cJSON_IsString(m) ? m->valuestring
                 : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "other")),
                 want);
    if (cJSON_IsString(t)) {
      cJSON *got = cJSON_CreateObject();
      placeholders(t->valuestring, got);
      if (!same_set(got, want, 0))
        problem(report, n, "%s: \"%s\" has placeholders that differ from "
                "English%s", file, m->string, "");
      cJSON_Delete(got);
    } else {
      UErrorCode st = U_ZERO_ERROR;
      UEnumeration *kw = uplrules_getKeywords(i->plural, &st);
      const char *k;
      int32_t len;
      while (U_SUCCESS(st) && (k = uenum_next(kw, &len, &st)))
        if (!cJSON_GetObjectItemCaseSensitive(t, k))
          problem(report, n, "%s: \"%s\" lacks the plural form \"%s\" that "
                  "this language needs", file, m->string, k);
      uenum_close(kw);
      cJSON_ArrayForEach(form, t) {
        cJSON *got = cJSON_CreateObject();
        placeholders(form->valuestring, got);
        /* "one"/"two" forms may leave out {n}; none may add a name */
        if (!same_set(got, want, strcmp(form->string, "other") != 0))
          problem(report, n, "%s: \"%s\" form \"%s\" has placeholders that "
                  "differ from English", file, m->string, form->string);
        cJSON_Delete(got);
      }
    }
    cJSON_Delete(want);
  }
  cJSON_ArrayForEach(m, i->cat)
    if (m->string[0] != '_' && !cJSON_GetObjectItemCaseSensitive(en, m->string))
      problem(report, n, "%s: key \"%s\" is not in en.json%s", file,
              m->string, "");
}

int render_i18n_check(const char *dir, const char *templates_dir,
                      pod_buf *report, int *n_problems, char err[POD_ERRLEN]) {
  render_i18n *en = NULL;
  cJSON *used = cJSON_CreateObject(), *m;
  DIR *d;
  struct dirent *e;
  int rc;
  *n_problems = 0;
  if ((rc = render_i18n_open(dir, "en", &en, err))) goto done;
  used_keys(templates_dir, used);
  cJSON_ArrayForEach(m, used)
    if (!cJSON_GetObjectItemCaseSensitive(en->cat, m->string))
      problem(report, n_problems, "en.json: missing key \"%s\" that the "
              "templates use%s%s", m->string, "", "");
  cJSON_ArrayForEach(m, en->cat)
    if (m->string[0] != '_' && !cJSON_GetObjectItemCaseSensitive(used, m->string))
      problem(report, n_problems, "en.json: key \"%s\" is used by no "
              "template%s%s", m->string, "", "");
  if (!(d = opendir(dir))) {
    rc = pod_err(err, POD_EIO, "%s: cannot open folder", dir);
    goto done;
  }
  while (rc == POD_OK && (e = readdir(d))) {
    size_t n = strlen(e->d_name);
    char lang[64];
    render_i18n *i = NULL;
    if (n < 6 || strcmp(e->d_name + n - 5, ".json") || !strcmp(e->d_name, "en.json"))
      continue;
    snprintf(lang, sizeof lang, "%.*s", (int)(n - 5), e->d_name);
    if ((rc = render_i18n_open(dir, lang, &i, err))) break;
    check_language(i, en->cat, e->d_name, report, n_problems);
    render_i18n_close(i);
  }
  closedir(d);
done:
  render_i18n_close(en);
  cJSON_Delete(used);
  return rc;
}
