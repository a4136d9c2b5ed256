/*
** fuzz/fuzz_i18n.c -- UI catalogs and their ICU MessageFormat strings
** (render/i18n.c).
**
** The bytes are a catalog, ar.json (Arabic: six plural forms, its own
** digits), beside the real en.json; when it opens, every message in it is
** formatted with numbers for every argument, as pages would. Bytes that are
** no catalog are tried as one MessageFormat string.
*/
#include "fuzz/fuzz.h"
#include "core/fs.h"
#include "render/i18n.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

/* Arguments alternate: a count (plural and number forms) or a text. */
static int arg(void *ud, const char *name, double *num, pod_buf *text) {
  int *k = ud;
  if (!name) fuzz_fail("argument without a name");
  if ((*k)++ % 3 == 2) {
    pod_buf_adds(text, "x<b>");
    return RENDER_ARG_TEXT;
  }
  *num = *k % 2 ? 1 : 12.5;
  return RENDER_ARG_NUM;
}

/* The real en.json, copied once into the scratch folder. */
static void english(void) {
  static int done;
  char src[4096], err[POD_ERRLEN];
  pod_buf text = POD_BUF_INIT;
  const char *root = getenv("PODIUM_ROOT");
  if (done) return;
  snprintf(src, sizeof src, "%s/i18n/en.json", root ? root : FUZZ_ROOT);
  if (pod_file_read(src, &text, err)) fuzz_fail("%s", err);
  fuzz_write("i18n/en.json", text.data, text.len);
  pod_buf_free(&text);
  done = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  render_i18n *i = NULL;
  char err[POD_ERRLEN] = "";
  size_t at = 0;
  int rc;
  english();
  fuzz_write("i18n/ar.json", data, size);
  rc = render_i18n_open(fuzz_path("i18n"), "ar", &i, err);
  if (rc != POD_OK && !err[0]) fuzz_fail("error %d without a message", rc);
  if (rc == POD_OK) {
    cJSON *cat = cJSON_ParseWithLength((const char *)data, size), *item;
    cJSON_ArrayForEach(item, cat) {
      pod_buf out = POD_BUF_INIT;
      int k = 0, fallback = 0;
      if (!item->string || item->string[0] == '_') continue;
      if (render_i18n_format(i, item->string, arg, &k, &out, &fallback, err))
        fuzz_fail("a message the catalog check passed fails: %s", err);
      pod_buf_free(&out);
    }
    cJSON_Delete(cat);
  } else {
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    err[0] = '\0';
    if (render_i18n_syntax(s, &at, err) != POD_OK &&
        (!err[0] || at > size))
      fuzz_fail("syntax error without a message or at %zu of %zu", at, size);
    free(s);
  }
  render_i18n_close(i);
  return 0;
}
