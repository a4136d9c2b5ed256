/*
** core/method.c -- the measurement methods and their error bands; the
** figures and where they come from are in docs/COMPARE.md.
*/
#include "core/method.h"

#include <stdio.h>
#include <string.h>

/* Widest band last among equals: pod_method_worst keeps the first of the
** widest, so the order decides which label a mixed total shows. */
static const pod_method methods[] = {
  {"wall-meter", "wall meter", 0,
   "the reference the validation studies compare against"},
  {"nvml", "NVML (nvidia-smi)", 5,
   "+-5 W per GPU reading (nvidia-smi power.draw)"},
  {"rapl", "RAPL counters", 40,
   "CPU package and DRAM only; software tools up to +-40 % vs a wall meter"},
  {"rapl-or-model", "RAPL or a TDP x load model (the file does not say)", 40,
   "up to +-40 % vs a wall meter"},
  {"ram-model", "RAM modelled from its size", 40,
   "a model, not a reading; up to +-40 % vs a wall meter"},
  {"tdp", "a constant fraction of TDP", 40,
   "a constant, not a reading; up to +-40 % vs a wall meter"},
  {"estimate", "estimate: TDP x time x PUE", 40,
   "a calculator estimate; up to +-40 % vs a wall meter"},
};
#define N_METHODS (sizeof methods / sizeof methods[0])

static const pod_method *find_n(const char *s, size_t n) {
  for (size_t i = 0; i < N_METHODS; i++)
    if (strlen(methods[i].name) == n && !strncmp(methods[i].name, s, n))
      return &methods[i];
  return NULL;
}

const pod_method *pod_method_find(const char *name) {
  return name ? find_n(name, strlen(name)) : NULL;
}

const pod_method *pod_method_worst(const char *s) {
  const pod_method *worst = NULL;
  if (!s || !*s) return NULL;
  while (*s) {
    const char *end = strchr(s, '+');
    size_t n = end ? (size_t)(end - s) : strlen(s);
    const pod_method *m = find_n(s, n);
    if (!m) return &methods[N_METHODS - 1];   /* unknown: the widest */
    if (!worst || m->band_pct > worst->band_pct) worst = m;
    s += n + (end ? 1 : 0);
  }
  return worst;
}

int pod_method_valid(const char *s) {
  if (!s || !*s) return 0;
  while (*s) {
    const char *end = strchr(s, '+');
    size_t n = end ? (size_t)(end - s) : strlen(s);
    if (!find_n(s, n)) return 0;
    s += n + (end ? 1 : 0);
  }
  return 1;
}

void pod_method_label(const char *s, char *out, size_t n) {
  size_t len = 0;
  if (!n) return;
  out[0] = '\0';
  while (s && *s && len + 1 < n) {
    const char *end = strchr(s, '+');
    size_t k = end ? (size_t)(end - s) : strlen(s);
    const pod_method *m = find_n(s, k);
    int w = m ? snprintf(out + len, n - len, "%s%s", len ? " + " : "",
                         m->label)
              : snprintf(out + len, n - len, "%s%.*s", len ? " + " : "",
                         (int)k, s);
    if (w < 0 || (size_t)w >= n - len) break;
    len += (size_t)w;
    s += k + (end ? 1 : 0);
  }
}

const char *pod_method_names(void) {
  return "wall-meter, nvml, rapl, rapl-or-model, ram-model, tdp, estimate";
}
