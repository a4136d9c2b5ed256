/*
** store/pq.c -- libpq loaded on first use (pq.h says why).
*/
#define STORE_PQ_LOADER
#include "store/pq.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

store_pq_api store_pq;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char why[POD_ERRLEN];   /* empty: loaded */

static void load(void) {
  /* the soname libpq-dev links against: the ABI libpq-fe.h describes */
  void *h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  const char *e;
  if (!h) {
    e = dlerror();
    snprintf(why, sizeof why, "%s", e ? e : "libpq.so.5: not found");
    return;
  }
#define STORE_PQ_SYM(f)                                                      \
  if (!why[0] && !(store_pq.f = (__typeof__(store_pq.f))dlsym(h, #f)))       \
    snprintf(why, sizeof why, "libpq.so.5 has no %s", #f);
  STORE_PQ_FUNCS(STORE_PQ_SYM)
#undef STORE_PQ_SYM
}

int store_pq_load(char err[POD_ERRLEN]) {
  pthread_once(&once, load);
  if (why[0])
    return pod_err(err, POD_EDB, "cannot load libpq, which a PostgreSQL "
                   "registry needs (Debian: apt-get install libpq5): %s",
                   why);
  return POD_OK;
}
