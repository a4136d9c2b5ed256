/*
** render/row_keep.h -- rows of long tables kept from one render to the
** next (row_keep.c): a leaderboard's or study table's row as HTML, by a
** key that is a digest of everything the row shows (templates' kept()).
** Inside render/ only.
**
** A new run ranked on a 10,000-row board changes every page from its
** rank on, but no row but its own: the rows are taken from here, by
** key, instead of made again. The file, .NAME.podium-rows beside the
** site, is not part of it: a cache, content-addressed (the key says what
** the row is made of, the file's head the base key: templates,
** catalogs, podium itself), so any render may use any of its rows and
** none is ever wrong for its key. A full render writes a new one; a
** render after new runs appends the rows it made to the old one.
**
** Owns: a row_keep owns its mapping of the old file, its index and the
** part not yet written; row_keep_free releases them. Strings passed in
** are borrowed for the call. row_keep_get and row_keep_put may be
** called from any thread between open and end.
*/
#ifndef PODIUM_ROW_KEEP_H
#define PODIUM_ROW_KEEP_H

#include <stddef.h>

typedef struct row_keep row_keep;

/* The rows kept beside the site at target for base key base: the old
** file's when reuse is set (a render that reuses the live site's pages)
** and it was written with that base key, else none; a new file is
** started then. NULL when no file can be written beside target (the
** render goes on without). */
row_keep *row_keep_open(const char *target, const char *base, int reuse);
/* The row kept under key (key_len bytes), *n bytes of it, or NULL. */
const char *row_keep_get(const row_keep *k, const char *key, size_t key_len,
                         size_t *n);
/* Keeps n bytes of text under key, for the next render. */
void row_keep_put(row_keep *k, const char *key, size_t key_len,
                  const char *text, size_t n);
/* After the render: its rows out, the new file in place when ok (a
** failed render removes a new one; rows it appended stay: they are
** right for their keys). Never fails the render: a file that cannot be
** written only makes the next render make its rows again. */
void row_keep_end(row_keep *k, int ok);
void row_keep_free(row_keep *k);   /* NULL is fine */

#endif
