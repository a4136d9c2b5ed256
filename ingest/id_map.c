/*
** ingest/id_map.c -- a string -> id hash map (open addressing): the
** session's run keys, folders' environments and manifests, real paths.
** Owns: its keys (copies) and tables; id_map_free releases them.
*/
#include "ingest/ingest_int.h"

#include <stdlib.h>
#include <string.h>

static size_t map_hash(const char *k) {
  size_t h = 1469598103934665603ULL;  /* FNV-1a */
  for (; *k; k++) h = (h ^ (unsigned char)*k) * 1099511628211ULL;
  return h;
}

static void map_index(id_map *m, size_t i) {
  size_t j = map_hash(m->key[i]) & (m->n_slots - 1);
  while (m->slot[j]) j = (j + 1) & (m->n_slots - 1);
  m->slot[j] = i + 1;
}

static void map_reindex(id_map *m, size_t n_slots) {
  free(m->slot);
  m->n_slots = n_slots;
  m->slot = pod_xmalloc(n_slots * sizeof *m->slot);
  memset(m->slot, 0, n_slots * sizeof *m->slot);
  for (size_t i = 0; i < m->n; i++) map_index(m, i);
}

int64_t id_map_get(const id_map *m, const char *key) {
  if (!m->n_slots) return 0;
  for (size_t j = map_hash(key) & (m->n_slots - 1); m->slot[j];
       j = (j + 1) & (m->n_slots - 1))
    if (!strcmp(m->key[m->slot[j] - 1], key)) return m->id[m->slot[j] - 1];
  return 0;
}

void id_map_put(id_map *m, const char *key, int64_t id) {
  if (m->n == m->cap) {
    m->cap = m->cap ? 2 * m->cap : 16;
    m->key = pod_xrealloc(m->key, m->cap * sizeof *m->key);
    m->id = pod_xrealloc(m->id, m->cap * sizeof *m->id);
  }
  m->key[m->n] = pod_xstrdup(key);
  m->id[m->n++] = id;
  if (2 * m->n > m->n_slots) map_reindex(m, m->n_slots ? 2 * m->n_slots : 32);
  else map_index(m, m->n - 1);
}

void id_map_truncate(id_map *m, size_t n) {
  if (m->n <= n) return;
  while (m->n > n) free(m->key[--m->n]);
  map_reindex(m, m->n_slots);  /* rare: a file failed */
}

void id_map_free(id_map *m) {
  id_map_truncate(m, 0);
  free(m->slot);
  free(m->key);
  free(m->id);
}
