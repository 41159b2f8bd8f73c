#!/bin/sh
# build-and-run.sh BUILD SECONDS [NAME...]: configures BUILD with clang and GAZETTE_FUZZ=ON,
# builds every fuzz target and runs fuzz/run.sh BUILD SECONDS [NAME...]. Exits non-zero when a
# target fails to build or finds something. `make fuzz` calls it, and so does the ctest entry
# `fuzz` of `make test` (15 s a target), so that the targets cannot stop building unnoticed.
set -eu
build=$1
seconds=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
CC=clang cmake -S "$root" -B "$build" -DGAZETTE_FUZZ=ON >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target fuzz_targets
exec "$root/fuzz/run.sh" "$build" "$seconds" "$@"
