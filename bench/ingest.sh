#!/bin/sh
# bench/ingest.sh -- `make bench`: podium ingest of a generated CodeCarbon
# emissions.csv against sqlite3's bare `.import` of the same file, for
# N = 100,000 and 1,000,000 rows. Prints rows/s, the ratio and podium's
# peak RSS; writes the figures to docs/PERFORMANCE.md.
# Usage: bench/ingest.sh PODIUM GENERATOR
set -eu
podium=$1
gen=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
out=docs/PERFORMANCE.md
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
now() { date +%s.%N; }
rows=""
for n in 100000 1000000; do
  f="$dir/emissions-$n.csv"
  "$gen" "$n" > "$f"
  rm -f "$dir/fresh.db" "$dir/fresh2.db"
  /usr/bin/time -v -o "$dir/time.txt" "$podium" --db "$dir/fresh.db" ingest "$f" >/dev/null
  p_s=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$dir/time.txt")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%.1f", $2/1024}' "$dir/time.txt")
  t0=$(now)
  sqlite3 "$dir/fresh2.db" '.mode csv' ".import $f t"
  t1=$(now)
  s_s=$(echo "$t0 $t1" | awk '{print $2 - $1}')
  meas=$(sqlite3 "$dir/fresh.db" 'SELECT count(*) FROM measurements')
  line=$(echo "$n $p_s $s_s $rss $meas" | awk '{printf "| %d | %.2f s | %.0f | %.2f s | %.0f | %.2fx | %s MB | %d |", $1, $2, $1/$2, $3, $1/$3, $3/$2, $4, $5}')
  echo "$line"
  rows="$rows$line
"
done
{
  echo "# Ingest performance"
  echo
  echo "\`make bench\` (bench/ingest.sh): \`podium --db fresh.db ingest FILE\` against"
  echo "\`sqlite3 fresh2.db '.mode csv' '.import FILE t'\` on a generated CodeCarbon"
  echo "2.3+ emissions.csv (bench/gen_codecarbon.c: 31 columns, 300 run_ids, 40"
  echo "projects, 5 machines; every run_id has many cumulative snapshots)."
  echo "Ratio = podium rows/s / sqlite3 rows/s (>= 1.0x: podium is as fast)."
  echo
  echo "Machine: $(nproc) CPUs, $cpu; SQLite $(sqlite3 --version | cut -d' ' -f1)."
  echo
  echo "| rows | podium | podium rows/s | sqlite3 .import | sqlite3 rows/s | ratio | podium peak RSS | measurements |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf "%s" "$rows"
} > "$out.tmp"
if [ -f docs/PERFORMANCE.notes.md ]; then cat docs/PERFORMANCE.notes.md >> "$out.tmp"; fi
mv "$out.tmp" "$out"
echo "wrote $out"
