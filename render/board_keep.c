/*
** render/board_keep.c -- a board's rows kept from one render to the next.
**
** Reading a board's rows (BOARD_SQL, PRIMARY_SQL: every run of its
** scope grouped and ranked) was a third of a render after one new run
** on a registry of many scopes, every board read again though the run
** was in one scope. A board's rows are made of its scope's runs only
** (their rows, measurements and tracker results), so every render
** writes the rows of each board it read to .podium-boards (RENDER_BOARDS,
** bookkeeping like the manifest) with the fingerprint of its scope
** (render_incr_scope_fp); the next render takes a board's rows from the
** live site's file, not from SQL, when its base key (templates, metrics,
** project file...) and its scope's fingerprint are the same and the
** board is as primary as it was (the primary board's rows carry the
** cost columns).
**
** When a few of the scope's runs changed (a new run), the board is not
** read again either: its kept rows are patched with the rows of those
** runs (store_board_patch). The file keeps each scope's runs as they
** were, with their fingerprints (render_incr_scope_runs), to tell which.
**
** The file: "podium boards 2 <base key>\n", then per scope 'S', the
** scope with its NUL, its number of runs (8 bytes) and each run's id (8
** bytes) and fingerprint (16); per board 'B', its scope with its NUL, its
** metric id (8 bytes), 1 if primary, the scope's fingerprint (32 bytes),
** the length of its rows (8 bytes) and the rows (store_rows_save); then
** 'E' and the SHA-256 of everything before it in hex. A file that does
** not check out (cut short, edited, another base key) gives nothing:
** every board is read from the registry.
**
** Owns: the live site's file read whole and the scopes noted, freed
** by board_keep_end or board_keep_free; the main thread's, but worker
** threads read kept boards (board_keep_take: what main never changes
** before board_keep_end, which comes after they are joined).
*/
#include "render/site_int.h"
#include "render/board_keep.h"
#include "render/keep_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEEP_HEAD "podium boards 2 "
#define RUN_LEN (8 + 16)   /* a run of an 'S' record */

typedef struct kept {     /* a board of the live site's file */
  const char *scope;      /* into text */
  int64_t metric_id;
  int primary;
  const unsigned char *fp, *rows;
  size_t len;
} kept;

typedef struct kept_scope {   /* a scope's runs in the live site's file */
  const char *scope;          /* into text */
  const unsigned char *runs;  /* n of RUN_LEN bytes, by id */
  size_t n;
} kept_scope;

typedef struct noted {    /* a board written to this render's file */
  char *scope;
  int64_t metric_id;
} noted;

struct board_keep {
  const render_incr *incr;
  pod_map text;           /* the live site's file */
  kept *kept;
  size_t n_kept;
  kept_scope *scopes;
  size_t n_scopes;
  noted *noted;
  size_t n_noted;
  keep_writer w;          /* this render's file */
  int ended;
};

static uint64_t get_u64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* Indexes the records of the live site's file, [p, end). */
static void index_file(board_keep *k, const unsigned char *p,
                       const unsigned char *end) {
  while (p < end) {
    const unsigned char *nul;
    kept e;
    uint64_t len;
    if (*p == 'S') {   /* a scope's runs */
      kept_scope sc;
      p++;
      if (!(nul = memchr(p, 0, (size_t)(end - p))) || (size_t)(end - nul) < 1 + 8)
        break;
      sc.scope = (const char *)p;
      len = get_u64(nul + 1);
      p = nul + 9;
      if (len > (uint64_t)(end - p) / RUN_LEN) break;
      sc.runs = p;
      sc.n = (size_t)len;
      p += sc.n * RUN_LEN;
      k->scopes = pod_xrealloc(k->scopes, (k->n_scopes + 1) * sizeof *k->scopes);
      k->scopes[k->n_scopes++] = sc;
      continue;
    }
    if (*p++ != 'B' || !(nul = memchr(p, 0, (size_t)(end - p))) ||
        (size_t)(end - nul) < 1 + 8 + 1 + 32 + 8)
      break;
    e.scope = (const char *)p;
    p = nul + 1;
    e.metric_id = (int64_t)get_u64(p);
    e.primary = p[8];
    e.fp = p + 9;
    len = get_u64(p + 41);
    p += 49;
    if (len > (uint64_t)(end - p)) break;
    e.rows = p;
    e.len = (size_t)len;
    p += len;
    k->kept = pod_xrealloc(k->kept, (k->n_kept + 1) * sizeof *k->kept);
    k->kept[k->n_kept++] = e;
  }
  if (p != end) {   /* the sum held but the records do not: none */
    free(k->kept);
    k->kept = NULL;
    k->n_kept = 0;
    free(k->scopes);
    k->scopes = NULL;
    k->n_scopes = 0;
  }
}

board_keep *board_keep_open(const render_incr *incr, const char *target,
                            render_out *out) {
  board_keep *k = pod_xmalloc(sizeof *k);
  const unsigned char *body;
  size_t len;
  memset(k, 0, sizeof *k);
  k->incr = incr;
  if (keep_file_open(&k->w, incr, out, target, RENDER_BOARDS, KEEP_HEAD, &k->text,
                     &body, &len))
    index_file(k, body, body + len);
  return k;
}

/* The runs of scope that differ from the kept ones (new, changed or
** gone), by id, into *ids; -1 when the kept file has not its runs or
** more changed than a patch is worth (reading the board is then as
** quick). */
static long changed_runs(const board_keep *k, const char *scope,
                         int64_t **ids) {
  const kept_scope *ks = NULL;
  const render_scope_run *now;
  size_t n_now = render_incr_scope_runs(k->incr, scope, &now), i = 0, j = 0;
  long n = 0, most;
  for (size_t x = 0; x < k->n_scopes && !ks; x++)
    if (!strcmp(k->scopes[x].scope, scope)) ks = &k->scopes[x];
  if (!ks) return -1;
  most = 64 + (long)(n_now / 32);   /* each is a statement of its own */
  *ids = NULL;
  while ((i < n_now || j < ks->n) && n <= most) {
    const unsigned char *was = j < ks->n ? ks->runs + j * RUN_LEN : NULL;
    int64_t old = was ? (int64_t)get_u64(was) : INT64_MAX;
    int64_t id = i < n_now ? now[i].id : INT64_MAX;
    if (id == old && !memcmp(now[i].fp, was + 8, 16)) {
      i++, j++;
      continue;
    }
    *ids = pod_xrealloc(*ids, (size_t)(n + 1) * sizeof **ids);
    (*ids)[n++] = id < old ? id : old;
    if (id <= old) i++;
    if (old <= id) j++;
  }
  if (n > most) {
    free(*ids);
    *ids = NULL;
    return -1;
  }
  return n;
}

/* The file's board (scope, metric_id, primary), whatever its scope's
** fingerprint, or NULL. */
static const kept *kept_board(const board_keep *k, const char *scope,
                              int64_t metric_id, int primary) {
  for (size_t i = 0; k && i < k->n_kept; i++)
    if (k->kept[i].metric_id == metric_id && k->kept[i].primary == primary &&
        !strcmp(k->kept[i].scope, scope))
      return &k->kept[i];
  return NULL;
}

/* The kept board (scope, metric_id, primary): when its scope's
** fingerprint is the same (*n_changed 0), or when a few of its runs
** changed (listed in *changed, for the caller to free); else NULL. */
static const kept *find_kept(const board_keep *k, const char *scope,
                             int64_t metric_id, int primary,
                             int64_t **changed, size_t *n_changed) {
  unsigned char fp[32];
  const kept *e;
  long n;
  *changed = NULL;
  *n_changed = 0;
  if (!k || k->ended || !k->n_kept ||
      !render_incr_scope_fp(k->incr, scope, fp) ||
      !(e = kept_board(k, scope, metric_id, primary)))
    return NULL;
  if (!memcmp(e->fp, fp, 32)) return e;
  if ((n = changed_runs(k, scope, changed)) <= 0) return NULL;
  *n_changed = (size_t)n;
  return e;
}

store_rows *board_keep_take(const board_keep *k, const char *scope,
                            int64_t metric_id, int primary,
                            int64_t **changed, size_t *n_changed) {
  const kept *e = find_kept(k, scope, metric_id, primary, changed, n_changed);
  return e ? store_rows_load(e->rows, e->len) : NULL;
}

/* Writes scope's runs to this render's file, before its first board. */
static int note_scope(board_keep *k, const char *scope, char err[POD_ERRLEN]) {
  const render_scope_run *runs;
  size_t n = render_incr_scope_runs(k->incr, scope, &runs);
  uint64_t count = n;
  pod_buf rec = POD_BUF_INIT;
  int rc;
  for (size_t i = 0; i < k->n_noted; i++)
    if (!strcmp(k->noted[i].scope, scope)) return POD_OK;
  pod_buf_addc(&rec, 'S');
  pod_buf_add(&rec, scope, strlen(scope) + 1);
  pod_buf_add(&rec, &count, sizeof count);
  for (size_t i = 0; i < n; i++) {
    uint64_t id = (uint64_t)runs[i].id;
    pod_buf_add(&rec, &id, sizeof id);
    pod_buf_add(&rec, runs[i].fp, sizeof runs[i].fp);
  }
  rc = keep_writer_add(&k->w, rec.data, rec.len, err);
  pod_buf_free(&rec);
  return rc;
}

int board_keep_note(board_keep *k, const char *scope, int64_t metric_id,
                    int primary, const store_rows *rows,
                    char err[POD_ERRLEN]) {
  unsigned char fp[32], flag = (unsigned char)(primary != 0);
  pod_buf rec = POD_BUF_INIT;
  uint64_t id = (uint64_t)metric_id, len;
  const void *stream;
  size_t at, n;
  int rc;
  if (!k || k->ended) return POD_OK;
  for (size_t i = 0; i < k->n_noted; i++)   /* read again after a trim */
    if (k->noted[i].metric_id == metric_id && !strcmp(k->noted[i].scope, scope))
      return POD_OK;
  if (!render_incr_scope_fp(k->incr, scope, fp)) return POD_OK;
  if ((rc = note_scope(k, scope, err))) return rc;
  k->noted = pod_xrealloc(k->noted, (k->n_noted + 1) * sizeof *k->noted);
  k->noted[k->n_noted].scope = pod_xstrdup(scope);
  k->noted[k->n_noted++].metric_id = metric_id;
  pod_buf_addc(&rec, 'B');
  pod_buf_add(&rec, scope, strlen(scope) + 1);
  pod_buf_add(&rec, &id, sizeof id);
  pod_buf_add(&rec, &flag, 1);
  pod_buf_add(&rec, fp, sizeof fp);
  at = rec.len;
  pod_buf_add(&rec, &id, sizeof id);   /* the rows' length, below */
  store_rows_save_head(rows, &rec);
  stream = store_rows_stream(rows, &n);
  len = rec.len - at - sizeof len + n;
  memcpy(rec.data + at, &len, sizeof len);
  /* the rows' stream as it is, not copied into the record (a board of
  ** 100,000 runs is megabytes) */
  if ((rc = keep_writer_add(&k->w, rec.data, rec.len, err)) == POD_OK)
    rc = keep_writer_add(&k->w, stream, n, err);
  pod_buf_free(&rec);
  return rc;
}

int board_keep_end(board_keep *k, char err[POD_ERRLEN]) {
  if (!k || k->ended) return POD_OK;
  k->ended = 1;
  pod_file_unmap(&k->text);   /* nothing reads it after the boards */
  free(k->kept);
  k->kept = NULL;
  k->n_kept = 0;
  free(k->scopes);
  k->scopes = NULL;
  k->n_scopes = 0;
  return keep_writer_end(&k->w, err);
}

void board_keep_free(board_keep *k) {
  if (!k) return;
  pod_file_unmap(&k->text);
  keep_writer_free(&k->w);
  free(k->kept);
  free(k->scopes);
  for (size_t i = 0; i < k->n_noted; i++) free(k->noted[i].scope);
  free(k->noted);
  free(k);
}
