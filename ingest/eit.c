/*
** ingest/eit.c -- experiment-impact-tracker's impacttracker/data.json.
**
** The file is JSON Lines: one object per sample (~7 KB), written every
** few seconds while the experiment runs. Keys used here:
**   timestamp                                UNIX epoch seconds (float)
**   rapl_power_draw_absolute                 CPU package power, W
**   rapl_estimated_attributable_power_draw   its share for the tracked PIDs
**   nvidia_draw_absolute                     GPU power, W
**   nvidia_estimated_attributable_power_draw its share for the tracked PIDs
** Every other key (per-PID dicts such as cpu_time_seconds, per_gpu_*,
** cpu_count_adjusted_average_load, realtime_carbon_intensity, ...) is
** checked as JSON and left out. Python's json writes NaN for a reading
** that failed: such a power value is skipped (and counted in the source's
** format version), like a missing one.
**
** What goes in:
**   - series: one measurement per sample and power key, metrics
**     cpu_power, cpu_power_attributable, gpu_power, gpu_power_attributable
**     (W), step = the sample's number, 1-based in file order (an integer
**     axis; the timestamps themselves are uneven, ~9 s apart);
**   - summary values (no epoch, no step), DERIVED BY PODIUM from the
**     samples, not totals the tool measured: duration (s, last timestamp
**     minus first), and cpu_energy_attributable_derived,
**     gpu_energy_attributable_derived, energy_attributable_derived (kWh,
**     their sum): trapezoid integration of the attributable power over
**     time (intervals where either end lacks the value are left out).
**     The source's format version says so too.
** Model: --model, else the folder holding impacttracker/ (as
** ingest_model_from_dir names a log's folder).
** Limits: a line over MAX_LINE bytes, a file over MAX_BYTES, JSON nested
** deeper than MAX_DEPTH: refused with path:line:col. The tool's info.pkl
** is a Python pickle; ingest.c's detect() names it before any format
** sees it, and parse() refuses it too under --format eit.
*/
#include "ingest/ingest_int.h"
#include "core/json.h"
#include "core/buf.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_LINE (1L << 20)
#define MAX_BYTES (256L << 20)
#define MAX_DEPTH 32

/* The power keys: metric, key. */
static const struct pkey {
  const char *key, *metric;
  int attributable;   /* 1: CPU share, 2: GPU share (integrated) */
} pkeys[] = {
  {"rapl_power_draw_absolute", "cpu_power", 0},
  {"rapl_estimated_attributable_power_draw", "cpu_power_attributable", 1},
  {"nvidia_draw_absolute", "gpu_power", 0},
  {"nvidia_estimated_attributable_power_draw", "gpu_power_attributable", 2},
};
#define N_PKEYS (sizeof pkeys / sizeof pkeys[0])

typedef struct eit {
  int64_t run_id;
  int64_t metric_id[N_PKEYS];
  long samples;
  double first_t, prev_t;
  double prev_p[N_PKEYS];      /* NAN: the previous sample lacked it */
  double joules[3];            /* [1] CPU, [2] GPU attributable */
  int have_energy[3];
  long last_line;
  long nonfinite, skipped;     /* NaN tokens met; power values skipped */
} eit;

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Column of "key": in the line (1 when not found). */
static long key_col(const char *t, size_t len, const char *key) {
  size_t k = strlen(key);
  for (size_t i = 0; i + k + 2 <= len; i++)
    if (t[i] == '"' && !memcmp(t + i + 1, key, k) && t[i + k + 1] == '"')
      return (long)i + 1;
  return 1;
}

/* Before cJSON sees the line: nesting deeper than MAX_DEPTH is refused,
** and Python's NaN/Infinity/-Infinity (which cJSON rejects) become "[]"
** padded with spaces (columns stay exact); *nonfinite counts them. */
static int scan_line(ingest_ctx *cx, char *t, size_t len, long line,
                     long *nonfinite, char err[POD_ERRLEN]) {
  int depth = 0;
  for (size_t i = 0; i < len; i++) {
    char c = t[i];
    if (c == '"') {
      for (i++; i < len && t[i] != '"'; i++)
        if (t[i] == '\\') i++;
    } else if (c == '{' || c == '[') {
      if (++depth > MAX_DEPTH)
        return pod_err_at(err, POD_EINPUT, cx->path, line, (long)i + 1,
                          "found JSON nested deeper than %d levels, expected "
                          "at most %d", MAX_DEPTH, MAX_DEPTH);
    } else if ((c == '}' || c == ']') && depth > 0) {
      depth--;
    } else if (ingest_json_token_char(c)) {
      i += ingest_json_token(t, len, i, nonfinite) - 1;
    }
  }
  return POD_OK;
}

static int run_of(ingest_ctx *cx, eit *st, char err[POD_ERRLEN]) {
  char dir[PATH_MAX], model[256];
  ingest_run_fields f = {0};
  char *slash;
  if (st->run_id) return POD_OK;
  /* the folder holding impacttracker/ (also when the path is relative
  ** to impacttracker/ itself) */
  ingest_real_dir(cx, cx->dir, dir);
  slash = strrchr(dir, '/');
  if (slash && slash != dir && !strcmp(slash + 1, "impacttracker"))
    *slash = '\0';
  ingest_model_from_dir(cx, dir, model, sizeof model);
  f.model = model;
  return ingest_run_for(cx, &f, 0, &st->run_id, err);
}

static int add(ingest_ctx *cx, eit *st, int64_t metric_id, double value,
               const char *raw, const char *unit, long line, int64_t step,
               char err[POD_ERRLEN]) {
  store_measurement m;
  ingest_measurement_init(&m, cx, st->run_id, metric_id, line, value);
  m.step = step;
  m.raw_value = raw;
  m.raw_unit = unit;
  return store_measurement_add(cx->db, &m, err);
}

/* The number after "key": as written, for raw_value. */
static void raw_of(const char *t, size_t len, long col, char *out, size_t n) {
  size_t i = (size_t)col, o = 0;   /* col is 1-based: t[col-1] is the quote */
  while (i < len && t[i] != '"') i++;
  for (i++; i < len && (is_space(t[i]) || t[i] == ':'); i++) continue;
  while (i < len && o + 1 < n && t[i] != ',' && t[i] != '}' && !is_space(t[i]))
    out[o++] = t[i++];
  out[o] = '\0';
}

static int sample(ingest_ctx *cx, eit *st, char *t, size_t len,
                  long line, char err[POD_ERRLEN]) {
  const char *end = NULL;
  cJSON *root, *ts;
  double p[N_PKEYS];
  int rc = POD_OK;
  if ((rc = scan_line(cx, t, len, line, &st->nonfinite, err))) return rc;
  root = pod_json_parse(t, len, &end);
  size_t off = end ? (size_t)(end - t) : 0;
  if (root) while (off < len && is_space(t[off])) off++;
  /* cJSON may stop one past the bad byte: point at the last byte it read */
  else while (off > 0 && off < len && is_space(t[off])) off--;
  if (!root || off < len) {
    char found[96];
    if (!root && len && t[len - 1] != '\n') {
      /* the last line, cut: the tracker's stop() ends its sampling
      ** process, which may be in the middle of a write */
      long col = (long)len;
      while (col > 1 && is_space(t[col - 1])) col--;
      rc = pod_err_at(err, POD_EINPUT, cx->path, line, col + 1,
                      "found the end of the file in the last sample, "
                      "expected the rest of its JSON object and a line "
                      "end: the line was cut (the tracker stopped while "
                      "writing it)");
      rc = ingest_bad_row(cx, rc, err);
      goto done;
    }
    if (off >= len) snprintf(found, sizeof found, "the end of the line");
    else pod_snippet(found, sizeof found, t + off, len - off < 24 ? len - off : 24);
    rc = pod_err_at(err, POD_EINPUT, cx->path, line, (long)off + 1,
                    "found %s, expected %s", found,
                    root ? "one JSON object per line" : "valid JSON");
    goto done;
  }
  if (!cJSON_IsObject(root)) {
    long col = 1;
    while ((size_t)col <= len && is_space(t[col - 1])) col++;
    rc = pod_err_at(err, POD_EINPUT, cx->path, line, col, "found %s, "
                    "expected a JSON object (one sample per line)",
                    ingest_json_type(root));
    goto done;
  }
  ts = cJSON_GetObjectItemCaseSensitive(root, "timestamp");
  if (!cJSON_IsNumber(ts) || !isfinite(ts->valuedouble)) {
    rc = pod_err_at(err, POD_EINPUT, cx->path, line,
                    ts ? key_col(t, len, "timestamp") : 1, "found %s for "
                    "\"timestamp\", expected a number (UNIX seconds)",
                    !ts ? "no key" : cJSON_IsArray(ts) && !ts->child
                    ? "NaN" : cJSON_IsNumber(ts) ? "a number out of range"
                    : ingest_json_type(ts));
    goto done;
  }
  if (st->samples && ts->valuedouble < st->prev_t) {
    rc = pod_err_at(err, POD_EINPUT, cx->path, line,
                    key_col(t, len, "timestamp"), "found timestamp %.3f "
                    "before the previous sample's %.3f, expected samples in "
                    "time order", ts->valuedouble, st->prev_t);
    goto done;
  }
  for (size_t k = 0; k < N_PKEYS; k++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, pkeys[k].key);
    p[k] = NAN;
    if (!v || cJSON_IsNull(v)) continue;
    if (cJSON_IsArray(v) && !v->child) {   /* NaN (see scan_line) */
      st->skipped++;
      continue;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || !isfinite(v->valuedouble)) {
      rc = pod_err_at(err, POD_EINPUT, cx->path, line,
                      key_col(t, len, pkeys[k].key), "found %s for \"%s\", "
                      "expected a number >= 0 (W)",
                      cJSON_IsNumber(v) ? "a negative number" : ingest_json_type(v),
                      pkeys[k].key);
      goto done;
    }
    p[k] = v->valuedouble;
  }
  cx->rows++;
  st->samples++;
  st->last_line = line;
  if ((rc = run_of(cx, st, err))) goto done;
  for (size_t k = 0; k < N_PKEYS; k++) {
    char raw[64];
    if (isnan(p[k])) continue;
    if (!st->metric_id[k] &&
        (rc = store_metric_id(cx->db, pkeys[k].metric, "W", STORE_LOWER_BETTER,
                              &st->metric_id[k], err)))
      goto done;
    raw_of(t, len, key_col(t, len, pkeys[k].key), raw, sizeof raw);
    if ((rc = add(cx, st, st->metric_id[k], p[k], raw, "W", line,
                  st->samples, err)))
      goto done;
    if (pkeys[k].attributable && st->samples > 1 && !isnan(st->prev_p[k])) {
      int a = pkeys[k].attributable;
      st->joules[a] += (ts->valuedouble - st->prev_t) * (p[k] + st->prev_p[k]) / 2;
      st->have_energy[a] = 1;
    }
  }
  if (st->samples == 1) st->first_t = ts->valuedouble;
  st->prev_t = ts->valuedouble;
  memcpy(st->prev_p, p, sizeof p);
done:
  cJSON_Delete(root);
  return rc;
}

/* The derived summary values (see the top). */
static int summary(ingest_ctx *cx, eit *st, char err[POD_ERRLEN]) {
  static const char *const names[3] = {"energy_attributable_derived",
                                       "cpu_energy_attributable_derived",
                                       "gpu_energy_attributable_derived"};
  int64_t id;
  char raw[64];
  int rc;
  double total = st->joules[1] + st->joules[2];
  snprintf(raw, sizeof raw, "%.17g", st->prev_t - st->first_t);
  if ((rc = store_metric_id(cx->db, "duration", "s", STORE_LOWER_BETTER, &id,
                            err)) ||
      (rc = add(cx, st, id, st->prev_t - st->first_t, raw, "s", st->last_line,
                -1, err)))
    return rc;
  for (int a = 0; a < 3; a++) {
    double j = a ? st->joules[a] : total;
    if (a ? !st->have_energy[a] : !(st->have_energy[1] || st->have_energy[2]))
      continue;
    snprintf(raw, sizeof raw, "%.17g", j);   /* as integrated: joules */
    if ((rc = store_metric_id(cx->db, names[a], "kWh", STORE_LOWER_BETTER,
                              &id, err)) ||
        (rc = add(cx, st, id, j / 3.6e6, raw, "J", st->last_line, -1, err)))
      return rc;
  }
  return POD_OK;
}

static int parse(ingest_ctx *cx, char err[POD_ERRLEN]) {
  /* Read by ingest_file after parse returns (store_source_set_rows). */
  static char version[200];
  eit st;
  FILE *f;
  char *line = NULL;
  size_t cap = 0;
  ssize_t got;
  long lineno = 0;
  size_t total = 0;
  int rc = POD_OK;
  memset(&st, 0, sizeof st);
  struct stat sb;
  if (!(f = fopen(cx->path, "rb")))
    return pod_err(err, POD_EIO, "%s: cannot open: %s", cx->path,
                   strerror(errno));
  if (fstat(fileno(f), &sb) == 0 && sb.st_size > MAX_BYTES) {
    fclose(f);
    return pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found a file of "
                      "%lld bytes, expected at most %ld (256 MiB) of samples",
                      (long long)sb.st_size, MAX_BYTES);
  }
  while (rc == POD_OK && (got = getline(&line, &cap, f)) > 0) {
    size_t len = (size_t)got, s = 0;
    lineno++;
    total += len;
    if (lineno == 1 && len >= 1 && (unsigned char)line[0] == 0x80) {
      rc = pod_err_at(err, POD_EINPUT, cx->path, 1, 1, "found a Python "
                      "pickle (experiment-impact-tracker's info.pkl), "
                      "expected impacttracker/data.json (JSON Lines)");
      break;
    }
    if (total > (size_t)MAX_BYTES) {
      rc = pod_err_at(err, POD_EINPUT, cx->path, lineno, 1, "found a file "
                      "over %ld bytes, expected at most that (256 MiB)",
                      MAX_BYTES);
      break;
    }
    if (len > (size_t)MAX_LINE) {
      rc = pod_err_at(err, POD_EINPUT, cx->path, lineno, 1, "found a line "
                      "of %zu bytes, expected at most %ld (1 MiB) per sample",
                      len, MAX_LINE);
      break;
    }
    if (memchr(line, '\0', len)) {
      rc = pod_err_at(err, POD_EINPUT, cx->path, lineno,
                      (long)((char *)memchr(line, '\0', len) - line) + 1,
                      "found a NUL byte, expected text");
      break;
    }
    if (lineno == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3))
      memset(line, ' ', 3);
    while (s < len && is_space(line[s])) s++;
    if (s == len) continue;   /* a blank line */
    rc = sample(cx, &st, line, len, lineno, err);
  }
  if (rc == POD_OK && ferror(f))
    rc = pod_err(err, POD_EIO, "%s: cannot read: %s", cx->path,
                 strerror(errno));
  fclose(f);
  free(line);
  if (rc) return rc;
  if (!st.samples)
    return pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found no samples, "
                      "expected JSON objects, one per line");
  if ((rc = summary(cx, &st, err))) return rc;
  snprintf(version, sizeof version, "data.json, %ld samples; duration and "
           "energy derived by podium (trapezoid over attributable power)",
           st.samples);
  if (st.skipped)
    snprintf(version + strlen(version), sizeof version - strlen(version),
             "; %ld nan power values skipped", st.skipped);
  cx->format_version = version;
  return POD_OK;
}

/* ---- detection ------------------------------------------------------- */

static int sniff(const char *head, size_t n, const char *path) {
  char buf[4097];
  (void)path;
  if (!ingest_sniff_text(head, n, '{', buf)) return 0;
  if (strstr(buf, "\"rapl_power_draw_absolute\"") ||
      strstr(buf, "\"nvidia_draw_absolute\"") ||
      strstr(buf, "\"rapl_estimated_attributable_power_draw\""))
    return 100;
  return 0;
}

const ingest_format ingest_eit = {
  "eit",
  "experiment-impact-tracker impacttracker/data.json: JSON Lines with "
  "timestamp and rapl_*/nvidia_* power draws",
  sniff, parse,
  "timestamp,rapl_power_draw_absolute,rapl_estimated_attributable_power_draw,"
  "nvidia_draw_absolute,nvidia_estimated_attributable_power_draw,"
  "cpu_time_seconds,realtime_carbon_intensity,disk_write_speed"};
