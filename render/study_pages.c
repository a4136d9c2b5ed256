/*
** render/study_pages.c -- the pages of a study (analysis/study.c): one
** comparison page per baseline/optimized model pair with a section per
** dataset, one study table per dataset, one page per model. analysis/
** computes; this file turns its results into Lua tables and pages.
**
**   <lang>/compare/<base>--<opt>.html  compare.html (Markdown beside it:
**                                      reports/compare-<base>--<opt>.md)
**   <lang>/study/<dataset>.html        study.html
**   <lang>/models/<model>.html         model.html
*/
#include "render/site_int.h"
#include "render/row_keep.h"
#include "render/run_keep.h"
#include "render/i18n.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void render_model_label(pod_buf *out, const char *model, const char *variant) {
  pod_buf_adds(out, model);
  if (variant) pod_buf_printf(out, " (%s)", variant);
}

static void unit_slug(pod_buf *out, const char *model, const char *variant) {
  pod_buf l = POD_BUF_INIT;
  render_model_label(&l, model, variant);
  render_slug(out, l.data);
  pod_buf_free(&l);
}

void render_model_href(pod_buf *out, const char *lang, const char *model,
                       const char *variant) {
  pod_buf_printf(out, "%s/models/", lang);
  unit_slug(out, model, variant);
  pod_buf_adds(out, ".html");
}

/* ---- comparison pages ------------------------------------------------- */

/* A unique page name: name, else name~2, name~3... */
static void unique_name(site *s, pod_buf *name) {
  size_t base = name->len;
  for (int k = 2;; k++) {
    int clash = 0;
    for (size_t i = 0; i < s->n_cmp_pages && !clash; i++)
      clash = !strcmp(s->cmp_pages[i].name, pod_buf_str(name));
    if (!clash) return;
    name->len = base;
    name->data[base] = '\0';
    pod_buf_printf(name, "~%d", k);
  }
}

/* The page of (base, opt), else a new one named name (made unique: two
** variants of one model get name and name~2). */
static cmp_page *page_for(site *s, pod_buf *name, const char *base,
                          const char *opt) {
  cmp_page *p;
  for (size_t i = 0; i < s->n_cmp_pages; i++)
    if (!strcmp(s->cmp_pages[i].base_label, base) &&
        !strcmp(s->cmp_pages[i].opt_label, opt) && !s->cmp_pages[i].listed)
      return &s->cmp_pages[i];
  unique_name(s, name);
  s->cmp_pages = pod_xrealloc(s->cmp_pages,
                              (s->n_cmp_pages + 1) * sizeof *s->cmp_pages);
  p = &s->cmp_pages[s->n_cmp_pages++];
  memset(p, 0, sizeof *p);
  p->name = pod_xstrdup(name->data);
  p->base_label = pod_xstrdup(base);
  p->opt_label = pod_xstrdup(opt);
  return p;
}

static void page_add(cmp_page *p, analysis_cmp *c) {
  p->cmps = pod_xrealloc(p->cmps, (p->n + 1) * sizeof *p->cmps);
  p->cmps[p->n++] = c;
}

/* The pairs the project file lists ("pairs": core/project.h), each with
** its own page. A pair that names no run, or whose runs have nothing in
** common, is an error naming the project file: the user asked for it. */
static int project_pairs(site *s, char err[POD_ERRLEN]) {
  const pod_project *pr = s->project;
  for (size_t i = 0; pr && i < pr->n_pairs; i++) {
    const pod_project_pair *pp = &pr->pairs[i];
    int64_t *ids[2] = {NULL, NULL};
    size_t n_ids[2] = {0, 0};
    analysis_cmp *c = NULL;
    pod_buf name = POD_BUF_INIT;
    char e[POD_ERRLEN];
    int rc = POD_OK;
    for (int k = 0; k < 2 && !rc; k++) {
      const char *spec = k ? pp->optimized : pp->baseline;
      if ((rc = store_run_ids(s->db, spec, &ids[k], &n_ids[k], e)))
        pod_err(err, rc, "%s: pairs[%zu]: %s \"%s\" names no run (a run "
                "id, run name or model in the registry): %s",
                pr->path ? pr->path : POD_PROJECT_FILE, i,
                k ? "optimized" : "baseline", spec, e);
    }
    if (!rc && (rc = analysis_compare_new(s->db, (const int64_t *const *)ids,
                                          n_ids, pp->dataset, &c, e)))
      pod_err(err, rc, "%s: pairs[%zu] (%s vs %s): %s",
              pr->path ? pr->path : POD_PROJECT_FILE, i, pp->baseline,
              pp->optimized, e);
    free(ids[0]);
    free(ids[1]);
    if (rc) return rc;
    render_slug(&name, pp->baseline);
    pod_buf_adds(&name, "--");
    render_slug(&name, pp->optimized);
    if (pp->dataset) {
      pod_buf_adds(&name, "--");
      render_slug(&name, pp->dataset);
    }
    {
      cmp_page *p = page_for(s, &name, "", "");
      free(p->base_label);
      free(p->opt_label);
      p->base_label = pod_xstrdup(analysis_compare_label(c, 0));
      p->opt_label = pod_xstrdup(analysis_compare_label(c, 1));
      p->listed = 1;   /* the project file's own page */
      page_add(p, c);
    }
    pod_buf_free(&name);
  }
  return POD_OK;
}

static int same_model(const analysis_unit *a, const analysis_unit *b) {
  return !strcmp(a->model, b->model) &&
         ((!a->variant && !b->variant) ||
          (a->variant && b->variant && !strcmp(a->variant, b->variant)));
}

/* Units sorted by model, then variant (none first), then place. */
static int by_model(const void *a, const void *b) {
  const analysis_unit *x = *(const analysis_unit *const *)a;
  const analysis_unit *y = *(const analysis_unit *const *)b;
  int c = strcmp(x->model, y->model);
  if (!c) c = (x->variant != NULL) - (y->variant != NULL);
  if (!c && x->variant) c = strcmp(x->variant, y->variant);
  return c ? c : (x > y) - (x < y);
}

static int by_first_unit(const void *a, const void *b) {
  size_t i = ((const model_ref *)a)->units[0];
  size_t j = ((const model_ref *)b)->units[0];
  return (i > j) - (i < j);
}

/* s->models (each model once, in the order of its first unit) and
** s->unit_row: sorting once instead of comparing every unit with every
** other per page (quadratic: 10,000 models took seconds per language). */
static void find_models(site *s) {
  size_t n;
  const analysis_unit *u = analysis_study_units(s->study, &n), **by;
  s->unit_row = pod_xmalloc((n ? n : 1) * sizeof *s->unit_row);
  for (size_t i = 0; i < n; i++) s->unit_row[i] = NULL;
  for (size_t t = 0; t < s->n_tables; t++)
    for (size_t r = 0; r < s->tables[t]->n_rows; r++)
      s->unit_row[s->tables[t]->rows[r].unit - u] = &s->tables[t]->rows[r];
  if (!n) return;
  by = pod_xmalloc(n * sizeof *by);
  for (size_t i = 0; i < n; i++) by[i] = &u[i];
  qsort(by, n, sizeof *by, by_model);
  s->models = pod_xmalloc(n * sizeof *s->models);
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    model_ref *m = &s->models[s->n_models++];
    while (j < n && same_model(by[i], by[j])) j++;
    m->n = j - i;
    m->units = pod_xmalloc(m->n * sizeof *m->units);
    for (size_t k = 0; k < m->n; k++) m->units[k] = (size_t)(by[i + k] - u);
    i = j;
  }
  qsort(s->models, s->n_models, sizeof *s->models, by_first_unit);
  free(by);
}

/* The study's pages in pieces for the threads (study_pages). */
static void find_jobs(site *s) {
  size_t k = 0;
  s->n_jobs = s->n_cmp_pages + (s->n_models + MODEL_CHUNK - 1) / MODEL_CHUNK;
  s->jobs = pod_xmalloc((s->n_jobs ? s->n_jobs : 1) * sizeof *s->jobs);
  for (size_t i = 0; i < s->n_cmp_pages; i++)
    s->jobs[k++] = (study_job){JOB_COMPARE, i, i + 1};
  for (size_t i = 0; i < s->n_models; i += MODEL_CHUNK)
    s->jobs[k++] = (study_job){JOB_MODELS, i,
                               i + MODEL_CHUNK < s->n_models ? i + MODEL_CHUNK
                                                             : s->n_models};
}

int study_find(site *s, char err[POD_ERRLEN]) {
  size_t n_units, n_pairs;
  const analysis_unit *u;
  const analysis_pair *pairs;
  int rc = analysis_study_new(s->db, s->project, &s->study, err);
  if (rc) return rc;
  {  /* each dataset's table, for its study page, model and Pareto pages */
    size_t n_scopes;
    const char *const *scopes = analysis_study_scopes(s->study, &n_scopes);
    analysis_rows_src src;
    run_keep_src(s->values, &src);
    s->tables = pod_xmalloc((n_scopes ? n_scopes : 1) * sizeof *s->tables);
    for (size_t i = 0; i < n_scopes && !rc; i++)
      if ((rc = analysis_study_table(
               s->db, s->study, scopes[i],
               render_primary_metric(s->prim, s->n_prim, scopes[i]),
               &src, &s->tables[s->n_tables], err)) == POD_OK)
        s->n_tables++;
    /* every run a table reads is read: kept for the next render */
    if (rc || (rc = run_keep_end(s->values, err))) return rc;
    s->row_keys = pod_xcalloc(s->n_tables ? s->n_tables : 1,
                              sizeof *s->row_keys);
    for (size_t i = 0; i < s->n_tables; i++)
      pthread_mutex_init(&s->row_keys[i].lock, NULL);
  }
  u = analysis_study_units(s->study, &n_units);
  pairs = analysis_study_pairs(s->study, &n_pairs);
  for (size_t i = 0; i < n_pairs; i++) {
    const analysis_unit *b = &u[pairs[i].base], *o = &u[pairs[i].opt];
    analysis_cmp *c = NULL;
    pod_buf name = POD_BUF_INIT, bl = POD_BUF_INIT, ol = POD_BUF_INIT;
    char e[POD_ERRLEN];
    rc = analysis_compare_units(s->db, b, o,
                                pod_project_target_of(s->project, b->scope),
                                &c, e);
    if (rc == POD_EINPUT) continue;   /* nothing in common: no section */
    if (rc) {
      snprintf(err, POD_ERRLEN, "%s", e);
      return rc;
    }
    render_slug(&name, b->model);
    pod_buf_adds(&name, "--");
    render_slug(&name, o->model);
    render_model_label(&bl, b->model, b->variant);
    render_model_label(&ol, o->model, o->variant);
    page_add(page_for(s, &name, bl.data, ol.data), c);
    pod_buf_free(&name);
    pod_buf_free(&bl);
    pod_buf_free(&ol);
  }
  if ((rc = project_pairs(s, err))) return rc;
  find_models(s);
  find_jobs(s);
  return POD_OK;
}

void study_free(site *s) {
  for (size_t i = 0; i < s->n_cmp_pages; i++) {
    cmp_page *p = &s->cmp_pages[i];
    for (size_t k = 0; k < p->n; k++) analysis_compare_free(p->cmps[k]);
    free(p->cmps);
    free(p->name);
    free(p->base_label);
    free(p->opt_label);
  }
  free(s->cmp_pages);
  for (size_t i = 0; i < s->n_models; i++) free(s->models[i].units);
  free(s->models);
  free(s->unit_row);
  free(s->jobs);
  s->models = NULL;
  s->unit_row = NULL;
  s->jobs = NULL;
  s->n_models = s->n_jobs = 0;
  for (size_t i = 0; s->row_keys && i < s->n_tables; i++) {
    pthread_mutex_destroy(&s->row_keys[i].lock);
    free(s->row_keys[i].keys);
    free(s->row_keys[i].made);
  }
  free(s->row_keys);
  s->row_keys = NULL;
  for (size_t i = 0; i < s->n_tables; i++) analysis_table_free(s->tables[i]);
  free(s->tables);
  s->tables = NULL;
  s->n_tables = 0;
  analysis_study_free(s->study);
  s->cmp_pages = NULL;
  s->n_cmp_pages = 0;
  s->study = NULL;
}

/* The datasets of a page, "sst2, mrpc". */
static void page_scopes(pod_buf *out, const cmp_page *p) {
  for (size_t k = 0; k < p->n; k++) {
    const char *sc = analysis_compare_scope(p->cmps[k]);
    if (k) pod_buf_adds(out, ", ");
    pod_buf_adds(out, sc ? sc : "");
  }
}

void study_push_compares(site *s) {
  lua_State *L = s->L;
  lua_createtable(L, (int)s->n_cmp_pages, 0);
  for (size_t i = 0; i < s->n_cmp_pages; i++) {
    const cmp_page *p = &s->cmp_pages[i];
    pod_buf h = POD_BUF_INIT;
    lua_createtable(L, 0, 5);
    lua_pushstring(L, p->base_label);
    lua_setfield(L, -2, "baseline");
    lua_pushstring(L, p->opt_label);
    lua_setfield(L, -2, "optimized");
    page_scopes(&h, p);
    lua_pushstring(L, h.data);
    lua_setfield(L, -2, "scope");
    pod_buf_clear(&h);
    pod_buf_printf(&h, "%s/compare/%s.html", s->lang, p->name);
    lua_pushstring(L, h.data);
    lua_setfield(L, -2, "href");
    pod_buf_clear(&h);
    pod_buf_printf(&h, "reports/compare-%s.md", p->name);
    lua_pushstring(L, h.data);
    lua_setfield(L, -2, "md_href");
    pod_buf_free(&h);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  /* the study tables and models (the first OVERVIEW_MODELS), for the
  ** overview */
  if (s->study) {
    size_t n_scopes;
    const char *const *scopes = analysis_study_scopes(s->study, &n_scopes);
    lua_createtable(L, (int)n_scopes, 0);
    for (size_t i = 0, k = 0; i < n_scopes; i++) {
      pod_buf h = POD_BUF_INIT;
      lua_createtable(L, 0, 2);
      lua_pushstring(L, scopes[i]);
      lua_setfield(L, -2, "scope");
      pod_buf_printf(&h, "%s/study/", s->lang);
      render_slug(&h, *scopes[i] ? scopes[i] : "all");
      pod_buf_adds(&h, ".html");
      lua_pushstring(L, h.data);
      lua_setfield(L, -2, "href");
      pod_buf_free(&h);
      lua_rawseti(L, -2, (lua_Integer)++k);
    }
    lua_setfield(L, -3, "studies");   /* on the overview's data */
    site_push_models(s, 0, s->n_models < OVERVIEW_MODELS ? s->n_models
                                                         : OVERVIEW_MODELS);
    lua_setfield(L, -3, "models");
    if (s->n_models > OVERVIEW_MODELS) {   /* the rest: models.html */
      lua_pushinteger(L, (lua_Integer)s->n_models);
      lua_setfield(L, -3, "models_total");
      lua_pushfstring(L, "%s/models.html", s->lang);
      lua_setfield(L, -3, "models_href");
    }
  }
}

static int page_compare(site *s, const cmp_page *p, char err[POD_ERRLEN]) {
  pod_buf rel = POD_BUF_INIT, title = POD_BUF_INIT, md = POD_BUF_INIT;
  int rc = POD_OK;
  lua_newtable(s->L);
  pod_buf_printf(&title, "%s vs %s", p->base_label, p->opt_label);
  site_set_title(s->L, title.data);
  lua_pushstring(s->L, p->base_label);
  lua_setfield(s->L, -2, "baseline");
  lua_pushstring(s->L, p->opt_label);
  lua_setfield(s->L, -2, "optimized");
  lua_createtable(s->L, (int)p->n, 0);
  for (size_t k = 0; k < p->n; k++) {
    render_compare_push(s->L, p->cmps[k], s->lang);
    lua_rawseti(s->L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(s->L, -2, "sections");
  pod_buf_printf(&rel, "reports/compare-%s.md", p->name);
  lua_pushstring(s->L, rel.data);
  lua_setfield(s->L, -2, "md_href");
  if (!strcmp(s->lang, render_i18n_lang(s->i18n[0]))) {  /* one report */
    analysis_compare_md_all(p->cmps, p->n, &md);
    rc = render_out_write(s->out, rel.data, md.data, md.len, err);
  }
  pod_buf_clear(&rel);
  pod_buf_printf(&rel, "%s/compare/%s.html", s->lang, p->name);
  if (rc == POD_OK) rc = site_write_page(s, rel.data, "compare.html", err);
  else lua_pop(s->L, 1);
  pod_buf_free(&rel);
  pod_buf_free(&title);
  pod_buf_free(&md);
  return rc;
}

/* ---- study tables ----------------------------------------------------- */


static void push_cell(site *s, const analysis_cell *c) {
  lua_State *L = s->L;
  char href[96];
  lua_createtable(L, 0, 12);
  lua_pushinteger(L, c->n);
  lua_setfield(L, -2, "n");
  if (!c->n) return;
  render_set_num(L, "mean", c->mean);
  render_set_num(L, "sd", c->sd);
  render_set_num(L, "lo", c->lo);
  render_set_num(L, "hi", c->hi);
  render_set_num(L, "at_epoch", c->at_epoch);
  if (!isnan(c->at_epoch)) {
    lua_pushinteger(L, c->of_epochs);
    lua_setfield(L, -2, "of_epochs");
  }
  lua_pushboolean(L, c->dataset_free);
  lua_setfield(L, -2, "dataset_free");
  snprintf(href, sizeof href, "%s/runs/%lld.html", s->lang,
           (long long)c->run_id);
  lua_pushstring(L, href);
  lua_setfield(L, -2, "href");
  if (!isnan(c->change)) {
    char text[64];
    if (c->change_pp) snprintf(text, sizeof text, "%+.1f pp", c->change);
    else snprintf(text, sizeof text, "%+.1f %%", (c->change - 1) * 100);
    lua_pushstring(L, text);
    lua_setfield(L, -2, "change_text");
    if (!isnan(c->change_lo)) {
      if (c->change_pp)
        snprintf(text, sizeof text, "[%+.1f, %+.1f]", c->change_lo,
                 c->change_hi);
      else
        snprintf(text, sizeof text, "[%+.1f, %+.1f] %%",
                 (c->change_lo - 1) * 100, (c->change_hi - 1) * 100);
      lua_pushstring(L, text);
      lua_setfield(L, -2, "change_ci_text");
    }
  }
}

static const char *const col_keys[ANALYSIS_N_COLS] = {
    "quality", "latency", "memory", "energy", "emissions"};

/* {columns = {...}} of table t: its columns only. */
static void push_columns(lua_State *L, const analysis_table *t) {
  lua_createtable(L, 0, 3);
  lua_createtable(L, ANALYSIS_N_COLS, 0);
  for (int c = 0, k = 0; c < ANALYSIS_N_COLS; c++) {
    const analysis_column *col = &t->col[c];
    if (!col->metric) continue;
    lua_createtable(L, 0, 6);
    lua_pushstring(L, col_keys[c]);
    lua_setfield(L, -2, "key");
    lua_pushstring(L, col->metric);
    lua_setfield(L, -2, "metric");
    lua_pushstring(L, col->unit);
    lua_setfield(L, -2, "unit");
    if (col->split) {
      lua_pushstring(L, col->split);
      lua_setfield(L, -2, "split");
    }
    if (col->batch >= 0) render_set_num(L, "batch_size", (double)col->batch);
    if (col->seq >= 0) render_set_num(L, "sequence_length", (double)col->seq);
    lua_pushboolean(L, c == t->rank_col);
    lua_setfield(L, -2, "ranks");
    lua_rawseti(L, -2, ++k);
  }
  lua_setfield(L, -2, "columns");
}

/* One row of table t as a Lua table. */
static void push_row_of(site *s, const analysis_table *t,
                        const analysis_table_row *row) {
  lua_State *L = s->L;
  pod_buf h = POD_BUF_INIT;
  lua_createtable(L, 0, 8);
  lua_pushstring(L, row->unit->model);
  lua_setfield(L, -2, "model");
  if (row->unit->variant) {
    lua_pushstring(L, row->unit->variant);
    lua_setfield(L, -2, "variant");
  }
  if (row->unit->role >= 0) {
    lua_pushstring(L, row->unit->role ? "optimized" : "baseline");
    lua_setfield(L, -2, "role");
  }
  if (row->baseline) {
    lua_pushstring(L, row->baseline->model);
    lua_setfield(L, -2, "baseline");
  }
  render_model_href(&h, s->lang, row->unit->model, row->unit->variant);
  lua_pushstring(L, h.data);
  lua_setfield(L, -2, "href");
  lua_createtable(L, 0, ANALYSIS_N_COLS);
  for (int c = 0; c < ANALYSIS_N_COLS; c++) {
    if (!t->col[c].metric) continue;
    push_cell(s, row->cell[c]);
    lua_setfield(L, -2, col_keys[c]);
  }
  lua_setfield(L, -2, "cells");
  pod_buf_free(&h);
}

#define STUDY_ROW_TEMPLATE "study_row.html"   /* study.html's, kept() */

/* {columns, rows}: rows [from, to) of the table, for study page rel;
** each row with its key (keys[r - from]), and nothing else when kept
** (study.html reads nothing else of it then). */
static void push_table(site *s, const analysis_table *t, size_t from,
                       size_t to, char (*keys)[SITE_ROW_KEY_LEN + 1],
                       const char *rel) {
  pod_buf k = POD_BUF_INIT, root = POD_BUF_INIT;
  site_page_root(&root, rel);   /* kept()'s key has the page's root */
  push_columns(s->L, t);
  lua_createtable(s->L, (int)(to - from), 0);
  for (size_t r = from; r < to; r++) {
    size_t n;
    pod_buf_clear(&k);
    render_kept_key(&k, STUDY_ROW_TEMPLATE, s->lang, pod_buf_str(&root),
                    keys[r - from]);
    if (s->rows && row_keep_get(s->rows, k.data, k.len, &n))
      lua_createtable(s->L, 0, 1);
    else
      push_row_of(s, t, &t->rows[r]);
    lua_pushstring(s->L, keys[r - from]);
    lua_setfield(s->L, -2, "key");
    lua_rawseti(s->L, -2, (lua_Integer)(r - from) + 1);
  }
  lua_setfield(s->L, -2, "rows");
  pod_buf_free(&k);
  pod_buf_free(&root);
}

/* The study table of scope (s->tables), or NULL. */
const analysis_table *study_table_of(const site *s, const char *scope) {
  for (size_t i = 0; i < s->n_tables; i++)
    if (!strcmp(s->tables[i]->scope, scope)) return s->tables[i];
  return NULL;
}

/* A study table page's fingerprint: what page_study gives it (scope,
** target, columns, its place, its rows, the dataset's comparisons). A
** new model changes the pages from its rank on. */
static void study_page_fp(site *s, const char *scope, double target,
                          char (*keys)[SITE_ROW_KEY_LEN + 1], size_t from,
                          size_t to, long pg, long pages,
                          char fp[RENDER_FP_LEN + 1]) {
  pod_sha256 h;
  site_list_fp_begin(&h, "study page 2", pg, pages);
  site_fp_str(&h, scope);
  site_fp_num(&h, target);
  /* the rows' keys: each a digest of its row and the table's columns */
  for (size_t r = from; r < to; r++)
    pod_sha256_update(&h, keys[r - from], SITE_ROW_KEY_LEN);
  for (size_t i = 0; i < s->n_cmp_pages; i++) {
    const cmp_page *p = &s->cmp_pages[i];
    for (size_t j = 0; j < p->n; j++) {
      const char *sc = analysis_compare_scope(p->cmps[j]);
      const analysis_target *tg = analysis_compare_target(p->cmps[j]);
      if (!sc || strcmp(sc, scope)) continue;
      site_fp_str(&h, p->base_label);
      site_fp_str(&h, p->opt_label);
      site_fp_str(&h, p->name);
      site_fp_str(&h, tg->verdict);
      site_fp_num(&h, tg->verdict ? (double)tg->n : -1);
    }
  }
  site_list_fp_end(&h, fp);
}

/* The keys of rows [from, to) of t (one of s->tables), page pg's (1
** on), made by the first thread that needs them (study_keys); read only
** after. */
static char (*page_keys(site *s, const analysis_table *t, long pg,
                        size_t from, size_t to))[SITE_ROW_KEY_LEN + 1] {
  size_t i = 0;
  study_keys *k;
  while (s->tables[i] != t) i++;
  k = &s->row_keys[i];
  pthread_mutex_lock(&k->lock);
  if (!k->keys) {
    size_t pages = (t->n_rows + LIST_ROWS - 1) / LIST_ROWS;
    k->keys = pod_xmalloc((t->n_rows ? t->n_rows : 1) * sizeof *k->keys);
    k->made = pod_xcalloc(pages ? pages : 1, 1);
  }
  if (!k->made[pg - 1]) {
    site_study_row_keys(t, from, to, k->keys + from);
    k->made[pg - 1] = 1;
  }
  pthread_mutex_unlock(&k->lock);
  return k->keys + from;
}

/* <lang>/study/<dataset>.html (and .p2.html... past LIST_ROWS models):
** the dataset's study table, in pages, ranked; each page the live
** site's when its fingerprint is the same. */
static int page_study(site *s, const char *scope, char err[POD_ERRLEN]) {
  const analysis_table *t = study_table_of(s, scope);
  pod_buf base = POD_BUF_INIT, title = POD_BUF_INIT;
  double target = pod_project_target_of(s->project, scope);
  char (*keys)[SITE_ROW_KEY_LEN + 1];
  long pages;
  int rc = POD_OK;
  if (!t) return POD_OK;
  pages = t->n_rows ? ((long)t->n_rows + LIST_ROWS - 1) / LIST_ROWS : 1;
  pod_buf_printf(&title, "Study: %s", *scope ? scope : "all runs");
  pod_buf_printf(&base, "%s/study/", s->lang);
  render_slug(&base, *scope ? scope : "all");
  for (long pg = 1; pg <= pages && rc == POD_OK; pg++) {
    size_t from = (size_t)(pg - 1) * LIST_ROWS, to = from + LIST_ROWS;
    pod_buf rel = POD_BUF_INIT;
    if (to > t->n_rows) to = t->n_rows;
    /* the page's rows' keys: its fingerprint and kept rows (t is one
    ** of s->tables, each with its keys: never NULL) */
    keys = page_keys(s, t, pg, from, to);
    site_list_page_path(&rel, base.data, pg);
    if (s->incr) {   /* the live site's page when its rows are the same */
      char fp[RENDER_FP_LEN + 1];
      study_page_fp(s, scope, target, keys, from, to, pg, pages, fp);
      if (site_reusable(s, rel.data, fp)) {
        rc = render_out_reuse(s->out, rel.data, err);
        pod_buf_free(&rel);
        continue;
      }
    }
    lua_newtable(s->L);
    site_set_title(s->L, title.data);
    lua_pushstring(s->L, scope);
    lua_setfield(s->L, -2, "scope");
    render_set_num(s->L, "accuracy_target", target);
    push_table(s, t, from, to, keys, rel.data);
    lua_setfield(s->L, -2, "table");
    site_push_pager(s->L, base.data, pg, pages);
    /* the comparisons of this dataset: their target verdicts and links */
    lua_newtable(s->L);
    for (size_t i = 0, k = 0; i < s->n_cmp_pages; i++) {
      const cmp_page *p = &s->cmp_pages[i];
      for (size_t j = 0; j < p->n; j++) {
        const char *sc = analysis_compare_scope(p->cmps[j]);
        const analysis_target *tg = analysis_compare_target(p->cmps[j]);
        pod_buf h = POD_BUF_INIT;
        if (!sc || strcmp(sc, scope)) continue;
        lua_createtable(s->L, 0, 4);
        lua_pushstring(s->L, p->base_label);
        lua_setfield(s->L, -2, "baseline");
        lua_pushstring(s->L, p->opt_label);
        lua_setfield(s->L, -2, "optimized");
        pod_buf_printf(&h, "%s/compare/%s.html#", s->lang, p->name);
        render_slug(&h, sc);
        lua_pushstring(s->L, h.data);
        lua_setfield(s->L, -2, "href");
        if (tg->verdict) {
          lua_pushstring(s->L, tg->verdict);
          lua_setfield(s->L, -2, "target");
          lua_pushinteger(s->L, tg->n);
          lua_setfield(s->L, -2, "target_n");
        }
        pod_buf_free(&h);
        lua_rawseti(s->L, -2, (lua_Integer)++k);
      }
    }
    lua_setfield(s->L, -2, "compares");
    rc = site_write_page(s, rel.data, "study.html", err);
    pod_buf_free(&rel);
  }
  pod_buf_free(&base);
  pod_buf_free(&title);
  return rc;
}

/* ---- model pages ------------------------------------------------------ */

/* A run's per-epoch values of quality metrics, as chart series: one per
** (run, metric, split), named "#id split". */
typedef struct curves {
  lua_State *L;
  int64_t run;
  const char *metric;
  int n_series;
  int top;            /* stack index of the series list */
  pod_buf name_train, name_val;
  int t_count, v_count;
} curves;

static int take_curve_point(const store_row *row, void *ud) {
  curves *c = ud;
  const char *metric = store_row_text(row, "metric");
  const char *split = store_row_text(row, "split");
  const store_value *epoch = store_row_col(row, "epoch");
  int val;
  if (epoch->type == STORE_NULL || !metric || strcmp(metric, c->metric) ||
      !split)
    return 0;
  val = !strcmp(split, "validation");
  if (!val && strcmp(split, "train")) return 0;
  /* points go to the open series table of this split */
  lua_getfield(c->L, c->top, val ? "v" : "t");
  lua_createtable(c->L, 2, 0);
  lua_pushnumber(c->L, epoch->d);
  lua_rawseti(c->L, -2, 1);
  lua_pushnumber(c->L, store_row_col(row, "value")->d);
  lua_rawseti(c->L, -2, 2);
  lua_rawseti(c->L, -2, (lua_Integer)(val ? ++c->v_count : ++c->t_count));
  lua_pop(c->L, 1);
  return 0;
}

/* A model's runs' measurement rows, asked of the store once for the
** page in every language (curves were read again per language). */
typedef struct run_cache {
  int64_t *ids;
  store_rows **rows;
  size_t n;
} run_cache;

static int cached_rows(site *s, run_cache *rc_, int64_t run,
                       const store_rows **out, char err[POD_ERRLEN]) {
  int rc;
  for (size_t i = 0; i < rc_->n; i++)
    if (rc_->ids[i] == run) {
      *out = rc_->rows[i];
      return POD_OK;
    }
  rc_->ids = pod_xrealloc(rc_->ids, (rc_->n + 1) * sizeof *rc_->ids);
  rc_->rows = pod_xrealloc(rc_->rows, (rc_->n + 1) * sizeof *rc_->rows);
  rc_->ids[rc_->n] = run;
  rc_->rows[rc_->n] = store_rows_new();
  *out = rc_->rows[rc_->n++];
  rc = store_each_measurement(s->db, run, store_rows_add, rc_->rows[rc_->n - 1],
                              err);
  return rc == POD_EINTERNAL ? pod_err(err, rc, "run %lld: rows differ in "
                                       "columns", (long long)run) : rc;
}

static void run_cache_free(run_cache *c) {
  for (size_t i = 0; i < c->n; i++) store_rows_free(c->rows[i]);
  free(c->ids);
  free(c->rows);
  memset(c, 0, sizeof *c);
}

/* Pushes {metric, series = {{name, points}}, best = {epochs}} for the
** quality metric of a unit's curves. */
static int push_curves(site *s, const analysis_unit *u, const char *metric,
                       run_cache *cache, char err[POD_ERRLEN]) {
  lua_State *L = s->L;
  int rc = POD_OK, k = 0;
  lua_createtable(L, 0, 2);
  lua_pushstring(L, metric);
  lua_setfield(L, -2, "metric");
  lua_newtable(L);     /* series */
  for (size_t i = 0; i < u->n_runs && !rc; i++) {
    curves c;
    const store_rows *rows;
    memset(&c, 0, sizeof c);
    c.L = L;
    c.metric = metric;
    c.run = u->runs[i];
    lua_createtable(L, 0, 2);   /* scratch {t = {}, v = {}} */
    lua_newtable(L);
    lua_setfield(L, -2, "t");
    lua_newtable(L);
    lua_setfield(L, -2, "v");
    c.top = lua_gettop(L);
    if ((rc = cached_rows(s, cache, c.run, &rows, err)) == POD_OK)
      store_rows_each(rows, take_curve_point, &c);
    for (int v = 0; !rc && v < 2; v++) {
      char name[96];
      if (!(v ? c.v_count : c.t_count)) continue;
      render_sandbox_msg(L, v ? "split.validation" : "split.train", NULL, 0,
                         v ? "validation" : "train");
      snprintf(name, sizeof name, "#%lld %s", (long long)c.run,
               lua_tostring(L, -1));
      lua_pop(L, 1);
      lua_createtable(L, 0, 2);
      lua_pushstring(L, name);
      lua_setfield(L, -2, "name");
      lua_getfield(L, c.top, v ? "v" : "t");
      lua_setfield(L, -2, "points");
      lua_rawseti(L, -3, ++k);
    }
    lua_pop(L, 1);   /* scratch */
  }
  lua_setfield(L, -2, "series");
  return rc;
}

/* <lang>/models/<model>.html of s->models[mi] in s->lang. */
static int page_model(site *s, size_t mi, run_cache *cache,
                      char err[POD_ERRLEN]) {
  size_t n_units;
  const analysis_unit *u = analysis_study_units(s->study, &n_units);
  const model_ref *mr = &s->models[mi];
  const analysis_unit *m = &u[mr->units[0]];
  pod_buf rel = POD_BUF_INIT, label = POD_BUF_INIT;
  lua_State *L = s->L;
  int rc = POD_OK, k = 0;
  lua_newtable(L);
  render_model_label(&label, m->model, m->variant);
  site_set_title(L, label.data);
  lua_pushstring(L, label.data);
  lua_setfield(L, -2, "label");
  lua_newtable(L);   /* datasets */
  for (size_t j = 0; j < mr->n && !rc; j++) {
    size_t i = mr->units[j];
    const analysis_table *t = study_table_of(s, u[i].scope);
    if (!t) continue;
    lua_createtable(L, 0, 6);
    lua_pushstring(L, u[i].scope);
    lua_setfield(L, -2, "scope");
    if (u[i].role >= 0) {
      lua_pushstring(L, u[i].role ? "optimized" : "baseline");
      lua_setfield(L, -2, "role");
    }
    {
      pod_buf h = POD_BUF_INIT;
      pod_buf_printf(&h, "%s/study/", s->lang);
      render_slug(&h, *u[i].scope ? u[i].scope : "all");
      pod_buf_adds(&h, ".html");
      lua_pushstring(L, h.data);
      lua_setfield(L, -2, "study_href");
      pod_buf_free(&h);
    }
    lua_createtable(L, (int)u[i].n_runs, 0);
    for (size_t r = 0; r < u[i].n_runs; r++) {
      char href[96];
      lua_createtable(L, 0, 3);
      lua_pushinteger(L, (lua_Integer)u[i].runs[r]);
      lua_setfield(L, -2, "id");
      snprintf(href, sizeof href, "%s/runs/%lld.html", s->lang,
               (long long)u[i].runs[r]);
      lua_pushstring(L, href);
      lua_setfield(L, -2, "href");
      lua_pushboolean(L, r >= u[i].n_runs - u[i].n_free);
      lua_setfield(L, -2, "dataset_free");
      lua_rawseti(L, -2, (lua_Integer)r + 1);
    }
    lua_setfield(L, -2, "runs");
    /* the study table's columns and its own row (not every model's) */
    push_columns(L, t);
    lua_setfield(L, -2, "table");
    if (s->unit_row[i]) {
      push_row_of(s, t, s->unit_row[i]);
      lua_setfield(L, -2, "row");
    }
    if (t->col[ANALYSIS_COL_QUALITY].metric) {
      rc = push_curves(s, &u[i], t->col[ANALYSIS_COL_QUALITY].metric, cache,
                       err);
      lua_setfield(L, -2, "curves");
    }
    lua_rawseti(L, -2, ++k);
  }
  lua_setfield(L, -2, "datasets");
  /* the comparisons it takes part in */
  lua_newtable(L);
  k = 0;
  for (size_t i = 0; i < s->n_cmp_pages; i++) {
    const cmp_page *p = &s->cmp_pages[i];
    pod_buf h = POD_BUF_INIT;
    if (strcmp(p->base_label, label.data) && strcmp(p->opt_label, label.data))
      continue;
    lua_createtable(L, 0, 3);
    lua_pushstring(L, p->base_label);
    lua_setfield(L, -2, "baseline");
    lua_pushstring(L, p->opt_label);
    lua_setfield(L, -2, "optimized");
    pod_buf_printf(&h, "%s/compare/%s.html", s->lang, p->name);
    lua_pushstring(L, h.data);
    lua_setfield(L, -2, "href");
    pod_buf_free(&h);
    lua_rawseti(L, -2, ++k);
  }
  lua_setfield(L, -2, "compares");
  render_model_href(&rel, s->lang, m->model, m->variant);
  if (rc) lua_pop(L, 1);
  else rc = site_write_page(s, rel.data, "model.html", err);
  pod_buf_free(&rel);
  pod_buf_free(&label);
  return rc;
}

/* Notes model mi's pages in the manifest; 1 when the live site's are
** taken as they are (*rc the result), 0 when they must be rendered. */
static int model_reused(site *s, size_t mi, int *rc, char err[POD_ERRLEN]) {
  size_t n_units;
  const analysis_unit *u = analysis_study_units(s->study, &n_units);
  const analysis_unit *m = &u[s->models[mi].units[0]];
  char fp[RENDER_FP_LEN + 1];
  int same;
  pod_buf rest = POD_BUF_INIT;
  if (!s->incr) return 0;
  site_model_fp(s, mi, fp);
  /* "/models/<slug>.html", below each language's folder */
  render_model_href(&rest, "", m->model, m->variant);
  same = site_reused_everywhere(s, rest.data + 1, fp, rc, err);
  pod_buf_free(&rest);
  return same;
}

/* The next job this thread renders, or -1 when none is left. */
static long take_job(site *s, long *next, char err[POD_ERRLEN], int *rc) {
  long j;
  *rc = POD_OK;
  if (!s->share) j = (*next)++;
  else if (atomic_load(&s->share->stop)) {
    s->stopped = 1;
    *rc = pod_err(err, POD_EINTERNAL, "stopped: another render thread "
                  "failed");
    return -1;
  } else {
    j = atomic_fetch_add(&s->share->next_job, 1);
  }
  return j < (long)s->n_jobs ? j : -1;
}

int study_pages(site *s, char err[POD_ERRLEN]) {
  long next = 0, j;
  int rc = POD_OK;
  while (rc == POD_OK && (j = take_job(s, &next, err, &rc)) >= 0) {
    const study_job *job = &s->jobs[j];
    for (size_t i = job->first; i < job->end && rc == POD_OK; i++) {
      run_cache cache = {NULL, NULL, 0};
      if (job->kind == JOB_MODELS && model_reused(s, i, &rc, err)) continue;
      for (int k = 0; k < s->n_langs && rc == POD_OK; k++) {
        site_use_language(s, k);
        rc = job->kind == JOB_COMPARE ? page_compare(s, &s->cmp_pages[i], err)
                                      : page_model(s, i, &cache, err);
      }
      run_cache_free(&cache);
    }
  }
  return rc;
}

/* The study tables of s->lang: one big page per dataset, left to the
** main thread with the other big pages (two threads each building one
** at once raised the peak RSS by ~60 MB). */
int study_tables(site *s, char err[POD_ERRLEN]) {
  size_t n_scopes = 0;
  const char *const *scopes;
  int rc = POD_OK;
  if (!s->study) return POD_OK;
  scopes = analysis_study_scopes(s->study, &n_scopes);
  for (size_t i = 0; i < n_scopes && rc == POD_OK; i++)
    rc = page_study(s, scopes[i], err);
  return rc;
}
