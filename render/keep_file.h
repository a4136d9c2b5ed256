/*
** render/keep_file.h -- files a render keeps for the next one beside its
** pages (keep_file.c): bookkeeping like the manifest, never counted as a
** site's files. A kept file is "<head><base key>\n", a body, then 'E'
** and a 64-bit sum of everything before it in hex (core/hash.h: a
** SHA-256 of the 4 MB kept after one new run at 10,000 runs was 2% of
** its CPU, and what is kept is the render's own cache, as trusted as
** the pages beside it): one that does not check out (cut short,
** edited, another base key) is not read at all.
** Inside render/ only.
** Owns: a keep_writer its part not yet out (keep_writer_end or _free
** releases it); keep_file_read's text (a mapping) is the caller's.
*/
#ifndef PODIUM_KEEP_FILE_H
#define PODIUM_KEEP_FILE_H

#include "render/render_int.h"
#include "core/fs.h"
#include "core/hash.h"

#define KEEP_SUM_LEN 16   /* hex digits of a kept file's sum */

typedef struct keep_writer {
  render_out *out;
  const char *rel;        /* borrowed: RENDER_BOARDS, RENDER_DOWNLOADS */
  pod_buf part;           /* what is not out yet */
  pod_hash_stream sum;    /* of every byte so far */
  int first;              /* no part is out yet */
  int open;               /* started (keep_writer_start), not ended */
} keep_writer;

/* Starts rel: its head and base key. */
void keep_writer_start(keep_writer *w, render_out *out, const char *rel,
                       const char *head, const char *base);
/* Adds n bytes; sends a part through out when there are enough. */
int keep_writer_add(keep_writer *w, const void *p, size_t n,
                    char err[POD_ERRLEN]);
/* Ends the file with its sum (the last part). */
int keep_writer_end(keep_writer *w, char err[POD_ERRLEN]);
void keep_writer_free(keep_writer *w);   /* started or not (zeroed) */

typedef struct render_incr render_incr;   /* incr.h */
/* Starts this render's rel (w) and reads the live site's (target/rel)
** as text when incr reuses the live site and it checks out, setting
** *body and *len as keep_file_read; 0 when there is none to read. */
int keep_file_open(keep_writer *w, const render_incr *incr, render_out *out,
                   const char *target, const char *rel, const char *head,
                   pod_map *text, const unsigned char **body, size_t *len);

/* Maps dir/rel as text (pod_file_map) when it was written with head and base and
** its sum holds; sets *body and *len to what lies between the head and
** the sum. 0 (text empty) otherwise. The caller unmaps text
** (pod_file_unmap). */
int keep_file_read(const char *dir, const char *rel, const char *head,
                   const char *base, pod_map *text,
                   const unsigned char **body, size_t *len);

#endif
