/*
** render/run_keep.h -- the rows study tables read of each run, kept from
** one render to the next (run_keep.c). Inside render/ only; the main
** thread's alone.
** Owns: a run_keep owns the live site's file and its notes;
** run_keep_free frees them.
*/
#ifndef PODIUM_RUN_KEEP_H
#define PODIUM_RUN_KEEP_H

#include "render/incr.h"
#include "analysis/analysis.h"

typedef struct run_keep run_keep;

/* Reads target's RENDER_VALUES when incr reuses the live site (same base
** key) and the file checks out; this render's goes out through out. */
run_keep *run_keep_open(const render_incr *incr, const char *target,
                        render_out *out);
/* The analysis_rows_src that reads through k (k may be NULL: then src
** is the registry's). */
void run_keep_src(run_keep *k, analysis_rows_src *src);
/* Ends this render's file after the last study table; frees the live
** site's. */
int run_keep_end(run_keep *k, char err[POD_ERRLEN]);
void run_keep_free(run_keep *k);          /* NULL is fine */

#endif
