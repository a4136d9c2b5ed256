/*
** render/state.c -- the render key: one SHA-256 of everything a site is
** made from: the podium binary (device, inode, size, mtime), the registry's state rows
** (store_each_state), the template folders, site/ assets and course pages.
** output.c keeps the key in the site's marker file; a render whose key
** equals the live site's, with all its files still there, stops before
** rendering anything (render_site). The base key is the same without
** the registry's rows (but its metrics): pages whose own rows did not
** change may be reused from a site rendered with the same base key
** (incr.c).
*/
#include "render/render_int.h"
#include "core/fs.h"
#include "core/sha256.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A string with its NUL, so "ab","c" and "a","bc" hash apart. */
static void hash_str(pod_sha256 *h, const char *s) {
  pod_sha256_update(h, s, strlen(s) + 1);
}

/* A row as typed bytes (store_row_digest), as a walk's callback. */
static int hash_row(const store_row *row, void *ud) {
  store_row_digest(row, ud);
  return 0;
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file below dir, by sorted name: its relative name and bytes. A
** missing dir adds nothing. */
static int hash_tree(pod_sha256 *h, const char *dir, pod_buf *data,
                     char err[POD_ERRLEN]) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = POD_OK;
  if (!d) return POD_OK;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 32;
      names = pod_xrealloc(names, cap * sizeof *names);
    }
    names[n++] = pod_xstrdup(e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, name_cmp);
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    hash_str(h, names[i]);
    if (rc == POD_OK) {
      if (pod_is_dir(path)) {
        hash_str(h, "/");
        rc = hash_tree(h, path, data, err);
        hash_str(h, "/..");
      } else if ((rc = pod_file_read(path, data, err)) == POD_OK) {
        snprintf(path, sizeof path, "%zu", data->len);
        hash_str(h, path);
        pod_sha256_update(h, pod_buf_str(data), data->len);
      }
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

/* The base key leaves out the registry's rows but its metrics ('m': a
** unit or direction shown on every page that has the metric). */
static int hash_metric_row(const store_row *row, void *ud) {
  const char *t = row->n ? row->v[0].s : NULL;
  return row->v[0].type == STORE_TEXT && t && !strcmp(t, "m")
             ? hash_row(row, ud)
             : 0;
}

static int state_key(store_db *db, const char *const *dirs, int n_dirs,
                     const char *assets, const char *content_dir,
                     const char *i18n_dir, const char *langs,
                     const pod_project *project, int base,
                     const char *snap, char key[65], char err[POD_ERRLEN]) {
  pod_sha256 h;
  pod_buf data = POD_BUF_INIT;
  struct stat st;
  char exe[128];
  int rc = POD_OK;
  key[0] = '\0';
  /* a new podium may render differently: its file's identity and time
  ** stand for it (hashing it costs more than the rest of the key); no
  ** binary, no key (always render) */
  if (stat("/proc/self/exe", &st) != 0) return POD_OK;
  snprintf(exe, sizeof exe, "%llu:%llu:%lld:%lld.%09ld",
           (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
           (long long)st.st_size, (long long)st.st_mtim.tv_sec,
           st.st_mtim.tv_nsec);
  pod_sha256_init(&h);
  hash_str(&h, base ? "podium base key 1" : "podium render key 1");
  hash_str(&h, exe);
  /* the registry's rows: the snapshot's digest of them (store_read_begin)
  ** when there is one, else the rows */
  if (!base && snap) hash_str(&h, snap);
  else rc = store_each_state(db, base ? hash_metric_row : hash_row, &h, err);
  /* rows replaced under the same ids (store_each_run_feed): their sums */
  if (rc == POD_OK && !base) rc = store_each_run_feed(db, hash_row, &h, err);
  for (int i = 0; i < n_dirs && rc == POD_OK; i++) {
    hash_str(&h, "templates");
    rc = hash_tree(&h, dirs[i], &data, err);
  }
  hash_str(&h, "assets");
  if (rc == POD_OK) rc = hash_tree(&h, assets, &data, err);
  hash_str(&h, "content");
  if (rc == POD_OK && content_dir) rc = hash_tree(&h, content_dir, &data, err);
  hash_str(&h, "languages");
  hash_str(&h, langs);
  if (rc == POD_OK) rc = hash_tree(&h, i18n_dir, &data, err);
  /* the project file's settings: primary metrics change the boards */
  hash_str(&h, "project");
  for (size_t i = 0; project && i < project->n_primary; i++) {
    hash_str(&h, project->primary[i].scope);
    hash_str(&h, project->primary[i].metric);
  }
  if (rc == POD_OK && project && project->path &&
      (rc = pod_file_read(project->path, &data, err)) == POD_OK)
    pod_sha256_update(&h, pod_buf_str(&data), data.len);
  pod_sha256_hex(&h, key);   /* ends the context, also after a failure */
  if (rc) key[0] = '\0';
  pod_buf_free(&data);
  return rc;
}

int render_state_key(store_db *db, const char *const *dirs, int n_dirs,
                     const char *assets, const char *content_dir,
                     const char *i18n_dir, const char *langs,
                     const pod_project *project, const char *snap,
                     char key[65], char err[POD_ERRLEN]) {
  return state_key(db, dirs, n_dirs, assets, content_dir, i18n_dir, langs,
                   project, 0, snap, key, err);
}

int render_state_base_key(store_db *db, const char *const *dirs, int n_dirs,
                          const char *assets, const char *content_dir,
                          const char *i18n_dir, const char *langs,
                          const pod_project *project, char key[65],
                          char err[POD_ERRLEN]) {
  return state_key(db, dirs, n_dirs, assets, content_dir, i18n_dir, langs,
                   project, 1, NULL, key, err);
}

int render_state_hash_row(const store_row *row, void *ud) {
  return hash_row(row, ud);
}
