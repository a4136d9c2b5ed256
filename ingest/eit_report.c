/*
** ingest/eit_report.c -- the per-run HTML page experiment-impact-tracker's
** create-compute-appendix writes (html_templates/exp_details.html filled
** in with pandas DataFrame.to_html tables; the corpus file eit/eit-...-report.html).
**
** The page holds, under <div class="header"><span>NAME</span></div>, one
** table per section: "CPU Info" (py-cpuinfo's dict), "GPU Info" (one
** column per GPU), "Package Info", "Carbon Info" and "Stats" (a Key/Value
** table of what utils.gather_additional_info computed, plus the task
** metrics an extra_files_processor added). The run is named by the page
** title (<div class="title">), which is the experiment set's name.
**
** What goes in (summary values, no step; each cites the line of its
** value cell):
**   exp_len_hours      -> duration (s = h * 3600)
**   cpu_hours          -> cpu_time (s), gpu_hours -> gpu_time (s)
**   kw_hr_cpu          -> cpu_energy_attributable (kWh): the integral of
**   kw_hr_gpu          -> gpu_energy_attributable     the tracked PIDs'
**                         share of RAPL / NVIDIA power, without PUE
**   total_power        -> energy_consumed (kWh). Despite its name an
**                         energy: PUE * (kw_hr_cpu + kw_hr_gpu) (utils.py;
**                         the corpus page: 1.58 * 0.104709 = 0.16544)
**   estimated_carbon_impact_kg -> emissions (kg)
**   average_realtime_carbon_intensity -> carbon_intensity (g/kWh)
**   any other key (AverageReturn, ...) -> a metric of that name, no unit,
**                         no direction.
** pandas prints floats with 6 significant digits: the values are those
** the page shows, not the tool's full precision (the format version says
** so). The environment: CPU brand and count, GPU name, count and
** total_memory (MiB), Python version, Assumed PUE, Compute Region
** ("zone, country" as get_zone_name_by_id writes it); the rest of the
** CPU/GPU/Carbon rows go to extras, except what says when, not where
** (hz_actual, the realtime intensity of this run).
**
** The page is read by ingest/html_page.c (strict and bounded: tables as
** pandas writes them); this file says what its tables mean.
*/
#include "ingest/ingest_int.h"
#include "ingest/html_page.h"
#include "core/buf.h"
#include "core/fs.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_BYTES (16L << 20)

/* ---- what the tables say --------------------------------------------- */

static int at_end(ingest_ctx *cx, const html_page *pg, const char *expected,
                  char err[POD_ERRLEN]) {
  return pod_err_at(err, POD_EINPUT, cx->path, pg->end_line, pg->end_col,
                    "found the end of the file, expected %s", expected);
}

static const html_table *section(const html_page *pg, const char *name) {
  for (int i = 0; i < pg->n_tables; i++)
    if (!strcmp(pg->t[i].section, name)) return &pg->t[i];
  return NULL;
}

/* Cells of row r: first index into tb->c and count. */
static size_t row_cells(const html_table *tb, int r, size_t *first) {
  size_t i = 0, n = 0;
  while (i < tb->n && tb->c[i].row < r) i++;
  *first = i;
  while (i + n < tb->n && tb->c[i + n].row == r) n++;
  return n;
}

static int cell_fail(ingest_ctx *cx, const html_page *pg, const html_cell *c,
                     const char *expected, char err[POD_ERRLEN]) {
  char found[96];
  const char *s = html_cell_text(pg, c);
  if (!*s) snprintf(found, sizeof found, "an empty cell");
  else pod_snippet(found, sizeof found, s, strlen(s));
  return pod_err_at(err, POD_EINPUT, cx->path, c->line, c->col,
                    "found %s, expected %s", found, expected);
}

/* A key/value table (to_html of a transposed frame): a header row of
** "" and the column names, then rows of <th>key</th> and one <td> per
** column. *n_cols is the number of value columns. */
static int check_kv(ingest_ctx *cx, const html_page *pg, const html_table *tb,
                    int *n_cols, char err[POD_ERRLEN]) {
  size_t first, n;
  if (tb->head_rows != 1 || (n = row_cells(tb, 0, &first)) < 2)
    return pod_err_at(err, POD_EINPUT, cx->path, tb->line, tb->col,
                      "found a \"%s\" table without a header row of column "
                      "names, expected the one pandas writes", tb->section);
  *n_cols = (int)n - 1;
  for (int r = 1; r < tb->rows; r++) {
    size_t k = row_cells(tb, r, &first);
    const html_cell *c = &tb->c[first];
    if (k != n || !c[0].th) {
      char want[96];
      snprintf(want, sizeof want, "a <th> key and %d <td> value%s",
               *n_cols, *n_cols == 1 ? "" : "s");
      if (!k)
        return pod_err_at(err, POD_EINPUT, cx->path, tb->line, tb->col,
                          "found an empty row %d in \"%s\", expected %s",
                          r, tb->section, want);
      return cell_fail(cx, pg, &c[k - 1], want, err);
    }
  }
  return POD_OK;
}

/* The value cell of key in column col of a checked key/value table. */
static const html_cell *kv(const html_page *pg, const html_table *tb, const char *key,
                      int col) {
  if (!tb) return NULL;
  for (int r = 1; r < tb->rows; r++) {
    size_t first;
    if (row_cells(tb, r, &first) < (size_t)col + 2) continue;
    if (!strcmp(html_cell_text(pg, &tb->c[first]), key))
      return &tb->c[first + 1 + (size_t)col];
  }
  return NULL;
}

/* ---- the environment ------------------------------------------------- */

/* Keys that say when, not where: left out of the environment. */
static int is_moment(const char *key) {
  return !strcmp(key, "hz_actual") || !strcmp(key, "hz_actual_raw") ||
         !strcmp(key, "flags") ||
         !strcmp(key, "Realtime Carbon Intensity Average During Exp");
}

static void extras_from(cJSON *extras, const html_page *pg, const html_table *tb,
                        const char *prefix) {
  if (!tb) return;
  for (int r = 1; r < tb->rows; r++) {
    size_t first, k = row_cells(tb, r, &first);
    const char *key;
    char name[160];
    if (k < 2 || is_moment(key = html_cell_text(pg, &tb->c[first]))) continue;
    snprintf(name, sizeof name, "%s%s", prefix, key);
    if (!cJSON_GetObjectItemCaseSensitive(extras, name))
      cJSON_AddStringToObject(extras, name, html_cell_text(pg, &tb->c[first + 1]));
  }
}

/* py-cpuinfo writes "3.7.5.final.0 (64 bit)"; for a final release that is
** what platform.python_version() (CodeCarbon, transformers) gives as
** "3.7.5". Other forms are kept as written. */
static void python_version(const char *s, char *out, size_t n) {
  const char *f = strstr(s, ".final.");
  snprintf(out, n, "%s", s);
  if (f && f > s) {
    for (const char *p = s; p < f; p++)
      if (!isdigit((unsigned char)*p) && *p != '.') return;
    snprintf(out, n, "%.*s", (int)(f - s), s);
  }
}

/* "12036 MiB" (nvidia-smi's total memory) -> bytes. */
static int mib(const char *s, int64_t *out) {
  long long v;
  char num[32];
  size_t k = strlen(s);
  if (k < 5 || k - 4 >= sizeof num || strcmp(s + k - 4, " MiB")) return 0;
  memcpy(num, s, k - 4);
  num[k - 4] = '\0';
  if (!ingest_parse_count(num, 0, &v) || v > (1LL << 40)) return 0;
  *out = (int64_t)v * 1048576;
  return 1;
}

static int env_of(ingest_ctx *cx, const html_page *pg, int64_t *out,
                  char err[POD_ERRLEN]) {
  const html_table *cpu = section(pg, "CPU Info"), *gpu = section(pg, "GPU Info");
  const html_table *carbon = section(pg, "Carbon Info");
  const html_cell *c;
  store_env env;
  cJSON *extras = cJSON_CreateObject();
  char *json = NULL, py[64], *region = NULL;
  long long n;
  int cols, gpus = 0, rc = POD_OK;
  store_env_init(&env);
  if (cpu && (rc = check_kv(cx, pg, cpu, &cols, err))) goto done;
  if (gpu && (rc = check_kv(cx, pg, gpu, &gpus, err))) goto done;
  if ((c = kv(pg, cpu, "brand", 0)) && *html_cell_text(pg, c))
    env.cpu_model = html_cell_text(pg, c);
  if ((c = kv(pg, cpu, "count", 0))) {
    if (!ingest_parse_count(html_cell_text(pg, c), 1, &n)) {
      rc = cell_fail(cx, pg, c, "a CPU count (a whole number >= 1)", err);
      goto done;
    }
    env.cpu_count = n;
  }
  if ((c = kv(pg, cpu, "python_version", 0))) {
    python_version(html_cell_text(pg, c), py, sizeof py);
    env.python_version = py;
  }
  if (gpu) {
    /* one column per GPU: the model when they are all the same */
    env.gpu_count = gpus;
    for (int g = 0; g < gpus; g++) {
      const html_cell *name = kv(pg, gpu, "name", g), *mem = kv(pg, gpu, "total_memory", g);
      int64_t bytes = -1;
      if (mem && !mib(html_cell_text(pg, mem), &bytes)) {
        rc = cell_fail(cx, pg, mem, "a memory size such as 12036 MiB", err);
        goto done;
      }
      if (g == 0) {
        env.gpu_model = name ? html_cell_text(pg, name) : NULL;
        env.gpu_memory_bytes = mem ? bytes : -1;
      } else {
        if (env.gpu_model && (!name || strcmp(env.gpu_model, html_cell_text(pg, name))))
          env.gpu_model = NULL;
        if (!mem || bytes != env.gpu_memory_bytes) env.gpu_memory_bytes = -1;
      }
    }
  }
  if ((c = kv(pg, carbon, "Assumed PUE", 0))) {
    double v;
    if (!ingest_parse_number(html_cell_text(pg, c), &v) || v < 1) {
      rc = cell_fail(cx, pg, c, "a PUE (a number >= 1)", err);
      goto done;
    }
    env.pue = v;
  }
  if ((c = kv(pg, carbon, "Compute Region", 0)) && *html_cell_text(pg, c)) {
    /* get_zone_name_by_id: "zoneName, countryName", or the zone alone
    ** when the zone is a country */
    const char *s = html_cell_text(pg, c), *comma = NULL;
    for (const char *p = s; (p = strstr(p, ", ")); p++) comma = p;
    if (comma) {
      region = pod_xstrndup(s, (size_t)(comma - s));
      env.region = region;
      env.country = comma + 2;
    } else {
      env.country = s;
    }
  }
  extras_from(extras, pg, cpu, "");
  extras_from(extras, pg, gpu, "gpu ");
  extras_from(extras, pg, carbon, "");
  json = cJSON_PrintUnformatted(extras);
  env.extras_json = json;
  rc = store_env_add(cx->db, &env, out, err);
done:
  free(region);
  cJSON_free(json);
  cJSON_Delete(extras);
  return rc;
}

/* ---- the Stats table --------------------------------------------------- */

static const ingest_column_metric skeys[] = {
  {"exp_len_hours", "duration", "s", "h", STORE_LOWER_BETTER, 3600},
  {"cpu_hours", "cpu_time", "s", "h", STORE_LOWER_BETTER, 3600},
  {"gpu_hours", "gpu_time", "s", "h", STORE_LOWER_BETTER, 3600},
  {"kw_hr_cpu", "cpu_energy_attributable", "kWh", "kWh", STORE_LOWER_BETTER, 1},
  {"kw_hr_gpu", "gpu_energy_attributable", "kWh", "kWh", STORE_LOWER_BETTER, 1},
  {"total_power", "energy_consumed", "kWh", "kWh", STORE_LOWER_BETTER, 1},
  {"estimated_carbon_impact_kg", "emissions", "kg", "kg", STORE_LOWER_BETTER, 1},
  {"average_realtime_carbon_intensity", "carbon_intensity", "g/kWh", "g/kWh",
   STORE_NO_DIRECTION, 1},
};
#define N_SKEYS (sizeof skeys / sizeof skeys[0])

static int stats(ingest_ctx *cx, const html_page *pg, const html_table *tb,
                 int64_t run_id, long *skipped, char err[POD_ERRLEN]) {
  size_t first, n;
  const html_cell *c;
  if (tb->head_rows != 1 || row_cells(tb, 0, &first) != 3 ||
      tb->rows < 2 || row_cells(tb, 1, &first) != 3 ||
      strcmp(html_cell_text(pg, &tb->c[first + 1]), "Key") ||
      strcmp(html_cell_text(pg, &tb->c[first + 2]), "Value"))
    return pod_err_at(err, POD_EINPUT, cx->path, tb->line, tb->col,
                      "found a Stats table without its Key/Value row, "
                      "expected the table create-compute-appendix writes");
  for (int r = 2; r < tb->rows; r++) {
    const ingest_column_metric *k = NULL;
    const char *key, *raw;
    store_measurement m;
    int64_t metric_id;
    double v;
    int rc;
    if (!(n = row_cells(tb, r, &first)))
      return pod_err_at(err, POD_EINPUT, cx->path, tb->line, tb->col,
                        "found an empty row %d in \"Stats\", expected "
                        "<th>index</th><td>key</td><td>value</td>", r);
    if (n != 3 || !tb->c[first].th)
      return cell_fail(cx, pg, &tb->c[first + n - 1],
                       "a row of <th>index</th><td>key</td><td>value</td>",
                       err);
    c = &tb->c[first];
    key = html_cell_text(pg, &c[1]);
    raw = html_cell_text(pg, &c[2]);
    if (!*key) return cell_fail(cx, pg, &c[1], "a key", err);
    for (int r2 = 2; r2 < r; r2++) {
      size_t f2;
      row_cells(tb, r2, &f2);
      if (!strcmp(html_cell_text(pg, &tb->c[f2 + 1]), key))
        return cell_fail(cx, pg, &c[1], "each key once", err);
    }
    for (size_t i = 0; i < N_SKEYS; i++)
      if (!strcmp(skeys[i].column, key)) k = &skeys[i];
    cx->rows++;
    if (!strcmp(raw, "NaN") || !strcmp(raw, "nan") || !strcmp(raw, "None")) {
      (*skipped)++;   /* pandas' missing value: nothing measured */
      continue;
    }
    if (!ingest_parse_number(raw, &v) || (k && v < 0))
      return cell_fail(cx, pg, &c[2], k ? "a number >= 0" : "a number", err);
    if ((rc = store_metric_id(cx->db, k ? k->metric : key, k ? k->unit : "",
                              k ? k->direction : STORE_NO_DIRECTION,
                              &metric_id, err)))
      return rc;
    ingest_measurement_init(&m, cx, run_id, metric_id, c[2].line, k ? v * k->scale : v);
    m.raw_value = raw;
    m.raw_unit = k ? k->raw_unit : "";
    if ((rc = store_measurement_add(cx->db, &m, err))) return rc;
  }
  return POD_OK;
}

/* ---- parse ----------------------------------------------------------- */

static int parse(ingest_ctx *cx, char err[POD_ERRLEN]) {
  /* Read by ingest_file after parse returns (store_source_set_rows). */
  static char version[200];
  pod_buf file = POD_BUF_INIT;
  html_page pg;
  const html_table *stats_tb, *carbon;
  const html_cell *tool;
  int64_t env_id = 0, run_id = 0;
  long skipped = 0;
  int rc;
  memset(&pg, 0, sizeof pg);
  if (cx->bytes > MAX_BYTES)
    return pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found a file of %lld "
                      "bytes, expected at most %ld (16 MiB) for a report page",
                      cx->bytes, MAX_BYTES);
  if ((rc = pod_file_read(cx->path, &file, err))) return rc;
  if ((rc = html_page_read(cx->path, file.data, file.len, &pg, err)))
    goto done;
  /* errors about what is missing point at the end of the file */
  carbon = section(&pg, "Carbon Info");
  if (!carbon) {
    rc = at_end(cx, &pg, "a \"Carbon Info\" table "
                   "(an experiment-impact-tracker run page)", err);
    goto done;
  }
  {
    int cols;
    if ((rc = check_kv(cx, &pg, carbon, &cols, err))) goto done;
  }
  if (!(tool = kv(&pg, carbon, "Experiment Impact Tracker Version", 0))) {
    rc = pod_err_at(err, POD_EINPUT, cx->path, carbon->line, carbon->col,
                    "found a \"Carbon Info\" table without an \"Experiment "
                    "Impact Tracker Version\" row, expected one");
    goto done;
  }
  if (!(stats_tb = section(&pg, "Stats"))) {
    rc = at_end(cx, &pg, "the \"Stats\" table (a "
                   "truncated page?)", err);
    goto done;
  }
  if (!pg.title || !*pg.title) {
    rc = pg.title
             ? pod_err_at(err, POD_EINPUT, cx->path, pg.title_line,
                          pg.title_col, "found an empty title, expected the "
                          "experiment's name")
             : at_end(cx, &pg, "a <div class=\"title\"> "
                         "naming the experiment", err);
    goto done;
  }
  if ((rc = env_of(cx, &pg, &env_id, err))) goto done;
  {
    ingest_run_fields f = {0};
    f.model = pg.title;
    if ((rc = ingest_run_for(cx, &f, env_id, &run_id, err))) {
      char again[POD_ERRLEN];
      snprintf(again, sizeof again, "%s", err);
      rc = pod_err_at(err, rc, cx->path, pg.title_line, pg.title_col, "%s",
                      again);
      goto done;
    }
  }
  if ((rc = stats(cx, &pg, stats_tb, run_id, &skipped, err))) goto done;
  snprintf(version, sizeof version, "create-compute-appendix page, "
           "experiment-impact-tracker %s; values as the page rounds them",
           html_cell_text(&pg, tool));
  if (skipped)
    snprintf(version + strlen(version), sizeof version - strlen(version),
             "; %ld NaN values skipped", skipped);
  cx->format_version = version;
done:
  html_page_free(&pg);
  pod_buf_free(&file);
  return rc;
}

/* ---- detection ------------------------------------------------------- */

/* The head of an exp_details.html page: markup, and the "Jump to" links
** to its Carbon Info and Stats tables (the tables themselves come later
** than the 4 KiB detect() sees; parse() insists on them). */
static int sniff(const char *head, size_t n, const char *path) {
  char buf[4097];
  (void)path;
  if (!ingest_sniff_text(head, n, '<', buf)) return 0;
  if (strstr(buf, "href=\"#carbon_info\"") && strstr(buf, "href=\"#stats\"") &&
      strstr(buf, "<span>CPU Info</span>"))
    return 100;
  return 0;
}

const ingest_format ingest_eit_report = {
  "eit-report",
  "experiment-impact-tracker create-compute-appendix run page (HTML): "
  "links to #carbon_info and #stats, CPU Info, Carbon Info (Experiment "
  "Impact Tracker Version) and Stats tables",
  sniff, parse,
  "cpu_info,gpu_info,package_info,carbon_info,stats,graphs"};
