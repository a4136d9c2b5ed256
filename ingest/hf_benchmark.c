/*
** ingest/hf_benchmark.c -- Hugging Face transformers benchmark files, as
** PyTorchBenchmark/TensorFlowBenchmark save_to_csv writes them.
**
** Result files: header model,batch_size,sequence_length,result, one row
** per (model, batch size, sequence length); several models per file.
**   - time files hold seconds ("%.4f");
**   - memory files hold "MB" as integers. transformers computes them with
**     bytes_to_mega_bytes(), which is `bytes >> 20`: mebibytes, rounded
**     down. We store bytes = MB * 2^20 and keep "MB" as the raw unit.
**   - files from the 2.10 rewrite (May 2020) hold strings with units,
**     "5.863MB", "292.000KB", from bytes_to_human_readable(): 1024-based
**     B/KB/MB/GB/TB (tests/data/hf/ and the corpus show both);
**   - before 2.10 the last column was named "memory";
**   - "N/A" (out of memory, or not measured) and "None" are no value.
** Which quantity a file holds comes from its name as save_to_csv gives
** it (inference_time_<ts>.csv, train_memory_<ts>.csv, memory_<ts>.csv),
** else from the cells: unit suffixes or integers are memory, decimals
** are time.
** Environment files (env_info_<ts>.csv): key,value rows, no header.
*/
#include "ingest/ingest_int.h"
#include "core/buf.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *basename_of(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* The first line of head, without its line end, into out. */
static void first_line(const char *head, size_t n, char *out, size_t cap) {
  size_t i = 0, o = 0;
  for (; i < n && head[i] != '\n' && head[i] != '\r' && o + 1 < cap; i++)
    if (head[i] != ' ' && head[i] != '"') out[o++] = head[i];
  out[o] = '\0';
}

/* An env_info file: "key,value" rows, transformers_version first: every
** transformers release (2.10 to 4.x) writes that key first. Any other
** two-column CSV (time,num_images) is not one (issue 14: such a file went
** in as an environment of timings). */
static int is_env_head(const char *line) {
  static const char key[] = "transformers_version,";
  return !strncmp(line, key, sizeof key - 1) &&
         !strchr(line + sizeof key - 1, ',');
}

/* Whether the first line, spaces and quotes left out as first_line does,
** starts with word. */
static int starts_as(const char *head, size_t n, const char *word) {
  for (size_t i = 0; *word; i++) {
    if (i == n) return 0;
    if (head[i] == ' ' || head[i] == '"') continue;
    if (head[i] != *word++) return 0;
  }
  return 1;
}

static int sniff(const char *head, size_t n, const char *path) {
  char line[256];
  /* any other file is told by its first bytes, not after a copy of its
  ** first line (a folder of 10,000 small files, issue 14) */
  if (!starts_as(head, n, "model,") &&
      !starts_as(head, n, "transformers_version,"))
    return 0;
  first_line(head, n, line, sizeof line);
  if (!strcmp(line, "model,batch_size,sequence_length,result") ||
      !strcmp(line, "model,batch_size,sequence_length,memory"))
    return 100;
  if (is_env_head(line))
    return strstr(basename_of(path), "env_info") ? 100 : 80;
  return 0;
}

/* ---- result files ---------------------------------------------------- */

enum { KIND_UNKNOWN, KIND_TIME, KIND_MEMORY };

typedef struct results {
  int header_seen;
  int kind;
  int from_name;          /* kind came from the file name */
  const char *phase;      /* "inference" or "train" */
  int64_t metric_id;
  int unit_suffixes;      /* 2.10-dev strings such as "5.863MB" */
  int memory_column;      /* before 2.10: last column named "memory" */
  char *model;            /* the model of the run in run_id */
  int64_t run_id;
  long values, no_values; /* results stored; N/A or None cells */
  long oom;               /* of them N/A: what transformers writes when a
                          ** point ran out of memory (None: not measured) */
  char points[192];       /* the first N/A points: "model batch 8 seq 512" */
} results;

/* "5.863MB" -> bytes; returns 0 when s has no such unit suffix. */
static int parse_memory_string(const char *s, double *bytes, char unit[3]) {
  static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
  size_t n = strlen(s);
  for (int u = 4; u >= 0; u--) {
    size_t k = strlen(units[u]);
    char num[64];
    double v;
    if (n <= k || n - k >= sizeof num || strcasecmp(s + n - k, units[u]))
      continue;
    if (u == 0 && (s[n - 2] < '0' || s[n - 2] > '9')) continue;  /* "KB" */
    memcpy(num, s, n - k);
    num[n - k] = '\0';
    if (!ingest_parse_number(num, &v)) return 0;
    *bytes = v * pow(1024.0, u);
    snprintf(unit, 3, "%s", units[u]);
    return 1;
  }
  return 0;
}

static int is_no_value(const char *s) {
  return !strcmp(s, "N/A") || !strcmp(s, "None") || !*s;
}

static void kind_from_name(results *st, const char *path, int memory_column) {
  const char *b = basename_of(path);
  st->phase = strstr(b, "train") ? "train" : "inference";
  if (strstr(b, "memory") || memory_column) st->kind = KIND_MEMORY;
  else if (strstr(b, "time")) st->kind = KIND_TIME;
  st->from_name = st->kind != KIND_UNKNOWN;
}

static int check_header(ingest_ctx *cx, results *st,
                        const ingest_csv_row *row, char err[POD_ERRLEN]) {
  static const char *const want[] = {"model", "batch_size",
                                     "sequence_length", "result"};
  int memory_column = 0, rc = ingest_csv_check_header(cx, row, err);
  if (rc) return rc;
  for (size_t i = 0; i < 4; i++) {
    if (i >= row->n)
      return ingest_csv_fail(cx, row, i, "the header "
                             "model,batch_size,sequence_length,result", err);
    if (i == 3 && !strcmp(row->field[i], "memory")) { memory_column = 1; continue; }
    if (strcmp(row->field[i], want[i])) {
      char msg[96];
      snprintf(msg, sizeof msg, "column %zu named \"%s\"", i + 1, want[i]);
      return ingest_csv_fail(cx, row, i, msg, err);
    }
  }
  if (row->n > 4)
    return ingest_csv_fail(cx, row, 4, "4 columns "
                           "(model,batch_size,sequence_length,result)", err);
  kind_from_name(st, cx->path, memory_column);
  st->memory_column = memory_column;
  cx->format_version = memory_column ? "before 2.10 (memory column)" : "2.10+";
  st->header_seen = 1;
  return POD_OK;
}

static int metric_for(ingest_ctx *cx, results *st, char err[POD_ERRLEN]) {
  char name[64];
  int time = st->kind == KIND_TIME;
  snprintf(name, sizeof name, "%s_%s", st->phase, time ? "time" : "memory");
  return store_metric_id(cx->db, name, time ? "s" : "B", STORE_LOWER_BETTER,
                         &st->metric_id, err);
}

static int results_row(ingest_ctx *cx, const ingest_csv_row *row, void *ud,
                       char err[POD_ERRLEN]) {
  results *st = ud;
  store_measurement m;
  long long batch, seq;
  double value, bytes;
  char unit[3] = "";
  const char *cell;
  int rc;

  if (!st->header_seen) return check_header(cx, st, row, err);
  if (row->n != 4) {
    char msg[96];
    snprintf(msg, sizeof msg, "4 fields (model,batch_size,sequence_length,"
             "result), not %zu", row->n);
    return ingest_csv_fail(cx, row, row->n < 4 ? row->n : 4, msg, err);
  }
  cx->rows++;
  if (!row->len[0]) return ingest_csv_fail(cx, row, 0, "a model name", err);
  if (!ingest_parse_count(row->field[1], 1, &batch))
    return ingest_csv_fail(cx, row, 1, "a batch size (a whole number >= 1)",
                           err);
  if (!ingest_parse_count(row->field[2], 1, &seq))
    return ingest_csv_fail(cx, row, 2, "a sequence length (a whole number "
                           ">= 1)", err);
  cell = row->field[3];
  if (is_no_value(cell)) {  /* out of memory: nothing measured */
    size_t o = strlen(st->points);
    if (st->no_values < 3)
      snprintf(st->points + o, sizeof st->points - o, "%s%.60s batch %lld seq %lld",
               o ? "; " : "", row->field[0], batch, seq);
    st->no_values++;
    st->oom += !strcmp(cell, "N/A");
    return POD_OK;
  }

  if (parse_memory_string(cell, &bytes, unit)) {
    if (st->kind == KIND_TIME && st->from_name)
      return ingest_csv_fail(cx, row, 3, "a time in seconds (the file name "
                             "says this is a time file)", err);
    st->kind = KIND_MEMORY;
    st->unit_suffixes = 1;
    value = bytes;
  } else if (ingest_parse_number(cell, &value)) {
    if (st->kind == KIND_UNKNOWN)
      st->kind = strchr(cell, '.') ? KIND_TIME : KIND_MEMORY;
    if (st->kind == KIND_MEMORY) {
      snprintf(unit, sizeof unit, "MB");
      value *= 1048576.0;  /* transformers' MB is 2^20 bytes (see top) */
    } else {
      snprintf(unit, sizeof unit, "s");
    }
  } else {
    return ingest_csv_fail(cx, row, 3, st->kind == KIND_TIME
                           ? "a time in seconds, or N/A"
                           : "a number (MB), a size such as 5.863MB, or N/A",
                           err);
  }
  if (value < 0)
    return ingest_csv_fail(cx, row, 3, "a value >= 0", err);
  if (!st->metric_id && (rc = metric_for(cx, st, err))) return rc;
  if (st->unit_suffixes && !st->memory_column)
    cx->format_version = "2.10 dev (sizes with units)";

  if (!st->model || strcmp(st->model, row->field[0])) {
    free(st->model);
    st->model = pod_xstrdup(row->field[0]);
    ingest_run_fields f = {st->model, NULL, NULL, NULL, NULL, NULL};
    if ((rc = ingest_run_for(cx, &f, 0, &st->run_id, err))) {
      long line;
      long col = ingest_csv_col(row, 0, &line);
      char again[POD_ERRLEN];
      snprintf(again, sizeof again, "%s", err);
      return pod_err_at(err, rc, cx->path, line, col, "%s", again);
    }
  }
  ingest_measurement_init(&m, cx, st->run_id, st->metric_id, row->line, value);
  m.batch_size = batch;
  m.sequence_length = seq;
  m.raw_value = cell;
  m.raw_unit = unit;
  st->values++;
  return store_measurement_add(cx->db, &m, err);
}

/* ---- environment files ----------------------------------------------- */

typedef struct envfile {
  cJSON *extras;   /* every key as written */
} envfile;

static int env_row(ingest_ctx *cx, const ingest_csv_row *row, void *ud,
                   char err[POD_ERRLEN]) {
  envfile *st = ud;
  if (row->n != 2)
    return ingest_csv_fail(cx, row, row->n < 2 ? row->n : 2,
                           "2 fields (key,value)", err);
  if (!row->len[0]) return ingest_csv_fail(cx, row, 0, "a key", err);
  if (cJSON_GetObjectItemCaseSensitive(st->extras, row->field[0]))
    return ingest_csv_fail(cx, row, 0, "each key once", err);
  cJSON_AddStringToObject(st->extras, row->field[0], row->field[1]);
  cx->rows++;
  return POD_OK;
}

static const char *env_text(cJSON *o, const char *key) {
  cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* "1024" (MB, i.e. MiB: bytes >> 20 in transformers) -> bytes, or -1. */
static int64_t env_mib(cJSON *o, const char *key) {
  const char *s = env_text(o, key);
  long long v;
  return s && ingest_parse_count(s, 0, &v) ? (int64_t)v * 1048576 : -1;
}

static int parse_env(ingest_ctx *cx, char err[POD_ERRLEN]) {
  envfile st = {cJSON_CreateObject()};
  store_env env;
  char *json = NULL;
  int64_t env_id;
  long long n;
  double w;
  const char *s;
  int rc = ingest_csv_read(cx, env_row, &st, err);
  if (rc == POD_OK && cx->rows == 0)
    rc = pod_err_at(err, POD_EINPUT, cx->path, 0, 0,
                    "found no key,value rows, expected an environment file");
  if (rc) goto done;
  store_env_init(&env);
  /* "cpu" is platform.processor() (transformers' benchmark_utils):
  ** "x86_64", "arm", "Intel64 Family 6 Model 158 ...", never the model
  ** name CodeCarbon and py-cpuinfo write. It stays in extras only, so the
  ** same machine described by both tools can be one environment. */
  env.os = env_text(st.extras, "system");
  env.python_version = env_text(st.extras, "python_version");
  env.framework = env_text(st.extras, "framework");
  env.framework_version = env_text(st.extras, "framework_version");
  env.ram_bytes = env_mib(st.extras, "cpu_ram_mb");
  env.gpu_model = env_text(st.extras, "gpu");
  env.gpu_memory_bytes = env_mib(st.extras, "gpu_ram_mb");
  if ((s = env_text(st.extras, "num_gpus")) && ingest_parse_count(s, 0, &n))
    env.gpu_count = n;
  if ((s = env_text(st.extras, "gpu_power_watts")) &&
      ingest_parse_number(s, &w))
    env.gpu_power_w = w;
  /* date and time say when, not where: they stay out of the fingerprint
  ** so two benchmark runs on one machine share an environment. */
  cJSON_DeleteItemFromObjectCaseSensitive(st.extras, "date");
  cJSON_DeleteItemFromObjectCaseSensitive(st.extras, "time");
  json = cJSON_PrintUnformatted(st.extras);
  env.extras_json = json;
  cx->format_version = env_text(st.extras, "use_torchscript")
                           ? "env_info 2.11+" : "env_info";
  if ((rc = store_env_add(cx->db, &env, &env_id, err))) goto done;
  ingest_set_folder_env(cx, env_id);
done:
  cJSON_free(json);
  cJSON_Delete(st.extras);
  return rc;
}

/* Whether the file's first line (past a BOM) is env_info's. */
static int env_file(ingest_ctx *cx) {
  char head[512], line[256];
  size_t n = ingest_head(cx, head, sizeof head);
  if (n >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3)) {
    memmove(head, head + 3, n - 3);
    n -= 3;
  }
  first_line(head, n, line, sizeof line);
  return is_env_head(line);
}

int ingest_hf_env_again(ingest_ctx *cx, char err[POD_ERRLEN]) {
  return env_file(cx) ? parse_env(cx, err) : POD_OK;
}

static int parse(ingest_ctx *cx, char err[POD_ERRLEN]) {
  results st;
  int rc;
  if (env_file(cx)) return parse_env(cx, err);
  memset(&st, 0, sizeof st);
  rc = ingest_csv_read(cx, results_row, &st, err);
  if (rc == POD_OK && !st.header_seen)
    rc = pod_err_at(err, POD_EINPUT, cx->path, 0, 0,
                    "found an empty file, expected the header "
                    "model,batch_size,sequence_length,result");
  else if (rc == POD_OK && cx->rows == 0)
    rc = ingest_no_rows(cx, 1, "result row", err);
  if (rc == POD_OK && st.no_values) {
    /* transformers writes N/A where a point ran out of memory (or was not
    ** run): say so, rather than "added (2 rows)"; and in the format
    ** version, which the run page shows beside the file (as Keras' "nan
    ** values skipped"), where: "2.10+, out of memory (N/A) at
    ** bert-large-uncased batch 8 seq 512" */
    static char note[96], version[320];
    snprintf(version, sizeof version, "%s, %s at %s%s", cx->format_version,
             st.oom ? "out of memory (N/A)" : "not measured (None)",
             st.points, st.no_values > 3 ? " and more" : "");
    cx->format_version = version;
    if (!st.values)
      snprintf(note, sizeof note, "0 values: every result N/A (out of "
               "memory or not run)");
    else
      snprintf(note, sizeof note, "%ld value%s, %ld result%s N/A (out of "
               "memory or not run)", st.values, st.values == 1 ? "" : "s",
               st.no_values, st.no_values == 1 ? "" : "s");
    cx->note = note;
  }
  free(st.model);
  return rc;
}

const ingest_format ingest_hf_benchmark = {
  "hf-benchmark",
  "header model,batch_size,sequence_length,result (or memory); "
  "or key,value rows starting with transformers_version (env_info)",
  sniff, parse,
  "model,batch_size,sequence_length,result,memory,transformers_version"};
