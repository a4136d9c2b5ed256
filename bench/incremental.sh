#!/bin/sh
# bench/incremental.sh -- a render after one new run against a full
# render (issue 17: <= 5% of it), in en,fa, on two registries of N runs
# (default 10,000):
#   boards: the registry bench/render.sh makes (one benchmarked model per
#           run, one environment): every run on the same two boards, so
#           a new run changes the boards' pages from its rank on;
#   study:  with GEN (bench/gen_codecarbon), a lab's study: CodeCarbon
#           repeats of 25 models on 20 datasets (podium.json per folder),
#           N / 500 runs of each model on each dataset.
# For each: a full render, then rounds of one new run ingested and an
# incremental render into the same folder (the first makes a new tree,
# the others update the kept one), a full render of the same registry
# into a fresh folder after the first two (diff -r: the same bytes).
# Prints wall and CPU seconds, and the median incremental render as a
# percentage of the fastest full render (the three, each in a folder of
# its own: on ext4 one that follows mass removals spends seconds in the
# kernel, which made a median full render 8-9 s against 2.6 s undisturbed
# and the percentage three times too good).
# Usage: bench/incremental.sh PODIUM [N] [BASE] [GEN]   (BASE: where the sites go;
# SETTLE: seconds to wait first, 60; PAUSE: before each full render, 20)
set -eu
podium=$1
n=${2:-10000}
base=${3:-/tmp}
gen=${4:-}
rounds=${ROUNDS:-5}
# before each full render (the ratio's denominator): sync returns before
# this machine's disk (ext4 mounted with discard) is done with the last
# render's 300 MB; a full render started at once spent 2.9-7.7 s in the
# kernel and took 4-8 s, one started 20 s later 1.4 s and 2.4 s, steady
# (session 26: every ratio before it was against disturbed full renders)
pause=${PAUSE:-20}
# ext4 passes over inodes freed shortly before when it allocates
# (recently_deleted): a full render started right after another script
# removed its sites (make bench-render: bench/render.sh's ~300,000
# files) spent 5-10 s in the kernel, and the ratio's denominator with it
sleep "${SETTLE:-60}"
dir=$(mktemp -d -p "$base")
echo "bench/incremental.sh: sites in $base ($(df -T "$dir" | awk 'NR==2 {print $2}'))"
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
fig() {  # wall s, user s, sys s from a /usr/bin/time -v report
  awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; w=s}
    /User time/ {u=$2} /System time/ {y=$2}
    END {printf "wall %.2f s, CPU %.2f s (user %.2f + sys %.2f)", w, u+y, u, y}' "$1"
}
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$1"; }
# 1 when a render spent more time in the kernel than in podium: a full
# render writes ~40,000 files, 1.4 s of kernel against 2.9 s of user
# time undisturbed on this machine's ext4; disturbed, 2.9 to 9 s
kernel_bound() { awk -F': ' '/User time/ {u=$2} /System time/ {y=$2} END {print (y > u) ? 1 : 0}' "$1"; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
fastest() { tr ' ' '\n' | grep . | sort -n | head -n 1; }
render() {  # render OUT TIMEFILE [PAUSE]: prints the render's line
  # the last render's files (a full one writes ~300 MB) go to the disk
  # first: written back during the next, they slowed it by seconds
  sync
  sleep "${3:-0}"
  /usr/bin/time -v -o "$2" "$podium" --db "$reg" render --lang en,fa --out "$1"
}
same() {
  if diff -r -x .podium-site "$site" "$full" >/dev/null; then
    echo "  incremental site = full site, byte for byte"
  else
    echo "  SITES DIFFER"; exit 1
  fi
}
# shape NAME NEWRUN: the registry is made; NEWRUN K ingests new run K
shape() {
  name=$1 newrun=$2 fulls="" incs="" disturbed=0
  site="$dir/$name-site"
  echo "$name registry:"
  out=$(render "$site" "$dir/t" "$pause")
  echo "  full render:         $(fig "$dir/t"): $out"
  fulls=$(wall "$dir/t")
  disturbed=$((disturbed + $(kernel_bound "$dir/t")))
  k=1
  while [ "$k" -le $((rounds + 1)) ]; do
    $newrun "$k"
    out=$(render "$site" "$dir/t")
    echo "  after new run $k:     $(fig "$dir/t"): $out"
    [ "$k" -gt 1 ] && incs="$incs $(wall "$dir/t")"
    if [ "$k" -le 2 ]; then
      # a folder of its own, removed at the end: ext4 passes over inodes
      # freed seconds before when it allocates (recently_deleted), and a
      # full render right after 40,000 files were removed spent 8-10 s
      # in the kernel (2.5 s otherwise)
      full="$dir/$name-full$k"
      out=$(render "$full" "$dir/t" "$pause")
      echo "  full render again:   $(fig "$dir/t"): $out"
      fulls="$fulls $(wall "$dir/t")"
      disturbed=$((disturbed + $(kernel_bound "$dir/t")))
      same
    fi
    k=$((k + 1))
  done
  f=$(echo "$fulls" | fastest) i=$(echo "$incs" | median)
  echo "  fastest full $f s, median incremental (kept tree) $i s: $(awk -v i="$i" -v f="$f" 'BEGIN {printf "%.1f%%", 100 * i / f}') of a full render"
  if [ "$disturbed" -ge "$(echo "$fulls" | wc -w)" ]; then
    echo "  NOT A MEASURE: every full render spent more time in the kernel than in"
    echo "  podium (the file system, not podium: bench/render-notes.md, sessions 25-26)"
  fi
}

# boards: N models benchmarked as transformers' PyTorchBenchmark writes it
reg="$dir/boards.db"
mkdir -p "$dir/res"
awk -v n="$n" 'BEGIN { print "model,batch_size,sequence_length,result";
  for (i = 1; i <= n; i++) printf "model-%05d,8,128,%.4f\r\n", i, 0.005 + (i * 7919 % 10007) / 100000 }' \
  > "$dir/res/inference_time_1700000000.csv"
awk -v n="$n" 'BEGIN { print "model,batch_size,sequence_length,result";
  for (i = 1; i <= n; i++) printf "model-%05d,8,128,%d\r\n", i, 800 + (i * 104729 % 10007) / 10 }' \
  > "$dir/res/inference_memory_1700000000.csv"
cp examples/bert-base/env_info_1700000000.csv "$dir/res/"
"$podium" --db "$reg" ingest --task text-classification "$dir/res" >/dev/null
board_run() {
  mkdir -p "$dir/new$1"
  printf 'model,batch_size,sequence_length,result\r\nmodel-new%d,8,128,0.0%d21\r\n' "$1" "$1" \
    > "$dir/new$1/inference_time_$((1700000000 + $1)).csv"
  "$podium" --db "$reg" ingest --task text-classification "$dir/new$1" >/dev/null
}
shape boards board_run

[ -n "$gen" ] || exit 0
# study: 20 datasets x 25 models, each folder one model on one dataset
reg="$dir/study.db"
"$gen" "$((n + rounds + 1))" runs > "$dir/all.csv"
head -n "$((n + 1))" "$dir/all.csv" | awk -F, -v d="$dir/study" 'NR == 1 { h = $0; next }
  { i = NR - 2; ds = sprintf("ds%02d", i % 20); m = sprintf("model-%02d", int(i / 20) % 25);
    f = d "/" ds "/" m;
    if (!(f in seen)) { system("mkdir -p " f); print h > (f "/emissions.csv");
      printf "{\"model\": \"%s\", \"dataset\": \"%s\"}\n", m, ds > (f "/podium.json");
      close(f "/podium.json"); seen[f] = 1 }
    print >> (f "/emissions.csv") }'
"$podium" --db "$reg" ingest "$dir/study" >/dev/null
study_run() {  # a new repeat of model-07 on ds05, in a folder of its own
  f="$dir/repeat$1"
  mkdir -p "$f"
  echo '{"model": "model-07", "dataset": "ds05"}' > "$f/podium.json"
  { head -n 1 "$dir/all.csv"; sed -n "$((n + 1 + $1))p" "$dir/all.csv"; } > "$f/emissions.csv"
  "$podium" --db "$reg" ingest "$f" >/dev/null
}
shape study study_run
