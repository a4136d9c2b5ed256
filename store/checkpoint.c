/*
** store/checkpoint.c -- WAL checkpoints on a thread of their own while a
** long ingest writes (store_checkpoint_behind, store.h).
**
** Why: SQLite copies the write-ahead log back into the registry file
** (a checkpoint) from inside the COMMIT that took the log past 1,000
** pages. In a folder of 10,000 logs that was ~6% of the registry
** thread, on a machine with a second core (issue 14). Here the commit
** only signals; a thread with its own connection runs a PASSIVE
** checkpoint, which never waits for or blocks the writer. When the log
** has grown past store_checkpoint_most frames (the thread could not
** catch up, or each checkpoint ran beside the next batch, so that the
** log never started again from its beginning), the commit waits for the
** thread and checkpoints the rest itself: the next transaction then
** starts the log over, so it stays ~64 MiB at most (SQLite's own stays
** ~4 MiB; the last one is checkpointed and removed at store_close).
**
** Owns: the thread and its connection, held in store_db until
** store_close stops them and gives SQLite its own checkpoints back.
*/
#include "store/store_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* in frames: a request to the thread every 1,000 (SQLite's own
** default), the commit catching up at 16,384 (64 MiB of 4 KiB pages);
** tests lower them */
int store_checkpoint_every = 1000, store_checkpoint_most = 16384;

struct store_checkpointer {
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t changed;
  sqlite3 *conn;       /* the thread's own */
  int wanted, busy, stop;
  int asked_at;        /* the log's frames at the last request */
  long done;           /* checkpoints the thread ran that copied frames */
};

static void *checkpoints(void *arg) {
  store_checkpointer *c = arg;
  pthread_mutex_lock(&c->mu);
  for (;;) {
    while (!c->wanted && !c->stop) pthread_cond_wait(&c->changed, &c->mu);
    if (c->stop) break;
    c->wanted = 0;
    c->busy = 1;
    pthread_mutex_unlock(&c->mu);
    /* a failure (SQLITE_BUSY: another process checkpoints) leaves the
    ** frames to the next request, or to the commit's catch-up */
    int copied = 0;
    sqlite3_wal_checkpoint_v2(c->conn, NULL, SQLITE_CHECKPOINT_PASSIVE,
                              NULL, &copied);
    pthread_mutex_lock(&c->mu);
    c->done += copied > 0;
    c->busy = 0;
    pthread_cond_broadcast(&c->changed);
  }
  pthread_mutex_unlock(&c->mu);
  return NULL;
}

/* SQLite's WAL hook, after each commit on the registry thread. */
static int on_commit(void *ud, sqlite3 *conn, const char *name, int frames) {
  store_checkpointer *c = ud;
  if (frames < c->asked_at) c->asked_at = 0;   /* the log started over */
  if (frames >= store_checkpoint_most) {
    pthread_mutex_lock(&c->mu);
    while (c->busy || c->wanted) pthread_cond_wait(&c->changed, &c->mu);
    pthread_mutex_unlock(&c->mu);
    sqlite3_wal_checkpoint_v2(conn, name, SQLITE_CHECKPOINT_PASSIVE, NULL,
                              NULL);
    c->asked_at = 0;
  } else if (frames - c->asked_at >= store_checkpoint_every) {
    pthread_mutex_lock(&c->mu);
    c->wanted = 1;
    pthread_cond_signal(&c->changed);
    pthread_mutex_unlock(&c->mu);
    c->asked_at = frames;
  }
  return SQLITE_OK;
}

void store_checkpoint_behind(store_db *db) {
  store_checkpointer *c;
  if (!db || db->pg || db->read_only || db->ckpt) return;
  c = pod_xmalloc(sizeof *c);
  memset(c, 0, sizeof *c);
  /* a read, so that the connection finds the log (until then its
  ** checkpoints do nothing) */
  if (sqlite3_open_v2(db->path, &c->conn,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK ||
      sqlite3_exec(c->conn, "PRAGMA schema_version", NULL, NULL, NULL) !=
          SQLITE_OK) {
    sqlite3_close(c->conn);
    free(c);
    return;   /* SQLite checkpoints in the commit, as before */
  }
  pthread_mutex_init(&c->mu, NULL);
  pthread_cond_init(&c->changed, NULL);
  if (pthread_create(&c->th, NULL, checkpoints, c) != 0) {
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->changed);
    sqlite3_close(c->conn);
    free(c);
    return;
  }
  db->ckpt = c;
  sqlite3_wal_hook(db->conn, on_commit, c);   /* in place of SQLite's */
}

long store_checkpoints_behind(store_db *db) {
  long n = 0;
  if (db->ckpt) {
    pthread_mutex_lock(&db->ckpt->mu);
    n = db->ckpt->done;
    pthread_mutex_unlock(&db->ckpt->mu);
  }
  return n;
}

void store_checkpoint_stop(store_db *db) {
  store_checkpointer *c = db->ckpt;
  if (!c) return;
  pthread_mutex_lock(&c->mu);
  c->stop = 1;
  pthread_cond_broadcast(&c->changed);
  pthread_mutex_unlock(&c->mu);
  pthread_join(c->th, NULL);
  sqlite3_close(c->conn);
  pthread_mutex_destroy(&c->mu);
  pthread_cond_destroy(&c->changed);
  free(c);
  db->ckpt = NULL;
  sqlite3_wal_autocheckpoint(db->conn, 1000);   /* SQLite's own again */
}
