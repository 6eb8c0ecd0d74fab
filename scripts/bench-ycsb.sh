#!/usr/bin/env bash
# bench-ycsb.sh (`scripts/kvorum bench-ycsb [OPTIONS]`): issue 16's measurement, with YCSB 0.17's own
# client through the Kvorum binding (io.kvorum.bench.ycsb.KvorumYcsbClient), against a fresh 3-node
# cluster with `up`'s defaults (N=3, R=W=2, storage.sync always, the nodes' default heap):
#   load RECORDS records (10 fields x 100 bytes), then workloads A, B and C, each PASSES times with
#   OPERATIONS operations and Zipfian keys, at every thread count of --threads. The last (warm) pass of
#   each workload is the one reported; the earlier ones warm the JIT and the read cache.
# It prints the issue's table (ops/s, p99 and p99.9 per operation, max latency; group commit as the
# fsyncs of all three nodes per acknowledged client write; the nodes' CPU time per operation, from
# /proc, which the machine's other load disturbs far less than throughput) and, per node after the runs:
# RSS (now and peak), heap used and committed, storage.keydir-heap-bytes, the read cache's bytes and
# capacity, the cache hit rate over the reported passes, read repairs and anti-entropy figures.
#
# Options:
#   --records N       records loaded (default 100000)
#   --operations N    operations per pass (default 200000)
#   --threads "T..."  YCSB client threads, one full set of passes per value (default "16")
#   --workloads "W.." workloads among a b c (default "a b c")
#   --passes N        passes per workload; the last is reported (default 2)
#   --keep            leave the cluster running afterwards (for a look at /metrics)
# KVORUM_NO_BUILD=1 measures the jars already built (else it builds first). Ports: KVORUM_HTTP_BASE_PORT and KVORUM_INTERNODE_BASE_PORT as for `up`. Output:
# $KVORUM_DATA/bench-ycsb/ (the cluster, each YCSB run's output, metrics snapshots, summary.txt).
# The machine's other load counts: compare figures only with a run taken back to back with them.
set -uo pipefail

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib/checks.sh
. "$ROOT/scripts/lib/checks.sh"
DATA=$(kv_data_dir "$ROOT")
readonly OUT="$DATA/bench-ycsb"
readonly KVORUM="$ROOT/scripts/kvorum"
KV_HTTP_BASE=${KVORUM_HTTP_BASE_PORT:-8080}

RECORDS=100000
OPERATIONS=200000
THREADS="16"
WORKLOADS="a b c"
PASSES=2
KEEP=0
while [ $# -gt 0 ]; do
  case $1 in
    --records) RECORDS=${2:?--records needs a number}; shift 2 ;;
    --operations) OPERATIONS=${2:?--operations needs a number}; shift 2 ;;
    --threads) THREADS=${2:?--threads needs a list such as \"16 64\"}; shift 2 ;;
    --workloads) WORKLOADS=${2:?--workloads needs a list such as \"a b c\"}; shift 2 ;;
    --passes) PASSES=${2:?--passes needs a number}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) kv_header_help "${BASH_SOURCE[0]}"; exit 0 ;;
    *) printf 'bench-ycsb: unknown option %s\n' "$1" >&2; exit 2 ;;
  esac
done
for number in "$RECORDS" "$OPERATIONS" "$PASSES" $THREADS; do
  case $number in
    '' | 0 | *[!0-9]*) printf 'bench-ycsb: --records, --operations, --passes and --threads take positive numbers, got %s\n' "$number" >&2; exit 2 ;;
  esac
done
for workload in $WORKLOADS; do
  case $workload in
    a | b | c) ;;
    *) printf 'bench-ycsb: --workloads takes a, b and c, got %s\n' "$workload" >&2; exit 2 ;;
  esac
done

KVORUM_DATA="$OUT/cluster" "$KVORUM" down >/dev/null 2>&1 || true
rm -rf "$OUT"
mkdir -p "$OUT"
export KVORUM_DATA="$OUT/cluster"
if [ "${KVORUM_NO_BUILD:-0}" != 1 ]; then # KVORUM_NO_BUILD=1: measure the jars as they are
  "$KVORUM" build >/dev/null || exit 1
fi
export KVORUM_NO_BUILD=1
NODES="$KV_HOST:$(kv_port 1),$KV_HOST:$(kv_port 2),$KV_HOST:$(kv_port 3)"
JCMD="$(kv_java_home "$ROOT")/bin/jcmd"

say() {
  printf '[bench-ycsb %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

if [ "$KEEP" = 1 ]; then
  trap 'say "the cluster keeps running: KVORUM_DATA=$KVORUM_DATA scripts/kvorum down stops it"' EXIT
else
  trap '"$KVORUM" down >/dev/null 2>&1' EXIT
fi

ycsb() { # ycsb NAME -load|-t WORKLOAD THREADS [-p ...]: one YCSB client run, its output in NAME.txt
  local name=$1 mode=$2 workload=$3 threads=$4
  shift 4
  "$KVORUM" bench ycsb "$mode" -db io.kvorum.bench.ycsb.KvorumYcsbClient \
    -P "$ROOT/bench/src/main/resources/workloads/workload$workload" -p kvorum.nodes="$NODES" \
    -p recordcount="$RECORDS" -p kvorum.r=2 -p kvorum.w=2 -threads "$threads" -p hdrhistogram.percentiles=50,99,99.9 -s "$@" \
    >"$OUT/$name.txt" 2>"$OUT/$name.log" || say "$name failed (see $OUT/$name.log)"
}

metrics() { # metrics NAME: every node's /metrics JSON, as NAME-node-I.json
  local i
  for i in 1 2 3; do
    curl -s --max-time 10 "http://$KV_HOST:$(kv_port "$i")/metrics" >"$OUT/$1-node-$i.json" || true
  done
}

figure() { # figure FILE NAME: a counter's count or a gauge's value from a /metrics JSON; empty if absent
  grep -o "\"$2\":{\"[a-z]*\":[0-9.E-]*" "$1" 2>/dev/null | head -n 1 | sed 's/.*://'
}

sum_figure() { # sum_figure PREFIX NAME: the figure summed over the three nodes' snapshots
  local total=0 i value
  for i in 1 2 3; do
    value=$(figure "$OUT/$1-node-$i.json" "$2")
    total=$((total + ${value:-0}))
  done
  printf '%s' "$total"
}


per_write() { # per_write FSYNCS WRITES: fsyncs of all three nodes per acknowledged client write, two decimals
  awk -v f="$1" -v w="${2:-0}" 'BEGIN { if (w > 0) printf "%.2f", f / w; else print "-" }'
}


say "a fresh 3-node cluster (up's defaults) under $KVORUM_DATA"
"$KVORUM" up --nodes 3 >"$OUT/up.log" 2>&1 || { say "up failed: see $OUT/up.log"; exit 1; }

node_pids() { # the three nodes' pids
  cat "$KVORUM_DATA"/node-[123]/pid 2>/dev/null
}

cpu() { # cpu NAME: the nodes' CPU ticks so far, in cpu-NAME
  # shellcheck disable=SC2046 # one pid per word
  kv_cpu_ticks $(node_pids) >"$OUT/cpu-$1"
}


say "load: $RECORDS records, 16 threads"
cpu before-load
ycsb load -load a 16
cpu after-load
metrics after-load

declare -a ROWS=()
for threads in $THREADS; do
  for workload in $WORKLOADS; do
    for pass in $(seq 1 "$PASSES"); do
      name="$workload-t$threads-pass$pass"
      if [ "$pass" = "$PASSES" ]; then
        metrics "before-$workload-t$threads"
        cpu "before-$workload-t$threads"
      fi
      say "workload $workload, $threads threads, pass $pass of $PASSES: $OPERATIONS operations"
      ycsb "$name" -t "$workload" "$threads" -p operationcount="$OPERATIONS"
    done
    cpu "after-$workload-t$threads"
    metrics "after-$workload-t$threads"
    ROWS+=("$workload-t$threads")
  done
done

report() {
  local file row threads workload hits misses repairs
  printf '== bench-ycsb: %s records, %s operations per pass, passes %s, the last reported; %s\n' \
    "$RECORDS" "$OPERATIONS" "$PASSES" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  printf '| phase | threads | ops/s | p99 read ms | p99 write ms | p99.9 read ms | p99.9 write ms | max ms | node CPU µs per op | cache hit rate | read repairs | fsyncs per write |\n'
  printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
  file="$OUT/load.txt"
  printf '| load (insert) | 16 | %s | | %s | | %s | %s | %s | | | %s |\n' "$(kv_ycsb_figure "$file" OVERALL 'Throughput(ops/sec)' | cut -d. -f1)" \
    "$(kv_ms "$(kv_ycsb_figure "$file" INSERT '99thPercentileLatency(us)')")" "$(kv_ms "$(kv_ycsb_figure "$file" INSERT '99.9PercentileLatency(us)')")" "$(kv_ms "$(kv_ycsb_figure "$file" INSERT 'MaxLatency(us)')")" \
    "$(kv_cpu_per_op "$OUT" load "$RECORDS")" "$(per_write "$(sum_figure after-load storage.fsyncs)" "$(kv_ycsb_figure "$file" INSERT Return=OK)")"
  for row in "${ROWS[@]}"; do
    workload=${row%%-*}
    threads=${row#*-t}
    file="$OUT/$row-pass$PASSES.txt"
    hits=$(($(sum_figure "after-$row" storage.cache.hits) - $(sum_figure "before-$row" storage.cache.hits)))
    misses=$(($(sum_figure "after-$row" storage.cache.misses) - $(sum_figure "before-$row" storage.cache.misses)))
    repairs=$(($(sum_figure "after-$row" kv.read-repairs) - $(sum_figure "before-$row" kv.read-repairs)))
    local read_max update_max max
    read_max=$(kv_ycsb_figure "$file" READ 'MaxLatency(us)')
    update_max=$(kv_ycsb_figure "$file" UPDATE 'MaxLatency(us)')
    max=$(printf '%s\n%s\n' "${read_max:-0}" "${update_max:-0}" | sort -n | tail -n 1)
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(printf '%s' "$workload" | tr a-z A-Z)" "$threads" \
      "$(kv_ycsb_figure "$file" OVERALL 'Throughput(ops/sec)' | cut -d. -f1)" \
      "$(kv_ms "$(kv_ycsb_figure "$file" READ '99thPercentileLatency(us)')")" \
      "$(kv_ms "$(kv_ycsb_figure "$file" UPDATE '99thPercentileLatency(us)')")" \
      "$(kv_ms "$(kv_ycsb_figure "$file" READ '99.9PercentileLatency(us)')")" "$(kv_ms "$(kv_ycsb_figure "$file" UPDATE '99.9PercentileLatency(us)')")" \
      "$(kv_ms "$max")" "$(kv_cpu_per_op "$OUT" "$row" "$OPERATIONS")" \
      "$(awk -v h="$hits" -v m="$misses" 'BEGIN { if (h + m > 0) printf "%.1f%% of %d", 100 * h / (h + m), h + m; else print "-" }')" \
      "$repairs" \
      "$(per_write "$(($(sum_figure "after-$row" storage.fsyncs) - $(sum_figure "before-$row" storage.fsyncs)))" \
        "$(kv_ycsb_figure "$file" UPDATE Return=OK)")"
  done
  printf '\nper node after the runs (RSS now / peak; heap used / committed from jcmd GC.heap_info):\n'
  printf '| node | RSS MiB | peak RSS MiB | heap used MiB | heap committed MiB | keydir-heap-bytes MiB | cache MiB (capacity) | anti-entropy ranges compared / in sync / keys repaired |\n'
  printf '| --- | --- | --- | --- | --- | --- | --- | --- |\n'
  local i pid rss hwm heap last
  last="after-${ROWS[${#ROWS[@]}-1]}"
  for i in 1 2 3; do
    pid=$(cat "$KVORUM_DATA/node-$i/pid" 2>/dev/null)
    rss=$(awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null)
    hwm=$(awk '/^VmHWM:/ { printf "%d", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null)
    heap=$(kv_heap_mib "$JCMD" "$pid")
    local f="$OUT/$last-node-$i.json"
    printf '| node-%s | %s | %s | %s | %s | %s (%s) | %s / %s / %s |\n' "$i" "${rss:--}" "${hwm:--}" "${heap:-- | -}" \
      "$(awk -v b="$(figure "$f" storage.keydir-heap-bytes)" 'BEGIN { printf "%.1f", b / 1048576 }')" \
      "$(awk -v b="$(figure "$f" storage.cache.bytes)" 'BEGIN { if (b == "") print "-"; else printf "%.0f", b / 1048576 }')" \
      "$(awk -v b="$(figure "$f" storage.cache.capacity-bytes)" 'BEGIN { if (b == "") print "-"; else printf "%.0f", b / 1048576 }')" \
      "$(figure "$f" anti-entropy.ranges-compared)" "$(figure "$f" anti-entropy.ranges-in-sync)" "$(figure "$f" anti-entropy.keys-repaired)"
  done
}
report | tee "$OUT/summary.txt"
say "done; runs and metrics in $OUT"
