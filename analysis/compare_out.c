/*
** analysis/compare_out.c -- a comparison written out: the cells of a row
** as text, and the whole comparison as JSON, Markdown and plain text for
** `podium compare` and the site's reports. Reads what compare.c built;
** owns nothing past a call (the caller's pod_buf gets the text).
*/
#include "analysis/analysis_int.h"
#include "core/num.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

/* ---- the table out --------------------------------------------------- */

/* The figures of a row as text, shared by Markdown, text and pages so
** they agree to the digit. */
void analysis_compare_cells(const analysis_cmp_row *r, analysis_cmp_text *out) {
  snprintf(out->ratio, sizeof out->ratio, isnan(r->ratio) ? "-" : "%.3f",
           r->ratio);
  snprintf(out->change, sizeof out->change,
           isnan(r->change_pct) ? "-" : "%+.1f %%", r->change_pct);
  if (r->is_difference)
    snprintf(out->effect, sizeof out->effect, "%+.1f pp", r->diff_pp);
  else if (!isnan(r->speedup))
    snprintf(out->effect, sizeof out->effect, "%.2fx", r->speedup);
  else
    snprintf(out->effect, sizeof out->effect, "-");
  if (isnan(r->lo))
    snprintf(out->interval, sizeof out->interval, "%s",
             r->note ? r->note : "-");
  else if (r->is_difference)
    snprintf(out->interval, sizeof out->interval, "[%+.1f, %+.1f] pp", r->lo,
             r->hi);
  else
    snprintf(out->interval, sizeof out->interval, "[%.3f, %.3f]", r->lo,
             r->hi);
}

void analysis_point_text(pod_buf *out, const analysis_cmp_row *r) {
  size_t start = out->len;
  if (r->batch_size >= 0)
    pod_buf_printf(out, "batch %lld", (long long)r->batch_size);
  if (r->sequence_length >= 0)
    pod_buf_printf(out, "%sseq %lld", out->len > start ? ", " : "",
                   (long long)r->sequence_length);
  if (r->split)
    pod_buf_printf(out, "%s%s", out->len > start ? ", " : "", r->split);
  if (out->len == start) pod_buf_adds(out, "-");
}

/* Printed so it reads back as the same double (cJSON's own printing
** keeps 15 digits when they come "close enough"; issue 14). */
static void num_or_null(cJSON *o, const char *k, double v) {
  char num[32];
  if (isfinite(v)) cJSON_AddRawToObject(o, k, pod_num_format(v, num));
  else cJSON_AddNullToObject(o, k);
}

static cJSON *side_json(const analysis_cmp_side *s) {
  cJSON *o = cJSON_CreateObject();
  num_or_null(o, "mean", s->mean);
  num_or_null(o, "sd", s->sd);
  cJSON_AddNumberToObject(o, "n", s->n);
  num_or_null(o, "ci_low", s->lo);
  num_or_null(o, "ci_high", s->hi);
  cJSON_AddNumberToObject(o, "run_id", (double)s->run_id);
  if (s->method) cJSON_AddStringToObject(o, "method", s->method);
  else cJSON_AddNullToObject(o, "method");
  cJSON_AddBoolToObject(o, "dataset_free", s->dataset_free);
  num_or_null(o, "at_epoch", s->at_epoch);
  if (!isnan(s->at_epoch)) cJSON_AddNumberToObject(o, "of_epochs", s->of_epochs);
  return o;
}

static cJSON *compare_json(const analysis_cmp *c) {
  cJSON *root = cJSON_CreateObject(), *w = cJSON_CreateArray();
  cJSON *rows = cJSON_CreateArray();
  const analysis_target *t = &c->target;
  if (c->scope) cJSON_AddStringToObject(root, "dataset", c->scope);
  else cJSON_AddNullToObject(root, "dataset");
  for (int k = 0; k < 2; k++) {
    cJSON *side = cJSON_CreateObject(), *runs = cJSON_CreateArray();
    cJSON_AddStringToObject(side, "label", c->label[k]);
    for (size_t i = 0; i < c->n_runs[k]; i++)
      cJSON_AddItemToArray(runs, cJSON_CreateNumber((double)c->runs[k][i]));
    cJSON_AddItemToObject(side, "runs", runs);
    cJSON_AddItemToObject(root, k ? "optimized" : "baseline", side);
  }
  for (size_t i = 0; i < c->n_warnings; i++)
    cJSON_AddItemToArray(w, cJSON_CreateString(c->warnings[i].text));
  cJSON_AddItemToObject(root, "warnings", w);
  if (!isnan(t->share)) {
    cJSON *o = cJSON_CreateObject();
    num_or_null(o, "share", t->share);
    if (t->metric) cJSON_AddStringToObject(o, "metric", t->metric);
    num_or_null(o, "ratio", t->ratio);
    num_or_null(o, "ci_low", t->lo);
    num_or_null(o, "ci_high", t->hi);
    cJSON_AddNumberToObject(o, "n", t->n);
    if (t->verdict) cJSON_AddStringToObject(o, "verdict", t->verdict);
    else cJSON_AddNullToObject(o, "verdict");
    cJSON_AddItemToObject(root, "accuracy_target", o);
  }
  for (size_t i = 0; i < c->n_rows; i++) {
    const analysis_cmp_row *r = &c->rows[i];
    cJSON *o = cJSON_CreateObject(), *rw = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "scope", r->scope);
    cJSON_AddStringToObject(o, "metric", r->metric);
    cJSON_AddStringToObject(o, "unit", r->unit);
    cJSON_AddNumberToObject(o, "direction", r->direction);
    if (r->batch_size >= 0)
      cJSON_AddNumberToObject(o, "batch_size", (double)r->batch_size);
    else cJSON_AddNullToObject(o, "batch_size");
    if (r->sequence_length >= 0)
      cJSON_AddNumberToObject(o, "sequence_length",
                              (double)r->sequence_length);
    else cJSON_AddNullToObject(o, "sequence_length");
    if (r->split) cJSON_AddStringToObject(o, "split", r->split);
    else cJSON_AddNullToObject(o, "split");
    cJSON_AddItemToObject(o, "baseline", side_json(&r->base));
    cJSON_AddItemToObject(o, "optimized", side_json(&r->opt));
    num_or_null(o, "ratio", r->ratio);
    num_or_null(o, "change_pct", r->change_pct);
    num_or_null(o, "speedup", r->speedup);
    num_or_null(o, "diff_pp", r->diff_pp);
    cJSON_AddStringToObject(o, "interval_of",
                            r->is_difference ? "diff_pp" : "ratio");
    num_or_null(o, "interval_low", r->lo);
    num_or_null(o, "interval_high", r->hi);
    cJSON_AddStringToObject(o, "verdict", r->verdict);
    if (r->note) cJSON_AddStringToObject(o, "note", r->note);
    else cJSON_AddNullToObject(o, "note");
    for (size_t k = 0; k < r->n_warnings; k++)
      cJSON_AddItemToArray(rw, cJSON_CreateString(c->warnings[r->warnings[k]].text));
    cJSON_AddItemToObject(o, "warnings", rw);
    cJSON_AddItemToArray(rows, o);
  }
  cJSON_AddItemToObject(root, "rows", rows);
  return root;
}

static void print_json(cJSON *root, pod_buf *out) {
  char *s = cJSON_Print(root);
  pod_buf_adds(out, s);
  pod_buf_addc(out, '\n');
  cJSON_free(s);
  cJSON_Delete(root);
}

void analysis_compare_json(const analysis_cmp *c, pod_buf *out) {
  print_json(compare_json(c), out);
}

/* Several datasets: {"baseline", "optimized", "datasets": [comparison]}. */
void analysis_compare_json_all(analysis_cmp *const *c, size_t n, pod_buf *out) {
  cJSON *root = cJSON_CreateObject(), *list = cJSON_CreateArray();
  cJSON_AddStringToObject(root, "baseline", n ? c[0]->label[0] : "");
  cJSON_AddStringToObject(root, "optimized", n ? c[0]->label[1] : "");
  for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(list, compare_json(c[i]));
  cJSON_AddItemToObject(root, "datasets", list);
  print_json(root, out);
}

/* mean (+- sd, n) in the metric's unit, plain spaces. */
static void side_text(pod_buf *out, const analysis_cmp_side *s,
                      const char *unit) {
  pod_fmt_plain(out, s->mean, unit);
  if (s->n >= 2) {
    pod_buf_adds(out, " \xc2\xb1 ");
    pod_fmt_plain(out, s->sd, unit);
  }
  pod_buf_printf(out, " (n=%d)", s->n);
  if (!isnan(s->at_epoch))
    pod_buf_printf(out, " at best epoch %g of %d", s->at_epoch, s->of_epochs);
  if (s->dataset_free) pod_buf_adds(out, " [any dataset]");
  if (s->method) pod_buf_printf(out, " [%s]", s->method);
}

/* " [1][2]": the row's warnings by number. */
static void markers(pod_buf *out, const analysis_cmp_row *r) {
  for (size_t k = 0; k < r->n_warnings; k++)
    pod_buf_printf(out, " [%zu]", r->warnings[k] + 1);
}

static void target_text(pod_buf *out, const analysis_target *t) {
  if (isnan(t->share) || !t->verdict) return;
  pod_buf_printf(out, "Accuracy target: %g%% of the baseline's %s: %s",
                 t->share * 100, t->metric ? t->metric : "accuracy",
                 t->verdict);
  if (!isnan(t->lo))
    pod_buf_printf(out, " (ratio %.4f, 95%% interval [%.4f, %.4f])", t->ratio,
                   t->lo, t->hi);
  else if (!isnan(t->ratio))
    pod_buf_printf(out, " at n = %d (ratio %.4f)", t->n, t->ratio);
}

static void md_section(const analysis_cmp *c, pod_buf *out, const char *hashes) {
  pod_buf t = POD_BUF_INIT;
  pod_buf_printf(out, "%s ", hashes);
  pod_md_cell(out, c->label[0]);
  pod_buf_adds(out, " vs ");
  pod_md_cell(out, c->label[1]);
  if (c->scope && *c->scope) {
    pod_buf_adds(out, " on ");
    pod_md_cell(out, c->scope);
  }
  pod_buf_addc(out, '\n');
  target_text(&t, &c->target);
  if (t.len) pod_buf_printf(out, "\n%s.\n", t.data);
  pod_buf_free(&t);
  if (c->n_warnings) {
    pod_buf_adds(out, "\n**Not like for like** (rows marked [n]):\n\n");
    for (size_t i = 0; i < c->n_warnings; i++) {
      pod_buf_printf(out, "%zu. ", i + 1);
      pod_md_cell(out, c->warnings[i].text);
      pod_buf_addc(out, '\n');
    }
  }
  pod_buf_adds(out, "\n| Metric | Point | Baseline | Optimized | Ratio | "
                    "Change | Speed-up / pp | 95% interval | Verdict | "
                    "Runs |\n"
                    "|---|---|---:|---:|---:|---:|---:|---|---|---|\n");
  for (size_t i = 0; i < c->n_rows; i++) {
    const analysis_cmp_row *r = &c->rows[i];
    analysis_cmp_text x;
    pod_buf p = POD_BUF_INIT;
    analysis_compare_cells(r, &x);
    pod_buf_adds(out, "| ");
    pod_md_cell(out, r->metric);
    pod_buf_adds(out, " | ");
    analysis_point_text(&p, r);
    pod_md_cell(out, p.data);
    pod_buf_adds(out, " | ");
    pod_buf_clear(&p);
    side_text(&p, &r->base, r->unit);
    pod_md_cell(out, p.data);
    pod_buf_adds(out, " | ");
    pod_buf_clear(&p);
    side_text(&p, &r->opt, r->unit);
    pod_md_cell(out, p.data);
    pod_buf_printf(out, " | %s | %s | %s | %s | %s", x.ratio, x.change,
                   x.effect, x.interval, r->verdict);
    markers(out, r);
    pod_buf_printf(out, " | %lld vs %lld |\n", (long long)r->base.run_id,
                   (long long)r->opt.run_id);
    pod_buf_free(&p);
  }
}

static const char md_intro[] =
    "Baseline against optimized, per dataset/task, batch size, sequence "
    "length and split. Ratio is optimized / baseline; speed-up is "
    "baseline / optimized for times; accuracy-like metrics give the "
    "difference in percentage points (pp), at the best epoch when they "
    "come from a training curve. With repeats on both sides the 95% "
    "interval is Student t (log-ratio delta method for ratios); a verdict "
    "is \"within noise\" when it holds 1 (or 0 pp). Values marked [any "
    "dataset] come from runs that name no dataset (benchmarks). Generated "
    "by podium from its registry.\n";

void analysis_compare_md(const analysis_cmp *c, pod_buf *out) {
  md_section(c, out, "#");
  pod_buf_printf(out, "\n%s", md_intro);
}

void analysis_compare_md_all(analysis_cmp *const *c, size_t n, pod_buf *out) {
  if (!n) return;
  if (n == 1) {
    analysis_compare_md(c[0], out);
    return;
  }
  pod_buf_adds(out, "# ");
  pod_md_cell(out, c[0]->label[0]);
  pod_buf_adds(out, " vs ");
  pod_md_cell(out, c[0]->label[1]);
  pod_buf_printf(out, "\n\n%s", md_intro);
  for (size_t i = 0; i < n; i++) {
    pod_buf_addc(out, '\n');
    md_section(c[i], out, "##");
  }
}

void analysis_compare_text(const analysis_cmp *c, pod_buf *out) {
  pod_buf t = POD_BUF_INIT;
  if (c->scope && *c->scope) pod_buf_printf(out, "dataset   %s\n", c->scope);
  pod_buf_printf(out, "baseline  %s (%zu run%s)\noptimized %s (%zu run%s)\n",
                 c->label[0], c->n_runs[0], c->n_runs[0] == 1 ? "" : "s",
                 c->label[1], c->n_runs[1], c->n_runs[1] == 1 ? "" : "s");
  target_text(&t, &c->target);
  if (t.len) pod_buf_printf(out, "%s\n", t.data);
  pod_buf_free(&t);
  for (size_t i = 0; i < c->n_warnings; i++)
    pod_buf_printf(out, "warning [%zu]: %s\n", i + 1, c->warnings[i].text);
  for (size_t i = 0; i < c->n_rows; i++) {
    const analysis_cmp_row *r = &c->rows[i];
    analysis_cmp_text x;
    pod_buf p = POD_BUF_INIT, b = POD_BUF_INIT, o = POD_BUF_INIT;
    analysis_compare_cells(r, &x);
    analysis_point_text(&p, r);
    side_text(&b, &r->base, r->unit);
    side_text(&o, &r->opt, r->unit);
    pod_buf_printf(out, "%-18s %-20s %-22s %s -> %s  ratio %s (%s) %s  "
                   "%s  %s", *r->scope ? r->scope : "-", r->metric,
                   p.data, b.data, o.data, x.ratio, x.change, x.effect,
                   x.interval, r->verdict);
    markers(out, r);
    pod_buf_addc(out, '\n');
    pod_buf_free(&p);
    pod_buf_free(&b);
    pod_buf_free(&o);
  }
}

void analysis_compare_text_all(analysis_cmp *const *c, size_t n,
                               pod_buf *out) {
  for (size_t i = 0; i < n; i++) {
    if (i) pod_buf_addc(out, '\n');
    analysis_compare_text(c[i], out);
  }
}
