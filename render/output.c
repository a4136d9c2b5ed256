/*
** render/output.c -- writing the site so that readers never see half of
** it.
**
** States and the function that moves between them (the marker and the
** checks on it are in marker.c):
**   CURRENT  render_out_current (before OPEN): the live site's marker holds
**            the same render key (state.c), and every folder below the
**            site's top has the modification time the marker lists (a
**            file added or removed changes its folder's time), and the
**            top as many entries: nothing is rendered at all. Checking
**            the folders' times instead of counting 50,000 files keeps a
**            no-change render within 2% of a full one.
**   OPEN     render_out_open: resolves the target (a symlink to its
**            folder, a trailing slash away), checks it is ours to replace
**            (absent, empty, or holding our marker file) and holds nothing
**            podium did not write: the registry and its -wal/-shm/-journal,
**            the project file, the content and template folders anywhere
**            below it are refused. Removes TARGET.tmp-PID trees of renders
**            that were killed (they hold our marker and their process is
**            gone), creates TARGET.tmp-PID with a marker in it.
**   WRITING  render_out_write/copy: files go into the temporary tree; each
**            is compared with the live site to count changes. A writer
**            thread does the file-system work while the caller renders
**            the next page; its first failure is returned by the next
**            write, or by commit (render_out_finish joins it).
**   STANDBY  render_out_use_standby (incremental renders, right after
**            OPEN): the tree the live site replaced, kept beside it as
**            .NAME.podium-prev, becomes the temporary tree instead of an
**            empty one, when its marker's folder times still hold and its
**            manifest has this render's base key. A page reused whose file
**            there already is the live one (incr.c: the same fingerprint
**            in both manifests) is left as it is: no link, no unlink, where
**            a new tree cost a link per page and the old tree's removal an
**            unlink (half of an incremental render's time). Every other
**            file is unlinked before it is written or linked (a file there
**            may be a hard link of a live page: never written in place;
**            but a download that begins as the live one, linked from no
**            other path: render_out_part_prefix), and at commit the files
**            no page wrote are removed (none when every file it held was
**            written again: then no walk of the tree either).
**   SWAPPED  render_out_commit: carries the entries a user put at the
**            live site's top into the new tree (carry_foreign), writes
**            the marker (render key, file count, podium's own top
**            entries), then renameat2(RENAME_EXCHANGE) swaps the two
**            trees in one step; the old one (now at the temporary path)
**            becomes the standby when the new site reused pages from it
**            (it is mostly hard links of the new one), else it is
**            removed. With no change, the temporary tree is kept as the
**            standby (or removed) instead, and only the live site's
**            marker is renamed over when its key changed.
**   ABORTED  render_out_abort (any failure): the temporary tree is removed;
**            the live site was never touched.
** Every path is built with out_join(): one that does not fit in PATH_MAX is
** an error naming it, never a cut name (two pages would share it).
*/
#define _GNU_SOURCE
#include "render/render_int.h"
#include "render/incr.h"
#include "render/output_int.h"
#include "core/fs.h"
#include "core/hash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STANDBY ".podium-prev"  /* .NAME.podium-prev beside the site */
#define QUEUE_MAX (1u << 20)    /* bytes waiting for the writer: 8 MB were
                                ** a quarter of a 10,000-run render's heap
                                ** at its peak; 1 MB (~40 run pages) keeps
                                ** the writer as busy */
#define QUEUE_MAX_FEW (16u << 20)
#define MADE_DIRS 64            /* folders remembered (round robin) */
#define WAKE_FILES 32           /* an idle writer is woken for this many */
#define WAKE_BYTES (256u << 10) /* ... or this many bytes */

/* Paths (relative to the tree) by a 64-bit hash of each: two paths
** sharing one (1 in ~10^9 at 200,000 files) would count as one. */
typedef struct rel_set {
  uint64_t *slot;   /* 0: empty */
  size_t n, cap;
} rel_set;

/* A job is one block with its path after it, and its data too when
** small (a page reused, a range: 40,000 jobs after one new run were
** three mallocs each). */
#define JOB_INLINE 64

typedef struct job {
  struct job *next;
  char *rel;      /* in the job's block */
  char *data;     /* in the job's block, or own */
  char *own;      /* data's own block (big, or taken), freed with it */
  size_t n;
  int part;       /* PART_* (render_out_part), or PART_WHOLE */
} job;

/* A file written whole, or in parts: the first creates it, the others
** append, and the last is when it counts as written. */
enum { PART_WHOLE, PART_FIRST, PART_MORE, PART_LAST, PART_LINK, PART_COPY,
       PART_PREFIX };

/* What a PART_PREFIX job carries (render_out_part_prefix). */
typedef struct prefix_job {
  uint64_t n, same, was;
} prefix_job;

struct render_out {
  char *target;
  char *tmp;
  char key[65];     /* "" when the binary could not be hashed */
  /* folders made already: pages come folder by folder and language by
  ** language (a run's page in each language in turn), and a mkdir -p per
  ** file was five failing mkdir calls each */
  char *made[MADE_DIRS];
  int n_made;
  int intact;   /* no file added or removed below the live site's top
                ** since its marker (live_intact): render_out_live trusts
                ** the manifest there instead of a stat per page */
  /* the writer thread; everything below mu is shared with it */
  pthread_t thread;
  int started;
  pthread_mutex_t mu;
  pthread_cond_t work, room;
  job *head, *tail;
  size_t queued;
  int n_queued;       /* files in the queue */
  uint64_t backlog;   /* bytes to write or copy in the queue */
  int idle;           /* the writer waits for work */
  int closing;
  int rc;             /* the writer's first failure, its message in werr */
  char werr[POD_ERRLEN];
  long written, changed;
  long reused;      /* files linked from the live site (render_out_reuse) */
  long old_files;   /* files in the live site before, marker excluded */
  int stale;        /* temporary trees of killed renders removed */
  /* the standby being updated (render_out_use_standby): prev says which
  ** of its files are the live pages; seen holds the hash of each rel
  ** written this render (the writer's), so that the rest go at commit */
  int standby;
  const render_incr *prev;
  rel_set seen;
  long kept;        /* reused pages the standby already held */
  /* what spares the walk of the whole tree at commit when every file
  ** the standby held was written again (a render that only adds pages):
  ** its file count, how many of this render's files were there already,
  ** and its folders (its marker's, then those made: NUL after each) */
  long standby_files;
  long standby_hits;
  int standby_odd;  /* a folder removed where a page goes: walk */
  rel_set dir_seen;
  pod_buf dirs;
};

static void *writer(void *ud);

/* What the next render reads of a site (board_keep.c, download_keep.c,
** incr.c's manifest, last: the file that says the key) */
static const char *const bookkeeping[] = {RENDER_BOARDS, RENDER_DOWNLOADS,
                                          RENDER_VALUES, RENDER_MANIFEST};
#define N_BOOKKEEPING 4

/* ---- the files written this render (standby only) ---------------------- */

static uint64_t rel_hash(const char *rel) {
  uint64_t h = pod_hash64(rel, strlen(rel), 0);
  return h ? h : 1;   /* 0 marks an empty slot */
}

/* Room for n hashes at once (the standby's files: grown from 4,096 by
** doubling, a 40,000-page site's set was five copies of it). */
static void set_size(rel_set *set, size_t n) {
  size_t cap = 4096;
  if (set->cap) return;
  while (2 * cap < 3 * n) cap *= 2;
  set->slot = pod_xcalloc(cap, sizeof *set->slot);
  set->cap = cap;
}

/* 1 when rel was not in set before (and is now). For the files written:
** a collision would leave a stale file in the site and count one page
** once, never lose a page. */
static int set_add(rel_set *set, const char *rel) {
  uint64_t h = rel_hash(rel);
  size_t k;
  if (3 * (set->n + 1) > 2 * set->cap) {   /* at most 2/3 full */
    size_t cap = set->cap ? 2 * set->cap : 4096;
    uint64_t *t = pod_xmalloc(cap * sizeof *t);
    memset(t, 0, cap * sizeof *t);
    for (size_t i = 0; i < set->cap; i++)
      if (set->slot[i]) {
        for (k = set->slot[i] & (cap - 1); t[k]; k = (k + 1) & (cap - 1)) {}
        t[k] = set->slot[i];
      }
    free(set->slot);
    set->slot = t;
    set->cap = cap;
  }
  for (k = h & (set->cap - 1); set->slot[k]; k = (k + 1) & (set->cap - 1))
    if (set->slot[k] == h) return 0;
  set->slot[k] = h;
  set->n++;
  return 1;
}

static int set_has(const rel_set *set, const char *rel) {
  uint64_t h = rel_hash(rel);
  if (!set->cap) return 0;
  for (size_t k = h & (set->cap - 1); set->slot[k]; k = (k + 1) & (set->cap - 1))
    if (set->slot[k] == h) return 1;
  return 0;
}

/* Notes a folder of the standby (rel below its top) and the folders
** above it, once each. */
static void note_dir(render_out *o, const char *rel) {
  char up[PATH_MAX];
  snprintf(up, sizeof up, "%s", rel);
  for (char *slash = up;; slash++) {
    slash = strchr(slash, '/');
    if (slash) *slash = '\0';
    if (*up && set_add(&o->dir_seen, up)) pod_buf_add(&o->dirs, up, strlen(up) + 1);
    if (!slash) return;
    *slash = '/';
  }
}

/* The standby's path: .NAME.podium-prev in the site's folder. */
static int standby_path(const char *t, char out[PATH_MAX]) {
  const char *slash = strrchr(t, '/');
  int n = slash ? snprintf(out, PATH_MAX, "%.*s/.%s" STANDBY,
                           (int)(slash - t), t, slash + 1)
                : snprintf(out, PATH_MAX, ".%s" STANDBY, t);
  return n > 0 && n < PATH_MAX;
}

static int is_empty_dir(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int empty = 1;
  if (!d) return 0;
  while (empty && (e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) empty = 0;
  closedir(d);
  return empty;
}

/* Where p is: its folder's real path joined with its last part (a
** symlink stays itself), trailing slashes dropped; p as given (without
** them) when its folder does not exist. */
static void locate(const char *p, char out[PATH_MAX]) {
  char parent[PATH_MAX], own[PATH_MAX];
  size_t n = strlen(p);
  const char *slash, *base;
  while (n > 1 && p[n - 1] == '/') n--;
  snprintf(own, sizeof own, "%.*s", (int)n, p);
  slash = strrchr(own, '/');
  base = slash ? slash + 1 : own;
  if (!slash) snprintf(parent, sizeof parent, ".");
  else if (slash == own) snprintf(parent, sizeof parent, "/");
  else snprintf(parent, sizeof parent, "%.*s", (int)(slash - own), own);
  if (!*base || !strcmp(base, ".") || !strcmp(base, "..") ||
      !realpath(parent, out)) {
    if (!realpath(own, out)) snprintf(out, PATH_MAX, "%s", own);
    return;
  }
  n = strlen(out);
  snprintf(out + n, PATH_MAX - n, "%s%s", n > 1 ? "/" : "", base);
}

/* What p is: located, then a symlink followed to where it points. */
static void resolve(const char *p, char out[PATH_MAX]) {
  char at[PATH_MAX];
  locate(p, at);
  if (!realpath(at, out)) snprintf(out, PATH_MAX, "%s", at);
}

/* 1 when p is dir or below it. */
static int below(const char *p, const char *dir) {
  size_t n = strlen(dir);
  if (!strcmp(dir, "/")) return 1;
  return !strncmp(p, dir, n) && (p[n] == '/' || p[n] == '\0');
}

/* POD_EINPUT when what (where it is, or where it points) lies in t. */
static int keep_out(const char *t, const char *target, const char *what,
                    const char *path, char err[POD_ERRLEN]) {
  char at[PATH_MAX], real[PATH_MAX];
  if (!path || !*path) return POD_OK;
  locate(path, at);
  resolve(path, real);
  if (below(at, t) || below(real, t))
    return pod_err(err, POD_EINPUT, "%s: refusing to render over a folder "
                   "that holds %s %s (the new site would replace it); "
                   "choose another --out", target, what, path);
  return POD_OK;
}

/* Whether target is ours to replace: nothing podium did not write below
** it (t is its resolved path). */
static int refuse(const char *t, const char *target, const render_opts *opts,
                  char err[POD_ERRLEN]) {
  char other[PATH_MAX];
  const char *home = getenv("HOME");
  static const char *const db_files[] = {"", "-wal", "-shm", "-journal"};
  int rc;
  if (!strcmp(t, "/"))
    return pod_err(err, POD_EINPUT, "%s: refusing to render over /", target);
  if (home && *home && realpath(home, other) && !strcmp(t, other))
    return pod_err(err, POD_EINPUT, "%s: refusing to render over $HOME",
                   target);
  if (opts->db_path && *opts->db_path) {
    char db[PATH_MAX];
    locate(opts->db_path, db);
    char *slash = strrchr(db, '/');
    if (slash) *slash = '\0';
    if (!strcmp(t, *db ? db : "/"))
      return pod_err(err, POD_EINPUT, "%s: refusing to render over the "
                     "folder that holds the registry %s", target,
                     opts->db_path);
    for (int i = 0; i < 4; i++) {
      snprintf(other, sizeof other, "%s%s", opts->db_path, db_files[i]);
      if ((rc = keep_out(t, target, "the registry", other, err))) return rc;
    }
  }
  if ((opts->project &&
       (rc = keep_out(t, target, "the project file", opts->project->path,
                      err))) ||
      (rc = keep_out(t, target, "the course pages", opts->content_dir, err)) ||
      (rc = keep_out(t, target, "the templates", opts->templates_dir, err)))
    return rc;
  if (pod_exists(t)) {
    char marker[PATH_MAX];
    if (!pod_is_dir(t))
      return pod_err(err, POD_EINPUT, "%s: found a file, expected a folder "
                     "podium rendered (or none)", target);
    if ((rc = out_join(marker, t, OUT_MARKER, err))) return rc;
    if (!pod_exists(marker) && !is_empty_dir(t))
      return pod_err(err, POD_EINPUT, "%s: refusing to replace a folder "
                     "podium did not create (no %s in it)", target, OUT_MARKER);
  }
  return POD_OK;
}

/* Removes base.tmp-PID trees beside the target whose render was killed:
** they hold our marker and no process PID is running (one that is, or
** that we may not signal, is left alone). Returns how many went. */
static int remove_stale(const char *t) {
  char parent[PATH_MAX], prefix[NAME_MAX + 8];
  const char *slash = strrchr(t, '/');
  DIR *d;
  struct dirent *e;
  int n = 0;
  if (!slash) return 0;
  snprintf(parent, sizeof parent, "%.*s", slash == t ? 1 : (int)(slash - t), t);
  snprintf(prefix, sizeof prefix, "%s.tmp-", slash + 1);
  if (!(d = opendir(parent))) return 0;
  while ((e = readdir(d))) {
    char path[PATH_MAX], marker[PATH_MAX], ignored[POD_ERRLEN], *end;
    size_t np = strlen(prefix);
    if (strncmp(e->d_name, prefix, np) || !e->d_name[np]) continue;
    long pid = strtol(e->d_name + np, &end, 10);
    if (*end || pid <= 0 || pid == (long)getpid()) continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
    if (out_join(path, parent, e->d_name, ignored) ||
        out_join(marker, path, OUT_MARKER, ignored) || !pod_exists(marker))
      continue;
    if (pod_rmtree(path, ignored) == POD_OK) n++;
  }
  closedir(d);
  return n;
}

/* Writes dir's marker whole under another name and renames it over the
** old one: a tree is never without one (remove_stale keys on it), and a
** standby's, maybe a hard link, is never written in place. */
static int put_marker(const char *dir, const char *text, size_t n,
                      char err[POD_ERRLEN]) {
  char marker[PATH_MAX], fresh[PATH_MAX];
  int rc;
  if ((rc = out_join(marker, dir, OUT_MARKER, err)) ||
      (rc = out_join(fresh, dir, OUT_MARKER ".new", err)))
    return rc;
  unlink(fresh);
  if ((rc = pod_file_write(fresh, text, n, err)) ||
      (rc = pod_rename(fresh, marker, err)))
    unlink(fresh);
  return rc;
}

/* The marker of a temporary tree, naming this process (a killed
** render's tree is removed by the next: remove_stale). */
static int tmp_marker(const char *tmp, char err[POD_ERRLEN]) {
  char note[64];
  snprintf(note, sizeof note, "podium\ntemporary %ld\n", (long)getpid());
  return put_marker(tmp, note, strlen(note), err);
}

/* A new temporary tree at tmp, empty but for its marker. */
static int new_tmp(const char *tmp, char err[POD_ERRLEN]) {
  int rc;
  if ((rc = pod_rmtree(tmp, err)) || (rc = pod_mkdirs(tmp, err)) ||
      (rc = tmp_marker(tmp, err))) {
    char ignored[POD_ERRLEN];
    pod_rmtree(tmp, ignored);
  }
  return rc;
}

int render_out_sweep(const char *target) {
  char t[PATH_MAX];
  resolve(target, t);
  return remove_stale(t);
}

int render_out_open(const render_opts *opts, const char *key,
                    render_out **out, char err[POD_ERRLEN]) {
  render_out *o;
  char t[PATH_MAX], tmp[PATH_MAX];
  int rc, n, stale;
  *out = NULL;
  resolve(opts->out_dir, t);   /* a symlink's folder; no trailing slash */
  if ((rc = refuse(t, opts->out_dir, opts, err))) return rc;
  n = snprintf(tmp, sizeof tmp, "%s.tmp-%ld", t, (long)getpid());
  if (n >= (int)sizeof tmp)
    return pod_err(err, POD_EINPUT, "%s: path too long (%d bytes with "
                   ".tmp-PID, the system allows %d)", opts->out_dir, n,
                   PATH_MAX - 1);
  stale = remove_stale(t);
  if ((rc = new_tmp(tmp, err))) return rc;
  o = pod_xmalloc(sizeof *o);
  memset(o, 0, sizeof *o);
  o->target = pod_xstrdup(t);
  o->tmp = pod_xstrdup(tmp);
  o->stale = stale;
  /* an intact live site's marker says how many files it has: counting
  ** them read every folder (a few % of a render after one new run); and
  ** such a site is intact for render_out_live without a second look */
  if ((o->old_files = out_intact_files(t)) >= 0) {
    o->intact = 1;
  } else {
    o->old_files = out_count_files(t);
    o->intact = out_live_intact(t);
  }
  snprintf(o->key, sizeof o->key, "%s", key);
  pthread_mutex_init(&o->mu, NULL);
  pthread_cond_init(&o->work, NULL);
  pthread_cond_init(&o->room, NULL);
  /* without the thread, writes happen as they come (under mu: several
  ** render threads may write) */
  o->started = pthread_create(&o->thread, NULL, writer, o) == 0;
  *out = o;
  return POD_OK;
}

/* The folders of the standby, from its marker (intact: each is there). */
static int standby_dirs(render_out *o) {
  char marker[PATH_MAX], rel[PATH_MAX], ignored[POD_ERRLEN];
  pod_buf text = POD_BUF_INIT;
  int rc = out_join(marker, o->tmp, OUT_MARKER, ignored);
  if (rc == POD_OK) rc = pod_file_read(marker, &text, ignored);
  for (const char *p = text.data ? strstr(text.data, "\ndir ") : NULL;
       rc == POD_OK && p; p = strstr(p + 1, "\ndir ")) {
    if (sscanf(p + 5, "%*[0-9.] %4095[^\n]", rel) != 1) rc = POD_EINPUT;
    else note_dir(o, rel);
  }
  pod_buf_free(&text);
  return rc;
}

/* ---- files a user put at the site's top --------------------------------
** A render replaces the whole tree, so a CNAME, .nojekyll or robots.txt
** put beside index.html went with the next render. The marker lists the
** top entries podium wrote ("own NAME"); an entry of the live site's top
** that is neither there nor in the new tree is the user's and is carried
** into the new tree: a file hard-linked, a folder made again with its
** files linked. What cannot be carried so (a symbolic link, a FIFO, a
** folder nested over CARRY_DEPTH, a name with a line break, a link the
** system refuses) stops the render with its name, the live site as it
** was: nothing of the user's is lost. The standby (the tree the live
** site replaced) drops what its marker does not list as podium's before
** it is updated (standby_drop_foreign), so a user's file deleted or
** replaced since never comes back from it. Below the top, a file podium
** did not write cannot be told from a page that is no more (no list of
** every file): it is not kept (README.md). A marker of an older podium
** lists no own entries: nothing is carried that once, and its standby
** is not used. */
#define CARRY_DEPTH 16

/* Whether name is podium's by its name alone: the marker and whatever
** a render keeps beside its pages (.podium-*, their .new files). */
static int podium_name(const char *name) {
  return !strcmp(name, ".") || !strcmp(name, "..") ||
         !strncmp(name, ".podium-", 8);
}

/* Whether the marker text lists name as one of podium's top entries. */
static int own_entry(const char *marker, const char *name) {
  size_t n = strlen(name);
  for (const char *p = strstr(marker, "\nown "); p; p = strstr(p + 1, "\nown "))
    if (!strncmp(p + 5, name, n) && p[5 + n] == '\n') return 1;
  return 0;
}

/* Reads the marker of the tree at dir into text; 1 when it lists its
** own top entries (a marker of an older podium lists none). */
static int own_marker(const char *dir, pod_buf *text) {
  char marker[PATH_MAX], ignored[POD_ERRLEN];
  return out_join(marker, dir, OUT_MARKER, ignored) == POD_OK &&
         pod_file_read(marker, text, ignored) == POD_OK &&
         strstr(pod_buf_str(text), "\nown ") != NULL;
}

/* Appends "own NAME" for each top entry of the tree at dir (before any
** is carried into it): the marker's list of what podium writes there. */
static void own_lines(const char *dir, pod_buf *marker) {
  DIR *d = opendir(dir);
  struct dirent *e;
  if (!d) return;
  while ((e = readdir(d)))
    if (!podium_name(e->d_name) && !strchr(e->d_name, '\n'))
      pod_buf_printf(marker, "own %s\n", e->d_name);
  closedir(d);
}

/* Removes the standby's top entries its marker does not list as
** podium's: the user's, carried into the tree it was, to be carried
** again from the live site as they are now. -1 when its marker lists
** none (an older podium's: it cannot be told). */
static int standby_drop_foreign(const char *tmp) {
  char child[PATH_MAX], ignored[POD_ERRLEN];
  pod_buf text = POD_BUF_INIT;
  DIR *d;
  struct dirent *e;
  if (!own_marker(tmp, &text) || !(d = opendir(tmp))) {
    pod_buf_free(&text);
    return -1;
  }
  while ((e = readdir(d)))
    if (!podium_name(e->d_name) && !own_entry(text.data, e->d_name) &&
        out_join(child, tmp, e->d_name, ignored) == POD_OK)
      pod_rmtree(child, ignored);   /* links: the live copies stay */
  closedir(d);
  pod_buf_free(&text);
  return 0;
}

/* Carries from (a regular file: linked; a folder: made, its entries
** carried) to to. POD_OK, or an error naming what could not be. */
static int carry_entry(const char *from, const char *to, int depth,
                       char err[POD_ERRLEN]) {
  struct stat st;
  if (lstat(from, &st))
    return pod_err(err, POD_EIO, "%s: cannot keep it: %s", from,
                   strerror(errno));
  if (S_ISREG(st.st_mode)) {
    if (link(from, to) == 0) return POD_OK;
    return pod_err(err, POD_EIO, "%s: cannot keep it in the new site (link: "
                   "%s); move it out of the site folder", from,
                   strerror(errno));
  }
  if (!S_ISDIR(st.st_mode))
    return pod_err(err, POD_EINPUT, "%s: found %s podium did not write, "
                   "expected files and folders (a render replaces the site "
                   "folder: move it out)", from,
                   S_ISLNK(st.st_mode) ? "a symbolic link" : "a special file");
  if (depth > CARRY_DEPTH)
    return pod_err(err, POD_EINPUT, "%s: found folders nested over %d deep "
                   "podium did not write, expected fewer (move them out of "
                   "the site folder)", from, CARRY_DEPTH);
  DIR *d;
  struct dirent *e;
  int rc = POD_OK;
  if (mkdir(to, 0700) != 0 || !(d = opendir(from)))
    return pod_err(err, POD_EIO, "%s: cannot keep it: %s", from,
                   strerror(errno));
  while (rc == POD_OK && (e = readdir(d))) {
    char a[PATH_MAX], b[PATH_MAX];
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if ((rc = out_join(a, from, e->d_name, err)) == POD_OK &&
        (rc = out_join(b, to, e->d_name, err)) == POD_OK)
      rc = carry_entry(a, b, depth + 1, err);
  }
  closedir(d);
  if (rc == POD_OK) chmod(to, st.st_mode & 07777);   /* after its links */
  return rc;
}

/* Carries the user's top entries of the live site into o->tmp; how many
** in *n, their names in *names ("CNAME, robots.txt"). */
static int carry_foreign(render_out *o, long *n, pod_buf *names,
                         char err[POD_ERRLEN]) {
  pod_buf text = POD_BUF_INIT;
  DIR *d;
  struct dirent *e;
  int rc = POD_OK;
  *n = 0;
  if (!own_marker(o->target, &text) || !(d = opendir(o->target))) {
    pod_buf_free(&text);
    return POD_OK;
  }
  while (rc == POD_OK && (e = readdir(d))) {
    char from[PATH_MAX], to[PATH_MAX];
    if (podium_name(e->d_name) || own_entry(text.data, e->d_name)) continue;
    if (strchr(e->d_name, '\n')) {
      rc = pod_err(err, POD_EINPUT, "%s: found an entry whose name holds a "
                   "line break, expected names podium can list (move it "
                   "out of the site folder)", o->target);
      break;
    }
    if ((rc = out_join(from, o->target, e->d_name, err)) ||
        (rc = out_join(to, o->tmp, e->d_name, err)))
      break;
    if (pod_exists(to)) continue;   /* a page podium writes now wins */
    if ((rc = carry_entry(from, to, 0, err)) == POD_OK)
      pod_buf_printf(names, "%s%s", (*n)++ ? ", " : "", e->d_name);
  }
  closedir(d);
  pod_buf_free(&text);
  return rc;
}

int render_out_use_standby(render_out *o, render_incr *in,
                           char err[POD_ERRLEN]) {
  char standby[PATH_MAX], ignored[POD_ERRLEN];
  /* a folder there that podium did not make, or may not change, is left
  ** alone: no standby this time */
  if (!standby_path(o->target, standby) || !out_tree_ours(standby))
    return POD_OK;
  if (!render_incr_reusing(in)) {   /* a full render: of no use */
    pod_rmtree(standby, ignored);
    return POD_OK;
  }
  /* taken first (one rename: another render cannot take it too), then
  ** checked: what is checked is what is used. Nothing is written yet:
  ** the empty tree makes way. */
  if (pod_rmtree(o->tmp, ignored) != POD_OK ||
      pod_rename(standby, o->tmp, ignored) != POD_OK)
    return new_tmp(o->tmp, err);
  /* of no use (another base key, touched by hand), or its marker cannot
  ** be written: a new tree */
  if ((o->standby_files = out_intact_files(o->tmp)) < 0 ||
      standby_drop_foreign(o->tmp) != 0 ||
      !render_incr_load_prev(in, o->tmp) || standby_dirs(o) != POD_OK ||
      tmp_marker(o->tmp, ignored) != POD_OK) {
    render_incr_load_prev(in, NULL);
    return new_tmp(o->tmp, err);
  }
  set_size(&o->seen, (size_t)o->standby_files);
  o->standby = 1;
  o->prev = in;
  return POD_OK;
}

/* Removes the files below root/rel that this render did not write, and
** the folders left empty (the standby's pages that are no more). */
static void sweep_unseen(render_out *o, const char *root, const char *rel) {
  char ignored[POD_ERRLEN];
  DIR *d;
  struct dirent *e;
  if (!(d = out_open_below(root, rel))) return;
  while ((e = readdir(d))) {
    char sub[PATH_MAX], child[PATH_MAX];
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
        (!*rel && !strcmp(e->d_name, OUT_MARKER)))
      continue;
    if (*rel ? out_join(sub, rel, e->d_name, ignored)
             : snprintf(sub, sizeof sub, "%s", e->d_name) >= PATH_MAX)
      continue;
    if (out_join(child, root, sub, ignored)) continue;
    if (e->d_type == DT_DIR || (e->d_type == DT_UNKNOWN && out_is_dir(child))) {
      sweep_unseen(o, root, sub);
      rmdir(child);   /* when it is empty now */
    } else if (!set_has(&o->seen, sub)) {
      unlink(child);
    }
  }
  closedir(d);
}

/* Makes the folder of path unless it was made already. */
static int made_dir(render_out *o, const char *path, const char *slash,
                    char err[POD_ERRLEN]) {
  char dir[PATH_MAX];
  int rc, k = 0, known = o->n_made < MADE_DIRS ? o->n_made : MADE_DIRS;
  snprintf(dir, sizeof dir, "%.*s", (int)(strlen(path) - strlen(slash)),
           path);
  while (k < known && strcmp(o->made[k], dir)) k++;
  if (k < known) return POD_OK;
  if ((rc = pod_mkdirs(dir, err))) return rc;
  if (o->standby) note_dir(o, dir + strlen(o->tmp) + 1);
  k = o->n_made++ % MADE_DIRS;
  free(o->made[k]);
  o->made[k] = pod_xstrdup(dir);
  return POD_OK;
}

/* 1 when the standby's file at path is p->was bytes long and linked
** from no other path (so not from the live site), and is now cut to the
** p->same bytes it shares with the live file. */
static int prefix_in_place(const char *path, const prefix_job *p) {
  struct stat st;
  int fd, ok;
  if (!p->same || p->same > p->n || p->same > p->was ||
      (fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0)
    return 0;
  ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
       (uint64_t)st.st_size == p->was && ftruncate(fd, (off_t)p->same) == 0;
  return close(fd) == 0 && ok;
}

/* Writes one file now (the writer thread, or the caller without one). */
static int write_now(render_out *o, const char *rel, const void *data,
                     size_t n, int part, char err[POD_ERRLEN]) {
  char path[PATH_MAX], live[PATH_MAX];
  const char *slash = strrchr(rel, '/');
  int rc, fresh = 1;
  /* the live path is shorter than the temporary one */
  if ((rc = out_join(path, o->tmp, rel, err)) ||
      (rc = out_join(live, o->target, rel, err)))
    return rc;
  if (part == PART_COPY) {   /* bytes of the live file, in the kernel */
    uint64_t at[2];
    memcpy(at, data, sizeof at);
    return pod_file_append_range(path, live, at[0], at[1], err);
  }
  if (part == PART_MORE || part == PART_LAST) {  /* made by its first part */
    if ((rc = pod_file_append(path, data, n, err))) return rc;
    /* the manifest in parts is bookkeeping, as whole (below) */
    if (part == PART_MORE || RENDER_BOOKKEEPING(rel)) return POD_OK;
    o->written++;
    if (!o->old_files || !pod_files_same(live, path)) o->changed++;
    return POD_OK;
  }
  if (o->standby) {
    fresh = set_add(&o->seen, rel);
    int counts = fresh && strcmp(rel, OUT_MARKER) && !RENDER_BOOKKEEPING(rel);
    if (part == PART_LINK && render_incr_prev_same(o->prev, rel)) {
      o->written++;   /* the standby's file is the live page already */
      o->reused++;
      o->kept++;
      o->standby_hits += counts;
      return POD_OK;
    }
    if (part == PART_PREFIX && fresh && prefix_in_place(path, data)) {
      const prefix_job *p = data;
      o->standby_hits += counts;
      return pod_file_append_range(path, live, p->same, p->n - p->same, err);
    }
    /* the standby's file may be a hard link of a live page: it goes
    ** before anything is written at its path (always: a path whose hash
    ** was seen is taken as written twice, never written in place); so
    ** does a folder of the standby's where the page goes */
    if (unlink(path) == 0) {
      o->standby_hits += counts;
    } else if (errno == ENOTDIR) {
      o->standby_odd = 1;   /* a file where a folder goes */
    } else if (errno != ENOENT) {
      if (errno != EISDIR)
        return pod_err(err, POD_EIO, "%s: cannot remove: %s", path,
                       strerror(errno));
      o->standby_odd = 1;
      if ((rc = pod_rmtree(path, err))) return rc;
    }
  }
  if (slash && (rc = made_dir(o, path, slash, err))) return rc;
  if (part == PART_LINK) {   /* the live site's file, unchanged */
    int again;   /* linked over a file of this render: count it once */
    if ((rc = pod_file_link(live, path, &again, err))) return rc;
    if (again || !fresh) return POD_OK;
    o->written++;
    o->reused++;
    return POD_OK;
  }
  int again;  /* written twice: count it once */
  if (part == PART_PREFIX) {   /* made empty, the live file's bytes in it */
    const prefix_job *p = data;
    if ((rc = pod_file_write_new(path, "", 0, &again, err))) return rc;
    return pod_file_append_range(path, live, 0, p->n, err);
  }
  if ((rc = pod_file_write_new(path, data, n, &again, err))) return rc;
  again |= !fresh;
  if (part == PART_FIRST || !strcmp(rel, OUT_MARKER) ||
      RENDER_BOOKKEEPING(rel) || again)
    return POD_OK;
  o->written++;
  if (!o->old_files || !pod_file_same(live, data, n)) o->changed++;
  return POD_OK;
}

/* Takes every queued file at once (one lock and one wake-up per batch,
** not per file: render threads and the writer contend for the lock). */
static void *writer(void *ud) {
  render_out *o = ud;
  char err[POD_ERRLEN];
  for (;;) {
    job *batch, *j;
    size_t bytes = 0;
    int rc;
    pthread_mutex_lock(&o->mu);
    o->idle = 1;
    while (!o->head && !o->closing) pthread_cond_wait(&o->work, &o->mu);
    o->idle = 0;
    if (!(batch = o->head)) {
      pthread_mutex_unlock(&o->mu);
      return NULL;
    }
    o->head = o->tail = NULL;
    o->n_queued = 0;
    o->backlog = 0;
    rc = o->rc;
    pthread_mutex_unlock(&o->mu);
    for (j = batch; j; j = j->next) {
      if (rc == POD_OK)
        rc = write_now(o, j->rel, j->data, j->n, j->part, err);
      bytes += j->n;
    }
    pthread_mutex_lock(&o->mu);
    if (rc && o->rc == POD_OK) {
      o->rc = rc;
      memcpy(o->werr, err, POD_ERRLEN);
    }
    o->queued -= bytes;
    pthread_cond_broadcast(&o->room);
    pthread_mutex_unlock(&o->mu);
    while (batch) {
      j = batch;
      batch = j->next;
      free(j->own);
      free(j);
    }
  }
}

/* Waits until every queued file is written and stops the writer; returns
** its first failure. */
static int render_out_finish(render_out *o, char err[POD_ERRLEN]) {
  if (!o->started) return POD_OK;
  pthread_mutex_lock(&o->mu);
  o->closing = 1;
  pthread_cond_signal(&o->work);
  pthread_mutex_unlock(&o->mu);
  pthread_join(o->thread, NULL);
  o->started = 0;
  if (o->rc) memcpy(err, o->werr, POD_ERRLEN);
  return o->rc;
}

/* take: data is a malloc'd block the queue takes (frees), not copies. */
static int queue(render_out *o, const char *rel, const void *data, size_t n,
                 int part, char *take, char err[POD_ERRLEN]) {
  job *j;
  int rc;
  if (!o->started) {
    pthread_mutex_lock(&o->mu);
    rc = write_now(o, rel, data, n, part, err);
    pthread_mutex_unlock(&o->mu);
    free(take);
    return rc;
  }
  size_t rel_len = strlen(rel) + 1, inline_n = !take && n <= JOB_INLINE ? n : 0;
  char *block;
  j = pod_xmalloc(sizeof *j + inline_n + rel_len);
  block = (char *)(j + 1);   /* aligned as j: data first (a range) */
  j->next = NULL;
  if (take) {
    j->data = j->own = take;
  } else if (n <= JOB_INLINE) {
    j->data = block;
    j->own = NULL;
    memcpy(block, data, n);
    block += n;
  } else {
    j->data = j->own = pod_xmalloc(n);
    memcpy(j->data, data, n);
  }
  j->rel = block;
  memcpy(j->rel, rel, rel_len);
  j->n = n;
  j->part = part;
  pthread_mutex_lock(&o->mu);
  /* updating a standby (after one new run), pages are few: the render
  ** threads go on while the writer copies the downloads' unchanged
  ** ranges (tens of MB: both threads waited ~40 ms for room) */
  while (o->queued > (o->standby ? QUEUE_MAX_FEW : QUEUE_MAX) && o->rc == POD_OK)
    pthread_cond_wait(&o->room, &o->mu);
  if ((rc = o->rc) == POD_OK) {
    if (o->tail) o->tail->next = j;
    else o->head = j;
    o->tail = j;
    o->queued += n;
    o->n_queued++;
    /* a range copied is work for the writer though its job is small: the
    ** unchanged runs' downloads (tens of MB) waited for 32 more files,
    ** then held up the end of a render after one new run */
    o->backlog += part == PART_COPY     ? ((const uint64_t *)data)[1]
                  : part == PART_PREFIX ? ((const prefix_job *)data)->n
                                        : n;
    /* a busy writer takes the queue when it is done; an idle one is woken
    ** for a batch, not for each page (a wake-up per page was ~5% of a
    ** render's CPU in futex calls and task switches) */
    if (o->idle && (o->n_queued >= WAKE_FILES || o->backlog >= WAKE_BYTES)) {
      o->idle = 0;
      pthread_cond_signal(&o->work);
    }
  } else {
    memcpy(err, o->werr, POD_ERRLEN);
  }
  pthread_mutex_unlock(&o->mu);
  if (rc) {
    free(j->own);
    free(j);
  }
  return rc;
}

int render_out_write(render_out *o, const char *rel, const void *data,
                     size_t n, char err[POD_ERRLEN]) {
  return queue(o, rel, data, n, PART_WHOLE, NULL, err);
}

int render_out_reuse(render_out *o, const char *rel, char err[POD_ERRLEN]) {
  return queue(o, rel, "", 0, PART_LINK, NULL, err);
}

int render_out_live(render_out *o, const char *rel) {
  char live[PATH_MAX], ignored[POD_ERRLEN];
  /* below a folder: there when its manifest says so (the top's files,
  ** whose folder time the marker does not keep, are looked at) */
  if (o->intact && strchr(rel, '/')) return 1;
  return out_join(live, o->target, rel, ignored) == POD_OK && pod_exists(live);
}

const char *render_out_target(const render_out *o) { return o->target; }

int render_out_part(render_out *o, const char *rel, const void *data,
                    size_t n, int first, int last, char err[POD_ERRLEN]) {
  int part = first && last ? PART_WHOLE : first ? PART_FIRST
             : last ? PART_LAST : PART_MORE;
  return queue(o, rel, data, n, part, NULL, err);
}

int render_out_part_take(render_out *o, const char *rel, pod_buf *b,
                         int first, int last, char err[POD_ERRLEN]) {
  int part = first && last ? PART_WHOLE : first ? PART_FIRST
             : last ? PART_LAST : PART_MORE;
  char *block = b->data;
  size_t n = b->len;
  b->data = NULL;   /* the queue's now: the part is not copied */
  b->len = b->cap = 0;
  return queue(o, rel, block ? block : "", n, part, block, err);
}

int render_out_part_prefix(render_out *o, const char *rel, uint64_t n,
                           uint64_t same, uint64_t was, char err[POD_ERRLEN]) {
  prefix_job p = {n, same, was};
  return queue(o, rel, &p, sizeof p, PART_PREFIX, NULL, err);
}

const char *render_out_standby(const render_out *o) {
  return o->standby ? o->tmp : NULL;
}

int render_out_part_copy(render_out *o, const char *rel, uint64_t at,
                         uint64_t n, char err[POD_ERRLEN]) {
  uint64_t range[2] = {at, n};
  return queue(o, rel, range, sizeof range, PART_COPY, NULL, err);
}

int render_out_copy(render_out *o, const char *src_dir, const char *rel_dir,
                    char err[POD_ERRLEN]) {
  DIR *d = opendir(src_dir);
  struct dirent *e;
  pod_buf data = POD_BUF_INIT;
  int rc = POD_OK;
  if (!d) return pod_err(err, POD_EIO, "%s: cannot open folder", src_dir);
  while (rc == POD_OK && (e = readdir(d))) {
    char from[PATH_MAX], rel[PATH_MAX];
    if (e->d_name[0] == '.') continue;
    if ((rc = out_join(from, src_dir, e->d_name, err)) ||
        (rc = out_join(rel, rel_dir, e->d_name, err)))
      break;
    if (pod_is_dir(from)) rc = render_out_copy(o, from, rel, err);
    else if ((rc = pod_file_read(from, &data, err)) == POD_OK)
      rc = render_out_write(o, rel, data.data, data.len, err);
  }
  closedir(d);
  pod_buf_free(&data);
  return rc;
}

static void out_free(render_out *o) {
  pthread_mutex_destroy(&o->mu);
  pthread_cond_destroy(&o->work);
  pthread_cond_destroy(&o->room);
  for (int k = 0; k < o->n_made && k < MADE_DIRS; k++) free(o->made[k]);
  free(o->seen.slot);
  free(o->dir_seen.slot);
  pod_buf_free(&o->dirs);
  free(o->target);
  free(o->tmp);
  free(o);
}

void render_out_abort(render_out *o) {
  char ignored[POD_ERRLEN];
  if (!o) return;
  render_out_finish(o, ignored);
  pod_rmtree(o->tmp, ignored);
  out_free(o);
}

/* A marker for the tree at o->tmp as it is, so that it can be checked
** as a standby (standby_intact). */
static int write_standby_marker(render_out *o) {
  char ignored[POD_ERRLEN];
  pod_buf text = POD_BUF_INIT;
  int rc;
  pod_buf_printf(&text, "podium\nkey %s\nfiles %ld\ntop %ld\n", o->key,
                 o->written, out_count_entries(o->tmp));
  out_folder_lines(o->tmp, &text);
  rc = put_marker(o->tmp, text.data, text.len, ignored);
  pod_buf_free(&text);
  return rc;
}

/* The old tree at o->tmp: kept as the standby when the new site took
** pages from it (mostly hard links of the new one: little room), else
** removed, with any older standby. Failing here loses nothing. */
static void keep_or_remove(render_out *o) {
  char standby[PATH_MAX], ignored[POD_ERRLEN];
  int ok = standby_path(o->target, standby);
  if (ok && pod_exists(standby)) {   /* only podium's own goes */
    if (out_tree_ours(standby)) pod_rmtree(standby, ignored);
    else ok = 0;
  }
  /* one the next render could not check (a file system keeping whole
  ** seconds: no folder times) would only take room */
  if (!ok || !o->reused || !out_tree_intact(o->tmp) ||
      pod_rename(o->tmp, standby, ignored) != POD_OK)
    pod_rmtree(o->tmp, ignored);
}

int render_out_commit(render_out *o, render_stats *stats,
                      char err[POD_ERRLEN]) {
  char from[PATH_MAX], to[PATH_MAX], ignored[POD_ERRLEN];
  pod_buf marker = POD_BUF_INIT;
  int rc = render_out_finish(o, err);
  stats->stale = o->stale;
  if (rc) {
    render_out_abort(o);
    return rc;
  }
  /* the standby's files that no page wrote are no more: none when each
  ** of its files was written again (then its folders are known too), but
  ** the bookkeeping files, which its count leaves out */
  int known = o->standby && !o->standby_odd &&
              o->standby_hits == o->standby_files;
  if (known) {
    for (int i = 0; i < N_BOOKKEEPING; i++)
      if (!set_has(&o->seen, bookkeeping[i]) &&
          out_join(from, o->tmp, bookkeeping[i], ignored) == POD_OK)
        unlink(from);
  } else if (o->standby) {
    sweep_unseen(o, o->tmp, "");
  }
  stats->pages = o->written;
  stats->changed = o->changed;
  stats->reused = o->reused;
  stats->kept = o->kept;
  stats->unchanged = o->changed == 0 && o->written == o->old_files &&
                     pod_is_dir(o->target);
  /* the marker: key, files, the top's entries (podium's own named) and
  ** the time of each folder of the tree that will be live
  ** (render_out_current); the user's top entries join the new tree */
  {
    pod_buf own = POD_BUF_INIT, names = POD_BUF_INIT;
    own_lines(o->tmp, &own);
    if (!stats->unchanged && pod_exists(o->target))
      rc = carry_foreign(o, &stats->carried, &names, err);
    snprintf(stats->carried_names, sizeof stats->carried_names, "%s",
             pod_buf_str(&names));
    pod_buf_free(&names);
    if (rc) {   /* nothing of the user's lost: the live site as it was */
      pod_buf_free(&own);
      pod_buf_free(&marker);
      render_out_abort(o);
      return rc;
    }
    pod_buf_printf(&marker, "podium\nkey %s\nfiles %ld\ntop %ld\n", o->key,
                   o->written,
                   out_count_entries(stats->unchanged ? o->target : o->tmp));
    pod_buf_add(&marker, own.data ? own.data : "", own.len);
    pod_buf_free(&own);
  }
  if (known && !stats->unchanged)
    out_folder_lines_of(o->tmp, o->dirs.data, o->dirs.len, &marker);
  else
    out_folder_lines(stats->unchanged ? o->target : o->tmp, &marker);
  if ((rc = write_now(o, OUT_MARKER, marker.data, marker.len, PART_WHOLE, err))) {
    pod_buf_free(&marker);
    render_out_abort(o);
    return rc;
  }
  if (stats->unchanged) {
    /* same pages from a new key (a template comment, a new binary): keep
    ** the site, remember the key */
    out_join(to, o->target, OUT_MARKER, err);   /* fits: written before */
    if (!pod_file_same(to, marker.data, marker.len))
      rc = put_marker(o->target, marker.data, marker.len, err);
    /* and what the next render reads of it (board_keep.c,
    ** download_keep.c) and the manifest of the new key (incr.c), when
    ** there is one: the manifest last, the file that says the key */
    for (int i = 0; i < N_BOOKKEEPING; i++) {
      out_join(from, o->tmp, bookkeeping[i], err);
      out_join(to, o->target, bookkeeping[i], err);
      if (rc == POD_OK && pod_exists(from) && !pod_files_same(from, to))
        rc = pod_rename(from, to, err);
    }
    pod_buf_free(&marker);
    render_out_finish(o, err);
    /* the updated standby holds the live pages: kept, with a marker of
    ** its own and the live manifest, else removed */
    if (rc == POD_OK && o->standby && pod_exists(from) &&
        write_standby_marker(o) == POD_OK)
      keep_or_remove(o);
    else
      pod_rmtree(o->tmp, ignored);
    out_free(o);
    return rc;
  }
  pod_buf_free(&marker);
  if (pod_exists(o->target)) rc = pod_exchange(o->tmp, o->target, err);
  else rc = pod_rename(o->tmp, o->target, err);
  if (rc) {
    render_out_abort(o);
    return rc;
  }
  keep_or_remove(o);
  out_free(o);
  return POD_OK;
}
