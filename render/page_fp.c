/*
** render/page_fp.c -- fingerprints of the pages an incremental render
** may take from the live site (incr.c) beside run pages: model pages,
** and pages of long lists (leaderboards, the run list, environments'
** runs, study tables, the model list), each page of a list on its own. A fingerprint is a SHA-256 of everything the
** page's data is made of, in the order the page builder reads it
** (study_pages.c page_model, pages.c page_board): change what a page
** shows and this file must hash it too, or the incremental render
** keeps a stale page (tests/t_incremental.c compares with full renders).
** Owns: nothing past a call.
*/
#include "render/site_int.h"
#include "core/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fp_str(pod_sha256 *h, const char *s) {
  pod_sha256_update(h, s ? s : "", s ? strlen(s) + 1 : 0);
  pod_sha256_update(h, s ? "s" : "n", 1);
}

static void fp_num(pod_sha256 *h, double v) {
  pod_sha256_update(h, &v, sizeof v);
}

/* A study table's row: what push_row_of (study_pages.c) shows of it, the
** cells of t's columns (site_study_cols_fp says which), a cell with no
** runs by its count alone (push_cell). */
void site_study_row_fp(pod_sha256 *h, const analysis_table *t,
                       const analysis_table_row *row) {
  fp_str(h, row->unit->model);
  fp_str(h, row->unit->variant);
  fp_num(h, row->unit->role);
  fp_str(h, row->baseline ? row->baseline->model : NULL);
  for (int c = 0; c < ANALYSIS_N_COLS; c++) {
    const analysis_cell *e = row->cell[c];
    double v[] = {e->n, e->mean, e->sd, e->lo, e->hi, (double)e->run_id,
                  e->dataset_free, e->at_epoch, e->of_epochs, e->change,
                  e->change_lo, e->change_hi, e->change_pp};
    if (!t->col[c].metric) continue;
    pod_sha256_update(h, v, e->n ? sizeof v : sizeof v[0]);
  }
}

/* A study table's columns (push_columns). */
void site_study_cols_fp(pod_sha256 *h, const analysis_table *t) {
  fp_num(h, t->rank_col);
  for (int c = 0; c < ANALYSIS_N_COLS; c++) {
    const analysis_column *col = &t->col[c];
    fp_str(h, col->metric);
    fp_str(h, col->unit);
    fp_str(h, col->split);
    fp_num(h, (double)col->batch);
    fp_num(h, (double)col->seq);
  }
}

void site_study_row_keys(const analysis_table *t, size_t from, size_t to,
                         char (*keys)[SITE_ROW_KEY_LEN + 1]) {
  pod_sha256 cols;
  pod_sha256_init(&cols);
  fp_str(&cols, "study row 1");
  site_study_cols_fp(&cols, t);
  for (size_t r = from; r < to; r++) {
    pod_sha256 h = cols;   /* the columns' part, hashed once */
    site_study_row_fp(&h, t, &t->rows[r]);
    site_list_fp_end(&h, keys[r - from]);
  }
}

void site_board_row_key(const store_row *row, int rank_col, const char *unit,
                        unsigned costs, char key[SITE_ROW_KEY_LEN + 1]) {
  store_value v[64];
  store_row r = {row->n, row->names, v};
  pod_sha256 h;
  pod_sha256_init(&h);
  fp_str(&h, "board row 2");   /* the columns are the board query's */
  fp_str(&h, unit);
  fp_num(&h, (double)costs);
  if (row->n <= 64 && rank_col >= 0 && rank_col < row->n) {
    memcpy(v, row->v, (size_t)row->n * sizeof *v);
    v[rank_col].type = STORE_NULL;
    render_state_hash_row(&r, &h);
  } else {   /* never (~20 columns): the rank in the key, never reused */
    render_state_hash_row(row, &h);
  }
  site_list_fp_end(&h, key);
}

void site_fp_str(pod_sha256 *h, const char *s) { fp_str(h, s); }
void site_fp_num(pod_sha256 *h, double v) { fp_num(h, v); }

/* A page of a long list: its kind, place (page of pages: the pager) and
** then, by the caller, what the page shows (site_list_fp_end ends it). */
void site_list_fp_begin(pod_sha256 *h, const char *kind, long page,
                        long pages) {
  pod_sha256_init(h);
  fp_str(h, "list page 1");
  fp_str(h, kind);
  fp_num(h, (double)page);
  fp_num(h, (double)pages);
}

void site_list_fp_end(pod_sha256 *h, char fp[RENDER_FP_LEN + 1]) {
  char hex[65];
  pod_sha256_hex(h, hex);
  memcpy(fp, hex, RENDER_FP_LEN);
  fp[RENDER_FP_LEN] = '\0';
}

/* A model page's fingerprint: everything page_model reads, in its order:
** the label, per unit its scope, role and runs (with what their rows
** are made of: the curves), its study table's columns and its row, and
** the comparisons it takes part in. */
void site_model_fp(site *s, size_t mi, char fp[RENDER_FP_LEN + 1]) {
  size_t n_units;
  const analysis_unit *u = analysis_study_units(s->study, &n_units);
  const model_ref *mr = &s->models[mi];
  const analysis_unit *m = &u[mr->units[0]];
  pod_buf label = POD_BUF_INIT;
  pod_sha256 h;
  char hex[65];
  pod_sha256_init(&h);
  fp_str(&h, "model page 2");
  render_model_label(&label, m->model, m->variant);
  fp_str(&h, label.data);
  fp_str(&h, m->model);
  fp_str(&h, m->variant);
  for (size_t j = 0; j < mr->n; j++) {
    const analysis_unit *x = &u[mr->units[j]];
    const analysis_table *t = study_table_of(s, x->scope);
    const analysis_table_row *row = s->unit_row[mr->units[j]];
    fp_str(&h, x->scope);
    fp_num(&h, t ? x->role : -2);
    if (!t) continue;
    fp_num(&h, (double)x->n_runs);
    fp_num(&h, (double)x->n_free);
    for (size_t r = 0; r < x->n_runs; r++) {
      fp_num(&h, (double)x->runs[r]);
      render_incr_feed(s->incr, x->runs[r], &h);
    }
    if (s->cols_of != t) {   /* models come by table: hashed once a table */
      pod_sha256 c;
      pod_sha256_init(&c);
      site_study_cols_fp(&c, t);
      pod_sha256_digest(&c, s->cols_md);
      s->cols_of = t;
    }
    pod_sha256_update(&h, s->cols_md, sizeof s->cols_md);
    fp_num(&h, row != NULL);
    if (row) site_study_row_fp(&h, t, row);
  }
  for (size_t i = 0; i < s->n_cmp_pages; i++) {
    const cmp_page *p = &s->cmp_pages[i];
    if (strcmp(p->base_label, label.data) && strcmp(p->opt_label, label.data))
      continue;
    fp_str(&h, p->base_label);
    fp_str(&h, p->opt_label);
    fp_str(&h, p->name);
  }
  pod_buf_free(&label);
  pod_sha256_hex(&h, hex);
  memcpy(fp, hex, RENDER_FP_LEN);
  fp[RENDER_FP_LEN] = '\0';
}

/* Each page's fingerprint of a leaderboard of pages pages (LIST_ROWS
** entries a page): its listing row, whether it is a primary board, the
** cost columns any of its rows has (every page shows them), the page's
** place and its ranked rows (their rank included: an entry ranked before
** a page's rows changes only the pages from its own on). */
typedef struct board_fp {
  pod_sha256 *h;     /* a context per page */
  long pages, at;
  unsigned costs;
  int cost_col[RENDER_N_COSTS], cols_known;
} board_fp;

static int board_fp_row(const store_row *row, void *ud) {
  board_fp *b = ud;
  long k = b->at++ / LIST_ROWS;
  if (!b->cols_known) {
    for (int i = 0; i < RENDER_N_COSTS; i++) {
      b->cost_col[i] = -1;
      for (int c = 0; c < row->n; c++)
        if (!strcmp(row->names[c], render_costs[i].metric)) b->cost_col[i] = c;
    }
    b->cols_known = 1;
  }
  for (int i = 0; i < RENDER_N_COSTS; i++)
    if (b->cost_col[i] >= 0 && row->v[b->cost_col[i]].type != STORE_NULL)
      b->costs |= 1u << i;
  if (k < b->pages) render_state_hash_row(row, &b->h[k]);
  return 0;
}

unsigned site_board_fps(site *s, const store_row *row, const store_rows *rows,
                        long pages, char (*fp)[RENDER_FP_LEN + 1]) {
  const char *scope = store_row_text(row, "scope");
  const render_primary *p = render_primary_of(
      s->prim, s->n_prim, scope ? scope : "", store_row_int(row, "metric_id", 0));
  board_fp b;
  memset(&b, 0, sizeof b);
  b.pages = pages;
  b.h = pod_xmalloc((size_t)pages * sizeof *b.h);
  for (long k = 0; k < pages; k++) {
    site_list_fp_begin(&b.h[k], "board page 2", k + 1, pages);
    render_state_hash_row(row, &b.h[k]);
    fp_str(&b.h[k], p ? p->metric : NULL);
  }
  store_rows_each(rows, board_fp_row, &b);
  for (long k = 0; k < pages; k++) {
    fp_num(&b.h[k], (double)b.costs);
    site_list_fp_end(&b.h[k], fp[k]);
  }
  free(b.h);
  return b.costs;
}
