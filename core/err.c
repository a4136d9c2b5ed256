/*
** core/err.c -- message formatting for the rc + err[] convention (err.h).
*/
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int pod_err(char err[POD_ERRLEN], int rc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, POD_ERRLEN, fmt, ap);
  va_end(ap);
  return rc;
}

int pod_err_at(char err[POD_ERRLEN], int rc, const char *path, long line,
               long col, const char *fmt, ...) {
  int n;
  va_list ap;
  if (line > 0 && col > 0)
    n = snprintf(err, POD_ERRLEN, "%s:%ld:%ld: ", path, line, col);
  else if (line > 0)
    n = snprintf(err, POD_ERRLEN, "%s:%ld: ", path, line);
  else
    n = snprintf(err, POD_ERRLEN, "%s: ", path);
  if (n < 0 || n >= POD_ERRLEN) return rc;
  va_start(ap, fmt);
  vsnprintf(err + n, POD_ERRLEN - (size_t)n, fmt, ap);
  va_end(ap);
  return rc;
}

char *pod_snippet(char *out, size_t outlen, const char *s, size_t n) {
  size_t o = 0, i;
  const size_t room = outlen > 8 ? outlen - 8 : 0;  /* keep space for ..." */
  if (outlen == 0) return out;
  out[o++] = '"';
  for (i = 0; i < n && o < room; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      if (o + 4 >= room) break;
      o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
    } else {
      out[o++] = (char)c;
    }
  }
  if (i < n) { memcpy(out + o, "...", 3); o += 3; }
  out[o++] = '"';
  out[o] = '\0';
  return out;
}

void pod_line_col(const char *text, size_t off, long *line, long *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off && text[i]; i++) {
    if (text[i] == '\n') { ++*line; *col = 1; }
    else ++*col;
  }
}
