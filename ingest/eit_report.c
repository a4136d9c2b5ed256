/*
** ingest/eit_report.c -- the per-run HTML page experiment-impact-tracker's
** create-compute-appendix writes (html_templates/exp_details.html filled
** in with pandas DataFrame.to_html tables; the corpus file eit/eit-...-report.html).
**
** The page holds, under <div class="header"><span>NAME</span></div>, one
** table per section: "CPU Info" (py-cpuinfo's dict), "GPU Info" (one
** column per GPU), "Package Info", "Carbon Info" and "Stats" (a Key/Value
** table of what utils.gather_additional_info computed, plus the task
** metrics an extra_files_processor added). The run is named by the page
** title (<div class="title">), which is the experiment set's name.
**
** What goes in (summary values, no step; each cites the line of its
** value cell):
**   exp_len_hours      -> duration (s = h * 3600)
**   cpu_hours          -> cpu_time (s), gpu_hours -> gpu_time (s)
**   kw_hr_cpu          -> cpu_energy_attributable (kWh): the integral of
**   kw_hr_gpu          -> gpu_energy_attributable     the tracked PIDs'
**                         share of RAPL / NVIDIA power, without PUE
**   total_power        -> energy_consumed (kWh). Despite its name an
**                         energy: PUE * (kw_hr_cpu + kw_hr_gpu) (utils.py;
**                         the corpus page: 1.58 * 0.104709 = 0.16544)
**   estimated_carbon_impact_kg -> emissions (kg)
**   average_realtime_carbon_intensity -> carbon_intensity (g/kWh)
**   any other key (AverageReturn, ...) -> a metric of that name, no unit,
**                         no direction.
** pandas prints floats with 6 significant digits: the values are those
** the page shows, not the tool's full precision (the format version says
** so). The environment: CPU brand and count, GPU name, count and
** total_memory (MiB), Python version, Assumed PUE, Compute Region
** ("zone, country" as get_zone_name_by_id writes it); the rest of the
** CPU/GPU/Carbon rows go to extras, except what says when, not where
** (hz_actual, the realtime intensity of this run).
**
** The scanner is strict and bounded: it knows tags, attributes, comments,
** <!DOCTYPE>, raw <style>/<script> text and the entities &lt; &gt; &amp;
** &quot; &#39; &#NN; &#xHH; in the text it keeps. Tables must be as pandas
** writes them (tr of th/td, every element closed, no nesting).
*/
#include "ingest/ingest_int.h"
#include "core/buf.h"
#include "core/fs.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_BYTES (16L << 20)
#define MAX_TAG 8192          /* bytes from '<' to '>' */
#define MAX_TEXT (64L << 10)  /* bytes of one cell, title or header */
#define MAX_TABLES 64
#define MAX_CELLS 200000      /* per table */

/* ---- the scanner ----------------------------------------------------- */

enum { T_EOF, T_TEXT, T_OPEN, T_CLOSE };

typedef struct tok {
  int kind;
  size_t start, end;     /* T_TEXT: the raw text */
  char name[16];         /* tag name, lower case ("" when longer) */
  char cls[64];          /* the class attribute, as written */
  long line, col;        /* where it starts */
} tok;

typedef struct scan {
  ingest_ctx *cx;
  const char *s;
  size_t n, i;
  long line;
  size_t line_start;     /* offset of the current line's first byte */
} scan;

static long col_of(const scan *sc, size_t off) {
  return (long)(off - sc->line_start) + 1;
}

static void advance(scan *sc, size_t to) {
  for (; sc->i < to; sc->i++)
    if (sc->s[sc->i] == '\n') {
      sc->line++;
      sc->line_start = sc->i + 1;
    }
}

static int fail_here(scan *sc, const char *found, const char *expected,
                     char err[POD_ERRLEN]) {
  return pod_err_at(err, POD_EINPUT, sc->cx->path, sc->line,
                    col_of(sc, sc->i), "found %s, expected %s", found,
                    expected);
}

static int fail_snippet(scan *sc, const char *expected, char err[POD_ERRLEN]) {
  char found[96];
  size_t k = sc->n - sc->i < 24 ? sc->n - sc->i : 24;
  if (!k) return fail_here(sc, "the end of the file", expected, err);
  pod_snippet(found, sizeof found, sc->s + sc->i, k);
  return fail_here(sc, found, expected, err);
}

/* Offset of needle at or after from (case-insensitive), or n. */
static size_t find_ci(const scan *sc, size_t from, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = from; i + k <= sc->n; i++)
    if (!strncasecmp(sc->s + i, needle, k)) return i;
  return sc->n;
}

static int is_name_char(char c) {
  return isalnum((unsigned char)c) || c == '-' || c == '_' || c == ':';
}

static int is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

/* Attributes of an open tag from sc->i (just after the name) to '>';
** keeps class. */
static int attributes(scan *sc, tok *t, size_t limit, char err[POD_ERRLEN]) {
  for (;;) {
    size_t ns;
    while (sc->i < limit && is_ws(sc->s[sc->i])) advance(sc, sc->i + 1);
    if (sc->i >= limit) return fail_snippet(sc, "'>' closing the tag", err);
    if (sc->s[sc->i] == '>') { advance(sc, sc->i + 1); return POD_OK; }
    if (sc->s[sc->i] == '/' && sc->i + 1 < limit && sc->s[sc->i + 1] == '>') {
      advance(sc, sc->i + 2);
      return POD_OK;
    }
    ns = sc->i;
    while (sc->i < limit && is_name_char(sc->s[sc->i])) sc->i++;
    if (sc->i == ns) return fail_snippet(sc, "an attribute name or '>'", err);
    size_t nl = sc->i - ns, vs = 0, vl = 0;
    while (sc->i < limit && is_ws(sc->s[sc->i])) advance(sc, sc->i + 1);
    if (sc->i < limit && sc->s[sc->i] == '=') {
      sc->i++;
      while (sc->i < limit && is_ws(sc->s[sc->i])) advance(sc, sc->i + 1);
      if (sc->i < limit && (sc->s[sc->i] == '"' || sc->s[sc->i] == '\'')) {
        char q = sc->s[sc->i];
        const char *e = memchr(sc->s + sc->i + 1, q, limit - sc->i - 1);
        if (!e) return fail_snippet(sc, "a closing quote", err);
        vs = sc->i + 1;
        vl = (size_t)(e - sc->s) - vs;
        advance(sc, (size_t)(e - sc->s) + 1);
      } else {
        vs = sc->i;
        while (sc->i < limit && !is_ws(sc->s[sc->i]) && sc->s[sc->i] != '>')
          sc->i++;
        vl = sc->i - vs;
      }
    }
    if (nl == 5 && !strncasecmp(sc->s + ns, "class", 5) && vl < sizeof t->cls) {
      memcpy(t->cls, sc->s + vs, vl);
      t->cls[vl] = '\0';
    }
  }
}

/* The next text run or tag; comments, <!...> and the content of <style>
** and <script> are skipped. */
static int next_tok(scan *sc, tok *t, char err[POD_ERRLEN]) {
  for (;;) {
    memset(t, 0, sizeof *t);
    t->line = sc->line;
    t->col = col_of(sc, sc->i);
    if (sc->i >= sc->n) { t->kind = T_EOF; return POD_OK; }
    const char *p = sc->s + sc->i;
    size_t left = sc->n - sc->i;
    if (*p != '<') {
      const char *lt = memchr(p, '<', left);
      t->kind = T_TEXT;
      t->start = sc->i;
      t->end = lt ? (size_t)(lt - sc->s) : sc->n;
      advance(sc, t->end);
      return POD_OK;
    }
    if (left >= 4 && !memcmp(p, "<!--", 4)) {
      size_t e = find_ci(sc, sc->i + 4, "-->");
      if (e >= sc->n) return fail_here(sc, "a comment with no end",
                                       "\"-->\" closing it", err);
      advance(sc, e + 3);
      continue;
    }
    size_t limit = left > MAX_TAG ? sc->i + MAX_TAG : sc->n;
    if (left >= 2 && p[1] == '!') {
      const char *gt = memchr(p, '>', limit - sc->i);
      if (!gt) return fail_snippet(sc, "'>' closing the declaration", err);
      advance(sc, (size_t)(gt - sc->s) + 1);
      continue;
    }
    int closing = left >= 2 && p[1] == '/';
    size_t ns = sc->i + 1 + (size_t)closing, k = 0;
    if (ns >= sc->n || !isalpha((unsigned char)sc->s[ns]))
      return fail_snippet(sc, "a tag (a '<' in text is written &lt;)", err);
    sc->i = ns;
    while (sc->i < limit && is_name_char(sc->s[sc->i])) {
      if (k + 1 < sizeof t->name)
        t->name[k++] = (char)tolower((unsigned char)sc->s[sc->i]);
      else
        t->name[0] = '\0', k = sizeof t->name;  /* too long: no tag we know */
      sc->i++;
    }
    if (k < sizeof t->name) t->name[k] = '\0';
    else t->name[0] = '\0';
    t->kind = closing ? T_CLOSE : T_OPEN;
    if (closing) {
      while (sc->i < limit && is_ws(sc->s[sc->i])) advance(sc, sc->i + 1);
      if (sc->i >= limit || sc->s[sc->i] != '>')
        return fail_snippet(sc, "'>' closing the end tag", err);
      advance(sc, sc->i + 1);
      return POD_OK;
    }
    int rc = attributes(sc, t, limit, err);
    if (rc) return rc;
    if (!strcmp(t->name, "style") || !strcmp(t->name, "script")) {
      char end[24];
      snprintf(end, sizeof end, "</%s", t->name);
      size_t e = find_ci(sc, sc->i, end);
      if (e >= sc->n) return fail_here(sc, "the end of the file",
                                       t->name[1] == 't' ? "</style>"
                                                         : "</script>", err);
      advance(sc, e);
      continue;  /* the end tag comes next, as a T_CLOSE */
    }
    return POD_OK;
  }
}

/* Appends text [s, e) with entities decoded; err names the entity. */
static int decode(scan *sc, size_t s, size_t e, long line, long col,
                  pod_buf *out, char err[POD_ERRLEN]) {
  static const struct { const char *name; char c; } named[] = {
    {"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'},
    {"apos;", '\''}};
  for (size_t i = s; i < e; i++) {
    char c = sc->s[i];
    if (c == '\n') { line++; col = 1; pod_buf_addc(out, c); continue; }
    if (c != '&') { pod_buf_addc(out, c); col++; continue; }
    size_t k, len = e - i - 1;
    const char *p = sc->s + i + 1;
    for (k = 0; k < sizeof named / sizeof *named; k++) {
      size_t nl = strlen(named[k].name);
      if (len >= nl && !memcmp(p, named[k].name, nl)) {
        pod_buf_addc(out, named[k].c);
        i += nl;
        col += (long)nl + 1;
        break;
      }
    }
    if (k < sizeof named / sizeof *named) continue;
    if (len >= 3 && p[0] == '#') {
      int hex = p[1] == 'x' || p[1] == 'X';
      size_t j = 1 + (size_t)hex, d = j;
      unsigned long v = 0;
      while (j < len && j < d + 7 && isxdigit((unsigned char)p[j]) &&
             (hex || isdigit((unsigned char)p[j]))) {
        v = v * (hex ? 16 : 10) +
            (unsigned long)(isdigit((unsigned char)p[j])
                                ? p[j] - '0'
                                : (tolower((unsigned char)p[j]) - 'a' + 10));
        j++;
      }
      if (j > d && j < len && p[j] == ';' && v > 0 && v <= 0x10FFFF &&
          !(v >= 0xD800 && v <= 0xDFFF)) {
        char u[4];
        int un = v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4;
        if (un == 1) u[0] = (char)v;
        else if (un == 2) { u[0] = (char)(0xC0 | (v >> 6)); u[1] = (char)(0x80 | (v & 0x3F)); }
        else if (un == 3) { u[0] = (char)(0xE0 | (v >> 12)); u[1] = (char)(0x80 | ((v >> 6) & 0x3F)); u[2] = (char)(0x80 | (v & 0x3F)); }
        else { u[0] = (char)(0xF0 | (v >> 18)); u[1] = (char)(0x80 | ((v >> 12) & 0x3F)); u[2] = (char)(0x80 | ((v >> 6) & 0x3F)); u[3] = (char)(0x80 | (v & 0x3F)); }
        pod_buf_add(out, u, (size_t)un);
        i += j + 1;
        col += (long)j + 2;
        continue;
      }
    }
    {
      char found[96];
      const char *semi = memchr(p - 1, ';', e - i < 12 ? e - i : 12);
      pod_snippet(found, sizeof found, p - 1,
                  semi ? (size_t)(semi - (p - 1)) + 1 : (e - i < 8 ? e - i : 8));
      return pod_err_at(err, POD_EINPUT, sc->cx->path, line, col,
                        "found %s, expected &lt; &gt; &amp; &quot; &#39; "
                        "&#NN; or &#xHH; (or a plain '&' written &amp;)",
                        found);
    }
  }
  if (out->len > (size_t)MAX_TEXT)
    return pod_err_at(err, POD_EINPUT, sc->cx->path, line, col, "found a "
                      "text of %zu bytes, expected at most %ld in one cell",
                      out->len, MAX_TEXT);
  return POD_OK;
}

/* Trims and collapses white space in place. */
static void squeeze(pod_buf *b) {
  size_t o = 0;
  int space = 0;
  for (size_t i = 0; i < b->len; i++) {
    if (is_ws(b->data[i])) { space = o > 0; continue; }
    if (space) b->data[o++] = ' ';
    space = 0;
    b->data[o++] = b->data[i];
  }
  b->len = o;
  if (b->data) b->data[o] = '\0';
}

static int is_blank(const scan *sc, const tok *t) {
  for (size_t i = t->start; i < t->end; i++)
    if (!is_ws(sc->s[i])) return 0;
  return 1;
}

/* Line and column of the first non-blank byte of a text token. */
static void text_pos(const scan *sc, const tok *t, long *line, long *col) {
  *line = t->line;
  *col = t->col;
  for (size_t i = t->start; i < t->end && is_ws(sc->s[i]); i++) {
    if (sc->s[i] == '\n') { ++*line; *col = 1; }
    else ++*col;
  }
}

/* ---- the page: title, section names, tables --------------------------- */

typedef struct cell {
  size_t text;           /* offset into page.text */
  int row, th;
  long line, col;        /* of the cell's text (its '<' when empty) */
} cell;

typedef struct table {
  char *section;         /* the header before it, "" when none */
  long line, col;        /* of <table> */
  int head_rows, rows;   /* rows in <thead>, rows in all */
  cell *c;
  size_t n, cap;
} table;

typedef struct page {
  char *title;
  long title_line, title_col;
  table t[MAX_TABLES];
  int n_tables;
  pod_buf text;          /* every cell's text, NUL-separated */
} page;

static void page_free(page *pg) {
  free(pg->title);
  for (int i = 0; i < pg->n_tables; i++) {
    free(pg->t[i].section);
    free(pg->t[i].c);
  }
  pod_buf_free(&pg->text);
}

static const char *cell_text(const page *pg, const cell *c) {
  return pg->text.data + c->text;
}

/* Reads one <td>/<th> after its open tag up to its end tag. */
static int read_cell(scan *sc, page *pg, table *tb, const tok *open,
                     char err[POD_ERRLEN]) {
  pod_buf b = POD_BUF_INIT;
  tok t;
  cell c = {0};
  int rc;
  c.row = tb->rows - 1;
  c.th = open->name[1] == 'h';
  c.line = sc->line;
  c.col = col_of(sc, sc->i);
  for (;;) {
    if ((rc = next_tok(sc, &t, err))) goto done;
    if (t.kind == T_TEXT) {
      /* the cell's position is that of its first non-blank byte */
      if (!b.len && !is_blank(sc, &t)) text_pos(sc, &t, &c.line, &c.col);
      if ((rc = decode(sc, t.start, t.end, t.line, t.col, &b, err))) goto done;
      continue;
    }
    if (t.kind == T_CLOSE && !strcmp(t.name, open->name)) break;
    rc = pod_err_at(err, POD_EINPUT, sc->cx->path, t.line, t.col,
                    "found %s inside <%s>, expected text and </%s>",
                    t.kind == T_EOF ? "the end of the file" : "a tag",
                    open->name, open->name);
    goto done;
  }
  squeeze(&b);
  c.text = pg->text.len;
  pod_buf_add(&pg->text, b.data ? b.data : "", b.len);
  pod_buf_addc(&pg->text, '\0');
  if (tb->n == (size_t)MAX_CELLS) {
    rc = pod_err_at(err, POD_EINPUT, sc->cx->path, open->line, open->col,
                    "found a table of more than %d cells, expected fewer",
                    MAX_CELLS);
    goto done;
  }
  if (tb->n == tb->cap) {
    tb->cap = tb->cap ? 2 * tb->cap : 64;
    tb->c = pod_xrealloc(tb->c, tb->cap * sizeof *tb->c);
  }
  tb->c[tb->n++] = c;
done:
  pod_buf_free(&b);
  return rc;
}

/* Reads a pandas to_html table after its <table> tag: thead/tbody of rows
** of th/td, nothing else. */
static int read_table(scan *sc, page *pg, table *tb, char err[POD_ERRLEN]) {
  int in_row = 0, part = 0;   /* part: 0 none, 1 thead, 2 tbody */
  tok t;
  int rc;
  for (;;) {
    if ((rc = next_tok(sc, &t, err))) return rc;
    if (t.kind == T_TEXT && is_blank(sc, &t)) continue;
    if (t.kind == T_OPEN && in_row &&
        (!strcmp(t.name, "td") || !strcmp(t.name, "th"))) {
      if ((rc = read_cell(sc, pg, tb, &t, err))) return rc;
      continue;
    }
    if (t.kind == T_CLOSE && in_row && !strcmp(t.name, "tr")) {
      in_row = 0;
      continue;
    }
    if (t.kind == T_OPEN && !in_row && !strcmp(t.name, "tr")) {
      in_row = 1;
      tb->rows++;
      if (part == 1) tb->head_rows++;
      continue;
    }
    if (!in_row && t.kind == T_OPEN && !part &&
        (!strcmp(t.name, "thead") || !strcmp(t.name, "tbody"))) {
      part = t.name[1] == 'h' ? 1 : 2;
      continue;
    }
    if (!in_row && t.kind == T_CLOSE && part &&
        !strcmp(t.name, part == 1 ? "thead" : "tbody")) {
      part = 0;
      continue;
    }
    if (!in_row && !part && t.kind == T_CLOSE && !strcmp(t.name, "table"))
      return POD_OK;
    {
      char found[96];
      if (t.kind == T_EOF) snprintf(found, sizeof found, "the end of the file");
      else if (t.kind == T_TEXT)
        pod_snippet(found, sizeof found, sc->s + t.start,
                    t.end - t.start < 24 ? t.end - t.start : 24);
      else
        snprintf(found, sizeof found, "<%s%s>", t.kind == T_CLOSE ? "/" : "",
                 t.name);
      return pod_err_at(err, POD_EINPUT, sc->cx->path, t.line, t.col,
                        "found %s in a table, expected %s", found,
                        in_row ? "<th>, <td> or </tr>"
                        : part ? "<tr> or the end of the section"
                               : "<thead>, <tbody>, <tr> or </table>");
    }
  }
}

/* Text of a <div class=...> up to its matching </div> (nested divs and
** inline tags allowed), squeezed, into out. */
static int read_div_text(scan *sc, pod_buf *out, long *line, long *col,
                         char err[POD_ERRLEN]) {
  int depth = 1, rc;
  tok t;
  *line = 0;
  while (depth > 0) {
    if ((rc = next_tok(sc, &t, err))) return rc;
    if (t.kind == T_EOF)
      return fail_here(sc, "the end of the file", "</div>", err);
    if (t.kind == T_OPEN && !strcmp(t.name, "div")) depth++;
    else if (t.kind == T_CLOSE && !strcmp(t.name, "div")) depth--;
    else if (t.kind == T_TEXT) {
      if (!*line && !is_blank(sc, &t)) text_pos(sc, &t, line, col);
      if ((rc = decode(sc, t.start, t.end, t.line, t.col, out, err))) return rc;
    }
  }
  squeeze(out);
  return POD_OK;
}

static int read_page(scan *sc, page *pg, char err[POD_ERRLEN]) {
  char *section = NULL;
  tok t;
  int rc = POD_OK;
  for (;;) {
    if ((rc = next_tok(sc, &t, err))) break;
    if (t.kind == T_EOF) break;
    if (t.kind != T_OPEN) continue;
    if (!strcmp(t.name, "div") &&
        (!strcmp(t.cls, "title") || !strcmp(t.cls, "header"))) {
      pod_buf b = POD_BUF_INIT;
      long line, col;
      if ((rc = read_div_text(sc, &b, &line, &col, err))) {
        pod_buf_free(&b);
        break;
      }
      if (t.cls[0] == 't' && !pg->title) {
        pg->title = pod_buf_detach(&b);
        if (!pg->title) pg->title = pod_xstrdup("");
        pg->title_line = line ? line : t.line;
        pg->title_col = line ? col : t.col;
      } else if (t.cls[0] == 'h') {
        free(section);
        section = pod_buf_detach(&b);
      }
      pod_buf_free(&b);
    } else if (!strcmp(t.name, "table")) {
      table *tb;
      if (pg->n_tables == MAX_TABLES) {
        rc = pod_err_at(err, POD_EINPUT, sc->cx->path, t.line, t.col,
                        "found more than %d tables, expected the five of "
                        "a run page", MAX_TABLES);
        break;
      }
      tb = &pg->t[pg->n_tables++];
      memset(tb, 0, sizeof *tb);
      tb->section = section ? section : pod_xstrdup("");
      section = NULL;
      tb->line = t.line;
      tb->col = t.col;
      if ((rc = read_table(sc, pg, tb, err))) break;
    }
  }
  free(section);
  return rc;
}

/* ---- what the tables say --------------------------------------------- */

static const table *section(const page *pg, const char *name) {
  for (int i = 0; i < pg->n_tables; i++)
    if (!strcmp(pg->t[i].section, name)) return &pg->t[i];
  return NULL;
}

/* Cells of row r: first index into tb->c and count. */
static size_t row_cells(const table *tb, int r, size_t *first) {
  size_t i = 0, n = 0;
  while (i < tb->n && tb->c[i].row < r) i++;
  *first = i;
  while (i + n < tb->n && tb->c[i + n].row == r) n++;
  return n;
}

static int cell_fail(ingest_ctx *cx, const page *pg, const cell *c,
                     const char *expected, char err[POD_ERRLEN]) {
  char found[96];
  const char *s = cell_text(pg, c);
  if (!*s) snprintf(found, sizeof found, "an empty cell");
  else pod_snippet(found, sizeof found, s, strlen(s));
  return pod_err_at(err, POD_EINPUT, cx->path, c->line, c->col,
                    "found %s, expected %s", found, expected);
}

/* A key/value table (to_html of a transposed frame): a header row of
** "" and the column names, then rows of <th>key</th> and one <td> per
** column. *n_cols is the number of value columns. */
static int check_kv(ingest_ctx *cx, const page *pg, const table *tb,
                    int *n_cols, char err[POD_ERRLEN]) {
  size_t first, n;
  if (tb->head_rows != 1 || (n = row_cells(tb, 0, &first)) < 2)
    return pod_err_at(err, POD_EINPUT, cx->path, tb->line, tb->col,
                      "found a \"%s\" table without a header row of column "
                      "names, expected the one pandas writes", tb->section);
  *n_cols = (int)n - 1;
  for (int r = 1; r < tb->rows; r++) {
    size_t k = row_cells(tb, r, &first);
    const cell *c = &tb->c[first];
    if (k != n || !c[0].th) {
      char want[96];
      snprintf(want, sizeof want, "a <th> key and %d <td> value%s",
               *n_cols, *n_cols == 1 ? "" : "s");
      if (!k)
        return pod_err_at(err, POD_EINPUT, cx->path, tb->line, tb->col,
                          "found an empty row %d in \"%s\", expected %s",
                          r, tb->section, want);
      return cell_fail(cx, pg, &c[k - 1], want, err);
    }
  }
  return POD_OK;
}

/* The value cell of key in column col of a checked key/value table. */
static const cell *kv(const page *pg, const table *tb, const char *key,
                      int col) {
  if (!tb) return NULL;
  for (int r = 1; r < tb->rows; r++) {
    size_t first;
    if (row_cells(tb, r, &first) < (size_t)col + 2) continue;
    if (!strcmp(cell_text(pg, &tb->c[first]), key))
      return &tb->c[first + 1 + (size_t)col];
  }
  return NULL;
}

/* ---- the environment ------------------------------------------------- */

/* Keys that say when, not where: left out of the environment. */
static int is_moment(const char *key) {
  return !strcmp(key, "hz_actual") || !strcmp(key, "hz_actual_raw") ||
         !strcmp(key, "flags") ||
         !strcmp(key, "Realtime Carbon Intensity Average During Exp");
}

static void extras_from(cJSON *extras, const page *pg, const table *tb,
                        const char *prefix) {
  if (!tb) return;
  for (int r = 1; r < tb->rows; r++) {
    size_t first, k = row_cells(tb, r, &first);
    const char *key;
    char name[160];
    if (k < 2 || is_moment(key = cell_text(pg, &tb->c[first]))) continue;
    snprintf(name, sizeof name, "%s%s", prefix, key);
    if (!cJSON_GetObjectItemCaseSensitive(extras, name))
      cJSON_AddStringToObject(extras, name, cell_text(pg, &tb->c[first + 1]));
  }
}

/* py-cpuinfo writes "3.7.5.final.0 (64 bit)"; for a final release that is
** what platform.python_version() (CodeCarbon, transformers) gives as
** "3.7.5". Other forms are kept as written. */
static void python_version(const char *s, char *out, size_t n) {
  const char *f = strstr(s, ".final.");
  snprintf(out, n, "%s", s);
  if (f && f > s) {
    for (const char *p = s; p < f; p++)
      if (!isdigit((unsigned char)*p) && *p != '.') return;
    snprintf(out, n, "%.*s", (int)(f - s), s);
  }
}

/* "12036 MiB" (nvidia-smi's total memory) -> bytes. */
static int mib(const char *s, int64_t *out) {
  long long v;
  char num[32];
  size_t k = strlen(s);
  if (k < 5 || k - 4 >= sizeof num || strcmp(s + k - 4, " MiB")) return 0;
  memcpy(num, s, k - 4);
  num[k - 4] = '\0';
  if (!ingest_parse_count(num, 0, &v) || v > (1LL << 40)) return 0;
  *out = (int64_t)v * 1048576;
  return 1;
}

static int env_of(ingest_ctx *cx, const page *pg, int64_t *out,
                  char err[POD_ERRLEN]) {
  const table *cpu = section(pg, "CPU Info"), *gpu = section(pg, "GPU Info");
  const table *carbon = section(pg, "Carbon Info");
  const cell *c;
  store_env env;
  cJSON *extras = cJSON_CreateObject();
  char *json = NULL, py[64], *region = NULL;
  long long n;
  int cols, gpus = 0, rc = POD_OK;
  store_env_init(&env);
  if (cpu && (rc = check_kv(cx, pg, cpu, &cols, err))) goto done;
  if (gpu && (rc = check_kv(cx, pg, gpu, &gpus, err))) goto done;
  if ((c = kv(pg, cpu, "brand", 0)) && *cell_text(pg, c))
    env.cpu_model = cell_text(pg, c);
  if ((c = kv(pg, cpu, "count", 0))) {
    if (!ingest_parse_count(cell_text(pg, c), 1, &n)) {
      rc = cell_fail(cx, pg, c, "a CPU count (a whole number >= 1)", err);
      goto done;
    }
    env.cpu_count = n;
  }
  if ((c = kv(pg, cpu, "python_version", 0))) {
    python_version(cell_text(pg, c), py, sizeof py);
    env.python_version = py;
  }
  if (gpu) {
    /* one column per GPU: the model when they are all the same */
    env.gpu_count = gpus;
    for (int g = 0; g < gpus; g++) {
      const cell *name = kv(pg, gpu, "name", g), *mem = kv(pg, gpu, "total_memory", g);
      int64_t bytes = -1;
      if (mem && !mib(cell_text(pg, mem), &bytes)) {
        rc = cell_fail(cx, pg, mem, "a memory size such as 12036 MiB", err);
        goto done;
      }
      if (g == 0) {
        env.gpu_model = name ? cell_text(pg, name) : NULL;
        env.gpu_memory_bytes = mem ? bytes : -1;
      } else {
        if (env.gpu_model && (!name || strcmp(env.gpu_model, cell_text(pg, name))))
          env.gpu_model = NULL;
        if (!mem || bytes != env.gpu_memory_bytes) env.gpu_memory_bytes = -1;
      }
    }
  }
  if ((c = kv(pg, carbon, "Assumed PUE", 0))) {
    double v;
    if (!ingest_parse_number(cell_text(pg, c), &v) || v < 1) {
      rc = cell_fail(cx, pg, c, "a PUE (a number >= 1)", err);
      goto done;
    }
    env.pue = v;
  }
  if ((c = kv(pg, carbon, "Compute Region", 0)) && *cell_text(pg, c)) {
    /* get_zone_name_by_id: "zoneName, countryName", or the zone alone
    ** when the zone is a country */
    const char *s = cell_text(pg, c), *comma = NULL;
    for (const char *p = s; (p = strstr(p, ", ")); p++) comma = p;
    if (comma) {
      region = pod_xstrndup(s, (size_t)(comma - s));
      env.region = region;
      env.country = comma + 2;
    } else {
      env.country = s;
    }
  }
  extras_from(extras, pg, cpu, "");
  extras_from(extras, pg, gpu, "gpu ");
  extras_from(extras, pg, carbon, "");
  json = cJSON_PrintUnformatted(extras);
  env.extras_json = json;
  rc = store_env_add(cx->db, &env, out, err);
done:
  free(region);
  cJSON_free(json);
  cJSON_Delete(extras);
  return rc;
}

/* ---- the Stats table --------------------------------------------------- */

static const struct skey {
  const char *key, *metric, *unit, *raw_unit;
  int direction;
  double scale;
} skeys[] = {
  {"exp_len_hours", "duration", "s", "h", STORE_LOWER_BETTER, 3600},
  {"cpu_hours", "cpu_time", "s", "h", STORE_LOWER_BETTER, 3600},
  {"gpu_hours", "gpu_time", "s", "h", STORE_LOWER_BETTER, 3600},
  {"kw_hr_cpu", "cpu_energy_attributable", "kWh", "kWh", STORE_LOWER_BETTER, 1},
  {"kw_hr_gpu", "gpu_energy_attributable", "kWh", "kWh", STORE_LOWER_BETTER, 1},
  {"total_power", "energy_consumed", "kWh", "kWh", STORE_LOWER_BETTER, 1},
  {"estimated_carbon_impact_kg", "emissions", "kg", "kg", STORE_LOWER_BETTER, 1},
  {"average_realtime_carbon_intensity", "carbon_intensity", "g/kWh", "g/kWh",
   STORE_NO_DIRECTION, 1},
};
#define N_SKEYS (sizeof skeys / sizeof skeys[0])

static int stats(ingest_ctx *cx, const page *pg, const table *tb,
                 int64_t run_id, long *skipped, char err[POD_ERRLEN]) {
  size_t first, n;
  const cell *c;
  if (tb->head_rows != 1 || row_cells(tb, 0, &first) != 3 ||
      tb->rows < 2 || row_cells(tb, 1, &first) != 3 ||
      strcmp(cell_text(pg, &tb->c[first + 1]), "Key") ||
      strcmp(cell_text(pg, &tb->c[first + 2]), "Value"))
    return pod_err_at(err, POD_EINPUT, cx->path, tb->line, tb->col,
                      "found a Stats table without its Key/Value row, "
                      "expected the table create-compute-appendix writes");
  for (int r = 2; r < tb->rows; r++) {
    const struct skey *k = NULL;
    const char *key, *raw;
    store_measurement m;
    int64_t metric_id;
    double v;
    int rc;
    if (!(n = row_cells(tb, r, &first)))
      return pod_err_at(err, POD_EINPUT, cx->path, tb->line, tb->col,
                        "found an empty row %d in \"Stats\", expected "
                        "<th>index</th><td>key</td><td>value</td>", r);
    if (n != 3 || !tb->c[first].th)
      return cell_fail(cx, pg, &tb->c[first + n - 1],
                       "a row of <th>index</th><td>key</td><td>value</td>",
                       err);
    c = &tb->c[first];
    key = cell_text(pg, &c[1]);
    raw = cell_text(pg, &c[2]);
    if (!*key) return cell_fail(cx, pg, &c[1], "a key", err);
    for (int r2 = 2; r2 < r; r2++) {
      size_t f2;
      row_cells(tb, r2, &f2);
      if (!strcmp(cell_text(pg, &tb->c[f2 + 1]), key))
        return cell_fail(cx, pg, &c[1], "each key once", err);
    }
    for (size_t i = 0; i < N_SKEYS; i++)
      if (!strcmp(skeys[i].key, key)) k = &skeys[i];
    cx->rows++;
    if (!strcmp(raw, "NaN") || !strcmp(raw, "nan") || !strcmp(raw, "None")) {
      (*skipped)++;   /* pandas' missing value: nothing measured */
      continue;
    }
    if (!ingest_parse_number(raw, &v) || (k && v < 0))
      return cell_fail(cx, pg, &c[2], k ? "a number >= 0" : "a number", err);
    if ((rc = store_metric_id(cx->db, k ? k->metric : key, k ? k->unit : "",
                              k ? k->direction : STORE_NO_DIRECTION,
                              &metric_id, err)))
      return rc;
    store_measurement_init(&m);
    m.run_id = run_id;
    m.metric_id = metric_id;
    m.source_id = cx->source_id;
    m.line = c[2].line;
    m.value = k ? v * k->scale : v;
    m.raw_value = raw;
    m.raw_unit = k ? k->raw_unit : "";
    if ((rc = store_measurement_add(cx->db, &m, err))) return rc;
  }
  return POD_OK;
}

/* ---- parse ----------------------------------------------------------- */

static int parse(ingest_ctx *cx, char err[POD_ERRLEN]) {
  /* Read by ingest_file after parse returns (store_source_set_rows). */
  static char version[200];
  pod_buf file = POD_BUF_INIT;
  page pg;
  scan sc;
  const table *stats_tb, *carbon;
  const cell *tool;
  int64_t env_id = 0, run_id = 0;
  long skipped = 0;
  int rc;
  memset(&pg, 0, sizeof pg);
  if (cx->bytes > MAX_BYTES)
    return pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found a file of %lld "
                      "bytes, expected at most %ld (16 MiB) for a report page",
                      cx->bytes, MAX_BYTES);
  if ((rc = pod_file_read(cx->path, &file, err))) return rc;
  memset(&sc, 0, sizeof sc);
  sc.cx = cx;
  sc.s = file.data ? file.data : "";
  sc.n = file.len;
  sc.line = 1;
  if (sc.n >= 3 && !memcmp(sc.s, "\xEF\xBB\xBF", 3)) sc.i = sc.line_start = 3;
  {
    const char *nul = memchr(sc.s, '\0', sc.n);
    size_t ok;
    if (nul) {
      advance(&sc, (size_t)(nul - sc.s));
      rc = fail_here(&sc, "a NUL byte", "text", err);
      goto done;
    }
    /* as the CSV formats check it (csv.c): a page is UTF-8 text */
    ok = ingest_utf8_valid_prefix((const unsigned char *)sc.s, sc.n);
    if (ok < sc.n) {
      char found[96];
      snprintf(found, sizeof found, "byte 0x%02x that is not UTF-8 (byte "
               "offset %zu)", (unsigned char)sc.s[ok], ok);
      advance(&sc, ok);
      rc = fail_here(&sc, found, "UTF-8 text", err);
      goto done;
    }
  }
  if ((rc = read_page(&sc, &pg, err))) goto done;
  /* sc is at the end of the file now: errors about what is missing
  ** point there */
  carbon = section(&pg, "Carbon Info");
  if (!carbon) {
    rc = fail_here(&sc, "the end of the file", "a \"Carbon Info\" table "
                   "(an experiment-impact-tracker run page)", err);
    goto done;
  }
  {
    int cols;
    if ((rc = check_kv(cx, &pg, carbon, &cols, err))) goto done;
  }
  if (!(tool = kv(&pg, carbon, "Experiment Impact Tracker Version", 0))) {
    rc = pod_err_at(err, POD_EINPUT, cx->path, carbon->line, carbon->col,
                    "found a \"Carbon Info\" table without an \"Experiment "
                    "Impact Tracker Version\" row, expected one");
    goto done;
  }
  if (!(stats_tb = section(&pg, "Stats"))) {
    rc = fail_here(&sc, "the end of the file", "the \"Stats\" table (a "
                   "truncated page?)", err);
    goto done;
  }
  if (!pg.title || !*pg.title) {
    rc = pg.title
             ? pod_err_at(err, POD_EINPUT, cx->path, pg.title_line,
                          pg.title_col, "found an empty title, expected the "
                          "experiment's name")
             : fail_here(&sc, "the end of the file", "a <div class=\"title\"> "
                         "naming the experiment", err);
    goto done;
  }
  if ((rc = env_of(cx, &pg, &env_id, err))) goto done;
  {
    ingest_run_fields f = {0};
    f.model = pg.title;
    if ((rc = ingest_run_for(cx, &f, env_id, &run_id, err))) {
      char again[POD_ERRLEN];
      snprintf(again, sizeof again, "%s", err);
      rc = pod_err_at(err, rc, cx->path, pg.title_line, pg.title_col, "%s",
                      again);
      goto done;
    }
  }
  if ((rc = stats(cx, &pg, stats_tb, run_id, &skipped, err))) goto done;
  snprintf(version, sizeof version, "create-compute-appendix page, "
           "experiment-impact-tracker %s; values as the page rounds them",
           cell_text(&pg, tool));
  if (skipped)
    snprintf(version + strlen(version), sizeof version - strlen(version),
             "; %ld NaN values skipped", skipped);
  cx->format_version = version;
done:
  page_free(&pg);
  pod_buf_free(&file);
  return rc;
}

/* ---- detection ------------------------------------------------------- */

/* The head of an exp_details.html page: markup, and the "Jump to" links
** to its Carbon Info and Stats tables (the tables themselves come later
** than the 4 KiB detect() sees; parse() insists on them). */
static int sniff(const char *head, size_t n, const char *path) {
  char buf[4097];
  (void)path;
  if (!ingest_sniff_text(head, n, '<', buf)) return 0;
  if (strstr(buf, "href=\"#carbon_info\"") && strstr(buf, "href=\"#stats\"") &&
      strstr(buf, "<span>CPU Info</span>"))
    return 100;
  return 0;
}

const ingest_format ingest_eit_report = {
  "eit-report",
  "experiment-impact-tracker create-compute-appendix run page (HTML): "
  "links to #carbon_info and #stats, CPU Info, Carbon Info (Experiment "
  "Impact Tracker Version) and Stats tables",
  sniff, parse,
  "cpu_info,gpu_info,package_info,carbon_info,stats,graphs"};
