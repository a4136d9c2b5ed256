/*
** core/project.c -- reads podium.project.json (see project.h).
**
** cJSON keeps no positions, so a message about a key points at the first
** place the key's quoted name appears in the text: right for every file a
** person writes by hand, where each key appears once.
*/
#include "core/project.h"
#include "core/json.h"
#include "core/buf.h"
#include "core/fs.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
  const char *path, *text;
  char *err;
} reader;

static int fail_at_key(reader *r, const char *key, const char *found,
                       const char *expected) {
  long line = 0, col = 0;
  char quoted[160];
  const char *at;
  snprintf(quoted, sizeof quoted, "\"%s\"", key);
  if ((at = strstr(r->text, quoted)))
    pod_line_col(r->text, (size_t)(at - r->text), &line, &col);
  return pod_err_at(r->err, POD_EINPUT, r->path, line, col,
                    "\"%s\": found %s, expected %s", key, found, expected);
}

static const char *kind_of(const cJSON *v) {
  if (cJSON_IsString(v)) return "a string";
  if (cJSON_IsNumber(v)) return "a number";
  if (cJSON_IsBool(v)) return "true or false";
  if (cJSON_IsNull(v)) return "null";
  if (cJSON_IsArray(v)) return "a list";
  return "an object";
}

static int want_string(reader *r, const char *key, const cJSON *v, char **out) {
  if (!cJSON_IsString(v) || !*v->valuestring)
    return fail_at_key(r, key, cJSON_IsString(v) ? "an empty string"
                                                 : kind_of(v),
                       "a non-empty string");
  *out = pod_xstrdup(v->valuestring);
  return POD_OK;
}

/* A BCP 47-ish code: "en", "fa", "pt-BR". */
static int language_code(const char *s) {
  size_t n = 0;
  while (islower((unsigned char)s[n])) n++;
  if (n < 2 || n > 3) return 0;
  while (s[n] == '-') {
    size_t k = ++n;
    while (isalnum((unsigned char)s[n])) n++;
    if (n == k || n - k > 8) return 0;
  }
  return s[n] == '\0';
}

static int read_languages(reader *r, const cJSON *v, const char *dflt,
                          pod_project *p) {
  pod_buf list = POD_BUF_INIT;
  const cJSON *it;
  int has_default = !dflt;
  if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
    return fail_at_key(r, "languages", kind_of(v),
                       "a non-empty list of language codes");
  if (dflt) pod_buf_add(&list, dflt, strlen(dflt));
  cJSON_ArrayForEach(it, v) {
    if (!cJSON_IsString(it) || !language_code(it->valuestring)) {
      pod_buf_free(&list);
      return fail_at_key(r, "languages",
                         cJSON_IsString(it) ? it->valuestring : kind_of(it),
                         "language codes like \"en\" or \"fa\"");
    }
    if (dflt && !strcmp(it->valuestring, dflt)) {
      has_default = 1;
      continue;
    }
    if (list.len) pod_buf_addc(&list, ',');
    pod_buf_add(&list, it->valuestring, strlen(it->valuestring));
  }
  if (!has_default) {
    pod_buf_free(&list);
    return fail_at_key(r, "default_language", dflt,
                       "one of the codes in \"languages\"");
  }
  p->languages = pod_xstrdup(pod_buf_str(&list));
  pod_buf_free(&list);
  return POD_OK;
}

static int read_primary(reader *r, const cJSON *v, pod_project *p) {
  const cJSON *it;
  int rc;
  if (!cJSON_IsObject(v))
    return fail_at_key(r, "primary_metrics", kind_of(v),
                       "an object from dataset or task to a metric name");
  p->primary = pod_xmalloc(sizeof *p->primary *
                           ((size_t)cJSON_GetArraySize(v) + 1));
  cJSON_ArrayForEach(it, v) {
    pod_project_metric *m = &p->primary[p->n_primary];
    if ((rc = want_string(r, it->string, it, &m->metric))) return rc;
    m->scope = pod_xstrdup(it->string);
    p->n_primary++;
  }
  return POD_OK;
}

static int read_pairs(reader *r, const cJSON *v, pod_project *p) {
  const cJSON *it;
  int rc;
  if (!cJSON_IsArray(v))
    return fail_at_key(r, "pairs", kind_of(v),
                       "a list of {\"baseline\", \"optimized\"} objects");
  p->pairs = pod_xmalloc(sizeof *p->pairs *
                         ((size_t)cJSON_GetArraySize(v) + 1));
  cJSON_ArrayForEach(it, v) {
    pod_project_pair *q = &p->pairs[p->n_pairs];
    const cJSON *f;
    memset(q, 0, sizeof *q);
    p->n_pairs++;
    if (!cJSON_IsObject(it))
      return fail_at_key(r, "pairs", kind_of(it),
                         "{\"baseline\": RUN, \"optimized\": RUN}");
    cJSON_ArrayForEach(f, it) {
      char **dst = !strcmp(f->string, "baseline")    ? &q->baseline
                   : !strcmp(f->string, "optimized") ? &q->optimized
                   : !strcmp(f->string, "dataset")   ? &q->dataset
                                                     : NULL;
      if (!dst)
        return fail_at_key(r, f->string, "an unknown key in a pair",
                           "baseline, optimized or dataset");
      if (*dst) return fail_at_key(r, f->string, "it twice", "it once");
      if ((rc = want_string(r, f->string, f, dst))) return rc;
    }
    if (!q->baseline || !q->optimized)
      return fail_at_key(r, "pairs", "a pair without baseline or optimized",
                         "both");
  }
  return POD_OK;
}

static int read_models(reader *r, const cJSON *v, pod_project *p) {
  const cJSON *it, *f;
  int rc;
  if (!cJSON_IsObject(v))
    return fail_at_key(r, "models", kind_of(v),
                       "an object from model name to {\"role\", \"baseline\"}");
  p->models = pod_xmalloc(sizeof *p->models *
                          ((size_t)cJSON_GetArraySize(v) + 1));
  cJSON_ArrayForEach(it, v) {
    pod_project_model *m = &p->models[p->n_models++];
    memset(m, 0, sizeof *m);
    m->model = pod_xstrdup(it->string);
    if (!cJSON_IsObject(it))
      return fail_at_key(r, it->string, kind_of(it),
                         "{\"role\": \"baseline\" | \"optimized\"}");
    cJSON_ArrayForEach(f, it) {
      char **dst = !strcmp(f->string, "role")       ? &m->role
                   : !strcmp(f->string, "baseline") ? &m->baseline
                                                    : NULL;
      if (!dst)
        return fail_at_key(r, f->string, "an unknown key in a model",
                           "role or baseline");
      /* as in a pair: the second would leak the first (found by fuzzing) */
      if (*dst) return fail_at_key(r, f->string, "it twice", "it once");
      if ((rc = want_string(r, f->string, f, dst))) return rc;
    }
    if (m->role && strcmp(m->role, "baseline") && strcmp(m->role, "optimized"))
      return fail_at_key(r, "role", m->role, "baseline or optimized");
  }
  return POD_OK;
}

static int want_share(reader *r, const char *key, const cJSON *v,
                      double *out) {
  if (!cJSON_IsNumber(v) || !(v->valuedouble > 0 && v->valuedouble <= 1))
    return fail_at_key(r, key, kind_of(v),
                       "a share of the baseline's accuracy in (0, 1], "
                       "like 0.99");
  *out = v->valuedouble;
  return POD_OK;
}

static int read_targets(reader *r, const cJSON *v, pod_project *p) {
  const cJSON *it;
  int rc;
  if (cJSON_IsNumber(v)) {
    p->targets = pod_xmalloc(sizeof *p->targets);
    p->targets[0].scope = pod_xstrdup("*");
    p->n_targets = 1;
    return want_share(r, "accuracy_target", v, &p->targets[0].share);
  }
  if (!cJSON_IsObject(v))
    return fail_at_key(r, "accuracy_target", kind_of(v),
                       "a number like 0.99, or an object from dataset to one");
  p->targets = pod_xmalloc(sizeof *p->targets *
                           ((size_t)cJSON_GetArraySize(v) + 1));
  cJSON_ArrayForEach(it, v) {
    pod_project_target *t = &p->targets[p->n_targets++];
    t->scope = pod_xstrdup(it->string);
    if ((rc = want_share(r, it->string, it, &t->share))) return rc;
  }
  return POD_OK;
}

static int read_boards(reader *r, const cJSON *v, pod_project *p) {
  const cJSON *it;
  int rc;
  if (!cJSON_IsArray(v))
    return fail_at_key(r, "boards", kind_of(v), "a list of metric names");
  p->boards = pod_xmalloc(sizeof *p->boards *
                          ((size_t)cJSON_GetArraySize(v) + 1));
  cJSON_ArrayForEach(it, v) {
    p->boards[p->n_boards] = NULL;
    if ((rc = want_string(r, "boards", it, &p->boards[p->n_boards]))) return rc;
    p->n_boards++;
  }
  return POD_OK;
}

int pod_project_load(const char *path, pod_project *out, char err[POD_ERRLEN]) {
  static const char *const keys[] = {"title", "languages", "default_language",
                                     "primary_metrics", "pairs", "models",
                                     "accuracy_target", "boards", NULL};
  pod_buf text = POD_BUF_INIT;
  reader r = {path, NULL, err};
  cJSON *doc = NULL, *it;
  const char *stop = NULL;   /* where a syntax error stopped the parse */
  char *dflt = NULL;
  int rc;
  memset(out, 0, sizeof *out);
  if ((rc = pod_file_read(path, &text, err))) return rc;
  r.text = pod_buf_str(&text);
  doc = pod_json_parse(r.text, text.len, &stop);
  if (!doc || !cJSON_IsObject(doc)) {
    long line = 1, col = 1;
    const char *at = doc ? r.text : stop;
    if (at && at >= r.text && at <= r.text + text.len)
      pod_line_col(r.text, (size_t)(at - r.text), &line, &col);
    rc = pod_err_at(err, POD_EINPUT, path, line, col,
                    "found %s, expected a JSON object (the project file)",
                    doc ? "another JSON value" : "invalid JSON");
    goto done;
  }
  out->path = pod_xstrdup(path);
  cJSON_ArrayForEach(it, doc) {
    int known = 0;
    for (int k = 0; keys[k]; k++) known |= !strcmp(keys[k], it->string);
    if (!known) {
      rc = fail_at_key(&r, it->string, "an unknown key",
                       "title, languages, default_language, "
                       "primary_metrics, pairs, models, accuracy_target "
                       "or boards");
      goto done;
    }
  }
  if ((it = cJSON_GetObjectItemCaseSensitive(doc, "title")) &&
      (rc = want_string(&r, "title", it, &out->title)))
    goto done;
  if ((it = cJSON_GetObjectItemCaseSensitive(doc, "default_language")) &&
      (rc = want_string(&r, "default_language", it, &dflt)))
    goto done;
  if (dflt && !language_code(dflt)) {
    rc = fail_at_key(&r, "default_language", dflt, "a language code like \"en\"");
    goto done;
  }
  if ((it = cJSON_GetObjectItemCaseSensitive(doc, "languages")))
    rc = read_languages(&r, it, dflt, out);
  else if (dflt)
    rc = fail_at_key(&r, "default_language", "no \"languages\" list",
                     "\"languages\" beside it");
  if (rc) goto done;
  if ((it = cJSON_GetObjectItemCaseSensitive(doc, "primary_metrics")) &&
      (rc = read_primary(&r, it, out)))
    goto done;
  if ((it = cJSON_GetObjectItemCaseSensitive(doc, "pairs")) &&
      (rc = read_pairs(&r, it, out)))
    goto done;
  if ((it = cJSON_GetObjectItemCaseSensitive(doc, "models")) &&
      (rc = read_models(&r, it, out)))
    goto done;
  if ((it = cJSON_GetObjectItemCaseSensitive(doc, "accuracy_target")) &&
      (rc = read_targets(&r, it, out)))
    goto done;
  if ((it = cJSON_GetObjectItemCaseSensitive(doc, "boards")))
    rc = read_boards(&r, it, out);
done:
  if (rc) pod_project_free(out);
  free(dflt);
  cJSON_Delete(doc);
  pod_buf_free(&text);
  return rc;
}

void pod_project_free(pod_project *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n_primary; i++) {
    free(p->primary[i].scope);
    free(p->primary[i].metric);
  }
  for (size_t i = 0; i < p->n_pairs; i++) {
    free(p->pairs[i].baseline);
    free(p->pairs[i].optimized);
    free(p->pairs[i].dataset);
  }
  for (size_t i = 0; i < p->n_models; i++) {
    free(p->models[i].model);
    free(p->models[i].role);
    free(p->models[i].baseline);
  }
  for (size_t i = 0; i < p->n_targets; i++) free(p->targets[i].scope);
  for (size_t i = 0; i < p->n_boards; i++) free(p->boards[i]);
  free(p->models);
  free(p->targets);
  free(p->boards);
  free(p->primary);
  free(p->pairs);
  free(p->path);
  free(p->title);
  free(p->languages);
  memset(p, 0, sizeof *p);
}

const char *pod_project_primary(const pod_project *p, const char *scope) {
  const char *any = NULL;
  if (!p) return NULL;
  for (size_t i = 0; i < p->n_primary; i++) {
    if (scope && !strcmp(p->primary[i].scope, scope)) return p->primary[i].metric;
    if (!strcmp(p->primary[i].scope, "*")) any = p->primary[i].metric;
  }
  return any;
}

const pod_project_model *pod_project_model_of(const pod_project *p,
                                              const char *model) {
  for (size_t i = 0; p && model && i < p->n_models; i++)
    if (!strcmp(p->models[i].model, model)) return &p->models[i];
  return NULL;
}

double pod_project_target_of(const pod_project *p, const char *scope) {
  double any = NAN;
  for (size_t i = 0; p && i < p->n_targets; i++) {
    if (scope && !strcmp(p->targets[i].scope, scope)) return p->targets[i].share;
    if (!strcmp(p->targets[i].scope, "*")) any = p->targets[i].share;
  }
  return any;
}

int pod_project_has_board(const pod_project *p, const char *metric) {
  for (size_t i = 0; p && i < p->n_boards; i++)
    if (!strcmp(p->boards[i], metric)) return 1;
  return 0;
}
