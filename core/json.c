/*
** core/json.c -- cJSON's parser behind one lock (json.h says why).
*/
#include "core/json.h"

#include <pthread.h>
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
