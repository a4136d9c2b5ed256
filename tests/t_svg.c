/*
** tests/t_svg.c -- render/svg.c and the chart helpers: golden SVG per
** chart kind and edge case (tests/golden/svg/<case>.svg, with the data
** table in <case>.html), XML well-formedness through xmllint, thinning of
** long series, hostile names, and charts on run and leaderboard pages.
** `make golden` (PODIUM_GOLDEN=1) rewrites the goldens; nothing else does.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "ingest/ingest.h"
#include "render/render.h"
#include "render/svg.h"
#include "store/store.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define GOLDEN_DIR "tests/golden/svg"

static void golden(const char *name, const char *ext, const pod_buf *out) {
  char rel[600];
  snprintf(rel, sizeof rel, "svg/%s.%s", name, ext);
  test_golden(rel, out);
}

typedef int (*draw_fn)(pod_buf *, pod_buf *, const render_svg_chart *, char *);

/* Draws c, checks it against the goldens, returns the SVG (static). */
static const char *draw(const char *name, draw_fn fn,
                        const render_svg_chart *c, pod_buf *table) {
  static pod_buf svg = POD_BUF_INIT;
  pod_buf t = POD_BUF_INIT;
  char err[POD_ERRLEN];
  pod_buf_clear(&svg);
  CHECK_RC(fn(&svg, &t, c, err), POD_OK, err);
  golden(name, "svg", &svg);
  golden(name, "html", &t);
  if (table) { pod_buf_clear(table); pod_buf_add(table, pod_buf_str(&t), t.len); }
  pod_buf_free(&t);
  return pod_buf_str(&svg);
}

static const double EPOCH[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
static const double TRAIN[] = {1.2, 0.9, 0.7, 0.55, 0.45, 0.38, 0.31, 0.26, 0.22, 0.19};
static const double VALID[] = {1.25, 0.98, 0.8, 0.7, 0.66, 0.65, 0.67, 0.71, 0.76, 0.83};
static const double ACC[] = {0.61, 0.7, 0.75, 0.78, 0.8, 0.81, 0.805, 0.8, 0.79, 0.78};

static void test_svg_line_chart_overfitting_plot(void) {
  render_svg_series loss[] = {{"train", EPOCH, TRAIN, NULL, NULL, NULL, 10},
                              {"validation", EPOCH, VALID, NULL, NULL, NULL, 10}};
  render_svg_series acc[] = {{"validation accuracy", EPOCH, ACC, NULL, NULL, NULL, 10}};
  render_svg_chart c;
  render_svg_chart_init(&c);
  c.title = "loss per epoch";
  c.x.label = "Epoch";
  c.panel[0].y.label = "Loss";
  c.panel[0].series = loss;
  c.panel[0].n_series = 2;
  c.panel[1].y.label = "Accuracy";
  c.panel[1].series = acc;
  c.panel[1].n_series = 1;
  c.best_x = 6;
  c.best_label = "best epoch";
  c.shade_from = 6;
  c.shade_to = 10;
  const char *svg = draw("lines_overfitting", render_svg_lines, &c, NULL);
  CHECK_HAS(svg, "role=\"img\"");
  CHECK_HAS(svg, "<title id=");
  CHECK_HAS(svg, "<desc id=");
  CHECK_HAS(svg, "direction:ltr");
  CHECK_HAS(svg, "best epoch 6");
  CHECK_HAS(svg, "class=\"shade\"");
  CHECK_HAS(svg, "stroke-dasharray=\"6 3\"");   /* not colour alone */
  CHECK_LACKS(svg, "nan");
  CHECK_LACKS(svg, "inf");
}

static void test_svg_line_chart_latency_by_sequence_length(void) {
  static const double seq[] = {8, 32, 128, 512};
  static const double bert[] = {0.0061, 0.0064, 0.018, 0.088};
  static const double distil[] = {0.0035, 0.0036, 0.0095, 0.046};
  render_svg_series s[] = {{"bert-base-uncased", seq, bert, NULL, NULL, NULL, 4},
                           {"distilbert-base-uncased", seq, distil, NULL, NULL, NULL, 4}};
  render_svg_chart c;
  render_svg_chart_init(&c);
  c.title = "inference_time by sequence length, batch size 8";
  c.x.label = "Sequence length";
  c.x.log = 1;
  c.panel[0].y.label = "Latency";
  c.panel[0].y.unit = "s";
  c.panel[0].series = s;
  c.panel[0].n_series = 2;
  const char *svg = draw("lines_latency", render_svg_lines, &c, NULL);
  CHECK_HAS(svg, "Latency (ms)");
  CHECK_HAS(svg, "log scale");
  CHECK_HAS(svg, ">20</text>");   /* 1-2-5 ticks in the title's unit */
  CHECK_HAS(svg, ">500</text>");
}

static void test_svg_line_chart_edge_cases(void) {
  static const double one_x[] = {3}, one_y[] = {0.5};
  static const double eq_y[] = {2, 2, 2, 2, 2};
  static const double gap_y[] = {1, 0.8, NAN, NAN, 0.5, NAN, 0.4, 0.35, 0.3, 0.3};
  static const double neg_y[] = {-3, -1.5, 0.2, 1.4, -0.7};
  render_svg_series s1 = {"only", one_x, one_y, NULL, NULL, NULL, 1};
  render_svg_series s2 = {"flat", EPOCH, eq_y, NULL, NULL, NULL, 5};
  render_svg_series s3 = {"gappy", EPOCH, gap_y, NULL, NULL, NULL, 10};
  render_svg_series s4 = {"signed", EPOCH, neg_y, NULL, NULL, NULL, 5};
  render_svg_chart c;
  const char *svg;
  pod_buf table = POD_BUF_INIT;
  render_svg_chart_init(&c);
  c.x.label = "Epoch";
  c.panel[0].y.label = "Value";
  c.panel[0].n_series = 1;
  c.title = "one point";
  c.panel[0].series = &s1;
  svg = draw("lines_one_point", render_svg_lines, &c, NULL);
  CHECK_HAS(svg, "<circle");           /* a lone point still shows */
  CHECK_LACKS(svg, "nan");
  c.title = "all values equal";
  c.panel[0].series = &s2;
  svg = draw("lines_all_equal", render_svg_lines, &c, NULL);
  CHECK_LACKS(svg, "nan");
  CHECK_LACKS(svg, "inf");
  c.title = "missing values";
  c.panel[0].series = &s3;
  svg = draw("lines_missing", render_svg_lines, &c, &table);
  CHECK_INT(strstr(svg, " d=\"M") != NULL, 1);
  /* three runs of points: the line is cut at each gap */
  const char *path = strstr(svg, "stroke-linejoin");
  int moves = 0;
  for (const char *p = path; p && *p != '/'; p++) moves += *p == 'M';
  CHECK_INT(moves, 3);
  CHECK_HAS(table.data, "<td class=\"num\">\xe2\x80\x93</td>");  /* not 0 */
  c.title = "negative values";
  c.panel[0].series = &s4;
  svg = draw("lines_negative", render_svg_lines, &c, NULL);
  CHECK_HAS(svg, ">-3</text>");
  pod_buf_free(&table);
  {  /* values near the largest double (a diverged run): their nice bounds
     ** (2e308) and their span (-1e308 to 1e308) are past it; no NaN
     ** coordinates or "-NaN" ticks (not golden: the ticks are 309 digits) */
    static const double huge_y[] = {1e308, -1e308, 1.7e308, -1.7e308, 0};
    static const double max_y[] = {DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX};
    static const double pos_y[] = {1.7e308, 1e300, 1e-300, 5e307, 1};
    const double *ys[] = {huge_y, max_y, pos_y};
    for (int k = 0; k < 3; k++) {
      render_svg_series sh = {"diverged", EPOCH, ys[k], NULL, NULL, NULL, 5};
      pod_buf out = POD_BUF_INIT;
      char err[POD_ERRLEN];
      c.title = "huge values";
      c.panel[0].series = &sh;
      c.panel[0].y.log = k == 2;
      CHECK_RC(render_svg_lines(&out, NULL, &c, err), POD_OK, err);
      CHECK_LACKS(pod_buf_str(&out), "nan");
      CHECK_LACKS(pod_buf_str(&out), "NaN");
      CHECK_LACKS(pod_buf_str(&out), "inf");
      CHECK_HAS(pod_buf_str(&out), "<path");
      CHECK_LACKS(pod_buf_str(&out), "0000000000000000");   /* 309 digits */
      pod_buf_free(&out);
    }
  }
}

static void test_svg_line_chart_thins_10000_points_keeping_extremes(void) {
  enum { N = 10000 };
  double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
  render_svg_series s = {"train", NULL, NULL, NULL, NULL, NULL, N};
  render_svg_chart c;
  pod_buf table = POD_BUF_INIT;
  for (int i = 0; i < N; i++) {
    x[i] = i;
    y[i] = 1 + 0.25 * sin(i / 50.0);
  }
  y[7777] = 50;      /* a spike */
  y[3333] = -50;     /* a dip */
  y[4242] = 1.0625;  /* an unremarkable point that is the best epoch */
  s.x = x;
  s.y = y;
  render_svg_chart_init(&c);
  c.title = "ten thousand points";
  c.x.label = "Step";
  c.panel[0].series = &s;
  c.panel[0].n_series = 1;
  c.best_x = 4242;
  const char *svg = draw("lines_10000_points", render_svg_lines, &c, &table);
  CHECK(strlen(svg) < 40000);
  CHECK_HAS(table.data, ">7777</th><td class=\"num\">50</td>");
  CHECK_HAS(table.data, ">3333</th><td class=\"num\">-50</td>");
  CHECK_HAS(table.data, ">4242</th>");
  CHECK_HAS(table.data, ">0</th>");
  CHECK_HAS(table.data, ">9999</th>");
  CHECK_HAS(table.data, " / 10000 points shown: the lowest and highest");
  CHECK_HAS(svg, "best 4242");
  free(x);
  free(y);
  pod_buf_free(&table);
}

static void test_svg_escapes_hostile_names(void) {
  static const double y[] = {1, 2};
  render_svg_series s[] = {{"<script>alert(1)</script>", EPOCH, y, NULL, NULL, NULL, 2},
                           {"a\"b&c'd \xe2\x80\xae" "exe.gnp", EPOCH, y, NULL, NULL, NULL, 2},
                           {"bad\xff utf8 \x01 \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7", EPOCH, y, NULL, NULL, NULL, 2}};
  render_svg_chart c;
  pod_buf table = POD_BUF_INIT;
  render_svg_chart_init(&c);
  c.title = "<b>title</b> & \"quotes\"";
  c.desc = "</desc><script>x</script>";
  c.x.label = "<x>";
  c.panel[0].y.label = "y & z";
  c.panel[0].series = s;
  c.panel[0].n_series = 3;
  const char *svg = draw("lines_hostile_names", render_svg_lines, &c, &table);
  CHECK_LACKS(svg, "<script");
  CHECK_LACKS(svg, "<b>");
  CHECK_LACKS(svg, "\xe2\x80\xae");
  CHECK_LACKS(svg, "\xff");
  CHECK_LACKS(svg, "\x01");
  CHECK_HAS(svg, "&lt;script&gt;");
  CHECK_HAS(svg, "a&quot;b&amp;c&#39;d \xef\xbf\xbd");
  CHECK_HAS(svg, "direction=\"ltr\">");   /* site/style.css isolates each text */
  CHECK_HAS(svg, "\xd9\x85\xd8\xb1");   /* Arabic stays */
  CHECK_LACKS(table.data, "<script");
  CHECK_LACKS(table.data, "\xe2\x80\xae");
  pod_buf_free(&table);
}

static void test_svg_grouped_bars_with_whiskers(void) {
  static const char *const cats[] = {"latency", "memory", "energy"};
  static const double base[] = {1, 1, 1}, opt[] = {0.62, 0.8, 0.71};
  static const double lo[] = {0.55, 0.78, NAN}, hi[] = {0.7, 0.83, NAN};
  static const double neg[] = {-0.2, 0.1, NAN};
  render_svg_series s[] = {{"baseline", NULL, base, NULL, NULL, NULL, 3},
                           {"optimized", NULL, opt, lo, hi, NULL, 3},
                           {"change", NULL, neg, NULL, NULL, NULL, 3}};
  render_svg_chart c;
  render_svg_chart_init(&c);
  c.title = "baseline vs optimized, relative to baseline";
  c.x.label = "Metric";
  c.panel[0].y.label = "Relative to baseline";
  c.panel[0].series = s;
  c.panel[0].n_series = 3;
  c.categories = cats;
  c.n_categories = 3;
  const char *svg = draw("bars_baseline_optimized", render_svg_bars, &c, NULL);
  CHECK_HAS(svg, "class=\"whisker\"");
  CHECK_HAS(svg, "fill=\"url(#");         /* hatching, not colour alone */
  CHECK_HAS(svg, ">-0.2</text>");         /* negatives go below zero */
  c.n_categories = 0;
  pod_buf out = POD_BUF_INIT;
  char err[POD_ERRLEN];
  CHECK_INT(render_svg_bars(&out, NULL, &c, err), POD_EINPUT);
  pod_buf_free(&out);
}

static void test_svg_scatter_marks_the_pareto_front(void) {
  static const double lat[] = {0.02, 0.012, 0.03, 0.008, 0.015};
  static const double acc[] = {0.91, 0.88, 0.93, 0.80, 0.85};
  static const char *const names[] = {"bert", "distil", "large", "tiny", "dominated"};
  render_svg_series s[] = {{"models", lat, acc, NULL, NULL, names, 5}};
  render_svg_chart c;
  pod_buf table = POD_BUF_INIT;
  render_svg_chart_init(&c);
  c.title = "accuracy against latency";
  c.x.label = "Latency";
  c.x.unit = "s";
  c.panel[0].y.label = "Accuracy";
  c.panel[0].series = s;
  c.panel[0].n_series = 1;
  c.x_better = -1;
  c.y_better = 1;
  const char *svg = draw("scatter_pareto", render_svg_scatter, &c, &table);
  CHECK_HAS(svg, "class=\"front\"");
  CHECK_HAS(svg, ">tiny</text>");
  CHECK_HAS(svg, ">large</text>");
  CHECK_LACKS(svg, ">dominated</text>");
  CHECK_HAS(table.data, "<bdi>dominated</bdi></td><td class=\"num\">15.0\xc2\xa0ms</td><td class=\"num\">0.85</td><td></td>");
  pod_buf_free(&table);
}

static void test_svg_same_input_same_bytes(void) {
  render_svg_series loss[] = {{"train", EPOCH, TRAIN, NULL, NULL, NULL, 10}};
  render_svg_chart c;
  pod_buf a = POD_BUF_INIT, b = POD_BUF_INIT;
  char err[POD_ERRLEN];
  render_svg_chart_init(&c);
  c.panel[0].series = loss;
  c.panel[0].n_series = 1;
  CHECK_INT(render_svg_lines(&a, NULL, &c, err), POD_OK);
  CHECK_INT(render_svg_lines(&b, NULL, &c, err), POD_OK);
  CHECK(a.len == b.len && !memcmp(a.data, b.data, a.len));
  pod_buf_free(&a);
  pod_buf_free(&b);
}

/* ---- issue 17: legible at 390 px ------------------------------------- */

/* A text's box as a phone draws it: 21 user units (site/style.css), ~0.55
** em a character, 0.9 em above the baseline and 0.25 below. */
typedef struct tbox { double x0, y0, x1, y1; char text[80]; } tbox;

static size_t text_boxes(const char *svg, tbox *out, size_t max) {
  size_t n = 0;
  for (const char *p = svg; (p = strstr(p, "<text ")) && n < max; p++) {
    double x, y, chars = 0;
    const char *a = strstr(p, " x=\""), *b = strstr(p, " y=\"");
    const char *gt = strchr(p, '>'), *anchor = strstr(p, "text-anchor=\"");
    if (!a || !b || !gt || a > gt || b > gt) continue;
    x = atof(a + 4);
    y = atof(b + 4);
    const char *q = gt + 1;
    size_t k = 0;
    while (*q && *q != '<') {
      if (*q == '&') { while (*q && *q != ';') q++; }
      if (((unsigned char)*q & 0xc0) != 0x80) chars++;
      if (k + 1 < sizeof out->text) out[n].text[k++] = *q;
      q++;
    }
    out[n].text[k] = '\0';
    double w = chars * 21 * 0.55;
    if (anchor && anchor < gt && !strncmp(anchor + 13, "middle", 6)) x -= w / 2;
    else if (anchor && anchor < gt && !strncmp(anchor + 13, "end", 3)) x -= w;
    out[n].x0 = x; out[n].x1 = x + w;
    out[n].y0 = y - 21 * 0.9; out[n].y1 = y + 21 * 0.25;
    n++;
  }
  return n;
}

/* Every golden chart: no two texts overlap at the phone's font size, and
** every text stays inside the 640-wide chart. */
static void test_svg_text_boxes_never_overlap_at_phone_size(void) {
  static const char *const names[] = {"lines_overfitting", "lines_latency",
    "lines_hostile_names", "lines_negative", "lines_one_point",
    "lines_10000_points", "bars_baseline_optimized", "scatter_pareto", NULL};
  static tbox box[400];
  pod_buf svg = POD_BUF_INIT;
  char path[4200], err[POD_ERRLEN];
  for (int f = 0; names[f]; f++) {
    snprintf(path, sizeof path, "%s/" GOLDEN_DIR "/%s.svg", test_root(), names[f]);
    if (pod_file_read(path, &svg, err)) { test_fail(__FILE__, __LINE__, "%s", err); continue; }
    size_t n = text_boxes(svg.data, box, 400);
    CHECK(n > 3);
    for (size_t i = 0; i < n; i++) {
      if (box[i].x0 < -1 || box[i].x1 > 641)
        test_fail(__FILE__, __LINE__, "%s: \"%s\" leaves the chart (%.0f..%.0f)",
                  names[f], box[i].text, box[i].x0, box[i].x1);
      for (size_t j = i + 1; j < n; j++)
        if (box[i].x0 < box[j].x1 - 0.5 && box[j].x0 < box[i].x1 - 0.5 &&
            box[i].y0 < box[j].y1 - 0.5 && box[j].y0 < box[i].y1 - 0.5)
          test_fail(__FILE__, __LINE__, "%s: \"%s\" overlaps \"%s\"", names[f],
                    box[i].text, box[j].text);
    }
  }
  pod_buf_free(&svg);
}

/* "best epoch 6" and the shading's note sit above the plot: no data line
** can cross them. */
static void test_svg_notes_sit_above_the_plot(void) {
  static tbox box[400];
  pod_buf svg = POD_BUF_INIT;
  char path[4200], err[POD_ERRLEN];
  double ml, top = -1;
  snprintf(path, sizeof path, "%s/" GOLDEN_DIR "/lines_overfitting.svg", test_root());
  CHECK_RC(pod_file_read(path, &svg, err), POD_OK, err);
  const char *axis = strstr(svg.data ? svg.data : "", "<path class=\"axis\" stroke=\"currentColor\" fill=\"none\" d=\"M");
  CHECK(axis != NULL);
  if (axis) sscanf(strstr(axis, "d=\"M") + 4, "%lf %lf", &ml, &top);
  size_t n = text_boxes(svg.data ? svg.data : "", box, 400), notes = 0;
  for (const char *p = svg.data; p && (p = strstr(p, "class=\"note\"")); p++) notes++;
  CHECK_INT(notes, 2);
  for (size_t i = 0; i < n; i++)
    if (strstr(box[i].text, "best epoch") || strstr(box[i].text, "diverging")) {
      if (!(box[i].y1 < top))
        test_fail(__FILE__, __LINE__, "\"%s\" reaches y %.1f, the plot starts at %.1f",
                  box[i].text, box[i].y1, top);
    }
  pod_buf_free(&svg);
}

/* vnu: unicode-bidi="isolate" is no SVG attribute value (the stylesheet
** isolates chart text); a name cut short keeps its whole text on hover. */
static void test_svg_text_attributes_are_valid_and_cut_names_have_titles(void) {
  static const double x[] = {1, 2}, y[] = {1, 2};
  render_svg_series s[] = {{"a-very-long-model-name-that-goes-on-and-on-and-on-v2", x, y, NULL, NULL, NULL, 2}};
  render_svg_chart c;
  pod_buf svg = POD_BUF_INIT;
  char err[POD_ERRLEN];
  render_svg_chart_init(&c);
  c.title = "t";
  c.panel[0].series = s;
  c.panel[0].n_series = 1;
  CHECK_RC(render_svg_lines(&svg, NULL, &c, err), POD_OK, err);
  CHECK_LACKS(svg.data, "unicode-bidi");
  CHECK_HAS(svg.data, "a-very-long-model-name-that-goes-on-and-\xe2\x80\xa6<title>a-very-long-model-name-that-goes-on-and-on-and-on-v2</title></text>");
  pod_buf_free(&svg);
}

/* One unit per axis: "0", "5", "10" under "Latency (ms)", never "0 s"
** beside "5 ms". */
static void test_svg_axis_ticks_share_one_unit(void) {
  static const double x[] = {0, 1, 2}, y[] = {0, 0.01, 0.02};
  render_svg_series s[] = {{"run", x, y, NULL, NULL, NULL, 3}};
  render_svg_chart c;
  pod_buf svg = POD_BUF_INIT;
  char err[POD_ERRLEN];
  render_svg_chart_init(&c);
  c.title = "t";
  c.panel[0].y.label = "Latency";
  c.panel[0].y.unit = "s";
  c.panel[0].series = s;
  c.panel[0].n_series = 1;
  CHECK_RC(render_svg_lines(&svg, NULL, &c, err), POD_OK, err);
  CHECK_HAS(svg.data, ">Latency (ms)</text>");
  CHECK_HAS(svg.data, ">0</text>");
  CHECK_HAS(svg.data, ">20</text>");
  CHECK_LACKS(svg.data, "\xc2\xa0s</text>");
  CHECK_LACKS(svg.data, "\xc2\xa0ms</text>");
  pod_buf_free(&svg);
}

static double luminance(const char *hex) {
  double c[3];
  for (int i = 0; i < 3; i++) {
    char part[3] = {hex[1 + 2 * i], hex[2 + 2 * i], 0};
    double v = (double)strtol(part, NULL, 16) / 255;
    c[i] = v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
  }
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/* Every series colour is 3:1 or more against the background, light and
** dark (#E69F00 and #56B4E9 were 2.2:1 on the light one). */
static void test_svg_series_colours_contrast_3_to_1(void) {
  pod_buf css = POD_BUF_INIT;
  char path[4200], err[POD_ERRLEN], bg[2][8] = {"", ""};
  int n_colour = 0;
  snprintf(path, sizeof path, "%s/site/style.css", test_root());
  CHECK_RC(pod_file_read(path, &css, err), POD_OK, err);
  const char *p = css.data ? css.data : "";
  for (int k = 0; k < 2 && (p = strstr(p, "--bg: #")); k++, p++)
    snprintf(bg[k], sizeof bg[k], "%.7s", p + 6);
  p = css.data ? css.data : "";
  for (; (p = strstr(p, "--c")) != NULL; p++) {
    if (p[3] < '0' || p[3] > '9' || strncmp(p + 4, ": #", 3)) continue;
    const char *colour = p + 6, *back = bg[n_colour < 7 ? 0 : 1];
    double a = luminance(colour), b = luminance(back);
    double ratio = (fmax(a, b) + 0.05) / (fmin(a, b) + 0.05);
    if (ratio < 3)
      test_fail(__FILE__, __LINE__, "--c%c %.7s is %.2f:1 against %s", p[3],
                colour, ratio, back);
    n_colour++;
  }
  CHECK_INT(n_colour, 14);
  pod_buf_free(&css);
}

static void test_svg_goldens_are_well_formed_xml(void) {
  pod_buf cmd = POD_BUF_INIT;
  pod_buf_printf(&cmd, "cd '%s' && xmllint --noout " GOLDEN_DIR "/*.svg "
                 GOLDEN_DIR "/*.html >'%s' 2>&1", test_root(),
                 test_path("xmllint.out"));
  int status = system(pod_buf_str(&cmd));
  if (status != 0) {
    pod_buf out = POD_BUF_INIT;
    char err[POD_ERRLEN];
    pod_file_read(test_path("xmllint.out"), &out, err);
    test_fail(__FILE__, __LINE__, "xmllint (make deps installs it): %.400s",
              pod_buf_str(&out));
    pod_buf_free(&out);
  }
  pod_buf_free(&cmd);
}

/* ---- the helpers in templates ---------------------------------------- */

static render_sandbox *sandbox(void) {
  render_sandbox *sb = NULL;
  char err[POD_ERRLEN], dir[4096];
  const char *dirs[] = {dir};
  snprintf(dir, sizeof dir, "%s/templates", test_root());
  if (render_sandbox_new(dirs, 1, &sb, err)) test_fail(__FILE__, __LINE__, "%s", err);
  return sb;
}

static const char *eval(render_sandbox *sb, const char *text, int *rc) {
  static pod_buf out = POD_BUF_INIT;
  static char err[POD_ERRLEN];
  const char *kv[] = {"evil", "<script>\xe2\x80\xae"};
  pod_buf_clear(&out);
  *rc = render_sandbox_eval(sb, "t.html", text, kv, 2, &out, err);
  return *rc ? err : pod_buf_str(&out);
}

static void test_svg_template_helpers_return_figures(void) {
  render_sandbox *sb = sandbox();
  int rc;
  const char *out = eval(sb, "{{ chart_lines{title='loss', x_label='Epoch', "
                         "series={{name=evil, points={{1, 0.5}, {2, nil}, {3, 0.3}}}}, "
                         "best_x=3, shade={2, 3}} }}", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_HAS(out, "<figure class=\"chart\">");
  CHECK_HAS(out, "<svg xmlns=");
  CHECK_HAS(out, "<details><summary>Data</summary>");
  CHECK_HAS(out, "&lt;script&gt;");
  CHECK_LACKS(out, "<script");
  out = eval(sb, "{{ chart_bars{categories={'a', 'b'}, series={{name='x', "
             "values={1, 2}, lo={0.5, 1.5}, hi={1.5, 2.5}}}} }}", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_HAS(out, "class=\"whisker\"");
  out = eval(sb, "{{ chart_scatter{series={{name='m', points={{1, 2, 'p'}, {2, 3, 'q'}}}}} }}", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_HAS(out, "class=\"front\"");
  render_sandbox_free(sb);
}

/* Chart ids are cut to 15 characters and numbered when a page has the
** same one twice; a chart whose own id is such a number ("dup-2") or
** whose id shares its first 15 characters with another's still gets an
** id no other chart of the page has (issue 17). */
static void test_svg_chart_ids_are_unique_on_a_page(void) {
  render_sandbox *sb = sandbox();
  int rc;
  const char *chart = "{{ chart_bars{id='%s', categories={'a'}, "
                      "series={{name='x', values={1}}}} }}";
  const char *ids[] = {"dup", "dup", "dup-2", "dup-2", "dup",
                       "averyveryverylongid-one", "averyveryverylongid-two"};
  pod_buf text = POD_BUF_INIT;
  for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
    pod_buf_printf(&text, chart, ids[i]);
  const char *out = eval(sb, text.data, &rc);
  CHECK_INT(rc, POD_OK);
  /* every <title id="..."> differs from every other */
  char seen[16][64];
  int n = 0;
  for (const char *p = out; (p = strstr(p, "<title id=\"")); p++) {
    p += strlen("<title id=\"");
    size_t k = strcspn(p, "\"");
    if (n == 16 || k >= sizeof seen[0]) break;
    snprintf(seen[n], sizeof seen[n], "%.*s", (int)k, p);
    for (int j = 0; j < n; j++)
      if (!strcmp(seen[j], seen[n]))
        test_fail(__FILE__, __LINE__, "two charts have the id %s", seen[n]);
    n++;
  }
  CHECK_INT(n, (long long)(sizeof ids / sizeof *ids));
  pod_buf_free(&text);
  render_sandbox_free(sb);
}

static void test_svg_template_helper_errors_name_the_line(void) {
  render_sandbox *sb = sandbox();
  int rc;
  CHECK_HAS(eval(sb, "a\n{{ chart_lines{series={{name='x', points={{'one', 2}}}}} }}", &rc),
            "t.html:2: chart_lines: series[1].points[1] needs a number x");
  CHECK_INT(rc, POD_ETEMPLATE);
  CHECK_HAS(eval(sb, "{{ chart_lines{} }}", &rc), "t.html:1: chart_lines: series must be a table");
  CHECK_HAS(eval(sb, "\n\n{{ chart_lines{series={}} }}", &rc), "t.html:3: chart_lines: found no series");
  CHECK_HAS(eval(sb, "{{ chart_bars{categories={'a'}, series={{values={'x'}}}} }}", &rc),
            "t.html:1: chart_bars: series[1].values[1] must be a number");
  CHECK_HAS(eval(sb, "{{ chart_lines(3) }}", &rc), "t.html:1:");
  CHECK_INT(rc, POD_ETEMPLATE);
  render_sandbox_free(sb);
}

/* ---- charts on pages ------------------------------------------------- */

static void add_epoch(store_db *db, int64_t run, int64_t metric, int64_t src,
                      double epoch, const char *split, double v) {
  test_add_at(db, run, metric, src, (int64_t)epoch + 1, v, -1, -1, epoch,
              split);
}

static int render_to(store_db *db, const char *out, char err[POD_ERRLEN]) {
  render_opts o = {0};
  render_stats st;
  o.out_dir = out;
  o.share_dir = test_root();
  o.db_path = test_path("site.db");
  return render_site(db, &o, &st, err);
}

static void test_svg_run_page_has_an_overfitting_plot(void) {
  char err[POD_ERRLEN];
  store_db *db = NULL;
  store_source src = {"trainer_state.json", "ab12", "test", NULL, 20};
  store_run_new r = {0};
  int64_t sid = 0, run = 0, loss = 0, acc = 0;
  pod_buf page = POD_BUF_INIT;
  CHECK_RC(store_open(test_path("site.db"), &db, err), POD_OK, err);
  CHECK_RC(store_source_add(db, &src, &sid, err), POD_OK, err);
  r.model = "<script>alert(1)</script>";
  CHECK_RC(store_run_add(db, &r, &run, err), POD_OK, err);
  CHECK_RC(store_metric_id(db, "loss", "", STORE_LOWER_BETTER, &loss, err), POD_OK, err);
  CHECK_RC(store_metric_id(db, "accuracy", "", STORE_HIGHER_BETTER, &acc, err), POD_OK, err);
  for (int e = 0; e < 10; e++) {
    add_epoch(db, run, loss, sid, e + 1, "train", TRAIN[e]);
    add_epoch(db, run, loss, sid, e + 1, "validation", VALID[e]);
    add_epoch(db, run, acc, sid, e + 1, "validation", ACC[e]);
  }
  CHECK_RC(render_to(db, test_path("_site"), err), POD_OK, err);
  CHECK_INT(pod_file_read(test_path("_site/en/runs/1.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<figure class=\"chart\">");
  CHECK_HAS(page.data, "best epoch 6");     /* min validation loss */
  CHECK_HAS(page.data, "best epoch 6</text>");
  CHECK_HAS(page.data, ">validation</text>");
  CHECK_HAS(page.data, ">train</text>");
  CHECK_HAS(page.data, "class=\"shade\"");   /* validation rose after 6 */
  CHECK_LACKS(page.data, "<script>");
  store_close(db);
  pod_buf_free(&page);
}

static void test_svg_leaderboard_has_latency_by_sequence_length(void) {
  char err[POD_ERRLEN], dir[4096];
  store_db *db = NULL;
  ingest_meta m = {0};
  ingest_path *list = NULL;
  int n = 0, status;
  long rows;
  pod_buf page = POD_BUF_INIT;
  snprintf(dir, sizeof dir, "%s/examples", test_root());
  const char *args[] = {dir};
  CHECK_RC(store_open(test_path("site.db"), &db, err), POD_OK, err);
  m.task = "text-classification";
  ingest_session *s = ingest_session_new(db, &m);
  CHECK_RC(ingest_expand(args, 1, &list, &n, err), POD_OK, err);
  for (int i = 0; i < n; i++) CHECK_RC(ingest_file(s, &list[i], &status, &rows, err), POD_OK, err);
  ingest_paths_free(list, n);
  ingest_session_free(s);
  CHECK_RC(render_to(db, test_path("_site"), err), POD_OK, err);
  CHECK_INT(pod_file_read(test_path("_site/en/leaderboards/text-classification--inference_time.html"), &page, err), POD_OK);
  CHECK_HAS(page.data, "<figure class=\"chart\">");
  CHECK_HAS(page.data, "Sequence length");
  CHECK_HAS(page.data, ">bert-base-uncased</text>");
  CHECK_HAS(page.data, "Latency (ms)");
  store_close(db);
  pod_buf_free(&page);
}

const test_case tests_svg[] = {
  {"svg_chart_ids_are_unique_on_a_page", test_svg_chart_ids_are_unique_on_a_page},
  {"test_svg_line_chart_overfitting_plot", test_svg_line_chart_overfitting_plot},
  {"test_svg_line_chart_latency_by_sequence_length", test_svg_line_chart_latency_by_sequence_length},
  {"test_svg_line_chart_edge_cases", test_svg_line_chart_edge_cases},
  {"test_svg_line_chart_thins_10000_points_keeping_extremes", test_svg_line_chart_thins_10000_points_keeping_extremes},
  {"test_svg_escapes_hostile_names", test_svg_escapes_hostile_names},
  {"test_svg_grouped_bars_with_whiskers", test_svg_grouped_bars_with_whiskers},
  {"test_svg_scatter_marks_the_pareto_front", test_svg_scatter_marks_the_pareto_front},
  {"test_svg_same_input_same_bytes", test_svg_same_input_same_bytes},
  {"test_svg_goldens_are_well_formed_xml", test_svg_goldens_are_well_formed_xml},
  {"svg_text_boxes_never_overlap_at_phone_size", test_svg_text_boxes_never_overlap_at_phone_size},
  {"svg_notes_sit_above_the_plot", test_svg_notes_sit_above_the_plot},
  {"svg_text_attributes_are_valid_and_cut_names_have_titles", test_svg_text_attributes_are_valid_and_cut_names_have_titles},
  {"svg_axis_ticks_share_one_unit", test_svg_axis_ticks_share_one_unit},
  {"svg_series_colours_contrast_3_to_1", test_svg_series_colours_contrast_3_to_1},
  {"test_svg_template_helpers_return_figures", test_svg_template_helpers_return_figures},
  {"test_svg_template_helper_errors_name_the_line", test_svg_template_helper_errors_name_the_line},
  {"test_svg_run_page_has_an_overfitting_plot", test_svg_run_page_has_an_overfitting_plot},
  {"test_svg_leaderboard_has_latency_by_sequence_length", test_svg_leaderboard_has_latency_by_sequence_length},
  {NULL, NULL},
};
