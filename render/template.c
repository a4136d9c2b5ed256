/*
** render/template.c -- compiles podium's template language to Lua.
**
**   {{ expr }}              expr, escaped for HTML; inside href="..." or
**                           src="..." escaped as a URL (only http, https,
**                           relative and # links survive)
**   {% for e in list %}     blocks, each closed by exactly one {% end %}:
**   {% for k, v in pairs(t) %}   for (also ipairs(t), and i = a, b),
**   {% if c %} {% elseif c %} {% else %}   if
**   {% set x = expr %}      x = expr (a page variable: set title = ...)
**   {% lua statements %}    Lua code as it is (helper functions)
**   {# note #}              a comment
**   {%- -%} {{- -}} {#- -#} trim the whitespace (newlines too) on that side
**
** The old form, Lua between delimiters ({% if x then %}, {% end end %},
** {% local x = 1 %}), is refused with the new form named. The generated
** chunk keeps the template's line structure, so Lua's own messages
** ("index.html:12: attempt to index a nil value") point at the template
** line. See docs/TEMPLATES.md.
*/
#include "render/render.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 64   /* blocks open at once; deeper is surely a mistake */

static int count_nl(const char *s, const char *e) {
  int n = 0;
  for (; s < e; s++) n += *s == '\n';
  return n;
}

/* The output call being built: consecutive text and {{ }} of one line
** go out in one _w(_b, text, value, text, ...) call (escape.c), text at
** even places, values to escape at odd ones, nil where one is missing.
** A call never spans a line break of the template, so a value's error
** names its own line, as the _esc call per value did. */
typedef struct {
  pod_buf *lua;
  int open;       /* a _w( call is open */
  int want_value; /* its next argument is a value's place */
} emitter;

static void em_flush(emitter *m) {
  if (m->open) pod_buf_adds(m->lua, ");");
  m->open = 0;
}

/* Starts the next argument, in a text place (value 0) or a value's. */
static void em_arg(emitter *m, int value) {
  if (!m->open) {
    pod_buf_adds(m->lua, "_w(_b");
    m->open = 1;
    m->want_value = 0;
  }
  if (m->want_value != value) pod_buf_adds(m->lua, ",nil");
  pod_buf_addc(m->lua, ',');
  m->want_value = !value;
}

static void add_nl(emitter *m, int n) {
  if (n > 0) em_flush(m);
  while (n-- > 0) pod_buf_addc(m->lua, '\n');
}

/* Emits text as a Lua string literal followed by the newlines it held. */
static void emit_text(emitter *m, const char *s, size_t n) {
  pod_buf *lua = m->lua;
  if (n == 0) return;
  em_arg(m, 0);
  pod_buf_addc(lua, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') { pod_buf_addc(lua, '\\'); pod_buf_addc(lua, (char)c); }
    else if (c == '\n') pod_buf_adds(lua, "\\n");
    else if (c < 0x20 || c == 0x7f) pod_buf_printf(lua, "\\%03u", c);
    else pod_buf_addc(lua, (char)c);
  }
  pod_buf_addc(lua, '"');
  add_nl(m, count_nl(s, s + n));
}

/* Does the text before an expression open a URL attribute? */
static int in_url_attr(const char *text, size_t n) {
  static const char *const attrs[] = {"href=\"", "src=\"", "action=\"",
                                      "href='", "src='", "action='"};
  for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
    size_t k = strlen(attrs[i]);
    if (n >= k && !strncasecmp(text + n - k, attrs[i], k) &&
        (n == k || isspace((unsigned char)text[n - k - 1])))
      return 1;
  }
  return 0;
}

static const char *find_plain(const char *p, const char *end,
                              const char *pat) {
  for (; p + 1 < end; p++)
    if (p[0] == pat[0] && p[1] == pat[1]) return p;
  return NULL;
}

/* Skips a quoted Lua string starting at p; returns its closing quote, or
** NULL when the text ends first. */
static const char *skip_string(const char *p, const char *end) {
  char q = *p;
  for (p++; p < end && *p != q; p++)
    if (*p == '\\') p++;
  return p < end ? p : NULL;
}

/* The end of a Lua expression or statement: pat outside strings, Lua
** comments (a "row's" in one is no quote) and braces, so
** {{ f({a = {1}}) }} closes at the last "}}". */
static const char *find_close(const char *p, const char *end,
                              const char *pat) {
  int depth = 0;
  for (; p < end; p++) {
    if (*p == '"' || *p == '\'') {
      if (!(p = skip_string(p, end))) return NULL;
    } else if (p[0] == '-' && p + 1 < end && p[1] == '-') {
      while (p + 1 < end && p[1] != '\n') p++;
    } else if (depth == 0 && p + 1 < end && p[0] == pat[0] && p[1] == pat[1]) {
      return p;
    } else if (*p == '{') {
      depth++;
    } else if (*p == '}' && depth > 0) {
      depth--;
    }
  }
  return NULL;
}

static int line_at(const char *text, const char *p) {
  return 1 + count_nl(text, p);
}

static int is_name_char(char c) {
  return isalnum((unsigned char)c) || c == '_';
}

/* The first occurrence of the Lua word w in [s, e) outside strings. */
static const char *find_word(const char *s, const char *e, const char *w) {
  size_t k = strlen(w);
  for (const char *p = s; p < e; p++) {
    if (*p == '"' || *p == '\'') {
      if (!(p = skip_string(p, e))) return NULL;
    } else if ((p == s || !is_name_char(p[-1])) && (size_t)(e - p) >= k &&
               !strncmp(p, w, k) && (p + k == e || !is_name_char(p[k]))) {
      return p;
    }
  }
  return NULL;
}

static const char *skip_space(const char *s, const char *e) {
  while (s < e && isspace((unsigned char)*s)) s++;
  return s;
}

/* A block still open: what opened it and where, for the error when its
** {% end %} is missing, and whether an if has had its else. */
typedef struct {
  const char *kind;   /* "for" or "if" */
  int line;
  int indent;         /* its tag's column when first on its line, else -1 */
  int had_else;
} open_block;

typedef struct {
  const char *name;   /* the template's file name, for messages */
  int line;           /* the statement's line */
  int indent;         /* the statement's column when first on its line */
  open_block blocks[MAX_DEPTH];
  int depth;
  /* The first block an {% end %} closed although it lines up with an
  ** outer block instead: where a missing {% end %} most likely belongs. */
  open_block misclosed;
  int misclosed_by;   /* that {% end %}'s line; 0: none */
  pod_buf *lua;
} compiler;

static int old_syntax(compiler *c, const char *old, const char *now,
                      char err[POD_ERRLEN]) {
  return pod_err(err, POD_ETEMPLATE, "%s:%d: %s is the old template "
                 "syntax: write %s (docs/TEMPLATES.md)", c->name, c->line,
                 old, now);
}

static int push_block(compiler *c, const char *kind, char err[POD_ERRLEN]) {
  if (c->depth == MAX_DEPTH)
    return pod_err(err, POD_ETEMPLATE, "%s:%d: blocks nest more than %d "
                   "deep", c->name, c->line, MAX_DEPTH);
  c->blocks[c->depth++] = (open_block){kind, c->line, c->indent, 0};
  return POD_OK;
}

/* {% for names in expr %}: a list (anything but a pairs or ipairs call)
** is iterated in order with ipairs, one name getting the values. */
static int compile_for(compiler *c, const char *s, const char *e,
                       char err[POD_ERRLEN]) {
  const char *in = find_word(s, e, "in"), *eq = memchr(s, '=', (size_t)(e - s));
  pod_buf *lua = c->lua;
  if (find_word(s, e, "do"))
    return old_syntax(c, "{% for ... do %}", "{% for e in list %} ... {% end %}", err);
  if (eq && (!in || eq < in)) {   /* numeric: for i = a, b */
    pod_buf_adds(lua, "for ");
    pod_buf_add(lua, s, (size_t)(e - s));
    pod_buf_adds(lua, " do ");
    return push_block(c, "for", err);
  }
  if (!in || skip_space(s, in) == in || skip_space(in + 2, e) == e)
    return pod_err(err, POD_ETEMPLATE, "%s:%d: expected {%% for e in list "
                   "%%} or {%% for k, v in pairs(t) %%}", c->name, c->line);
  const char *x = skip_space(in + 2, e);
  int names = 1 + (memchr(s, ',', (size_t)(in - s)) != NULL);
  int call = !strncmp(x, "pairs(", 6) || !strncmp(x, "ipairs(", 7);
  pod_buf_adds(lua, call || names > 1 ? "for " : "for _, ");
  pod_buf_add(lua, s, (size_t)(in + 2 - s));
  pod_buf_adds(lua, call ? " " : " ipairs(");
  pod_buf_add(lua, x, (size_t)(e - x));
  pod_buf_adds(lua, call ? " do " : ") do ");
  return push_block(c, "for", err);
}

/* The {% end %} just read closed blocks[depth]. One indented differently
** from that block but like an outer one was probably meant for the outer
** one: the inner block is then the one missing its {% end %}. */
static void note_misclosed(compiler *c) {
  const open_block *b = &c->blocks[c->depth];
  if (c->misclosed_by || c->indent < 0 || b->indent < 0 ||
      b->indent == c->indent)
    return;
  for (int i = c->depth - 1; i >= 0; i--) {
    if (c->blocks[i].indent == c->indent) {
      c->misclosed = *b;
      c->misclosed_by = c->line;
      return;
    }
  }
}

/* The column of the tag at p when only blanks precede it on its line. */
static int tag_indent(const char *text, const char *p) {
  const char *q = p;
  while (q > text && (q[-1] == ' ' || q[-1] == '\t')) q--;
  return q == text || q[-1] == '\n' ? (int)(p - q) : -1;
}

/* One {% statement %}, s..e its text without the delimiters. */
static int compile_statement(compiler *c, const char *s, const char *e,
                             char err[POD_ERRLEN]) {
  pod_buf *lua = c->lua;
  const char *w = skip_space(s, e), *we = w;
  while (we < e && is_name_char(*we)) we++;
  while (e > w && isspace((unsigned char)e[-1])) e--;
  size_t k = (size_t)(we - w);
  const char *rest = skip_space(we, e);
#define IS(word) (k == strlen(word) && !strncmp(w, word, k))
  if (IS("lua")) {   /* verbatim, newlines and all: its line numbers hold */
    pod_buf_add(lua, we, (size_t)(e - we));
    pod_buf_addc(lua, ' ');
    return POD_OK;
  }
  if (IS("for")) return compile_for(c, we, e, err);
  if (IS("if") || IS("elseif")) {
    if (find_word(we, e, "then"))
      return old_syntax(c, IS("if") ? "{% if ... then %}" : "{% elseif ... then %}",
                        IS("if") ? "{% if cond %} ... {% end %}" : "{% elseif cond %}", err);
    if (rest == e)
      return pod_err(err, POD_ETEMPLATE, "%s:%d: {%% %.*s %%} needs a "
                     "condition", c->name, c->line, (int)k, w);
    if (IS("elseif")) {
      open_block *b = c->depth ? &c->blocks[c->depth - 1] : NULL;
      if (!b || strcmp(b->kind, "if") || b->had_else)
        return pod_err(err, POD_ETEMPLATE, "%s:%d: {%% elseif %%} outside "
                       "an {%% if %%} (or after its {%% else %%})", c->name, c->line);
    } else if (push_block(c, "if", err)) {
      return POD_ETEMPLATE;
    }
    pod_buf_add(lua, w, k);
    pod_buf_add(lua, we, (size_t)(e - we));
    pod_buf_adds(lua, " then ");
    return POD_OK;
  }
  if (IS("else") && rest == e) {
    open_block *b = c->depth ? &c->blocks[c->depth - 1] : NULL;
    if (!b || strcmp(b->kind, "if") || b->had_else)
      return pod_err(err, POD_ETEMPLATE, "%s:%d: {%% else %%} outside an "
                     "{%% if %%} (or its second {%% else %%})", c->name, c->line);
    b->had_else = 1;
    pod_buf_adds(lua, "else ");
    return POD_OK;
  }
  if (IS("end")) {
    if (rest != e && !strncmp(rest, "end", 3))
      return old_syntax(c, "{% end end %}", "one {% end %} for each block", err);
    if (rest != e)
      return pod_err(err, POD_ETEMPLATE, "%s:%d: expected {%% end %%} "
                     "alone", c->name, c->line);
    if (!c->depth)
      return pod_err(err, POD_ETEMPLATE, "%s:%d: {%% end %%} closes no "
                     "block (one {%% end %%} for each for and if)", c->name, c->line);
    c->depth--;
    note_misclosed(c);
    pod_buf_adds(lua, "end ");
    return POD_OK;
  }
  if (IS("set")) {   /* set x = e: x = e, so set title reaches layout.html */
    const char *n = rest, *ne = rest;
    while (ne < e && is_name_char(*ne)) ne++;
    const char *eq = skip_space(ne, e);
    if (ne == n || isdigit((unsigned char)*n) || eq == e || *eq != '=' ||
        (eq + 1 < e && eq[1] == '='))
      return pod_err(err, POD_ETEMPLATE, "%s:%d: expected {%% set name = "
                     "value %%}", c->name, c->line);
    pod_buf_add(lua, n, (size_t)(e - n));
    pod_buf_addc(lua, ' ');
    return POD_OK;
  }
  if (IS("local"))
    return old_syntax(c, "{% local ... %}", "{% set name = value %}, or "
                      "{% lua ... %} for Lua code such as functions", err);
  if (k && *rest == '=' && rest[1] != '=')
    return old_syntax(c, "{% name = value %}", "{% set name = value %}", err);
  if (!k && w + 1 < e && w[0] == '-' && w[1] == '-')
    return old_syntax(c, "{% -- Lua code %}", "{% lua -- Lua code %}", err);
  return pod_err(err, POD_ETEMPLATE, "%s:%d: unknown statement {%% %.*s %%}, "
                 "expected for, if, elseif, else, end, set or lua",
                 c->name, c->line, (int)(we > w ? we - w : 1), w);
#undef IS
}

/* When s..e is one call include(...) or kept(...) on one line and
** nothing else (the ( after the name closes at the end; strings skipped;
** anything unusual, a long string or a comment, says no): its arguments
** and the closing ), to *end, the function's name in *fn; else NULL. */
static const char *include_args(const char *s, const char *e,
                                const char **end, const char **fn) {
  int depth = 0;
  if (memchr(s, '\n', (size_t)(e - s))) return NULL;   /* lines stay put */
  s = skip_space(s, e);
  while (e > s && isspace((unsigned char)e[-1])) e--;
  size_t len = (size_t)(e - s) >= 9 && !strncmp(s, "include(", 8) ? 7
               : (size_t)(e - s) >= 6 && !strncmp(s, "kept(", 5) ? 4 : 0;
  if (!len || e[-1] != ')' || *skip_space(s + len + 1, e) == ')')
    return NULL;   /* include() has no arguments to pass on */
  *end = e;
  *fn = len == 7 ? "include" : "kept";
  for (const char *p = s + len; p < e; p++) {
    char c = *p;
    if (c == '"' || c == '\'') {   /* a short string */
      for (p++; p < e && *p != c; p++)
        if (*p == '\\') p++;
      if (p >= e) return NULL;
    } else if (c == '[' && p + 1 < e && (p[1] == '[' || p[1] == '=')) {
      return NULL;
    } else if (c == '-' && p + 1 < e && p[1] == '-') {
      return NULL;
    } else if (c == '(') {
      depth++;
    } else if (c == ')' && --depth == 0) {
      return p == e - 1 ? s + len + 1 : NULL;
    }
  }
  return NULL;
}

int render_template_compile(const char *name, const char *text, size_t n,
                            pod_buf *lua, char err[POD_ERRLEN]) {
  const char *p = text, *end = text + n, *last_text = text;
  size_t last_len = 0;
  int trim_next = 0;   /* the last tag ended in -%}, -}} or -#} */
  compiler c = {.name = name, .lua = lua};
  emitter m = {.lua = lua};
  pod_buf_clear(lua);
  pod_buf_adds(lua, "local _w,_nb,_inc=... local _esc,_url=_esc,_url "
                    "return function(_ENV,_b) _b=_b or _nb() ");
  while (p < end) {
    const char *open = p;
    while (open + 1 < end && !(open[0] == '{' &&
           (open[1] == '{' || open[1] == '%' || open[1] == '#')))
      open++;
    if (open + 1 >= end) open = end;
    int trim_before = open + 2 < end && open[2] == '-';
    /* the text between tags, less the whitespace a - asks to trim */
    const char *ts = trim_next ? skip_space(p, open) : p, *te = open;
    while (trim_before && te > ts && isspace((unsigned char)te[-1])) te--;
    emit_text(&m, ts, (size_t)(te - ts));
    add_nl(&m, count_nl(p, ts) + count_nl(te, open));
    if (te > ts) { last_text = ts; last_len = (size_t)(te - ts); }
    if (open == end) break;
    char kind = open[1];
    const char *close_pat = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
    const char *body = open + 2 + trim_before;
    const char *close = kind == '#' ? find_plain(body, end, close_pat)
                                    : find_close(body, end, close_pat);
    if (!close)
      return pod_err(err, POD_ETEMPLATE, "%s:%d: found an unclosed %.2s, "
                     "expected %s", name, line_at(text, open), open,
                     close_pat);
    trim_next = close > body && close[-1] == '-';
    const char *body_end = close - trim_next;
    size_t before = lua->len;
    c.line = line_at(text, open);
    c.indent = tag_indent(text, open);
    /* a link goes through _url into a text place */
    int url = kind == '{' && in_url_attr(last_text, last_len) &&
              last_text + last_len == te;
    const char *args, *args_end, *fn;
    if (kind == '{' && !url &&
        (args = include_args(body, body_end, &args_end, &fn))) {
      /* {{ include(...) }}, {{ kept(...) }}: the partial writes into this
      ** buffer itself (sandbox.c, _inc), not into a string of its own */
      em_flush(&m);
      pod_buf_printf(lua, "_inc(_b,%s,", fn);
      pod_buf_add(lua, args, (size_t)(args_end - args));   /* and the ) */
      pod_buf_adds(lua, ";");
    } else if (kind == '{') {
      /* a value in ( ) is one value even when the expression returns more */
      em_arg(&m, !url);
      pod_buf_adds(lua, url ? "_url(" : "(");
      pod_buf_add(lua, body, (size_t)(body_end - body));
      pod_buf_adds(lua, ")");
      if (memchr(body, '\n', (size_t)(body_end - body))) em_flush(&m);
    } else if (kind == '%') {
      em_flush(&m);
      before = lua->len;
      if (compile_statement(&c, body, body_end, err)) return POD_ETEMPLATE;
    }
    /* the newlines of the tag the generated code did not keep */
    add_nl(&m, count_nl(body, body_end) -
               count_nl(lua->data + before, lua->data + lua->len));
    last_len = 0;
    p = close + 2;
  }
  if (c.depth && c.misclosed_by)
    return pod_err(err, POD_ETEMPLATE, "%s:%d: {%% %s %%} is not closed: "
                   "add its {%% end %%} (the {%% end %%} of line %d, which "
                   "closes it now, lines up with an outer block)", name,
                   c.misclosed.line, c.misclosed.kind, c.misclosed_by);
  if (c.depth)
    return pod_err(err, POD_ETEMPLATE, "%s:%d: {%% %s %%} is not closed: "
                   "add its {%% end %%}", name, c.blocks[c.depth - 1].line,
                   c.blocks[c.depth - 1].kind);
  em_flush(&m);
  pod_buf_adds(lua, " return _b end");
  return POD_OK;
}
