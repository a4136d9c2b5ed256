/*
** tests/t_core.c -- core/: hashing, buffers, number parsing, formatting
** and slugs (the small pieces everything else trusts).
*/
#include "tests/test.h"
#include "core/fs.h"
#include "core/num.h"
#include "core/text.h"
#include "core/sha256.h"
#include "core/hash.h"
#include "core/json.h"
#include "core/buf.h"
#include "ingest/ingest_int.h"
#include "render/render.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static void sha_of(const char *s, size_t n, char hex[65]) {
  pod_sha256 h;
  pod_sha256_init(&h);
  pod_sha256_update(&h, s, n);
  pod_sha256_hex(&h, hex);
}

static void test_sha256_matches_fips_180_vectors(void) {
  char hex[65];
  sha_of("abc", 3, hex);
  CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  sha_of("", 0, hex);
  CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  sha_of(m, strlen(m), hex);
  CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  /* a million 'a', fed in uneven pieces to exercise the block buffer */
  pod_sha256 h;
  char chunk[997];
  memset(chunk, 'a', sizeof chunk);
  pod_sha256_init(&h);
  size_t left = 1000000;
  while (left) {
    size_t k = left < sizeof chunk ? left : sizeof chunk;
    pod_sha256_update(&h, chunk, k);
    left -= k;
  }
  pod_sha256_hex(&h, hex);
  CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* pod_hash_stream: the same value however the bytes are cut (the kept
** files' sums are written in parts and read back whole), another for
** other bytes, another length or seed. */
static void test_hash_stream_does_not_depend_on_the_cuts(void) {
  unsigned char data[300];
  uint64_t whole, other;
  pod_hash_stream s;
  for (size_t i = 0; i < sizeof data; i++) data[i] = (unsigned char)(i * 7 + 3);
  for (size_t n = 0; n <= sizeof data; n += n < 20 ? 1 : 37) {
    pod_hash_stream_init(&s, 42);
    pod_hash_stream_add(&s, data, n);
    whole = pod_hash_stream_end(&s);
    for (size_t cut = 1; cut <= 11; cut++) {   /* pieces of cut bytes */
      pod_hash_stream_init(&s, 42);
      for (size_t at = 0; at < n; at += cut)
        pod_hash_stream_add(&s, data + at, n - at < cut ? n - at : cut);
      CHECK(pod_hash_stream_end(&s) == whole);
    }
    pod_hash_stream_init(&s, 43);
    pod_hash_stream_add(&s, data, n);
    CHECK(pod_hash_stream_end(&s) != whole);
    if (n) {   /* one bit of one byte */
      data[n / 2] ^= 0x20;
      pod_hash_stream_init(&s, 42);
      pod_hash_stream_add(&s, data, n);
      other = pod_hash_stream_end(&s);
      data[n / 2] ^= 0x20;
      CHECK(other != whole);
      pod_hash_stream_init(&s, 42);   /* a byte shorter */
      pod_hash_stream_add(&s, data, n - 1);
      CHECK(pod_hash_stream_end(&s) != whole);
    }
  }
  CHECK(pod_hash64("a", 1, 0) != pod_hash64("b", 1, 0));
  CHECK(pod_hash64("ab", 2, 0) != pod_hash64("ab", 2, 1));
}

/* pod_file_map: a file's bytes as they are, an empty file as none, a
** missing one as an error naming it. */
static void test_file_map_gives_the_bytes_or_a_message(void) {
  char err[POD_ERRLEN];
  pod_map m;
  const char *path = test_path("map.bin");
  test_write(path, "ab\0cd\n", 6);
  CHECK_INT(pod_file_map(path, &m, err), POD_OK);
  CHECK_INT((int)m.len, 6);
  CHECK(m.data && !memcmp(m.data, "ab\0cd\n", 6));
  pod_file_unmap(&m);
  CHECK(m.data == NULL && m.len == 0);
  pod_file_unmap(&m);   /* twice is fine */
  test_write(path, "", 0);
  CHECK_INT(pod_file_map(path, &m, err), POD_OK);
  CHECK(m.data == NULL && m.len == 0);
  CHECK(pod_file_map(test_path("none/such.bin"), &m, err) != POD_OK);
  CHECK_HAS(err, "such.bin");
}

static void test_buf_grows_and_formats(void) {
  pod_buf b = POD_BUF_INIT;
  CHECK_STR(pod_buf_str(&b), "");
  for (int i = 0; i < 1000; i++) pod_buf_printf(&b, "%d,", i);
  CHECK_INT(b.len, 3890);
  CHECK(!strncmp(b.data, "0,1,2,", 6));
  pod_buf_clear(&b);
  pod_buf_adds(&b, "x");
  char *s = pod_buf_detach(&b);
  CHECK_STR(s, "x");
  CHECK(b.data == NULL);
  free(s);
  pod_buf_free(&b);
  pod_buf_free(NULL);
}

static void test_numbers_are_parsed_strictly(void) {
  double d;
  long long n;
  const char *bad[] = {"", "nan", "NaN", "inf", "-inf", "1,5", "0x10", "1e",
                       "abc", "1.2.3", " 1", "1 ", "--1", "1e999", ".", NULL};
  for (int i = 0; bad[i]; i++)
    if (ingest_parse_number(bad[i], &d))
      test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
  CHECK(ingest_parse_number("0.0720", &d) && d == 0.0720);
  CHECK(ingest_parse_number("-2", &d) && d == -2);
  CHECK(ingest_parse_number("3e-4", &d) && d == 3e-4);
  CHECK(ingest_parse_number(".5", &d) && d == 0.5);
  CHECK(ingest_parse_count("8", 1, &n) && n == 8);
  CHECK(ingest_parse_count("1.0", 0, &n) && n == 1);  /* CodeCarbon counts */
  CHECK(!ingest_parse_count("0", 1, &n));
  CHECK(!ingest_parse_count("1.5", 0, &n));
}

/* core/num.c reads most decimals without strtod (one x87 rounding, and
** strtod when that lands halfway between two doubles): every value must
** be strtod's, bit for bit, including the halfway and 2^53 cases. */
static void check_strtod(const char *t) {
  double a, b;
  if (!pod_parse_number(t, &a)) return;
  b = strtod(t, NULL);
  if (memcmp(&a, &b, sizeof a))
    test_fail(__FILE__, __LINE__, "\"%s\" read as %.17g, strtod: %.17g", t,
              a, b);
}

static void test_numbers_are_strtods_bit_for_bit(void) {
  static const char *const fixed[] = {
      "9007199254740993", "9007199254740992.5", "9007199254740995",
      "18446744073709551615", "1844674407370955161.5", "0.1", "0.3",
      "2088.7650735511847", "5.902231688411672e-07", "23.700000000000003",
      "0.0011025566195074286", "-0", "-0.0", "0e5", "1e27", "1e-27",
      "123456789012345678e-27", "4.9406564584124654e-324", "1e308",
      "2.2250738585072014e-308", "7.0000000000000001", NULL};
  unsigned long long x = 88172645463325252ULL;
  char s[64];
  for (int i = 0; fixed[i]; i++) check_strtod(fixed[i]);
  for (int i = 0; i < 200000; i++) {  /* the shapes tools print */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    if (i & 1) {
      double v;
      memcpy(&v, &x, sizeof v);
      if (!isfinite(v)) continue;
      snprintf(s, sizeof s, "%.*g", (int)(x % 17) + 1, v);
    } else {
      int nd = 1 + (int)(x % 20), pt = (int)((x >> 8) % (unsigned)(nd + 1));
      char *p = s;
      for (int k = 0; k < nd; k++) {
        if (k == pt) *p++ = '.';
        *p++ = (char)('0' + (x >> (k + 12)) % 10);
      }
      if ((x >> 40) % 3 == 0)
        p += sprintf(p, "e%d", (int)((x >> 44) % 60) - 30);
      *p = 0;
    }
    check_strtod(s);
  }
}

/* core/num.c's repr: Python's repr(float) (what CodeCarbon's pandas and
** the csv and json modules write), and pod_num_is_repr, which lets the
** registry keep a tracker cell as its value alone (issue 14): when it
** says yes, pod_num_repr must give the text back exactly, whatever the
** text's layout. The strings below are Python 3's repr of each value. */
static void test_repr_is_pythons_and_its_check_never_lies(void) {
  static const char *const python[] = {
      "0.1", "0.30000000000000004", "2088.7650735511847",
      "5.902231688411672e-07", "23.700000000000003", "1e-05", "0.0001",
      "1e+16", "9999999999999998.0", "1234567890123456.0", "123.0",
      "1.7976931348623157e+308", "2.2250738585072014e-308",
      "0.00011025566195074286", "1.5e-05", "1e+100",
      "1.2345678901234567e-100", "0.001232837540676134", "41.47028488978943",
      "188.8125", "27.4958679000265", "100.0", "3e-05", "0.07", "1e+22",
      "1e+23", "-41.47028488978943", "0.0", NULL};
  static const char *const not_repr[] = {
      "1.50", "+1.5", "1E5", "01.5", ".5", "1.5e5", "1e-5", "100", "1e+05",
      "100000.0e0", "0.00001", "10000000000000000.0", "27.495867900026496",
      "0.10", "7e-2", "1.0e-05", "-0.0", "1e+016", "0.0100", NULL};
  unsigned long long x = 0x2545f4914f6cdd1dULL;
  long yes = 0, tried = 0;
  char s[64], out[32];
  double d;
  for (int i = 0; python[i]; i++) {
    CHECK(pod_parse_number(python[i], &d));
    CHECK_STR(pod_num_repr(d, out), python[i]);
    /* 16-17 digits far from 1 are kept as text (no exact long double
    ** check out there): 1.7976931348623157e+308 */
    if ((d == 0 || (fabs(d) > 1e-12 && fabs(d) < 1e17)) &&
        !pod_num_is_repr(python[i], d))
      test_fail(__FILE__, __LINE__, "\"%s\" not seen as its repr", python[i]);
  }
  /* fuzz/fuzz_num.c found it: a tie on the finer grid under 1e15 (the
  ** check says no to it, and the text is kept) */
  CHECK_STR(pod_num_repr(999999999999999.75, out), "999999999999999.8");
  /* and a power of two, whose gap below is half the gap above: the
  ** nearest of 16 digits does not read back, its neighbour does */
  CHECK_STR(pod_num_repr(ldexp(1, -24), out), "5.960464477539063e-08");
  CHECK_STR(pod_num_repr(ldexp(1, -44), out), "5.684341886080802e-14");
  for (int e = -1022; e <= 1023; e++)
    if (strtod(pod_num_repr(ldexp(1, e), out), NULL) != ldexp(1, e))
      test_fail(__FILE__, __LINE__, "2^%d: %s does not read back", e, out);
  for (int i = 0; not_repr[i]; i++)
    if (pod_parse_number(not_repr[i], &d) && pod_num_is_repr(not_repr[i], d))
      test_fail(__FILE__, __LINE__, "\"%s\" taken for %s", not_repr[i],
                pod_num_repr(d, out));
  for (int i = 0; i < 300000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    switch (i % 4) {
    case 0:   /* a double as Python writes it, or one ulp off */
      d = pow(10, (double)(x % 2400) / 100 - 12) * (1 + (double)(x >> 40) / 1e7);
      if (i & 4) d = nextafter(d, INFINITY);
      pod_num_repr(d, s);
      break;
    case 1:   /* the digits of %.Ng and %.Ne of such a value */
      d = pow(10, (double)(x % 3000) / 100 - 15) * (1 + (double)(x >> 40) / 1e7);
      snprintf(s, sizeof s, i & 4 ? "%.*g" : "%.*e", (int)(x >> 58) % 18 + 1, d);
      break;
    case 2:   /* any bits */
      memcpy(&d, &x, sizeof d);
      if (!isfinite(d)) continue;
      snprintf(s, sizeof s, "%.*g", (int)(x % 17) + 1, d);
      break;
    default:  /* short decimals, whole numbers with ".0" */
      snprintf(s, sizeof s, "%llu.%llu", x % 100000, (x >> 20) % 1000);
    }
    if (!pod_parse_number(s, &d)) continue;
    tried++;
    if (!pod_num_is_repr(s, d)) continue;
    yes++;
    if (strcmp(pod_num_repr(d, out), s))
      test_fail(__FILE__, __LINE__, "\"%s\" taken for its repr, which is %s",
                s, out);
    if (i % 4 == 0 && strtod(out, NULL) != d)
      test_fail(__FILE__, __LINE__, "%s does not read back", out);
  }
  /* the layouts writers use are mostly kept as values alone */
  CHECK(yes > tried / 3);
}

/* core/num.c's own %.*g, %.*f and pod_num_format (the downloads' every
** number, issue 17) against printf's and the strtod loop they replace,
** byte for byte: any bits, values as tools write them, ties (0.125 at
** two places, 2.5 at none, 2^50 + 0.5 at 16 digits), values next to a
** power of ten that rounds up (9.995, 999999999999999.75). */
static long fixed_told;   /* the times pod_num_fixed told the digits */

static void check_num_like_printf(double d, int prec) {
  char want[400], got[32];
  if (prec >= 1 && prec <= 17) {
    snprintf(want, sizeof want, "%.*g", prec, d);
    if (strcmp(pod_num_g(d, prec, got), want))
      test_fail(__FILE__, __LINE__, "%%.%dg of %a: \"%s\", printf \"%s\"",
                prec, d, got, want);
  }
  if (prec <= 6 && pod_num_fixed(d, prec, got)) {   /* else printf's */
    snprintf(want, sizeof want, "%.*f", prec, d);
    if (strcmp(got, want))
      test_fail(__FILE__, __LINE__, "%%.%df of %a: \"%s\", printf \"%s\"",
                prec, d, got, want);
    fixed_told++;
  }
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(want, sizeof want, "%.*g", digits, d);
    if (strtod(want, NULL) == d) break;
  }
  if (strcmp(pod_num_format(d, got), want))
    test_fail(__FILE__, __LINE__, "format of %a: \"%s\", expected \"%s\"",
              d, got, want);
}

static void test_num_formats_are_printfs_byte_for_byte(void) {
  char got[32];
  static const double some[] = {
      0.125, 2.5, 0.5, 1.5, 9.995, 99.95, 0.0521, 0.005, 1125899906842624.5,
      999999999999999.75, 1e15, 1e16, 1e-4, 9.9999e-5, 123456789012345678.0,
      0.1, 0.30000000000000004, 1e22, 1e23, 5e-324, 2.2250738585072014e-308,
      1.7976931348623157e308, 0.0, -0.0, -0.001, -2.675, 2.675, 1.005,
      838860800, 100, 0.015, 0.045};
  unsigned long long x = 0x9e3779b97f4a7c15ULL;
  for (size_t i = 0; i < sizeof some / sizeof *some; i++)
    for (int prec = 0; prec <= 17; prec++) {
      check_num_like_printf(some[i], prec);
      check_num_like_printf(-some[i], prec);
    }
  for (int i = 0; i < 400000; i++) {
    double d;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    switch (i % 4) {
    case 0:   /* any bits */
      memcpy(&d, &x, sizeof d);
      if (!isfinite(d)) continue;
      break;
    case 1:   /* values as tools write them, or one ulp off */
      d = pow(10, (double)(x % 2400) / 100 - 12) * (1 + (double)(x >> 40) / 1e7);
      if (i & 4) d = nextafter(d, INFINITY);
      break;
    case 2:   /* short decimals: ties at some number of places */
      d = (double)(x % 100000) / (double)(1ULL << (x >> 60));
      break;
    default:  /* whole numbers and halves */
      d = (double)(x % 10000000) / 2;
    }
    if (x >> 63) d = -d;
    check_num_like_printf(d, (int)(x >> 32) % 18);
  }
  /* values are told without printf but where they cannot be (a huge
  ** one: 1e300 at 0 places is printf's 301 digits; halves and quarters
  ** here are often ties) */
  CHECK(fixed_told > 30000);   /* 54,000 of the 155,000 here */
  CHECK(!pod_num_fixed(1e300, 0, got));
  CHECK(!pod_num_fixed(0.125, 2, got));   /* a tie */
}

/* A failure names the caller's line. */
#define check_fmt(v, unit, want) check_fmt_at(__LINE__, v, unit, want)
static void check_fmt_at(int line, double v, const char *unit, const char *want) {
  pod_buf b = POD_BUF_INIT;
  pod_fmt_value(&b, v, unit);
  if (strcmp(pod_buf_str(&b), want))
    test_fail(__FILE__, line, "fmt(%g, %s) is \"%s\", expected \"%s\"", v,
              unit, pod_buf_str(&b), want);
  pod_buf_free(&b);
}

static void test_fmt_scales_units_for_people(void) {
  check_fmt(0.0720, "s", "72.0\xc2\xa0ms");
  check_fmt(3.8314, "s", "3.83\xc2\xa0s");
  check_fmt(0.000012, "s", "12.0\xc2\xa0\xc2\xb5s");
  check_fmt(5.863 * 1048576, "B", "5.86\xc2\xa0MiB");
  check_fmt(1539.0 * 1048576, "B", "1.50\xc2\xa0GiB");
  check_fmt(512, "B", "512\xc2\xa0" "B");
  check_fmt(0.0123, "kWh", "12.3\xc2\xa0Wh");
  check_fmt(0.5, "kg", "500\xc2\xa0g");
  check_fmt(0, "s", "0\xc2\xa0s");
  check_fmt(NAN, "s", "n/a");
}

static const char *slug(const char *name) {
  static char out[8][256];
  static int k;
  pod_buf b = POD_BUF_INIT;
  render_slug(&b, name);
  char *o = out[k++ % 8];
  snprintf(o, 256, "%s", b.data);
  pod_buf_free(&b);
  return o;
}

static void test_slugs_are_safe_stable_and_unique(void) {
  const char *hostile[] = {"../../etc/passwd", "a/b\\c", "..", "", "\x01\x02",
                           "CON", "lpt1", "x\xe2\x80\xae" "gnp.exe", NULL};
  for (int i = 0; hostile[i]; i++) {
    const char *s = slug(hostile[i]);
    CHECK(*s);
    CHECK(!strchr(s, '/') && !strchr(s, '\\') && !strstr(s, ".."));
    for (const char *p = s; *p; p++)
      CHECK((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_');
  }
  CHECK_STR(slug("bert-base-uncased"), "bert-base-uncased");
  CHECK_STR(slug("inference_time"), "inference_time");
  CHECK_STR(slug("Bert Base"), slug("Bert Base"));
  CHECK(strcmp(slug("a b"), slug("a-b")));
  CHECK(strcmp(slug("a--b"), slug("a-b")));
  CHECK(strcmp(slug("-a"), slug("a")));
  CHECK(strcmp(slug("BERT"), slug("bert")));
  CHECK(strcmp(slug("con"), "con"));
}

/* The UTF-8 check a character at a time: the one that takes eight
** ASCII bytes at a time (ingest/value.c) must stop where it stops. */
static size_t utf8_prefix_bytewise(const unsigned char *p, size_t n) {
  size_t i = 0, len;
  while (i < n && (len = pod_utf8_char(p, n, i))) i += len;
  return i;
}

static void test_utf8_check_stops_where_bytewise_does(void) {
  static const char *const pieces[] = {"a", "abcdefgh", "\xc3\xa9",
      "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3", "\x80", "\xed\xa0\x80",
      "\xf4\x90\x80\x80", "\xc0\xaf", "\xff", "0123456789,"};
  unsigned char buf[80];
  srand(14);
  for (int t = 0; t < test_trials(20000); t++) {
    size_t n = 0;
    while (n < 60) {
      const char *s = pieces[rand() % 12];
      size_t l = strlen(s);
      /* mostly ASCII, as files are; now and then anything */
      if (rand() % 4 && (unsigned char)s[0] >= 0x80) continue;
      memcpy(buf + n, s, l);
      n += l;
    }
    size_t cut = (size_t)rand() % (n + 1);
    CHECK_INT(pod_utf8_valid_prefix(buf, cut), utf8_prefix_bytewise(buf, cut));
  }
}

/* What cJSON lets through: a key twice in one object (found at its second
** place, in nested objects and lists too, and in a 100,000-key object
** without comparing every pair) and NUL characters, raw or escaped. */
static void test_json_duplicate_keys_and_nul(void) {
  static const char *const ok[] = {
      "{\"a\": 1, \"b\": {\"a\": 2}}", "[{\"a\": 1}, {\"a\": 2}]",
      "{\"a\\\"\": 1, \"a\": 2}", NULL};
  static const char dup[] = "{\"x\": [1, {\"k\": 1, \"j\": {}, \"k\" : 2}]}";
  size_t at, n;
  pod_buf big = POD_BUF_INIT;
  for (int i = 0; ok[i]; i++) {
    cJSON *j = pod_json_parse_str(ok[i]);
    CHECK(j != NULL);
    CHECK_INT(pod_json_duplicate_key(j, ok[i], strlen(ok[i]), &at, &n), 0);
    cJSON_Delete(j);
  }
  cJSON *j = pod_json_parse_str(dup);
  CHECK_INT(pod_json_duplicate_key(j, dup, strlen(dup), &at, &n), 1);
  CHECK_INT((long)at, (long)(strrchr(dup, 'k') - dup - 1));
  CHECK_INT((long)n, 3);
  cJSON_Delete(j);
  pod_buf_adds(&big, "{");
  for (int i = 0; i < 100000; i++) pod_buf_printf(&big, "\"k%d\": %d, ", i, i);
  pod_buf_adds(&big, "\"k5\": 0}");
  j = pod_json_parse(big.data, big.len, NULL);
  CHECK_INT(pod_json_duplicate_key(j, big.data, big.len, &at, &n), 1);
  CHECK_STR(big.data + at, "\"k5\": 0}");
  cJSON_Delete(j);
  pod_buf_free(&big);
  CHECK_INT((long)pod_json_nul("{\"a\": \"x\\u0000y\"}", 17), 8);
  CHECK_INT((long)pod_json_nul("{\"a\": \"x\\\\u0000y\"}", 18), -1);
  CHECK_INT((long)pod_json_nul("{\"a\": \"x\0y\"}", 12), 8);
}

const test_case tests_core[] = {
  {"json_duplicate_keys_and_nul", test_json_duplicate_keys_and_nul},
  {"utf8_check_stops_where_bytewise_does", test_utf8_check_stops_where_bytewise_does},
  {"sha256_matches_fips_180_vectors", test_sha256_matches_fips_180_vectors},
  {"hash_stream_does_not_depend_on_the_cuts",
   test_hash_stream_does_not_depend_on_the_cuts},
  {"buf_grows_and_formats", test_buf_grows_and_formats},
  {"file_map_gives_the_bytes_or_a_message", test_file_map_gives_the_bytes_or_a_message},
  {"numbers_are_parsed_strictly", test_numbers_are_parsed_strictly},
  {"numbers_are_strtods_bit_for_bit", test_numbers_are_strtods_bit_for_bit},
  {"repr_is_pythons_and_its_check_never_lies",
   test_repr_is_pythons_and_its_check_never_lies},
  {"num_formats_are_printfs_byte_for_byte",
   test_num_formats_are_printfs_byte_for_byte},
  {"fmt_scales_units_for_people", test_fmt_scales_units_for_people},
  {"slugs_are_safe_stable_and_unique", test_slugs_are_safe_stable_and_unique},
  {NULL, NULL},
};
