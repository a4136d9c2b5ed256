/*
** render/incr.h -- the incremental render's fingerprints and manifest
** (incr.c). Inside render/ only.
** Owns: a render_incr owns its copies of the old manifest and the
** registry rows it read; render_incr_free frees them. Strings passed in
** are borrowed for the call.
*/
#ifndef PODIUM_INCR_H
#define PODIUM_INCR_H

#include "render/render_int.h"
#include "core/sha256.h"

#define RENDER_FP_LEN 32   /* hex digits of a page's fingerprint */

typedef struct render_incr render_incr;

/* What fingerprints are made of, for base key base, in two halves that
** touch different parts of in, so two threads may run them at once
** (site.c): the registry's source and environment rows and run feeds
** (render_incr_scan), and the live site's manifest at
** target/.podium-pages when it was written with this base key, else no
** page is reused (render_incr_load_live). Free in even after a failure. */
render_incr *render_incr_new(const char *base);
int render_incr_scan(render_incr *in, store_db *db, char err[POD_ERRLEN]);
void render_incr_load_live(render_incr *in, const char *target);
void render_incr_free(render_incr *in);   /* NULL is fine */
const char *render_incr_base(const render_incr *in);
/* The runs that have rows of any kind (store_each_run_feed), by id. */
size_t render_incr_n_runs(const render_incr *in);
int64_t render_incr_run_at(const render_incr *in, size_t i);
/* What a run's rows are made of (render_incr_feed), 16 bytes: of the
** i-th of those runs, or of run (zeros when it has no rows). */
const unsigned char *render_incr_rows_fp_at(const render_incr *in, size_t i);
void render_incr_rows_fp(const render_incr *in, int64_t run,
                         unsigned char fp[16]);

/* Adds what run's measurement, tracker and snapshot rows are made of
** (store_each_run_feed, and the rows of the files that feed it) to h:
** a page that shows any of them hashes this. */
void render_incr_feed(const render_incr *in, int64_t run, pod_sha256 *h);
/* The fingerprint of what scope's boards are made of (its runs' rows and
** theirs: render_incr_feed) into fp; 0 when no run has that scope. */
int render_incr_scope_fp(const render_incr *in, const char *scope,
                         unsigned char fp[32]);
/* The runs of scope by id, each with the fingerprint of what its rows
** on the scope's boards are made of (its row, render_incr_feed): a board
** kept from the last render is patched with the runs whose fingerprint
** changed (board_keep.c). Their count; *runs lent, NULL when none. */
typedef struct render_scope_run {
  int64_t id;
  unsigned char fp[16];
} render_scope_run;
size_t render_incr_scope_runs(const render_incr *in, const char *scope,
                              const render_scope_run **runs);
/* A run page's fingerprint from its store_each_run row. */
void render_incr_run_fp(const render_incr *in, const store_row *run,
                        char fp[RENDER_FP_LEN + 1]);
/* 1 when the live site's manifest lists rel with fingerprint fp. */
int render_incr_same(const render_incr *in, const char *rel, const char *fp);
/* 1 when the live site's manifest was read (its base key is this
** render's): its pages may be reused. */
int render_incr_reusing(const render_incr *in);
/* Reads the manifest of the tree the live site replaced (dir: output.c's
** standby) when it was written with this base key; 1 if so. NULL
** forgets it. */
int render_incr_load_prev(render_incr *in, const char *dir);
/* 1 when that tree's manifest lists rel with the live site's
** fingerprint: its file is the live site's page as it is (a page is
** what its fingerprint and the base key make it). Read-only: any
** thread. */
int render_incr_prev_same(const render_incr *in, const char *rel);
/* Writes the manifest (RENDER_MANIFEST) through o: the base key, then
** the lines of n threads sorted by path, in parts, not copied whole
** (200,000 lines at 100,000 runs): lines[t] holds "<fp> <rel>\n",
** every[t] "<fp> <rest>\n", the page <lang>/<rest> in each of the n_langs
** languages, noted once (a run or model page: one line in five
** languages was 6 MB of 100,000 at 10,000 runs). Both in any order, cut
** in place. */
int render_incr_write_manifest(const render_incr *in, pod_buf *const *lines,
                               pod_buf *const *every, size_t n,
                               const char *const *langs, int n_langs,
                               render_out *o, char err[POD_ERRLEN]);

#endif
