/*
** ingest/expand.c -- the files a list of files and folders stands for,
** in the order they go in.
**
** Folders are walked recursively (dotfiles and podium.json manifests left
** out); files named on the command line are kept as given. Symbolic
** links are followed as `find -L` does (a results folder on a cluster is
** often a link to /scratch), each file keeping the path under the folder
** named (top/link/run1/emissions.csv, not the link's target). A folder
** reached twice (a cycle, two links to it, a link and its own path) is
** walked once: every folder walked is remembered by device and inode,
** and links to folders are walked only after the folders reached without
** one, in path order, so a folder is listed under its own path rather
** than a `latest` link's, and the choice does not hang on readdir's
** order. A dangling link is listed like an unreadable file: ingest_file
** fails it, and ingest_cannot_open (here) says where it points.
**
** A transformers Trainer output folder holds, besides its final
** trainer_state.json, one per checkpoint-N/ folder: the same training's
** log history cut at step N. Ingested, each would be a run of its own (a
** run per folder), so one training would count as several repeats. So a
** checkpoint's trainer_state.json found by a walk is ignored (the CLI
** says why) when the folder above it has its own, or when a later
** checkpoint beside it has one: what is left is the whole training once.
** Named on the command line, it is read like any file.
**
** Owns: the list it returns (ingest_paths_free). Errors: POD_EINPUT with
** "path: reason".
*/
#include "ingest/ingest_int.h"
#include "core/fs.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct path_list {
  ingest_path *p;
  int n, cap;
} path_list;

static void list_add(path_list *l, const char *path, int from_folder) {
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 32;
    l->p = pod_xrealloc(l->p, (size_t)l->cap * sizeof *l->p);
  }
  l->p[l->n].path = pod_xstrdup(path);
  l->p[l->n].why_ignored = NULL;
  l->p[l->n].open_errno = 0;
  l->p[l->n++].from_folder = from_folder;
}

/* The folders walked, by device and inode (open addressing, at most half
** full), and the links to folders waiting for their turn. */
typedef struct folder_id {
  dev_t dev;
  ino_t ino;
  int used;
} folder_id;

typedef struct link_dir {
  char *path;
  int depth;
} link_dir;

typedef struct walker {
  path_list *l;
  folder_id *seen;
  size_t n_seen, cap_seen;
  link_dir *links;
  size_t n_links, cap_links;
} walker;

/* Adds dev/ino to the folders walked; 0 when it was there already. */
static int seen_add(walker *w, dev_t dev, ino_t ino) {
  uint64_t h = ((uint64_t)ino ^ ((uint64_t)dev << 40)) * 0x9E3779B97F4A7C15u;
  size_t i;
  if (2 * (w->n_seen + 1) > w->cap_seen) {
    folder_id *old = w->seen;
    size_t old_cap = w->cap_seen;
    w->cap_seen = old_cap ? 2 * old_cap : 64;
    w->seen = pod_xmalloc(w->cap_seen * sizeof *w->seen);
    memset(w->seen, 0, w->cap_seen * sizeof *w->seen);
    w->n_seen = 0;
    for (i = 0; i < old_cap; i++)
      if (old[i].used) seen_add(w, old[i].dev, old[i].ino);
    free(old);
  }
  i = (size_t)(h ^ h >> 32) & (w->cap_seen - 1);
  for (; w->seen[i].used; i = (i + 1) & (w->cap_seen - 1))
    if (w->seen[i].dev == dev && w->seen[i].ino == ino) return 0;
  w->seen[i].dev = dev;
  w->seen[i].ino = ino;
  w->seen[i].used = 1;
  w->n_seen++;
  return 1;
}

/* A symbolic link met in a walk: a folder waits its turn, a file is
** listed, and so is a link that leads nowhere under a name podium reads
** (ingest_file says so). */
static void follow_link(walker *w, const char *path, int depth) {
  struct stat st;
  if (stat(path, &st) != 0) {
    /* a dangling link fails where its name says podium would read it
    ** (ingest_file says where it points); any other is left out, as a
    ** link to a model's weights or a dead `latest` would be (review) */
    if (ingest_name_podium_reads(path)) list_add(w->l, path, 1);
  } else if (S_ISREG(st.st_mode)) {
    list_add(w->l, path, 1);
  } else if (S_ISDIR(st.st_mode)) {
    if (w->n_links == w->cap_links) {
      w->cap_links = w->cap_links ? 2 * w->cap_links : 16;
      w->links = pod_xrealloc(w->links, w->cap_links * sizeof *w->links);
    }
    w->links[w->n_links].path = pod_xstrdup(path);
    w->links[w->n_links++].depth = depth;
  }   /* a link to a FIFO, socket or device: left out, as they are */
}

static int walk(walker *w, const char *dir, int depth, char err[POD_ERRLEN]) {
  DIR *d;
  struct dirent *e;
  struct stat st;
  if (depth > 64)
    return pod_err(err, POD_EINPUT, "%s: folders nested too deep", dir);
  if (!(d = opendir(dir))) {
    /* a folder found inside the walk fails on its own, as an unreadable
    ** file does, and the others go in; the folder named is an error */
    if (depth == 0)
      return pod_err(err, POD_EINPUT, "%s: cannot open: %s", dir,
                     strerror(errno));
    list_add(w->l, dir, 1);
    w->l->p[w->l->n - 1].open_errno = errno ? errno : EIO;
    return POD_OK;
  }
  /* a folder walked before (through a link, or a cycle): once is enough */
  if (fstat(dirfd(d), &st) == 0 && !seen_add(w, st.st_dev, st.st_ino)) {
    closedir(d);
    return POD_OK;
  }
  while ((e = readdir(d))) {
    char child[4096];
    int type = e->d_type;
    if (e->d_name[0] == '.') continue;  /* dotfiles, . and .. */
    if (!strcmp(e->d_name, "podium.json")) continue;  /* a manifest */
    if ((size_t)snprintf(child, sizeof child, "%s/%s", dir, e->d_name) >=
        sizeof child) {   /* cut, it would name another file or none */
      size_t n = strlen(dir);   /* its end: the message must fit */
      pod_err(err, POD_EINPUT, "%s%s/%.40s: found a path over %zu bytes, "
              "expected a shorter one (a folder nested too deep or named "
              "too long)", n > 80 ? "..." : "", n > 80 ? dir + n - 80 : dir,
              e->d_name, sizeof child - 1);
      closedir(d);   /* after: e lives in d */
      return POD_EINPUT;
    }
    /* the entry's type as the folder gives it; lstat only where the file
    ** system does not say (two calls a folder of 10,000 experiment
    ** folders, issue 14) */
    if (type == DT_UNKNOWN) {
      if (lstat(child, &st) != 0) continue;
      type = S_ISDIR(st.st_mode)   ? DT_DIR
             : S_ISREG(st.st_mode) ? DT_REG
             : S_ISLNK(st.st_mode) ? DT_LNK
                                   : DT_UNKNOWN;
    }
    if (type == DT_DIR) {
      int rc = walk(w, child, depth + 1, err);
      if (rc) { closedir(d); return rc; }
    } else if (type == DT_REG) {
      list_add(w->l, child, 1);
    } else if (type == DT_LNK) {
      follow_link(w, child, depth + 1);
    }
  }
  closedir(d);
  return POD_OK;
}

static int link_order(const void *a, const void *b) {
  return strcmp(((const link_dir *)a)->path, ((const link_dir *)b)->path);
}

/* The links to folders the walks met, a round at a time (the links a
** round's folders hold wait for the next), each round in path order. */
static int walk_links(walker *w, char err[POD_ERRLEN]) {
  size_t done = 0;
  int rc = POD_OK;
  while (done < w->n_links && rc == POD_OK) {
    size_t end = w->n_links;
    qsort(w->links + done, end - done, sizeof *w->links, link_order);
    for (size_t i = done; i < end && rc == POD_OK; i++) {
      char *path = w->links[i].path;   /* walk may move w->links */
      rc = walk(w, path, w->links[i].depth, err);
    }
    done = end;
  }
  return rc;
}

int ingest_cannot_open(const char *path, char err[POD_ERRLEN]) {
  int e = errno;
  char to[1024];
  struct stat st;
  ssize_t n;
  if ((e == ENOENT || e == ENOTDIR || e == ELOOP) && lstat(path, &st) == 0 &&
      S_ISLNK(st.st_mode) && (n = readlink(path, to, sizeof to - 1)) >= 0) {
    to[n] = '\0';
    return pod_err(err, POD_EINPUT, "%s: cannot open: a symbolic link to "
                   "%s%s", path, to, e == ELOOP ? ", which leads back to "
                   "itself (a loop of links)" : " that does not exist");
  }
  return pod_err(err, POD_EINPUT, "%s: cannot open: %s", path, strerror(e));
}

/* Order: by folder, environment files first, then by name. */
static int path_order(const void *a, const void *b) {
  const char *pa = ((const ingest_path *)a)->path;
  const char *pb = ((const ingest_path *)b)->path;
  const char *sa = strrchr(pa, '/'), *sb = strrchr(pb, '/');
  size_t da = sa ? (size_t)(sa - pa) : 0, db = sb ? (size_t)(sb - pb) : 0;
  int c = strncmp(pa, pb, da < db ? da : db);
  if (c || da != db) return c ? c : (da < db ? -1 : 1);
  int ea = strstr(pa + da, "env_info") != NULL;
  int eb = strstr(pb + db, "env_info") != NULL;
  if (ea != eb) return eb - ea;
  return strcmp(pa, pb);
}

/* N when path is <dir>/checkpoint-N/trainer_state.json (dir's length in
** *dir_len), else -1. <dir>/last-checkpoint/ (the Trainer's
** hub_strategy="checkpoint" copy of its latest checkpoint) counts as the
** latest of all. */
#define LAST_CHECKPOINT 1000000000L   /* above any step checkpoint_of reads */
static long checkpoint_of(const char *path, size_t *dir_len) {
  static const char state[] = "/trainer_state.json";
  size_t n = strlen(path), k = sizeof state - 1;
  const char *end, *name;
  long step = 0;
  if (n <= k || strcmp(path + n - k, state)) return -1;
  end = path + n - k;
  for (name = end; name > path && name[-1] != '/'; name--) continue;
  if (name != path && end - name == 15 && !strncmp(name, "last-checkpoint", 15)) {
    *dir_len = (size_t)(name - 1 - path);
    return LAST_CHECKPOINT;
  }
  if (name == path || strncmp(name, "checkpoint-", 11) || name + 11 == end)
    return -1;
  for (const char *c = name + 11; c < end; c++) {
    if (*c < '0' || *c > '9' || step > 100000000) return -1;
    step = step * 10 + (*c - '0');
  }
  *dir_len = (size_t)(name - 1 - path);
  return step;
}

static void ignore_checkpoints(ingest_path *p, int n) {
  for (int i = 0; i < n; i++) {
    size_t dl, dl2;
    long step = p[i].from_folder ? checkpoint_of(p[i].path, &dl) : -1;
    char above[4096];
    struct stat st;
    if (step < 0) continue;
    snprintf(above, sizeof above, "%.*s/trainer_state.json", (int)dl, p[i].path);
    if (stat(above, &st) == 0) {
      p[i].why_ignored = "a checkpoint: the trainer_state.json in the "
                         "folder above holds the whole training";
      continue;
    }
    for (int j = 0; j < n; j++) {
      long other = p[j].from_folder ? checkpoint_of(p[j].path, &dl2) : -1;
      if (other > step && dl2 == dl && !strncmp(p[j].path, p[i].path, dl)) {
        p[i].why_ignored = "a checkpoint: a later checkpoint beside it "
                           "holds more of the same training";
        break;
      }
    }
  }
}

int ingest_expand(const char *const *args, int n_args, ingest_path **out,
                  int *out_n, char err[POD_ERRLEN]) {
  path_list l = {0};
  walker w = {0};
  int rc = POD_OK;
  w.l = &l;
  for (int i = 0; i < n_args && rc == POD_OK; i++) {
    char clean[4096];
    size_t len = strlen(args[i]);
    snprintf(clean, sizeof clean, "%s", args[i]);
    while (len > 1 && clean[len - 1] == '/') clean[--len] = '\0';
    if (pod_is_dir(clean)) rc = walk(&w, clean, 0, err);
    else list_add(&l, clean, 0);
  }
  if (rc == POD_OK) rc = walk_links(&w, err);
  for (size_t i = 0; i < w.n_links; i++) free(w.links[i].path);
  free(w.links);
  free(w.seen);
  if (rc) {
    ingest_paths_free(l.p, l.n);
    return rc;
  }
  if (l.n) qsort(l.p, (size_t)l.n, sizeof *l.p, path_order);  /* not NULL */
  ignore_checkpoints(l.p, l.n);
  *out = l.p;
  *out_n = l.n;
  return POD_OK;
}

void ingest_paths_free(ingest_path *paths, int n) {
  for (int i = 0; i < n; i++) free(paths[i].path);
  free(paths);
}
