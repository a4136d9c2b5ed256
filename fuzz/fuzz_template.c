/*
** fuzz/fuzz_template.c -- the template language (render/template.c)
** compiled to Lua and run in the sandbox (render/sandbox.c), and slugs.
**
** The bytes are a template (user code: a lab's override of run.html),
** run with a small table as its data and podium's templates/ beside it
** for include(). It may fail with a template error, never otherwise.
** The same bytes as a name must give a slug of lower-case ASCII
** letters, digits, _ and -, never empty and never "..".
*/
#include "fuzz/fuzz.h"
#include "render/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

static render_sandbox *sb_g;

static void free_sandbox(void) { render_sandbox_free(sb_g); }

static void check_slug(const char *name) {
  pod_buf slug = POD_BUF_INIT;
  render_slug(&slug, name);
  const char *s = pod_buf_str(&slug);
  if (!*s) fuzz_fail("an empty slug");
  if (strstr(s, "..")) fuzz_fail("slug %s holds ..", s);
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
          *p == '-'))
      fuzz_fail("slug %s holds byte 0x%02x", s, (unsigned char)*p);
  pod_buf_free(&slug);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const kv[] = {"title", "Run 1", "model", "bert<b>",
                                   "href", "javascript:alert(1)"};
  char err[POD_ERRLEN] = "", *text;
  pod_buf out = POD_BUF_INIT;
  int rc;
  if (!sb_g) {
    static char dir[4200];
    const char *root = getenv("PODIUM_ROOT");
    const char *dirs[1] = {dir};
    snprintf(dir, sizeof dir, "%s/templates", root ? root : FUZZ_ROOT);
    if (render_sandbox_new(dirs, 1, &sb_g, err)) fuzz_fail("%s", err);
    /* an endless loop is stopped either way; a low cap keeps inputs fast */
    render_sandbox_limits(sb_g, 2000000, 64u << 20);
    atexit(free_sandbox);
  }
  text = malloc(size + 1);
  memcpy(text, data, size);
  text[size] = '\0';
  rc = render_sandbox_eval(sb_g, "fuzz.html", text, kv, 6, &out, err);
  if (rc != POD_OK && (rc != POD_ETEMPLATE || !err[0]))
    fuzz_fail("error %d: %s", rc, err);
  check_slug(text);
  pod_buf_free(&out);
  free(text);
  return 0;
}
