/*
** tests/t_core.c -- core/: hashing, buffers, number parsing, formatting
** and slugs (the small pieces everything else trusts).
*/
#include "tests/test.h"
#include "core/num.h"
#include "core/text.h"
#include "core/sha256.h"
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
  while (i < n && (len = ingest_utf8_char(p, n, i))) i += len;
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
    CHECK_INT(ingest_utf8_valid_prefix(buf, cut), utf8_prefix_bytewise(buf, cut));
  }
}

const test_case tests_core[] = {
  {"utf8_check_stops_where_bytewise_does", test_utf8_check_stops_where_bytewise_does},
  {"sha256_matches_fips_180_vectors", test_sha256_matches_fips_180_vectors},
  {"buf_grows_and_formats", test_buf_grows_and_formats},
  {"numbers_are_parsed_strictly", test_numbers_are_parsed_strictly},
  {"numbers_are_strtods_bit_for_bit", test_numbers_are_strtods_bit_for_bit},
  {"fmt_scales_units_for_people", test_fmt_scales_units_for_people},
  {"slugs_are_safe_stable_and_unique", test_slugs_are_safe_stable_and_unique},
  {NULL, NULL},
};
