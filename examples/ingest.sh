#!/bin/sh
# Ingests the example results folder the way a lab would: one folder per
# benchmarked model, as transformers' PyTorchBenchmark(save_to_csv=True)
# leaves it, and a podium.json that says which model is the baseline.
# usage: examples/ingest.sh PODIUM DB
set -eu
"$1" --db "$2" ingest "$(dirname "$0")"
