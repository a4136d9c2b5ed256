/*
** ingest/expand.c -- the files a list of files and folders stands for,
** in the order they go in.
**
** Folders are walked recursively (dotfiles and podium.json manifests left
** out); files named on the command line are kept as given.
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
#include "ingest/ingest.h"
#include "core/fs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
  l->p[l->n++].from_folder = from_folder;
}

static int walk(const char *dir, path_list *l, int depth,
                char err[POD_ERRLEN]) {
  DIR *d;
  struct dirent *e;
  if (depth > 64)
    return pod_err(err, POD_EINPUT, "%s: folders nested too deep", dir);
  if (!(d = opendir(dir)))
    return pod_err(err, POD_EINPUT, "%s: cannot open: %s", dir,
                   strerror(errno));
  while ((e = readdir(d))) {
    char child[4096];
    struct stat st;
    int is_dir = e->d_type == DT_DIR, is_reg = e->d_type == DT_REG;
    if (e->d_name[0] == '.') continue;  /* dotfiles, . and .. */
    if (!strcmp(e->d_name, "podium.json")) continue;  /* a manifest */
    snprintf(child, sizeof child, "%s/%s", dir, e->d_name);
    /* the entry's type as the folder gives it (a symbolic link is
    ** neither); lstat only where the file system does not say (two
    ** calls a folder of 10,000 experiment folders, issue 14) */
    if (e->d_type == DT_UNKNOWN) {
      if (lstat(child, &st) != 0) continue;
      is_dir = S_ISDIR(st.st_mode);
      is_reg = S_ISREG(st.st_mode);
    }
    if (is_dir) {
      int rc = walk(child, l, depth + 1, err);
      if (rc) { closedir(d); return rc; }
    } else if (is_reg) {
      list_add(l, child, 1);
    }
  }
  closedir(d);
  return POD_OK;
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
  int rc = POD_OK;
  for (int i = 0; i < n_args && rc == POD_OK; i++) {
    char clean[4096];
    size_t len = strlen(args[i]);
    snprintf(clean, sizeof clean, "%s", args[i]);
    while (len > 1 && clean[len - 1] == '/') clean[--len] = '\0';
    if (pod_is_dir(clean)) rc = walk(clean, &l, 0, err);
    else list_add(&l, clean, 0);
  }
  if (rc) {
    ingest_paths_free(l.p, l.n);
    return rc;
  }
  qsort(l.p, (size_t)l.n, sizeof *l.p, path_order);
  ignore_checkpoints(l.p, l.n);
  *out = l.p;
  *out_n = l.n;
  return POD_OK;
}

void ingest_paths_free(ingest_path *paths, int n) {
  for (int i = 0; i < n; i++) free(paths[i].path);
  free(paths);
}
