/*
** render/report.c -- the language-neutral outputs: Markdown reports
** (GFM tables, readable on GitHub as they are) and the JSON and CSV
** downloads under _site/data/. Numbers here use ASCII digits and a plain
** space before units; dates stay ISO 8601 as stored.
*/
#include "render/render_int.h"
#include "render/board_keep.h"
#include "core/text.h"
#include "core/num.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- cells ----------------------------------------------------------- */

void render_csv_cell(pod_buf *out, const char *s) {
  int quote = strpbrk(s, ",\"\r\n") != NULL;
  int formula = strchr("=+-@\t\r", s[0]) && s[0] && !pod_parse_number(s, NULL);
  if (formula) quote = 1;
  if (quote) pod_buf_addc(out, '"');
  if (formula) pod_buf_addc(out, '\'');
  while (*s) {   /* runs up to a quote, each quote doubled */
    size_t k = strcspn(s, "\"");
    pod_buf_add(out, s, k + (s[k] == '"'));
    if (s[k] == '"') pod_buf_addc(out, '"');
    s += k + (s[k] == '"');
  }
  if (quote) pod_buf_addc(out, '"');
}

void render_md_cell(pod_buf *out, const char *s) { pod_md_cell(out, s); }


/* ---- Markdown reports ------------------------------------------------ */

/* The columns a report reads of a board's rows, by place: a lookup by
** name per cell was a fifth of writing a 10,000-row board's files. */
enum { COL_BATCH, COL_SEQ, COL_SPLIT, COL_RANK, COL_MODEL, COL_VARIANT,
       COL_ROLE, COL_VALUE, COL_N, COL_RUN, COL_COST0,
       N_COLS = COL_COST0 + RENDER_N_COSTS };
static const char *const col_names[COL_COST0] = {
    "batch_size", "sequence_length", "split", "rank", "model", "variant",
    "role", "value", "n", "run_id"};

/* A column of a board's rows by place (store_row_col_at). */
static const store_value *col(int *at, const store_row *row, int k) {
  return store_row_col_at(row, k < COL_COST0 ? col_names[k]
                                             : render_costs[k - COL_COST0].metric,
                          &at[k]);
}

/* store_row_text_or's, by place. */
static const char *col_text_or(int *c, const store_row *row, int k,
                               const char *if_none) {
  const store_value *v = col(c, row, k);
  return v->type == STORE_TEXT && *v->s ? v->s : if_none;
}

typedef struct report {
  pod_buf *out;
  const char *unit, *metric;
  int have;
  int64_t batch, seq;
  int batch_null, seq_null;
  uint64_t split;   /* render_text_hash of the whole split name */
  unsigned costs;   /* primary board: bit i set when render_costs[i] has a value */
  int cols[N_COLS];   /* where its columns were in the last row */
} report;

static int report_row(const store_row *row, void *ud) {
  report *r = ud;
  const store_value *b = col(r->cols, row, COL_BATCH),
                    *q = col(r->cols, row, COL_SEQ);
  int bn = b->type == STORE_NULL, qn = q->type == STORE_NULL;
  const char *split = col_text_or(r->cols, row, COL_SPLIT, "");
  if (!r->have || bn != r->batch_null || qn != r->seq_null ||
      b->i != r->batch || q->i != r->seq || render_text_hash(split) != r->split) {
    r->have = 1;
    r->batch = b->i; r->seq = q->i;
    r->batch_null = bn; r->seq_null = qn;
    r->split = render_text_hash(split);
    pod_buf_adds(r->out, "\n## ");
    if (bn && qn) pod_buf_adds(r->out, "All runs");
    if (!bn) pod_buf_printf(r->out, "Batch size %lld", (long long)b->i);
    if (!qn) pod_buf_printf(r->out, "%sequence length %lld",
                            bn ? "S" : ", s", (long long)q->i);
    if (*split) {
      pod_buf_adds(r->out, ", ");
      render_md_cell(r->out, split);
    }
    pod_buf_adds(r->out, "\n\n");
    pod_buf_adds(r->out, "| Rank | Model | Variant | Role | ");
    render_md_cell(r->out, r->metric);
    pod_buf_adds(r->out, " | n | Run |");
    for (int i = 0; i < RENDER_N_COSTS; i++)
      if (r->costs >> i & 1) {
        pod_buf_addc(r->out, ' ');
        render_md_cell(r->out, render_costs[i].metric);
        pod_buf_adds(r->out, " |");
      }
    pod_buf_adds(r->out, "\n|---:|---|---|---|---:|---:|---:|");
    for (int i = 0; i < RENDER_N_COSTS; i++)
      if (r->costs >> i & 1) pod_buf_adds(r->out, "---:|");
    pod_buf_addc(r->out, '\n');
  }
  pod_buf_adds(r->out, "| ");
  pod_buf_addi(r->out, (long long)col(r->cols, row, COL_RANK)->i);
  pod_buf_adds(r->out, " | ");
  render_md_cell(r->out, col_text_or(r->cols, row, COL_MODEL, ""));
  pod_buf_adds(r->out, " | ");
  render_md_cell(r->out, col_text_or(r->cols, row, COL_VARIANT, "-"));
  pod_buf_adds(r->out, " | ");
  render_md_cell(r->out, col_text_or(r->cols, row, COL_ROLE, "-"));
  pod_buf_adds(r->out, " | ");
  pod_fmt_plain(r->out, col(r->cols, row, COL_VALUE)->d, r->unit);
  pod_buf_adds(r->out, " | ");
  pod_buf_addi(r->out, (long long)col(r->cols, row, COL_N)->i);
  pod_buf_adds(r->out, " | ");
  pod_buf_addi(r->out, (long long)col(r->cols, row, COL_RUN)->i);
  pod_buf_adds(r->out, " |");
  for (int i = 0; i < RENDER_N_COSTS; i++) {
    const store_value *v;
    if (!(r->costs >> i & 1)) continue;   /* not looked up: most boards */
    v = col(r->cols, row, COL_COST0 + i);
    pod_buf_addc(r->out, ' ');
    if (v->type != STORE_NULL) pod_fmt_plain(r->out, v->d, render_costs[i].unit);
    pod_buf_adds(r->out, " |");
  }
  pod_buf_addc(r->out, '\n');
  return 0;
}

/* Which cost columns of a primary ranking have a value in any row (into
** the report's costs). */
static int note_costs(const store_row *row, void *ud) {
  report *r = ud;
  for (int i = 0; i < RENDER_N_COSTS; i++)
    if (col(r->cols, row, COL_COST0 + i)->type != STORE_NULL)
      r->costs |= 1u << i;
  return 0;
}

typedef struct find_board {
  const char *name;
  pod_buf names;     /* the known names, for the error */
  char *scope, *metric, *unit;   /* whole: a cut scope finds no rows */
  int64_t metric_id;
  int direction, found;
} find_board;

static int match_board(const store_row *row, void *ud) {
  find_board *f = ud;
  pod_buf name = POD_BUF_INIT;
  render_board_name(&name, store_row_text_or(row, "scope", ""), store_row_text_or(row, "metric", ""));
  if (!strcmp(name.data, f->name)) {
    f->found = 1;
    free(f->scope);
    free(f->metric);
    free(f->unit);
    f->scope = pod_xstrdup(store_row_text_or(row, "scope", ""));
    f->metric = pod_xstrdup(store_row_text_or(row, "metric", ""));
    f->unit = pod_xstrdup(store_row_text_or(row, "unit", ""));
    f->metric_id = store_row_col(row, "metric_id")->i;
    f->direction = (int)store_row_col(row, "direction")->i;
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
  const char *scope = store_row_text_or(board, "scope", "");
  memset(r, 0, sizeof *r);
  r->out = out;
  r->unit = store_row_text_or(board, "unit", "");
  r->metric = store_row_text_or(board, "metric", "");
  pod_buf_adds(out, "# ");
  render_md_cell(out, r->metric);
  pod_buf_adds(out, ": ");
  render_md_cell(out, *scope ? scope : "all runs");
  pod_buf_printf(out, "\n\n%s is better. Runs are ranked per batch size and "
                 "sequence length; ties share a rank; a value is the mean of "
                 "the run's n measurements at that point. Generated by "
                 "podium from its registry.\n",
                 store_row_col(board, "direction")->i > 0 ? "Higher" : "Lower");
}

/* The primary board's note, once its cost columns are known (the ranked
** metric itself is not one of them). */
static void report_primary_note(report *r, const char *scope) {
  for (int i = 0; i < RENDER_N_COSTS; i++)
    if (!strcmp(render_costs[i].metric, r->metric)) r->costs &= ~(1u << i);
  pod_buf_adds(r->out, "\nThe primary ranking of ");
  render_md_cell(r->out, *scope ? scope : "all runs");
  pod_buf_adds(r->out, r->costs ? ": each run's time, memory, energy and "
               "emissions stand beside it where the run has them (at the "
               "same point, else its total).\n" : ".\n");
}

/* The report of one leaderboard, given as a row of store_each_leaderboard;
** primary: its entry when it is its scope's primary board, else NULL. */
static int report_board(store_db *db, const store_row *board,
                        const render_primary *primary, pod_buf *out,
                        char err[POD_ERRLEN]) {
  report r;
  const char *scope = store_row_text_or(board, "scope", "");
  int64_t id = store_row_col(board, "metric_id")->i;
  int rc;
  report_head(board, &r, out);
  if (primary) {   /* the note needs the columns: a first walk finds them */
    if ((rc = store_each_primary_entry(db, scope, id, note_costs, &r,
                                       err)))
      return rc;
    report_primary_note(&r, scope);
    return store_each_primary_entry(db, scope, id, report_row, &r, err);
  }
  return store_each_leaderboard_entry(db, scope, id, report_row, &r, err);
}

/* Remembers the board called f->name (its fields copied) and every name. */
static int find_named(const store_row *row, void *ud) {
  find_board *f = ud;
  match_board(row, ud);
  (void)f;
  return 0;
}

int render_report(store_db *db, const pod_project *project,
                  const char *name, pod_buf *out, char err[POD_ERRLEN]) {
  find_board f;
  render_primary *prim = NULL;
  size_t n_prim = 0;
  int rc;
  memset(&f, 0, sizeof f);
  f.name = name;
  if ((rc = render_each_board(db, project, find_named, &f, err))) goto done;
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
    if ((rc = render_primary_list(db, project, &prim, &n_prim, err))) goto done;
    rc = report_board(db, &board, render_primary_of(prim, n_prim, f.scope,
                                                    f.metric_id), out, err);
  }
done:
  render_primary_free(prim, n_prim);
  pod_buf_free(&f.names);
  free(f.scope);
  free(f.metric);
  free(f.unit);
  return rc;
}

/* ---- downloads ------------------------------------------------------- */

typedef struct table_out {
  pod_buf csv;
  pod_buf json;   /* a JSON array of objects, written as rows come */
  int header_done;
  long rows;
  /* set: the files go out in parts of about render_download_part bytes
  ** as rows come (a 100,000-run registry's measurements are hundreds of
  ** MB) */
  render_out *out;
  const char *name;
  int flushed;    /* a first part is out */
  int rc;         /* a failed part stops the walk; its message: */
  char err[POD_ERRLEN];
} table_out;

#define TABLE_OUT_INIT {POD_BUF_INIT, POD_BUF_INIT, 0, 0, NULL, NULL, 0, 0, ""}
/* 256 KB: each part's block goes to the writer's queue as it is (no
** copy); 1 MB parts held ~2 MB of buffers and ~2 MB queued at the
** peak of a 10,000-run render */
size_t render_download_part = 256u << 10;

void render_part_room(pod_buf *b) {
  /* past 16 KB only: a part of a few rows (the changed runs between
  ** ranges copied from the live file) stays small, as it is queued whole */
  if (b->cap < render_download_part && b->len >= (16u << 10))
    pod_buf_reserve(b, render_download_part + (4u << 10) - b->len);
}

/* What t holds as the next part of data/<name>.csv and .json. */
static int table_flush(table_out *t, int last) {
  char rel[600];
  int rc;
  snprintf(rel, sizeof rel, "data/%s.csv", t->name);
  rc = render_out_part_take(t->out, rel, &t->csv, !t->flushed, last, t->err);
  snprintf(rel, sizeof rel, "data/%s.json", t->name);
  if (!rc)
    rc = render_out_part_take(t->out, rel, &t->json, !t->flushed, last,
                              t->err);
  t->flushed = 1;
  pod_buf_clear(&t->csv);
  pod_buf_clear(&t->json);
  return rc;
}

/* A JSON string as cJSON prints one (the downloads were made with
** cJSON_PrintUnformatted before; the bytes stay the same). */
static void json_string(pod_buf *out, const char *s) {
  pod_buf_addc(out, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    const unsigned char *q = p;   /* a run that needs no escape at once */
    while (*q >= 32 && *q != '"' && *q != '\\') q++;
    if (q > p) {
      pod_buf_add(out, p, (size_t)(q - p));
      if (!*(p = q)) break;
    }
    switch (*p) {
    case '"': pod_buf_adds(out, "\\\""); break;
    case '\\': pod_buf_adds(out, "\\\\"); break;
    case '\b': pod_buf_adds(out, "\\b"); break;
    case '\f': pod_buf_adds(out, "\\f"); break;
    case '\n': pod_buf_adds(out, "\\n"); break;
    case '\r': pod_buf_adds(out, "\\r"); break;
    case '\t': pod_buf_adds(out, "\\t"); break;
    default:
      if (*p < 32) pod_buf_printf(out, "\\u%04x", *p);
      else pod_buf_addc(out, (char)*p);
    }
  }
  pod_buf_addc(out, '"');
}

/* A number: whole numbers that fit an int as such (as cJSON printed
** them), else the shortest form that reads back as the same double
** (pod_num_format; cJSON's 15 digits lost the last bits, issue 14). */
static void json_number(pod_buf *out, double d) {
  char num[32];
  int as_int = d >= (double)INT_MAX ? INT_MAX
               : d <= (double)INT_MIN ? INT_MIN : (int)d;
  if (isnan(d) || isinf(d)) {
    pod_buf_adds(out, "null");
    return;
  }
  if (d == (double)as_int) {
    pod_buf_addi(out, as_int);
    return;
  }
  pod_buf_adds(out, pod_num_format(d, num));
}

void render_csv_header(const store_row *row, pod_buf *csv) {
  for (int i = 0; i < row->n; i++) {
    if (i) pod_buf_addc(csv, ',');
    render_csv_cell(csv, row->names[i]);
  }
  pod_buf_adds(csv, "\r\n");
}

void render_csv_json_row(const store_row *row, pod_buf *csv, pod_buf *json) {
  char num[32];
  pod_buf_addc(json, '{');
  for (int i = 0; i < row->n; i++) {
    const store_value *v = &row->v[i];
    if (i) {
      pod_buf_addc(csv, ',');
      pod_buf_addc(json, ',');
    }
    json_string(json, row->names[i]);
    pod_buf_addc(json, ':');
    switch (v->type) {
    case STORE_INT:
      pod_buf_addi(csv, (long long)v->i);
      json_number(json, (double)v->i);
      break;
    case STORE_REAL:
      pod_buf_adds(csv, pod_num_g(v->d, 17, num));
      json_number(json, v->d);
      break;
    case STORE_TEXT:
      render_csv_cell(csv, v->s);
      json_string(json, v->s);
      break;
    default:
      pod_buf_adds(json, "null");
    }
  }
  pod_buf_addc(json, '}');
  pod_buf_adds(csv, "\r\n");
}

static int table_row(const store_row *row, void *ud) {
  table_out *t = ud;
  if (t->out) {
    render_part_room(&t->csv);
    render_part_room(&t->json);
  }
  if (!t->header_done) {
    render_csv_header(row, &t->csv);
    t->header_done = 1;
  }
  pod_buf_addc(&t->json, t->rows++ ? ',' : '[');
  render_csv_json_row(row, &t->csv, &t->json);
  if (t->out && (t->csv.len > render_download_part ||
                 t->json.len > render_download_part) &&
      (t->rc = table_flush(t, 0)))
    return 1;   /* stop the walk: t->err says why */
  return 0;
}

static void table_free(table_out *t) {
  pod_buf_free(&t->csv);
  pod_buf_free(&t->json);
}

/* Writes data/<name>.csv and .json from one walk. */
static int write_table(render_out *o, const char *name, table_out *t,
                       char err[POD_ERRLEN]) {
  char rel[600];
  int rc;
  pod_buf_adds(&t->json, t->rows ? "]" : "[]");
  if (t->flushed) {   /* the last part */
    rc = table_flush(t, 1);
    if (rc) snprintf(err, POD_ERRLEN, "%s", t->err);
    table_free(t);
    return rc;
  }
  snprintf(rel, sizeof rel, "data/%s.csv", name);
  rc = render_out_write(o, rel, pod_buf_str(&t->csv), t->csv.len, err);
  snprintf(rel, sizeof rel, "data/%s.json", name);
  if (!rc) rc = render_out_write(o, rel, t->json.data, t->json.len, err);
  table_free(t);
  return rc;
}

typedef struct board_files {
  store_db *db;
  render_board_rows **boards;   /* kept rows (render_board_rows_get) */
  board_keep *keep;
  int worker;                   /* render_board_rows_get's */
  render_out *out;
  render_primary *prim;
  size_t n_prim;
  char err[POD_ERRLEN];
} board_files;

/* One walk of a board's entries feeds its CSV, JSON and report, each
** going out in parts as it grows (a board of 30,000 runs held ~30 MB of
** them whole, and as much again queued for the writer: issue 17). */
typedef struct board_sinks {
  table_out t;
  report r;
  const char *md_rel;   /* reports/<board>.md */
  int md_flushed;       /* a first part of it is out */
} board_sinks;

static int board_row(const store_row *row, void *ud) {
  board_sinks *k = ud;
  if (table_row(row, &k->t)) return 1;   /* k->t.err says why */
  render_part_room(k->r.out);
  report_row(row, &k->r);
  if (k->r.out->len > render_download_part) {
    if ((k->t.rc = render_out_part_take(k->t.out, k->md_rel, k->r.out,
                                        !k->md_flushed, 0, k->t.err)))
      return 1;
    k->md_flushed = 1;
  }
  return 0;
}

/* A board's CSV, JSON and report as the live site has them; POD_EINTERNAL
** when one is not there (then they are written). */
static int reuse_board_files(board_files *b, const char *name) {
  static const char *const kinds[] = {"data/leaderboards/%s.csv",
                                      "data/leaderboards/%s.json",
                                      "reports/%s.md"};
  char rel[3][700];
  int rc = POD_OK;
  for (int i = 0; i < 3; i++) {
    snprintf(rel[i], sizeof rel[i], kinds[i], name);
    if (!render_out_live(b->out, rel[i])) return POD_EINTERNAL;
  }
  for (int i = 0; i < 3 && rc == POD_OK; i++)
    rc = render_out_reuse(b->out, rel[i], b->err);
  return rc;
}

static int board_downloads(const store_row *row, void *ud) {
  board_files *b = ud;
  board_sinks k = {TABLE_OUT_INIT, {0}, NULL, 0};
  pod_buf name = POD_BUF_INIT, md = POD_BUF_INIT, rel = POD_BUF_INIT,
          md_rel = POD_BUF_INIT;
  const char *scope = store_row_text_or(row, "scope", "");
  int64_t id = store_row_col(row, "metric_id")->i;
  const render_primary *primary = render_primary_of(b->prim, b->n_prim,
                                                    scope, id);
  const store_rows *rows = NULL;   /* walked twice on a primary board */
  int rc, live = 0;
  render_board_name(&name, scope, store_row_text_or(row, "metric", ""));
  rc = render_board_rows_get(b->boards, b->keep, b->worker, b->db, b->prim,
                             b->n_prim, scope, id, &rows, &live, b->err);
  if (rc) {
    pod_buf_free(&name);
    return rc;
  }
  /* the rows the live site's files were made of: those files (unless one
  ** is not there, POD_EINTERNAL: then they are written) */
  if (live && (rc = reuse_board_files(b, name.data)) != POD_EINTERNAL) {
    pod_buf_free(&name);
    return rc;
  }
  rc = POD_OK;
  report_head(row, &k.r, &md);
  if (rc == POD_OK && primary) {
    store_rows_each(rows, note_costs, &k.r);
    report_primary_note(&k.r, scope);
  }
  pod_buf_printf(&rel, "leaderboards/%s", name.data);
  pod_buf_printf(&md_rel, "reports/%s.md", name.data);
  k.t.out = b->out;
  k.t.name = rel.data;
  k.md_rel = md_rel.data;
  if (rc == POD_OK && store_rows_each(rows, board_row, &k)) {
    rc = k.t.rc ? k.t.rc : POD_EINTERNAL;
    snprintf(b->err, POD_ERRLEN, "%s", k.t.err);
  }
  if (!rc) rc = write_table(b->out, rel.data, &k.t, b->err);
  else table_free(&k.t);
  if (!rc)
    rc = render_out_part(b->out, md_rel.data, pod_buf_str(&md), md.len,
                         !k.md_flushed, 1, b->err);
  pod_buf_free(&name);
  pod_buf_free(&md);
  pod_buf_free(&rel);
  pod_buf_free(&md_rel);
  return rc;
}

int render_download_tables(store_db *db, render_out *out,
                           const render_incr *incr, char err[POD_ERRLEN]) {
  table_out runs = TABLE_OUT_INIT;
  int rc;
  runs.out = out;
  runs.name = "runs";
  rc = store_each_run(db, table_row, &runs, err);
  if (!rc && runs.rc) snprintf(err, POD_ERRLEN, "%s", runs.err);
  if (!rc && !(rc = runs.rc)) rc = write_table(out, "runs", &runs, err);
  else table_free(&runs);
  return rc ? rc : render_measurements_download(db, out, incr, err);
}

int render_board_downloads(store_db *db, const pod_project *project,
                           render_board_rows **boards, board_keep *keep,
                           int worker, render_out *out,
                           char err[POD_ERRLEN]) {
  board_files b;
  int rc;
  b.db = db;
  b.boards = boards;
  b.keep = keep;
  b.worker = worker;
  b.out = out;
  b.err[0] = '\0';
  if ((rc = render_primary_list(db, project, &b.prim, &b.n_prim, err)))
    return rc;
  rc = render_each_board(db, project, board_downloads, &b, err);
  if (rc && b.err[0]) snprintf(err, POD_ERRLEN, "%s", b.err);
  render_primary_free(b.prim, b.n_prim);
  return rc;
}

/* board.files: the board's downloads and report, from the site's root,
** as this file writes them: {csv, json, md}. */
void render_push_board_files(lua_State *L, const char *scope,
                             const char *metric) {
  static const char *const kinds[][2] = {{"csv", "data/leaderboards/%s.csv"},
                                         {"json", "data/leaderboards/%s.json"},
                                         {"md", "reports/%s.md"}};
  pod_buf name = POD_BUF_INIT, path = POD_BUF_INIT;
  render_board_name(&name, scope, metric);
  lua_createtable(L, 0, 3);
  for (int k = 0; k < 3; k++) {
    pod_buf_clear(&path);
    pod_buf_printf(&path, kinds[k][1], name.data);
    lua_pushstring(L, path.data);
    lua_setfield(L, -2, kinds[k][0]);
  }
  lua_setfield(L, -2, "files");
  pod_buf_free(&name);
  pod_buf_free(&path);
}
