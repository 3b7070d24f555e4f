#!/usr/bin/env bash
# Measures switch-over and failover times of two Baton nodes on one host.
#
#   bench/failover.sh [--trials N] [--profile default|fast|both] [--work DIR]
#
# For each lease profile it starts node-a and node-b on a fresh data directory with one service and
# records, per trial:
#   switchover_ms   reported by 'baton switchover' (request to the old node seeing the new epoch),
#                   with no run in flight
#   bump_ms         kill -9 of the active daemon to the new node's guard bump (role_changes.completed_at)
#   first_item_ms   kill -9 to the first output of a file dropped at the kill, on the new node
# Results: bench/results/failover-STAMP.tsv (one row per value) and a median per profile on stdout.
# Needs: baton-dist/target/baton-home (./mvnw -q package -DskipTests), curl, jq, GNU date.
set -euo pipefail

trials=10
profiles="default fast"
repo=$(cd "$(dirname "$0")/.." && pwd)
work=/tmp/baton-failover-$(date +%Y%m%d-%H%M%S)
while [[ $# -gt 0 ]]; do
    case "$1" in
        --trials) trials=$2; shift 2 ;;
        --profile) profiles=$([[ $2 == both ]] && echo "default fast" || echo "$2"); shift 2 ;;
        --work) work=$2; shift 2 ;;
        -h|--help) sed -n 2,13p "$0"; exit 0 ;;
        *) echo "failover.sh: unknown option $1; see --help" >&2; exit 2 ;;
    esac
done
dist=$repo/baton-dist/target/baton-home
[[ -x $dist/bin/baton ]] || { echo "failover.sh: $dist/bin/baton is missing; build it with ./mvnw -q package -DskipTests" >&2; exit 1; }
mkdir -p "$work" "$repo/bench/results"
results=$repo/bench/results/failover-$(basename "$work" | sed 's/baton-failover-//').tsv
printf 'profile\ttrial\tmetric\tmillis\n' > "$results"

now_ms() { date +%s%3N; }

# The fast profile: still within the validated margins (lease >= renewDeadline + pollInterval + 1 s + 2 %).
fast_yaml() {
    cat <<'YAML'
name: bench-fast
lease: { duration: 3s, renewInterval: 300ms, renewDeadline: 1500ms, pollInterval: 200ms }
YAML
}

api() { # api NODE METHOD PATH
    local home=$work/$profile/home-$1
    curl -fsS -X "$2" -H "Authorization: Bearer $(cat "$home/run/api.token")" "http://127.0.0.1:$(cat "$home/run/api.port")$3"
}

role() { api "$1" GET /api/node 2>/dev/null | jq -r .role 2>/dev/null || echo DOWN; }

await_role() { # await_role NODE ROLE SECONDS
    local end=$(( $(date +%s) + $3 ))
    until [[ $(role "$1") == "$2" ]]; do
        (( $(date +%s) < end )) || { echo "failover.sh: node $1 did not become $2 within $3 s" >&2; exit 1; }
        sleep 0.05
    done
}

start_node() { # start_node NODE
    local home=$work/$profile/home-$1
    rm -f "$home/run/api.port" "$home/run/api.token"
    BATON_HOME=$home "$home/bin/baton" node --data "$data" --node-id "$1" --api-port 0 >> "$home/node.out" 2>&1 &
    echo $! > "$home/daemon.pid.bench"
}

for profile in $profiles; do
    data=$work/$profile/data
    BATON_HOME=$dist "$dist/bin/baton" init "$data" > /dev/null
    [[ $profile == fast ]] && fast_yaml > "$data/cluster.yaml"
    mkdir -p "$data/inbox" "$work/$profile/svc/mover"
    cat > "$work/$profile/svc/mover/service.yaml" <<'YAML'
name: mover
autoStart: true
schedule: { every: 100ms }
source: { path: inbox }
process: [ { type: copy } ]
targets: [ { path: outbox } ]
onSuccess: { delete: true }
YAML
    for n in node-a node-b; do
        mkdir -p "$work/$profile/home-$n"
        cp -r "$dist/bin" "$dist/lib" "$dist/conf" "$work/$profile/home-$n/"
    done
    start_node node-a; await_role node-a ACTIVE 120
    BATON_HOME=$work/$profile/home-node-a "$dist/bin/baton" deploy "$work/$profile/svc/mover" > /dev/null
    BATON_HOME=$work/$profile/home-node-a "$dist/bin/baton" start mover > /dev/null
    start_node node-b; await_role node-b PASSIVE 120
    active=node-a; passive=node-b

    for trial in $(seq 1 "$trials"); do
        out=$(BATON_HOME=$work/$profile/home-$active "$dist/bin/baton" switchover --to "$passive" --timeout 30s)
        ms=$(sed -n 's/.* in \([0-9]*\) ms\..*/\1/p' <<< "$out" | head -1)
        printf '%s\t%s\tswitchover_ms\t%s\n' "$profile" "$trial" "$ms" >> "$results"
        await_role "$passive" ACTIVE 60
        tmp=$active; active=$passive; passive=$tmp
    done

    for trial in $(seq 1 "$trials"); do
        name=probe-$trial.txt
        killed=$(now_ms)
        kill -9 "$(cat "$work/$profile/home-$active/daemon.pid.bench")"
        echo "probe $trial" > "$data/inbox/.$name" && mv "$data/inbox/.$name" "$data/inbox/$name"
        until [[ -e $data/outbox/$name ]]; do sleep 0.02; done
        first=$(( $(now_ms) - killed ))
        await_role "$passive" ACTIVE 60
        completed=$(api "$passive" GET '/api/role-changes?limit=1' | jq -r '.[0].completedAt')
        bump=$(( $(date -d "$completed" +%s%3N) - killed ))
        printf '%s\t%s\tbump_ms\t%s\n%s\t%s\tfirst_item_ms\t%s\n' "$profile" "$trial" "$bump" "$profile" "$trial" "$first" >> "$results"
        start_node "$active"; await_role "$active" PASSIVE 120
        tmp=$active; active=$passive; passive=$tmp
    done

    for n in node-a node-b; do
        kill "$(cat "$work/$profile/home-$n/daemon.pid.bench")" 2>/dev/null || true
    done
    wait 2>/dev/null || true
done

echo "results: $results"
for profile in $profiles; do
    for metric in switchover_ms bump_ms first_item_ms; do
        awk -F'\t' -v p="$profile" -v m="$metric" '$1 == p && $3 == m { print $4 }' "$results" | sort -n \
            | awk -v p="$profile" -v m="$metric" '{ v[NR] = $1 } END { if (NR) printf "%s %s median %s ms over %d trials\n", p, m, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), NR }'
    done
done
