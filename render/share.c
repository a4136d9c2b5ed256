/*
** render/share.c -- render_find_share_dir: where podium's own templates/,
** site/ and i18n/ are (PODIUM_SHARE, the source tree the binary was
** built in, or PREFIX/share/podium).
** Owns: nothing.
*/
#include "render/render.h"
#include "core/fs.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


int render_find_share_dir(const char *argv0, char out[4096],
                          char err[POD_ERRLEN]) {
  char exe[3000], probe[4200];
  const char *env = getenv("PODIUM_SHARE");
  ssize_t n;
  if (env && *env) {
    snprintf(out, 4096, "%s", env);
    return POD_OK;
  }
  n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) snprintf(exe, sizeof exe, "%s", argv0);
  else exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (slash) *slash = '\0';
  else snprintf(exe, sizeof exe, ".");
  /* build/podium or build/asan/podium in a source tree, or
  ** PREFIX/bin/podium installed */
  static const char *const tries[] = {"%s/..", "%s/../..",
                                      "%s/../share/podium"};
  for (int i = 0; i < 3; i++) {
    char real[PATH_MAX];
    snprintf(out, 4096, tries[i], exe);
    snprintf(probe, sizeof probe, "%s/templates/layout.html", out);
    if (!pod_exists(probe)) continue;
    /* "/usr/local/share/podium", not "/usr/local/bin/../share/podium":
    ** the folder shows in estimate provenance */
    if (realpath(out, real) && strlen(real) < 4096) snprintf(out, 4096, "%s", real);
    return POD_OK;
  }
  return pod_err(err, POD_EIO, "cannot find podium's templates next to %s "
                 "(set PODIUM_SHARE to the folder holding templates/)", exe);
}
