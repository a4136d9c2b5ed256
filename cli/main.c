/*
** cli/main.c -- `podium [--db PATH] COMMAND [OPTIONS] [ARGS]`.
**
** A thin dispatcher over ingest/, store/ and render/, in the shape of
** git.c: one table of commands, one cmd_<name> each (cli/write_cmds.c,
** cli/read_cmds.c; help and version here), and the flag parsing and
** output helpers they share (cli/cli.h). cli/ is the only code that
** prints errors or chooses exit codes: 0 success, 1 bad input or data
** (POD_EINPUT, POD_EIO, POD_EDB, POD_ETEMPLATE), 2 usage.
*/
#include "cli/cli.h"
#include "analysis/analysis.h"
#include "core/buf.h"
#include "core/num.h"
#include "core/err.h"
#include "core/fs.h"
#include "core/project.h"
#include "render/render.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <cmark-gfm.h>
#include <csv.h>
#include <lua.h>
#include <openssl/crypto.h>
#include <unicode/uversion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PODIUM_VERSION "0.1.0"

/* ---- options --------------------------------------------------------- */



/* Writes s with what a terminal would obey escaped (issue 15: a file
** name holding a newline or ESC[2J): C0 and C1 controls and DEL as \n,
** \t, \r, \xNN or \u00NN, bytes that are not UTF-8 as \xNN; the bidi
** controls that reorder a line (U+202A-202E, U+2066-2069) and the line
** and paragraph separators as \u20NN. */
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
    else if (c == 0xe2 && ok &&   /* bidi overrides and isolates, U+2028/9 */
             ((p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9 ||
                                (p[2] >= 0xaa && p[2] <= 0xae))) ||
              (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9))) {
      pod_buf_printf(f, "\\u%04x", 0x2000 | (p[1] & 0x3f) << 6 | (p[2] & 0x3f));
      p += 3;
      continue;
    } else {
      pod_buf_add(f, (const char *)p, (size_t)n);
      p += n;
      continue;
    }
    p += (!ok || c < 0x80) ? 1 : n;
  }
}

/* s escaped (escape_into), in one of 8 rotating buffers: for printf's
** arguments. Registry text (model names, paths) is data. */
const char *esc(const char *s) {
  static pod_buf bufs[8];
  static int turn;
  pod_buf *b = &bufs[turn++ % 8];
  pod_buf_clear(b);
  escape_into(b, s ? s : "");
  return pod_buf_str(b);
}

void put_escaped(FILE *f, const char *s) {
  fputs(esc(s), f);
}

/* "podium: MESSAGE\n" on stderr, the message escaped. */
void print_error(const char *msg) {
  fputs("podium: ", stderr);
  put_escaped(stderr, msg);
  fputc('\n', stderr);
}

int usage_error(const char *cmd, const char *usage, const char *fmt,
                const char *what) {
  fprintf(stderr, "podium: ");
  fprintf(stderr, fmt, what);
  fprintf(stderr, "\nusage: podium %s %s\n", cmd, usage);
  return POD_EUSAGE;
}

/* Splits args into flags (filled in) and positional arguments (moved to
** the front of args; their count in *n_pos). --help sets *help. */
int parse_flags(cli *c, const char *cmd, const char *usage, int argc,
                char **argv, const flag *flags, int *n_pos, int *help) {
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

int open_db(cli *c, int how, store_db **db) {
  if (store_is_local(c->db_path) && pod_is_dir(c->db_path))   /* not "disk I/O error" */
    return pod_err(c->err, POD_EINPUT, "%s: found a folder, expected a "
                   "registry file (--db or PODIUM_DB names the file, "
                   "e.g. %s/podium.db)", c->db_path, c->db_path);
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
int load_project(cli *c, pod_project *p) {
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

int append_json(const store_row *row, void *ud) {
  cJSON_AddItemToArray((cJSON *)ud, row_json(row));
  return 0;
}

int first_json(const store_row *row, void *ud) {
  *(cJSON **)ud = row_json(row);
  return 0;
}

void print_json(cJSON *j) {
  char *s = cJSON_Print(j);
  fputs(s, stdout);
  fputc('\n', stdout);
  cJSON_free(s);
}

const char *field_text(const store_row *row, const char *name,
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
int show_help(const char *name) {
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
   "A broken line (a line cut or interleaved by two writers, in a CodeCarbon "
   "file or a Keras or Lightning CSVLogger log) refuses the file; "
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
