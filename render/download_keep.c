/*
** render/download_keep.c -- data/measurements.csv and .json: every
** measurement of the registry, by run, each run's rows taken from the
** live site's files when none of them changed.
**
** These two files are most of a site's bytes (56 MB at 10,000
** CodeCarbon runs), and writing them again from every row was a third of
** a render after one new run. Every render also writes .podium-downloads
** (RENDER_DOWNLOADS, bookkeeping like the manifest, keep_file.h): per
** run in the files' order, the fingerprint of its rows (render_incr_feed:
** its rows by file) and where its rows are in each file. The next render
** with the same base key copies the bytes of each run whose fingerprint
** is the same from the live site's files and reads the others alone
** (store_each_measurement_all_of): the bytes a walk of every row writes
** (tests/t_incremental.c). When many runs changed, or the live files
** are not the size the index says, every row is read again.
**
** Owns: its buffers, the live site's index and files while it runs;
** all released before it returns.
*/
#include "render/render_int.h"
#include "render/incr.h"
#include "render/keep_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KEEP_HEAD "podium downloads 1 "
#define REC_LEN (8 + 16 + 4 * 8)   /* id, fingerprint, csv at/len, json at/len */
#define OLD_CSV "data/measurements.csv"
#define OLD_JSON "data/measurements.json"

typedef struct pfile {    /* a download going out in parts */
  const char *rel;
  pod_buf buf;
  int first;              /* no part out yet */
  uint64_t size;          /* bytes so far, the range below included */
  uint64_t from, to;      /* a range of it still to copy (from < to) */
  /* the standby's file (render_out_part_prefix): its size, and how many
  ** of its first bytes are the live file's (0: none known) */
  uint64_t was, same;
} pfile;

typedef struct old_run {  /* a run of the live site's index */
  int64_t id;
  unsigned char fp[16];
  uint64_t csv_at, csv_len, json_at, json_len;
} old_run;

typedef struct dl {
  render_out *out;
  const render_incr *incr;
  pfile csv, json;
  keep_writer w;          /* this render's index */
  uint64_t header_len;
  int any_row, header_done;
  int64_t run;            /* the run being written, 0 before the first */
  unsigned char fp[16];
  int have_csv, have_json;   /* its first byte is out: at below is set */
  uint64_t csv_at, json_at;
  size_t next;            /* incr runs before it are noted (the walk of all) */
  int all;                /* a walk of every row, not run by run */
  int rc;
  char err[POD_ERRLEN];
} dl;

/* ---- the two files, in parts ----------------------------------------- */

static int pf_send(dl *d, pfile *f, int last) {
  int rc = render_out_part_take(d->out, f->rel, &f->buf, f->first, last,
                                d->err);
  f->first = 0;
  return rc;
}

/* The range of the live file still to copy goes out (after what is
** buffered: the first part makes the file), copied by the kernel. */
static int pf_copy_out(dl *d, pfile *f) {
  int rc;
  if (f->from >= f->to) return POD_OK;
  if (f->first && !f->buf.len && !f->from) {   /* the live file's start */
    rc = render_out_part_prefix(d->out, f->rel, f->to,
                                f->same < f->to ? f->same : f->to, f->was,
                                d->err);
    f->first = 0;
    f->from = f->to;
    return rc;
  }
  if ((f->buf.len || f->first) && (rc = pf_send(d, f, 0))) return rc;
  rc = render_out_part_copy(d->out, f->rel, f->from, f->to - f->from, d->err);
  f->from = f->to;
  return rc;
}

static int pf_add(dl *d, pfile *f, const char *p, size_t n) {
  int rc;
  if (f->from < f->to && (rc = pf_copy_out(d, f))) return rc;
  if (n) render_part_room(&f->buf);
  pod_buf_add(&f->buf, p, n);
  f->size += n;
  return POD_OK;
}

/* Bytes [at, at + n) of the live file next: one range with the one
** before when they follow each other there. */
static int pf_copy(dl *d, pfile *f, uint64_t at, uint64_t n) {
  int rc;
  if (f->from < f->to && f->to != at && (rc = pf_copy_out(d, f))) return rc;
  if (f->from == f->to) f->from = f->to = at;
  f->to += n;
  f->size += n;
  return POD_OK;
}

/* After a row or a copy: a part out when the buffer is full. */
static int pf_check(dl *d, pfile *f) {
  return f->buf.len > render_download_part ? pf_send(d, f, 0) : POD_OK;
}

/* ---- runs ------------------------------------------------------------- */

static int note_run(dl *d, int64_t id, const unsigned char fp[16],
                    uint64_t csv_at, uint64_t csv_len, uint64_t json_at,
                    uint64_t json_len) {
  unsigned char rec[1 + REC_LEN];
  uint64_t v[4] = {csv_at, csv_len, json_at, json_len};
  rec[0] = 'R';
  memcpy(rec + 1, &id, 8);
  memcpy(rec + 9, fp, 16);
  memcpy(rec + 25, v, sizeof v);
  return keep_writer_add(&d->w, rec, sizeof rec, d->err);
}

/* Ends the run being written: its place in both files. */
static int close_run(dl *d) {
  if (!d->run) return POD_OK;
  if (!d->have_csv) d->csv_at = d->csv.size;
  if (!d->have_json) d->json_at = d->json.size;
  return note_run(d, d->run, d->fp, d->csv_at, d->csv.size - d->csv_at,
                  d->json_at, d->json.size - d->json_at);
}

/* In a walk of every row: notes the runs before id that have no row
** here (rows of other kinds only), with no bytes. */
static int note_skipped(dl *d, int64_t id) {
  while (d->all && d->incr && d->next < render_incr_n_runs(d->incr) &&
         render_incr_run_at(d->incr, d->next) <= id) {
    int64_t r = render_incr_run_at(d->incr, d->next++);
    unsigned char fp[16];
    int rc;
    if (r == id) break;
    render_incr_rows_fp(d->incr, r, fp);
    if ((rc = note_run(d, r, fp, d->csv.size, 0, d->json.size, 0))) return rc;
  }
  return POD_OK;
}

/* Ends the run being written and starts run id. */
static int open_run(dl *d, int64_t id) {
  int rc = close_run(d);
  d->run = 0;
  if (rc || (rc = note_skipped(d, id))) return rc;
  d->run = id;
  d->have_csv = d->have_json = 0;
  if (d->incr) render_incr_rows_fp(d->incr, id, d->fp);
  else memset(d->fp, 0, sizeof d->fp);
  return POD_OK;
}

static int row(const store_row *r, void *ud) {
  dl *d = ud;
  pod_buf csv = POD_BUF_INIT, json = POD_BUF_INIT;
  int64_t id = r->n ? r->v[0].i : 0;
  if (id != d->run && (d->rc = open_run(d, id))) return 1;
  if (!d->header_done) {
    render_csv_header(r, &csv);
    d->header_len = csv.len;
    d->header_done = 1;
    if ((d->rc = pf_add(d, &d->csv, csv.data, csv.len))) goto stop;
    pod_buf_clear(&csv);
  }
  if ((d->rc = pf_add(d, &d->json, d->any_row ? "," : "[", 1))) goto stop;
  d->any_row = 1;
  if (!d->have_csv) d->csv_at = d->csv.size, d->have_csv = 1;
  if (!d->have_json) d->json_at = d->json.size, d->have_json = 1;
  render_csv_json_row(r, &csv, &json);
  if ((d->rc = pf_add(d, &d->csv, csv.data, csv.len)) ||
      (d->rc = pf_add(d, &d->json, json.data, json.len)) ||
      (d->rc = pf_check(d, &d->csv)) || (d->rc = pf_check(d, &d->json)))
    goto stop;
  pod_buf_free(&csv);
  pod_buf_free(&json);
  return 0;
stop:
  pod_buf_free(&csv);
  pod_buf_free(&json);
  return 1;
}

/* ---- the live site's index -------------------------------------------- */

typedef struct old_index {
  pod_map text;
  old_run *runs;
  size_t n;
  uint64_t header_len, csv_size, json_size;
} old_index;

/* Reads an index's body (p, len) into x: 1 when its runs tile both
** files as this file writes them. */
static int index_parse(old_index *x, const unsigned char *p, size_t len) {
  const unsigned char *end;
  end = p + len;
  if (len % (1 + REC_LEN) != 1 + 24 || end[-25] != 'T') return 0;
  x->n = (len - 25) / (1 + REC_LEN);
  x->runs = pod_xmalloc((x->n ? x->n : 1) * sizeof *x->runs);
  for (size_t i = 0; i < x->n; i++, p += 1 + REC_LEN) {
    old_run *o = &x->runs[i];
    uint64_t v[4];
    if (*p != 'R') return 0;
    memcpy(&o->id, p + 1, 8);
    memcpy(o->fp, p + 9, 16);
    memcpy(v, p + 25, sizeof v);
    o->csv_at = v[0], o->csv_len = v[1], o->json_at = v[2], o->json_len = v[3];
  }
  memcpy(&x->header_len, p + 1, 8);
  memcpy(&x->csv_size, p + 9, 8);
  memcpy(&x->json_size, p + 17, 8);
  /* the runs' ranges tile both files as this file writes them: the CSV
  ** from its header on, the JSON from its '[' to its ']' with one ','
  ** between two runs (a range that does not would copy other bytes) */
  uint64_t csv_next = x->header_len, json_next = 1;
  for (size_t i = 0; i < x->n; i++) {
    const old_run *o = &x->runs[i];
    if (!o->csv_len != !o->json_len || (i && o->id <= x->runs[i - 1].id))
      return 0;
    if (!o->csv_len) continue;   /* a run without rows here */
    if (o->csv_at != csv_next || o->json_at != json_next ||
        o->csv_len > x->csv_size - o->csv_at ||
        o->json_len > x->json_size - o->json_at)
      return 0;
    csv_next = o->csv_at + o->csv_len;
    json_next = o->json_at + o->json_len + 1;
  }
  return csv_next == x->header_len   /* no rows: an empty CSV, "[]" */
             ? !x->header_len && !x->csv_size && x->json_size == 2
             : x->header_len && csv_next == x->csv_size &&
                   json_next == x->json_size;
}

/* How many first bytes of the files x and y index are the same: the
** header, then the runs both begin with, each with the same rows (the
** same fingerprint, in the same place). */
static void index_same(const old_index *x, const old_index *y,
                       uint64_t *csv, uint64_t *json) {
  size_t i = 0, j = 0;
  *csv = *json = 0;
  if (!x->n || !y->n || x->header_len != y->header_len) return;
  *csv = x->header_len;
  for (;; i++, j++) {
    while (i < x->n && !x->runs[i].csv_len) i++;   /* no rows here */
    while (j < y->n && !y->runs[j].csv_len) j++;
    if (i == x->n || j == y->n) return;
    const old_run *a = &x->runs[i], *b = &y->runs[j];
    if (a->id != b->id || memcmp(a->fp, b->fp, 16) || a->csv_at != b->csv_at ||
        a->csv_len != b->csv_len || a->json_at != b->json_at ||
        a->json_len != b->json_len)
      return;
    *csv = a->csv_at + a->csv_len;
    *json = a->json_at + a->json_len;
  }
}

/* Starts this render's index and reads the live site's: 1 when it checks
** out and its files are the sizes it says; 0 otherwise. Updating a
** standby, reads its index too (before this render's replaces it there),
** for how much of the standby's files the live ones begin with. */
static int old_open(dl *d, old_index *x) {
  const char *target = render_out_target(d->out), *standby;
  const unsigned char *p;
  size_t len;
  char path[4200];
  struct stat st;
  memset(x, 0, sizeof *x);
  if (!d->incr) return 0;
  /* this render's index starts here too */
  if (!keep_file_open(&d->w, d->incr, d->out, target, RENDER_DOWNLOADS,
                      KEEP_HEAD, &x->text, &p, &len) ||
      !index_parse(x, p, len))
    return 0;
  if ((standby = render_out_standby(d->out))) {
    old_index y;
    memset(&y, 0, sizeof y);
    if (keep_file_read(standby, RENDER_DOWNLOADS, KEEP_HEAD,
                       render_incr_base(d->incr), &y.text, &p, &len) &&
        index_parse(&y, p, len)) {
      index_same(x, &y, &d->csv.same, &d->json.same);
      d->csv.was = y.csv_size;
      d->json.was = y.json_size;
    }
    pod_file_unmap(&y.text);
    free(y.runs);
  }
  snprintf(path, sizeof path, "%s/" OLD_CSV, target);
  if (stat(path, &st) != 0 || (uint64_t)st.st_size != x->csv_size) return 0;
  snprintf(path, sizeof path, "%s/" OLD_JSON, target);
  return stat(path, &st) == 0 && (uint64_t)st.st_size == x->json_size &&
         x->header_len <= x->csv_size;
}

static const old_run *old_find(const old_index *x, size_t *at, int64_t id) {
  while (*at < x->n && x->runs[*at].id < id) (*at)++;
  return *at < x->n && x->runs[*at].id == id ? &x->runs[*at] : NULL;
}

/* The i-th run of incr as the live site's files have it, or NULL when
** they do not (at: old_find's place, the runs taken in order). */
static const old_run *same_old(const render_incr *in, const old_index *x,
                               size_t i, size_t *at) {
  const old_run *o = old_find(x, at, render_incr_run_at(in, i));
  return o && !memcmp(o->fp, render_incr_rows_fp_at(in, i), 16) ? o : NULL;
}

/* How many runs are not in the live site's files as they are now. */
static size_t changed_runs(const dl *d, const old_index *x) {
  size_t n = render_incr_n_runs(d->incr), at = 0, changed = 0;
  for (size_t i = 0; i < n; i++) changed += !same_old(d->incr, x, i, &at);
  return changed;
}

/* A run as the live site's files have it. */
static int copy_run(dl *d, const old_index *x, const old_run *o) {
  int rc;
  if ((rc = open_run(d, o->id))) return rc;
  if (!o->csv_len || !o->json_len) return POD_OK;
  if (!d->header_done) {
    if ((rc = pf_copy(d, &d->csv, 0, x->header_len))) return rc;
    d->header_len = x->header_len;
    d->header_done = 1;
  }
  d->csv_at = d->csv.size, d->have_csv = 1;
  if ((rc = pf_copy(d, &d->csv, o->csv_at, o->csv_len))) return rc;
  /* the separator before it, with the range before when it is the one
  ** there too (',' between two runs of the live file; its '[' before the
  ** first: the file then begins as the live one, render_out_part_prefix) */
  if (d->any_row && d->json.from < d->json.to &&
      d->json.to + 1 == o->json_at) {
    d->json.to++;
    d->json.size++;
  } else if (!d->any_row && o->json_at == 1 && d->json.first &&
             !d->json.buf.len) {
    if ((rc = pf_copy(d, &d->json, 0, 1))) return rc;
  } else if ((rc = pf_add(d, &d->json, d->any_row ? "," : "[", 1))) {
    return rc;
  }
  d->any_row = 1;
  d->json_at = d->json.size, d->have_json = 1;
  return pf_copy(d, &d->json, o->json_at, o->json_len);
}

/* ---- the downloads ---------------------------------------------------- */

static int finish(dl *d) {
  unsigned char t[25];
  uint64_t v[3];
  int rc;
  if ((rc = close_run(d))) return rc;
  d->run = 0;
  if ((rc = note_skipped(d, INT64_MAX)) ||   /* the rest */
      (rc = pf_add(d, &d->json, d->any_row ? "]" : "[]",
                         d->any_row ? 1 : 2)) ||
      (rc = pf_add(d, &d->csv, "", 0)) ||   /* the last range out */
      (rc = pf_send(d, &d->csv, 1)) || (rc = pf_send(d, &d->json, 1)))
    return rc;
  if (!d->incr) return POD_OK;
  v[0] = d->header_len, v[1] = d->csv.size, v[2] = d->json.size;
  t[0] = 'T';
  memcpy(t + 1, v, sizeof v);
  if ((rc = keep_writer_add(&d->w, t, sizeof t, d->err))) return rc;
  return keep_writer_end(&d->w, d->err);
}

int render_measurements_download(store_db *db, render_out *out,
                                 const render_incr *incr,
                                 char err[POD_ERRLEN]) {
  dl d;
  old_index x;
  int rc = POD_OK, spliced = 0;
  memset(&d, 0, sizeof d);
  d.out = out;
  d.incr = incr;
  d.csv.rel = OLD_CSV;
  d.json.rel = OLD_JSON;
  d.csv.first = d.json.first = 1;
  if (old_open(&d, &x)) {
    size_t n = render_incr_n_runs(incr), changed = changed_runs(&d, &x);
    /* run by run only while few changed: a query each */
    spliced = changed <= 64 || changed <= n / 8;
  }
  if (spliced) {
    size_t n = render_incr_n_runs(incr), at = 0;
    for (size_t i = 0; i < n && rc == POD_OK; i++) {
      int64_t id = render_incr_run_at(incr, i);
      const old_run *o = same_old(incr, &x, i, &at);
      if (o) {
        rc = copy_run(&d, &x, o);
        continue;
      }
      if ((rc = open_run(&d, id))) break;
      rc = store_each_measurement_all_of(db, id, row, &d, err);
    }
  } else {
    d.all = 1;
    rc = store_each_measurement_all(db, row, &d, err);
  }
  if (rc == POD_OK) rc = finish(&d);
  /* a failure of this file's own (a part, the live file) says why in
  ** d.err; the registry's, in err */
  if (rc && d.rc) rc = d.rc;
  if (rc && d.err[0]) snprintf(err, POD_ERRLEN, "%s", d.err);
  pod_buf_free(&d.csv.buf);
  pod_buf_free(&d.json.buf);
  keep_writer_free(&d.w);
  pod_file_unmap(&x.text);
  free(x.runs);
  return rc;
}
