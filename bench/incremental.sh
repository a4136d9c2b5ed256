#!/bin/sh
# bench/incremental.sh -- a full render of N runs (default 10,000, the
# registry bench/render.sh makes: one benchmarked model per run, one
# environment) in en,fa, then one new run ingested and the render again
# (incremental: unchanged pages are linked from the live site into a new
# tree, and the old tree is kept beside it), then another new run and
# the render again (incremental, the steady state of a lab rendering
# after each run: the kept tree is updated into the next site), and
# after each a full render of the same registry into a fresh folder to
# compare with (diff -r). Prints wall and CPU (user + sys) seconds of
# each.
# Usage: bench/incremental.sh PODIUM [N] [BASE]   (BASE: where the sites go)
set -eu
podium=$1
n=${2:-10000}
base=${3:-/tmp}
dir=$(mktemp -d -p "$base")
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
fig() {  # wall s, user s, sys s from a /usr/bin/time -v report
  awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; w=s}
    /User time/ {u=$2} /System time/ {y=$2}
    END {printf "wall %.2f s, CPU %.2f s (user %.2f + sys %.2f)", w, u+y, u, y}' "$1"
}
mkdir -p "$dir/res" "$dir/new"
awk -v n="$n" 'BEGIN { print "model,batch_size,sequence_length,result";
  for (i = 1; i <= n; i++) printf "model-%05d,8,128,%.4f\r\n", i, 0.005 + (i * 7919 % 10007) / 100000 }' \
  > "$dir/res/inference_time_1700000000.csv"
awk -v n="$n" 'BEGIN { print "model,batch_size,sequence_length,result";
  for (i = 1; i <= n; i++) printf "model-%05d,8,128,%d\r\n", i, 800 + (i * 104729 % 10007) / 10 }' \
  > "$dir/res/inference_memory_1700000000.csv"
cp examples/bert-base/env_info_1700000000.csv "$dir/res/"
"$podium" --db "$dir/r.db" ingest --task text-classification "$dir/res" >/dev/null
printf 'model,batch_size,sequence_length,result\r\nmodel-new,8,128,0.0421\r\n' \
  > "$dir/new/inference_time_1700000001.csv"
mkdir -p "$dir/new2"
printf 'model,batch_size,sequence_length,result\r\nmodel-new2,8,128,0.0321\r\n' \
  > "$dir/new2/inference_time_1700000002.csv"
/usr/bin/time -v -o "$dir/t0" "$podium" --db "$dir/r.db" render --lang en,fa --out "$dir/site" > "$dir/o0"
"$podium" --db "$dir/r.db" ingest --task text-classification "$dir/new" >/dev/null
/usr/bin/time -v -o "$dir/t1" "$podium" --db "$dir/r.db" render --lang en,fa --out "$dir/site" > "$dir/o1"
/usr/bin/time -v -o "$dir/t2" "$podium" --db "$dir/r.db" render --lang en,fa --out "$dir/full" > "$dir/o2"
same() {
  if diff -r -x .podium-site "$dir/site" "$dir/full" >/dev/null; then
    echo "incremental site = full site, byte for byte"
  else
    echo "SITES DIFFER"; exit 1
  fi
}
echo "full render:        $(fig "$dir/t0"): $(cat "$dir/o0")"
echo "after one new run:  $(fig "$dir/t1"): $(cat "$dir/o1")"
echo "full render again:  $(fig "$dir/t2"): $(cat "$dir/o2")"
same
"$podium" --db "$dir/r.db" ingest --task text-classification "$dir/new2" >/dev/null
/usr/bin/time -v -o "$dir/t3" "$podium" --db "$dir/r.db" render --lang en,fa --out "$dir/site" > "$dir/o3"
rm -rf "$dir/full"
/usr/bin/time -v -o "$dir/t4" "$podium" --db "$dir/r.db" render --lang en,fa --out "$dir/full" > "$dir/o4"
echo "after another run:  $(fig "$dir/t3"): $(cat "$dir/o3") (the kept tree updated)"
echo "full render again:  $(fig "$dir/t4"): $(cat "$dir/o4")"
same
