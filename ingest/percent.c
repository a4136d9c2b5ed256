/*
** ingest/percent.c -- columns a first read found in percent. A fraction
** metric (accuracy, F1: ingest_metric_is_fraction) whose values go over 1
** and not over 100 was logged x 100: the parser names the column in
** cx->percent and answers INGEST_READ_AGAIN; file_in_batch rolls the
** file back and reads it once more, the parser dividing those columns by
** 100 and keeping each cell as written, with unit "%". Owns nothing: the
** names live in cx->percent ('\n' after each).
*/
#include "ingest/ingest_int.h"

#include <stdio.h>
#include <string.h>

int ingest_percent_named(const ingest_ctx *cx, const char *column) {
  size_t n = strlen(column);
  for (const char *p = cx->percent; *p; p = strchr(p, '\n') + 1)
    if (!strncmp(p, column, n) && p[n] == '\n') return 1;
  return 0;
}

int ingest_percent_add(ingest_ctx *cx, const char *column,
                       char err[POD_ERRLEN]) {
  size_t at = strlen(cx->percent), n = strlen(column);
  if (ingest_percent_named(cx, column)) return 0;
  /* never a file half in percent: one such column left as it is would
  ** sit beside its neighbours as fractions */
  if (strchr(column, '\n') || at + n + 2 > sizeof cx->percent) {
    pod_err(err, POD_EINPUT, "%s: found more columns in percent than "
            "podium keeps (%zu bytes of names) or one with a line break in "
            "its name (\"%.40s\"), expected fewer: convert them to "
            "fractions", cx->path, sizeof cx->percent, column);
    return -1;
  }
  memcpy(cx->percent + at, column, n);
  cx->percent[at + n] = '\n';
  cx->percent[at + n + 1] = '\0';
  return 1;
}

void ingest_percent_note(const ingest_ctx *cx, char *version, size_t n) {
  size_t at = strlen(version);
  for (const char *p = cx->percent; *p && at < n; p = strchr(p, '\n') + 1)
    at += (size_t)snprintf(version + at, n - at, "%s%.*s",
                           p == cx->percent ? ", in percent: " : ", ",
                           (int)(strchr(p, '\n') - p), p);
}

int ingest_max_is_percent(double max) { return max > 1.0001 && max <= 100; }
