/*
** tests/t_cli.c -- the command line as users meet it: exit codes,
** messages, --json, and a hostile model name from file to page.
*/
#include "tests/test.h"
#include "core/project.h"
#include "core/fs.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_cli_exit_codes(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  CHECK_INT(test_podium(&out, &err, "version"), 0);
  CHECK_HAS(out.data, "podium ");
  CHECK_HAS(out.data, "SQLite 3.");
  CHECK_HAS(out.data, "Lua 5.4");
  CHECK_HAS(out.data, "libcsv ");
  CHECK_HAS(out.data, "ICU ");
  CHECK_HAS(out.data, "libpq ");
  CHECK_HAS(out.data, "OpenSSL ");
  CHECK_INT(test_podium(&out, &err, "help"), 0);
  CHECK_HAS(out.data, "ingest");
  CHECK_INT(test_podium(&out, &err, "ingest --help"), 0);
  CHECK_HAS(out.data, "usage: podium ingest");
  CHECK_INT(test_podium(&out, &err, "no-such-command"), 2);
  CHECK_HAS(err.data, "unknown command \"no-such-command\"");
  CHECK_HAS(err.data, "usage:");
  CHECK_INT(test_podium(&out, &err, "%s", ""), 2);
  CHECK_INT(test_podium(&out, &err, "ingest"), 2);
  CHECK_HAS(err.data, "usage: podium ingest");
  CHECK_INT(test_podium(&out, &err, "ingest --bogus x.csv"), 2);
  CHECK_HAS(err.data, "unknown option --bogus");
  CHECK_INT(test_podium(&out, &err, "ingest --role boss x.csv"), 2);
  CHECK_INT(test_podium(&out, &err, "ingest --project"), 2);
  CHECK_HAS(err.data, "needs a value");
  CHECK_INT(test_podium(&out, &err, "runs"), 1);   /* no registry yet */
  CHECK_HAS(err.data, "no registry here");
  CHECK_INT(test_podium(&out, &err, "--db . runs"), 1);   /* a folder */
  CHECK_HAS(err.data, ".: found a folder, expected a registry file");
  CHECK_INT(test_podium(&out, &err, "init"), 0);
  CHECK(pod_exists(test_path("podium.db")));
  /* no language, or an empty one: a usage error, not a crash */
  CHECK_INT(test_podium(&out, &err, "render --lang \"\""), 2);
  CHECK_HAS(err.data, "found language list \"\"");
  CHECK_INT(test_podium(&out, &err, "render --lang en,"), 2);
  CHECK(!pod_exists(test_path("_site")));
  CHECK_INT(test_podium(&out, &err, "show 42"), 1);
  CHECK_HAS(err.data, "no run \"42\"");
  CHECK_INT(test_podium(&out, &err, "ingest missing.csv"), 1);
  CHECK_HAS(err.data, "missing.csv");
  CHECK_INT(test_podium(&out, &err, "ingest --format nonsense %s/tests/data/hf-benchmark/inference_time_1590589635.csv", test_root()), 2);
  CHECK_HAS(err.data, "unknown format \"nonsense\"");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

static void test_cli_db_flag_and_env_choose_the_registry(void) {
  pod_buf out = POD_BUF_INIT;
  CHECK_INT(test_podium(&out, NULL, "--db a.db init"), 0);
  CHECK(pod_exists(test_path("a.db")));
  CHECK_INT(test_podium(&out, NULL, "init --db=b.db"), 0);
  CHECK(pod_exists(test_path("b.db")));
  setenv("PODIUM_DB", "c.db", 1);
  CHECK_INT(test_podium(&out, NULL, "init"), 0);
  unsetenv("PODIUM_DB");
  CHECK(pod_exists(test_path("c.db")));
  CHECK(!pod_exists(test_path("podium.db")));
  pod_buf_free(&out);
}

static void test_cli_ingest_reports_each_file_and_a_summary(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  test_write(test_path("inference_time_bad.csv"),
             "model,batch_size,sequence_length,result\nbert,8,8,slow\n", 54);
  int rc = test_podium(&out, &err, "ingest %s/tests/data/hf-benchmark/inference_time_1590589635.csv inference_time_bad.csv", test_root());
  CHECK_INT(rc, 1);
  CHECK_HAS(out.data, "1 added, 0 skipped, 1 failed");
  CHECK_LACKS(err.data, "\033[K");   /* no progress line when piped */
  CHECK_HAS(err.data, "inference_time_bad.csv:2:10: found \"slow\", expected a time in seconds");
  rc = test_podium(&out, &err, "ingest %s/tests/data/hf-benchmark/inference_time_1590589635.csv", test_root());
  CHECK_INT(rc, 0);
  CHECK_HAS(out.data, "already ingested");
  CHECK_HAS(out.data, "0 added, 1 skipped, 0 failed");
  CHECK_INT(test_podium(&out, &err, "ingest --quiet %s/tests/data/hf-benchmark/", test_root()), 0);
  CHECK_STR(out.data, "");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

static void test_cli_json_output_is_valid_json_only(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  CHECK_INT(test_podium(&out, &err, "ingest --task t %s/tests/data/hf-benchmark", test_root()), 0);
  CHECK_INT(test_podium(&out, &err, "runs --json"), 0);
  cJSON *j = cJSON_Parse(out.data), *run;
  int id = 0;
  CHECK(cJSON_IsArray(j));
  CHECK_INT(cJSON_GetArraySize(j), 4);
  cJSON_ArrayForEach(run, j)
    if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(run, "model")),
                "distilbert-base-uncased"))
      id = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(run, "id"));
  CHECK(id > 0);
  cJSON_Delete(j);
  CHECK_INT(test_podium(&out, &err, "show %d --json", id), 0);
  j = cJSON_Parse(out.data);
  CHECK(cJSON_IsObject(j));
  cJSON *m = cJSON_GetObjectItem(j, "measurements");
  CHECK_INT(cJSON_GetArraySize(m), 4);
  cJSON *first = cJSON_GetArrayItem(m, 0);
  CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(first, "line")), 2);
  CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(first, "value")) == 0.0720);
  CHECK_INT(strlen(cJSON_GetStringValue(cJSON_GetObjectItem(first, "source_sha256"))), 64);
  CHECK(cJSON_IsObject(cJSON_GetObjectItem(j, "environment")));
  cJSON_Delete(j);
  CHECK_INT(test_podium(&out, &err, "show %d", id), 0);
  CHECK_HAS(out.data, "inference_time");
  CHECK_HAS(out.data, "72.0");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* `podium runs` lines up its columns to the widest value, counted in
** characters: a Hugging Face id longer than the old 32-byte column and
** a Persian name (two bytes a letter) keep "role" in one place. */
static void test_cli_runs_columns_fit_long_and_persian_names(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  static const char data[] =
      "model,batch_size,sequence_length,result\n"
      "huawei-noah/TinyBERT_General_4L_312D,8,8,0.5\n"
      "\xd8\xa8\xd8\xb1\xd8\xaa,8,8,0.25\n";   /* Persian "bert" */
  const char *line = NULL, *next;
  long first = -1;
  int lines = 0;
  test_write(test_path("inference_time_names.csv"), data, sizeof data - 1);
  CHECK_INT(test_podium(&out, &err, "ingest --task t inference_time_names.csv"), 0);
  CHECK_INT(test_podium(&out, &err, "runs"), 0);
  CHECK_HAS(out.data, "huawei-noah/TinyBERT_General_4L_312D -");
  /* the role column starts at the same character on every line */
  for (line = out.data; (next = strchr(line, '\n')); line = next + 1) {
    const char *role = strstr(line, lines ? " - " : "role");
    long chars = 0;
    CHECK(role && role < next);
    if (!role || role > next) break;
    if (lines++) role++;
    for (const char *p = line; p < role; p++)
      chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (first < 0) first = chars;
    CHECK_INT(chars, first);
  }
  CHECK_INT(lines, 3);
  /* a bidi override in a name would reorder the terminal's line */
  static const char rlo[] = "model,batch_size,sequence_length,result\n"
                            "evil\xe2\x80\xaegnp.exe,8,8,0.5\n";
  test_write(test_path("inference_time_rlo.csv"), rlo, sizeof rlo - 1);
  CHECK_INT(test_podium(&out, &err, "ingest --task t inference_time_rlo.csv"), 0);
  CHECK_INT(test_podium(&out, &err, "runs"), 0);
  CHECK_HAS(out.data, "evil\\u202egnp.exe");
  CHECK_LACKS(out.data, "\xe2\x80\xae");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* Numbers a double cannot hold are refused in JSON as in CSV (1e999
** was stored as inf and ranked "∞"), and NaN/Infinity skipped in a
** Trainer's file are said on the "added" line, as for CSV logs: a file
** of NaN alone makes no run. */
static void test_cli_json_out_of_range_and_nan_are_said(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  static const char big[] = "{\n  \"epoch\": 3.0,\n  \"eval_loss\": 1e999\n}\n";
  static const char nan[] = "{\"epoch\": 3.0, \"eval_loss\": NaN, \"eval_accuracy\": Infinity}\n";
  static const char some[] = "{\"epoch\": 3.0, \"eval_loss\": NaN, \"eval_accuracy\": 0.5}\n";
  char e[POD_ERRLEN];
  CHECK_INT(pod_mkdirs(test_path("big"), e), POD_OK);
  CHECK_INT(pod_mkdirs(test_path("nan"), e), POD_OK);
  CHECK_INT(pod_mkdirs(test_path("some"), e), POD_OK);
  test_write(test_path("big/all_results.json"), big, sizeof big - 1);
  test_write(test_path("nan/all_results.json"), nan, sizeof nan - 1);
  test_write(test_path("some/all_results.json"), some, sizeof some - 1);
  CHECK_INT(test_podium(&out, &err, "ingest --model m --dataset d big"), 1);
  CHECK_HAS(err.data, "all_results.json:3:3: found a number out of range for \"eval_loss\"");
  CHECK_INT(test_podium(&out, &err, "ingest --model m --dataset d nan"), 0);
  CHECK_HAS(out.data, "(2 rows, 0 values: every value nan or inf");
  CHECK_INT(test_podium(&out, &err, "ingest --model m --dataset d some"), 0);
  CHECK_HAS(out.data, "(2 rows, 1 nan/inf values skipped)");
  /* a key twice (Python's json keeps the last, cJSON the first: both
  ** were stored) and a NUL that cut the model's name are refused */
  static const char dup[] = "{\"epoch\": 3.0,\n \"eval_loss\": 1.0, \"eval_loss\": 2.0}\n";
  static const char pj[] = "{\"model\": \"a\\u0000b\"}\n";
  CHECK_INT(pod_mkdirs(test_path("dup"), e), POD_OK);
  CHECK_INT(pod_mkdirs(test_path("nul"), e), POD_OK);
  test_write(test_path("dup/all_results.json"), dup, sizeof dup - 1);
  test_write(test_path("nul/podium.json"), pj, sizeof pj - 1);
  test_write(test_path("nul/all_results.json"), "{\"eval_loss\": 0.5}\n", 19);
  CHECK_INT(test_podium(&out, &err, "ingest --model m --dataset d dup"), 1);
  CHECK_HAS(err.data, "all_results.json:2:20: found key \"eval_loss\" a second time in one object");
  CHECK_INT(test_podium(&out, &err, "ingest --dataset d nul"), 1);
  CHECK_HAS(err.data, "podium.json:1:13: found \\u0000, expected text without NUL");
  {  /* a manifest over 1 MiB says its size (it said 0: freed first) */
    pod_buf huge = POD_BUF_INIT;
    pod_buf_adds(&huge, "{\"model\": \"");
    for (int i = 0; i < 1100000; i++) pod_buf_addc(&huge, 'm');
    pod_buf_adds(&huge, "\"}\n");
    test_write(test_path("nul/podium.json"), huge.data, huge.len);
    CHECK_INT(test_podium(&out, &err, "ingest --dataset d nul"), 1);
    CHECK_HAS(err.data, "podium.json: found 1100014 bytes, expected a manifest under 1048576");
    pod_buf_free(&huge);
  }
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* What the instruction and memory limits cannot stop: a page of 95 MB
** (a gsub of a gsub, within the memory limit) is refused, and a string
** pattern that backtracks for ever inside one C call ends the render
** after 10 s of CPU with a message; the live site is as it was, and the
** next render removes the temporary tree. */
static void test_cli_render_limits_beyond_lua(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  char e[POD_ERRLEN];
  static const char big[] = "{{ ('x'):rep(1000):gsub('x', ('y'):rep(100000)) }}\n";
  static const char hang[] = "{{ (('a'):rep(40)):find(('a*'):rep(40) .. 'b') }}\n";
  static const char bench[] = "model,batch_size,sequence_length,result\nbert,8,8,0.5\n";
  CHECK_INT(pod_mkdirs(test_path("big"), e), POD_OK);
  CHECK_INT(pod_mkdirs(test_path("hang"), e), POD_OK);
  test_write(test_path("big/layout.html"), big, sizeof big - 1);
  test_write(test_path("hang/layout.html"), hang, sizeof hang - 1);
  test_write(test_path("inference_time_1.csv"), bench, sizeof bench - 1);
  CHECK_INT(test_podium(&out, &err, "ingest --task t inference_time_1.csv"), 0);
  CHECK_INT(test_podium(&out, &err, "render --lang en"), 0);
  CHECK_INT(test_podium(&out, &err, "render --lang en --templates big"), 1);
  CHECK_HAS(err.data, "layout.html: found a page of 95 MB, expected at most 64 MB");
  CHECK_INT(test_podium(&out, &err, "render --lang en --templates hang"), 1);
  CHECK_HAS(err.data, "layout.html: a template ran 10 s of CPU in one call Lua cannot interrupt");
  CHECK(pod_exists(test_path("_site/en/index.html")));   /* the live site */
  CHECK_INT(test_count_entries(test_dir(), "_site.tmp-"), 1);
  CHECK_INT(test_podium(&out, &err, "render --lang en"), 0);
  CHECK_INT(test_count_entries(test_dir(), "_site.tmp-"), 0);
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* A render replaces the site's tree whole; what a user put at its top
** (a CNAME for GitHub Pages, .nojekyll, a folder of their own) is
** carried into the new tree and said, while an entry podium wrote and no
** longer writes (a language dropped) goes. Below the top, a file podium
** did not write is not kept (README.md). */
static void test_cli_render_keeps_the_users_top_files(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, b = POD_BUF_INIT;
  char e[POD_ERRLEN];
  static const char bench[] = "model,batch_size,sequence_length,result\nbert,8,8,0.5\n";
  test_write(test_path("inference_time_1.csv"), bench, sizeof bench - 1);
  CHECK_INT(test_podium(&out, &err, "ingest --task t inference_time_1.csv"), 0);
  CHECK_INT(test_podium(&out, &err, "render --lang en,fa"), 0);
  test_write(test_path("_site/CNAME"), "example.org\n", 12);
  test_write(test_path("_site/.nojekyll"), "", 0);
  CHECK_INT(pod_mkdirs(test_path("_site/mine/deep"), e), POD_OK);
  test_write(test_path("_site/mine/deep/notes.txt"), "x\n", 2);
  CHECK_INT(pod_mkdirs(test_path("_site/en/mine"), e), POD_OK);
  test_write(test_path("_site/en/mine/notes.txt"), "x\n", 2);
  CHECK_INT(test_podium(&out, &err, "render --lang en"), 0);
  CHECK_HAS(out.data, "_site: kept 3 entries podium did not write at its top: ");
  CHECK_HAS(out.data, "CNAME");
  CHECK_INT(pod_file_read(test_path("_site/CNAME"), &b, e), POD_OK);
  CHECK_STR(b.data, "example.org\n");
  CHECK(pod_exists(test_path("_site/.nojekyll")));
  CHECK(pod_exists(test_path("_site/mine/deep/notes.txt")));
  CHECK(!pod_exists(test_path("_site/fa")));        /* podium's, dropped */
  CHECK(!pod_exists(test_path("_site/en/mine")));   /* below the top */
  /* nothing changed since: the site is as it is, the user's files too */
  CHECK_INT(test_podium(&out, &err, "render --lang en"), 0);
  CHECK_HAS(out.data, "unchanged, nothing written");
  CHECK(pod_exists(test_path("_site/CNAME")));
  /* and after a change, on the kept tree (the standby) */
  static const char more[] = "model,batch_size,sequence_length,result\ndistil,8,8,0.25\n";
  test_write(test_path("inference_time_2.csv"), more, sizeof more - 1);
  CHECK_INT(test_podium(&out, &err, "ingest --task t inference_time_2.csv"), 0);
  CHECK_INT(test_podium(&out, &err, "render --lang en"), 0);
  CHECK(pod_exists(test_path("_site/CNAME")));
  CHECK(pod_exists(test_path("_site/mine/deep/notes.txt")));
  CHECK_INT(test_podium(&out, &err, "render --lang en"), 0);
  CHECK_HAS(out.data, "unchanged, nothing written");
  /* renders on the kept tree, which held the carried CNAME: one deleted
  ** does not come back from it, one replaced keeps its new bytes */
  for (int k = 3; k <= 6; k++) {
    char name[64], data[128];
    int n = snprintf(data, sizeof data, "model,batch_size,sequence_length,"
                     "result\nm%d,8,8,0.%d\n", k, k);
    snprintf(name, sizeof name, "inference_time_%d.csv", k);
    test_write(test_path(name), data, (size_t)n);
    CHECK_INT(test_podium(&out, &err, "ingest --task t %s", name), 0);
    if (k == 5) CHECK_INT(unlink(test_path("_site/CNAME")), 0);
    if (k == 6) {
      test_write(test_path("_site/CNAME.new"), "new.example.org\n", 16);
      CHECK_INT(rename(test_path("_site/CNAME.new"), test_path("_site/CNAME")), 0);
    }
    CHECK_INT(test_podium(&out, &err, "render --lang en"), 0);
    CHECK_LACKS(out.data, " 0 reused");
    CHECK_INT(pod_exists(test_path("_site/CNAME")), k != 5);
  }
  CHECK_INT(pod_file_read(test_path("_site/CNAME"), &b, e), POD_OK);
  CHECK_STR(b.data, "new.example.org\n");
  /* what cannot be carried stops the render, the live site as it was */
  CHECK_INT(mkfifo(test_path("_site/pipe"), 0600), 0);
  static const char last[] = "model,batch_size,sequence_length,result\nm7,8,8,0.7\n";
  test_write(test_path("inference_time_7.csv"), last, sizeof last - 1);
  CHECK_INT(test_podium(&out, &err, "ingest --task t inference_time_7.csv"), 0);
  CHECK_INT(test_podium(&out, &err, "render --lang en"), 1);
  CHECK_HAS(err.data, "_site/pipe: found a special file podium did not write");
  CHECK(pod_exists(test_path("_site/pipe")));
  CHECK(pod_exists(test_path("_site/CNAME")));
  CHECK_INT(unlink(test_path("_site/pipe")), 0);
  CHECK_INT(test_podium(&out, &err, "render --lang en"), 0);
  pod_buf_free(&b);
  pod_buf_free(&out);
  pod_buf_free(&err);
}

static void test_cli_script_in_a_model_name_is_escaped_on_every_page(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, page = POD_BUF_INIT;
  char e[POD_ERRLEN];
  static const char data[] =
      "model,batch_size,sequence_length,result\n"
      "\"<script>alert(1)</script>\",8,8,0.5\n"
      "\"\"\"><img src=x onerror=alert(2)>\",8,8,0.25\n";
  test_write(test_path("inference_time_evil.csv"), data, sizeof data - 1);
  CHECK_INT(test_podium(&out, &err, "ingest --task \"<b>t</b>\" inference_time_evil.csv"), 0);
  CHECK_INT(test_podium(&out, &err, "render"), 0);
  const char *pages[] = {"_site/en/index.html", "_site/en/runs/1.html",
                         "_site/en/runs/2.html", NULL};
  for (int i = 0; pages[i]; i++) {
    CHECK_INT(pod_file_read(test_path(pages[i]), &page, e), POD_OK);
    CHECK_LACKS(page.data, "<script>");   /* the one script is sort.js */
    CHECK_LACKS(page.data, "<script src=\"x");
    CHECK_HAS(strstr(page.data, "<script") + 1, "script src=\"../");
    CHECK_LACKS(strstr(page.data, "<script") + 1, "<script");
    CHECK_LACKS(page.data, "<img");
    CHECK_LACKS(page.data, "<b>t");
  }
  pod_file_read(test_path("_site/en/runs/1.html"), &page, e);
  CHECK_HAS(page.data, "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK_INT(test_podium(&out, &err, "render"), 0);
  CHECK_HAS(out.data, "unchanged");
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&page);
}

static void test_cli_tags_and_map_reach_the_run(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  CHECK_INT(test_podium(&out, &err, "ingest --tag seed=1 --tag gpu=a100 --tag seed=2 %s/tests/data/hf-benchmark/inference_time_1590589635.csv", test_root()), 0);
  CHECK_INT(test_podium(&out, &err, "runs --json"), 0);
  cJSON *j = cJSON_Parse(out.data);
  const char *tags = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "tags"));
  CHECK_STR(tags, "{\"gpu\":\"a100\",\"seed\":\"2\"}");
  cJSON_Delete(j);
  CHECK_INT(test_podium(&out, &err, "ingest --map colour=model x.csv"), 2);
  CHECK_HAS(err.data, "--map takes model");
  CHECK_INT(test_podium(&out, &err, "ingest --tag novalue x.csv"), 2);
  CHECK_HAS(err.data, "expected NAME=VALUE");
  pod_buf_free(&out);
  pod_buf_free(&err);
}

static void test_cli_report_prints_markdown(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT;
  CHECK_INT(test_demo_bench(&out, &err, ""), 0);
  CHECK_INT(test_podium(&out, &err, "report text-classification--inference_memory --md"), 0);
  CHECK_HAS(out.data, "# inference\\_memory: text-classification");
  CHECK_HAS(out.data, "| 1 | distilbert-base-uncased | distilled-6-layer | optimized | 921 MiB | 1 | 2 |");
  CHECK_INT(test_podium(&out, &err, "report nope"), 1);
  CHECK_HAS(err.data, "found no leaderboard \"nope\", expected one of: text-classification--inference_memory");
  CHECK_INT(test_podium(&out, &err, "report"), 2);
  pod_buf_free(&out);
  pod_buf_free(&err);
}

/* What `make install PREFIX=...` lays out: PREFIX/bin/podium and
** PREFIX/share/podium/{templates,site,i18n}; the binary finds its share
** folder from its own place, with no source tree around. */
static void test_cli_installed_binary_finds_its_templates(void) {
  char err[POD_ERRLEN], cmd[8192];
  const char *bin = getenv("PODIUM_BIN");
  const char *dirs[] = {"templates", "site", "i18n", "data"};
  pod_mkdirs(test_path("inst/bin"), err);
  for (int k = 0; k < 4; k++) {
    char from[4200], to[4200];
    snprintf(from, sizeof from, "%s/%s", test_root(), dirs[k]);
    snprintf(to, sizeof to, "%s/share/podium/%s", test_path("inst"), dirs[k]);
    CHECK_RC(pod_copytree(from, to, err), POD_OK, err);
  }
  snprintf(cmd, sizeof cmd, "cp '%s/%s' '%s/podium' && cd '%s' && "
           "PODIUM_SHARE= inst/bin/podium ingest --quiet '%s/examples' && "
           "PODIUM_SHARE= inst/bin/podium render >/dev/null 2>&1",
           test_root(), bin && *bin ? bin : "build/asan/podium",
           test_path("inst/bin"), test_dir(), test_root());
  CHECK_INT(system(cmd), 0);
  CHECK(pod_exists(test_path("_site/fa/index.html")));
  CHECK(pod_exists(test_path("_site/assets/style.css")));
}

/* The project file: beside the registry or by --project-file; its
** languages choose the site's; a bad one is refused with a position and
** nothing rendered. */
static void test_cli_project_file_sets_languages_and_is_checked(void) {
  pod_buf out = POD_BUF_INIT, errb = POD_BUF_INIT;
  pod_project p;
  char err[POD_ERRLEN];
  CHECK_INT(test_podium(&out, &errb, "--db '%s' ingest --quiet '%s/examples'",
                        test_path("r.db"), test_root()), 0);
  test_write(test_path("podium.project.json"),
             "{\"languages\": [\"fa\", \"en\"],\n"
             " \"default_language\": \"en\",\n"
             " \"primary_metrics\": {\"sst2\": \"accuracy\", \"*\": \"duration\"},\n"
             " \"pairs\": [{\"baseline\": \"bert-base-uncased\",\n"
             "            \"optimized\": \"distilbert-base-uncased\"}]}\n", (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' render --out '%s'",
                        test_path("r.db"), test_path("site")), 0);
  CHECK(pod_exists(test_path("site/fa/index.html")));
  CHECK(pod_exists(test_path("site/en/index.html")));
  CHECK(!pod_exists(test_path("site/ar")));
  /* the default language comes first whatever the list's order */
  CHECK_RC(pod_project_load(test_path("podium.project.json"), &p, err), POD_OK, err);
  CHECK_STR(p.languages, "en,fa");
  CHECK_STR(pod_project_primary(&p, "sst2"), "accuracy");
  CHECK_STR(pod_project_primary(&p, "imagenet"), "duration");
  CHECK_INT(p.n_pairs, 1);
  CHECK(p.n_pairs == 1 && !p.pairs[0].dataset);
  pod_project_free(&p);
  /* --lang still wins over the file */
  CHECK_INT(test_podium(&out, &errb, "--db '%s' render --lang ar --out '%s'",
                        test_path("r.db"), test_path("site2")), 0);
  CHECK(pod_exists(test_path("site2/ar/index.html")));
  CHECK(!pod_exists(test_path("site2/fa")));
  /* a typo is an error with its position, and the old site stays */
  test_write(test_path("bad.json"), "{\n  \"languages\": [\"en\"],\n  \"langauges\": 1\n}\n",
             (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' --project-file '%s' render --out '%s'",
                        test_path("r.db"), test_path("bad.json"), test_path("site")), 1);
  CHECK_HAS(pod_buf_str(&errb), "bad.json:3:3: \"langauges\": found an unknown key");
  CHECK(pod_exists(test_path("site/fa/index.html")));
  test_write(test_path("bad.json"), "{\"languages\": [\"en\", \"EN!\"]}", (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' --project-file '%s' render --out '%s'",
                        test_path("r.db"), test_path("bad.json"), test_path("site")), 1);
  CHECK_HAS(pod_buf_str(&errb), "found EN!, expected language codes");
  test_write(test_path("bad.json"), "{\"languages\": [\"en\"], \"default_language\": \"fa\"}",
             (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' --project-file '%s' render --out '%s'",
                        test_path("r.db"), test_path("bad.json"), test_path("site")), 1);
  CHECK_HAS(pod_buf_str(&errb), "expected one of the codes in \"languages\"");
  test_write(test_path("bad.json"), "{\"languages\": [\"en\"]", (size_t)-1);
  CHECK_INT(test_podium(&out, &errb, "--db '%s' --project-file '%s' render --out '%s'",
                        test_path("r.db"), test_path("bad.json"), test_path("site")), 1);
  CHECK_HAS(pod_buf_str(&errb), "found invalid JSON, expected a JSON object");
  CHECK_INT(test_podium(&out, &errb, "--db '%s' --project-file '%s' render --out '%s'",
                        test_path("r.db"), test_path("none.json"), test_path("site")), 1);
  pod_buf_free(&out);
  pod_buf_free(&errb);
}

/* A folder of more files than a batch holds (256): every file's line, in
** the files' order, each printed once its batch is in. */
static void test_cli_ingest_a_folder_over_a_batch(void) {
  pod_buf out = POD_BUF_INIT, err = POD_BUF_INIT, want = POD_BUF_INIT;
  char name[64], data[96];
  for (int i = 0; i < 300; i++) {
    snprintf(name, sizeof name, "many/r%03d/inference_time_1.csv", i);
    snprintf(data, sizeof data, "model,batch_size,sequence_length,result\n"
             "m%d,8,8,0.%03d\n", i, i + 1);
    test_make_folder_of(test_path(name));
    test_write(test_path(name), data, SIZE_MAX);
    pod_buf_printf(&want, "added many/r%03d/inference_time_1.csv (1 rows)\n", i);
  }
  pod_buf_adds(&want, "ingest: 300 added, 0 skipped, 0 failed\n");
  CHECK_INT(test_podium(&out, &err, "--db t.db ingest many"), 0);
  CHECK_STR(out.data, want.data);
  CHECK_INT(test_query_num("SELECT count(*) FROM sources"), 300);
  CHECK_INT(test_query_num("SELECT count(*) FROM measurements_all"), 300);
  pod_buf_free(&out);
  pod_buf_free(&err);
  pod_buf_free(&want);
}

const test_case tests_cli[] = {
  {"cli_ingest_a_folder_over_a_batch", test_cli_ingest_a_folder_over_a_batch},
  {"cli_project_file_sets_languages_and_is_checked", test_cli_project_file_sets_languages_and_is_checked},
  {"cli_installed_binary_finds_its_templates", test_cli_installed_binary_finds_its_templates},
  {"cli_report_prints_markdown", test_cli_report_prints_markdown},
  {"cli_tags_and_map_reach_the_run", test_cli_tags_and_map_reach_the_run},
  {"cli_exit_codes", test_cli_exit_codes},
  {"cli_render_keeps_the_users_top_files", test_cli_render_keeps_the_users_top_files},
  {"cli_render_limits_beyond_lua", test_cli_render_limits_beyond_lua},
  {"cli_json_out_of_range_and_nan_are_said", test_cli_json_out_of_range_and_nan_are_said},
  {"cli_runs_columns_fit_long_and_persian_names", test_cli_runs_columns_fit_long_and_persian_names},
  {"cli_db_flag_and_env_choose_the_registry", test_cli_db_flag_and_env_choose_the_registry},
  {"cli_ingest_reports_each_file_and_a_summary", test_cli_ingest_reports_each_file_and_a_summary},
  {"cli_json_output_is_valid_json_only", test_cli_json_output_is_valid_json_only},
  {"cli_script_in_a_model_name_is_escaped_on_every_page", test_cli_script_in_a_model_name_is_escaped_on_every_page},
  {NULL, NULL},
};
