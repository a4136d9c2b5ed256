/*
** fuzz/fuzz_ingest.c -- one format's reader on arbitrary bytes, or format
** detection followed by whichever reader it picks.
**
** Built once per format: -DFUZZ_FORMAT=\"codecarbon\" names the target
** (the Makefile's FUZZ_INGEST list); "detect" leaves the format to
** detection. The bytes become a file at the place and under the name the
** format expects (a Lightning log in lightning_logs/version_0/, an eit log
** in impacttracker/), and go in through ingest_file into a fresh
** registry (fuzz_ingest checks the registry afterwards).
*/
#include "fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_FORMAT
#error "build with -DFUZZ_FORMAT=\"name\""
#endif

/* Whether the first n bytes hold s (the head decides a file's name). */
static int head_has(const uint8_t *d, size_t n, const char *s) {
  size_t k = strlen(s);
  if (n > 4096) n = 4096;
  for (size_t i = 0; i + k <= n; i++)
    if (!memcmp(d + i, s, k)) return 1;
  return 0;
}

/* Where the bytes go: the name picks a variant of some formats (an HF
** benchmark's env_info, time or memory; a Trainer's state or results). */
static const char *file_for(const char *format, const uint8_t *d, size_t n) {
  if (!strcmp(format, "hf-benchmark"))
    return head_has(d, n, "transformers_version") ? "bert/env_info_1.csv"
           : n % 2 ? "bert/train_memory_1.csv"
                   : "bert/inference_time_1.csv";
  if (!strcmp(format, "codecarbon")) return "proj/emissions.csv";
  if (!strcmp(format, "keras-csvlogger")) return "resnet/training.log";
  if (!strcmp(format, "lightning-csv"))
    return "proj/lightning_logs/version_0/metrics.csv";
  if (!strcmp(format, "hf-trainer"))
    return head_has(d, n, "log_history") ? "t5/checkpoint-10/trainer_state.json"
                                          : "t5/all_results.json";
  if (!strcmp(format, "eit")) return "exp/impacttracker/data.json";
  if (!strcmp(format, "eit-report")) return "exp/report.html";
  /* detection: the name counts for HF benchmarks only; vary it */
  static const char *const any[] = {
      "d/inference_time_1.csv", "d/emissions.csv", "d/metrics.csv",
      "d/all_results.json",     "d/data.json",     "d/env_info_1.csv",
      "d/info.pkl"};
  return any[n % (sizeof any / sizeof any[0])];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ingest_meta meta;
  const char *format = FUZZ_FORMAT, *rel;
  memset(&meta, 0, sizeof meta);
  if (strcmp(format, "detect")) meta.format = format;
  /* a third of the inputs go in with --skip-bad-rows */
  meta.skip_bad_rows = size % 3 == 0;
  rel = file_for(format, data, size);
  fuzz_write(rel, data, size);
  fuzz_ingest(rel, &meta);
  fuzz_clean();
  return 0;
}
