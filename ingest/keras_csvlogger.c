/*
** ingest/keras_csvlogger.c -- keras.callbacks.CSVLogger files (often
** training.log): header epoch,<metric keys sorted>, one row per epoch.
**
** - epoch is 0-based as Keras counts it; we store it as written (epoch 0
**   is the first epoch), so charts label it the way Keras printed it;
** - Keras 2.0-2.2 names acc/val_acc, tf.keras 2.x accuracy/val_accuracy:
**   both become metric "accuracy"; lr (or Keras 3's learning_rate) is
**   metric learning_rate with no split; "loss" is split train, "val_loss"
**   split validation (metric_names.c), which is the overfitting shape;
** - CSVLogger writes "NA" for a key missing from an epoch's logs: no value;
** - nan/inf (the loss diverged) is skipped, counted, and named in the
**   source's format version ("..., 2 nan/inf values skipped");
** - CSVLogger(append=True) appends the next training to the same file
**   without a second header, its epoch counting from 0 (or from
**   initial_epoch) again: every row whose epoch is not above the previous
**   row's starts a new training, which is a run of its own (run key
**   "training N"), so curves and best epochs are per training; the
**   format version says "N trainings (append=True)". Under --run NAME
**   the first training is run NAME, the Nth run "NAME, training N".
** - CSVLogger(separator=";") (or "\t") writes the same file with that
**   separator: the header's first separator says which, and the format
**   version names it.
** Fixtures: tests/data/keras-csvlogger/.
*/
#include "ingest/ingest_int.h"

#include <stdio.h>
#include <string.h>

/* The separator after the header's "epoch" (CSVLogger(separator=...)),
** past a UTF-8 BOM: ',' unless ';' or a tab. */
static char separator(const char *head, size_t n) {
  if (n >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3)) head += 3, n -= 3;
  if (n > 5 && !memcmp(head, "epoch", 5) && (head[5] == ';' || head[5] == '\t'))
    return head[5];
  return ',';
}

static int sniff(const char *head, size_t n, const char *path) {
  char cells[64][64];
  int k = ingest_header_cells(head, n, cells, 64);
  (void)path;
  if (separator(head, n) != ',') return 90;   /* Lightning writes commas */
  if (k < 2 || strcmp(cells[0], "epoch")) return 0;
  if (ingest_header_count(head, n, "step")) return 0;  /* Lightning's */
  return 90;
}

static int parse(ingest_ctx *cx, char err[POD_ERRLEN]) {
  /* Read by ingest_file after parse returns (store_source_set_rows). */
  static char version[256];
  ingest_trainlog tl = {0};
  char head[16], label[64];
  size_t n = ingest_head(cx, head, sizeof head);
  int rc;
  cx->delim = separator(head, n) == ',' ? 0 : separator(head, n);
  tl.epoch_required = 1;
  tl.na_is_empty = 1;
  tl.split_restarts = 1;
  if ((rc = ingest_trainlog_csv(cx, &tl, err))) return rc;
  if (tl.epoch_col != 0)
    return pod_err_at(err, POD_EINPUT, cx->path, 1, 1, "found epoch in "
                      "column %d, expected it first (CSVLogger writes "
                      "epoch,<keys>)", tl.epoch_col + 1);
  snprintf(label, sizeof label, "%s%s",
           tl.old_acc ? "keras 2.0-2.2 (acc)" : "tf.keras 2.x / keras 3",
           !cx->delim ? "" : cx->delim == ';' ? ", separator ';'"
                                              : ", separator tab");
  ingest_trainlog_version(cx, &tl, label, version, sizeof version);
  return POD_OK;
}

const ingest_format ingest_keras_csvlogger = {
  "keras-csvlogger",
  "header epoch,<metric keys> (keras.callbacks.CSVLogger, training.log), "
  "no step column",
  sniff, parse,
  "epoch,loss,val_loss,acc,val_acc,accuracy,val_accuracy,lr"};
