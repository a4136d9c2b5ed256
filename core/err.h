/*
** core/err.h -- podium's error codes and the one-line message convention.
**
** Fallible functions return an int (POD_OK or a POD_E* code) and take
** `char err[POD_ERRLEN]` last. On failure they write one line there; for
** bad input it reads "path:line:col: found X, expected Y". Only cli/main.c
** prints messages and chooses the exit status (2 for POD_EUSAGE, else 1).
*/
#ifndef PODIUM_ERR_H
#define PODIUM_ERR_H

#include <stddef.h>

enum {
  POD_OK = 0,
  POD_EINPUT,     /* a file or argument that does not hold what it should */
  POD_EIO,        /* the operating system said no (open, write, rename) */
  POD_EDB,        /* SQLite said no */
  POD_ETEMPLATE,  /* a template failed to compile or run */
  POD_EUSAGE,     /* the command line is wrong */
  POD_EINTERNAL   /* a bug: an invariant did not hold */
};

#define POD_ERRLEN 512

/* Writes a printf-style message to err and returns rc, so a call site
** stays one line: `return pod_err(err, POD_EIO, "%s: %s", p, strerror(e));` */
int pod_err(char err[POD_ERRLEN], int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same, prefixed with "path:line:col: " (line or col <= 0 are left out). */
int pod_err_at(char err[POD_ERRLEN], int rc, const char *path, long line,
               long col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The 1-based line and column of byte off in text (a parser that holds
** a whole document, e.g. JSON, turns an offset into a position). */
void pod_line_col(const char *text, size_t off, long *line, long *col);

/* Copies at most n bytes of s into out (size outlen) as a printable,
** quoted snippet for messages: control bytes become \xNN, long text is cut
** with "...". Returns out. */
char *pod_snippet(char *out, size_t outlen, const char *s, size_t n);

#endif
