/*
** render/incr.c -- the incremental render: which pages of the live site
** can be taken as they are instead of rendered again.
**
** Every render writes a manifest, .podium-pages, beside its pages: the
** base key (state.c: the podium binary, templates, assets, catalogs,
** languages, course pages, project file and metrics: everything but the
** registry's own rows) and, per reusable page, its fingerprint: a
** SHA-256 of every registry row the page reads. The next render reads
** the live site's manifest; when its base key is this render's, a page
** whose fingerprint is unchanged, and whose file is still there, is
** hard-linked from the live site (render_out_reuse) instead of
** rendered. A different base key (a template, a catalog, an option, a
** new podium) reuses nothing: a full render.
**
** Reused today: run pages and model pages, nearly all of a big site's
** pages, and each page of a long list. A run page reads its run's row,
** its measurement, tracker and snapshot rows (by file:
** store_each_run_feed), those files' rows and its environment's row; a
** model page (page_fp.c) its units' runs (their rows by file, as
** above), its study table's columns and row and the comparisons it is
** in; a page of the run list, an environment's runs, a board, a study
** table or the model list (page_fp.c, pages.c, study_pages.c) its place
** and its own rows. The overview, comparisons and downloads are
** rendered every time.
**
** The tree the live site replaced may be kept beside it (output.c's
** standby) and updated into the next site instead of a new tree made:
** its manifest (render_incr_load_prev) says which of its files already
** are the live site's pages as they are (render_incr_prev_same).
**
** Owns: the old manifests' entries, the source and environment row
** digests and the run feed rows, all made before the workers start
** (render_incr_scan on the main thread; render_incr_load_live and
** render_incr_load_prev on the one that reads the site's files beside
** it) and read only after, freed by render_incr_free.
*/
#include "render/incr.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_HEAD "podium pages 1 "
#define MANIFEST_PART (256u << 10)   /* bytes of it written at once */

typedef struct digest {   /* a source's or environment's row */
  int64_t id;
  unsigned char d[32];
} digest;

typedef struct feed {     /* a store_each_run_feed row, as hashed */
  int64_t run, kind, source, n, last, notes, lines, note_hash;
  double vsum;
} feed;

/* A run's feed rows (they come ordered by run): where they start in the
** stream of the others' fields, ~15 bytes a row instead of a 56-byte
** feed (1.1 MB at 10,000 runs, kept the whole render). */
typedef struct feed_run {
  int64_t run;
  size_t at;
} feed_run;

typedef struct entry {    /* a page of an old manifest: a 100,000-run
                          ** site has 200,000 of them; 8 bytes (a table
                          ** of 16-byte slots was 1-2 MB of fresh pages,
                          ** their faults 2% of a render after one new run) */
  uint32_t at;            /* where its rel is in text (its fingerprint
                          ** before it, '\n' after it); 0: an empty slot */
  uint32_t tag;           /* its hash's high half: most slots that are
                          ** not rel's are told without reading text */
} entry;

typedef struct manifest {
  pod_map text;           /* the file, mapped (read, it was a page fault
                          ** every 4 KB of it) */
  entry *slots;           /* open addressing by rel, a power of two */
  size_t n_slots;
  /* the standby's (prev): no table, but the hashes of the live site's
  ** pages whose line it does not have, sorted (render_incr_load_prev) */
  uint64_t *differ;
  size_t n_differ;
} manifest;

typedef struct run_scope {  /* a runs row of Q_STATE, until scopes are hashed */
  int64_t id;
  char *scope;
  unsigned char d[32];
} run_scope;

typedef struct scope_fp {   /* what a scope's boards are made of */
  char *scope;
  unsigned char fp[32];
  size_t first, n;          /* its runs in scope_runs */
} scope_fp;

struct render_incr {
  char base[65];
  manifest live;          /* the live site's */
  manifest prev;          /* the tree before it, kept beside it (output.c's
                          ** standby), when it is to be updated */
  digest *sources, *envs;
  size_t n_sources, n_envs, cap_sources, cap_envs;
  pod_buf feeds;           /* rows without their run: varints, vsum */
  feed_run *runs;
  size_t n_runs, cap_runs;
  unsigned char (*rows_fp)[16];   /* runs[i]'s rows (render_incr_rows_fp) */
  run_scope *rs;           /* freed once scopes are hashed */
  size_t n_rs, cap_rs;
  scope_fp *scopes;        /* by scope */
  size_t n_scopes;
  render_scope_run *scope_runs;   /* by scope, then id */
};

/* The manifests' tables by path (a byte at a time, their 120,000
** lookups after one new run were 2% of its CPU). */
static uint64_t hash_rel(const char *s, size_t n) {
  return pod_hash64(s, n, 0);
}

/* Q_STATE rows: 's' (sources) and 'e' (environments), each row's
** digest by its id; 'r' (runs) with their scope, for the scopes'
** fingerprints. */
static int note_state(const store_row *row, void *ud) {
  render_incr *in = ud;
  const char *t = row->v[0].type == STORE_TEXT ? row->v[0].s : "";
  digest **arr;
  size_t *n, *cap;
  pod_sha256 h;
  if (!strcmp(t, "r")) {   /* a run: its scope's boards read its row */
    const store_value *sc = &row->v[9];
    if (in->n_rs == in->cap_rs) {
      in->cap_rs = in->cap_rs ? 2 * in->cap_rs : 256;
      in->rs = pod_xrealloc(in->rs, in->cap_rs * sizeof *in->rs);
    }
    pod_sha256_init(&h);
    render_state_hash_row(row, &h);
    pod_sha256_digest(&h, in->rs[in->n_rs].d);
    in->rs[in->n_rs].id = store_value_int(&row->v[1]);
    in->rs[in->n_rs++].scope = pod_xstrdup(sc->type == STORE_TEXT ? sc->s : "");
    return 0;
  }
  if (!strcmp(t, "s")) {
    arr = &in->sources, n = &in->n_sources, cap = &in->cap_sources;
  } else if (!strcmp(t, "e")) {
    arr = &in->envs, n = &in->n_envs, cap = &in->cap_envs;
  } else {
    return 0;
  }
  if (*n == *cap) {
    *cap = *cap ? 2 * *cap : 64;
    *arr = pod_xrealloc(*arr, *cap * sizeof **arr);
  }
  pod_sha256_init(&h);
  render_state_hash_row(row, &h);
  pod_sha256_digest(&h, (*arr)[*n].d);
  (*arr)[*n].id = store_value_int(&row->v[1]);
  (*n)++;
  return 0;
}

static void put_varint(pod_buf *b, int64_t v) {
  uint64_t u = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);   /* zigzag */
  char c[10];
  size_t n = 0;
  do {
    c[n++] = (char)((u & 0x7f) | (u > 0x7f ? 0x80 : 0));
    u >>= 7;
  } while (u);
  pod_buf_add(b, c, n);
}

static int64_t get_varint(const unsigned char **p) {
  uint64_t u = 0;
  int shift = 0;
  do {
    u |= (uint64_t)(**p & 0x7f) << shift;
    shift += 7;
  } while (*(*p)++ & 0x80);
  return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* The least and greatest note of a feed row (columns 8 and 9), FNV-1a. */
static int64_t note_hash(const store_row *row) {
  uint64_t h = 1469598103934665603ull;
  for (int c = 8; c <= 9 && c < row->n; c++) {
    const char *t = row->v[c].type == STORE_TEXT ? row->v[c].s : "";
    for (; *t; t++) h = (h ^ (unsigned char)*t) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;   /* between the two */
  }
  return (int64_t)h;
}

static int note_feed(const store_row *row, void *ud) {
  render_incr *in = ud;
  int64_t run = row->v[0].i;
  double vsum = row->v[5].type == STORE_INT ? (double)row->v[5].i : row->v[5].d;
  if (!in->n_runs || in->runs[in->n_runs - 1].run != run) {
    if (in->n_runs == in->cap_runs) {
      in->cap_runs = in->cap_runs ? 2 * in->cap_runs : 256;
      in->runs = pod_xrealloc(in->runs, in->cap_runs * sizeof *in->runs);
    }
    in->runs[in->n_runs].run = run;
    in->runs[in->n_runs++].at = in->feeds.len;
  }
  put_varint(&in->feeds, row->v[1].i);
  put_varint(&in->feeds, row->v[2].i);
  put_varint(&in->feeds, row->v[3].i);
  put_varint(&in->feeds, row->v[4].i);
  put_varint(&in->feeds, row->v[6].i);
  put_varint(&in->feeds, store_value_int(&row->v[7]));
  put_varint(&in->feeds, note_hash(row));
  pod_buf_add(&in->feeds, &vsum, sizeof vsum);
  return 0;
}

static int cmp_digest(const void *a, const void *b) {
  int64_t x = ((const digest *)a)->id, y = ((const digest *)b)->id;
  return (x > y) - (x < y);
}

static const digest *find_digest(const digest *arr, size_t n, int64_t id) {
  digest key;
  key.id = id;
  return n ? bsearch(&key, arr, n, sizeof *arr, cmp_digest) : NULL;
}

static int cmp_run_scope(const void *a, const void *b) {
  const run_scope *x = a, *y = b;
  int c = strcmp(x->scope, y->scope);
  return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* Each scope's fingerprint: its runs in id order, each its row's digest
** and what its rows are made of (render_incr_feed). A board's rows
** (BOARD_SQL, PRIMARY_SQL) read only its scope's runs and their
** measurements and tracker results (board_keep.c). */
static void hash_scopes(render_incr *in) {
  if (in->n_rs) qsort(in->rs, in->n_rs, sizeof *in->rs, cmp_run_scope);
  in->scope_runs = pod_xmalloc((in->n_rs ? in->n_rs : 1) *
                               sizeof *in->scope_runs);
  for (size_t i = 0; i < in->n_rs;) {
    pod_sha256 h;
    size_t j = i;
    pod_sha256_init(&h);
    pod_sha256_update(&h, "scope rows 1", 13);
    for (; j < in->n_rs && !strcmp(in->rs[j].scope, in->rs[i].scope); j++) {
      in->scope_runs[j].id = in->rs[j].id;   /* its fp: render_incr_scan */
      memcpy(in->scope_runs[j].fp, in->rs[j].d, sizeof in->scope_runs[j].fp);
      pod_sha256_update(&h, &in->rs[j].id, sizeof in->rs[j].id);
      pod_sha256_update(&h, in->rs[j].d, sizeof in->rs[j].d);
      render_incr_feed(in, in->rs[j].id, &h);
    }
    in->scopes = pod_xrealloc(in->scopes, (in->n_scopes + 1) *
                                              sizeof *in->scopes);
    pod_sha256_digest(&h, in->scopes[in->n_scopes].fp);
    in->scopes[in->n_scopes].scope = in->rs[i].scope;   /* taken */
    in->scopes[in->n_scopes].first = i;
    in->scopes[in->n_scopes++].n = j - i;
    for (size_t k = i + 1; k < j; k++) free(in->rs[k].scope);
    i = j;
  }
  free(in->rs);
  in->rs = NULL;
  in->n_rs = in->cap_rs = 0;
}

static const scope_fp *find_scope(const render_incr *in, const char *scope) {
  size_t lo = 0, hi = in->n_scopes;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(in->scopes[mid].scope, scope);
    if (!c) return &in->scopes[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

int render_incr_scope_fp(const render_incr *in, const char *scope,
                         unsigned char fp[32]) {
  const scope_fp *sc = find_scope(in, scope);
  if (sc) memcpy(fp, sc->fp, 32);
  return sc != NULL;
}

size_t render_incr_scope_runs(const render_incr *in, const char *scope,
                              const render_scope_run **runs) {
  const scope_fp *sc = find_scope(in, scope);
  *runs = sc ? in->scope_runs + sc->first : NULL;
  return sc ? sc->n : 0;
}

/* Loads dir's manifest into m when it was written with base; 1 if so.
** Its table of paths only when table is set. */
static int load_manifest(manifest *m, const char *base, const char *dir,
                         int table) {
  char path[4200], err[POD_ERRLEN];
  const char *p, *end, *nl;
  size_t lines = 0, head = strlen(MANIFEST_HEAD);
  snprintf(path, sizeof path, "%s/" RENDER_MANIFEST, dir);
  if (pod_file_map(path, &m->text, err) || m->text.len < head + 65 ||
      memcmp(m->text.data, MANIFEST_HEAD, head) ||
      memcmp(m->text.data + head, base, 64) || m->text.data[head + 64] != '\n') {
    pod_file_unmap(&m->text);
    return 0;   /* none, or another base: nothing is reused */
  }
  p = (const char *)m->text.data + head + 65;
  end = (const char *)m->text.data + m->text.len;
  if (!table) return 1;
  for (const char *q = p; (q = memchr(q, '\n', (size_t)(end - q))); q++)
    lines++;
  if (m->text.len >= UINT32_MAX) {   /* past what a slot can say */
    pod_file_unmap(&m->text);
    return 0;
  }
  /* at most 2/3 full */
  for (m->n_slots = 16; 2 * m->n_slots < 3 * lines; m->n_slots *= 2) {}
  m->slots = pod_xcalloc(m->n_slots, sizeof *m->slots);
  for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
    /* "<fp> <rel>\n" */
    if (nl - p < RENDER_FP_LEN + 2 || p[RENDER_FP_LEN] != ' ') continue;
    const char *rel = p + RENDER_FP_LEN + 1;
    uint64_t h = hash_rel(rel, (size_t)(nl - rel));
    size_t k = h & (m->n_slots - 1);
    while (m->slots[k].at) k = (k + 1) & (m->n_slots - 1);
    m->slots[k].at = (uint32_t)(rel - (const char *)m->text.data);
    m->slots[k].tag = (uint32_t)(h >> 32);
  }
  return 1;
}

static void manifest_free(manifest *m) {
  pod_file_unmap(&m->text);
  free(m->slots);
  free(m->differ);
  memset(m, 0, sizeof *m);
}

/* rel's fingerprint in m (RENDER_FP_LEN characters, not a string), or
** NULL; rel's length and hash_rel given. */
static const char *manifest_fp_of(const manifest *m, const char *rel,
                                  size_t len, uint64_t h) {
  uint32_t tag = (uint32_t)(h >> 32);
  if (!m->n_slots) return NULL;
  for (size_t k = h & (m->n_slots - 1); m->slots[k].at;
       k = (k + 1) & (m->n_slots - 1)) {
    const char *was = (const char *)m->text.data + m->slots[k].at;
    /* a line ends with '\n': was[len] is in the file */
    if (m->slots[k].tag == tag &&
        (size_t)(m->text.len - m->slots[k].at) > len &&
        !memcmp(was, rel, len) && was[len] == '\n')
      return was - RENDER_FP_LEN - 1;
  }
  return NULL;
}

static const char *manifest_fp(const manifest *m, const char *rel) {
  size_t len = strlen(rel);
  return manifest_fp_of(m, rel, len, hash_rel(rel, len));
}

render_incr *render_incr_new(const char *base) {
  render_incr *in = pod_xmalloc(sizeof *in);
  memset(in, 0, sizeof *in);
  snprintf(in->base, sizeof in->base, "%s", base);
  return in;
}

void render_incr_load_live(render_incr *in, const char *target) {
  if (*in->base) load_manifest(&in->live, in->base, target, 1);
}

int render_incr_scan(render_incr *in, store_db *db, char err[POD_ERRLEN]) {
  int rc;
  if ((rc = store_each_state(db, note_state, in, err)) ||
      (rc = store_each_run_feed(db, note_feed, in, err)))
    return rc;
  /* kept the whole render: the doubling's slack goes back */
  if (in->n_runs && in->n_runs < in->cap_runs) {
    in->runs = pod_xrealloc(in->runs, in->n_runs * sizeof *in->runs);
    in->cap_runs = in->n_runs;
  }
  if (in->feeds.len + 1 < in->feeds.cap) {
    in->feeds.data = pod_xrealloc(in->feeds.data, in->feeds.len + 1);
    in->feeds.cap = in->feeds.len + 1;
  }
  /* the state rows come table by table in no promised order */
  if (in->n_sources) qsort(in->sources, in->n_sources, sizeof *in->sources,
                           cmp_digest);
  if (in->n_envs) qsort(in->envs, in->n_envs, sizeof *in->envs, cmp_digest);
  hash_scopes(in);
  /* each run's rows, for what is kept of them between renders */
  in->rows_fp = pod_xmalloc((in->n_runs ? in->n_runs : 1) * sizeof *in->rows_fp);
  for (size_t i = 0; i < in->n_runs; i++) {
    pod_sha256 h;
    unsigned char md[32];
    pod_sha256_init(&h);
    pod_sha256_update(&h, "run rows 1", 11);
    pod_sha256_update(&h, &in->runs[i].run, sizeof in->runs[i].run);
    render_incr_feed(in, in->runs[i].run, &h);
    pod_sha256_digest(&h, md);
    memcpy(in->rows_fp[i], md, 16);
  }
  /* a run's fingerprint for its boards: its row's digest (hash_scopes)
  ** and its rows' (two SHA-256 digests: their XOR changes with either) */
  for (size_t i = 0; i < in->n_scopes; i++)
    for (size_t k = 0; k < in->scopes[i].n; k++) {
      render_scope_run *r = &in->scope_runs[in->scopes[i].first + k];
      unsigned char rows[16];
      render_incr_rows_fp(in, r->id, rows);
      for (int b = 0; b < 16; b++) r->fp[b] ^= rows[b];
    }
  return POD_OK;
}

void render_incr_free(render_incr *in) {
  if (!in) return;
  manifest_free(&in->live);
  manifest_free(&in->prev);
  free(in->sources);
  free(in->envs);
  pod_buf_free(&in->feeds);
  free(in->runs);
  free(in->rows_fp);
  for (size_t i = 0; i < in->n_rs; i++) free(in->rs[i].scope);
  free(in->rs);
  for (size_t i = 0; i < in->n_scopes; i++) free(in->scopes[i].scope);
  free(in->scopes);
  free(in->scope_runs);
  free(in);
}

const char *render_incr_base(const render_incr *in) { return in->base; }

size_t render_incr_n_runs(const render_incr *in) { return in->n_runs; }

int64_t render_incr_run_at(const render_incr *in, size_t i) {
  return in->runs[i].run;
}

const unsigned char *render_incr_rows_fp_at(const render_incr *in, size_t i) {
  return in->rows_fp[i];
}

void render_incr_rows_fp(const render_incr *in, int64_t run,
                         unsigned char fp[16]) {
  size_t lo = 0, hi = in->n_runs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (in->runs[mid].run < run) lo = mid + 1;
    else hi = mid;
  }
  if (lo < in->n_runs && in->runs[lo].run == run)
    memcpy(fp, in->rows_fp[lo], 16);
  else
    memset(fp, 0, 16);   /* a run with no rows */
}

void render_incr_feed(const render_incr *in, int64_t run, pod_sha256 *h) {
  const digest *d;
  const unsigned char *p, *end;
  size_t lo = 0, hi = in->n_runs;
  while (lo < hi) {   /* the run's entry */
    size_t mid = lo + (hi - lo) / 2;
    if (in->runs[mid].run < run) lo = mid + 1;
    else hi = mid;
  }
  if (lo == in->n_runs || in->runs[lo].run != run) return;
  p = (const unsigned char *)in->feeds.data + in->runs[lo].at;
  end = (const unsigned char *)in->feeds.data +
        (lo + 1 < in->n_runs ? in->runs[lo + 1].at : in->feeds.len);
  while (p < end) {   /* each row hashed as the feed it was */
    feed f;
    memset(&f, 0, sizeof f);
    f.run = run;
    f.kind = get_varint(&p);
    f.source = get_varint(&p);
    f.n = get_varint(&p);
    f.last = get_varint(&p);
    f.notes = get_varint(&p);
    f.lines = get_varint(&p);
    f.note_hash = get_varint(&p);
    memcpy(&f.vsum, p, sizeof f.vsum);
    p += sizeof f.vsum;
    pod_sha256_update(h, &f, sizeof f);
    if ((d = find_digest(in->sources, in->n_sources, f.source)))
      pod_sha256_update(h, d->d, sizeof d->d);
  }
}

void render_incr_run_fp(const render_incr *in, const store_row *run,
                        char fp[RENDER_FP_LEN + 1]) {
  pod_sha256 h;
  char hex[65];
  int64_t id = store_row_col(run, "id")->i;
  int64_t env = store_row_col(run, "environment_id")->i;
  const digest *d;
  pod_sha256_init(&h);
  pod_sha256_update(&h, "run page 1", 11);
  render_state_hash_row(run, &h);
  if (env && (d = find_digest(in->envs, in->n_envs, env)))
    pod_sha256_update(&h, d->d, sizeof d->d);
  render_incr_feed(in, id, &h);
  pod_sha256_hex(&h, hex);
  memcpy(fp, hex, RENDER_FP_LEN);
  fp[RENDER_FP_LEN] = '\0';
}

int render_incr_same(const render_incr *in, const char *rel,
                     const char *fp) {
  const char *was = manifest_fp(&in->live, rel);
  return was && strlen(fp) == RENDER_FP_LEN && !memcmp(was, fp, RENDER_FP_LEN);
}

int render_incr_reusing(const render_incr *in) {
  return in->live.n_slots != 0;
}

/* A manifest line from *p on: its rel and length, *p past it; 0 at the
** end. Lines that are not "<fp> <rel>" are passed over. */
static int next_line(const char **p, const char *end, const char **rel,
                     size_t *len) {
  const char *nl;
  while (*p < end && (nl = memchr(*p, '\n', (size_t)(end - *p)))) {
    const char *line = *p;
    *p = nl + 1;
    if (nl - line < RENDER_FP_LEN + 2 || line[RENDER_FP_LEN] != ' ') continue;
    *rel = line + RENDER_FP_LEN + 1;
    *len = (size_t)(nl - *rel);
    return 1;
  }
  return 0;
}

/* rels as the manifests sort them (strcmp's order: no NUL in either) */
static int cmp_rel(const char *a, size_t na, const char *b, size_t nb) {
  int c = memcmp(a, b, na < nb ? na : nb);
  return c ? c : (na > nb) - (na < nb);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* The live site's pages whose line prev's manifest does not have, from
** one walk of both (each sorted by rel): their hashes in prev->differ.
** 0 when a manifest is out of order (written by hand): then no file of
** the standby is taken as a live page. */
static int note_differ(manifest *prev, const manifest *live) {
  const char *lp, *le, *pp, *pe, *lr = NULL, *pr = NULL, *last_l = NULL,
                                 *last_p = NULL;
  size_t head = strlen(MANIFEST_HEAD) + 65, ln, pn = 0, last_ln = 0,
         last_pn = 0, cap = 0;
  int have_p;
  if (live->text.len < head || prev->text.len < head) return 0;
  lp = (const char *)live->text.data + head;
  le = (const char *)live->text.data + live->text.len;
  pp = (const char *)prev->text.data + head;
  pe = (const char *)prev->text.data + prev->text.len;
  have_p = next_line(&pp, pe, &pr, &pn);
  while (next_line(&lp, le, &lr, &ln)) {
    if (last_l && cmp_rel(last_l, last_ln, lr, ln) >= 0) return 0;
    last_l = lr;
    last_ln = ln;
    while (have_p && cmp_rel(pr, pn, lr, ln) < 0) {
      last_p = pr;
      last_pn = pn;
      have_p = next_line(&pp, pe, &pr, &pn);
      if (have_p && cmp_rel(last_p, last_pn, pr, pn) >= 0) return 0;
    }
    if (have_p && cmp_rel(pr, pn, lr, ln) == 0 &&
        !memcmp(pr - RENDER_FP_LEN - 1, lr - RENDER_FP_LEN - 1, RENDER_FP_LEN))
      continue;   /* the same line */
    if (prev->n_differ == cap) {
      cap = cap ? 2 * cap : 256;
      prev->differ = pod_xrealloc(prev->differ, cap * sizeof *prev->differ);
    }
    prev->differ[prev->n_differ++] = hash_rel(lr, ln);
  }
  if (prev->n_differ > 1)
    qsort(prev->differ, prev->n_differ, sizeof *prev->differ, cmp_u64);
  return 1;
}

int render_incr_load_prev(render_incr *in, const char *dir) {
  manifest_free(&in->prev);
  if (!dir || !*in->base || !load_manifest(&in->prev, in->base, dir, 0))
    return 0;
  if (!note_differ(&in->prev, &in->live)) {
    manifest_free(&in->prev);
    return 0;
  }
  return 1;
}

int render_incr_prev_same(const render_incr *in, const char *rel) {
  size_t len = strlen(rel), lo = 0, hi = in->prev.n_differ;
  uint64_t h = hash_rel(rel, len);   /* the table's and differ's */
  if (!in->prev.text.len || !manifest_fp_of(&in->live, rel, len, h))
    return 0;
  while (lo < hi) {   /* a hash of a page that differs: not the same
                      ** (another path of that hash too: written again) */
    size_t mid = lo + (hi - lo) / 2;
    if (in->prev.differ[mid] == h) return 0;
    if (in->prev.differ[mid] < h) lo = mid + 1;
    else hi = mid;
  }
  return 1;
}

/* "<fp> <rel>" lines by rel */
static int cmp_line(const void *a, const void *b) {
  return strcmp(*(char *const *)a + RENDER_FP_LEN + 1,
                *(char *const *)b + RENDER_FP_LEN + 1);
}

/* "<lang>/" strings in order */
static int cmp_lang(const void *a, const void *b) {
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  for (; *x && *x == *y; x++, y++) {}
  return (unsigned char)(*x ? *x : '/') - (unsigned char)(*y ? *y : '/');
}

/* a against p followed by q */
static int cmp_cat(const char *a, const char *p, const char *q) {
  for (; *p; a++, p++)
    if (*a != *p) return (unsigned char)*a - (unsigned char)*p;
  return strcmp(a, q);
}

/* The lines of n buffers, each cut in place, into *v (sorted by rel). */
static size_t cut_lines(pod_buf *const *bufs, size_t n, char ***v) {
  size_t count = 0, cap = 0;
  *v = NULL;
  for (size_t b = 0; b < n; b++)
    for (char *p = bufs[b]->data; p && *p;) {
      char *nl = strchr(p, '\n');
      if (!nl) break;
      *nl = '\0';
      if (count == cap) {
        cap = cap ? 2 * cap : 1024;
        *v = pod_xrealloc(*v, cap * sizeof **v);
      }
      (*v)[count++] = p;
      p = nl + 1;
    }
  /* by path: threads note their pages in the order they claim them */
  if (count) qsort(*v, count, sizeof **v, cmp_line);
  return count;
}

typedef struct mwrite {
  render_out *o;
  pod_buf part;
  int first, rc;
  char *err;
} mwrite;

static void emit(mwrite *w, const char *fp, const char *lang,
                 const char *rel) {
  pod_buf_add(&w->part, fp, RENDER_FP_LEN);
  pod_buf_addc(&w->part, ' ');
  if (lang) {
    pod_buf_adds(&w->part, lang);
    pod_buf_addc(&w->part, '/');
  }
  pod_buf_adds(&w->part, rel);
  pod_buf_addc(&w->part, '\n');
  if (w->part.len >= MANIFEST_PART && w->rc == POD_OK) {
    w->rc = render_out_part_take(w->o, RENDER_MANIFEST, &w->part, w->first,
                                 0, w->err);
    w->first = 0;
  }
}

int render_incr_write_manifest(const render_incr *in, pod_buf *const *lines,
                               pod_buf *const *every, size_t n,
                               const char *const *langs, int n_langs,
                               render_out *o, char err[POD_ERRLEN]) {
  char **v, **e;
  const char **lg = pod_xmalloc((size_t)(n_langs ? n_langs : 1) * sizeof *lg);
  size_t nv = cut_lines(lines, n, &v), ne = cut_lines(every, n, &e), i = 0;
  mwrite w = {o, POD_BUF_INIT, 1, POD_OK, err};
  memcpy(lg, langs, (size_t)n_langs * sizeof *lg);
  qsort(lg, (size_t)n_langs, sizeof *lg, cmp_lang);
  pod_buf_printf(&w.part, MANIFEST_HEAD "%s\n", in->base);
  /* the lines for every language follow each other under "<lang>/" in
  ** rel order (e is sorted by rest): merged with the others' */
  for (int k = 0; k < n_langs && ne; k++) {
    char pre[80];
    snprintf(pre, sizeof pre, "%s/", lg[k]);
    for (size_t j = 0; j < ne; j++) {
      const char *rest = e[j] + RENDER_FP_LEN + 1;
      while (i < nv && cmp_cat(v[i] + RENDER_FP_LEN + 1, pre, rest) < 0) {
        emit(&w, v[i], NULL, v[i] + RENDER_FP_LEN + 1);
        i++;
      }
      emit(&w, e[j], lg[k], rest);
    }
  }
  for (; i < nv; i++) emit(&w, v[i], NULL, v[i] + RENDER_FP_LEN + 1);
  if (w.rc == POD_OK)
    w.rc = render_out_part_take(o, RENDER_MANIFEST, &w.part, w.first, 1, err);
  pod_buf_free(&w.part);
  free(v);
  free(e);
  free(lg);
  return w.rc;
}
