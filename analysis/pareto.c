/*
** analysis/pareto.c -- the Pareto front of points (x, y): those no other
** point beats on both axes. Sorted better x first (ties: better y), a
** point is on the front when its y beats every y before it. Used by the
** scatter charts (render/svg.c) and the study's Pareto pages.
*/
#include "analysis/analysis.h"

#include <stdlib.h>
#include <string.h>

typedef struct order_ctx {
  const double *x, *y;
  int xdir, ydir;
} order_ctx;

/* a before b: better x, then better y, then the earlier index. */
static int before(const order_ctx *c, size_t a, size_t b) {
  if (c->x[a] != c->x[b]) return (c->x[a] < c->x[b]) == (c->xdir < 0);
  if (c->y[a] != c->y[b]) return (c->y[a] < c->y[b]) == (c->ydir < 0);
  return a < b;
}

/* A stable merge sort of indexes (qsort has no context argument in C11,
** and a file-scope direction would be shared by every render thread). */
static void merge_sort(const order_ctx *c, size_t *v, size_t *tmp, size_t n) {
  size_t h = n / 2, i = 0, j = h, k = 0;
  if (n < 2) return;
  merge_sort(c, v, tmp, h);
  merge_sort(c, v + h, tmp, n - h);
  while (i < h && j < n) tmp[k++] = before(c, v[j], v[i]) ? v[j++] : v[i++];
  while (i < h) tmp[k++] = v[i++];
  while (j < n) tmp[k++] = v[j++];
  memcpy(v, tmp, n * sizeof *v);
}

void analysis_pareto(const double *x, const double *y, size_t n, int xdir,
                     int ydir, size_t *order, char *front) {
  order_ctx c = {x, y, xdir < 0 ? -1 : 1, ydir < 0 ? -1 : 1};
  size_t *tmp = pod_xmalloc((n ? n : 1) * sizeof *tmp);
  double best = 0;
  for (size_t i = 0; i < n; i++) order[i] = i;
  merge_sort(&c, order, tmp, n);
  free(tmp);
  for (size_t i = 0; i < n; i++) {
    size_t p = order[i];
    front[p] = i == 0 || (c.ydir < 0 ? y[p] < best : y[p] > best);
    if (front[p]) best = y[p];
  }
}
