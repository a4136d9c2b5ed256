/*
** analysis/analysis_int.h -- what the analysis files share; not for other
** modules.
*/
#ifndef PODIUM_ANALYSIS_INT_H
#define PODIUM_ANALYSIS_INT_H

#include "analysis/analysis.h"

/* Ids gathered from a walk: analysis_take_id appends each row's "id";
** the caller frees ids. */
typedef struct analysis_ids {
  int64_t *ids;
  size_t n;
} analysis_ids;
int analysis_take_id(const store_row *row, void *ud);

/* A comparison (analysis.h): built by compare.c, written out as JSON,
** Markdown and text by compare_out.c. */
struct analysis_cmp {
  char *label[2];
  char *scope;                   /* a unit comparison's scope, or NULL */
  int64_t *runs[2];
  size_t n_runs[2];
  analysis_warning *warnings;
  size_t n_warnings;
  analysis_cmp_row *rows;
  size_t n_rows, cap_rows;
  analysis_target target;
};

#endif
