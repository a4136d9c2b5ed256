/*
** render/svg.h -- charts as inline SVG: line charts (overfitting plots,
** latency against sequence length), grouped bars and a scatter with its
** Pareto front. No JavaScript; the same input gives the same bytes.
**
** Each chart writes two pieces: the <svg> (role="img", <title>, <desc>)
** and an HTML <table> of the same data, for a <details> beside it.
** Owns: nothing; the caller's arrays are borrowed for the call, output is
** appended to the caller's pod_bufs. Errors: POD_EINPUT with one line in
** err for data it cannot draw (no series, a series without points).
*/
#ifndef PODIUM_SVG_H
#define PODIUM_SVG_H

#include <stddef.h>
#include "core/buf.h"
#include "core/err.h"

/* Above this many points a series is thinned to the min and max of each
** bucket (plus its first, last and best-x points). */
#define RENDER_SVG_MAX_POINTS 600

typedef struct render_svg_axis {
  const char *label;   /* "Epoch", "Latency"; may be NULL */
  const char *unit;    /* SI unit for pod_fmt_value: "s", "B", ""... */
  int log;             /* 1: log10 scale; values <= 0 are left out */
} render_svg_axis;

/* One series. Lines and scatter: points (x[i], y[i]); NaN y is missing
** (a gap in a line). Bars: y[i] is the value of category i, lo/hi the
** optional whisker interval (NULL, or NaN for none). */
typedef struct render_svg_series {
  const char *name;
  const double *x, *y, *lo, *hi;
  const char *const *labels;   /* scatter: a label per point, may be NULL */
  size_t n;
} render_svg_series;

typedef struct render_svg_panel {
  render_svg_axis y;
  const render_svg_series *series;
  size_t n_series;
} render_svg_panel;

/* Words a chart writes itself (svg_lua.c fills them from the catalog keys
** chart.<name>; English when NULL). */
enum { RENDER_SVG_LOG_SCALE, RENDER_SVG_DIVERGING, RENDER_SVG_BEST,
       RENDER_SVG_SERIES, RENDER_SVG_POINT, RENDER_SVG_FRONT, RENDER_SVG_YES,
       RENDER_SVG_SAMPLED, RENDER_SVG_LIST_SEP, RENDER_SVG_N_WORDS };

typedef struct render_svg_chart {
  const char *id;      /* element id prefix; NULL: a hash of title, desc */
  const char *title, *desc;
  render_svg_axis x;
  render_svg_panel panel[2];   /* lines: panel[1] is optional (n_series 0) */
  double best_x;               /* lines: marked with a vertical line; NaN */
  const char *best_label;      /* "best epoch"; NULL: "best" */
  double shade_from, shade_to; /* lines: a shaded x-range; NaN: none */
  const char *shade_label;
  const char *const *categories;  /* bars: one name per category */
  size_t n_categories;
  int x_better, y_better;      /* scatter: -1 lower, +1 higher is better */
  struct render_i18n *digits;  /* numbers in this language's digits;
                               ** NULL: ASCII (reports, tests) */
  const char *words[RENDER_SVG_N_WORDS];  /* the chart's own words in the
                               ** page language; NULL: English */
} render_svg_chart;

/* The name of a chart's elements (title, desc, hatching): its id
** slugged, else "ch-" and a hash of title and desc. out: 16 bytes. */
void render_svg_chart_id(char out[16], const render_svg_chart *c);

/* Sets every field to its "none" value (NaN for best_x and shade). */
void render_svg_chart_init(render_svg_chart *c);

int render_svg_lines(pod_buf *svg, pod_buf *table, const render_svg_chart *c,
                     char err[POD_ERRLEN]);
int render_svg_bars(pod_buf *svg, pod_buf *table, const render_svg_chart *c,
                    char err[POD_ERRLEN]);
int render_svg_scatter(pod_buf *svg, pod_buf *table,
                       const render_svg_chart *c, char err[POD_ERRLEN]);

/* Text made safe for SVG and HTML: & < > " ' escaped, invalid UTF-8 and
** control characters dropped, bidi overrides and isolates (U+202A-202E,
** U+2066-2069) replaced by U+FFFD so a name cannot reorder its label. */
void render_svg_escape(pod_buf *out, const char *s);

#endif
