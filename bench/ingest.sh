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
cat >> "$out.tmp" <<'NOTES'

## Where the time goes

The target (podium >= 1.0x the bare import) is **not met**: podium runs at 0.1x-0.2x
of it (it varies run to run on this shared machine). The two do different work: `.import` inserts one 31-text-column row
per line into an unindexed table; podium, per line, checks every cell
(strict numbers, UTF-8, field counts), looks up the row's environment and
run (cached: store_env_add runs only when the machine columns change, the
run is found by a hash of run_id), and inserts ~10 long-form
`measurements` rows (one per metric: 10,003,000 for 1,000,000 lines, the
3,000 extra being one summary per run_id and metric) into a table with
three secondary indexes (by run, the leaderboard's partial summary index,
by source), plus provenance (line, raw value, raw unit) on each.
`perf record` on the 100,000-row file: SQLite's VDBE and B-tree index
inserts and page I/O (pread/pwrite of the WAL once the database outgrows
SQLite's 2 MB page cache) take most of the time; the file's sha256
(`compress`) ~7%, libcsv ~4%, malloc/free ~4% (csv.c copies every field),
strtod ~2%. codecarbon.c itself does not allocate per row.

Peak RSS stays small and flat (bounded by the longest row, the run_id
table and SQLite's cache), well under the 64 MB target.

Ideas not done: a larger SQLite page cache (`PRAGMA cache_size`) during
ingest; inserting measurements before building the secondary indexes is
not possible per file without changing store/; csv.c could reuse field
buffers instead of strdup per field; the file is read three times (hash,
first pass for run_id counts, second pass).
NOTES
# the render section (bench/render.sh) stays
if [ -f "$out" ] && grep -q '^# Render performance' "$out"; then
  echo >> "$out.tmp"
  sed -n '/^# Render performance/,$p' "$out" >> "$out.tmp"
fi
mv "$out.tmp" "$out"
echo "wrote $out"
