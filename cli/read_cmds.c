/*
** cli/read_cmds.c -- the commands that read: formats, runs, show, render
** (the site), report, i18n (check and convert the catalogs), compare and
** check (the registry's integrity). None writes the registry. Owns nothing
** past a call.
*/
#include "cli/cli.h"
#include "core/text.h"
#include "analysis/analysis.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/fs.h"
#include "core/project.h"
#include "ingest/ingest.h"
#include "render/i18n.h"
#include "render/render.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_formats(cli *c, int argc, char **argv) {
  const char *name, *by;
  int n, help, rc = parse_flags(c, "formats", "", argc, argv, NULL, &n, &help);
  if (rc || help) return rc ? rc : show_help("formats");
  for (int i = 0; ingest_format_info(i, &name, &by); i++)
    printf("%-16s %s\n", name, by);
  return POD_OK;
}

static const char *or_dash(const char *s) { return *s ? s : "-"; }

/* `podium runs`: the rows as printed, each column as wide as its widest
** value (up to RUN_COL_MAX characters: a longer one overflows its row
** only), so long Hugging Face ids ("huawei-noah/TinyBERT_General_4L_312D")
** do not push every other column out of line. */
#define RUN_COLS 6
#define RUN_COL_MAX 48
typedef struct run_lines {
  pod_buf text;             /* each row's columns, NUL after each */
  size_t width[RUN_COLS];
  size_t n_rows;
} run_lines;

/* Characters of UTF-8 text s (a Persian name is as wide as its letters,
** not its bytes). */
static size_t chars_of(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

static void run_col(run_lines *l, int k, const char *s) {
  size_t w = chars_of(s);
  if (w > RUN_COL_MAX) w = RUN_COL_MAX;
  if (w > l->width[k]) l->width[k] = w;
  pod_buf_add(&l->text, s, strlen(s) + 1);
}

static int take_run_line(const store_row *row, void *ud) {
  run_lines *l = ud;
  char id[64], name[64], role[64], variant[64], scope[64], n[64];
  const char *run = field_text(row, "name", name);
  if (!*run) run = field_text(row, "model", name);
  run_col(l, 0, field_text(row, "id", id));
  run_col(l, 1, esc(run));
  run_col(l, 2, esc(or_dash(field_text(row, "role", role))));
  run_col(l, 3, esc(or_dash(field_text(row, "variant", variant))));
  run_col(l, 4, esc(or_dash(field_text(row, "scope", scope))));
  run_col(l, 5, field_text(row, "measurements", n));
  l->n_rows++;
  return 0;
}

/* The heading and rows, each column padded to its width but the last. */
static void print_run_lines(const run_lines *l) {
  const char *p = pod_buf_str(&l->text);
  for (size_t r = 0; r <= l->n_rows; r++) {
    for (int k = 0; k < RUN_COLS; k++) {
      size_t w = chars_of(p);
      fputs(p, stdout);
      if (k < RUN_COLS - 1)
        printf("%*s", (int)(l->width[k] > w ? l->width[k] - w : 0) + 1, "");
      p += strlen(p) + 1;
    }
    putchar('\n');
  }
}

int cmd_runs(cli *c, int argc, char **argv) {
  const char *json = NULL;
  flag flags[] = {{"--json", 0, &json}, {NULL, 0, NULL}};
  store_db *db = NULL;
  int n, help;
  int rc = parse_flags(c, "runs", "[--json]", argc, argv, flags, &n, &help);
  if (rc || help) return rc ? rc : show_help("runs");
  if (n) return usage_error("runs", "[--json]", "unexpected argument %s",
                            argv[0]);
  if ((rc = open_db(c, DB_READ, &db))) return rc;
  if (json) {
    cJSON *arr = cJSON_CreateArray();
    if (!(rc = store_each_run(db, append_json, arr, c->err))) print_json(arr);
    cJSON_Delete(arr);
  } else {
    run_lines l = {POD_BUF_INIT, {0}, 0};
    const char *heads[RUN_COLS] = {"id", "run", "role", "variant",
                                   "dataset/task", "values"};
    for (int k = 0; k < RUN_COLS; k++) run_col(&l, k, heads[k]);
    if (!(rc = store_each_run(db, take_run_line, &l, c->err)))
      print_run_lines(&l);
    pod_buf_free(&l.text);
  }
  store_close(db);
  return rc;
}

static int print_measurement(const store_row *row, void *ud) {
  char a[64], b[64], c[64], d[64];
  pod_buf v = POD_BUF_INIT;
  double value = 0;
  (void)ud;
  for (int i = 0; i < row->n; i++)
    if (!strcmp(row->names[i], "value")) value = row->v[i].d;
  pod_fmt_value(&v, value, field_text(row, "unit", a));
  char e[64], f[64], g[64], axes[256] = "";
  const char *names[] = {"batch_size", "sequence_length", "epoch", "step",
                         "split"};
  const char *labels[] = {"batch", "seq", "epoch", "step", ""};
  char *bufs[] = {b, c, e, f, g};
  for (int i = 0; i < 5; i++) {
    const char *t = field_text(row, names[i], bufs[i]);
    size_t n = strlen(axes);
    if (*t) snprintf(axes + n, sizeof axes - n, "%s%s%s%s", n ? " " : "",
                     labels[i], *labels[i] ? " " : "", t);
  }
  printf("  %-20s %-14s %-28s %s:%s\n", esc(field_text(row, "metric", a)),
         pod_buf_str(&v), esc(axes), esc(field_text(row, "source_path", d)),
         field_text(row, "line", e));
  pod_buf_free(&v);
  return 0;
}

int cmd_show(cli *c, int argc, char **argv) {
  const char *json = NULL;
  flag flags[] = {{"--json", 0, &json}, {NULL, 0, NULL}};
  store_db *db = NULL;
  cJSON *run = NULL, *out = NULL;
  int n, help;
  int rc = parse_flags(c, "show", "RUN [--json]", argc, argv, flags, &n, &help);
  if (rc || help) return rc ? rc : show_help("show");
  if (n != 1)
    return usage_error("show", "RUN [--json]", "%s",
                       n ? "give one RUN" : "no RUN given");
  if ((rc = open_db(c, DB_READ, &db))) return rc;
  if ((rc = store_get_run(db, argv[0], first_json, &run, c->err))) goto done;
  int64_t id = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(run, "id"));
  cJSON *env_id = cJSON_GetObjectItem(run, "environment_id");
  cJSON *meas = cJSON_CreateArray(), *srcs = cJSON_CreateArray(), *env = NULL;
  out = cJSON_CreateObject();
  cJSON_AddItemToObject(out, "run", run);
  cJSON_AddItemToObject(out, "measurements", meas);
  cJSON_AddItemToObject(out, "sources", srcs);
  if ((rc = store_each_measurement(db, id, append_json, meas, c->err)) ||
      (rc = store_each_run_source(db, id, append_json, srcs, c->err)))
    goto done;
  if (cJSON_IsNumber(env_id) &&
      (rc = store_get_env(db, (int64_t)env_id->valuedouble, first_json, &env,
                          c->err)))
    goto done;
  cJSON_AddItemToObject(out, "environment", env ? env : cJSON_CreateNull());
  if (json) {
    print_json(out);
  } else {
    printf("run %lld: %s\n", (long long)id,
           esc(cJSON_GetStringValue(cJSON_GetObjectItem(run, "model"))));
    const char *keys[] = {"name", "project", "variant", "role", "dataset",
                          "task", NULL};
    for (int i = 0; keys[i]; i++) {
      const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(run, keys[i]));
      if (v) printf("  %-8s %s\n", keys[i], esc(v));
    }
    if (env) {
      const char *keys_env[] = {"cpu_model", "gpu_model", "os", "framework",
                                "framework_version", NULL};
      printf("  env      %d:",
             (int)cJSON_GetNumberValue(cJSON_GetObjectItem(env, "id")));
      for (int i = 0; keys_env[i]; i++) {
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(env, keys_env[i]));
        if (v) printf(" %s", esc(v));
      }
      printf("\n");
    }
    printf("measurements:\n");
    rc = store_each_measurement(db, id, print_measurement, NULL, c->err);
  }
  run = NULL;
done:
  if (!out) cJSON_Delete(run);
  cJSON_Delete(out);
  store_close(db);
  return rc;
}

int cmd_render(cli *c, int argc, char **argv) {
  render_opts o = {0};
  render_stats st;
  pod_project project;
  char share[4096];
  const char *jobs = NULL;
  flag flags[] = {{"--out", 1, &o.out_dir},
                  {"--templates", 1, &o.templates_dir},
                  {"--lang", 1, &o.langs},
                  {"--content", 1, &o.content_dir},
                  {"--jobs", 1, &jobs},
                  {NULL, 0, NULL}};
  store_db *db = NULL;
  int n, help;
  const char *usage = "[--out DIR] [--templates DIR] [--lang en,fa,...] "
                      "[--content DIR] [--jobs N]";
  int rc = parse_flags(c, "render", usage, argc, argv, flags, &n, &help);
  if (rc || help) return rc ? rc : show_help("render");
  if (n) return usage_error("render", usage, "unexpected argument %s", argv[0]);
  if (!o.out_dir) o.out_dir = "_site";
  if (!*o.out_dir) return usage_error("render", usage, "%s", "empty --out");
  if (o.content_dir && !*o.content_dir)
    return usage_error("render", usage, "%s", "empty --content");
  if (jobs) {
    char *end;
    long j = strtol(jobs, &end, 10);
    if (!*jobs || *end || j < 1 || j > 64)
      return usage_error("render", usage, "found --jobs %s, expected a "
                         "number from 1 to 64", jobs);
    o.jobs = (int)j;
  }
  if (!o.content_dir && pod_is_dir("content")) o.content_dir = "content";
  if ((rc = pod_find_share_dir(c->argv0, share, c->err))) return rc;
  o.share_dir = share;
  o.db_path = c->db_path;
  if ((rc = load_project(c, &project))) return rc;
  o.project = &project;
  if ((rc = open_db(c, DB_READ, &db)) == POD_OK)
    rc = render_site(db, &o, &st, c->err);
  store_close(db);
  pod_project_free(&project);
  if (rc) return rc;
  if (st.stale)
    printf("%s: removed %d temporary folder%s of a killed render\n",
           o.out_dir, st.stale, st.stale == 1 ? "" : "s");
  if (st.carried)
    printf("%s: kept %ld entr%s podium did not write at its top: %s\n",
           o.out_dir, st.carried, st.carried == 1 ? "y" : "ies",
           esc(st.carried_names));
  if (st.unchanged)
    printf("%s: unchanged, nothing written (%ld files)\n", o.out_dir,
           st.pages);
  else if (st.reused)   /* an incremental render: what it rendered */
    printf("%s: %ld files, %ld changed, %ld rendered, %ld reused\n",
           o.out_dir, st.pages, st.changed, st.pages - st.reused, st.reused);
  else
    printf("%s: %ld files, %ld changed\n", o.out_dir, st.pages, st.changed);
  return POD_OK;
}

int cmd_report(cli *c, int argc, char **argv) {
  const char *md = NULL;
  flag flags[] = {{"--md", 0, &md}, {NULL, 0, NULL}};
  store_db *db = NULL;
  pod_buf out = POD_BUF_INIT;
  pod_project project;
  int n, help;
  int rc = parse_flags(c, "report", "NAME [--md]", argc, argv, flags, &n, &help);
  if (rc || help) return rc ? rc : show_help("report");
  if (n != 1)
    return usage_error("report", "NAME [--md]", "%s",
                       n ? "give one NAME" : "no NAME given");
  if ((rc = load_project(c, &project))) return rc;
  if ((rc = open_db(c, DB_READ, &db)) == POD_OK &&
      (rc = render_report(db, &project, argv[0], &out, c->err)) == POD_OK)
    fputs(pod_buf_str(&out), stdout);
  pod_buf_free(&out);
  store_close(db);
  pod_project_free(&project);
  return rc;
}

const char I18N_USAGE[] = "check | convert [CATALOG.json...]";

/* podium i18n convert: the old catalog form (plural objects) into ICU
** MessageFormat, in place; every catalog in the share folder, or those
** named. */
static int i18n_convert(cli *c, const char *cat, int argc, char **argv) {
  char path[4700];
  int rc = POD_OK, n;
  DIR *d = NULL;
  struct dirent *e;
  if (argc == 0 && !(d = opendir(cat)))
    return pod_err(c->err, POD_EIO, "%s: cannot open folder", cat);
  for (int k = 0; rc == POD_OK; k++) {
    if (d) {
      size_t len;
      if (!(e = readdir(d))) break;
      len = strlen(e->d_name);
      if (len < 6 || strcmp(e->d_name + len - 5, ".json")) continue;
      snprintf(path, sizeof path, "%s/%s", cat, e->d_name);
    } else {
      if (k >= argc) break;
      snprintf(path, sizeof path, "%s", argv[k]);
    }
    if ((rc = render_i18n_convert(path, &n, c->err)) == POD_OK) {
      if (n) printf("%s: %d message%s converted to MessageFormat\n", path, n,
                    n == 1 ? "" : "s");
      else printf("%s: already MessageFormat\n", path);
    }
  }
  if (d) closedir(d);
  return rc;
}

int cmd_i18n(cli *c, int argc, char **argv) {
  char share[4096], cat[4200], tpl[4200];
  pod_buf report = POD_BUF_INIT;
  int n, help, problems = 0;
  int rc = parse_flags(c, "i18n", I18N_USAGE, argc, argv, NULL, &n, &help);
  if (rc || help) return rc ? rc : show_help("i18n");
  if (n < 1 || (strcmp(argv[0], "check") && strcmp(argv[0], "convert")) ||
      (!strcmp(argv[0], "check") && n != 1))
    return usage_error("i18n", I18N_USAGE, "%s",
                       "expected the word check or convert");
  if ((rc = pod_find_share_dir(c->argv0, share, c->err))) return rc;
  snprintf(cat, sizeof cat, "%s/i18n", share);
  snprintf(tpl, sizeof tpl, "%s/templates", share);
  if (!strcmp(argv[0], "convert")) return i18n_convert(c, cat, n - 1, argv + 1);
  if ((rc = render_i18n_check(cat, tpl, &report, &problems, c->err))) goto done;
  fputs(pod_buf_str(&report), stdout);
  if (problems) {
    rc = pod_err(c->err, POD_EINPUT, "%d problem%s in the catalogs in %s",
                 problems, problems == 1 ? "" : "s", cat);
  } else {
    printf("i18n: every catalog in %s is complete\n", cat);
  }
done:
  pod_buf_free(&report);
  return rc;
}

const char COMPARE_USAGE[] =
    "BASE OPTIMIZED [--dataset D] [--json | --md] [--strict]";

/* A spec that names a model (not a run id or run name) is compared
** through the study: its evidence in each dataset both models share
** (analysis/study.c). *out: the comparisons, one per dataset; none when a
** spec is a run or the models share no dataset. */
static int compare_models(cli *c, store_db *db, const pod_project *project,
                          char *const spec[2], const char *dataset,
                          analysis_cmp ***out, size_t *out_n) {
  analysis_study *st = NULL;
  const analysis_unit *u;
  size_t n_units;
  int64_t run = 0;
  int rc;
  *out = NULL;
  *out_n = 0;
  for (int k = 0; k < 2; k++) {
    const char *p = spec[k];
    while (*p >= '0' && *p <= '9') p++;
    if (!*p) return POD_OK;                        /* a run id */
    if ((rc = store_run_find_name(db, spec[k], &run, c->err))) return rc;
    if (run) return POD_OK;                        /* a run name */
  }
  if ((rc = analysis_study_new(db, project, &st, c->err))) return rc;
  u = analysis_study_units(st, &n_units);
  for (size_t b = 0; b < n_units && !rc; b++) {
    if (strcmp(u[b].model, spec[0]) || (dataset && strcmp(u[b].scope, dataset)))
      continue;
    for (size_t o = 0; o < n_units && !rc; o++) {
      analysis_cmp *cmp = NULL;
      char e[POD_ERRLEN];
      if (strcmp(u[o].model, spec[1]) || strcmp(u[o].scope, u[b].scope))
        continue;
      rc = analysis_compare_units(db, &u[b], &u[o],
                                  pod_project_target_of(project, u[b].scope),
                                  &cmp, e);
      if (rc == POD_EINPUT) { rc = POD_OK; continue; }  /* nothing shared */
      if (rc) { snprintf(c->err, POD_ERRLEN, "%s", e); break; }
      *out = pod_xrealloc(*out, (*out_n + 1) * sizeof **out);
      (*out)[(*out_n)++] = cmp;
    }
  }
  analysis_study_free(st);
  return rc;
}

int cmd_compare(cli *c, int argc, char **argv) {
  const char *dataset = NULL, *json = NULL, *md = NULL, *strict = NULL;
  flag flags[] = {{"--dataset", 1, &dataset}, {"--json", 0, &json},
                  {"--md", 0, &md},           {"--strict", 0, &strict},
                  {NULL, 0, NULL}};
  store_db *db = NULL;
  analysis_cmp **cmps = NULL;
  size_t n_cmps = 0;
  int64_t *ids[2] = {NULL, NULL};
  size_t n_ids[2] = {0, 0};
  pod_buf out = POD_BUF_INIT;
  pod_project project;
  int n, help;
  int rc = parse_flags(c, "compare", COMPARE_USAGE, argc, argv, flags, &n,
                       &help);
  if (rc || help) return rc ? rc : show_help("compare");
  if (n != 2)
    return usage_error("compare", COMPARE_USAGE, "%s",
                       n < 2 ? "give BASE and OPTIMIZED" : "give two runs");
  if (json && md)
    return usage_error("compare", COMPARE_USAGE, "%s",
                       "--json and --md exclude each other");
  if (dataset && !*dataset)
    return usage_error("compare", COMPARE_USAGE, "%s", "empty --dataset");
  memset(&project, 0, sizeof project);
  if ((rc = open_db(c, DB_READ, &db)) || (rc = load_project(c, &project)) ||
      (rc = compare_models(c, db, &project, argv, dataset, &cmps, &n_cmps)))
    goto done;
  if (!n_cmps) {   /* runs, or models without a shared dataset */
    cmps = pod_xmalloc(sizeof *cmps);
    if ((rc = store_run_ids(db, argv[0], &ids[0], &n_ids[0], c->err)) ||
        (rc = store_run_ids(db, argv[1], &ids[1], &n_ids[1], c->err)) ||
        (rc = analysis_compare_new(db, (const int64_t *const *)ids, n_ids,
                                   dataset, &cmps[0], c->err)))
      goto done;
    n_cmps = 1;
  }
  for (size_t i = 0; strict && i < n_cmps; i++)
    if (analysis_compare_n_warnings(cmps[i])) {
      rc = pod_err(c->err, POD_EINPUT, "--strict: not like for like: %s%s",
                   analysis_compare_warning(cmps[i], 0),
                   analysis_compare_n_warnings(cmps[i]) > 1 ? " (and more)" : "");
      goto done;
    }
  if (n_cmps == 1) {
    if (json) analysis_compare_json(cmps[0], &out);
    else if (md) analysis_compare_md(cmps[0], &out);
    else analysis_compare_text(cmps[0], &out);
  } else {
    if (json) analysis_compare_json_all(cmps, n_cmps, &out);
    else if (md) analysis_compare_md_all(cmps, n_cmps, &out);
    else analysis_compare_text_all(cmps, n_cmps, &out);
  }
  fputs(pod_buf_str(&out), stdout);
done:
  pod_buf_free(&out);
  for (size_t i = 0; i < n_cmps; i++) analysis_compare_free(cmps[i]);
  free(cmps);
  free(ids[0]);
  free(ids[1]);
  pod_project_free(&project);
  store_close(db);
  return rc;
}

/* podium check: the registry's integrity, a verdict, exit 1 if damaged. */
int cmd_check(cli *c, int argc, char **argv) {
  store_db *db = NULL;
  store_check_result r;
  int n, help, rc = parse_flags(c, "check", "", argc, argv, NULL, &n, &help);
  if (rc || help) return rc ? rc : show_help("check");
  if (n) return usage_error("check", "", "unexpected argument %s", argv[0]);
  if ((rc = open_db(c, DB_READ, &db))) return rc;
  if ((rc = store_check(db, &r, c->err)) == POD_OK) {
    const char *line = pod_buf_str(&r.text);
    while (*line) {
      const char *end = strchr(line, '\n');
      fputs(c->db_path, stdout);
      printf(": %.*s\n", (int)(end - line), line);
      line = end + 1;
    }
    if (r.problems)
      rc = pod_err(c->err, POD_EDB, "%s: damaged: %ld problem%s (listed "
                   "above); restore it from a copy, or ingest its files "
                   "into a new registry", c->db_path, r.problems,
                   r.problems == 1 ? "" : "s");
    else
      printf("%s: ok (schema version %d; %lld sources, %lld runs, %lld "
             "measurements)\n", c->db_path, store_schema_version(db),
             (long long)r.sources, (long long)r.runs,
             (long long)r.measurements);
    store_check_free(&r);
  }
  store_close(db);
  return rc;
}
