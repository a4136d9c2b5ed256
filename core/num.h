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

/* printf's %.*g of d (1 <= prec <= 17), byte for byte, without
** printf's multi-precision digits where exact long double arithmetic
** tells them (2-3x faster). Returns out. */
char *pod_num_g(double d, int prec, char out[32]);
/* printf's %.*f of d (0 <= places <= 6) into out the same way: 1, or 0
** when it cannot tell (|d| * 10^places under 1 or from 10^18, a tie,
** not finite): then printf's is the caller's to write. */
int pod_num_fixed(double d, int places, char out[32]);

/* Python's repr(d) (repr(float): what CodeCarbon, pandas, the csv and json
** modules write): the shortest digits that read back as d, the nearest
** of them, as "0.0001", "2088.7650735511847", "100.0", "1e-05",
** "5.902231688411672e-07" (a subnormal: digits that read back, not
** always Python's). Returns out. */
char *pod_num_repr(double d, char out[32]);

/* 1: s, which reads as d, is exactly pod_num_repr(d), so a registry may
** keep d alone; 0: it is not, or it could not be told cheaply (a power
** of two of 16 or 17 digits, a subnormal): keep s. No formatting: ~25 ns
** for the 16 and 17 digits CodeCarbon writes. */
int pod_num_is_repr(const char *s, double d);

#endif
