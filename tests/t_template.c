/*
** tests/t_template.c -- the template language (render/template.c) and the
** built-in templates' output: every page of the demo site, byte for byte.
*/
#include "tests/test.h"
#include "core/fs.h"
#include "render/render.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the whole demo site against tests/golden/demo/ ------------------ */

/* Compares each .html page below site/rel with tests/golden/demo/rel;
** returns how many it compared. */
static int compare_pages(const char *site, const char *rel) {
  char dir[4096], path[4400], sub[1024], err[POD_ERRLEN];
  pod_buf page = POD_BUF_INIT;
  struct dirent *e;
  int n = 0;
  snprintf(dir, sizeof dir, "%s%s%s", site, *rel ? "/" : "", rel);
  DIR *d = opendir(dir);
  if (!d) return 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (pod_is_dir(path)) { n += compare_pages(site, sub); continue; }
    size_t k = strlen(e->d_name);
    if (k < 5 || strcmp(e->d_name + k - 5, ".html")) continue;
    if (pod_file_read(path, &page, err)) {
      test_fail(__FILE__, __LINE__, "%s", err);
      continue;
    }
    test_mask_volatile(&page);
    snprintf(path, sizeof path, "demo/%s", sub);
    test_golden(path, &page);
    n++;
  }
  closedir(d);
  pod_buf_free(&page);
  return n;
}

/* Every golden page is still made: a page the site lost fails too. */
static int goldens_exist(const char *golden, const char *site, const char *rel) {
  char dir[4096], path[4400], sub[1024];
  struct dirent *e;
  int n = 0;
  snprintf(dir, sizeof dir, "%s%s%s", golden, *rel ? "/" : "", rel);
  DIR *d = opendir(dir);
  if (!d) return 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (pod_is_dir(path)) { n += goldens_exist(golden, site, sub); continue; }
    snprintf(path, sizeof path, "%s/%s", site, sub);
    if (!pod_exists(path))
      test_fail(__FILE__, __LINE__, "golden demo/%s: the site has no such page", sub);
    n++;
  }
  closedir(d);
  return n;
}

/* `make demo`'s site (examples/ ingested, examples/content), every HTML
** page byte for byte against tests/golden/demo/, times and the checkout's
** folder masked. The template rewrite of issue 18 kept these goldens as
** the old templates made them; `make golden` rewrites them. */
static void test_template_demo_site_every_page_matches_goldens(void) {
  pod_buf out = POD_BUF_INIT, e = POD_BUF_INIT;
  char site[4200], golden[4200];
  CHECK_INT(test_podium(&out, &e, "ingest --quiet %s/examples", test_root()), 0);
  CHECK_INT(test_podium(&out, &e, "render --content %s/examples/content", test_root()), 0);
  snprintf(site, sizeof site, "%s/_site", test_dir());
  snprintf(golden, sizeof golden, "%s/tests/golden/demo", test_root());
  int pages = compare_pages(site, "");
  CHECK(pages > 250);   /* 266 when the goldens were made */
  const char *regen = getenv("PODIUM_GOLDEN");
  if (!regen || *regen != '1') CHECK_INT(goldens_exist(golden, site, ""), pages);
  pod_buf_free(&out);
  pod_buf_free(&e);
}


/* ---- the language ---------------------------------------------------- */

/* Renders text as t.html in a fresh sandbox over templates/; the output,
** or the error message with *rc set. */
static const char *run(const char *text, int *rc) {
  static pod_buf out = POD_BUF_INIT;
  static char err[POD_ERRLEN];
  char dir[4096];
  const char *dirs[] = {dir}, *kv[] = {"x", "<b>&amp;</b>", "js", "javascript:alert(1)"};
  render_sandbox *sb = NULL;
  snprintf(dir, sizeof dir, "%s/templates", test_root());
  if ((*rc = render_sandbox_new(dirs, 1, &sb, err))) return err;
  pod_buf_clear(&out);
  *rc = render_sandbox_eval(sb, "t.html", text, kv, 4, &out, err);
  render_sandbox_free(sb);
  return *rc ? err : pod_buf_str(&out);
}

#define CHECK_RUN(text, want) do { int rc_; CHECK_STR(run(text, &rc_), want); } while (0)
#define CHECK_ERR(text, want)                                         \
  do { int rc_; const char *m_ = run(text, &rc_);                     \
       CHECK_INT(rc_, POD_ETEMPLATE); CHECK_HAS(m_, want); } while (0)

static void test_template_for_if_set_lua(void) {
#define LIST "{% set l = {'a', 'b', 'c'} %}"
  char t[512];
  CHECK_RUN(LIST "{% for e in l %}{{ e }};{% end %}", "a;b;c;");
  CHECK_RUN(LIST "{% for i, e in l %}{{ i }}={{ e }};{% end %}", "1=a;2=b;3=c;");
  CHECK_RUN(LIST "{% for i, e in ipairs(l) %}{{ i }}{{ e }}{% end %}", "1a2b3c");
#undef LIST
  CHECK_RUN("{% for k, v in pairs({only = 1}) %}{{ k }}:{{ v }}{% end %}", "only:1");
  CHECK_RUN("{% for i = 3, 1, -1 %}{{ i }}{% end %}", "321");
  CHECK_RUN("{% for e in {} %}x{% end %}empty", "empty");
  for (int i = 0; i < 4; i++) {
    static const char *const want[] = {"zero", "one", "many", "many"};
    snprintf(t, sizeof t, "{%% set n = %d %%}{%% if n == 0 %%}zero{%% elseif n == 1 %%}one"
             "{%% else %%}many{%% end %%}", i);
    CHECK_RUN(t, want[i]);
  }
  CHECK_RUN("{% if false %}no{% end %}|{% if 1 %}yes{% end %}", "|yes");
  /* set is a page variable: later blocks and layout.html see it */
  CHECK_RUN("{% if true %}{% set title = 'T' %}{% end %}{{ title }}", "T");
  CHECK_RUN("{% lua local function twice(s) return s .. s end %}{{ twice('ab') }}", "abab");
  CHECK_RUN("a{# a note\n over lines #}b", "ab");
}

static void test_template_blocks_nest(void) {
  CHECK_RUN("{% set rows = {{1, 2}, {3}, {}} %}"
            "{% for r in rows %}[{% for v in r %}{% if v % 2 == 0 %}even{% else %}{{ v }}"
            "{% end %},{% end %}]{% end %}",
            "[1,even,][3,][]");
  CHECK_RUN("{% for i = 1, 2 %}{% for j = 1, 2 %}{% if i == j %}{{ i }}{% elseif i < j %}<"
            "{% else %}>{% end %}{% end %};{% end %}", "1<;>2;");
}

static void test_template_whitespace_control(void) {
  CHECK_RUN("<ul>\n  {%- for e in {'a', 'b'} %}\n  <li>{{ e }}</li>\n  {%- end %}\n</ul>",
            "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>");
  CHECK_RUN("a \n\t {%- if true -%} \n\n b \n {%- end -%}\n c", "abc");
  /* docs/TEMPLATES.md's example */
  CHECK_RUN("{% set columns = {'a', 'b'} -%}\n<tr>\n  {%- for c in columns -%}\n    <td>{{ c }}</td>\n"
            "  {%- end -%}\n</tr>", "<tr><td>a</td><td>b</td></tr>");
  CHECK_RUN("{% set x = 2 %}{{-x}}|{{ -x }}", "2|-2");
  CHECK_RUN("[ {{- 'x' -}} ]", "[x]");
  CHECK_RUN("[ {{ 'x' -}} ] [ {{- 'y' }} ]", "[ x] [y ]");
  CHECK_RUN("a\n{#- a note -#}\nb", "ab");
  CHECK_RUN("a {%- set v = 1 -%} b{{ v }}", "ab1");
  /* only whitespace goes: text stays, and the next text keeps its own */
  CHECK_RUN("x. {%- if true %} y {% end -%} z", "x. y z");
  /* an expression right after href=" stays a URL though spaces were trimmed */
  CHECK_RUN("<a href=\"\n  {{- js }}\">", "<a href=\"#blocked-url\">");
}

static void test_template_end_errors_name_the_line(void) {
  CHECK_ERR("a\n{% for e in {} %}\n{% if true %}\n{% end %}\n", "t.html:2: {% for %} is not closed: add its {% end %}");
  CHECK_ERR("{% if true %}\n{% for e in {} %}{% end %}\n", "t.html:1: {% if %} is not closed");
  /* the inner if lost its end: the end lined up with the for closed the
  ** if, so the message names the if, not the for */
  CHECK_ERR("<ul>\n{% for e in {} %}\n  <li>\n  {% if e %}\n    x\n"
            "{% end %}\n</ul>\n",
            "t.html:4: {% if %} is not closed: add its {% end %} (the "
            "{% end %} of line 6, which closes it now, lines up with an "
            "outer block)");
  /* ends lined up with their own blocks, the outer one missing: the outer */
  CHECK_ERR("{% for e in {} %}\n  {% if e %}\n  {% end %}\n",
            "t.html:1: {% for %} is not closed: add its {% end %}");
  CHECK_ERR("{% if true %}\n{% end %}\n\n{% end %}", "t.html:4: {% end %} closes no block");
  CHECK_ERR("{% for e in {} %}{% else %}{% end %}", "t.html:1: {% else %} outside an {% if %}");
  CHECK_ERR("{% if a %}\n{% else %}\n{% elseif b %}{% end %}", "t.html:3: {% elseif %} outside an {% if %}");
  CHECK_ERR("{% if a %}\n{% else %}\n{% else %}{% end %}", "t.html:3: {% else %} outside");
  CHECK_ERR("\n{% if %}{% end %}", "t.html:2: {% if %} needs a condition");
  CHECK_ERR("{% for e %}{% end %}", "t.html:1: expected {% for e in list %}");
  CHECK_ERR("\n{% set 1 = 2 %}", "t.html:2: expected {% set name = value %}");
  CHECK_ERR("\n\n{% while true %}", "t.html:3: unknown statement {% while %}");
  CHECK_ERR("{% if a %}{% end if %}", "t.html:1: expected {% end %} alone");
  CHECK_ERR("a\n{{ x", "t.html:2: found an unclosed {{, expected }}");
}

/* A template in the old syntax fails at its line with the new form named. */
static void test_template_old_syntax_names_the_new_form(void) {
  CHECK_ERR("\n{% if x then %}a{% end %}",
            "t.html:2: {% if ... then %} is the old template syntax: write {% if cond %} ... {% end %}");
  CHECK_ERR("{% if a %}\n{% elseif b then %}{% end %}",
            "t.html:2: {% elseif ... then %} is the old template syntax: write {% elseif cond %}");
  CHECK_ERR("\n\n{% for _, e in ipairs(runs) do %}{% end %}",
            "t.html:3: {% for ... do %} is the old template syntax: write {% for e in list %} ... {% end %}");
  CHECK_ERR("{% if a %}{% if b %}\n{% end end %}",
            "t.html:2: {% end end %} is the old template syntax: write one {% end %} for each block");
  CHECK_ERR("\n{% local p = 1 %}",
            "t.html:2: {% local ... %} is the old template syntax: write {% set name = value %}, or {% lua ... %}");
  CHECK_ERR("{% title = 'x' %}",
            "t.html:1: {% name = value %} is the old template syntax: write {% set name = value %}");
}

/* Lua's messages name the template's line however the tags were laid out. */
static void test_template_runtime_errors_keep_the_line(void) {
  CHECK_ERR("a\nb\n{{ nothing.here }}", "t.html:3: attempt to index");
  CHECK_ERR("{#\n\n#}\n{{- nothing.here }}", "t.html:4: attempt to index");
  CHECK_ERR("{% for e in {1} -%}\n\n\n  {{ e.x.y }}{% end %}", "t.html:4: attempt to index");
  CHECK_ERR("{% if true\n  and true %}\n{{ nothing.here }}{% end %}", "t.html:3: attempt to index");
  CHECK_ERR("{% lua\n  local a = 1\n  local b = a.c.d %}", "t.html:3: attempt to index");
  CHECK_ERR("{% set l = {} %}\n{% for e in l.x.y %}{% end %}", "t.html:2: attempt to index");
  CHECK_ERR("{% if true %}\n{% elseif nothing.here %}{% end %}\n{% set v = nothing.here %}",
            "t.html:3: attempt to index");
}

/* Escaping is as it was: text and attributes escaped, URLs checked. */
static void test_template_escaping_is_unchanged(void) {
  CHECK_RUN("{{ x }}", "&lt;b&gt;&amp;amp;&lt;/b&gt;");
  CHECK_RUN("{{ raw(x) }}", "<b>&amp;</b>");
  CHECK_RUN("<a href=\"{{ js }}\" title=\"{{ js }}\">", "<a href=\"#blocked-url\" title=\"javascript:alert(1)\">");
  CHECK_RUN("{% for e in {x} %}{{ e }}{% end %}", "&lt;b&gt;&amp;amp;&lt;/b&gt;");
  CHECK_RUN("{% set y = x %}{{- y -}}", "&lt;b&gt;&amp;amp;&lt;/b&gt;");
  /* one _w call a line: a second value an expression returns is dropped,
  ** never output as text */
  CHECK_RUN("{% lua local function two() return '<a>', '<b>' end %}"
            "{{ two() }}|<a href=\"{{ two() }}\">{{ nil }}{{ 2 }}{{ true }}",
            "&lt;a&gt;|<a href=\"&lt;a&gt;\">2true");
  CHECK_ERR("a\nb {{ {} }}", "t.html:2: cannot output a table");
}

/* include(name, data, key) runs the partial once per key: the second
** include of key 1 shows the first one's output, a keyless one its own. */
static void test_template_keyed_include_is_kept(void) {
  int rc;
  const char *out = run("{{ include('env_facts.html', {env = {os = 'osA'}}, 1) }}"
                        "{{ include('env_facts.html', {env = {os = 'osB'}}, 1) }}"
                        "{{ include('env_facts.html', {env = {os = 'osC'}}, 2) }}"
                        "{{ include('env_facts.html', {env = {os = 'osD'}}) }}", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_HAS(out, "<bdi>osA</bdi>");
  CHECK_LACKS(out, "osB");
  CHECK_HAS(out, "<bdi>osC</bdi>");
  CHECK_HAS(out, "<bdi>osD</bdi>");
  out = strstr(out, "osA");
  CHECK(out && strstr(out + 3, "osA"));   /* twice */
}

/* {{ include(...) }} alone writes the partial into the page where it
** stands (sandbox.c, _inc); the same output as include() as a value:
** in order, escaped when the template replaced include, its errors
** naming the including line, a partial's _ENV not reachable. */
static void test_template_include_writes_in_place(void) {
  int rc;
  const char *out;
  char want[4096];
  out = run("{{ (include('env_facts.html', {env = {os = 'osA'}})) }}", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_HAS(out, "<bdi>osA</bdi>");   /* as a value: the old path */
  snprintf(want, sizeof want, "a%sb", out);
  CHECK_RUN("a{{ include('env_facts.html', {env = {os = 'osA'}}) }}b", want);
  CHECK_RUN("a{{- include( 'env_facts.html' , {env = {os = 'osA'}} ) -}} b",
            want);
  CHECK_RUN("{% lua local include = function() return '<i>' end %}"
            "{{ include('x.html', {}) }}", "&lt;i&gt;");
  out = run("{% for i = 1, 2 %}[{{ include('env_facts.html', {env = {os = 'o' .. i}}) }}]"
            "{% end %}", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK(strstr(out, "<bdi>o1</bdi>") && strstr(out, "<bdi>o2</bdi>") &&
        strstr(out, "<bdi>o1</bdi>") < strstr(out, "<bdi>o2</bdi>"));
  CHECK_ERR("\n{{ include('nope.html', {}) }}", "t.html:2: no template \"nope.html\"");
  CHECK_ERR("{{ include('env_facts.html') }}", "bad argument");
  CHECK_ERR("{{ include() }}", "bad argument #1 to 'include'");
  CHECK_RUN("{{ getmetatable(_ENV) }}", "false");
  /* include's own messages, not _inc's; the line of a call on its own */
  CHECK_ERR("{{ include('env_facts.html', nil) }}", "bad argument #2 to 'include'");
  CHECK_ERR("\n{{\ninclude('nope.html', {})\n}}", "t.html:3: no template");
  /* a table given to include stays the template's: its metatable too */
  out = run("{% lua local m = {env = {}} setmetatable(m, {}) %}"
            "{{ include('env_facts.html', m) }}{% lua setmetatable(m, nil) %}ok", &rc);
  CHECK_INT(rc, POD_OK);
  CHECK_HAS(out, "ok");
  /* many arguments (a replaced include): no overflow of the Lua stack */
  CHECK_RUN("{% lua local t = {} for i = 1, 3000 do t[i] = i end "
            "local include = function(...) return select('#', ...) end %}"
            "{% for _, n in ipairs({1000, 1500, 1900}) %}"
            "{{ include('a', {}, nil, table.unpack(t, 1, n)) }};{% end %}",
            "1003;1503;1903;");
  {   /* alone in its {{ }}: compiled to _inc; in an expression: not */
    pod_buf lua = POD_BUF_INIT;
    char err[POD_ERRLEN];
    static const char *const in_place[] = {"{{ include('a.html', {}) }}",
                                           "{{ include(\"a(.html\", {x = f(1)}) }}"};
    static const char *const value[] = {"{{ include( ) }}",
                                        "{{ include('a.html', {}) .. 'x' }}",
                                        "{{ include('a', {}) or include('b', {}) }}",
                                        "<a href=\"{{ include('a.html', {}) }}\">"};
    for (int i = 0; i < 2; i++) {
      CHECK_INT(render_template_compile("t.html", in_place[i], strlen(in_place[i]), &lua, err), POD_OK);
      CHECK_HAS(pod_buf_str(&lua), "_inc(_b,include,");
    }
    for (int i = 0; i < 4; i++) {
      CHECK_INT(render_template_compile("t.html", value[i], strlen(value[i]), &lua, err), POD_OK);
      CHECK_LACKS(pod_buf_str(&lua), "_inc(");
    }
    pod_buf_free(&lua);
  }
}

const test_case tests_template[] = {
  {"template_for_if_set_lua", test_template_for_if_set_lua},
  {"template_blocks_nest", test_template_blocks_nest},
  {"template_whitespace_control", test_template_whitespace_control},
  {"template_end_errors_name_the_line", test_template_end_errors_name_the_line},
  {"template_old_syntax_names_the_new_form", test_template_old_syntax_names_the_new_form},
  {"template_runtime_errors_keep_the_line", test_template_runtime_errors_keep_the_line},
  {"template_escaping_is_unchanged", test_template_escaping_is_unchanged},
  {"template_keyed_include_is_kept", test_template_keyed_include_is_kept},
  {"template_include_writes_in_place", test_template_include_writes_in_place},
  {"template_demo_site_every_page_matches_goldens",
   test_template_demo_site_every_page_matches_goldens},
  {NULL, NULL}};
