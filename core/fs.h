/*
** core/fs.h -- the file-system writes podium makes, in one place.
**
** Everything that writes goes through here, so tests can make the Nth
** write, rename or mkdir fail (pod_fs_fail_after) and check that nothing
** half-written is left behind. Reads that walk folders or stream a file
** (opendir in ingest/ and render/, the CSV reader's fopen) stay where
** they are used: no failure of theirs can leave anything half-written.
** Owns: nothing beyond what a function says. Errors: POD_EIO or POD_EINPUT
** with "path: reason" in err.
*/
#ifndef PODIUM_FS_H
#define PODIUM_FS_H

#include <stdint.h>
#include "core/buf.h"
#include "core/err.h"

/* Reads a whole (small) file: templates, Markdown, manifests. */
int pod_file_read(const char *path, pod_buf *out, char err[POD_ERRLEN]);
/* A file mapped whole, read only, for a big file read once and never
** changed: the render's kept files. Read into a new buffer, each of its
** pages was a page fault (~500 for the 2 MB of a 10,000-run render's
** values); mapped, they are the system's cache. An empty file maps to
** len 0 (data NULL). The file must not shrink while it is mapped. */
typedef struct pod_map {
  const unsigned char *data;
  size_t len;
} pod_map;
int pod_file_map(const char *path, pod_map *m, char err[POD_ERRLEN]);
void pod_file_unmap(pod_map *m);   /* zeroes it; a zeroed one is fine */
/* Hashes a file without holding it in memory; out_bytes may be NULL. */
int pod_file_sha256(const char *path, char hex[65], int64_t *out_bytes,
                    char err[POD_ERRLEN]);
/* The same, and a file of at most max bytes is also copied into *copy
** (cleared first; the caller's): copy->len == *out_bytes says it was. */
int pod_file_sha256_copy(const char *path, char hex[65], int64_t *out_bytes,
                         pod_buf *copy, size_t max, char err[POD_ERRLEN]);
/* Creates or replaces path with n bytes of data. */
int pod_file_write(const char *path, const void *data, size_t n,
                   char err[POD_ERRLEN]);
/* The same, telling whether path existed before (then it is replaced by
** a new file, never written in place: it may be another's hard link). */
int pod_file_write_new(const char *path, const void *data, size_t n,
                       int *existed, char err[POD_ERRLEN]);
/* to becomes the file from is (a hard link; a copy where links cannot
** be made): an unchanged page of the live site in the new tree. A file
** already at to is replaced (*existed = 1). */
int pod_file_link(const char *from, const char *to, int *existed,
                  char err[POD_ERRLEN]);
/* 1 when path holds exactly these bytes, 0 otherwise (missing, differs). */
int pod_file_same(const char *path, const void *data, size_t n);
/* Adds n bytes at the end of an existing file (a file too big to hold is
** written in parts). */
int pod_file_append(const char *path, const void *data, size_t n,
                    char err[POD_ERRLEN]);
/* Appends bytes [at, at + n) of file from to path (copy_file_range: no
** copy through user memory; read and write where the kernel cannot). */
int pod_file_append_range(const char *path, const char *from, uint64_t at,
                          uint64_t n, char err[POD_ERRLEN]);
/* 1 when the two files hold the same bytes, 0 otherwise (missing too). */
int pod_files_same(const char *a, const char *b);
int pod_mkdirs(const char *path, char err[POD_ERRLEN]);    /* mkdir -p */
int pod_rmtree(const char *path, char err[POD_ERRLEN]);    /* rm -rf */
int pod_rename(const char *from, const char *to, char err[POD_ERRLEN]);
/* Swaps two existing paths atomically (renameat2 RENAME_EXCHANGE). */
int pod_exchange(const char *a, const char *b, char err[POD_ERRLEN]);
int pod_is_dir(const char *path);
int pod_exists(const char *path);
/* Copies every regular file below src into dst (created as needed). */
int pod_copytree(const char *src, const char *dst, char err[POD_ERRLEN]);

/* Test hook: the n-th write-type call from now fails with EIO (0: never). */
void pod_fs_fail_after(long n);

/* Where podium's own templates/, site/, i18n/ and data/ are: $PODIUM_SHARE,
** else next to the source tree the binary was built in, else
** PREFIX/share/podium when installed. Writes the folder into out (size
** 4096); POD_EIO when none is found. */
int pod_find_share_dir(const char *argv0, char out[4096], char err[POD_ERRLEN]);

#endif
