/*
** ingest/lightning_csv.c -- PyTorch Lightning CSVLogger metrics.csv
** (lightning_logs/version_N/metrics.csv).
**
** - the header is the union of the logged keys plus epoch and step, in
**   any order (tests/data/lightning-csv/ has two orders of one file);
** - rows are sparse: a value only in the columns logged by that call,
**   other cells empty (no measurement); LearningRateMonitor rows
**   (lr-Adam) have an empty epoch, so they carry only a step;
** - keys may hold "/" (train/nll_loss, val/rmse_loss): the prefix is the
**   split, the rest the metric name (metric_names.c);
** - nan/inf (training diverged) are skipped, counted and named in the
**   source's format version ("..., 3 nan/inf values skipped");
** - the model is the folder above lightning_logs/version_N (the project),
**   and each version folder is a run of its own (runs group by folder).
*/
#include "ingest/ingest_int.h"

#include <stdio.h>
#include <string.h>

/* A header with epoch and step cells, wherever they are: a
** LearningRateMonitor of many parameter groups puts hundreds of lr-*
** columns between them. */
static int sniff(const char *head, size_t n, const char *path) {
  char cells[3][64];
  (void)path;
  return ingest_header_cells(head, n, cells, 3) >= 3 &&
                 ingest_header_count(head, n, "epoch") &&
                 ingest_header_count(head, n, "step")
             ? 90
             : 0;
}

static int parse(ingest_ctx *cx, char err[POD_ERRLEN]) {
  /* Read by ingest_file after parse returns (store_source_set_rows). */
  static char version[256];
  ingest_trainlog tl = {0};
  int rc;
  tl.need_step = 1;
  if ((rc = ingest_trainlog_csv(cx, &tl, err))) return rc;
  ingest_trainlog_version(cx, &tl, tl.has_lr ? "CSVLogger + LearningRateMonitor"
                                             : "CSVLogger",
                          version, sizeof version);
  return POD_OK;
}

const ingest_format ingest_lightning_csv = {
  "lightning-csv",
  "header with epoch and step columns plus logged keys (PyTorch Lightning "
  "CSVLogger metrics.csv)",
  sniff, parse,
  "epoch,step,train_loss,val_loss,val_acc,lr-Adam"};
