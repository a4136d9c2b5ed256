#!/bin/sh
# fuzz/run.sh -- `make fuzz`: runs each libFuzzer target in turn for
# FUZZ_SECONDS, then prints executions, speed, corpus and findings per
# target. Exits 1 when any target found a crash, leak, timeout or
# out-of-memory input; each such input is named for `make fuzz` to fix
# (replay: build/fuzz/fuzz_TARGET FILE, or copy it into
# fuzz/regressions/TARGET/ so make check replays it from then on).
#
# usage: FUZZ_SECONDS=N sh fuzz/run.sh "TARGET|DICT|SEED_DIR..." ...
# FUZZ_MAX_LEN (65536) caps input size, FUZZ_TIMEOUT (10 s) one input's
# time. The corpus each target grows is kept in build/fuzz/corpus/TARGET
# and used again by the next run.
set -u
secs=${FUZZ_SECONDS:-30}
max_len=${FUZZ_MAX_LEN:-65536}
timeout=${FUZZ_TIMEOUT:-10}
total=0
found=0
report=""
printf '%-16s %12s %8s %8s %s\n' target executions exec/s corpus findings
for spec in "$@"; do
  t=${spec%%|*}
  rest=${spec#*|}
  dict=${rest%%|*}
  seeds=""
  for d in ${rest#*|}; do [ -e "$d" ] && seeds="$seeds $d"; done
  corpus=build/fuzz/corpus/$t
  out=build/fuzz/findings/$t
  log=build/fuzz/log-$t.txt
  mkdir -p "$corpus" "$out"
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    build/fuzz/fuzz_$t -max_total_time="$secs" -timeout="$timeout" \
      -rss_limit_mb=2048 -max_len="$max_len" -dict=fuzz/dict/$dict.dict \
      -artifact_prefix="$out/" -print_final_stats=1 \
      "$corpus" $seeds >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  n_corpus=$(ls "$corpus" | wc -l)
  files=$(find "$out" -type f | sort)
  n_files=$(printf '%s' "$files" | grep -c . || true)
  status="0"
  if [ "$rc" != 0 ] || [ "$n_files" != 0 ]; then
    status="$n_files (exit $rc)"
    found=$((found + 1))
    report="$report
$t: libFuzzer exited $rc, log $log$(for f in $files; do printf '\n  reproducer: %s (build/fuzz/fuzz_%s %s)' "$f" "$t" "$f"; done)"
  fi
  printf '%-16s %12s %8s %8s %s\n' "$t" "${execs:-?}" "${speed:-?}" \
    "$n_corpus" "$status"
  total=$((total + ${execs:-0}))
done
printf '%-16s %12s  (%s s per target)\n' total "$total" "$secs"
if [ "$found" != 0 ]; then
  echo "fuzz: findings in $found target(s):$report"
  echo "fuzz: fix each, then move its input to fuzz/regressions/TARGET/ and"
  echo "      delete build/fuzz/findings/TARGET/"
  exit 1
fi
echo "fuzz: no findings"
