/*
** render/i18n_catalog.c -- reading a catalog file (i18n/<lang>.json) and
** checking each of its messages, with the line and column of a bad one:
** what loading a catalog for a render (i18n.c) and `podium i18n check`
** (i18n_cmd.c) both do. Owns nothing past a call.
*/
#include "render/i18n.h"
#include "core/json.h"
#include "render/i18n_int.h"
#include "core/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where, in the JSON text, byte `at` of key's string value is: the byte
** offset, or 0 when the key cannot be found as written. */
static size_t value_offset(const char *text, const char *key, size_t at) {
  size_t klen = strlen(key);
  for (const char *p = text; (p = strchr(p, '"')); p++) {
    const char *q = p + 1 + klen;
    size_t done = 0;
    if (strncmp(p + 1, key, klen) || *q != '"') continue;
    q++;
    while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n') q++;
    if (*q++ != ':') continue;
    while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n') q++;
    if (*q != '"') return (size_t)(q - text);   /* not a string */
    q++;
    while (*q && *q != '"' && done < at) {
      if (*q == '\\' && q[1] == 'u') {
        unsigned long cp = strtoul((char[5]){q[2], q[3], q[4], q[5], 0}, NULL, 16);
        if (cp >= 0xD800 && cp < 0xDC00 && q[6] == '\\' && q[7] == 'u') {
          done += 4;
          q += 12;
        } else {
          done += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
          q += 6;
        }
      } else if (*q == '\\' && q[1]) {
        done++;
        q += 2;
      } else {
        done++;
        q++;
      }
    }
    return (size_t)(q - text);
  }
  return 0;
}

/* Line and column (in characters) of byte off. */
static void line_col(const char *text, size_t off, long *line, long *col) {
  *line = *col = 1;
  for (size_t i = 0; i < off && text[i]; i++) {
    if (text[i] == '\n') { ++*line; *col = 1; }
    else if (((unsigned char)text[i] & 0xC0) != 0x80) ++*col;
  }
}

/* Checks the messages of a parsed catalog; each bad one is reported as
** "path:line:col: ..." through fn. Returns how many. */
int i18n_check_messages(const char *path, const char *text, cJSON *root,
                          problem_fn fn, void *ud) {
  cJSON *item;
  int bad = 0;
  char line[POD_ERRLEN + 200];
  cJSON_ArrayForEach(item, root) {
    size_t at = 0, off;
    long ln, col;
    char err[POD_ERRLEN];
    /* where a message is, only for one that is wrong: looked up for every
    ** message, a scan of the catalog each, it was most of opening one */
    if (cJSON_IsObject(item)) {
      off = value_offset(text, item->string, 0);
      line_col(text, off, &ln, &col);
      snprintf(line, sizeof line, "%s:%ld:%ld: \"%s\": found an object of "
               "plural forms (the old catalog form), expected an ICU "
               "MessageFormat string (podium i18n convert rewrites it)",
               path, ln, col, item->string);
      fn(ud, line);
      bad++;
      continue;
    }
    if (!cJSON_IsString(item)) {
      off = value_offset(text, item->string, 0);
      line_col(text, off, &ln, &col);
      snprintf(line, sizeof line, "%s:%ld:%ld: \"%s\": found a message that "
               "is not a string, expected an ICU MessageFormat string", path,
               ln, col, item->string);
      fn(ud, line);
      bad++;
      continue;
    }
    if (item->string[0] == '_') continue;   /* _name: not a message */
    if (render_i18n_syntax(item->valuestring, &at, err) == POD_OK) continue;
    off = value_offset(text, item->string, at);
    line_col(text, off, &ln, &col);
    snprintf(line, sizeof line, "%s:%ld:%ld: \"%s\": %s", path, ln, col,
             item->string, err);
    fn(ud, line);
    bad++;
  }
  return bad;
}

/* Reads and parses a catalog into *out and its text into text. */
int i18n_read_catalog(const char *path, pod_buf *text, cJSON **out,
                        char err[POD_ERRLEN]) {
  const char *end = NULL;
  cJSON *root;
  int rc = pod_file_read(path, text, err);
  *out = NULL;
  if (rc) return rc;
  if (text->len > MAX_CATALOG)
    return pod_err(err, POD_EINPUT, "%s: found %zu bytes, expected a "
                   "catalog under %d", path, text->len, MAX_CATALOG);
  root = pod_json_parse(text->data, text->len, &end);
  if (!cJSON_IsObject(root)) {
    long line, col;
    pod_line_col(text->data, root ? 0 : (size_t)(end - text->data), &line, &col);
    cJSON_Delete(root);
    return pod_err_at(err, POD_EINPUT, path, line, col, "found %s, expected "
                      "a JSON object of messages", root ? "JSON that is not "
                      "an object" : "invalid JSON");
  }
  *out = root;
  return POD_OK;
}
