/*
** fuzz/fuzz_markdown.c -- course pages: CommonMark with shortcodes
** (render/markdown.c) on arbitrary bytes.
**
** Beyond not crashing, it checks the promise of safe mode: no raw HTML
** and no script URL ever reaches the page, whatever the Markdown.
*/
#define _GNU_SOURCE   /* strcasestr */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pod_buf html = POD_BUF_INIT, title = POD_BUF_INIT;
  char err[POD_ERRLEN] = "";
  static const char *const never[] = {"<script", "<iframe", "<object",
                                      "=\"javascript:", "=\"vbscript:",
                                      " onerror=", " onload="};
  int rc = render_markdown("page.md", (const char *)data, size, shortcode,
                           NULL, &html, &title, err);
  if (rc != POD_OK && !err[0]) fuzz_fail("error %d without a message", rc);
  for (size_t i = 0; rc == POD_OK && i < sizeof never / sizeof never[0]; i++)
    if (strcasestr(pod_buf_str(&html), never[i]))
      fuzz_fail("the page holds %s: %.300s", never[i], pod_buf_str(&html));
  pod_buf_free(&html);
  pod_buf_free(&title);
  return 0;
}
