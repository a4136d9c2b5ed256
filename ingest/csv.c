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
#include "core/text.h"
#include "core/buf.h"
#include "core/num.h"
#include "core/sha256.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
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
  int rows_ended;             /* by the line being parsed (on_row) */
  int at_end;                 /* the last line, with no line end, is fed */
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
  ((reader *)ud)->rows_ended++;
}

static void clear_row(reader *r) {
  pod_buf_clear(&r->arena);
  r->n = 0;
  r->row_done = 0;
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
  ok = pod_utf8_valid_prefix((const unsigned char *)line, n);
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
                        pod_buf_str(&r->text), r->text.len, r->row_offset,
                        NULL, NULL, r->cx->delim, r->cx->eol, r->at_end};
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

/* Splits a line as libcsv would when that is plain splitting at commas
** (or the file's separator, CSVLogger(separator=";")):
** a row starts on it and it holds no quote, no tab, no CR but its CRLF
** end's, and no field starting or ending with a space (libcsv trims
** spaces and tabs around unquoted fields; a CR ends a row). Such lines
** are nearly every line of a large file, and libcsv, a state machine
** per byte, was ~40% of the reader thread of an ingest of one
** CodeCarbon run per line (issue 14). 0: not such a line, nothing
** taken (libcsv parses it). */
static int split_plain(reader *r, const char *line, size_t n) {
  size_t end = n;
  const char *s, *e;
  int sep = r->cx->delim ? r->cx->delim : ',';   /* a tab: libcsv's */
  if (end && line[end - 1] == '\n') end--;
  if (end && line[end - 1] == '\r') end--;
  if (!end || memchr(line, '"', end) || memchr(line, '\r', end) ||
      memchr(line, '\t', end))
    return 0;   /* an empty line is no row to libcsv either */
  for (s = line, e = line + end;; s++) {
    const char *c = memchr(s, sep, (size_t)(e - s));
    size_t len = (size_t)((c ? c : e) - s);
    if (len && (s[0] == ' ' || s[len - 1] == ' ')) {
      clear_row(r);
      return 0;
    }
    on_field((void *)s, len, r);
    if (!c) break;
    s = c;
  }
  r->row_done = 1;
  return 1;
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
  if (p->pstate == 0 && split_plain(r, line, n))
    return emit_row(r, fn, ud, err);
  r->rows_ended = 0;
  used = csv_parse(p, line, n, on_field, on_row, r);
  if (used != n)
    return pod_err_at(err, POD_EINPUT, r->cx->path, lineno, (long)used + 1,
                      "found a stray quote in a field, expected a field "
                      "quoted as a whole (\"...\") with inner quotes "
                      "doubled");
  if (r->rows_ended > 1) {  /* libcsv ends a row at a CR: one inside */
    const char *cr = memchr(line, '\r', n);
    return pod_err_at(err, POD_EINPUT, r->cx->path, lineno,
                      cr ? (long)(cr - line) + 1 : 0,
                      "found a carriage return (CR) inside the line, "
                      "expected one only at its end (a field holding one "
                      "is quoted)");
  }
  if (r->row_done) return emit_row(r, fn, ud, err);
  return POD_OK;
}

/* The byte that ends a line: '\n' (LF, CRLF, and the CR CR LF a Keras
** CSVLogger writes on Windows), or '\r' for the CR-only files Excel for
** Mac saves as "CSV (Macintosh)"; told by the first line end, 0 while
** the bytes so far hold none. A chunk whose first line end is a run of
** CRs at its very end does not tell (the next byte read may be an LF):
** *cr_run is then set, and the next chunk's first byte that is not a CR
** decides; more: bytes follow this chunk. */
static char line_end(const char *s, size_t n, int more, int *cr_run) {
  size_t i = 0;
  if (!*cr_run)
    while (i < n && s[i] != '\n' && s[i] != '\r') i++;
  if (i == n && !*cr_run) return 0;
  if (!*cr_run && s[i] == '\n') return '\n';
  while (i < n && s[i] == '\r') i++;
  if (i < n) return s[i] == '\n' ? '\n' : '\r';
  *cr_run = more;
  return more ? 0 : '\r';
}

/* The line in `line` ends in the CRs a chunk ended with, and they turn
** out to be line ends: each is handed over as a line of its own. */
static int feed_cr_lines(reader *r, struct csv_parser *p, pod_buf *line,
                         long *lineno, long long *line_start,
                         ingest_csv_fn fn, void *ud, char err[POD_ERRLEN]) {
  size_t at = 0;
  int rc = POD_OK;
  while (rc == POD_OK && at < line->len) {
    const char *cr = memchr(line->data + at, '\r', line->len - at);
    size_t n = cr ? (size_t)(cr - (line->data + at)) + 1 : line->len - at;
    if (!cr) break;   /* cannot happen: the line ends in a CR */
    rc = feed_line(r, p, line->data + at, n, ++*lineno, *line_start, fn, ud,
                   err);
    *line_start += (long long)n;
    at += n;
  }
  pod_buf_clear(line);
  return rc;
}

/* Where the quote that opens r's unended field is (line, column), from
** the row's text with the reader's quoting rules; left as they are when
** the text was cut (a row over MAX_ROW_TEXT). */
static void opening_quote(const reader *r, long *line, long *col) {
  long l = r->row_line, c = 1, at_l = 0, at_c = 0;
  int quoted = 0;
  char eol = r->cx->eol == '\r' ? '\r' : '\n';
  if (r->text.len >= MAX_ROW_TEXT) return;
  for (size_t k = 0; k < r->text.len; k++) {
    char ch = r->text.data[k];
    if (ch == '"' && quoted && k + 1 < r->text.len &&
        r->text.data[k + 1] == '"') {   /* "" inside: a quote, escaped */
      k++;
      c += 2;
      continue;
    }
    if (ch == '"' && !quoted) {
      at_l = l;
      at_c = c;
    }
    if (ch == '"') quoted = !quoted;
    if (ch == eol) {
      l++;
      c = 1;
    } else {
      c++;
    }
  }
  if (quoted) {
    *line = at_l;
    *col = at_c;
  }
}

/* Reads from byte offset `start`, whose line is first_line, until the end
** or until max_rows rows (< 0: no limit) have been handed to fn. hash:
** NULL, or every byte read goes into it too; *hashed_all is then the
** file's size when the whole file did (start 0, read to its end). */
static int read_from(ingest_ctx *cx, long long start, long first_line,
                     long max_rows, int progress, ingest_csv_fn fn, void *ud,
                     pod_sha256 *hash, long long *hashed_all,
                     char err[POD_ERRLEN]) {
  enum { CHUNK = 1 << 16 };
  /* not static: two readers may run; none for a file in memory */
  char *chunk = cx->data ? NULL : pod_xmalloc(CHUNK);
  long long mem_at = start;   /* cx->data: where the next read starts */
  struct csv_parser p;
  reader r;
  pod_buf line = POD_BUF_INIT;
  FILE *f = NULL;
  long lineno = first_line - 1;
  long long offset = start, line_start = start, n_read = 0;
  size_t got;
  int rc = POD_OK, first = start == 0;
  /* line_end's answer, once the file gives it; a read resumed at a row's
  ** offset takes the whole file's (a quoted CR there is no line end) */
  char eol = start ? cx->eol : 0;
  int cr_run = 0;   /* line_end: the last chunk ended in undecided CRs */

  memset(&r, 0, sizeof r);
  r.cx = cx;
  r.rows_left = max_rows;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    free(chunk);
    return pod_err(err, POD_EINTERNAL, "cannot start the CSV parser");
  }
  if (cx->delim) csv_set_delim(&p, (unsigned char)cx->delim);
  if (!cx->data && (!(f = fopen(cx->path, "rb")) ||
                    (start && fseeko(f, (off_t)start, SEEK_SET) != 0))) {
    rc = pod_err(err, POD_EIO, "%s: cannot open: %s", cx->path,
                 strerror(errno));
    goto done;
  }
  for (;;) {
    const char *s, *end;
    if (rc != POD_OK || r.rows_left == 0) break;
    if (cx->data) {   /* the file in one piece, as one short fread */
      if (mem_at >= (long long)cx->data_len) break;
      s = cx->data + mem_at;
      got = cx->data_len - (size_t)mem_at;
      mem_at = (long long)cx->data_len;
    } else if ((got = fread(chunk, 1, CHUNK, f)) > 0) {
      s = chunk;
    } else {
      break;
    }
    end = s + got;
    if (hash) pod_sha256_update(hash, s, got);
    n_read += (long long)got;
    if (first) {  /* a UTF-8 BOM is how Excel and pandas mark UTF-8 */
      first = 0;
      if (got >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
        s += 3;
        offset = line_start = 3;
      }
    }
    if (!eol) {
      int pending = cr_run;   /* the last chunk ended in CRs (line_end
                              ** clears it when this chunk decides) */
      if ((eol = line_end(s, (size_t)(end - s), f && !feof(f), &cr_run))) {
        if (!start) cx->eol = eol;
        if (eol == '\r' && pending)   /* those CRs were line ends */
          rc = feed_cr_lines(&r, &p, &line, &lineno, &line_start, fn, ud,
                             err);
      }
    }
    while (rc == POD_OK && r.rows_left != 0 && s < end) {
      const char *nl = memchr(s, eol ? eol : '\n', (size_t)(end - s));
      const char *stop = nl ? nl + 1 : end;
      if (nl && !line.len) {  /* a whole line in the chunk: no copy */
        offset += stop - s;
        rc = feed_line(&r, &p, s, (size_t)(stop - s), ++lineno, line_start,
                       fn, ud, err);
        if (progress && (lineno & 4095) == 0) ingest_progress(cx, offset);
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
        if (progress && (lineno & 4095) == 0) ingest_progress(cx, offset);
        line_start = offset;
        pod_buf_clear(&line);
      }
    }
  }
  if (rc == POD_OK && f && ferror(f))
    rc = pod_err(err, POD_EIO, "%s: cannot read: %s", cx->path,
                 strerror(errno));
  if (hash && rc == POD_OK && !start && (!f || feof(f))) *hashed_all = n_read;
  if (rc == POD_OK && cr_run && !eol) {   /* the file ended on those CRs */
    if (!start) cx->eol = '\r';
    rc = feed_cr_lines(&r, &p, &line, &lineno, &line_start, fn, ud, err);
  }
  r.at_end = 1;   /* what is still fed ends with the file, not a line end */
  if (rc == POD_OK && r.rows_left != 0 && line.len)  /* no final newline */
    rc = feed_line(&r, &p, line.data, line.len, ++lineno, line_start, fn, ud,
                   err);
  if (rc == POD_OK && r.rows_left != 0) {
    long q_line = r.row_line, q_col = 0;
    if (csv_fini(&p, on_field, on_row, &r) != 0) {
      opening_quote(&r, &q_line, &q_col);
      rc = pod_err_at(err, POD_EINPUT, cx->path, q_line, q_col,
                      "found a quoted field that never ends (its quote "
                      "opens here), expected a closing quote before the "
                      "end of the file");
    }
    else if (r.row_done)
      rc = emit_row(&r, fn, ud, err);
  }
done:
  if (f) fclose(f);
  free(chunk);
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

/* ---- a large file: reading and parsing on a second thread -------------
**
** Reading, the UTF-8 check and libcsv are a quarter of the time of a
** large ingest; the rest (numbers, the registry) needs the caller's
** thread. So for a large file a reader thread parses rows into batches
** (each a copy of its rows' bytes) and hands them over through a small
** bounded queue; the caller takes them in order and calls fn. A reader
** error travels as the last batch, after the rows before it, so messages
** are the ones a single thread gives; a failing fn stops the reader. */

#define BATCH_ROWS 512
#define BATCH_FIELDS (1u << 16)   /* or fewer rows: a 100,000-column log's
                                  ** 225 rows in one batch were 600 MB */
#define QUEUE_BATCHES 4

typedef struct batch_row {
  size_t first, n;         /* its fields: flds[first .. first + n) */
  size_t text, text_len;   /* its raw text in bytes */
  long line;
  long long offset;
  int unended;
} batch_row;

typedef struct batch {
  pod_buf bytes;           /* every field (NUL-terminated) and raw text */
  size_t *fld_off, *fld_len;
  double *fld_num;         /* each field as a number, NaN: not one */
  unsigned char *fld_repr; /* each field is pod_num_repr of its number */
  size_t n_flds, cap_flds;
  batch_row rows[BATCH_ROWS];
  int n_rows;
  long long end_offset;    /* for progress */
  int rc;                  /* the reader's error, ending the stream */
  char err[POD_ERRLEN];
  struct batch *next;
} batch;

typedef struct pipe_state {
  pthread_mutex_t mu;
  pthread_cond_t changed;
  batch *head, *tail;      /* full batches, oldest first */
  int queued;
  int done;                /* the reader has pushed its last batch */
  int stop;                /* the caller wants no more */
  batch *filling;          /* the reader's batch being filled */
  batch *spare;            /* batches the caller is done with, to fill
                           ** again: their pages are already the
                           ** process's (a new batch's first writes were
                           ** a third of an ingest's page faults) */
  ingest_ctx *cx;
  int hash;                /* hash the bytes too (cx->stream_sha) */
  int repr;                /* tell repr cells (cx->want_repr) */
  long long hashed_all;    /* -1, or the size once all were hashed */
  char sha[65];            /* the reader's, read once it is joined */
} pipe_state;

static void batch_free(batch *b) {
  if (!b) return;
  pod_buf_free(&b->bytes);
  free(b->fld_off);
  free(b->fld_len);
  free(b->fld_num);
  free(b->fld_repr);
  free(b);
}

static batch *batch_new(void) {
  batch *b = pod_xmalloc(sizeof *b);
  memset(b, 0, sizeof *b);
  return b;
}

/* An empty batch for the reader: a spare one, or a new one. */
static batch *batch_take(pipe_state *ps) {
  batch *b;
  pthread_mutex_lock(&ps->mu);
  b = ps->spare;
  if (b) ps->spare = b->next;
  pthread_mutex_unlock(&ps->mu);
  if (!b) return batch_new();
  pod_buf_clear(&b->bytes);
  b->n_flds = 0;
  b->n_rows = 0;
  b->end_offset = 0;
  b->rc = 0;
  b->next = NULL;
  return b;
}

/* The caller is done with b. */
static void batch_give_back(pipe_state *ps, batch *b) {
  pthread_mutex_lock(&ps->mu);
  b->next = ps->spare;
  ps->spare = b;
  pthread_mutex_unlock(&ps->mu);
}

/* Hands a batch to the caller; 0 when the caller has stopped. */
static int pipe_push(pipe_state *ps, batch *b, int last) {
  int go;
  pthread_mutex_lock(&ps->mu);
  while (ps->queued >= QUEUE_BATCHES && !ps->stop)
    pthread_cond_wait(&ps->changed, &ps->mu);
  go = !ps->stop;
  if (go) {
    if (ps->tail) ps->tail->next = b;
    else ps->head = b;
    ps->tail = b;
    ps->queued++;
  }
  if (last) ps->done = 1;
  pthread_cond_broadcast(&ps->changed);
  pthread_mutex_unlock(&ps->mu);
  if (!go) batch_free(b);
  return go;
}

/* The reader's fn: copies the row into the batch being filled. */
static int pipe_row(ingest_ctx *cx, const ingest_csv_row *row, void *ud,
                    char err[POD_ERRLEN]) {
  pipe_state *ps = ud;
  batch *b = ps->filling;
  batch_row *br;
  (void)cx;
  (void)err;
  if (b->n_flds + row->n > b->cap_flds) {
    b->cap_flds = 2 * (b->n_flds + row->n) + 64;
    b->fld_off = pod_xrealloc(b->fld_off, b->cap_flds * sizeof *b->fld_off);
    b->fld_len = pod_xrealloc(b->fld_len, b->cap_flds * sizeof *b->fld_len);
    b->fld_num = pod_xrealloc(b->fld_num, b->cap_flds * sizeof *b->fld_num);
    b->fld_repr = pod_xrealloc(b->fld_repr, b->cap_flds);
  }
  br = &b->rows[b->n_rows++];
  br->first = b->n_flds;
  br->n = row->n;
  br->line = row->line;
  br->offset = row->offset;
  for (size_t i = 0; i < row->n; i++) {
    /* numbers are parsed here, off the caller's thread (strtod was ~9%
    ** of a CodeCarbon ingest); a cell that is no number fails fast */
    if (!ingest_parse_number(row->field[i], &b->fld_num[b->n_flds]))
      b->fld_num[b->n_flds] = NAN;
    /* and, for a parser that asks, whether the text is the number's
    ** repr (~45 ns): a registry keeps the text only where it is not
    ** (issue 14) */
    b->fld_repr[b->n_flds] =
        (unsigned char)(ps->repr && !isnan(b->fld_num[b->n_flds]) &&
                        pod_num_is_repr(row->field[i],
                                        b->fld_num[b->n_flds]));
    b->fld_off[b->n_flds] = b->bytes.len;
    b->fld_len[b->n_flds++] = row->len[i];
    pod_buf_add(&b->bytes, row->field[i], row->len[i] + 1);  /* with NUL */
  }
  br->text = b->bytes.len;
  br->text_len = row->text_len;
  br->unended = row->unended;
  pod_buf_add(&b->bytes, row->text, row->text_len);
  pod_buf_addc(&b->bytes, '\0');
  if (b->n_rows == BATCH_ROWS || b->n_flds >= BATCH_FIELDS) {
    b->end_offset = row->offset;
    ps->filling = batch_take(ps);
    if (!pipe_push(ps, b, 0)) return POD_EINTERNAL;  /* stopped: unwind */
  }
  return POD_OK;
}

static void *reader_main(void *arg) {
  pipe_state *ps = arg;
  batch *last;
  char err[POD_ERRLEN];
  int rc;
  pod_sha256 h;
#ifdef __linux__
  prctl(PR_SET_NAME, "podium-reader");   /* for top and perf */
#endif
  ps->filling = batch_take(ps);
  if (ps->hash) pod_sha256_init(&h);
  rc = read_from(ps->cx, 0, 1, -1, 0, pipe_row, ps, ps->hash ? &h : NULL,
                 &ps->hashed_all, err);
  if (ps->hash) pod_sha256_hex(&h, ps->sha);
  last = ps->filling;
  ps->filling = NULL;
  last->rc = rc;
  if (rc) memcpy(last->err, err, POD_ERRLEN);
  pipe_push(ps, last, 1);
  return NULL;
}

static batch *pipe_pop(pipe_state *ps) {
  batch *b;
  pthread_mutex_lock(&ps->mu);
  while (!ps->head && !ps->done) pthread_cond_wait(&ps->changed, &ps->mu);
  b = ps->head;
  if (b) {
    ps->head = b->next;
    if (!ps->head) ps->tail = NULL;
    ps->queued--;
    pthread_cond_broadcast(&ps->changed);
  }
  pthread_mutex_unlock(&ps->mu);
  return b;
}

static int read_threaded(ingest_ctx *cx, ingest_csv_fn fn, void *ud,
                         char err[POD_ERRLEN]) {
  pipe_state ps;
  pthread_t th;
  char **field = NULL;
  size_t cap = 0;
  int rc = POD_OK;
  memset(&ps, 0, sizeof ps);
  ps.cx = cx;
  ps.hash = cx->stream_sha;
  ps.repr = cx->want_repr;
  ps.hashed_all = -1;
  pthread_mutex_init(&ps.mu, NULL);
  pthread_cond_init(&ps.changed, NULL);
  if (pthread_create(&th, NULL, reader_main, &ps) != 0) {
    pthread_mutex_destroy(&ps.mu);
    pthread_cond_destroy(&ps.changed);
    return read_from(cx, 0, 1, -1, 1, fn, ud, NULL, NULL, err);
  }
  while (rc == POD_OK) {
    batch *b = pipe_pop(&ps);
    if (!b) break;
    for (int k = 0; k < b->n_rows && rc == POD_OK; k++) {
      batch_row *br = &b->rows[k];
      ingest_csv_row row;
      if (br->n > cap) {
        cap = 2 * br->n;
        field = pod_xrealloc(field, cap * sizeof *field);
      }
      for (size_t i = 0; i < br->n; i++)
        field[i] = b->bytes.data + b->fld_off[br->first + i];
      row.n = br->n;
      row.field = field;
      row.len = b->fld_len + br->first;
      row.line = br->line;
      row.text = b->bytes.data + br->text;
      row.text_len = br->text_len;
      row.offset = br->offset;
      row.num = b->fld_num + br->first;
      row.repr = ps.repr ? b->fld_repr + br->first : NULL;
      row.orig = NULL;
      row.delim = cx->delim;
      row.eol = cx->eol;
      row.unended = br->unended;
      rc = fn(cx, &row, ud, err);
    }
    if (rc == POD_OK && b->rc) {
      rc = b->rc;
      memcpy(err, b->err, POD_ERRLEN);
    }
    if (rc == POD_OK && b->end_offset) ingest_progress(cx, b->end_offset);
    batch_give_back(&ps, b);
  }
  pthread_mutex_lock(&ps.mu);  /* stop the reader if it is still going */
  ps.stop = 1;
  pthread_cond_broadcast(&ps.changed);
  pthread_mutex_unlock(&ps.mu);
  pthread_join(th, NULL);
  if (ps.hashed_all >= 0) {   /* the reader's hash, now that it ended */
    memcpy(cx->sha, ps.sha, sizeof cx->sha);
    cx->sha_bytes = ps.hashed_all;
    cx->sha_done = 1;
  }
  while (ps.head) {
    batch *b = ps.head;
    ps.head = b->next;
    batch_free(b);
  }
  batch_free(ps.filling);
  while (ps.spare) {
    batch *b = ps.spare;
    ps.spare = b->next;
    batch_free(b);
  }
  free(field);
  pthread_mutex_destroy(&ps.mu);
  pthread_cond_destroy(&ps.changed);
  return rc;
}

int ingest_csv_read(ingest_ctx *cx, ingest_csv_fn fn, void *ud,
                    char err[POD_ERRLEN]) {
  struct stat st;
  if (!cx->data && stat(cx->path, &st) == 0 &&
      st.st_size >= INGEST_THREAD_MIN_BYTES)
    return read_threaded(cx, fn, ud, err);
  return read_from(cx, 0, 1, -1, 1, fn, ud, NULL, NULL, err);
}

int ingest_csv_read_row_at(ingest_ctx *cx, long long offset, long line,
                           ingest_csv_fn fn, void *ud, char err[POD_ERRLEN]) {
  return read_from(cx, offset, line, 1, 0, fn, ud, NULL, NULL, err);
}

long ingest_csv_col(const ingest_csv_row *row, size_t i, long *out_line) {
  /* Walk the raw text with the same quoting rules: a comma outside quotes
  ** ends a field. Good enough for error positions. */
  long line = row->line, col = 1;
  size_t field = 0, k = 0, len = row->text_len;
  int quoted = 0;
  if (row->orig && i < row->n) {   /* a placed row: where the cell was */
    while (i > 0 && row->orig[i] < 0) i--;   /* a gap: the cell before it */
    i = row->orig[i] < 0 ? 0 : (size_t)row->orig[i];
  }
  while (len > 0 && (row->text[len - 1] == '\n' || row->text[len - 1] == '\r'))
    len--;  /* the row's own line end is not part of it */
  while (k < len && field < i) {
    char c = row->text[k++];
    if (c == '"') quoted = !quoted;
    else if (c == (row->delim ? row->delim : ',') && !quoted) field++;
    /* a line break as the reader counts them: LF, or CR in CR-only files */
    if (c == (row->eol == '\r' ? '\r' : '\n')) { line++; col = 1; }
    else col++;
  }
  if (out_line) *out_line = line;
  return col;
}

char *ingest_copy_fields(const ingest_csv_row *row, char **out) {
  size_t total = 0, at = 0;
  char *bytes;
  if (!row->n) return NULL;
  for (size_t i = 0; i < row->n; i++) total += strlen(row->field[i]) + 1;
  bytes = pod_xmalloc(total);
  for (size_t i = 0; i < row->n; i++) {
    size_t n = strlen(row->field[i]) + 1;
    memcpy(bytes + at, row->field[i], n);
    out[i] = bytes + at;
    at += n;
  }
  return bytes;
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

/* Each header name once (pod_first_repeat: not pairwise). */
int ingest_csv_check_header(ingest_ctx *cx, const ingest_csv_row *row,
                            char err[POD_ERRLEN]) {
  size_t j, i = pod_first_repeat((const char *const *)row->field, row->len,
                                 row->n, 1, &j);
  char msg[160];
  if (i == row->n) return POD_OK;
  snprintf(msg, sizeof msg,
           "a column name used once (it is also column %zu)", j + 1);
  return ingest_csv_fail(cx, row, i, msg, err);
}

int ingest_csv_is_repr(const ingest_csv_row *row, size_t i, double v) {
  return row->repr ? row->repr[i] : pod_num_is_repr(row->field[i], v);
}

int ingest_csv_number(const ingest_csv_row *row, size_t i, double *out) {
  if (!row->num) return ingest_parse_number(row->field[i], out);
  if (isnan(row->num[i])) return 0;
  *out = row->num[i];
  return 1;
}
