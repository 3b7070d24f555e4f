#!/bin/bash
# Runs the fx-rates example end to end on one local Baton node. The script builds the repository and
# creates a node program directory and a data directory under a work folder. It splits
# examples/data/exchange-rates/monthly.csv into one drop per month and lets the node convert every drop
# to JSON Lines. Then it checks the result, prints a summary and stops the node.
#
# Usage: examples/run-main-job.sh [WORK_DIR]
#   WORK_DIR  folder for the node, its data and the drops (default: <repository>/target/main-job).
#             It is deleted and created anew on every run, so it must be empty, missing, or a folder
#             that an earlier run of this script created.
#
# Environment:
#   JAVA_HOME                     JDK 21 or newer to build and run with; without it, java on the PATH
#   MAIN_JOB_TIMEOUT_SECONDS      maximum wait for all drops to be processed (default: 300)
#   MAVEN_ARGS                    extra Maven arguments for the build, for example -o to build offline
#
# Exit codes: 0 every drop was converted once, 1 failure (the node log tail is printed), 2 usage error.
set -euo pipefail

readonly SERVICE=fx-rates
readonly NODE_ID=main-job
# Written into the work folder so that a later run deletes only folders this script created.
readonly MARKER=.run-main-job

usage() {
    echo "Usage: $0 [WORK_DIR]   (default WORK_DIR: <repository>/target/main-job)" >&2
    exit 2
}

case "${1:-}" in
    -h | --help) usage ;;
esac
if [ "$#" -gt 1 ]; then
    usage
fi

REPO_ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${1:-$REPO_ROOT/target/main-job}
TIMEOUT_SECONDS=${MAIN_JOB_TIMEOUT_SECONDS:-300}
if ! [[ "$TIMEOUT_SECONDS" =~ ^[1-9][0-9]*$ ]]; then
    echo "run-main-job: MAIN_JOB_TIMEOUT_SECONDS is '$TIMEOUT_SECONDS'; set it to a whole number of seconds, at least 1" >&2
    exit 2
fi

NODE_PID=

step() {
    echo "==> $*"
}

# Prints the failure, the end of the node's log, and exits 1; the EXIT trap then stops the node.
fail() {
    echo "run-main-job: FAILED: $*" >&2
    print_node_log_tail >&2
    exit 1
}

print_node_log_tail() {
    local node_log=${DATA:-}/logs/node-$NODE_ID.log
    if [ -n "${DATA:-}" ] && [ -s "$node_log" ]; then
        echo "--- last 40 lines of $node_log ---"
        tail -n 40 "$node_log"
    elif [ -n "${WORK:-}" ] && [ -s "$WORK/node-console.log" ]; then
        echo "--- last 40 lines of $WORK/node-console.log ---"
        tail -n 40 "$WORK/node-console.log"
    fi
}

node_running() {
    [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null
}

# Stops the node this script started, if it still runs: 'baton node stop' first, then SIGTERM to its pid.
stop_node_on_exit() {
    local status=$?
    if node_running; then
        echo "run-main-job: stopping the node (pid $NODE_PID)" >&2
        if ! baton node stop --timeout 60 >/dev/null 2>&1; then
            kill -TERM "$NODE_PID" 2>/dev/null || true
        fi
        wait "$NODE_PID" 2>/dev/null || true
    fi
    exit "$status"
}

baton() {
    "$HOME_DIR/bin/baton" "$@"
}

# Counts the regular files below a folder whose names match a glob; 0 when the folder is missing.
count_files() {
    local folder=$1 pattern=$2
    if [ -d "$folder" ]; then
        find "$folder" -type f -name "$pattern" | wc -l
    else
        echo 0
    fi
}

now_nanos() {
    date +%s%N
}

# Formats the time between two now_nanos values in seconds with one decimal.
seconds_between() {
    awk -v start="$1" -v end="$2" 'BEGIN { printf "%.1f", (end - start) / 1e9 }'
}

# Fails unless JAVA_HOME, or else java on the PATH, is Java 21 or newer, because the build would fail less
# clearly. Sets JAVA_DESCRIPTION.
check_java() {
    local java=java
    if [ -n "${JAVA_HOME:-}" ]; then
        java=$JAVA_HOME/bin/java
        [ -x "$java" ] || fail "JAVA_HOME is $JAVA_HOME, but $java does not exist; set JAVA_HOME to a JDK 21 or newer"
    elif ! command -v java >/dev/null 2>&1; then
        fail "no Java found: java is not on the PATH and JAVA_HOME is not set; install a JDK 21 or newer, or set JAVA_HOME"
    fi
    local version
    version=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    local major=${version%%.*}
    if ! [[ "$major" =~ ^[0-9]+$ ]] || [ "$major" -lt 21 ]; then
        fail "$java is Java ${version:-of unknown version}; Baton needs Java 21 or newer: set JAVA_HOME to a newer JDK"
    fi
    JAVA_DESCRIPTION="$java (Java $version)"
}

# Deletes and recreates the work folder, but only one that is empty, missing or marked by an earlier run.
prepare_work_folder() {
    if [ -e "$WORK" ] && [ ! -d "$WORK" ]; then
        fail "work folder $WORK exists and is not a folder; pass another WORK_DIR"
    fi
    if [ -d "$WORK" ] && [ -n "$(ls -A -- "$WORK")" ] && [ ! -f "$WORK/$MARKER" ]; then
        fail "work folder $WORK is not empty and was not created by this script, so it is not deleted; pass an empty or new WORK_DIR"
    fi
    rm -rf -- "$WORK"
    mkdir -p -- "$WORK"
    WORK=$(cd -- "$WORK" && pwd)
    touch "$WORK/$MARKER"
}

# Splits the CSV into one file per month of the Date column (yyyy-MM-dd), each starting with the header
# line, and prints the number of data records. Line ends are kept as they are (monthly.csv has CRLF).
split_by_month() {
    local csv=$1 out=$2
    awk -v out="$out" '
        NR == 1 { header = $0; next }
        $0 == "" || $0 == "\r" { next }
        {
            month = substr($0, 1, 7)
            if (month !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]$/) {
                printf "line %d of the CSV does not start with a yyyy-MM-dd date: %s\n", NR, $0 > "/dev/stderr"
                failed = 1
                exit 1
            }
            file = out "/" "fx-rates-" month ".csv"
            if (!(file in started)) {
                started[file] = 1
                print header > file
                close(file)
            }
            # Closed after every line, so that over 600 month files never run into a limit on open files.
            print $0 >> file
            close(file)
            records++
        }
        END { if (!failed) print records + 0 }
    ' "$csv"
}

# Waits until the node's API is reachable and the node is active, so that it accepts deployments.
await_active_node() {
    local deadline=$((SECONDS + 60))
    while [ "$SECONDS" -lt "$deadline" ]; do
        node_running || fail "the node exited during startup; see $WORK/node-console.log"
        local status=
        if [ -f "$HOME_DIR/run/api.port" ] && status=$(baton status --json 2>/dev/null) && [[ "$status" == *'"role" : "ACTIVE"'* ]]; then
            return 0
        fi
        sleep 0.5
    done
    fail "the node did not become active within 60 s"
}

# Waits until every drop has one output and an archived input and the inbox is empty.
await_drops_processed() {
    local expected=$1 deadline=$((SECONDS + TIMEOUT_SECONDS))
    local outputs=0 archived=0 waiting=0 quarantined=0
    while [ "$SECONDS" -lt "$deadline" ]; do
        node_running || fail "the node exited while the drops were processed"
        outputs=$(count_files "$OUTBOX" '*.jsonl')
        archived=$(count_files "$ARCHIVE" '*.run-*.csv')
        waiting=$(count_files "$INBOX" '*')
        quarantined=$(count_files "$QUARANTINE" '*.reason.txt')
        if [ "$quarantined" -gt 0 ]; then
            local reason_file
            reason_file=$(find "$QUARANTINE" -type f -name '*.reason.txt' | head -n 1)
            fail "$quarantined input(s) were quarantined in $QUARANTINE; the reason for ${reason_file##*/}:" \
                "$(head -c 500 "$reason_file")"
        fi
        if [ "$outputs" -ge "$expected" ] && [ "$archived" -ge "$expected" ] && [ "$waiting" -eq 0 ]; then
            return 0
        fi
        sleep 0.5
    done
    fail "timed out after $TIMEOUT_SECONDS s: $outputs of $expected outputs, $archived of $expected inputs archived," \
        "$waiting input(s) still in the inbox; raise MAIN_JOB_TIMEOUT_SECONDS on a slow machine"
}

trap stop_node_on_exit EXIT
trap 'exit 1' INT TERM

SCRIPT_START=$(now_nanos)

step "Checking Java"
check_java
echo "$JAVA_DESCRIPTION"

step "Preparing work folder $WORK"
prepare_work_folder
HOME_DIR=$WORK/home
DATA=$WORK/data
DROPS=$WORK/drops
INBOX=$DATA/inbox/$SERVICE
OUTBOX=$DATA/outbox/$SERVICE
ARCHIVE=$DATA/archive/$SERVICE
QUARANTINE=$DATA/quarantine/$SERVICE
# bin/baton prefers BATON_HOME to its own location, so a value from the caller must not leak in.
export BATON_HOME=$HOME_DIR

step "Building Baton (./mvnw -q -Dmaven.test.skip=true package)"
(cd "$REPO_ROOT" && ./mvnw -q -Dmaven.test.skip=true package) || fail "the build failed; see the Maven output above"
DIST=$REPO_ROOT/baton-dist/target/baton-home
[ -x "$DIST/bin/baton" ] || fail "the build did not produce $DIST/bin/baton"

step "Creating the node program directory $HOME_DIR"
mkdir -p "$HOME_DIR"
cp -R "$DIST/bin" "$DIST/lib" "$DIST/conf" "$HOME_DIR/"
# A YAML single-quoted string, so that any path is read as written; a quote inside is doubled.
DATA_YAML="'${DATA//\'/\'\'}'"
cat >"$HOME_DIR/conf/node.yaml" <<EOF
# Settings of the example node, written by examples/run-main-job.sh.
nodeId: $NODE_ID
dataDirectory: $DATA_YAML
api:
  host: 127.0.0.1
  port: 0                        # 0 picks a free port; the node writes it to run/api.port
EOF

step "Creating the data directory $DATA"
baton init "$DATA" >/dev/null
mkdir -p "$INBOX"

step "Splitting monthly.csv into one drop per month"
mkdir -p "$DROPS"
EXPECTED_RECORDS=$(split_by_month "$REPO_ROOT/examples/data/exchange-rates/monthly.csv" "$DROPS") ||
    fail "cannot split examples/data/exchange-rates/monthly.csv"
DROP_COUNT=$(count_files "$DROPS" '*.csv')
[ "$DROP_COUNT" -gt 0 ] || fail "splitting monthly.csv produced no drops"
echo "$DROP_COUNT drops with $EXPECTED_RECORDS records in $DROPS"

step "Starting the node (log: $DATA/logs/node-$NODE_ID.log)"
baton node --api-port 0 >"$WORK/node-console.log" 2>&1 &
NODE_PID=$!
await_active_node
echo "node $NODE_ID is active (pid $NODE_PID, API port $(cat "$HOME_DIR/run/api.port"))"

step "Deploying and starting examples/$SERVICE"
baton deploy "$REPO_ROOT/examples/$SERVICE" || fail "baton deploy examples/$SERVICE failed"
# A deploy stores the service but does not start it, even with autoStart: true.
baton start "$SERVICE" || fail "baton start $SERVICE failed"

step "Dropping $DROP_COUNT files into $INBOX"
# Each rename within one file system is atomic, so the node never lists a half-written drop.
DROP_START=$(now_nanos)
mv -- "$DROPS"/*.csv "$INBOX/"

step "Waiting for every drop to be processed (timeout ${TIMEOUT_SECONDS} s)"
await_drops_processed "$DROP_COUNT"
DROP_END=$(now_nanos)

OUTPUT_COUNT=$(count_files "$OUTBOX" '*.jsonl')
ARCHIVED_COUNT=$(count_files "$ARCHIVE" '*.run-*.csv')
RECORD_COUNT=$(find "$OUTBOX" -type f -name '*.jsonl' -exec cat {} + | wc -l)
[ "$OUTPUT_COUNT" -eq "$DROP_COUNT" ] || fail "$OUTPUT_COUNT outputs for $DROP_COUNT drops; expected one output per drop"
[ "$ARCHIVED_COUNT" -eq "$DROP_COUNT" ] || fail "$ARCHIVED_COUNT archived inputs for $DROP_COUNT drops; expected each drop archived once"
[ "$RECORD_COUNT" -eq "$EXPECTED_RECORDS" ] || fail "the outputs hold $RECORD_COUNT records, but monthly.csv has $EXPECTED_RECORDS"
RUNS=$(baton runs "$SERVICE") || fail "baton runs $SERVICE failed"

step "Stopping the node"
baton node stop || fail "baton node stop failed"
NODE_STATUS=0
wait "$NODE_PID" || NODE_STATUS=$?
NODE_PID=
[ "$NODE_STATUS" -eq 0 ] || fail "the node exited with status $NODE_STATUS"
SCRIPT_END=$(now_nanos)

cat <<EOF

Main job succeeded: every drop was converted once.
  files in:  $DROP_COUNT drops, one per month of examples/data/exchange-rates/monthly.csv
  outputs:   $OUTPUT_COUNT JSON Lines files in $OUTBOX
  records:   $RECORD_COUNT (monthly.csv has $EXPECTED_RECORDS)
  archived:  $ARCHIVED_COUNT inputs under $ARCHIVE/<yyyy>/<MM>/<dd>
  elapsed:   $(seconds_between "$DROP_START" "$DROP_END") s from the drop to the last archived input (checked every 0.5 s), $(seconds_between "$SCRIPT_START" "$SCRIPT_END") s for the whole script
  logs:      $DATA/logs/node-$NODE_ID.log
             $DATA/logs/service-$SERVICE.log
  node:      program directory $HOME_DIR; start it again with: $HOME_DIR/bin/baton node

Runs (baton runs $SERVICE):
$RUNS
EOF
