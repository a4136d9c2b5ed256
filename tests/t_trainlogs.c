/*
** tests/t_trainlogs.c -- ingest/ for training logs: Keras and Lightning
** CSVLogger files and transformers Trainer JSON, as found in the wild
** (tests/data/{keras-csvlogger,lightning-csv,hf-trainer}/), the naming
** they share (metric_names.c), and every kind of bad file, each refused
** with a located message and the registry left as it was.
*/
#include "tests/test.h"
#include "analysis/analysis.h"
#include "core/fs.h"
#include "core/sha256.h"
#include "ingest/ingest.h"
#include "ingest/ingest_int.h"
#include "store/store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers --------------------------------------------------------- */

/* The measurement query of one metric: "<metric>/<split>" rows. */
#define MEAS_COUNT_SPLIT(split) "SELECT count(*) FROM measurements_all m JOIN " \
  "metrics t ON t.id = m.metric_id WHERE t.name = 'loss' AND m.derived IS NULL AND m.split = '" split "'"

#define KERAS_ACC "keras2-acc-AKBoles-Voice-Identification-training.log"
#define KERAS_TF2 "tf2-accuracy-Aditya24jar-Emotion-Detection-training.log"
#define KERAS_LR "tf2-manymetrics-lr-4hmetcakmak-BraTS2020-training.log"
#define PL_SPARSE "sparse-lrmonitor-Eve-ning-opal-v2-metrics.csv"
#define PL_V0 "trainonly-Jordi6-pytorchLit15min-v0-metrics.csv"
#define PL_V1 "trainonly-colorder-Jordi6-pytorchLit15min-v1-metrics.csv"
#define HF_STATE "t5sum-10844110-trainer_state.json"
#define HF_ALL "t5sum-10844110-all_results.json"
#define HF_EVAL "t5sum-10844110-eval_results.json"

/* ---- Keras ------------------------------------------------------------ */

static void test_trainlogs_keras_old_acc_names_and_crlf(void) {
  char err[POD_ERRLEN];
  const char *p = test_fixture("keras-csvlogger", KERAS_ACC);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT format FROM sources"), "keras-csvlogger");
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "keras 2.0-2.2 (acc)");
  CHECK_INT(test_query_num("SELECT rows FROM sources"), 10);
  /* line 5: 3,1.0,0.043776161731644107,0.76923078298568726,0.22196176648139954 */
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'loss' AND m.split = 'validation' AND m.epoch = 3") == 0.22196176648139954);
  CHECK_INT(test_query_num("SELECT line FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'loss' AND m.split = 'validation' AND m.epoch = 3"), 5);
  CHECK_STR(test_query_text("SELECT raw_value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'accuracy' AND m.split = 'validation' AND m.epoch = 3"), "0.76923078298568726");
  /* acc -> accuracy, higher is better; epoch 0 is Keras' first epoch */
  CHECK_INT(test_query_num("SELECT count(*) FROM metrics WHERE name = 'accuracy' AND direction = 1"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM metrics WHERE name = 'acc'"), 0);
  CHECK_INT(test_query_num("SELECT direction FROM metrics WHERE name = 'loss'"), -1);
  CHECK_INT(test_query_num("SELECT min(epoch) FROM measurements_all"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE derived IS NULL AND step IS NOT NULL"), 0);
  /* the folder names the model */
  CHECK_STR(test_query_text("SELECT model FROM runs"), "keras-csvlogger");
}

/* The overfitting chart needs: metric loss, splits train and validation,
** one value each per epoch. */
static void test_trainlogs_keras_loss_has_train_and_validation_per_epoch(void) {
  char err[POD_ERRLEN];
  const char *p = test_fixture("keras-csvlogger", KERAS_TF2);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "tf.keras 2.x / keras 3");
  CHECK_INT(test_query_num(MEAS_COUNT_SPLIT("train")), 17);
  CHECK_INT(test_query_num(MEAS_COUNT_SPLIT("validation")), 17);
  CHECK_INT(test_query_num("SELECT count(*) FROM (SELECT m.epoch FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'loss' GROUP BY m.epoch HAVING count(DISTINCT m.split) = 2 AND count(*) = 2)"), 17);
  /* epoch 1 is where validation loss jumped: 7.41715145111084 (line 3) */
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'loss' AND m.split = 'validation' AND m.epoch = 1") == 7.41715145111084);
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'loss' AND m.split = 'train' AND m.epoch = 16") == 0.963910698890686);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE derived IS NULL AND split IS NULL"), 0);
}

static void test_trainlogs_keras_lr_is_learning_rate_without_split(void) {
  char err[POD_ERRLEN];
  const char *p = test_fixture("keras-csvlogger", KERAS_LR);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE derived IS NULL"), 24 * 11);
  /* line 10: epoch 8, lr written as float32 repr 4.0000003e-05 */
  CHECK_STR(test_query_text("SELECT raw_value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'learning_rate' AND m.epoch = 8"), "4.0000003e-05");
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'learning_rate' AND m.epoch = 8") == 4.0000003e-05);
  CHECK_INT(test_query_num("SELECT line FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'learning_rate' AND m.epoch = 8"), 10);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'learning_rate' AND m.split IS NULL"), 24);
  CHECK_INT(test_query_num("SELECT count(*) FROM metrics WHERE name = 'lr'"), 0);
  CHECK_INT(test_query_num("SELECT direction FROM metrics WHERE name = 'dice_coef'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'dice_coef' AND m.split = 'validation'"), 24);
}

static void test_trainlogs_keras_nan_is_skipped_counted_and_na_is_empty(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("run1/training.log");
  static const char data[] = "epoch,loss,val_loss\n0,0.5,NA\n1,nan,0.7\n2,inf,nan\n";
  char folder[4096];
  snprintf(folder, sizeof folder, "%s", test_path("run1"));
  pod_mkdirs(folder, err);
  test_write(p, data, sizeof data - 1);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE derived IS NULL"), 2);
  CHECK_HAS(test_query_text("SELECT format_version FROM sources"), "3 nan/inf values skipped");
  CHECK_INT(test_query_num("SELECT rows FROM sources"), 3);
  CHECK_STR(test_query_text("SELECT model FROM runs"), "run1");
}

/* CSVLogger(separator=";") and separator="\t": the same file with
** another separator, read alike, named in the format version; a bad cell
** is located by its own column. */
static void test_trainlogs_keras_separator_semicolon_and_tab(void) {
  char err[POD_ERRLEN];
  static const char semi[] = "epoch;accuracy;loss;val_accuracy;val_loss\r\n"
      "0;0.5177;1.2931;0.5523;1.1917\r\n1;0.6412;0.9874;0.6101;1.0035\r\n";
  static const char tab[] = "\xEF\xBB\xBF" "epoch\tloss\tlr\n0\t0.9\t0.001\n";
  const char *p[] = {test_path("semi/log_0.01.csv"), test_path("tab/training.log")};
  pod_mkdirs(test_path("semi"), err);
  pod_mkdirs(test_path("tab"), err);
  test_write(p[0], semi, sizeof semi - 1);
  test_write(p[1], tab, sizeof tab - 1);
  CHECK_RC(test_ingest(NULL, p, 2, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format = 'keras-csvlogger'"), 2);
  CHECK_HAS(test_query_text("SELECT format_version FROM sources WHERE path LIKE '%semi%'"),
            "tf.keras 2.x / keras 3, separator ';'");
  CHECK_HAS(test_query_text("SELECT format_version FROM sources WHERE path LIKE '%tab%'"),
            "separator tab");
  CHECK_INT(test_query_num(MEAS_COUNT_SPLIT("validation")), 2);
  CHECK(test_query_num(TEST_VALUE_OF("accuracy", "m.split = 'validation' AND m.epoch = 1")) == 0.6101);
  CHECK(test_query_num(TEST_VALUE_OF("learning_rate", "1")) == 0.001);
  TEST_REFUSE("s.log", "epoch;loss;val_loss\n0;0.5;0.6\n1;0.4;fast\n",
              "s.log:3:7:", "found \"fast\", expected a number");
}

/* ---- Lightning -------------------------------------------------------- */

static void test_trainlogs_lightning_sparse_rows_and_lr_monitor(void) {
  char err[POD_ERRLEN];
  const char *p = test_copy_fixture("lightning-csv", PL_SPARSE,
                               "opal-v2/lightning_logs/version_0/metrics.csv");
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT format FROM sources"), "lightning-csv");
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "CSVLogger + LearningRateMonitor");
  CHECK_INT(test_query_num("SELECT rows FROM sources"), 224);
  /* one value per row: the other cells are empty */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE derived IS NULL"), 224);
  /* lr-Adam rows: empty epoch, a step; line 2 */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'learning_rate' AND m.split IS NULL AND m.epoch IS NULL AND m.step IS NOT NULL"), 108);
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'learning_rate' AND m.step = 49") == 0.00328141592920354);
  CHECK_INT(test_query_num("SELECT line FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'learning_rate' AND m.step = 49"), 2);
  /* val/rmse_loss on its own row, line 28: 0,,678,,0.019856970821374123 */
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'rmse_loss' AND m.split = 'validation' AND m.step = 678 AND m.epoch = 0") == 0.019856970821374123);
  CHECK_INT(test_query_num("SELECT line FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'rmse_loss' AND m.step = 678"), 28);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'nll_loss' AND m.split = 'train'"), 108);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'rmse_loss'"), 8);
  /* the model is the folder above lightning_logs/version_0 */
  CHECK_STR(test_query_text("SELECT model FROM runs"), "opal-v2");
}

static void test_trainlogs_lightning_column_order_does_not_matter(void) {
  char err[POD_ERRLEN];
  const char *paths[] = {test_fixture("lightning-csv", PL_V0),
                         test_fixture("lightning-csv", PL_V1)};
  CHECK_RC(test_ingest(NULL, paths, 2, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'loss' AND m.split = 'train' AND m.epoch = 0"), 4);
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN sources s ON s.id = m.source_id WHERE s.path LIKE '%v1%' AND m.step = 99") == 0.03766737878322601);
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN sources s ON s.id = m.source_id WHERE s.path LIKE '%v0%' AND m.step = 99") == 0.038861844688653946);
}

static void test_trainlogs_lightning_nan_values_are_counted(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("metrics.csv");
  static const char data[] = "epoch,step,train_loss,val_loss\r\n0,9,nan,\r\n0,9,,0.5\r\n1,19,nan,\r\n1,19,,0.4\r\n";
  test_write(p, data, sizeof data - 1);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE derived IS NULL"), 2);
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "CSVLogger, 2 nan/inf values skipped");
}

/* Speech recognition's word and character error rates are lower-better
** (a Whisper fine-tune's eval_wer had no direction); the parts match as
** words: "power" or "answer" are no "wer". */
static void test_trainlogs_error_rates_are_lower_better(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("metrics.csv");
  static const char data[] = "epoch,step,val_wer,val_cer,val_answer_accuracy,"
                             "val_reward,val_matthews_correlation,val_mean_io_u,"
                             "val_sensitivity,val_specificity,val_cross_entropy\n"
                             "0,9,0.31,0.12,0.5,1,0.5,0.5,0.5,0.5,2\n"
                             "1,19,0.25,0.10,0.6,2,0.6,0.6,0.6,0.6,1\n";
  test_write(p, data, sizeof data - 1);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT direction FROM metrics WHERE name = 'wer'"), -1);
  CHECK_INT(test_query_num("SELECT direction FROM metrics WHERE name = 'cer'"), -1);
  CHECK_INT(test_query_num("SELECT direction FROM metrics WHERE name = 'answer_accuracy'"), 1);
  CHECK_STR(test_query_text("SELECT group_concat(name || ' ' || direction, ', ') FROM (SELECT * FROM metrics WHERE name IN ('reward', 'matthews_correlation', 'mean_io_u', 'sensitivity', 'specificity', 'cross_entropy') ORDER BY name)"),
            "cross_entropy -1, matthews_correlation 1, mean_io_u 1, reward 1, sensitivity 1, specificity 1");
  /* the best epoch is the lowest error rate's */
  CHECK_NEAR(test_query_num("SELECT m.value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'wer' AND m.derived IS NOT NULL"), 0.25, 0);
}

/* ---- transformers Trainer --------------------------------------------- */

static void test_trainlogs_hf_trainer_state_logs_and_summary(void) {
  char err[POD_ERRLEN];
  const char *p = test_fixture("hf-trainer", HF_STATE);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT format FROM sources"), "hf-trainer");
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "trainer_state 4.x (stateful_callbacks)");
  CHECK_INT(test_query_num("SELECT rows FROM sources"), 431);
  /* first entry, starting on line 12: step 500, loss 1.9963 */
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'loss' AND m.step = 500") == 1.9963);
  CHECK_INT(test_query_num("SELECT line FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'loss' AND m.step = 500"), 12);
  CHECK(test_query_num("SELECT epoch FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'loss' AND m.step = 500") == 0.006965825659315398);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'learning_rate' AND m.split IS NULL"), 430);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'grad_norm'"), 430);
  /* the final summary (entry on line 3022): no epoch, no step */
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'runtime' AND m.split = 'train' AND m.epoch IS NULL AND m.step IS NULL") == 54713.1806);
  CHECK_INT(test_query_num("SELECT line FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'runtime'"), 3022);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'runtime'"), "s");
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'samples_per_second'"), "1/s");
  CHECK_STR(test_query_text("SELECT raw_value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'total_flos'"), "2.2882818626410906e+17");
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'total_flos'"), "FLOP");
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'loss' AND m.step IS NULL") == 1.8040490566820844);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE derived IS NULL AND epoch IS NULL AND step IS NULL"), 5);
  CHECK_STR(test_query_text("SELECT model FROM runs"), "hf-trainer");
}

static void test_trainlogs_hf_eval_entries_and_nan_loss(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("out/checkpoint-20/trainer_state.json");
  static const char data[] =
      "{\n"
      "  \"best_metric\": null,\n"
      "  \"epoch\": 1.0,\n"
      "  \"log_history\": [\n"
      "    {\n"
      "      \"epoch\": 0.5,\n"
      "      \"learning_rate\": 5e-05,\n"
      "      \"loss\": NaN,\n"
      "      \"step\": 10\n"
      "    },\n"
      "    {\n"
      "      \"epoch\": 0.5,\n"
      "      \"eval_accuracy\": 0.81,\n"
      "      \"eval_loss\": 0.42,\n"
      "      \"eval_runtime\": 3.5,\n"
      "      \"step\": 10\n"
      "    },\n"
      "    {\"epoch\": 1.0, \"loss\": Infinity, \"step\": 20}\n"
      "  ],\n"
      "  \"global_step\": 20\n"
      "}\n";
  char folder[4096];
  snprintf(folder, sizeof folder, "%s", test_path("out/checkpoint-20"));
  pod_mkdirs(folder, err);
  test_write(p, data, sizeof data - 1);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "trainer_state, 2 nan/inf values skipped");
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'loss' AND m.split = 'validation' AND m.step = 10 AND m.epoch = 0.5") == 0.42);
  CHECK_INT(test_query_num("SELECT line FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'loss' AND m.split = 'validation'"), 11);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'accuracy' AND m.split = 'validation'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'loss' AND m.split = 'train'"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE derived IS NULL"), 4);
  /* checkpoint-N is the Trainer's folder: the model is the one above */
  CHECK_STR(test_query_text("SELECT model FROM runs"), "out");
}

static void test_trainlogs_hf_all_results_without_trailing_newline(void) {
  char err[POD_ERRLEN];
  pod_buf b = POD_BUF_INIT;
  const char *paths[] = {test_fixture("hf-trainer", HF_ALL),
                         test_fixture("hf-trainer", HF_EVAL)};
  CHECK(pod_file_read(paths[0], &b, err) == POD_OK && b.len && b.data[b.len - 1] == '}');
  pod_buf_free(&b);
  CHECK_RC(test_ingest(NULL, paths, 2, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT format_version FROM sources WHERE path LIKE '%all_results%'"), "all_results");
  /* one folder, one run: eval_results.json's values are all_results.json's */
  CHECK_STR(test_query_text("SELECT format_version FROM sources WHERE path LIKE '%eval_results%'"),
            "eval_results, 10 results kept once, from t5sum-10844110-all_results.json");
  CHECK_INT(test_query_num("SELECT rows FROM sources WHERE path LIKE '%all_results%'"), 16);
  /* line 5: "eval_rouge1": 41.6324 */
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id JOIN sources s ON s.id = m.source_id WHERE t.name = 'rouge1' AND m.split = 'validation' AND s.path LIKE '%all_results%'") == 41.6324);
  CHECK_INT(test_query_num("SELECT line FROM measurements_all m JOIN metrics t ON t.id = m.metric_id JOIN sources s ON s.id = m.source_id WHERE t.name = 'rouge1' AND s.path LIKE '%all_results%'"), 5);
  CHECK_INT(test_query_num("SELECT direction FROM metrics WHERE name = 'rouge1'"), 1);
  /* summary values: no axes, so they are leaderboard values */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE derived IS NULL AND epoch IS NOT NULL OR step IS NOT NULL"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'runtime' AND m.split = 'train' AND m.value = 54713.1806 AND m.raw_unit = 's'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 1);
}

/* ---- refusals --------------------------------------------------------- */

static void expect_refused(const char *name, const char *data, size_t n,
                           const char *want1, const char *want2) {
  test_expect_refused(test_fixture("keras-csvlogger", KERAS_ACC), name, data, n, want1, want2);
}

#define REFUSE(name, lit, w1, w2) expect_refused(name, lit, sizeof lit - 1, w1, w2)

static void test_trainlogs_csv_refuses_bad_cells_and_rows(void) {
  REFUSE("a.log", "epoch,loss,val_loss\n0,0.5,0.6\n1,0.4,fast\n",
         "a.log:3:7:", "found \"fast\", expected a number");
  REFUSE("b.log", "epoch,loss,val_loss\n0,0.5,0.6,0.7\n",
         "b.log:2:11:", "found \"0.7\", expected 3 fields like the header");
  REFUSE("c.log", "epoch,loss,loss\n0,0.5,0.6\n",
         "c.log:1:12:", "expected a column name used once");
  REFUSE("d.csv", "epoch,step,train/loss,train/loss\n0,1,0.5,\n",
         "d.csv:1:", "used once");
  REFUSE("e.log", "epoch,loss\nzero,0.5\n", "e.log:2:1:",
         "expected a whole number from 0 to 9e15");
  REFUSE("f.csv", "epoch,step,lr-Adam\n,x9,0.1\n", "f.csv:2:2:",
         "found \"x9\", expected a whole number from 0 to 9e15");
  REFUSE("h.csv", "epoch,step,lr-Adam\n,9000000000000000000,0.1\n", "h.csv:2:2:",
         "found \"9000000000000000000\", expected a whole number from 0 to 9e15");
  REFUSE("g.log", "epoch,loss\n", "g.log:1:", "no rows");
}

static void test_trainlogs_json_refuses_syntax_and_types(void) {
  REFUSE("trainer_state.json", "{\n  \"log_history\": [\n    {\"loss\": 1.0,}\n  ]\n}\n",
         "trainer_state.json:3:18:", "expected valid JSON");
  REFUSE("t2/trainer_state.json", "{\n  \"log_history\": {\"loss\": 1}\n}\n",
         "trainer_state.json:2:3:", "found an object for \"log_history\", expected a list");
  REFUSE("eval_results.json", "{\n    \"epoch\": 3.0,\n    \"eval_loss\": \"low\"\n}",
         "eval_results.json:3:5:", "found a string for \"eval_loss\", expected a number");
  REFUSE("t3/trainer_state.json", "{\"log_history\": [1]}",
         "trainer_state.json:1:18:", "found a number, expected an object");
  REFUSE("all_results.json", "{\"eval_loss\": 1.0} x",
         "all_results.json:1:20:", "expected the end of the file");
}

static void test_trainlogs_json_refuses_deep_nesting(void) {
  char data[512];
  size_t n = 0;
  n += (size_t)snprintf(data, sizeof data, "{\"log_history\": ");
  for (int i = 0; i < 70; i++) data[n++] = '[';
  for (int i = 0; i < 70; i++) data[n++] = ']';
  data[n++] = '}';
  expect_refused("deep/trainer_state.json", data, n,
                 "trainer_state.json:1:80:", "nested deeper than 64 levels");
}

static void test_trainlogs_json_refuses_a_file_over_the_size_cap(void) {
  /* A valid start (so detection picks hf-trainer), then a sparse tail
  ** past 64 MiB: the cap is checked before anything is read. */
  char err[POD_ERRLEN], before[65], after[65];
  const char *p = test_path("big/trainer_state.json");
  const char *good[] = {test_fixture("keras-csvlogger", KERAS_ACC)};
  static const char head[] = "{\"log_history\": [{\"loss\": 1.0, \"step\": 1}";
  char folder[4096];
  store_db *db = test_open_db();
  CHECK_INT(test_ingest_into(db, NULL, good, 1, err), POD_OK);
  test_registry_checksum(before);
  snprintf(folder, sizeof folder, "%s", test_path("big"));
  pod_mkdirs(folder, err);
  test_write(p, head, sizeof head - 1);
  CHECK_INT(truncate(p, (64L << 20) + 1), 0);
  /* bytes past the head are NULs, but detection sees only the first 4 KiB,
  ** so the head is padded with spaces there */
  {
    FILE *f = fopen(p, "r+b");
    char pad[4096];
    memset(pad, ' ', sizeof pad);
    fseek(f, (long)(sizeof head - 1), SEEK_SET);
    fwrite(pad, 1, sizeof pad, f);
    fclose(f);
  }
  int rc = test_ingest_into(db, NULL, &p, 1, err);
  CHECK_INT(rc, POD_EINPUT);
  CHECK_HAS(err, "trainer_state.json: found a file of 67108865 bytes, expected at most");
  store_close(db);
  test_registry_checksum(after);
  CHECK_STR(after, before);
}

static void test_trainlogs_sniff_tells_the_formats_apart(void) {
  char err[POD_ERRLEN];
  const char *paths[] = {test_fixture("keras-csvlogger", ""),
                         test_fixture("lightning-csv", ""),
                         test_fixture("hf-trainer", "")};
  CHECK_RC(test_ingest(NULL, paths, 3, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format = 'keras-csvlogger'"), 4);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format = 'lightning-csv'"), 5);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format = 'hf-trainer'"), 4);
}

static void test_trainlogs_metric_names_normalize_keys(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("names/metrics.csv");
  static const char data[] =
      "epoch,step,val_acc,test/f1,valid_error,validation_mae,lr-SGD,learning_rate,Train_Perplexity,grad_norm\n"
      "0,1,0.9,0.8,0.1,0.2,0.01,0.02,3.5,1.5\n";
  char folder[4096];
  snprintf(folder, sizeof folder, "%s", test_path("names"));
  pod_mkdirs(folder, err);
  test_write(p, data, sizeof data - 1);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'accuracy' AND m.split = 'validation'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'f1' AND m.split = 'test' AND t.direction = 1"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'error' AND m.split = 'validation' AND t.direction = -1"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'mae' AND m.split = 'validation'"), 1);
  /* two learning-rate columns stay apart (LearningRateMonitor's and a
  ** logged one) */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'learning_rate' AND m.split IS NULL"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'learning_rate/sgd' AND m.split IS NULL"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'perplexity' AND m.split = 'train' AND t.direction = -1"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = 'grad_norm' AND m.split = 'train' AND t.direction = 0"), 1);
}

/* Issue 14: never a run without values: a log whose every cell is nan
** (a training that diverged at once) makes no run. */
static void test_trainlogs_all_nan_log_makes_no_run(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("diverged/training.log");
  char folder[4096];
  snprintf(folder, sizeof folder, "%s", test_path("diverged"));
  pod_mkdirs(folder, err);
  test_write(p, "epoch,loss,val_loss\r\n0,nan,nan\r\n1,nan,NA\r\n", (size_t)-1);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 0);
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "tf.keras 2.x / keras 3, 3 nan/inf values skipped");
}

/* Issue 14: the split written after the metric ("loss/val", "acc.val",
** "loss_val") and Lightning's _step/_epoch suffixes ("val_loss_epoch"). */
#define SPLIT_Q(name, split) "SELECT count(*) FROM measurements_all m JOIN " \
  "metrics t ON t.id = m.metric_id WHERE m.derived IS NULL AND t.name = '" name "' AND m.split = '" split "'"

static void test_trainlogs_lightning_split_after_the_metric(void) {
  char err[POD_ERRLEN];
  const char *p = test_copy_fixture("lightning-csv", "splitlast-slash-metrics.csv",
                               "cnn/lightning_logs/version_0/metrics.csv");
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num(SPLIT_Q("loss", "validation")), 2);
  CHECK_INT(test_query_num(SPLIT_Q("loss", "train")), 4);
  CHECK_INT(test_query_num(SPLIT_Q("accuracy", "validation")), 2);
  CHECK_INT(test_query_num(SPLIT_Q("accuracy", "train")), 4);
  CHECK_INT(test_query_num("SELECT count(*) FROM metrics WHERE name LIKE '%/%'"), 0);
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'loss' AND m.split = 'validation' AND m.epoch = 1") == 0.66);
}

static void test_trainlogs_lightning_step_and_epoch_suffixes(void) {
  char err[POD_ERRLEN];
  const char *p = test_copy_fixture("lightning-csv", "stepepoch-suffix-metrics.csv",
                               "rnn/lightning_logs/version_0/metrics.csv");
  char base[128];
  const char *split;
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  /* val_loss_epoch: the validation loss per epoch */
  CHECK_INT(test_query_num(SPLIT_Q("loss", "validation")), 2);
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'loss' AND m.split = 'validation' AND m.epoch = 1") == 0.67);
  /* train_loss_epoch is the training loss; train_loss_step its own curve */
  CHECK_INT(test_query_num(SPLIT_Q("loss", "train")), 2);
  CHECK_INT(test_query_num(SPLIT_Q("loss_step", "train")), 4);
  CHECK_INT(test_query_num(SPLIT_Q("accuracy", "validation")), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM metrics WHERE name LIKE '%epoch%' OR name LIKE 'train%' OR name LIKE 'val%'"), 0);
  ingest_metric_from_key("loss_val", base, sizeof base, &split);
  CHECK_STR(base, "loss");
  CHECK_STR(split, "validation");
  ingest_metric_from_key("Loss/Val_epoch", base, sizeof base, &split);
  CHECK_STR(base, "loss");
  CHECK_STR(split, "validation");
  ingest_metric_from_key("val.acc_step", base, sizeof base, &split);
  CHECK_STR(base, "accuracy_step");
  CHECK_STR(split, "validation");
  ingest_metric_from_key("time_per_epoch", base, sizeof base, &split);
  CHECK_STR(base, "time_per_epoch");
  CHECK_STR(split, "train");
  ingest_metric_from_key("interval", base, sizeof base, &split);
  CHECK_STR(base, "interval");
}

/* Issue 14: units the name gives: <prefix>_runtime is seconds, the
** Trainer's memory tracker's *_mem_*_delta bytes. */
/* A Trainer output folder: its trainer_state.json and all_results.json,
** and checkpoint-N/ folders each holding the same training's state cut at
** step N. One training is one run: the checkpoints are ignored with the
** reason; without a final state the latest checkpoint stands for it;
** named on the command line, a checkpoint is read like any file. */
static void test_trainlogs_hf_checkpoints_are_not_more_runs(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  char err[POD_ERRLEN];
  static const char early[] = "{\"global_step\": 500, \"log_history\": ["
      "{\"epoch\": 1.0, \"eval_loss\": 2.5, \"step\": 500}]}";
  static const char later[] = "{\"global_step\": 1000, \"log_history\": ["
      "{\"epoch\": 1.0, \"eval_loss\": 2.5, \"step\": 500},"
      "{\"epoch\": 2.0, \"eval_loss\": 2.25, \"step\": 1000}]}";
  pod_mkdirs(test_path("out/checkpoint-500"), err);
  pod_mkdirs(test_path("out/checkpoint-1000"), err);
  pod_mkdirs(test_path("crashed/checkpoint-500"), err);
  pod_mkdirs(test_path("crashed/checkpoint-1000"), err);
  test_copy_fixture("hf-trainer", HF_STATE, "out/trainer_state.json");
  test_copy_fixture("hf-trainer", HF_ALL, "out/all_results.json");
  test_write(test_path("out/checkpoint-500/trainer_state.json"), early, sizeof early - 1);
  test_write(test_path("out/checkpoint-1000/trainer_state.json"), later, sizeof later - 1);
  test_write(test_path("crashed/checkpoint-500/trainer_state.json"), early, sizeof early - 1);
  test_write(test_path("crashed/checkpoint-1000/trainer_state.json"), later, sizeof later - 1);
  CHECK_INT(test_podium(&out, &errb, "--db t.db ingest --model t5 out"), 0);
  CHECK_HAS(out.data, "ignored out/checkpoint-1000/trainer_state.json (a "
            "checkpoint: the trainer_state.json in the folder above holds "
            "the whole training)");
  CHECK_HAS(out.data, "ignored out/checkpoint-500/trainer_state.json");
  CHECK_HAS(out.data, "ingest: 2 added, 0 skipped, 0 failed, 2 ignored");
  CHECK_STR(test_sql_text("t.db", "SELECT count(*) FROM runs"), "1");
  pod_buf_clear(&out);
  CHECK_INT(test_podium(&out, &errb, "--db t.db ingest --model t5-crashed crashed"), 0);
  CHECK_HAS(out.data, "ignored crashed/checkpoint-500/trainer_state.json (a "
            "checkpoint: a later checkpoint beside it holds more of the "
            "same training)");
  CHECK_HAS(out.data, "added crashed/checkpoint-1000/trainer_state.json");
  CHECK_STR(test_sql_text("t.db", "SELECT count(*) FROM runs WHERE model = 't5-crashed'"), "1");
  pod_buf_clear(&out);
  CHECK_INT(test_podium(&out, &errb, "--db t.db ingest --model t5-early "
                        "crashed/checkpoint-500/trainer_state.json"), 0);
  CHECK_HAS(out.data, "added crashed/checkpoint-500/trainer_state.json");
  /* hub_strategy="checkpoint" keeps the latest as last-checkpoint/: the
  ** same training as the folder above, else the latest beside the rest */
  pod_mkdirs(test_path("hub/last-checkpoint"), err);
  pod_mkdirs(test_path("hub/checkpoint-500"), err);
  pod_mkdirs(test_path("hub2/last-checkpoint"), err);
  pod_mkdirs(test_path("hub2/checkpoint-500"), err);
  test_copy_fixture("hf-trainer", HF_STATE, "hub/trainer_state.json");
  test_write(test_path("hub/last-checkpoint/trainer_state.json"), later, sizeof later - 1);
  test_write(test_path("hub/checkpoint-500/trainer_state.json"), early, sizeof early - 1);
  test_write(test_path("hub2/last-checkpoint/trainer_state.json"), later, sizeof later - 1);
  test_write(test_path("hub2/checkpoint-500/trainer_state.json"), early, sizeof early - 1);
  pod_buf_clear(&out);
  CHECK_INT(test_podium(&out, &errb, "--db h.db ingest hub hub2"), 0);
  CHECK_HAS(out.data, "ignored hub/last-checkpoint/trainer_state.json (a "
            "checkpoint: the trainer_state.json in the folder above");
  CHECK_HAS(out.data, "ignored hub2/checkpoint-500/trainer_state.json (a "
            "checkpoint: a later checkpoint beside it");
  CHECK_HAS(out.data, "added hub2/last-checkpoint/trainer_state.json");
  CHECK_STR(test_sql_text("h.db", "SELECT group_concat(model, ' ') FROM (SELECT model FROM runs ORDER BY 1)"), "hub hub2");
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

/* A Trainer output folder holds one evaluation three times (all_results,
** eval_results and trainer_state's last entry): each result is kept once,
** from the first file read (all_results.json), and the other files say
** so; a board then counts n = 1, not 2 or 3. A different value for the
** same key is no copy and stays. */
static void test_trainlogs_hf_summary_copies_kept_once(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  char err[POD_ERRLEN];
  pod_mkdirs(test_path("sum"), err);
  test_copy_fixture("hf-trainer", HF_STATE, "sum/trainer_state.json");
  test_copy_fixture("hf-trainer", HF_ALL, "sum/all_results.json");
  test_copy_fixture("hf-trainer", "t5sum-10844110-eval_results.json",
                    "sum/eval_results.json");
  CHECK_INT(test_podium(&out, &errb, "--db t.db ingest --model t5 sum"), 0);
  CHECK_HAS(out.data, "ingest: 3 added, 0 skipped, 0 failed");
  CHECK_STR(test_sql_text("t.db", "SELECT count(*) FROM runs"), "1");
  /* every summary once, each from all_results.json */
  CHECK_STR(test_sql_text("t.db", "SELECT count(*) || ' ' || count(DISTINCT m.metric_id || coalesce(m.split, '')) || ' ' || group_concat(DISTINCT s.path) FROM measurements_all m JOIN sources s ON s.id = m.source_id WHERE m.epoch IS NULL AND m.step IS NULL AND m.derived IS NULL"),
            "16 16 sum/all_results.json");
  CHECK_STR(test_sql_text("t.db", "SELECT format_version FROM sources WHERE path = 'sum/eval_results.json'"),
            "eval_results, 10 results kept once, from all_results.json");
  CHECK_HAS(test_sql_text("t.db", "SELECT format_version FROM sources WHERE path = 'sum/trainer_state.json'"),
            ", 5 results kept once, from all_results.json");
  CHECK_INT(test_podium(&out, &errb, "--db t.db runs --json"), 0);
  CHECK_INT(test_podium(&out, &errb, "--db t.db report all--rouge1 --md"), 0);
  CHECK_HAS(out.data, "| 1 | t5 | - | - | 41.6 | 1 | 1 |");   /* n = 1 */
  /* podium's own best-epoch copy of a curve is no Trainer result: a
  ** summary file with the same value still goes in (it is the result
  ** then, and the derived copy goes) */
  pod_mkdirs(test_path("d2"), err);
  test_write(test_path("d2/trainer_state.json"),
             "{\"log_history\": ["
             "{\"epoch\": 1.0, \"eval_loss\": 0.5, \"eval_accuracy\": 0.8, \"step\": 10},"
             "{\"epoch\": 2.0, \"eval_loss\": 0.4, \"eval_accuracy\": 0.85, \"step\": 20},"
             "{\"epoch\": 3.0, \"eval_loss\": 0.45, \"eval_accuracy\": 0.84, \"step\": 30}]}",
             (size_t)-1);
  test_write(test_path("d2/all_results.json"),
             "{\"epoch\": 3.0, \"eval_loss\": 0.4, \"eval_accuracy\": 0.85}", (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db t3.db ingest --run X --model m d2/trainer_state.json"), 0);
  CHECK_INT(test_podium(&out, &errb, "--db t3.db ingest --run X --model m d2/all_results.json"), 0);
  CHECK_STR(test_sql_text("t3.db", "SELECT format_version FROM sources WHERE path = 'd2/all_results.json'"),
            "all_results");
  CHECK_STR(test_sql_text("t3.db", "SELECT count(*) FROM measurements m JOIN sources s ON s.id = m.source_id WHERE s.path = 'd2/all_results.json'"),
            "2");
  /* another value under the same key is another result */
  pod_mkdirs(test_path("sum2"), err);
  test_copy_fixture("hf-trainer", HF_ALL, "sum2/all_results.json");
  test_write(test_path("sum2/eval_results.json"),
             "{\"epoch\": 3.0, \"eval_rouge1\": 41.7}", (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db t2.db ingest --model t5 sum2"), 0);
  CHECK_STR(test_sql_text("t2.db", "SELECT group_concat(value, ' ') FROM (SELECT m.value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'rouge1' ORDER BY 1)"),
            "41.6324 41.7");
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

/* The Trainer's predict() (run_summarization's test set) writes
** predict_*: test values, as test_* are; Lightning keys split by '-'
** ("test-acc"); the best of a curve evaluated between epochs is "of" the
** epochs it reached, not of its evaluations; a Lightning header whose
** step comes after hundreds of learning-rate columns is still Lightning's. */
static void test_trainlogs_predict_hyphen_and_epochs_of_fractional_curves(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("sum/all_results.json");
  test_make_folder_of(p);
  test_write(p, "{\n  \"epoch\": 3.0,\n  \"predict_loss\": 1.4257025718688965,\n"
                "  \"predict_rouge1\": 41.8283,\n  \"eval_loss\": 1.3\n}\n", SIZE_MAX);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT group_concat(t.name || '/' || m.split, ' ') FROM (SELECT * FROM measurements_all ORDER BY line) m JOIN metrics t ON t.id = m.metric_id"),
            "loss/test rouge1/test loss/validation");
  p = test_path("speech/lightning_logs/version_0/metrics.csv");
  test_make_folder_of(p);
  test_write(p, "epoch,step,test-acc,train-loss,val-eer\n0,9,,0.75,0.25\n0,9,0.5,,\n", SIZE_MAX);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT group_concat(t.name || '/' || m.split || '/' || t.direction, ' ') FROM (SELECT * FROM measurements_all WHERE derived IS NULL ORDER BY line, metric_id) m JOIN metrics t ON t.id = m.metric_id JOIN sources s ON s.id = m.source_id WHERE s.path LIKE '%speech%'"),
            "loss/train/-1 eer/validation/-1 accuracy/test/1");
  p = test_path("ocr/trainer_state.json");
  test_make_folder_of(p);
  test_write(p, "{\"global_step\": 1400, \"log_history\": ["
                "{\"epoch\": 3.85, \"eval_loss\": 0.5, \"step\": 400},"
                "{\"epoch\": 7.69, \"eval_loss\": 0.25, \"step\": 800},"
                "{\"epoch\": 13.46, \"eval_loss\": 0.375, \"step\": 1400}]}", SIZE_MAX);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT at_epoch || ' of ' || of_epochs FROM measurements_all m JOIN sources s ON s.id = m.source_id WHERE s.path LIKE '%ocr%' AND derived IS NOT NULL"),
            "7.69 of 14");
  pod_buf h = POD_BUF_INIT;
  pod_buf_adds(&h, "epoch");
  for (int i = 1; i <= 100; i++) pod_buf_printf(&h, ",lr-AdamW/pg%d", i);
  pod_buf_adds(&h, ",step,train_loss\n,");
  for (int i = 1; i <= 100; i++) pod_buf_adds(&h, "0.001,");
  pod_buf_adds(&h, "9,\n0,");
  for (int i = 1; i <= 100; i++) pod_buf_addc(&h, ',');
  pod_buf_adds(&h, "9,0.5\n");
  p = test_path("det/lightning_logs/version_1/metrics.csv");
  test_make_folder_of(p);
  test_write(p, h.data, h.len);
  pod_buf_free(&h);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT format FROM sources WHERE path LIKE '%det/%'"), "lightning-csv");
  /* each parameter group's learning rate its own metric */
  CHECK_INT(test_query_num("SELECT count(DISTINCT t.name) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id JOIN sources s ON s.id = m.source_id WHERE s.path LIKE '%det/%' AND t.name LIKE 'learning_rate/adamw/pg%'"), 100);
  CHECK_INT(test_query_num("SELECT count(*) FROM metrics WHERE name = 'learning_rate/adamw/pg100'"), 1);
}

static void test_trainlogs_hf_runtime_and_memory_units(void) {
  char err[POD_ERRLEN];
  const char *p = test_fixture("hf-trainer", "memmetrics-g0-all_results.json");
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'g0_runtime'"), "s");
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'runtime'"), "s");
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'init_mem_gpu_alloc_delta'"), "B");
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'mem_gpu_alloc_delta'"), "B");
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'mem_cpu_peaked_delta'"), "B");
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'mem_gpu_alloc_delta'") == 1316864000);
}

static void test_trainlogs_csv_map_takes_the_model_from_a_column(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("metrics.csv");
  const char *map[] = {"model=arch"};
  ingest_meta meta = {0};
  static const char data[] = "arch,epoch,step,train_loss\nresnet18,0,9,0.5\nvit-b,0,9,0.7\n";
  store_db *db = test_open_db();
  meta.map = map;
  meta.n_map = 1;
  test_write(p, data, sizeof data - 1);
  CHECK_RC(test_ingest_into(db, &meta, &p, 1, err), POD_OK, err);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);
  CHECK(test_query_num("SELECT m.value FROM measurements_all m JOIN runs r ON r.id = m.run_id WHERE r.model = 'vit-b'") == 0.7);
  /* the mapped column is a run field, not a metric */
  CHECK_INT(test_query_num("SELECT count(*) FROM metrics WHERE name = 'arch'"), 0);
}

/* A run page's curves (analysis_run_curves): a Lightning log whose
** validation loss gets worse after epoch 1, logged out of order, with a
** learning rate (no split) and a time per epoch (judged: no). */
static void test_trainlogs_run_curves_group_sort_and_judge(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("m/metrics.csv");
  store_db *db;
  store_rows *rows = store_rows_new();
  analysis_curve *c;
  size_t n;
  CHECK_INT(pod_mkdirs(test_path("m"), err), POD_OK);
  test_write(p, "epoch,step,val_loss,train_loss,epoch_time\n"
                "2,29,0.9,0.3,12.0\n"
                "0,9,0.8,0.7,11.0\n"
                "1,19,0.5,0.5,11.5\n", SIZE_MAX);
  {
    ingest_meta meta = {0};
    meta.model = "m";
    CHECK_RC(test_ingest(&meta, &p, 1, err), POD_OK, err);
  }
  db = test_open_db();
  CHECK_RC(store_each_measurement(db, 1, store_rows_add, rows, err), POD_OK, err);
  int seen = 0;
  n = analysis_run_curves(rows, &c);
  for (size_t i = 0; i < n; i++) {
    if (!strcmp(c[i].metric, "loss")) {
      seen |= 1;
      CHECK_INT(c[i].judged, 1);
      CHECK_INT(c[i].n, 2);
      CHECK_STR(c[i].s[0].split, "train");         /* training first */
      CHECK_STR(c[i].s[1].split, "validation");
      CHECK_INT(c[i].train, 0);
      CHECK_INT(c[i].validation, 1);
      CHECK(c[i].s[1].p[0].epoch.d == 0 && c[i].s[1].p[2].epoch.d == 2);  /* epoch order */
      CHECK(c[i].has_best && c[i].best == 1);
      CHECK(c[i].has_shade && c[i].shade_to == 2);
    } else if (!strcmp(c[i].metric, "epoch_time")) {
      seen |= 2;
      CHECK_INT(c[i].has_best, 0);                  /* a time: no verdict */
    }
  }
  CHECK_INT(seen, 3);
  analysis_run_curves_free(c, n);
  store_rows_free(rows);
  store_close(db);
}

const test_case tests_trainlogs[] = {
  {"trainlogs_run_curves_group_sort_and_judge", test_trainlogs_run_curves_group_sort_and_judge},
  {"trainlogs_error_rates_are_lower_better", test_trainlogs_error_rates_are_lower_better},
  {"trainlogs_predict_hyphen_and_epochs_of_fractional_curves", test_trainlogs_predict_hyphen_and_epochs_of_fractional_curves},
  {"test_trainlogs_all_nan_log_makes_no_run", test_trainlogs_all_nan_log_makes_no_run},
  {"test_trainlogs_lightning_split_after_the_metric", test_trainlogs_lightning_split_after_the_metric},
  {"test_trainlogs_lightning_step_and_epoch_suffixes", test_trainlogs_lightning_step_and_epoch_suffixes},
  {"test_trainlogs_hf_runtime_and_memory_units", test_trainlogs_hf_runtime_and_memory_units},
  {"test_trainlogs_csv_map_takes_the_model_from_a_column", test_trainlogs_csv_map_takes_the_model_from_a_column},
  {"test_trainlogs_keras_old_acc_names_and_crlf", test_trainlogs_keras_old_acc_names_and_crlf},
  {"test_trainlogs_keras_loss_has_train_and_validation_per_epoch", test_trainlogs_keras_loss_has_train_and_validation_per_epoch},
  {"test_trainlogs_keras_lr_is_learning_rate_without_split", test_trainlogs_keras_lr_is_learning_rate_without_split},
  {"trainlogs_keras_separator_semicolon_and_tab", test_trainlogs_keras_separator_semicolon_and_tab},
  {"trainlogs_hf_checkpoints_are_not_more_runs", test_trainlogs_hf_checkpoints_are_not_more_runs},
  {"test_trainlogs_keras_nan_is_skipped_counted_and_na_is_empty", test_trainlogs_keras_nan_is_skipped_counted_and_na_is_empty},
  {"test_trainlogs_lightning_sparse_rows_and_lr_monitor", test_trainlogs_lightning_sparse_rows_and_lr_monitor},
  {"test_trainlogs_lightning_column_order_does_not_matter", test_trainlogs_lightning_column_order_does_not_matter},
  {"test_trainlogs_lightning_nan_values_are_counted", test_trainlogs_lightning_nan_values_are_counted},
  {"test_trainlogs_hf_trainer_state_logs_and_summary", test_trainlogs_hf_trainer_state_logs_and_summary},
  {"test_trainlogs_hf_eval_entries_and_nan_loss", test_trainlogs_hf_eval_entries_and_nan_loss},
  {"test_trainlogs_hf_all_results_without_trailing_newline", test_trainlogs_hf_all_results_without_trailing_newline},
  {"test_trainlogs_hf_summary_copies_kept_once", test_trainlogs_hf_summary_copies_kept_once},
  {"test_trainlogs_csv_refuses_bad_cells_and_rows", test_trainlogs_csv_refuses_bad_cells_and_rows},
  {"test_trainlogs_json_refuses_syntax_and_types", test_trainlogs_json_refuses_syntax_and_types},
  {"test_trainlogs_json_refuses_deep_nesting", test_trainlogs_json_refuses_deep_nesting},
  {"test_trainlogs_json_refuses_a_file_over_the_size_cap", test_trainlogs_json_refuses_a_file_over_the_size_cap},
  {"test_trainlogs_sniff_tells_the_formats_apart", test_trainlogs_sniff_tells_the_formats_apart},
  {"test_trainlogs_metric_names_normalize_keys", test_trainlogs_metric_names_normalize_keys},
  {NULL, NULL}};
