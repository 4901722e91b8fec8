#!/usr/bin/env bash
# Concurrency benchmarks (issue #4): Pyro vs Go vs CPython asyncio, side by side.
# The programs live in bench/conc/: NAME.pyro, NAME.py, NAME/main.go.
#
#   bash bench/conc.sh                   # everything (a minute or two on the 2-core VM)
#   bash bench/conc.sh pingpong spawn    # a subset: pingpong spawn worker_pool
#                                        #   parallel_cpu blocked_rss
#
# Each benchmark runs RUNS times; every round runs Pyro, Go and Python one after
# the other (interleaved, so that noise on the machine hits all three alike).
# Every run's output is checked: the three must print the same result (for
# parallel_cpu the checksum line), else the row is flagged MISMATCH.
#
# Environment knobs (defaults in brackets):
#   RUNS [5]              timed rounds per benchmark (medians are reported)
#   WARMUP [1]            untimed rounds first (their output is checked too)
#   CHECK_TIMEOUT [300]   seconds before one run is killed (reported as FAIL)
#   RSS_N [100000]        blocked tasks for the per-task memory figure
#   RSS_BASE_N [0]        the baseline run's task count: bytes per task =
#                         (peak RSS at RSS_N - peak RSS at RSS_BASE_N) / (RSS_N - RSS_BASE_N)
#   PYTHON                the CPython to compare against [python3's sys.executable]
#   GO [go]               the Go toolchain (builds offline: GOPROXY=off, GOTOOLCHAIN=local)
#   PYRO_BIN              time this pyro binary instead of building target/release/pyro
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BENCHES=(pingpong spawn worker_pool parallel_cpu blocked_rss)
IMPLS=(pyro go py)
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
CHECK_TIMEOUT=${CHECK_TIMEOUT:-300}
RSS_N=${RSS_N:-100000}
RSS_BASE_N=${RSS_BASE_N:-0}
GO=${GO:-go}
MEASURE_RSS=0

selected=()
for arg in "$@"; do
    case "$arg" in
        -h | --help)
            sed -n '2,23p' "$ROOT/bench/conc.sh" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            found=0
            for b in "${BENCHES[@]}"; do
                if [ "$b" = "$arg" ]; then found=1; fi
            done
            if [ "$found" = 0 ]; then
                echo "conc.sh: unknown benchmark '$arg' (known: ${BENCHES[*]})" >&2
                exit 2
            fi
            selected+=("$arg")
            ;;
    esac
done
[ ${#selected[@]} -gt 0 ] || selected=("${BENCHES[@]}")
if [ "$RSS_N" -le "$RSS_BASE_N" ]; then
    echo "conc.sh: RSS_N ($RSS_N) must be larger than RSS_BASE_N ($RSS_BASE_N)" >&2
    exit 2
fi

status=0 # becomes 1 on a build failure, a FAIL or a MISMATCH
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pyro-conc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---------------------------------------------------------------- pyro
PYRO="${CARGO_TARGET_DIR:-target}/release/pyro"
ok_pyro=1
if [ -n "${PYRO_BIN:-}" ]; then
    PYRO=$PYRO_BIN
    echo "== using PYRO_BIN=$PYRO (not rebuilt)"
else
    echo "== building pyro (cargo build --release -p pyro-cli)"
    if ! cargo build --release -q -p pyro-cli >"$tmp/build.log" 2>&1; then
        grep -E '^error' "$tmp/build.log" | head -n 15 | sed 's/^/   | /' >&2 || true
        echo "!! BUILD FAILED: pyro is marked FAIL (a stale binary is never timed)" >&2
        ok_pyro=0
        status=1
    fi
fi
case "$PYRO" in /*) ;; *) PYRO="$ROOT/$PYRO" ;; esac
if [ "$ok_pyro" = 1 ] && [ ! -x "$PYRO" ]; then
    echo "!! $PYRO not found" >&2
    ok_pyro=0
    status=1
fi

# ---------------------------------------------------------------- go
# `go build main.go` needs no go.mod; nothing is downloaded (the programs use
# only the standard library), and a missing toolchain is never fetched.
export GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"
if [ -z "${GOCACHE:-}" ]; then
    gocache=$("$GO" env GOCACHE 2>/dev/null || true)
    if [ -z "$gocache" ] || [ "$gocache" = off ] || ! mkdir -p "$gocache" 2>/dev/null; then
        export GOCACHE="$tmp/gocache"
    fi
fi
ok_go=1
if ! command -v "$GO" >/dev/null 2>&1; then
    echo "!! Go toolchain '$GO' not found: Go is marked FAIL" >&2
    ok_go=0
    status=1
else
    echo "== building the Go programs ($("$GO" version))"
    mkdir -p "$tmp/go"
    for name in "${selected[@]}"; do
        if ! (cd "bench/conc/$name" && "$GO" build -o "$tmp/go/$name" main.go) >"$tmp/go-$name.log" 2>&1; then
            sed 's/^/   | /' "$tmp/go-$name.log" | head -n 15 >&2
            echo "!! go build of bench/conc/$name/main.go FAILED" >&2
            ok_go=0
            status=1
        fi
    done
fi

# ---------------------------------------------------------------- CPython
# `python3` on PATH may be a wrapper (pyenv shim, ~20 ms of bash per start):
# run the real interpreter it resolves to.
if [ -z "${PYTHON:-}" ]; then
    PYTHON=$(python3 -c 'import sys; print(sys.executable)')
fi
PY_VERSION=$("$PYTHON" -c 'import sys; print(sys.version.split()[0])')
echo "== CPython: $PYTHON ($PY_VERSION)"

# ---------------------------------------------------------------- peak RSS
# /usr/bin/time -f %M (GNU time) gives the peak RSS in KiB; without it, a tiny
# CPython wrapper reads the same figure from wait4's rusage.
TIME_BIN=""
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$tmp/probe" true 2>/dev/null; then
    TIME_BIN=/usr/bin/time
else
    echo "== /usr/bin/time not found: trying apt-get install time"
    (apt-get update -qq && apt-get install -y -qq time) >/dev/null 2>&1 || true
    if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$tmp/probe" true 2>/dev/null; then
        TIME_BIN=/usr/bin/time
    fi
fi
cat >"$tmp/maxrss.py" <<'EOF'
import os, sys
out = sys.argv[1]
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, st, ru = os.wait4(pid, 0)
with open(out, "w") as f:
    f.write("%d\n" % ru.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(st) if hasattr(os, "waitstatus_to_exitcode") else st >> 8)
EOF
if [ -n "$TIME_BIN" ]; then
    echo "== peak RSS: $TIME_BIN -f %M"
else
    echo "== peak RSS: wait4() rusage via $PYTHON"
fi

# maxrss OUTFILE CMD... -> runs CMD, writes its peak RSS (KiB) to OUTFILE
maxrss() {
    local out=$1
    shift
    if [ -n "$TIME_BIN" ]; then
        "$TIME_BIN" -f %M -o "$out" "$@"
    else
        "$PYTHON" "$tmp/maxrss.py" "$out" "$@"
    fi
}

now() { # seconds since the epoch, microsecond resolution
    if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi
}

median() { # numbers on stdin -> their median (empty input: "-")
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) print "-"
        else if (NR % 2) print v[(NR + 1) / 2]
        else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

impl_ok() { # impl -> 0 if its build succeeded
    case "$1" in pyro) [ "$ok_pyro" = 1 ] ;; go) [ "$ok_go" = 1 ] ;; py) true ;; esac
}

cmd_for() { # impl name -> sets CMD (array)
    case "$1" in
        pyro) CMD=("$PYRO" run "bench/conc/$2.pyro") ;;
        go) CMD=("$tmp/go/$2") ;;
        py) CMD=("$PYTHON" "bench/conc/$2.py") ;;
    esac
}

label() { case "$1" in pyro) echo "Pyro" ;; go) echo "Go" ;; py) echo "asyncio" ;; esac; }

# run_once KEY CMD... -> runs CMD under the timeout, recording $tmp/KEY.out,
#   .err and .secs (wall clock, including ~1 ms for the timeout wrapper); for
#   blocked_rss also .rss (peak KiB). Returns CMD's status (124: timed out).
run_once() {
    local key=$1
    shift
    local t0 t1 rc
    set +e
    if [ "$MEASURE_RSS" = 1 ]; then
        t0=$(now)
        maxrss "$tmp/$key.rss" timeout -k 5 "$CHECK_TIMEOUT" "$@" >"$tmp/$key.out" 2>"$tmp/$key.err"
        rc=$?
        t1=$(now)
    else
        t0=$(now)
        timeout -k 5 "$CHECK_TIMEOUT" "$@" >"$tmp/$key.out" 2>"$tmp/$key.err"
        rc=$?
        t1=$(now)
        echo 0 >"$tmp/$key.rss"
    fi
    set -e
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' >"$tmp/$key.secs"
    return "$rc"
}

# ---------------------------------------------------------------- the runs
declare -A MED      # [name.impl] median seconds
declare -A MARK     # [name] "" | MISMATCH | FAIL ...
declare -A RESULT   # [name.impl] the printed result of the first run
declare -A SPEEDUP  # [impl] median parallel speedup
declare -A RSSKB    # [n.impl] median peak RSS (KiB) at n blocked tasks
declare -A BAD      # [name.impl] 1 if that implementation failed

result_of() { # name outfile -> the line that must agree across implementations
    if [ "$1" = parallel_cpu ]; then head -n 1 "$2"; else cat "$2"; fi
}

bench_one() { # name [arg] -> times every implementation RUNS times, interleaved
    local name=$1 arg=${2:-} round impl key rc res
    local -A secs=() spd=() rss=()
    local total=$((WARMUP + RUNS))
    for ((round = 0; round < total; round++)); do
        for impl in "${IMPLS[@]}"; do
            impl_ok "$impl" || { BAD[$name.$impl]=1; continue; }
            [ "${BAD[$name.$impl]:-}" = 1 ] && continue
            cmd_for "$impl" "$name"
            key="$name.$impl.$round"
            rc=0
            run_once "$key" "${CMD[@]}" ${arg:+"$arg"} || rc=$?
            if [ "$rc" != 0 ]; then
                BAD[$name.$impl]=1
                status=1
                if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
                    MARK[$name]="${MARK[$name]:+${MARK[$name]}, }FAIL ($impl: timeout ${CHECK_TIMEOUT}s)"
                    echo "!! FAIL: $impl $name${arg:+ $arg} took more than ${CHECK_TIMEOUT}s" >&2
                else
                    MARK[$name]="${MARK[$name]:+${MARK[$name]}, }FAIL ($impl: exit $rc)"
                    echo "!! FAIL: $impl $name${arg:+ $arg} exited with status $rc; its stderr:" >&2
                    head -n 20 "$tmp/$key.err" | sed 's/^/   | /' >&2
                fi
                continue
            fi
            res=$(result_of "$name" "$tmp/$key.out")
            if [ -z "${RESULT[$name$arg.$impl]+x}" ]; then
                RESULT[$name$arg.$impl]=$res
            elif [ "${RESULT[$name$arg.$impl]}" != "$res" ]; then
                MARK[$name]="MISMATCH"
                status=1
                echo "!! MISMATCH: $impl $name printed '$res', earlier '${RESULT[$name$arg.$impl]}'" >&2
            fi
            if [ "$round" -ge "$WARMUP" ]; then
                secs[$impl]+="$(cat "$tmp/$key.secs") "
                rss[$impl]+="$(cat "$tmp/$key.rss") "
                if [ "$name" = parallel_cpu ]; then
                    spd[$impl]+="$(sed -n 's/^speedup \([0-9.]*\).*/\1/p' "$tmp/$key.out") "
                fi
            fi
        done
    done
    for impl in "${IMPLS[@]}"; do
        [ -n "${secs[$impl]:-}" ] || continue
        MED[$name$arg.$impl]=$(tr ' ' '\n' <<<"${secs[$impl]}" | grep . | median)
        RSSKB[$name$arg.$impl]=$(tr ' ' '\n' <<<"${rss[$impl]}" | grep . | median)
        if [ "$name" = parallel_cpu ]; then
            SPEEDUP[$impl]=$(tr ' ' '\n' <<<"${spd[$impl]}" | grep . | median)
        fi
        # the spread, to judge the noise
        printf '   %-8s %s s%s\n' "$(label "$impl")" \
            "$(tr ' ' '\n' <<<"${secs[$impl]}" | grep . | awk '{ printf "%s%.3f", (NR > 1 ? " " : ""), $1 }')" \
            "$([ "$name" = parallel_cpu ] && echo "; speedups ${spd[$impl]% }")"
    done
    # the three implementations must agree
    local first="" firstimpl="" printed=""
    for impl in "${IMPLS[@]}"; do
        [ -n "${RESULT[$name$arg.$impl]+x}" ] || continue
        printed+=" $(label "$impl")='${RESULT[$name$arg.$impl]}'"
        if [ -z "$firstimpl" ]; then
            first=${RESULT[$name$arg.$impl]}
            firstimpl=$impl
        elif [ "${RESULT[$name$arg.$impl]}" != "$first" ]; then
            MARK[$name]="MISMATCH"
            status=1
        fi
    done
    if [ "${MARK[$name]:-}" = MISMATCH ]; then
        echo "!! MISMATCH in $name${arg:+ $arg}:$printed" >&2
    else
        echo "   prints:$printed"
    fi
}

s3() { if [ -n "${1:-}" ] && [ "$1" != - ]; then awk -v s="$1" 'BEGIN { printf "%.3f", s }'; else echo "-"; fi; }
ratio() { # a b -> a / b to 2 decimals, or "-"
    if [ -n "${1:-}" ] && [ -n "${2:-}" ] && [ "$1" != - ] && [ "$2" != - ]; then
        awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
    else
        echo "-"
    fi
}

for name in "${selected[@]}"; do
    echo
    echo "== $name ($WARMUP warm-up + $RUNS rounds of Pyro, Go, asyncio)"
    MARK[$name]=""
    MEASURE_RSS=0
    if [ "$name" = blocked_rss ]; then
        MEASURE_RSS=1
        bench_one blocked_rss "$RSS_N"
        echo "   baseline: $RSS_BASE_N blocked tasks"
        bench_one blocked_rss "$RSS_BASE_N"
        # the table shows the timing of the RSS_N run
        for impl in "${IMPLS[@]}"; do
            if [ -n "${MED[blocked_rss$RSS_N.$impl]:-}" ]; then
                MED[blocked_rss.$impl]=${MED[blocked_rss$RSS_N.$impl]}
            fi
        done
    else
        bench_one "$name"
    fi
done

# ---------------------------------------------------------------- summary
echo
echo "== summary ($(uname -m), $(nproc) cores, Pyro workers: ${PYRO_WORKER_THREADS:-default = $(nproc)}," \
    "$("$GO" version 2>/dev/null | awk '{ print $3 }'), CPython $PY_VERSION; medians of $RUNS rounds after $WARMUP warm-up)"
echo
echo "| benchmark | Pyro (s) | Go (s) | asyncio (s) | Pyro/Go | asyncio/Pyro | status |"
echo "|---|---|---|---|---|---|---|"
for name in "${selected[@]}"; do
    p=${MED[$name.pyro]:-}
    g=${MED[$name.go]:-}
    a=${MED[$name.py]:-}
    echo "| $name | $(s3 "$p") | $(s3 "$g") | $(s3 "$a") | $(ratio "$p" "$g") | $(ratio "$a" "$p") | ${MARK[$name]:-ok} |"
done
echo

have() { for n in "${selected[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }

if have parallel_cpu; then
    echo "parallel_cpu: speedup = time of fib(27) twice in sequence / time of two fib(27) in two tasks at once"
    echo "(CPython uses threads: the GIL keeps it near 1.0x; Go's fib(27) takes ~1 ms, so its figure is noisy)"
    echo
    echo "| | Pyro | Go | CPython threads |"
    echo "|---|---|---|---|"
    echo "| median speedup | ${SPEEDUP[pyro]:--}x | ${SPEEDUP[go]:--}x | ${SPEEDUP[py]:--}x |"
    echo
fi

declare -A PER_TASK
if have blocked_rss; then
    echo "blocked_rss: median peak RSS (/usr/bin/time %M) with N tasks blocked on one channel at once"
    echo
    echo "| | Pyro | Go | asyncio |"
    echo "|---|---|---|---|"
    line1="| peak RSS, N=$RSS_N |"
    line0="| peak RSS, N=$RSS_BASE_N |"
    line2="| bytes per blocked task |"
    for impl in "${IMPLS[@]}"; do
        hi=${RSSKB[blocked_rss$RSS_N.$impl]:-}
        lo=${RSSKB[blocked_rss$RSS_BASE_N.$impl]:-}
        if [ -n "$hi" ] && [ -n "$lo" ]; then
            PER_TASK[$impl]=$(awk -v h="$hi" -v l="$lo" -v n="$RSS_N" -v b="$RSS_BASE_N" \
                'BEGIN { printf "%.0f", (h - l) * 1024 / (n - b) }')
            line1+=" $(awk -v k="$hi" 'BEGIN { printf "%.1f MiB", k / 1024 }') |"
            line0+=" $(awk -v k="$lo" 'BEGIN { printf "%.1f MiB", k / 1024 }') |"
            line2+=" ${PER_TASK[$impl]} |"
        else
            line1+=" - |"
            line0+=" - |"
            line2+=" - |"
        fi
    done
    printf '%s\n' "$line1" "$line0" "$line2"
    echo
fi

# ---------------------------------------------------------------- targets (issue #4)
verdict() { # NAME AWK-CONDITION-ON-x VALUE -> met / missed / void (...) / -
    case "${MARK[$1]:-}" in MISMATCH* | FAIL*) echo "void (${MARK[$1]})"; return ;; esac
    if [ -z "${3:-}" ] || [ "$3" = - ]; then echo "-"; return; fi
    awk -v x="$3" "BEGIN { print (($2) ? \"met\" : \"missed\") }"
}
echo "| target (issue #4) | measured | verdict |"
echo "|---|---|---|"
if have pingpong; then
    r=$(ratio "${MED[pingpong.pyro]:-}" "${MED[pingpong.go]:-}")
    echo "| ping-pong within 5x of Go | Pyro/Go = ${r}x | $(verdict pingpong 'x <= 5' "$r") |"
    r=$(ratio "${MED[pingpong.py]:-}" "${MED[pingpong.pyro]:-}")
    echo "| ping-pong >= 3x faster than asyncio | asyncio/Pyro = ${r}x | $(verdict pingpong 'x >= 3' "$r") |"
fi
if have spawn; then
    r=$(ratio "${MED[spawn.pyro]:-}" "${MED[spawn.go]:-}")
    echo "| spawn 100 000 within 3x of Go | Pyro/Go = ${r}x | $(verdict spawn 'x <= 3' "$r") |"
fi
if have parallel_cpu; then
    r=${SPEEDUP[pyro]:-}
    echo "| parallel speedup >= 1.7x on $(nproc) cores | ${r:--}x | $(verdict parallel_cpu 'x >= 1.7' "$r") |"
fi
if have blocked_rss; then
    r=${PER_TASK[pyro]:-}
    echo "| <= 2 KB (2048 bytes) per blocked task | ${r:--} bytes | $(verdict blocked_rss 'x <= 2048' "$r") |"
fi
echo

if [ "$status" != 0 ]; then
    echo "!! some steps FAILED or MISMATCHED (see above)" >&2
fi
exit "$status"
