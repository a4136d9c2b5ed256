/*
** render/keep_file.c -- files a render keeps for the next one (see
** keep_file.h): written in parts through the output as they grow, read
** back whole and checked before anything in them is believed.
*/
#include "render/keep_file.h"
#include "render/incr.h"
#include "core/fs.h"

#include <stdio.h>
#include <string.h>

#define KEEP_PART (256u << 10)   /* bytes sent at once */
#define KEEP_SLACK (4u << 10)    /* past it: the last record's */
#define KEEP_SEED 0x6b656570u     /* "keep" */

/* A sum as 16 lower-case hex digits and a NUL. */
static void sum_hex(uint64_t v, char out[KEEP_SUM_LEN + 1]) {
  static const char digits[] = "0123456789abcdef";
  for (int i = KEEP_SUM_LEN - 1; i >= 0; i--, v >>= 4) out[i] = digits[v & 15];
  out[KEEP_SUM_LEN] = '\0';
}

void keep_writer_start(keep_writer *w, render_out *out, const char *rel,
                       const char *head, const char *base) {
  memset(w, 0, sizeof *w);
  w->out = out;
  w->rel = rel;
  w->first = 1;
  w->open = 1;
  pod_hash_stream_init(&w->sum, KEEP_SEED);
  pod_buf_printf(&w->part, "%s%s\n", head, base);
  pod_hash_stream_add(&w->sum, w->part.data, w->part.len);
}

static int send(keep_writer *w, int last, char err[POD_ERRLEN]) {
  int rc = render_out_part_take(w->out, w->rel, &w->part, w->first, last,
                                err);
  w->first = 0;
  return rc;
}

int keep_writer_add(keep_writer *w, const void *p, size_t n,
                    char err[POD_ERRLEN]) {
  const char *c = p;
  int rc = POD_OK;
  pod_hash_stream_add(&w->sum, p, n);
  while (n && rc == POD_OK) {   /* a big board goes out a part at a time */
    size_t k = n < KEEP_PART ? n : KEEP_PART;
    /* a part's room at once: grown from 64 bytes by doubling, each part
    ** was 13 copies and twice the memory (2 MB of values after one new
    ** run: 3% of its CPU in copies and page faults) */
    if (!w->part.cap) pod_buf_reserve(&w->part, KEEP_PART + KEEP_SLACK);
    pod_buf_add(&w->part, c, k);
    c += k;
    n -= k;
    if (w->part.len >= KEEP_PART) rc = send(w, 0, err);
  }
  return rc;
}

int keep_writer_end(keep_writer *w, char err[POD_ERRLEN]) {
  char sum[KEEP_SUM_LEN + 1];
  sum_hex(pod_hash_stream_end(&w->sum), sum);
  w->open = 0;
  pod_buf_addc(&w->part, 'E');
  pod_buf_add(&w->part, sum, KEEP_SUM_LEN);
  return send(w, 1, err);
}

void keep_writer_free(keep_writer *w) {
  w->open = 0;
  pod_buf_free(&w->part);
}

int keep_file_read(const char *dir, const char *rel, const char *head,
                   const char *base, pod_map *text,
                   const unsigned char **body, size_t *len) {
  char path[4200], ignored[POD_ERRLEN], sum[KEEP_SUM_LEN + 1];
  size_t nh = strlen(head), nb = strlen(base);
  const unsigned char *p, *end;
  pod_hash_stream h;
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  if (pod_file_map(path, text, ignored) != POD_OK) goto none;
  p = text->data;
  if (text->len < nh + nb + 1 + 1 + KEEP_SUM_LEN || memcmp(p, head, nh) ||
      memcmp(p + nh, base, nb) || p[nh + nb] != '\n')
    goto none;
  end = p + text->len - 1 - KEEP_SUM_LEN;   /* 'E' and the sum */
  pod_hash_stream_init(&h, KEEP_SEED);
  pod_hash_stream_add(&h, p, (size_t)(end - p));
  sum_hex(pod_hash_stream_end(&h), sum);
  if (*end != 'E' || memcmp(sum, end + 1, KEEP_SUM_LEN)) goto none;
  *body = p + nh + nb + 1;
  *len = (size_t)(end - *body);
  return 1;
none:
  pod_file_unmap(text);
  *body = NULL;
  *len = 0;
  return 0;
}

int keep_file_open(keep_writer *w, const render_incr *incr, render_out *out,
                   const char *target, const char *rel, const char *head,
                   pod_map *text, const unsigned char **body, size_t *len) {
  const char *base = render_incr_base(incr);
  keep_writer_start(w, out, rel, head, base);
  *body = NULL;
  *len = 0;
  return *base && render_incr_reusing(incr) &&
         keep_file_read(target, rel, head, base, text, body, len);
}
