#!/bin/sh
# tests/torture.sh -- `make torture`: what a SIGKILL or a full disk does
# to a registry and a site (issue 15; docs/RELIABILITY.md).
#
#   1. ingest kills: a registry holding examples/ ingests a large
#      CodeCarbon file and is killed at a random moment, TORTURE_KILLS
#      times. After each kill `podium check` says ok, the file is in whole
#      or not at all, the earlier data is unchanged, and ingesting again
#      completes.
#   2. render kills: a render of that registry is killed at a random
#      moment, TORTURE_KILLS times. The live site is always the old one or
#      the new one, never a mix, and the next render removes the killed
#      render's temporary tree and completes.
#   3. full disk (needs root and unshare): an ingest and a render on a
#      filesystem too small for them fail with "disk full"; the registry
#      and the site are as before.
#
# usage: sh tests/torture.sh PODIUM GEN_CODECARBON
# TORTURE_KILLS (20), TORTURE_LINES (200000 CodeCarbon lines),
# TORTURE_SEED (random) and TORTURE_DIR (build/torture) override.
set -u
P=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
GEN=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
ROOT=$(pwd)
KILLS=${TORTURE_KILLS:-20}
LINES=${TORTURE_LINES:-200000}
SEED=${TORTURE_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
DIR=${TORTURE_DIR:-build/torture}
fail=0

say() { printf 'torture: %s\n' "$*"; }
bad() { printf 'torture: FAIL: %s\n' "$*"; fail=$((fail + 1)); }
# TORTURE_VERBOSE=1: one line per kill
note() { [ -n "${TORTURE_VERBOSE:-}" ] && printf 'torture:   %s\n' "$*"; return 0; }

# A random delay in ms in [lo, hi) for kill number k (the seed and k
# decide it; $(...) runs in a subshell, so no counter could persist).
rand_ms() {
  awk -v s="$SEED" -v k="$3" -v lo="$1" -v hi="$2" \
    'BEGIN { srand(s * 1000 + k); printf "%d", lo + rand() * (hi - lo) }'
}
sleep_ms() { sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"; }
now_ms() { date +%s%3N; }

# q DB SQL: one value (the registry is read through sqlite3, read-only).
q() { sqlite3 -readonly "$1" "$2"; }
# What the earlier data is: its sources' rows and values, as one line.
earlier() {
  q "$1" "SELECT count(*), total(m.value), group_concat(DISTINCT s.sha256)
          FROM measurements m JOIN sources s ON s.id = m.source_id
          WHERE s.path NOT LIKE '%big/emissions.csv'"
}
# The site's files and bytes (not the marker, which holds times).
site_hash() {
  (cd "$1" && find . -type f ! -name .podium-site | LC_ALL=C sort |
     xargs sha256sum) | sha256sum | cut -c1-16
}

rm -rf "$DIR"
mkdir -p "$DIR/big"
cd "$DIR" || exit 1
say "seed $SEED, $KILLS kills each, $LINES CodeCarbon lines ($P)"
"$GEN" "$LINES" > big/emissions.csv || exit 1
"$P" --db base.db ingest --task text-classification "$ROOT/examples" \
  > /dev/null || exit 1
"$P" --db base.db check > /dev/null || exit 1
sqlite3 base.db "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
base_sources=$(q base.db "SELECT count(*) FROM sources")
base_meas=$(q base.db "SELECT count(*) FROM measurements")
base_earlier=$(earlier base.db)

# One complete ingest: how long the kills may wait, and the final counts.
cp base.db full.db
t0=$(now_ms)
"$P" --db full.db ingest --model torture big/emissions.csv > /dev/null || exit 1
t_ingest=$(( $(now_ms) - t0 ))
full_meas=$(q full.db "SELECT count(*) FROM measurements")
full_samples=$(q full.db "SELECT count(*) FROM samples")
say "ingest of $LINES lines takes $t_ingest ms; earlier data: $base_sources sources, $base_meas measurements"

# ---- 1. kills during ingest --------------------------------------------
in_whole=0 in_none=0 reingested=0
i=0
while [ "$i" -lt "$KILLS" ]; do
  i=$((i + 1))
  rm -f r.db r.db-wal r.db-shm
  cp base.db r.db
  ms=$(rand_ms 0 "$t_ingest" "$i")
  "$P" --db r.db ingest --model torture big/emissions.csv > /dev/null 2>&1 &
  pid=$!
  sleep_ms "$ms"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if ! "$P" --db r.db check > check.txt 2>&1; then
    bad "ingest kill $i at $ms ms: podium check: $(cat check.txt)"
    continue
  fi
  src=$(q r.db "SELECT count(*) FROM sources")
  meas=$(q r.db "SELECT count(*) FROM measurements")
  samp=$(q r.db "SELECT count(*) FROM samples")
  note "ingest kill $i at $ms ms: $src sources, $meas measurements, $samp samples"
  if [ "$src" = "$base_sources" ] && [ "$meas" = "$base_meas" ] && [ "$samp" = 0 ]; then
    in_none=$((in_none + 1))
  elif [ "$src" = $((base_sources + 1)) ] && [ "$meas" = "$full_meas" ] &&
       [ "$samp" = "$full_samples" ]; then
    in_whole=$((in_whole + 1))
  else
    bad "ingest kill $i at $ms ms: a partial file: $src sources, $meas measurements, $samp samples"
  fi
  [ "$(earlier r.db)" = "$base_earlier" ] ||
    bad "ingest kill $i at $ms ms: the earlier data changed"
  # ingesting again completes (or says skipped when it was in already)
  if "$P" --db r.db ingest --model torture big/emissions.csv > /dev/null 2>&1 &&
     [ "$(q r.db "SELECT count(*) FROM measurements")" = "$full_meas" ] &&
     "$P" --db r.db check > /dev/null 2>&1; then
    reingested=$((reingested + 1))
  else
    bad "ingest kill $i at $ms ms: the ingest after it did not complete"
  fi
done
say "ingest kills: $KILLS, then podium check ok and the file whole in $in_whole, absent in $in_none; earlier data unchanged; re-ingest completed $reingested/$KILLS"

# ---- 2. kills during render --------------------------------------------
rm -rf site site.tmp-* new
"$P" --db base.db render --out site > /dev/null || exit 1
old_hash=$(site_hash site)
"$P" --db full.db render --out new > /dev/null || exit 1
new_hash=$(site_hash new)
cp -R site site.keep
t0=$(now_ms)
"$P" --db full.db render --out site > /dev/null || exit 1
t_render=$(( $(now_ms) - t0 ))
pages=$(find site -type f | wc -l)
[ "$(site_hash site)" = "$new_hash" ] || bad "two renders of one registry differ"
say "render of $pages files takes $t_render ms"
was_old=0 was_new=0 stale_removed=0
i=0
while [ "$i" -lt "$KILLS" ]; do
  i=$((i + 1))
  rm -rf site site.tmp-*
  cp -R site.keep site
  ms=$(rand_ms 0 "$t_render" $((i + 500)))
  "$P" --db full.db render --out site > /dev/null 2>&1 &
  pid=$!
  sleep_ms "$ms"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  h=$(site_hash site)
  note "render kill $i at $ms ms: site $h (old $old_hash, new $new_hash)"
  if [ "$h" = "$old_hash" ]; then was_old=$((was_old + 1))
  elif [ "$h" = "$new_hash" ]; then was_new=$((was_new + 1))
  else bad "render kill $i at $ms ms: the site is neither the old nor the new one"
  fi
  left=$(ls -d site.tmp-* 2>/dev/null | wc -l)
  if "$P" --db full.db render --out site > render.txt 2>&1 &&
     [ "$(site_hash site)" = "$new_hash" ] &&
     [ "$(ls -d site.tmp-* 2>/dev/null | wc -l)" = 0 ]; then
    [ "$left" != 0 ] && stale_removed=$((stale_removed + 1))
  else
    bad "render kill $i at $ms ms: the render after it: $(cat render.txt)"
  fi
done
say "render kills: $KILLS; the site was the old one $was_old times, the new one $was_new times, never a mix; $stale_removed temporary trees of killed renders removed by the next render"

# ---- 3. a full disk ----------------------------------------------------
if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null 2>&1 &&
   unshare -m true 2>/dev/null; then
  rm -rf small && mkdir small
  cp base.db small.db
  cp -R site.keep small.site
  # the registry and the old site fit with 2 MB to spare; the big file's
  # rows and a second site do not
  kb=$(( $(du -sk base.db | cut -f1) + $(du -sk site.keep | cut -f1) + 2048 ))
  unshare -m sh -c "
    mount -t tmpfs -o size=${kb}k tmpfs small || exit 3
    cp base.db small/r.db && cp -R site.keep small/site || exit 3
    \"$P\" --db small/r.db ingest --model torture big/emissions.csv > small.ingest 2>&1
    echo \$? > small.ingest.rc
    \"$P\" --db small/r.db check > small.check 2>&1; echo \$? > small.check.rc
    sqlite3 -readonly small/r.db \"SELECT count(*) FROM measurements\" > small.meas
    cd small && find site -type f ! -name .podium-site | LC_ALL=C sort |
      xargs sha256sum | sha256sum | cut -c1-16 > ../small.before
    cd ..
    \"$P\" --db full.db render --out small/site > small.render 2>&1
    echo \$? > small.render.rc
    cd small && find site -type f ! -name .podium-site | LC_ALL=C sort |
      xargs sha256sum | sha256sum | cut -c1-16 > ../small.after
    ls -d site.tmp-* 2>/dev/null | wc -l > ../small.left"
  if [ ! -f small.ingest.rc ]; then
    say "full disk: skipped (no tmpfs mount here)"
  else
    [ "$(cat small.ingest.rc)" != 0 ] && grep -q "disk full" small.ingest ||
      bad "full disk ingest: exit $(cat small.ingest.rc): $(cat small.ingest)"
    [ "$(cat small.check.rc)" = 0 ] || bad "full disk: podium check: $(cat small.check)"
    [ "$(cat small.meas)" = "$base_meas" ] || bad "full disk: the registry changed"
    [ "$(cat small.render.rc)" != 0 ] ||
      bad "full disk render succeeded: $(cat small.render)"
    [ "$(cat small.before)" = "$(cat small.after)" ] ||
      bad "full disk render changed the old site"
    [ "$(cat small.left)" = 0 ] || bad "full disk render left its temporary tree"
    say "full disk: ingest refused ($(head -c 160 small.ingest | tr '\n' ' ')), check ok, registry unchanged; render failed ($(head -c 120 small.render | tr '\n' ' ')), old site kept"
  fi
else
  say "full disk: skipped (needs root and unshare -m)"
fi

if [ "$fail" != 0 ]; then
  say "$fail failures (seed $SEED: TORTURE_SEED=$SEED make torture repeats them)"
  exit 1
fi
say "ok: $KILLS ingest kills and $KILLS render kills survived"
