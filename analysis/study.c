/*
** analysis/study.c -- a model's evidence per dataset. A lab's study is
** files from several tools: benchmark CSVs per model (no dataset in
** them), CodeCarbon repeats per dataset, training logs per model and
** dataset. The unit a lab compares is a model (and variant) on a dataset:
** its runs in that dataset, plus the runs of the model that name no
** dataset, which apply to every dataset of the model (marked so on every
** value). A model with no dataset at all keeps its runs' own scope (task,
** else ""), as single-tool registries have.
**
** Roles belong to the model: a role on any run of the model in a dataset
** is the unit's (ingest refuses a conflicting one), else the project
** file's "models", else a role on its dataset-free runs.
*/
#include "analysis/analysis.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct run_row {
  int64_t id;
  char *model, *variant, *role, *scope;
  int has_dataset;
} run_row;

struct analysis_study {
  analysis_unit *units;
  size_t n_units, cap_units;   /* doubling: one realloc a unit copied
                               ** 10,000 units ~5,000 times each */
  size_t *slots;      /* while building: unit index + 1 by (scope, model,
                      ** variant) hash, open addressing; 0 empty */
  size_t n_slots;
  analysis_pair *pairs;
  size_t n_pairs;
  char **scopes;
  size_t n_scopes;
};

typedef struct runs_in {
  run_row *r;
  size_t n, cap;
  /* the columns' places, from the first row (a lookup by name was ~8
  ** string compares, seven a run) */
  int at_id, at_scope, at_model, at_variant, at_role, at_dataset;
} runs_in;

static char *dup_or_null(const char *s) { return s ? pod_xstrdup(s) : NULL; }

static int same_text(const char *a, const char *b) {
  return (!a && !b) || (a && b && !strcmp(a, b));
}

static int take_run(const store_row *row, void *ud) {
  runs_in *l = ud;
  const char *scope = store_row_text_at(row, "scope", &l->at_scope);
  const char *model = store_row_text_at(row, "model", &l->at_model);
  run_row *r;
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 256;
    l->r = pod_xrealloc(l->r, l->cap * sizeof *l->r);
  }
  r = &l->r[l->n++];
  r->id = store_row_col_at(row, "id", &l->at_id)->i;
  r->model = pod_xstrdup(model ? model : "");
  r->variant = dup_or_null(store_row_text_at(row, "variant", &l->at_variant));
  r->role = dup_or_null(store_row_text_at(row, "role", &l->at_role));
  r->scope = pod_xstrdup(scope ? scope : "");
  r->has_dataset = store_row_text_at(row, "dataset", &l->at_dataset) != NULL;
  return 0;
}

static int by_id(const void *a, const void *b) {
  const run_row *x = a, *y = b;
  return (x->id > y->id) - (x->id < y->id);
}

static uint64_t unit_hash(const char *scope, const char *model,
                          const char *variant) {
  uint64_t h = 1469598103934665603u;   /* FNV-1a over the three, NUL-split */
  const char *parts[3] = {scope, model, variant ? variant : ""};
  for (int k = 0; k < 3; k++) {
    for (const unsigned char *p = (const unsigned char *)parts[k]; *p; p++)
      h = (h ^ *p) * 1099511628211u;
    h = (h ^ (k == 2 && !variant ? 1u : 0xffu)) * 1099511628211u;
  }
  return h;
}

static int unit_is(const analysis_unit *u, const char *scope,
                   const char *model, const char *variant) {
  return !strcmp(u->scope, scope) && !strcmp(u->model, model) &&
         same_text(u->variant, variant);
}

/* Doubles the hash table when it is half full. */
static void slots_grow(analysis_study *s) {
  size_t n = s->n_slots ? 2 * s->n_slots : 1024;
  size_t *slots = pod_xmalloc(n * sizeof *slots);
  memset(slots, 0, n * sizeof *slots);
  for (size_t i = 0; i < s->n_units; i++) {
    const analysis_unit *u = &s->units[i];
    size_t k = unit_hash(u->scope, u->model, u->variant) & (n - 1);
    while (slots[k]) k = (k + 1) & (n - 1);
    slots[k] = i + 1;
  }
  free(s->slots);
  s->slots = slots;
  s->n_slots = n;
}

/* The study's copy of scope, made when new: the units share it (a copy
** each was 32 bytes a unit, 320 KB of a 10,000-model render's peak).
** Units come grouped by scope: the newest scope is looked at first. */
static char *scope_of(analysis_study *s, const char *scope) {
  for (size_t i = s->n_scopes; i-- > 0;)
    if (!strcmp(s->scopes[i], scope)) return s->scopes[i];
  s->scopes = pod_xrealloc(s->scopes, (s->n_scopes + 1) * sizeof *s->scopes);
  return s->scopes[s->n_scopes++] = pod_xstrdup(scope);
}

/* The unit of (scope, model, variant), made when new: a hash lookup (a
** scan of every unit per run was quadratic in a 10,000-model registry). */
static analysis_unit *unit_for(analysis_study *s, const char *scope,
                               const char *model, const char *variant) {
  analysis_unit *u;
  size_t k;
  if (2 * (s->n_units + 1) > s->n_slots) slots_grow(s);
  k = unit_hash(scope, model, variant) & (s->n_slots - 1);
  for (; s->slots[k]; k = (k + 1) & (s->n_slots - 1))
    if (unit_is(&s->units[s->slots[k] - 1], scope, model, variant))
      return &s->units[s->slots[k] - 1];
  s->slots[k] = s->n_units + 1;
  if (s->n_units == s->cap_units) {
    s->cap_units = s->cap_units ? 2 * s->cap_units : 64;
    s->units = pod_xrealloc(s->units, s->cap_units * sizeof *s->units);
  }
  u = &s->units[s->n_units++];
  memset(u, 0, sizeof *u);
  u->scope = scope_of(s, scope);
  u->model = pod_xstrdup(model);
  u->variant = dup_or_null(variant);
  u->role = -1;
  return u;
}

static void unit_add(analysis_unit *u, const run_row *r) {
  size_t n = u->n_runs;
  if (n == 0 || (n >= 4 && !(n & (n - 1))))   /* at 0, 4, 8, 16...: doubled */
    u->runs = pod_xrealloc(u->runs, (n ? 2 * n : 4) * sizeof *u->runs);
  u->runs[u->n_runs++] = r->id;
  if (!r->has_dataset && u->n_free < u->n_runs) u->n_free++;
}

static int role_code(const char *role) {
  return !role ? -1 : !strcmp(role, "optimized") ? 1 : 0;
}

/* A dataset-free run of (model, variant) applies to the unit when the
** model matches and the variant does, or the run names none. */
static int applies(const run_row *r, const analysis_unit *u) {
  return !strcmp(r->model, u->model) &&
         (!r->variant || same_text(r->variant, u->variant));
}

static int by_unit(const void *a, const void *b) {
  const analysis_unit *x = a, *y = b;
  int c = strcmp(x->scope, y->scope);
  if (!c) c = (x->role < 0 ? 2 : x->role) - (y->role < 0 ? 2 : y->role);
  if (!c) c = strcmp(x->model, y->model);
  if (!c) c = strcmp(x->variant ? x->variant : "", y->variant ? y->variant : "");
  return c;
}

static int by_text(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_pairs(analysis_study *s) {
  size_t *bases = pod_xmalloc((s->n_units + 1) * sizeof *bases), n_bases = 0;
  for (size_t b = 0; b < s->n_units; b++)   /* listed once, in order */
    if (s->units[b].role == 0) bases[n_bases++] = b;
  for (size_t o = 0; o < s->n_units; o++) {
    const analysis_unit *opt = &s->units[o];
    if (opt->role != 1) continue;
    for (size_t i = 0; i < n_bases; i++) {
      size_t b = bases[i];
      const analysis_unit *base = &s->units[b];
      if (strcmp(base->scope, opt->scope)) continue;
      if (opt->baseline && strcmp(opt->baseline, base->model)) continue;
      s->pairs = pod_xrealloc(s->pairs, (s->n_pairs + 1) * sizeof *s->pairs);
      s->pairs[s->n_pairs++] = (analysis_pair){b, o};
    }
  }
  free(bases);
}

/* Runs (by address: their order) and units (by index) sorted by model,
** so a model's runs or units are one range (binary search), in order. */
static int run_by_model(const void *a, const void *b) {
  const run_row *x = *(const run_row *const *)a, *y = *(const run_row *const *)b;
  int c = strcmp(x->model, y->model);
  return c ? c : (x > y) - (x < y);
}

static int unit_by_model(const void *a, const void *b) {
  const analysis_unit *x = *(const analysis_unit *const *)a;
  const analysis_unit *y = *(const analysis_unit *const *)b;
  int c = strcmp(x->model, y->model);
  return c ? c : (x > y) - (x < y);
}

int analysis_study_new(store_db *db, const pod_project *project,
                       analysis_study **out, char err[POD_ERRLEN]) {
  analysis_study *s = pod_xmalloc(sizeof *s);
  runs_in l = {NULL, 0, 0, -1, -1, -1, -1, -1, -1};
  int rc;
  memset(s, 0, sizeof *s);
  *out = NULL;
  if ((rc = store_each_run(db, take_run, &l, err))) goto done;
  if (l.n) qsort(l.r, l.n, sizeof *l.r, by_id);
  /* units of the runs that name a dataset */
  for (size_t i = 0; i < l.n; i++) {
    const run_row *r = &l.r[i];
    analysis_unit *u;
    if (!r->has_dataset) continue;
    u = unit_for(s, r->scope, r->model, r->variant);
    unit_add(u, r);
    if (u->role < 0) u->role = role_code(r->role);
  }
  /* dataset-free runs: to every dataset unit of their model, else a unit
  ** in their own scope */
  {
    size_t n_dataset_units = s->n_units, *by_model = NULL;
    if (n_dataset_units) {   /* indexes: units move as more are made */
      const analysis_unit **p = pod_xmalloc(n_dataset_units * sizeof *p);
      for (size_t k = 0; k < n_dataset_units; k++) p[k] = &s->units[k];
      qsort(p, n_dataset_units, sizeof *p, unit_by_model);
      by_model = pod_xmalloc(n_dataset_units * sizeof *by_model);
      for (size_t k = 0; k < n_dataset_units; k++)
        by_model[k] = (size_t)(p[k] - s->units);
      free(p);
    }
    for (size_t i = 0; i < l.n; i++) {
      const run_row *r = &l.r[i];
      int placed = 0;
      size_t lo = 0, hi = n_dataset_units;
      if (r->has_dataset) continue;
      while (lo < hi) {   /* the model's first unit */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(s->units[by_model[mid]].model, r->model) < 0) lo = mid + 1;
        else hi = mid;
      }
      for (size_t j = lo; j < n_dataset_units &&
                          !strcmp(s->units[by_model[j]].model, r->model); j++)
        if (applies(r, &s->units[by_model[j]])) {
          unit_add(&s->units[by_model[j]], r);
          placed = 1;
        }
      if (!placed) {
        analysis_unit *u = unit_for(s, r->scope, r->model, r->variant);
        unit_add(u, r);
        u->n_free = 0;   /* its own scope: these are its runs there */
        if (u->role < 0) u->role = role_code(r->role);
      }
    }
    free(by_model);
  }
  free(s->slots);   /* no more units: the doubling's slack goes back */
  s->slots = NULL;
  s->n_slots = 0;
  if (s->n_units && s->n_units < s->cap_units) {
    s->units = pod_xrealloc(s->units, s->n_units * sizeof *s->units);
    s->cap_units = s->n_units;
  }
  {
    const run_row **runs = pod_xmalloc((l.n ? l.n : 1) * sizeof *runs);
    for (size_t i = 0; i < l.n; i++) runs[i] = &l.r[i];
    qsort(runs, l.n, sizeof *runs, run_by_model);
    for (size_t k = 0; k < s->n_units; k++) {
      analysis_unit *u = &s->units[k];
      const pod_project_model *m = pod_project_model_of(project, u->model);
      size_t lo = 0, hi = l.n;
      if (u->role < 0 && m && m->role) u->role = role_code(m->role);
      while (lo < hi) {   /* the model's first run */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(runs[mid]->model, u->model) < 0) lo = mid + 1;
        else hi = mid;
      }
      for (size_t i = lo; u->role < 0 && i < l.n &&
                          !strcmp(runs[i]->model, u->model); i++)
        if (!runs[i]->has_dataset && applies(runs[i], u))
          u->role = role_code(runs[i]->role);
      if (m && m->baseline) u->baseline = pod_xstrdup(m->baseline);
    }
    free(runs);
  }
  if (s->n_units) qsort(s->units, s->n_units, sizeof *s->units, by_unit);
  if (s->n_scopes) qsort(s->scopes, s->n_scopes, sizeof *s->scopes, by_text);
  find_pairs(s);
done:
  for (size_t i = 0; i < l.n; i++) {
    free(l.r[i].model);
    free(l.r[i].variant);
    free(l.r[i].role);
    free(l.r[i].scope);
  }
  free(l.r);
  if (rc) {
    analysis_study_free(s);
    return rc;
  }
  *out = s;
  return POD_OK;
}

void analysis_study_free(analysis_study *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n_units; i++) {
    free(s->units[i].model);   /* scope: the study's (scopes) */
    free(s->units[i].variant);
    free(s->units[i].baseline);
    free(s->units[i].runs);
  }
  for (size_t i = 0; i < s->n_scopes; i++) free(s->scopes[i]);
  free(s->units);
  free(s->pairs);
  free(s->slots);
  free(s->scopes);
  free(s);
}

const analysis_unit *analysis_study_units(const analysis_study *s,
                                          size_t *out_n) {
  *out_n = s->n_units;
  return s->units;
}

const analysis_pair *analysis_study_pairs(const analysis_study *s,
                                          size_t *out_n) {
  *out_n = s->n_pairs;
  return s->pairs;
}

const char *const *analysis_study_scopes(const analysis_study *s,
                                         size_t *out_n) {
  *out_n = s->n_scopes;
  return (const char *const *)s->scopes;
}
