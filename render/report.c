/*
** render/report.c -- the language-neutral outputs: Markdown reports
** (GFM tables, readable on GitHub as they are) and the JSON and CSV
** downloads under _site/data/. Numbers here use ASCII digits and a plain
** space before units; dates stay ISO 8601 as stored.
*/
#include "render/render_int.h"
#include "core/num.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

/* ---- cells ----------------------------------------------------------- */

void render_csv_cell(pod_buf *out, const char *s) {
  int quote = strpbrk(s, ",\"\r\n") != NULL;
  int formula = strchr("=+-@\t\r", s[0]) && s[0] && !pod_parse_number(s, NULL);
  if (formula) quote = 1;
  if (quote) pod_buf_addc(out, '"');
  if (formula) pod_buf_addc(out, '\'');
  for (const char *p = s; *p; p++) {
    if (*p == '"') pod_buf_addc(out, '"');
    pod_buf_addc(out, *p);
  }
  if (quote) pod_buf_addc(out, '"');
}

/* A table cell in GFM: Markdown punctuation escaped, no line breaks. */
static void md_cell(pod_buf *out, const char *s) {
  for (const char *p = s; *p; p++) {
    if (*p == '\n' || *p == '\r' || *p == '\t') pod_buf_addc(out, ' ');
    else {
      if (strchr("\\`*_[]<>|#!~", *p)) pod_buf_addc(out, '\\');
      pod_buf_addc(out, *p);
    }
  }
}

/* A value with its unit, without the no-break space the pages use. */
static void plain_value(pod_buf *out, double v, const char *unit) {
  pod_buf tmp = POD_BUF_INIT;
  render_fmt_value(&tmp, v, unit);
  for (const char *p = pod_buf_str(&tmp); *p; p++) {
    if (!strncmp(p, "\xc2\xa0", 2)) { pod_buf_addc(out, ' '); p++; }
    else pod_buf_addc(out, *p);
  }
  pod_buf_free(&tmp);
}

static const store_value *col(const store_row *row, const char *name) {
  static const store_value none = {STORE_NULL, 0, 0, NULL};
  for (int i = 0; i < row->n; i++)
    if (!strcmp(row->names[i], name)) return &row->v[i];
  return &none;
}

static const char *text_or(const store_row *row, const char *name,
                           const char *dflt) {
  const store_value *v = col(row, name);
  return v->type == STORE_TEXT && *v->s ? v->s : dflt;
}

/* ---- Markdown reports ------------------------------------------------ */

typedef struct report {
  pod_buf *out;
  const char *unit, *metric;
  int have;
  int64_t batch, seq;
  int batch_null, seq_null;
  char split[64];
} report;

static int report_row(const store_row *row, void *ud) {
  report *r = ud;
  const store_value *b = col(row, "batch_size"), *q = col(row, "sequence_length");
  int bn = b->type == STORE_NULL, qn = q->type == STORE_NULL;
  const char *split = text_or(row, "split", "");
  if (!r->have || bn != r->batch_null || qn != r->seq_null ||
      b->i != r->batch || q->i != r->seq || strcmp(split, r->split)) {
    r->have = 1;
    r->batch = b->i; r->seq = q->i;
    r->batch_null = bn; r->seq_null = qn;
    snprintf(r->split, sizeof r->split, "%s", split);
    pod_buf_adds(r->out, "\n## ");
    if (bn && qn) pod_buf_adds(r->out, "All runs");
    if (!bn) pod_buf_printf(r->out, "Batch size %lld", (long long)b->i);
    if (!qn) pod_buf_printf(r->out, "%sequence length %lld",
                            bn ? "S" : ", s", (long long)q->i);
    if (*split) {
      pod_buf_adds(r->out, ", ");
      md_cell(r->out, split);
    }
    pod_buf_adds(r->out, "\n\n");
    pod_buf_adds(r->out, "| Rank | Model | Variant | Role | ");
    md_cell(r->out, r->metric);
    pod_buf_adds(r->out, " | n | Run |\n|---:|---|---|---|---:|---:|---:|\n");
  }
  pod_buf_printf(r->out, "| %lld | ", (long long)col(row, "rank")->i);
  md_cell(r->out, text_or(row, "model", ""));
  pod_buf_adds(r->out, " | ");
  md_cell(r->out, text_or(row, "variant", "-"));
  pod_buf_adds(r->out, " | ");
  md_cell(r->out, text_or(row, "role", "-"));
  pod_buf_adds(r->out, " | ");
  plain_value(r->out, col(row, "value")->d, r->unit);
  pod_buf_printf(r->out, " | %lld | %lld |\n", (long long)col(row, "n")->i,
                 (long long)col(row, "run_id")->i);
  return 0;
}

typedef struct find_board {
  const char *name;
  pod_buf names;     /* the known names, for the error */
  char scope[512], metric[256], unit[64];
  int64_t metric_id;
  int direction, found;
} find_board;

static int match_board(const store_row *row, void *ud) {
  find_board *f = ud;
  pod_buf name = POD_BUF_INIT;
  render_board_name(&name, text_or(row, "scope", ""), text_or(row, "metric", ""));
  if (!strcmp(name.data, f->name)) {
    f->found = 1;
    snprintf(f->scope, sizeof f->scope, "%s", text_or(row, "scope", ""));
    snprintf(f->metric, sizeof f->metric, "%s", text_or(row, "metric", ""));
    snprintf(f->unit, sizeof f->unit, "%s", text_or(row, "unit", ""));
    f->metric_id = col(row, "metric_id")->i;
    f->direction = (int)col(row, "direction")->i;
  }
  if (f->names.len < 300) {
    pod_buf_adds(&f->names, f->names.len ? ", " : "");
    pod_buf_adds(&f->names, name.data);
  }
  pod_buf_free(&name);
  return 0;
}

/* The title and preamble of a leaderboard's report; r is set up for
** report_row. board is a row of store_each_leaderboard (scope, metric_id,
** metric, unit, direction). */
static void report_head(const store_row *board, report *r, pod_buf *out) {
  const char *scope = text_or(board, "scope", "");
  memset(r, 0, sizeof *r);
  r->out = out;
  r->unit = text_or(board, "unit", "");
  r->metric = text_or(board, "metric", "");
  pod_buf_adds(out, "# ");
  md_cell(out, r->metric);
  pod_buf_adds(out, ": ");
  md_cell(out, *scope ? scope : "all runs");
  pod_buf_printf(out, "\n\n%s is better. Runs are ranked per batch size and "
                 "sequence length; ties share a rank; a value is the mean of "
                 "the run's n measurements at that point. Generated by "
                 "podium from its registry.\n",
                 col(board, "direction")->i > 0 ? "Higher" : "Lower");
}

/* The report of one leaderboard, given as a row of store_each_leaderboard. */
static int report_board(store_db *db, const store_row *board, pod_buf *out,
                        char err[POD_ERRLEN]) {
  report r;
  report_head(board, &r, out);
  return store_each_leaderboard_entry(db, text_or(board, "scope", ""),
                                      col(board, "metric_id")->i, report_row,
                                      &r, err);
}

/* Remembers the board called f->name (its fields copied) and every name. */
static int find_named(const store_row *row, void *ud) {
  find_board *f = ud;
  match_board(row, ud);
  (void)f;
  return 0;
}

int render_report(store_db *db, const char *name, pod_buf *out,
                  char err[POD_ERRLEN]) {
  find_board f;
  int rc;
  memset(&f, 0, sizeof f);
  f.name = name;
  if ((rc = store_each_leaderboard(db, find_named, &f, err))) goto done;
  if (!f.found) {
    rc = pod_err(err, POD_EINPUT, "found no leaderboard \"%s\", expected "
                 "one of: %s", name, f.names.len ? f.names.data : "(none yet)");
    goto done;
  }
  {
    static const char *const names[] = {"scope", "metric_id", "metric",
                                        "unit", "direction"};
    store_value v[5] = {{STORE_TEXT, 0, 0, f.scope},
                        {STORE_INT, f.metric_id, 0, NULL},
                        {STORE_TEXT, 0, 0, f.metric},
                        {STORE_TEXT, 0, 0, f.unit},
                        {STORE_INT, f.direction, 0, NULL}};
    store_row board = {5, names, v};
    rc = report_board(db, &board, out, err);
  }
done:
  pod_buf_free(&f.names);
  return rc;
}

/* ---- downloads ------------------------------------------------------- */

typedef struct table_out {
  pod_buf csv;
  cJSON *json;
  int header_done;
} table_out;

static int table_row(const store_row *row, void *ud) {
  table_out *t = ud;
  cJSON *o = cJSON_CreateObject();
  if (!t->header_done) {
    for (int i = 0; i < row->n; i++) {
      if (i) pod_buf_addc(&t->csv, ',');
      render_csv_cell(&t->csv, row->names[i]);
    }
    pod_buf_adds(&t->csv, "\r\n");
    t->header_done = 1;
  }
  for (int i = 0; i < row->n; i++) {
    const store_value *v = &row->v[i];
    if (i) pod_buf_addc(&t->csv, ',');
    switch (v->type) {
    case STORE_INT:
      pod_buf_printf(&t->csv, "%lld", (long long)v->i);
      cJSON_AddNumberToObject(o, row->names[i], (double)v->i);
      break;
    case STORE_REAL:
      pod_buf_printf(&t->csv, "%.17g", v->d);
      cJSON_AddNumberToObject(o, row->names[i], v->d);
      break;
    case STORE_TEXT:
      render_csv_cell(&t->csv, v->s);
      cJSON_AddStringToObject(o, row->names[i], v->s);
      break;
    default:
      cJSON_AddNullToObject(o, row->names[i]);
    }
  }
  pod_buf_adds(&t->csv, "\r\n");
  cJSON_AddItemToArray(t->json, o);
  return 0;
}

/* Writes data/<name>.csv and .json from one walk. */
static int write_table(render_out *o, const char *name, table_out *t,
                       char err[POD_ERRLEN]) {
  char rel[600];
  char *json = cJSON_PrintUnformatted(t->json);
  int rc;
  snprintf(rel, sizeof rel, "data/%s.csv", name);
  rc = render_out_write(o, rel, pod_buf_str(&t->csv), t->csv.len, err);
  snprintf(rel, sizeof rel, "data/%s.json", name);
  if (!rc) rc = render_out_write(o, rel, json, strlen(json), err);
  cJSON_free(json);
  pod_buf_free(&t->csv);
  cJSON_Delete(t->json);
  return rc;
}

typedef struct board_files {
  store_db *db;
  render_out *out;
  char err[POD_ERRLEN];
} board_files;

/* One walk of a board's entries feeds its CSV, JSON and report. */
typedef struct board_sinks {
  table_out t;
  report r;
} board_sinks;

static int board_row(const store_row *row, void *ud) {
  board_sinks *k = ud;
  table_row(row, &k->t);
  return report_row(row, &k->r);
}

static int board_downloads(const store_row *row, void *ud) {
  board_files *b = ud;
  board_sinks k = {{POD_BUF_INIT, cJSON_CreateArray(), 0}, {0}};
  pod_buf name = POD_BUF_INIT, md = POD_BUF_INIT, rel = POD_BUF_INIT;
  int rc;
  render_board_name(&name, text_or(row, "scope", ""), text_or(row, "metric", ""));
  report_head(row, &k.r, &md);
  rc = store_each_leaderboard_entry(b->db, text_or(row, "scope", ""),
                                    col(row, "metric_id")->i, board_row, &k,
                                    b->err);
  pod_buf_printf(&rel, "leaderboards/%s", name.data);
  if (!rc) rc = write_table(b->out, rel.data, &k.t, b->err);
  else { pod_buf_free(&k.t.csv); cJSON_Delete(k.t.json); }
  pod_buf_clear(&rel);
  pod_buf_printf(&rel, "reports/%s.md", name.data);
  if (!rc) rc = render_out_write(b->out, rel.data, md.data, md.len, b->err);
  pod_buf_free(&name);
  pod_buf_free(&md);
  pod_buf_free(&rel);
  return rc;
}

int render_downloads(store_db *db, render_out *out, char err[POD_ERRLEN]) {
  table_out runs = {POD_BUF_INIT, cJSON_CreateArray(), 0};
  table_out meas = {POD_BUF_INIT, cJSON_CreateArray(), 0};
  board_files b;
  int rc = store_each_run(db, table_row, &runs, err);
  if (!rc) rc = write_table(out, "runs", &runs, err);
  else { pod_buf_free(&runs.csv); cJSON_Delete(runs.json); }
  if (!rc) rc = store_each_measurement_all(db, table_row, &meas, err);
  if (!rc) rc = write_table(out, "measurements", &meas, err);
  else { pod_buf_free(&meas.csv); cJSON_Delete(meas.json); }
  if (rc) return rc;
  b.db = db;
  b.out = out;
  b.err[0] = '\0';
  rc = store_each_leaderboard(db, board_downloads, &b, err);
  if (rc && b.err[0]) snprintf(err, POD_ERRLEN, "%s", b.err);
  return rc;
}
