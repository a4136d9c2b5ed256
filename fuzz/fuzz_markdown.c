/*
** fuzz/fuzz_markdown.c -- course pages: CommonMark with shortcodes
** (render/markdown.c) on arbitrary bytes.
**
** Beyond not crashing, it checks the promise of safe mode: no raw HTML
** and no script URL ever reaches the page, whatever the Markdown.
*/
#include "fuzz/fuzz.h"
#include "render/render.h"

#include <string.h>

/* A shortcode becomes a fixed element (what it says must not matter to
** the check below); "fail" fails, as an unknown board would. */
static int shortcode(void *ud, const char *kind, const char *args,
                     pod_buf *html, char err[POD_ERRLEN]) {
  (void)ud;
  if (!kind || !args) fuzz_fail("shortcode without kind or args");
  if (!strcmp(kind, "fail"))
    return pod_err(err, POD_EINPUT, "unknown shortcode \"%s\"", kind);
  pod_buf_adds(html, "<div class=\"shortcode\"></div>\n");
  return POD_OK;
}

/* What a tag may never be or hold in safe mode: a script-running element,
** an event handler attribute, a script URL. Text between tags is escaped
** by cmark, so only the tags are looked at, attribute by attribute
** (a quoted value may say " onload=": it is text). */
static int url_attr(const char *name, size_t n) {
  static const char *const urls[] = {"href", "src", "action", "formaction",
                                     "poster", "background", "data"};
  for (size_t i = 0; i < sizeof urls / sizeof *urls; i++)
    if (n == strlen(urls[i]) && !strncmp(name, urls[i], n)) return 1;
  return 0;
}

static const char *unsafe_tag(const char *t, size_t n) {
  static const char *const elements[] = {"script", "iframe", "object",
                                         "embed", "style", "form"};
  static const char *const schemes[] = {"javascript:", "vbscript:", "file:"};
  char tag[4096];
  size_t k = n < sizeof tag - 1 ? n : sizeof tag - 1, i = 1;
  for (size_t j = 0; j < k; j++)
    tag[j] = (char)(t[j] >= 'A' && t[j] <= 'Z' ? t[j] + 32 : t[j]);
  tag[k] = '\0';
  for (size_t e = 0; e < sizeof elements / sizeof *elements; e++) {
    size_t len = strlen(elements[e]);
    if (!strncmp(tag + 1, elements[e], len) &&
        strchr(" >/\t\n", tag[1 + len]))
      return elements[e];
  }
  while (tag[i] && !strchr(" \t\n>", tag[i])) i++;   /* the element */
  while (tag[i] && tag[i] != '>') {
    size_t name, vlen = 0;
    const char *value = NULL;
    while (tag[i] && strchr(" \t\n/", tag[i])) i++;
    name = i;
    while (tag[i] && !strchr(" \t\n/=>", tag[i])) i++;
    if (i > name + 2 && !strncmp(tag + name, "on", 2))
      return "an event handler attribute";
    size_t name_len = i - name;
    if (tag[i] != '=') continue;
    i++;
    if (tag[i] == '"' || tag[i] == '\'') {
      char q = tag[i++];
      value = tag + i;
      while (tag[i] && tag[i] != q) i++;
      vlen = (size_t)(tag + i - value);
      if (tag[i]) i++;
    } else {
      value = tag + i;
      while (tag[i] && !strchr(" \t\n>", tag[i])) i++;
      vlen = (size_t)(tag + i - value);
    }
    /* only URL attributes run a scheme; alt and title are text */
    if (!url_attr(tag + name, name_len)) continue;
    for (size_t c = 0; c < sizeof schemes / sizeof *schemes; c++)
      if (vlen >= strlen(schemes[c]) &&
          !strncmp(value, schemes[c], strlen(schemes[c])))
        return "a script URL";
  }
  return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pod_buf html = POD_BUF_INIT, title = POD_BUF_INIT;
  char err[POD_ERRLEN] = "";
  int rc = render_markdown("page.md", (const char *)data, size, shortcode,
                           NULL, &html, &title, err);
  if (rc != POD_OK && !err[0]) fuzz_fail("error %d without a message", rc);
  for (const char *p = pod_buf_str(&html); rc == POD_OK && (p = strchr(p, '<'));
       p++) {
    const char *end = strchr(p, '>'), *why;
    size_t n = end ? (size_t)(end - p + 1) : strlen(p);
    if ((why = unsafe_tag(p, n)))
      fuzz_fail("the page holds %s: %.*s", why, (int)(n < 300 ? n : 300), p);
  }
  pod_buf_free(&html);
  pod_buf_free(&title);
  return 0;
}
