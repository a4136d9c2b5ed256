/*
** render/primary.c -- the primary metric of each scope: the one its
** leaderboards are ranked by on the overview, and whose board page,
** report and downloads carry the cost columns (time, memory, energy,
** emissions) beside it.
**
** The project file's primary_metrics names it per dataset or task ("*"
** for the rest). Without a name, or when "*" names a metric the scope
** does not have, the default is, among the scope's boards in name order:
** accuracy; else a higher-is-better metric with "accuracy" in its name;
** else a higher-is-better score without unit (f1, bleu); else
** inference_time, train_time, or another lower-is-better time; else the
** first board. A name given for one scope that the scope has no board of
** is an error: it is a typo or a metric never ingested.
*/
#include "render/render_int.h"
#include "render/board_keep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const render_cost render_costs[RENDER_N_COSTS] = {
  {"inference_time", "s"}, {"train_time", "s"},
  {"inference_memory", "B"}, {"train_memory", "B"},
  {"energy_consumed", "kWh"}, {"emissions", "kg"},
};

/* The boards of every scope, in the order store_each_leaderboard gives
** them (scope, then metric name). */
typedef struct boards {
  render_primary *b;
  size_t n;
} boards;

static int take_board(const store_row *row, void *ud) {
  boards *l = ud;
  render_primary *p;
  l->b = pod_xrealloc(l->b, (l->n + 1) * sizeof *l->b);
  p = &l->b[l->n++];
  p->scope = pod_xstrdup(store_row_text_or(row, "scope", ""));
  p->metric = pod_xstrdup(store_row_text_or(row, "metric", ""));
  p->unit = pod_xstrdup(store_row_text_or(row, "unit", ""));
  p->metric_id = store_row_int(row, "metric_id", 0);
  p->direction = (int)store_row_int(row, "direction", 0);
  return 0;
}

/* How much the default rule wants a board: higher wins, 0 never. */
static int preference(const render_primary *b) {
  if (!strcmp(b->metric, "accuracy")) return 7;
  if (b->direction > 0 && strstr(b->metric, "accuracy")) return 6;
  if (b->direction > 0 && !*b->unit) return 5;
  if (!strcmp(b->metric, "inference_time")) return 4;
  if (!strcmp(b->metric, "train_time")) return 3;
  if (b->direction < 0 && !strcmp(b->unit, "s")) return 2;
  return 1;
}

/* The primary of the scope whose boards are b[0..n): its index. */
static int pick(const pod_project *project, const render_primary *b,
                size_t n, size_t *out, char err[POD_ERRLEN]) {
  const char *want = pod_project_primary(project, b[0].scope);
  int best = 0;
  pod_buf names = POD_BUF_INIT;
  for (size_t i = 0; want && i < n; i++)
    if (!strcmp(b[i].metric, want)) {
      *out = i;
      return POD_OK;
    }
  /* "*" (the same string for every scope) may name what a scope lacks */
  if (want && want != pod_project_primary(project, NULL)) {
    for (size_t i = 0; i < n; i++)
      pod_buf_printf(&names, "%s%s", i ? ", " : "", b[i].metric);
    pod_err(err, POD_EINPUT, "%s: primary_metrics: \"%s\" has no "
            "leaderboard of \"%s\", expected one of: %s",
            project->path ? project->path : POD_PROJECT_FILE, b[0].scope,
            want, pod_buf_str(&names));
    pod_buf_free(&names);
    return POD_EINPUT;
  }
  for (size_t i = 0; i < n; i++)
    if (preference(&b[i]) > best) {
      best = preference(&b[i]);
      *out = i;
    }
  return POD_OK;
}

int render_primary_list(store_db *db, const pod_project *project,
                        render_primary **out, size_t *out_n,
                        char err[POD_ERRLEN]) {
  boards l = {NULL, 0};
  size_t kept = 0;
  int rc = render_each_board(db, project, take_board, &l, err);
  for (size_t i = 0; rc == POD_OK && i < l.n;) {
    size_t j = i, k = 0;
    while (j < l.n && !strcmp(l.b[j].scope, l.b[i].scope)) j++;
    if ((rc = pick(project, &l.b[i], j - i, &k, err))) break;
    /* keep the chosen board of the scope in slot `kept` */
    render_primary chosen = l.b[i + k];
    l.b[i + k] = l.b[kept];
    l.b[kept++] = chosen;
    i = j;
  }
  if (rc) {
    render_primary_free(l.b, l.n);
    return rc;
  }
  for (size_t i = kept; i < l.n; i++) {
    free(l.b[i].scope);
    free(l.b[i].metric);
    free(l.b[i].unit);
  }
  *out = l.b;
  *out_n = kept;
  return POD_OK;
}

void render_primary_free(render_primary *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(p[i].scope);
    free(p[i].metric);
    free(p[i].unit);
  }
  free(p);
}

const char *render_primary_metric(const render_primary *p, size_t n,
                                  const char *scope) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(p[i].scope, scope)) return p[i].metric;
  return NULL;
}

const render_primary *render_primary_of(const render_primary *p, size_t n,
                                        const char *scope, int64_t metric_id) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(p[i].scope, scope) && p[i].metric_id == metric_id)
      return &p[i];
  return NULL;
}

/* ---- kept board rows ------------------------------------------------- */

struct render_board_rows {
  render_board_rows *next;
  char *scope;
  int64_t metric_id;
  store_rows *rows;
  int live;      /* the live site's rows (render_board_rows_get) */
};

/* A kept row is 9 bytes a column plus its texts (store/rows.c; ~240
** bytes a row before session 7): ten boards of 100,000 runs kept whole
** would still be tens of MB, so the oldest boards are let go. */
size_t render_board_rows_kept = 100000;

/* Releases the oldest boards beyond render_board_rows_kept rows (the
** newest, just asked for, always stays). */
static void board_rows_trim(render_board_rows *newest) {
  size_t n = 0;
  render_board_rows *b = newest, *gone, *next;
  while (b && b->next) {
    n += store_rows_count(b->rows);
    if (n + store_rows_count(b->next->rows) <= render_board_rows_kept) {
      b = b->next;
      continue;
    }
    gone = b->next;   /* this one and every older board */
    b->next = NULL;
    while (gone) {
      next = gone->next;
      free(gone->scope);
      store_rows_free(gone->rows);
      free(gone);
      gone = next;
    }
    break;
  }
}

int render_board_rows_get(render_board_rows **cache, board_keep *keep,
                          int worker, store_db *db,
                          const render_primary *prim, size_t n_prim,
                          const char *scope, int64_t metric_id,
                          const store_rows **out, int *live,
                          char err[POD_ERRLEN]) {
  render_board_rows *b;
  int rc = POD_OK, primary = render_primary_of(prim, n_prim, scope,
                                               metric_id) != NULL, same = 0;
  for (b = *cache; b; b = b->next)
    if (b->metric_id == metric_id && !strcmp(b->scope, scope)) {
      *out = b->rows;
      if (live) *live = b->live;
      return POD_OK;
    }
  /* the live site's rows when none of the scope's runs changed, patched
  ** when a few did */
  int64_t *changed;
  size_t n_changed;
  store_rows *rows = board_keep_take(keep, scope, metric_id, primary,
                                     &changed, &n_changed);
  if (rows && !n_changed) same = 1;
  if (rows && n_changed) {
    store_rows *kept = rows;
    rc = store_board_patch(db, scope, metric_id, primary, kept, changed,
                           n_changed, &rows, &same, err);
    if (rc == POD_OK && same) {   /* the live site's board after all */
      rows = kept;
    } else {
      store_rows_free(kept);
      same = 0;
    }
    if (rc == POD_EINTERNAL) rc = POD_OK;   /* other columns: read it */
  }
  free(changed);
  if (rc) return rc;
  if (!rows) {
    rows = store_rows_new();
    rc = primary ? store_each_primary_entry(db, scope, metric_id,
                                            store_rows_add, rows, err)
                 : store_each_leaderboard_entry(db, scope, metric_id,
                                                store_rows_add, rows, err);
  }
  if (rc == POD_OK && !worker)   /* for the next render: main notes all */
    rc = board_keep_note(keep, scope, metric_id, primary, rows, err);
  if (rc) {
    store_rows_free(rows);
    return rc == POD_EINTERNAL ? pod_err(err, rc, "leaderboard rows differ "
                                         "in columns") : rc;
  }
  b = pod_xmalloc(sizeof *b);
  b->next = *cache;
  b->scope = pod_xstrdup(scope);
  b->metric_id = metric_id;
  b->rows = rows;
  b->live = same;
  *cache = b;
  *out = rows;
  if (live) *live = same;
  board_rows_trim(b);
  return POD_OK;
}

void render_board_rows_free(render_board_rows *cache) {
  while (cache) {
    render_board_rows *next = cache->next;
    free(cache->scope);
    store_rows_free(cache->rows);
    free(cache);
    cache = next;
  }
}

/* Only boards of results (analysis_is_result): the rest of a scope's
** metrics are readings and diagnostics, on run pages and in downloads. */
typedef struct board_filter {
  const pod_project *project;
  store_row_fn fn;
  void *ud;
} board_filter;

static int only_results(const store_row *row, void *ud) {
  board_filter *f = ud;
  const char *metric = store_row_text(row, "metric");
  const char *unit = store_row_text(row, "unit");
  if (!metric || !analysis_is_result(f->project, metric, unit ? unit : "",
                                     (int)store_row_col(row, "direction")->i))
    return 0;
  return f->fn(row, f->ud);
}

int render_each_board(store_db *db, const pod_project *project,
                      store_row_fn fn, void *ud, char err[POD_ERRLEN]) {
  board_filter f = {project, fn, ud};
  return store_each_leaderboard(db, only_results, &f, err);
}
