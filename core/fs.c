/*
** core/fs.c -- file-system calls (fs.h): reads, hashing, writes, renames
** and the directory walks that render/ needs for its atomic site swap.
*/
#define _GNU_SOURCE
#include "core/fs.h"
#include "core/sha256.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static long fail_countdown = 0;

void pod_fs_fail_after(long n) { fail_countdown = n; }

/* Returns 1 when the test hook says this write-type call must fail. */
static int injected_failure(void) {
  if (fail_countdown <= 0) return 0;
  if (--fail_countdown == 0) { errno = EIO; return 1; }
  return 0;
}

static int os_err(char err[POD_ERRLEN], const char *what, const char *path) {
  return pod_err(err, POD_EIO, "%s: cannot %s: %s", path, what,
                 strerror(errno));
}

/* Read straight into a buffer of the file's size: through stdio and a
** doubling buffer, the kept files (megabytes) were copied two or three
** times, a tenth of a render after one new run. A file still growing is
** read to its end all the same. */
int pod_file_read(const char *path, pod_buf *out, char err[POD_ERRLEN]) {
  struct stat st;
  ssize_t n;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_err(err, "open", path);
  pod_buf_clear(out);
  /* room for the NUL and one byte more: the read that finds the end */
  if (fstat(fd, &st) == 0 && st.st_size > 0)
    pod_buf_reserve(out, (size_t)st.st_size + 1);
  for (;;) {
    if (out->cap - out->len < 2) pod_buf_reserve(out, 65536);
    n = read(fd, out->data + out->len, out->cap - out->len - 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out->len += (size_t)n;
  }
  if (n < 0) {
    close(fd);
    return os_err(err, "read", path);
  }
  close(fd);
  out->data[out->len] = '\0';
  return POD_OK;
}

int pod_file_map(const char *path, pod_map *m, char err[POD_ERRLEN]) {
  struct stat st;
  void *p;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  memset(m, 0, sizeof *m);
  if (fd < 0) return os_err(err, "open", path);
  if (fstat(fd, &st) != 0) {
    close(fd);
    return os_err(err, "stat", path);
  }
  if (st.st_size > 0) {
    p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      close(fd);
      return os_err(err, "map", path);
    }
    m->data = p;
    m->len = (size_t)st.st_size;
  }
  close(fd);   /* the mapping holds the file */
  return POD_OK;
}

void pod_file_unmap(pod_map *m) {
  if (m->data) munmap((void *)m->data, m->len);
  memset(m, 0, sizeof *m);
}

int pod_file_sha256(const char *path, char hex[65], int64_t *out_bytes,
                    char err[POD_ERRLEN]) {
  return pod_file_sha256_copy(path, hex, out_bytes, NULL, 0, err);
}

int pod_file_sha256_copy(const char *path, char hex[65], int64_t *out_bytes,
                         pod_buf *copy, size_t max, char err[POD_ERRLEN]) {
  char chunk[1 << 16];   /* on the stack: ingest's read-ahead thread too */
  ssize_t n;
  int64_t total = 0;
  pod_sha256 s;
  /* open + read, not stdio: fopen's fstat and buffer were a tenth of
  ** hashing a small file (issue 14: a folder of 10,000) */
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_err(err, "open", path);
  if (copy) pod_buf_clear(copy);
  pod_sha256_init(&s);
  while ((n = read(fd, chunk, sizeof chunk)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      pod_sha256_hex(&s, hex);
      errno = e;
      return os_err(err, "read", path);
    }
    pod_sha256_update(&s, chunk, (size_t)n);
    total += (int64_t)n;
    if (copy && (uint64_t)total <= max) pod_buf_add(copy, chunk, (size_t)n);
  }
  close(fd);
  pod_sha256_hex(&s, hex);
  if (out_bytes) *out_bytes = total;
  return POD_OK;
}

/* open + one write loop + close: stdio would add an fstat and split a
** page into two writes, and a render writes 50,000 files. */
static int write_fd(int fd, const char *path, const void *data, size_t n,
                    char err[POD_ERRLEN]) {
  const char *p = data;
  while (n > 0) {
    ssize_t w = injected_failure() ? -1 : write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int e = errno;
      close(fd);
      errno = e ? e : EIO;
      return os_err(err, "write", path);
    }
    p += w;
    n -= (size_t)w;
  }
  if (close(fd) != 0) return os_err(err, "write", path);
  return POD_OK;
}

int pod_file_write(const char *path, const void *data, size_t n,
                   char err[POD_ERRLEN]) {
  int fd = injected_failure()
               ? -1
               : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return os_err(err, "create", path);
  return write_fd(fd, path, data, n, err);
}

int pod_file_write_new(const char *path, const void *data, size_t n,
                       int *existed, char err[POD_ERRLEN]) {
  int fd = injected_failure()
               ? -1
               : open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  *existed = 0;
  if (fd < 0 && errno == EEXIST) {
    /* a new file in its place, never the old one truncated: it may be a
    ** hard link of a live site's page (render/output.c) */
    *existed = 1;
    if (unlink(path) == 0 || errno == ENOENT)
      fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  }
  if (fd < 0) return os_err(err, "create", path);
  return write_fd(fd, path, data, n, err);
}

int pod_file_link(const char *from, const char *to, int *existed,
                  char err[POD_ERRLEN]) {
  pod_buf data = POD_BUF_INIT;
  int rc;
  *existed = 0;
  if (injected_failure()) return os_err(err, "link", to);
  if (link(from, to) == 0) return POD_OK;
  /* a path written twice (two boards of one file name): the last wins,
  ** as a write would */
  if (errno == EEXIST) {
    *existed = 1;
    if (unlink(to) == 0 && link(from, to) == 0) return POD_OK;
  }
  /* another file system, or one without hard links: a copy */
  if (errno != EXDEV && errno != EPERM && errno != EMLINK &&
      errno != EOPNOTSUPP)
    return os_err(err, "link", to);
  if ((rc = pod_file_read(from, &data, err)) == POD_OK) {
    int again;
    rc = pod_file_write_new(to, data.data, data.len, &again, err);
    *existed |= again;
  }
  pod_buf_free(&data);
  return rc;
}

int pod_file_append(const char *path, const void *data, size_t n,
                    char err[POD_ERRLEN]) {
  int fd = injected_failure()
               ? -1
               : open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return os_err(err, "append to", path);
  return write_fd(fd, path, data, n, err);
}

int pod_file_append_range(const char *path, const char *from, uint64_t at,
                          uint64_t n, char err[POD_ERRLEN]) {
  int out = injected_failure() ? -1 : open(path, O_WRONLY | O_CLOEXEC);
  int in = open(from, O_RDONLY | O_CLOEXEC);
  off_t src = (off_t)at, dst;
  int rc = POD_OK;
  if (out < 0 || in < 0) {
    rc = os_err(err, out < 0 ? "append to" : "read", out < 0 ? path : from);
    goto done;
  }
  dst = lseek(out, 0, SEEK_END);
  while (n > 0 && rc == POD_OK) {
    ssize_t got = copy_file_range(in, &src, out, &dst, (size_t)n, 0);
    if (got < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
                    errno == EOPNOTSUPP)) {
      char buf[65536];   /* another kernel or file system: by hand */
      got = pread(in, buf, n < sizeof buf ? (size_t)n : sizeof buf, src);
      if (got > 0 && pwrite(out, buf, (size_t)got, dst) != got) got = -1;
      if (got > 0) src += got, dst += got;
    }
    if (got < 0) rc = os_err(err, "write", path);
    else if (got == 0)
      rc = pod_err(err, POD_EIO, "%s: ended before byte %llu", from,
                   (unsigned long long)(src + (off_t)n));
    else n -= (uint64_t)got;
  }
done:
  if (in >= 0) close(in);
  if (out >= 0 && close(out) != 0 && rc == POD_OK)
    rc = os_err(err, "close", path);
  return rc;
}

int pod_files_same(const char *a, const char *b) {
  char x[65536], y[65536];
  struct stat sa, sb;
  FILE *fa, *fb;
  size_t got;
  int same = 1;
  if (stat(a, &sa) != 0 || stat(b, &sb) != 0 || !S_ISREG(sa.st_mode) ||
      !S_ISREG(sb.st_mode) || sa.st_size != sb.st_size)
    return 0;
  if (!(fa = fopen(a, "rb"))) return 0;
  if (!(fb = fopen(b, "rb"))) {
    fclose(fa);
    return 0;
  }
  while (same && (got = fread(x, 1, sizeof x, fa)) > 0)
    same = fread(y, 1, got, fb) == got && !memcmp(x, y, got);
  fclose(fa);
  fclose(fb);
  return same;
}

int pod_file_same(const char *path, const void *data, size_t n) {
  char chunk[65536];
  size_t got, off = 0;
  struct stat st;
  FILE *f;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != n)
    return 0;
  if (!(f = fopen(path, "rb"))) return 0;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (off + got > n || memcmp(chunk, (const char *)data + off, got) != 0) {
      fclose(f);
      return 0;
    }
    off += got;
  }
  fclose(f);
  return off == n;
}

int pod_mkdirs(const char *path, char err[POD_ERRLEN]) {
  char tmp[4096];
  size_t len = strlen(path);
  if (len == 0 || len >= sizeof tmp)
    return pod_err(err, POD_EIO, "%s: path too long", path);
  memcpy(tmp, path, len + 1);
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
      return os_err(err, "create directory", tmp);
    *p = '/';
  }
  if (injected_failure() || (mkdir(tmp, 0777) != 0 && errno != EEXIST))
    return os_err(err, "create directory", tmp);
  return POD_OK;
}

int pod_rmtree(const char *path, char err[POD_ERRLEN]) {
  struct stat st;
  if (lstat(path, &st) != 0) return errno == ENOENT ? POD_OK
                                    : os_err(err, "inspect", path);
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    struct dirent *e;
    if (!d) return os_err(err, "open directory", path);
    while ((e = readdir(d))) {
      char child[4096];
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      /* a cut name could be another file: never remove by it */
      if (snprintf(child, sizeof child, "%s/%s", path, e->d_name) >=
          (int)sizeof child) {
        closedir(d);
        return pod_err(err, POD_EIO, "%s/%s: path too long to remove",
                       path, e->d_name);
      }
      int rc = pod_rmtree(child, err);
      if (rc) { closedir(d); return rc; }
    }
    closedir(d);
    if (rmdir(path) != 0) return os_err(err, "remove directory", path);
  } else if (unlink(path) != 0) {
    return os_err(err, "remove", path);
  }
  return POD_OK;
}

int pod_rename(const char *from, const char *to, char err[POD_ERRLEN]) {
  if (injected_failure() || rename(from, to) != 0)
    return os_err(err, "rename into place", to);
  return POD_OK;
}

int pod_exchange(const char *a, const char *b, char err[POD_ERRLEN]) {
  if (injected_failure() ||
      renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0)
    return os_err(err, "swap into place", b);
  return POD_OK;
}

int pod_is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int pod_exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

int pod_copytree(const char *src, const char *dst, char err[POD_ERRLEN]) {
  DIR *d = opendir(src);
  struct dirent *e;
  int rc = POD_OK;
  pod_buf data = POD_BUF_INIT;
  if (!d) return os_err(err, "open directory", src);
  if ((rc = pod_mkdirs(dst, err))) { closedir(d); return rc; }
  while (rc == POD_OK && (e = readdir(d))) {
    char from[4096], to[4096];
    if (e->d_name[0] == '.') continue;  /* no dotfiles, no . and .. */
    if (snprintf(from, sizeof from, "%s/%s", src, e->d_name) >=
            (int)sizeof from ||
        snprintf(to, sizeof to, "%s/%s", dst, e->d_name) >= (int)sizeof to) {
      rc = pod_err(err, POD_EINPUT, "%s/%s: path too long", dst, e->d_name);
      break;
    }
    if (pod_is_dir(from)) {
      rc = pod_copytree(from, to, err);
    } else if ((rc = pod_file_read(from, &data, err)) == POD_OK) {
      rc = pod_file_write(to, data.data, data.len, err);
    }
  }
  closedir(d);
  pod_buf_free(&data);
  return rc;
}

/* ---- the share folder (fs.h) ------------------------------------------ */

int pod_find_share_dir(const char *argv0, char out[4096],
                        char err[POD_ERRLEN]) {
  char exe[3000], probe[4200];
  const char *env = getenv("PODIUM_SHARE");
  ssize_t n;
  if (env && *env) {
    snprintf(out, 4096, "%s", env);
    return POD_OK;
  }
  n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) snprintf(exe, sizeof exe, "%s", argv0);
  else exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (slash) *slash = '\0';
  else snprintf(exe, sizeof exe, ".");
  /* build/podium or build/asan/podium in a source tree, or
  ** PREFIX/bin/podium installed */
  static const char *const tries[] = {"%s/..", "%s/../..",
                                      "%s/../share/podium"};
  for (int i = 0; i < 3; i++) {
    char real[PATH_MAX];
    snprintf(out, 4096, tries[i], exe);
    snprintf(probe, sizeof probe, "%s/templates/layout.html", out);
    if (!pod_exists(probe)) continue;
    /* "/usr/local/share/podium", not "/usr/local/bin/../share/podium":
    ** the folder shows in estimate provenance */
    if (realpath(out, real) && strlen(real) < 4096) snprintf(out, 4096, "%s", real);
    return POD_OK;
  }
  return pod_err(err, POD_EIO, "cannot find podium's templates next to %s "
                 "(set PODIUM_SHARE to the folder holding templates/)", exe);
}
