#!/bin/sh
# Ingests the example results folder the way a lab would: one folder per
# benchmarked model, as transformers' PyTorchBenchmark(save_to_csv=True)
# leaves it (inference_time_*.csv, inference_memory_*.csv, env_info_*.csv).
# usage: examples/ingest.sh PODIUM DB
set -eu
podium=$1 db=$2
here=$(dirname "$0")
"$podium" --db "$db" ingest --project distillation --task text-classification \
  --role baseline "$here/bert-base"
"$podium" --db "$db" ingest --project distillation --task text-classification \
  --role optimized --variant distilled-6-layer "$here/distilbert"
