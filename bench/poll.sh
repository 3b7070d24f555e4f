#!/usr/bin/env bash
# Measures the cost of one poll of a folder that contains many files, none of them ready yet (a
# stableFor rule that no file meets): the listing, the readiness check and the journal work that a
# scheduled tick does when it finds nothing to claim. In the same trials it times the listing alone,
# `ls -l` of the folder and `find DIR -newer REF` as peers.
#
# Every value goes to bench/results/poll-STAMP.tsv and a Markdown summary to
# bench/results/poll-STAMP.md. docs/benchmarks.md explains the method.
#
# Usage: bench/poll.sh [--files N] [--trials N] [--work DIR] [--build] [--cleanup]
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DIST=$REPO/baton-dist/target/baton-home
CLASSES=$REPO/baton-server/target/test-classes
FILES=10000
TRIALS=15
WORK_PARENT=/tmp
BUILD=false
CLEANUP=false
ORIGINAL_ARGS="$*"

fail() {
    echo "bench/poll.sh: $*" >&2
    exit 1
}

usage() {
    cat <<USAGE
Usage: bench/poll.sh [options]
  --files N    files in the source folder (default: 10000)
  --trials N   polls measured, one per trial; the first is reported apart (default: 15)
  --work DIR   parent folder of the work folder (default: /tmp); never a folder in the repository
  --build      build with ./mvnw -q -DskipTests package first (default: only when the program
               directory or the benchmark class is missing)
  --cleanup    delete the work folder at the end (default: keep it and print its path)
  -h, --help   show this help
USAGE
}

while [ $# -gt 0 ]; do
    case "$1" in
        --files) [ $# -ge 2 ] || fail "--files needs a number"; FILES=$2; shift ;;
        --trials) [ $# -ge 2 ] || fail "--trials needs a number"; TRIALS=$2; shift ;;
        --work) [ $# -ge 2 ] || fail "--work needs a folder"; WORK_PARENT=$2; shift ;;
        --build) BUILD=true ;;
        --cleanup) CLEANUP=true ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; fail "unknown option: $1" ;;
    esac
    shift
done
[[ "$FILES" =~ ^[1-9][0-9]*$ ]] || fail "--files must be a whole number of at least 1, not '$FILES'"
[[ "$TRIALS" =~ ^[1-9][0-9]*$ ]] || fail "--trials must be a whole number of at least 1, not '$TRIALS'"

if $BUILD || [ ! -d "$DIST/lib" ] || [ ! -f "$CLASSES/io/baton/server/service/PollBenchmark.class" ]; then
    echo "Building Baton: ./mvnw -q -DskipTests package"
    (cd "$REPO" && ./mvnw -q -DskipTests package)
fi

. "$REPO/bench/work-folder.sh"
make_work_folder "$WORK_PARENT" baton-poll
# Private copies, so that a rebuild during the benchmark cannot change what is measured.
cp -rp "$DIST/lib" "$WORK/lib"
cp -rp "$CLASSES" "$WORK/classes"
PRODUCT_COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$REPO" diff --quiet HEAD -- 2>/dev/null; then
    PRODUCT_COMMIT="$PRODUCT_COMMIT, with uncommitted changes to tracked files"
fi

RESULTS_DIR=$REPO/bench/results
mkdir -p "$RESULTS_DIR"
RESULTS=$RESULTS_DIR/poll-$STAMP.tsv
SUMMARY=$RESULTS_DIR/poll-$STAMP.md
SCENARIO=poll-not-ready
printf 'stamp\tscenario\ttrial\tphase\tmetric\tvalue\tunit\n' > "$RESULTS"

java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
echo "Work folder: $WORK"
echo "Creating $FILES files and measuring $TRIALS polls"
started=$SECONDS
# The class path puts the benchmark class beside the product's jars; it is in the package of the run
# engine, which it calls directly.
"$java_bin" -Dlogback.configurationFile="$REPO/bench/poll-logback.xml" -cp "$WORK/classes:$WORK/lib/*" \
    io.baton.server.service.PollBenchmark "$WORK/run" "$FILES" "$TRIALS" > "$WORK/rows.tsv"

# Each row is: trial, metric, value, unit. The per-file cost of the poll is derived here.
awk -F'\t' -v stamp="$STAMP" -v scenario="$SCENARIO" -v files="$FILES" 'BEGIN { OFS = "\t" }
{
    phase = ($1 == 1) ? "first" : "steady"
    print stamp, scenario, $1, phase, $2, $3, $4
    if ($2 == "poll_ms") print stamp, scenario, $1, phase, "poll_us_per_file", sprintf("%.3f", $3 * 1000 / files), "us"
}' "$WORK/rows.tsv" >> "$RESULTS"

{
    echo "## Baton poll benchmark $STAMP"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- Command: bench/poll.sh $ORIGINAL_ARGS"
    echo "- Product: $DIST/lib and $CLASSES; repository at the start: $PRODUCT_COMMIT"
    echo "- CPU: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo))"
    echo "- Work folder: $WORK on $(findmnt -no FSTYPE -T "$WORK") ($(findmnt -no SOURCE -T "$WORK"))"
    echo "- Kernel: $(uname -sr)"
    echo "- JDK: $("$java_bin" -version 2>&1 | sed -n 2p)"
    echo "- Scenario: $FILES files of about 16 bytes, none ready (stableFor: 1h), $TRIALS polls; measuring time $((SECONDS - started)) s"
    echo
    "$REPO/bench/summarize.sh" "$RESULTS"
} > "$SUMMARY"
cat "$SUMMARY"
echo "Results: $RESULTS"
echo "Summary: $SUMMARY"

if $CLEANUP; then
    rm -rf -- "$WORK"
else
    echo "The work folder $WORK is kept; delete it with: rm -rf $WORK"
fi
