#!/bin/sh
# run.sh BUILD SECONDS [NAME...]: runs each libFuzzer target BUILD/fuzz_NAME for SECONDS, one
# at a time, on a scratch copy of its seed corpus fuzz/corpus/NAME/ (so the committed corpus
# stays small), with fuzz/NAME.dict when there is one. Crashes, leaks and timeouts are saved
# under BUILD/fuzz-work/NAME/; the exit status is 1 when any target found one. `make fuzz`
# calls it; see fuzz/README.md.
set -u
build=$1
seconds=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
    set -- $(cd "$root/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
fi
failed=""
for name in "$@"; do
    work="$build/fuzz-work/$name"
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/findings"
    cp "$root/fuzz/corpus/$name/"* "$work/corpus/"
    dict=""
    [ -f "$root/fuzz/$name.dict" ] && dict="-dict=$root/fuzz/$name.dict"
    echo "fuzz_$name: ${seconds}s"
    # shellcheck disable=SC2086 # $dict is one option or none
    LSAN_OPTIONS="suppressions=$root/tests/lsan.supp" \
        ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0" \
        "$build/fuzz_$name" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 \
        -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$work/findings/" $dict \
        "$work/corpus" >"$work/log" 2>&1
    status=$?
    grep -a -E '^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units|^stat::average_exec_per_sec' \
        "$work/log" | sed 's/^/  /'
    if [ $status -ne 0 ]; then
        failed="$failed $name"
        grep -a -E 'invariant broken|ERROR: |SUMMARY: ' "$work/log" | head -5 | sed 's/^/  /'
        echo "  input and log: $work/findings/ $work/log"
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: findings in:$failed" >&2
    exit 1
fi
