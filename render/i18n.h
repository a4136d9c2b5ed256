/*
** render/i18n.h -- languages: UI catalogs, plural forms and locale digits.
**
** Catalogs are JSON files, one per language, in <share>/i18n/<lang>.json:
** a flat object of message keys; a value is a string, or for messages that
** depend on a count an object of CLDR plural forms ({"one": "{n} run",
** "other": "{n} runs"}), chosen with ICU's plural rules. Placeholders are
** {name}. English (en.json) is the source and the fallback.
** Owns: a render_i18n owns its catalogs and ICU objects;
** render_i18n_close releases them (NULL is fine). Strings it returns are
** borrowed until close.
** Errors: POD_EINPUT "path:line:col: found X, expected Y" for a bad
** catalog, POD_EIO when a file cannot be read.
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
/* The language's own name from its catalog ("_name"), e.g. "فارسی". */
const char *render_i18n_name(const render_i18n *i);
/* 1 for languages written right to left (fa, ar, he, ur, ...). */
int render_i18n_rtl(const char *lang);

/* The message for key in this language, for count n when the message has
** plural forms (pass has_n = 0 otherwise). *fallback is set to 1 when the
** language lacks it and English is used; NULL when English lacks it too. */
const char *render_i18n_text(render_i18n *i, const char *key, double n,
                             int has_n, int *fallback);
/* The CLDR plural category ICU gives n in this language ("one", "few"). */
const char *render_i18n_plural(render_i18n *i, double n, char out[16]);
/* v with the language's digits and separators and exactly `fraction`
** digits after the decimal separator (-1: as many as needed, up to 6):
** 12.5 in fa is "۱۲٫۵". */
void render_i18n_number(render_i18n *i, pod_buf *out, double v, int fraction);

/* `podium i18n check`: every catalog in dir against en.json and the
** templates in templates_dir. Writes one line per problem to report and
** their count to *n_problems. */
int render_i18n_check(const char *dir, const char *templates_dir,
                      pod_buf *report, int *n_problems, char err[POD_ERRLEN]);

#endif
