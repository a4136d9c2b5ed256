/*
** fuzz/fuzz_project.c -- the project file, podium.project.json
** (core/project.c): loaded from the bytes, then asked what render and
** compare ask of it.
*/
#include "fuzz/fuzz.h"
#include "core/project.h"

#include <math.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pod_project p;
  char err[POD_ERRLEN] = "";
  const char *path = fuzz_write("podium.project.json", data, size);
  int rc = pod_project_load(path, &p, err);
  if (rc != POD_OK && !err[0]) fuzz_fail("error %d without a message", rc);
  if (rc == POD_OK) {
    static const char *const scopes[] = {"sst2", "*", "", "text-classification"};
    for (size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++) {
      double t = pod_project_target_of(&p, scopes[i]);
      if (!isnan(t) && !(t > 0 && t <= 1))
        fuzz_fail("accuracy target %g for %s", t, scopes[i]);
      (void)pod_project_primary(&p, scopes[i]);
    }
    for (size_t i = 0; i < p.n_models; i++)
      if (pod_project_model_of(&p, p.models[i].model) == NULL)
        fuzz_fail("model %s listed but not found", p.models[i].model);
    for (size_t i = 0; i < p.n_boards; i++)
      if (!pod_project_has_board(&p, p.boards[i]))
        fuzz_fail("board %s listed but not found", p.boards[i]);
  }
  pod_project_free(&p);
  fuzz_clean();
  return 0;
}
