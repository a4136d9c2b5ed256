/*
** core/json.c -- cJSON's parser behind one lock (json.h says why).
*/
#include "core/json.h"
#include "core/buf.h"
#include "core/text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

cJSON *pod_json_parse(const char *text, size_t len, const char **end) {
  cJSON *root;
  pthread_mutex_lock(&parse_lock);
  root = cJSON_ParseWithLengthOpts(text, len, end, 0);
  pthread_mutex_unlock(&parse_lock);
  return root;
}

cJSON *pod_json_parse_str(const char *text) {
  return pod_json_parse(text, strlen(text) + 1, NULL);
}

/* The walk of pod_json_duplicate_key: v's keys in document order (a key,
** then the keys in its value), *n counting them; the place of the first
** one repeated in its object (pod_first_repeat), or -1. */
static long repeated(const cJSON *v, long *n) {
  size_t m = 0, r = 0, i = 0, earlier;
  const cJSON *c;
  for (c = v->child; c; c = c->next) m++;
  if (cJSON_IsObject(v) && m > 1) {
    const char **names = pod_xmalloc(m * sizeof *names);
    size_t *lens = pod_xmalloc(m * sizeof *lens);
    for (c = v->child; c; c = c->next, i++) {
      names[i] = c->string ? c->string : "";
      lens[i] = strlen(names[i]);
    }
    r = pod_first_repeat(names, lens, m, 0, &earlier);
    free(names);
    free(lens);
  } else {
    r = m;   /* a list, or one key: nothing repeated at this level */
  }
  for (c = v->child, i = 0; c; c = c->next, i++) {
    long found;
    if (cJSON_IsObject(v) && i == r) return *n;
    if (cJSON_IsObject(v)) (*n)++;
    if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && (found = repeated(c, n)) >= 0)
      return found;
  }
  return -1;
}

/* Where string t[i..] (at its quote) ends, past its closing quote. */
static size_t string_end(const char *t, size_t len, size_t i) {
  for (i++; i < len && t[i] != '"'; i++)
    if (t[i] == '\\') i++;
  return i < len ? i + 1 : len;
}

int pod_json_duplicate_key(const cJSON *root, const char *text, size_t len,
                           size_t *at, size_t *key_len) {
  long n = 0, want = root ? repeated(root, &n) : -1, k = 0;
  if (want < 0) return 0;
  *at = *key_len = 0;
  for (size_t i = 0; i < len;) {   /* the want-th key of the text */
    size_t e, j;
    if (text[i] != '"') { i++; continue; }
    e = string_end(text, len, i);
    for (j = e; j < len && text[j] && strchr(" \t\r\n", text[j]); j++) {}
    if (j < len && text[j] == ':' && k++ == want) {
      *at = i;
      *key_len = e - i;
      break;
    }
    i = e;
  }
  return 1;
}

size_t pod_json_nul(const char *text, size_t len) {
  const char *z = memchr(text, '\0', len);
  size_t raw = z ? (size_t)(z - text) : len;
  for (size_t i = 0; i < raw; i++) {
    if (text[i] != '\\') continue;
    if (i + 5 < len && text[i + 1] == 'u' && !memcmp(text + i + 2, "0000", 4))
      return i;
    i++;   /* the escaped character */
  }
  return z ? raw : (size_t)-1;
}
