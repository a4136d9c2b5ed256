/*
** ingest/read_ahead.c -- the files of a list read and hashed on a thread
** while the registry thread ingests the ones before them.
**
** Why: in a folder of 10,000 training logs, opening, reading and hashing
** each small file and the stat before it were ~8% of the one thread, and
** cJSON's parse of each trainer_state.json ~9%, on a machine with a
** second core (issue 14: the log folder at 0.91x of sqlite3's import).
** The thread does what the registry thread would do first with a small
** file (INGEST_IN_MEMORY_MAX or less), with the same calls: a stat, then
** pod_file_sha256_copy, which keeps the bytes it hashed; those bytes are
** the ones parsed, so a file's hash and rows always agree. A file is
** read as it was when the thread reached it: rewritten or removed after
** that, it goes in as read (the registry thread took the same kind of
** snapshot, a moment later). A file the thread could not stat or read,
** or a larger one, is left to the registry thread, which reads it, or
** fails it with its own message, as before.
**
** JSON: a file hf_trainer.c would take (its sniff, a pure function) is
** parsed here too, while the trees parsed and not yet taken come from at
** most PARSED_MAX bytes (a tree is ~30x its text); the registry thread
** takes the tree of the file it was given (ingest_read_ahead_json), or
** parses the file itself when there is none.
**
** Memory: the read-ahead owns its slots, their bytes and trees; a slot's
** bytes move to the caller when taken, its tree when asked for. At most
** AHEAD files are held (4 MiB of bytes at most).
*/
#include "ingest/ingest_int.h"
#include "core/buf.h"
#include "core/fs.h"
#include "core/json.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define AHEAD 64
#define PARSED_MAX (256L << 10)   /* bytes of JSON parsed, not yet taken */

typedef struct slot {
  int state;            /* EMPTY, then READY or LEFT */
  ingest_read got;      /* READY: what the caller takes, */
  pod_buf data;         /* the whole file, */
  cJSON *json;          /* and its tree (NULL: not parsed), */
  size_t json_end;      /* where that parse stopped */
} slot;

enum { EMPTY, READY, LEFT };

struct ingest_read_ahead {
  const ingest_path *paths;
  int n;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t changed;
  int next_taken;       /* the caller's next index: slots below are free */
  int stop;
  /* who sleeps, so that the other wakes it only when it is worth a
  ** system call: the reader, at its index, until half the slots are
  ** free; the caller, until its slot is filled */
  int reader_waits_at, caller_waits;
  long parsed;          /* bytes behind trees not yet taken */
  cJSON *taken;         /* the caller's file's tree, until asked for */
  size_t taken_end;
  /* trees the caller is done with, chained by their (unused) next, for
  ** the thread to free: cJSON_Delete of a tree another thread allocated
  ** was ~3% of the registry thread, in glibc's free */
  cJSON *done;
  int finished;         /* the thread has ended: the caller frees */
  slot slots[AHEAD];    /* paths[i] in slots[i % AHEAD] */
};

/* One file, as file_in_batch would begin it; LEFT when that went wrong or
** the file is not one to read here. */
static int read_one(ingest_read_ahead *ra, const char *path, slot *sl) {
  char err[POD_ERRLEN];
  ingest_read *g = &sl->got;
  const char *end = NULL;
  long parsed;
  if (stat(path, &g->st) != 0 || !S_ISREG(g->st.st_mode) ||
      g->st.st_size > INGEST_IN_MEMORY_MAX)
    return LEFT;
  if (pod_file_sha256_copy(path, g->sha, &g->bytes, &sl->data,
                           INGEST_IN_MEMORY_MAX, err) ||
      (size_t)g->bytes != sl->data.len)   /* it grew: not all kept */
    return LEFT;
  sl->json = NULL;
  pthread_mutex_lock(&ra->mu);
  parsed = ra->parsed;
  pthread_mutex_unlock(&ra->mu);
  /* as hf_trainer.c parses it: not with a BOM, which it blanks first */
  if (g->bytes > 0 && parsed + g->bytes <= PARSED_MAX &&
      !(sl->data.len >= 3 && !memcmp(sl->data.data, "\xEF\xBB\xBF", 3)) &&
      ingest_hf_trainer.sniff(sl->data.data,
                              sl->data.len < 4096 ? sl->data.len : 4096,
                              path) > 0 &&
      (sl->json = pod_json_parse(sl->data.data, sl->data.len, &end))) {
    sl->json_end = (size_t)(end - sl->data.data);
    pthread_mutex_lock(&ra->mu);
    ra->parsed += g->bytes;
    pthread_mutex_unlock(&ra->mu);
  }
  return READY;
}

/* Under the lock: a READY slot's tree, dropped. */
static void drop_tree(ingest_read_ahead *ra, slot *sl) {
  if (!sl->json) return;
  cJSON_Delete(sl->json);
  sl->json = NULL;
  ra->parsed -= sl->got.bytes;
}

static void *reader(void *arg) {
  ingest_read_ahead *ra = arg;
  cJSON *junk;
  for (int i = 0; i < ra->n; i++) {
    slot *sl = &ra->slots[i % AHEAD];
    int state, stop;
    pthread_mutex_lock(&ra->mu);
    if (i - ra->next_taken >= AHEAD) {
      ra->reader_waits_at = i;
      while (!ra->stop && i - ra->next_taken > AHEAD / 2)
        pthread_cond_wait(&ra->changed, &ra->mu);
      ra->reader_waits_at = 0;
    }
    stop = ra->stop;
    junk = ra->done;
    ra->done = NULL;
    pthread_mutex_unlock(&ra->mu);
    cJSON_Delete(junk);
    if (stop) break;
    /* the slot is the thread's until it says READY or LEFT */
    state = ra->paths[i].why_ignored ? LEFT
                                      : read_one(ra, ra->paths[i].path, sl);
    pthread_mutex_lock(&ra->mu);
    sl->state = state;
    if (ra->caller_waits) pthread_cond_broadcast(&ra->changed);
    pthread_mutex_unlock(&ra->mu);
  }
  pthread_mutex_lock(&ra->mu);
  ra->finished = 1;
  junk = ra->done;
  ra->done = NULL;
  pthread_mutex_unlock(&ra->mu);
  cJSON_Delete(junk);
  return NULL;
}

ingest_read_ahead *ingest_read_ahead_start(const ingest_path *paths, int n) {
  ingest_read_ahead *ra;
  if (n < 2) return NULL;   /* nothing to overlap */
  ra = pod_xmalloc(sizeof *ra);
  memset(ra, 0, sizeof *ra);
  ra->paths = paths;
  ra->n = n;
  pthread_mutex_init(&ra->mu, NULL);
  pthread_cond_init(&ra->changed, NULL);
  if (pthread_create(&ra->th, NULL, reader, ra) != 0) {
    pthread_mutex_destroy(&ra->mu);
    pthread_cond_destroy(&ra->changed);
    free(ra);
    return NULL;   /* the registry thread reads each file itself */
  }
  return ra;
}

/* Under the lock: waits for paths[i]'s slot to be filled. */
static void filled(ingest_read_ahead *ra, int i) {
  ra->caller_waits = 1;
  while (ra->slots[i % AHEAD].state == EMPTY)
    pthread_cond_wait(&ra->changed, &ra->mu);
  ra->caller_waits = 0;
}

/* Under the lock: the slots below next are free; the reader is woken
** once half of them are. */
static void freed(ingest_read_ahead *ra, int next) {
  ra->next_taken = next;
  if (ra->reader_waits_at && ra->reader_waits_at - next <= AHEAD / 2)
    pthread_cond_broadcast(&ra->changed);
}

int ingest_read_ahead_take(ingest_read_ahead *ra, const ingest_path *p,
                           ingest_read *out, pod_buf *data) {
  int i, state;
  slot *sl;
  if (!ra || p < ra->paths || p >= ra->paths + ra->n) return 0;
  i = (int)(p - ra->paths);
  sl = &ra->slots[i % AHEAD];
  pthread_mutex_lock(&ra->mu);
  if (i < ra->next_taken) {   /* taken before: asked again */
    pthread_mutex_unlock(&ra->mu);
    return 0;
  }
  /* files skipped over (the caller stopped asking for them) are freed */
  while (ra->next_taken < i) {
    slot *skipped = &ra->slots[ra->next_taken % AHEAD];
    filled(ra, ra->next_taken);
    if (skipped->state == READY) drop_tree(ra, skipped);
    skipped->state = EMPTY;
    freed(ra, ra->next_taken + 1);
  }
  filled(ra, i);
  state = sl->state;
  cJSON_Delete(ra->taken);   /* the last file's, not asked for */
  ra->taken = NULL;
  if (state == READY && sl->json) {
    ra->taken = sl->json;
    ra->taken_end = sl->json_end;
    ra->parsed -= sl->got.bytes;
    sl->json = NULL;
  }
  pthread_mutex_unlock(&ra->mu);
  if (state == READY) {   /* the slot is not the thread's until freed */
    pod_buf swap = *data;
    *out = sl->got;
    *data = sl->data;
    sl->data = swap;   /* reused for a later file */
  }
  pthread_mutex_lock(&ra->mu);
  sl->state = EMPTY;
  freed(ra, i + 1);
  pthread_mutex_unlock(&ra->mu);
  return state == READY;
}

struct cJSON *ingest_read_ahead_json(ingest_read_ahead *ra, size_t *end) {
  cJSON *j = ra ? ra->taken : NULL;   /* only the caller's thread */
  if (j) {
    ra->taken = NULL;
    *end = ra->taken_end;
  }
  return j;
}

void ingest_read_ahead_done(ingest_read_ahead *ra, struct cJSON *tree) {
  int inline_free;
  if (!tree) return;
  pthread_mutex_lock(&ra->mu);
  inline_free = ra->finished;
  if (!inline_free) {
    tree->next = ra->done;   /* a root's next is NULL: free to chain */
    ra->done = tree;
  }
  pthread_mutex_unlock(&ra->mu);
  if (inline_free) cJSON_Delete(tree);
}

void ingest_read_ahead_stop(ingest_read_ahead *ra) {
  if (!ra) return;
  pthread_mutex_lock(&ra->mu);
  ra->stop = 1;
  pthread_cond_broadcast(&ra->changed);
  pthread_mutex_unlock(&ra->mu);
  pthread_join(ra->th, NULL);
  for (int i = 0; i < AHEAD; i++) {
    if (ra->slots[i].state == READY) drop_tree(ra, &ra->slots[i]);
    pod_buf_free(&ra->slots[i].data);
  }
  cJSON_Delete(ra->taken);
  cJSON_Delete(ra->done);
  pthread_mutex_destroy(&ra->mu);
  pthread_cond_destroy(&ra->changed);
  free(ra);
}
