#!/usr/bin/env bash
# Prints the Markdown summary of a results file written by bench/run.sh or bench/poll.sh: per scenario, the first
# trial apart, the median of the later (steady-state) trials with every value, the ratios of the
# medians, and the memory figures.
#
# Usage: bench/summarize.sh bench/results/STAMP.tsv
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "usage: $0 RESULTS.tsv (a results file written by bench/run.sh)" >&2
    exit 2
fi

awk -F'\t' '
function label(metric) {
    if (metric in labels) return labels[metric]
    return metric
}

# Sorts values[1..n] in place with an insertion sort, which is fast enough for a few trials.
function sort_values(values, n,    i, j, v) {
    for (i = 2; i <= n; i++) {
        v = values[i]
        for (j = i - 1; j >= 1 && values[j] > v; j--) values[j + 1] = values[j]
        values[j + 1] = v
    }
}

function median(key,    n, i, values, parts) {
    n = split(steady[key], parts, " ")
    if (n == 0) return ""
    for (i = 1; i <= n; i++) values[i] = parts[i] + 0
    sort_values(values, n)
    if (n % 2 == 1) return values[(n + 1) / 2]
    return (values[n / 2] + values[n / 2 + 1]) / 2
}

function format(value) {
    if (value == "") return "-"
    value += 0
    if (value >= 100) return sprintf("%.0f", value)
    if (value >= 10) return sprintf("%.1f", value)
    if (value >= 1) return sprintf("%.2f", value)
    return sprintf("%.3f", value)
}

function format_list(text,    n, i, parts, out) {
    n = split(text, parts, " ")
    out = ""
    for (i = 1; i <= n; i++) out = out (i > 1 ? ", " : "") format(parts[i])
    return out
}

function print_ratio(scenario, numerator, denominator, text,    top, bottom, first_top, first_bottom) {
    top = median(scenario SUBSEP numerator)
    bottom = median(scenario SUBSEP denominator)
    first_top = first[scenario SUBSEP numerator]
    first_bottom = first[scenario SUBSEP denominator]
    if (top == "" || bottom == "" || bottom == 0) return
    printf "| %s | %s | %s |\n", text,
        (first_top != "" && first_bottom != "" && first_bottom != 0) ? sprintf("%.3f", first_top / first_bottom) : "-",
        sprintf("%.3f", top / bottom)
}

BEGIN {
    labels["cp_sync_s"] = "cp, then sync: time"
    labels["cp_sync_rate"] = "cp, then sync: rate"
    labels["fsync_copy_s"] = "copy with fsync per file: time"
    labels["fsync_copy_rate"] = "copy with fsync per file: rate"
    labels["mv_sync_s"] = "mv (rename each file), then sync: time"
    labels["mv_sync_rate"] = "mv (rename each file), then sync: rate"
    labels["baton_e2e_s"] = "Baton, inputs visible to last input archived: time"
    labels["baton_e2e_rate"] = "Baton, inputs visible to last input archived: rate"
    labels["baton_run_s"] = "Baton, run record started_at to ended_at: time"
    labels["baton_run_rate"] = "Baton, run record started_at to ended_at: rate"
    labels["baton_pickup_s"] = "Baton, inputs visible to run start"
    labels["daemon_cpu_s"] = "daemon CPU time during the Baton interval"
    labels["worker_cpu_s"] = "worker CPU time during the Baton interval"
    labels["other_cpu_s"] = "CPU time of other processes and kernel threads during the Baton interval"
    labels["iowait_s"] = "CPU time in I/O wait during the Baton interval"
    labels["mem_free_mib"] = "free memory (MemFree) before the Baton step"
    labels["ratio_e2e_vs_cp"] = "Baton end-to-end rate / cp+sync rate, same trial"
    labels["daemon_idle_rss_kib"] = "daemon VmRSS, idle after start"
    labels["worker_idle_rss_kib"] = "worker VmRSS, idle after start"
    labels["daemon_vmhwm_kib"] = "daemon peak RSS (VmHWM) at the end of the scenario"
    labels["worker_vmhwm_kib"] = "worker peak RSS (VmHWM) at the end of the scenario"
    labels["poll_ms"] = "Baton poll that finds no file ready (listing, readiness, journal)"
    labels["poll_us_per_file"] = "Baton poll, per file"
    labels["list_ms"] = "Baton listing alone (FolderSource.list)"
    labels["ls_l_ms"] = "ls -l of the folder (process start included)"
    labels["find_newer_ms"] = "find DIR -newer REF (process start included)"
}

NR == 1 && $1 == "stamp" { next }

{
    scenario = $2; trial = $3; phase = $4; metric = $5; value = $6; unit = $7
    if (!(scenario in seen_scenario)) { seen_scenario[scenario] = 1; scenarios[++scenario_count] = scenario }
    key = scenario SUBSEP metric
    if (!(key in seen_metric)) { seen_metric[key] = 1; metrics[scenario, ++metric_count[scenario]] = metric }
    units[key] = unit
    if (phase == "first") first[key] = value
    else if (phase == "steady") { steady[key] = steady[key] (steady[key] == "" ? "" : " ") value; steady_count[key]++ }
    else whole[key] = value
}

END {
    for (s = 1; s <= scenario_count; s++) {
        scenario = scenarios[s]
        printf "### %s\n\n", scenario
        printf "| Measure | Unit | Trial 1 | Median of later trials | Later trials |\n"
        printf "|---|---|---|---|---|\n"
        for (m = 1; m <= metric_count[scenario]; m++) {
            metric = metrics[scenario, m]
            key = scenario SUBSEP metric
            if (key in whole) continue
            printf "| %s | %s | %s | %s | %s |\n", label(metric), units[key], format(first[key]),
                format(median(key)), format_list(steady[key])
        }
        printf "\n| %s | Trial 1 | Medians of later trials |\n|---|---|---|\n", \
            ((scenario SUBSEP "poll_ms") in seen_metric) ? "Ratio of times" : "Ratio of rates"
        print_ratio(scenario, "baton_e2e_rate", "cp_sync_rate", "Baton end-to-end / cp+sync")
        print_ratio(scenario, "baton_run_rate", "cp_sync_rate", "Baton run record / cp+sync")
        print_ratio(scenario, "baton_e2e_rate", "fsync_copy_rate", "Baton end-to-end / copy with fsync per file")
        print_ratio(scenario, "baton_e2e_rate", "mv_sync_rate", "Baton end-to-end / mv+sync")
        print_ratio(scenario, "poll_ms", "ls_l_ms", "Baton poll time / ls -l time")
        print_ratio(scenario, "poll_ms", "find_newer_ms", "Baton poll time / find -newer time")
        print_ratio(scenario, "list_ms", "poll_ms", "Baton listing time / Baton poll time")
        printed_memory = 0
        for (m = 1; m <= metric_count[scenario]; m++) {
            metric = metrics[scenario, m]
            key = scenario SUBSEP metric
            if (!(key in whole)) continue
            if (!printed_memory) { printf "\n| Memory | MiB |\n|---|---|\n"; printed_memory = 1 }
            printf "| %s | %.0f |\n", label(metric), whole[key] / 1024
        }
        printf "\n"
    }
}
' "$1"
