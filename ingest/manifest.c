/*
** ingest/manifest.c -- podium.json: what a results folder says about its
** files, so a folder of logs gets its model and dataset without flags.
**
**   {
**     "project": "distillation",              <- defaults for every file
**     "task": "text-classification",
**     "files": [
**       {"glob": "bert-base/inference_*.csv", "role": "baseline"},
**       {"glob": "emissions.csv", "map": {"model": "project_name"},
**        "tags": {"gpu": "a100"}}
**     ]
**   }
**
** "columns" (top level or in a files entry) is the column map of the
** generic format (generic.c checks its keys; here only that it is an
** object); ingest_manifest_apply hands it over as JSON text.
** Globs are relative to the manifest's folder (fnmatch: '*' stays inside
** one folder; a glob that starts with two stars and a slash matches at
** any depth). Every matching
** entry applies in order, later ones winning; flags win over all of it.
** The nearest podium.json up the path as given applies; manifests do not
** stack.
*/
#include "ingest/ingest_int.h"
#include "core/json.h"
#include "core/buf.h"
#include "core/fs.h"
#include "core/method.h"

#include <cjson/cJSON.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MANIFEST (1 << 20)

struct ingest_manifest {
  char *path;
  char *dir;          /* folder the globs are relative to */
  cJSON *root;
};

static const char *const text_keys[] = {"format", "project", "model",
                                        "variant", "role", "dataset",
                                        "task", "run", "method", NULL};

static int known_key(const char *k, int in_entry) {
  for (int i = 0; text_keys[i]; i++)
    if (!strcmp(k, text_keys[i])) return 1;
  return !strcmp(k, "map") || !strcmp(k, "tags") || !strcmp(k, "columns") ||
         (in_entry ? !strcmp(k, "glob") : !strcmp(k, "files"));
}

/* Checks one object (the top level or an entry) for keys and types. */
static int check_object(const char *path, cJSON *o, int in_entry,
                        char err[POD_ERRLEN]) {
  cJSON *item;
  cJSON_ArrayForEach(item, o) {
    const char *k = item->string;
    if (!known_key(k, in_entry))
      return pod_err(err, POD_EINPUT, "%s: found key \"%s\"%s, expected "
                     "glob, format, project, model, variant, role, dataset, "
                     "task, run, method, map, tags, columns%s", path, k,
                     in_entry ? " in a files entry" : "",
                     in_entry ? "" : " or files");
    if (!strcmp(k, "map") || !strcmp(k, "tags")) {
      cJSON *pair;
      if (!cJSON_IsObject(item))
        return pod_err(err, POD_EINPUT, "%s: found \"%s\" that is not an "
                       "object, expected {\"NAME\": \"VALUE\", ...}", path, k);
      cJSON_ArrayForEach(pair, item) if (!cJSON_IsString(pair))
        return pod_err(err, POD_EINPUT, "%s: found \"%s\".\"%s\" that is not "
                       "a string, expected a string", path, k, pair->string);
    } else if (!strcmp(k, "columns")) {
      if (!cJSON_IsObject(item))   /* its keys: checked by generic.c */
        return pod_err(err, POD_EINPUT, "%s: found \"columns\" that is not "
                       "an object, expected {\"model\": \"COLUMN\", ...}",
                       path);
    } else if (!strcmp(k, "files")) {
      cJSON *e;
      if (!cJSON_IsArray(item))
        return pod_err(err, POD_EINPUT, "%s: found \"files\" that is not a "
                       "list, expected a list of {\"glob\": ...} objects", path);
      cJSON_ArrayForEach(e, item) {
        int rc;
        if (!cJSON_IsObject(e) ||
            !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "glob")))
          return pod_err(err, POD_EINPUT, "%s: found a files entry without "
                         "a \"glob\" string, expected {\"glob\": \"*.csv\", "
                         "...}", path);
        if ((rc = check_object(path, e, 1, err))) return rc;
      }
    } else if (!cJSON_IsString(item) || !*item->valuestring) {
      return pod_err(err, POD_EINPUT, "%s: found \"%s\" that is not a "
                     "non-empty string, expected a string", path, k);
    } else if (!strcmp(k, "role") && strcmp(item->valuestring, "baseline") &&
               strcmp(item->valuestring, "optimized")) {
      return pod_err(err, POD_EINPUT, "%s: found role \"%s\", expected "
                     "baseline or optimized", path, item->valuestring);
    } else if (!strcmp(k, "method") && !pod_method_valid(item->valuestring)) {
      return pod_err(err, POD_EINPUT, "%s: found method \"%s\", expected "
                     "one of %s (or several joined by +)", path,
                     item->valuestring, pod_method_names());
    }
  }
  return POD_OK;
}

int ingest_manifest_load(const char *path, ingest_manifest **out,
                         char err[POD_ERRLEN]) {
  pod_buf text = POD_BUF_INIT;
  const char *end = NULL;
  cJSON *root;
  int rc;
  *out = NULL;
  if ((rc = pod_file_read(path, &text, err))) return rc;
  if (text.len > MAX_MANIFEST) {   /* its size said before it is freed */
    size_t n = text.len;
    pod_buf_free(&text);
    return pod_err(err, POD_EINPUT, "%s: found %zu bytes, expected a "
                   "manifest under %d", path, n, MAX_MANIFEST);
  }
  root = pod_json_parse(text.data, text.len, &end);
  if (!root || !cJSON_IsObject(root)) {
    long line, col;
    pod_line_col(text.data, root ? 0 : (size_t)(end - text.data), &line, &col);
    cJSON_Delete(root);
    pod_buf_free(&text);
    return pod_err_at(err, POD_EINPUT, path, line, col, "found %s, expected "
                      "a JSON object (podium.json)", root ? "JSON that is "
                      "not an object" : "invalid JSON");
  }
  rc = ingest_json_check(path, root, text.data, text.len, err);
  pod_buf_free(&text);
  if (rc || (rc = check_object(path, root, 0, err))) {
    cJSON_Delete(root);
    return rc;
  }
  ingest_manifest *m = pod_xmalloc(sizeof *m);
  const char *slash = strrchr(path, '/');
  m->path = pod_xstrdup(path);
  m->dir = slash ? pod_xstrndup(path, (size_t)(slash - path)) : pod_xstrdup(".");
  m->root = root;
  *out = m;
  return POD_OK;
}

void ingest_manifest_free(ingest_manifest *m) {
  if (!m) return;
  cJSON_Delete(m->root);
  free(m->path);
  free(m->dir);
  free(m);
}

static int glob_matches(const char *glob, const char *rel) {
  if (fnmatch(glob, rel, FNM_PATHNAME) == 0) return 1;
  if (!strncmp(glob, "**/", 3)) {
    for (const char *p = rel; p; p = strchr(p, '/')) {
      if (*p == '/') p++;
      if (fnmatch(glob + 3, p, FNM_PATHNAME) == 0) return 1;
    }
  }
  return 0;
}

const char *ingest_manifest_path(const ingest_manifest *m) { return m->path; }

/* How many map and tags pairs (and columns maps) the manifest holds. */
static int count_pairs(const ingest_manifest *m) {
  static const char *const lists[] = {"map", "tags"};
  int n = 1;   /* a columns map: top level, and one per files entry */
  cJSON *e, *item;
  cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(m->root, "files")) n++;
  for (int l = 0; l < 2; l++) {
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(m->root, lists[l])) n++;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(m->root, "files"))
      cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(e, lists[l])) n++;
  }
  return n;
}

/* Applies one object (top level or a matching entry) onto out. */
static void apply_object(cJSON *o, ingest_meta *out, char **pairs,
                         int *n_pairs) {
  static const char *const lists[] = {"map", "tags"};
  const char **slot[] = {&out->format, &out->project, &out->model,
                         &out->variant, &out->role, &out->dataset,
                         &out->task, &out->run_name, &out->method};
  cJSON *item, *cols = cJSON_GetObjectItemCaseSensitive(o, "columns");
  if (cols) {   /* "c<JSON>": the generic format's column map */
    char *js = cJSON_PrintUnformatted(cols);
    pod_buf b = POD_BUF_INIT;
    pod_buf_printf(&b, "c%s", js);
    cJSON_free(js);
    pairs[(*n_pairs)++] = pod_buf_detach(&b);
  }
  for (int k = 0; text_keys[k]; k++) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, text_keys[k]);
    if (cJSON_IsString(v)) *slot[k] = v->valuestring;
  }
  for (int l = 0; l < 2; l++)
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(o, lists[l])) {
      pod_buf b = POD_BUF_INIT;
      pod_buf_printf(&b, "%c%s=%s", l ? 't' : 'm', item->string,
                     item->valuestring);
      pairs[(*n_pairs)++] = pod_buf_detach(&b);
    }
}

void ingest_manifest_apply(const ingest_manifest *m, const char *path,
                           ingest_meta *out, char ***out_pairs,
                           int *n_pairs) {
  const char *rel = path;
  size_t dl = strlen(m->dir);
  cJSON *e;
  if (strcmp(m->dir, ".") && !strncmp(path, m->dir, dl) && path[dl] == '/')
    rel = path + dl + 1;
  else if (!strncmp(path, "./", 2))
    rel = path + 2;
  *out_pairs = pod_xmalloc((size_t)(count_pairs(m) + 1) * sizeof **out_pairs);
  *n_pairs = 0;
  apply_object(m->root, out, *out_pairs, n_pairs);
  cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(m->root, "files"))
    if (glob_matches(cJSON_GetObjectItemCaseSensitive(e, "glob")->valuestring,
                     rel))
      apply_object(e, out, *out_pairs, n_pairs);
}
