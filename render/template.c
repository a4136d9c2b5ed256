/*
** render/template.c -- compiles podium's template language to Lua.
**
**   {{ expr }}   output expr, escaped for HTML; inside href="..." or
**                src="..." escaped as a URL (only http, https, relative
**                and # links survive)
**   {% code %}   a Lua statement: if/for/while ... end, local, ...
**   {# note #}   a comment
**
** The generated chunk keeps the template's line structure, so Lua's own
** messages ("index.html:12: attempt to index a nil value") point at the
** template line. See docs/TEMPLATES.md.
*/
#include "render/render.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Emits text as a Lua string literal followed by the newlines it held. */
static void emit_text(pod_buf *lua, const char *s, size_t n) {
  int newlines = 0;
  if (n == 0) return;
  pod_buf_adds(lua, "_n=_n+1 _o[_n]=\"");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') { pod_buf_addc(lua, '\\'); pod_buf_addc(lua, (char)c); }
    else if (c == '\n') { pod_buf_adds(lua, "\\n"); newlines++; }
    else if (c < 0x20 || c == 0x7f) pod_buf_printf(lua, "\\%03u", c);
    else pod_buf_addc(lua, (char)c);
  }
  pod_buf_adds(lua, "\" ");
  while (newlines--) pod_buf_addc(lua, '\n');
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

/* The end of a Lua expression or statement: pat outside strings and
** outside braces, so {{ f({a = {1}}) }} closes at the last "}}". */
static const char *find_close(const char *p, const char *end,
                              const char *pat) {
  int depth = 0;
  for (; p < end; p++) {
    if (*p == '"' || *p == '\'') {
      char q = *p;
      for (p++; p < end && *p != q; p++)
        if (*p == '\\') p++;
      if (p >= end) return NULL;
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
  int line = 1;
  for (const char *q = text; q < p; q++) line += *q == '\n';
  return line;
}

int render_template_compile(const char *name, const char *text, size_t n,
                            pod_buf *lua, char err[POD_ERRLEN]) {
  const char *p = text, *end = text + n, *last_text = text;
  size_t last_len = 0;
  pod_buf_clear(lua);
  pod_buf_adds(lua, "local _esc,_url,_concat=_esc,_url,table.concat "
                    "return function(_ENV) local _o,_n={},0 ");
  while (p < end) {
    const char *open = p;
    while (open + 1 < end && !(open[0] == '{' &&
           (open[1] == '{' || open[1] == '%' || open[1] == '#')))
      open++;
    if (open + 1 >= end) open = end;
    emit_text(lua, p, (size_t)(open - p));
    if (open > p) { last_text = p; last_len = (size_t)(open - p); }
    if (open == end) break;
    char kind = open[1];
    const char *close_pat = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
    const char *body = open + 2;
    const char *close = kind == '#' ? find_plain(body, end, close_pat)
                                    : find_close(body, end, close_pat);
    if (!close)
      return pod_err(err, POD_ETEMPLATE, "%s:%d: found an unclosed %.2s, "
                     "expected %s", name, line_at(text, open), open,
                     close_pat);
    if (kind == '{') {
      int url = in_url_attr(last_text, last_len) && last_text + last_len == open;
      pod_buf_printf(lua, "_n=_n+1 _o[_n]=%s(", url ? "_url" : "_esc");
      pod_buf_add(lua, body, (size_t)(close - body));
      pod_buf_adds(lua, ") ");
    } else if (kind == '%') {
      pod_buf_add(lua, body, (size_t)(close - body));
      pod_buf_addc(lua, ' ');
    } else {
      for (const char *q = body; q < close; q++)
        if (*q == '\n') pod_buf_addc(lua, '\n');
    }
    last_len = 0;
    p = close + 2;
  }
  pod_buf_adds(lua, " return _concat(_o,\"\",1,_n) end");
  return POD_OK;
}
