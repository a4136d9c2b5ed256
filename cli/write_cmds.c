/*
** cli/write_cmds.c -- the commands that write the registry: init (create
** or migrate), ingest (files and folders, whole or not at all), estimate
** (energy and CO2 from duration and hardware) and copy (one registry into
** another). Owns nothing past a call.
*/
#include "cli/cli.h"
#include "analysis/analysis.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/fs.h"
#include "core/method.h"
#include "core/project.h"
#include "ingest/ingest.h"
#include "render/render.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_init(cli *c, int argc, char **argv) {
  store_db *db = NULL;
  int n, help, rc = parse_flags(c, "init", "", argc, argv, NULL, &n, &help);
  if (rc || help) return rc ? rc : show_help("init");
  if (n) return usage_error("init", "", "unexpected argument %s", argv[0]);
  long made;
  if ((rc = open_db(c, DB_CREATE, &db))) return rc;
  /* a registry from before schema v5 has curves without their results */
  if ((rc = analysis_missing_results(db, &made, c->err))) {
    store_close(db);
    return rc;
  }
  printf("%s: registry ready (schema version %d)\n", c->db_path,
         store_schema_version(db));
  if (made)
    printf("%s: results picked from the training curves of %ld run%s\n",
           c->db_path, made, made == 1 ? "" : "s");
  store_close(db);
  return POD_OK;
}

/* Progress on a terminal: one line, rewritten in place. */
static void show_progress(void *ud, const char *path, long rows,
                          long long bytes, long long total) {
  (void)ud;
  fprintf(stderr, "\r\033[K");
  put_escaped(stderr, path);
  fprintf(stderr, ": %ld rows, %.1f of %.1f MB", rows, bytes / 1e6,
          total / 1e6);
  fflush(stderr);
}

/* What ingest says of a file whose batch is not committed yet: said once
** it is, as an "added" line means the rows are in the registry; the other
** files' lines wait with it, so all come in the files' order. */
typedef struct held_line {
  pod_buf out, err;   /* for stdout, for stderr (skipped lines) */
  char *path;
  char *twin;         /* skipped: the path its bytes went in under */
  long batch;         /* ingest_session_commits when it was held */
  int idx;            /* its place in the list of paths */
  int added;
  long bad_rows;
} held_line;

typedef struct held_lines {
  held_line *l;
  size_t n, cap;
} held_lines;

/* Fills l with what ingest said of p (l is cleared first). */
static void say(held_line *l, const ingest_path *p, int idx, int status,
                long rows, const ingest_report *rep, const char *error,
                int quiet, long batch) {
  memset(l, 0, sizeof *l);
  l->path = pod_xstrdup(p->path);
  l->batch = batch;
  l->idx = idx;
  l->added = status == INGEST_ADDED;
  l->twin = status == INGEST_SKIPPED && rep->twin ? pod_xstrdup(rep->twin)
                                                   : NULL;
  if (error) {   /* a failed file (status -1): its message, in its turn */
    pod_buf_printf(&l->err, "podium: %s\n", esc(error));
  } else if (status == INGEST_SKIPPED && !quiet) {
    /* the bytes may have gone in under another path: say which */
    if (rep->twin && strcmp(rep->twin, p->path))
      pod_buf_printf(&l->out, "skipped %s (the same bytes as %s, already "
                     "ingested)\n", esc(p->path), esc(rep->twin));
    else
      pod_buf_printf(&l->out, "skipped %s (already ingested)\n",
                     esc(p->path));
  } else if (status == INGEST_IGNORED && !quiet) {
    pod_buf_printf(&l->out, "ignored %s (%s)\n", esc(p->path),
                   p->why_ignored ? p->why_ignored
                                  : "not a format podium reads");
  } else if (status == INGEST_ADDED) {
    l->bad_rows = rep->bad_rows;
    /* each skipped line on stderr, by line: "podium: skipped path:5:1: ..." */
    for (const char *b = rep->bad, *end; *b; b = end + 1) {
      end = strchr(b, '\n');
      pod_buf_printf(&l->err, "podium: skipped %.*s\n", (int)(end - b), b);
    }
    if (!quiet) {
      pod_buf_printf(&l->out, "added %s (%ld rows", esc(p->path), rows);
      if (rep->note) pod_buf_printf(&l->out, ", %s", rep->note);
      if (rep->bad_rows)
        pod_buf_printf(&l->out, ", %ld bad line%s skipped", rep->bad_rows,
                       rep->bad_rows == 1 ? "" : "s");
      pod_buf_adds(&l->out, ")\n");
    }
  }
}

static void hold(held_lines *h, const ingest_path *p, int idx, int status,
                 long rows, const ingest_report *rep, const char *error,
                 int quiet, long batch) {
  if (h->n == h->cap) {
    h->cap = h->cap ? 2 * h->cap : 64;
    h->l = pod_xrealloc(h->l, h->cap * sizeof *h->l);
  }
  say(&h->l[h->n++], p, idx, status, rows, rep, error, quiet, batch);
}

static void unsay(held_line *l) {
  pod_buf_free(&l->out);
  pod_buf_free(&l->err);
  free(l->path);
  free(l->twin);
}

/* The counts of the summary line. */
typedef struct tally {
  int added, skipped, failed, ignored;
  long bad_rows;
} tally;

static void count(tally *t, ingest_session *s, int r, int status, int sign) {
  if (r) t->failed += sign;
  else if (status == INGEST_SKIPPED) t->skipped += sign;
  else if (status == INGEST_IGNORED) t->ignored += sign;
  else {
    t->added += sign;
    t->bad_rows += sign * ingest_session_report(s)->bad_rows;
  }
}

/* Whether twin is the path of a file added in the batch undone: held
** since the last commit (a large file commits the batch before it). */
static int added_in(const held_lines *h, const char *twin, long batch) {
  for (size_t i = 0; twin && i < h->n; i++)
    if (h->l[i].added && h->l[i].batch == batch &&
        !strcmp(h->l[i].path, twin))
      return 1;
  return 0;
}

/* The batch an optimistic file took with it (ingest_session_replay): its
** files said added, and those said skipped as their twins, go in again,
** in their order, and their lines say what came of it this time (the
** same, unless a file changed meanwhile). */
static void replay(ingest_session *s, held_lines *h, size_t before,
                   long batch, const ingest_path *paths, int quiet,
                   tally *t) {
  char *again = pod_xmalloc(before ? before : 1);
  for (size_t i = 0; i < before; i++)   /* chosen before any line moves */
    again[i] = h->l[i].batch == batch &&
               (h->l[i].added || added_in(h, h->l[i].twin, batch));
  for (size_t i = 0; i < before; i++) {
    held_line *l = &h->l[i];
    int status, r;
    long rows;
    char err[POD_ERRLEN];
    if (!again[i]) continue;
    if (l->added) {
      t->added--;
      t->bad_rows -= l->bad_rows;
    } else {
      t->skipped--;
    }
    r = ingest_file(s, &paths[l->idx], &status, &rows, err);
    count(t, s, r, status, 1);
    long batch_of_file = ingest_session_commits(s) -
                         (r == 0 && status == INGEST_ADDED &&
                          !ingest_session_unsettled(s));
    int idx = l->idx;
    unsay(l);
    say(l, &paths[idx], idx, r ? -1 : status, rows, ingest_session_report(s),
        r ? err : NULL, quiet, batch_of_file);
  }
  free(again);
}


/* Says the held lines once their batch is committed; a batch undone after
** all (ingest_session_lost) turns its "added" files into failures, and
** the files skipped as their twins too. */
static void settle(ingest_session *s, held_lines *h, tally *t) {
  int lost = ingest_session_lost(s);
  long batch = ingest_session_commits(s);   /* the one undone, if any */
  if (!lost && ingest_session_unsettled(s)) return;
  for (size_t i = 0; i < h->n; i++) {
    held_line *l = &h->l[i];
    int undone = lost && l->batch == batch;   /* not committed before */
    if (undone && !l->added && added_in(h, l->twin, batch)) {
      fprintf(stderr, "podium: %s: not written: the same bytes as %s, "
              "which the registry undid with its transaction\n",
              esc(l->path), esc(l->twin));
      t->skipped--;
      t->failed++;
    } else if (undone && l->added) {
      fprintf(stderr, "podium: %s: not written: the registry undid the "
              "transaction holding it (on the error named here)\n",
              esc(l->path));
      t->added--;
      t->failed++;
      t->bad_rows -= l->bad_rows;
    } else {
      if (l->err.len) fputs(pod_buf_str(&l->err), stderr);
      if (l->out.len) fputs(pod_buf_str(&l->out), stdout);
    }
  }
  for (size_t i = 0; i < h->n; i++)   /* after: added_in reads paths */
    unsay(&h->l[i]);
  h->n = 0;
}

const char INGEST_USAGE[] =
    "[--format NAME] [--project P] [--model M] [--variant V] "
    "[--role baseline|optimized] [--dataset D] [--task T] [--run ID] "
    "[--map FIELD=COLUMN]... [--tag KEY=VALUE]... [--method M] [--replace] "
    "[--skip-bad-rows] [--quiet] FILE|DIR...";

/* Takes the repeatable --map and --tag out of argv (parse_flags keeps one
** value per flag); returns POD_EUSAGE on a malformed pair. */
static int take_pairs(int *argc, char **argv, const char *name,
                      const char ***out, int *n_out, const char **bad) {
  int k = 0;
  size_t len = strlen(name);
  *out = pod_xmalloc((size_t)(*argc + 1) * sizeof **out);
  *n_out = 0;
  for (int i = 0; i < *argc; i++) {
    const char *v = NULL;
    if (!strcmp(argv[i], name) && i + 1 < *argc) v = argv[++i];
    else if (!strncmp(argv[i], name, len) && argv[i][len] == '=') v = argv[i] + len + 1;
    else { argv[k++] = argv[i]; continue; }
    const char *eq = strchr(v, '=');
    if (!eq || eq == v) { *bad = v; return POD_EUSAGE; }
    (*out)[(*n_out)++] = v;
  }
  *argc = k;
  return POD_OK;
}

static int valid_map_field(const char *pair) {
  static const char *const fields[] = {"model", "project", "variant", "role",
                                       "dataset", "task", NULL};
  size_t n = (size_t)(strchr(pair, '=') - pair);
  for (int i = 0; fields[i]; i++)
    if (strlen(fields[i]) == n && !strncmp(fields[i], pair, n)) return 1;
  return 0;
}

int cmd_ingest(cli *c, int argc, char **argv) {
  ingest_meta meta = {0};
  const char *quiet = NULL, *replace = NULL, *skip_bad = NULL;
  flag flags[] = {
    {"--replace", 0, &replace},      {"--skip-bad-rows", 0, &skip_bad},
    {"--format", 1, &meta.format},   {"--project", 1, &meta.project},
    {"--model", 1, &meta.model},     {"--variant", 1, &meta.variant},
    {"--role", 1, &meta.role},       {"--dataset", 1, &meta.dataset},
    {"--task", 1, &meta.task},       {"--run", 1, &meta.run_name},
    {"--method", 1, &meta.method},
    {"--quiet", 0, &quiet},          {NULL, 0, NULL}};
  store_db *db = NULL;
  ingest_session *s = NULL;
  ingest_path *paths = NULL;
  int n, help, n_paths = 0;
  tally t = {0, 0, 0, 0, 0};
  held_lines held = {0};
  const char *bad = NULL;
  const char **maps = NULL, **tags = NULL;
  int rc = take_pairs(&argc, argv, "--map", &maps, &meta.n_map, &bad);
  if (!rc) rc = take_pairs(&argc, argv, "--tag", &tags, &meta.n_tags, &bad);
  meta.map = maps;
  meta.tags = tags;
  if (rc) {
    rc = usage_error("ingest", INGEST_USAGE,
                     "expected NAME=VALUE after --map or --tag, not %s", bad);
    goto done;
  }
  for (int i = 0; i < meta.n_map; i++)
    if (!valid_map_field(maps[i])) {
      rc = usage_error("ingest", INGEST_USAGE, "--map takes model, project, "
                       "variant, role, dataset or task, not %s", maps[i]);
      goto done;
    }
  rc = parse_flags(c, "ingest", INGEST_USAGE, argc, argv, flags, &n, &help);
  if (rc || help) {
    if (!rc) rc = show_help("ingest");
    goto done;
  }
  meta.replace = replace != NULL;
  meta.skip_bad_rows = skip_bad != NULL;
  if (n == 0) {
    rc = usage_error("ingest", INGEST_USAGE, "%s", "no FILE or DIR given");
    goto done;
  }
  if (meta.method && !pod_method_valid(meta.method)) {
    rc = usage_error("ingest", INGEST_USAGE, "--method is one of %s (or "
                     "several joined by +)", pod_method_names());
    goto done;
  }
  if (meta.role && strcmp(meta.role, "baseline") &&
      strcmp(meta.role, "optimized")) {
    rc = usage_error("ingest", INGEST_USAGE,
                     "--role is baseline or optimized, not %s", meta.role);
    goto done;
  }
  for (const char **v = &meta.format; v <= &meta.run_name; v++)
    if (*v && !**v) {
      rc = usage_error("ingest", INGEST_USAGE, "%s",
                       "an option was given an empty value");
      goto done;
    }
  if ((rc = ingest_expand((const char *const *)argv, n, &paths, &n_paths,
                          c->err)))
    goto done;
  if ((rc = open_db(c, DB_CREATE, &db))) goto done;
  store_checkpoint_behind(db);   /* the log copied back beside the files */
  store_ingest_cache(db);        /* memory that does not grow with it */
  store_trust_references(db);    /* its rows name the runs it makes */
  s = ingest_session_new(db, &meta);
  /* 256 files or half a second (the lock is held no longer): 64 rewrote
  ** the pages small files share 4x as often (issue 14, 10,000 experiment
  ** folders: 39,577 WAL writes and 55 fsyncs -> 22,449 and 31, 10% CPU) */
  ingest_session_batch(s, 256, 0.5);
  ingest_session_optimistic(s, 1);
  ingest_session_read_ahead(s, paths, n_paths);
  int tty = !quiet && isatty(2);
  if (tty) ingest_session_progress(s, show_progress, NULL);
  for (int i = 0; i < n_paths; i++) {
    int status;
    long rows;
    char err[POD_ERRLEN];
    if (ingest_session_due(s)) {   /* before a run of skipped files */
      if (ingest_session_commit(s, err)) print_error(err);
      settle(s, &held, &t);
    }
    int r = ingest_file(s, &paths[i], &status, &rows, err);
    /* the batch the file went into: a large file commits the batch before
    ** it first, and one kept alone may be committed already */
    long batch_of_file = ingest_session_commits(s) -
                         (r == 0 && status == INGEST_ADDED &&
                          !ingest_session_unsettled(s));
    if (tty) fprintf(stderr, "\r\033[K");  /* clear the progress line */
    if (r == POD_EUSAGE) {
      snprintf(c->err, POD_ERRLEN, "%s", err);
      rc = r;
      break;
    }
    count(&t, s, r, status, 1);
    hold(&held, &paths[i], i, r ? -1 : status, rows, ingest_session_report(s),
         r ? err : NULL, quiet != NULL, batch_of_file);
    /* the file undid the batch before it: those files go in again */
    long undone;
    if (ingest_session_replay(s, &undone))
      replay(s, &held, held.n - 1, undone, paths, quiet != NULL, &t);
    settle(s, &held, &t);
  }
  {
    char err[POD_ERRLEN];
    if (ingest_session_commit(s, err)) print_error(err);
    settle(s, &held, &t);
  }
  if (rc) goto done;
  if (!quiet || t.failed)
    printf("ingest: %d added, %d skipped, %d failed%s", t.added, t.skipped,
           t.failed, t.ignored || t.bad_rows ? "" : "\n");
  if (t.bad_rows && (!quiet || t.failed))
    printf(", %ld bad line%s skipped%s", t.bad_rows, t.bad_rows == 1 ? "" : "s",
           t.ignored ? "" : "\n");
  if (t.ignored && (!quiet || t.failed)) printf(", %d ignored\n", t.ignored);
  if (t.failed) {
    snprintf(c->err, POD_ERRLEN, "%d of %d files failed; the others are in "
             "%s", t.failed, n_paths, c->db_path);
    rc = POD_EINPUT;
  }
done:
  free(held.l);
  ingest_session_free(s);
  store_close(db);
  ingest_paths_free(paths, n_paths);
  free(maps);
  free(tags);
  return rc;
}

const char ESTIMATE_USAGE[] =
    "[RUN...] [--pue P] [--intensity G | --region KEY] [--gpu MODEL] "
    "[--gpus N] [--data DIR]";

/* A number flag: absent leaves *out; bad is a usage error. */
static int number_flag(const char *name, const char *v, double min,
                       double *out) {
  char *end;
  double d;
  if (!v) return POD_OK;
  d = strtod(v, &end);
  if (!*v || *end || !(d >= min) || !isfinite(d)) {
    char what[160];
    snprintf(what, sizeof what, "%s takes a number >= %g, not %s", name, min,
             v);
    return usage_error("estimate", ESTIMATE_USAGE, "%s", what);
  }
  *out = d;
  return POD_OK;
}

int cmd_estimate(cli *c, int argc, char **argv) {
  const char *pue = NULL, *intensity = NULL, *gpus = NULL, *data = NULL;
  analysis_estimate_opts o = {NULL, NAN, NAN, NULL, NULL, 0};
  flag flags[] = {{"--pue", 1, &pue},       {"--intensity", 1, &intensity},
                  {"--region", 1, &o.region}, {"--gpu", 1, &o.gpu},
                  {"--gpus", 1, &gpus},     {"--data", 1, &data},
                  {NULL, 0, NULL}};
  char share[4096], dir[4200];
  store_db *db = NULL;
  int64_t *ids = NULL;
  size_t n_ids = 0;
  int n, help, failed = 0, done = 0;
  double count = 0;
  int rc = parse_flags(c, "estimate", ESTIMATE_USAGE, argc, argv, flags, &n,
                       &help);
  if (rc || help) return rc ? rc : show_help("estimate");
  if ((rc = number_flag("--pue", pue, 1, &o.pue)) ||
      (rc = number_flag("--intensity", intensity, 0, &o.intensity)) ||
      (rc = number_flag("--gpus", gpus, 1, &count)))
    return rc;
  if (count != floor(count))
    return usage_error("estimate", ESTIMATE_USAGE, "--gpus takes a whole "
                       "number, not %s", gpus);
  o.gpus = (long)count;
  if (intensity && o.region)
    return usage_error("estimate", ESTIMATE_USAGE, "%s",
                       "--intensity and --region exclude each other");
  if ((o.region && !*o.region) || (o.gpu && !*o.gpu) || (data && !*data))
    return usage_error("estimate", ESTIMATE_USAGE, "%s",
                       "an option was given an empty value");
  if (!data) {
    if ((rc = pod_find_share_dir(c->argv0, share, c->err))) return rc;
    snprintf(dir, sizeof dir, "%s/data", share);
    data = dir;
  }
  o.data_dir = data;
  if ((rc = open_db(c, DB_WRITE, &db))) return rc;
  for (int i = 0; i < n && !rc; i++) {
    int64_t *one = NULL;
    size_t k = 0;
    if ((rc = store_run_ids(db, argv[i], &one, &k, c->err))) break;
    ids = pod_xrealloc(ids, (n_ids + k + 1) * sizeof *ids);
    memcpy(ids + n_ids, one, k * sizeof *one);
    n_ids += k;
    free(one);
  }
  if (!rc && !n && (rc = analysis_estimate_candidates(db, &ids, &n_ids, c->err)))
    goto done;
  if (rc) goto done;
  for (size_t i = 0; i < n_ids; i++) {
    analysis_estimate_out out;
    char err[POD_ERRLEN];
    int r = analysis_estimate_run(db, &o, ids[i], &out, err);
    if (r) {
      if (r != POD_EINPUT) { snprintf(c->err, POD_ERRLEN, "%s", err); rc = r; goto done; }
      print_error(err);
      failed++;
      continue;
    }
    printf("run %lld: %s%s\n", (long long)ids[i],
           out.skipped ? "" : "estimate: ", out.how);
    done += !out.skipped;
  }
  if (!n_ids) printf("estimate: no run has a duration without measured "
                     "energy\n");
  if (failed) {
    snprintf(c->err, POD_ERRLEN, "%d of %zu run%s could not be estimated "
             "(see above); %d %s", failed, n_ids, n_ids == 1 ? "" : "s", done,
             done == 1 ? "was" : "were");
    rc = POD_EINPUT;
  }
done:
  free(ids);
  store_close(db);
  return rc;
}

const char COPY_USAGE[] = "--from REGISTRY --to REGISTRY";

int cmd_copy(cli *c, int argc, char **argv) {
  const char *from = NULL, *to = NULL;
  flag flags[] = {{"--from", 1, &from}, {"--to", 1, &to}, {NULL, 0, NULL}};
  store_db *src = NULL, *dst = NULL;
  store_copy_stats st;
  int n, help, rc = parse_flags(c, "copy", COPY_USAGE, argc, argv, flags, &n,
                                &help);
  if (rc || help) return rc ? rc : show_help("copy");
  if (n) return usage_error("copy", COPY_USAGE, "unexpected argument %s",
                            argv[0]);
  if (!from || !*from || !to || !*to)
    return usage_error("copy", COPY_USAGE, "%s", "give --from and --to");
  if (!strcmp(from, to))
    return usage_error("copy", COPY_USAGE, "%s", "--from and --to are one "
                       "registry");
  if ((rc = store_open_read(from, &src, c->err)) == POD_OK &&
      (rc = store_open(to, &dst, c->err)) == POD_OK &&
      (rc = store_copy(src, dst, &st, c->err)) == POD_OK)
    printf("copy: %ld source%s copied, %ld there already\n", st.copied,
           st.copied == 1 ? "" : "s", st.skipped);
  store_close(src);
  store_close(dst);
  return rc;
}
