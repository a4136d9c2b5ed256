/*
** core/json.c -- cJSON's parser behind one lock (json.h says why).
*/
#include "core/json.h"
#include "core/buf.h"
#include "core/hash.h"

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

/* The walk of pod_json_duplicate_key: v's keys in document order, *n
** counting them; the place of the first one repeated in its object, or
** -1. A big object's keys go in a table (100,000 keys compared pairwise
** would take seconds). */
static long repeated(const cJSON *v, long *n) {
  size_t m = 0, cap = 16;
  const cJSON **slot = NULL, *c;
  long found = -1;
  int obj = cJSON_IsObject(v);
  if (obj) {
    for (c = v->child; c; c = c->next) m++;
    if (m > 16) {
      while (cap < 2 * m) cap *= 2;
      slot = pod_xcalloc(cap, sizeof *slot);
    }
  }
  for (c = v->child; c && found < 0; c = c->next) {
    if (obj) {
      long me = (*n)++;
      const char *k = c->string ? c->string : "";
      if (slot) {
        size_t h = (size_t)pod_hash64(k, strlen(k), 0) & (cap - 1);
        while (slot[h] && strcmp(slot[h]->string ? slot[h]->string : "", k))
          h = (h + 1) & (cap - 1);
        if (slot[h]) found = me;
        else slot[h] = c;
      } else {
        for (const cJSON *p = v->child; p != c && found < 0; p = p->next)
          if (!strcmp(p->string ? p->string : "", k)) found = me;
      }
      if (found >= 0) break;
    }
    if (cJSON_IsObject(c) || cJSON_IsArray(c)) found = repeated(c, n);
  }
  free(slot);
  return found;
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
