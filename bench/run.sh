#!/usr/bin/env bash
# Measures Baton against the machine's own cp, mv and sync on the same files, in the same run:
#   small-files: N files of 1 KiB (default 10,000) from inbox to outbox, journal on, outputs durable;
#   large-file:  one file of 1 GiB through the copy step.
# Every trial value goes to bench/results/STAMP.tsv and a Markdown summary (machine, medians,
# ratios) to bench/results/STAMP.md. docs/benchmarks.md explains the method.
#
# Usage: bench/run.sh [--quick] [--work DIR] [options]; bench/run.sh --help lists them.
# Needs: Java 21 or newer (JAVA_HOME), curl, jq, GNU coreutils; python3 for the fsync reference.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
SERVICE=bench-copy
SMALL_TRIALS=7
LARGE_TRIALS=5
FILES=10000
FILE_BYTES=1024
LARGE_MIB=1024
WORK_PARENT=/tmp
BUILD=auto
CLEANUP=false
POLL_SECONDS=1
RUN_TIMEOUT_SECONDS=900

usage() {
    cat <<EOF
Usage: bench/run.sh [options]

Options:
  --quick            3 trials per scenario instead of 7 (small files) and 5 (large file)
  --work DIR         parent folder of the work folder (default: /tmp); never a folder in the repository
  --small-trials N   trials of the small-files scenario (default: 7, or 3 with --quick)
  --large-trials N   trials of the large-file scenario (default: 5, or 3 with --quick; 0 skips it)
  --files N          files in the small-files scenario (default: 10000)
  --large-mib N      size of the large file in MiB (default: 1024)
  --build            build the product with ./mvnw before measuring (default: only when
                     baton-dist/target/baton-home is missing)
  --no-build         never build; fail when baton-dist/target/baton-home is missing
  --cleanup          delete the work folder at the very end (default: keep it and print its path)
  -h, --help         show this help

Set JAVA_HOME to a JDK 21 or newer.
EOF
}

fail() {
    echo "bench: $*" >&2
    exit 1
}

ORIGINAL_ARGS="$*"
quick=false
small_trials_set=""
large_trials_set=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=true ;;
        --work) [ $# -ge 2 ] || fail "--work needs a folder"; WORK_PARENT=$2; shift ;;
        --small-trials) [ $# -ge 2 ] || fail "--small-trials needs a number"; small_trials_set=$2; shift ;;
        --large-trials) [ $# -ge 2 ] || fail "--large-trials needs a number"; large_trials_set=$2; shift ;;
        --files) [ $# -ge 2 ] || fail "--files needs a number"; FILES=$2; shift ;;
        --large-mib) [ $# -ge 2 ] || fail "--large-mib needs a number"; LARGE_MIB=$2; shift ;;
        --build) BUILD=always ;;
        --no-build) BUILD=never ;;
        --cleanup) CLEANUP=true ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; fail "unknown option: $1" ;;
    esac
    shift
done
if $quick; then
    SMALL_TRIALS=3
    LARGE_TRIALS=3
fi
SMALL_TRIALS=${small_trials_set:-$SMALL_TRIALS}
LARGE_TRIALS=${large_trials_set:-$LARGE_TRIALS}
for number in "$SMALL_TRIALS" "$LARGE_TRIALS" "$FILES" "$LARGE_MIB"; do
    [[ "$number" =~ ^[0-9]+$ ]] || fail "invalid number: $number; give a whole number"
done
[ "$SMALL_TRIALS" -ge 1 ] || fail "--small-trials must be at least 1"
[ "$FILES" -ge 1 ] && [ "$FILES" -le 100000 ] || fail "--files must be between 1 and 100000 (the service claims at most 100000 per run)"
LARGE_BYTES=$((LARGE_MIB * 1024 * 1024))

for tool in curl jq split sync findmnt; do
    command -v "$tool" >/dev/null || fail "$tool is missing; install it and run again"
done
HAVE_PYTHON=false
if command -v python3 >/dev/null; then
    HAVE_PYTHON=true
else
    echo "bench: python3 is missing; the 'copy with fsync per file' reference is skipped" >&2
fi
[ -n "${JAVA_HOME:-}" ] || echo "bench: JAVA_HOME is not set; bin/baton uses the java on the PATH, which must be 21 or newer" >&2

# ---------------------------------------------------------------------------------------------
# Product and work folder

DIST=$REPO/baton-dist/target/baton-home
if [ "$BUILD" = always ] || { [ "$BUILD" = auto ] && [ ! -x "$DIST/bin/baton" ]; }; then
    echo "Building Baton: ./mvnw -q install -DskipTests"
    (cd "$REPO" && ./mvnw -q install -DskipTests)
fi
[ -x "$DIST/bin/baton" ] || fail "$DIST/bin/baton is missing; build with: cd $REPO && ./mvnw -q install -DskipTests"

. "$REPO/bench/work-folder.sh"
make_work_folder "$WORK_PARENT" baton-bench

# Space needed: each large trial keeps three copies of the file (archived input, output, cp copy).
# Each small trial keeps four copies of the tree (archived input, output, two references) in 4 KiB
# blocks. 1 GiB more is kept free.
needed_kib=$(( (LARGE_TRIALS * 3 * LARGE_BYTES + SMALL_TRIALS * FILES * 4 * 4096) / 1024 + 1024 * 1024 ))
available_kib=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
[ "$available_kib" -ge "$needed_kib" ] || fail "$WORK has $((available_kib / 1024)) MiB free; the benchmark needs about $((needed_kib / 1024)) MiB; pass --work DIR or fewer trials"

RESULTS_DIR=$REPO/bench/results
mkdir -p "$RESULTS_DIR"
RESULTS=$RESULTS_DIR/$STAMP.tsv
SUMMARY=$RESULTS_DIR/$STAMP.md
printf 'stamp\tscenario\ttrial\tphase\tmetric\tvalue\tunit\n' > "$RESULTS"

HOME_DIR=$WORK/home
DATA=$WORK/data
GEN=$WORK/gen
REF=$WORK/ref
mkdir -p "$HOME_DIR" "$GEN" "$REF"
# A private copy of the program directory: the node writes run/ (API port, token, worker sockets)
# there, and a rebuild of baton-dist during the benchmark cannot change what is measured.
cp -rp "$DIST/bin" "$DIST/lib" "$DIST/conf" "$HOME_DIR/"
# Other people may rebuild baton-dist while the benchmark runs, so the product is described now, from
# the copy. The description is the time of its newest Baton jar and the repository commit at this moment.
PRODUCT_JARS_BUILT=$(find "$HOME_DIR/lib" -name 'baton-*.jar' -printf '%T@\n' | sort -n | tail -1 | xargs -I{} date -u -d @{} '+%Y-%m-%d %H:%M:%S UTC')
PRODUCT_COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$REPO" diff --quiet HEAD -- 2>/dev/null; then
    PRODUCT_COMMIT="$PRODUCT_COMMIT, with uncommitted changes to tracked files"
fi
export BATON_HOME=$HOME_DIR
BATON=$HOME_DIR/bin/baton

# ---------------------------------------------------------------------------------------------
# Helpers

now() {
    date +%s.%N
}

# Prints B - A for two decimal numbers of seconds.
difference() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'
}

# Prints COUNT / SECONDS.
rate() {
    awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", n / s; else print "nan" }'
}

# Appends one row to the results file: scenario trial metric value unit.
record() {
    local phase=steady
    if [ "$2" = 1 ]; then phase=first; fi
    if [ "$2" = - ]; then phase=all; fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$STAMP" "$1" "$2" "$phase" "$3" "$4" "$5" >> "$RESULTS"
}

# Runs a command and stores its wall time in seconds in ELAPSED.
time_command() {
    local start
    start=$(now)
    "$@"
    ELAPSED=$(difference "$start" "$(now)")
}

cp_then_sync() {
    cp -r "$1" "$2"
    sync
}

mv_each_then_sync() {
    mkdir "$2"
    mv -- "$1"/* "$2"/
    sync
}

copy_fsync_each() {
    python3 "$REPO/bench/copy_fsync.py" "$1" "$2"
}

# CPU time (user + system) of a process in clock ticks, from /proc/PID/stat.
process_ticks() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# Busy and I/O-wait time of the whole machine in clock ticks, from /proc/stat.
machine_ticks() {
    awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $6 }' /proc/stat
}

TICKS=$(getconf CLK_TCK)

# Free memory in MiB. It is recorded because, on the virtual machine of docs/benchmarks.md, large
# copies cost about 3 times less CPU time once the page cache had taken all free memory.
free_mib() {
    awk '$1 == "MemFree:" { printf "%.0f", $2 / 1024 }' /proc/meminfo
}

status_kib() {
    awk -v field="$2:" '$1 == field { print $2 }' "/proc/$1/status"
}

NODE_PID=""
PORT=""
TOKEN=""

api() {
    local path=$1
    shift
    curl -sS --fail-with-body -H "Authorization: Bearer $TOKEN" "$@" "http://127.0.0.1:$PORT$path"
}

start_node() {
    local log=$WORK/node-$1.out
    rm -f "$HOME_DIR/run/api.port" "$HOME_DIR/run/api.token"
    "$BATON" node --data "$DATA" --api-port 0 --node-id bench > "$log" 2>&1 &
    NODE_PID=$!
    local deadline=$((SECONDS + 60))
    until [ -s "$HOME_DIR/run/api.port" ] && [ -s "$HOME_DIR/run/api.token" ]; do
        kill -0 "$NODE_PID" 2>/dev/null || fail "the node exited at start; see $log"
        [ $SECONDS -lt $deadline ] || fail "the node did not write run/api.port within 60 s; see $log"
        sleep 0.2
    done
    PORT=$(cat "$HOME_DIR/run/api.port")
    TOKEN=$(cat "$HOME_DIR/run/api.token")
    until api_active; do
        kill -0 "$NODE_PID" 2>/dev/null || fail "the node exited at start; see $log"
        [ $SECONDS -lt $deadline ] || fail "the node did not become active within 60 s; see $log"
        sleep 0.2
    done
}

api_active() {
    curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/active" | grep -q '^200$'
}

stop_node() {
    [ -n "$NODE_PID" ] || return 0
    if kill -0 "$NODE_PID" 2>/dev/null; then
        kill -TERM "$NODE_PID"
        local deadline=$((SECONDS + 120))
        while kill -0 "$NODE_PID" 2>/dev/null; do
            if [ $SECONDS -ge $deadline ]; then
                echo "bench: the node (pid $NODE_PID) did not stop within 120 s of SIGTERM; killing it" >&2
                kill -KILL "$NODE_PID" 2>/dev/null || true
                break
            fi
            sleep 0.2
        done
    fi
    wait "$NODE_PID" 2>/dev/null || true
    NODE_PID=""
}

on_exit() {
    local status=$?
    stop_node
    if [ $status -ne 0 ]; then
        echo "bench: stopped with status $status; the work folder $WORK and the partial results $RESULTS are kept" >&2
    fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

start_service() {
    local state
    state=$(api "/api/services/$SERVICE" | jq -r .state)
    if [ "$state" != RUNNING ]; then
        api "/api/services/$SERVICE/start" -X POST > /dev/null
    fi
    WORKER_PID=$(api "/api/services/$SERVICE" | jq -r .workerPid)
    [[ "$WORKER_PID" =~ ^[0-9]+$ ]] || fail "service $SERVICE has no worker after start"
}

latest_run_id() {
    api "/api/services/$SERVICE/runs?limit=1" | jq -r '.[0].id // 0'
}

# Waits until the runs after AFTER_ID have committed EXPECTED items and none is running. Sets
# RUN_STARTED and RUN_ENDED (epoch seconds, from the run records) and RUN_COUNT.
wait_for_runs() {
    local after=$1 expected=$2 deadline=$((SECONDS + RUN_TIMEOUT_SECONDS)) summary
    while :; do
        summary=$(api "/api/services/$SERVICE/runs?limit=50" | jq -r --argjson after "$after" '
            [.[] | select(.id > $after)] as $runs
            | [($runs | length),
               ($runs | map(.itemsCommitted) | add // 0),
               ($runs | map(.itemsFailed + .itemsQuarantined) | add // 0),
               ($runs | map(select(.state == "RUNNING")) | length),
               ($runs | map(.startedAt) | min // "-"),
               ($runs | map(.endedAt // "") | max // "-")] | @tsv')
        local count committed failed running started ended
        IFS=$'\t' read -r count committed failed running started ended <<< "$summary"
        [ "$failed" = 0 ] || fail "Baton runs after run $after report $failed failed or quarantined item(s); see $DATA/logs"
        if [ "$running" = 0 ] && [ "$committed" -ge "$expected" ]; then
            RUN_COUNT=$count
            RUN_STARTED=$(date -d "$started" +%s.%N)
            RUN_ENDED=$(date -d "$ended" +%s.%N)
            return 0
        fi
        [ $SECONDS -lt $deadline ] || fail "Baton committed $committed of $expected items within $RUN_TIMEOUT_SECONDS s; see $DATA/logs"
        sleep "$POLL_SECONDS"
    done
}

# Moves the prepared folder INPUT into the inbox as inbox/NAME (one rename, so every file becomes
# visible at once), waits for Baton to archive every input, and records the times and CPU use.
measure_baton() {
    local scenario=$1 trial=$2 input=$3 name=$4 items=$5 amount=$6 unit=$7
    sync
    record "$scenario" "$trial" mem_free_mib "$(free_mib)" MiB
    local after daemon_before worker_before machine_before daemon_after worker_after machine_after start
    after=$(latest_run_id)
    daemon_before=$(process_ticks "$NODE_PID")
    worker_before=$(process_ticks "$WORKER_PID")
    machine_before=$(machine_ticks)
    start=$(now)
    mv "$input" "$DATA/inbox/$name"
    wait_for_runs "$after" "$items"
    daemon_after=$(process_ticks "$NODE_PID")
    worker_after=$(process_ticks "$WORKER_PID")
    machine_after=$(machine_ticks)

    local e2e run pickup
    e2e=$(difference "$start" "$RUN_ENDED")
    run=$(difference "$RUN_STARTED" "$RUN_ENDED")
    pickup=$(difference "$start" "$RUN_STARTED")
    record "$scenario" "$trial" baton_e2e_s "$e2e" s
    record "$scenario" "$trial" baton_e2e_rate "$(rate "$amount" "$e2e")" "$unit"
    record "$scenario" "$trial" baton_run_s "$run" s
    record "$scenario" "$trial" baton_run_rate "$(rate "$amount" "$run")" "$unit"
    record "$scenario" "$trial" baton_pickup_s "$pickup" s
    [ "$RUN_COUNT" = 1 ] || echo "bench: trial $trial of $scenario took $RUN_COUNT runs" >&2

    read -r busy_before iowait_before <<< "$machine_before"
    read -r busy_after iowait_after <<< "$machine_after"
    awk -v d="$((daemon_after - daemon_before))" -v w="$((worker_after - worker_before))" \
        -v b="$((busy_after - busy_before))" -v io="$((iowait_after - iowait_before))" -v t="$TICKS" \
        'BEGIN { printf "%.2f %.2f %.2f %.2f\n", d / t, w / t, (b - d - w) / t, io / t }' \
        | { read -r daemon_cpu worker_cpu other_cpu iowait
            record "$scenario" "$trial" daemon_cpu_s "$daemon_cpu" s
            record "$scenario" "$trial" worker_cpu_s "$worker_cpu" s
            record "$scenario" "$trial" other_cpu_s "$other_cpu" s
            record "$scenario" "$trial" iowait_s "$iowait" s; }
    BATON_E2E=$e2e
}

record_memory() {
    local scenario=$1 when=$2
    local worker_now
    worker_now=$(api "/api/services/$SERVICE" | jq -r .workerPid)
    [ "$worker_now" = "$WORKER_PID" ] || fail "the worker of $SERVICE changed from pid $WORKER_PID to $worker_now during $scenario; its peak RSS is incomplete"
    if [ "$when" = idle ]; then
        record "$scenario" - daemon_idle_rss_kib "$(status_kib "$NODE_PID" VmRSS)" KiB
        record "$scenario" - worker_idle_rss_kib "$(status_kib "$WORKER_PID" VmRSS)" KiB
    else
        record "$scenario" - daemon_vmhwm_kib "$(status_kib "$NODE_PID" VmHWM)" KiB
        record "$scenario" - worker_vmhwm_kib "$(status_kib "$WORKER_PID" VmHWM)" KiB
    fi
}

count_files() {
    find "$1" -type f | wc -l
}

# ---------------------------------------------------------------------------------------------
# Machine

java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
machine_report() {
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- Command: bench/run.sh $ORIGINAL_ARGS"
    echo "- Product: $DIST, newest Baton jar built $PRODUCT_JARS_BUILT; repository at the start: $PRODUCT_COMMIT"
    echo "- CPU: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo))"
    echo "- Memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "- Work folder: $WORK on $(findmnt -no FSTYPE -T "$WORK") ($(findmnt -no SOURCE -T "$WORK"), options $(findmnt -no OPTIONS -T "$WORK"))"
    echo "- Kernel: $(uname -sr)"
    echo "- JDK: $("$java_bin" -version 2>&1 | sed -n 2p)"
    echo "- Scenarios: small-files, $FILES files of $FILE_BYTES bytes, $SMALL_TRIALS trials; large-file, one file of $LARGE_MIB MiB, $LARGE_TRIALS trials"
}

# ---------------------------------------------------------------------------------------------
# Setup

echo "Work folder: $WORK"
echo "Results: $RESULTS"
"$BATON" init "$DATA" > /dev/null
mkdir -p "$WORK/service" "$DATA/inbox"
cat > "$WORK/service/service.yaml" <<EOF
name: $SERVICE
autoStart: true
schedule: { every: 1s }
source: { path: inbox, include: "*", recursive: true, maxFilesPerRun: 100000 }
process: [ { type: copy } ]
targets: [ { path: outbox, name: "{name}" } ]
onSuccess: { archive: "archive/{yyyy}/{MM}/{dd}" }
EOF

# Every small-files tree is created now, before Baton deletes anything. On some file systems, creating
# many files soon after deleting many is much slower, and this keeps that delay out of the setup.
echo "Generating $SMALL_TRIALS trees of $FILES files of $FILE_BYTES bytes"
for trial in $(seq 1 "$SMALL_TRIALS"); do
    mkdir "$GEN/small-$trial"
    head -c $((FILES * FILE_BYTES)) /dev/urandom | (cd "$GEN/small-$trial" && split -b "$FILE_BYTES" -a 6 -d - f)
done
sync

started_all=$SECONDS

# ---------------------------------------------------------------------------------------------
# Scenario 1: many small files

SMALL=small-files
start_node "$SMALL"
"$BATON" deploy "$WORK/service" > /dev/null
start_service
sleep 2
record_memory "$SMALL" idle
for trial in $(seq 1 "$SMALL_TRIALS"); do
    source_tree=$GEN/small-$trial

    sync
    time_command cp_then_sync "$source_tree" "$REF/small-$trial-cp"
    record "$SMALL" "$trial" cp_sync_s "$ELAPSED" s
    record "$SMALL" "$trial" cp_sync_rate "$(rate "$FILES" "$ELAPSED")" files/s
    cp_seconds=$ELAPSED

    if $HAVE_PYTHON; then
        sync
        time_command copy_fsync_each "$source_tree" "$REF/small-$trial-fsync"
        record "$SMALL" "$trial" fsync_copy_s "$ELAPSED" s
        record "$SMALL" "$trial" fsync_copy_rate "$(rate "$FILES" "$ELAPSED")" files/s
    fi

    sync
    time_command mv_each_then_sync "$source_tree" "$GEN/small-$trial-moved"
    record "$SMALL" "$trial" mv_sync_s "$ELAPSED" s
    record "$SMALL" "$trial" mv_sync_rate "$(rate "$FILES" "$ELAPSED")" files/s

    measure_baton "$SMALL" "$trial" "$GEN/small-$trial-moved" "small-$trial" "$FILES" "$FILES" files/s
    record "$SMALL" "$trial" ratio_e2e_vs_cp "$(awk -v b="$BATON_E2E" -v c="$cp_seconds" 'BEGIN { printf "%.4f", c / b }')" ratio

    published=$(count_files "$DATA/outbox/small-$trial")
    left=$(count_files "$DATA/inbox/small-$trial")
    [ "$published" = "$FILES" ] || fail "trial $trial: $published of $FILES outputs in $DATA/outbox/small-$trial"
    [ "$left" = 0 ] || fail "trial $trial: $left inputs left in $DATA/inbox/small-$trial"
    cmp -s "$DATA/outbox/small-$trial/f000000" "$REF/small-$trial-cp/f000000" \
        || fail "trial $trial: $DATA/outbox/small-$trial/f000000 differs from the cp copy"
    echo "  $SMALL trial $trial: cp+sync $cp_seconds s, Baton $BATON_E2E s"
done
record_memory "$SMALL" peak
stop_node

# ---------------------------------------------------------------------------------------------
# Scenario 2: one large file

LARGE=large-file
if [ "$LARGE_TRIALS" -gt 0 ]; then
    start_node "$LARGE"
    start_service
    sleep 2
    record_memory "$LARGE" idle
    for trial in $(seq 1 "$LARGE_TRIALS"); do
        mkdir "$GEN/large-$trial"
        head -c "$LARGE_BYTES" /dev/urandom > "$GEN/large-$trial/large.bin"
        sync
        mib=$LARGE_MIB

        time_command cp_then_sync "$GEN/large-$trial/large.bin" "$REF/large-$trial-cp.bin"
        record "$LARGE" "$trial" cp_sync_s "$ELAPSED" s
        record "$LARGE" "$trial" cp_sync_rate "$(rate "$mib" "$ELAPSED")" MiB/s
        cp_seconds=$ELAPSED

        measure_baton "$LARGE" "$trial" "$GEN/large-$trial" "large-$trial" 1 "$mib" MiB/s
        record "$LARGE" "$trial" ratio_e2e_vs_cp "$(awk -v b="$BATON_E2E" -v c="$cp_seconds" 'BEGIN { printf "%.4f", c / b }')" ratio

        cmp -s "$DATA/outbox/large-$trial/large.bin" "$REF/large-$trial-cp.bin" \
            || fail "trial $trial: $DATA/outbox/large-$trial/large.bin differs from the cp copy"
        echo "  $LARGE trial $trial: cp+sync $cp_seconds s, Baton $BATON_E2E s"
    done
    record_memory "$LARGE" peak
    stop_node
fi

# ---------------------------------------------------------------------------------------------
# Summary

{
    echo "## Baton benchmark $STAMP"
    echo
    machine_report
    echo "- Measuring time: $((SECONDS - started_all)) s"
    echo
    "$REPO/bench/summarize.sh" "$RESULTS"
} > "$SUMMARY"
cat "$SUMMARY"
echo "Results: $RESULTS"
echo "Summary: $SUMMARY"

if $CLEANUP; then
    echo "Deleting the work folder $WORK"
    rm -rf -- "$WORK"
else
    echo "The work folder $WORK is kept (inputs, outputs, archive, node logs); delete it with: rm -rf $WORK"
fi
