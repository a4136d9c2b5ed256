/*
** render/svg.c -- charts as inline SVG (render/svg.h): scales with 1-2-5
** ticks, series styles that never rely on colour alone (Okabe-Ito colours,
** markers, dash patterns, hatching), thinning of long series, and the
** three chart kinds with the HTML table of their data.
**
** Coordinates are written with "%.2f" and ids come from a hash of the
** title, so the same data gives the same bytes. Colours are presentation
** attributes that site/style.css overrides for dark mode.
*/
#include "render/svg.h"
#include "core/text.h"
#include "render/i18n.h"
#include "render/render.h"
#include "core/sha256.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Text is laid out for the largest size it takes: site/style.css sets
** 21 user units on phones, where the 640-wide chart shrinks to ~360 px
** (11.8 CSS px at 390 px); on wider screens it is the root's 14. Every
** gap below is room for that size, so nothing overlaps at either. */
#define W 640.0
#define PANEL_H 240.0
#define FONT 21.0       /* the largest font size, user units */
#define CHAR_W 12.0     /* rough width of a character at FONT */
#define LINE_H 36.0     /* a row of text at FONT (an Arabic box is ~1.45 FONT) */
#define MARGIN_L_MIN 40.0  /* the left margin fits the y tick labels */
#define MARGIN_R 24.0
#define TICK_X 42.0     /* below a panel: the x tick labels' baseline */
#define AXIS_H (TICK_X + LINE_H + 12)  /* the tick labels and the axis title */
#define GAP (30.0 + LINE_H)  /* between two panels: the second's y title */
#define MAX_TICKS 12
#define MAX_NAME 40     /* characters of a name shown in the chart */
#define MARKERS_UP_TO 60  /* series longer than this: lines only */

static const char *const COLOURS[] = {"#0072B2", "#D55E00", "#009E73",
                                      "#CC79A7", "#B07700", "#3388C8",
                                      "#000000"};
static const char *const DASHES[] = {NULL, "6 3", "2 3", "8 3 2 3",
                                     "12 4", "4 2 1 2"};
#define N_STYLES 7

/* ---- text ------------------------------------------------------------ */

/* Length of the UTF-8 sequence at s, 0 when invalid. */
static int utf8_len(const unsigned char *s) {
  int n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2
        : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
  if (n == 2 && s[0] < 0xc2) return 0;
  for (int i = 1; i < n; i++)
    if ((s[i] & 0xc0) != 0x80) return 0;
  return n;
}

/* Escapes at most max characters of s (0: all); "…" marks a cut. */
static void escape_n(pod_buf *out, const char *s, size_t max) {
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  size_t chars = 0;
  while (*p) {
    int n = utf8_len(p);
    if (n == 0) { p++; continue; }     /* not UTF-8: XML would reject it */
    if (max && ++chars > max) { pod_buf_adds(out, "\xe2\x80\xa6"); return; }
    if (n == 1) {
      switch (*p) {
      case '&': pod_buf_adds(out, "&amp;"); break;
      case '<': pod_buf_adds(out, "&lt;"); break;
      case '>': pod_buf_adds(out, "&gt;"); break;
      case '"': pod_buf_adds(out, "&quot;"); break;
      case '\'': pod_buf_adds(out, "&#39;"); break;
      default: if (*p >= 0x20 && *p != 0x7f) pod_buf_addc(out, (char)*p);
      }
    } else if (n == 3 && p[0] == 0xe2 &&
               ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
                (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9))) {
      pod_buf_adds(out, "\xef\xbf\xbd");  /* a bidi control: U+FFFD */
    } else {
      pod_buf_add(out, p, (size_t)n);
    }
    p += n;
  }
}

void render_svg_escape(pod_buf *out, const char *s) { escape_n(out, s, 0); }

static size_t text_chars(const char *s) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
    if ((*p & 0xc0) != 0x80) n++;
  return n > MAX_NAME ? MAX_NAME + 1 : n;
}

/* A coordinate: two decimals, never "-0.00". */
static void num(pod_buf *out, double v) {
  double r = round(v * 100) / 100;
  pod_buf_printf(out, "%.2f", r == 0 ? 0.0 : r);
}

static void text_at(pod_buf *out, double x, double y, const char *anchor,
                    const char *cls, const char *s) {
  pod_buf_adds(out, "<text x=\"");
  num(out, x);
  pod_buf_adds(out, "\" y=\"");
  num(out, y);
  pod_buf_printf(out, "\" text-anchor=\"%s\"%s%s%s direction=\"ltr\">",
                 anchor, cls ? " class=\"" : "", cls ? cls : "",
                 cls ? "\"" : "");
  escape_n(out, s, MAX_NAME);
  if (text_chars(s) > MAX_NAME) {   /* cut: the whole name on hover */
    pod_buf_adds(out, "<title>");
    escape_n(out, s, 0);
    pod_buf_adds(out, "</title>");
  }
  pod_buf_adds(out, "</text>\n");
}

/* Rough width of s drawn at FONT. */
static double text_w(const char *s) {
  size_t n = text_chars(s);
  return CHAR_W * (double)(n > MAX_NAME ? MAX_NAME + 1 : n);
}

/* A bar category's label under its band, wrapped at spaces to the band's
** width in lines LINE_H apart (at most 3; the rest is cut, with the whole
** label as its title). Returns the number of lines. */
static int category_label(pod_buf *out, double x, double y, double band,
                          const char *s) {
  const char *p = s;
  int lines = 0;
  while (*p && lines < 3) {
    const char *end = p, *q = p;
    char line[4 * MAX_NAME + 8];
    while (*q) {   /* take words while they fit */
      const char *w = q;
      while (*w == ' ') w++;
      while (*w && *w != ' ') w++;
      snprintf(line, sizeof line, "%.*s", (int)(w - p), p);
      if (end > p && text_w(line) > band - 8) break;
      end = q = w;
    }
    snprintf(line, sizeof line, "%.*s%s", (int)(end - p), p,
             lines == 2 && *end ? "\xe2\x80\xa6" : "");
    if (lines == 2 && *end) {
      pod_buf_adds(out, "<g><title>");
      escape_n(out, s, 0);
      pod_buf_adds(out, "</title>");
    }
    text_at(out, x, y + LINE_H * lines, "middle", "tick", line);
    if (lines == 2 && *end) pod_buf_adds(out, "</g>\n");
    lines++;
    p = end;
    while (*p == ' ') p++;
  }
  return lines ? lines : 1;
}

/* ---- scales and ticks ------------------------------------------------ */

typedef struct scale {
  double lo, hi;      /* data domain */
  double p0, p1;      /* pixels */
  int log;
  double tick[MAX_TICKS + 1];
  int n_tick;
  int integral;       /* every tick is a whole number */
  int decimals;       /* what unitless tick labels need */
} scale;

static int usable(const scale *s, double v) {
  return isfinite(v) && (!s->log || v > 0);
}

static double px(const scale *s, double v) {
  double t = s->log ? (log10(v) - log10(s->lo)) / (log10(s->hi) - log10(s->lo))
             : isfinite(s->hi - s->lo) ? (v - s->lo) / (s->hi - s->lo)
             /* a domain wider than a double holds (-1e308 to 1e308) */
             : (v / 2 - s->lo / 2) / (s->hi / 2 - s->lo / 2);
  return s->p0 + t * (s->p1 - s->p0);
}

static double step_125(double raw) {
  double mag = pow(10, floor(log10(raw))), f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/* The 1-2-5 value at or below (dir -1) / above (dir +1) v > 0. */
static double snap_125(double v, int dir) {
  double mag = pow(10, floor(log10(v))), f = v / mag * (1 + 1e-9 * -dir);
  static const double m[] = {1, 2, 5, 10};
  if (dir < 0) {
    for (int i = 3; i >= 0; i--)
      if (m[i] <= f) return m[i] * mag;
    return mag;
  }
  for (int i = 0; i < 4; i++)
    if (m[i] >= f) return m[i] * mag;
  return 10 * mag;
}

/* Domain [lo, hi] of the data (NaN when empty) into nice bounds and ticks;
** a flat or empty range is padded so nothing divides by zero. */
static void scale_fit(scale *s, double lo, double hi, int zero) {
  if (isnan(lo)) { lo = s->log ? 1 : 0; hi = s->log ? 10 : 1; }
  if (zero && !s->log) { lo = fmin(lo, 0); hi = fmax(hi, 0); }
  s->n_tick = 0;
  if (s->log) {
    if (hi <= lo) { lo /= 2; hi *= 2; }
    s->lo = snap_125(lo, -1);
    s->hi = snap_125(hi, 1);
    if (!isfinite(s->hi)) s->hi = fmin(hi, DBL_MAX);   /* 2e308: past a double */
    int decades = (int)ceil(log10(s->hi / s->lo) - 1e-9);
    int every = decades > 3 ? 1 + decades / MAX_TICKS : 0;
    for (int e = (int)floor(log10(s->lo)); e <= (int)ceil(log10(s->hi)); e++)
      for (int k = 0; k < 3; k++) {
        double v = (k == 0 ? 1 : k == 1 ? 2 : 5) * pow(10, e);
        if (every && (k || e % every)) continue;
        if (v >= s->lo * (1 - 1e-9) && v <= s->hi * (1 + 1e-9) &&
            s->n_tick < MAX_TICKS)
          s->tick[s->n_tick++] = v;
      }
    s->integral = s->lo >= 1;
    s->decimals = s->integral ? 0 : (int)ceil(-log10(s->lo) - 1e-9);
    return;
  }
  if (hi <= lo) {
    double pad = lo == 0 ? 1 : fabs(lo) * 0.1;
    lo = fmax(lo - pad, -DBL_MAX);
    hi = fmin(hi + pad, DBL_MAX);
  }
  double step = step_125(isfinite(hi - lo) ? (hi - lo) / 6 : hi / 6 - lo / 6);
  double k0 = floor(lo / step + 1e-9), k1 = ceil(hi / step - 1e-9);
  s->lo = k0 * step;
  s->hi = k1 * step;
  if (!isfinite(s->lo) || !isfinite(s->hi)) {
    /* nice bounds past the largest double (values near 1.8e308): the
    ** data's own, ticked at both ends, rather than NaN coordinates */
    s->lo = lo;
    s->hi = hi;
    s->tick[0] = lo;
    s->tick[1] = hi;
    s->n_tick = 2;
    s->integral = 1;
    s->decimals = 0;
    return;
  }
  for (double k = k0; k <= k1 && s->n_tick < MAX_TICKS; k++) {
    double v = k * step;
    s->tick[s->n_tick++] = fabs(v) < step * 1e-9 ? 0 : v;
  }
  s->integral = step >= 1 && fabs(step - round(step)) < 1e-9;
  s->decimals = s->integral ? 0 : (int)ceil(-log10(step) - 1e-9);
}

/* The language whose digits the chart being drawn uses (NULL: ASCII), and
** its words. Set by each render_svg_* for the length of one call; per
** thread, as run pages render on several (site.c). */
static _Thread_local struct render_i18n *digits;
static _Thread_local const char *const *words;

static const char *word(int k) {
  static const char *const english[RENDER_SVG_N_WORDS] = {
      "log scale", "diverging", "best", "Series", "Point", "Pareto front",
      "yes", "points shown: the lowest and highest of each stretch", ", "};
  return words && words[k] ? words[k] : english[k];
}

static void plain_number(pod_buf *out, double v, int decimals) {
  if (digits) render_i18n_number(digits, out, v, decimals);
  else pod_buf_printf(out, "%.*f", decimals, v);
}

/* The unit an axis writes its ticks in: the one its largest tick reads
** in ("ms"), for every tick, so no axis mixes "0 s" and "5 ms". Returns
** the factor from SI; *shown is "" without a unit. */
static double axis_scale(const scale *s, const render_svg_axis *a,
                         const char **shown) {
  double big = s->n_tick ? fmax(fabs(s->tick[0]), fabs(s->tick[s->n_tick - 1]))
                         : 1;
  if (!a->unit || !*a->unit) { *shown = ""; return 1; }
  return pod_unit_scale(big, a->unit, shown);
}

/* A tick label: the number in the axis's unit (the title names it), with
** the decimals the step needs (linear) or the tick itself needs (log). */
static void tick_text(pod_buf *out, const scale *s, double v, double f) {
  double x = v * f, step = s->n_tick > 1 ? (s->tick[1] - s->tick[0]) * f : 1;
  double d = s->log ? fabs(x) : fabs(step);
  int decimals = d >= 1 && fabs(d - round(d)) < 1e-9 ? 0
               : d > 0 ? (int)ceil(-log10(d) - 1e-9) : 0;
  if (decimals < 0) decimals = 0;
  if (decimals > 9) decimals = 9;
  if (fabs(x) >= 1e15) {   /* "1.7e308", not 309 digits */
    int e = (int)floor(log10(fabs(x)));
    double m = x / pow(10, e);
    if (fabs(m) >= 9.95) { m /= 10; e++; }   /* 9.96 shown as 10.0 */
    plain_number(out, m, 1);
    pod_buf_addc(out, 'e');
    plain_number(out, e, 0);
    return;
  }
  plain_number(out, fabs(x) < 1e-12 ? 0.0 : x, decimals);
}

/* A tick or table value: whole numbers without a unit stay whole ("12"),
** anything else goes through pod_fmt_value ("18.0 ms"). */
static void value_text(pod_buf *out, double v, const char *unit, int whole) {
  if (!unit || !*unit) {
    if (whole || (fabs(v) < 1e15 && v == round(v))) {
      plain_number(out, v == 0 ? 0.0 : v, 0);
      return;
    }
  }
  render_fmt_value_in(out, v, unit ? unit : "", digits);
}

/* "Latency (ms)": the unit the ticks are written in. */
static void axis_title(pod_buf *out, const render_svg_axis *a,
                       const scale *s) {
  pod_buf t = POD_BUF_INIT;
  const char *shown;
  pod_buf_adds(&t, a->label ? a->label : "");
  axis_scale(s, a, &shown);
  if (*shown) pod_buf_printf(&t, "%s(%s)", t.len ? " " : "", shown);
  if (a->log) {
    if (t.len) pod_buf_adds(&t, word(RENDER_SVG_LIST_SEP));
    pod_buf_adds(&t, word(RENDER_SVG_LOG_SCALE));
  }
  pod_buf_add(out, pod_buf_str(&t), t.len);
  pod_buf_free(&t);
}

/* The left margin of a chart (per thread, as digits): room for the widest
** y tick label of its panels. */
static _Thread_local double ml = MARGIN_L_MIN;

static double tick_labels_w(const scale *s, const render_svg_axis *a) {
  pod_buf t = POD_BUF_INIT;
  const char *shown;
  double f = axis_scale(s, a, &shown), w = 0;
  for (int i = 0; i < s->n_tick; i++) {
    pod_buf_clear(&t);
    tick_text(&t, s, s->tick[i], f);
    w = fmax(w, text_w(pod_buf_str(&t)));
  }
  pod_buf_free(&t);
  return w;
}

/* ---- points ---------------------------------------------------------- */

typedef struct pt {
  double x, y, lo, hi;
  size_t i;      /* index in the caller's arrays */
} pt;

static int by_x(const void *a, const void *b) {
  const pt *p = a, *q = b;
  if (p->x != q->x) return p->x < q->x ? -1 : 1;
  return p->i < q->i ? -1 : p->i > q->i;
}

static int by_index(const void *a, const void *b) {
  const size_t *p = a, *q = b;
  return *p < *q ? -1 : *p > *q;
}

/* The points of s sorted by x (NaN x dropped); *n_out of them. Thinned to
** the lowest and highest y of each bucket when there are too many, keeping
** the first, the last, each bucket's first gap and any point at keep_x.
** Owned: free(). */
static pt *points_of(const render_svg_series *s, double keep_x, int sort,
                     size_t *n_out, size_t *n_all) {
  pt *p = pod_xmalloc((s->n ? s->n : 1) * sizeof *p);
  size_t n = 0;
  for (size_t i = 0; i < s->n; i++) {
    double x = s->x ? s->x[i] : (double)i;
    if (isnan(x)) continue;
    p[n].x = x;
    p[n].y = s->y[i];
    p[n].lo = s->lo ? s->lo[i] : NAN;
    p[n].hi = s->hi ? s->hi[i] : NAN;
    p[n].i = i;
    n++;
  }
  if (sort) qsort(p, n, sizeof *p, by_x);
  *n_all = n;
  if (n <= RENDER_SVG_MAX_POINTS) { *n_out = n; return p; }
  size_t buckets = RENDER_SVG_MAX_POINTS / 2, k = 0;
  pt *q = pod_xmalloc((buckets * 5 + 2) * sizeof *q);
  for (size_t b = 0; b < buckets; b++) {
    size_t from = b * n / buckets, to = (b + 1) * n / buckets;
    size_t pick[5], m = 0, lo = SIZE_MAX, hi = SIZE_MAX, gap = SIZE_MAX,
           best = SIZE_MAX;
    for (size_t i = from; i < to; i++) {
      if (isnan(p[i].y)) { if (gap == SIZE_MAX) gap = i; }
      else {
        if (lo == SIZE_MAX || p[i].y < p[lo].y) lo = i;
        if (hi == SIZE_MAX || p[i].y > p[hi].y) hi = i;
      }
      if (p[i].x == keep_x && best == SIZE_MAX) best = i;
    }
    if (b == 0) pick[m++] = from;
    if (b == buckets - 1) pick[m++] = to - 1;
    if (lo != SIZE_MAX) pick[m++] = lo;
    if (hi != SIZE_MAX) pick[m++] = hi;
    if (gap != SIZE_MAX) pick[m++] = gap;
    if (best != SIZE_MAX && m < 5) pick[m++] = best;
    qsort(pick, m, sizeof *pick, by_index);
    for (size_t j = 0; j < m; j++)
      if (j == 0 || pick[j] != pick[j - 1]) q[k++] = p[pick[j]];
  }
  free(p);
  *n_out = k;
  return q;
}

/* ---- pieces every chart shares --------------------------------------- */

void render_svg_chart_id(char out[16], const render_svg_chart *c) {
  pod_sha256 h;
  char hex[65];
  if (c->id) {
    pod_buf b = POD_BUF_INIT;
    render_slug(&b, c->id);
    snprintf(out, 16, "%.15s", pod_buf_str(&b));
    pod_buf_free(&b);
    return;
  }
  pod_sha256_init(&h);
  pod_sha256_update(&h, c->title ? c->title : "", strlen(c->title ? c->title : ""));
  pod_sha256_update(&h, "\n", 1);
  pod_sha256_update(&h, c->desc ? c->desc : "", strlen(c->desc ? c->desc : ""));
  pod_sha256_hex(&h, hex);
  snprintf(out, 16, "ch-%.8s", hex);
}

static void svg_open(pod_buf *out, const char *id, double h,
                     const render_svg_chart *c, const char *kind) {
  pod_buf_adds(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
               "viewBox=\"0 0 ");
  num(out, W);
  pod_buf_adds(out, " ");
  num(out, h);
  pod_buf_printf(out, "\" role=\"img\" aria-labelledby=\"%s-t\" "
                 "aria-describedby=\"%s-d\" direction=\"ltr\" "
                 "style=\"direction:ltr\" font-family=\"system-ui, sans-serif\" "
                 "font-size=\"14\" fill=\"currentColor\">\n<title id=\"%s-t\">",
                 id, id, id);
  escape_n(out, c->title ? c->title : kind, 0);
  pod_buf_printf(out, "</title>\n<desc id=\"%s-d\">", id);
  if (c->desc) escape_n(out, c->desc, 0);
  else {
    pod_buf_printf(out, "%s", kind);
    for (int p = 0; p < 2; p++)
      for (size_t i = 0; i < c->panel[p].n_series; i++) {
        pod_buf_adds(out, i || p ? ", " : ": ");
        escape_n(out, c->panel[p].series[i].name, 0);
      }
    pod_buf_adds(out, ".");
  }
  pod_buf_adds(out, "</desc>\n");
}

/* The style attributes of series k: colour, and dash when lined. */
static void series_style(pod_buf *out, size_t k, int dashed) {
  const char *colour = COLOURS[k % N_STYLES];
  pod_buf_printf(out, " class=\"s%zu\" stroke=\"%s\" fill=\"%s\"",
                 k % N_STYLES, colour, colour);
  if (dashed && DASHES[k % 6])
    pod_buf_printf(out, " stroke-dasharray=\"%s\"", DASHES[k % 6]);
}

/* Marker k (circle, square, triangle, diamond, cross, triangle down) at
** (x, y); hollow markers keep overlapping points apart. */
static void marker(pod_buf *out, size_t k, double x, double y) {
  switch (k % 6) {
  case 0: pod_buf_adds(out, "<circle cx=\""); num(out, x);
    pod_buf_adds(out, "\" cy=\""); num(out, y);
    pod_buf_adds(out, "\" r=\"3.5\"/>"); break;
  case 1: pod_buf_adds(out, "<rect x=\""); num(out, x - 3.2);
    pod_buf_adds(out, "\" y=\""); num(out, y - 3.2);
    pod_buf_adds(out, "\" width=\"6.4\" height=\"6.4\"/>"); break;
  case 2: pod_buf_adds(out, "<path d=\"M"); num(out, x);
    pod_buf_adds(out, " "); num(out, y - 4.5);
    pod_buf_adds(out, "l4 7.5h-8z\"/>"); break;
  case 3: pod_buf_adds(out, "<path d=\"M"); num(out, x);
    pod_buf_adds(out, " "); num(out, y - 4.5);
    pod_buf_adds(out, "l4.5 4.5l-4.5 4.5l-4.5-4.5z\"/>"); break;
  case 4: pod_buf_adds(out, "<path fill=\"none\" stroke-width=\"2\" "
                       "stroke-dasharray=\"none\" d=\"M"); num(out, x - 4);
    pod_buf_adds(out, " "); num(out, y - 4);
    pod_buf_adds(out, "l8 8m0-8l-8 8\"/>"); break;
  default: pod_buf_adds(out, "<path d=\"M"); num(out, x);
    pod_buf_adds(out, " "); num(out, y + 4.5);
    pod_buf_adds(out, "l4-7.5h-8z\"/>"); break;
  }
  pod_buf_addc(out, '\n');
}

/* Legend rows below top: a sample (line, marker or box) and the name per
** series, wrapping at the chart's width. Returns the height used. */
static double legend(pod_buf *out, const render_svg_series *const *ss,
                     size_t n, double top, int lines, const char *boxes) {
  double x = 8, rows = 1, y = top + LINE_H - 8;
  for (size_t k = 0; k < n; k++) {
    double w = 30 + text_w(ss[k]->name) + 20;
    if (x > 8 && x + w > W - MARGIN_R) { x = 8; y += LINE_H; rows++; }
    pod_buf_adds(out, "<g");
    series_style(out, k, lines);
    pod_buf_adds(out, ">");
    if (boxes) {
      pod_buf_adds(out, "<rect x=\""); num(out, x);
      pod_buf_adds(out, "\" y=\""); num(out, y - 9);
      pod_buf_adds(out, "\" width=\"22\" height=\"11\"/>");
      if (k % N_STYLES) {
        pod_buf_adds(out, "<rect x=\""); num(out, x);
        pod_buf_adds(out, "\" y=\""); num(out, y - 9);
        pod_buf_printf(out, "\" width=\"22\" height=\"11\" class=\"hatch\" "
                       "fill=\"url(#%s-h%zu)\"/>", boxes, k % 3);
      }
    } else {
      if (lines) {
        pod_buf_adds(out, "<path fill=\"none\" stroke-width=\"2\" d=\"M");
        num(out, x); pod_buf_adds(out, " "); num(out, y - 4);
        pod_buf_adds(out, "h22\"/>");
      }
      marker(out, k, x + 11, y - 4);
    }
    pod_buf_adds(out, "</g>");
    text_at(out, x + 28, y, "start", "legend", ss[k]->name);
    x += w;
  }
  return rows * LINE_H;
}

/* Grid lines and tick labels of the y scale, and its title: a row of its
** own above the plot (title_y is its baseline), where no tick reaches it. */
static void y_axis(pod_buf *out, const scale *s, const render_svg_axis *a,
                   double top, double bottom, double title_y) {
  pod_buf t = POD_BUF_INIT;
  const char *shown;
  double f = axis_scale(s, a, &shown);
  for (int i = 0; i < s->n_tick; i++) {
    double y = px(s, s->tick[i]);
    pod_buf_adds(out, "<path class=\"grid\" stroke=\"currentColor\" "
                 "stroke-opacity=\"0.15\" d=\"M");
    num(out, ml); pod_buf_adds(out, " "); num(out, y);
    pod_buf_adds(out, "H"); num(out, W - MARGIN_R);
    pod_buf_adds(out, "\"/>\n");
    pod_buf_clear(&t);
    tick_text(&t, s, s->tick[i], f);
    text_at(out, ml - 8, y + FONT / 3, "end", "tick", pod_buf_str(&t));
  }
  pod_buf_clear(&t);
  axis_title(&t, a, s);
  text_at(out, 8, title_y, "start", "axis-title", pod_buf_str(&t));
  pod_buf_adds(out, "<path class=\"axis\" stroke=\"currentColor\" "
               "fill=\"none\" d=\"M");
  num(out, ml); pod_buf_adds(out, " "); num(out, top);
  pod_buf_adds(out, "V"); num(out, bottom);
  pod_buf_adds(out, "H"); num(out, W - MARGIN_R);
  pod_buf_adds(out, "\"/>\n");
  pod_buf_free(&t);
}

/* Tick labels of the x scale under bottom, and its title. A label that
** would touch the one before it is left out (its tick stays). */
static void x_axis(pod_buf *out, const scale *s, const render_svg_axis *a,
                   double bottom) {
  pod_buf t = POD_BUF_INIT;
  const char *shown;
  double f = axis_scale(s, a, &shown), right = -1e9;
  for (int i = 0; i < s->n_tick; i++) {
    double x = px(s, s->tick[i]), w;
    pod_buf_adds(out, "<path class=\"axis\" stroke=\"currentColor\" d=\"M");
    num(out, x); pod_buf_adds(out, " "); num(out, bottom);
    pod_buf_adds(out, "v4\"/>\n");
    pod_buf_clear(&t);
    tick_text(&t, s, s->tick[i], f);
    w = text_w(pod_buf_str(&t));
    double from = fmin(fmax(x - w / 2, 2), W - 2 - w);   /* inside the chart */
    if (from < right + CHAR_W) continue;
    text_at(out, from + w / 2, bottom + TICK_X, "middle", "tick",
            pod_buf_str(&t));
    right = from + w;
  }
  pod_buf_clear(&t);
  axis_title(&t, a, s);
  text_at(out, (ml + W - MARGIN_R) / 2, bottom + TICK_X + LINE_H, "middle",
          "axis-title", pod_buf_str(&t));
  pod_buf_free(&t);
}

static void table_open(pod_buf *out, size_t shown, size_t all) {
  pod_buf_adds(out, "<table class=\"chart-data\">\n");
  if (shown < all) {
    pod_buf_adds(out, "<caption>");
    plain_number(out, (double)shown, 0);
    pod_buf_adds(out, " / ");
    plain_number(out, (double)all, 0);
    pod_buf_adds(out, " ");
    render_svg_escape(out, word(RENDER_SVG_SAMPLED));
    pod_buf_adds(out, "</caption>\n");
  }
}

/* The isolate a table cell's name opens: on a right-to-left page a name
** with right-to-left letters in it ("bert-base-uncased (تأخیر)") reads
** right to left, as the page does; any other is isolated as it is. */
static const char *bdi_open(const char *s) {
  int rtl_page = digits && render_i18n_rtl(render_i18n_lang(digits));
  for (const unsigned char *p = (const unsigned char *)(s ? s : "");
       rtl_page && *p; p++)
    if (*p >= 0xd6 && *p <= 0xdf) return "<bdi dir=\"rtl\">";  /* U+0580-U+07FF */
  return "<bdi>";
}

static void th(pod_buf *out, const char *scope, const char *cls,
               const char *s) {
  pod_buf_printf(out, "<th scope=\"%s\"%s%s%s>%s", scope,
                 cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "",
                 bdi_open(s));
  escape_n(out, s, 0);
  pod_buf_adds(out, "</bdi></th>");
}

static void td_value(pod_buf *out, double v, const char *unit) {
  pod_buf_adds(out, "<td class=\"num\">");
  if (isnan(v)) pod_buf_adds(out, "\xe2\x80\x93");
  else value_text(out, v, unit, 0);
  pod_buf_adds(out, "</td>");
}

/* ---- line charts ----------------------------------------------------- */

typedef struct line_data {
  pt *p[2][N_STYLES * 4];
  size_t n[2][N_STYLES * 4], all;
} line_data;

#define MAX_SERIES (N_STYLES * 4)

static void lines_free(line_data *d) {
  for (int p = 0; p < 2; p++)
    for (size_t k = 0; k < MAX_SERIES; k++) free(d->p[p][k]);
}

static void panel_lines(pod_buf *out, const render_svg_panel *pn, pt **pts,
                        const size_t *npts, size_t first, const scale *sx,
                        const scale *sy) {
  for (size_t k = 0; k < pn->n_series; k++) {
    size_t n = npts[k], style = first + k;
    int pen = 0, markers = n <= MARKERS_UP_TO;
    pod_buf_adds(out, "<g");
    series_style(out, style, 1);
    pod_buf_adds(out, "><path fill=\"none\" stroke-width=\"2\" "
                 "stroke-linejoin=\"round\" d=\"");
    for (size_t i = 0; i < n; i++) {
      const pt *q = &pts[k][i];
      if (!usable(sy, q->y) || !usable(sx, q->x)) { pen = 0; continue; }
      pod_buf_adds(out, pen ? "L" : "M");
      num(out, px(sx, q->x)); pod_buf_adds(out, " "); num(out, px(sy, q->y));
      pen = 1;
    }
    pod_buf_adds(out, "\"/>\n");
    for (size_t i = 0; i < n; i++) {
      const pt *q = &pts[k][i];
      int alone = (i == 0 || !usable(sy, pts[k][i - 1].y)) &&
                  (i + 1 == n || !usable(sy, pts[k][i + 1].y));
      if (usable(sy, q->y) && usable(sx, q->x) && (markers || alone))
        marker(out, style, px(sx, q->x), px(sy, q->y));
    }
    pod_buf_adds(out, "</g>\n");
  }
}

/* Rows of notes x_marks writes above the plot. */
static int note_rows(const render_svg_chart *c, const scale *sx) {
  return usable(sx, c->best_x) +
         (usable(sx, c->shade_from) && usable(sx, c->shade_to));
}

/* The shaded range and the vertical mark at x (best epoch). Their notes
** (when notes_y is a number) sit in rows above the plot, the first with
** its baseline at notes_y, where no data line can cross them. */
static void x_marks(pod_buf *out, const render_svg_chart *c, const scale *sx,
                    double top, double bottom, double notes_y) {
  int labels = !isnan(notes_y);
  double row = notes_y;
  if (usable(sx, c->best_x)) {
    double x = px(sx, c->best_x);
    pod_buf t = POD_BUF_INIT;
    pod_buf_adds(out, "<path class=\"best\" stroke=\"currentColor\" "
                 "stroke-width=\"1.5\" stroke-dasharray=\"4 3\" d=\"M");
    num(out, x); pod_buf_adds(out, " "); num(out, labels ? row - FONT + 4 : top);
    pod_buf_adds(out, "V"); num(out, bottom);
    pod_buf_adds(out, "\"/>\n");
    if (labels) {
      pod_buf_printf(&t, "%s ", c->best_label ? c->best_label : word(RENDER_SVG_BEST));
      value_text(&t, c->best_x, c->x.unit, 0);
      int right = x + 6 + text_w(pod_buf_str(&t)) > W;
      text_at(out, right ? x - 6 : x + 6, row, right ? "end" : "start",
              "note", pod_buf_str(&t));
      row += LINE_H;
    }
    pod_buf_free(&t);
  }
  if (usable(sx, c->shade_from) && usable(sx, c->shade_to)) {
    double a = px(sx, fmax(sx->lo, fmin(c->shade_from, c->shade_to)));
    double b = px(sx, fmin(sx->hi, fmax(c->shade_from, c->shade_to)));
    const char *note = c->shade_label ? c->shade_label : word(RENDER_SVG_DIVERGING);
    pod_buf_adds(out, "<rect class=\"shade\" fill=\"currentColor\" "
                 "fill-opacity=\"0.08\" x=\"");
    num(out, a); pod_buf_adds(out, "\" y=\""); num(out, top);
    pod_buf_adds(out, "\" width=\""); num(out, b - a);
    pod_buf_adds(out, "\" height=\""); num(out, bottom - top);
    pod_buf_adds(out, "\"/>\n");
    if (labels) {
      int left = b - 4 - text_w(note) < 0;
      text_at(out, left ? a + 4 : b - 4, row, left ? "start" : "end", "note",
              note);
    }
  }
}

/* Wide table: one row per x, a column per series of both panels. */
static void lines_table(pod_buf *out, const render_svg_chart *c,
                        line_data *d) {
  size_t total = 0, n_x = 0, shown = 0;
  for (int p = 0; p < 2; p++)
    for (size_t k = 0; k < c->panel[p].n_series; k++) total += d->n[p][k];
  double *xs = pod_xmalloc((total ? total : 1) * sizeof *xs);
  for (int p = 0; p < 2; p++)
    for (size_t k = 0; k < c->panel[p].n_series; k++)
      for (size_t i = 0; i < d->n[p][k]; i++) xs[shown++] = d->p[p][k][i].x;
  pt *tmp = pod_xmalloc((total ? total : 1) * sizeof *tmp);
  for (size_t i = 0; i < total; i++) { tmp[i].x = xs[i]; tmp[i].i = 0; }
  qsort(tmp, total, sizeof *tmp, by_x);
  for (size_t i = 0; i < total; i++)
    if (n_x == 0 || tmp[i].x != xs[n_x - 1]) xs[n_x++] = tmp[i].x;
  free(tmp);
  table_open(out, shown, d->all);
  pod_buf_adds(out, "<thead><tr>");
  th(out, "col", NULL, c->x.label ? c->x.label : "x");
  for (int p = 0; p < 2; p++)
    for (size_t k = 0; k < c->panel[p].n_series; k++) {
      pod_buf t = POD_BUF_INIT;
      pod_buf_printf(&t, "%s", c->panel[p].series[k].name
                     ? c->panel[p].series[k].name : "");
      if (c->panel[p].y.label)
        pod_buf_printf(&t, " (%s)", c->panel[p].y.label);
      th(out, "col", "num", pod_buf_str(&t));
      pod_buf_free(&t);
    }
  pod_buf_adds(out, "</tr></thead>\n<tbody>\n");
  for (size_t r = 0; r < n_x; r++) {
    pod_buf_adds(out, "<tr><th scope=\"row\" class=\"num\">");
    value_text(out, xs[r], c->x.unit, 0);
    pod_buf_adds(out, "</th>");
    for (int p = 0; p < 2; p++)
      for (size_t k = 0; k < c->panel[p].n_series; k++) {
        double v = NAN;
        for (size_t i = 0; i < d->n[p][k]; i++)  /* sorted by x */
          if (d->p[p][k][i].x == xs[r]) { v = d->p[p][k][i].y; break; }
          else if (d->p[p][k][i].x > xs[r]) break;
        td_value(out, v, c->panel[p].y.unit);
      }
    pod_buf_adds(out, "</tr>\n");
  }
  pod_buf_adds(out, "</tbody>\n</table>\n");
  free(xs);
}

static int check_series(const render_svg_panel *pn, char err[POD_ERRLEN]) {
  if (pn->n_series > MAX_SERIES)
    return pod_err(err, POD_EINPUT, "found %zu series, expected at most %d",
                   pn->n_series, MAX_SERIES);
  for (size_t k = 0; k < pn->n_series; k++)
    if (pn->series[k].n && !pn->series[k].y)
      return pod_err(err, POD_EINPUT, "series %zu has no y values", k + 1);
  return POD_OK;
}

static int draw_lines(pod_buf *svg, pod_buf *table, const render_svg_chart *c,
                     char err[POD_ERRLEN]) {
  line_data d;
  scale sx, sy[2];
  const render_svg_series *names[2 * MAX_SERIES];
  size_t n_names = 0;
  double xlo = NAN, xhi = NAN;
  int n_panels = c->panel[1].n_series ? 2 : 1, rc;
  char id[16];
  if (!c->panel[0].n_series)
    return pod_err(err, POD_EINPUT, "found no series, expected at least one");
  if ((rc = check_series(&c->panel[0], err)) ||
      (rc = check_series(&c->panel[1], err)))
    return rc;
  memset(&d, 0, sizeof d);
  memset(&sx, 0, sizeof sx);
  memset(sy, 0, sizeof sy);
  sx.log = c->x.log;
  for (int p = 0; p < n_panels; p++) {
    double lo = NAN, hi = NAN;
    sy[p].log = c->panel[p].y.log;
    for (size_t k = 0; k < c->panel[p].n_series; k++) {
      size_t all;
      d.p[p][k] = points_of(&c->panel[p].series[k], c->best_x, 1,
                            &d.n[p][k], &all);
      d.all += all;
      names[n_names++] = &c->panel[p].series[k];
      for (size_t i = 0; i < d.n[p][k]; i++) {
        const pt *q = &d.p[p][k][i];
        if (usable(&sx, q->x)) { xlo = fmin(xlo, q->x); xhi = fmax(xhi, q->x); }
        if (usable(&sy[p], q->y)) { lo = fmin(lo, q->y); hi = fmax(hi, q->y); }
      }
    }
    scale_fit(&sy[p], isnan(lo) ? NAN : lo, hi, 0);
  }
  if (usable(&sx, c->best_x)) { xlo = fmin(xlo, c->best_x); xhi = fmax(xhi, c->best_x); }
  scale_fit(&sx, xlo, xhi, 0);
  ml = MARGIN_L_MIN;
  for (int p = 0; p < n_panels; p++)
    ml = fmax(ml, 16 + tick_labels_w(&sy[p], &c->panel[p].y));
  sx.p0 = ml;
  sx.p1 = W - MARGIN_R;

  /* from the top: the legend, the y title, the notes, the panel */
  pod_buf leg = POD_BUF_INIT, body = POD_BUF_INIT;
  double head = 8 + legend(&leg, names, n_names, 8, 1, NULL);
  double notes = LINE_H * note_rows(c, &sx);
  double top = head + LINE_H + notes + 24;
  for (int p = 0; p < n_panels; p++) {
    double ptop = top + p * (PANEL_H + GAP), pbot = ptop + PANEL_H;
    sy[p].p0 = pbot;
    sy[p].p1 = ptop;
    y_axis(&body, &sy[p], &c->panel[p].y, ptop, pbot,
           p ? ptop - 22 : head + LINE_H - 8);
    x_marks(&body, c, &sx, ptop, pbot, p ? NAN : head + 2 * LINE_H - 8);
    panel_lines(&body, &c->panel[p], d.p[p], d.n[p], p ? c->panel[0].n_series : 0,
                &sx, &sy[p]);
    if (p == n_panels - 1) x_axis(&body, &sx, &c->x, pbot);
  }
  double h = top + n_panels * PANEL_H + (n_panels - 1) * GAP + AXIS_H;
  render_svg_chart_id(id, c);
  svg_open(svg, id, h, c, "Line chart");
  pod_buf_add(svg, pod_buf_str(&leg), leg.len);
  pod_buf_add(svg, pod_buf_str(&body), body.len);
  pod_buf_adds(svg, "</svg>\n");
  if (table) lines_table(table, c, &d);
  pod_buf_free(&leg);
  pod_buf_free(&body);
  lines_free(&d);
  return POD_OK;
}

/* ---- grouped bars ---------------------------------------------------- */

static void hatch_defs(pod_buf *out, const char *id) {
  static const char *const d[] = {"M0 8L8 0", "M0 0L8 8", "M4 0V8"};
  pod_buf_adds(out, "<defs>");
  for (int i = 0; i < 3; i++)
    pod_buf_printf(out, "<pattern id=\"%s-h%d\" patternUnits=\"userSpaceOnUse\" "
                   "width=\"8\" height=\"8\"><path d=\"%s\" stroke=\"#ffffff\" "
                   "stroke-width=\"2\" stroke-opacity=\"0.7\"/></pattern>",
                   id, i, d[i]);
  pod_buf_adds(out, "</defs>\n");
}

static int draw_bars(pod_buf *svg, pod_buf *table, const render_svg_chart *c,
                    char err[POD_ERRLEN]) {
  const render_svg_panel *pn = &c->panel[0];
  const render_svg_series *names[MAX_SERIES];
  scale sy;
  double lo = NAN, hi = NAN;
  size_t nc = c->n_categories, ns = pn->n_series;
  char id[16];
  int rc;
  if (!ns || !nc)
    return pod_err(err, POD_EINPUT, "found %s, expected categories and at "
                   "least one series", ns ? "no categories" : "no series");
  if ((rc = check_series(pn, err))) return rc;
  memset(&sy, 0, sizeof sy);
  sy.log = pn->y.log;
  for (size_t k = 0; k < ns; k++) {
    names[k] = &pn->series[k];
    for (size_t i = 0; i < nc && i < pn->series[k].n; i++) {
      const render_svg_series *s = &pn->series[k];
      double v[3] = {s->y[i], s->lo ? s->lo[i] : NAN, s->hi ? s->hi[i] : NAN};
      for (int j = 0; j < 3; j++)
        if (usable(&sy, v[j])) { lo = fmin(lo, v[j]); hi = fmax(hi, v[j]); }
    }
  }
  scale_fit(&sy, lo, hi, 1);
  render_svg_chart_id(id, c);
  pod_buf leg = POD_BUF_INIT, body = POD_BUF_INIT, t = POD_BUF_INIT;
  double head = 8 + legend(&leg, names, ns, 8, 0, id);
  double top = head + LINE_H + 24, bot = top + PANEL_H;
  int lines = 1;   /* of the longest category label */
  ml = fmax(MARGIN_L_MIN, 16 + tick_labels_w(&sy, &pn->y));
  sy.p0 = bot;
  sy.p1 = top;
  y_axis(&body, &sy, &pn->y, top, bot, head + LINE_H - 8);
  double band = (W - MARGIN_R - ml) / (double)nc;
  double bw = fmin(48, band * 0.8 / (double)ns);
  double base = px(&sy, sy.log ? sy.lo : fmax(sy.lo, fmin(0, sy.hi)));
  for (size_t i = 0; i < nc; i++) {
    double x0 = ml + band * (double)i + (band - bw * (double)ns) / 2;
    for (size_t k = 0; k < ns; k++) {
      const render_svg_series *s = &pn->series[k];
      double v = i < s->n ? s->y[i] : NAN, x = x0 + bw * (double)k;
      if (!usable(&sy, v)) continue;
      double y = px(&sy, v), y0 = fmin(y, base), hgt = fabs(base - y);
      pod_buf_adds(&body, "<g");
      series_style(&body, k, 0);
      pod_buf_adds(&body, "><rect x=\""); num(&body, x + 1);
      pod_buf_adds(&body, "\" y=\""); num(&body, y0);
      pod_buf_adds(&body, "\" width=\""); num(&body, bw - 2);
      pod_buf_adds(&body, "\" height=\""); num(&body, hgt);
      pod_buf_adds(&body, "\"/>");
      if (k % N_STYLES) {
        pod_buf_adds(&body, "<rect class=\"hatch\" x=\""); num(&body, x + 1);
        pod_buf_adds(&body, "\" y=\""); num(&body, y0);
        pod_buf_adds(&body, "\" width=\""); num(&body, bw - 2);
        pod_buf_adds(&body, "\" height=\""); num(&body, hgt);
        pod_buf_printf(&body, "\" fill=\"url(#%s-h%zu)\"/>", id, k % 3);
      }
      pod_buf_adds(&body, "</g>\n");
      double wlo = s->lo ? s->lo[i] : NAN, whi = s->hi ? s->hi[i] : NAN;
      if (usable(&sy, wlo) && usable(&sy, whi)) {
        double cx = x + bw / 2;
        pod_buf_adds(&body, "<path class=\"whisker\" stroke=\"currentColor\" "
                     "fill=\"none\" d=\"M");
        num(&body, cx); pod_buf_adds(&body, " "); num(&body, px(&sy, wlo));
        pod_buf_adds(&body, "V"); num(&body, px(&sy, whi));
        pod_buf_adds(&body, "M"); num(&body, cx - 4);
        pod_buf_adds(&body, " "); num(&body, px(&sy, wlo)); pod_buf_adds(&body, "h8M");
        num(&body, cx - 4); pod_buf_adds(&body, " "); num(&body, px(&sy, whi));
        pod_buf_adds(&body, "h8\"/>\n");
      }
    }
    int n = category_label(&body, ml + band * ((double)i + 0.5),
                           bot + TICK_X, band, c->categories[i]);
    if (n > lines) lines = n;
  }
  pod_buf_adds(&body, "<path class=\"axis\" stroke=\"currentColor\" d=\"M");
  num(&body, ml); pod_buf_adds(&body, " "); num(&body, base);
  pod_buf_adds(&body, "H"); num(&body, W - MARGIN_R); pod_buf_adds(&body, "\"/>\n");
  if (c->x.label) text_at(&body, (ml + W - MARGIN_R) / 2,
                          bot + TICK_X + lines * LINE_H, "middle",
                          "axis-title", c->x.label);
  svg_open(svg, id, bot + AXIS_H + (lines - 1) * LINE_H, c, "Bar chart");
  hatch_defs(svg, id);
  pod_buf_add(svg, pod_buf_str(&leg), leg.len);
  pod_buf_add(svg, pod_buf_str(&body), body.len);
  pod_buf_adds(svg, "</svg>\n");
  if (table) {
    table_open(table, 0, 0);
    pod_buf_adds(table, "<thead><tr>");
    th(table, "col", NULL, c->x.label ? c->x.label : "");
    for (size_t k = 0; k < ns; k++) th(table, "col", "num", pn->series[k].name);
    pod_buf_adds(table, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < nc; i++) {
      pod_buf_adds(table, "<tr>");
      th(table, "row", NULL, c->categories[i]);
      for (size_t k = 0; k < ns; k++) {
        const render_svg_series *s = &pn->series[k];
        double v = i < s->n ? s->y[i] : NAN;
        double wlo = s->lo && i < s->n ? s->lo[i] : NAN;
        double whi = s->hi && i < s->n ? s->hi[i] : NAN;
        pod_buf_adds(table, "<td class=\"num\">");
        if (isnan(v)) pod_buf_adds(table, "\xe2\x80\x93");
        else value_text(table, v, pn->y.unit, 0);
        if (!isnan(wlo) && !isnan(whi)) {
          pod_buf_adds(table, " [");
          value_text(table, wlo, pn->y.unit, 0);
          pod_buf_adds(table, "\xe2\x80\x93");
          value_text(table, whi, pn->y.unit, 0);
          pod_buf_adds(table, "]");
        }
        pod_buf_adds(table, "</td>");
      }
      pod_buf_adds(table, "</tr>\n");
    }
    pod_buf_adds(table, "</tbody>\n</table>\n");
  }
  pod_buf_free(&leg);
  pod_buf_free(&body);
  pod_buf_free(&t);
  return POD_OK;
}

/* ---- scatter and Pareto front ---------------------------------------- */

typedef struct spt {
  double x, y;
  size_t k, i;   /* series, index */
  int front;
} spt;

static int draw_scatter(pod_buf *svg, pod_buf *table,
                       const render_svg_chart *c, char err[POD_ERRLEN]) {
  const render_svg_panel *pn = &c->panel[0];
  const render_svg_series *names[MAX_SERIES];
  scale sx, sy;
  size_t n = 0, cap = 0;
  double xlo = NAN, xhi = NAN, ylo = NAN, yhi = NAN;
  char id[16];
  int rc;
  if (!pn->n_series)
    return pod_err(err, POD_EINPUT, "found no series, expected at least one");
  if ((rc = check_series(pn, err))) return rc;
  memset(&sx, 0, sizeof sx);
  memset(&sy, 0, sizeof sy);
  sx.log = c->x.log;
  sy.log = pn->y.log;
  for (size_t k = 0; k < pn->n_series; k++) cap += pn->series[k].n;
  spt *p = pod_xmalloc((cap ? cap : 1) * sizeof *p);
  for (size_t k = 0; k < pn->n_series; k++) {
    const render_svg_series *s = &pn->series[k];
    names[k] = s;
    for (size_t i = 0; i < s->n; i++) {
      double x = s->x ? s->x[i] : (double)i;
      if (!usable(&sx, x) || !usable(&sy, s->y[i])) continue;
      p[n].x = x; p[n].y = s->y[i]; p[n].k = k; p[n].i = i; p[n].front = 0;
      xlo = fmin(xlo, x); xhi = fmax(xhi, x);
      ylo = fmin(ylo, s->y[i]); yhi = fmax(yhi, s->y[i]);
      n++;
    }
  }
  {  /* better x first, the front marked: analysis/pareto.c */
    double *px = pod_xmalloc((n ? n : 1) * sizeof *px);
    double *py = pod_xmalloc((n ? n : 1) * sizeof *py);
    size_t *order = pod_xmalloc((n ? n : 1) * sizeof *order);
    char *front = pod_xmalloc(n ? n : 1);
    spt *sorted = pod_xmalloc((n ? n : 1) * sizeof *sorted);
    for (size_t i = 0; i < n; i++) { px[i] = p[i].x; py[i] = p[i].y; }
    analysis_pareto(px, py, n, c->x_better ? c->x_better : -1,
                    c->y_better ? c->y_better : 1, order, front);
    for (size_t i = 0; i < n; i++) {
      sorted[i] = p[order[i]];
      sorted[i].front = front[order[i]];
    }
    memcpy(p, sorted, n * sizeof *p);
    free(px); free(py); free(order); free(front); free(sorted);
  }
  scale_fit(&sx, xlo, xhi, 0);
  scale_fit(&sy, ylo, yhi, 0);
  pod_buf leg = POD_BUF_INIT, body = POD_BUF_INIT;
  double head = 8 + legend(&leg, names, pn->n_series, 8, 0, NULL);
  double top = head + LINE_H + 24;
  double bot = top + PANEL_H + 40;
  ml = fmax(MARGIN_L_MIN, 16 + tick_labels_w(&sy, &pn->y));
  sx.p0 = ml; sx.p1 = W - MARGIN_R;
  sy.p0 = bot; sy.p1 = top;
  y_axis(&body, &sy, &pn->y, top, bot, head + LINE_H - 8);
  x_axis(&body, &sx, &c->x, bot);
  pod_buf_adds(&body, "<path class=\"front\" stroke=\"currentColor\" "
               "stroke-width=\"1.5\" fill=\"none\" d=\"");
  for (size_t i = 0, m = 0; i < n; i++) {
    if (!p[i].front) continue;
    if (m++ == 0) {
      pod_buf_adds(&body, "M"); num(&body, px(&sx, p[i].x));
      pod_buf_adds(&body, " "); num(&body, px(&sy, p[i].y));
    } else {
      pod_buf_adds(&body, "H"); num(&body, px(&sx, p[i].x));
      pod_buf_adds(&body, "V"); num(&body, px(&sy, p[i].y));
    }
  }
  pod_buf_adds(&body, "\"/>\n");
  for (size_t k = 0; k < pn->n_series; k++) {
    pod_buf_adds(&body, "<g");
    series_style(&body, k, 0);
    pod_buf_adds(&body, ">\n");
    for (size_t i = 0; i < n; i++)
      if (p[i].k == k) marker(&body, k, px(&sx, p[i].x), px(&sy, p[i].y));
    pod_buf_adds(&body, "</g>\n");
  }
  /* labels of the front: above or below the point, never over another
  ** label; one with no room is left to the table */
  double (*box)[4] = pod_xmalloc((n ? n : 1) * sizeof *box);
  size_t n_box = 0;
  for (size_t i = 0; i < n; i++) {
    const render_svg_series *s = &pn->series[p[i].k];
    const char *label = s->labels && s->labels[p[i].i] ? s->labels[p[i].i] : s->name;
    double x = px(&sx, p[i].x), y = px(&sy, p[i].y), w = text_w(label);
    int right = x > (ml + W - MARGIN_R) / 2;
    if (!p[i].front) continue;
    for (int tries = 0; tries < 2; tries++) {
      double base = tries ? y + FONT + 4 : y - 7;
      double b[4] = {right ? x - 7 - w : x + 7, base - FONT * 0.8,
                     right ? x - 7 : x + 7 + w, base + FONT * 0.25};
      int clash = b[1] < top - 4 || b[3] > bot || b[0] < ml || b[2] > W;
      for (size_t j = 0; j < n_box && !clash; j++)
        clash = b[0] < box[j][2] && box[j][0] < b[2] &&
                b[1] < box[j][3] && box[j][1] < b[3];
      if (clash) continue;
      memcpy(box[n_box++], b, sizeof b);
      text_at(&body, right ? x - 7 : x + 7, base, right ? "end" : "start",
              "label", label);
      break;
    }
  }
  free(box);
  render_svg_chart_id(id, c);
  svg_open(svg, id, bot + AXIS_H, c, "Scatter chart");
  pod_buf_add(svg, pod_buf_str(&leg), leg.len);
  pod_buf_add(svg, pod_buf_str(&body), body.len);
  pod_buf_adds(svg, "</svg>\n");
  if (table) {
    table_open(table, 0, 0);
    pod_buf_adds(table, "<thead><tr>");
    th(table, "col", NULL, word(RENDER_SVG_SERIES));
    th(table, "col", NULL, word(RENDER_SVG_POINT));
    th(table, "col", "num", c->x.label ? c->x.label : "x");
    th(table, "col", "num", pn->y.label ? pn->y.label : "y");
    th(table, "col", NULL, word(RENDER_SVG_FRONT));
    pod_buf_adds(table, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
      const render_svg_series *s = &pn->series[p[i].k];
      pod_buf_adds(table, "<tr>");
      th(table, "row", NULL, s->name);
      pod_buf_adds(table, "<td>");
      pod_buf_adds(table, bdi_open(s->labels && s->labels[p[i].i] ? s->labels[p[i].i] : ""));
      escape_n(table, s->labels && s->labels[p[i].i] ? s->labels[p[i].i] : "", 0);
      pod_buf_adds(table, "</bdi></td>");
      td_value(table, p[i].x, c->x.unit);
      td_value(table, p[i].y, pn->y.unit);
      pod_buf_printf(table, "<td>%s</td></tr>\n", p[i].front ? word(RENDER_SVG_YES) : "");
    }
    pod_buf_adds(table, "</tbody>\n</table>\n");
  }
  free(p);
  pod_buf_free(&leg);
  pod_buf_free(&body);
  return POD_OK;
}

void render_svg_chart_init(render_svg_chart *c) {
  memset(c, 0, sizeof *c);
  c->best_x = NAN;
  c->shade_from = NAN;
  c->shade_to = NAN;
}

/* The public entries: draw in the chart's language digits, then forget
** the language. */
#define WITH_DIGITS(draw)                        \
  int rc;                                        \
  digits = c->digits;                            \
  words = c->words;                              \
  rc = draw(svg, table, c, err);                 \
  digits = NULL;                                 \
  words = NULL;                                  \
  return rc

int render_svg_lines(pod_buf *svg, pod_buf *table, const render_svg_chart *c,
                     char err[POD_ERRLEN]) {
  WITH_DIGITS(draw_lines);
}

int render_svg_bars(pod_buf *svg, pod_buf *table, const render_svg_chart *c,
                    char err[POD_ERRLEN]) {
  WITH_DIGITS(draw_bars);
}

int render_svg_scatter(pod_buf *svg, pod_buf *table,
                       const render_svg_chart *c, char err[POD_ERRLEN]) {
  WITH_DIGITS(draw_scatter);
}
