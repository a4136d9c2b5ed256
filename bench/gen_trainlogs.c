/*
** bench/gen_trainlogs.c -- writes a deterministic folder of N training
** logs for `make bench`, a third in each log format podium reads, laid
** out as the tools lay them out:
**   DIR/keras-NNNNN/training.log                  Keras CSVLogger, 30 epochs
**   DIR/lit-NNNNN/lightning_logs/version_0/metrics.csv
**                                                 Lightning CSVLogger, sparse
**   DIR/hf-NNNNN/trainer_state.json               transformers Trainer
** Usage: gen_trainlogs DIR N
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t state = 0x2545f4914f6cdd1dULL;

static double rnd(void) {  /* xorshift64*: the same folder on every machine */
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return (double)((state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static void mkdirs(char *path) {  /* path's folders, path itself included */
  for (char *p = path + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      if (mkdir(path, 0755) && errno != EEXIST) { perror(path); exit(1); }
      *p = '/';
    }
  if (mkdir(path, 0755) && errno != EEXIST) { perror(path); exit(1); }
}

static FILE *create(const char *dir, const char *name) {
  char p[4200];
  FILE *f;
  snprintf(p, sizeof p, "%s/%s", dir, name);
  if (!(f = fopen(p, "w"))) { perror(p); exit(1); }
  return f;
}

static void keras(const char *dir) {
  FILE *f = create(dir, "training.log");
  double loss = 2 + rnd(), acc = 0.2 + 0.1 * rnd();
  fputs("epoch,accuracy,loss,lr,val_accuracy,val_loss\r\n", f);
  for (int e = 0; e < 30; e++) {
    loss *= 0.9 + 0.05 * rnd();
    acc += (1 - acc) * 0.1 * rnd();
    fprintf(f, "%d,%.17g,%.17g,%g,%.17g,%.17g\r\n", e, acc, loss,
            e < 20 ? 0.001 : 0.0001, acc * (0.95 + 0.04 * rnd()),
            loss * (1.05 + 0.1 * rnd()));
  }
  fclose(f);
}

static void lightning(const char *dir) {
  FILE *f = create(dir, "metrics.csv");
  double loss = 1.5 + rnd();
  long step = 0;
  fputs("epoch,lr-Adam,step,train_loss,val_acc,val_loss\r\n", f);
  for (int e = 0; e < 10; e++) {
    for (int k = 0; k < 4; k++) {
      step += 50;
      loss *= 0.93 + 0.05 * rnd();
      fprintf(f, ",%g,%ld,,,\r\n", 0.001 * (1 - e / 20.0), step - 1);
      fprintf(f, "%d,,%ld,%.17g,,\r\n", e, step - 1, loss);
    }
    fprintf(f, "%d,,%ld,,%.17g,%.17g\r\n", e, step - 1, 1 - loss / 3,
            loss * 1.1);
  }
  fclose(f);
}

static void trainer(const char *dir) {
  FILE *f = create(dir, "trainer_state.json");
  double loss = 3 + rnd();
  int step = 0;
  fputs("{\n  \"best_metric\": null,\n  \"best_model_checkpoint\": null,\n"
        "  \"epoch\": 3.0,\n  \"eval_steps\": 500,\n  \"global_step\": 1500,\n"
        "  \"is_hyper_param_search\": false,\n  \"is_local_process_zero\": true,\n"
        "  \"is_world_process_zero\": true,\n  \"log_history\": [\n", f);
  for (int e = 1; e <= 3; e++) {
    for (int k = 0; k < 10; k++) {
      step += 50;
      loss *= 0.95 + 0.04 * rnd();
      fprintf(f, "    {\n      \"epoch\": %.2f,\n      \"grad_norm\": %.17g,\n"
              "      \"learning_rate\": %.17g,\n      \"loss\": %.4f,\n"
              "      \"step\": %d\n    },\n", step / 500.0, 1 + rnd(),
              5e-5 * (1 - step / 1500.0), loss, step);
    }
    fprintf(f, "    {\n      \"epoch\": %d.0,\n      \"eval_accuracy\": %.17g,\n"
            "      \"eval_loss\": %.17g,\n      \"eval_runtime\": %.4f,\n"
            "      \"eval_samples_per_second\": %.3f,\n"
            "      \"eval_steps_per_second\": %.3f,\n      \"step\": %d\n    },\n",
            e, 1 - loss / 4, loss * 1.1, 10 + rnd(), 800 + 50 * rnd(),
            100 + 6 * rnd(), step);
  }
  fprintf(f, "    {\n      \"epoch\": 3.0,\n      \"step\": 1500,\n"
          "      \"total_flos\": 1.2345e+15,\n      \"train_loss\": %.17g,\n"
          "      \"train_runtime\": %.4f,\n"
          "      \"train_samples_per_second\": %.3f,\n"
          "      \"train_steps_per_second\": %.3f\n    }\n  ],\n"
          "  \"logging_steps\": 50,\n  \"max_steps\": 1500,\n"
          "  \"num_train_epochs\": 3,\n  \"save_steps\": 500,\n"
          "  \"total_flos\": 1.2345e+15,\n  \"train_batch_size\": 8,\n"
          "  \"trial_name\": null,\n  \"trial_params\": null\n}\n",
          loss, 600 + 60 * rnd(), 40 + rnd(), 2.5 + rnd() / 10);
  fclose(f);
}

int main(int argc, char **argv) {
  char dir[4096];
  long n;
  if (argc != 3) {
    fprintf(stderr, "usage: gen_trainlogs DIR N\n");
    return 2;
  }
  n = atol(argv[2]);
  for (long i = 0; i < n; i++) {
    switch (i % 3) {
    case 0:
      snprintf(dir, sizeof dir, "%s/keras-%05ld", argv[1], i);
      mkdirs(dir);
      keras(dir);
      break;
    case 1:
      snprintf(dir, sizeof dir, "%s/lit-%05ld/lightning_logs/version_0",
               argv[1], i);
      mkdirs(dir);
      lightning(dir);
      break;
    default:
      snprintf(dir, sizeof dir, "%s/hf-%05ld", argv[1], i);
      mkdirs(dir);
      trainer(dir);
    }
  }
  return 0;
}
