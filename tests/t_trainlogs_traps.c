/*
** tests/t_trainlogs_traps.c -- the training-log traps of issue 14, split
** from t_trainlogs.c: Keras CSVLogger(append=True) restarts, accuracy
** logged in percent, the checkpoint a Trainer kept, podium init's
** results from curve chunks, and long logs in chunks.
*/
#include "tests/test.h"
#include "analysis/analysis.h"
#include "core/fs.h"
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

/* A log with tens of thousands of columns (a LearningRateMonitor of many
** parameter groups, per-class metrics): a duplicate name is found by its
** place (the pairwise check took 21 s at 100,000 columns), and the
** reader thread hands rows over in batches bounded by fields, not only
** rows (225 rows of 100,000 cells were one 600 MB batch). */
static void test_trainlogs_wide_headers(void) {
  char err[POD_ERRLEN];
  enum { WIDE = 70000, ROWS = 6 };
  pod_buf b = POD_BUF_INIT;
  const char *p = test_path("wide/lightning_logs/version_0/metrics.csv");
  test_make_folder_of(p);
  pod_buf_adds(&b, "epoch,step,val_loss");
  for (int i = 0; i < WIDE; i++) pod_buf_printf(&b, ",lr-g%05d", i);
  pod_buf_adds(&b, "\n");
  for (int r = 0; r < ROWS; r++) {   /* > 1 MB: read on the reader thread */
    pod_buf_printf(&b, "%d,%d,%.2f", r, 10 * r, 1.0 / (r + 1));
    for (int i = 0; i < WIDE; i++) pod_buf_adds(&b, i == r ? ",0.01" : ",");
    pod_buf_adds(&b, "\n");
  }
  test_write(p, b.data, b.len);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'loss' AND m.split = 'validation' AND m.derived IS NULL"), ROWS);
  CHECK_INT(test_query_num("SELECT max(line) FROM measurements_all"), ROWS + 1);
  /* the last column named as the first of the lr columns */
  pod_buf_clear(&b);
  pod_buf_adds(&b, "epoch,step,val_loss");
  for (int i = 0; i < WIDE; i++) pod_buf_printf(&b, ",lr-g%05d", i);
  pod_buf_adds(&b, ",lr-g00000\n0,0,0.5\n");
  p = test_path("dup/lightning_logs/version_0/metrics.csv");
  test_make_folder_of(p);
  test_write(p, b.data, b.len);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_EINPUT, err);
  CHECK_HAS(err, "metrics.csv:1:");
  CHECK_HAS(err, "expected a column name used once (it is also column 4)");
  pod_buf_free(&b);
}

/* Metric names longer than the registry's 127 bytes: cut at a character's
** start and ended with a hash of the whole name, so keys that share
** their first bytes stay apart (cut alone, val_<200 x>_acc and _f1 were
** one metric holding both). */
static void test_trainlogs_long_metric_names_stay_apart(void) {
  char err[POD_ERRLEN];
  pod_buf b = POD_BUF_INIT;
  const char *p = test_path("long/training.log");
  test_make_folder_of(p);
  pod_buf_adds(&b, "epoch,loss");
  for (int k = 0; k < 3; k++) {
    pod_buf_adds(&b, ",val_");
    for (int i = 0; i < 100; i++)   /* 200 bytes: a two-byte letter each */
      pod_buf_adds(&b, "\xd8\xaf");
    pod_buf_adds(&b, k == 0 ? "_acc" : k == 1 ? "_f1" : "_recall");
  }
  pod_buf_adds(&b, "\n0,0.5,0.7,0.6,0.4\n1,0.4,0.8,0.7,0.5\n");
  test_write(p, b.data, b.len);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM metrics WHERE name LIKE '%~%'"), 3);
  CHECK_INT(test_query_num("SELECT max(length(CAST(name AS BLOB))) FROM metrics"), 127);
  /* each its own values: 0.7 and 0.8 under one, 0.6 and 0.7 under another */
  CHECK_INT(test_query_num("SELECT count(DISTINCT metric_id) FROM measurements_all WHERE derived IS NULL AND split = 'validation'"), 3);
  CHECK_INT(test_query_num("SELECT max(n) FROM (SELECT count(*) AS n FROM measurements_all WHERE derived IS NULL AND split = 'validation' GROUP BY metric_id)"), 2);
  /* valid UTF-8: cut between letters, never inside one */
  CHECK_INT(test_query_num("SELECT count(*) FROM metrics WHERE name LIKE '%~%' AND length(name) != 59 + 9"), 0);
  pod_buf_free(&b);
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

/* Issue 14: lines no CSVLogger writes (two writers interleaved: `0,,,,`,
** `.0,,,`; a last line cut) refuse a Keras or Lightning log whole, with
** the line and what it lacks; --skip-bad-rows skips them, lists them on
** stderr and counts them. A skipped line is no Keras restart. */
static void test_trainlogs_broken_lines_refuse_or_skip(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  char db[4096], lt[4096], k[4096], cut[4096], all[4096];
  snprintf(db, sizeof db, "%s", test_path("t.db"));
  snprintf(lt, sizeof lt, "%s", test_path("bert/lightning_logs/version_0/metrics.csv"));
  snprintf(k, sizeof k, "%s", test_path("resnet/training.log"));
  snprintf(cut, sizeof cut, "%s", test_path("cut/training.log"));
  snprintf(all, sizeof all, "%s", test_path("all/lightning_logs/version_0/metrics.csv"));
  test_make_folder_of(lt);
  test_make_folder_of(k);
  test_make_folder_of(cut);
  test_make_folder_of(all);
  /* Lightning's header sorted, as it writes it; rows 3 and 5 broken */
  test_write(lt, "acc/train,acc/val,epoch,loss/train,loss/val,step\r\n"
             "0.5,,0,1.2,,49\r\n0,,,,,\r\n,0.6,0,,1.05,49\r\n.0,,,,,\r\n"
             "0.62,,1,0.9,,99\r\n", (size_t)-1);
  test_write(k, "epoch,accuracy,loss,val_accuracy,val_loss\r\n"
             "0,0.5,1.2,0.55,1.1\r\n0,,,,\r\n1,0.6,1.0,0.62,0.95\r\n",
             (size_t)-1);
  test_write(cut, "epoch,accuracy,loss,val_accuracy,val_loss\r\n"
             "0,0.5,1.2,0.55,1.1\r\n1,0.6,1.0,0.62,0.95\r\n2,0.7,0.8,0.66,0.91",
             (size_t)-1);
  test_write(all, "epoch,step,loss/train\r\n0,,\r\n", (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest '%s'", db, lt), 1);
  CHECK_HAS(errb.data, "metrics.csv:3:7: found an empty step cell, expected a step number (Lightning's CSVLogger writes one on every row): a broken line (--skip-bad-rows skips such lines)");
  pod_buf_clear(&errb);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --model m '%s'", db, k), 1);
  CHECK_HAS(errb.data, "training.log:3:1: found no logged value on the line (every key's cell empty), expected at least one (CSVLogger writes NA for a key not logged)");
  pod_buf_clear(&errb);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest '%s'", db, cut), 1);
  CHECK_HAS(errb.data, "training.log:4:20: found the end of the file in the last line, expected its line end");
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 0);
  pod_buf_clear(&errb);
  pod_buf_clear(&out);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --skip-bad-rows '%s' '%s' '%s'", db, lt, k, cut), 0);
  CHECK_HAS(errb.data, "podium: skipped ");
  CHECK_HAS(errb.data, "metrics.csv:5:8: found an empty step cell");
  CHECK_HAS(errb.data, "training.log:4:20: found the end of the file");
  CHECK_HAS(out.data, "(3 rows, 2 bad lines skipped)");
  CHECK_HAS(out.data, "(2 rows, 1 bad line skipped)");
  CHECK_HAS(out.data, "4 bad lines skipped");
  /* no value of a broken line; the Keras log is one training */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN sources s ON s.id = m.source_id WHERE s.path LIKE '%metrics.csv' AND m.line IN (3, 5)"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE model = 'resnet'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE raw_value = '0.91'"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE id NOT IN (SELECT run_id FROM measurements_all)"), 0);
  /* every line broken: the file fails, naming them */
  pod_buf_clear(&errb);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --skip-bad-rows '%s'", db, all), 1);
  CHECK_HAS(errb.data, "metrics.csv:1: found a header and 1 broken line, all skipped (the first: ");
  CHECK_HAS(errb.data, "metrics.csv:2:3: found an empty step cell");
  /* rows, and not one value: said, and no run without values */
  snprintf(all, sizeof all, "%s", test_path("diverged/training.log"));
  test_make_folder_of(all);
  test_write(all, "epoch,loss\r\n0,inf\r\n1,nan\r\n", (size_t)-1);
  pod_buf_clear(&out);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest '%s'", db, all), 0);
  CHECK_HAS(out.data, "(2 rows, 0 values: every value nan or inf (the training diverged))");
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE model = 'diverged'"), 0);
  /* a trainer_state.json cut after a comma ends too early */
  snprintf(all, sizeof all, "%s", test_path("cutstate/trainer_state.json"));
  test_make_folder_of(all);
  test_write(all, "{\n  \"log_history\": [\n    {\"epoch\": 1.0, \"loss\": 0.5,\n      ", (size_t)-1);
  pod_buf_clear(&errb);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest '%s'", db, all), 1);
  CHECK_HAS(errb.data, "trainer_state.json:4:7: found the end of the file, expected");
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

/* Issue 14: CSVLogger(append=True) under --run NAME: the restarts are
** runs of their own, "NAME, training N", not a merged curve. */
static void test_trainlogs_keras_restarts_under_run(void) {
  char err[POD_ERRLEN];
  ingest_meta m = {0};
  const char *p = test_copy_fixture("keras-csvlogger", "append-two-trainings-training.log",
                                    "resnet/training.log");
  m.run_name = "myrun";
  CHECK_RC(test_ingest(&m, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);
  CHECK_STR(test_query_text("SELECT group_concat(name, '|') FROM (SELECT name FROM runs ORDER BY id)"), "myrun|myrun, training 2");
  CHECK_INT(test_query_num("SELECT count(*) FROM (SELECT 1 FROM measurements_all GROUP BY run_id, metric_id, split, epoch HAVING count(*) > 1)"), 0);
  /* the same file again under the same name: no new run (skipped) */
  CHECK_RC(test_ingest(&m, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);
}

/* A Trainer's output folder: all_results.json at its top, the state in
** checkpoint folders below it, is one training, one run (its folder was
** the checkpoint's: two runs, the accuracy counted twice); --replace of
** files of a folder that made one run keeps that run. */
static void test_trainlogs_trainer_output_folder_is_one_run(void) {
  char err[POD_ERRLEN];
  ingest_meta m = {0};
  const char *p[3];
  int64_t id;
  p[0] = test_copy_fixture("hf-trainer", "t5sum-10844110-all_results.json",
                           "out/all_results.json");
  p[1] = test_copy_fixture("hf-trainer", "t5sum-10844110-trainer_state.json",
                           "out/checkpoint-1000/trainer_state.json");
  CHECK_RC(test_ingest(NULL, p, 2, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 1);
  id = (int64_t)test_query_num("SELECT id FROM runs");
  /* the validation loss once: no best-epoch copy beside all_results' */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'loss' AND m.split = 'validation' AND m.epoch IS NULL AND m.step IS NULL"), 1);
  /* the state changed, swapped in with --replace: the same run */
  {
    pod_buf b = POD_BUF_INIT;
    FILE *f = fopen(p[1], "rb");
    char chunk[4096];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0) pod_buf_add(&b, chunk, n);
    if (f) fclose(f);
    pod_buf_adds(&b, "\n");
    test_write(p[1], b.data, b.len);
    pod_buf_free(&b);
  }
  m.replace = 1;
  CHECK_RC(test_ingest(&m, p, 2, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 1);
  CHECK_INT(test_query_num("SELECT id FROM runs"), id);
  CHECK_INT(test_query_num("SELECT count(DISTINCT run_id) FROM measurements_all"), 1);
}

/* A Trainer evaluating on two datasets (eval_sst2_*, eval_imdb_*) with
** no kept checkpoint: each dataset's metrics are taken at its own lowest
** loss, not each metric at its own best (sst2's accuracy peaks at epoch
** 2, its loss at 1). */
static void test_trainlogs_eval_datasets_best_at_their_loss(void) {
  char err[POD_ERRLEN];
  const char *p = test_path("two/trainer_state.json");
  test_make_folder_of(p);
  test_write(p, "{\n  \"best_metric\": null,\n  \"best_model_checkpoint\": null,\n"
             "  \"epoch\": 3.0,\n  \"global_step\": 300,\n  \"log_history\": [\n"
             "    {\"epoch\": 1.0, \"eval_sst2_accuracy\": 0.90, \"eval_sst2_loss\": 0.30, \"step\": 100},\n"
             "    {\"epoch\": 1.0, \"eval_imdb_accuracy\": 0.80, \"eval_imdb_loss\": 0.50, \"step\": 100},\n"
             "    {\"epoch\": 2.0, \"eval_sst2_accuracy\": 0.92, \"eval_sst2_loss\": 0.35, \"step\": 200},\n"
             "    {\"epoch\": 2.0, \"eval_imdb_accuracy\": 0.85, \"eval_imdb_loss\": 0.45, \"step\": 200},\n"
             "    {\"epoch\": 3.0, \"eval_sst2_accuracy\": 0.91, \"eval_sst2_loss\": 0.40, \"step\": 300},\n"
             "    {\"epoch\": 3.0, \"eval_imdb_accuracy\": 0.84, \"eval_imdb_loss\": 0.40, \"step\": 300}\n"
             "  ]\n}\n", (size_t)-1);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK(test_query_num("SELECT m.value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'sst2_accuracy' AND m.derived IS NOT NULL") == 0.90);
  CHECK(test_query_num("SELECT m.value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'imdb_accuracy' AND m.derived IS NOT NULL") == 0.84);
  CHECK_INT(test_query_num("SELECT count(DISTINCT at_epoch) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name LIKE 'sst2%' AND m.derived IS NOT NULL"), 1);
}

const test_case tests_trainlogs_traps[] = {
  {"trainlogs_long_metric_names_stay_apart", test_trainlogs_long_metric_names_stay_apart},
  {"trainlogs_wide_headers", test_trainlogs_wide_headers},
  {"test_trainlogs_eval_datasets_best_at_their_loss", test_trainlogs_eval_datasets_best_at_their_loss},
  {"test_trainlogs_trainer_output_folder_is_one_run", test_trainlogs_trainer_output_folder_is_one_run},
  {"test_trainlogs_broken_lines_refuse_or_skip", test_trainlogs_broken_lines_refuse_or_skip},
  {"test_trainlogs_keras_restarts_under_run", test_trainlogs_keras_restarts_under_run},
  {"test_trainlogs_keras_append_restarts_are_separate_runs", test_trainlogs_keras_append_restarts_are_separate_runs},
  {"test_trainlogs_accuracy_in_percent_is_read_as_a_fraction", test_trainlogs_accuracy_in_percent_is_read_as_a_fraction},
  {"test_trainlogs_hf_percent_metrics_are_fractions", test_trainlogs_hf_percent_metrics_are_fractions},
  {"test_trainlogs_hf_results_at_the_checkpoint_kept", test_trainlogs_hf_results_at_the_checkpoint_kept},
  {"test_trainlogs_init_makes_missing_results_from_chunks", test_trainlogs_init_makes_missing_results_from_chunks},
  {"trainlogs_long_log_in_chunks_and_a_run_over_two_logs", test_trainlogs_long_log_in_chunks_and_a_run_over_two_logs},
  {NULL, NULL},
};
