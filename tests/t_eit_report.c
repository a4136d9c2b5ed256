/*
** tests/t_eit_report.c -- ingest/eit_report.c: experiment-impact-tracker's
** per-run HTML page (tests/data/eit/...-report.html, issue #4): values and
** line numbers checked against the file, and HTML that is not such a
** page, truncated pages and bad cells refused with a located message and
** the registry left as it was.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "ingest/ingest.h"
#include "store/store.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define REPORT "eit-RLEnergyLeaderboard-a2c_stable_baselines-0-report.html"
#define KERAS "keras-csvlogger/keras2-acc-AKBoles-Voice-Identification-training.log"

#define Q_METRIC(what, metric) "SELECT m." what " FROM measurements m JOIN " \
  "metrics t ON t.id = m.metric_id WHERE t.name = '" metric "'"

/* The corpus page with the first occurrence of from replaced by to, cut
** after line cut (0: whole), written to name in the test's folder. */
static const char *variant(const char *name, const char *from, const char *to,
                           long cut) {
  char err[POD_ERRLEN];
  pod_buf in = POD_BUF_INIT, out = POD_BUF_INIT;
  const char *p = test_path(name);
  if (pod_file_read(test_data("eit/" REPORT), &in, err))
    test_fail(__FILE__, __LINE__, "%s", err);
  const char *at = from ? strstr(in.data, from) : NULL;
  if (from && !at) test_fail(__FILE__, __LINE__, "no \"%s\" in the page", from);
  if (at) {
    pod_buf_add(&out, in.data, (size_t)(at - in.data));
    pod_buf_adds(&out, to);
    pod_buf_adds(&out, at + strlen(from));
  } else {
    pod_buf_add(&out, in.data, in.len);
  }
  if (cut > 0) {
    size_t i = 0;
    for (long line = 0; i < out.len && line < cut; i++)
      if (out.data[i] == '\n') line++;
    out.len = i;
  }
  test_write(p, out.data, out.len);
  pod_buf_free(&in);
  pod_buf_free(&out);
  return p;
}

static void refused(const char *name, const char *want1, const char *want2) {
  test_expect_refused(test_data(KERAS), name, NULL, 0, want1, want2);
}

static void test_eit_report_corpus_values_match_the_file(void) {
  char err[POD_ERRLEN];
  const char *p = test_data("eit/" REPORT);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_STR(test_query_text("SELECT format FROM sources"), "eit-report");
  CHECK_HAS(test_query_text("SELECT format_version FROM sources"),
            "experiment-impact-tracker 0.1.1");
  CHECK_INT(test_query_num("SELECT rows FROM sources"), 13);
  /* line 37: <div class="heading"> <a href="./index.html">A2C (...)</a> */
  CHECK_STR(test_query_text("SELECT model FROM runs"),
            "A2C (stable_baselines, default settings)");
  /* Stats, line 631: exp_len_hours 1.21752 */
  CHECK(test_query_num(Q_METRIC("value", "duration")) == 1.21752 * 3600);
  CHECK_INT(test_query_num(Q_METRIC("line", "duration")), 631);
  CHECK_STR(test_query_text(Q_METRIC("raw_value", "duration")), "1.21752");
  CHECK_STR(test_query_text(Q_METRIC("raw_unit", "duration")), "h");
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'duration'"), "s");
  /* line 611: estimated_carbon_impact_kg 0.0582163 */
  CHECK(test_query_num(Q_METRIC("value", "emissions")) == 0.0582163);
  CHECK_INT(test_query_num(Q_METRIC("line", "emissions")), 611);
  /* measured by RAPL (CPU) and nvidia-smi (GPU): the tracker's methods */
  CHECK_STR(test_query_text(Q_METRIC("method", "energy_consumed")), "rapl+nvml");
  CHECK_STR(test_query_text(Q_METRIC("method", "gpu_energy_attributable")), "nvml");
  /* line 616: total_power 0.16544, an energy (PUE x kWh) */
  CHECK(test_query_num(Q_METRIC("value", "energy_consumed")) == 0.16544);
  CHECK_INT(test_query_num(Q_METRIC("line", "energy_consumed")), 616);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'energy_consumed'"), "kWh");
  /* lines 621 and 626: kw_hr_gpu, kw_hr_cpu */
  CHECK(test_query_num(Q_METRIC("value", "gpu_energy_attributable")) == 0.0503768);
  CHECK(test_query_num(Q_METRIC("value", "cpu_energy_attributable")) == 0.0543322);
  CHECK_INT(test_query_num(Q_METRIC("line", "cpu_energy_attributable")), 626);
  /* line 601: cpu_hours 6.45811 */
  CHECK(test_query_num(Q_METRIC("value", "cpu_time")) == 6.45811 * 3600);
  CHECK(test_query_num(Q_METRIC("value", "carbon_intensity")) == 351.946);
  CHECK_STR(test_query_text("SELECT unit FROM metrics WHERE name = 'carbon_intensity'"), "g/kWh");
  /* task metrics: plain numbers, no unit, no direction (line 641) */
  CHECK(test_query_num(Q_METRIC("value", "AverageReturn")) == 16.408);
  CHECK_INT(test_query_num(Q_METRIC("line", "AverageReturn")), 641);
  CHECK_STR(test_query_text("SELECT unit || '/' || direction FROM metrics WHERE name = 'AverageReturn'"), "/0");
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements WHERE step IS NULL AND epoch IS NULL"), 13);
  /* the environment: CPU Info, GPU Info, Carbon Info */
  CHECK_INT(test_query_num("SELECT count(*) FROM environments"), 1);
  CHECK(test_query_num("SELECT pue FROM environments") == 1.58);
  CHECK_INT(test_query_num("SELECT gpu_memory_bytes FROM environments"), 12036LL << 20);
  CHECK_STR(test_query_text("SELECT gpu_model FROM environments"), "TITAN V");
  CHECK_INT(test_query_num("SELECT gpu_count FROM environments"), 1);
  CHECK_STR(test_query_text("SELECT cpu_model FROM environments"),
            "Intel(R) Xeon(R) CPU E5-2630 v3 @ 2.40GHz");
  CHECK_INT(test_query_num("SELECT cpu_count FROM environments"), 32);
  CHECK_STR(test_query_text("SELECT python_version FROM environments"), "3.7.5");
  CHECK_STR(test_query_text("SELECT region || ' / ' || country FROM environments"),
            "California / United States of America");
  /* extras keep the raw rows; &lt;date&gt; decoded; hz_actual left out */
  CHECK_HAS(test_query_text("SELECT extras FROM environments"),
            "\"python_version\":\"3.7.5.final.0 (64 bit)\"");
  CHECK_INT(test_query_num("SELECT count(*) FROM environments WHERE extras "
                           "LIKE '%History/<date>/co2.csv%'"), 1);
  CHECK_LACKS(test_query_text("SELECT extras FROM environments"), "hz_actual");
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE environment_id = 1"), 1);
}

/* tests/data/eit: the shared corpus's report page and data.json. */
static void test_eit_report_every_corpus_eit_file_ingests(void) {
  char err[POD_ERRLEN];
  const char *p = test_data("eit");
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format = 'eit-report'"), 1);
}

static void test_eit_report_refuses_html_that_is_not_a_report(void) {
  static const char page[] =
      "<!DOCTYPE html>\n<html><body>\n<a href=\"#stats\">Stats</a>\n"
      "<a name=\"cpu_info\"></a><table><tr><td>1</td></tr></table>\n"
      "</body></html>\n";
  test_expect_refused(test_data(KERAS), "page.html", page, sizeof page - 1,
                      "page.html:1:1: found \"<!DOCTYPE html>\"",
                      "closest: eit-report (2 of its names: cpu_info, stats)");
  {
    /* --format eit-report: it says what is missing, where */
    char err[POD_ERRLEN];
    const char *p = test_path("page.html");
    ingest_meta meta = {0};
    meta.format = "eit-report";
    CHECK_INT(test_ingest(&meta, &p, 1, err), POD_EINPUT);
    CHECK_HAS(err, "page.html:6:1: found the end of the file, expected a "
              "\"Carbon Info\" table");
  }
}

static void test_eit_report_refuses_a_truncated_page(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  /* cut after the Carbon Info table (line 581): no Stats table */
  variant("cut.html", NULL, NULL, 581);
  refused("cut.html", "cut.html:582:1: found the end of the file, expected "
          "the \"Stats\" table", NULL);
  /* cut inside a Stats cell (line 611 is "      <td>0.0582163</td>") */
  variant("cut2.html", "0.0582163</td>", "0.0582163", 611);
  refused("cut2.html", "cut2.html:612:1: found the end of the file inside "
          "<td>, expected text and </td>", NULL);
  /* the CLI: exit 1, the message on stderr, nothing added */
  CHECK_INT(test_podium(&out, &errb, "--db t.db ingest cut.html"), 1);
  CHECK_HAS(errb.data, "cut.html:582:1: found the end of the file, expected "
            "the \"Stats\" table");
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format = 'eit-report'"), 0);
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

/* A page is UTF-8 text, as the CSV formats check it (issue 15): a byte
** that is not is refused where it is; a valid non-ASCII name goes in. */
static void test_eit_report_refuses_bytes_that_are_not_utf8(void) {
  char err[POD_ERRLEN];
  const char *p;
  variant("latin1.html", "A2C (stable", "A2C \xe9 (stable", 0);
  refused("latin1.html", "latin1.html:26:", "found byte 0xe9 that is not "
          "UTF-8 (byte offset");
  refused("latin1.html", ", expected UTF-8 text", NULL);
  p = variant("utf8.html", "A2C (stable", "A2C \xc3\xa9 (stable", 0);
  CHECK_RC(test_ingest(NULL, &p, 1, err), POD_OK, err);
}

static void test_eit_report_refuses_bad_cells(void) {
  variant("ent.html", "<td>0.0582163</td>", "<td>0.05&nbsp;</td>", 0);
  refused("ent.html", "ent.html:611:15: found \"&nbsp;\"",
          "expected &lt; &gt; &amp; &quot;");
  variant("num.html", "<td>0.0582163</td>", "<td>lots</td>", 0);
  refused("num.html", "num.html:611:11: found \"lots\", expected a number >= 0",
          NULL);
  variant("tag.html", "<td>16.408</td>", "<td><b>16.408</b></td>", 0);
  refused("tag.html", "tag.html:641:11: found a tag inside <td>, expected "
          "text and </td>", NULL);
  variant("dup.html", "<td>AsymptoticReturn</td>", "<td>AverageReturn</td>", 0);
  refused("dup.html", "dup.html:645:11: found \"AverageReturn\", expected "
          "each key once", NULL);
  variant("mem.html", "12036 MiB", "12036 MB", 0);
  refused("mem.html", "mem.html:162:11: found \"12036 MB\", expected a memory "
          "size such as 12036 MiB", NULL);
  variant("pue.html", "<td>1.58</td>", "<td>0.5</td>", 0);
  refused("pue.html", "pue.html:570:11: found \"0.5\", expected a PUE", NULL);
  variant("ver.html", "<th>Experiment Impact Tracker Version</th>",
          "<th>Version</th>", 0);
  refused("ver.html", "ver.html:544:17: found a \"Carbon Info\" table without "
          "an \"Experiment Impact Tracker Version\" row", NULL);
  variant("row.html", "<th>13</th>\n      <td>AverageMaximumEpisodeLength</td>\n"
          "      <td>796.15</td>", "", 0);
  refused("row.html", "row.html:584:17: found an empty row 14 in \"Stats\"", NULL);
  variant("cmt.html", "tfgraph/ -->", "tfgraph/ --", 0);
  refused("cmt.html", "cmt.html:2:1: found a comment with no end", NULL);
}

static void test_eit_report_is_listed(void) {
  const char *name, *by;
  int found = 0;
  for (int i = 0; ingest_format_info(i, &name, &by); i++)
    if (!strcmp(name, "eit-report")) {
      found = 1;
      CHECK_HAS(by, "Stats");
    }
  CHECK(found);
}

const test_case tests_eit_report[] = {
  {"test_eit_report_corpus_values_match_the_file", test_eit_report_corpus_values_match_the_file},
  {"test_eit_report_every_corpus_eit_file_ingests", test_eit_report_every_corpus_eit_file_ingests},
  {"test_eit_report_refuses_html_that_is_not_a_report", test_eit_report_refuses_html_that_is_not_a_report},
  {"test_eit_report_refuses_bytes_that_are_not_utf8", test_eit_report_refuses_bytes_that_are_not_utf8},
  {"test_eit_report_refuses_a_truncated_page", test_eit_report_refuses_a_truncated_page},
  {"test_eit_report_refuses_bad_cells", test_eit_report_refuses_bad_cells},
  {"test_eit_report_is_listed", test_eit_report_is_listed},
  {NULL, NULL}};
