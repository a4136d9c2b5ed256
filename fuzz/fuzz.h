/*
** fuzz/fuzz.h -- what the fuzz targets share (docs/RELIABILITY.md).
**
** Every target is a libFuzzer entry point, LLVMFuzzerTestOneInput, built
** two ways: with clang's -fsanitize=fuzzer for `make fuzz`, and with
** fuzz/replay.c's main under gcc's ASan+UBSan for `make check`, which
** runs each seed and each fuzz/regressions/ file once.
** Owns: one scratch folder per process (fuzz_dir), removed at exit.
** Errors: none returned; an input that breaks a promise of the code
** (a rejected file that left rows behind, a registry podium check calls
** damaged) is a finding: fuzz_fail says which and aborts, so libFuzzer
** saves the input and replay names the file.
*/
#ifndef PODIUM_FUZZ_H
#define PODIUM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* This process's scratch folder (made on first use, removed at exit). */
const char *fuzz_dir(void);
/* fuzz_dir()/rel, in a rotating static buffer. */
const char *fuzz_path(const char *rel);
/* Creates fuzz_dir()/rel (and its folders) holding n bytes; its path. */
const char *fuzz_write(const char *rel, const void *data, size_t n);
/* Removes every file and folder in fuzz_dir(), keeping the folder. */
void fuzz_clean(void);

/* Ingests fuzz_dir()/rel into a fresh in-memory registry through the
** public API (ingest_session_new, ingest_file) and checks what ingest
** promises: a file refused leaves no source behind, a file added leaves
** a registry `podium check` calls whole, with the rows it counted.
** Returns ingest_file's code. */
int fuzz_ingest(const char *rel, const ingest_meta *meta);

/* Reports a broken promise about the current input and aborts. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2),
                                                     noreturn));

/* Set by fuzz/replay.c: the file being replayed, named by fuzz_fail. */
extern const char *fuzz_current;

#endif
