/*
** render/markdown.c -- course pages: CommonMark (with GFM tables,
** strikethrough and autolinks) to HTML through libcmark-gfm.
**
** Safe mode only: raw HTML becomes "<!-- raw HTML omitted -->" and links
** with javascript:, vbscript:, file: or data: (except images) lose their
** URL. A paragraph that is exactly `{{< KIND ARGS >}}` is a shortcode:
** the caller's function turns it into HTML, which replaces the paragraph.
** cmark cannot fail on input; only a shortcode can fail a page.
*/
#include "render/render_int.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const extensions[] = {"table", "strikethrough",
                                         "autolink", NULL};

/* Appends the text of node's inline children to out; 0 when a child is
** not plain text (a link, emphasis...), so the paragraph is no shortcode. */
static int plain_text(cmark_node *node, pod_buf *out) {
  for (cmark_node *c = cmark_node_first_child(node); c;
       c = cmark_node_next(c)) {
    cmark_node_type t = cmark_node_get_type(c);
    if (t == CMARK_NODE_TEXT) pod_buf_adds(out, cmark_node_get_literal(c));
    else if (t == CMARK_NODE_SOFTBREAK) pod_buf_addc(out, ' ');
    else return 0;
  }
  return 1;
}

/* Every text below node (a heading's words, without markup). */
static void all_text(cmark_node *node, pod_buf *out) {
  for (cmark_node *c = cmark_node_first_child(node); c;
       c = cmark_node_next(c)) {
    cmark_node_type t = cmark_node_get_type(c);
    if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
      pod_buf_adds(out, cmark_node_get_literal(c));
    else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
      pod_buf_addc(out, ' ');
    else all_text(c, out);
  }
}

/* Splits "{{< kind args >}}" (surrounding blanks allowed) into kind and
** args (trimmed) in place; 0 when s is no shortcode. */
static int parse_shortcode(char *s, char **kind, char **args) {
  size_t n;
  char *end;
  while (*s == ' ') s++;
  n = strlen(s);
  while (n && s[n - 1] == ' ') s[--n] = '\0';
  if (n < 6 || strncmp(s, "{{<", 3) || strcmp(s + n - 3, ">}}")) return 0;
  s[n - 3] = '\0';
  s += 3;
  while (*s == ' ') s++;
  *kind = s;
  while (*s && *s != ' ') s++;
  if (*s) *s++ = '\0';
  while (*s == ' ') s++;
  *args = s;
  end = s + strlen(s);
  while (end > s && end[-1] == ' ') *--end = '\0';
  return 1;
}

/* Replaces each shortcode paragraph below doc with a custom block holding
** the HTML fn made. Paragraphs are collected first: the iterator must not
** see the tree change under it. */
static int expand_shortcodes(cmark_node *doc, const char *name,
                             render_shortcode_fn fn, void *ud,
                             char err[POD_ERRLEN]) {
  cmark_iter *it = cmark_iter_new(doc);
  cmark_event_type ev;
  cmark_node **paras = NULL;
  size_t n_paras = 0, cap = 0;
  pod_buf text = POD_BUF_INIT, html = POD_BUF_INIT;
  int rc = POD_OK;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node *node = cmark_iter_get_node(it);
    if (ev != CMARK_EVENT_ENTER ||
        cmark_node_get_type(node) != CMARK_NODE_PARAGRAPH)
      continue;
    if (n_paras == cap) {
      cap = cap ? 2 * cap : 8;
      paras = pod_xrealloc(paras, cap * sizeof *paras);
    }
    paras[n_paras++] = node;
  }
  cmark_iter_free(it);
  for (size_t i = 0; i < n_paras && rc == POD_OK; i++) {
    char *kind, *args, msg[POD_ERRLEN];
    int line = cmark_node_get_start_line(paras[i]);
    pod_buf_clear(&text);
    pod_buf_adds(&text, "");
    if (!plain_text(paras[i], &text) ||
        !parse_shortcode(text.data, &kind, &args))
      continue;
    pod_buf_clear(&html);
    msg[0] = '\0';
    if ((rc = fn(ud, kind, args, &html, msg))) {
      pod_err_at(err, rc, name, line, 0, "%s", msg);
      break;
    }
    cmark_node *block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
    cmark_node_set_on_enter(block, pod_buf_str(&html));
    cmark_node_set_on_exit(block, "");
    cmark_node_replace(paras[i], block);
    cmark_node_free(paras[i]);
  }
  free(paras);
  pod_buf_free(&text);
  pod_buf_free(&html);
  return rc;
}

/* cmark-gfm's table HTML, made valid: the obsolete align attribute
** becomes a class (site/style.css aligns it) and an empty header cell (the
** corner of a table whose first column names rows) a plain cell. */
static void add_html(pod_buf *html, const char *s) {
  static const char *const from[] = {"<th></th>", " align=\"right\">",
                                     " align=\"center\">", " align=\"left\">",
                                     NULL};
  static const char *const to[] = {"<td></td>", " class=\"align-right\">",
                                   " class=\"align-center\">",
                                   " class=\"align-left\">"};
  while (*s) {
    int k = 0;
    while (from[k] && strncmp(s, from[k], strlen(from[k]))) k++;
    if (from[k]) {
      pod_buf_adds(html, to[k]);
      s += strlen(from[k]);
    } else {
      pod_buf_addc(html, *s++);
    }
  }
}

/* cmark-gfm is not made for threads: its registry of extensions is a
** global list whose "already registered" test is not guarded, and an
** inline parse adds the extensions' characters ('~') to a global table
** and removes them when done, so a page parsed beside another lost its
** strikethrough (render threads load each language's course pages:
** tests/t_incremental.c renders with three). Registering happens once;
** parses take turns. */
static pthread_mutex_t parsing = PTHREAD_MUTEX_INITIALIZER;

static void register_extensions(void) {
  cmark_gfm_core_extensions_ensure_registered();
}

int render_markdown(const char *name, const char *text, size_t n,
                    render_shortcode_fn fn, void *ud, pod_buf *html,
                    pod_buf *title, char err[POD_ERRLEN]) {
  cmark_parser *p;
  cmark_node *doc;
  char *out;
  int rc = POD_OK;
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, register_extensions);
  pthread_mutex_lock(&parsing);
  p = cmark_parser_new(CMARK_OPT_DEFAULT);
  for (int i = 0; extensions[i]; i++) {
    cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
    if (ext) cmark_parser_attach_syntax_extension(p, ext);
  }
  cmark_parser_feed(p, text, n);
  doc = cmark_parser_finish(p);
  pthread_mutex_unlock(&parsing);
  if (title) {
    for (cmark_node *c = cmark_node_first_child(doc); c;
         c = cmark_node_next(c))
      if (cmark_node_get_type(c) == CMARK_NODE_HEADING) {
        all_text(c, title);
        break;
      }
  }
  if (fn) rc = expand_shortcodes(doc, name, fn, ud, err);
  if (rc == POD_OK) {
    out = cmark_render_html(doc, CMARK_OPT_DEFAULT,
                            cmark_parser_get_syntax_extensions(p));
    add_html(html, out);
    cmark_get_default_mem_allocator()->free(out);
  }
  cmark_node_free(doc);
  cmark_parser_free(p);
  return rc;
}
