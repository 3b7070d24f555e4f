#!/usr/bin/env bash
# Measures SFTP throughput of Baton's SFTP client (SftpSession, opened by SftpConnector) beside
# OpenSSH's sftp client, against one OpenSSH sshd on 127.0.0.1 that this script starts with its own
# host key, configuration and authorized key in a temporary folder. Cases: download and upload of one
# large file (1 GiB by default) and of many small files (1,000 of 10 KiB by default). Each round runs
# every case with both tools and alternates which tool goes first.
#
# Every value goes to bench/results/sftp-STAMP.tsv and a Markdown summary with the medians and the
# ratios Baton / OpenSSH to bench/results/sftp-STAMP.md. docs/benchmarks.md explains the method.
#
# Usage: bench/sftp.sh [--rounds N] [--large-mib N] [--files N] [--file-kib N] [--cipher NAME]
#                      [--work DIR] [--build]
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=5
LARGE_MIB=1024
FILES=1000
FILE_KIB=10
CIPHER=
WORK_PARENT=/tmp
BUILD=false
ORIGINAL_ARGS="$*"
SSHD=/usr/sbin/sshd

fail() {
    echo "bench/sftp.sh: $*" >&2
    exit 1
}

usage() {
    cat <<USAGE
Usage: bench/sftp.sh [options]
  --rounds N      rounds; each runs every case once with each tool (default: 5)
  --large-mib N   size of the large file in MiB (default: 1024)
  --files N       number of small files (default: 1000)
  --file-kib N    size of each small file in KiB (default: 10)
  --cipher NAME   cipher the sshd allows, so both clients use it, such as aes128-gcm@openssh.com
                  (default: none pinned; when the two clients negotiate different ciphers, the one
                  Baton negotiated is pinned)
  --work DIR      parent folder of the work folder (default: /tmp); never a folder in the repository
  --build         build Baton with ./mvnw -q package first (default: only when its jar
                  is missing from baton-dist/target/baton-home/lib)
  -h, --help      show this help
For a quick check while tuning: bench/sftp.sh --rounds 3 --large-mib 256 --files 200
USAGE
}

positive() {
    [[ "$2" =~ ^[1-9][0-9]*$ ]] || fail "$1 must be a whole number of at least 1, not '$2'"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) [ $# -ge 2 ] || fail "--rounds needs a number"; ROUNDS=$2; shift ;;
        --large-mib) [ $# -ge 2 ] || fail "--large-mib needs a number"; LARGE_MIB=$2; shift ;;
        --files) [ $# -ge 2 ] || fail "--files needs a number"; FILES=$2; shift ;;
        --file-kib) [ $# -ge 2 ] || fail "--file-kib needs a number"; FILE_KIB=$2; shift ;;
        --cipher) [ $# -ge 2 ] || fail "--cipher needs a cipher name (see: ssh -Q cipher)"; CIPHER=$2; shift ;;
        --work) [ $# -ge 2 ] || fail "--work needs a folder"; WORK_PARENT=$2; shift ;;
        --build) BUILD=true ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; fail "unknown option: $1" ;;
    esac
    shift
done
positive --rounds "$ROUNDS"
positive --large-mib "$LARGE_MIB"
positive --files "$FILES"
positive --file-kib "$FILE_KIB"
if [ -n "$CIPHER" ] && ! ssh -Q cipher | grep -qxF -- "$CIPHER"; then
    fail "--cipher $CIPHER is not a cipher this OpenSSH knows; pick one of: $(ssh -Q cipher | tr '\n' ' ')"
fi
[ -x "$SSHD" ] || fail "$SSHD is missing; install openssh-server"
command -v sftp >/dev/null || fail "sftp is missing; install openssh-client"

# The node's program directory contains baton-transport and its dependencies.
LIB=$REPO/baton-dist/target/baton-home/lib
if $BUILD || [ ! -f "$LIB/baton-transport-0.1.0-SNAPSHOT.jar" ]; then
    echo "Building Baton: ./mvnw -q -DskipTests package"
    (cd "$REPO" && ./mvnw -q -DskipTests package)
fi

. "$REPO/bench/work-folder.sh"
make_work_folder "$WORK_PARENT" baton-sftp
SSHD_PID=
cleanup() {
    if [ -n "$SSHD_PID" ]; then
        kill "$SSHD_PID" 2>/dev/null || true
        wait "$SSHD_PID" 2>/dev/null || true
    fi
    rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK"/{sshd,local/small,remote/small,down,remote/up}
# Private copies, so that a rebuild during the benchmark cannot change what is measured.
mkdir "$WORK/lib"
cp -p "$LIB"/*.jar "$WORK/lib/"
PRODUCT_COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$REPO" diff --quiet HEAD -- baton-transport 2>/dev/null; then
    PRODUCT_COMMIT="$PRODUCT_COMMIT, with uncommitted changes to baton-transport"
fi

free_kib=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
need_kib=$(( (LARGE_MIB * 3 + 64) * 1024 + FILES * FILE_KIB * 4 * 2 ))
[ "$free_kib" -ge "$need_kib" ] || fail "the work folder needs about $((need_kib / 1024)) MiB free, $WORK has $((free_kib / 1024)) MiB"

USER_NAME=$(id -un)
KEYS=$WORK/sshd
ssh-keygen -q -t ecdsa -N "" -C bench-host -f "$KEYS/host_ecdsa"
ssh-keygen -q -t ecdsa -N "" -C bench-client -f "$KEYS/client_key"
cp "$KEYS/client_key.pub" "$KEYS/authorized_keys"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null) \
    || PORT=$((20000 + RANDOM % 20000))
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$KEYS/host_ecdsa.pub")" > "$KEYS/known_hosts"
# sshd refuses to start without its privilege separation folder, which a system without an init script lacks.
[ -d /run/sshd ] || mkdir -p /run/sshd

# Starts sshd in the foreground of a background job with the log level and cipher given.
start_sshd() {
    local log_level=$1 cipher=$2
    {
        echo "ListenAddress 127.0.0.1"
        echo "Port $PORT"
        echo "HostKey $KEYS/host_ecdsa"
        echo "PidFile $KEYS/sshd.pid"
        echo "AuthorizedKeysFile $KEYS/authorized_keys"
        echo "StrictModes no"
        echo "PermitRootLogin prohibit-password"
        echo "PasswordAuthentication no"
        echo "KbdInteractiveAuthentication no"
        echo "UsePAM no"
        echo "LogLevel $log_level"
        echo "Subsystem sftp internal-sftp"
        echo "ForceCommand internal-sftp"
        if [ -n "$cipher" ]; then echo "Ciphers $cipher"; fi
    } > "$KEYS/sshd_config"
    "$SSHD" -D -e -f "$KEYS/sshd_config" 2> "$KEYS/sshd.log" &
    SSHD_PID=$!
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
            return
        fi
        kill -0 "$SSHD_PID" 2>/dev/null || fail "sshd exited: $(cat "$KEYS/sshd.log")"
        sleep 0.1
    done
    fail "sshd did not listen on 127.0.0.1:$PORT within 10 s: $(cat "$KEYS/sshd.log")"
}

stop_sshd() {
    kill "$SSHD_PID"
    wait "$SSHD_PID" 2>/dev/null || true
    SSHD_PID=
}

java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
# slf4j.internal.verbosity=ERROR hides SLF4J's note that no logging provider is on the class path.
bench_java() {
    "$java_bin" -Dslf4j.internal.verbosity=ERROR -cp "$WORK/lib/*" "$REPO/bench/SftpBench.java" \
        --port "$PORT" --user "$USER_NAME" --key "$KEYS/client_key" --known-hosts "$KEYS/known_hosts" --work "$WORK" "$@"
}

# The server's debug log names the cipher and MAC of each connection; the probe connects once with
# Baton, then once with sftp.
negotiated() {
    grep -o 'kex: client->server cipher: [^ ]* MAC: [^ ]*' "$KEYS/sshd.log" | sed -n "$1p" | sed 's/kex: client->server cipher: //'
}
start_sshd DEBUG1 "$CIPHER"
bench_java --probe
BATON_ALGORITHMS=$(negotiated 1)
OPENSSH_ALGORITHMS=$(negotiated 2)
stop_sshd
[ -n "$BATON_ALGORITHMS" ] && [ -n "$OPENSSH_ALGORITHMS" ] || fail "the sshd log names no cipher for the probe connections: $KEYS/sshd.log"
echo "Negotiated without measuring: Baton cipher $BATON_ALGORITHMS; OpenSSH sftp cipher $OPENSSH_ALGORITHMS"
PINNED=${CIPHER:-none}
if [ "$BATON_ALGORITHMS" != "$OPENSSH_ALGORITHMS" ] && [ -z "$CIPHER" ]; then
    CIPHER=${BATON_ALGORITHMS%% *}
    PINNED="$CIPHER (the two clients negotiated different ciphers)"
    OPENSSH_ALGORITHMS="${BATON_ALGORITHMS} (pinned)"
fi
echo "Cipher pinned on the server: $PINNED"

echo "Creating test data in $WORK: 1 file of $LARGE_MIB MiB, $FILES files of $FILE_KIB KiB"
head -c "$((LARGE_MIB * 1024 * 1024))" /dev/urandom > "$WORK/local/large.bin"
cp "$WORK/local/large.bin" "$WORK/remote/large.bin"
for i in $(seq -w 1 "$FILES"); do
    head -c "$((FILE_KIB * 1024))" /dev/urandom > "$WORK/local/small/file-$i.dat"
done
cp -p "$WORK/local/small/." "$WORK/remote/small/" -r
sync

start_sshd ERROR "$CIPHER"
RESULTS_DIR=$REPO/bench/results
mkdir -p "$RESULTS_DIR"
RESULTS=$RESULTS_DIR/sftp-$STAMP.tsv
SUMMARY=$RESULTS_DIR/sftp-$STAMP.md
started=$SECONDS
bench_java --rounds "$ROUNDS" --results "$RESULTS" | tee "$WORK/bench.out"
measured=$((SECONDS - started))

{
    echo "## SFTP benchmark $STAMP"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- Command: bench/sftp.sh $ORIGINAL_ARGS"
    echo "- Product: baton-transport at $PRODUCT_COMMIT"
    echo "- Cases: 1 file of $LARGE_MIB MiB; $FILES files of $FILE_KIB KiB; $ROUNDS rounds; measuring time $measured s"
    echo "- Cipher and MAC: Baton $BATON_ALGORITHMS; OpenSSH sftp $OPENSSH_ALGORITHMS; pinned on the server: $PINNED"
    echo "- CPU: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)); memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "- Disk: $(findmnt -no FSTYPE -T "$WORK") on $(findmnt -no SOURCE -T "$WORK") ($(findmnt -no OPTIONS -T "$WORK"))"
    echo "- Kernel: $(uname -sr); JDK: $("$java_bin" -version 2>&1 | sed -n 2p)"
    echo "- OpenSSH: $(ssh -V 2>&1)"
    echo "- Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    sed -n '/^Medians/,$p' "$WORK/bench.out"
} > "$SUMMARY"
echo
cat "$SUMMARY"
echo "Results: $RESULTS"
echo "Summary: $SUMMARY"
