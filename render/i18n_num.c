/*
** render/i18n_num.c -- a language's numbers (render_i18n_number): ICU
** formats them, one formatter per fraction, and the last ones it made
** are kept; whole numbers are written here, with the digits, separator
** and grouping ICU's formatter uses, where that is checked at open to
** give ICU's bytes (i18n_int.h).
**
** Owns: an i18n_num owns its formatters (clones of the language's one,
** which it borrows); i18n_num_close frees them. The kept numbers are the
** thread's, shared by the i18n_nums it opened, freed with the last one
** it closes (so each is closed on the thread that opened it).
*/
#include "render/i18n_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>
#include <unicode/ustring.h>

/* Direct-mapped by the value's bits and language, one table a thread for
** all its languages (the thread's pages of a run come in each language in
** turn: 5 languages kept 5 tables). The site's whole numbers (ids, ranks,
** batch sizes, MiB...) never get here; the rest (a 10,000-run site's
** times, each on its run, board, study and model page) miss more with
** fewer slots. 8,192 (256 KB a render thread). */
#define NUM_SLOTS 8192
#define WHOLE_MAX 1e15   /* whole numbers written here: below this */

typedef struct num_slot {
  double v;
  unsigned short lang;   /* the i18n_num's id in its thread */
  signed char fraction;
  unsigned char len;     /* 0: empty */
  char text[20];         /* longer: not kept */
} num_slot;

/* The thread's slots, made on first use, freed with its last i18n_num
** (a thread opens and closes its languages itself). */
static _Thread_local num_slot *thread_slots;
static _Thread_local unsigned thread_nums, thread_ids;

struct i18n_num {
  UNumberFormat *num;    /* the language's (borrowed) */
  /* one formatter per fraction -1..6, made on first use: changing a
  ** formatter's attributes makes ICU rebuild it (a third of a render) */
  UNumberFormat *frac[8];
  unsigned short id;     /* its slots' lang */
  /* whole numbers without ICU (~2,000 instructions each): set when the
  ** check at open found ICU's output for them */
  int whole;
  char digit[10][5];
  unsigned char digit_len[10];
  char group[16], point[16];   /* separator, decimal separator (UTF-8) */
  int g1, g2, min_group;       /* grouping sizes; digits before the first */
};

static UNumberFormat *formatter(i18n_num *n, int fraction) {
  int k = fraction + 1;
  if (k < 0 || k >= 8) return NULL;
  if (!n->frac[k]) {
    UErrorCode st = U_ZERO_ERROR;
    n->frac[k] = unum_clone(n->num, &st);
    if (U_FAILURE(st)) {
      n->frac[k] = NULL;
      return NULL;
    }
    unum_setAttribute(n->frac[k], UNUM_MIN_FRACTION_DIGITS, fraction < 0 ? 0 : fraction);
    unum_setAttribute(n->frac[k], UNUM_MAX_FRACTION_DIGITS, fraction < 0 ? 6 : fraction);
  }
  return n->frac[k];
}

/* v through ICU into utf8 (size 512); its length, or -1. */
static int32_t icu_format(i18n_num *n, double v, int fraction, char *utf8) {
  UChar buf[128];
  UErrorCode st = U_ZERO_ERROR;
  int32_t len, n8 = 0;
  UNumberFormat *f = formatter(n, fraction);
  if (!f) {   /* a fraction outside -1..6: the shared one, set each time */
    f = n->num;
    unum_setAttribute(f, UNUM_MIN_FRACTION_DIGITS, fraction < 0 ? 0 : fraction);
    unum_setAttribute(f, UNUM_MAX_FRACTION_DIGITS, fraction < 0 ? 6 : fraction);
  }
  len = unum_formatDouble(f, v, buf, 128, NULL, &st);
  if (U_SUCCESS(st)) u_strToUTF8(utf8, 512, &n8, buf, len, &st);
  return U_SUCCESS(st) ? n8 : -1;
}

/* A whole number 0 <= v < WHOLE_MAX with `fraction` zeros after the point
** (-1: none), as the checked symbols say; its length (size 512). */
static size_t whole_format(const i18n_num *n, double v, int fraction,
                           char *out) {
  char d[24];
  int len = 0;
  size_t o = 0;
  uint64_t u = (uint64_t)v;   /* exact: whole and below 2^53 */
  do d[len++] = (char)('0' + u % 10); while (u /= 10);
  for (int a = 0, b = len - 1; a < b; a++, b--) {   /* most significant first */
    char t = d[a];
    d[a] = d[b];
    d[b] = t;
  }
  int grouped = n->g1 > 0 && len - n->g1 >= n->min_group;
  for (int k = 0; k < len; k++) {
    int left = len - k;   /* digits from here to the end */
    int c = d[k] - '0';
    if (k && grouped &&
        (left == n->g1 || (left > n->g1 && (left - n->g1) % n->g2 == 0))) {
      memcpy(out + o, n->group, strlen(n->group));
      o += strlen(n->group);
    }
    memcpy(out + o, n->digit[c], n->digit_len[c]);
    o += n->digit_len[c];
  }
  if (fraction > 0) {
    memcpy(out + o, n->point, strlen(n->point));
    o += strlen(n->point);
    for (int k = 0; k < fraction; k++) {
      memcpy(out + o, n->digit[0], n->digit_len[0]);
      o += n->digit_len[0];
    }
  }
  return o;
}

static int whole_ok(double v, int fraction) {
  return fraction >= -1 && fraction <= 6 && v >= 0 && v < WHOLE_MAX &&
         v == floor(v) && !signbit(v);
}

static void symbol(UNumberFormat *f, UNumberFormatSymbol which, char out[16]) {
  UChar u[8];
  UErrorCode st = U_ZERO_ERROR;
  int32_t len = unum_getSymbol(f, which, u, 8, &st), n8 = 0;
  if (U_SUCCESS(st)) u_strToUTF8(out, 16, &n8, u, len, &st);
  out[U_SUCCESS(st) ? n8 : 0] = '\0';
}

/* Whether whole numbers written here are ICU's, byte for byte: the
** symbols and grouping ICU says, then numbers of every length (and the
** grouping edges) compared with its own output. */
static int whole_check(i18n_num *n) {
  static const double probe[] = {0, 1, 5, 9, 10, 12, 99, 100, 128, 999,
                                 1000, 1001, 1234, 9999, 10000, 12345,
                                 99999, 100000, 123456, 999999, 1000000,
                                 1234567, 12345678, 123456789, 1234567890,
                                 12345678901.0, 123456789012.0,
                                 1234567890123.0, 99999999999999.0,
                                 999999999999999.0};
  char sym[16], want[512], got[512];
  UErrorCode st = U_ZERO_ERROR;
  symbol(n->num, UNUM_ZERO_DIGIT_SYMBOL, sym);
  for (int c = 0; c < 10; c++) {   /* digits: code points from zero */
    UChar32 z;
    int32_t k = 0, len = (int32_t)strlen(sym), w = 0;
    U8_NEXT(sym, k, len, z);
    if (z < 0 || k != len) return 0;
    U8_APPEND(n->digit[c], w, 5, z + c, st);
    if (w <= 0 || U_FAILURE(st)) return 0;
    n->digit_len[c] = (unsigned char)w;
  }
  symbol(n->num, UNUM_GROUPING_SEPARATOR_SYMBOL, n->group);
  symbol(n->num, UNUM_DECIMAL_SEPARATOR_SYMBOL, n->point);
  n->g1 = unum_getAttribute(n->num, UNUM_GROUPING_USED)
              ? unum_getAttribute(n->num, UNUM_GROUPING_SIZE) : 0;
  n->g2 = unum_getAttribute(n->num, UNUM_SECONDARY_GROUPING_SIZE);
  if (n->g2 <= 0) n->g2 = n->g1;
  n->min_group = unum_getAttribute(n->num, UNUM_MINIMUM_GROUPING_DIGITS);
  if (n->min_group < 1) n->min_group = 1;
  if (n->g1 < 0 || n->g1 > 8 || n->g2 > 8 || !n->point[0] || n->min_group > 4)
    return 0;
  for (size_t p = 0; p < sizeof probe / sizeof *probe; p++)
    for (int fraction = -1; fraction <= 2; fraction++) {
      int32_t len = icu_format(n, probe[p], fraction, want);
      if (len < 0 || whole_format(n, probe[p], fraction, got) != (size_t)len ||
          memcmp(want, got, (size_t)len))
        return 0;
    }
  return 1;
}

i18n_num *i18n_num_open(UNumberFormat *num) {
  i18n_num *n = calloc(1, sizeof *n);
  if (!n) {
    n = pod_xmalloc(sizeof *n);   /* aborts */
    memset(n, 0, sizeof *n);
  }
  n->num = num;
  n->whole = whole_check(n);
  n->id = (unsigned short)(++thread_ids ? thread_ids : ++thread_ids);
  thread_nums++;
  return n;
}

void i18n_num_close(i18n_num *n) {
  if (!n) return;
  for (int k = 0; k < 8; k++)
    if (n->frac[k]) unum_close(n->frac[k]);
  free(n);
  if (!--thread_nums) {
    free(thread_slots);
    thread_slots = NULL;
  }
}

static num_slot *slot_of(i18n_num *n, double v, int fraction) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  bits ^= (uint64_t)(unsigned)fraction * 0x9e3779b97f4a7c15u;
  bits *= 0xff51afd7ed558ccdu;
  bits ^= (uint64_t)n->id * 0xc2b2ae3d27d4eb4fu;
  bits *= 0xff51afd7ed558ccdu;
  if (!thread_slots && !(thread_slots = calloc(NUM_SLOTS, sizeof *thread_slots))) {
    thread_slots = pod_xmalloc(NUM_SLOTS * sizeof *thread_slots);   /* aborts */
    memset(thread_slots, 0, NUM_SLOTS * sizeof *thread_slots);
  }
  return &thread_slots[(bits >> 40) % NUM_SLOTS];
}

void i18n_num_format(i18n_num *n, pod_buf *out, double v, int fraction) {
  char utf8[512];
  int32_t n8;
  num_slot *slot;
  if (n->whole && whole_ok(v, fraction)) {
    pod_buf_add(out, utf8, whole_format(n, v, fraction, utf8));
    return;
  }
  slot = slot_of(n, v, fraction);
  if (slot->len && slot->fraction == fraction && slot->lang == n->id &&
      !memcmp(&slot->v, &v, sizeof v)) {
    pod_buf_add(out, slot->text, slot->len);
    return;
  }
  if ((n8 = icu_format(n, v, fraction, utf8)) < 0) {
    pod_buf_printf(out, "%.*f", fraction < 0 ? 6 : fraction, v);
    return;
  }
  pod_buf_add(out, utf8, (size_t)n8);
  if (n8 > 0 && (size_t)n8 <= sizeof slot->text && fraction >= -128 &&
      fraction <= 127) {
    slot->v = v;
    slot->lang = n->id;
    slot->fraction = (signed char)fraction;
    slot->len = (unsigned char)n8;
    memcpy(slot->text, utf8, (size_t)n8);
  }
}
