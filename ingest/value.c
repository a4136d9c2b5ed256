/*
** ingest/value.c -- the numbers found in cells: strict decimals
** (core/num.c) and whole-number counts.
*/
#include "ingest/ingest_int.h"
#include "core/num.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

int ingest_parse_number(const char *s, double *out) {
  return pod_parse_number(s, out);
}

size_t ingest_utf8_char(const unsigned char *p, size_t n, size_t i) {
  unsigned char c = p[i];
  size_t k;
  unsigned cp;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) { k = 1; cp = c & 0x1f; }
  else if (c >= 0xe0 && c <= 0xef) { k = 2; cp = c & 0x0f; }
  else if (c >= 0xf0 && c <= 0xf4) { k = 3; cp = c & 0x07; }
  else return 0;
  for (size_t j = 1; j <= k; j++) {
    if (i + j >= n || (p[i + j] & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (p[i + j] & 0x3f);
  }
  if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  return k + 1;
}

size_t ingest_utf8_valid_prefix(const unsigned char *p, size_t n) {
  size_t i = 0, len;
  while (i < n) {
    /* eight ASCII bytes at a time: nearly every byte of a results file
    ** (byte by byte was 2% of a folder of small CodeCarbon files) */
    for (uint64_t w; i + 8 <= n; i += 8) {
      memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ULL) break;
    }
    if (i == n) break;
    if (!(len = ingest_utf8_char(p, n, i))) return i;
    i += len;
  }
  return n;
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
