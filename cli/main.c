/*
** cli/main.c -- `podium [--db PATH] COMMAND [OPTIONS] [ARGS]`.
**
** A thin dispatcher over ingest/, store/ and render/, in the shape of
** git.c: one table of commands, one cmd_<name> each. This is the only
** file that prints errors or chooses exit codes: 0 success, 1 bad input
** or data (POD_EINPUT, POD_EIO, POD_EDB, POD_ETEMPLATE), 2 usage.
*/
#include "analysis/analysis.h"
#include "core/buf.h"
#include "core/num.h"
#include "core/err.h"
#include "core/fs.h"
#include "core/method.h"
#include "core/project.h"
#include "ingest/ingest.h"
#include "render/i18n.h"
#include "render/render.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <cmark-gfm.h>
#include <csv.h>
#include <lua.h>
#include <openssl/crypto.h>
#include <unicode/uversion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PODIUM_VERSION "0.1.0"

/* ---- options --------------------------------------------------------- */

/* A command's flags: name, whether it takes a value, where it goes. */
typedef struct flag {
  const char *name;
  int takes_value;
  const char **value;   /* set to the value, or to "" for a switch */
} flag;

typedef struct cli {
  const char *argv0;
  const char *db_path;
  const char *project_file;   /* --project-file, or NULL: beside the db */
  char err[POD_ERRLEN];
} cli;

/* Writes s with what a terminal would obey escaped (issue 15: a file
** name holding a newline or ESC[2J): C0 and C1 controls and DEL as \n,
** \t, \r, \xNN or \u00NN, bytes that are not UTF-8 as \xNN. */
static void escape_into(pod_buf *f, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned c = *p;
    int n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 && c >= 0xc2 ? 2
          : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 && c <= 0xf4 ? 4 : 0;
    int ok = n > 0;
    for (int k = 1; ok && k < n; k++) ok = (p[k] & 0xc0) == 0x80;
    if (c == '\n') pod_buf_adds(f, "\\n");
    else if (c == '\t') pod_buf_adds(f, "\\t");
    else if (c == '\r') pod_buf_adds(f, "\\r");
    else if (c < 0x20 || c == 0x7f || !ok) pod_buf_printf(f, "\\x%02x", c);
    else if (c == 0xc2 && p[1] < 0xa0) pod_buf_printf(f, "\\u%04x", p[1]);  /* C1 */
    else {
      pod_buf_add(f, (const char *)p, (size_t)n);
      p += n;
      continue;
    }
    p += (!ok || c < 0x80) ? 1 : n;
  }
}

/* s escaped (escape_into), in one of 8 rotating buffers: for printf's
** arguments. Registry text (model names, paths) is data. */
static const char *esc(const char *s) {
  static pod_buf bufs[8];
  static int turn;
  pod_buf *b = &bufs[turn++ % 8];
  pod_buf_clear(b);
  escape_into(b, s ? s : "");
  return pod_buf_str(b);
}

static void put_escaped(FILE *f, const char *s) {
  fputs(esc(s), f);
}

/* "podium: MESSAGE\n" on stderr, the message escaped. */
static void print_error(const char *msg) {
  fputs("podium: ", stderr);
  put_escaped(stderr, msg);
  fputc('\n', stderr);
}

static int usage_error(const char *cmd, const char *usage, const char *fmt,
                       const char *what) {
  fprintf(stderr, "podium: ");
  fprintf(stderr, fmt, what);
  fprintf(stderr, "\nusage: podium %s %s\n", cmd, usage);
  return POD_EUSAGE;
}

/* Splits args into flags (filled in) and positional arguments (moved to
** the front of args; their count in *n_pos). --help sets *help. */
static int parse_flags(cli *c, const char *cmd, const char *usage, int argc,
                       char **argv, const flag *flags, int *n_pos,
                       int *help) {
  int pos = 0;
  *help = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *eq;
    size_t len;
    const flag *f = NULL;
    if (!strcmp(a, "--")) {
      while (++i < argc) argv[pos++] = argv[i];
      break;
    }
    if (a[0] != '-' || a[1] == '\0') {
      argv[pos++] = argv[i];
      continue;
    }
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { *help = 1; continue; }
    eq = strchr(a, '=');
    len = eq ? (size_t)(eq - a) : strlen(a);
    if (len == 4 && !strncmp(a, "--db", 4)) {  /* accepted anywhere */
      static flag db_flag = {"--db", 1, NULL};
      db_flag.value = &c->db_path;
      f = &db_flag;
    } else if (len == 14 && !strncmp(a, "--project-file", 14)) {  /* too */
      static flag pf_flag = {"--project-file", 1, NULL};
      pf_flag.value = &c->project_file;
      f = &pf_flag;
    }
    for (int k = 0; !f && flags && flags[k].name; k++)
      if (strlen(flags[k].name) == len && !strncmp(flags[k].name, a, len))
        f = &flags[k];
    if (!f) return usage_error(cmd, usage, "unknown option %s", a);
    if (!f->takes_value) {
      if (eq) return usage_error(cmd, usage, "option %s takes no value", a);
      *f->value = "";
    } else if (eq) {
      *f->value = eq + 1;
    } else if (i + 1 < argc) {
      *f->value = argv[++i];
    } else {
      return usage_error(cmd, usage, "option %s needs a value", a);
    }
  }
  *n_pos = pos;
  return POD_OK;
}

/* How a command opens the registry: read commands read-only (they never
** write to it); init and ingest create or migrate it; estimate writes to
** one that exists. */
enum { DB_CREATE, DB_READ, DB_WRITE };

static int open_db(cli *c, int how, store_db **db) {
  if (how == DB_READ) return store_open_read(c->db_path, db, c->err);
  if (how == DB_WRITE && store_is_local(c->db_path) &&
      !pod_exists(c->db_path))
    return pod_err(c->err, POD_EINPUT,
                   "%s: no registry here (podium init or podium ingest "
                   "creates one; --db or PODIUM_DB points elsewhere)",
                   c->db_path);
  return store_open(c->db_path, db, c->err);
}

/* The project file (core/project.h): --project-file, which must exist,
** else podium.project.json beside the registry when there is one. */
static int load_project(cli *c, pod_project *p) {
  char path[4200];
  const char *slash;
  memset(p, 0, sizeof *p);
  if (c->project_file) {
    if (!*c->project_file)
      return pod_err(c->err, POD_EUSAGE, "empty --project-file");
    return pod_project_load(c->project_file, p, c->err);
  }
  /* a registry on a server: the project file of the folder we are in */
  slash = store_is_local(c->db_path) ? strrchr(c->db_path, '/') : NULL;
  if (slash)
    snprintf(path, sizeof path, "%.*s/%s", (int)(slash - c->db_path),
             c->db_path, POD_PROJECT_FILE);
  else
    snprintf(path, sizeof path, "%s", POD_PROJECT_FILE);
  return pod_exists(path) ? pod_project_load(path, p, c->err) : POD_OK;
}

/* ---- JSON and text output of store rows ------------------------------ */

static cJSON *row_json(const store_row *row) {
  cJSON *o = cJSON_CreateObject();
  for (int i = 0; i < row->n; i++) {
    const store_value *v = &row->v[i];
    cJSON *item;
    switch (v->type) {
    case STORE_INT: item = cJSON_CreateNumber((double)v->i); break;
    case STORE_REAL: {  /* cJSON prints 15 digits when they read back
                        ** "close enough": print what reads back exact */
      char num[32];
      item = isfinite(v->d) ? cJSON_CreateRaw(pod_num_format(v->d, num))
                            : cJSON_CreateNull();
      break;
    }
    case STORE_TEXT: item = cJSON_CreateString(v->s); break;
    default: item = cJSON_CreateNull();
    }
    cJSON_AddItemToObject(o, row->names[i], item);
  }
  return o;
}

static int append_json(const store_row *row, void *ud) {
  cJSON_AddItemToArray((cJSON *)ud, row_json(row));
  return 0;
}

static int first_json(const store_row *row, void *ud) {
  *(cJSON **)ud = row_json(row);
  return 0;
}

static void print_json(cJSON *j) {
  char *s = cJSON_Print(j);
  fputs(s, stdout);
  fputc('\n', stdout);
  cJSON_free(s);
}

static const char *field_text(const store_row *row, const char *name,
                              char buf[64]) {
  for (int i = 0; i < row->n; i++) {
    if (strcmp(row->names[i], name)) continue;
    switch (row->v[i].type) {
    case STORE_TEXT: return row->v[i].s;
    case STORE_INT: snprintf(buf, 64, "%lld", (long long)row->v[i].i); return buf;
    case STORE_REAL: snprintf(buf, 64, "%.6g", row->v[i].d); return buf;
    default: return "";
    }
  }
  return "";
}

/* ---- commands -------------------------------------------------------- */

typedef struct command {
  const char *name;
  int (*fn)(cli *c, int argc, char **argv);
  const char *usage;
  const char *summary;
} command;

static const command commands[];

static int cmd_version(cli *c, int argc, char **argv) {
  int n, help;
  int rc = parse_flags(c, "version", "", argc, argv, NULL, &n, &help);
  if (rc) return rc;
  if (n) return usage_error("version", "", "unexpected argument %s", argv[0]);
  printf("podium %s\n", PODIUM_VERSION);
  printf("SQLite %s\n", store_sqlite_version());
  printf("cmark-gfm %s\n", cmark_version_string());
  printf("%s\n", LUA_RELEASE);
  printf("cJSON %s\n", cJSON_Version());
  printf("libcsv %d.%d.%d\n", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
  {
    UVersionInfo v;
    char text[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(v);
    u_versionToString(v, text);
    printf("ICU %s\n", text);
  }
  printf("libpq %s\n", store_libpq_version());
  printf("%s\n", OpenSSL_version(OPENSSL_VERSION));
  return POD_OK;
}

/* `podium help NAME` and `podium NAME --help`. */
static int show_help(const char *name) {
  for (int i = 0; commands[i].name; i++)
    if (!strcmp(commands[i].name, name)) {
      printf("usage: podium %s %s\n\n%s\n", commands[i].name,
             commands[i].usage, commands[i].summary);
      return POD_OK;
    }
  return usage_error("help", "[COMMAND]", "unknown command %s", name);
}

static int cmd_help(cli *c, int argc, char **argv) {
  (void)c;
  if (argc > 0) return show_help(argv[0]);
  printf("podium %s -- ML results into a registry and a static site\n\n"
         "usage: podium [--db PATH] COMMAND [OPTIONS] [ARGS]\n\n"
         "The registry is --db, else $PODIUM_DB, else ./podium.db: a file,\n"
         "or a shared one on PostgreSQL, postgresql://USER@HOST[:PORT]/DB\n"
         "(the password from PGPASSWORD or ~/.pgpass, never the URL).\n"
         "The project file (languages, primary metrics, pairs) is "
         "--project-file,\nelse " POD_PROJECT_FILE " beside the registry "
         "(docs/ARCHITECTURE.md).\n\n"
         "commands:\n", PODIUM_VERSION);
  for (int i = 0; commands[i].name; i++)
    printf("  %-8s %s\n", commands[i].name, commands[i].summary);
  printf("\n`podium COMMAND --help` describes one command.\n");
  return POD_OK;
}

static int cmd_init(cli *c, int argc, char **argv) {
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

static int cmd_formats(cli *c, int argc, char **argv) {
  const char *name, *by;
  int n, help, rc = parse_flags(c, "formats", "", argc, argv, NULL, &n, &help);
  if (rc || help) return rc ? rc : show_help("formats");
  for (int i = 0; ingest_format_info(i, &name, &by); i++)
    printf("%-16s %s\n", name, by);
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

static const char INGEST_USAGE[] =
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

static int cmd_ingest(cli *c, int argc, char **argv) {
  ingest_meta meta = {0};
  const char *quiet = NULL, *replace = NULL, *skip_bad = NULL;
  long bad_rows = 0;
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
  int n, help, n_paths = 0, added = 0, skipped = 0, failed = 0, ignored = 0;
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
  s = ingest_session_new(db, &meta);
  int tty = !quiet && isatty(2);
  if (tty) ingest_session_progress(s, show_progress, NULL);
  for (int i = 0; i < n_paths; i++) {
    int status;
    long rows;
    char err[POD_ERRLEN];
    int r = ingest_file(s, &paths[i], &status, &rows, err);
    if (tty) fprintf(stderr, "\r\033[K");  /* clear the progress line */
    if (r == POD_EUSAGE) {
      snprintf(c->err, POD_ERRLEN, "%s", err);
      rc = r;
      goto done;
    }
    if (r) {
      print_error(err);
      failed++;
    } else if (status == INGEST_SKIPPED) {
      skipped++;
      if (!quiet) {
        fputs("skipped ", stdout);
        put_escaped(stdout, paths[i].path);
        printf(" (already ingested)\n");
      }
    } else if (status == INGEST_IGNORED) {
      ignored++;
      if (!quiet) {
        fputs("ignored ", stdout);
        put_escaped(stdout, paths[i].path);
        printf(" (not a format podium reads)\n");
      }
    } else {
      const ingest_report *rep = ingest_session_report(s);
      added++;
      bad_rows += rep->bad_rows;
      /* each skipped line on stderr, by line: "podium: skipped path:5:1: ..." */
      for (const char *l = rep->bad, *e; *l; l = e + 1) {
        e = strchr(l, '\n');
        fprintf(stderr, "podium: skipped %.*s\n", (int)(e - l), l);
      }
      if (!quiet) {
        fputs("added ", stdout);
        put_escaped(stdout, paths[i].path);
        printf(" (%ld rows", rows);
        if (rep->note) printf(", %s", rep->note);
        if (rep->bad_rows) printf(", %ld bad lines skipped", rep->bad_rows);
        printf(")\n");
      }
    }
  }
  if (!quiet || failed)
    printf("ingest: %d added, %d skipped, %d failed%s", added, skipped,
           failed, ignored || bad_rows ? "" : "\n");
  if (bad_rows && (!quiet || failed))
    printf(", %ld bad lines skipped%s", bad_rows, ignored ? "" : "\n");
  if (ignored && (!quiet || failed)) printf(", %d ignored\n", ignored);
  if (failed) {
    snprintf(c->err, POD_ERRLEN, "%d of %d files failed; the others are in "
             "%s", failed, n_paths, c->db_path);
    rc = POD_EINPUT;
  }
done:
  ingest_session_free(s);
  store_close(db);
  ingest_paths_free(paths, n_paths);
  free(maps);
  free(tags);
  return rc;
}

static const char *or_dash(const char *s) { return *s ? s : "-"; }

static int print_run_line(const store_row *row, void *ud) {
  char id[64], name[64], role[64], variant[64], scope[64], n[64];
  const char *run = field_text(row, "name", name);
  (void)ud;
  if (!*run) run = field_text(row, "model", name);
  printf("%-5s %-32s %-10s %-10s %-20s %s\n", field_text(row, "id", id),
         esc(run), esc(or_dash(field_text(row, "role", role))),
         esc(or_dash(field_text(row, "variant", variant))),
         esc(or_dash(field_text(row, "scope", scope))),
         field_text(row, "measurements", n));
  return 0;
}

static int cmd_runs(cli *c, int argc, char **argv) {
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
    printf("%-5s %-32s %-10s %-10s %-20s %s\n", "id", "run", "role",
           "variant", "dataset/task", "values");
    rc = store_each_run(db, print_run_line, NULL, c->err);
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
  render_fmt_value(&v, value, field_text(row, "unit", a));
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

static int cmd_show(cli *c, int argc, char **argv) {
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

static int cmd_render(cli *c, int argc, char **argv) {
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
  if ((rc = render_find_share_dir(c->argv0, share, c->err))) return rc;
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

static int cmd_report(cli *c, int argc, char **argv) {
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

static const char I18N_USAGE[] = "check | convert [CATALOG.json...]";

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

static int cmd_i18n(cli *c, int argc, char **argv) {
  char share[4096], cat[4200], tpl[4200];
  pod_buf report = POD_BUF_INIT;
  int n, help, problems = 0;
  int rc = parse_flags(c, "i18n", I18N_USAGE, argc, argv, NULL, &n, &help);
  if (rc || help) return rc ? rc : show_help("i18n");
  if (n < 1 || (strcmp(argv[0], "check") && strcmp(argv[0], "convert")) ||
      (!strcmp(argv[0], "check") && n != 1))
    return usage_error("i18n", I18N_USAGE, "%s",
                       "expected the word check or convert");
  if ((rc = render_find_share_dir(c->argv0, share, c->err))) return rc;
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

static const char COMPARE_USAGE[] =
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

static int cmd_compare(cli *c, int argc, char **argv) {
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
    if ((rc = analysis_compare_resolve(db, argv[0], &ids[0], &n_ids[0], c->err)) ||
        (rc = analysis_compare_resolve(db, argv[1], &ids[1], &n_ids[1], c->err)) ||
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

static const char ESTIMATE_USAGE[] =
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

static int cmd_estimate(cli *c, int argc, char **argv) {
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
    if ((rc = render_find_share_dir(c->argv0, share, c->err))) return rc;
    snprintf(dir, sizeof dir, "%s/data", share);
    data = dir;
  }
  o.data_dir = data;
  if ((rc = open_db(c, DB_WRITE, &db))) return rc;
  for (int i = 0; i < n && !rc; i++) {
    int64_t *one = NULL;
    size_t k = 0;
    if ((rc = analysis_compare_resolve(db, argv[i], &one, &k, c->err))) break;
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

/* podium check: the registry's integrity, a verdict, exit 1 if damaged. */
static int cmd_check(cli *c, int argc, char **argv) {
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

#define COPY_USAGE "--from REGISTRY --to REGISTRY"

static int cmd_copy(cli *c, int argc, char **argv) {
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

static const command commands[] = {
  {"help", cmd_help, "[COMMAND]", "describe podium or one command"},
  {"version", cmd_version, "", "podium's version and its libraries'"},
  {"init", cmd_init, "", "create the registry, or migrate it to this podium"},
  {"formats", cmd_formats, "", "list the file formats podium reads"},
  {"ingest", cmd_ingest, INGEST_USAGE,
   "read result files and folders into the registry; each file goes in "
   "whole or not at all.\nA podium.json in a folder (or above it) gives "
   "metadata to the files below it; flags override it. --method (or "
   "\"method\" in podium.json) says how energy was measured: wall-meter, "
   "nvml, rapl, tdp, ... (docs/COMPARE.md). A file already "
   "ingested is skipped; a changed file at the same path needs --replace. "
   "A broken line (a CodeCarbon line cut by two writers) refuses the file; "
   "--skip-bad-rows skips such lines instead, each named on stderr and "
   "counted in the summary."},
  {"runs", cmd_runs, "[--json]", "list the runs in the registry"},
  {"show", cmd_show, "RUN [--json]",
   "one run: its measurements, environment and sources"},
  {"report", cmd_report, "NAME [--md]",
   "print the Markdown report of one leaderboard (NAME as in its file "
   "name, e.g. text-classification--inference_time)"},
  {"i18n", cmd_i18n, I18N_USAGE,
   "check: the translation catalogs: MessageFormat syntax (file:line:col), "
   "missing and unused keys, placeholders that differ from English, plural "
   "forms a language needs.\nconvert: rewrite catalogs of the old form "
   "(objects of plural forms) as ICU MessageFormat, in place"},
  {"compare", cmd_compare, COMPARE_USAGE,
   "baseline against optimized: ratio, speed-up or percentage points per "
   "matched metric and axis point, with 95% intervals when both sides "
   "have repeats.\nBASE and OPTIMIZED are run ids, run names or model "
   "names (all runs of a model are its repeats). Differences in hardware, "
   "region, PUE, tracking mode, framework version or file format are "
   "flagged; --strict refuses them (exit 1)."},
  {"copy", cmd_copy, COPY_USAGE,
   "copy the files of one registry into another, with their runs, "
   "measurements and provenance: a file (SQLite) or a server "
   "(postgresql://USER@HOST[:PORT]/DB), either way; a file the target "
   "has (by sha256) is skipped, so a second copy adds nothing."},
  {"check", cmd_check, "",
   "the registry's integrity: SQLite's integrity_check and "
   "foreign_key_check, and every source still holding its rows; exit 1 "
   "when it is damaged. Reads only."},
  {"estimate", cmd_estimate, ESTIMATE_USAGE,
   "add estimated energy (kWh) and CO2 (kg) to runs that have a duration "
   "and hardware but no measured energy, as the ML CO2 Impact calculator "
   "does:\nTDP (data/tdp.csv) x GPUs x hours x PUE (default 1.58), times "
   "the grid's intensity (--intensity g CO2eq/kWh, or --region KEY from "
   "data/carbon_intensity.csv, else the environment's cloud region). "
   "Values are labelled \"estimate\" everywhere; running it again "
   "replaces them. Without RUN: every run with a duration and no measured "
   "energy. Exit 1 when a run lacks a duration, hardware, a known GPU or "
   "an intensity (the message says which)."},
  {"render", cmd_render,
   "[--out DIR] [--templates DIR] [--lang en,fa,...] [--content DIR] "
   "[--jobs N]",
   "write the static site (default _site), replacing it atomically; "
   "--lang picks the languages (default " RENDER_LANGUAGES ", the first "
   "is the default). --jobs: threads rendering run pages (default "
   "PODIUM_JOBS, else the CPUs, up to 8, for registries of 200 runs or "
   "more); the site is the same whatever the number.\nCourse pages come from DIR/<lang>/*.md (default: "
   "./content when it exists), CommonMark with GFM tables; a paragraph "
   "{{< leaderboard NAME >}} shows that leaderboard's tables. A language "
   "without a page gets the default language's, with a notice."},
  {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) {
  cli c;
  const command *cmd = NULL;
  int i = 1, rc;
  memset(&c, 0, sizeof c);
  c.argv0 = argv[0];
  c.db_path = getenv("PODIUM_DB");
  if (!c.db_path || !*c.db_path) c.db_path = "podium.db";
  while (i < argc && argv[i][0] == '-') {
    if (!strcmp(argv[i], "--db") && i + 1 < argc) {
      c.db_path = argv[i + 1];
      i += 2;
    } else if (!strncmp(argv[i], "--db=", 5)) {
      c.db_path = argv[i++] + 5;
    } else if (!strcmp(argv[i], "--project-file") && i + 1 < argc) {
      c.project_file = argv[i + 1];
      i += 2;
    } else if (!strncmp(argv[i], "--project-file=", 15)) {
      c.project_file = argv[i++] + 15;
    } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      return cmd_help(&c, 0, NULL);
    } else if (!strcmp(argv[i], "--version")) {
      return cmd_version(&c, 0, NULL);
    } else {
      fprintf(stderr, "podium: unknown option %s\nusage: podium [--db PATH] "
              "COMMAND [OPTIONS] [ARGS]\n", argv[i]);
      return 2;
    }
  }
  if (i >= argc) {
    fprintf(stderr, "usage: podium [--db PATH] COMMAND [OPTIONS] [ARGS]\n"
                    "`podium help` lists the commands.\n");
    return 2;
  }
  for (int k = 0; commands[k].name; k++)
    if (!strcmp(commands[k].name, argv[i])) cmd = &commands[k];
  if (!cmd) {
    fprintf(stderr, "podium: unknown command \"%s\"\nusage: podium [--db "
            "PATH] COMMAND [OPTIONS] [ARGS]\n`podium help` lists the "
            "commands.\n", argv[i]);
    return 2;
  }
  if (!*c.db_path) {
    fprintf(stderr, "podium: --db is empty\n");
    return 2;
  }
  rc = cmd->fn(&c, argc - i - 1, argv + i + 1);
  fflush(stdout);
  if (rc == POD_OK) return 0;
  if (rc == POD_EUSAGE) {
    if (c.err[0]) print_error(c.err);
    return 2;
  }
  print_error(c.err[0] ? c.err : "failed");
  return 1;
}
