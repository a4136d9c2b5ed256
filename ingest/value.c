/*
** ingest/value.c -- the numbers found in cells: strict decimals
** (core/num.c) and whole-number counts.
*/
#include "ingest/ingest_int.h"
#include "core/num.h"

#include <cjson/cJSON.h>
#include <math.h>
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
