/*
** render/i18n.c -- catalogs in ICU MessageFormat, plural forms, locale
** digits and dates (i18n.h), with ICU doing what CLDR knows: which plural
** category a count takes in each language (Arabic has six), how each
** language writes numbers and dates (Persian: its calendar and digits).
**
** MessageFormat: ICU4C's C API (umsg_*) takes numbered arguments only, so
** the patterns are parsed here, strictly, for the subset podium uses:
**   text, '' (a quote), 'quoted {braces}'   (ICU's DOUBLE_OPTIONAL quoting)
**   {name}
**   {name, plural, =0 {...} zero {...} one {...} ... other {...}}   # = n
**   {name, select, key {...} ... other {...}}
** One recursive descent both checks and formats: `on` says whether the
** part being read is printed (only the chosen form of a plural/select is).
**
** Reading a catalog file is in i18n_catalog.c; `podium i18n check` and
** `convert` are in i18n_cmd.c.
*/
#include "render/i18n.h"
#include "render/i18n_int.h"
#include "core/fs.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/unum.h>
#include <unicode/upluralrules.h>
#include <unicode/ustring.h>

#define MF_DEPTH 6      /* plural/select inside plural/select ... */
#define MF_FORMS 16     /* forms of one plural or select */

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

/* A catalog file read, checked and indexed once for every language open
** in the process that reads it (each render thread opens every language,
** and each language English too: 18 copies of ~40 KB in five languages
** on two threads). Read only once made; counted, freed with its last. */
typedef struct catalog {
  char *path;
  struct stat st;        /* the file as read: a changed file is read again */
  cJSON *json;
  msg_index idx;
  int refs;
  struct catalog *next;
} catalog;

#define DATE_SLOTS 4     /* round robin */

struct render_i18n {
  char lang[32];
  unsigned long serial;   /* render_i18n_serial */
  int date_next;
  catalog *cat;      /* this language */
  catalog *en;       /* the source and fallback (NULL when lang is en) */
  UPluralRules *plural;
  UNumberFormat *num;
  UDateFormat *date[2];   /* date only, date and time; opened on first use */
  i18n_num *nums;         /* numbers: i18n_num.c */
  /* the dates formatted last: a site writes the same ingest times on
  ** thousands of pages, and ICU takes thousands of instructions a date */
  struct date_slot {
    char iso[40];
    int with_time;
    char text[120];
  } dates[DATE_SLOTS];
};

/* Keys the C code formats; see render_i18n_c_keys in i18n.h. */
const char *const render_i18n_c_keys[] = {
  /* compare_lua.c: verdicts, interval notes, warnings and the facts in them */
  "verdict.better", "verdict.worse", "verdict.same", "verdict.within noise",
  "verdict.different", "compare.note.single", "compare.note.not_positive",
  "compare.warn.pools", "compare.warn.differs", "compare.fact.gpu",
  "compare.fact.cpu", "compare.fact.country", "compare.fact.region",
  "compare.fact.pue", "compare.fact.tracking", "compare.fact.framework",
  "compare.fact.method",
  /* svg_lua.c: a chart with more series than it draws */
  "chart.more_series",
  /* compare_lua.c: the accuracy target's verdict */
  "target.meets", "target.misses", "target.cannot_tell",
  /* overfit_lua.c */
  "overfit.onset", "overfit.too_few", "overfit.none",
  /* sandbox.c split_name() and pareto.c: the splits ingest names */
  "split.train", "split.validation", "split.test",
  /* sandbox.c role_name() and method_text() */
  "role.baseline", "role.optimized", "method.wall-meter", "method.nvml",
  "method.rapl", "method.rapl-or-model", "method.ram-model", "method.tdp",
  "method.estimate", "band.reference", "band.nvml", "band.software",
  /* svg_lua.c: words charts write themselves */
  "chart.log_scale", "chart.diverging", "chart.best", "chart.series",
  "chart.point", "chart.pareto_front", "chart.yes", "chart.sampled",
  "chart.data",
  /* pareto.c: the axis point a chart is read at */
  "point.batch", "point.seq",
  NULL};

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

/* ---- MessageFormat ---------------------------------------------------- */

typedef struct mf {
  const char *s;
  size_t pos, len;
  render_i18n *i;            /* for plural rules and digits when printing */
  render_i18n_arg_fn arg;
  void *ud;
  pod_buf *out;
  pod_buf val;               /* an argument's text */
  cJSON *names;              /* argument names seen (a set), or NULL */
  cJSON *plurals;            /* per plural: [name, selectors...], or NULL */
  size_t err_at;
  char err[POD_ERRLEN];
} mf;

static int mf_fail(mf *m, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int mf_fail(mf *m, size_t at, const char *fmt, ...) {
  va_list ap;
  if (m->err[0]) return -1;   /* the first error stands */
  va_start(ap, fmt);
  vsnprintf(m->err, sizeof m->err, fmt, ap);
  va_end(ap);
  m->err_at = at;
  return -1;
}

/* What is at `at`, for "found X": a quoted character or the end. */
static const char *found(const mf *m, size_t at, char buf[16]) {
  size_t n = 1;
  if (at >= m->len) return "the end of the message";
  while (n < 4 && at + n < m->len && ((unsigned char)m->s[at + n] & 0xC0) == 0x80)
    n++;
  snprintf(buf, 16, "\"%.*s\"", (int)n, m->s + at);
  return buf;
}

static void mf_emit(mf *m, int on, const char *p, size_t n) {
  if (on && m->out) pod_buf_add(m->out, p, n);
}

static void mf_ws(mf *m) {
  while (m->pos < m->len && strchr(" \t\r\n", m->s[m->pos])) m->pos++;
}

static int is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

/* A name [A-Za-z0-9_]+ into out; 0 when there is none. */
static size_t mf_name(mf *m, char *out, size_t cap) {
  size_t start = m->pos;
  while (m->pos < m->len && is_name_char(m->s[m->pos])) m->pos++;
  snprintf(out, cap, "%.*s", (int)(m->pos - start), m->s + start);
  return m->pos - start;
}

static void mf_number(mf *m, int on, double v) {
  if (!on || !m->out) return;
  if (m->i) render_i18n_number(m->i, m->out, v, v == floor(v) ? 0 : -1);
  else pod_buf_printf(m->out, "%g", v);
}

static int mf_message(mf *m, int on, int depth, int in_plural, double pn,
                      int nested);

static void note_name(mf *m, const char *name) {
  if (m->names && !cJSON_GetObjectItemCaseSensitive(m->names, name))
    cJSON_AddTrueToObject(m->names, name);
}

/* The argument's value: its kind, *num or m->val. */
static int mf_value(mf *m, const char *name, double *num) {
  pod_buf_clear(&m->val);
  *num = 0;
  return m->arg ? m->arg(m->ud, name, num, &m->val) : RENDER_ARG_NONE;
}

/* {name ...} with m->pos at the '{'. */
static int mf_argument(mf *m, int on, int depth, int in_plural, double pn) {
  static const char *const categories[] = {"zero", "one", "two", "few",
                                           "many", "other", NULL};
  size_t open = m->pos, at;
  char name[64], type[16], f[16];
  struct { char sel[32]; size_t start; } forms[MF_FORMS];
  int n_forms = 0, plural, has_other = 0, pick = -1;
  double v = 0;
  if (depth >= MF_DEPTH)
    return mf_fail(m, open, "found plural or select %d deep, expected at "
                   "most %d", depth + 1, MF_DEPTH);
  m->pos++;
  mf_ws(m);
  at = m->pos;
  if (!mf_name(m, name, sizeof name) || m->pos - at >= sizeof name)
    return mf_fail(m, at, "found %s, expected an argument name (letters, "
                   "digits, _)", found(m, at, f));
  mf_ws(m);
  if (m->pos < m->len && m->s[m->pos] == '}') {   /* {name} */
    int kind;
    m->pos++;
    note_name(m, name);
    if (!on || !m->out) return 0;
    kind = mf_value(m, name, &v);
    if (kind == RENDER_ARG_NUM) mf_number(m, on, v);
    else if (kind == RENDER_ARG_TEXT) pod_buf_add(m->out, m->val.data, m->val.len);
    else pod_buf_printf(m->out, "{%s}", name);
    return 0;
  }
  if (m->pos >= m->len || m->s[m->pos] != ',')
    return mf_fail(m, m->pos, "found %s, expected \",\" or \"}\" after "
                   "{%s", found(m, m->pos, f), name);
  m->pos++;
  mf_ws(m);
  at = m->pos;
  if (!mf_name(m, type, sizeof type) ||
      (strcmp(type, "plural") && strcmp(type, "select")))
    return mf_fail(m, at, "found argument type %s, expected plural or "
                   "select", m->pos > at ? type : found(m, at, f));
  plural = !strcmp(type, "plural");
  mf_ws(m);
  if (m->pos >= m->len || m->s[m->pos] != ',')
    return mf_fail(m, m->pos, "found %s, expected \",\" after {%s, %s",
                   found(m, m->pos, f), name, type);
  m->pos++;
  for (;;) {
    size_t sel_at;
    char sel[32];
    mf_ws(m);
    if (m->pos >= m->len)
      return mf_fail(m, open, "found {%s, %s, ...} without its closing "
                     "\"}\", expected one", name, type);
    if (m->s[m->pos] == '}') { m->pos++; break; }
    sel_at = m->pos;
    if (plural && m->s[m->pos] == '=') {
      size_t d;
      m->pos++;
      d = m->pos;
      while (m->pos < m->len && m->s[m->pos] >= '0' && m->s[m->pos] <= '9') m->pos++;
      if (m->pos == d || m->pos - d > 9)
        return mf_fail(m, sel_at, "found %s, expected =N with N a whole "
                       "number", found(m, d, f));
      snprintf(sel, sizeof sel, "%.*s", (int)(m->pos - sel_at), m->s + sel_at);
    } else if (!mf_name(m, sel, sizeof sel) || m->pos - sel_at >= sizeof sel) {
      return mf_fail(m, sel_at, "found %s, expected a %s form's name%s",
                     found(m, sel_at, f), type, plural ? " (=N, zero, one, "
                     "two, few, many or other)" : "");
    } else if (plural) {
      int k = 0;
      while (categories[k] && strcmp(categories[k], sel)) k++;
      if (!categories[k])
        return mf_fail(m, sel_at, "found plural form \"%s\", expected =N, "
                       "zero, one, two, few, many or other", sel);
    }
    for (int k = 0; k < n_forms; k++)
      if (!strcmp(forms[k].sel, sel))
        return mf_fail(m, sel_at, "found form \"%s\" twice, expected it "
                       "once", sel);
    if (n_forms == MF_FORMS)
      return mf_fail(m, sel_at, "found more than %d forms, expected fewer",
                     MF_FORMS);
    has_other |= !strcmp(sel, "other");
    mf_ws(m);
    if (m->pos >= m->len || m->s[m->pos] != '{')
      return mf_fail(m, m->pos, "found %s, expected \"{\" to open the form "
                     "\"%s\"", found(m, m->pos, f), sel);
    m->pos++;
    snprintf(forms[n_forms].sel, sizeof forms[n_forms].sel, "%s", sel);
    forms[n_forms++].start = m->pos;
    if (mf_message(m, 0, depth + 1, in_plural || plural, pn, 1)) return -1;
    m->pos++;   /* the form's '}' */
  }
  if (!has_other)
    return mf_fail(m, open, "found {%s, %s, ...} without an \"other\" form, "
                   "expected one", name, type);
  note_name(m, name);
  if (plural && m->plurals) {
    cJSON *p = cJSON_CreateArray();
    cJSON_AddItemToArray(p, cJSON_CreateString(name));
    for (int k = 0; k < n_forms; k++)
      cJSON_AddItemToArray(p, cJSON_CreateString(forms[k].sel));
    cJSON_AddItemToArray(m->plurals, p);
  }
  if (!on || !m->out) return 0;
  if (plural) {           /* =N first, then the CLDR category, then other */
    int kind = mf_value(m, name, &v);
    char cat[16];
    if (kind == RENDER_ARG_TEXT) v = strtod(pod_buf_str(&m->val), NULL);
    for (int k = 0; k < n_forms && pick < 0; k++)
      if (forms[k].sel[0] == '=' && strtod(forms[k].sel + 1, NULL) == v)
        pick = k;
    if (m->i) render_i18n_plural(m->i, v, cat);
    else snprintf(cat, sizeof cat, "%s", v == 1 ? "one" : "other");
    for (int k = 0; k < n_forms && pick < 0; k++)
      if (!strcmp(forms[k].sel, cat)) pick = k;
  } else {
    int kind = mf_value(m, name, &v);
    char num[32];
    const char *s = pod_buf_str(&m->val);
    if (kind == RENDER_ARG_NUM) {
      snprintf(num, sizeof num, "%g", v);
      s = num;
    }
    for (int k = 0; k < n_forms && pick < 0; k++)
      if (kind != RENDER_ARG_NONE && !strcmp(forms[k].sel, s)) pick = k;
    v = pn;   /* # inside a select is the enclosing plural's */
  }
  for (int k = 0; k < n_forms && pick < 0; k++)
    if (!strcmp(forms[k].sel, "other")) pick = k;
  at = m->pos;
  m->pos = forms[pick].start;
  if (mf_message(m, 1, depth + 1, in_plural || plural, v, 1)) return -1;
  m->pos = at;
  return 0;
}

/* Text and arguments up to the end, or (nested) up to a form's '}'. */
static int mf_message(mf *m, int on, int depth, int in_plural, double pn,
                      int nested) {
  char f[16];
  while (m->pos < m->len) {
    char c = m->s[m->pos];
    if (c == '\'') {
      char d = m->pos + 1 < m->len ? m->s[m->pos + 1] : '\0';
      if (d == '\'') {                    /* '' is a quote */
        mf_emit(m, on, "'", 1);
        m->pos += 2;
      } else if (d == '{' || d == '}' || d == '|' || (d == '#' && in_plural)) {
        size_t start = m->pos++;          /* 'quoted text' */
        for (;;) {
          if (m->pos >= m->len)
            return mf_fail(m, start, "found a quote ' that is not closed, "
                           "expected a closing ' (or '' for a quote)");
          if (m->s[m->pos] == '\'') {
            if (m->pos + 1 < m->len && m->s[m->pos + 1] == '\'') {
              mf_emit(m, on, "'", 1);
              m->pos += 2;
              continue;
            }
            m->pos++;
            break;
          }
          mf_emit(m, on, m->s + m->pos++, 1);
        }
      } else {                            /* a lone quote is itself */
        mf_emit(m, on, "'", 1);
        m->pos++;
      }
    } else if (c == '{') {
      if (mf_argument(m, on, depth, in_plural, pn)) return -1;
    } else if (c == '}') {
      if (nested) return 0;
      return mf_fail(m, m->pos, "found %s with no \"{\" before it, expected "
                     "text or an argument (write '}' for a brace)",
                     found(m, m->pos, f));
    } else if (c == '#' && in_plural) {
      mf_number(m, on, pn);
      m->pos++;
    } else {
      mf_emit(m, on, m->s + m->pos++, 1);
    }
  }
  if (nested)
    return mf_fail(m, m->pos, "found the end of the message, expected \"}\" "
                   "to close a plural or select form");
  return 0;
}

/* Runs pattern: checks it, and prints it to out when out is set. */
static int mf_run(mf *m, const char *pattern) {
  m->s = pattern;
  m->pos = 0;
  m->len = strlen(pattern);
  m->err[0] = '\0';
  return mf_message(m, 1, 0, 0, 0, 0);
}

int render_i18n_syntax(const char *pattern, size_t *at, char err[POD_ERRLEN]) {
  mf m;
  int r;
  memset(&m, 0, sizeof m);
  r = mf_run(&m, pattern);
  pod_buf_free(&m.val);
  *at = m.err_at;
  if (!r) return POD_OK;
  snprintf(err, POD_ERRLEN, "%s", m.err);
  return POD_EINPUT;
}

/* ---- catalogs --------------------------------------------------------- */

static void first_problem(void *ud, const char *line) {
  char *err = ud;
  if (!err[0]) snprintf(err, POD_ERRLEN, "%s", line);
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

/* Loads a catalog whose every message is good MessageFormat. */
static int load_catalog(const char *path, cJSON **out, char err[POD_ERRLEN]) {
  pod_buf text = POD_BUF_INIT;
  int rc = i18n_read_catalog(path, &text, out, err);
  if (rc == POD_OK) {
    err[0] = '\0';
    if (i18n_check_messages(path, pod_buf_str(&text), *out, first_problem, err)) {
      cJSON_Delete(*out);
      *out = NULL;
      rc = POD_EINPUT;
    }
  }
  pod_buf_free(&text);
  return rc;
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

static catalog *catalogs;   /* the open ones */
static pthread_mutex_t catalogs_lock = PTHREAD_MUTEX_INITIALIZER;

static int same_file(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
         a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
         a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The catalog at path, read when no open one is that file as it is. */
static int catalog_get(const char *path, catalog **out, char err[POD_ERRLEN]) {
  struct stat st;
  catalog *c;
  cJSON *json;
  int rc;
  *out = NULL;
  memset(&st, 0, sizeof st);
  pthread_mutex_lock(&catalogs_lock);
  if (stat(path, &st) == 0)
    for (c = catalogs; c; c = c->next)
      if (!strcmp(c->path, path) && same_file(&c->st, &st)) {
        c->refs++;
        pthread_mutex_unlock(&catalogs_lock);
        *out = c;
        return POD_OK;
      }
  /* read under the lock: the thread that comes next takes this one */
  if ((rc = load_catalog(path, &json, err)) == POD_OK) {
    c = pod_xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->path = pod_xstrdup(path);
    c->st = st;
    c->json = json;
    index_catalog(json, &c->idx);
    c->refs = 1;
    c->next = catalogs;
    catalogs = c;
    *out = c;
  }
  pthread_mutex_unlock(&catalogs_lock);
  return rc;
}

static void catalog_put(catalog *c) {
  if (!c) return;
  pthread_mutex_lock(&catalogs_lock);
  if (--c->refs == 0) {
    for (catalog **p = &catalogs; *p; p = &(*p)->next)
      if (*p == c) {
        *p = c->next;
        break;
      }
    cJSON_Delete(c->json);
    free(c->idx.e);
    free(c->path);
    free(c);
  }
  pthread_mutex_unlock(&catalogs_lock);
}

int render_i18n_open(const char *dir, const char *lang, render_i18n **out,
                     char err[POD_ERRLEN]) {
  render_i18n *i = pod_xmalloc(sizeof *i);
  char path[4200];
  UErrorCode st = U_ZERO_ERROR;
  int rc;
  static atomic_ulong opened;
  memset(i, 0, sizeof *i);
  *out = NULL;
  i->serial = atomic_fetch_add(&opened, 1) + 1;
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
  if ((rc = catalog_get(path, &i->cat, err))) goto fail;
  if (strcmp(lang, "en")) {
    snprintf(path, sizeof path, "%s/en.json", dir);
    if ((rc = catalog_get(path, &i->en, err))) goto fail;
  }
  i->plural = uplrules_open(lang, &st);
  if (U_SUCCESS(st)) i->num = unum_open(UNUM_DECIMAL, NULL, 0, lang, NULL, &st);
  if (U_FAILURE(st)) {
    rc = pod_err(err, POD_EINPUT, "ICU cannot serve language \"%s\": %s",
                 lang, u_errorName(st));
    goto fail;
  }
  i->nums = i18n_num_open(i->num);
  *out = i;
  return POD_OK;
fail:
  render_i18n_close(i);
  return rc;
}

void render_i18n_close(render_i18n *i) {
  if (!i) return;
  catalog_put(i->cat);
  catalog_put(i->en);
  if (i->plural) uplrules_close(i->plural);
  for (int k = 0; k < 2; k++)
    if (i->date[k]) udat_close(i->date[k]);
  i18n_num_close(i->nums);   /* before the formatter it borrows */
  if (i->num) unum_close(i->num);
  free(i);
}

const char *render_i18n_lang(const render_i18n *i) { return i->lang; }

unsigned long render_i18n_serial(const render_i18n *i) { return i->serial; }

const char *render_i18n_name(const render_i18n *i) {
  const char *s = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(i->cat->json, "_name"));
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

const char *render_i18n_text(render_i18n *i, const char *key, int *fallback) {
  const char *s = cJSON_GetStringValue(find_message(&i->cat->idx, key));
  if (s || !i->en) return s;
  s = cJSON_GetStringValue(find_message(&i->en->idx, key));
  if (s && fallback) *fallback = 1;
  return s;
}

int render_i18n_format(render_i18n *i, const char *key,
                       render_i18n_arg_fn arg, void *ud, pod_buf *out,
                       int *fallback, char err[POD_ERRLEN]) {
  const char *pattern = render_i18n_text(i, key, fallback);
  mf m;
  int r;
  if (!pattern)
    return pod_err(err, POD_EINPUT, "unknown message key \"%s\"", key);
  memset(&m, 0, sizeof m);
  m.i = i;
  m.arg = arg;
  m.ud = ud;
  m.out = out;
  r = mf_run(&m, pattern);
  pod_buf_free(&m.val);
  if (r) return pod_err(err, POD_EINPUT, "message \"%s\": %s", key, m.err);
  return POD_OK;
}

typedef struct arg_array {
  const render_i18n_arg *args;
  int n;
} arg_array;

static int array_arg(void *ud, const char *name, double *num, pod_buf *text) {
  const arg_array *a = ud;
  for (int k = 0; k < a->n; k++) {
    if (strcmp(a->args[k].name, name)) continue;
    if (!a->args[k].text) {
      *num = a->args[k].num;
      return RENDER_ARG_NUM;
    }
    pod_buf_adds(text, a->args[k].text);
    return RENDER_ARG_TEXT;
  }
  return RENDER_ARG_NONE;
}

int render_i18n_format_args(render_i18n *i, const char *key,
                            const render_i18n_arg *args, int n_args,
                            pod_buf *out, int *fallback,
                            char err[POD_ERRLEN]) {
  arg_array a = {args, n_args};
  return render_i18n_format(i, key, array_arg, &a, out, fallback, err);
}

void render_i18n_number(render_i18n *i, pod_buf *out, double v, int fraction) {
  i18n_num_format(i->nums, out, v, fraction);
}

/* One ICU number symbol in UTF-8 (size 16); "" when ICU has none. */
static void number_symbol(render_i18n *i, UNumberFormatSymbol which,
                          char out[16]) {
  UChar u[8];
  UErrorCode st = U_ZERO_ERROR;
  int32_t n = unum_getSymbol(i->num, which, u, 8, &st), n8 = 0;
  if (U_SUCCESS(st)) u_strToUTF8(out, 16, &n8, u, n, &st);
  out[U_SUCCESS(st) ? n8 : 0] = '\0';
}

void render_i18n_digits(render_i18n *i, pod_buf *out, const char *s) {
  char zero[16], point[16];
  number_symbol(i, UNUM_ZERO_DIGIT_SYMBOL, zero);
  number_symbol(i, UNUM_DECIMAL_SEPARATOR_SYMBOL, point);
  for (const char *p = s; *p; p++) {
    if (*p >= '0' && *p <= '9' && zero[0] && strcmp(zero, "0")) {
      /* the locale's digits are consecutive code points from its zero */
      UChar32 c;
      int32_t k = 0, n = (int32_t)strlen(zero), w = 0;
      char enc[8];
      U8_NEXT(zero, k, n, c);
      c += *p - '0';
      U8_APPEND_UNSAFE(enc, w, c);
      pod_buf_add(out, enc, (size_t)w);
    } else if (*p == '.' && p > s && p[-1] >= '0' && p[-1] <= '9' &&
               p[1] >= '0' && p[1] <= '9' && point[0]) {
      pod_buf_add(out, point, strlen(point));
    } else {
      pod_buf_addc(out, *p);
    }
  }
}

/* ---- dates ------------------------------------------------------------ */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long days_from_civil(long y, int m, int d) {
  long era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n, int *out) {
  *out = 0;
  for (int k = 0; k < n; k++) {
    if (s[k] < '0' || s[k] > '9') return 0;
    *out = *out * 10 + (s[k] - '0');
  }
  return 1;
}

/* "YYYY-MM-DD" or "YYYY-MM-DD[T ]hh:mm[:ss[.fff]][Z|+hh:mm|-hh:mm]" as
** milliseconds since 1970 UTC; 0 when iso is not one. */
static int parse_iso(const char *iso, double *ms) {
  int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
  const char *p = iso + 10;
  if (strlen(iso) < 10 || !digits(iso, 4, &y) || iso[4] != '-' ||
      !digits(iso + 5, 2, &mo) || iso[7] != '-' || !digits(iso + 8, 2, &d) ||
      mo < 1 || mo > 12 || d < 1 || d > 31)
    return 0;
  if (*p == 'T' || *p == ' ') {
    if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi) ||
        h > 23 || mi > 59)
      return 0;
    p += 6;
    if (*p == ':') {
      if (!digits(p + 1, 2, &sec) || sec > 60) return 0;
      p += 3;
      if (*p == '.') for (p++; *p >= '0' && *p <= '9'; p++) {}
    }
    if (*p == 'Z') p++;
    else if (*p == '+' || *p == '-') {
      sign = *p == '-' ? -1 : 1;
      if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om))
        return 0;
      p += 6;
    }
  }
  if (*p) return 0;
  *ms = ((double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0 +
         sec - sign * (oh * 3600.0 + om * 60.0)) * 1000.0;
  return 1;
}

/* The language's formatter for a date (k 0) or date and time (k 1): the
** CLDR pattern that best fits the skeleton, in UTC. */
static UDateFormat *date_format(render_i18n *i, int k) {
  static const UChar skel[2][16] = {{'y', 'M', 'M', 'M', 'd', 0},
                                    {'y', 'M', 'M', 'M', 'd', 'j', 'm', 'm',
                                     'z', 0}};
  static const UChar utc[] = {'U', 'T', 'C', 0};
  UChar pattern[128];
  UErrorCode st = U_ZERO_ERROR;
  UDateTimePatternGenerator *g;
  int32_t n;
  if (i->date[k]) return i->date[k];
  g = udatpg_open(i->lang, &st);
  n = udatpg_getBestPattern(g, skel[k], -1, pattern, 128, &st);
  udatpg_close(g);
  if (U_SUCCESS(st))
    i->date[k] = udat_open(UDAT_PATTERN, UDAT_PATTERN, i->lang, utc, -1,
                           pattern, n, &st);
  if (U_FAILURE(st)) {
    if (i->date[k]) udat_close(i->date[k]);
    i->date[k] = NULL;
  }
  return i->date[k];
}

int render_i18n_date(render_i18n *i, const char *iso, int with_time,
                     pod_buf *out) {
  double ms;
  UChar buf[128];
  char utf8[512];
  UErrorCode st = U_ZERO_ERROR;
  UDateFormat *f;
  int32_t len, n8 = 0;
  struct date_slot *slot;
  int asked;
  if (!iso) return -1;
  asked = with_time = with_time != 0;
  for (int k = 0; k < DATE_SLOTS; k++)   /* ingest times repeat on every page */
    if (i->dates[k].iso[0] && i->dates[k].with_time == asked &&
        !strcmp(i->dates[k].iso, iso)) {
      pod_buf_adds(out, i->dates[k].text);
      return 0;
    }
  if (!parse_iso(iso, &ms)) return -1;
  if (strlen(iso) == 10) with_time = 0;   /* a date has no time to show */
  if (!(f = date_format(i, with_time ? 1 : 0))) return -1;
  len = udat_format(f, ms, buf, 128, NULL, &st);
  if (U_SUCCESS(st)) u_strToUTF8(utf8, sizeof utf8, &n8, buf, len, &st);
  if (U_FAILURE(st)) return -1;
  pod_buf_add(out, utf8, (size_t)n8);
  if (strlen(iso) < sizeof slot->iso && (size_t)n8 < sizeof slot->text) {
    slot = &i->dates[i->date_next++ % DATE_SLOTS];
    snprintf(slot->iso, sizeof slot->iso, "%s", iso);
    slot->with_time = asked;
    memcpy(slot->text, utf8, (size_t)n8);
    slot->text[n8] = '\0';
  }
  return 0;
}

/* The argument names (a set) and the plurals ([name, forms...]) of a
** pattern that parses (i18n_int.h). */
void i18n_shape(const char *pattern, cJSON *names, cJSON *plurals) {
  mf m;
  memset(&m, 0, sizeof m);
  m.names = names;
  m.plurals = plurals;
  mf_run(&m, pattern);
  pod_buf_free(&m.val);
}
