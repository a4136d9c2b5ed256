/*
** core/num.h -- strict decimal numbers, as tools write them.
**
** strtod alone is too kind: it reads "nan", "inf", hex floats and stops
** at "1,5" without complaint. ingest/ rejects such cells; render/ leaves
** cells that pass as plain numbers alone when it neutralizes CSV formulas.
*/
#ifndef PODIUM_NUM_H
#define PODIUM_NUM_H

/* [+-]digits[.digits][e[+-]digits] (or .digits), finite. Returns 1 and
** sets *out on success (out may be NULL). */
int pod_parse_number(const char *s, double *out);

/* The shortest of %.15g, %.16g and %.17g that strtod reads back as
** exactly d (%.17g always does): what JSON and CSV outputs print, so a
** value read back is the value stored. d must be finite. Returns out. */
char *pod_num_format(double d, char out[32]);

#endif
