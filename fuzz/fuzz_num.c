/*
** fuzz/fuzz_num.c -- core/num.c on arbitrary text: a number's Python repr
** (pod_num_repr) reads back as the number, and pod_num_is_repr says yes
** only to the text pod_num_repr gives back, which is what lets the
** registry keep a tracker cell as its value alone (issue 14).
*/
#include "fuzz/fuzz.h"
#include "core/num.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char s[64], out[32];
  double d;
  if (size >= sizeof s) return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  if (!pod_parse_number(s, &d)) return 0;
  pod_num_repr(d, out);
  if (strtod(out, NULL) != d) fuzz_fail("repr of %s is %s: not read back", s, out);
  if (pod_num_is_repr(s, d) && strcmp(out, s))
    fuzz_fail("%s taken for its repr, which is %s", s, out);
  return 0;
}
