/*
** ingest/ingest.c -- the ingest driver: each file whole or not at all.
**
** The life of a file:
**   1. hash it (sha256, streamed); a known hash means "skipped"; a small
**      file is kept in memory as it is hashed (cx->data), not opened
**      again to be detected and parsed;
**   2. detect its format from its first bytes (or take --format);
**   3. BEGIN when no batch is open (the file is the transaction), else a
**      savepoint (optimistic batches: none, the file joins the
**      transaction); add the source row; the format's parser streams the
**      rows and adds runs and measurements; set the row count; release;
**   4. on any error: back to the savepoint (or roll the transaction
**      back: optimistic, the batch's other files with it, which the
**      caller ingests again), and forget runs and environments this file
**      created, so the registry is exactly as it was before the file;
**   5. COMMIT after the file, or, in a batch (ingest_session_batch: the
**      CLI's), once per batch of files.
*/
#include "ingest/ingest_int.h"
#include "ingest/session_int.h"
#include "analysis/analysis.h"
#include "core/buf.h"
#include "core/fs.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>




int ingest_bad_row(ingest_ctx *cx, int rc, char err[POD_ERRLEN]) {
  size_t n = strlen(err);
  if (cx->meta->skip_bad_rows) {
    /* the first 1,000 are listed (memory stays bounded), all are counted */
    if (cx->bad_rows < 1000) pod_buf_printf(cx->bad, "%s\n", err);
    else if (cx->bad_rows == 1000)
      pod_buf_printf(cx->bad, "%s: more bad lines, not listed\n", cx->path);
    cx->bad_rows++;
    return POD_OK;
  }
  snprintf(err + n, POD_ERRLEN - n, " (--skip-bad-rows skips such lines)");
  return rc;
}

int ingest_no_rows(ingest_ctx *cx, long line, const char *what,
                   char err[POD_ERRLEN]) {
  const char *first = cx->bad && cx->bad->len ? cx->bad->data : NULL;
  if (!cx->bad_rows || !first)
    return pod_err_at(err, POD_EINPUT, cx->path, line, 0, "found a header "
                      "but no rows, expected at least one %s", what);
  /* every line was skipped: the file fails, so its list is not printed */
  return pod_err_at(err, POD_EINPUT, cx->path, line, 0, "found a header "
                    "and %ld broken line%s, all skipped (the first: %.*s), "
                    "expected at least one %s", cx->bad_rows,
                    cx->bad_rows == 1 ? "" : "s",
                    (int)strcspn(first, "\n"), first, what);
}

/* ---- runs ------------------------------------------------------------ */

void ingest_set_folder_env(ingest_ctx *cx, int64_t env_id) {
  id_map_put(&cx->session->folder_envs, cx->dir, env_id);
}

static void key_add(pod_buf *k, const char *s) {
  pod_buf_adds(k, s ? s : "\x01");   /* NULL differs from "" */
  pod_buf_addc(k, '\x1f');
}

const char *ingest_meta_column(const ingest_meta *meta, const char *field) {
  size_t n = strlen(field);
  for (int i = meta->n_map - 1; i >= 0; i--)  /* the last --map wins */
    if (!strncmp(meta->map[i], field, n) && meta->map[i][n] == '=')
      return meta->map[i] + n + 1;
  return NULL;
}

void ingest_map_row(const ingest_meta *meta, const ingest_csv_row *header,
                    const ingest_csv_row *row, ingest_run_fields *f) {
  static const char *const fields[] = {"model", "project", "variant",
                                       "role", "dataset", "task"};
  const char **slot[] = {&f->model, &f->project, &f->variant,
                         &f->role, &f->dataset, &f->task};
  for (int k = 0; k < 6; k++) {
    const char *col = ingest_meta_column(meta, fields[k]);
    if (!col) continue;
    for (size_t i = 0; i < header->n && i < row->n; i++)
      if (!strcmp(header->field[i], col) && row->len[i]) *slot[k] = row->field[i];
  }
}

typedef struct conflict {
  char role[16], path[512];
  int64_t run;
} conflict;

static int take_conflict(const store_row *row, void *ud) {
  conflict *c = ud;
  const char *path = store_row_text(row, "source_path");
  snprintf(c->role, sizeof c->role, "%s", store_row_text(row, "role"));
  snprintf(c->path, sizeof c->path, "%s", path ? path : "an earlier file");
  c->run = store_row_col(row, "run_id")->i;
  return 1;
}

/* Roles belong to the model: in one dataset (else task) a model is the
** baseline or an optimized model, whichever file says it. */
static int role_check(ingest_ctx *cx, const char *model,
                      const store_run_new *run, char err[POD_ERRLEN]) {
  const char *scope = run->dataset ? run->dataset : run->task ? run->task : "";
  conflict c;
  int rc;
  memset(&c, 0, sizeof c);
  rc = store_each_role_conflict(cx->db, model, scope, run->role,
                                take_conflict, &c, err);
  if (rc == 1)
    return pod_err(err, POD_EINPUT, "found role %s for model \"%s\" in "
                   "\"%s\", expected %s: %s (run %lld) made it the %s there; "
                   "a model has one role per dataset",
                   run->role, model, scope, c.role, c.path, (long long)c.run,
                   c.role);
  return rc;
}

/* realpath's answer for dir, kept: a folder that is no symbolic link is
** its parent's real path and its name (one lstat; realpath of each log's
** folder, a readlink per folder up to the root, was ~2% of ingesting a
** folder of logs). 0: no such folder. */
static int real_dir(ingest_session *s, const char *dir, char out[PATH_MAX]) {
  int64_t at = id_map_get(&s->real_at, dir);
  const char *slash = strrchr(dir, '/'), *name = slash ? slash + 1 : dir;
  char parent[PATH_MAX];
  struct stat st;
  size_t n;
  if (at) {
    snprintf(out, PATH_MAX, "%s", s->real_paths.data + at - 1);
    return 1;
  }
  if (slash && slash > dir && slash[-1] != '/' && *name &&
      strcmp(name, ".") && strcmp(name, "..") &&
      (size_t)(slash - dir) < sizeof parent && lstat(dir, &st) == 0 &&
      S_ISDIR(st.st_mode)) {
    snprintf(parent, sizeof parent, "%.*s", (int)(slash - dir), dir);
    if (!real_dir(s, parent, out)) return 0;
    n = strlen(out);
    if (n + 1 + strlen(name) >= PATH_MAX) return 0;
    snprintf(out + n, PATH_MAX - n, "%s%s", n > 1 ? "/" : "", name);
  } else if (!realpath(dir, out)) {
    return 0;
  }
  id_map_put(&s->real_at, dir, (int64_t)s->real_paths.len + 1);
  pod_buf_add(&s->real_paths, out, strlen(out) + 1);
  return 1;
}

void ingest_real_dir(ingest_ctx *cx, const char *dir, char out[PATH_MAX]) {
  if (!real_dir(cx->session, dir, out)) snprintf(out, PATH_MAX, "%s", dir);
}

void ingest_measurement_init(store_measurement *m, const ingest_ctx *cx,
                             int64_t run_id, int64_t metric_id, int64_t line,
                             double value) {
  store_measurement_init(m);
  m->run_id = run_id;
  m->metric_id = metric_id;
  m->source_id = cx->source_id;
  m->line = line;
  m->value = value;
}

/* The folder a file's runs group by: its own, but a Trainer's checkpoint
** folder (checkpoint-500/, last-checkpoint/) is its output folder's, where
** all_results.json and the benchmark files of the same training are. */
static void run_folder(const char *dir, char out[4096]) {
  const char *slash = strrchr(dir, '/'), *name = slash ? slash + 1 : dir;
  if (!ingest_checkpoint_folder(name, strlen(name)))
    snprintf(out, 4096, "%s", dir);
  else if (!slash) snprintf(out, 4096, ".");
  else snprintf(out, 4096, "%.*s", (int)(slash - dir), dir);
}

int ingest_run_for(ingest_ctx *cx, const ingest_run_fields *from_file,
                   int64_t env_id, int64_t *out_run, char err[POD_ERRLEN]) {
  ingest_session *s = cx->session;
  const ingest_meta *meta = cx->meta;
  store_run_new run = {0};
  pod_buf key = POD_BUF_INIT, named = POD_BUF_INIT;
  int rc = POD_OK, remember;
  const char *model = meta->model ? meta->model : from_file->model;
  char dir[4096];

#define PICK(f) (meta->f ? meta->f : from_file->f)
  run.project = PICK(project);
  run.variant = PICK(variant);
  run.role = PICK(role);
  run.dataset = PICK(dataset);
  run.task = PICK(task);
#undef PICK
  if (!model || !*model)
    return pod_err(err, POD_EINPUT, "found no model name, expected one "
                   "from the file, --model or --map model=COLUMN");
  if (run.role && strcmp(run.role, "baseline") && strcmp(run.role, "optimized"))
    return pod_err(err, POD_EINPUT, "found role \"%s\", expected baseline "
                   "or optimized", run.role);
  if (run.role && (rc = role_check(cx, model, &run, err))) return rc;
  run_folder(cx->dir, dir);
  if (!env_id) env_id = id_map_get(&s->folder_envs, dir);
  /* A run the parser remembers by its key (CodeCarbon's run_id) is not
  ** kept here too: one entry per line of a file of distinct run_ids was
  ** most of the memory of a big ingest (issue 14); nor is its key made. */
  remember = !from_file->parser_keeps || meta->run_name;
  if (meta->run_name) {
    if (s->run_name_model && strcmp(s->run_name_model, model))
      return pod_err(err, POD_EINPUT,
                     "found a second model \"%s\" under --run %s (which "
                     "holds \"%s\"), expected one model per named run; "
                     "leave out --run to get a run per model",
                     model, meta->run_name, s->run_name_model);
    if (!s->run_name_model) s->run_name_model = pod_xstrdup(model);
    /* a log's later trainings (append=True) are runs of their own, named
    ** after the one --run names: one curve per training */
    pod_buf_adds(&named, meta->run_name);
    if (from_file->attempt > 1)
      pod_buf_printf(&named, ", training %d", from_file->attempt);
    key_add(&key, "--run");
    key_add(&key, named.data);
  } else if (remember) {
    char env[32];
    snprintf(env, sizeof env, "%lld", (long long)env_id);
    key_add(&key, dir);
    key_add(&key, model);
    key_add(&key, run.project);
    key_add(&key, run.variant);
    key_add(&key, run.role);
    key_add(&key, run.dataset);
    key_add(&key, run.task);
    key_add(&key, cx->tags_json);
    key_add(&key, env);
    key_add(&key, from_file->key);
  }
  cx->run_made = 0;
  if (remember && (*out_run = id_map_get(&s->runs, key.data))) goto done;
  /* a replaced file goes back into the run its old rows were in, when
  ** other files of that run are still in it (one run per folder stays
  ** one run; the session's map was made without them) */
  if (cx->replacing && remember && !meta->run_name &&
      ((rc = store_replaced_run(cx->db, model, out_run, err)) || *out_run))
    goto found;
  if (meta->run_name &&
      ((rc = store_run_find_name(cx->db, named.data, out_run, err)) ||
       *out_run))
    goto found;
  run.name = meta->run_name ? named.data : NULL;
  run.model = model;
  run.tags_json = cx->tags_json;
  run.env_id = env_id;
  if ((rc = store_run_add(cx->db, &run, out_run, err))) goto done;
  cx->run_made = 1;
found:
  if (!rc && remember) id_map_put(&s->runs, key.data, *out_run);
done:
  pod_buf_free(&key);
  pod_buf_free(&named);
  return rc;
}

/* Training logs hold curves: their runs' results at the best epoch are
** made now, in the file's transaction (analysis/curves.c). Other formats
** write no per-epoch values, and a CodeCarbon file's thousands of runs
** need no second look. */
static int curve_results(ingest_ctx *cx, const ingest_format *fmt,
                         char err[POD_ERRLEN]) {
  store_ids l;
  int rc = POD_OK;
  if (fmt != &ingest_keras_csvlogger && fmt != &ingest_lightning_csv &&
      fmt != &ingest_hf_trainer && fmt != &ingest_generic)
    return POD_OK;
  /* the file's runs as the store saw them go in, without a query */
  if (!store_source_new_runs(cx->db, cx->source_id, &l))
    return analysis_source_results(cx->db, cx->source_id, err);
  for (size_t i = 0; i < l.n && !rc; i++)
    rc = analysis_curve_results(cx->db, l.ids[i], cx->kept_step, err);
  free(l.ids);
  return rc;
}

/* ---- one file -------------------------------------------------------- */

static int take_path(const store_row *row, void *ud) {
  const char *path = store_row_text(row, "path");
  pod_buf_adds(ud, path ? path : "");
  return 0;
}

/* A skipped file: the path its bytes went in under (source id), so that
** "skipped b/emissions.csv" says it is a/emissions.csv's twin. */
static void note_twin(ingest_session *s, int64_t id) {
  char err[POD_ERRLEN];
  pod_buf_clear(&s->twin);
  if (id && store_get_source(s->db, id, take_path, &s->twin, err) == POD_OK &&
      s->twin.len)
    s->report.twin = s->twin.data;
}

/* A skipped env_info file (already in: a folder ingested again with new
** results beside it, or the same file copied into another model's
** folder) still says which machine the files beside it ran on. Best
** effort: a failure leaves them without one, as before. */
static void skipped_env(ingest_session *s, ingest_ctx *cx, const char *path) {
  char ignored[POD_ERRLEN];
  if (!cx->data) return;   /* env files are small: read whole */
  cx->session = s;
  cx->db = s->db;
  cx->meta = &s->meta;
  cx->path = path;
  (void)ingest_hf_env_again(cx, ignored);
}

static void folder_of(const char *path, char out[4096]) {
  const char *slash = strrchr(path, '/');
  if (!slash) snprintf(out, 4096, ".");
  else snprintf(out, 4096, "%.*s", (int)(slash - path), path);
}

/* ---- per-file metadata: manifest, then flags -------------------------- */

/* The podium.json of one folder (NULL: none), loaded once per session. */
static int folder_manifest(ingest_session *s, const char *dir,
                           ingest_manifest **out, char err[POD_ERRLEN]) {
  char probe[4200];
  int rc;
  int64_t at = id_map_get(&s->manifest_at, dir);
  if (at) {
    *out = s->manifest[at - 1];
    return POD_OK;
  }
  *out = NULL;
  snprintf(probe, sizeof probe, "%s/podium.json", dir);
  if (pod_exists(probe) && (rc = ingest_manifest_load(probe, out, err)))
    return rc;
  s->manifest = pod_xrealloc(s->manifest,
                             (s->n_manifests + 1) * sizeof *s->manifest);
  s->manifest[s->n_manifests++] = *out;
  id_map_put(&s->manifest_at, dir, (int64_t)s->n_manifests);
  return POD_OK;
}

/* The nearest podium.json up the folders of the path as given: for
** "results/bert/x.csv", results/bert/, results/, then the current folder;
** for an absolute path, every folder below the root. */
static int nearest_manifest(ingest_session *s, const char *dir,
                            ingest_manifest **out, char err[POD_ERRLEN]) {
  char d[4096];
  int rc;
  snprintf(d, sizeof d, "%s", dir);
  for (;;) {
    if ((rc = folder_manifest(s, d, out, err)) || *out) return rc;
    char *slash = strrchr(d, '/');
    if (!strcmp(d, ".") || !slash || slash == d) {
      if (slash || d[0] == '/' || !strcmp(d, ".")) return POD_OK;
      snprintf(d, sizeof d, ".");  /* "results" -> "." */
      continue;
    }
    *slash = '\0';
  }
}

typedef struct file_meta {
  ingest_meta meta;
  char **pairs;          /* from the manifest: "mFIELD=COL" / "tKEY=VAL" */
  int n_pairs;
  const char **map, **tags;
  char *tags_json;
} file_meta;

static void file_meta_free(file_meta *fm) {
  for (int i = 0; i < fm->n_pairs; i++) free(fm->pairs[i]);
  free(fm->pairs);
  free(fm->map);
  free(fm->tags);
  free(fm->tags_json);
}

/* Flags over manifest: text fields, then map and tags lists (flags last,
** so they win), and the tags as one JSON object. */
static int file_meta_build(ingest_session *s, const char *path,
                           const char *dir, file_meta *fm,
                           char err[POD_ERRLEN]) {
  const ingest_meta *f = &s->meta;
  ingest_manifest *m = NULL;
  int rc;
  memset(fm, 0, sizeof *fm);
  if ((rc = nearest_manifest(s, dir, &m, err))) return rc;
  if (m) ingest_manifest_apply(m, path, &fm->meta, &fm->pairs, &fm->n_pairs);
#define OVER(x) if (f->x) fm->meta.x = f->x
  OVER(format); OVER(project); OVER(model); OVER(variant); OVER(role);
  OVER(dataset); OVER(task); OVER(run_name); OVER(method);
#undef OVER
  fm->meta.replace = f->replace;
  fm->meta.skip_bad_rows = f->skip_bad_rows;
  fm->map = pod_xmalloc((size_t)(fm->n_pairs + f->n_map + 1) * sizeof *fm->map);
  fm->tags = pod_xmalloc((size_t)(fm->n_pairs + f->n_tags + 1) * sizeof *fm->tags);
  for (int i = 0; i < fm->n_pairs; i++) {
    if (fm->pairs[i][0] == 'm') fm->map[fm->meta.n_map++] = fm->pairs[i] + 1;
    else if (fm->pairs[i][0] == 'c') fm->meta.columns_json = fm->pairs[i] + 1;
    else fm->tags[fm->meta.n_tags++] = fm->pairs[i] + 1;
  }
  for (int i = 0; i < f->n_map; i++) fm->map[fm->meta.n_map++] = f->map[i];
  for (int i = 0; i < f->n_tags; i++) fm->tags[fm->meta.n_tags++] = f->tags[i];
  fm->meta.map = fm->map;
  fm->meta.tags = fm->tags;
  if (fm->meta.n_tags) {
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < fm->meta.n_tags; i++) {
      const char *t = fm->meta.tags[i], *eq = strchr(t, '=');
      char *key = pod_xstrndup(t, eq ? (size_t)(eq - t) : strlen(t));
      cJSON_DeleteItemFromObjectCaseSensitive(o, key);  /* the last wins */
      cJSON_AddStringToObject(o, key, eq ? eq + 1 : "");
      free(key);
    }
    char *json = cJSON_PrintUnformatted(o);
    fm->tags_json = pod_xstrdup(json);
    cJSON_free(json);
    cJSON_Delete(o);
  }
  return POD_OK;
}

/* How a format's energy figures were obtained, when the format says so
** once for all its rows (CodeCarbon decides per row: codecarbon.c).
** experiment-impact-tracker integrates RAPL for the CPU and nvidia-smi
** for the GPU (Henderson et al. 2020, "Towards the Systematic Reporting
** of the Energy and Carbon Footprints of Machine Learning", JMLR 21). */
static const struct { const char *format, *metric, *method; } methods[] = {
  {"eit", "energy_attributable_derived", "rapl+nvml"},
  {"eit", "cpu_energy_attributable_derived", "rapl"},
  {"eit", "gpu_energy_attributable_derived", "nvml"},
  {"eit", "cpu_power", "rapl"},
  {"eit", "cpu_power_attributable", "rapl"},
  {"eit", "gpu_power", "nvml"},
  {"eit", "gpu_power_attributable", "nvml"},
  /* the same tracker's run page (its Stats table, eit_report.c) */
  {"eit-report", "cpu_energy_attributable", "rapl"},
  {"eit-report", "gpu_energy_attributable", "nvml"},
  {"eit-report", "energy_consumed", "rapl+nvml"},
  {"eit-report", "emissions", "rapl+nvml"},
};

/* After parse: the format's methods, then --method / "method" over all. */
static int set_methods(ingest_ctx *cx, const char *format,
                       char err[POD_ERRLEN]) {
  int rc;
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
    if (!strcmp(methods[i].format, format) &&
        (rc = store_source_set_method(cx->db, cx->source_id,
                                      methods[i].metric, methods[i].method,
                                      1, err)))
      return rc;
  if (cx->meta->method)
    return store_source_set_method(cx->db, cx->source_id, NULL,
                                   cx->meta->method, 0, err);
  return POD_OK;
}

/* ---- one file -------------------------------------------------------- */

/* A file hashed while parsed: its sha256 and size (the reader thread's,
** or read now), *known when another source has these bytes (rolled
** back and skipped, as a hash taken first would have skipped it), else
** set on its source row. */
static int settle_sha(ingest_ctx *cx, char sha[65], int64_t *bytes,
                      int64_t *known, char err[POD_ERRLEN]) {
  int rc;
  if (cx->sha_done) {
    memcpy(sha, cx->sha, 65);
    *bytes = cx->sha_bytes;
  } else if ((rc = pod_file_sha256(cx->path, sha, bytes, err))) {
    return rc;
  }
  if ((rc = store_source_find(cx->db, sha, known, err)) || *known) return rc;
  return store_source_set_sha(cx->db, cx->source_id, sha, *bytes, err);
}

static int file_in_batch(ingest_session *s, const ingest_path *p,
                         int *out_status, long *out_rows,
                         char err[POD_ERRLEN]);

int ingest_file(ingest_session *s, const ingest_path *p, int *out_status,
                long *out_rows, char err[POD_ERRLEN]) {
  int rc;
  s->report.twin = NULL;
  rc = file_in_batch(s, p, out_status, out_rows, err);
  /* the registry's own errors ("podium.db: disk I/O error") say which
  ** file they stopped */
  if (rc && strncmp(err, p->path, strlen(p->path))) {
    char e[POD_ERRLEN];
    snprintf(e, sizeof e, "%s", err);
    pod_err(err, rc, "%s: %s", p->path, e);
  }
  /* SQLite undoes the whole transaction on some errors (a full disk, an
  ** I/O error) in any statement, a lookup too: the batch is lost, the
  ** files kept in it with it */
  if (s->unsettled && !store_in_tx(s->db)) ingest_batch_lost(s);
  return rc;
}

/* Bytes known under the file's own path (source old) are read again
** under --replace: a newer podium may read them otherwise (columns in
** percent); known elsewhere, or without it, they are a skip. */
static int own_bytes_again(int64_t known, int64_t old, int replace) {
  return known && known == old && replace;
}

static int file_in_batch(ingest_session *s, const ingest_path *p,
                         int *out_status, long *out_rows,
                         char err[POD_ERRLEN]) {
  const char *path = p->path;
  const ingest_format *fmt = NULL;
  store_source src = {0};
  ingest_ctx cx, cx0;   /* cx0: as it was before a first read */
  file_meta fm;
  char sha[65], old_sha[65];
  int64_t bytes = 0, known = 0, old = 0;
  size_t runs_mark, envs_mark;
  int rc, had_model, spec, held, ahead;
  struct stat st;
  ingest_read got;

  *out_status = INGEST_ADDED;
  *out_rows = 0;
  if (p->why_ignored) {   /* ingest_expand's choice (a Trainer checkpoint) */
    *out_status = INGEST_IGNORED;
    return POD_OK;
  }
  if (p->open_errno)   /* a folder the walk could not open */
    return pod_err(err, POD_EINPUT, "%s: cannot open this folder: %s "
                   "(nothing in it was read)", path, strerror(p->open_errno));
  /* read and hashed on the read-ahead thread: its stat, hash and bytes */
  if ((ahead = ingest_read_ahead_take(s->ahead, p, &got, &s->data))) {
    st = got.st;
    memcpy(sha, got.sha, sizeof sha);
    bytes = got.bytes;
  }
  memset(&cx, 0, sizeof cx);
  if (ahead) cx.ahead = s->ahead;
  cx.kept_step = -1;
  pod_buf_clear(&s->bad);
  memset(&s->report, 0, sizeof s->report);
  s->report.bad = "";
  cx.bad = &s->bad;
  folder_of(path, cx.dir);
  if (!ahead && stat(path, &st) != 0)
    return ingest_cannot_open(path, err);
  if (!S_ISREG(st.st_mode))
    return pod_err(err, POD_EINPUT, "%s: found %s, expected a regular file",
                   path, S_ISDIR(st.st_mode) ? "a folder" : "a special file");
  /* a large file is a transaction of its own, not a savepoint whose
  ** journal lives as long as the file (store.c): the batch before it is
  ** committed first */
  if (st.st_size >= INGEST_THREAD_MIN_BYTES && s->unsettled &&
      (rc = ingest_session_commit(s, err)))
    return rc;
  /* The same path with other bytes is a changed file (below). A large
  ** file at a path the registry has not seen is almost always new: the
  ** reader thread hashes it while it parses it (a pass of its own was
  ** ~7% of the registry thread for one run per line, issue 14), and if
  ** its bytes turn out known (the same file under another path, or
  ** added meanwhile by another process) it is rolled back and skipped,
  ** as a hash taken first would have skipped it. Any other file is
  ** hashed first, so a known one costs no parse. */
  held = store_in_tx(s->db);   /* the write lock, for the lookups below */
  if ((rc = store_source_find_path(s->db, path, &old, old_sha, err)))
    return rc;
  spec = !old && st.st_size >= INGEST_THREAD_MIN_BYTES;
  if (spec) {
    snprintf(sha, sizeof sha, "(being hashed)");  /* never committed */
    bytes = (int64_t)st.st_size;
    cx.stream_sha = 1;
  } else {
    if (!ahead && (rc = pod_file_sha256_copy(path, sha, &bytes, &s->data,
                                             INGEST_IN_MEMORY_MAX, err)))
      return rc;
    if ((size_t)bytes == s->data.len) {   /* read whole: parsed from here */
      cx.data = s->data.data ? s->data.data : "";
      cx.data_len = s->data.len;
    }
    if ((rc = store_source_find(s->db, sha, &known, err))) return rc;
    if (own_bytes_again(known, old, s->meta.replace)) known = 0;
    if (known) {
      *out_status = INGEST_SKIPPED;
      note_twin(s, known);
      skipped_env(s, &cx, path);
      return POD_OK;
    }
  }
  if ((rc = file_meta_build(s, path, cx.dir, &fm, err))) goto done;
  /* a Git LFS pointer where the file should be: said, --format or not */
  if (cx.data && (rc = ingest_lfs_pointer(path, cx.data, cx.data_len,
                                          p->from_folder, err)))
    goto done;
  if (fm.meta.format) {
    if (!(fmt = ingest_format_named(fm.meta.format))) {
      rc = pod_err(err, POD_EUSAGE,
                   "unknown format \"%s\" (podium formats lists them)",
                   fm.meta.format);
      goto done;
    }
  } else if ((rc = cx.data ? ingest_detect_bytes(path, cx.data, cx.data_len,
                                                  &fmt, err)
                            : ingest_detect(path, &fmt, err))) {
    if (rc == POD_EINPUT && p->from_folder) {
      *out_status = INGEST_IGNORED;
      rc = POD_OK;
    }
    goto done;
  }
  /* The same path with other bytes: a changed file. Ingesting it again
  ** would count its old rows twice, so it takes --replace. */
  if (old && !strcmp(old_sha, sha) && !fm.meta.replace) {   /* another
                                     ** process just added it */
    *out_status = INGEST_SKIPPED;
    note_twin(s, old);
    goto done;
  }
  if (old && !fm.meta.replace) {
    rc = pod_err(err, POD_EINPUT, "%s: found a changed file (sha256 "
                 "%.12s..., was %.12s... when ingested), expected the same "
                 "bytes; use --replace to swap the new file in", path, sha,
                 old_sha);
    goto done;
  }

  cx.session = s;
  cx.db = s->db;
  cx.meta = &fm.meta;
  cx.path = path;
  cx.tags_json = fm.tags_json;
  cx.bytes = bytes;
  cx.replacing = old != 0;
  src.path = path;
  src.sha256 = sha;
  src.format = fmt->name;
  src.bytes = bytes;
  held = held && store_in_tx(s->db);   /* the same transaction still */
  cx0 = cx;
again:
  /* the maps as they are before this read (a first read undone with an
  ** optimistic batch took the batch's runs with it) */
  runs_mark = s->runs.n;
  envs_mark = s->folder_envs.n;
  had_model = s->run_name_model != NULL;
  if (!s->unsettled) {   /* a batch begins */
    s->batch_began = ingest_monotonic_now();
    s->batch_runs = runs_mark;
    s->batch_envs = envs_mark;
    s->batch_had_model = had_model;
  }
  if ((rc = store_file_begin(s->db, err))) {
    ingest_file_undo(s);
    goto done;
  }
  /* another process may have ingested these bytes while this one waited
  ** for the write lock: it is a skip, not a UNIQUE failure (issue 15);
  ** not when the lock was held since the lookup above */
  if (!spec && !held &&
      (rc = store_source_find(s->db, sha, &known, err)) == POD_OK &&
      own_bytes_again(known, old, fm.meta.replace))
    known = 0;
  if (known) {
    ingest_file_undo(s);
    *out_status = INGEST_SKIPPED;
    note_twin(s, known);
    goto done;
  }
  if (rc ||
      (old && (rc = store_source_remove(s->db, old, err))) ||
      (rc = store_source_add(s->db, &src, &cx.source_id, err)) ||
      (rc = fmt->parse(&cx, err)) ||
      (rc = set_methods(&cx, fmt->name, err)) ||
      (rc = curve_results(&cx, fmt, err)) ||
      (rc = store_source_set_rows(s->db, cx.source_id, cx.rows,
                                  cx.format_version, err)) ||
      (spec && (rc = settle_sha(&cx, sha, &bytes, &known, err))) ||
      known || (rc = store_file_keep(s->db, err))) {
    ingest_file_undo(s);
    id_map_truncate(&s->runs, runs_mark);
    id_map_truncate(&s->folder_envs, envs_mark);
    if (!had_model) { free(s->run_name_model); s->run_name_model = NULL; }
    if (known) {
      *out_status = INGEST_SKIPPED;
      note_twin(s, known);
    }
    if (rc == INGEST_READ_AGAIN && !cx0.percent[0]) {
      /* the first read learned how to read it: once more, from scratch */
      memcpy(cx0.percent, cx.percent, sizeof cx0.percent);
      cx = cx0;
      pod_buf_clear(&s->bad);
      held = held && store_in_tx(s->db);   /* a rollback let the lock go */
      goto again;
    }
    if (rc == INGEST_READ_AGAIN)
      rc = pod_err(err, POD_EINTERNAL, "%s: read twice, the same question "
                   "twice (columns in percent)", path);
    goto done;
  }
  if (old) {   /* its runs may be gone */
    id_map_truncate(&s->runs, 0);
    s->batch_runs = 0;
  }
  if (store_in_tx(s->db)) s->unsettled++;   /* PostgreSQL: committed */
  /* not while files undone with an optimistic batch wait to go in again:
  ** they join this transaction (the caller reads the batch's number) */
  if ((!s->batch_files || (!s->replay && ingest_session_due(s))) &&
      (rc = ingest_session_commit(s, err))) {
    s->lost--;   /* this file is the one that failed */
    goto done;
  }
  *out_rows = cx.rows;
  s->report.bad_rows = cx.bad_rows;
  s->report.bad = s->bad.len ? s->bad.data : "";
  s->report.note = cx.note;
done:
  /* a file hashed late that failed or was ignored: a known one is a
  ** skip, as it would have been had it been hashed first */
  if (spec && *out_status != INGEST_SKIPPED &&
      (rc || *out_status == INGEST_IGNORED)) {
    char e2[POD_ERRLEN];
    int64_t k = 0;
    if (cx.sha_done) memcpy(sha, cx.sha, sizeof sha);
    if ((cx.sha_done || pod_file_sha256(path, sha, NULL, e2) == POD_OK) &&
        store_source_find(s->db, sha, &k, e2) == POD_OK && k) {
      rc = POD_OK;
      *out_status = INGEST_SKIPPED;
      note_twin(s, k);
    }
  }
  file_meta_free(&fm);
  return rc;
}

