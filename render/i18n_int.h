/*
** render/i18n_int.h -- what render/i18n.c lends render/i18n_cmd.c (the
** check and convert commands): reading a catalog, checking its messages,
** and a message's shape; and a language's numbers (i18n_num.c), which
** i18n.c uses. Not for use outside those files.
*/
#ifndef PODIUM_I18N_INT_H
#define PODIUM_I18N_INT_H

#include <cjson/cJSON.h>
#include "core/buf.h"
#include "core/err.h"

#include <unicode/unum.h>

#define MAX_CATALOG (1 << 20)

typedef void (*problem_fn)(void *ud, const char *line);

/* Reads and parses the catalog at path into *out (the caller deletes it)
** and its bytes into text. */
int i18n_read_catalog(const char *path, pod_buf *text, cJSON **out,
                      char err[POD_ERRLEN]);
/* Checks each message of a parsed catalog; every bad one goes to fn as
** "path:line:col: ...". Returns how many were bad. */
int i18n_check_messages(const char *path, const char *text, cJSON *root,
                        problem_fn fn, void *ud);
/* Adds the argument names of pattern to names (a set) and its plurals
** ([name, forms...]) to plurals. */
void i18n_shape(const char *pattern, cJSON *names, cJSON *plurals);

/* A language's number formatting (render_i18n_number): opened on the
** language's decimal formatter num, which it borrows (it must outlive the
** i18n_num); closed by i18n_num_close on the thread that opened it. One
** per render_i18n, so per thread. */
typedef struct i18n_num i18n_num;
i18n_num *i18n_num_open(UNumberFormat *num);
void i18n_num_close(i18n_num *n);
void i18n_num_format(i18n_num *n, pod_buf *out, double v, int fraction);

#endif
