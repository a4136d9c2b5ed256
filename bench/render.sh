#!/bin/sh
# bench/render.sh -- `make bench-render`: podium render of a registry with
# N runs (default 10,000) in 2 languages (en,fa: the issue's measure)
# against Hugo building the same pages (one page per run with its
# measurements table, one per leaderboard, a run list) from generated
# content files with a minimal layout; then once more in podium's 5
# default languages, on tmpfs. Prints pages/s for both and the ratio, a
# no-change second podium render as a percentage of the full one, and
# podium's peak RSS; writes the figures to the "Render performance"
# section of docs/PERFORMANCE.md (the ingest section stays). With
# GEN_CODECARBON, also a registry of N_BIG runs (default 100,000: one
# CodeCarbon run per line, bench/gen_codecarbon.c) rendered in en,fa:
# files, wall and CPU seconds, peak RSS (issue 17: under 300 MB) and the
# largest page (under 1 MB).
# Usage: bench/render.sh PODIUM [N] [GEN_CODECARBON] [N_BIG]   (PAUSE:
# seconds to wait before each timed build on a disk, 20)
set -eu
podium=$1
n=${2:-10000}
gen=${3:-}
n_big=${4:-100000}
dir=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
out=docs/PERFORMANCE.md
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
secs() {  # wall seconds from a /usr/bin/time -v report
  awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$1"
}
rss() { awk -F': ' '/Maximum resident/ {printf "%.1f", $2/1024}' "$1"; }
# "disturbed" when a build spent over 0.7x its user time in the kernel
# (as bench/incremental.sh: podium's undisturbed builds 0.47x on this
# machine's ext4, 1 to 8x after a bench removed its files; session 26)
kernel() { awk -F': ' '/User time/ {u=$2} /System time/ {y=$2} END {if (y > 0.7 * u) printf "disturbed"}' "$1"; }

# 1. the registry: N models benchmarked the way transformers'
# PyTorchBenchmark writes it (time and memory at batch 8, length 128),
# one environment; every model is a run.
mkdir -p "$dir/res"
awk -v n="$n" 'BEGIN { print "model,batch_size,sequence_length,result";
  for (i = 1; i <= n; i++) printf "model-%05d,8,128,%.4f\r\n", i, 0.005 + (i * 7919 % 10007) / 100000 }' \
  > "$dir/res/inference_time_1700000000.csv"
awk -v n="$n" 'BEGIN { print "model,batch_size,sequence_length,result";
  for (i = 1; i <= n; i++) printf "model-%05d,8,128,%d\r\n", i, 800 + (i * 104729 % 10007) / 10 }' \
  > "$dir/res/inference_memory_1700000000.csv"
cp examples/bert-base/env_info_1700000000.csv "$dir/res/"
"$podium" --db "$dir/r.db" ingest --task text-classification "$dir/res" >/dev/null

# 3. Hugo: the same run pages from front matter (the values podium shows),
# a page per leaderboard ranking every run, and the run list.
h="$dir/hugo"
mkdir -p "$h/content/runs" "$h/content/leaderboards" "$h/layouts/_default" \
  "$h/layouts/leaderboards"
cat > "$h/config.toml" <<'EOF'
baseURL = "/"
title = "bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
relativeURLs = true
uglyURLs = true
EOF
awk -v n="$n" -v d="$h/content/runs" 'BEGIN { for (i = 1; i <= n; i++) {
  f = sprintf("%s/%d.md", d, i);
  printf "---\ntitle: \"Run %d: model-%05d\"\nmodel: model-%05d\nrole: baseline\n", i, i, i > f;
  printf "task: text-classification\nenv: 1\ntime: %.4f\nmemory: %d\n", 0.005 + (i * 7919 % 10007) / 100000, 800 + (i * 104729 % 10007) / 10 > f;
  printf "line: %d\n---\n", i + 1 > f; close(f) } }'
for m in time memory; do
  printf -- '---\ntitle: "inference_%s"\nmetric: %s\n---\n' "$m" "$m" > "$h/content/leaderboards/$m.md"
done
cat > "$h/layouts/_default/baseof.html" <<'EOF'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · bench</title></head>
<body><header><a href="{{ "index.html" | relURL }}">Overview</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
EOF
cat > "$h/layouts/_default/single.html" <<'EOF'
{{ define "main" }}<h1>{{ .Params.model }}</h1>
<dl><dt>task</dt><dd>{{ .Params.task }}</dd><dt>role</dt><dd>{{ .Params.role }}</dd><dt>environment</dt><dd>#{{ .Params.env }}</dd></dl>
<h2>Measurements</h2>
<table><thead><tr><th>Metric</th><th>Value</th><th>Batch</th><th>Seq. length</th><th>Source</th></tr></thead><tbody>
<tr><td>inference_time</td><td>{{ lang.FormatNumber 2 (mul .Params.time 1000) }} ms</td><td>8</td><td>128</td><td>inference_time_1700000000.csv:{{ .Params.line }}</td></tr>
<tr><td>inference_memory</td><td>{{ .Params.memory }} MiB</td><td>8</td><td>128</td><td>inference_memory_1700000000.csv:{{ .Params.line }}</td></tr>
</tbody></table>{{ end }}
EOF
cat > "$h/layouts/leaderboards/single.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1>{{ $m := .Params.metric }}
<table><thead><tr><th>Rank</th><th>Model</th><th>Value</th></tr></thead><tbody>
{{ range $i, $p := sort (where site.RegularPages "Section" "runs") (printf "Params.%s" $m) }}<tr><td>{{ add $i 1 }}</td><td><a href="{{ $p.RelPermalink }}">{{ $p.Params.model }}</a></td><td>{{ index $p.Params $m }}</td></tr>
{{ end }}</tbody></table>{{ end }}
EOF
cat > "$h/layouts/_default/list.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1>
<table><thead><tr><th>Run</th><th>Model</th><th>Role</th><th>Task</th></tr></thead><tbody>
{{ range where site.RegularPages "Section" "runs" }}<tr><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>{{ .Params.model }}</td><td>{{ .Params.role }}</td><td>{{ .Params.task }}</td></tr>
{{ end }}</tbody></table>{{ end }}
EOF
# 4. both, on each file system: where the repository lives (ext4 here),
# whose speed at creating 50,000 files moves with its recent history
# (a tree just deleted makes ext4 search for free inodes), and a tmpfs
# (/dev/shm), which leaves the CPU work of the two tools.
header="| file system | languages | runs | podium pages | podium | podium pages/s | Hugo pages | Hugo | Hugo pages/s | ratio | no-change render | podium peak RSS | Hugo peak RSS |"
rows=""
# settle: before a timed run, the last one's files to the disk, and on
# a disk 20 s more (PAUSE): sync returns before this machine's ext4
# (mounted with discard) is done, and a render started at once took 4-8
# s against a steady 2.4 s (session 26)
settle() { sync; [ "$1" = tmpfs ] || sleep "${PAUSE:-20}"; }
measure() {  # measure BASE LANGS: one table row for output under BASE
  o=$(mktemp -d -p "$1")
  langs=$2
  fs=$(df -T "$o" | awk 'NR==2 {print $2}')
  settle "$fs"
  /usr/bin/time -v -o "$dir/t0" "$podium" --db "$dir/r.db" render --lang "$langs" --out "$o/site0" >/dev/null
  settle "$fs"  # site0 stays until the end: ext4 slows down creating files
          # right after as many were deleted, and that is the bench's
          # doing, not the tools'.
  /usr/bin/time -v -o "$dir/t1" "$podium" --db "$dir/r.db" render --lang "$langs" --out "$o/site" >/dev/null
  p_s=$(secs "$dir/t1")
  p_s0=$(secs "$dir/t0")
  p_s=$(echo "$p_s $p_s0" | awk '{print ($1 < $2) ? $1 : $2}')
  p_rss=$(rss "$dir/t1")
  p_pages=$(find "$o/site" -name '*.html' | wc -l)
  p_files=$(find "$o/site" -type f ! -name .podium-site | wc -l)
  /usr/bin/time -v -o "$dir/t2" "$podium" --db "$dir/r.db" render --lang "$langs" --out "$o/site" >/dev/null
  p2_s=$(secs "$dir/t2")
  settle "$fs"
  /usr/bin/time -v -o "$dir/t4" hugo --quiet -s "$h" -d "$o/public0" >/dev/null
  rm -rf "$h/resources"
  settle "$fs"
  /usr/bin/time -v -o "$dir/t3" hugo --quiet -s "$h" -d "$o/public" >/dev/null
  h_s=$(echo "$(secs "$dir/t3") $(secs "$dir/t4")" | awk '{print ($1 < $2) ? $1 : $2}')
  h_rss=$(rss "$dir/t3")
  [ "$p_s" = "$p_s0" ] && p_t="$dir/t0" || p_t="$dir/t1"
  p_k=$(kernel "$p_t")
  [ "$h_s" = "$(secs "$dir/t4")" ] && h_k=$(kernel "$dir/t4") || h_k=$(kernel "$dir/t3")
  h_pages=$(find "$o/public" -name '*.html' | wc -l)
  rm -rf "$o"
  line=$(echo "$n $p_pages $p_files $p_s $h_pages $h_s $p2_s $p_rss $h_rss" | awk -v fs="$fs" -v langs="$langs" -v pk="$p_k" -v hk="$h_k" '{
    pp = $2 / $4; hp = $5 / $6;
    if (pk != "" || hk != "") fs = fs " (" (pk != "" ? "podium" : "") (pk != "" && hk != "" ? " and " : "") (hk != "" ? "Hugo" : "") " disturbed: over 0.7x its user time in the kernel)";
    printf "| %s | %s | %d | %d (%d files) | %.2f s | %.0f | %d | %.2f s | %.0f | %.2fx | %.3f s (%.1f%%) | %s MB | %s MB |", fs, langs, $1, $2, $3, $4, pp, $5, $6, hp, pp / hp, $7, 100 * $7 / $4, $8, $9 }')
  echo "$line"
  rows="$rows$line
"
}
echo "$header"
measure "$dir" en,fa
if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(df -T /dev/shm | awk 'NR==2 {print $2}')" = tmpfs ]; then
  measure /dev/shm en,fa
  measure /dev/shm en,fa,ar,te,ha
fi

# 5. N_BIG runs, CodeCarbon's everyday layout, in two languages
big=""
if [ -n "$gen" ] && [ "$n_big" -gt 0 ]; then
  "$gen" "$n_big" runs > "$dir/big.csv"
  "$podium" --db "$dir/big.db" ingest --quiet "$dir/big.csv" >/dev/null
  rm -f "$dir/big.csv"
  base=$dir
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then base=/dev/shm; fi
  o=$(mktemp -d -p "$base")
  /usr/bin/time -v -o "$dir/tb" "$podium" --db "$dir/big.db" render --lang en,fa --out "$o/site" >/dev/null
  files=$(find "$o/site" -type f ! -name .podium-site | wc -l)
  largest=$(find "$o/site" -type f -name '*.html' -printf '%s\n' | sort -n | tail -1)
  fs=$(df -T "$o" | awk 'NR==2 {print $2}')
  rm -rf "$o"
  models=$(sqlite3 "$dir/big.db" "SELECT count(DISTINCT model) FROM runs")
  cpu_s=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$dir/tb")
  big="| $n_big | $models | en,fa | $fs | $files | $(secs "$dir/tb") s | $cpu_s s | $(rss "$dir/tb") MB | $(echo "$largest" | awk '{printf "%.0f KB", $1 / 1024}') |"
  echo "$big"
fi

# 6. docs/PERFORMANCE.md: everything before "# Render performance" stays
{
  if [ -f "$out" ]; then sed '/^# Render performance/,$d' "$out"; fi
  echo "# Render performance"
  echo
  echo "\`make bench-render\` (bench/render.sh): \`podium render --lang en,fa\` (and"
  echo "once more in the five default languages) of a registry with"
  echo "$n runs (one per model, inference time and memory at batch 8 and"
  echo "sequence length 128, one environment, ingested from generated"
  echo "transformers benchmark CSVs) against \`hugo\` $(hugo version | cut -d' ' -f2 | cut -d+ -f1) building the same run pages"
  echo "(each with its measurements table), a page per leaderboard ranking every"
  echo "run, and a run list, from generated content files and a minimal layout."
  echo "Pages = HTML files written; podium also writes the CSV/JSON downloads and"
  echo "Markdown reports. Ratio = podium pages/s / Hugo pages/s. No-change = a"
  echo "second \`podium render\` with nothing new, and its share of the full one."
  echo "Each full build runs twice into a fresh folder; the faster one counts."
  echo
  echo "Machine: $(nproc) CPUs, $cpu."
  echo
  echo "$header"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf "%s" "$rows"
  if [ -n "$big" ]; then
    echo
    echo "The same, $n_big runs: one CodeCarbon run per line (\`build/gen_codecarbon"
    echo "$n_big runs\`), rendered once in en,fa (target: peak RSS under 300 MB,"
    echo "no page over 1 MB)."
    echo
    echo "| runs | models | languages | file system | files | wall | CPU | podium peak RSS | largest page |"
    echo "|---:|---:|---|---|---:|---:|---:|---:|---:|"
    echo "$big"
  fi
  if [ -f bench/render-notes.md ]; then echo; cat bench/render-notes.md; fi
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"
