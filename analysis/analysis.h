/*
** analysis/analysis.h -- registry rows into results: results from
** training curves, a model's evidence per dataset, baseline-vs-optimized
** comparisons with their statistics, the study table, Pareto fronts,
** which metrics are results. Knows no Lua, ICU or HTML: `podium compare`
** needs nothing else (render/ turns these results into pages).
**
** Owns: each *_new result owns its memory until its *_free (NULL is
** fine); strings and arrays reached through it are borrowed until then.
** Errors: POD_OK, or POD_EINPUT / POD_EDB with one line in err.
** Calls go one way: analysis/ reads and writes through store/ only.
*/
#ifndef PODIUM_ANALYSIS_H
#define PODIUM_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"
#include "core/err.h"
#include "core/project.h"
#include "store/store.h"

/* ---- which metrics are results (metrics.c) ---------------------------- */
/* A quality metric: unitless with a direction (accuracy, F1, loss). */
int analysis_is_quality(const char *metric, const char *unit, int direction);
/* A result, worth a leaderboard and a comparison row: quality metrics,
** time, memory, energy, emissions, duration; not instrument readings or
** training diagnostics (power, utilization, rates, learning rate,
** gradient norm, throughput), unless the project file's "boards" names
** them. project may be NULL. */
int analysis_is_result(const pod_project *project, const char *metric,
                       const char *unit, int direction);
/* The order rows of a comparison or study read in: quality first, then
** time, memory, energy, emissions, duration, the rest. */
int analysis_metric_rank(const char *metric, const char *unit, int direction);

/* ---- results from curves (curves.c) ----------------------------------- */
#define ANALYSIS_BEST_EPOCH "best-epoch"
/* Replaces run's results from curves: each validation or test quality
** metric at the best epoch (the epoch of kept_step when >= 0 and a
** validation value was logged at that step: the checkpoint a Trainer
** kept; else that of the lowest validation loss, else the metric's own
** best), unless a summary file gave that metric and split. Inside the
** caller's transaction. */
int analysis_curve_results(store_db *db, int64_t run_id, int64_t kept_step,
                           char err[POD_ERRLEN]);
/* The same for every run a source fed (ingest calls it per file). */
int analysis_source_results(store_db *db, int64_t source_id,
                            char err[POD_ERRLEN]);
/* The same for every run whose curves have no result yet (a registry made
** before podium picked results from curves: `podium init` calls it after
** migrating), in one transaction; *n_runs says how many got results. A
** run whose summary file gives every result gets none, so this changes
** nothing on an up-to-date registry. */
int analysis_missing_results(store_db *db, long *n_runs, char err[POD_ERRLEN]);

/* A summary file's value (all_results.json) against the curve of the same
** run, metric and split: its value at the best epoch and at the final
** one. agrees: the summary is one of them (a run that loaded its best
** checkpoint at the end, or did not); else the page shows both. */
typedef struct analysis_check {
  char metric[64], split[16];
  double given, best, best_epoch, final, final_epoch;
  int agrees;
} analysis_check;
/* The checks of a run from its measurement rows (store_each_measurement
** copied into rows); at most max, returns how many. */
size_t analysis_curve_checks(const store_rows *rows, analysis_check *out,
                             size_t max);

/* A run page's training curves: each metric measured per epoch, in the
** order its first row comes, with a series per split (training first,
** then validation, test, the rest by name; "all" for rows without one),
** points in epoch order. A loss or score (a direction, no unit or "%")
** is judged: it gets the best validation epoch and, when validation got
** worse after it, the epochs to shade; runtimes and rates are not. */
typedef struct analysis_point {
  store_value epoch, value;      /* as stored (REAL, or INT) */
} analysis_point;
typedef struct analysis_series {
  char *split;
  int rank;                      /* 1 training, 2 validation, 3 test, 9 */
  analysis_point *p;
  size_t n, cap;
} analysis_series;
typedef struct analysis_curve {
  char *metric, *unit;           /* unit NULL when the rows have none */
  int direction, judged;
  analysis_series *s;
  size_t n;
  int has_best, has_shade;
  double best, shade_to;         /* shade: from best to shade_to */
  int train, validation;         /* the first such series, or -1 */
} analysis_curve;
/* The curves of a run's measurement rows (store_each_measurement copied
** into rows); *out is the caller's, for analysis_run_curves_free. */
size_t analysis_run_curves(const store_rows *rows, analysis_curve **out);
void analysis_run_curves_free(analysis_curve *c, size_t n);

/* ---- a model's evidence per dataset (study.c) ------------------------- */
/* A unit: one model (and variant) in one dataset (else task, else ""):
** its runs there, and the runs of that model that name no dataset
** (benchmarks), which apply to every dataset of the model. */
typedef struct analysis_unit {
  char *scope, *model, *variant;   /* variant may be NULL */
  int role;                        /* -1 none, 0 baseline, 1 optimized */
  char *baseline;                  /* project file's named baseline model */
  int64_t *runs;                   /* runs[0..n_runs): in the scope first, */
  size_t n_runs, n_free;           /* then n_free dataset-free ones */
} analysis_unit;

typedef struct analysis_pair {
  size_t base, opt;                /* unit indexes, same scope */
} analysis_pair;

typedef struct analysis_study analysis_study;
int analysis_study_new(store_db *db, const pod_project *project,
                       analysis_study **out, char err[POD_ERRLEN]);
void analysis_study_free(analysis_study *s);
const analysis_unit *analysis_study_units(const analysis_study *s,
                                          size_t *out_n);
/* Every optimized unit against each baseline of its scope (or the one the
** project file names), by scope. */
const analysis_pair *analysis_study_pairs(const analysis_study *s,
                                          size_t *out_n);
/* The scopes that have units, sorted; the units of model (any variant
** when variant is NULL). */
const char *const *analysis_study_scopes(const analysis_study *s,
                                         size_t *out_n);

/* ---- the study table of a dataset (table.c) --------------------------- */
/* Models as rows, results as columns: quality at the best epoch, latency
** and memory at the dataset's reference point (the benchmark point most
** of its models share), energy and emissions per run; each a mean over
** runs with its 95% interval and n, and the change against the row's
** baseline (pp for accuracy-like columns, else a ratio). */
enum { ANALYSIS_COL_QUALITY, ANALYSIS_COL_LATENCY, ANALYSIS_COL_MEMORY,
       ANALYSIS_COL_ENERGY, ANALYSIS_COL_EMISSIONS, ANALYSIS_N_COLS };

typedef struct analysis_column {
  const char *metric, *unit, *split;  /* metric NULL: no model has it */
  int direction;
  int64_t batch, seq;                 /* the reference point, -1 none */
} analysis_column;

typedef struct analysis_cell {   /* the ints together: 88 bytes, not 104 */
  int n;                        /* 0: the model has no value here */
  int dataset_free;             /* from runs that name no dataset */
  int of_epochs;
  int change_pp;                /* change is in pp, else a ratio */
  double mean, sd, lo, hi;      /* lo, hi: NaN when n < 2 */
  int64_t run_id;               /* the first run, for provenance */
  double at_epoch;              /* a result from a curve, else NaN */
  double change, change_lo, change_hi;  /* against the baseline; NaN */
} analysis_cell;

/* A column no model has points every row at one shared empty cell
** (n 0): a 10,000-model table held 5 MB of them (issue 17). */
typedef struct analysis_table_row {
  const analysis_unit *unit;
  const analysis_unit *baseline;   /* NULL: it is one, or has none */
  const analysis_cell *cell[ANALYSIS_N_COLS];
} analysis_table_row;

typedef struct analysis_table {
  const char *scope;
  analysis_column col[ANALYSIS_N_COLS];
  int rank_col;                     /* the column rows are ranked by */
  analysis_table_row *rows;
  size_t n_rows;
  analysis_cell *cells;             /* the rows' cells of the columns */
} analysis_table;

/* The table of scope; primary: the dataset's primary metric (may be
** NULL), which ranks the rows when it is a column. Owned: *out (its rows
** and their cells), free with analysis_table_free; it borrows units from
** s. */
/* Where the table reads each run's rows: src->each(src->ud, db, run, fn,
** fn_ud, err) calls fn with the run's store_each_measurement rows that
** analysis_table_reads takes, in their order (render/ keeps them from
** one render to the next); src NULL: store_each_measurement. */
typedef struct analysis_rows_src {
  int (*each)(void *ud, store_db *db, int64_t run, store_row_fn fn,
              void *fn_ud, char err[POD_ERRLEN]);
  void *ud;
} analysis_rows_src;
int analysis_study_table(store_db *db, const analysis_study *s,
                         const char *scope, const char *primary,
                         const analysis_rows_src *src, analysis_table **out,
                         char err[POD_ERRLEN]);
/* 1 when a study table takes this store_each_measurement row at all. */
int analysis_table_reads(const store_row *row);
void analysis_table_free(analysis_table *t);

/* ---- Pareto fronts (pareto.c) ---------------------------------------- */
/* order[0..n): the points better x first (xdir, ydir: -1 lower is better,
** else higher), ties by better y then index; front[i]: point i is on the
** Pareto front. The caller owns both arrays (n each). */
void analysis_pareto(const double *x, const double *y, size_t n, int xdir,
                     int ydir, size_t *order, char *front);

/* ---- comparisons (compare.c, docs/COMPARE.md) ------------------------- */
/* One side of a compared point: the mean over its runs (each run's own
** mean at that point), sd and n over runs, and the 95% Student t interval
** of the mean (NaN when n < 2). run_id: the first run, whose page holds
** the value's provenance. */
typedef struct analysis_cmp_side {
  double mean, sd, lo, hi;
  int n;
  int64_t run_id;
  const char *method;   /* how the values were obtained (core/method.h
                        ** names, '+'-joined; "a / b" when runs differ);
                        ** NULL: not known or not an energy figure */
  int dataset_free;     /* every value from runs that name no dataset */
  double at_epoch;      /* a result from curves: its best epoch, else NaN */
  int of_epochs;
} analysis_cmp_side;

/* One matched (dataset/task, metric, batch size, sequence length, split).
** Strings are borrowed from the analysis_cmp. NaN: does not apply. */
typedef struct analysis_cmp_row {
  const char *scope, *metric, *unit, *split;  /* split may be NULL */
  int direction;                  /* STORE_LOWER_BETTER ... */
  int64_t batch_size, sequence_length;        /* -1: not an axis */
  analysis_cmp_side base, opt;
  double ratio, change_pct;       /* opt / base, (ratio - 1) * 100 */
  double speedup;                 /* base / opt, times only */
  double diff_pp;                 /* accuracy-like: (opt - base) * 100 */
  int is_difference;              /* lo, hi bound diff_pp, else ratio */
  double lo, hi;                  /* 95% interval, NaN without repeats */
  const char *verdict;            /* better, worse, same, within noise */
  const char *note;               /* "n = 1: no interval", or NULL */
  const size_t *warnings;         /* indexes of the comparison's warnings */
  size_t n_warnings;              /* that apply to this row */
} analysis_cmp_row;

/* The figures of a row as printed everywhere (pages, Markdown, text). */
typedef struct analysis_cmp_text {
  char ratio[32], change[32], effect[32], interval[64];
} analysis_cmp_text;

/* A comparability warning: kind pools (side, n environments) or differs
** (fact, the two sides' values); text is the English sentence. */
enum { ANALYSIS_WARN_POOLS = 1, ANALYSIS_WARN_DIFFERS };
typedef struct analysis_warning {
  int kind, side;
  size_t n;
  const char *fact, *fact_key;   /* "GPU", "compare.fact.gpu" */
  const char *values[2];
  const char *text;
} analysis_warning;

/* Meeting the accuracy target (project file "accuracy_target"): the
** optimized model's accuracy over its baseline's, against the share. */
typedef struct analysis_target {
  double share;                 /* NaN: no target */
  const char *metric;           /* the accuracy metric judged, or NULL */
  double ratio, lo, hi;         /* opt / base and its 95% interval */
  const char *verdict;          /* "meets", "misses", "cannot tell" */
  int n;                        /* the smaller side's n */
} analysis_target;

typedef struct analysis_cmp analysis_cmp;

/* Compares the runs ids[0][0..n_ids[0]) (baseline) with ids[1] (optimized);
** dataset, when not NULL, keeps the runs whose dataset or scope it is,
** and the runs that name no dataset (benchmarks). Owned: *out, free with
** analysis_compare_free. POD_EINPUT when a side has no run left or
** nothing is in common. */
int analysis_compare_new(store_db *db, const int64_t *const ids[2],
                         const size_t n_ids[2], const char *dataset,
                         analysis_cmp **out, char err[POD_ERRLEN]);
/* Two units of one scope (a study's pair); target_share may be NaN. */
int analysis_compare_units(store_db *db, const analysis_unit *base,
                           const analysis_unit *opt, double target_share,
                           analysis_cmp **out, char err[POD_ERRLEN]);
void analysis_compare_free(analysis_cmp *c);   /* NULL is fine */
/* Borrowed until analysis_compare_free. */
const analysis_cmp_row *analysis_compare_rows(const analysis_cmp *c,
                                              size_t *out_n);
size_t analysis_compare_n_warnings(const analysis_cmp *c);
const char *analysis_compare_warning(const analysis_cmp *c, size_t i);
const analysis_warning *analysis_compare_warning_at(const analysis_cmp *c,
                                                    size_t i);
const char *analysis_compare_label(const analysis_cmp *c, int side);
const char *analysis_compare_scope(const analysis_cmp *c);  /* or NULL */
const int64_t *analysis_compare_runs(const analysis_cmp *c, int side,
                                     size_t *out_n);
const analysis_target *analysis_compare_target(const analysis_cmp *c);
void analysis_compare_cells(const analysis_cmp_row *r, analysis_cmp_text *out);
/* "batch 8, seq 128, validation", or "-" */
void analysis_point_text(pod_buf *out, const analysis_cmp_row *r);
/* A comparison appended to out: JSON, a GFM report, or text. Several
** comparisons (one per dataset) go together through the _all forms. */
void analysis_compare_json(const analysis_cmp *c, pod_buf *out);
void analysis_compare_md(const analysis_cmp *c, pod_buf *out);
void analysis_compare_text(const analysis_cmp *c, pod_buf *out);
void analysis_compare_json_all(analysis_cmp *const *c, size_t n, pod_buf *out);
void analysis_compare_md_all(analysis_cmp *const *c, size_t n, pod_buf *out);
void analysis_compare_text_all(analysis_cmp *const *c, size_t n,
                               pod_buf *out);

/* ---- estimates (estimate.c) ------------------------------------------ */
/* `podium estimate`: a run with a duration and hardware but no measured
** energy gets energy_consumed (kWh) and emissions (kg) the way the ML CO2
** Impact calculator makes them (Lacoste et al. 2019): TDP x count x hours
** x PUE, times the grid's carbon intensity; stored with method
** "estimate", their source the data table row used (data/SOURCES.md). */
typedef struct analysis_estimate_opts {
  const char *data_dir;   /* holds tdp.csv and carbon_intensity.csv */
  double pue;             /* NaN: the environment's, else 1.58 */
  double intensity;       /* g CO2eq/kWh; NaN: from region */
  const char *region;     /* carbon_intensity.csv key, NULL: the
                          ** environment's cloud provider:region */
  const char *gpu;        /* a tdp.csv model instead of the environment's */
  long gpus;              /* GPU count instead of the environment's; 0 */
} analysis_estimate_opts;

/* What an estimate came to, for the CLI. */
typedef struct analysis_estimate_out {
  int skipped;            /* 1: the run has measured energy, left alone */
  double kwh, kg;
  char how[512];          /* the calculation in one line */
} analysis_estimate_out;

/* Estimates one run in its own transaction, replacing its earlier
** estimates (running it twice changes nothing). POD_EINPUT, with what is
** missing and how to supply it: no duration, no hardware, a GPU not in
** tdp.csv, no carbon intensity. */
int analysis_estimate_run(store_db *db, const analysis_estimate_opts *o,
                        int64_t run_id, analysis_estimate_out *out,
                        char err[POD_ERRLEN]);
/* The runs that have a duration and no measured energy; owned, free(). */
int analysis_estimate_candidates(store_db *db, int64_t **out_ids,
                               size_t *out_n, char err[POD_ERRLEN]);

#endif
