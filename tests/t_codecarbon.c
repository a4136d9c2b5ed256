/*
** tests/t_codecarbon.c -- ingest/codecarbon.c: real CodeCarbon
** emissions.csv files of every layout (tests/data/codecarbon/), run_id
** snapshots, and bad files, each refused with a located message and the
** registry left as it was.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "core/sha256.h"
#include "ingest/ingest.h"
#include "ingest/ingest_int.h"
#include "store/store.h"

#include <csv.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ingest_ok(const char *name) {
  char err[POD_ERRLEN];
  store_db *db = test_open_db();
  const char *paths[] = {test_fixture("codecarbon", name)};
  CHECK_RC(test_ingest_into(db, NULL, paths, 1, err), POD_OK, err);
  store_close(db);
}

static void write_and_ingest(const char *name, const char *data);

#define V222 "v2.2.2-FNNDSC-pypx-repack-emissions.csv"
#define V243 "v2.4.3rc1-mlco2-codecarbon-examples-emissions.csv"
#define V323 "v3.2.3-EronQorri-green-ml-bench-emissions.csv"
#define S2021 "sample2021-mlco2-codecarbon-examples-emissions-trailing-empty-cols.csv"

static void test_codecarbon_ingests_every_corpus_file(void) {
  ingest_ok("");
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format = 'codecarbon'"), 14);
  CHECK_INT(test_query_num("SELECT sum(rows) FROM sources"), 213);
  /* labels from the columns as each release wrote them (EmissionsData in
  ** codecarbon/output.py, later output_methods/emissions_data.py) */
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format_version = '1.0-1.2 (12, experiment_id per stop)'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format_version = '1.x (18 columns)'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format_version = '2.0-2.1 (29, run_id)'"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format_version = '2.2.0-2.2.2 (30, codecarbon_version)'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format_version = '2.2.3-2.6 (31, pue)'"), 2);
  /* the examples' file has rows whose run_id is empty: said */
  CHECK_STR(test_query_text("SELECT format_version FROM sources WHERE path LIKE '%v2.4.3rc1%'"),
            "2.2.3-2.6 (31, pue), 5 rows with an empty run_id: read as repeats of one run per project and machine");
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format_version = '2.7-3.0.7 (32, experiment_id)'"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources WHERE format_version = '3.2+ (37-38, utilization)'"), 2);
  /* a tracker cell's text is kept where it is not its value's repr
  ** (col > 0: tracker_results); readers get it back either way */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE (raw_value IS NULL AND col = 0) OR raw_unit IS NULL"), 0);
  CHECK(test_query_num("SELECT count(*) FROM measurements_all WHERE raw_value IS NULL") > 1000);
}

static void test_codecarbon_v222_long_run_values(void) {
  ingest_ok(V222);
  CHECK(test_query_num("SELECT m.value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'duration' AND m.line = 3") == 17234.59998345375);
  CHECK(test_query_num("SELECT m.value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'energy_consumed' AND m.line = 3") == 1.7403688809956894);
  CHECK_STR(test_query_text("SELECT m.raw_unit FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'energy_consumed' AND m.line = 3"), "kWh");
  /* the cell is the value's repr: the value alone is kept */
  CHECK_STR(test_query_text("SELECT coalesce(m.raw_value, 'none') FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'energy_consumed' AND m.line = 3"), "none");
  CHECK_INT(test_query_num("SELECT count(*) FROM metrics WHERE name = 'emissions' AND unit = 'kg' AND direction = -1"), 1);
  /* ram_total_size 31.29486083984375 "GB" = bytes / 2^30 */
  CHECK_INT(test_query_num("SELECT ram_bytes FROM environments"), 33602600960LL);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments WHERE cpu_count = 8 AND gpu_count = 1 AND country = 'United States' AND region = 'massachusetts' AND tracking_mode = 'machine' AND python_version = '3.10.12'"), 1);
  CHECK_HAS(test_query_text("SELECT extras FROM environments"), "\"codecarbon_version\":\"2.2.2\"");
  CHECK_HAS(test_query_text("SELECT extras FROM environments"), "\"country_iso_code\":\"USA\"");
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE model = 'pypx-repack' AND project = 'pypx-repack'"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE step IS NOT NULL"), 0);
}

static void test_codecarbon_v243_region_and_run_ids(void) {
  ingest_ok(V243);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments WHERE region = '\xC3\xAEle-de-france' AND gpu_model = 'Apple M1' AND ram_bytes = 8589934592"), 2);  /* tracking_mode machine and process */
  /* the five rows with an empty run_id are repeats of one run */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'duration' AND m.line IN (3, 4) AND m.run_id = (SELECT run_id FROM measurements_all WHERE line = 3 LIMIT 1)"), 2);
  /* run_id 8a1d... has 6 rows: 6 snapshots and one summary */
  CHECK_INT(test_query_num("SELECT count(*) FROM samples GROUP BY run_id ORDER BY count(*) DESC LIMIT 1"), 6);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE step IS NOT NULL"), 0);
  /* exactly one summary value per keyed run and metric */
  CHECK_INT(test_query_num("SELECT count(*) FROM (SELECT m.run_id FROM measurements_all m WHERE m.step IS NULL AND m.run_id IN (SELECT run_id FROM samples) GROUP BY m.run_id, m.metric_id HAVING count(*) != 1)"), 0);
  CHECK_INT(test_query_num("SELECT count(DISTINCT run_id) FROM measurements_all"), 16 + 1);
}

static void test_codecarbon_v323_moved_cloud_columns(void) {
  ingest_ok(V323);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments WHERE cloud_provider IS NOT NULL OR cloud_region IS NOT NULL"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments WHERE gpu_count = 1 AND cpu_count = 16 AND country = 'Germany' AND pue = 1.0 AND gpu_model = 'NVIDIA GeForce RTX 4070' AND extras LIKE '%1 x NVIDIA GeForce RTX 4070%'"), 1);
  CHECK_HAS(test_query_text("SELECT extras FROM environments"), "\"wue\":\"0.0\"");
  CHECK(test_query_num("SELECT m.value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'ram_used' AND m.line = 2") == 15.738522450516864 * 1073741824.0);
  CHECK_STR(test_query_text("SELECT m.raw_unit FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'ram_used' AND m.line = 2"), "GB");
  CHECK(test_query_num("SELECT m.value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'cpu_utilization' AND m.line = 2") == 69.52136585365854);
  CHECK_INT(test_query_num("SELECT direction FROM metrics WHERE name = 'cpu_utilization' AND unit = '%'"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM metrics WHERE name = 'water_consumed' AND unit = 'L'"), 1);
  CHECK(test_query_num("SELECT m.value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'duration' AND m.line = 2") == 1057.7671849000037);
}

static void test_codecarbon_2021_sample_empty_trailing_columns(void) {
  ingest_ok(S2021);
  CHECK_INT(test_query_num("SELECT rows FROM sources"), 100);
  CHECK_INT(test_query_num("SELECT m.value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'duration' AND m.line = 2"), 34);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments WHERE cloud_provider = 'aws' AND cloud_region = 'us-east-2' AND region = 'Ohio'"), 1);
  CHECK_LACKS(test_query_text("SELECT extras FROM environments WHERE region = 'Ohio'"), "column");
  /* no run_id column: rows group per project (and machine) as repeats */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE step IS NOT NULL"), 0);
  CHECK(test_query_num("SELECT count(DISTINCT project) FROM runs") < 20);
}

/* Issue 14: CodeCarbon 1.0-1.2 wrote a fresh uuid4 experiment_id on every
** stop (EmissionsTracker._prepare_emissions_data), so each line is its
** own run; from 2.7 experiment_id is the dashboard's experiment, the same
** on every line, and run_id keys the run. */
static void test_codecarbon_v1_experiment_id_is_the_run(void) {
  ingest_ok("v1.2-pruning-experiment-id-per-stop.csv");
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "1.0-1.2 (12, experiment_id per stop)");
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE project = 'pruning'"), 4);
  CHECK_INT(test_query_num("SELECT count(*) FROM (SELECT 1 FROM measurements_all WHERE step IS NULL GROUP BY run_id, metric_id HAVING count(*) > 1)"), 0);
  CHECK_INT(test_query_num("SELECT m.value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'duration' AND m.line = 5"), 951);
  CHECK_INT(test_query_num("SELECT count(*) FROM samples"), 0);
}

static void test_codecarbon_v27_experiment_id_is_not_the_run(void) {
  write_and_ingest("emissions.csv",
                   "timestamp,project_name,run_id,experiment_id,duration,emissions,energy_consumed\n"
                   "2024-09-30T06:16:21,p,r1,5b0fa12a-3dd7-45bb-9766-cc326314d9f1,3.5,0.1,0.2\n"
                   "2024-09-30T06:17:21,p,r2,5b0fa12a-3dd7-45bb-9766-cc326314d9f1,4.5,0.1,0.2\n");
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);
  CHECK_STR(test_query_text("SELECT format_version FROM sources"), "2.7-3.0.7 (32, experiment_id)");
}

static void test_codecarbon_rows_of_two_machines_share_envs(void) {
  ingest_ok("pre2.1-NeuralDojo-codecarbon-emissions.csv");
  CHECK_INT(test_query_num("SELECT count(*) FROM environments"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments WHERE gpu_count = 1 AND region IS NULL AND country = 'Netherlands'"), 1);
}

/* CodeCarbon 2.0-2.1 wrote emissions_rate as emissions * 1000 / duration
** (g/s); 2.2.0 (which added codecarbon_version) as kg/s. Both are kept in
** kg/s, each raw cell with the unit it was written in. */
static void test_codecarbon_2_0_emissions_rate_is_grams_per_second(void) {
  ingest_ok("pre2.1-NeuralDojo-codecarbon-emissions.csv");
  CHECK(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'emissions_rate'") > 1);
  CHECK_STR(test_query_text("SELECT group_concat(DISTINCT raw_unit) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'emissions_rate'"), "g/s");
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'emissions_rate' AND abs(m.value * 1000 - CAST(m.raw_value AS REAL)) > 1e-12 * CAST(m.raw_value AS REAL)"), 0);
  /* the rate agrees with emissions / duration of the same line */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all r JOIN metrics t ON t.id = r.metric_id AND t.name = 'emissions_rate' "
                           "JOIN measurements_all e ON e.run_id = r.run_id AND e.line = r.line JOIN metrics te ON te.id = e.metric_id AND te.name = 'emissions' "
                           "JOIN measurements_all d ON d.run_id = r.run_id AND d.line = r.line JOIN metrics td ON td.id = d.metric_id AND td.name = 'duration' "
                           "WHERE abs(r.value - e.value / d.value) > 1e-6 * r.value"), 0);
  ingest_ok(V222);
  CHECK_STR(test_query_text("SELECT group_concat(DISTINCT m.raw_unit) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id JOIN sources s ON s.id = m.source_id WHERE t.name = 'emissions_rate' AND s.path LIKE '%v2.2.2%'"), "kg/s");
  /* a run flushed twice (snapshots): its first line's rate goes with the
  ** line into the samples, one summary rate is left (the last line's) */
  test_make_folder_of(test_path("snap/emissions.csv"));
  write_and_ingest("snap/emissions.csv",
                   "timestamp,project_name,run_id,duration,emissions,emissions_rate,energy_consumed\n"
                   "2022-01-01T00:00:00,p,s1,10,0.01,1.0,0.02\n"
                   "2022-01-01T00:00:10,p,s1,20,0.02,1.0,0.04\n");
  CHECK_STR(test_query_text("SELECT group_concat(m.line || ':' || m.value, ' ') FROM measurements_all m JOIN metrics t ON t.id = m.metric_id JOIN sources s ON s.id = m.source_id WHERE t.name = 'emissions_rate' AND s.path LIKE '%snap/%'"), "3:0.001");
  CHECK_STR(test_query_text("SELECT group_concat(x.step || ':' || x.emissions_rate, ' ') FROM samples x JOIN sources s ON s.id = x.source_id WHERE s.path LIKE '%snap/%'"), "1:0.001 2:0.001");
}

/* A quoted CR in a cell of an LF file is data, also when the run's last
** snapshot is read again from its offset (it was taken for the file's
** line end there, and two rows merged). */
static void test_codecarbon_quoted_cr_on_a_row_read_again(void) {
  test_make_folder_of(test_path("qcr/emissions.csv"));
  write_and_ingest("qcr/emissions.csv",
                   "timestamp,project_name,run_id,duration,emissions,energy_consumed\n"
                   "2024-01-01T00:00:00,\"my\rproj\",r1,10,0.1,0.2\n"
                   "2024-01-01T00:00:10,\"my\rproj\",r1,20,0.2,0.4\n"
                   "2024-01-01T00:00:20,p,r2,5,0.05,0.1\n");
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);
  CHECK_INT(test_query_num("SELECT rows FROM sources WHERE path LIKE '%qcr/%'"), 3);
}

/* Rows whose run_id cell is empty (a CodeCarbon 3.0.2 file has three):
** nothing tells their runs apart, so a project's rows on one machine are
** repeats of one run, and the summary says so. */
static void test_codecarbon_empty_run_id_is_said(void) {
  write_and_ingest("emissions.csv",
                   "timestamp,project_name,run_id,experiment_id,duration,emissions,energy_consumed\n"
                   "2025-06-18T05:03:36,p,,e9789282-fa4e-48d7-9684-6d1bfd70210a,2.78,0.1,0.2\n"
                   "2025-06-18T05:04:11,p,,035b5507-5bcf-494e-9c38-a7fb2860b06c,2.97,0.1,0.2\n"
                   "2025-06-18T05:10:11,p,71b9b3de-7582-48ed-b8a3-e745c8055ab2,e9789282-fa4e-48d7-9684-6d1bfd70210a,2.78,0.1,0.2\n");
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);
  CHECK_STR(test_query_text("SELECT format_version FROM sources"),
            "2.7-3.0.7 (32, experiment_id), 2 rows with an empty run_id: "
            "read as repeats of one run per project and machine");
}

/* A part's energy below zero (NVML read back lower after a counter
** reset, CodeCarbon 3.1.0): that figure is left out and said, the row's
** other values and the file's other rows kept; a negative total is
** still refused (below). */
static void test_codecarbon_negative_part_energy_is_left_out(void) {
  write_and_ingest("emissions.csv",
                   "timestamp,project_name,run_id,duration,emissions,cpu_energy,gpu_energy,ram_energy,energy_consumed\n"
                   "2025-01-01T00:00:00,p,r1,10,0.1,0.0007,0.0001,0.00002,0.00082\n"
                   "2025-01-01T00:01:00,p,r2,10,0.1,0.0007091981987999,-1.1620009296000006e-06,2.6256e-05,0.000734291838937\n");
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'gpu_energy'"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'energy_consumed'"), 2);
  CHECK_HAS(test_query_text("SELECT format_version FROM sources"),
            "1 row with a negative part energy (gpu_energy at line 3): that figure left out");
}

static void write_and_ingest(const char *name, const char *data) {
  char err[POD_ERRLEN];
  const char *p = test_path(name);
  store_db *db = test_open_db();
  test_write(p, data, strlen(data));
  CHECK_RC(test_ingest_into(db, NULL, &p, 1, err), POD_OK, err);
  store_close(db);
}

#define HDR "timestamp,project_name,run_id,duration,emissions,energy_consumed,cpu_count,country_name\n"

static void test_codecarbon_keeps_unknown_column_in_extras(void) {
  write_and_ingest("emissions.csv",
                   "\xEF\xBB\xBF" " timestamp , project_name ,run_id,duration,emissions,energy_consumed,my_note\r\n"
                   "2024-01-01T00:00:00,p,r1,10,0.1,0.2,hello\r\n"
                   " timestamp , project_name ,run_id,duration,emissions,energy_consumed,my_note\r\n"
                   "2024-01-01T00:00:01,p,r2,11,0.1,,hello\r\n");
  CHECK_HAS(test_query_text("SELECT extras FROM environments"), "\"my_note\":\"hello\"");
  CHECK_INT(test_query_num("SELECT count(*) FROM environments"), 1);
  CHECK_INT(test_query_num("SELECT rows FROM sources"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);
  /* empty energy_consumed on line 4: no value */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE line = 4"), 2);
}

static void test_codecarbon_repeated_run_id_is_one_run_one_summary(void) {
  write_and_ingest("emissions.csv", HDR
                   "2024-01-01T00:00:00,p,r1,10,0.1,0.2,8,France\n"
                   "2024-01-01T00:00:05,p,r2,5,0.05,0.1,8,France\n"
                   "2024-01-01T00:00:10,p,r1,20,0.2,0.4,8,France\n"
                   "2024-01-01T00:00:20,p,r1,30,0.3,0.6,8,France\n");
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM environments"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'duration' AND m.step IS NULL"), 2);
  /* r1's three rows are its curve: one wide sample row each, SI values,
  ** with their lines; r2's single row is no curve */
  CHECK_STR(test_query_text("SELECT group_concat(step || ':' || line || ':' || duration || ':' || energy_consumed) FROM (SELECT * FROM samples ORDER BY step)"), "1:2:10.0:0.2,2:4:20.0:0.4,3:5:30.0:0.6");
  CHECK_INT(test_query_num("SELECT count(*) FROM samples WHERE emissions_rate IS NOT NULL OR gpu_power IS NOT NULL"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE step IS NOT NULL"), 0);
  CHECK_INT(test_query_num("SELECT m.value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'duration' AND m.step IS NULL AND m.line = 5"), 30);
  CHECK_INT(test_query_num("SELECT count(*) FROM (SELECT 1 FROM measurements_all WHERE step IS NULL GROUP BY run_id, metric_id HAVING count(*) > 1)"), 0);
}

/* CodeCarbon's everyday file, one run per line: each line is one wide
** row (tracker_results), read back as the long-form measurements it
** stands for, with raw cells, units and methods (issue 14). */
#define WIDE_HDR "timestamp,project_name,run_id,duration,emissions,cpu_power," \
  "gpu_power,cpu_energy,gpu_energy,energy_consumed,country_name\n"
static void test_codecarbon_one_run_per_line_is_one_wide_row(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  char db[4096], csv[4096];
  snprintf(db, sizeof db, "%s", test_path("t.db"));
  snprintf(csv, sizeof csv, "%s", test_path("emissions.csv"));
  test_write(csv, WIDE_HDR
             "2024-01-01T00:00:00,p,r1,10,0.1,42.5,,0.001,,0.002,France\n"
             "2024-01-01T00:01:00,p,r2,5,0.05,17.3,100,0.0005,0.01,0.0105,France\n"
             "2024-01-01T00:02:00,q,r3,7.25,7e-2,,,,,,France\n", (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --quiet '%s'", db, csv), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements"), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM tracker_results"), 3);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all"), 5 + 7 + 2);
  /* with the column's unit; methods from the row's CPU power; the text
  ** only where it is not the value's repr ("10", not "10.0") */
  CHECK_STR(test_query_text("SELECT group_concat(t.name || '=' || coalesce(m.raw_value, '(' || m.value || ')') || ' ' || m.raw_unit || ' ' || coalesce(m.method, '-'), '; ') FROM (SELECT * FROM measurements_all ORDER BY metric_id) m JOIN metrics t ON t.id = m.metric_id WHERE m.line = 2"),
            "duration=10 s -; emissions=(0.1) kg tdp+nvml+ram-model; cpu_power=(42.5) W tdp; cpu_energy=(0.001) kWh tdp; energy_consumed=(0.002) kWh tdp+nvml+ram-model");
  CHECK_STR(test_query_text("SELECT group_concat(m.method, ',') FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.line = 3 AND t.name IN ('cpu_energy', 'gpu_energy', 'energy_consumed')"),
            "rapl,nvml,rapl+nvml+ram-model");
  CHECK(test_query_num("SELECT m.value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE m.line = 4 AND t.name = 'emissions'") == 0.07);
  /* what readers get: the run list's counts, show --json, the board */
  CHECK_INT(test_podium(&out, &errb, "--db '%s' runs --json", db), 0);
  CHECK_HAS(out.data, "\"measurements\":\t2");
  CHECK_HAS(out.data, "\"measurements\":\t7");
  CHECK_INT(test_podium(&out, &errb, "--db '%s' show %lld --json", db,
                        (long long)test_query_num("SELECT run_id FROM tracker_results WHERE line = 2")), 0);
  CHECK_HAS(out.data, "\"raw_value\":\t\"0.002\"");
  CHECK_HAS(out.data, "\"method\":\t\"tdp+nvml+ram-model\"");
  CHECK_INT(test_podium(&out, &errb, "--db '%s' report all--emissions --md", db), 0);
  CHECK_HAS(out.data, "| 1 | p | - | - | 50.0 g | 1 |");
  CHECK_HAS(out.data, "| 2 | q | - | - | 70.0 g | 1 |");
  CHECK_HAS(out.data, "| 3 | p | - | - | 100 g | 1 |");
  CHECK_INT(test_podium(&out, &errb, "--db '%s' check", db), 0);
  /* --replace takes the old lines and their runs away */
  test_write(csv, WIDE_HDR "2024-01-02T00:00:00,p,r9,3,0.03,,,,,,France\n",
             (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --quiet --replace '%s'", db, csv), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM tracker_results"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all"), 2);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' check", db), 0);
  CHECK_HAS(out.data, "ok");
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

/* Issue 14: a registry keeps a tracker cell as its value alone where
** the cell is the value's Python repr (what CodeCarbon's pandas writes:
** ~40% of the registry), and its text where it is anything else; every
** reader still gets each cell exactly as written. */
static void test_codecarbon_cells_come_back_as_written(void) {
  static const char *const cells[] = {
      "2088.7650735511847", "5.902231688411672e-07", "0.1", "100.0",
      "1e-05", "23.700000000000003", "0.00040645368550538085",
      /* not repr: kept as text */
      "10", "0.10", "1.0e-05", "27.495867900026496", "7e-2", "1E3",
      "0.30000000000000004", "4.20"};
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT, csv = POD_BUF_INIT;
  char db[4096], path[4096];
  int n = (int)(sizeof cells / sizeof cells[0]);
  snprintf(db, sizeof db, "%s", test_path("t.db"));
  snprintf(path, sizeof path, "%s", test_path("emissions.csv"));
  pod_buf_adds(&csv, WIDE_HDR);
  for (int i = 0; i + 2 < n; i += 3)   /* duration, emissions, cpu_power */
    pod_buf_printf(&csv, "2024-01-01T00:00:0%d,p,r%d,%s,%s,%s,,,,,France\n",
                   i / 3, i, cells[i], cells[i + 1], cells[i + 2]);
  test_write(path, pod_buf_str(&csv), (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --quiet '%s'", db, path), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE line > 1"), 15);
  /* 7 of them are their value's repr; 0.30000000000000004 too */
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE raw_value IS NULL"), 8);
  for (int run = 1; run <= 5; run++) {
    CHECK_INT(test_podium(&out, &errb, "--db '%s' show %d --json", db, run), 0);
    for (int k = 0; k < 3; k++) {
      char want[64];
      snprintf(want, sizeof want, "\"raw_value\":\t\"%s\"", cells[3 * (run - 1) + k]);
      CHECK_HAS(out.data, want);
    }
  }
  /* and the run page shows the cell as written */
  CHECK_INT(test_podium(&out, &errb, "--db '%s' render --lang en --out '%s'", db, test_path("site")), 0);
  {
    pod_buf f = POD_BUF_INIT;
    char e[POD_ERRLEN], page[4096];
    snprintf(page, sizeof page, "%s", test_path("site/en/runs/1.html"));
    if (pod_file_read(page, &f, e) == POD_OK) {
      CHECK_HAS(f.data, "<code>2088.7650735511847</code>");
      CHECK_HAS(f.data, "<code>5.902231688411672e-07</code>");
    } else {
      test_fail(__FILE__, __LINE__, "%s", e);
    }
    pod_buf_free(&f);
  }
  pod_buf_free(&out);
  pod_buf_free(&errb);
  pod_buf_free(&csv);
}

/* Snapshots become the run page's energy curve; --replace takes them
** away with the old file. */
static void test_codecarbon_snapshots_curve_and_replace(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT, page = POD_BUF_INIT;
  char err[POD_ERRLEN];
  char db[4096], csv[4096];  /* test_path's buffers rotate */
  int64_t run;
  snprintf(db, sizeof db, "%s", test_path("t.db"));
  snprintf(csv, sizeof csv, "%s", test_path("emissions.csv"));
  test_write(csv, HDR "2024-01-01T00:00:00,p,r1,10,0.1,0.2,8,France\n"
                      "2024-01-01T00:00:05,p,r2,5,0.05,0.1,8,France\n"
                      "2024-01-01T00:00:10,p,r1,20,0.2,0.4,8,France\n"
                      "2024-01-01T00:00:20,p,r1,30,0.3,0.6,8,France\n",
             (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --quiet '%s'", db, csv), 0);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' render --lang en --out '%s'", db,
                        test_path("site")), 0);
  run = test_query_num("SELECT DISTINCT run_id FROM samples");
  {
    char rel[64];
    snprintf(rel, sizeof rel, "site/en/runs/%lld.html", (long long)run);
    CHECK_RC(pod_file_read(test_path(rel), &page, err), POD_OK, err);
  }
  CHECK_HAS(pod_buf_str(&page), "Energy over the run");
  /* the file's name, not the ingesting machine's absolute path (issue 17) */
  CHECK_HAS(pod_buf_str(&page), "3 snapshots from \xe2\x81\xa8" "emissions.csv\xe2\x81\xa9, lines");
  CHECK_HAS(pod_buf_str(&page), "<desc id=");
  CHECK_HAS(pod_buf_str(&page), "3 snapshots from emissions.csv, lines 2–5.</desc>");
  CHECK_HAS(pod_buf_str(&page), "lines 2–5.");
  CHECK_HAS(pod_buf_str(&page), "<svg");
  /* the run of one row has no curve */
  pod_buf_clear(&page);
  {
    char rel[64];
    snprintf(rel, sizeof rel, "site/en/runs/%lld.html",
             (long long)test_query_num("SELECT id FROM runs WHERE id NOT IN (SELECT run_id FROM samples)"));
    CHECK_RC(pod_file_read(test_path(rel), &page, err), POD_OK, err);
  }
  CHECK_LACKS(pod_buf_str(&page), "Energy over the run");
  /* a changed file replaces the old one's snapshots too */
  test_write(csv, HDR "2024-01-01T00:00:00,p,r9,10,0.1,0.2,8,France\n"
                      "2024-01-01T00:00:10,p,r9,20,0.2,0.4,8,France\n",
             (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --quiet --replace '%s'", db, csv), 0);
  CHECK_INT(test_query_num("SELECT count(*) FROM samples"), 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM samples WHERE run_id NOT IN (SELECT id FROM runs)"), 0);
  pod_buf_free(&out);
  pod_buf_free(&errb);
  pod_buf_free(&page);
}

/* A file of a megabyte or more is parsed on a reader thread (csv.c): the
** same rows, and the same messages for errors the reader finds (bad
** UTF-8 near the end) and errors the caller finds (a bad number). */
static void big_file(pod_buf *b, long rows, long bad_number_at, int bad_utf8_last) {
  pod_buf_clear(b);
  pod_buf_printf(b, "%s", HDR);
  for (long i = 1; i <= rows; i++) {
    if (i == bad_number_at)
      pod_buf_printf(b, "2024-01-01T00:00:00,p,r%ld,1O.5,0.001,0.002,8,France\n", i % 7);
    else
      pod_buf_printf(b, "2024-01-01T00:00:00,p,r%ld,%ld.5,0.001,%ld.002,8,France%s\n",
                     i % 7, i, i, i == rows && bad_utf8_last ? "\xff" : "");
  }
}

static void test_codecarbon_big_file_on_a_reader_thread(void) {
  pod_buf b = POD_BUF_INIT;
  char err[POD_ERRLEN], before[65], after[65];
  const char *p;
  store_db *db;
  long rows = 20000;  /* ~1.3 MB */
  big_file(&b, rows, 0, 0);
  CHECK(b.len > (1L << 20));
  p = test_path("big.csv");
  test_write(p, b.data, b.len);
  db = test_open_db();
  CHECK_RC(test_ingest_into(db, NULL, &p, 1, err), POD_OK, err);
  store_close(db);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 7);
  CHECK_INT(test_query_num("SELECT count(*) FROM samples"), rows);
  CHECK_INT(test_query_num("SELECT rows FROM sources"), rows);
  /* each run's summary is its last line: r0 ends on line rows - 6 + 1 */
  CHECK_INT(test_query_num("SELECT max(line) FROM samples"), rows + 1);
  CHECK_INT(test_query_num("SELECT value FROM measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = 'duration' ORDER BY value DESC LIMIT 1") * 10, (rows * 10 + 5));
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all m WHERE m.line != (SELECT max(line) FROM samples x WHERE x.run_id = m.run_id)"), 0);
  test_registry_checksum(before);
  /* the reader's error, on the last line */
  big_file(&b, rows, 0, 1);
  p = test_path("big2.csv");
  test_write(p, b.data, b.len);
  db = test_open_db();
  CHECK_RC(test_ingest_into(db, NULL, &p, 1, err), POD_EINPUT, err);
  store_close(db);
  CHECK_HAS(err, "big2.csv:20001:");
  CHECK_HAS(err, "found byte 0xff that is not UTF-8");
  /* the caller's error, early: the reader is stopped */
  big_file(&b, rows, 300, 0);
  p = test_path("big3.csv");
  test_write(p, b.data, b.len);
  db = test_open_db();
  CHECK_RC(test_ingest_into(db, NULL, &p, 1, err), POD_EINPUT, err);
  store_close(db);
  CHECK_HAS(err, "big3.csv:301:");
  CHECK_HAS(err, "found \"1O.5\"");
  test_registry_checksum(after);
  CHECK_STR(after, before);
  pod_buf_free(&b);
}

/* The reader splits plain lines itself (csv.c, split_plain) and gives
** the rest to libcsv: every row must be what libcsv alone makes of the
** file: spaces and tabs around fields, quotes, CRLF, empty lines and
** fields, a quoted field over two lines, no final newline. (A lone CR
** inside a line is libcsv's in both cases, and the reader joins the two
** rows it ends into one: left as it was.) */
static void on_lib_field(void *s, size_t n, void *ud) {
  pod_buf *b = ud;
  pod_buf_addc(b, '[');
  if (s) pod_buf_add(b, s, n);
  pod_buf_addc(b, ']');
}
static void on_lib_row(int c, void *ud) {
  (void)c;
  pod_buf_addc(ud, '\n');
}
static int on_reader_row(ingest_ctx *cx, const ingest_csv_row *row, void *ud,
                         char err[POD_ERRLEN]) {
  (void)cx;
  (void)err;
  for (size_t i = 0; i < row->n; i++) {
    pod_buf_addc(ud, '[');
    pod_buf_add(ud, row->field[i], row->len[i]);
    pod_buf_addc(ud, ']');
  }
  pod_buf_addc(ud, '\n');
  return POD_OK;
}

static void test_codecarbon_csv_plain_lines_split_as_libcsv_does(void) {
  const char *text =
      "a,b,c\n"
      "1,2,3\n"
      " 1,2 ,3\n"
      "1,\t2,3\n"
      "1,,\n"
      ",\n"
      "\n"
      "x y,z\r\n"
      "\r\n"
      "p,\"q,r\",s\n"
      "p,\"multi\nline\",s\n"
      "last,row";
  pod_buf want = POD_BUF_INIT, got = POD_BUF_INIT;
  struct csv_parser p;
  ingest_ctx cx;
  char err[POD_ERRLEN];
  const char *path = test_path("plain.csv");
  test_write(path, text, (size_t)-1);
  CHECK_INT(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL), 0);
  CHECK(csv_parse(&p, text, strlen(text), on_lib_field, on_lib_row, &want) ==
        strlen(text));
  CHECK_INT(csv_fini(&p, on_lib_field, on_lib_row, &want), 0);
  csv_free(&p);
  memset(&cx, 0, sizeof cx);
  cx.path = path;
  CHECK_RC(ingest_csv_read(&cx, on_reader_row, &got, err), POD_OK, err);
  CHECK_STR(pod_buf_str(&got), pod_buf_str(&want));
  pod_buf_free(&want);
  pod_buf_free(&got);
}

/* A large file new to its path is hashed by the reader thread while it is
** parsed (ingest.c): the stored sha256 and size are the file's, the same
** bytes again (at its path or another) are skipped, and a failing one
** leaves nothing. */
static void test_codecarbon_big_file_hashed_while_parsed(void) {
  pod_buf b = POD_BUF_INIT, out = POD_BUF_INIT, errb = POD_BUF_INIT;
  char sha[65], err[POD_ERRLEN];
  int64_t bytes = 0;
  char p[4096], db[4096], copy[4096], bad[4096];
  snprintf(p, sizeof p, "%s", test_path("big.csv"));
  snprintf(db, sizeof db, "%s", test_path("r.db"));
  snprintf(copy, sizeof copy, "%s", test_path("copy.csv"));
  snprintf(bad, sizeof bad, "%s", test_path("bad.csv"));
  big_file(&b, 20000, 0, 0);
  test_write(p, b.data, b.len);
  test_write(copy, b.data, b.len);
  CHECK_RC(pod_file_sha256(p, sha, &bytes, err), POD_OK, err);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest '%s'", db, p), 0);
  CHECK_HAS(out.data, "added ");
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest '%s' '%s'", db, p,
                        copy), 0);
  CHECK_INT(test_count(out.data, "already ingested)"), 2);
  /* the copy says whose bytes it holds (issue 14) */
  CHECK_HAS(out.data, "(the same bytes as ");
  CHECK_INT(test_count(out.data, "(already ingested)"), 1);
  big_file(&b, 20000, 300, 0);   /* a bad cell on line 301 */
  test_write(bad, b.data, b.len);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest '%s'", db, bad), 1);
  CHECK_HAS(errb.data, "bad.csv:301:");
  pod_buf_free(&out);
  pod_buf_free(&errb);
  pod_buf_free(&b);
  {
    sqlite3 *conn;
    sqlite3_stmt *st;
    CHECK_INT(sqlite3_open(db, &conn), SQLITE_OK);
    CHECK_INT(sqlite3_prepare_v2(conn, "SELECT sha256, bytes, count(*) OVER "
                                 "() FROM sources", -1, &st, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(st, 0), sha);
    CHECK_INT(sqlite3_column_int64(st, 1), bytes);
    CHECK_INT(sqlite3_column_int64(st, 2), 1);
    sqlite3_finalize(st);
    sqlite3_close(conn);
  }
}

static void expect_refused(const char *name, const char *data,
                           const char *want1, const char *want2) {
  test_expect_refused(test_fixture("codecarbon", V222), name, data, strlen(data), want1,
                      want2);
}

#define OK_ROW "2024-01-01T00:00:00,p,r1,10.5,0.001,0.002,8,France\n"

#define LEFT_OUT "v3.2.3-offline-append-empty-columns-left-out.csv"
#define VALUE_AT(metric, line) test_query_num("SELECT m.value FROM " \
  "measurements_all m JOIN metrics t ON t.id = m.metric_id WHERE t.name = '" \
  metric "' AND m.line = " #line)

/* CodeCarbon 3.2.9-3.3 append a row without its None columns (the cells
** after them moved left): each such row is put back under the header. */
static void test_codecarbon_rows_appended_without_empty_columns(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  test_copy_fixture("codecarbon", LEFT_OUT, "e.csv");
  CHECK_INT(test_podium(&out, &errb, "--db t.db ingest e.csv"), 0);
  CHECK_HAS(out.data, "added e.csv (4 rows, 3 rows without region, "
            "gpu_count, gpu_model, longitude, latitude, left out by "
            "CodeCarbon's append: put back as empty cells)");
  CHECK_HAS(test_sql_text("t.db", "SELECT format_version FROM sources"),
            "3.2+ (37-38, utilization), 3 rows without region");
  /* three runs (the last two rows are one run's snapshots), one machine */
  CHECK_STR(test_sql_text("t.db", "SELECT count(*) FROM runs"), "3");
  CHECK_STR(test_sql_text("t.db", "SELECT count(DISTINCT environment_id) FROM runs"), "1");
  CHECK_STR(test_sql_text("t.db", "SELECT cpu_count || ' ' || cpu_model || ' ' || "
                          "tracking_mode FROM environments"),
            "32 AMD EPYC 7302 16-Core Processor machine");
  CHECK_STR(test_sql_text("t.db", "SELECT count(*) FROM environments WHERE "
                          "gpu_count IS NULL AND region IS NULL"), "1");
  pod_buf_free(&out);
  pod_buf_free(&errb);
  /* the values of a short row, and of a final snapshot read again */
  ingest_ok(LEFT_OUT);
  CHECK(VALUE_AT("duration", 3) == 1203.0894911289215);
  CHECK(VALUE_AT("energy_consumed", 3) == 0.05335031294822693);
  CHECK(VALUE_AT("cpu_utilization", 3) == 90.7);
  CHECK(VALUE_AT("ram_used", 3) == 46.38834762573242 * 1073741824.0);
  CHECK(VALUE_AT("duration", 5) == 1211.5530619621277);
  CHECK_INT(test_query_num("SELECT count(*) FROM samples"), 2);
}

/* A task file (start_task/stop_task): every row has the tracker's run_id,
** each is one task measured apart, not a snapshot: a run per task, the
** task its variant, beside the total run of emissions.csv. */
static void test_codecarbon_task_file_is_a_run_per_task(void) {
  ingest_ok("v3.2.3-tasks-emissions_glue_7c0e4f3a-52d1-4b8e-9a61-0f7d2b6c9e11.csv");
  CHECK_STR(test_query_text("SELECT group_concat(variant, '|') FROM "
                            "(SELECT variant FROM runs ORDER BY id)"),
            "load dataset|inference|evaluate");
  CHECK_INT(test_query_num("SELECT count(DISTINCT model) FROM runs"), 1);
  CHECK_INT(test_query_num("SELECT count(*) FROM samples"), 0);
  CHECK(VALUE_AT("duration", 3) == 120.5);
  CHECK(VALUE_AT("energy_consumed", 4) == 0.00081);
  CHECK_HAS(test_query_text("SELECT format_version FROM sources"),
            "one row per task (start_task)");
}

/* Short rows that cannot be placed are refused as before, the message
** saying why: no whole row first, or two placements that fit as well. */
static void test_codecarbon_short_rows_that_cannot_be_placed(void) {
  static const char hdr[] = "timestamp,project_name,run_id,duration,"
      "emissions,energy_consumed,longitude,latitude,ram_total_size,"
      "cpu_utilization_percent\n";
  char data[1024];
  snprintf(data, sizeof data, "%s%s", hdr,
           "2026-01-01T00:00:00,p,r1,10.5,0.001,0.002,8.8\n");
  expect_refused("a.csv", data, "a.csv:2:", "10 fields like the header, not 7 "
                 "(--skip-bad-rows");
  /* longitude or latitude: either fits, equally */
  snprintf(data, sizeof data, "%s%s%s", hdr,
           "2026-01-01T00:00:00,p,r1,10.5,0.001,0.002,,,16.0,5.0\n",
           "2026-01-01T00:01:00,p,r2,10.5,0.001,0.002,8.8,16.0,5.0\n");
  expect_refused("b.csv", data, "b.csv:3:", "10 fields like the header, not 9 "
                 "(CodeCarbon 3.2.9-3.3 leave a row's empty cells out when "
                 "they append; which columns this row lacks is not clear)");
  /* a layout before 3.2 (no utilization): no writer of it left cells out,
  ** so no such hint (mlco2/codecarbon's file.py, c82e8e2b) */
  snprintf(data, sizeof data, "%s%s%s",
           "timestamp,project_name,run_id,duration,emissions,"
           "energy_consumed,longitude,latitude,ram_total_size\n",
           "2026-01-01T00:00:00,p,r1,10.5,0.001,0.002,,,16.0\n",
           "2026-01-01T00:01:00,p,r2,10.5,0.001,0.002,8.8,16.0\n");
  expect_refused("c.csv", data, "c.csv:3:", "9 fields like the header, not 8 "
                 "(--skip-bad-rows");
}

static void test_codecarbon_refuses_bad_files(void) {
  expect_refused("a.csv", HDR OK_ROW "2024-01-01T00:00:00,p,r2,fast,0.001,0.002,8,France\n",
                 "a.csv:3:26: found \"fast\"", "expected a number (s)");
  expect_refused("b.csv", HDR "2024-01-01T00:00:00,p,r1,10.5,0.001,-0.002,8,France\n",
                 "b.csv:2:37: found \"-0.002\"", "expected a value >= 0 (energy_consumed)");
  expect_refused("c.csv", HDR "2024-01-01T00:00:00,p,r1,10.5,nan,0.002,8,France\n",
                 "c.csv:2:31: found \"nan\"", "kg");
  expect_refused("d.csv", HDR "2024-01-01T00:00:00,p,r1,-1,0.001,0.002,8,France\n",
                 "d.csv:2:26: found \"-1\"", "(duration)");
  expect_refused("e.csv", "timestamp,project_name,duration,emissions,duration\n"
                 "2024-01-01T00:00:00,p,1,2,3\n",
                 "e.csv:1:43: found \"duration\"", "a column name used once");
  expect_refused("f.csv", HDR OK_ROW
                 "timestamp,project_name,run_id,duration,emissions,energy_consumed,pue\n"
                 "2024-01-01T00:00:00,p,r1,10.5,0.001,0.002,1.0\n",
                 "f.csv:3:", "a second, different header");
  expect_refused("g.csv", HDR "2024-01-01T00:00:00,p,r1,10.5,0.001,0.002,8\n",
                 "g.csv:2:", "expected 8 fields like the header, not 7");
  expect_refused("h.csv", HDR "2024-01-01T00:00:00,p,r1,10.5,0.001,0.002,8,France,x\n",
                 "h.csv:2:", "found \"x\", expected 8 fields");
  expect_refused("i.csv", HDR "2024-01-01T00:00:00,p,r1,10.5,0.001,0.002,eight,France\n",
                 "i.csv:2:", "found \"eight\", expected a count");
  expect_refused("j.csv", HDR "2024-01-01T00:00:00,p,r1,\"0,5\",0.001,0.002,8,France\n",
                 "j.csv:2:26: found \"0,5\"", NULL);
  expect_refused("k.csv", HDR, "k.csv", "found a header but no rows");
  expect_refused("l.csv", "timestamp,project_name,duration,emissions\n"
                 "2024-01-01T00:00:00,,1,2\n", "l.csv:2:21: found a broken line (no project_name)", "expected a CodeCarbon row");
}

/* Issue 14: lines that interleaved writes leave ("0,,,..." and ".0,,,...")
** refuse the file, naming what is missing; never a run without values. */
#define BROKEN "interleaved-broken-lines-emissions.csv"

static const char *broken_fixture(void) {
  return test_data("bad-lines/" BROKEN);
}

static void test_codecarbon_broken_lines_refuse_the_file(void) {
  char err[POD_ERRLEN];
  pod_buf b = POD_BUF_INIT;
  if (pod_file_read(broken_fixture(), &b, err)) test_fail(__FILE__, __LINE__, "%s", err);
  test_expect_refused(NULL, BROKEN, b.data, b.len,
                      BROKEN ":4:1: found a broken line (timestamp \"0\" is not a date, no project_name, no run_id, no duration)",
                      "(--skip-bad-rows skips such lines)");
  pod_buf_free(&b);
}

static void test_codecarbon_broken_lines_refuse_even_with_model(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  char db[4096];
  snprintf(db, sizeof db, "%s", test_path("t.db"));
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --model m '%s'", db, broken_fixture()), 1);
  CHECK_HAS(errb.data, ":4:1: found a broken line");
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 0);
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

static void test_codecarbon_skip_bad_rows_lists_and_counts_them(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  char db[4096];
  snprintf(db, sizeof db, "%s", test_path("t.db"));
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --skip-bad-rows '%s'", db, broken_fixture()), 0);
  CHECK_HAS(errb.data, "podium: skipped ");
  CHECK_HAS(errb.data, BROKEN ":4:1: found a broken line (timestamp \"0\" is not a date, no project_name");
  CHECK_HAS(errb.data, BROKEN ":7:1: found a broken line (timestamp \".0\" is not a date");
  CHECK_HAS(out.data, "(6 rows, 2 bad lines skipped)");
  CHECK_HAS(out.data, "ingest: 1 added, 0 skipped, 0 failed, 2 bad lines skipped");
  CHECK_INT(test_query_num("SELECT rows FROM sources"), 6);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all WHERE line IN (4, 7)"), 0);
  /* every run has values */
  CHECK_INT(test_query_num("SELECT count(*) FROM runs WHERE id NOT IN (SELECT run_id FROM measurements_all)"), 0);
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

/* Issue 14: past ingest_codecarbon_run_cache run_ids the entries go to a
** scratch file; a run_id seen again after that (a snapshot) must come
** back with its state: the registry is the same as with all in memory. */
static const char *registry_dump(void) {
  static char out[2][65536];
  static int k;
  char *o = out[k++ % 2];
  snprintf(o, 65536, "%s|%s|%s",
           test_query_text("SELECT group_concat(x, ';') FROM (SELECT run_id || ':' || metric_id || ':' || value || ':' || line AS x FROM measurements_all ORDER BY run_id, metric_id, line)"),
           test_query_text("SELECT group_concat(x, ';') FROM (SELECT run_id || ':' || step || ':' || line || ':' || duration AS x FROM samples ORDER BY run_id, step)"),
           test_query_text("SELECT count(*) FROM runs"));
  return o;
}

static void test_codecarbon_spilled_run_ids_come_back(void) {
  pod_buf f = POD_BUF_INIT;
  char want[65536];
  size_t saved = ingest_codecarbon_run_cache;
  pod_buf_adds(&f, HDR);
  for (int i = 1; i <= 40; i++) {
    /* r3 again on lines 20 and 35, r7 on 41, after several spills */
    int id = i == 19 || i == 34 ? 3 : i == 40 ? 7 : i;
    pod_buf_printf(&f, "2024-01-01T00:00:%02d,p%d,r%d,%d.5,0.001,0.002,8,France\n",
                   i, id % 3, id, 10 * i);
  }
  write_and_ingest("emissions.csv", f.data);
  snprintf(want, sizeof want, "%s", registry_dump());
  CHECK_INT(test_query_num("SELECT count(*) FROM samples"), 3 + 2);
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 37);
  remove(test_path("t.db"));
  ingest_codecarbon_run_cache = 4;
  write_and_ingest("emissions.csv", f.data);
  ingest_codecarbon_run_cache = saved;
  CHECK_STR(registry_dump(), want);
  pod_buf_free(&f);
}

/* --skip-bad-rows also skips what two writers leave besides blank cells:
** two lines glued into one (too many fields), a line cut short, a number
** cut in two; each named with its position. */
static void test_codecarbon_skip_bad_rows_glued_and_cut_lines(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  char db[4096], csv[4096];
  snprintf(db, sizeof db, "%s", test_path("t.db"));
  snprintf(csv, sizeof csv, "%s", test_path("emissions.csv"));
  test_write(csv, HDR OK_ROW
             "2024-01-01T00:00:01,p,r2,10.5,0.001,0.002,8,France2024-01-01T00:00:02,p,r3,1,2,3,8,France\n"
             "2024-01-01T00:00:03,p,r4,10.5\n"
             "2024-01-01T00:00:04,p,r5,10.5,0.0.01,0.002,8,France\n"
             "2024-01-01T00:00:05,p,r6,11.5,0.001,0.002,8,France\n", (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest '%s'", db, csv), 1);
  CHECK_HAS(errb.data, "emissions.csv:3:");
  CHECK_HAS(errb.data, "(--skip-bad-rows skips such lines)");
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --skip-bad-rows '%s'", db, csv), 0);
  CHECK_HAS(errb.data, "podium: skipped ");
  CHECK_HAS(errb.data, "emissions.csv:3:");
  CHECK_HAS(errb.data, "emissions.csv:3:71: found \"p\", expected 8 fields like the header, not 15");
  CHECK_HAS(errb.data, "emissions.csv:4:");
  CHECK_HAS(errb.data, "expected 8 fields like the header, not 4");
  CHECK_HAS(errb.data, "emissions.csv:5:31: found \"0.0.01\"");
  CHECK_HAS(out.data, "(2 rows, 3 bad lines skipped)");
  CHECK_INT(test_query_num("SELECT count(*) FROM runs"), 2);
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

const test_case tests_codecarbon[] = {
  {"test_codecarbon_skip_bad_rows_glued_and_cut_lines", test_codecarbon_skip_bad_rows_glued_and_cut_lines},
  {"test_codecarbon_spilled_run_ids_come_back", test_codecarbon_spilled_run_ids_come_back},
  {"test_codecarbon_broken_lines_refuse_the_file", test_codecarbon_broken_lines_refuse_the_file},
  {"test_codecarbon_broken_lines_refuse_even_with_model", test_codecarbon_broken_lines_refuse_even_with_model},
  {"test_codecarbon_skip_bad_rows_lists_and_counts_them", test_codecarbon_skip_bad_rows_lists_and_counts_them},
  {"codecarbon_big_file_on_a_reader_thread", test_codecarbon_big_file_on_a_reader_thread},
  {"codecarbon_big_file_hashed_while_parsed", test_codecarbon_big_file_hashed_while_parsed},
  {"codecarbon_csv_plain_lines_split_as_libcsv_does", test_codecarbon_csv_plain_lines_split_as_libcsv_does},
  {"codecarbon_snapshots_curve_and_replace", test_codecarbon_snapshots_curve_and_replace},
  {"codecarbon_cells_come_back_as_written",
   test_codecarbon_cells_come_back_as_written},
  {"codecarbon_one_run_per_line_is_one_wide_row", test_codecarbon_one_run_per_line_is_one_wide_row},
  {"test_codecarbon_ingests_every_corpus_file", test_codecarbon_ingests_every_corpus_file},
  {"codecarbon_rows_appended_without_empty_columns", test_codecarbon_rows_appended_without_empty_columns},
  {"codecarbon_short_rows_that_cannot_be_placed", test_codecarbon_short_rows_that_cannot_be_placed},
  {"codecarbon_task_file_is_a_run_per_task", test_codecarbon_task_file_is_a_run_per_task},
  {"test_codecarbon_v222_long_run_values", test_codecarbon_v222_long_run_values},
  {"test_codecarbon_v243_region_and_run_ids", test_codecarbon_v243_region_and_run_ids},
  {"test_codecarbon_v323_moved_cloud_columns", test_codecarbon_v323_moved_cloud_columns},
  {"test_codecarbon_2021_sample_empty_trailing_columns", test_codecarbon_2021_sample_empty_trailing_columns},
  {"test_codecarbon_rows_of_two_machines_share_envs", test_codecarbon_rows_of_two_machines_share_envs},
  {"test_codecarbon_2_0_emissions_rate_is_grams_per_second", test_codecarbon_2_0_emissions_rate_is_grams_per_second},
  {"test_codecarbon_empty_run_id_is_said", test_codecarbon_empty_run_id_is_said},
  {"test_codecarbon_quoted_cr_on_a_row_read_again", test_codecarbon_quoted_cr_on_a_row_read_again},
  {"test_codecarbon_negative_part_energy_is_left_out", test_codecarbon_negative_part_energy_is_left_out},
  {"test_codecarbon_keeps_unknown_column_in_extras", test_codecarbon_keeps_unknown_column_in_extras},
  {"test_codecarbon_repeated_run_id_is_one_run_one_summary", test_codecarbon_repeated_run_id_is_one_run_one_summary},
  {"test_codecarbon_refuses_bad_files", test_codecarbon_refuses_bad_files},
  {"test_codecarbon_v1_experiment_id_is_the_run", test_codecarbon_v1_experiment_id_is_the_run},
  {"test_codecarbon_v27_experiment_id_is_not_the_run", test_codecarbon_v27_experiment_id_is_not_the_run},
  {NULL, NULL},
};
