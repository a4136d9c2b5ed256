/*
** cli/cli.h -- what cli/main.c (flags, output helpers, the command table
** and main) shares with the command files: the commands that write the
** registry (cli/write_cmds.c) and those that only read it or the
** templates (cli/read_cmds.c). Each cmd_<name> takes the arguments after
** its name and returns a POD_* code with the message in c->err; only
** main prints errors and picks the exit code. Owns nothing.
*/
#ifndef PODIUM_CLI_H
#define PODIUM_CLI_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include "core/err.h"
#include "core/project.h"
#include "store/store.h"

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

/* How a command opens the registry: created if need be, read only, or
** for writing (it must exist). */
enum { DB_CREATE, DB_READ, DB_WRITE };

/* Text for a terminal: what a terminal would obey, escaped (a static
** buffer, valid until the next call); put_escaped writes it to f;
** print_error writes "podium: MESSAGE" to stderr. */
const char *esc(const char *s);
void put_escaped(FILE *f, const char *s);
void print_error(const char *msg);
/* A usage error: the message (fmt with what) and the command's usage on
** stderr; returns POD_EUSAGE. */
int usage_error(const char *cmd, const char *usage, const char *fmt,
                const char *what);
/* Splits argv into flags (filled in) and positional arguments (moved to
** the front; their count in *n_pos). --help sets *help. */
int parse_flags(cli *c, const char *cmd, const char *usage, int argc,
                char **argv, const flag *flags, int *n_pos, int *help);
/* `podium help NAME`: the command's usage and summary. */
int show_help(const char *name);
/* The registry at c->db_path, opened as how says (DB_*). */
int open_db(cli *c, int how, store_db **db);
/* The project file: --project-file, else podium.project.json beside the
** registry when there is one (p zeroed when none). */
int load_project(cli *c, pod_project *p);
/* store_row_fn: each row as a JSON object into the array ud; the first
** row as an object into *(cJSON **)ud. */
int append_json(const store_row *row, void *ud);
int first_json(const store_row *row, void *ud);
/* Prints j on stdout, indented, with a newline. */
void print_json(cJSON *j);
/* Column name of row as text ("" when absent; numbers into buf). */
const char *field_text(const store_row *row, const char *name,
                       char buf[64]);

/* Usage lines of the commands that have long ones (the command table). */
extern const char INGEST_USAGE[], ESTIMATE_USAGE[], COPY_USAGE[],
    I18N_USAGE[], COMPARE_USAGE[];

/* write_cmds.c */
int cmd_init(cli *c, int argc, char **argv);
int cmd_ingest(cli *c, int argc, char **argv);
int cmd_estimate(cli *c, int argc, char **argv);
int cmd_copy(cli *c, int argc, char **argv);
/* read_cmds.c */
int cmd_formats(cli *c, int argc, char **argv);
int cmd_runs(cli *c, int argc, char **argv);
int cmd_show(cli *c, int argc, char **argv);
int cmd_render(cli *c, int argc, char **argv);
int cmd_report(cli *c, int argc, char **argv);
int cmd_i18n(cli *c, int argc, char **argv);
int cmd_compare(cli *c, int argc, char **argv);
int cmd_check(cli *c, int argc, char **argv);

#endif
