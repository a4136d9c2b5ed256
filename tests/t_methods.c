/*
** tests/t_methods.c -- how each value was measured: the CPU method of
** every CodeCarbon row (its TDP constant or a reading), --method and a
** podium.json "method" for a file, and `podium estimate`'s values worked
** by hand (analysis/estimate.c).
*/
#include "tests/test.h"
#include "core/fs.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char CC_HEADER[] =
    "timestamp,project_name,run_id,duration,emissions,emissions_rate,"
    "cpu_power,gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,"
    "energy_consumed,country_name,country_iso_code,region,cloud_provider,"
    "cloud_region,os,python_version,cpu_count,cpu_model,gpu_count,gpu_model,"
    "longitude,latitude,ram_total_size,tracking_mode,on_cloud\n";

/* A CodeCarbon 2.0 emissions.csv of one row with this cpu_power. */
static void cc_file(const char *dir, const char *project, const char *cpu_w,
                    const char *energy) {
  char path[512], row[1024];
  pod_buf b = POD_BUF_INIT;
  char e[POD_ERRLEN];
  CHECK_INT(pod_mkdirs(test_path(dir), e), POD_OK);
  snprintf(path, sizeof path, "%s/emissions.csv", dir);
  snprintf(row, sizeof row, "2022-09-26T18:48:52,%s,f7c6a212-61be-4717-879b-"
           "9c6053439ab4,3600,0.001,0.0000003,%s,0.0,12.0,0.002,0,0.001,%s,"
           "Spain,ESP,catalonia,,,Linux,3.9.6,8,Intel Xeon,,,2.17,41.38,32.0,"
           "machine,N\n", project, cpu_w, energy);
  pod_buf_adds(&b, CC_HEADER);
  pod_buf_adds(&b, row);
  test_write(test_path(path), b.data, b.len);
  pod_buf_free(&b);
}

/* CodeCarbon never says how it got the CPU figure: a cpu_power that is a
** whole number of half watts is its TDP x 0.5 constant (42.5 W for an
** unknown CPU); anything else was read (RAPL before 3.0). GPU is NVML,
** RAM a model, totals join them. */
static void test_methods_codecarbon_methods_per_row(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  cc_file("tdp", "tdpproj", "42.5", "0.003");
  cc_file("rapl", "raplproj", "37.1234", "0.004");
  CHECK_INT(test_podium(&out, &err, "--db t.db ingest tdp rapl"), 0);
  CHECK_STR(test_query_text("SELECT m.method FROM measurements_all m JOIN metrics "
                            "t ON t.id = m.metric_id JOIN runs r ON r.id = "
                            "m.run_id WHERE t.name = 'cpu_energy' AND r.model "
                            "= 'tdpproj'"), "tdp");
  CHECK_STR(test_query_text("SELECT m.method FROM measurements_all m JOIN metrics "
                            "t ON t.id = m.metric_id JOIN runs r ON r.id = "
                            "m.run_id WHERE t.name = 'energy_consumed' AND "
                            "r.model = 'tdpproj'"), "tdp+nvml+ram-model");
  CHECK_STR(test_query_text("SELECT m.method FROM measurements_all m JOIN metrics "
                            "t ON t.id = m.metric_id JOIN runs r ON r.id = "
                            "m.run_id WHERE t.name = 'cpu_power' AND r.model "
                            "= 'raplproj'"), "rapl");
  CHECK_STR(test_query_text("SELECT m.method FROM measurements_all m JOIN metrics "
                            "t ON t.id = m.metric_id WHERE t.name = "
                            "'gpu_energy' LIMIT 1"), "nvml");
  CHECK_INT(test_podium(&out, &err, "--db t.db render --lang en --out site"), 0);
  {  /* a total takes the band of its least exact part */
    pod_buf page = POD_BUF_INIT;
    char e[POD_ERRLEN];
    CHECK_RC(pod_file_read(test_path("site/en/runs/1.html"), &page, e), POD_OK, e);
    CHECK_HAS(page.data, "RAPL counters + NVML (nvidia-smi) + RAM model (up to ±40 % against a wall meter)");
    CHECK_HAS(page.data, "NVML (nvidia-smi) (±5 W per GPU reading)");
    pod_buf_free(&page);
  }
  CHECK_STR(test_query_text("SELECT m.method FROM measurements_all m JOIN metrics "
                            "t ON t.id = m.metric_id WHERE t.name = "
                            "'duration' LIMIT 1"), "");
  /* differing methods on the two sides: the comparison says so */
  CHECK_INT(test_podium(&out, &err, "--db t.db compare tdpproj raplproj"), 0);
  /* per row: the energy total's methods (power readings are no results) */
  CHECK_HAS(out.data, "warning [1]: measurement method differs: tdp+nvml+ram-model (baseline) vs rapl+nvml+ram-model (optimized)");
  CHECK_HAS(out.data, "worse [1]\n");
  CHECK_HAS(out.data, "[tdp+nvml+ram-model]");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* --method (and podium.json "method") says how a file was measured; it
** wins over what podium infers, and an unknown name is refused. */
static void test_methods_method_from_flag_and_manifest(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  cc_file("meter", "meterproj", "37.1234", "0.004");
  cc_file("man", "manproj", "37.1234", "0.005");
  test_write(test_path("man/podium.json"), "{\"method\": \"wall-meter\"}", (size_t)-1);
  CHECK_INT(test_podium(&out, &err, "--db t.db ingest --method magic meter"), 2);
  CHECK_HAS(err.data, "--method is one of wall-meter, nvml, rapl");
  CHECK_INT(test_podium(&out, &err, "--db t.db ingest --method wall-meter meter"), 0);
  CHECK_INT(test_podium(&out, &err, "--db t.db ingest man"), 0);
  CHECK_STR(test_query_text("SELECT group_concat(DISTINCT m.method) FROM "
                            "measurements_all m JOIN metrics t ON t.id = "
                            "m.metric_id WHERE t.unit IN ('kWh', 'kg', 'W')"),
            "wall-meter");
  test_write(test_path("man/podium.json"), "{\"method\": \"guess\"}", (size_t)-1);
  cc_file("man", "manproj", "37.1234", "0.006");
  CHECK_INT(test_podium(&out, &err, "--db t.db ingest man"), 1);
  CHECK_HAS(err.data, "found method \"guess\", expected one of");
  /* pages name the method and its band in the page language (sandbox.c
  ** method_text: a wall meter is the reference) */
  CHECK_INT(test_podium(&out, &err, "--db t.db render --lang en,fa --out site"), 0);
  {
    pod_buf page = POD_BUF_INIT;
    char e[POD_ERRLEN];
    CHECK_RC(pod_file_read(test_path("site/en/runs/1.html"), &page, e), POD_OK, e);
    CHECK_HAS(page.data, "wall meter (reference measurement)");
    pod_buf_clear(&page);
    CHECK_RC(pod_file_read(test_path("site/fa/runs/1.html"), &page, e), POD_OK, e);
    CHECK_LACKS(page.data, "wall meter (reference measurement)");
    CHECK_LACKS(page.data, "band.");
    pod_buf_free(&page);
  }
  /* the same method on both sides: no method warning */
  CHECK_INT(test_podium(&out, &err, "--db t.db compare meterproj manproj"), 0);
  CHECK_LACKS(out.data, "measurement method differs");
  CHECK_HAS(out.data, "[wall-meter]");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* A T4 (70 W, data/tdp.csv) for 2 h at PUE 1.58 and 379 g/kWh:
** 70 W x 2 h = 140 Wh; x 1.58 = 221.2 Wh = 0.2212 kWh;
** x 0.379 kg/kWh = 0.0838348 kg CO2eq. */
static void test_methods_estimate_t4_by_hand(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, page = POD_BUF_INIT;
  char e[POD_ERRLEN];
  CHECK_INT(pod_mkdirs(test_path("r"), e), POD_OK);
  test_write(test_path("r/all_results.json"),
             "{\"train_runtime\": 7200.0, \"train_loss\": 0.5}\n", (size_t)-1);
  CHECK_INT(test_podium(&out, &err, "--db t.db ingest --model bert --task t r"), 0);
  CHECK_INT(test_podium(&out, &err, "--db t.db estimate 1"), 1);
  CHECK_HAS(err.data, "run 1: no hardware known");
  CHECK_HAS(err.data, "pass --gpu MODEL");
  CHECK_INT(test_podium(&out, &err, "--db t.db estimate 1 --gpu H100 --intensity 1"), 1);
  CHECK_HAS(err.data, "GPU \"H100\" is not in");
  CHECK_INT(test_podium(&out, &err, "--db t.db estimate 1 --gpu T4"), 1);
  CHECK_HAS(err.data, "no carbon intensity known");
  CHECK_INT(test_podium(&out, &err, "--db t.db estimate 1 --pue 0.5"), 2);
  CHECK_INT(test_podium(&out, &err, "--db t.db estimate 1 --gpus 1.5 --gpu T4"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE method = 'estimate'"), 0);
  for (int twice = 0; twice < 2; twice++) {
    CHECK_INT(test_podium(&out, &err, "--db t.db estimate --gpu T4 --pue 1.58 --intensity 379"), 0);
    CHECK_HAS(out.data, "0.2212 kWh");
    CHECK_HAS(out.data, "0.0838348 kg");
    CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE method = 'estimate'"), 2);
    CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 2);
  }
  CHECK(fabs(test_query_num("SELECT value FROM measurements_all m JOIN metrics t "
                            "ON t.id = m.metric_id WHERE t.name = "
                            "'energy_consumed'") - 0.2212) < 1e-12);
  CHECK(fabs(test_query_num("SELECT value FROM measurements_all m JOIN metrics t "
                            "ON t.id = m.metric_id WHERE t.name = "
                            "'emissions'") - 0.0838348) < 1e-12);
  /* provenance: the table row (T4 is line 2 of data/tdp.csv) and its hash */
  CHECK_INT(test_query_num("SELECT m.line FROM measurements_all m JOIN metrics t "
                           "ON t.id = m.metric_id WHERE t.name = "
                           "'energy_consumed'"), 2);
  CHECK_HAS(test_query_text("SELECT s.path FROM measurements_all m JOIN sources s "
                            "ON s.id = m.source_id WHERE m.method = "
                            "'estimate' LIMIT 1"), "data/tdp.csv");
  CHECK_HAS(test_query_text("SELECT method_note FROM measurements_all WHERE "
                            "method = 'estimate' AND raw_unit = 'kWh'"),
            "T4 70 W");
  /* a region from data/carbon_intensity.csv: aws:eu-west-3 is 105 g/kWh */
  CHECK_INT(test_podium(&out, &err, "--db t.db estimate 1 --gpu T4 --pue 1.58 --region aws:eu-west-3"), 0);
  CHECK(fabs(test_query_num("SELECT value FROM measurements_all m JOIN metrics t "
                            "ON t.id = m.metric_id WHERE t.name = "
                            "'emissions'") - 0.2212 * 0.105) < 1e-12);
  /* labelled on the run page, the leaderboard and its download */
  CHECK_INT(test_podium(&out, &err, "--db t.db render --lang en"), 0);
  CHECK_INT(pod_file_read(test_path("_site/en/runs/1.html"), &page, e), POD_OK);
  CHECK_HAS(page.data, "estimate (up to ±40 % against a wall meter)");
  CHECK_HAS(page.data, "data/tdp.csv:2");
  CHECK_INT(pod_file_read(test_path("_site/en/leaderboards/t--energy_consumed.html"), &page, e), POD_OK);
  CHECK_HAS(page.data, "<span class=\"method\">estimate (");
  CHECK_INT(pod_file_read(test_path("_site/data/leaderboards/t--energy_consumed.csv"), &page, e), POD_OK);
  CHECK_HAS(page.data, "estimate");
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&page);
}

const test_case tests_methods[] = {
  {"methods_codecarbon_methods_per_row", test_methods_codecarbon_methods_per_row},
  {"methods_from_flag_and_manifest", test_methods_method_from_flag_and_manifest},
  {"methods_estimate_t4_by_hand", test_methods_estimate_t4_by_hand},
  {NULL, NULL},
};
