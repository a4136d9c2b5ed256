#!/bin/sh
# bench/corpus_values.sh PODIUM OUT.txt -- every measurement of
# ../shared/corpus as PODIUM ingests it (and OUT.txt.sources: rows and
# format versions), to diff two builds: the same values, or a reason.
# raw_value is NULL for a tracker cell that is its value's Python repr
# (core/num.h, issue 14): readers get the text back from the value.
set -e
d=$(mktemp -d)
cp -r /work/shared/corpus "$d/c"
"$1" --db "$d/r.db" ingest --quiet "$d/c" >/dev/null 2>"$d/err" || { cat "$d/err"; }
# the long form readers see: the view from schema v6, the table before
t=measurements
[ -n "$(sqlite3 "$d/r.db" "SELECT name FROM sqlite_schema WHERE name = 'measurements_all'")" ] && t=measurements_all
sqlite3 "$d/r.db" "SELECT replace(s.path,'$d/',''), m.line, t.name, t.unit, quote(m.value), m.split, m.epoch, m.step, m.batch_size, m.sequence_length, m.raw_value, m.raw_unit, m.method, m.method_note, m.derived, m.at_epoch, m.of_epochs FROM $t m JOIN metrics t ON t.id=m.metric_id JOIN sources s ON s.id=m.source_id ORDER BY 1,2,3,6,7,8" > "$2"
sqlite3 "$d/r.db" "SELECT replace(path,'$d/',''), rows, format_version FROM sources ORDER BY 1" > "$2.sources"
rm -rf "$d"
