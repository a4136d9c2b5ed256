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

#endif
