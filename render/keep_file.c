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

void keep_writer_start(keep_writer *w, render_out *out, const char *rel,
                       const char *head, const char *base) {
  memset(w, 0, sizeof *w);
  w->out = out;
  w->rel = rel;
  w->first = 1;
  w->open = 1;
  pod_sha256_init(&w->sum);
  pod_buf_printf(&w->part, "%s%s\n", head, base);
  pod_sha256_update(&w->sum, w->part.data, w->part.len);
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
  pod_sha256_update(&w->sum, p, n);
  while (n && rc == POD_OK) {   /* a big board goes out a part at a time */
    size_t k = n < KEEP_PART ? n : KEEP_PART;
    pod_buf_add(&w->part, c, k);
    c += k;
    n -= k;
    if (w->part.len >= KEEP_PART) rc = send(w, 0, err);
  }
  return rc;
}

int keep_writer_end(keep_writer *w, char err[POD_ERRLEN]) {
  char sum[65];
  pod_sha256_hex(&w->sum, sum);
  w->open = 0;
  pod_buf_addc(&w->part, 'E');
  pod_buf_add(&w->part, sum, 64);
  return send(w, 1, err);
}

void keep_writer_free(keep_writer *w) {
  char ignored[65];
  if (w->open) pod_sha256_hex(&w->sum, ignored);   /* ends it */
  w->open = 0;
  pod_buf_free(&w->part);
}

int keep_file_read(const char *dir, const char *rel, const char *head,
                   const char *base, pod_map *text,
                   const unsigned char **body, size_t *len) {
  char path[4200], ignored[POD_ERRLEN], sum[65];
  size_t nh = strlen(head), nb = strlen(base);
  const unsigned char *p, *end;
  pod_sha256 h;
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  if (pod_file_map(path, text, ignored) != POD_OK) goto none;
  p = text->data;
  if (text->len < nh + nb + 1 + 65 || memcmp(p, head, nh) ||
      memcmp(p + nh, base, nb) || p[nh + nb] != '\n')
    goto none;
  end = p + text->len - 65;   /* 'E' and the sum */
  pod_sha256_init(&h);
  pod_sha256_update(&h, p, (size_t)(end - p));
  pod_sha256_hex(&h, sum);
  if (*end != 'E' || memcmp(sum, end + 1, 64)) goto none;
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
