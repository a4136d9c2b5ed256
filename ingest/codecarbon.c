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
**     gives summary values (step NULL); a run_id seen k > 1 times gives
**     snapshots with step = 1..k, plus one summary copy of the snapshot
**     with the largest duration (the last such row), so the leaderboard,
**     which averages summary values, sees exactly one value per metric;
**   - rows with an EMPTY run_id (or no run_id column: 1.x) are grouped
**     like any podium file, by (folder, project/model, flags, machine):
**     they are repeats of the project's run and each is a summary value.
** That needs to know, per run_id, how many rows it has and which is the
** last: a first pass over the file counts them (hash of the run_id ->
** counts; memory stays bounded by the number of distinct run_ids, not
** rows), the second pass checks and stores every row.
**
** The environment is per row (one file may hold rows of several
** machines), but store_env_add is called only when the row's raw
** environment cells differ from the previous row's.
*/
#include "ingest/ingest_int.h"
#include "core/buf.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GIB 1073741824.0

/* The measurement columns: metric name, SI unit, unit as written,
** direction, factor to SI. */
static const struct mcol {
  const char *column, *metric, *unit, *raw_unit;
  int direction;
  double scale;
} mcols[] = {
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
                                          "run_id", "experiment_id", NULL};

/* ---- run_id counts (first pass) ------------------------------------- */

/* Keyed by a 64-bit hash of the run_id: no string per run is kept, so a
** file of a million distinct run_ids stays in a few tens of MB. Two
** run_ids colliding in 64 bits in one file is ~n^2 / 2^65 (3e-8 for a
** million): accepted. */
typedef struct run_entry {
  uint64_t hash;       /* 0: free slot */
  long count;          /* rows with this run_id */
  long final_line;     /* the row whose duration is largest (last wins) */
  double best_duration;
  long ordinal;        /* rows seen so far in the second pass */
  int64_t run_id;      /* podium run, 0 until the first row is stored */
} run_entry;

typedef struct run_table {
  run_entry *e;
  size_t n, cap;       /* cap: a power of two */
} run_table;

static uint64_t hash_str(const char *s) {
  uint64_t h = 1469598103934665603ULL;  /* FNV-1a, then a final mix */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h ? h : 1;
}

static run_entry *table_find(run_table *t, uint64_t h, int add) {
  if (add && 2 * (t->n + 1) > t->cap) {
    run_table g = {NULL, 0, t->cap ? 2 * t->cap : 256};
    g.e = pod_xmalloc(g.cap * sizeof *g.e);
    memset(g.e, 0, g.cap * sizeof *g.e);
    for (size_t i = 0; i < t->cap; i++)
      if (t->e[i].hash) *table_find(&g, t->e[i].hash, 1) = t->e[i];
    free(t->e);
    *t = g;
  }
  if (!t->cap) return NULL;
  for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
    if (t->e[i].hash == h) return &t->e[i];
    if (!t->e[i].hash) {
      if (!add) return NULL;
      memset(&t->e[i], 0, sizeof t->e[i]);
      t->e[i].hash = h;
      t->n++;
      return &t->e[i];
    }
  }
}

/* ---- per-file state ------------------------------------------------- */

enum { C_PROJECT, C_RUN_ID, C_DURATION, C_EXPERIMENT, C_VERSION, C_PUE,
       C_WATER, C_UTIL, C_EMISSIONS, C_N };

typedef struct cc {
  int header_seen;
  ingest_csv_row hdr;          /* owned copy of the header */
  long hdr_line;
  int col[C_N];                /* index of a named column, or -1 */
  int mcol[N_MCOLS];           /* measurement column -> mcols[], or -1 */
  int64_t metric_id[N_MCOLS];
  int *env_cols;               /* columns that describe the machine */
  size_t n_env_cols;
  run_table runs;
  /* caches */
  pod_buf env_key, env_prev;   /* raw environment cells, \x1f-separated */
  int64_t env_id;
  int env_known;
  pod_buf group_key, group_prev;  /* rows without run_id: last group */
  int64_t group_run;
} cc;

static int name_is(const ingest_csv_row *hdr, size_t i, const char *name) {
  return !strcmp(hdr->field[i], name);
}

static int find_col(const ingest_csv_row *hdr, const char *name) {
  for (size_t i = 0; i < hdr->n; i++)
    if (name_is(hdr, i, name)) return (int)i;
  return -1;
}

static void cc_free(cc *st) {
  for (size_t i = 0; i < st->hdr.n; i++) free(st->hdr.field[i]);
  free(st->hdr.field);
  free(st->hdr.len);
  free((char *)st->hdr.text);
  free(st->env_cols);
  free(st->runs.e);
  pod_buf_free(&st->env_key);
  pod_buf_free(&st->env_prev);
  pod_buf_free(&st->group_key);
  pod_buf_free(&st->group_prev);
}

/* A header row: it names project_name and duration. */
static int looks_like_header(const ingest_csv_row *row) {
  int project = 0, duration = 0;
  for (size_t i = 0; i < row->n; i++) {
    if (!strcmp(row->field[i], "project_name")) project = 1;
    if (!strcmp(row->field[i], "duration")) duration = 1;
  }
  return project && duration;
}

static const char *layout_of(const cc *st) {
  if (st->col[C_WATER] >= 0 || st->col[C_UTIL] >= 0) return "3.1+ (37-38)";
  if (st->col[C_EXPERIMENT] >= 0) return "2.5-3.0 (32, experiment_id)";
  if (st->col[C_PUE] >= 0) return "2.3-2.4 (31, pue)";
  if (st->col[C_VERSION] >= 0) return "2.2 (30)";
  if (st->col[C_RUN_ID] >= 0) return "2.0 (29)";
  return "1.x (18 columns)";
}

static int is_run_column(const char *name) {
  for (int k = 0; run_columns[k]; k++)
    if (!strcmp(name, run_columns[k])) return 1;
  return 0;
}

static int read_header(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                       char err[POD_ERRLEN]) {
  static const char *const named[C_N] = {
      "project_name", "run_id", "duration", "experiment_id",
      "codecarbon_version", "pue", "water_consumed",
      "cpu_utilization_percent", "emissions"};
  int rc = ingest_csv_check_header(cx, row, err);
  if (rc) return rc;
  st->hdr.n = row->n;
  st->hdr.field = pod_xmalloc((row->n + 1) * sizeof *st->hdr.field);
  st->hdr.len = pod_xmalloc((row->n + 1) * sizeof *st->hdr.len);
  for (size_t i = 0; i < row->n; i++) {
    st->hdr.field[i] = pod_xstrdup(row->field[i]);
    st->hdr.len[i] = row->len[i];
  }
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
  cx->format_version = layout_of(st);
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

/* ---- first pass: rows per run_id ------------------------------------- */

static int count_row(ingest_ctx *cx, const ingest_csv_row *row, void *ud,
                     char err[POD_ERRLEN]) {
  cc *st = ud;
  int rid, dur;
  double d;
  run_entry *e;
  (void)cx;
  (void)err;
  if (!st->header_seen) {
    st->header_seen = 1;
    for (int k = 0; k < C_N; k++) st->col[k] = -1;
    st->col[C_RUN_ID] = find_col(row, "run_id");
    st->col[C_DURATION] = find_col(row, "duration");
    return POD_OK;
  }
  rid = st->col[C_RUN_ID];
  dur = st->col[C_DURATION];
  if (rid < 0 || (size_t)rid >= row->n || !row->len[rid]) return POD_OK;
  e = table_find(&st->runs, hash_str(row->field[rid]), 1);
  if (!e->count++) e->best_duration = -INFINITY;
  if (dur < 0 || (size_t)dur >= row->n ||
      !ingest_parse_number(row->field[dur], &d))
    d = -INFINITY;  /* the second pass reports bad cells */
  if (d >= e->best_duration) {
    e->best_duration = d;
    e->final_line = row->line;
  }
  return POD_OK;
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

static int env_build(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                     char err[POD_ERRLEN]) {
  store_env env;
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
    else if (!strcmp(name, "gpu_model")) env.gpu_model = v;
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
  json = cJSON_PrintUnformatted(extras);
  env.extras_json = json;
  rc = store_env_add(cx->db, &env, &st->env_id, err);
done:
  cJSON_free(json);
  cJSON_Delete(extras);
  return rc;
}

static int env_for(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                   char err[POD_ERRLEN]) {
  pod_buf tmp;
  int rc;
  pod_buf_clear(&st->env_key);
  for (size_t k = 0; k < st->n_env_cols; k++) {
    int i = st->env_cols[k];
    pod_buf_add(&st->env_key, row->field[i], row->len[i]);
    pod_buf_addc(&st->env_key, '\x1f');
  }
  if (st->env_known && st->env_key.len == st->env_prev.len &&
      !memcmp(st->env_key.data, st->env_prev.data, st->env_key.len))
    return POD_OK;
  if ((rc = env_build(cx, st, row, err))) return rc;
  tmp = st->env_prev;  /* swap: no allocation per row */
  st->env_prev = st->env_key;
  st->env_key = tmp;
  st->env_known = 1;
  return POD_OK;
}

/* ---- the run of a row ------------------------------------------------ */

static int run_for(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                   const char *key, int64_t *out, char err[POD_ERRLEN]) {
  int p = st->col[C_PROJECT], rc;
  const char *project = row->len[p] ? row->field[p] : NULL;
  /* CodeCarbon has no model column: the project names what was run. */
  ingest_run_fields f = {project, project, NULL, NULL, NULL, NULL, key};
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

/* How CodeCarbon got the figure of column k on this row; the file never
** says, so: CPU power is RAPL (or Intel Power Gadget) when it can read
** it; otherwise a constant, TDP x 0.5 (CONSUMPTION_PERCENTAGE_CONSTANT in
** codecarbon/external/hardware.py; 85 W x 0.5 = 42.5 W when the CPU is
** not in its table), which is why a cpu_power that is a whole number of
** half watts is read as "tdp". From 3.0 the fallback is a TDP x load
** model whose values look like readings: "rapl-or-model". GPU figures
** come from NVML (pynvml); RAM is modelled (3 W per 8 GB before 3.0,
** per DIMM since: codecarbon/external/ram.py). Totals join the parts. */
static const char *cc_method(const cc *st, const ingest_csv_row *row,
                             const char *column) {
  int cpu_col = -1, v3 = st->col[C_WATER] >= 0 || st->col[C_UTIL] >= 0;
  double w;
  const char *cpu;
  for (size_t k = 0; k < N_MCOLS; k++)
    if (!strcmp(mcols[k].column, "cpu_power")) cpu_col = st->mcol[k];
  cpu = v3 ? "rapl-or-model" : "rapl";
  if (cpu_col >= 0 && row->len[cpu_col] &&
      ingest_parse_number(row->field[cpu_col], &w) && w > 0 &&
      fabs(2 * w - floor(2 * w + 0.5)) < 1e-9)
    cpu = "tdp";
  if (!strncmp(column, "cpu_", 4)) return cpu;
  if (!strncmp(column, "gpu_", 4)) return "nvml";
  if (!strncmp(column, "ram_", 4)) return "ram-model";
  if (!strcmp(column, "energy_consumed") || !strcmp(column, "emissions")) {
    if (!strcmp(cpu, "tdp")) return "tdp+nvml+ram-model";
    return v3 ? "rapl-or-model+nvml+ram-model" : "rapl+nvml+ram-model";
  }
  return NULL;
}

static int measure(ingest_ctx *cx, cc *st, const ingest_csv_row *row,
                   store_measurement *m, size_t k, char err[POD_ERRLEN]) {
  int i = st->mcol[k], rc;
  char what[96];
  double v;
  if (i < 0 || !row->len[i]) return POD_OK;  /* empty: no value */
  if (!ingest_parse_number(row->field[i], &v)) {
    snprintf(what, sizeof what, "a number (%s) or an empty cell",
             mcols[k].raw_unit);
    return ingest_csv_fail(cx, row, (size_t)i, what, err);
  }
  if (v < 0) {
    snprintf(what, sizeof what, "a value >= 0 (%s)", mcols[k].column);
    return ingest_csv_fail(cx, row, (size_t)i, what, err);
  }
  if (!st->metric_id[k] &&
      (rc = store_metric_id(cx->db, mcols[k].metric, mcols[k].unit,
                            mcols[k].direction, &st->metric_id[k], err)))
    return rc;
  m->metric_id = st->metric_id[k];
  m->value = v * mcols[k].scale;
  m->raw_value = row->field[i];
  m->raw_unit = mcols[k].raw_unit;
  m->method = !strcmp(mcols[k].unit, "kWh") || !strcmp(mcols[k].unit, "kg") ||
                      !strcmp(mcols[k].unit, "W")
                  ? cc_method(st, row, mcols[k].column) : NULL;
  return store_measurement_add(cx->db, m, err);
}

static int data_row(ingest_ctx *cx, const ingest_csv_row *row, void *ud,
                    char err[POD_ERRLEN]) {
  cc *st = ud;
  store_measurement m;
  run_entry *e = NULL;
  int64_t run;
  int rid, rc, summary_copy = 0;

  if (!st->header_seen) return read_header(cx, st, row, err);
  if (looks_like_header(row)) return second_header(cx, st, row, err);
  if (row->n != st->hdr.n) {
    char msg[96];
    snprintf(msg, sizeof msg, "%zu fields like the header, not %zu",
             st->hdr.n, row->n);
    return ingest_csv_fail(cx, row, row->n < st->hdr.n ? row->n : st->hdr.n,
                           msg, err);
  }
  cx->rows++;
  if ((rc = env_for(cx, st, row, err))) return rc;

  store_measurement_init(&m);
  rid = st->col[C_RUN_ID];
  if (rid >= 0 && row->len[rid]) {
    e = table_find(&st->runs, hash_str(row->field[rid]), 1);
    if (!e->run_id &&
        (rc = run_for(cx, st, row, row->field[rid], &e->run_id, err)))
      return rc;
    run = e->run_id;
    e->ordinal++;
    if (e->count > 1) {  /* snapshots of one run (see the top) */
      m.step = e->ordinal;
      summary_copy = row->line == e->final_line;
    }
  } else if ((rc = group_run_for(cx, st, row, &run, err))) {
    return rc;
  }
  m.run_id = run;
  m.source_id = cx->source_id;
  m.line = row->line;
  for (size_t k = 0; k < N_MCOLS; k++)
    if ((rc = measure(cx, st, row, &m, k, err))) return rc;
  if (summary_copy) {
    m.step = -1;
    for (size_t k = 0; k < N_MCOLS; k++)
      if ((rc = measure(cx, st, row, &m, k, err))) return rc;
  }
  return POD_OK;
}

static int parse(ingest_ctx *cx, char err[POD_ERRLEN]) {
  cc st;
  int rc;
  memset(&st, 0, sizeof st);
  for (size_t k = 0; k < N_MCOLS; k++) st.mcol[k] = -1;
  if ((rc = ingest_csv_read(cx, count_row, &st, err))) goto done;
  st.header_seen = 0;
  rc = ingest_csv_read(cx, data_row, &st, err);
  if (rc == POD_OK && !st.hdr.field)
    rc = pod_err_at(err, POD_EINPUT, cx->path, 0, 0,
                    "found an empty file, expected a CodeCarbon header "
                    "(timestamp,project_name,...)");
  else if (rc == POD_OK && cx->rows == 0)
    rc = pod_err_at(err, POD_EINPUT, cx->path, st.hdr_line, 0,
                    "found a header but no rows, expected at least one "
                    "emissions row");
done:
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
      if (!strcmp(cell, want[k])) found[k] = 1;
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
