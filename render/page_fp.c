/*
** render/page_fp.c -- fingerprints of the pages an incremental render
** may take from the live site (incr.c) beside run pages: model pages
** and leaderboard pages. A fingerprint is a SHA-256 of everything the
** page's data is made of, in the order the page builder reads it
** (study_pages.c page_model, pages.c page_board): change what a page
** shows and this file must hash it too, or the incremental render
** keeps a stale page (tests/t_incremental.c compares with full renders).
** Owns: nothing past a call.
*/
#include "render/site_int.h"
#include "core/sha256.h"

#include <stdio.h>
#include <string.h>

static void fp_str(pod_sha256 *h, const char *s) {
  pod_sha256_update(h, s ? s : "", s ? strlen(s) + 1 : 0);
  pod_sha256_update(h, s ? "s" : "n", 1);
}

static void fp_num(pod_sha256 *h, double v) {
  pod_sha256_update(h, &v, sizeof v);
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
  fp_str(&h, "model page 1");
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
    fp_num(&h, t->rank_col);
    for (int c = 0; c < ANALYSIS_N_COLS; c++) {
      const analysis_column *col = &t->col[c];
      fp_str(&h, col->metric);
      fp_str(&h, col->unit);
      fp_str(&h, col->split);
      fp_num(&h, (double)col->batch);
      fp_num(&h, (double)col->seq);
    }
    fp_num(&h, row != NULL);
    if (!row) continue;
    fp_str(&h, row->unit->model);
    fp_str(&h, row->unit->variant);
    fp_num(&h, row->unit->role);
    fp_str(&h, row->baseline ? row->baseline->model : NULL);
    for (int c = 0; c < ANALYSIS_N_COLS; c++) {
      const analysis_cell *e = &row->cell[c];
      double v[] = {e->n, e->mean, e->sd, e->lo, e->hi, (double)e->run_id,
                    e->dataset_free, e->at_epoch, e->of_epochs, e->change,
                    e->change_lo, e->change_hi, e->change_pp};
      pod_sha256_update(&h, v, sizeof v);
    }
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

/* A board page's fingerprint (incr.c): its listing row, whether it is a
** primary board, and every ranked row (a page shows its part of them,
** the pager their count, the cost columns those any row has). */
void site_board_fp(site *s, const store_row *row, const store_rows *rows,
                   char fp[RENDER_FP_LEN + 1]) {
  pod_sha256 h;
  char hex[65];
  const char *scope = store_row_text(row, "scope");
  const render_primary *p = render_primary_of(
      s->prim, s->n_prim, scope ? scope : "", store_row_int(row, "metric_id", 0));
  pod_sha256_init(&h);
  pod_sha256_update(&h, "board page 1", 13);
  render_state_hash_row(row, &h);
  pod_sha256_update(&h, p ? "p" : "-", 1);
  if (p) pod_sha256_update(&h, p->metric, strlen(p->metric) + 1);
  store_rows_each(rows, render_state_hash_row, &h);
  pod_sha256_hex(&h, hex);
  memcpy(fp, hex, RENDER_FP_LEN);
  fp[RENDER_FP_LEN] = '\0';
}
