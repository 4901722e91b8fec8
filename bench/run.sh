#!/usr/bin/env bash
# Runs Pyro's benchmarks in release mode and prints their figures.
# Results are recorded by hand in bench/RESULTS.md (medians of several runs).
#
#   bash bench/run.sh                    # everything: parse + check, the 7 interpreter pairs, startup
#   bash bench/run.sh fib int_loop       # a subset: any of fib int_loop string_build dict_ops
#                                        #   list_ops float_math method_calls parse startup
#   bash bench/run.sh conc               # the concurrency benchmarks (Pyro vs Go vs asyncio):
#                                        #   runs bench/conc.sh, which has its own knobs
#
# Environment knobs (defaults in brackets):
#   RUNS [5] WARMUP [1]   hyperfine runs per interpreter benchmark
#   STARTUP_RUNS [30]     runs for `pyro run examples/hello.pyro`
#   CHECK_TIMEOUT [300]   seconds before the correctness run of one program is killed
#   SLOW_LIMIT [30]       a pyro program slower than this (seconds, in its correctness run)
#                         is not timed again: its single run is reported instead
#   PYTHON                the CPython to compare against [python3's sys.executable]
#   PYRO_BIN              time this pyro binary instead of building target/release/pyro
#   BENCH_NO_HYPERFINE=1  use the built-in timing loop even if hyperfine is available
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BENCHES=(fib int_loop string_build dict_ops list_ops float_math method_calls)
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
STARTUP_RUNS=${STARTUP_RUNS:-30}
CHECK_TIMEOUT=${CHECK_TIMEOUT:-300}
SLOW_LIMIT=${SLOW_LIMIT:-30}

# ---------------------------------------------------------------- what to run
want_parse=0
want_startup=0
want_conc=0
selected=()
if [ $# -eq 0 ]; then
    want_parse=1
    want_startup=1
    selected=("${BENCHES[@]}")
else
    for arg in "$@"; do
        case "$arg" in
            parse) want_parse=1 ;;
            startup | hello) want_startup=1 ;;
            conc) want_conc=1 ;;
            -h | --help)
                sed -n '2,19p' "$ROOT/bench/run.sh" | sed 's/^# \{0,1\}//'
                exit 0
                ;;
            *)
                found=0
                for b in "${BENCHES[@]}"; do
                    if [ "$b" = "$arg" ]; then found=1; fi
                done
                if [ "$found" = 0 ]; then
                    echo "run.sh: unknown benchmark '$arg' (known: parse startup conc ${BENCHES[*]})" >&2
                    exit 2
                fi
                selected+=("$arg")
                ;;
        esac
    done
fi

status=0 # becomes 1 on a build failure, a FAIL, a MISMATCH or a failed parse bench
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pyro-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---------------------------------------------------------------- the pyro binary
PYRO="${CARGO_TARGET_DIR:-target}/release/pyro"
pyro_ok=1
if [ -n "${PYRO_BIN:-}" ]; then
    PYRO=$PYRO_BIN
    echo "== using PYRO_BIN=$PYRO (not rebuilt)"
elif [ ${#selected[@]} -gt 0 ] || [ "$want_startup" = 1 ]; then
    echo "== building pyro (cargo build --release -p pyro-cli)"
    if ! cargo build --release -q -p pyro-cli >"$tmp/build.log" 2>&1; then
        grep -E '^error' "$tmp/build.log" | head -n 15 | sed 's/^/   | /' >&2 || true
        echo "   (full log: cargo build --release -p pyro-cli)" >&2
        echo "!! BUILD FAILED: pyro rows are marked FAIL (a stale binary is never timed)" >&2
        pyro_ok=0
        status=1
    elif [ ! -x "$PYRO" ]; then
        echo "!! $PYRO not found after the build (is CARGO_TARGET_DIR set oddly?)" >&2
        pyro_ok=0
        status=1
    fi
fi

# ---------------------------------------------------------------- CPython
# `python3` on PATH may be a wrapper (pyenv shim, ~20 ms of bash per start):
# time the real interpreter it resolves to.
if [ -z "${PYTHON:-}" ]; then
    PYTHON=$(python3 -c 'import sys; print(sys.executable)')
fi
PY_VERSION=$("$PYTHON" -c 'import sys; print(sys.version.split()[0])')
echo "== CPython: $PYTHON ($PY_VERSION)"
case "$PY_VERSION" in
    3.11.*) ;;
    *) echo "   note: the targets in bench/RESULTS.md are relative to CPython 3.11" ;;
esac

# ---------------------------------------------------------------- timing tools
have_hyperfine=0
if [ ${#selected[@]} -eq 0 ] && [ "$want_startup" = 0 ]; then
    : # only the parse benchmark: no timing tool needed
elif [ "${BENCH_NO_HYPERFINE:-0}" != 1 ]; then
    if ! command -v hyperfine >/dev/null 2>&1; then
        echo "== hyperfine not found: trying apt-get install hyperfine"
        (apt-get update -qq && apt-get install -y -qq hyperfine) >/dev/null 2>&1 || true
    fi
    if command -v hyperfine >/dev/null 2>&1; then
        have_hyperfine=1
        echo "== timing with $(hyperfine --version)"
    fi
fi
if [ "$have_hyperfine" = 0 ] && { [ ${#selected[@]} -gt 0 ] || [ "$want_startup" = 1 ]; }; then
    echo "== timing with the built-in loop (median of N runs, wall clock)"
fi
# hyperfine -N runs commands without an intermediate shell (1.13+): exact for ms-scale figures.
HF_SHELL=()
if [ "$have_hyperfine" = 1 ] && hyperfine --help 2>/dev/null | grep -q -- '--shell'; then
    HF_SHELL=(-N)
fi

now() { # seconds since the epoch, microsecond resolution
    if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi
}

# fallback_median RUNS WARMUP CMD... -> prints the median wall time in seconds
fallback_median() {
    local runs=$1 warmup=$2 i t0 t1
    shift 2
    for ((i = 0; i < warmup; i++)); do "$@" >/dev/null 2>&1 || return 1; done
    local times=()
    for ((i = 0; i < runs; i++)); do
        t0=$(now)
        "$@" >/dev/null 2>&1 || return 1
        t1=$(now)
        times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) printf "%.6f\n", v[(NR + 1) / 2]; else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# json_medians FILE -> one median (seconds) per command, in order
json_medians() {
    "$PYTHON" - "$1" <<'EOF'
import json, statistics, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%.6f" % r.get("median", statistics.median(r["times"])))
EOF
}

# measure NAME RUNS WARMUP CMD1 [CMD2] -> prints one median per command (seconds).
# Each CMD is a single string of words (no quoting needed: all paths are relative or simple).
measure() {
    local name=$1 runs=$2 warmup=$3
    shift 3
    if [ "$have_hyperfine" = 1 ]; then
        local args=() c
        for c in "$@"; do args+=("$c"); done
        hyperfine "${HF_SHELL[@]}" --style basic --warmup "$warmup" --runs "$runs" \
            --export-json "$tmp/$name.json" "${args[@]}" >&2 || return 1
        json_medians "$tmp/$name.json"
    else
        local c
        for c in "$@"; do
            # shellcheck disable=SC2086 # word splitting of the command string is intended
            fallback_median "$runs" "$warmup" $c || return 1
        done
    fi
}

# ---------------------------------------------------------------- front end
if [ "$want_parse" = 1 ]; then
    echo
    echo "== front end: lex + parse a generated 100 000-line program"
    if ! cargo bench -q -p pyro-parser --bench parse; then
        echo "!! the parse benchmark failed" >&2
        status=1
    fi
    echo
    echo "== type checker: pyro check a generated 50 000-line program"
    if ! cargo bench -q -p pyro-check --bench check; then
        echo "!! the check benchmark failed" >&2
        status=1
    fi
fi

# ---------------------------------------------------------------- interpreter pairs
rows=()
notes=()
for name in "${selected[@]}"; do
    pyro_cmd="$PYRO run bench/programs/$name.pyro"
    py_cmd="$PYTHON bench/programs/$name.py"
    echo
    echo "== $name"

    py_out=$("$PYTHON" "bench/programs/$name.py")
    echo "   python prints: $py_out"
    mark=""
    pyro_time=""
    if [ "$pyro_ok" = 0 ]; then
        mark="FAIL (no binary)"
    else
        t0=$(now)
        set +e
        timeout "$CHECK_TIMEOUT" "$PYRO" run "bench/programs/$name.pyro" >"$tmp/$name.out" 2>"$tmp/$name.err"
        rc=$?
        set -e
        t1=$(now)
        check_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        pyro_out=$(cat "$tmp/$name.out")
        if [ "$rc" = 124 ]; then
            mark="FAIL (timeout ${CHECK_TIMEOUT}s)"
            echo "!! FAIL: pyro run $name.pyro took more than ${CHECK_TIMEOUT}s" >&2
        elif [ "$rc" != 0 ]; then
            mark="FAIL (exit $rc)"
            echo "!! FAIL: pyro run $name.pyro exited with status $rc; its stderr:" >&2
            head -n 20 "$tmp/$name.err" | sed 's/^/   | /' >&2
        elif [ "$pyro_out" != "$py_out" ]; then
            mark="MISMATCH"
            echo "!! MISMATCH: pyro printed '$(head -c 200 "$tmp/$name.out")', python printed '$py_out'" >&2
        else
            echo "   pyro agrees"
        fi
        if [ "$mark" = "" ] || [ "$mark" = "MISMATCH" ]; then
            if awk -v t="$check_secs" -v l="$SLOW_LIMIT" 'BEGIN { exit !(t > l) }'; then
                # Too slow to run RUNS+WARMUP more times: report the correctness run.
                pyro_time=$check_secs
                mark="${mark:+$mark, }1 run (>${SLOW_LIMIT}s)"
                echo "   pyro took ${check_secs}s: timing python only"
            fi
        fi
    fi
    case "$mark" in FAIL* | MISMATCH*) status=1 ;; esac

    if [ -z "$mark" ] || [ "$mark" = "MISMATCH" ]; then
        if ! medians=$(measure "$name" "$RUNS" "$WARMUP" "$pyro_cmd" "$py_cmd"); then
            mark="${mark:+$mark, }FAIL (timing)"
            status=1
            medians=$'\n'
        fi
        pyro_time=$(sed -n 1p <<<"$medians")
        py_time=$(sed -n 2p <<<"$medians")
    else
        # pyro failed or is too slow: still give the CPython baseline.
        py_time=$(measure "$name.py" "$RUNS" "$WARMUP" "$py_cmd" || true)
    fi

    case "$name" in fib | int_loop) target=0.5 ;; *) target=1.0 ;; esac
    if [ -n "$pyro_time" ] && [ -n "$py_time" ]; then
        ratio=$(awk -v p="$pyro_time" -v c="$py_time" 'BEGIN { printf "%.2f", p / c }')
        verdict=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r <= t ? "met" : "missed") }')
        case "$mark" in MISMATCH*) verdict="void: mismatch" ;; esac
    else
        ratio="-"
        verdict="-"
    fi
    fmt() { if [ -n "$1" ]; then awk -v s="$1" 'BEGIN { printf "%.3f", s }'; else echo "-"; fi; }
    rows+=("| $name | $(fmt "$pyro_time") | $(fmt "$py_time") | $ratio | ≤ $target× ($verdict) | ${mark:-ok} |")
done

# ---------------------------------------------------------------- startup
startup_row=""
if [ "$want_startup" = 1 ]; then
    echo
    echo "== startup: pyro run examples/hello.pyro ($STARTUP_RUNS runs)"
    if [ "$pyro_ok" = 1 ] && "$PYRO" run examples/hello.pyro >/dev/null 2>"$tmp/hello.err"; then
        if medians=$(measure startup "$STARTUP_RUNS" 3 "$PYRO run examples/hello.pyro" "$PYTHON -c pass"); then
            hello_ms=$(sed -n 1p <<<"$medians" | awk '{ printf "%.1f", $1 * 1000 }')
            py_ms=$(sed -n 2p <<<"$medians" | awk '{ printf "%.1f", $1 * 1000 }')
            verdict=$(awk -v m="$hello_ms" 'BEGIN { print (m < 10 ? "met" : "missed") }')
            startup_row="| pyro run examples/hello.pyro | $hello_ms ms | $py_ms ms (python3 -c pass) | < 10 ms ($verdict) |"
        else
            startup_row="| pyro run examples/hello.pyro | FAIL (timing) | - | < 10 ms |"
            status=1
        fi
    else
        echo "!! FAIL: pyro run examples/hello.pyro did not succeed" >&2
        [ -s "$tmp/hello.err" ] && head -n 20 "$tmp/hello.err" | sed 's/^/   | /' >&2
        startup_row="| pyro run examples/hello.pyro | FAIL | - | < 10 ms |"
        status=1
    fi
fi

# ---------------------------------------------------------------- summary
if [ ${#rows[@]} -gt 0 ] || [ -n "$startup_row" ]; then
    echo
    echo "== summary ($(uname -m), $(nproc) cores, CPython $PY_VERSION;" \
        "medians of $RUNS runs after $WARMUP warm-up)"
    echo
fi
if [ ${#rows[@]} -gt 0 ]; then
    echo "| benchmark | pyro median (s) | python median (s) | ratio pyro/python | target | status |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
fi
if [ -n "$startup_row" ]; then
    echo "| startup | pyro median | python median | target |"
    echo "|---|---|---|---|"
    echo "$startup_row"
    echo
fi
# ---------------------------------------------------------------- concurrency
if [ "$want_conc" = 1 ]; then
    echo
    echo "== concurrency: bash bench/conc.sh"
    # conc.sh builds pyro itself (a no-op if it is up to date) unless PYRO_BIN is set.
    PYTHON=$PYTHON RUNS=$RUNS WARMUP=$WARMUP CHECK_TIMEOUT=$CHECK_TIMEOUT \
        bash "$ROOT/bench/conc.sh" || status=1
fi

if [ "$status" != 0 ]; then
    echo "!! some steps FAILED or MISMATCHED (see above)" >&2
fi
exit "$status"
