/*
** render/output_int.h -- what output.c (the output tree) and marker.c
** (its marker and the checks on it) share.
*/
#ifndef PODIUM_OUTPUT_INT_H
#define PODIUM_OUTPUT_INT_H

#include "core/buf.h"
#include "core/err.h"

#include <dirent.h>
#include <limits.h>

#define OUT_MARKER ".podium-site"

/* out = "a/b"; POD_EINPUT naming the path when it does not fit. */
int out_join(char out[PATH_MAX], const char *a, const char *b,
             char err[POD_ERRLEN]);
/* The folder root/rel ("" is root) opened for readdir, or NULL. */
DIR *out_open_below(const char *root, const char *rel);
/* Files below dir, the marker and the manifest not counted. */
long out_count_files(const char *dir);
/* Whether path is a folder itself, not a symbolic link to one: the
** walks of a site tree (d_type DT_UNKNOWN on some file systems) never
** follow a link out of it (sweep_unseen would unlink what it leads to). */
int out_is_dir(const char *path);
/* Entries of dir, not counting the marker; -1 when it cannot be read. */
long out_count_entries(const char *dir);
/* Appends the marker's folder lines for the tree at root. */
void out_folder_lines(const char *root, pod_buf *out);
/* The same for a tree whose folders are known: the n bytes at rels, a
** folder's path below root and a NUL after each (a stat each instead of
** reading every folder: the incremental render's, output.c). */
void out_folder_lines_of(const char *root, const char *rels, size_t n,
                         pod_buf *out);
/* Whether each "dir" line of the marker text still holds below target. */
int out_dirs_same(const char *target, const char *text);
/* 1 when the live site's marker lists its folders' times and each is
** still so. */
int out_live_intact(const char *target);
/* 1 when the folder at p (not a link) holds a live site's marker whose
** folder times and top entries still hold (output.c's standby). */
int out_tree_intact(const char *p);
/* As out_tree_intact, the files its marker counts (what out_count_files
** finds below an intact tree, without reading every folder), else -1. */
long out_intact_files(const char *p);
/* 1 when p is a folder (not a link) that podium made (its marker) and
** this process may change: a standby may be removed or taken. */
int out_tree_ours(const char *p);

#endif
