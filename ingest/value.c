/*
** ingest/value.c -- the numbers found in cells: strict decimals
** (core/num.c) and whole-number counts.
*/
#include "ingest/ingest_int.h"
#include "core/num.h"
#include "core/json.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

int ingest_parse_number(const char *s, double *out) {
  return pod_parse_number(s, out);
}

int ingest_parse_count(const char *s, long long min, long long *out) {
  double d;
  if (!pod_parse_number(s, &d) || d != floor(d) || d < (double)min ||
      d > 9e15)
    return 0;
  *out = (long long)d;
  return 1;
}

const char *ingest_json_type(const cJSON *v) {
  if (cJSON_IsObject(v)) return "an object";
  if (cJSON_IsArray(v)) return "a list";
  if (cJSON_IsString(v)) return "a string";
  if (cJSON_IsNumber(v)) return "a number";
  if (cJSON_IsBool(v)) return "true/false";
  if (cJSON_IsNull(v)) return "null";
  return "nothing";
}

int ingest_json_check(const char *path, const struct cJSON *root,
                      const char *text, size_t len, char err[POD_ERRLEN]) {
  size_t at = pod_json_nul(text, len), n;
  long line, col;
  if (at != (size_t)-1) {
    pod_line_col(text, at, &line, &col);
    return pod_err_at(err, POD_EINPUT, path, line, col, "found %s, expected "
                      "text without NUL characters", text[at] ? "\\u0000"
                      : "a NUL byte");
  }
  if (pod_json_duplicate_key(root, text, len, &at, &n)) {
    pod_line_col(text, at, &line, &col);
    return pod_err_at(err, POD_EINPUT, path, line, col, "found key %.*s%s "
                      "a second time in one object, expected each key once",
                      (int)(n > 80 ? 80 : n), text + at, n > 80 ? "..." : "");
  }
  return POD_OK;
}

int ingest_sniff_text(const char *head, size_t n, char first,
                      char buf[4097]) {
  size_t i = 0;
  if (n > 4096) n = 4096;
  memcpy(buf, head, n);
  buf[n] = '\0';
  while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
                   buf[i] == '\n'))
    i++;
  return i < n && buf[i] == first;
}

int ingest_json_token_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') || c == '-' || c == '+' || c == '.';
}

size_t ingest_json_token(char *t, size_t len, size_t i, long *nonfinite) {
  size_t k = 0;
  while (i + k < len && ingest_json_token_char(t[i + k])) k++;
  if ((k == 3 && !memcmp(t + i, "NaN", 3)) ||
      (k == 8 && !memcmp(t + i, "Infinity", 8)) ||
      (k == 9 && !memcmp(t + i, "-Infinity", 9))) {
    t[i] = '[';
    t[i + 1] = ']';
    memset(t + i + 2, ' ', k - 2);
    (*nonfinite)++;
  }
  return k;
}
