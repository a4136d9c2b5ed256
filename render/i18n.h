/*
** render/i18n.h -- languages: UI catalogs in ICU MessageFormat, plural
** forms, locale digits and dates.
**
** Catalogs are JSON files, one per language, in <share>/i18n/<lang>.json:
** a flat object of message keys whose values are ICU MessageFormat
** strings (the subset in docs/TEMPLATES.md):
**   "overview.runs": "{n, plural, one {# run} other {# runs}}"
**   "run.title": "Run {id}"
** Plural categories come from ICU's CLDR rules (Arabic has six), `#` and
** numeric arguments print in the language's digits. English (en.json) is
** the source and the fallback. `podium i18n convert` rewrites catalogs
** of the old form (plural objects {"one": "{n} run", ...}).
** Owns: a render_i18n owns its ICU objects and shares its catalogs
** (read only) with every render_i18n open on the same files, on any
** thread; render_i18n_close releases them (NULL is fine). Strings it
** returns are borrowed until close.
** Errors: POD_EINPUT "path:line:col: found X, expected Y" for a bad
** catalog or message, POD_EIO when a file cannot be read.
*/
#ifndef PODIUM_I18N_H
#define PODIUM_I18N_H

#include "core/buf.h"
#include "core/err.h"

typedef struct render_i18n render_i18n;

int render_i18n_open(const char *dir, const char *lang, render_i18n **out,
                     char err[POD_ERRLEN]);
void render_i18n_close(render_i18n *i);
const char *render_i18n_lang(const render_i18n *i);
/* A number no other catalog opened by this process has (keys caches of
** texts made in this language; an address may be reused). */
unsigned long render_i18n_serial(const render_i18n *i);
/* The language's own name from its catalog ("_name"), e.g. "فارسی". */
const char *render_i18n_name(const render_i18n *i);
/* 1 for languages written right to left (fa, ar, he, ur, ...). */
int render_i18n_rtl(const char *lang);

/* The MessageFormat pattern of key in this language. *fallback is set to
** 1 when the language lacks it and English is used; NULL when English
** lacks it too. */
const char *render_i18n_text(render_i18n *i, const char *key, int *fallback);

/* An argument's value, asked for by name while a message is formatted:
** return RENDER_ARG_NUM (set *num), RENDER_ARG_TEXT (append to text) or
** RENDER_ARG_NONE (the message then shows "{name}"). */
enum { RENDER_ARG_NONE, RENDER_ARG_NUM, RENDER_ARG_TEXT };
typedef int (*render_i18n_arg_fn)(void *ud, const char *name, double *num,
                                  pod_buf *text);

/* Appends message key formatted with args to out. POD_EINPUT "unknown
** message key" when neither the language nor English has it. */
int render_i18n_format(render_i18n *i, const char *key,
                       render_i18n_arg_fn arg, void *ud, pod_buf *out,
                       int *fallback, char err[POD_ERRLEN]);

/* The same with the arguments in an array: text NULL means the number. */
typedef struct render_i18n_arg {
  const char *name;
  const char *text;
  double num;
} render_i18n_arg;
int render_i18n_format_args(render_i18n *i, const char *key,
                            const render_i18n_arg *args, int n_args,
                            pod_buf *out, int *fallback,
                            char err[POD_ERRLEN]);

/* Checks pattern against the MessageFormat subset: POD_OK, or POD_EINPUT
** with "found X, expected Y" in err and the byte offset in *at. */
int render_i18n_syntax(const char *pattern, size_t *at, char err[POD_ERRLEN]);

/* The CLDR plural category ICU gives n in this language ("one", "few"). */
const char *render_i18n_plural(render_i18n *i, double n, char out[16]);
/* v with the language's digits and separators and exactly `fraction`
** digits after the decimal separator (-1: as many as needed, up to 6):
** 12.5 in fa is "۱۲٫۵". */
void render_i18n_number(render_i18n *i, pod_buf *out, double v, int fraction);
/* s with its ASCII digits in the language's digits, and a '.' between
** digits as its decimal separator: for figures C formatted ("0.720",
** "1.85x", "-28.0 %") on pages in languages with other digits. */
void render_i18n_digits(render_i18n *i, pod_buf *out, const char *s);
/* An ISO 8601 time ("2026-11-23T11:53:09Z", or a date "2026-11-23") as
** the language writes it, in UTC, through ICU (fa: the Persian calendar
** and digits). with_time 0 gives the date only. Returns -1 (out
** untouched) when iso is not such a time. */
int render_i18n_date(render_i18n *i, const char *iso, int with_time,
                     pod_buf *out);

/* Keys podium's C code formats (compare verdicts and warnings, overfitting
** verdicts, split names, ...): `podium i18n check` counts them as used.
** NULL-terminated. */
extern const char *const render_i18n_c_keys[];

/* `podium i18n check`: every catalog in dir against en.json and the
** templates in templates_dir. Writes one line per problem to report and
** their count to *n_problems. */
int render_i18n_check(const char *dir, const char *templates_dir,
                      pod_buf *report, int *n_problems, char err[POD_ERRLEN]);

/* `podium i18n convert`: rewrites the catalog at path, turning each
** message of the old form (an object of plural forms with {n}) into
** MessageFormat ({n, plural, one {# run} other {# runs}}); strings stay.
** *converted is how many messages changed (0: the file is left alone). */
int render_i18n_convert(const char *path, int *converted,
                        char err[POD_ERRLEN]);

#endif
