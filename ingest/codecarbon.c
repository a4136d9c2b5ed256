/*
** ingest/codecarbon.c -- CodeCarbon emissions.csv, every column layout
** released since 1.x (18 columns) up to 3.2.3 (38), into measurements.
**
** Columns are matched by header name, never by position (3.2.3 moved
** cloud_provider,cloud_region to the end; the 2021 sample ends with 14
** empty header cells). Units are the ones CodeCarbon writes: duration s,
** emissions kg CO2eq, power W, energy kWh, water L, utilization %;
** ram_total_size and ram_used_gb are "GB" computed as bytes / B_TO_GB
** with B_TO_GB = 1024**3 (codecarbon/external/hardware.py), i.e. GiB, so
** bytes = GB * 2^30 (31.29486083984375 in the 2.2.2 corpus file is an
** exact multiple of 2^-20, as bytes / 2^30 gives).
**
** Runs. CodeCarbon appends one row per tracker stop, and flush() writes
** several rows for one run_id with growing duration (cumulative
** snapshots). So:
**   - rows with the same non-empty run_id are one run; a run_id seen once
**     gives summary values (step NULL: one wide row of tracker results,
**     store_tracker_result_add, which readers see as long-form
**     measurements); a run_id seen k > 1 times gives
**     k snapshots (store_sample_add: one wide row each, step = 1..k, the
**     run's energy curve) plus summary values copied from the snapshot
**     with the largest duration (the last such row), so the leaderboard,
**     which averages summary values, sees exactly one value per metric;
**   - CodeCarbon 1.0-1.2 had no run_id but wrote a new uuid4
**     experiment_id at every stop: there experiment_id is the key (from
**     2.7 experiment_id is the dashboard's, one value for all runs, and
**     is not a key);
**   - rows with an EMPTY key (or no key column: the 2021 18-column
**     layout) are grouped like any podium file, by (folder,
**     project/model, flags, machine): they are repeats of the project's
**     run and each is a summary value.
** One pass does it (a hash of the run_id -> its entry; memory stays
** flat: past 65,536 run_ids the entries go to a scratch file, see
** ingest/codecarbon_runs.c): a run_id's first
** row is stored as summary values; when a second row comes, those become
** its snapshot 1 (store_summary_to_sample); after the pass, each run with
** snapshots gets its summary values from its final row, read again by
** its byte offset.
**
** The environment is per row (one file may hold rows of several
** machines), but store_env_add is called only when the row's raw
** environment cells differ from the previous row's.
*/
#include "ingest/ingest_int.h"
#include "ingest/codecarbon_runs.h"
#include "core/buf.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GIB 1073741824.0

/* The measurement columns: metric name, SI unit, unit as written,
** direction, factor to SI. */
static const ingest_column_metric mcols[] = {
  {"duration", "duration", "s", "s", STORE_LOWER_BETTER, 1},
  {"emissions", "emissions", "kg", "kg", STORE_LOWER_BETTER, 1},
  {"emissions_rate", "emissions_rate", "kg/s", "kg/s", STORE_LOWER_BETTER, 1},
  {"cpu_power", "cpu_power", "W", "W", STORE_LOWER_BETTER, 1},
  {"gpu_power", "gpu_power", "W", "W", STORE_LOWER_BETTER, 1},
  {"ram_power", "ram_power", "W", "W", STORE_LOWER_BETTER, 1},
  {"cpu_energy", "cpu_energy", "kWh", "kWh", STORE_LOWER_BETTER, 1},
  {"gpu_energy", "gpu_energy", "kWh", "kWh", STORE_LOWER_BETTER, 1},
  {"ram_energy", "ram_energy", "kWh", "kWh", STORE_LOWER_BETTER, 1},
  {"energy_consumed", "energy_consumed", "kWh", "kWh", STORE_LOWER_BETTER, 1},
  {"water_consumed", "water_consumed", "L", "L", STORE_LOWER_BETTER, 1},
  {"cpu_utilization_percent", "cpu_utilization", "%", "%",
   STORE_NO_DIRECTION, 1},
  {"gpu_utilization_percent", "gpu_utilization", "%", "%",
   STORE_NO_DIRECTION, 1},
  {"ram_utilization_percent", "ram_utilization", "%", "%",
   STORE_NO_DIRECTION, 1},
  {"ram_used_gb", "ram_used", "B", "GB", STORE_LOWER_BETTER, GIB},
};
#define N_MCOLS (sizeof mcols / sizeof mcols[0])

/* Columns that say which run a row is, not where it ran. */
static const char *const run_columns[] = {"timestamp", "project_name",
                                          "run_id", "experiment_id",
                                          "task_name", NULL};


/* ---- per-file state ------------------------------------------------- */

enum { C_PROJECT, C_RUN_ID, C_DURATION, C_EXPERIMENT, C_VERSION, C_PUE,
       C_WATER, C_UTIL, C_EMISSIONS, C_TIMESTAMP, C_TASK, C_N };

#define ENV_SLOTS 16
typedef struct env_slot {
  pod_buf key;
  int64_t id;
} env_slot;

typedef struct cc {
  int header_seen;
  ingest_csv_row hdr;          /* owned copy of the header */
  char *hdr_bytes;             /* its fields, one after another */
  long hdr_line;
  int col[C_N];                /* index of a named column, or -1 */
  int key_col;                 /* the column keying runs, or -1 */
  int mcol[N_MCOLS];           /* measurement column -> mcols[], or -1 */
  int64_t metric_id[N_MCOLS];
  int sample_col[N_MCOLS];     /* mcols[] -> store_sample_metrics, or -1 */
  size_t dur_k, cpu_power_k;   /* mcols[] index of duration, cpu_power */
  size_t rate_k;               /* ... and of emissions_rate */
  int rate_in_g;               /* 2.0-2.1 wrote emissions_rate in g/s */
  int64_t final_run;           /* final_row's run */
  int *env_cols;               /* columns that describe the machine */
  size_t n_env_cols;
  run_table runs;
  /* caches */
  pod_buf env_key;             /* raw environment cells, \x1f-separated */
  env_slot env[ENV_SLOTS];     /* recent machines, most recent first */
  int n_env;
  int64_t env_id;
  pod_buf group_key, group_prev;  /* rows without run_id: last group */
  int64_t group_run;
  ingest_dropped dropped;      /* rows appended without their empty cells */
  pod_buf task_key;            /* a task file's run key: run_id, task */
  long no_run_id;              /* rows with an empty run_id cell */
  long negatives, negative_last;  /* lines with a part's energy < 0 */
  char negative_what[96];      /* the first: "gpu_energy at line 136" */
} cc;

/* The first byte first: a header is matched against every name podium
** knows, ~900 strcmp a file (issue 14: a folder of small files). */
static int name_is(const ingest_csv_row *hdr, size_t i, const char *name) {
  return hdr->field[i][0] == name[0] && !strcmp(hdr->field[i], name);
}

static int find_col(const ingest_csv_row *hdr, const char *name) {
  for (size_t i = 0; i < hdr->n; i++)
    if (name_is(hdr, i, name)) return (int)i;
  return -1;
}

static void cc_free(cc *st) {
  free(st->hdr_bytes);
  free(st->hdr.field);
  free(st->hdr.len);
  free((char *)st->hdr.text);
  free(st->env_cols);
  cc_runs_free(&st->runs);
  pod_buf_free(&st->env_key);
  for (int k = 0; k < ENV_SLOTS; k++) pod_buf_free(&st->env[k].key);
  pod_buf_free(&st->group_key);
  pod_buf_free(&st->group_prev);
  ingest_dropped_free(&st->dropped);
  pod_buf_free(&st->task_key);
}

/* A header row: it names project_name and duration. */
static int looks_like_header(const ingest_csv_row *row) {
  int project = 0, duration = 0;
  for (size_t i = 0; i < row->n; i++) {  /* first byte first: every row */
    const char *f = row->field[i];
    if (*f == 'p' && !strcmp(f, "project_name")) project = 1;
    if (*f == 'd' && !strcmp(f, "duration")) duration = 1;
  }
  return project && duration;
}

/* The release range that wrote these columns, from EmissionsData as each
** tag of mlco2/codecarbon had it: experiment_id second (a uuid4 made at
** every stop) in 1.0-1.2; run_id from 2.0; codecarbon_version 2.2.0; pue
** 2.2.3; experiment_id after run_id (the dashboard's, one fixed default
** for every run) 2.7.0; water_consumed and wue 3.0.8; the utilization
** columns and ram_used_gb 3.2. emissions_rate is g/s up to 2.1, kg/s
** from 2.2.0. */
static const char LAYOUT_2_0[] = "2.0-2.1 (29, run_id)";   /* g/s rates */
static const char *layout_of(const cc *st) {
  if (st->col[C_UTIL] >= 0) return "3.2+ (37-38, utilization)";
  if (st->col[C_WATER] >= 0) return "3.0.8-3.1 (34, water)";
  if (st->col[C_RUN_ID] < 0 && st->col[C_EXPERIMENT] >= 0)
    return "1.0-1.2 (12, experiment_id per stop)";
  if (st->col[C_EXPERIMENT] >= 0) return "2.7-3.0.7 (32, experiment_id)";
  if (st->col[C_PUE] >= 0) return "2.2.3-2.6 (31, pue)";
  if (st->col[C_VERSION] >= 0) return "2.2.0-2.2.2 (30, codecarbon_version)";
  if (st->col[C_RUN_ID] >= 0) return LAYOUT_2_0;
  return "1.x (18 columns)";
}

static int is_run_column(const char *name) {
  for (int k = 0; run_columns[k]; k++)
    if (name[0] == run_columns[k][0] && !strcmp(name, run_columns[k]))
      return 1;
  return 0;
}

static int read_header(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                       char err[POD_ERRLEN]) {
  static const char *const named[C_N] = {
      "project_name", "run_id", "duration", "experiment_id",
      "codecarbon_version", "pue", "water_consumed",
      "cpu_utilization_percent", "emissions", "timestamp", "task_name"};
  int rc = ingest_csv_check_header(cx, row, err);
  if (rc) return rc;
  st->hdr.n = row->n;
  st->hdr.field = pod_xmalloc((row->n + 1) * sizeof *st->hdr.field);
  st->hdr.len = pod_xmalloc((row->n + 1) * sizeof *st->hdr.len);
  st->hdr_bytes = ingest_copy_fields(row, st->hdr.field);
  for (size_t i = 0; i < row->n; i++) st->hdr.len[i] = row->len[i];
  st->hdr.line = row->line;
  st->hdr.text = pod_xstrndup(row->text, row->text_len);
  st->hdr.text_len = row->text_len;
  st->hdr_line = row->line;
  for (int k = 0; k < C_N; k++) st->col[k] = find_col(&st->hdr, named[k]);
  if (st->col[C_PROJECT] < 0 || st->col[C_DURATION] < 0 ||
      st->col[C_EMISSIONS] < 0)
    return ingest_csv_fail(cx, row, 0, "a CodeCarbon header naming "
                           "project_name, duration and emissions", err);
  st->env_cols = pod_xmalloc((row->n + 1) * sizeof *st->env_cols);
  for (size_t i = 0; i < row->n; i++) {
    int m = -1;
    for (size_t k = 0; k < N_MCOLS; k++)
      if (name_is(&st->hdr, i, mcols[k].column)) m = (int)k;
    if (m >= 0) st->mcol[m] = (int)i;
    else if (!is_run_column(row->field[i]))
      st->env_cols[st->n_env_cols++] = (int)i;
  }
  /* 1.0-1.2 had no run_id; their experiment_id was new at every stop, so
  ** it is what run_id became. From 2.7 it names the dashboard experiment,
  ** the same for every run: not a key. */
  st->key_col = st->col[C_RUN_ID] >= 0 ? st->col[C_RUN_ID]
                                       : st->col[C_EXPERIMENT];
  cx->format_version = layout_of(st);
  /* 2.0-2.1 wrote emissions * 1000 / duration ("# g/s" in
  ** emissions_tracker.py); 2.2.0, which added codecarbon_version, kg/s */
  st->rate_in_g = cx->format_version == LAYOUT_2_0;
  if (st->col[C_TASK] >= 0) {   /* the file task_out writes */
    static char tasks[96];
    snprintf(tasks, sizeof tasks, "%s, one row per task (start_task)",
             cx->format_version);
    cx->format_version = tasks;
  }
  st->dropped.hdr = &st->hdr;
  st->header_seen = 1;
  return POD_OK;
}

/* A header in the middle of the file: the same one again is skipped
** (files appended to by a second tracker); a different one is an error. */
static int second_header(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                         char err[POD_ERRLEN]) {
  char msg[160];
  size_t i = 0;
  while (i < row->n && i < st->hdr.n && !strcmp(row->field[i],
                                                 st->hdr.field[i]))
    i++;
  if (i == row->n && i == st->hdr.n) return POD_OK;
  snprintf(msg, sizeof msg, "the header of line %ld again (a second, "
           "different header: CodeCarbon's columns changed; split the file "
           "there)", st->hdr_line);
  return ingest_csv_fail(cx, row, i, msg, err);
}

/* ---- broken lines ---------------------------------------------------- */

/* Every release writes strftime("%Y-%m-%dT%H:%M:%S"); a file edited by
** hand may hold another form, so only a year first is asked for. */
static int is_date(const char *s) {
  for (int i = 0; i < 4; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

/* Two trackers appending to one emissions.csv at once leave lines such as
** "0,,,,..." or ".0,,,...": the right number of commas, but none of the
** cells every CodeCarbon row has. Such a line is named with what it lacks
** (err written, POD_EINPUT), never read as a run of no name. */
static int broken_row(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                      char err[POD_ERRLEN]) {
  /* emissions may be empty on a real row (2.4.3rc1 flush rows) */
  static const int need[] = {C_PROJECT, C_RUN_ID, C_DURATION};
  pod_buf what = POD_BUF_INIT;
  int t = st->col[C_TIMESTAMP], first = -1, key = st->key_col;
  long line, col;
  if (t >= 0 && !is_date(row->field[t])) {
    pod_buf_printf(&what, "timestamp \"%.24s\" is not a date",
                   row->field[t]);
    first = t;
  }
  for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) {
    int i = need[k] == C_RUN_ID ? key : st->col[need[k]];
    if (i < 0 || row->len[i]) continue;
    /* an empty run_id alone is a repeat (2.4.3rc1 writes some) */
    if (need[k] == C_RUN_ID && !what.len) continue;
    pod_buf_printf(&what, "%sno %s", what.len ? ", " : "", st->hdr.field[i]);
    if (first < 0 || i < first) first = i;
  }
  if (!what.len) return POD_OK;
  if (first < 0) first = 0;
  col = ingest_csv_col(row, (size_t)first, &line);
  pod_err_at(err, POD_EINPUT, cx->path, line, col, "found a broken line "
             "(%s), expected a CodeCarbon row with a timestamp, "
             "project_name and duration (two trackers writing to one "
             "file?)", what.data);
  pod_buf_free(&what);
  return POD_EINPUT;
}

/* ---- the environment of a row ----------------------------------------- */

static int env_count(ingest_ctx *cx, const ingest_csv_row *row, int i,
                     int64_t *out, char err[POD_ERRLEN]) {
  long long v;
  if (i < 0 || !row->len[i]) return POD_OK;
  if (!ingest_parse_count(row->field[i], 0, &v))
    return ingest_csv_fail(cx, row, (size_t)i, "a count (a whole number "
                           ">= 0) or an empty cell", err);
  *out = v;
  return POD_OK;
}

static int env_number(ingest_ctx *cx, const ingest_csv_row *row, int i,
                      double *out, char err[POD_ERRLEN]) {
  if (i < 0 || !row->len[i]) return POD_OK;
  if (!ingest_parse_number(row->field[i], out) || *out < 0)
    return ingest_csv_fail(cx, row, (size_t)i, "a number >= 0 or an empty "
                           "cell", err);
  return POD_OK;
}

/* CodeCarbon writes gpu_model as "<count> x <name>" (one kind of GPU) so
** the name other tools write ("Tesla T4") is what follows; several kinds
** ("1 x A, 1 x B") stay as written. Sets *count from the prefix. */
static const char *gpu_name(const char *v, int64_t *count) {
  const char *p = v;
  long n = 0;
  *count = -1;
  if (!v) return v;
  while (*p >= '0' && *p <= '9' && n < 100000) n = n * 10 + (*p++ - '0');
  if (p == v || strncmp(p, " x ", 3) || !p[3] || strchr(p, ',')) return v;
  *count = n;
  return p + 3;
}

static int env_build(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                     char err[POD_ERRLEN]) {
  store_env env;
  int64_t gpu_n = -1;
  cJSON *extras = cJSON_CreateObject();
  char *json = NULL;
  double ram_gb = -1;
  int rc = POD_OK;
  store_env_init(&env);
  for (size_t k = 0; k < st->n_env_cols; k++) {
    int i = st->env_cols[k];
    const char *name = st->hdr.field[i], *v = row->len[i] ? row->field[i]
                                                          : NULL;
    char unnamed[32];
    if (!*name) {
      /* The 2021 sample has 14 unnamed trailing columns, empty but on its
      ** last line, where two rows were glued together (region
      ** "brazilsouth2021-07-14T10:59:36"): keep such cells as written. */
      snprintf(unnamed, sizeof unnamed, "column %d", i + 1);
      name = unnamed;
    }
    if (!strcmp(name, "cpu_model")) env.cpu_model = v;
    else if (!strcmp(name, "gpu_model")) {
      env.gpu_model = gpu_name(v, &gpu_n);
      if (env.gpu_model != v) cJSON_AddStringToObject(extras, name, v);
    }
    else if (!strcmp(name, "os")) env.os = v;
    else if (!strcmp(name, "python_version")) env.python_version = v;
    else if (!strcmp(name, "country_name")) env.country = v;
    else if (!strcmp(name, "region")) env.region = v;
    else if (!strcmp(name, "cloud_provider")) env.cloud_provider = v;
    else if (!strcmp(name, "cloud_region")) env.cloud_region = v;
    else if (!strcmp(name, "tracking_mode")) env.tracking_mode = v;
    else if (!strcmp(name, "cpu_count"))
      rc = env_count(cx, row, i, &env.cpu_count, err);
    else if (!strcmp(name, "gpu_count"))
      rc = env_count(cx, row, i, &env.gpu_count, err);
    else if (!strcmp(name, "pue"))
      rc = env_number(cx, row, i, &env.pue, err);
    else if (!strcmp(name, "ram_total_size"))
      rc = env_number(cx, row, i, &ram_gb, err);
    else if (v)  /* codecarbon_version, country_iso_code, longitude, ...,
                 ** and columns no CodeCarbon we know writes */
      cJSON_AddStringToObject(extras, name, v);
    else
      continue;
    if (rc) goto done;
  }
  if (ram_gb >= 0) env.ram_bytes = (int64_t)llround(ram_gb * GIB);
  /* "8 x NVIDIA H20" counts the machine's GPUs, gpu_count the ones
  ** tracked (gpu_ids): the kind is the name either way, the count
  ** gpu_count's when it has one (the "8 x" stays in extras) */
  if (gpu_n > 0 && env.gpu_count < 0) env.gpu_count = gpu_n;
  json = cJSON_PrintUnformatted(extras);
  env.extras_json = json;
  rc = store_env_add(cx->db, &env, &st->env_id, err);
done:
  cJSON_free(json);
  cJSON_Delete(extras);
  return rc;
}

/* Whether key (a slot's raw cells, \x1f after each) is row's. */
static int same_env(const cc *st, const pod_buf *key, const ingest_csv_row *row) {
  size_t at = 0;
  for (size_t c = 0; c < st->n_env_cols; c++) {
    int i = st->env_cols[c];
    size_t n = row->len[i];
    if (at + n + 1 > key->len || memcmp(key->data + at, row->field[i], n) ||
        key->data[at + n] != '\x1f')
      return 0;
    at += n + 1;
  }
  return at == key->len;
}

/* Rows of several machines interleave (each flush() appends one row of
** its run), so the environments of the last few distinct rows are kept,
** most recent first, keyed by their raw cells: env_build (cJSON, the
** fingerprint, a query) runs once per machine, not once per row; and
** once per machine for a folder of files (ingest_env_recall: keyed by
** the header too, which says what the cells are). */
static int env_for(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                   char err[POD_ERRLEN]) {
  env_slot hit;
  int rc, k;
  for (k = 0; k < st->n_env; k++)  /* compared in place: no key made */
    if (same_env(st, &st->env[k].key, row)) break;
  if (k == st->n_env) {  /* a machine not among the recent ones */
    pod_buf_clear(&st->env_key);
    for (size_t c = 0; c < st->n_env_cols; c++) {
      int i = st->env_cols[c];
      pod_buf_add(&st->env_key, row->field[i], row->len[i]);
      pod_buf_addc(&st->env_key, '\x1f');
    }
    if (!(st->env_id = ingest_env_recall(cx, st->hdr.text, st->hdr.text_len,
                                         pod_buf_str(&st->env_key)))) {
      if ((rc = env_build(cx, st, row, err))) return rc;
      ingest_env_remember(cx, st->hdr.text, st->hdr.text_len,
                          pod_buf_str(&st->env_key), st->env_id);
    }
    if (st->n_env < ENV_SLOTS) st->n_env++;
    k = st->n_env - 1;   /* the least recent slot gets the new one */
    pod_buf_clear(&st->env[k].key);
    pod_buf_add(&st->env[k].key, st->env_key.data, st->env_key.len);
    st->env[k].id = st->env_id;
  }
  hit = st->env[k];      /* move to the front */
  memmove(&st->env[1], &st->env[0], (size_t)k * sizeof st->env[0]);
  st->env[0] = hit;
  st->env_id = hit.id;
  return POD_OK;
}

/* ---- the run of a row ------------------------------------------------ */

static int run_for(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                   const char *key, int64_t *out, char err[POD_ERRLEN]) {
  int p = st->col[C_PROJECT], t = st->col[C_TASK], rc;
  const char *project = row->len[p] ? row->field[p] : NULL;
  /* CodeCarbon has no model column: the project names what was run; a
  ** task (start_task("inference")) is what of it was measured. */
  const char *task = t >= 0 && row->len[t] ? row->field[t] : NULL;
  ingest_run_fields f = {project, project, task, NULL, NULL, NULL, key,
                        key != NULL};
  ingest_map_row(cx->meta, &st->hdr, row, &f);
  if ((rc = ingest_run_for(cx, &f, st->env_id, out, err))) {
    long line;
    long col = ingest_csv_col(row, (size_t)p, &line);
    char again[POD_ERRLEN];
    snprintf(again, sizeof again, "%s", err);
    return pod_err_at(err, rc, cx->path, line, col, "%s", again);
  }
  return POD_OK;
}

/* Rows without run_id: the run of the previous such row when the project,
** --map columns and environment are the same. */
static int group_run_for(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                         int64_t *out, char err[POD_ERRLEN]) {
  pod_buf tmp;
  int rc;
  pod_buf_clear(&st->group_key);
  pod_buf_printf(&st->group_key, "%lld\x1f%s", (long long)st->env_id,
                 row->field[st->col[C_PROJECT]]);
  if (cx->meta->n_map) {
    for (size_t i = 0; i < row->n; i++) {
      pod_buf_addc(&st->group_key, '\x1f');
      pod_buf_add(&st->group_key, row->field[i], row->len[i]);
    }
  }
  if (st->group_run && st->group_key.len == st->group_prev.len &&
      !memcmp(st->group_key.data, st->group_prev.data, st->group_key.len)) {
    *out = st->group_run;
    return POD_OK;
  }
  if ((rc = run_for(cx, st, row, NULL, out, err))) return rc;
  st->group_run = *out;
  tmp = st->group_prev;
  st->group_prev = st->group_key;
  st->group_key = tmp;
  return POD_OK;
}

/* ---- second pass: rows ----------------------------------------------- */

/* How CodeCarbon got this row's CPU figures; the file never says, so:
** CPU power is RAPL (or Intel Power Gadget) when it can read it;
** otherwise a constant, TDP x 0.5 (CONSUMPTION_PERCENTAGE_CONSTANT in
** codecarbon/external/hardware.py; 85 W x 0.5 = 42.5 W when the CPU is
** not in its table), which is why a cpu_power that is a whole number of
** half watts is read as "tdp". From 3.0 the fallback is a TDP x load
** model whose values look like readings: "rapl-or-model". The other
** figures follow from it (store/store_int.h, TRACKER_COLUMNS): GPU
** figures come from NVML (pynvml); RAM is modelled (3 W per 8 GB before
** 3.0, per DIMM since: codecarbon/external/ram.py); totals join the
** parts. */
static const char *cc_cpu_method(const cc *st, double cpu_power) {
  if (cpu_power > 0 &&
      fabs(2 * cpu_power - floor(2 * cpu_power + 0.5)) < 1e-9)
    return "tdp";
  return st->col[C_WATER] >= 0 || st->col[C_UTIL] >= 0 ? "rapl-or-model"
                                                       : "rapl";
}

static int is_part_energy(const char *metric) {
  return !strcmp(metric, "cpu_energy") || !strcmp(metric, "gpu_energy") ||
         !strcmp(metric, "ram_energy");
}

/* The value of measurement column k in row, checked: *v is NaN when the
** cell is empty (or the layout has no such column). */
static int cell_value(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                      size_t k, double *v, char err[POD_ERRLEN]) {
  int i = st->mcol[k];
  char what[96];
  *v = NAN;
  if (i < 0 || !row->len[i]) return POD_OK;  /* empty: no value */
  if (!ingest_csv_number(row, (size_t)i, v)) {
    snprintf(what, sizeof what, "a number (%s) or an empty cell",
             mcols[k].raw_unit);
    return ingest_csv_fail(cx, row, (size_t)i, what, err);
  }
  if (*v < 0 && is_part_energy(mcols[k].metric)) {
    /* a hardware counter read back lower (NVML after a reset: -1.2e-06
    ** kWh among 431 good rows of CodeCarbon 3.1.0): the part's figure
    ** is left out, the row's others kept, and the summary says so */
    if (row->line > st->negative_last) {
      if (!st->negatives++) snprintf(st->negative_what, sizeof st->negative_what,
                                     "%s at line %ld", mcols[k].column, row->line);
      st->negative_last = row->line;
    }
    *v = NAN;
    return POD_OK;
  }
  if (*v < 0) {
    snprintf(what, sizeof what, "a value >= 0 (%s)", mcols[k].column);
    return ingest_csv_fail(cx, row, (size_t)i, what, err);
  }
  *v *= mcols[k].scale;
  if (k == st->rate_k && st->rate_in_g) *v /= 1000;
  return POD_OK;
}

/* A run's result, row: its only row, or its last snapshot. One wide row
** (store_tracker_result_add); the metrics it stands for must exist for
** readers to see them. */
static int summary(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                   int64_t run, const double *v, char err[POD_ERRLEN]) {
  store_tracker_result t;
  int rc;
  memset(&t, 0, sizeof t);
  t.run_id = run;
  t.source_id = cx->source_id;
  t.line = row->line;
  t.cpu_method = cc_cpu_method(st, v[st->cpu_power_k]);  /* NaN: rapl */
  t.method = cx->meta->method;  /* --method: over every energy figure */
  for (int k = 0; k < STORE_SAMPLE_N; k++) t.v[k] = NAN;
  for (size_t k = 0; k < N_MCOLS; k++) {
    int j = st->sample_col[k];
    if (j < 0 || isnan(v[k])) continue;
    if (!st->metric_id[k] &&
        (rc = store_metric_id(cx->db, mcols[k].metric, mcols[k].unit,
                              mcols[k].direction, &st->metric_id[k], err)))
      return rc;
    if (k == st->rate_k && st->rate_in_g) {
      /* tracker_results' raw cells are in the view's kg/s: a g/s cell
      ** goes in as a measurement of its own, with the unit it had */
      store_measurement m;
      ingest_measurement_init(&m, cx, run, st->metric_id[k], row->line, v[k]);
      m.raw_value = row->field[st->mcol[k]];
      m.raw_unit = "g/s";
      if ((rc = store_measurement_add(cx->db, &m, err))) return rc;
      continue;
    }
    t.v[j] = v[k];
    /* the cell's text only where the value does not give it back */
    t.raw[j] = mcols[k].scale == 1 &&
                       ingest_csv_is_repr(row, (size_t)st->mcol[k], v[k])
                   ? NULL
                   : row->field[st->mcol[k]];
  }
  return store_tracker_result_add(cx->db, &t, err);
}

/* ---- rows appended without their empty cells ---------------------------- */

/* What a cell of column i may be, to tell where a short row's cells go:
** numbers where CodeCarbon writes numbers, its two words where it writes
** words, anything in the texts (names, versions, regions). */
static int cc_fits(void *ud, size_t i, const char *cell) {
  static const char *const numeric[] = {
      "cpu_count", "gpu_count", "longitude", "latitude", "ram_total_size",
      "cpu_utilization_percent", "gpu_utilization_percent",
      "ram_utilization_percent", "ram_used_gb", "pue", "wue", NULL};
  cc *st = ud;
  const char *name = st->hdr.field[i];
  double x;
  int number = 0;
  if (!*cell) return 1;
  for (size_t k = 0; k < N_MCOLS; k++)
    if (st->mcol[k] == (int)i) number = 1;
  for (int k = 0; numeric[k]; k++)
    if (!strcmp(name, numeric[k])) number = 1;
  if (number) return ingest_parse_number(cell, &x);
  if ((int)i == st->col[C_TIMESTAMP]) return is_date(cell);
  if (!strcmp(name, "on_cloud")) return !strcmp(cell, "Y") || !strcmp(cell, "N");
  if (!strcmp(name, "tracking_mode"))
    return !strcmp(cell, "machine") || !strcmp(cell, "process");
  return 1;
}

/* The columns that can be None in EmissionsData, so left out: those
** describing the machine. cloud_provider and cloud_region are "" off the
** cloud (emissions_tracker.py), never None: an empty one is still there. */
static int cc_may_drop(void *ud, size_t i) {
  cc *st = ud;
  const char *name = st->hdr.field[i];
  for (size_t k = 0; k < st->n_env_cols; k++)
    if (st->env_cols[k] == (int)i)
      return strcmp(name, "cloud_provider") && strcmp(name, "cloud_region");
  return 0;
}

/* row as the header has it: itself, or a short row placed (1); 0 with err
** written when its length is wrong and cannot be mended. */
static int whole_row(ingest_ctx *cx, cc *st, const ingest_csv_row **row,
                     char err[POD_ERRLEN]) {
  char msg[320];
  size_t n = (*row)->n;
  if (n == st->hdr.n ||
      ingest_dropped_place(&st->dropped, *row, cc_fits, cc_may_drop, st, row))
    return 1;
  snprintf(msg, sizeof msg, "%zu fields like the header, not %zu%s",
           st->hdr.n, n, n < st->hdr.n && st->dropped.first &&
           st->col[C_UTIL] >= 0   /* only 3.2+ files have the columns */
           ? " (CodeCarbon 3.2.9-3.3 leave a row's empty cells out when "
             "they append; which columns this row lacks is not clear)" : "");
  ingest_csv_fail(cx, *row, n < st->hdr.n ? n : st->hdr.n, msg, err);
  return 0;
}

static int data_row(ingest_ctx *cx, const ingest_csv_row *row, void *ud,
                    char err[POD_ERRLEN]) {
  cc *st = ud;
  store_sample sm;
  run_entry *e = NULL;
  int64_t run;
  double v[N_MCOLS], d;
  int rid, rc, whole;

  if (!st->header_seen) return read_header(cx, st, row, err);
  if (looks_like_header(row)) return second_header(cx, st, row, err);
  whole = row->n == st->hdr.n;
  if (!whole_row(cx, st, &row, err)) return ingest_bad_row(cx, POD_EINPUT, err);
  if ((rc = broken_row(cx, st, row, err))) return ingest_bad_row(cx, rc, err);
  for (size_t k = 0; k < N_MCOLS; k++)
    if ((rc = cell_value(cx, st, row, k, &v[k], err)))
      return ingest_bad_row(cx, rc, err);
  if (whole) ingest_dropped_first(&st->dropped, row);
  else st->dropped.rows++;
  cx->rows++;
  if ((rc = env_for(cx, st, row, err))) return rc;
  rid = st->key_col;
  if (rid < 0 || !row->len[rid]) {  /* no run_id: a repeat, a summary */
    if (rid >= 0 && st->col[C_RUN_ID] == rid) st->no_run_id++;
    if ((rc = group_run_for(cx, st, row, &run, err))) return rc;
    return summary(cx, st, row, run, v, err);
  }
  /* A task file (task_out: task_name first, one run_id for all) holds
  ** one row per task, each measured apart (not snapshots of one run):
  ** each task is a run of its own, the task its variant. */
  const char *key = row->field[rid];
  if (st->col[C_TASK] >= 0) {
    pod_buf_clear(&st->task_key);
    pod_buf_printf(&st->task_key, "%s\x1f%s", key, row->field[st->col[C_TASK]]);
    key = st->task_key.data;
  }
  if ((rc = cc_runs_get(&st->runs, cc_runs_hash(key), cx->path, &e, err)))
    return rc;
  if (!e->run_id) {
    if ((rc = run_for(cx, st, row, key, &e->run_id, err)))
      return rc;
    e->best_duration = -INFINITY;
  }
  e->count++;
  d = isnan(v[st->dur_k]) ? -INFINITY : v[st->dur_k];
  if (d >= e->best_duration) {  /* the largest duration; the last of equals */
    e->best_duration = d;
    e->final_line = row->line;
    e->final_offset = row->offset;
  }
  if (e->count == 1) {  /* a run's only row, as far as we know yet */
    e->first_line = row->line;
    return summary(cx, st, row, e->run_id, v, err);
  }
  if (e->count == 2 &&  /* it has snapshots: its first row is step 1 */
      ((rc = store_summary_to_sample(cx->db, e->run_id, cx->source_id,
                                     e->first_line, 1, err)) ||
       (st->rate_in_g && (rc = store_rate_to_sample(cx->db, e->run_id,
                                                    cx->source_id,
                                                    e->first_line, err)))))
    return rc;
  store_sample_init(&sm);  /* a curve point: one wide row (samples) */
  sm.run_id = e->run_id;
  sm.step = e->count;
  sm.source_id = cx->source_id;
  sm.line = row->line;
  for (size_t k = 0; k < N_MCOLS; k++)
    if (st->sample_col[k] >= 0) sm.v[st->sample_col[k]] = v[k];
  return store_sample_add(cx->db, &sm, err);
}

/* The row a run's summary values come from, read again after the pass. */
static int final_row(ingest_ctx *cx, const ingest_csv_row *row, void *ud,
                     char err[POD_ERRLEN]) {
  cc *st = ud;
  double v[N_MCOLS];
  int rc;
  if (!whole_row(cx, st, &row, err)) return POD_EINPUT;
  for (size_t k = 0; k < N_MCOLS; k++)
    if ((rc = cell_value(cx, st, row, k, &v[k], err))) return rc;
  return summary(cx, st, row, st->final_run, v, err);
}

static int by_offset(const void *a, const void *b) {
  const run_entry *x = *(run_entry *const *)a, *y = *(run_entry *const *)b;
  return (x->final_offset > y->final_offset) - (x->final_offset < y->final_offset);
}

/* After the pass: each run with snapshots gets its summary values from
** its final row (the largest duration), read again by byte offset in file
** order. */
static int snapshot_summaries(ingest_ctx *cx, cc *st, char err[POD_ERRLEN]) {
  run_entry **list;
  size_t n = 0;
  int rc = cc_runs_gather(&st->runs, cx->path, err);
  if (rc) return rc;
  list = pod_xmalloc((st->runs.n + 1) * sizeof *list);
  for (size_t i = 0; i < st->runs.n; i++)
    if (st->runs.e[i].count > 1) list[n++] = &st->runs.e[i];
  qsort(list, n, sizeof *list, by_offset);
  for (size_t i = 0; i < n && rc == POD_OK; i++) {
    st->final_run = list[i]->run_id;
    rc = ingest_csv_read_row_at(cx, list[i]->final_offset,
                                list[i]->final_line, final_row, st, err);
  }
  free(list);
  return rc;
}

/* Where each measurement column goes, the same for every file: found
** once (~4,000 instructions a file, issue 14). */
static int mcol_sample[N_MCOLS];
static size_t mcol_dur_k, mcol_cpu_power_k, mcol_rate_k;
static pthread_once_t mcols_once = PTHREAD_ONCE_INIT;

static void mcols_index(void) {
  for (size_t k = 0; k < N_MCOLS; k++) {
    mcol_sample[k] = store_sample_index(mcols[k].metric);
    if (!strcmp(mcols[k].metric, "duration")) mcol_dur_k = k;
    if (!strcmp(mcols[k].metric, "cpu_power")) mcol_cpu_power_k = k;
    if (!strcmp(mcols[k].metric, "emissions_rate")) mcol_rate_k = k;
  }
}

static int parse(ingest_ctx *cx, char err[POD_ERRLEN]) {
  cc st;
  int rc;
  memset(&st, 0, sizeof st);
  pthread_once(&mcols_once, mcols_index);
  for (size_t k = 0; k < N_MCOLS; k++) {
    st.mcol[k] = -1;
    st.sample_col[k] = mcol_sample[k];
  }
  st.dur_k = mcol_dur_k;
  st.cpu_power_k = mcol_cpu_power_k;
  st.rate_k = mcol_rate_k;
  cx->want_repr = 1;   /* tracker cells: summary() */
  rc = ingest_csv_read(cx, data_row, &st, err);
  cx->want_repr = 0;
  if (rc == POD_OK && st.header_seen) rc = snapshot_summaries(cx, &st, err);
  if (rc == POD_OK && !st.hdr.field)
    rc = pod_err_at(err, POD_EINPUT, cx->path, 0, 0,
                    "found an empty file, expected a CodeCarbon header "
                    "(timestamp,project_name,...)");
  else if (rc == POD_OK && cx->rows == 0)
    rc = ingest_no_rows(cx, st.hdr_line, "emissions row", err);
  if (rc == POD_OK && (st.dropped.rows || st.no_run_id || st.negatives)) {
    /* said in the summary line and beside the file on the run pages */
    static char note[520], version[640];
    int n = 0;
    if (st.dropped.rows)
      n = snprintf(note, sizeof note, "%ld row%s without %s, left out by "
                   "CodeCarbon's append: put back as empty cells",
                   st.dropped.rows, st.dropped.rows == 1 ? "" : "s",
                   st.dropped.names.data);
    /* nothing tells such rows' runs apart: one run per project and
    ** machine holds them, each row a repeat */
    if (st.no_run_id && n >= 0 && (size_t)n < sizeof note)
      snprintf(note + n, sizeof note - (size_t)n, "%s%ld row%s with an "
               "empty run_id: read as repeats of one run per project and "
               "machine", n ? "; " : "", st.no_run_id,
               st.no_run_id == 1 ? "" : "s");
    n = (int)strlen(note);
    if (st.negatives)
      snprintf(note + n, sizeof note - (size_t)n, "%s%ld row%s with a "
               "negative part energy (%s): that figure left out",
               n ? "; " : "", st.negatives, st.negatives == 1 ? "" : "s",
               st.negative_what);
    snprintf(version, sizeof version, "%s, %s", cx->format_version, note);
    cx->note = note;
    cx->format_version = version;
  }
  cc_free(&st);
  return rc;
}

/* ---- detection ------------------------------------------------------- */

static int sniff(const char *head, size_t n, const char *path) {
  static const char *const want[] = {"timestamp", "project_name", "duration",
                                     "emissions", "energy_consumed"};
  int found[5] = {0}, score = 0;
  size_t i = 0;
  (void)path;
  while (i < n && head[i] != '\n' && head[i] != '\r') {
    char cell[64];
    size_t o = 0;
    for (; i < n && head[i] != ',' && head[i] != '\n' && head[i] != '\r';
         i++)
      if (head[i] != ' ' && head[i] != '"' && o + 1 < sizeof cell)
        cell[o++] = head[i];
    cell[o] = '\0';
    for (int k = 0; k < 5; k++)
      if (cell[0] == want[k][0] && !strcmp(cell, want[k])) found[k] = 1;
    if (i < n && head[i] == ',') i++;
  }
  if (!(found[0] && found[1] && found[2] && found[3])) return 0;
  for (int k = 0; k < 5; k++) score += found[k];
  return score == 5 ? 100 : 90;
}

const ingest_format ingest_codecarbon = {
  "codecarbon",
  "CodeCarbon emissions.csv: a header with timestamp, project_name, "
  "duration, emissions (and energy_consumed), any layout 1.x to 3.x",
  sniff, parse,
  "timestamp,project_name,run_id,duration,emissions,emissions_rate,"
  "energy_consumed,cpu_power,gpu_power,ram_power,country_name"};
