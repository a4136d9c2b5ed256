/*
** fuzz/replay.c -- a main for the fuzz targets without libFuzzer: runs
** each file named (or each file in each folder named) through
** LLVMFuzzerTestOneInput once. `make check` builds every target with it
** under gcc's ASan+UBSan and replays the seeds and fuzz/regressions/, so
** a fixed crash stays fixed without clang on the machine.
*/
#include "fuzz/fuzz.h"
#include "core/fs.h"

#include <dirent.h>
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static long runs_g;

/* The sanitizers end the process on a finding: name the input first. */
static void on_death(void) {
  fprintf(stderr, "fuzz replay: the finding above came from %s\n",
          fuzz_current ? fuzz_current : "(no input)");
}

static void run_file(const char *path) {
  pod_buf b = POD_BUF_INIT;
  char err[POD_ERRLEN];
  if (pod_file_read(path, &b, err)) {
    fprintf(stderr, "fuzz replay: %s\n", err);
    exit(1);
  }
  fuzz_current = path;
  /* a copy of exactly the bytes: ASan sees a read past the end */
  uint8_t *copy = malloc(b.len ? b.len : 1);
  if (b.len) memcpy(copy, b.data, b.len);
  LLVMFuzzerTestOneInput(copy, b.len);
  free(copy);
  pod_buf_free(&b);
  fuzz_current = NULL;
  runs_g++;
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return;   /* a seed folder not on this machine */
  if (!S_ISDIR(st.st_mode)) {
    run_file(path);
    return;
  }
  DIR *d = opendir(path);
  struct dirent *e;
  char **names = NULL;
  size_t n = 0;
  if (!d) return;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' || !strcmp(e->d_name, "SOURCES.md")) continue;
    names = realloc(names, (n + 1) * sizeof *names);
    names[n] = malloc(strlen(path) + strlen(e->d_name) + 2);
    sprintf(names[n++], "%s/%s", path, e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, name_cmp);
  for (size_t i = 0; i < n; i++) {
    run_path(names[i]);
    free(names[i]);
  }
  free(names);
}

int main(int argc, char **argv) {
  __sanitizer_set_death_callback(on_death);
  for (int i = 1; i < argc; i++) run_path(argv[i]);
  printf("%s: %ld inputs, no findings\n", argv[0], runs_g);
  return 0;
}
