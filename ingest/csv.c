/*
** ingest/csv.c -- the streaming CSV reader every CSV format uses.
**
** libcsv does the quoting rules; we feed it one physical line at a time,
** which is what lets every row know the line it started on and every
** error name a line and column. Each line is checked before parsing:
** NUL bytes mean binary data, and the bytes must be UTF-8. Memory stays
** bounded by the longest row, never the file.
*/
#include "ingest/ingest_int.h"
#include "core/buf.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE (8L << 20)     /* a physical line longer than this: error */
#define MAX_ROW_TEXT (1L << 20) /* row text kept for error columns */

typedef struct reader {
  ingest_ctx *cx;
  /* fields of the row being assembled: their bytes, each NUL-terminated,
  ** one after another in arena (no allocation per field); field[] is
  ** filled from off[] once the row is complete, as arena may move */
  pod_buf arena;
  size_t *off;
  char **field;
  size_t *len;
  size_t n, cap;
  int row_done;
  int too_long;               /* a field went over INGEST_MAX_FIELD */
  pod_buf text;               /* raw text of the current row */
  long row_line;
  long long row_offset;
  long rows_left;             /* stop after this many rows; < 0: all */
} reader;

static void on_field(void *data, size_t n, void *ud) {
  reader *r = ud;
  if (n > INGEST_MAX_FIELD) { r->too_long = 1; n = 0; }
  if (r->n == r->cap) {
    r->cap = r->cap ? 2 * r->cap : 32;
    r->field = pod_xrealloc(r->field, r->cap * sizeof *r->field);
    r->len = pod_xrealloc(r->len, r->cap * sizeof *r->len);
    r->off = pod_xrealloc(r->off, r->cap * sizeof *r->off);
  }
  if (!data) n = 0;
  r->off[r->n] = r->arena.len;
  if (n) pod_buf_add(&r->arena, data, n);
  pod_buf_addc(&r->arena, '\0');
  r->len[r->n++] = n;
}

static void on_row(int c, void *ud) {
  (void)c;
  ((reader *)ud)->row_done = 1;
}

static void clear_row(reader *r) {
  pod_buf_clear(&r->arena);
  r->n = 0;
  r->row_done = 0;
}

/* Length of the valid UTF-8 prefix of p[0..n). */
static size_t utf8_valid_prefix(const unsigned char *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    size_t k;
    unsigned cp;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) { k = 1; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { k = 2; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { k = 3; cp = c & 0x07; }
    else return i;
    for (size_t j = 1; j <= k; j++) {
      if (i + j >= n || (p[i + j] & 0xc0) != 0x80) return i;
      cp = cp << 6 | (p[i + j] & 0x3f);
    }
    if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
      return i;
    i += k + 1;
  }
  return n;
}

/* Checks one physical line: text, not binary; UTF-8. */
static int check_line(reader *r, const char *line, size_t n, long lineno,
                      long long offset, char err[POD_ERRLEN]) {
  const char *nul = memchr(line, '\0', n);
  size_t ok;
  if (nul)
    return pod_err_at(err, POD_EINPUT, r->cx->path, lineno,
                      (long)(nul - line) + 1,
                      "found a NUL byte (byte offset %lld): binary data, "
                      "expected a text file",
                      offset + (long long)(nul - line));
  ok = utf8_valid_prefix((const unsigned char *)line, n);
  if (ok < n)
    return pod_err_at(err, POD_EINPUT, r->cx->path, lineno, (long)ok + 1,
                      "found byte 0x%02x that is not UTF-8 (byte offset "
                      "%lld), expected UTF-8 text",
                      (unsigned char)line[ok], offset + (long long)ok);
  return POD_OK;
}

static int emit_row(reader *r, ingest_csv_fn fn, void *ud,
                    char err[POD_ERRLEN]) {
  ingest_csv_row row = {r->n, r->field, r->len, r->row_line,
                        pod_buf_str(&r->text), r->text.len, r->row_offset};
  int rc;
  for (size_t i = 0; i < r->n; i++) r->field[i] = r->arena.data + r->off[i];
  if (r->too_long)
    return pod_err_at(err, POD_EINPUT, r->cx->path, r->row_line, 0,
                      "found a field over %d bytes, expected at most that",
                      INGEST_MAX_FIELD);
  rc = fn(r->cx, &row, ud, err);
  clear_row(r);
  if (r->rows_left > 0) r->rows_left--;
  return rc;
}

/* Feeds one physical line (with its newline, if any) to libcsv. */
static int feed_line(reader *r, struct csv_parser *p, const char *line,
                     size_t n, long lineno, long long offset, ingest_csv_fn fn,
                     void *ud, char err[POD_ERRLEN]) {
  int rc = check_line(r, line, n, lineno, offset, err);
  size_t used;
  if (rc) return rc;
  if (p->pstate == 0) {  /* no row in progress: one starts on this line */
    r->row_line = lineno;
    r->row_offset = offset;
    pod_buf_clear(&r->text);
  }
  if (r->text.len < MAX_ROW_TEXT) pod_buf_add(&r->text, line, n);
  used = csv_parse(p, line, n, on_field, on_row, r);
  if (used != n)
    return pod_err_at(err, POD_EINPUT, r->cx->path, lineno, (long)used + 1,
                      "found a stray quote in a field, expected a field "
                      "quoted as a whole (\"...\") with inner quotes "
                      "doubled");
  if (r->row_done) return emit_row(r, fn, ud, err);
  return POD_OK;
}

/* Reads from byte offset `start`, whose line is first_line, until the end
** or until max_rows rows (< 0: no limit) have been handed to fn. */
static int read_from(ingest_ctx *cx, long long start, long first_line,
                     long max_rows, ingest_csv_fn fn, void *ud,
                     char err[POD_ERRLEN]) {
  static char chunk[1 << 16];
  struct csv_parser p;
  reader r;
  pod_buf line = POD_BUF_INIT;
  FILE *f = NULL;
  long lineno = first_line - 1;
  long long offset = start, line_start = start;
  size_t got;
  int rc = POD_OK, first = start == 0;

  memset(&r, 0, sizeof r);
  r.cx = cx;
  r.rows_left = max_rows;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
    return pod_err(err, POD_EINTERNAL, "cannot start the CSV parser");
  if (!(f = fopen(cx->path, "rb")) ||
      (start && fseeko(f, (off_t)start, SEEK_SET) != 0)) {
    rc = pod_err(err, POD_EIO, "%s: cannot open: %s", cx->path,
                 strerror(errno));
    goto done;
  }
  while (rc == POD_OK && r.rows_left != 0 &&
         (got = fread(chunk, 1, sizeof chunk, f)) > 0) {
    const char *s = chunk, *end = chunk + got;
    if (first) {  /* a UTF-8 BOM is how Excel and pandas mark UTF-8 */
      first = 0;
      if (got >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
        s += 3;
        offset = line_start = 3;
      }
    }
    while (rc == POD_OK && r.rows_left != 0 && s < end) {
      const char *nl = memchr(s, '\n', (size_t)(end - s));
      const char *stop = nl ? nl + 1 : end;
      if (nl && !line.len) {  /* a whole line in the chunk: no copy */
        offset += stop - s;
        rc = feed_line(&r, &p, s, (size_t)(stop - s), ++lineno, line_start,
                       fn, ud, err);
        if ((lineno & 4095) == 0) ingest_progress(cx, offset);
        line_start = offset;
        s = stop;
        continue;
      }
      pod_buf_add(&line, s, (size_t)(stop - s));
      offset += stop - s;
      s = stop;
      if (line.len > MAX_LINE) {
        rc = pod_err_at(err, POD_EINPUT, cx->path, lineno + 1, 0,
                        "found a line over %ld bytes, expected shorter "
                        "lines", MAX_LINE);
      } else if (nl) {
        rc = feed_line(&r, &p, line.data, line.len, ++lineno, line_start, fn,
                       ud, err);
        if ((lineno & 4095) == 0) ingest_progress(cx, offset);
        line_start = offset;
        pod_buf_clear(&line);
      }
    }
  }
  if (rc == POD_OK && ferror(f))
    rc = pod_err(err, POD_EIO, "%s: cannot read: %s", cx->path,
                 strerror(errno));
  if (rc == POD_OK && r.rows_left != 0 && line.len)  /* no final newline */
    rc = feed_line(&r, &p, line.data, line.len, ++lineno, line_start, fn, ud,
                   err);
  if (rc == POD_OK && r.rows_left != 0) {
    if (csv_fini(&p, on_field, on_row, &r) != 0)
      rc = pod_err_at(err, POD_EINPUT, cx->path, r.row_line, 0,
                      "found a quoted field that never ends (it opens in "
                      "the row starting here), expected a closing quote");
    else if (r.row_done)
      rc = emit_row(&r, fn, ud, err);
  }
done:
  if (f) fclose(f);
  clear_row(&r);
  free(r.field);
  free(r.len);
  free(r.off);
  pod_buf_free(&r.arena);
  pod_buf_free(&r.text);
  pod_buf_free(&line);
  csv_free(&p);
  return rc;
}

int ingest_csv_read(ingest_ctx *cx, ingest_csv_fn fn, void *ud,
                    char err[POD_ERRLEN]) {
  return read_from(cx, 0, 1, -1, fn, ud, err);
}

int ingest_csv_read_row_at(ingest_ctx *cx, long long offset, long line,
                           ingest_csv_fn fn, void *ud, char err[POD_ERRLEN]) {
  return read_from(cx, offset, line, 1, fn, ud, err);
}

long ingest_csv_col(const ingest_csv_row *row, size_t i, long *out_line) {
  /* Walk the raw text with the same quoting rules: a comma outside quotes
  ** ends a field. Good enough for error positions. */
  long line = row->line, col = 1;
  size_t field = 0, k = 0, len = row->text_len;
  int quoted = 0;
  while (len > 0 && (row->text[len - 1] == '\n' || row->text[len - 1] == '\r'))
    len--;  /* the row's own line end is not part of it */
  while (k < len && field < i) {
    char c = row->text[k++];
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) field++;
    if (c == '\n') { line++; col = 1; }
    else col++;
  }
  if (out_line) *out_line = line;
  return col;
}

int ingest_csv_fail(ingest_ctx *cx, const ingest_csv_row *row, size_t i,
                    const char *expected, char err[POD_ERRLEN]) {
  char found[96];
  long line;
  long col = ingest_csv_col(row, i, &line);
  if (i < row->n)
    pod_snippet(found, sizeof found, row->field[i], row->len[i]);
  else
    snprintf(found, sizeof found, "the end of the row after %zu fields",
             row->n);
  return pod_err_at(err, POD_EINPUT, cx->path, line, col,
                    "found %s, expected %s", found, expected);
}

int ingest_csv_check_header(ingest_ctx *cx, const ingest_csv_row *row,
                            char err[POD_ERRLEN]) {
  for (size_t i = 0; i < row->n; i++) {
    for (size_t j = 0; j < i; j++)
      if (row->len[i] && !strcmp(row->field[i], row->field[j])) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "a column name used once (it is also column %zu)", j + 1);
        return ingest_csv_fail(cx, row, i, msg, err);
      }
  }
  return POD_OK;
}
