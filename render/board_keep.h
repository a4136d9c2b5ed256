/*
** render/board_keep.h -- a board's rows kept from one render to the next
** (board_keep.c). Inside render/ only; the main thread's, but for
** board_keep_take, which worker threads call until main ends it.
** Owns: a board_keep owns the live site's file and its notes;
** board_keep_free frees them. Strings passed in are borrowed.
*/
#ifndef PODIUM_BOARD_KEEP_H
#define PODIUM_BOARD_KEEP_H

#include "render/incr.h"

typedef struct board_keep board_keep;

/* Reads target's RENDER_BOARDS when incr reuses the live site (same base
** key) and the file checks out; this render's goes out through out. */
board_keep *board_keep_open(const render_incr *incr, const char *target,
                            render_out *out);
/* The rows of board (scope, metric_id) from the live site's file when
** it was as primary and its scope's fingerprint is the same; or, when a
** few of the scope's runs changed since, its rows then, with those runs
** in *changed (by id, *n_changed of them; the caller frees it) for
** store_board_patch. A new store_rows the caller frees, or NULL: read
** them from the registry. k may be NULL. Any thread's until main calls
** board_keep_end (which it does once the workers are joined): it reads
** only what main never changes before then, and writes nothing. */
store_rows *board_keep_take(const board_keep *k, const char *scope,
                            int64_t metric_id, int primary,
                            int64_t **changed, size_t *n_changed);
/* Writes a board's rows to this render's file (once a board). */
int board_keep_note(board_keep *k, const char *scope, int64_t metric_id,
                    int primary, const store_rows *rows,
                    char err[POD_ERRLEN]);
/* Ends this render's file after the last board read; frees the live
** site's (no board is taken after). */
int board_keep_end(board_keep *k, char err[POD_ERRLEN]);
void board_keep_free(board_keep *k);          /* NULL is fine */

#endif
