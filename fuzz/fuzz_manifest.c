/*
** fuzz/fuzz_manifest.c -- podium.json manifests, and the generic format
** they drive.
**
** The first line of the input is lab/podium.json, the rest the data file
** beside it (results.json when it starts with { or [, else results.csv),
** ingested with detection ("manifest") or as --format generic
** (-DFUZZ_GENERIC, "generic"): the manifest's globs, maps, tags and
** "columns" apply to it as they would in a results folder.
*/
#include "fuzz/fuzz.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ingest_meta meta;
  const uint8_t *nl = memchr(data, '\n', size);
  size_t head = nl ? (size_t)(nl - data) : size;
  const uint8_t *rest = nl ? nl + 1 : data + size;
  size_t n = size - (size_t)(rest - data);
  const char *rel;
  memset(&meta, 0, sizeof meta);
#ifdef FUZZ_GENERIC
  meta.format = "generic";
#endif
  rel = n && (rest[0] == '{' || rest[0] == '[') ? "lab/results.json"
                                                 : "lab/results.csv";
  fuzz_write("lab/podium.json", data, head);
  fuzz_write(rel, rest, n);
  fuzz_ingest(rel, &meta);
  fuzz_clean();
  return 0;
}
