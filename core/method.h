/*
** core/method.h -- how an energy, power or emissions figure was obtained
** (docs/COMPARE.md, "Measurement methods"): the names podium stores in
** measurements.method and the error band each is known to carry.
**
** A stored method is one name or several joined by '+' (a CodeCarbon
** total: "rapl+nvml+ram-model"); its band is the widest of its parts.
** Owns: nothing; every string returned is static.
*/
#ifndef PODIUM_METHOD_H
#define PODIUM_METHOD_H

#include <stddef.h>

typedef struct pod_method {
  const char *name;     /* "rapl": stored, and the i18n key method.<name> */
  const char *label;    /* "RAPL counters": for text and Markdown output */
  int band_pct;         /* known error band, +-%; 0: the reference */
  const char *band;     /* the band as text, English */
} pod_method;

/* The method called name (one part, no '+'), or NULL. */
const pod_method *pod_method_find(const char *name);
/* The method whose band is widest among the '+'-joined parts of methods
** (an unknown part counts as the widest); NULL for NULL or "". */
const pod_method *pod_method_worst(const char *methods);
/* 1 when every '+'-joined part of methods is a known name. */
int pod_method_valid(const char *methods);
/* "RAPL counters + NVML (nvidia-smi)" for methods, appended to out (size
** n, always NUL-terminated). */
void pod_method_label(const char *methods, char *out, size_t n);
/* The names, comma-separated, for messages. */
const char *pod_method_names(void);

#endif
