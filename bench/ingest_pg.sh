#!/bin/sh
# bench/ingest_pg.sh -- `make bench`: podium ingest into PostgreSQL (issue
# 16) against psql's bare `\copy ... FROM` of the same bytes into a table
# of text columns, on a throwaway server (initdb in a temporary folder,
# a Unix socket there, as nobody when run as root), for a CodeCarbon
# emissions.csv of one run per line and of snapshots.
# Prints rows/s and the ratio (podium rows/s / \copy rows/s); writes the
# table into docs/PERFORMANCE.md between the bench:ingest-pg markers.
# Usage: bench/ingest_pg.sh PODIUM GEN_CODECARBON [SIZES]
set -eu
podium=$1
gen=$2
sizes=${3:-1000000}
bin=$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)
dir=$(mktemp -d)
as=""
if [ "$(id -u)" = 0 ]; then chown nobody "$dir"; as="runuser -u nobody --"; fi
stop() {
  $as "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
$as "$bin/initdb" -D "$dir/data" -U podium --auth=trust -E UTF8 \
  --locale=C.UTF-8 >/dev/null
$as "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-k $dir -c listen_addresses=''" start >/dev/null
host=$(printf %s "$dir" | sed 's|/|%2F|g')
psql="psql -X -q -h $dir -U podium"
out=docs/PERFORMANCE.md
now() { date +%s.%N; }

rows=""
for layout in runs snapshots; do
  for n in $sizes; do
    f="$dir/emissions-$layout-$n.csv"
    "$gen" "$n" "$layout" > "$f"
    chmod 644 "$f"
    "$bin/createdb" -h "$dir" -U podium p
    "$bin/createdb" -h "$dir" -U podium s
    t0=$(now)
    "$podium" --db "postgresql://podium@$host/p" ingest --quiet "$f" >/dev/null
    t1=$(now)
    cols=$(head -n 1 "$f" | tr -d '\r' | sed 's/[^,][^,]*/"&" text/g')
    $psql s -c "CREATE TABLE t ($cols)"
    t2=$(now)
    $psql s -c "\\copy t FROM '$f' CSV HEADER"
    t3=$(now)
    stored=$($psql -At p -c "SELECT (SELECT count(*) FROM runs) || ' / ' || (SELECT count(*) FROM measurements_all) || ' / ' || (SELECT count(*) FROM samples)")
    l=$(echo "$n $t0 $t1 $t2 $t3" | awk -v layout="codecarbon-$layout" -v stored="$stored" \
      '{p = $3 - $2; s = $5 - $4; printf "| %s | %d | %.2f s | %.0f | %.2f s | %.0f | %.2fx | %s |\n", layout, $1, p, $1/p, s, $1/s, s/p, stored}')
    echo "$l"
    rows="$rows$l
"
    "$bin/dropdb" -h "$dir" -U podium p
    "$bin/dropdb" -h "$dir" -U podium s
    rm -f "$f"
  done
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
{
  echo "<!-- bench:ingest-pg -->"
  echo "Machine: $(nproc) CPUs, $cpu; $("$bin/postgres" --version); a server on a Unix socket of this machine; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
  echo
  echo "| layout | rows | podium into PostgreSQL | podium rows/s | psql \\\\copy | \\\\copy rows/s | ratio | runs / measurements / samples |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  printf "%s" "$rows"
  echo "<!-- /bench:ingest-pg -->"
} > "$dir/table.md"
if grep -q '^<!-- bench:ingest-pg -->' "$out"; then
  awk -v table="$dir/table.md" '
    /^<!-- bench:ingest-pg -->/ { while ((getline l < table) > 0) print l; skip = 1; next }
    /^<!-- \/bench:ingest-pg -->/ { skip = 0; next }
    !skip { print }' "$out" > "$out.tmp"
  mv "$out.tmp" "$out"
  echo "wrote $out"
else
  cat "$dir/table.md"
  echo "($out has no bench:ingest-pg markers: table printed only)"
fi
