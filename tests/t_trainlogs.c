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
  CHECK_HAS(test_query_text("SELECT format_version FROM sources"), "3 nan values skipped");
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
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "CSVLogger, 2 nan values skipped");
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
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "trainer_state, 2 nan values skipped");
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
  CHECK_STR(test_query_text("SELECT format_version FROM sources WHERE path LIKE '%eval_results%'"), "eval_results");
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
         "expected a whole number >= 0");
  REFUSE("f.csv", "epoch,step,lr-Adam\n,x9,0.1\n", "f.csv:2:2:",
         "found \"x9\", expected a whole number >= 0");
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

/* Issue 14: CSVLogger(append=True) holds one training after the other,
** the epoch going back to 0: each is its own run with its own curve. */
static void test_trainlogs_keras_append_restarts_are_separate_runs(void) {
  char err[POD_ERRLEN];
  const char *p = test_copy_fixture("keras-csvlogger", "append-two-trainings-training.log",
                               "resnet/training.log");
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "tf.keras 2.x / keras 3, 2 trainings (append=True)");
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE model = 'resnet'"), 2);
  /* one value per run, metric, split and epoch: no epoch holds two */
  CHECK_INT(test_query_num("SELECT count(*) FROM (SELECT 1 FROM measurements_all GROUP BY run_id, metric_id, split, epoch HAVING count(*) > 1)"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'loss' AND m.split = 'validation' AND m.epoch = 0"), 2);
  /* the second training starts on line 6 */
  CHECK_INT(test_query_num("SELECT count(DISTINCT run_id) FROM measurements_all WHERE line >= 6"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE line >= 6 AND run_id = (SELECT run_id FROM measurements_all WHERE line = 2 LIMIT 1)"), 0);
}

/* Issue 14: accuracy logged in percent (self.log("val_acc", 100 * acc))
** beside a model logged as a fraction read 89.9 -> 0.87 as -99%. A
** fraction metric's column (accuracy, F1...) whose values go over 1 and
** not over 100 is in percent: the file is read again with its values
** / 100, the cell kept as written with unit "%", once (one run, one
** source, rows counted once), and the format says so. Per step, the
** first values may be under 1 (0.78% at step 0): the whole column is
** percent. Over 100 is no percentage: left as it is. */
static void test_trainlogs_accuracy_in_percent_is_read_as_a_fraction(void) {
  char err[POD_ERRLEN], base[512], opt[512], odd[512];
  snprintf(base, sizeof base, "%s", test_path("bert/lightning_logs/version_0/metrics.csv"));
  snprintf(opt, sizeof opt, "%s", test_path("distilbert/training.log"));
  snprintf(odd, sizeof odd, "%s", test_path("odd/training.log"));
  test_make_folder_of(base);
  test_make_folder_of(opt);
  test_make_folder_of(odd);
  test_write(base, "epoch,step,train_acc_step,val_acc,val_loss\n"
             "0,0,0.78,,\n0,49,45.2,,\n0,49,,85.5,0.45\n"
             "1,99,88.0,,\n1,99,,89.9,0.40\n2,149,93.5,,\n"
             "2,149,,89.1,0.42\n", (size_t)-1);
  test_write(opt, "epoch,accuracy,loss,val_accuracy,val_loss\n"
             "0,0.80,0.6,0.85,0.50\n1,0.86,0.4,0.87,0.44\n", (size_t)-1);
  /* over 100 is no percentage; a hair over 1 is a mean's rounding */
  test_write(odd, "epoch,accuracy,loss,val_f1\n0,150,0.6,0.98\n"
             "1,250,0.4,1.0000001\n", (size_t)-1);
  const char *paths[3] = {base, opt, odd};
  CHECK_RC(test_ingest(NULL, paths, 3, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 3);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 3);
  CHECK_INT(test_query_num("SELECT rows FROM sources WHERE path LIKE '%metrics.csv'"), 7);
  CHECK_STR(test_query_text("SELECT format_version FROM sources WHERE path LIKE '%metrics.csv'"),
            "CSVLogger, in percent: train_acc_step, val_acc");
  CHECK(fabs(test_query_num("SELECT value FROM measurements_all WHERE raw_value = '0.78'") - 0.0078) < 1e-15);
  CHECK(test_query_num("SELECT value FROM measurements_all WHERE raw_value = '89.9' AND derived IS NULL") == 89.9 / 100);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE raw_unit = '%' AND derived IS NULL"), 7);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE value > 1 AND raw_unit = '%'"), 0);
  /* the loss is no fraction; the result is the best epoch's, / 100 */
  CHECK(test_query_num("SELECT value FROM measurements_all WHERE raw_value = '0.40'") == 0.40);
  CHECK(test_query_num("SELECT value FROM measurements_all m JOIN runs r ON r.id = m.run_id WHERE r.model = 'bert' AND m.derived IS NOT NULL AND m.split = 'validation' AND m.metric_id = (SELECT id FROM metrics WHERE name = 'accuracy')") == 89.9 / 100);
  /* the fraction log is as written; over 100 is no percentage */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN runs r ON r.id = m.run_id WHERE r.model = 'distilbert' AND m.raw_unit = '%'"), 0);
  CHECK(test_query_num("SELECT max(value) FROM measurements_all m JOIN runs r ON r.id = m.run_id WHERE r.model = 'odd'") == 250);
  CHECK(test_query_num("SELECT value FROM measurements_all WHERE raw_value = '1.0000001'") == 1.0000001);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'accuracy'"), "");
  /* more columns in percent than cx->percent names: refused, never half
  ** converted (review) */
  pod_buf wide = POD_BUF_INIT;
  char many[512];
  snprintf(many, sizeof many, "%s", test_path("many/training.log"));
  test_make_folder_of(many);
  pod_buf_adds(&wide, "epoch");
  for (int k = 0; k < 300; k++) pod_buf_printf(&wide, ",val_accuracy_class_%03d", k);
  for (int e = 0; e < 2; e++) {
    pod_buf_printf(&wide, "\n%d", e);
    for (int k = 0; k < 300; k++) pod_buf_printf(&wide, ",%d.5", 50 + e + k % 40);
  }
  pod_buf_addc(&wide, '\n');
  test_write(many, wide.data, wide.len);
  pod_buf_free(&wide);
  const char *mp = many;
  CHECK_INT(test_ingest(NULL, &mp, 1, err), POD_EINPUT);
  CHECK_HAS(err, "found more columns in percent than podium keeps");
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE path LIKE '%many%'"), 0);
}

/* The same for transformers: a compute_metrics giving accuracy x 100,
** and SQuAD's exact match and F1, 0 to 100 as the squad metric gives
** them (eval_results.json). */
static void test_trainlogs_hf_percent_metrics_are_fractions(void) {
  char err[POD_ERRLEN], state[512], res[512];
  snprintf(state, sizeof state, "%s", test_path("bert-pct/trainer_state.json"));
  snprintf(res, sizeof res, "%s", test_path("distilbert-squad/eval_results.json"));
  test_make_folder_of(state);
  test_make_folder_of(res);
  test_write(state, "{\n  \"log_history\": [\n"
             "    {\"epoch\": 1.0, \"loss\": 0.5, \"step\": 100},\n"
             "    {\"epoch\": 1.0, \"eval_accuracy\": 85.5, \"eval_loss\": 0.45, \"step\": 100},\n"
             "    {\"epoch\": 2.0, \"eval_accuracy\": 89.9, \"eval_loss\": 0.40, \"step\": 200}\n"
             "  ]\n}\n", (size_t)-1);
  test_write(res, "{\n    \"epoch\": 2.0,\n    \"eval_exact_match\": 81.2,\n"
             "    \"eval_f1\": 88.5,\n    \"eval_rougeLsum\": 39.1,\n"
             "    \"eval_samples\": 10570\n}\n",
             (size_t)-1);
  const char *paths[2] = {state, res};
  CHECK_RC(test_ingest(NULL, paths, 2, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);
  CHECK_STR(test_query_text("SELECT format_version FROM sources WHERE path LIKE '%trainer_state.json'"),
            "trainer_state, in percent: eval_accuracy");
  CHECK_STR(test_query_text("SELECT format_version FROM sources WHERE path LIKE '%eval_results.json'"),
            "eval_results, in percent: eval_exact_match, eval_f1");
  CHECK(test_query_num("SELECT value FROM measurements_all WHERE raw_value = '89.9' AND derived IS NULL") == 89.9 / 100);
  CHECK(test_query_num("SELECT value FROM measurements_all WHERE raw_value = '81.2'") == 81.2 / 100);
  CHECK_STR(test_query_text("SELECT raw_unit FROM measurements_all WHERE raw_value = '88.5'"), "%");
  CHECK(test_query_num("SELECT value FROM measurements_all WHERE raw_value = '0.40'") == 0.40);
  CHECK_INT(test_query_num("SELECT direction FROM metrics WHERE name = 'exact_match'"), 1);
  /* samples are no fraction; ROUGE stays as transformers writes it */
  CHECK(test_query_num("SELECT value FROM measurements_all WHERE raw_value = '39.1'") == 39.1);
  CHECK(test_query_num("SELECT value FROM measurements_all WHERE raw_value = '10570'") == 10570);
}

/* A Trainer with load_best_model_at_end and metric_for_best_model=
** "accuracy" keeps the checkpoint of the best accuracy (step 200), not
** of the lowest loss (step 100): the results are that checkpoint's, the
** model the user has. best_global_step (4.50+) says so too; without
** either the lowest validation loss picks. */
static void write_state(const char *path, const char *best) {
  char text[1024];
  snprintf(text, sizeof text, "{\n  %s\n  \"log_history\": [\n"
           "    {\"epoch\": 1.0, \"eval_accuracy\": 0.86, \"eval_loss\": 0.40, \"step\": 100},\n"
           "    {\"epoch\": 2.0, \"eval_accuracy\": 0.89, \"eval_loss\": 0.42, \"step\": 200},\n"
           "    {\"epoch\": 3.0, \"eval_accuracy\": 0.88, \"eval_loss\": 0.45, \"step\": 300}\n"
           "  ]\n}\n", best);
  test_make_folder_of(path);
  test_write(path, text, (size_t)-1);
}

#define KEPT_RESULT(model) "SELECT value || '@' || at_epoch FROM " \
  "measurements_all m JOIN runs r ON r.id = m.run_id WHERE r.model = '" \
  model "' AND m.derived IS NOT NULL AND m.metric_id = (SELECT id FROM " \
  "metrics WHERE name = 'accuracy')"

static void test_trainlogs_hf_results_at_the_checkpoint_kept(void) {
  char err[POD_ERRLEN], a[512], b[512], c[512];
  snprintf(a, sizeof a, "%s", test_path("kept/trainer_state.json"));
  snprintf(b, sizeof b, "%s", test_path("kept-step/trainer_state.json"));
  snprintf(c, sizeof c, "%s", test_path("none/trainer_state.json"));
  write_state(a, "\"best_metric\": 0.89,\n  \"best_model_checkpoint\": "
                 "\"out/glue/checkpoint-200\",");
  write_state(b, "\"best_global_step\": 300,\n  \"best_model_checkpoint\": "
                 "\"out/checkpoint-100\",");
  write_state(c, "\"best_metric\": null,\n  \"best_model_checkpoint\": null,");
  const char *paths[3] = {a, b, c};
  CHECK_RC(test_ingest(NULL, paths, 3, err), POD_OK, err);
  CHECK_STR(test_query_text(KEPT_RESULT("kept")), "0.89@2.0");
  CHECK_STR(test_query_text(KEPT_RESULT("kept-step")), "0.88@3.0");
  CHECK_STR(test_query_text(KEPT_RESULT("none")), "0.86@1.0");
  if (!test_registry_url) {   /* podium init picks them there too */
    pod_buf o = POD_BUF_INIT;
    sqlite3 *raw;
    CHECK(sqlite3_open(test_path("t.db"), &raw) == SQLITE_OK);
    CHECK(sqlite3_exec(raw, "DELETE FROM measurements WHERE derived IS NOT "
                       "NULL", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(raw);
    CHECK_INT(test_podium(&o, NULL, "--db t.db init"), 0);
    CHECK_STR(test_query_text(KEPT_RESULT("kept")), "0.89@2.0");
    CHECK_STR(test_query_text(KEPT_RESULT("kept-step")), "0.88@3.0");
    CHECK_STR(test_query_text(KEPT_RESULT("none")), "0.86@1.0");
    pod_buf_free(&o);
  }
  /* best_global_step wins over the checkpoint's name; the run keeps it */
  CHECK_STR(test_query_text("SELECT raw_value FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.model = 'kept-step' AND m.metric_id = (SELECT id FROM metrics WHERE name = 'best_global_step')"), "300");
  CHECK_STR(test_query_text("SELECT raw_value FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.model = 'kept' AND m.metric_id = (SELECT id FROM metrics WHERE name = 'best_global_step')"), "out/glue/checkpoint-200");
  /* a summary file of the kept model agrees on the run page (review: it
  ** was judged against the lowest loss's epoch and said to disagree) */
  pod_buf out = POD_BUF_INIT, page = POD_BUF_INIT;
  test_write(test_path("kept/eval_results.json"), "{\"epoch\": 3.0, "
             "\"eval_accuracy\": 0.89, \"eval_loss\": 0.42}\n", (size_t)-1);
  CHECK_INT(test_podium(&out, NULL, "--db k.db ingest --quiet kept"), 0);
  CHECK_INT(test_podium(&out, NULL, "--db k.db render --lang en"), 0);
  CHECK_RC(pod_file_read(test_path("_site/en/runs/1.html"), &page, err), POD_OK, err);
  CHECK_HAS(page.data, "accuracy: the summary file&#39;s 0.89 matches the "
            "training curve (0.89 at best epoch 2");
  CHECK_LACKS(page.data, "class=\"warning\">accuracy: the summary file");
  CHECK_LACKS(page.data, "class=\"warning\">loss: the summary file");
  pod_buf_free(&out);
  pod_buf_free(&page);
}

/* `podium init` makes the results a run's curve chunks lack (a registry
** whose results were dropped by hand): the chunks' points are read too. */
static void test_trainlogs_init_makes_missing_results_from_chunks(void) {
  char err[POD_ERRLEN], log[512];
  pod_buf out = POD_BUF_INIT;
  if (test_registry_url) return;   /* SQLite's chunks */
  snprintf(log, sizeof log, "%s", test_path("m/training.log"));
  test_make_folder_of(log);
  test_write(log, "epoch,accuracy,loss,val_accuracy,val_loss\n"
             "0,0.8,0.6,0.85,0.5\n1,0.86,0.4,0.87,0.44\n", (size_t)-1);
  const char *q = log;
  CHECK_RC(test_ingest(NULL, &q, 1, err), POD_OK, err);
  CHECK(test_query_num("SELECT count(*) FROM curves") >= 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE epoch IS NOT NULL"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE derived IS NOT NULL"), 2);
  sqlite3 *raw;
  CHECK(sqlite3_open(test_path("t.db"), &raw) == SQLITE_OK);
  CHECK(sqlite3_exec(raw, "DELETE FROM measurements WHERE derived IS NOT NULL",
                     NULL, NULL, NULL) == SQLITE_OK);
  sqlite3_close(raw);
  CHECK_INT(test_podium(&out, NULL, "--db t.db init"), 0);
  CHECK_HAS(out.data, "results picked from the training curves of 1 run");
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE derived IS NOT NULL"), 2);
  pod_buf_free(&out);
}

/* A long Keras log: 3,000 epochs, 12,000 points, stored as curve chunks
** of 32 KiB (store/curves.c) and read back whole; the result is picked
** from the file's own values (the memo); --replace with a changed log
** leaves only the new chunks. Then a second log under the same --run
** continues the run: its results are read back from both files' chunks
** (SQL, not the memo), the best epoch in the first file. */
static void write_long_keras(const char *path, int epochs, int best,
                             double shift) {
  pod_buf b = POD_BUF_INIT;
  pod_buf_adds(&b, "epoch,accuracy,loss,val_accuracy,val_loss\n");
  for (int e = 0; e < epochs; e++)
    pod_buf_printf(&b, "%d,%.6f,%.6f,%.6f,%.6f\n", e, 0.5 + e * 1e-5,
                   2.0 - e * 1e-4, 0.25 + e * 1e-4 + shift,
                   e == best ? 0.125 : 1.0 + e * 1e-4 + shift);
  test_write(path, b.data, (size_t)-1);
  pod_buf_free(&b);
}

static void test_trainlogs_long_log_in_chunks_and_a_run_over_two_logs(void) {
  char err[POD_ERRLEN], folder[4096], path[4096];
  const char *p = path;
  ingest_meta meta = {0};
  store_db *db;
  snprintf(path, sizeof path, "%s", test_path("long/training.log"));
  snprintf(folder, sizeof folder, "%s", test_path("long"));
  pod_mkdirs(folder, err);
  write_long_keras(p, 3000, 1234, 0);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE derived IS NULL"), 12000);
  CHECK(test_query_num("SELECT count(*) FROM curves") > 10);
  CHECK_INT(test_query_num("SELECT sum(n) FROM curves"), 12000);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE derived IS NULL"), 0);
  CHECK(test_query_num(TEST_VALUE_OF("accuracy", "m.derived IS NOT NULL AND m.split = 'validation'")) == 0.1234 + 0.25);
  CHECK_INT(test_query_num("SELECT at_epoch FROM measurements WHERE derived IS NOT NULL AND line = 1236 LIMIT 1"), 1234);
  CHECK_INT(test_query_num("SELECT of_epochs FROM measurements WHERE derived IS NOT NULL LIMIT 1"), 3000);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE epoch = 2999 AND line = 3001"), 4);
  /* the same file changed: its chunks go, the new ones come */
  write_long_keras(p, 2000, 50, 0.5);
  meta.replace = 1;
  CHECK_RC(test_ingest(&meta, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT sum(n) FROM curves"), 8000);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 1);
  CHECK_INT(test_query_num("SELECT at_epoch FROM measurements WHERE derived IS NOT NULL LIMIT 1"), 50);
  CHECK(test_query_num(TEST_VALUE_OF("accuracy", "m.derived IS NOT NULL")) == 0.005 + 0.75);
  /* one run over two logs: the second file's results see the first's */
  {
    char pa[4096], pc[4096];
    const char *a = pa, *c = pc;
    ingest_meta m2 = {0};
    snprintf(pa, sizeof pa, "%s", test_path("run/a/training.log"));
    snprintf(pc, sizeof pc, "%s", test_path("run/b/training.log"));
    snprintf(folder, sizeof folder, "%s", test_path("run/a"));
    pod_mkdirs(folder, err);
    snprintf(folder, sizeof folder, "%s", test_path("run/b"));
    pod_mkdirs(folder, err);
    write_long_keras(a, 30, 7, 0);
    test_write(c, "epoch,accuracy,loss,val_accuracy,val_loss\n"
                  "30,0.9,0.1,0.875,0.5\n31,0.95,0.05,0.9,0.25\n", (size_t)-1);
    m2.run_name = "two-logs";
    db = test_open_db();
    CHECK_RC(test_ingest_into(db, &m2, &a, 1, err), POD_OK, err);
    CHECK_RC(test_ingest_into(db, &m2, &c, 1, err), POD_OK, err);
    store_close(db);
    CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE name = 'two-logs'"), 1);
    /* epoch 7's val_loss 0.125 beats the second file's 0.25 */
    CHECK_INT(test_query_num("SELECT count(*) FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.name = 'two-logs' AND m.derived IS NOT NULL"), 2);
    CHECK_INT(test_query_num("SELECT DISTINCT at_epoch FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.name = 'two-logs' AND m.derived IS NOT NULL"), 7);
    CHECK_INT(test_query_num("SELECT DISTINCT of_epochs FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.name = 'two-logs' AND m.derived IS NOT NULL"), 32);
    CHECK(test_query_num("SELECT m.value FROM measurements m JOIN runs r ON r.id = m.run_id JOIN metrics t ON t.id = m.metric_id WHERE r.name = 'two-logs' AND m.derived IS NOT NULL AND t.name = 'accuracy'") == 0.25 + 7e-4);
  }
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
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "tf.keras 2.x / keras 3, 3 nan values skipped");
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
  {"test_trainlogs_keras_append_restarts_are_separate_runs", test_trainlogs_keras_append_restarts_are_separate_runs},
  {"test_trainlogs_accuracy_in_percent_is_read_as_a_fraction", test_trainlogs_accuracy_in_percent_is_read_as_a_fraction},
  {"test_trainlogs_hf_percent_metrics_are_fractions", test_trainlogs_hf_percent_metrics_are_fractions},
  {"test_trainlogs_hf_results_at_the_checkpoint_kept", test_trainlogs_hf_results_at_the_checkpoint_kept},
  {"test_trainlogs_init_makes_missing_results_from_chunks", test_trainlogs_init_makes_missing_results_from_chunks},
  {"trainlogs_long_log_in_chunks_and_a_run_over_two_logs", test_trainlogs_long_log_in_chunks_and_a_run_over_two_logs},
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
  {"test_trainlogs_csv_refuses_bad_cells_and_rows", test_trainlogs_csv_refuses_bad_cells_and_rows},
  {"test_trainlogs_json_refuses_syntax_and_types", test_trainlogs_json_refuses_syntax_and_types},
  {"test_trainlogs_json_refuses_deep_nesting", test_trainlogs_json_refuses_deep_nesting},
  {"test_trainlogs_json_refuses_a_file_over_the_size_cap", test_trainlogs_json_refuses_a_file_over_the_size_cap},
  {"test_trainlogs_sniff_tells_the_formats_apart", test_trainlogs_sniff_tells_the_formats_apart},
  {"test_trainlogs_metric_names_normalize_keys", test_trainlogs_metric_names_normalize_keys},
  {NULL, NULL}};
