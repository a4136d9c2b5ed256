/*
** ingest/hf_trainer.c -- transformers Trainer output: trainer_state.json
** and the flat all_results.json / eval_results.json / train_results.json.
**
** trainer_state.json: a pretty-printed object whose log_history list
** mixes three kinds of entries:
**   - training logs {loss, learning_rate, grad_norm, epoch, step} and
**   - evaluation logs {eval_*, epoch, step}: one measurement per key with
**     the entry's epoch (fractional in HF) and step as axes;
**   - the final summary {train_runtime, train_samples_per_second,
**     train_steps_per_second, total_flos, train_loss, epoch, step}: the
**     result of the whole run, so its values have no epoch or step and
**     become leaderboard values (store/query.c reads epoch IS NULL AND
**     step IS NULL).
** The *_results.json files are such summaries too (flat objects of
** numbers, no axes); their "epoch" key says how far training went and is
** not stored. all_results.json repeats train_results.json and
** eval_results.json: ingesting all three puts equal values twice into
** the run, which leaves the leaderboard mean unchanged.
** Names (metric_names.c): eval_* is split validation, train_* and bare
** keys (loss, grad_norm, total_flos) split train, learning_rate none;
** *_runtime is metric runtime in s, *_per_second in 1/s, total_flos in
** FLOP.
** Python's json writes NaN and Infinity for a diverged loss; cJSON
** rejects them, so the scan below overwrites each such token with "[]"
** padded to its length (offsets stay exact) and counts it; an empty list
** in a value's place is that marker: skipped, counted and named in the
** source's format version.
** cJSON keeps no positions, so the same scan records where each
** log_history entry and each key starts: measurements cite the line of
** their entry (trainer_state) or key (results files).
** The file is read whole, up to INGEST_JSON_MAX; JSON nested deeper than
** MAX_DEPTH is refused before cJSON sees it.
*/
#include "ingest/ingest_int.h"
#include "core/json.h"
#include "core/buf.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

typedef struct pos {
  size_t off;
  long line, col;
} pos;

typedef struct poslist {
  pos *p;
  size_t n, cap;
} poslist;

typedef struct scan {
  poslist top_keys;     /* keys of the root object, in order */
  poslist items;        /* elements of log_history */
  poslist item_keys;    /* keys of those elements, in order */
  long nonfinite;       /* NaN/Infinity tokens replaced */
} scan;

static void pos_add(poslist *l, size_t off, long line, long col) {
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 64;
    l->p = pod_xrealloc(l->p, l->cap * sizeof *l->p);
  }
  l->p[l->n].off = off;
  l->p[l->n].line = line;
  l->p[l->n++].col = col;
}

static const pos *pos_at(const poslist *l, size_t i) {
  static const pos none = {0, 0, 0};
  return i < l->n ? &l->p[i] : &none;
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One pass over the text: depth limit, NaN/Infinity markers, and the
** positions of root keys, log_history entries and their keys. Syntax
** errors are left to cJSON. */
static int scan_text(ingest_ctx *cx, char *t, size_t len, scan *sc,
                     char err[POD_ERRLEN]) {
  long line = 1;
  size_t ls = 0;
  int depth = 0, lh_depth = 0, want_lh = 0, expect_item = 0;
  for (size_t i = 0; i < len; i++) {
    char c = t[i];
    if (c == '\n') { line++; ls = i + 1; continue; }
    if (is_space(c)) continue;
    if (expect_item && c != ']') pos_add(&sc->items, i, line, (long)(i - ls) + 1);
    expect_item = 0;
    if (c == '"') {
      size_t s = i, j;
      for (i++; i < len && t[i] != '"'; i++)
        if (t[i] == '\\') i++;
      if (i >= len) break;
      for (j = i + 1; j < len && is_space(t[j]); j++) continue;
      if (j < len && t[j] == ':') {
        if (depth == 1) {
          pos_add(&sc->top_keys, s, line, (long)(s - ls) + 1);
          if (i - s - 1 == 11 && !memcmp(t + s + 1, "log_history", 11)) {
            want_lh = 1;
            continue;
          }
        } else if (lh_depth && depth == lh_depth + 1) {
          pos_add(&sc->item_keys, s, line, (long)(s - ls) + 1);
        }
      }
      want_lh = 0;
      continue;
    }
    if (c == ':') continue;
    if (c == ',') {
      if (lh_depth && depth == lh_depth) expect_item = 1;
      continue;
    }
    if (c == '{' || c == '[') {
      int lh = want_lh && c == '[' && depth == 1;
      want_lh = 0;
      if (++depth > MAX_DEPTH)
        return pod_err_at(err, POD_EINPUT, cx->path, line, (long)(i - ls) + 1,
                          "found JSON nested deeper than %d levels, expected "
                          "at most %d", MAX_DEPTH, MAX_DEPTH);
      if (lh) { lh_depth = depth; expect_item = 1; }
      continue;
    }
    if (c == '}' || c == ']') {
      if (c == ']' && depth == lh_depth) lh_depth = 0;
      if (depth > 0) depth--;
      continue;
    }
    want_lh = 0;
    size_t k = ingest_json_token(t, len, i, &sc->nonfinite);
    if (k) i += k - 1;
  }
  return POD_OK;
}

/* The value after the key at off, as written ("2.2882818626410906e+17"). */
static void raw_after_key(const char *t, size_t len, size_t off, char *out,
                          size_t n) {
  size_t i = off + 1, o = 0;
  while (i < len && t[i] != '"') i += t[i] == '\\' ? 2 : 1;
  for (i++; i < len && (is_space(t[i]) || t[i] == ':'); i++) continue;
  while (i < len && o + 1 < n && ingest_json_token_char(t[i])) out[o++] = t[i++];
  out[o] = '\0';
}

/* path:line:col of byte offset off. */
static int syntax_error(ingest_ctx *cx, const char *t, size_t len,
                        size_t off, const char *expected,
                        char err[POD_ERRLEN]) {
  char found[96];
  long line, col;
  size_t n = 0, rest = off;
  if (off > len) off = len;
  /* only spaces from there on: the text ends too early (a file cut) */
  while (rest < len && is_space(t[rest])) rest++;
  if (rest >= len) off = len;
  /* cJSON stops past the bad byte when it meets a line end or the end of
  ** the text: point at the last byte it read instead */
  while (off > 0 && off < len && is_space(t[off])) off--;
  pod_line_col(t, off, &line, &col);
  while (off + n < len && n < 24 && t[off + n] != '\n' && t[off + n] != '\r')
    n++;
  if (off >= len) snprintf(found, sizeof found, "the end of the file");
  else pod_snippet(found, sizeof found, t + off, n);
  return pod_err_at(err, POD_EINPUT, cx->path, line, col,
                    "found %s, expected %s", found, expected);
}

/* ---- measurements ---------------------------------------------------- */

/* A key of log_history as named once: entries repeat a few keys, and
** naming one (split, unit, direction, the metric's id) for each value
** was ~10% of ingesting a trainer_state.json. The first 64 keys (of
** under 128 bytes) are named so; a fraction key past them is not checked
** for percent. */
typedef struct key_named {
  char *key;               /* owned */
  const char *split, *unit;
  int64_t metric_id;
  int fraction, percent;   /* as in metric_names.c's logcol */
  double max;              /* a fraction's largest value */
} key_named;

typedef struct hfstate {
  const char *text;
  size_t len;
  scan sc;
  int64_t run_id;
  int run_made;         /* this file made the run: no copies to look for */
  long copies;          /* results another Trainer file of the run holds */
  char copied_from[64]; /* the first such file's name */
  long nonfinite;       /* markers met in value places */
  int grad_norm;
  key_named *named;      /* every key met (a file of many eval datasets
                         ** has hundreds: each is checked for percent) */
  int n_named, cap_named;
} hfstate;

static int run_of(ingest_ctx *cx, hfstate *st, char err[POD_ERRLEN]) {
  char model[256];
  ingest_run_fields f = {0};
  int rc;
  if (st->run_id) return POD_OK;
  ingest_model_from_dir(cx, cx->dir, model, sizeof model);
  f.model = model;
  rc = ingest_run_for(cx, &f, 0, &st->run_id, err);
  st->run_made = cx->run_made;
  return rc;
}

/* 1 when the run already holds this result (no epoch, no step) from
** another Trainer file: the Trainer writes one evaluation into
** eval_results.json, all_results.json and trainer_state.json alike, and
** each copy stored made a board count n = 2 or 3 for one value. The
** first file read keeps it (all_results.json, by name). */
static int is_copy(ingest_ctx *cx, hfstate *st, int64_t metric_id,
                   const char *split, double value, char err[POD_ERRLEN]) {
  char from[4096];
  int found = 0;
  if (st->run_made) return 0;   /* a new run holds nothing yet */
  if (store_result_copy_of(cx->db, st->run_id, metric_id, split, value,
                           cx->source_id, "hf-trainer", from, sizeof from,
                           &found, err))
    return -1;
  if (found && !st->copies++) {   /* its file name, cut to fit */
    const char *b = strrchr(from, '/');
    size_t n = strlen(b = b ? b + 1 : from);
    if (n >= sizeof st->copied_from) n = sizeof st->copied_from - 1;
    memcpy(st->copied_from, b, n);
    st->copied_from[n] = '\0';
  }
  return found;
}

/* One key: value v, written at key position kp; entry line and axes. */
static int add_value(ingest_ctx *cx, hfstate *st, const cJSON *v,
                     const pos *kp, long line, double epoch, int64_t step,
                     char err[POD_ERRLEN]) {
  char base[128], raw[64];
  const char *split, *unit;
  store_measurement m;
  int64_t metric_id;
  key_named *k = NULL;
  double value = v->valuedouble;
  int rc, i;
  if (cJSON_IsArray(v) && !v->child) { st->nonfinite++; return POD_OK; }
  if (cJSON_IsNull(v)) return POD_OK;
  if (!cJSON_IsNumber(v))
    return pod_err_at(err, POD_EINPUT, cx->path, kp->line, kp->col,
                      "found %s for \"%s\", expected a number", ingest_json_type(v),
                      v->string);
  if (!isfinite(value))   /* 1e999, a 400-digit integer: over a double */
    return pod_err_at(err, POD_EINPUT, cx->path, kp->line, kp->col,
                      "found a number out of range for \"%s\", expected "
                      "one a double holds (|x| < 1.8e308)", v->string);
  if ((rc = run_of(cx, st, err))) return rc;
  for (i = 0; i < st->n_named && strcmp(st->named[i].key, v->string); i++) {}
  if (i < st->n_named) {
    k = &st->named[i];
    split = k->split;
    unit = k->unit;
    metric_id = k->metric_id;
  } else {
    if (!strcmp(v->string, "grad_norm")) st->grad_norm = 1;
    ingest_metric_from_key(v->string, base, sizeof base, &split);
    unit = ingest_metric_unit(base);
    if ((rc = store_metric_id(cx->db, base, unit,
                              ingest_metric_direction(base), &metric_id, err)))
      return rc;
    {
      if (st->n_named == st->cap_named) {
        st->cap_named = st->cap_named ? 2 * st->cap_named : 32;
        st->named = pod_xrealloc(st->named, (size_t)st->cap_named *
                                                sizeof *st->named);
      }
      k = &st->named[st->n_named++];
      k->key = pod_xstrdup(v->string);
      k->split = split;
      k->unit = unit;
      k->metric_id = metric_id;
      /* accuracy, F1 (SQuAD's exact match and F1 are 0 to 100) */
      k->fraction = !*unit && ingest_metric_is_fraction(base);
      k->percent = k->fraction && ingest_percent_named(cx, v->string);
      k->max = 0;
    }
  }
  if (k && k->fraction && fabs(value) > k->max) k->max = fabs(value);
  if (k && k->percent) value /= 100;
  if (isnan(epoch) && step < 0 &&
      (rc = is_copy(cx, st, metric_id, split, value, err)))
    return rc < 0 ? POD_EDB : POD_OK;
  raw_after_key(st->text, st->len, kp->off, raw, sizeof raw);
  ingest_measurement_init(&m, cx, st->run_id, metric_id, line, value);
  m.epoch = epoch;
  m.step = step;
  m.split = split;
  m.raw_value = raw;
  m.raw_unit = k && k->percent ? "%" : unit;
  return store_measurement_add(cx->db, &m, err);
}

/* An axis of a log_history entry: epoch or step; absent is fine. */
static int entry_axis(ingest_ctx *cx, const cJSON *entry, const char *key,
                      const pos *ip, double *out, char err[POD_ERRLEN]) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(entry, key);
  if (!v) return POD_OK;
  if (!cJSON_IsNumber(v) || v->valuedouble < 0 || !isfinite(v->valuedouble))
    return pod_err_at(err, POD_EINPUT, cx->path, ip->line, ip->col,
                      "found %s for \"%s\", expected a number >= 0 a "
                      "double holds", cJSON_IsNumber(v) ? "a number out of "
                      "range" : ingest_json_type(v), key);
  *out = v->valuedouble;
  return POD_OK;
}

static int log_entry(ingest_ctx *cx, hfstate *st, const cJSON *entry,
                     size_t e, size_t *k, char err[POD_ERRLEN]) {
  const pos *ip = pos_at(&st->sc.items, e);
  double epoch = NAN, step = -1;
  int summary, rc;
  if (!cJSON_IsObject(entry))
    return pod_err_at(err, POD_EINPUT, cx->path, ip->line, ip->col,
                      "found %s, expected an object (a log_history entry)",
                      ingest_json_type(entry));
  if ((rc = entry_axis(cx, entry, "epoch", ip, &epoch, err)) ||
      (rc = entry_axis(cx, entry, "step", ip, &step, err)))
    return rc;
  summary = cJSON_HasObjectItem(entry, "train_runtime") ||
            cJSON_HasObjectItem(entry, "total_flos");
  cx->rows++;
  for (const cJSON *v = entry->child; v; v = v->next) {
    const pos *kp = pos_at(&st->sc.item_keys, (*k)++);
    if (!strcmp(v->string, "epoch") || !strcmp(v->string, "step")) continue;
    if ((rc = add_value(cx, st, v, kp, ip->line, summary ? NAN : epoch,
                        summary ? -1 : (int64_t)step, err)))
      return rc;
  }
  return POD_OK;
}

/* The step of the checkpoint the Trainer kept as its best (with
** load_best_model_at_end, the model it hands back): best_global_step
** (transformers 4.50+), else the N of best_model_checkpoint's
** ".../checkpoint-N"; -1 when it kept none (both null). *from: the key
** that said it. */
static int64_t kept_step(const cJSON *root, const cJSON **from) {
  const cJSON *g = cJSON_GetObjectItemCaseSensitive(root, "best_global_step");
  const cJSON *c =
      cJSON_GetObjectItemCaseSensitive(root, "best_model_checkpoint");
  const char *s, *digits;
  char *end;
  long long n;
  *from = g;
  if (cJSON_IsNumber(g) && g->valuedouble >= 0 && g->valuedouble < 1e15 &&
      g->valuedouble == floor(g->valuedouble))
    return (int64_t)g->valuedouble;
  *from = c;
  if (!cJSON_IsString(c) || !(s = strstr(c->valuestring, "checkpoint-")))
    return -1;
  while ((digits = strstr(s + 1, "checkpoint-"))) s = digits;   /* the last */
  digits = s + 11;
  if (*digits < '0' || *digits > '9') return -1;
  n = strtoll(digits, &end, 10);
  return (*end == '\0' || *end == '/') && n >= 0 ? (int64_t)n : -1;
}

/* The kept checkpoint's step as a value of the run (best_global_step,
** the cell as written): its results are that step's, and a run page's
** cross-check of a summary file reads it there (analysis/curves.c). */
static int add_kept_step(ingest_ctx *cx, hfstate *st, const cJSON *root,
                         const cJSON *from, char err[POD_ERRLEN]) {
  store_measurement m;
  int64_t metric_id;
  size_t i = 0;
  char raw[128];
  int rc;
  const pos *kp = NULL;
  for (const cJSON *v = root->child; v; v = v->next, i++)
    if (v == from) kp = pos_at(&st->sc.top_keys, i);
  if (!kp || !st->run_id) return POD_OK;
  if ((rc = store_metric_id(cx->db, "best_global_step", "",
                            STORE_NO_DIRECTION, &metric_id, err)))
    return rc;
  if (cJSON_IsString(from)) snprintf(raw, sizeof raw, "%s", from->valuestring);
  else raw_after_key(st->text, st->len, kp->off, raw, sizeof raw);
  ingest_measurement_init(&m, cx, st->run_id, metric_id, kp->line,
                          (double)cx->kept_step);
  m.raw_value = raw;
  cx->rows++;   /* a line of values, as a results file's key is */
  return store_measurement_add(cx->db, &m, err);
}

static int trainer_state(ingest_ctx *cx, hfstate *st, const cJSON *root,
                         char err[POD_ERRLEN]) {
  const cJSON *lh = NULL, *from;
  size_t i = 0, e = 0, k = 0;
  int rc;
  for (const cJSON *v = root->child; v; v = v->next, i++)
    if (!strcmp(v->string, "log_history")) {
      lh = v;
      if (!cJSON_IsArray(v)) {
        const pos *p = pos_at(&st->sc.top_keys, i);
        return pod_err_at(err, POD_EINPUT, cx->path, p->line, p->col,
                          "found %s for \"log_history\", expected a list",
                          ingest_json_type(v));
      }
    }
  for (const cJSON *entry = lh->child; entry; entry = entry->next, e++)
    if ((rc = log_entry(cx, st, entry, e, &k, err))) return rc;
  if (!cx->rows)
    return pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found an empty "
                      "log_history, expected at least one logged entry");
  if ((cx->kept_step = kept_step(root, &from)) >= 0)
    return add_kept_step(cx, st, root, from, err);
  return POD_OK;
}

static int results(ingest_ctx *cx, hfstate *st, const cJSON *root,
                   char err[POD_ERRLEN]) {
  size_t i = 0;
  int rc;
  for (const cJSON *v = root->child; v; v = v->next, i++) {
    const pos *kp = pos_at(&st->sc.top_keys, i);
    if (!strcmp(v->string, "epoch")) continue;  /* how far, not a result */
    cx->rows++;
    if ((rc = add_value(cx, st, v, kp, kp->line, NAN, -1, err))) return rc;
  }
  if (!cx->rows)
    return pod_err_at(err, POD_EINPUT, cx->path, 1, 1, "found no results, "
                      "expected keys such as eval_loss or train_runtime");
  return POD_OK;
}

static const char *basename_of(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

static int parse(ingest_ctx *cx, char err[POD_ERRLEN]) {
  /* Read by ingest_file after parse returns (store_source_set_rows). */
  static char version[256], note[64];
  pod_buf text = POD_BUF_INIT;
  hfstate st;
  cJSON *root = NULL;
  const char *end = NULL;
  size_t first = 0, parsed_to = 0;
  int rc, lent = 0;
  memset(&st, 0, sizeof st);
  if ((rc = ingest_read_json(cx, &text, err))) goto done;
  if (!text.len) {
    rc = pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found an empty file, "
                    "expected a JSON object");
    goto done;
  }
  st.text = pod_buf_str(&text);
  st.len = text.len;
  if (st.len >= 3 && !memcmp(st.text, "\xEF\xBB\xBF", 3))
    memset(text.data, ' ', 3);  /* a BOM: blank it, offsets stay */
  if ((rc = scan_text(cx, text.data, st.len, &st.sc, err)))
    goto done;
  if ((root = ingest_read_ahead_json(cx->ahead, &parsed_to))) {
    end = st.text + parsed_to;   /* parsed on the read-ahead thread */
    lent = 1;                    /* and freed there */
  } else
    root = pod_json_parse(st.text, st.len, &end);
  if (!root) {
    rc = syntax_error(cx, st.text, st.len, end ? (size_t)(end - st.text) : 0,
                      "valid JSON", err);
    goto done;
  }
  for (size_t j = (size_t)(end - st.text); j < st.len; j++)
    if (!is_space(st.text[j])) {
      rc = syntax_error(cx, st.text, st.len, j, "the end of the file after "
                        "the JSON value", err);
      goto done;
    }
  while (first < st.len && is_space(st.text[first])) first++;
  if ((rc = ingest_json_check(cx->path, root, st.text, st.len, err)))
    goto done;
  if (!cJSON_IsObject(root)) {
    rc = syntax_error(cx, st.text, st.len, first, "a JSON object "
                      "(trainer_state.json or *_results.json)", err);
    goto done;
  }
  if (cJSON_HasObjectItem(root, "log_history")) {
    if ((rc = trainer_state(cx, &st, root, err))) goto done;
    snprintf(version, sizeof version, "trainer_state%s",
             cJSON_HasObjectItem(root, "stateful_callbacks")
                 ? " 4.x (stateful_callbacks)"
                 : st.grad_norm ? " 4.x (grad_norm)" : "");
  } else {
    const char *b = basename_of(cx->path);
    if ((rc = results(cx, &st, root, err))) goto done;
    snprintf(version, sizeof version, "%s",
             strstr(b, "all_results") ? "all_results"
             : strstr(b, "eval_results") ? "eval_results"
             : strstr(b, "train_results") ? "train_results" : "results");
  }
  /* a fraction's key over 1 and at most 100 is in percent: read again
  ** with its values / 100 (metric_names.c says why) */
  for (int i = 0, added; i < st.n_named && rc != POD_EINPUT; i++)
    if (st.named[i].fraction && !st.named[i].percent &&
        ingest_max_is_percent(st.named[i].max) &&
        (added = ingest_percent_add(cx, st.named[i].key, err)))
      rc = added < 0 ? POD_EINPUT : INGEST_READ_AGAIN;
  if (rc) goto done;
  if (st.nonfinite) {
    snprintf(version + strlen(version), sizeof version - strlen(version),
             ", %ld nan/inf values skipped", st.nonfinite);
    /* said on the "added" line too, as the CSV logs do: a file of NaN
    ** alone makes no run */
    if (!st.run_id)
      cx->note = "0 values: every value nan or inf (the training diverged)";
    else {
      snprintf(note, sizeof note, "%ld nan/inf values skipped", st.nonfinite);
      cx->note = note;
    }
  }
  if (st.copies)
    snprintf(version + strlen(version), sizeof version - strlen(version),
             ", %ld result%s kept once, from %s", st.copies,
             st.copies == 1 ? "" : "s", st.copied_from);
  ingest_percent_note(cx, version, sizeof version);
  cx->format_version = version;
done:
  if (lent) ingest_read_ahead_done(cx->ahead, root);
  else cJSON_Delete(root);
  for (int i = 0; i < st.n_named; i++) free(st.named[i].key);
  free(st.named);
  free(st.sc.top_keys.p);
  free(st.sc.items.p);
  free(st.sc.item_keys.p);
  pod_buf_free(&text);
  return rc;
}

/* ---- detection ------------------------------------------------------- */

static int has_prefix(const char *s, const char *p) {
  return !strncmp(s, p, strlen(p));
}

static int sniff(const char *head, size_t n, const char *path) {
  char buf[4097];
  size_t i = 0;
  const char *key;
  if (n > sizeof buf - 1) n = sizeof buf - 1;
  memcpy(buf, head, n);
  buf[n] = '\0';
  while (i < n && is_space(buf[i])) i++;
  if (i >= n || buf[i] != '{') return 0;
  if (strstr(buf, "\"log_history\"")) return 100;
  for (i++; i < n && is_space(buf[i]); i++) continue;
  if (i >= n || buf[i] != '"') return 0;
  key = buf + i + 1;
  if (has_prefix(key, "epoch\"") || has_prefix(key, "eval_") ||
      has_prefix(key, "train_") || has_prefix(key, "test_") ||
      has_prefix(key, "predict_") || has_prefix(key, "total_flos\""))
    return strstr(basename_of(path), "results") ? 100 : 90;
  return 0;
}

const ingest_format ingest_hf_trainer = {
  "hf-trainer",
  "JSON object with log_history (transformers trainer_state.json), or "
  "flat eval_*/train_* numbers (all_results.json, eval_results.json, "
  "train_results.json)",
  sniff, parse,
  "log_history,global_step,best_metric,epoch,eval_loss,train_runtime,"
  "total_flos,train_loss"};
