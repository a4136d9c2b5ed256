/*
** ingest/generic.c -- a lab's own results, CSV or JSON, read through a
** column map.
**
** Never detected (sniff says 0): a file is read as generic only with
** --format generic or "format": "generic" in podium.json. The map is the
** manifest's "columns" object (podium.json, top level or a files entry;
** manifest.c hands it over as ingest_meta.columns_json), in one of two
** shapes:
**   long:  {"model": "Model", "metric": "Metric", "value": "Score",
**           "unit": "Unit"}                 one measurement per row
**   wide:  {"model": "model", "metrics": {"acc": {"unit": "",
**           "direction": "higher"}, "latency_ms": {"unit": "ms"}}}
**                                           one per metric column per row
** Both may name the columns for model, dataset, split, epoch, step,
** batch_size, sequence_length and (long form) direction ("higher",
** "lower", "+1", "-1" or empty). The long form's unit is a column (or
** none: unitless). Without a model column the model comes from --model or
** --map model=COLUMN.
** Units go to SI as the registry keeps them: ms/us/min/h -> s; B, KB/kB
** and MB/GB/TB (decimal: 10^3, 10^6, ... bytes, as SI writes them) and
** KiB/MiB/GiB (2^10, 2^20, 2^30) -> bytes ("B"); Wh/J/MWh -> kWh;
** g/t (also gCO2, gCO2eq) -> kg; mW/kW -> W. Any other unit is kept as
** written with its value unchanged. Direction, when not given: the
** training-log naming's guess (loss lower, accuracy higher, else none).
** JSON (first byte '[' or '{'): a list of flat objects, or JSON Lines
** (one object per line); keys play the part of columns, a missing key or
** null is an empty cell, numbers keep their digits as written. The first
** object must hold every key the map names. JSON is read whole (64 MiB
** cap, nesting at most MAX_DEPTH); CSV is streamed.
** Errors: a mapped column missing from the header -> path:1:1; a cell
** that is not a number where one is needed -> path:line:col. Empty value
** cells are skipped (not measured).
*/
#include "ingest/ingest_int.h"
#include "core/json.h"
#include "core/buf.h"

#include "core/fs.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

/* Unit as written -> SI unit and factor. */
static const struct unit {
  const char *written, *si;
  double factor;
} units[] = {
  {"s", "s", 1}, {"sec", "s", 1}, {"ms", "s", 1e-3}, {"us", "s", 1e-6},
  {"\xC2\xB5s", "s", 1e-6}, {"ns", "s", 1e-9}, {"min", "s", 60},
  {"h", "s", 3600},
  {"B", "B", 1}, {"KB", "B", 1e3}, {"kB", "B", 1e3}, {"MB", "B", 1e6},
  {"GB", "B", 1e9}, {"TB", "B", 1e12}, {"KiB", "B", 1024.0},
  {"MiB", "B", 1048576.0}, {"GiB", "B", 1073741824.0},
  {"kWh", "kWh", 1}, {"Wh", "kWh", 1e-3}, {"MWh", "kWh", 1e3},
  {"J", "kWh", 1 / 3.6e6}, {"kJ", "kWh", 1 / 3.6e3},
  {"kg", "kg", 1}, {"g", "kg", 1e-3}, {"t", "kg", 1e3},
  {"kgCO2", "kg", 1}, {"kgCO2eq", "kg", 1}, {"gCO2", "kg", 1e-3},
  {"gCO2eq", "kg", 1e-3},
  {"W", "W", 1}, {"mW", "W", 1e-3}, {"kW", "W", 1e3},
};

static const struct unit *unit_of(const char *written) {
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (!strcmp(units[i].written, written)) return &units[i];
  return NULL;
}

/* The axis and run fields a map may name, in this order. */
enum { F_MODEL, F_DATASET, F_SPLIT, F_EPOCH, F_STEP, F_BATCH, F_SEQ,
       F_METRIC, F_VALUE, F_UNIT, F_DIRECTION, N_FIELDS };
static const char *const field_names[N_FIELDS] = {
  "model", "dataset", "split", "epoch", "step", "batch_size",
  "sequence_length", "metric", "value", "unit", "direction"};

typedef struct wide_metric {
  const char *column;        /* borrowed from the map */
  const char *unit;          /* as written */
  int direction, has_direction;
  int col;
} wide_metric;

typedef struct generic {
  cJSON *map;
  const char *name[N_FIELDS];  /* column names from the map, or NULL */
  int col[N_FIELDS];           /* their index in the header, or -1 */
  wide_metric *wide;
  size_t n_wide;
  ingest_csv_row header;       /* a copy (--map looks columns up by name) */
  int header_seen;
  /* metrics this file used and their SI units: one unit per metric */
  char **seen_metric, **seen_unit;
  long *seen_line;
  size_t n_seen;
  /* JSON: the text, and the current object's range in it */
  const char *json;
  size_t obj_off, obj_len;
} generic;

/* path:line:col of byte offset off of text t. */
/* Offset of "key": inside the current JSON object (its start if none). */
static size_t json_key_off(const generic *g, const char *key) {
  const char *t = g->json + g->obj_off;
  size_t k = strlen(key);
  for (size_t i = 0; i + k + 2 <= g->obj_len; i++)
    if (t[i] == '"' && !memcmp(t + i + 1, key, k) && t[i + k + 1] == '"')
      return g->obj_off + i;
  return g->obj_off;
}

/* "found <cell i>, expected <what>" at the cell (CSV) or its key (JSON). */
static int cell_fail(ingest_ctx *cx, const generic *g,
                     const ingest_csv_row *row, size_t i,
                     const char *expected, char err[POD_ERRLEN]) {
  char found[96];
  long line, col;
  if (!g->json) return ingest_csv_fail(cx, row, i, expected, err);
  pod_line_col(g->json, json_key_off(g, g->header.field[i]), &line, &col);
  pod_snippet(found, sizeof found, row->field[i], row->len[i]);
  return pod_err_at(err, POD_EINPUT, cx->path, line, col,
                    "found %s for \"%s\", expected %s", found,
                    g->header.field[i], expected);
}

static int direction_word(const char *s, int *out) {
  if (!strcmp(s, "higher") || !strcmp(s, "+1") || !strcmp(s, "1")) *out = 1;
  else if (!strcmp(s, "lower") || !strcmp(s, "-1")) *out = -1;
  else if (!*s || !strcmp(s, "none") || !strcmp(s, "0")) *out = 0;
  else return 0;
  return 1;
}

/* Reads the map: which columns, and which form. */
static int load_map(ingest_ctx *cx, generic *g, char err[POD_ERRLEN]) {
  const char *js = cx->meta->columns_json;
  cJSON *metrics;
  if (!js)
    return pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found no column "
                      "map, expected \"columns\" in podium.json, such as "
                      "{\"model\": \"Model\", \"metric\": \"Metric\", "
                      "\"value\": \"Score\", \"unit\": \"Unit\"}");
  g->map = pod_json_parse_str(js);
  if (!cJSON_IsObject(g->map))
    return pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found a \"columns\" "
                      "map that is not an object, expected {\"value\": "
                      "\"COLUMN\", ...}");
  for (int k = 0; k < N_FIELDS; k++) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(g->map, field_names[k]);
    g->col[k] = -1;
    if (!v) continue;
    if (!cJSON_IsString(v) || !*v->valuestring)
      return pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found \"columns\"."
                        "\"%s\" that is not a column name, expected a "
                        "string", field_names[k]);
    g->name[k] = v->valuestring;
  }
  for (cJSON *v = g->map->child; v; v = v->next) {
    int known = !strcmp(v->string, "metrics");
    for (int k = 0; k < N_FIELDS; k++)
      if (!strcmp(v->string, field_names[k])) known = 1;
    if (!known)
      return pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found \"columns\"."
                        "\"%s\", expected model, dataset, metric, value, "
                        "unit, split, epoch, step, batch_size, "
                        "sequence_length, direction or metrics", v->string);
  }
  metrics = cJSON_GetObjectItemCaseSensitive(g->map, "metrics");
  if (metrics) {
    if (!cJSON_IsObject(metrics) || !metrics->child)
      return pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found \"columns\"."
                        "\"metrics\" that is not a non-empty object, expected"
                        " {\"COLUMN\": {\"unit\": \"ms\"}, ...}");
    if (g->name[F_METRIC] || g->name[F_VALUE])
      return pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found both "
                        "\"metrics\" (wide form) and \"metric\"/\"value\" "
                        "(long form) in \"columns\", expected one form");
    g->n_wide = (size_t)cJSON_GetArraySize(metrics);
    g->wide = pod_xmalloc(g->n_wide * sizeof *g->wide);
    memset(g->wide, 0, g->n_wide * sizeof *g->wide);
    size_t i = 0;
    for (cJSON *m = metrics->child; m; m = m->next, i++) {
      cJSON *u = cJSON_GetObjectItemCaseSensitive(m, "unit");
      cJSON *d = cJSON_GetObjectItemCaseSensitive(m, "direction");
      wide_metric *w = &g->wide[i];
      w->column = m->string;
      w->unit = "";
      w->col = -1;
      if (!cJSON_IsObject(m) || (u && !cJSON_IsString(u)) ||
          (d && (!cJSON_IsString(d) ||
                 !direction_word(d->valuestring, &w->direction))))
        return pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found "
                          "\"columns\".\"metrics\".\"%s\" that is not "
                          "{\"unit\": STRING, \"direction\": \"higher\" or "
                          "\"lower\"}, expected that", m->string);
      if (u) w->unit = u->valuestring;
      w->has_direction = d != NULL;
    }
  } else if (!g->name[F_METRIC] || !g->name[F_VALUE]) {
    return pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found a \"columns\" "
                      "map without \"metric\" and \"value\" or \"metrics\", "
                      "expected the long form {\"metric\": COL, \"value\": "
                      "COL} or the wide form {\"metrics\": {COL: {...}}}");
  }
  return POD_OK;
}

static void copy_row(ingest_csv_row *dst, const ingest_csv_row *src) {
  dst->n = src->n;
  dst->field = pod_xmalloc((src->n + 1) * sizeof *dst->field);
  dst->len = pod_xmalloc((src->n + 1) * sizeof *dst->len);
  for (size_t i = 0; i < src->n; i++) {
    dst->field[i] = pod_xstrdup(src->field[i]);
    dst->len[i] = src->len[i];
  }
}

static int find_col(const ingest_csv_row *h, const char *name) {
  for (size_t i = 0; i < h->n; i++)
    if (!strcmp(h->field[i], name)) return (int)i;
  return -1;
}

static int read_header(ingest_ctx *cx, generic *g, const ingest_csv_row *row,
                       char err[POD_ERRLEN]) {
  int rc;
  if ((rc = ingest_csv_check_header(cx, row, err))) return rc;
  copy_row(&g->header, row);
  g->header_seen = 1;
  for (int k = 0; k < N_FIELDS; k++) {
    if (!g->name[k]) continue;
    if ((g->col[k] = find_col(row, g->name[k])) < 0)
      return pod_err_at(err, POD_EINPUT, cx->path, row->line, 1, "found no "
                        "column \"%s\", expected the column the map names "
                        "(\"columns\".\"%s\")", g->name[k], field_names[k]);
  }
  for (size_t i = 0; i < g->n_wide; i++)
    if ((g->wide[i].col = find_col(row, g->wide[i].column)) < 0)
      return pod_err_at(err, POD_EINPUT, cx->path, row->line, 1, "found no "
                        "column \"%s\", expected the column the map names "
                        "(\"columns\".\"metrics\")", g->wide[i].column);
  return POD_OK;
}

/* The axes of a row into m. */
static int row_axes(ingest_ctx *cx, generic *g, const ingest_csv_row *row,
                    store_measurement *m, char err[POD_ERRLEN]) {
  static const int counts[] = {F_STEP, F_BATCH, F_SEQ};
  int64_t *slot[] = {&m->step, &m->batch_size, &m->sequence_length};
  int c = g->col[F_EPOCH];
  if (c >= 0 && row->len[c]) {
    double e;
    if (!ingest_parse_number(row->field[c], &e) || e < 0)
      return cell_fail(cx, g, row, (size_t)c, "an epoch (a number >= 0)",
                       err);
    m->epoch = e;
  }
  for (int k = 0; k < 3; k++) {
    long long v;
    c = g->col[counts[k]];
    if (c < 0 || !row->len[c]) continue;
    if (!ingest_parse_count(row->field[c], 0, &v)) {
      char what[64];
      snprintf(what, sizeof what, "a whole number >= 0 (%s)",
               field_names[counts[k]]);
      return cell_fail(cx, g, row, (size_t)c, what, err);
    }
    *slot[k] = v;
  }
  c = g->col[F_SPLIT];
  if (c >= 0 && row->len[c]) m->split = row->field[c];
  return POD_OK;
}

/* A metric keeps the SI unit it first had in this file ("latency" in ms
** and in s is fine; in ms and in % is not). */
static int same_unit(ingest_ctx *cx, generic *g, const ingest_csv_row *row,
                     int c, const char *metric, const char *si,
                     char err[POD_ERRLEN]) {
  for (size_t i = 0; i < g->n_seen; i++)
    if (!strcmp(g->seen_metric[i], metric)) {
      char what[256];
      if (!strcmp(g->seen_unit[i], si)) return POD_OK;
      snprintf(what, sizeof what, "a value in %s%s (as \"%s\" on line %ld)",
               *g->seen_unit[i] ? "" : "no unit",  g->seen_unit[i], metric,
               g->seen_line[i]);
      return cell_fail(cx, g, row, (size_t)c, what, err);
    }
  g->seen_metric = pod_xrealloc(g->seen_metric,
                                (g->n_seen + 1) * sizeof *g->seen_metric);
  g->seen_unit = pod_xrealloc(g->seen_unit,
                              (g->n_seen + 1) * sizeof *g->seen_unit);
  g->seen_line = pod_xrealloc(g->seen_line,
                              (g->n_seen + 1) * sizeof *g->seen_line);
  g->seen_metric[g->n_seen] = pod_xstrdup(metric);
  g->seen_unit[g->n_seen] = pod_xstrdup(si);
  g->seen_line[g->n_seen++] = row->line;
  return POD_OK;
}

/* One value: the cell at column c, named metric, written in unit. */
static int add_value(ingest_ctx *cx, generic *g, const ingest_csv_row *row,
                     int c,
                     const char *metric, const char *unit, int direction,
                     store_measurement *m, char err[POD_ERRLEN]) {
  const struct unit *u = unit_of(unit);
  double v;
  int64_t id;
  int rc;
  if (!row->len[c]) return POD_OK;   /* not measured */
  if (!ingest_parse_number(row->field[c], &v)) {
    char what[96];
    snprintf(what, sizeof what, "a number (%s%s%s)", metric,
             *unit ? ", " : "", unit);
    return cell_fail(cx, g, row, (size_t)c, what, err);
  }
  if ((rc = same_unit(cx, g, row, c, metric, u ? u->si : unit, err)) ||
      (rc = store_metric_id(cx->db, metric, u ? u->si : unit, direction, &id,
                            err)))
    return rc;
  m->metric_id = id;
  m->value = u ? v * u->factor : v;
  m->raw_value = row->field[c];
  m->raw_unit = unit;
  return store_measurement_add(cx->db, m, err);
}

static int data_row(ingest_ctx *cx, const ingest_csv_row *row, void *ud,
                    char err[POD_ERRLEN]) {
  generic *g = ud;
  ingest_run_fields f = {0};
  store_measurement m;
  int rc, c;
  if (!g->header_seen) return read_header(cx, g, row, err);
  if (row->n != g->header.n) {
    char msg[96];
    snprintf(msg, sizeof msg, "%zu fields like the header, not %zu",
             g->header.n, row->n);
    return ingest_csv_fail(cx, row, row->n < g->header.n ? row->n
                                                         : g->header.n,
                           msg, err);
  }
  cx->rows++;
  if ((c = g->col[F_MODEL]) >= 0 && row->len[c]) f.model = row->field[c];
  if ((c = g->col[F_DATASET]) >= 0 && row->len[c]) f.dataset = row->field[c];
  ingest_map_row(cx->meta, &g->header, row, &f);
  store_measurement_init(&m);
  if ((rc = row_axes(cx, g, row, &m, err))) return rc;
  if ((rc = ingest_run_for(cx, &f, 0, &m.run_id, err))) {
    char again[POD_ERRLEN];
    snprintf(again, sizeof again, "%s", err);
    return pod_err_at(err, rc, cx->path, row->line, 0, "%s", again);
  }
  m.source_id = cx->source_id;
  m.line = row->line;
  if (g->n_wide) {
    for (size_t i = 0; i < g->n_wide; i++) {
      const wide_metric *w = &g->wide[i];
      int dir = w->has_direction ? w->direction
                                 : ingest_metric_direction(w->column);
      if ((rc = add_value(cx, g, row, w->col, w->column, w->unit, dir, &m, err)))
        return rc;
    }
    return POD_OK;
  }
  {
    const char *metric = row->field[g->col[F_METRIC]];
    const char *unit = (c = g->col[F_UNIT]) >= 0 ? row->field[c] : "";
    int dir = ingest_metric_direction(metric);
    if (!*metric)
      return cell_fail(cx, g, row, (size_t)g->col[F_METRIC], "a metric name",
                       err);
    if ((c = g->col[F_DIRECTION]) >= 0 && row->len[c] &&
        !direction_word(row->field[c], &dir))
      return cell_fail(cx, g, row, (size_t)c, "higher, lower, +1, -1 or an "
                       "empty cell (direction)", err);
    return add_value(cx, g, row, g->col[F_VALUE], metric, unit, dir, &m, err);
  }
}

/* ---- JSON: a list of objects, or JSON Lines ------------------------- */

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int json_fail_at(ingest_ctx *cx, const generic *g, size_t off,
                        const char *fmt_found, const char *expected,
                        char err[POD_ERRLEN]) {
  long line, col;
  pod_line_col(g->json, off, &line, &col);
  return pod_err_at(err, POD_EINPUT, cx->path, line, col,
                    "found %s, expected %s", fmt_found, expected);
}

/* Nesting deeper than MAX_DEPTH in t[off, off + len), before cJSON. */
static int json_depth(ingest_ctx *cx, const generic *g, size_t off,
                      size_t len, char err[POD_ERRLEN]) {
  const char *t = g->json;
  int depth = 0;
  for (size_t i = off; i < off + len; i++) {
    if (t[i] == '"') {
      for (i++; i < off + len && t[i] != '"'; i++)
        if (t[i] == '\\') i++;
    } else if (t[i] == '{' || t[i] == '[') {
      if (++depth > MAX_DEPTH)
        return json_fail_at(cx, g, i, "JSON nested deeper than 32 levels",
                            "at most 32", err);
    } else if ((t[i] == '}' || t[i] == ']') && depth > 0) {
      depth--;
    }
  }
  return POD_OK;
}

/* cJSON failed (or stopped early) at off: a located syntax error. */
static int json_syntax(ingest_ctx *cx, const generic *g, size_t off,
                       size_t end, const char *expected,
                       char err[POD_ERRLEN]) {
  char found[96];
  size_t n = 0;
  while (off > 0 && off < end && is_space(g->json[off])) off--;
  while (off + n < end && n < 24 && g->json[off + n] != '\n') n++;
  if (off >= end) snprintf(found, sizeof found, "the end of the text");
  else pod_snippet(found, sizeof found, g->json + off, n);
  return json_fail_at(cx, g, off, found, expected, err);
}

/* The header a JSON file stands for: every name the map uses, once. */
static void json_header(const generic *g, ingest_csv_row *h) {
  size_t cap = N_FIELDS + g->n_wide;
  h->field = pod_xmalloc(cap * sizeof *h->field);
  h->len = pod_xmalloc(cap * sizeof *h->len);
  h->n = 0;
  h->line = 1;
  for (size_t k = 0; k < cap; k++) {
    const char *name = k < N_FIELDS ? g->name[k] : g->wide[k - N_FIELDS].column;
    int seen = 0;
    if (!name) continue;
    for (size_t j = 0; j < h->n; j++)
      if (!strcmp(h->field[j], name)) seen = 1;
    if (seen) continue;
    h->field[h->n] = (char *)name;
    h->len[h->n++] = strlen(name);
  }
}

/* The value after "key": as written (a number's digits). */
static void json_raw(const generic *g, const char *key, char *out, size_t n) {
  size_t i = json_key_off(g, key) + strlen(key) + 2, o = 0;
  size_t end = g->obj_off + g->obj_len;
  while (i < end && (is_space(g->json[i]) || g->json[i] == ':')) i++;
  while (i < end && o + 1 < n && !is_space(g->json[i]) && g->json[i] != ',' &&
         g->json[i] != '}')
    out[o++] = g->json[i++];
  out[o] = '\0';
}

/* One JSON object as a row of the header's cells; then as a CSV row. */
static int json_object(ingest_ctx *cx, generic *g, const cJSON *o,
                       int first, char err[POD_ERRLEN]) {
  ingest_csv_row row = {0};
  long col;
  int rc = POD_OK;
  if (!cJSON_IsObject(o))
    return json_fail_at(cx, g, g->obj_off, ingest_json_type(o), "an object (one "
                        "result per object)", err);
  row.n = g->header.n;
  row.field = pod_xmalloc(row.n * sizeof *row.field);
  row.len = pod_xmalloc(row.n * sizeof *row.len);
  pod_line_col(g->json, g->obj_off, &row.line, &col);
  for (size_t i = 0; i < row.n; i++) {
    const char *key = g->header.field[i];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    char raw[128];
    if (!v && first && rc == POD_OK) {
      char what[160];
      snprintf(what, sizeof what, "no key \"%s\"", key);
      rc = json_fail_at(cx, g, g->obj_off, what, "the key the map names "
                        "(in the first object)", err);
    } else if (v && !cJSON_IsNull(v) && !cJSON_IsString(v) &&
               !cJSON_IsNumber(v) && rc == POD_OK) {
      char what[160];
      snprintf(what, sizeof what, "%s for \"%s\"", ingest_json_type(v), key);
      rc = json_fail_at(cx, g, json_key_off(g, key), what, "a number or a "
                        "string", err);
    }
    raw[0] = '\0';
    if (cJSON_IsString(v)) snprintf(raw, sizeof raw, "%s", v->valuestring);
    else if (cJSON_IsNumber(v)) json_raw(g, key, raw, sizeof raw);
    row.field[i] = pod_xstrdup(raw);
    row.len[i] = strlen(raw);
  }
  if (rc == POD_OK) rc = data_row(cx, &row, g, err);
  for (size_t i = 0; i < row.n; i++) free(row.field[i]);
  free(row.field);
  free(row.len);
  return rc;
}

static int parse_json(ingest_ctx *cx, generic *g, const char *t, size_t len,
                      size_t start, char err[POD_ERRLEN]) {
  ingest_csv_row h = {0};
  const char *end = NULL;
  int rc;
  g->json = t;
  json_header(g, &h);
  rc = read_header(cx, g, &h, err);
  free(h.field);
  free(h.len);
  if (rc) return rc;
  if (t[start] == '[') {   /* one list of objects */
    cJSON *root, *o;
    size_t i = start + 1;
    int depth = 1;
    if ((rc = json_depth(cx, g, start, len - start, err))) return rc;
    root = pod_json_parse(t + start, len - start, &end);
    if (!root)
      return json_syntax(cx, g, end ? (size_t)(end - t) : start, len,
                         "valid JSON", err);
    o = root->child;
    /* each element's offset: after '[' or a ',' at depth 1 */
    while (rc == POD_OK && o) {
      while (i < len && is_space(t[i])) i++;
      g->obj_off = i;
      for (; i < len; i++) {
        if (t[i] == '"') {
          for (i++; i < len && t[i] != '"'; i++)
            if (t[i] == '\\') i++;
        } else if (t[i] == '{' || t[i] == '[') depth++;
        else if (t[i] == '}' || t[i] == ']') { if (--depth == 0) break; }
        else if (t[i] == ',' && depth == 1) break;
      }
      g->obj_len = i - g->obj_off;
      i++;
      rc = json_object(cx, g, o, o == root->child, err);
      o = o->next;
    }
    cJSON_Delete(root);
    return rc;
  }
  for (size_t i = start; i < len && rc == POD_OK;) {   /* JSON Lines */
    size_t e = i, s = i;
    cJSON *o;
    while (e < len && t[e] != '\n') e++;
    while (s < e && is_space(t[s])) s++;
    if (s < e) {
      g->obj_off = s;
      g->obj_len = e - s;
      if ((rc = json_depth(cx, g, s, e - s, err))) break;
      o = pod_json_parse(t + s, e - s, &end);
      size_t off = end ? (size_t)(end - t) : s;
      if (o) while (off < e && is_space(t[off])) off++;
      if (!o || off < e)
        rc = json_syntax(cx, g, off, e, o ? "one JSON object per line"
                                          : "valid JSON", err);
      else
        rc = json_object(cx, g, o, !cx->rows, err);
      cJSON_Delete(o);
    }
    i = e + 1;
  }
  return rc;
}

/* Whether the file is JSON ('[' or '{' first, after a BOM and spaces) and
** the offset of that byte; CSV is streamed, JSON read whole. */
static int first_bytes(ingest_ctx *cx, size_t *out_start, int *out_json,
                       char err[POD_ERRLEN]) {
  char head[4096];
  size_t n, i = 0;
  FILE *f;
  if (cx->data) {
    n = ingest_head(cx, head, sizeof head);
  } else {
    if (!(f = fopen(cx->path, "rb")))
      return pod_err(err, POD_EIO, "%s: cannot open: %s", cx->path,
                     strerror(errno));
    n = fread(head, 1, sizeof head, f);
    fclose(f);
  }
  if (n >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3)) i = 3;
  while (i < n && is_space(head[i])) i++;
  *out_start = i;
  *out_json = i < n && (head[i] == '[' || head[i] == '{');
  return POD_OK;
}

static int parse(ingest_ctx *cx, char err[POD_ERRLEN]) {
  generic g;
  pod_buf text = POD_BUF_INIT;
  size_t start = 0;
  int rc, json = 0;
  memset(&g, 0, sizeof g);
  if ((rc = load_map(cx, &g, err))) goto done;
  if ((rc = first_bytes(cx, &start, &json, err))) goto done;
  if (json && (rc = ingest_read_json(cx, &text, err))) goto done;
  if (json) {
    if (text.len >= 3 && !memcmp(text.data, "\xEF\xBB\xBF", 3))
      memset(text.data, ' ', 3);   /* a BOM: blank it, offsets stay */
    if ((rc = parse_json(cx, &g, pod_buf_str(&text), text.len, start, err)))
      goto done;
  } else if ((rc = ingest_csv_read(cx, data_row, &g, err))) {
    goto done;
  }
  if (!g.header_seen)
    rc = pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found an empty file, "
                    "expected a header naming the mapped columns");
  else if (!cx->rows)
    rc = pod_err_at(err, POD_EINPUT, cx->path, 1, 0, "found no results, "
                    "expected at least one row (CSV) or object (JSON)");
  cx->format_version = g.n_wide ? "generic (wide)" : "generic (long)";
done:
  for (size_t i = 0; i < g.header.n; i++) free(g.header.field[i]);
  free(g.header.field);
  free(g.header.len);
  for (size_t i = 0; i < g.n_seen; i++) {
    free(g.seen_metric[i]);
    free(g.seen_unit[i]);
  }
  free(g.seen_metric);
  free(g.seen_unit);
  free(g.seen_line);
  free(g.wide);
  cJSON_Delete(g.map);
  pod_buf_free(&text);
  return rc;
}

static int sniff(const char *head, size_t n, const char *path) {
  (void)head;
  (void)n;
  (void)path;
  return 0;   /* never detected: --format generic or "format" in podium.json */
}

const ingest_format ingest_generic = {
  "generic",
  "any results CSV or JSON, read through a \"columns\" map in "
  "podium.json; never "
  "detected: --format generic or \"format\": \"generic\"",
  sniff, parse, NULL};
