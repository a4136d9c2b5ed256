#!/bin/sh
# bench/ingest.sh -- `make bench`: podium ingest against sqlite3's bare
# `.import` of the same bytes, in the same run, for
#   - a CodeCarbon emissions.csv of one run per line (CodeCarbon's default:
#     every tracker stop appends a line with a new run_id), 100k and 1M lines;
#   - a CodeCarbon emissions.csv of snapshots (300 run_ids, each flushed on
#     many lines), 100k and 1M lines;
#   - a folder of 10,000 training logs, a third each Keras CSVLogger,
#     Lightning metrics.csv and transformers trainer_state.json;
#   - 10,000 experiment folders, each with its own emissions.csv of 3 runs.
# Each layout is measured as REPEAT pairs (default 3, BENCH_REPEAT=N),
# podium then sqlite3, alternated, so that both see the same moments of a
# shared machine; a figure is the median of its pairs (one run moved by
# +-10% on this machine, session 11), and the ratios of the pairs are
# printed beside it. Prints rows/s, the ratio (podium rows/s / sqlite3
# rows/s), the CPU seconds (user + system) of both and podium's peak RSS
# (the highest of its runs); writes the table
# into docs/PERFORMANCE.md between the bench:ingest markers (the notes
# around it are written by hand).
# Usage: bench/ingest.sh PODIUM GEN_CODECARBON GEN_TRAINLOGS [SIZES] [LOGS]
set -eu
podium=$1
gen=$2
genlogs=$3
sizes=${4:-100000 1000000}
nlogs=${5:-10000}
reps=${BENCH_REPEAT:-3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
out=docs/PERFORMANCE.md
secs() {  # wall seconds from a GNU time -v report
  awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$1"
}
rss() { awk -F': ' '/Maximum resident/ {printf "%.1f", $2/1024}' "$1"; }
cpu() {  # user + system seconds from a GNU time -v report
  awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$1"
}

# podium on $2 (a file or folder) into a fresh registry; sets p_s, p_rss
podium_run() {
  rm -f "$dir/p.db" "$dir/p.db-wal" "$dir/p.db-shm"
  /usr/bin/time -v -o "$dir/time.txt" "$podium" --db "$dir/p.db" ingest --quiet "$1" >/dev/null
  p_s=$(secs "$dir/time.txt")
  p_rss=$(rss "$dir/time.txt")
  p_cpu=$(cpu "$dir/time.txt")
}

# sqlite3 with its arguments (input from stdin); sets s_s, s_cpu
sqlite_run() {
  /usr/bin/time -v -o "$dir/stime.txt" sqlite3 "$@" >/dev/null 2>&1
  s_s=$(secs "$dir/stime.txt")
  s_cpu=$(cpu "$dir/stime.txt")
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# REPEAT alternated pairs: podium on $1, then the shell function $2 (the
# sqlite3 side); sets p_s, s_s, p_cpu, s_cpu (medians), p_rss (highest)
# and pairs (each pair's ratio)
pairs() {
  _ps= _ss= _pc= _sc= p_max=0 pairs= _i=0
  while [ "$_i" -lt "$reps" ]; do
    podium_run "$1"
    "$2"
    _ps="$_ps $p_s" _ss="$_ss $s_s" _pc="$_pc $p_cpu" _sc="$_sc $s_cpu"
    p_max=$(echo "$p_max $p_rss" | awk '{print ($2 > $1) ? $2 : $1}')
    pairs="$pairs${pairs:+ }$(echo "$s_s $p_s" | awk '{printf "%.2f", $1 / $2}')"
    _i=$((_i + 1))
  done
  p_s=$(median $_ps) s_s=$(median $_ss) p_cpu=$(median $_pc)
  s_cpu=$(median $_sc) p_rss=$p_max
}

# one table line: layout rows p_s s_s rss stored (and p_cpu, s_cpu,
# pairs set): the ratio is by wall time; CPU (user + system) is beside
# it, as a shared machine slows the wall time of podium's two threads more
line() {
  echo "$1 $2 $3 $4 $5 $p_cpu $s_cpu" | awk -v stored="$6" -v pairs="$pairs" '{printf "| %s | %d | %.2f s | %.0f | %.2f s | %.0f | %.2fx | %s | %.2f s / %.2f s (%.2fx) | %s MB | %s |\n", $1, $2, $3, $2/$3, $4, $2/$4, $4/$3, pairs, $6, $7, $7/$6, $5, stored}'
}

rows=""
for layout in runs snapshots; do
  for n in $sizes; do
    f="$dir/emissions-$layout-$n.csv"
    "$gen" "$n" "$layout" > "$f"
    sqlite_csv() {
      rm -f "$dir/s.db"
      sqlite_run "$dir/s.db" '.mode csv' ".import $f t" </dev/null
    }
    pairs "$f" sqlite_csv
    stored=$(sqlite3 "$dir/p.db" "SELECT (SELECT count(*) FROM runs) || ' / ' || (SELECT count(*) FROM measurements_all) || ' / ' || (SELECT count(*) FROM samples)")
    l=$(line "codecarbon-$layout" "$n" "$p_s" "$s_s" "$p_rss" "$stored")
    echo "$l"
    rows="$rows$l
"
    rm -f "$f"
  done
done

# The log folder: sqlite3 imports each CSV log into a table of its format
# and each JSON file line by line, with podium's journal settings (WAL,
# synchronous=NORMAL); each .import is its own transaction, as each of
# podium's files is.
logs="$dir/logs"
"$genlogs" "$logs" "$nlogs"
{
  echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
  echo "CREATE TABLE keras(epoch,accuracy,loss,lr,val_accuracy,val_loss);"
  echo "CREATE TABLE lit(epoch,lr,step,train_loss,val_acc,val_loss);"
  echo "CREATE TABLE json(line);"
  find "$logs" -type f | sort | while read -r f; do
    case $f in
    *.json) printf '.mode ascii\n.separator "\\037" "\\n"\n.import %s json\n' "$f";;
    *training.log) echo ".import --csv --skip 1 $f keras";;
    *) echo ".import --csv --skip 1 $f lit";;
    esac
  done
} > "$dir/import.sql"
sqlite_logs() {
  rm -f "$dir/s.db" "$dir/s.db-wal" "$dir/s.db-shm"
  sqlite_run "$dir/s.db" < "$dir/import.sql"
}
pairs "$logs" sqlite_logs
# rows: what sqlite3 stored (CSV data rows, JSON lines), for both sides
n=$(sqlite3 "$dir/s.db" "SELECT (SELECT count(*) FROM keras) + (SELECT count(*) FROM lit) + (SELECT count(*) FROM json)")
stored=$(sqlite3 "$dir/p.db" "SELECT (SELECT count(*) FROM runs) || ' / ' || (SELECT count(*) FROM measurements_all) || ' / ' || (SELECT count(*) FROM samples)")
l=$(line "trainlogs-$nlogs-files" "$n" "$p_s" "$s_s" "$p_rss" "$stored")
echo "$l"
rows="$rows$l
"

# A lab's experiment folders: each run's tracker writes its own
# emissions.csv (output_dir per experiment), a few lines each: 10,000
# folders of 3 runs. sqlite3 imports each file into one table, each
# .import its own transaction.
nfiles=10000
mkdir -p "$dir/exp"
"$gen" $((nfiles * 3)) runs > "$dir/exp-all.csv"
awk -v d="$dir/exp" -v n="$nfiles" 'NR == 1 { h = $0; next }
  { k = int((NR - 2) / 3); f = sprintf("%s/e%05d/emissions.csv", d, k);
    if ((NR - 2) % 3 == 0) { system("mkdir -p " d sprintf("/e%05d", k)); print h > f }
    print >> f; if ((NR - 2) % 3 == 2) close(f) }' "$dir/exp-all.csv"
rm -f "$dir/exp-all.csv"
{
  echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
  find "$dir/exp" -type f | sort | sed 's/^/.import --csv --skip 1 /; s/$/ t/' | head -1 |
    sed 's/--skip 1 //'   # the first creates the table from its header
  find "$dir/exp" -type f | sort | tail -n +2 | sed 's/^/.import --csv --skip 1 /; s/$/ t/'
} > "$dir/import-exp.sql"
sqlite_exp() {
  rm -f "$dir/s.db" "$dir/s.db-wal" "$dir/s.db-shm"
  sqlite_run "$dir/s.db" < "$dir/import-exp.sql"
}
pairs "$dir/exp" sqlite_exp
n=$(sqlite3 "$dir/s.db" "SELECT count(*) FROM t")
stored=$(sqlite3 "$dir/p.db" "SELECT (SELECT count(*) FROM runs) || ' / ' || (SELECT count(*) FROM measurements_all) || ' / ' || (SELECT count(*) FROM samples)")
l=$(line "codecarbon-$nfiles-files" "$n" "$p_s" "$s_s" "$p_rss" "$stored")
echo "$l"
rows="$rows$l
"
rm -rf "$dir/exp"

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
{
  echo "<!-- bench:ingest -->"
  echo "Machine: $(nproc) CPUs, $cpu; SQLite $(sqlite3 --version | cut -d' ' -f1); load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; medians of $reps alternated pairs."
  echo
  echo "| layout | rows | podium | podium rows/s | sqlite3 .import | sqlite3 rows/s | ratio | each pair | CPU podium / sqlite3 (ratio) | podium peak RSS | runs / measurements / samples |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf "%s" "$rows"
  echo "<!-- /bench:ingest -->"
} > "$dir/table.md"
if grep -q '^<!-- bench:ingest -->' "$out"; then
  awk -v table="$dir/table.md" '
    /^<!-- bench:ingest -->/ { while ((getline l < table) > 0) print l; skip = 1; next }
    /^<!-- \/bench:ingest -->/ { skip = 0; next }
    !skip { print }' "$out" > "$out.tmp"
  mv "$out.tmp" "$out"
  echo "wrote $out"
else
  cat "$dir/table.md"
  echo "($out has no bench:ingest markers: table printed only)"
fi
