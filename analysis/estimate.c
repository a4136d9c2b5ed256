/*
** analysis/estimate.c -- `podium estimate`: energy and CO2 for runs that
** have a duration and hardware but no measured energy, the way the ML CO2
** Impact calculator (Lacoste et al. 2019, mlco2.github.io/impact) makes
** them:
**
**   energy (kWh) = TDP (W) x count x hours x PUE / 1000
**   emissions (kg CO2eq) = energy x carbon intensity (g/kWh) / 1000
**
** TDP and intensity come from data/tdp.csv and data/carbon_intensity.csv
** (data/SOURCES.md); each stored value's source is the table it used
** (path and sha256) and its line is the row, so the run page leads back
** to the figure. The values carry method "estimate" (core/method.h).
*/
#include "analysis/analysis.h"
#include "core/buf.h"
#include "core/fs.h"
#include "core/sha256.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_PUE 1.58   /* Uptime Institute survey 2018 (SOURCES.md) */

/* One data table, read whole: its path, sha256 and lines. */
typedef struct table {
  char path[4200];
  char sha[65];
  pod_buf text;
  int64_t source_id;
} table;

static int table_load(table *t, const char *dir, const char *name,
                      char err[POD_ERRLEN]) {
  pod_sha256 h;
  int rc;
  snprintf(t->path, sizeof t->path, "%s/%s", dir, name);
  if ((rc = pod_file_read(t->path, &t->text, err))) return rc;
  pod_sha256_init(&h);
  pod_sha256_update(&h, t->text.data, t->text.len);
  pod_sha256_hex(&h, t->sha);
  return POD_OK;
}

/* Cuts line into at most max cells at commas; the last cell keeps the
** rest of the line (sources may hold commas). Returns the count. */
static int cells(char *line, char **cell, int max) {
  int n = 0;
  cell[n++] = line;
  for (char *p = line; *p && n < max; p++)
    if (*p == ',') { *p = '\0'; cell[n++] = p + 1; }
  return n;
}

/* Lower-case letters and digits of s, without the words NVIDIA, Tesla
** and GeForce: "Tesla V100-SXM2-16GB" and "NVIDIA V100 SXM2 16GB" meet. */
static void normalize(const char *s, char *out, size_t n) {
  size_t k = 0;
  while (*s && k + 1 < n) {
    static const char *const drop[] = {"nvidia", "tesla", "geforce"};
    int skipped = 0;
    for (int i = 0; i < 3 && !skipped; i++) {
      size_t len = strlen(drop[i]);
      if (!strncasecmp(s, drop[i], len) && !isalnum((unsigned char)s[len])) {
        s += len;
        skipped = 1;
      }
    }
    if (skipped) continue;
    if (isalnum((unsigned char)*s)) out[k++] = (char)tolower((unsigned char)*s);
    s++;
  }
  out[k] = '\0';
}

/* The row of table t whose first cell (normalized when norm) or alias is
** key: fills cell[] (into *copy, the caller frees) and returns its line,
** 0 when none. */
static long table_find(const table *t, const char *key, int norm,
                       int alias_col, char **cell, int max, char **copy) {
  char want[256], have[256];
  long line = 0;
  const char *p = pod_buf_str(&t->text);
  if (norm) normalize(key, want, sizeof want);
  else snprintf(want, sizeof want, "%s", key);
  *copy = NULL;
  while (*p) {
    const char *end = strchr(p, '\n');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    char *row = pod_xstrndup(p, len);
    int n;
    line++;
    if (len && row[len - 1] == '\r') row[len - 1] = '\0';
    n = cells(row, cell, max);
    if (line > 1 && n == max) {
      int hit;
      if (norm) normalize(cell[0], have, sizeof have);
      else snprintf(have, sizeof have, "%s", cell[0]);
      hit = !strcmp(have, want);
      if (!hit && alias_col >= 0) {
        char *save = NULL, *a = pod_xstrdup(cell[alias_col]);
        for (char *w = strtok_r(a, " ", &save); w && !hit;
             w = strtok_r(NULL, " ", &save))
          hit = !strcmp(w, want);
        free(a);
      }
      if (hit) { *copy = row; return line; }
    }
    free(row);
    p += len + (end ? 1 : 0);
  }
  return 0;
}

static int table_source(store_db *db, table *t, char err[POD_ERRLEN]) {
  store_source src = {t->path, t->sha, STORE_ESTIMATE_FORMAT, "1",
                      (int64_t)t->text.len};
  int rc = store_source_find(db, t->sha, &t->source_id, err);
  if (rc || t->source_id) return rc;
  return store_source_add(db, &src, &t->source_id, err);
}

/* ---- what the registry knows about a run ------------------------------ */

typedef struct facts {
  int64_t env_id;
  char gpu[256], cpu[256], cloud[256];
  long gpus;
  double pue;
  double hours;
  char duration_from[600];
  int measured_energy;
} facts;

static int take_run(const store_row *row, void *ud) {
  facts *f = ud;
  f->env_id = store_row_col(row, "environment_id")->i;
  return 0;
}

static int take_env(const store_row *row, void *ud) {
  facts *f = ud;
  const char *g = store_row_text(row, "gpu_model"), *c = store_row_text(row, "cpu_model");
  const char *cp = store_row_text(row, "cloud_provider"), *cr = store_row_text(row, "cloud_region");
  if (g) snprintf(f->gpu, sizeof f->gpu, "%s", g);
  if (c) snprintf(f->cpu, sizeof f->cpu, "%s", c);
  if (store_row_col(row, "gpu_count")->type == STORE_INT) f->gpus = (long)store_row_col(row, "gpu_count")->i;
  if (store_row_col(row, "pue")->type != STORE_NULL && store_row_col(row, "pue")->d > 0)
    f->pue = store_row_col(row, "pue")->d;
  if (cp && cr) snprintf(f->cloud, sizeof f->cloud, "%s:%s", cp, cr);
  return 0;
}

/* Durations: "duration" (CodeCarbon, eit, generic) or the Trainer's
** train_runtime ("runtime", split train); summary values only; the
** longest when there are several. Energy not estimated by podium. */
static int take_measurement(const store_row *row, void *ud) {
  facts *f = ud;
  const char *metric = store_row_text(row, "metric"), *unit = store_row_text(row, "unit");
  const char *split = store_row_text(row, "split"), *method = store_row_text(row, "method");
  double v = store_row_col(row, "value")->d;
  if (!metric || !unit) return 0;
  if (!strcmp(unit, "kWh") && !(method && !strcmp(method, "estimate")))
    f->measured_energy = 1;
  if (store_row_col(row, "epoch")->type != STORE_NULL ||
      store_row_col(row, "step")->type != STORE_NULL || strcmp(unit, "s"))
    return 0;
  if (strcmp(metric, "duration") &&
      !(!strcmp(metric, "runtime") && split && !strcmp(split, "train")))
    return 0;
  if (v / 3600 > f->hours) {
    f->hours = v / 3600;
    snprintf(f->duration_from, sizeof f->duration_from, "%s, %s line %lld",
             metric, store_row_text(row, "source_path") ? store_row_text(row, "source_path") : "?",
             (long long)store_row_col(row, "line")->i);
  }
  return 0;
}

static int run_facts(store_db *db, int64_t run_id, facts *f,
                     char err[POD_ERRLEN]) {
  char id[32];
  int rc;
  memset(f, 0, sizeof *f);
  f->pue = NAN;
  snprintf(id, sizeof id, "%lld", (long long)run_id);
  if ((rc = store_get_run(db, id, take_run, f, err)) ||
      (f->env_id && (rc = store_get_env(db, f->env_id, take_env, f, err))))
    return rc;
  return store_each_measurement(db, run_id, take_measurement, f, err);
}

/* ---- the estimate ------------------------------------------------------ */

typedef struct plan {
  char model[256];     /* the tdp.csv row's name */
  double watts, kwh, kg, pue, intensity;
  long count, tdp_line, ci_line;
  const char *pue_from, *ci_from;
} plan;

static int make_plan(store_db *db, const analysis_estimate_opts *o,
                     int64_t run_id, const facts *f, table *tdp, table *ci,
                     plan *p, char err[POD_ERRLEN]) {
  char *cell[5], *copy = NULL;
  const char *hw = o->gpu ? o->gpu : f->gpu[0] ? f->gpu : f->cpu;
  int is_gpu = o->gpu || f->gpu[0];
  (void)db;
  memset(p, 0, sizeof *p);
  if (!(f->hours > 0))
    return pod_err(err, POD_EINPUT, "run %lld: no duration known (a "
                   "\"duration\" or train_runtime value): ingest the log "
                   "that has it", (long long)run_id);
  if (!*hw)
    return pod_err(err, POD_EINPUT, "run %lld: no hardware known (its "
                   "environment names no GPU or CPU): pass --gpu MODEL "
                   "(a model in %s)", (long long)run_id, tdp->path);
  p->tdp_line = table_find(tdp, hw, 1, 3, cell, 5, &copy);
  if (!p->tdp_line) {
    free(copy);
    return pod_err(err, POD_EINPUT, "run %lld: %s \"%s\" is not in %s: "
                   "pass --gpu MODEL with a model listed there, or add a "
                   "row with its source (data/SOURCES.md)", (long long)run_id,
                   is_gpu ? "GPU" : "CPU", hw, tdp->path);
  }
  snprintf(p->model, sizeof p->model, "%s", cell[0]);
  p->watts = strtod(cell[2], NULL);
  free(copy);
  copy = NULL;
  p->count = o->gpus > 0 ? o->gpus : is_gpu && f->gpus > 0 ? f->gpus : 1;
  p->pue = !isnan(o->pue) ? o->pue : !isnan(f->pue) ? f->pue : DEFAULT_PUE;
  p->pue_from = !isnan(o->pue) ? "--pue" : !isnan(f->pue)
                ? "environment" : "default, Uptime Institute 2018";
  if (!isnan(o->intensity)) {
    p->intensity = o->intensity;
    p->ci_from = "--intensity";
  } else {
    const char *key = o->region ? o->region : f->cloud[0] ? f->cloud : NULL;
    if (!key || !(p->ci_line = table_find(ci, key, 0, -1, cell, 5, &copy))) {
      free(copy);
      return pod_err(err, POD_EINPUT, "run %lld: no carbon intensity known "
                     "(%s%s%s): pass --intensity G (g CO2eq/kWh) or --region "
                     "KEY (a key in %s)", (long long)run_id,
                     key ? "no row " : "its environment names no cloud "
                     "region", key ? key : "", key ? " in the table" : "",
                     ci->path);
    }
    p->intensity = strtod(cell[3], NULL);
    free(copy);
    p->ci_from = ci->path;
  }
  p->kwh = p->watts * (double)p->count * f->hours * p->pue / 1000;
  p->kg = p->kwh * p->intensity / 1000;
  return POD_OK;
}

static int store_plan(store_db *db, int64_t run_id, const facts *f,
                      table *tdp, table *ci, const plan *p,
                      analysis_estimate_out *out, char err[POD_ERRLEN]) {
  store_measurement m;
  pod_buf note = POD_BUF_INIT, note2 = POD_BUF_INIT;
  char raw[64], raw2[64];
  int64_t energy_id, co2_id;
  int rc;
  if ((rc = store_estimate_clear(db, run_id, err)) ||
      (rc = table_source(db, tdp, err)) ||
      (p->ci_line && (rc = table_source(db, ci, err))) ||
      (rc = store_metric_id(db, "energy_consumed", "kWh", STORE_LOWER_BETTER,
                            &energy_id, err)) ||
      (rc = store_metric_id(db, "emissions", "kg", STORE_LOWER_BETTER,
                            &co2_id, err)))
    return rc;
  pod_buf_printf(&note, "ML CO2 Impact method (Lacoste et al. 2019): %s "
                 "%g W (%s line %ld, sha256 %.12s) x %ld x %.4f h (%s) x "
                 "PUE %g (%s)", p->model, p->watts, tdp->path, p->tdp_line,
                 tdp->sha, p->count, f->hours, f->duration_from, p->pue,
                 p->pue_from);
  store_measurement_init(&m);
  m.run_id = run_id;
  m.metric_id = energy_id;
  m.source_id = tdp->source_id;
  m.line = p->tdp_line;
  m.value = p->kwh;
  snprintf(raw, sizeof raw, "%.6g", p->kwh);
  m.raw_value = raw;
  m.raw_unit = "kWh";
  m.method = "estimate";
  m.method_note = note.data;
  if ((rc = store_measurement_add(db, &m, err))) goto done;
  pod_buf_printf(&note2, "%.6g kWh (estimated) x %g g CO2eq/kWh (%s", p->kwh,
                 p->intensity, p->ci_from);
  if (p->ci_line)
    pod_buf_printf(&note2, " line %ld, sha256 %.12s", p->ci_line, ci->sha);
  pod_buf_adds(&note2, ")");
  m.metric_id = co2_id;
  m.source_id = p->ci_line ? ci->source_id : tdp->source_id;
  m.line = p->ci_line ? p->ci_line : p->tdp_line;
  m.value = p->kg;
  snprintf(raw2, sizeof raw2, "%.6g", p->kg);
  m.raw_value = raw2;
  m.raw_unit = "kg";
  m.method_note = note2.data;
  if ((rc = store_measurement_add(db, &m, err))) goto done;
  out->kwh = p->kwh;
  out->kg = p->kg;
  snprintf(out->how, sizeof out->how, "%s %g W x %ld x %.4f h x PUE %g = "
           "%.6g kWh; x %g g/kWh = %.6g kg CO2eq", p->model, p->watts,
           p->count, f->hours, p->pue, p->kwh, p->intensity, p->kg);
done:
  pod_buf_free(&note);
  pod_buf_free(&note2);
  return rc;
}

int analysis_estimate_run(store_db *db, const analysis_estimate_opts *o,
                        int64_t run_id, analysis_estimate_out *out,
                        char err[POD_ERRLEN]) {
  table tdp = {0}, ci = {0};
  facts f;
  plan p;
  int rc;
  memset(out, 0, sizeof *out);
  tdp.text = (pod_buf)POD_BUF_INIT;
  ci.text = (pod_buf)POD_BUF_INIT;
  if ((rc = run_facts(db, run_id, &f, err))) goto done;
  if (f.measured_energy) {
    out->skipped = 1;
    snprintf(out->how, sizeof out->how, "has measured energy, not estimated");
    goto done;
  }
  if ((rc = table_load(&tdp, o->data_dir, "tdp.csv", err)) ||
      (rc = table_load(&ci, o->data_dir, "carbon_intensity.csv", err)) ||
      (rc = make_plan(db, o, run_id, &f, &tdp, &ci, &p, err)) ||
      (rc = store_begin(db, err)))
    goto done;
  if ((rc = store_plan(db, run_id, &f, &tdp, &ci, &p, out, err)) ||
      (rc = store_commit(db, err)))
    store_rollback(db);
done:
  pod_buf_free(&tdp.text);
  pod_buf_free(&ci.text);
  return rc;
}

typedef struct cand {
  store_db *db;
  int64_t *ids;
  size_t n;
  char err[POD_ERRLEN];
} cand;

static int take_candidate(const store_row *row, void *ud) {
  cand *c = ud;
  facts f;
  int64_t id = store_row_col(row, "id")->i;
  int rc = run_facts(c->db, id, &f, c->err);
  if (rc) return rc;
  if (f.hours > 0 && !f.measured_energy) {
    c->ids = pod_xrealloc(c->ids, (c->n + 1) * sizeof *c->ids);
    c->ids[c->n++] = id;
  }
  return 0;
}

int analysis_estimate_candidates(store_db *db, int64_t **out_ids,
                               size_t *out_n, char err[POD_ERRLEN]) {
  cand c = {db, NULL, 0, ""};
  int rc = store_each_run(db, take_candidate, &c, err);
  if (rc && c.err[0]) snprintf(err, POD_ERRLEN, "%s", c.err);
  if (rc) { free(c.ids); return rc; }
  *out_ids = c.ids;
  *out_n = c.n;
  return POD_OK;
}
