/*
** ingest/detect.c -- which format reads a file: each format's sniff scores
** the file's first bytes (4 KiB, or up to 64 KiB while a CSV header line
** goes on); the best score wins, two equal ones are refused as
** ambiguous, none names the closest formats. A Git LFS pointer (a clone
** without `git lfs pull`) is named as such. Owns nothing.
*/
#include "ingest/ingest_int.h"
#include "core/buf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const ingest_format *const formats[] = {
  &ingest_hf_benchmark, &ingest_keras_csvlogger, &ingest_lightning_csv,
  &ingest_hf_trainer,
  &ingest_codecarbon, &ingest_eit, &ingest_eit_report, &ingest_generic,
};
#define N_FORMATS (int)(sizeof formats / sizeof formats[0])


int ingest_format_info(int i, const char **name, const char **identified_by) {
  if (i < 0 || i >= N_FORMATS) return 0;
  *name = formats[i]->name;
  *identified_by = formats[i]->identified_by;
  return 1;
}

const ingest_format *ingest_format_named(const char *name) {
  for (int i = 0; i < N_FORMATS; i++)
    if (!strcmp(formats[i]->name, name)) return formats[i];
  return NULL;
}

/* The anchors of HTML: href="#NAME", name="NAME" and id="NAME". */
static int html_names(const char *head, size_t n, char names[][64], int max) {
  static const char *const attrs[] = {"href=\"#", "name=\"", "id=\""};
  int k = 0;
  for (size_t i = 0; i < n && k < max; i++)
    for (int a = 0; a < 3; a++) {
      size_t al = strlen(attrs[a]), e;
      if (i + al > n || memcmp(head + i, attrs[a], al)) continue;
      if (i > 0 && head[i - 1] != ' ' && head[i - 1] != '\t' &&
          head[i - 1] != '\n')
        continue;
      for (e = i + al; e < n && head[e] != '"' && e - i - al < 63; e++)
        continue;
      if (e < n && head[e] == '"' && e > i + al) {
        memcpy(names[k], head + i + al, e - i - al);
        names[k++][e - i - al] = '\0';
      }
    }
  return k;
}

/* The names the first bytes hold: the anchors of HTML, the keys of a JSON
** object (every "name": in head), else the cells of the first line. */
static int head_names(const char *head, size_t n, char names[][64], int max) {
  size_t i = 0;
  int k = 0;
  while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' ||
                   head[i] == '\n'))
    i++;
  if (i < n && head[i] == '<') return html_names(head, n, names, max);
  if (i >= n || head[i] != '{') return ingest_header_cells(head, n, names, max);
  while (i < n && k < max) {
    size_t s, j;
    if (head[i++] != '"') continue;
    for (s = i; i < n && head[i] != '"'; i++)
      if (head[i] == '\\') i++;
    if (i >= n) break;
    for (j = i + 1; j < n && (head[j] == ' ' || head[j] == '\t'); j++) continue;
    if (j < n && head[j] == ':' && i - s < 64) {
      memcpy(names[k], head + s, i - s);
      names[k++][i - s] = '\0';
    }
    i++;
  }
  return k;
}

/* Appends "; closest: F (N of its names: a, b, c)" (or "F1 (..) or F2
** (..)" on a tie) for the formats whose keys the head's names share most. */
static void closest_formats(const char *head, size_t n, char *out,
                            size_t outlen) {
  char names[64][64];
  int k = head_names(head, n, names, 64), count[N_FORMATS], best = 0;
  size_t o = 0;
  for (int f = 0; f < N_FORMATS; f++) {
    const char *p = formats[f]->keys;
    count[f] = 0;
    while (p && *p) {
      size_t len = strcspn(p, ",");
      for (int i = 0; i < k; i++)
        if (strlen(names[i]) == len && !memcmp(names[i], p, len)) {
          count[f]++;
          break;
        }
      p += len + (p[len] == ',');
    }
    if (count[f] > best) best = count[f];
  }
  out[0] = '\0';
  if (!best) return;
  for (int f = 0; f < N_FORMATS && o + 1 < outlen; f++) {
    const char *p = formats[f]->keys;
    int shown = 0;
    if (count[f] != best) continue;
    o += (size_t)snprintf(out + o, outlen - o, "%s%s (%d of its names: ",
                          o ? " or " : "; closest: ", formats[f]->name, best);
    while (p && *p && o + 1 < outlen) {
      size_t len = strcspn(p, ",");
      for (int i = 0; i < k && shown < 3; i++)
        if (strlen(names[i]) == len && !memcmp(names[i], p, len)) {
          o += (size_t)snprintf(out + o, outlen - o, "%s%s",
                                shown++ ? ", " : "", names[i]);
          break;
        }
      p += len + (p[len] == ',');
    }
    if (o + 1 < outlen)
      o += (size_t)snprintf(out + o, outlen - o, "%s)",
                            best > 3 ? ", ..." : "");
  }
  if (o >= outlen) out[outlen - 1] = '\0';
}

static int detect_head(const char *path, char *head, size_t n,
                       const ingest_format **out, char err[POD_ERRLEN]);

/* The line of a Git LFS pointer that starts with key ("oid sha256:"),
** its value's length in *len; NULL when the pointer has none. */
static const char *lfs_value(const char *data, size_t n, const char *key,
                             size_t *len) {
  size_t k = strlen(key);
  for (size_t i = 0; i + k <= n; i++) {
    if ((i && data[i - 1] != '\n') || memcmp(data + i, key, k)) continue;
    for (*len = 0; i + k + *len < n && data[i + k + *len] != '\n'; ++*len)
      continue;
    return data + i + k;
  }
  return NULL;
}

int ingest_name_podium_reads(const char *path) {
  static const char *const ext[] = {".csv", ".tsv", ".json", ".log", ".txt",
                                    ".html", ".htm"};
  size_t n = strlen(path);
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
    size_t k = strlen(ext[i]);
    if (n > k && !strcasecmp(path + n - k, ext[i])) return 1;
  }
  return 0;
}

int ingest_lfs_pointer(const char *path, const char *data, size_t n,
                       int in_folder, char err[POD_ERRLEN]) {
  /* git-lfs docs/spec.md: under 1024 bytes, "version <url>" first (the
  ** url was hawser's before v1), then "oid sha256:<hex>", "size <n>" */
  static const char v1[] = "version https://git-lfs.github.com/spec/",
                    v0[] = "version https://hawser.github.com/spec/";
  const char *oid, *size;
  size_t oid_len = 0, size_len = 0;
  if (n >= 1024 || ((n < sizeof v1 - 1 || memcmp(data, v1, sizeof v1 - 1)) &&
                    (n < sizeof v0 - 1 || memcmp(data, v0, sizeof v0 - 1))))
    return POD_OK;
  if (in_folder && !ingest_name_podium_reads(path)) return POD_OK;
  if (!(oid = lfs_value(data, n, "oid sha256:", &oid_len))) {
    oid = "?";
    oid_len = 1;
  }
  if (!(size = lfs_value(data, n, "size ", &size_len))) {
    size = "?";
    size_len = 1;
  }
  return pod_err_at(err, POD_EINPUT, path, 1, 1,
                    "found a Git LFS pointer (oid sha256:%.*s%s, size %.*s "
                    "bytes), expected the file itself: run `git lfs pull` "
                    "in its repository", (int)(oid_len < 12 ? oid_len : 12),
                    oid, oid_len > 12 ? "..." : "",
                    (int)(size_len < 20 ? size_len : 20), size);
}

/* 4 KiB, or up to 64 KiB while the first line goes on: a Lightning log
** of 400 learning-rate columns has its "step" 9 KB in */
#define HEAD_MAX 65536
static int long_header(const char *head, size_t n) {
  return n == 4096 && head[0] != '{' && !memchr(head, '\n', n) &&
         !memchr(head, '\r', n);
}

/* Picks the format for path from its first bytes. *out is NULL when no
** format reads it; err then says what the file starts with and which
** formats come closest. Two formats equally sure: refused as ambiguous. */
int ingest_detect(const char *path, const ingest_format **out,
                  char err[POD_ERRLEN]) {
  char head[HEAD_MAX];
  size_t n;
  FILE *f = fopen(path, "rb");
  *out = NULL;
  if (!f)
    return pod_err(err, POD_EIO, "%s: cannot open: %s", path, strerror(errno));
  n = fread(head, 1, 4096, f);
  if (long_header(head, n))   /* a CSV header longer than 4 KiB */
    n += fread(head + n, 1, sizeof head - n, f);
  fclose(f);
  return detect_head(path, head, n, out, err);
}

int ingest_detect_bytes(const char *path, const char *data, size_t len,
                        const ingest_format **out, char err[POD_ERRLEN]) {
  char head[HEAD_MAX];
  size_t n = len < 4096 ? len : 4096;
  memcpy(head, data, n);
  if (long_header(head, n)) {
    n = len < HEAD_MAX ? len : HEAD_MAX;
    memcpy(head, data, n);
  }
  *out = NULL;
  return detect_head(path, head, n, out, err);
}

static int detect_head(const char *path, char *head, size_t n,
                       const ingest_format **out, char err[POD_ERRLEN]) {
  char found[96], hint[200];
  size_t line_len = 0;
  int best = 0, rc;
  const ingest_format *tie = NULL;
  int bom = n >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3);
  if (bom) {
    memmove(head, head + 3, n - 3);
    n -= 3;
  }
  if (n == 0)
    return pod_err_at(err, POD_EINPUT, path, 0, 0,
                      "found an empty file, expected results written by a "
                      "tool podium reads (podium formats lists them)");
  if ((rc = ingest_lfs_pointer(path, head, n, 0, err))) return rc;
  /* pickle protocol 2+ starts with PROTO (0x80) and the version */
  if (n >= 2 && (unsigned char)head[0] == 0x80 && head[1] >= 2 && head[1] <= 5)
    return pod_err_at(err, POD_EINPUT, path, 1, 1,
                      "found a Python pickle (protocol %d, such as "
                      "experiment-impact-tracker's info.pkl), expected a "
                      "text file; ingest impacttracker/data.json, or export "
                      "the object to JSON with json.dump(pickle.load(f), "
                      "out, default=str)", head[1]);
  /* Windows tools (PowerShell's > before 7, Notepad's "Unicode") save
  ** UTF-16: say so rather than "binary data" at its first NUL */
  if (n >= 2 && ((unsigned char)head[0] == 0xFF && (unsigned char)head[1] == 0xFE))
    return pod_err_at(err, POD_EINPUT, path, 1, 1,
                      "found UTF-16 text (byte-order mark FF FE), expected "
                      "UTF-8; convert it first (iconv -f UTF-16 -t UTF-8)");
  if (n >= 2 && ((unsigned char)head[0] == 0xFE && (unsigned char)head[1] == 0xFF))
    return pod_err_at(err, POD_EINPUT, path, 1, 1,
                      "found UTF-16 text (byte-order mark FE FF), expected "
                      "UTF-8; convert it first (iconv -f UTF-16 -t UTF-8)");
  const char *nul = memchr(head, '\0', n);
  if (nul) {
    long line = 1, col = 1;
    for (const char *p = head; p < nul; p++, col++)
      if (*p == '\n') { line++; col = 0; }
    return pod_err_at(err, POD_EINPUT, path, line, col,
                      "found a NUL byte (byte offset %ld): binary data, "
                      "expected a text file",
                      (long)(nul - head) + (bom ? 3 : 0));
  }
  for (int i = 0; i < N_FORMATS; i++) {
    int score = formats[i]->sniff(head, n, path);
    if (score > best) { best = score; *out = formats[i]; tie = NULL; }
    else if (score && score == best) tie = formats[i];
  }
  if (tie) {
    const char *first = (*out)->name;
    *out = NULL;
    return pod_err_at(err, POD_EINPUT, path, 1, 1,
                      "found a file both %s and %s read equally well, "
                      "expected one format; pass --format %s or --format %s "
                      "(or \"format\" in podium.json)", first, tie->name,
                      first, tie->name);
  }
  if (*out) return POD_OK;
  while (line_len < n && head[line_len] != '\n' && head[line_len] != '\r')
    line_len++;
  pod_snippet(found, sizeof found, head, line_len);
  closest_formats(head, n, hint, sizeof hint);
  return pod_err_at(err, POD_EINPUT, path, 1, 1,
                    "found %s, expected the start of a file podium reads "
                    "(podium formats lists them; --format NAME forces "
                    "one)%s", found, hint);
}

size_t ingest_head(const ingest_ctx *cx, char *buf, size_t n) {
  FILE *f;
  if (cx->data) {
    if (n > cx->data_len) n = cx->data_len;
    memcpy(buf, cx->data, n);
    return n;
  }
  if (!(f = fopen(cx->path, "rb"))) return 0;
  n = fread(buf, 1, n, f);
  fclose(f);
  return n;
}

int ingest_read_json(ingest_ctx *cx, pod_buf *out, char err[POD_ERRLEN]) {
  static char chunk[1 << 16];
  struct stat st;
  size_t got;
  int rc = POD_OK;
  FILE *f;
  if (cx->data) {   /* read once, as it was hashed */
    pod_buf_add(out, cx->data, cx->data_len);
    return POD_OK;
  }
  if (!(f = fopen(cx->path, "rb")))
    return pod_err(err, POD_EIO, "%s: cannot open: %s", cx->path,
                   strerror(errno));
  if (fstat(fileno(f), &st) == 0 && st.st_size > INGEST_JSON_MAX)
    rc = pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found a file of %lld "
                    "bytes, expected at most %ld (64 MiB) of JSON",
                    (long long)st.st_size, INGEST_JSON_MAX);
  while (rc == POD_OK && (got = fread(chunk, 1, sizeof chunk, f)) > 0) {
    pod_buf_add(out, chunk, got);
    if (out->len > (size_t)INGEST_JSON_MAX)   /* it grew while we read */
      rc = pod_err_at(err, POD_EINPUT, cx->path, 0, 0, "found a file over "
                      "%ld bytes, expected at most that (64 MiB) of JSON",
                      INGEST_JSON_MAX);
  }
  if (rc == POD_OK && ferror(f))
    rc = pod_err(err, POD_EIO, "%s: cannot read: %s", cx->path,
                 strerror(errno));
  fclose(f);
  return rc;
}
