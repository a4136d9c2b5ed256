/*
** render/marker.c -- the marker of a site tree (.podium-site) and the
** checks on it: what a render may trust about a tree without opening
** its files.
**
** The marker of a live site records its render key, its file count, the
** entries of its top and the modification time of each folder below it
** (a file added or removed changes its folder's time). render_out_current
** stops a render whose key is the live site's when nothing was added or
** removed; out_live_intact lets an incremental render trust the manifest
** for which pages are there; out_tree_intact says whether the tree the
** live site replaced (the standby, output.c) is still as it was. Owns
** nothing past a call.
*/
#define _GNU_SOURCE
#include "render/render_int.h"
#include "render/output_int.h"
#include "core/fs.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* out = "a/b"; POD_EINPUT naming the path when it does not fit. */
int out_join(char out[PATH_MAX], const char *a, const char *b,
                char err[POD_ERRLEN]) {
  size_t na = strlen(a), nb = strlen(b);
  if (na + 1 + nb < PATH_MAX) {
    memcpy(out, a, na);
    out[na] = '/';
    memcpy(out + na + 1, b, nb + 1);
    return POD_OK;
  }
  return pod_err(err, POD_EINPUT, "path too long: %zu bytes, the system "
                 "allows %d: %.150s/.../%s (choose a shorter --out)",
                 na + 1 + nb, PATH_MAX - 1, a,
                 nb > 150 ? b + nb - 150 : b);
}

int out_is_dir(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

long out_count_files(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  long n = 0;
  if (!d) return 0;
  while ((e = readdir(d))) {
    char child[PATH_MAX], ignored[POD_ERRLEN];
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
        !strcmp(e->d_name, OUT_MARKER) || RENDER_BOOKKEEPING(e->d_name))
      continue;
    if (out_join(child, dir, e->d_name, ignored)) {   /* counted, never opened */
      n++;
      continue;
    }
    /* d_type spares a stat per file (the no-change check counts them) */
    if (e->d_type == DT_DIR || (e->d_type == DT_UNKNOWN && out_is_dir(child)))
      n += out_count_files(child);
    else
      n++;
  }
  closedir(d);
  return n;
}

/* Entries of dir, not counting the marker. */
long out_count_entries(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  long n = 0;
  if (!d) return -1;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
        strcmp(e->d_name, OUT_MARKER))
      n++;
  closedir(d);
  return n;
}

/* The latest folder time seen, and whether any had nanoseconds. */
typedef struct dir_times {
  struct timespec latest;
  int fine;
} dir_times;

DIR *out_open_below(const char *root, const char *rel) {
  char path[PATH_MAX], ignored[POD_ERRLEN];
  if (*rel ? out_join(path, root, rel, ignored)
           : snprintf(path, sizeof path, "%s", root) >= PATH_MAX)
    return NULL;
  return opendir(path);
}

/* Appends "dir SEC.NSEC REL" when root/rel is a folder; 1 if so. */
static int dir_line(const char *root, const char *rel, pod_buf *out,
                    dir_times *t) {
  char path[PATH_MAX], ignored[POD_ERRLEN];
  struct stat st;
  if (out_join(path, root, rel, ignored) || lstat(path, &st) ||
      !S_ISDIR(st.st_mode))
    return 0;
  pod_buf_printf(out, "dir %lld.%09ld %s\n", (long long)st.st_mtim.tv_sec,
                 st.st_mtim.tv_nsec, rel);
  if (st.st_mtim.tv_sec > t->latest.tv_sec ||
      (st.st_mtim.tv_sec == t->latest.tv_sec &&
       st.st_mtim.tv_nsec > t->latest.tv_nsec))
    t->latest = st.st_mtim;
  t->fine |= st.st_mtim.tv_nsec != 0;
  return 1;
}

/* Appends "dir SEC.NSEC REL" for each folder below root/rel (not root). */
static void list_dirs(const char *root, const char *rel, pod_buf *out,
                      dir_times *t) {
  char ignored[POD_ERRLEN];
  DIR *d;
  struct dirent *e;
  if (!(d = out_open_below(root, rel))) return;
  while ((e = readdir(d))) {
    char sub[PATH_MAX];
    if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
      continue;
    if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue;
    if (*rel ? out_join(sub, rel, e->d_name, ignored)
             : snprintf(sub, sizeof sub, "%s", e->d_name) >= PATH_MAX)
      continue;
    if (dir_line(root, sub, out, t)) list_dirs(root, sub, out, t);
  }
  closedir(d);
}

/* The folder lines of a marker for the tree at root. A change made in
** the same clock tick as a folder's last one would leave its time as it
** was, so this returns once the system's clock is past the latest time
** listed (a few ms at most): any later change shows. A file system that
** keeps whole seconds (no folder time with nanoseconds) gets no lines:
** that site is checked by counting its files. */
/* The end of the folder lines from start (see out_folder_lines). */
static void folder_lines_end(const dir_times *t, pod_buf *out, size_t start) {
  struct timespec now;
  if (!t->fine) {
    if (out->data) out->data[out->len = start] = '\0';
    return;
  }
  for (int i = 0; i < 200; i++) {   /* 200 ms at most */
    clock_gettime(CLOCK_REALTIME_COARSE, &now);
    if (now.tv_sec > t->latest.tv_sec ||
        (now.tv_sec == t->latest.tv_sec && now.tv_nsec > t->latest.tv_nsec))
      break;
    nanosleep(&(struct timespec){0, 1000000}, NULL);
  }
}

void out_folder_lines(const char *root, pod_buf *out) {
  dir_times t = {{0, 0}, 0};
  size_t start = out->len;
  list_dirs(root, "", out, &t);
  folder_lines_end(&t, out, start);
}

void out_folder_lines_of(const char *root, const char *rels, size_t n,
                         pod_buf *out) {
  dir_times t = {{0, 0}, 0};
  size_t start = out->len;
  for (size_t at = 0; at < n; at += strlen(rels + at) + 1)
    dir_line(root, rels + at, out, &t);
  folder_lines_end(&t, out, start);
}

/* Whether each "dir" line of the marker text still holds below target. */
int out_dirs_same(const char *target, const char *text) {
  for (const char *p = strstr(text, "\ndir "); p; p = strstr(p + 1, "\ndir ")) {
    char rel[PATH_MAX], path[PATH_MAX], ignored[POD_ERRLEN];
    long long sec;
    long nsec;
    struct stat st;
    if (sscanf(p + 5, "%lld.%ld %4095[^\n]", &sec, &nsec, rel) != 3) return 0;
    if (out_join(path, target, rel, ignored)) return 0;
    if (stat(path, &st) || st.st_mtim.tv_sec != sec || st.st_mtim.tv_nsec != nsec)
      return 0;
  }
  return 1;
}

/* 1 when the live site's marker lists its folders' times and each is
** still so (a file added or removed changes its folder's time). */
int out_live_intact(const char *target) {
  char marker[PATH_MAX], ignored[POD_ERRLEN];
  pod_buf text = POD_BUF_INIT;
  int yes = out_join(marker, target, OUT_MARKER, ignored) == POD_OK &&
            pod_file_read(marker, &text, ignored) == POD_OK &&
            strstr(text.data, "\ndir ") && out_dirs_same(target, text.data);
  pod_buf_free(&text);
  return yes;
}

int render_out_current(const char *target, const char *key, long *out_files) {
  char marker[PATH_MAX], want[200];
  pod_buf text = POD_BUF_INIT;
  char ignored[POD_ERRLEN];
  const char *top;
  long files = -1, entries = -1;
  int yes = 0;
  *out_files = 0;
  if (!*key || out_join(marker, target, OUT_MARKER, ignored)) return 0;
  snprintf(want, sizeof want, "podium\nkey %s\nfiles ", key);
  if (pod_exists(marker) && pod_file_read(marker, &text, ignored) == POD_OK &&
      !strncmp(pod_buf_str(&text), want, strlen(want)) &&
      sscanf(pod_buf_str(&text) + strlen(want), "%ld", &files) == 1) {
    top = strstr(text.data, "\ntop ");
    if (top && sscanf(top + 5, "%ld", &entries) == 1)
      yes = entries == out_count_entries(target) && out_dirs_same(target, text.data);
    else   /* a marker without folder times: count the files */
      yes = files == out_count_files(target);
  }
  if (yes) *out_files = files;
  pod_buf_free(&text);
  return yes;
}

/* The number after "\n<field> " in a marker's text, else -1. */
static long marker_number(const char *text, const char *field) {
  const char *at = strstr(text, field);
  long n = -1;
  if (!at || sscanf(at + strlen(field), "%ld", &n) != 1) return -1;
  return n;
}

/* The folder at p (not a link) holds our marker, the marker's folder
** times still hold and its top as many entries: nothing was added or
** removed below it since it was the live site. Its files, else -1. */
long out_intact_files(const char *p) {
  char marker[PATH_MAX], ignored[POD_ERRLEN];
  pod_buf text = POD_BUF_INIT;
  struct stat st;
  long files = -1, top;
  if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) &&
      out_join(marker, p, OUT_MARKER, ignored) == POD_OK &&
      pod_file_read(marker, &text, ignored) == POD_OK &&
      !strncmp(text.data, "podium\nkey ", 11) && strstr(text.data, "\ndir ") &&
      (top = marker_number(text.data, "\ntop ")) >= 0 &&
      top == out_count_entries(p) &&
      out_dirs_same(p, text.data))
    files = marker_number(text.data, "\nfiles ");
  pod_buf_free(&text);
  return files;
}

int out_tree_intact(const char *p) { return out_intact_files(p) >= 0; }

int out_tree_ours(const char *p) {
  char marker[PATH_MAX], ignored[POD_ERRLEN], head[8];
  struct stat st;
  FILE *f;
  size_t n = 0;
  if (lstat(p, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
      access(p, W_OK) != 0 || out_join(marker, p, OUT_MARKER, ignored) ||
      !(f = fopen(marker, "rb")))
    return 0;
  n = fread(head, 1, 7, f);
  fclose(f);
  return n == 7 && !memcmp(head, "podium\n", 7);
}
