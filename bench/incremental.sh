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
# percentage of the fastest undisturbed full render (the three, each in
# a folder of its own). This machine's disk (ext4 mounted with discard)
# slows file creation for minutes after mass removals, and even after
# `sync` for the last render's 300 MB: full renders then spent 2.9-12 s
# in the kernel and took 4-12 s, against 1.4 s and 2.4 s undisturbed
# (session 26; every ratio before it was against disturbed ones). So a
# full render waits PAUSE seconds after sync, one that spent over 0.7x
# its user time in the kernel (0.47x undisturbed) is not counted, and
# with none left the line says NOT A MEASURE.
# Usage: bench/incremental.sh PODIUM [N] [BASE] [GEN]   (BASE: where the sites go;
# SETTLE: seconds to wait first, 60; PAUSE: before each full render, 20;
# KEEP: set, the sites are left in BASE)
set -eu
podium=$1
n=${2:-10000}
base=${3:-/tmp}
gen=${4:-}
rounds=${ROUNDS:-5}
pause=${PAUSE:-20}
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
# 1 when a render spent over 0.7x its user time in the kernel: a full
# render writes ~40,000 files, 1.4 s of kernel against 2.9 s of user
# time undisturbed on this machine's ext4; disturbed, 2.9 to 12 s
kernel_bound() { awk -F': ' '/User time/ {u=$2} /System time/ {y=$2} END {print (y > 0.7 * u) ? 1 : 0}' "$1"; }
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
# note_full LABEL: prints the full render just timed and counts it,
# among the undisturbed ones (the ratio's denominator) when it is one
note_full() {
  if [ "$(kernel_bound "$dir/t")" = 1 ]; then
    echo "  $1 $(fig "$dir/t"): $out (disturbed: not counted)"
  else
    echo "  $1 $(fig "$dir/t"): $out"
    fulls="$fulls $(wall "$dir/t")"
  fi
  alls="$alls $(wall "$dir/t")"
}
# shape NAME NEWRUN: the registry is made; NEWRUN K ingests new run K
shape() {
  name=$1 newrun=$2 fulls="" alls="" incs=""
  site="$dir/$name-site"
  echo "$name registry:"
  out=$(render "$site" "$dir/t" "$pause")
  note_full "full render:        "
  k=1
  while [ "$k" -le $((rounds + 1)) ]; do
    $newrun "$k"
    out=$(render "$site" "$dir/t")
    echo "  after new run $k:     $(fig "$dir/t"): $out"
    [ "$k" -gt 1 ] && incs="$incs $(wall "$dir/t")"
    if [ "$k" -le 2 ]; then   # a full render in a folder of its own
      full="$dir/$name-full$k"
      out=$(render "$full" "$dir/t" "$pause")
      note_full "full render again:  "
      same
    fi
    k=$((k + 1))
  done
  i=$(echo "$incs" | median)
  if [ -n "$fulls" ]; then
    f=$(echo "$fulls" | fastest)
    echo "  fastest undisturbed full $f s, median incremental (kept tree) $i s: $(awk -v i="$i" -v f="$f" 'BEGIN {printf "%.1f%%", 100 * i / f}') of a full render"
  else
    f=$(echo "$alls" | fastest)
    echo "  fastest full $f s, median incremental (kept tree) $i s: $(awk -v i="$i" -v f="$f" 'BEGIN {printf "%.1f%%", 100 * i / f}'): NOT A MEASURE,"
    echo "  every full render was disturbed (over 0.7x its user time in the kernel:"
    echo "  the file system, not podium; bench/render-notes.md, session 26)"
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
