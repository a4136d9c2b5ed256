/*
** ingest/html_page.c -- the scanner behind html_page.h: tags, attributes,
** comments, <!DOCTYPE>, raw <style>/<script> text and the entities &lt;
** &gt; &amp; &quot; &#39; &#NN; &#xHH; in the text it keeps. Tables must
** be as pandas writes them (tr of th/td, every element closed, no
** nesting). Bounded: a tag, a text and a table's cells have limits, each
** refused with a message when passed. Owns what html_page holds.
*/
#include "ingest/html_page.h"
#include "ingest/ingest_int.h"
#include "core/text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_TAG 8192          /* bytes from '<' to '>' */
#define MAX_TEXT (64L << 10)  /* bytes of one cell, title or header */
#define MAX_CELLS 200000      /* per table */

enum { T_EOF, T_TEXT, T_OPEN, T_CLOSE };

typedef struct tok {
  int kind;
  size_t start, end;     /* T_TEXT: the raw text */
  char name[16];         /* tag name, lower case ("" when longer) */
  char cls[64];          /* the class attribute, as written */
  long line, col;        /* where it starts */
} tok;

typedef struct scan {
  const char *path;       /* for messages */
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
  return pod_err_at(err, POD_EINPUT, sc->path, sc->line,
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
      return pod_err_at(err, POD_EINPUT, sc->path, line, col,
                        "found %s, expected &lt; &gt; &amp; &quot; &#39; "
                        "&#NN; or &#xHH; (or a plain '&' written &amp;)",
                        found);
    }
  }
  if (out->len > (size_t)MAX_TEXT)
    return pod_err_at(err, POD_EINPUT, sc->path, line, col, "found a "
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





/* Reads one <td>/<th> after its open tag up to its end tag. */
static int read_cell(scan *sc, html_page *pg, html_table *tb, const tok *open,
                     char err[POD_ERRLEN]) {
  pod_buf b = POD_BUF_INIT;
  tok t;
  html_cell c = {0};
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
    rc = pod_err_at(err, POD_EINPUT, sc->path, t.line, t.col,
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
    rc = pod_err_at(err, POD_EINPUT, sc->path, open->line, open->col,
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
static int read_table(scan *sc, html_page *pg, html_table *tb, char err[POD_ERRLEN]) {
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
      return pod_err_at(err, POD_EINPUT, sc->path, t.line, t.col,
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

static int read_page(scan *sc, html_page *pg, char err[POD_ERRLEN]) {
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
      html_table *tb;
      if (pg->n_tables == HTML_MAX_TABLES) {
        rc = pod_err_at(err, POD_EINPUT, sc->path, t.line, t.col,
                        "found more than %d tables, expected the five of "
                        "a run page", HTML_MAX_TABLES);
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

int html_page_read(const char *path, const char *s, size_t n, html_page *pg,
                   char err[POD_ERRLEN]) {
  scan sc;
  const char *nul;
  size_t ok;
  int rc;
  memset(pg, 0, sizeof *pg);
  memset(&sc, 0, sizeof sc);
  sc.path = path;
  sc.s = s ? s : "";
  sc.n = n;
  sc.line = 1;
  if (sc.n >= 3 && !memcmp(sc.s, "\xEF\xBB\xBF", 3)) sc.i = sc.line_start = 3;
  if ((nul = memchr(sc.s, '\0', sc.n))) {
    advance(&sc, (size_t)(nul - sc.s));
    return fail_here(&sc, "a NUL byte", "text", err);
  }
  /* as the CSV formats check it (csv.c): a page is UTF-8 text */
  ok = pod_utf8_valid_prefix((const unsigned char *)sc.s, sc.n);
  if (ok < sc.n) {
    char found[96];
    snprintf(found, sizeof found, "byte 0x%02x that is not UTF-8 (byte "
             "offset %zu)", (unsigned char)sc.s[ok], ok);
    advance(&sc, ok);
    return fail_here(&sc, found, "UTF-8 text", err);
  }
  rc = read_page(&sc, pg, err);
  pg->end_line = sc.line;
  pg->end_col = col_of(&sc, sc.i);
  return rc;
}

void html_page_free(html_page *pg) {
  free(pg->title);
  for (int i = 0; i < pg->n_tables; i++) {
    free(pg->t[i].section);
    free(pg->t[i].c);
  }
  pod_buf_free(&pg->text);
}

const char *html_cell_text(const html_page *pg, const html_cell *c) {
  return pg->text.data + c->text;
}
