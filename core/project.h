/*
** core/project.h -- the project file, podium.project.json: what a lab
** says once about its whole site rather than per file or per command.
**
**   {
**     "title": "Distillation results",
**     "languages": ["en", "fa", "ar", "te", "ha"],   the first is the default
**     "default_language": "en",                      optional, must be listed
**     "primary_metrics": {"sst2": "accuracy", "*": "inference_time"},
**     "pairs": [{"baseline": "bert-base-uncased",
**                "optimized": "distilbert-base-uncased",
**                "dataset": "sst2"}],                 dataset optional
**     "models": {"distilbert-base-uncased": {"role": "optimized",
**                "baseline": "bert-base-uncased"}},   baseline optional
**     "accuracy_target": 0.99,                     or {"sst2": 0.999, "*": 0.99}
**     "boards": ["gpu_power"]                      more metrics with boards
**   }
**
** Every key is optional; an unknown key is an error (a typo must not be
** silently ignored). The CLI finds the file: --project-file PATH, else
** podium.project.json beside the registry, else none (all defaults).
** Owns: everything in a pod_project; pod_project_free releases it.
** Errors: POD_EINPUT "path:line:col: found X, expected Y", POD_EIO.
*/
#ifndef PODIUM_PROJECT_H
#define PODIUM_PROJECT_H

#include <stddef.h>
#include "core/err.h"

#define POD_PROJECT_FILE "podium.project.json"

typedef struct pod_project_metric {
  char *scope;    /* a dataset or task, or "*" for every other scope */
  char *metric;
} pod_project_metric;

typedef struct pod_project_pair {
  char *baseline, *optimized;  /* run specs, as `podium compare` takes */
  char *dataset;               /* may be NULL */
} pod_project_pair;

/* A model's role said once for every dataset (files may say it too; the
** files win where they do). */
typedef struct pod_project_model {
  char *model;
  char *role;       /* "baseline" or "optimized", may be NULL */
  char *baseline;   /* the model an optimized one is compared with; NULL:
                    ** every baseline of the dataset */
} pod_project_model;

/* The accuracy an optimized model must keep, as a share of its
** baseline's (MLPerf's closed division: 0.99 or 0.999). */
typedef struct pod_project_target {
  char *scope;      /* a dataset or task, or "*" */
  double share;
} pod_project_target;

typedef struct pod_project {
  char *path;                  /* where it was read from; NULL: no file */
  char *title;                 /* may be NULL */
  char *languages;             /* "en,fa,...", default first; NULL: unset */
  pod_project_metric *primary;
  size_t n_primary;
  pod_project_pair *pairs;
  size_t n_pairs;
  pod_project_model *models;
  size_t n_models;
  pod_project_target *targets;
  size_t n_targets;
  char **boards;               /* metric names that get boards as well */
  size_t n_boards;
} pod_project;

/* Reads path into *out (zeroed first). */
int pod_project_load(const char *path, pod_project *out, char err[POD_ERRLEN]);
void pod_project_free(pod_project *p);   /* leaves *p empty; NULL is fine */

/* The primary metric named for scope, else the "*" entry, else NULL. */
const char *pod_project_primary(const pod_project *p, const char *scope);

/* The model's entry, or NULL. */
const pod_project_model *pod_project_model_of(const pod_project *p,
                                              const char *model);
/* The accuracy target for scope, else the "*" one; NaN when none. */
double pod_project_target_of(const pod_project *p, const char *scope);
/* Whether the file names metric among "boards". */
int pod_project_has_board(const pod_project *p, const char *metric);

#endif
