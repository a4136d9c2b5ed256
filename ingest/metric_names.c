/*
** ingest/metric_names.c -- what the training-log formats (keras-csvlogger,
** lightning-csv, hf-trainer) share: a logged key such as "val_acc",
** "val/rmse_loss" or "eval_runtime" becomes a metric name, a split, a
** unit and a direction; cells become numbers or "not finite"; the folder
** a log sits in names the run's model.
*/
#include "ingest/ingest_int.h"
#include "core/sha256.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Split words, written before the metric ("val_loss", "val/rmse_loss",
** "eval_runtime", "test-acc") or after it ("loss/val", "acc_train",
** "loss.test"), joined by '_', '/', '.' or '-'; any case
** ("Train_Perplexity"). */
static const struct { const char *word, *split; } splits[] = {
  {"validation", "validation"}, {"valid", "validation"},
  {"val", "validation"}, {"eval", "validation"}, {"test", "test"},
  {"predict", "test"},   /* the Trainer's predict() on the test set */
  {"training", "train"}, {"train", "train"}, {NULL, NULL}};

static int is_sep(char c) {
  return c == '_' || c == '/' || c == '.' || c == '-';
}

static int is_learning_rate(const char *b) {
  return !strcmp(b, "lr") || !strcmp(b, "learning_rate") ||
         !strncmp(b, "lr-", 3) || !strncmp(b, "lr_", 3);
}

/* The split stem[0..len) names before or after its metric: the split, and
** the metric's part in *at, *at_len; NULL when it names none. */
static const char *find_split(const char *stem, size_t len, size_t *at,
                              size_t *at_len) {
  for (int i = 0; splits[i].word; i++) {
    size_t k = strlen(splits[i].word);
    if (len <= k + 1) continue;
    if (!strncasecmp(stem, splits[i].word, k) && is_sep(stem[k])) {
      *at = k + 1;
      *at_len = len - k - 1;
      return splits[i].split;
    }
    if (!strncasecmp(stem + len - k, splits[i].word, k) &&
        is_sep(stem[len - k - 1])) {
      *at = 0;
      *at_len = len - k - 1;
      return splits[i].split;
    }
  }
  return NULL;
}

static int ends_with(const char *s, size_t n, const char *tail) {
  size_t k = strlen(tail);
  return n > k && !strcmp(s + n - k, tail);
}

/* A name of len bytes (plus agg) over base's n - 1: its first bytes, cut
** at a character's start, then "~" and a hash of the whole name in
** lower case, so that two long keys that share their first 118 bytes
** stay two metrics (cut alone, 300 eval_ keys were one). */
static void short_name(const char *name, size_t len, const char *agg,
                       char *base, size_t n) {
  size_t keep = n > 10 ? n - 10 : 0, o;
  char *low = pod_xmalloc(len + strlen(agg) + 1);
  for (o = 0; o < len; o++) low[o] = (char)tolower((unsigned char)name[o]);
  memcpy(low + len, agg, strlen(agg) + 1);
  unsigned char d[32];
  pod_sha256 h;
  while (keep > 0 && ((unsigned char)low[keep] & 0xC0) == 0x80) keep--;
  /* a stored name: the same on every machine (pod_hash64 reads words in
  ** the machine's byte order) */
  pod_sha256_init(&h);
  pod_sha256_update(&h, low, strlen(low));
  pod_sha256_digest(&h, d);
  snprintf(base, n, "%.*s~%02x%02x%02x%02x", (int)keep, low, d[0], d[1],
           d[2], d[3]);
  free(low);
}

void ingest_metric_from_key(const char *key, char *base, size_t n,
                            const char **split) {
  size_t len = strlen(key), at = 0, at_len = len, o = 0;
  const char *found = NULL, *agg = "";
  /* Lightning's self.log(on_step=True, on_epoch=True) writes <key>_step
  ** per step and <key>_epoch per epoch: with a split in <key>
  ** ("train_loss_step", "val_loss_epoch", "loss/val_epoch"), the epoch
  ** value is the metric's own and the step values a metric of their own
  ** (<name>_step), so the two never mix in one curve. Without a split
  ** ("time_per_epoch") the key stays as written. */
  if (ends_with(key, len, "_epoch") || ends_with(key, len, "_step")) {
    size_t stem = len - (ends_with(key, len, "_step") ? 5 : 6);
    if ((found = find_split(key, stem, &at, &at_len)) != NULL)
      agg = ends_with(key, len, "_step") ? "_step" : "";
  }
  if (!found) found = find_split(key, len, &at, &at_len);
  if (!found) { at = 0; at_len = len; }
  *split = found ? found : "train";  /* unsplit per-epoch: training */
  if (at_len + strlen(agg) >= n) {   /* too long for base: cut, made unique */
    short_name(key + at, at_len, agg, base, n);
    return;
  }
  for (; o < at_len; o++)
    base[o] = (char)tolower((unsigned char)key[at + o]);
  base[o] = '\0';
  strcat(base, agg);
  if (is_learning_rate(base)) {
    /* lr, learning_rate, and LearningRateMonitor's lr-<Optimizer> */
    snprintf(base, n, "learning_rate");
    *split = NULL;
  } else if (!strcmp(base, "acc")) {  /* Keras 2.0-2.2 */
    snprintf(base, n, "accuracy");
  } else if (!strcmp(base, "acc_step")) {
    snprintf(base, n, "accuracy_step");
  }
}

static int has_any(const char *s, const char *const *words) {
  for (int i = 0; words[i]; i++)
    if (strstr(s, words[i])) return 1;
  return 0;
}

/* Whether one of words is a whole '_', '/', '.' or '-'-separated part of s:
** "wer" in "eval_wer", not in "gpu_power". */
static int has_part(const char *s, const char *const *words) {
  for (int i = 0; words[i]; i++) {
    size_t n = strlen(words[i]);
    for (const char *p = s; (p = strstr(p, words[i])); p++)
      if ((p == s || strchr("_/.-", p[-1])) && (!p[n] || strchr("_/.-", p[n])))
        return 1;
  }
  return 0;
}

int ingest_metric_direction(const char *base) {
  static const char *const rates[] = {"samples_per_second",
                                      "steps_per_second", NULL};
  /* speech recognition's word and character error rates; the equal
  ** error rate of verification */
  static const char *const lower_parts[] = {"wer", "cer", "eer", NULL};
  static const char *const lower[] = {"loss", "error", "mse", "mae", "rmse",
                                      "perplexity", "time", "runtime",
                                      "cross_entropy", NULL};
  /* Keras names MeanIoU "mean_io_u"; an RL agent's reward */
  static const char *const higher[] = {"accuracy", "acc", "f1", "precision",
                                       "recall", "auc", "rouge", "bleu",
                                       "dice", "iou", "io_u", "mcc",
                                       "matthews", "score", "sensitivity",
                                       "specificity", "reward", "exact_match",
                                       NULL};
  if (has_any(base, rates)) return STORE_HIGHER_BETTER;
  if (has_any(base, lower) || has_part(base, lower_parts))
    return STORE_LOWER_BETTER;
  if (has_any(base, higher)) return STORE_HIGHER_BETTER;
  return STORE_NO_DIRECTION;
}

int ingest_metric_is_fraction(const char *base) {
  static const char *const parts[] = {"accuracy", "acc", "f1", "precision",
                                      "recall", "auc", "iou", "io_u", "dice",
                                      "sensitivity", "specificity",
                                      "exact_match", NULL};
  /* not ROUGE or BLEU: transformers' examples report them x 100 as a
  ** rule (tests/data's t5sum all_results.json), so runs agree as written */
  return has_part(base, parts) &&
         ingest_metric_direction(base) == STORE_HIGHER_BETTER;
}

const char *ingest_metric_unit(const char *base) {
  size_t n = strlen(base);
  /* HF *_runtime, also under a metric_key_prefix ("eval_g0_runtime") */
  if (!strcmp(base, "runtime") || (n > 8 && !strcmp(base + n - 8, "_runtime")))
    return "s";
  /* HF TrainerMemoryTracker: <stage>_mem_<cpu|gpu>_<alloc|peaked>_delta,
  ** bytes (trainer_utils.py) */
  if (n > 6 && !strcmp(base + n - 6, "_delta") &&
      (!strncmp(base, "mem_", 4) || strstr(base, "_mem_")))
    return "B";
  if (n >= 11 && !strcmp(base + n - 11, "_per_second")) return "1/s";
  if (!strcmp(base, "total_flos")) return "FLOP";
  return "";
}

int ingest_log_value(const char *s, double *out) {
  /* Python writes float('nan') as "nan" and infinities as "inf"/"-inf";
  ** numpy and json.dumps use "NaN"/"Infinity". */
  static const char *const nonfinite[] = {"nan", "-nan", "inf", "+inf",
                                          "-inf", "infinity", "-infinity",
                                          "+infinity", NULL};
  /* a number first: eight strcasecmp per cell were ~1.5% of a log folder */
  if (ingest_parse_number(s, out)) return 1;
  for (int i = 0; nonfinite[i]; i++)
    if (!strcasecmp(s, nonfinite[i])) return 0;
  return -1;
}

/* "<prefix><digits>", the whole of name[0, n). */
static int numbered(const char *name, size_t n, const char *prefix) {
  size_t k = strlen(prefix);
  if (n <= k || strncmp(name, prefix, k)) return 0;
  for (; k < n; k++)
    if (!isdigit((unsigned char)name[k])) return 0;
  return 1;
}

int ingest_checkpoint_folder(const char *name, size_t n) {
  return (n == 15 && !strncmp(name, "last-checkpoint", 15)) ||
         numbered(name, n, "checkpoint-");
}

/* "version_3" (Lightning) or a Trainer's checkpoint folder: a folder the
** tool made below the one the user named. */
static int tool_folder(const char *name, size_t n) {
  return (n == 14 && !strncmp(name, "lightning_logs", 14)) ||
         numbered(name, n, "version_") || ingest_checkpoint_folder(name, n);
}

void ingest_model_from_dir(ingest_ctx *cx, const char *dir, char *out,
                           size_t n) {
  char full[PATH_MAX];
  const char *end, *start;
  ingest_real_dir(cx, dir, full);
  end = full + strlen(full);
  for (;;) {
    while (end > full && end[-1] == '/') end--;
    start = end;
    while (start > full && start[-1] != '/') start--;
    if (start == end || !tool_folder(start, (size_t)(end - start))) break;
    if (start == full) break;
    end = start;
  }
  if (start == end) snprintf(out, n, "%s", full[0] ? full : ".");
  else snprintf(out, n, "%.*s", (int)(end - start), start);
}

/* ---- CSV training logs ------------------------------------------------
** Keras' CSVLogger and Lightning's CSVLogger write the same long shape:
** a header of logged keys plus epoch (and, for Lightning, step) columns,
** one row per log call. ingest_trainlog_csv reads either; the format
** files say which columns are axes and what a missing cell looks like. */

enum { COL_METRIC, COL_EPOCH, COL_STEP, COL_MAPPED };

typedef struct logcol {
  int role;
  char base[128];
  const char *split, *unit;
  int64_t metric_id;         /* 0 until first used */
  int fraction;              /* accuracy, F1...: 0 to 1, or 0 to 100 */
  int percent;               /* cx->percent names it: values / 100 */
  double max;                /* of a fraction column: its largest value */
} logcol;

typedef struct logstate {
  ingest_trainlog *tl;
  ingest_csv_row header;     /* a copy: --map looks columns up by name */
  logcol *col;
  int header_seen, have_run;
  char model[256];
  int64_t run_id;
  long long last_epoch;      /* the previous row's epoch, -1: none yet */
  char attempt_key[32];      /* "training 2", ...: the run key of a restart */
} logstate;

static int mapped_column(const ingest_meta *meta, const char *name) {
  static const char *const fields[] = {"model", "project", "variant",
                                       "role", "dataset", "task", NULL};
  for (int k = 0; fields[k]; k++) {
    const char *c = ingest_meta_column(meta, fields[k]);
    if (c && !strcmp(c, name)) return 1;
  }
  return 0;
}

/* Several learning-rate columns (LearningRateMonitor's lr-AdamW/pg1,
** lr-AdamW/pg2 for parameter groups, lr-SGD beside lr-Adam for two
** optimizers) stay apart: learning_rate/adamw/pg1, ... One is
** learning_rate, as are "lr" and "learning_rate" themselves. */
static void rename_learning_rates(logstate *st, const ingest_csv_row *row) {
  int n = 0;
  for (size_t i = 0; i < row->n; i++)
    if (st->col[i].role == COL_METRIC && !strcmp(st->col[i].base, "learning_rate"))
      n++;
  if (n < 2) return;
  for (size_t i = 0; i < row->n; i++) {
    logcol *c = &st->col[i];
    const char *name = row->field[i];
    size_t o;
    if (c->role != COL_METRIC || strcmp(c->base, "learning_rate")) continue;
    if (strncasecmp(name, "lr-", 3) && strncasecmp(name, "lr_", 3)) continue;
    name += 3;   /* "lr" and "learning_rate" themselves stay learning_rate */
    o = (size_t)snprintf(c->base, sizeof c->base, "learning_rate/");
    for (; *name && o + 1 < sizeof c->base; name++)
      c->base[o++] = (char)tolower((unsigned char)*name);
    c->base[o] = '\0';
  }
}

static int log_header(ingest_ctx *cx, logstate *st, const ingest_csv_row *row,
                      char err[POD_ERRLEN]) {
  ingest_trainlog *tl = st->tl;
  int rc = ingest_csv_check_header(cx, row, err);
  if (rc) return rc;
  st->col = pod_xmalloc((row->n ? row->n : 1) * sizeof *st->col);
  memset(st->col, 0, (row->n ? row->n : 1) * sizeof *st->col);
  st->header.field = pod_xmalloc((row->n ? row->n : 1) * sizeof(char *));
  st->header.len = pod_xmalloc((row->n ? row->n : 1) * sizeof(size_t));
  tl->epoch_col = tl->step_col = -1;
  for (size_t i = 0; i < row->n; i++) {
    logcol *c = &st->col[i];
    const char *name = row->field[i];
    st->header.field[i] = pod_xstrdup(name);
    st->header.len[i] = row->len[i];
    st->header.n = i + 1;
    if (!row->len[i]) return ingest_csv_fail(cx, row, i, "a column name", err);
    if (!strcmp(name, "epoch")) { c->role = COL_EPOCH; tl->epoch_col = (int)i; }
    else if (!strcmp(name, "step")) { c->role = COL_STEP; tl->step_col = (int)i; }
    else if (mapped_column(cx->meta, name)) c->role = COL_MAPPED;
    else {
      c->role = COL_METRIC;
      ingest_metric_from_key(name, c->base, sizeof c->base, &c->split);
      c->unit = ingest_metric_unit(c->base);
      c->fraction = !*c->unit && ingest_metric_is_fraction(c->base);
      c->percent = c->fraction && ingest_percent_named(cx, name);
      if (!strcmp(name, "acc") || !strcmp(name, "val_acc")) tl->old_acc = 1;
      if (!strcmp(c->base, "learning_rate")) tl->has_lr = 1;   /* or several */
    }
  }
  rename_learning_rates(st, row);
  if (tl->epoch_col < 0)
    return ingest_csv_fail(cx, row, 0, "a column named epoch", err);
  if (tl->need_step && tl->step_col < 0)
    return ingest_csv_fail(cx, row, row->n, "a column named step", err);
  st->header_seen = 1;
  return POD_OK;
}

static int log_run(ingest_ctx *cx, logstate *st, const ingest_csv_row *row,
                   char err[POD_ERRLEN]) {
  ingest_run_fields f = {0};
  int rc;
  if (st->have_run && !cx->meta->n_map) return POD_OK;
  if (!st->model[0]) ingest_model_from_dir(cx, cx->dir, st->model, sizeof st->model);
  f.model = st->model;
  f.key = st->attempt_key[0] ? st->attempt_key : NULL;
  f.attempt = st->attempt_key[0] ? st->tl->trainings : 0;
  ingest_map_row(cx->meta, &st->header, row, &f);
  if ((rc = ingest_run_for(cx, &f, 0, &st->run_id, err))) {
    char again[POD_ERRLEN];
    snprintf(again, sizeof again, "%s", err);
    return pod_err_at(err, rc, cx->path, row->line, 0, "%s", again);
  }
  st->have_run = 1;
  return POD_OK;
}

/* An axis cell: empty is "not logged on this row" (Lightning's
** LearningRateMonitor rows have no epoch). */
static int log_axis(ingest_ctx *cx, const ingest_csv_row *row, int i,
                    int required, long long *out, char err[POD_ERRLEN]) {
  *out = -1;
  if (i < 0 || (!row->len[i] && !required)) return POD_OK;
  if (!ingest_parse_count(row->field[i], 0, out))
    return ingest_csv_fail(cx, row, (size_t)i, "a whole number from 0 to 9e15", err);
  return POD_OK;
}

/* A line no CSVLogger writes, as two writers interleaved or a cut leave
** (`0,,,,`, `.0,,,`, a last line without its line end): POD_OK when it
** is whole. Keras writes NA for a key an epoch did not log and Lightning
** a step on every row, so a row without any logged cell, or Lightning's
** without a step, is broken; so is the last line when it has no line
** end (both writers end every row with one): its last cell may be cut. */
static int broken_log_row(ingest_ctx *cx, logstate *st,
                          const ingest_csv_row *row, char err[POD_ERRLEN]) {
  ingest_trainlog *tl = st->tl;
  int metrics = 0, logged = 0;
  if (row->n != st->header.n) {
    char msg[96];
    snprintf(msg, sizeof msg, "%zu fields like the header, not %zu",
             st->header.n, row->n);
    return ingest_csv_fail(cx, row, row->n < st->header.n ? row->n
                           : st->header.n, msg, err);
  }
  if (tl->need_step && !row->len[tl->step_col]) {
    long line, col = ingest_csv_col(row, (size_t)tl->step_col, &line);
    return pod_err_at(err, POD_EINPUT, cx->path, line, col, "found an empty "
                      "step cell, expected a step number (Lightning's "
                      "CSVLogger writes one on every row): a broken line");
  }
  for (size_t i = 0; i < row->n; i++)
    if (st->col[i].role == COL_METRIC) {
      metrics++;
      logged += row->len[i] > 0;
    }
  if (metrics && !logged)
    return pod_err_at(err, POD_EINPUT, cx->path, row->line, 1,
                      "found no logged value on the line (every key's cell "
                      "empty), expected at least one%s: a broken line",
                      tl->na_is_empty ? " (CSVLogger writes NA for a key "
                      "not logged)" : "");
  if (row->unended) {
    long line, col = ingest_csv_col(row, row->n, &line);
    return pod_err_at(err, POD_EINPUT, cx->path, line, col,
                      "found the end of the file in the last line, "
                      "expected its line end (CSVLogger ends every row with "
                      "one): the line may be cut, or still being written");
  }
  return POD_OK;
}

static int log_row(ingest_ctx *cx, const ingest_csv_row *row, void *ud,
                   char err[POD_ERRLEN]) {
  logstate *st = ud;
  ingest_trainlog *tl = st->tl;
  long long epoch, step;
  int rc, row_run = 0;
  if (!st->header_seen) return log_header(cx, st, row, err);
  if (row->n == 1 && !row->len[0]) return POD_OK;  /* a blank line */
  if ((rc = broken_log_row(cx, st, row, err)) ||
      (rc = log_axis(cx, row, tl->epoch_col, tl->epoch_required, &epoch,
                     err)) ||
      (rc = log_axis(cx, row, tl->step_col, 0, &step, err)))
    return ingest_bad_row(cx, rc, err);
  cx->rows++;
  /* CSVLogger(append=True) appends each new training to the file, its
  ** epoch starting again: a new run, so curves and best epochs are per
  ** training. */
  if (tl->split_restarts && epoch >= 0 && st->last_epoch >= 0 &&
      epoch <= st->last_epoch) {
    tl->trainings++;
    snprintf(st->attempt_key, sizeof st->attempt_key, "training %d",
             tl->trainings);
    st->have_run = 0;
  }
  if (epoch >= 0) st->last_epoch = epoch;
  for (size_t i = 0; i < row->n; i++) {
    logcol *c = &st->col[i];
    const char *cell = row->field[i];
    store_measurement m;
    double v;
    int got;
    if (c->role != COL_METRIC || !row->len[i]) continue;
    if (tl->na_is_empty && !strcmp(cell, "NA")) continue;
    if ((got = ingest_log_value(cell, &v)) < 0)
      return ingest_csv_fail(cx, row, i, "a number", err);
    if (!got) { tl->nonfinite++; continue; }  /* diverged: see the top */
    /* the run is made with its first value: never a run without values */
    if (!row_run && (rc = log_run(cx, st, row, err))) return rc;
    row_run = 1;
    if (!c->metric_id &&
        (rc = store_metric_id(cx->db, c->base, c->unit,
                              ingest_metric_direction(c->base),
                              &c->metric_id, err)))
      return rc;
    if (c->fraction && fabs(v) > c->max) c->max = fabs(v);
    ingest_measurement_init(&m, cx, st->run_id, c->metric_id, row->line,
                            c->percent ? v / 100 : v);
    m.epoch = epoch >= 0 ? (double)epoch : NAN;
    m.step = step;
    m.split = c->split;
    m.raw_value = cell;
    m.value_is_raw = !c->percent;   /* v is ingest_log_value's reading */
    m.raw_unit = c->percent ? "%" : c->unit;   /* the metric's: a fraction */
    if ((rc = store_measurement_add(cx->db, &m, err))) return rc;
    tl->values++;
  }
  return POD_OK;
}

int ingest_trainlog_csv(ingest_ctx *cx, ingest_trainlog *tl,
                        char err[POD_ERRLEN]) {
  logstate st;
  int rc;
  memset(&st, 0, sizeof st);
  st.tl = tl;
  st.last_epoch = -1;
  tl->trainings = 1;
  rc = ingest_csv_read(cx, log_row, &st, err);
  /* an accuracy, F1... column over 1 and at most 100 is in percent: the
  ** file is read again with its values / 100 (ingest.c, file_in_batch),
  ** so that a baseline logged in percent and an optimized model logged
  ** as a fraction compare (89.9 -> 0.87 read as -99%) */
  for (size_t i = 0; i < st.header.n && st.col; i++) {
    const logcol *c = &st.col[i];
    int added;
    if ((rc == POD_OK || rc == INGEST_READ_AGAIN) && c->fraction &&
        !c->percent && ingest_max_is_percent(c->max) &&
        (added = ingest_percent_add(cx, st.header.field[i], err)))
      rc = added < 0 ? POD_EINPUT : INGEST_READ_AGAIN;
  }
  if (rc == POD_OK && !st.header_seen)
    rc = pod_err_at(err, POD_EINPUT, cx->path, 0, 0,
                    "found an empty file, expected a header of logged keys");
  else if (rc == POD_OK && cx->rows == 0)
    rc = ingest_no_rows(cx, 1, "logged row", err);
  for (size_t i = 0; i < st.header.n; i++)
    if (st.header.field) free(st.header.field[i]);
  free(st.header.field);
  free(st.header.len);
  free(st.col);
  return rc;
}

int ingest_header_count(const char *head, size_t n, const char *name) {
  size_t len = strlen(name);
  int found = 0;
  for (size_t i = 0, s = 0; i <= n; i++) {
    char c = i < n ? head[i] : '\n';
    if (c != ',' && c != '\n' && c != '\r') continue;
    size_t a = s, b = i;   /* the cell, without quotes and spaces */
    while (a < b && (head[a] == '"' || head[a] == ' ')) a++;
    while (b > a && (head[b - 1] == '"' || head[b - 1] == ' ')) b--;
    if (b - a == len && !memcmp(head + a, name, len)) found++;
    s = i + 1;
    if (c != ',') break;
  }
  return found;
}

int ingest_header_cells(const char *head, size_t n, char cells[][64],
                        int max) {
  int k = 0;
  size_t o = 0;
  for (size_t i = 0; i <= n && k < max; i++) {
    char c = i < n ? head[i] : '\n';
    if (c == '"' || c == ' ') continue;
    if (c == ',' || c == '\n' || c == '\r') {
      cells[k][o] = '\0';
      k++;
      o = 0;
      if (c != ',') break;
    } else if (o + 1 < 64) {
      cells[k][o++] = c;
    }
  }
  return k;
}

void ingest_trainlog_version(ingest_ctx *cx, const ingest_trainlog *tl,
                             const char *what, char *version, size_t n) {
  size_t at = (size_t)snprintf(version, n, "%s", what);
  if (tl->trainings > 1 && at < n)
    at += (size_t)snprintf(version + at, n - at, ", %d trainings "
                           "(append=True)", tl->trainings);
  if (tl->nonfinite && at < n)
    snprintf(version + at, n - at, ", %ld nan/inf values skipped",
             tl->nonfinite);
  ingest_percent_note(cx, version, n);
  /* rows and no value: said, not "added (2 rows)" alone (no run is made) */
  if (!tl->values)
    cx->note = tl->nonfinite ? "0 values: every value nan or inf (the "
                               "training diverged)"
                             : "0 values: every cell empty or NA";
  cx->format_version = version;
}
