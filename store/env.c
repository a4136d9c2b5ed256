/*
** store/env.c -- environments: the fingerprint of a description, and
** which row a description is (docs/ARCHITECTURE.md, "Environments: one
** machine, several descriptions"). Split from store.c (issue 18).
*/
#include "store/store_int.h"
#include "core/json.h"
#include "core/sha256.h"

#include <cjson/cJSON.h>

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- environments ---------------------------------------------------- */

/* The columns of store_env, in table order; one list drives the insert
** and the fingerprint, so they cannot disagree. */
enum { F_TEXT, F_COUNT, F_REAL };
static const struct {
  const char *name;
  int kind;
  size_t off;
} env_fields[] = {
#define F(name, kind) {#name, kind, offsetof(store_env, name)}
  F(cpu_model, F_TEXT),      F(cpu_count, F_COUNT),
  F(ram_bytes, F_COUNT),     F(gpu_model, F_TEXT),
  F(gpu_count, F_COUNT),     F(gpu_memory_bytes, F_COUNT),
  F(gpu_power_w, F_REAL),    F(os, F_TEXT),
  F(python_version, F_TEXT), F(framework, F_TEXT),
  F(framework_version, F_TEXT), F(country, F_TEXT),
  F(region, F_TEXT),         F(cloud_provider, F_TEXT),
  F(cloud_region, F_TEXT),   F(pue, F_REAL),
  F(tracking_mode, F_TEXT),  F(extras_json, F_TEXT),
#undef F
};
#define N_ENV_FIELDS (sizeof env_fields / sizeof env_fields[0])

void store_env_init(store_env *env) {
  memset(env, 0, sizeof *env);
  env->cpu_count = env->ram_bytes = env->gpu_count = -1;
  env->gpu_memory_bytes = -1;
  env->gpu_power_w = env->pue = NAN;
}

/* The extras as the fingerprint and merged rows hold them: a JSON object's
** keys sorted (so the same fields in another order hash the same); other
** text as written. Caller frees. */
static char *extras_canonical(const char *json) {
  cJSON *o, *sorted;
  char *out;
  if (!json) return NULL;
  o = pod_json_parse_str(json);
  if (!cJSON_IsObject(o)) {
    cJSON_Delete(o);
    return pod_xstrdup(json);
  }
  sorted = cJSON_CreateObject();
  for (;;) {   /* selection by key: extras hold a few dozen keys */
    cJSON *min = NULL;
    for (cJSON *c = o->child; c; c = c->next)
      if (!min || strcmp(c->string, min->string) < 0) min = c;
    if (!min) break;
    cJSON_AddItemToObject(sorted, min->string,
                          cJSON_DetachItemViaPointer(o, min));
  }
  out = cJSON_PrintUnformatted(sorted);
  cJSON_Delete(sorted);
  cJSON_Delete(o);
  return out;
}

static void env_fingerprint(const store_env *env, char hex[65]) {
  pod_sha256 s;
  char *extras = extras_canonical(env->extras_json);
  pod_sha256_init(&s);
  for (size_t i = 0; i < N_ENV_FIELDS; i++) {
    const char *p = (const char *)env + env_fields[i].off;
    char num[64] = "";
    const char *text = num;
    if (p == (const char *)&env->extras_json) {
      text = extras ? extras : "";
    } else if (env_fields[i].kind == F_TEXT) {
      text = *(const char *const *)p ? *(const char *const *)p : "";
    } else if (env_fields[i].kind == F_COUNT) {
      int64_t v = *(const int64_t *)p;
      if (v >= 0) snprintf(num, sizeof num, "%lld", (long long)v);
    } else {
      double v = *(const double *)p;
      if (!isnan(v)) snprintf(num, sizeof num, "%.17g", v);
    }
    pod_sha256_update(&s, env_fields[i].name, strlen(env_fields[i].name));
    pod_sha256_update(&s, "=", 1);
    pod_sha256_update(&s, text, strlen(text) + 1);  /* NUL separates */
  }
  pod_sha256_hex(&s, hex);
  cJSON_free(extras);
}

/* ---- which environment a description is (docs/ARCHITECTURE.md,
** "Environments: one machine, several descriptions") ------------------ */

#define FIELD(env, i) ((const char *)(env) + env_fields[i].off)

static int field_known(const store_env *e, size_t i) {
  const char *p = FIELD(e, i);
  if (env_fields[i].kind == F_TEXT) return *(const char *const *)p != NULL;
  if (env_fields[i].kind == F_COUNT) return *(const int64_t *)p >= 0;
  return !isnan(*(const double *)p);
}

/* "Linux" and "Linux-6.0.12-...": the shorter is the longer cut at a '-'
** (platform.system() and platform.platform() of one machine). */
static int os_prefix(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > lb) { const char *t = a; a = b; b = t; la = lb; }
  return !strncmp(a, b, la) && b[la] == '-';
}

/* Two known values of field i: 2 equal, 1 agreeing (RAM in the same MiB,
** an OS and its longer form), 0 disagreeing. */
static int field_agree(const store_env *a, const store_env *b, size_t i) {
  const char *pa = FIELD(a, i), *pb = FIELD(b, i);
  if (env_fields[i].kind == F_TEXT) {
    const char *x = *(const char *const *)pa, *y = *(const char *const *)pb;
    if (!strcmp(x, y)) return 2;
    return pa == (const char *)&a->os && os_prefix(x, y);
  }
  if (env_fields[i].kind == F_COUNT) {
    int64_t x = *(const int64_t *)pa, y = *(const int64_t *)pb;
    if (x == y) return 2;
    /* transformers writes RAM in MiB rounded down (bytes >> 20) */
    return pa == (const char *)&a->ram_bytes && x >> 20 == y >> 20;
  }
  return *(const double *)pa == *(const double *)pb ? 2 : 0;
}

static int is_machine_field(size_t i) {
  return !strcmp(env_fields[i].name, "cpu_model") ||
         !strcmp(env_fields[i].name, "ram_bytes") ||
         !strcmp(env_fields[i].name, "gpu_model");
}

/* Extras of both: 0 a key with two values, else 1; *same: same keys and
** values. Text that is not an object agrees only with itself. */
static int extras_agree(const char *a, const char *b, int *same, int *shared) {
  cJSON *x, *y;
  int ok = 1, n = 0;
  *same = 1;
  if (!a || !b) {
    *same = !a && !b;
    return 1;
  }
  x = pod_json_parse_str(a);
  y = pod_json_parse_str(b);
  if (!cJSON_IsObject(x) || !cJSON_IsObject(y)) {
    ok = *same = !strcmp(a, b);
  } else {
    for (cJSON *c = x->child; c && ok; c = c->next) {
      cJSON *d = cJSON_GetObjectItemCaseSensitive(y, c->string);
      if (!d) { *same = 0; continue; }
      ok = cJSON_Compare(c, d, 1);
      n++;
    }
    if (cJSON_GetArraySize(y) != n) *same = 0;
    if (!ok) *same = 0;
  }
  cJSON_Delete(x);
  cJSON_Delete(y);
  *shared += n;
  return ok;
}

enum { ENV_DIFFERENT, ENV_MATCH, ENV_SAME };

/* How row r relates to description d; *score counts the fields known on
** both sides (they all agree when it is a match). */
static int env_relate(const store_env *d, const store_env *r, int *score) {
  int same = 1, machine = 0, extras_same;
  *score = 0;
  for (size_t i = 0; i < N_ENV_FIELDS; i++) {
    int kd, kr, a;
    if (FIELD(d, i) == (const char *)&d->extras_json) continue;
    kd = field_known(d, i);
    kr = field_known(r, i);
    if (kd != kr) same = 0;
    if (!kd || !kr) continue;
    if (!(a = field_agree(d, r, i))) return ENV_DIFFERENT;
    if (a == 1) same = 0;
    ++*score;
    machine += is_machine_field(i);
  }
  if (!extras_agree(d->extras_json, r->extras_json, &extras_same, score))
    return ENV_DIFFERENT;
  if (same && extras_same) return ENV_SAME;
  return machine ? ENV_MATCH : ENV_DIFFERENT;
}

/* r enriched with d into out (pointers into r and d, extras newly made:
** *extras to free): unknown fields take d's value; a coarser value gives
** way to the finer one it agrees with (more RAM bytes, the longer OS). */
static void env_merge(const store_env *r, const store_env *d, store_env *out,
                      char **extras) {
  *out = *r;
  for (size_t i = 0; i < N_ENV_FIELDS; i++) {
    char *po = (char *)out + env_fields[i].off;
    const char *pd = FIELD(d, i);
    if (pd == (const char *)&d->extras_json || !field_known(d, i)) continue;
    if (!field_known(r, i))
      memcpy(po, pd, env_fields[i].kind == F_TEXT ? sizeof(char *)
                     : env_fields[i].kind == F_COUNT ? sizeof(int64_t)
                                                     : sizeof(double));
    else if (pd == (const char *)&d->ram_bytes && d->ram_bytes > r->ram_bytes)
      out->ram_bytes = d->ram_bytes;
    else if (pd == (const char *)&d->os && strlen(d->os) > strlen(r->os))
      out->os = d->os;
  }
  *extras = NULL;
  if (d->extras_json && r->extras_json) {
    cJSON *x = pod_json_parse_str(r->extras_json);
    cJSON *y = pod_json_parse_str(d->extras_json);
    if (cJSON_IsObject(x) && cJSON_IsObject(y)) {
      for (cJSON *c = y->child; c; c = c->next)
        if (!cJSON_GetObjectItemCaseSensitive(x, c->string))
          cJSON_AddItemToObject(x, c->string, cJSON_Duplicate(c, 1));
      char *text = cJSON_PrintUnformatted(x);
      *extras = extras_canonical(text);
      cJSON_free(text);
    }
    cJSON_Delete(x);
    cJSON_Delete(y);
  } else if (d->extras_json || r->extras_json) {
    *extras = extras_canonical(d->extras_json ? d->extras_json
                                              : r->extras_json);
  }
  out->extras_json = *extras ? *extras : r->extras_json;
}

/* A row of Q_ENV_ALL as a store_env with its own copies of the strings. */
static void env_from_row(db_stmt *st, store_env *e, int64_t *id) {
  store_env_init(e);
  *id = db_column_int64(st, 0);
  for (size_t i = 0; i < N_ENV_FIELDS; i++) {
    char *p = (char *)e + env_fields[i].off;
    int col = (int)i + 1;
    if (db_column_type(st, col) == SQLITE_NULL) continue;
    if (env_fields[i].kind == F_TEXT)
      *(char **)p = pod_xstrdup((const char *)db_column_text(st, col));
    else if (env_fields[i].kind == F_COUNT)
      *(int64_t *)p = db_column_int64(st, col);
    else
      *(double *)p = db_column_double(st, col);
  }
}

static void env_free_strings(store_env *e) {
  for (size_t i = 0; i < N_ENV_FIELDS; i++)
    if (env_fields[i].kind == F_TEXT)
      free(*(char **)((char *)e + env_fields[i].off));
}

/* Binds fingerprint and fields as ?1..?19 (Q_ENV_ADD, Q_ENV_UPDATE). */
static void bind_env(db_stmt *st, const store_env *env) {
  char fp[65];
  env_fingerprint(env, fp);
  bind_text(st, 1, fp);
  for (size_t i = 0; i < N_ENV_FIELDS; i++) {
    const char *p = FIELD(env, i);
    int col = (int)i + 2;
    if (env_fields[i].kind == F_TEXT) bind_text(st, col, *(const char *const *)p);
    else if (env_fields[i].kind == F_COUNT) bind_count(st, col, *(const int64_t *)p);
    else bind_real(st, col, *(const double *)p);
  }
}

/* The row env is: the same description, else the one row it matches
** best (enriched with what it adds), else a new row. */
static int env_resolve(store_db *db, const store_env *env, int64_t *out_id,
                       char err[POD_ERRLEN]) {
  store_env best;
  int64_t best_id = 0;
  int best_score = -1, tie = 0, r, rc = POD_OK;
  db_stmt *st;
  *out_id = 0;
  store_env_init(&best);
  if ((rc = store_stmt(db, Q_ENV_ALL, &st, err))) return rc;
  while ((r = db_step(st)) == SQLITE_ROW) {
    store_env row;
    int64_t id;
    int score, rel;
    env_from_row(st, &row, &id);
    rel = env_relate(env, &row, &score);
    if (rel == ENV_SAME) {
      *out_id = id;
      env_free_strings(&row);
      break;
    }
    if (rel == ENV_MATCH && score >= best_score) {
      tie = score == best_score;
      if (!tie) {
        env_free_strings(&best);
        best = row;
        best_id = id;
        best_score = score;
        continue;
      }
    }
    env_free_strings(&row);
  }
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = store_fail(db, err);
  db_reset(st);
  if (rc || *out_id) goto done;
  if (best_id && !tie) {
    store_env merged;
    char *extras;
    env_merge(&best, env, &merged, &extras);
    if ((rc = store_stmt(db, Q_ENV_UPDATE, &st, err)) == POD_OK) {
      bind_env(st, &merged);
      db_bind_int64(st, 20, best_id);
      rc = store_step_done(db, st, NULL, err);
    }
    cJSON_free(extras);
    *out_id = best_id;
    goto done;
  }
  if ((rc = store_stmt(db, Q_ENV_ADD, &st, err))) goto done;
  bind_env(st, env);
  rc = store_step_done(db, st, out_id, err);
done:
  env_free_strings(&best);
  return rc;
}

int store_env_add(store_db *db, const store_env *env, int64_t *out_id,
                  char err[POD_ERRLEN]) {
  char fp[65];
  int rc;
  /* A long file repeats a few descriptions: answer those from the cache,
  ** without walking the table again. */
  env_fingerprint(env, fp);
  for (int i = 0; i < db->n_envs; i++)
    if (!strcmp(db->envs[i].fp, fp)) {
      *out_id = db->envs[i].id;
      return POD_OK;
    }
  if ((rc = env_resolve(db, env, out_id, err))) return rc;
  if (db->n_envs == STORE_ENV_CACHE) {
    db->n_envs = 0;
    db->env_epoch++;
  }
  memcpy(db->envs[db->n_envs].fp, fp, sizeof fp);
  db->envs[db->n_envs++].id = *out_id;
  return POD_OK;
}

unsigned long store_env_epoch(const store_db *db) { return db->env_epoch; }
