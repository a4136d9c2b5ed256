/*
** analysis/analysis_int.h -- what the analysis files share; not for other
** modules.
*/
#ifndef PODIUM_ANALYSIS_INT_H
#define PODIUM_ANALYSIS_INT_H

#include "analysis/analysis.h"


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
