#!/usr/bin/env bash
# bench-figures.sh (`scripts/kvorum bench-figures [--records R]`): the whole performance baseline in
# one sequential run, the figure set the README's "Figures on this machine" reports. About 30 minutes:
#   1. the ceiling: the in-process hash-map HTTP server, 1 KiB reads (workload C) and writes, at 16 and
#      64 connections;
#   2. one node (N=R=W=1), memory and log engines: workloads A, B, C, each with --baseline, so the
#      report gives the ratio to a ceiling measured in the same invocation;
#   3. three nodes (N=3, R=2, W=2), defaults (log engine, storage.sync always): workloads A, B, C, F
#      at 16 connections and A at 64;
#   4. the same cluster driven by YCSB's own client through the binding: workloads A and C;
#   5. JFR (settings=profile) on every node during a workload A run, files left for a profiler;
#   6. three nodes with storage.sync interval (the durability of Cassandra's default periodic commit
#      log): workloads A and C.
# Every measured run has a warm-up first (--warmup, or a discarded run), because JVMs compiling on a
# small machine understate steady state for about a minute. Run it on a quiet machine: nodes, client
# and ceiling share its cores. Ports: KVORUM_HTTP_BASE_PORT and KVORUM_INTERNODE_BASE_PORT as for `up`
# (nothing else may listen there). Output: $KVORUM_DATA/bench-figures/<name>.txt (each run's report),
# results/<name>/ (result.json, report.html), jfr-<pid>.jfr, and a summary printed at the end.
set -uo pipefail

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib/checks.sh
. "$ROOT/scripts/lib/checks.sh"
DATA=$(kv_data_dir "$ROOT")
readonly OUT="$DATA/bench-figures"
readonly KVORUM="$ROOT/scripts/kvorum"
KV_HTTP_BASE=${KVORUM_HTTP_BASE_PORT:-8080}

RECORDS=10000
while [ $# -gt 0 ]; do
  case $1 in
    --records) RECORDS=${2:?--records needs a number}; shift 2 ;;
    -h | --help) kv_header_help "${BASH_SOURCE[0]}"; exit 0 ;;
    *) printf 'bench-figures: unknown option %s\n' "$1" >&2; exit 2 ;;
  esac
done
case $RECORDS in
  '' | 0 | *[!0-9]*) printf 'bench-figures: --records takes a positive number, got %s\n' "$RECORDS" >&2; exit 2 ;;
esac

# A run killed earlier may have left its cluster running under $OUT: stop it before deleting its pid files.
KVORUM_DATA="$OUT/cluster" "$KVORUM" down >/dev/null 2>&1 || true
rm -rf "$OUT"
mkdir -p "$OUT/results"
# The clusters live under the output folder, apart from a cluster the user runs under $KVORUM_DATA.
export KVORUM_DATA="$OUT/cluster"
export KVORUM_NO_BUILD=1
"$KVORUM" build >/dev/null || exit 1

REC="-p recordcount=$RECORDS"
NODES1="$KV_HOST:$(kv_port 1)"
NODES3="$KV_HOST:$(kv_port 1),$KV_HOST:$(kv_port 2),$KV_HOST:$(kv_port 3)"

say() {
  printf '[bench-figures %s] %s\n' "$(date +%H:%M:%S)" "$*"
}

bench() { # bench NAME ARGS...: one harness run, its report in NAME.txt and results/NAME
  local name=$1
  shift
  say "$name"
  "$KVORUM" bench "$@" --out "$OUT/results/$name" >"$OUT/$name.txt" 2>&1 || say "$name failed (see $OUT/$name.txt)"
}

cluster() { # cluster N [ENV=VALUE...]: a fresh N-node cluster
  local count=$1
  shift
  "$KVORUM" down >/dev/null 2>&1
  rm -rf "$KVORUM_DATA"
  env "$@" "$KVORUM" up --nodes "$count" >"$OUT/up.log" 2>&1 || { say "up failed: see $OUT/up.log"; exit 1; }
}

warm_three() { # load the records and run workload A once, uncounted, so the nodes' JIT is done
  "$KVORUM" bench --nodes "$NODES3" --workload a $REC --phase load --connections 16 --w 2 >"$OUT/three-load.txt" 2>&1
  "$KVORUM" bench --nodes "$NODES3" --workload a $REC --phase run --duration 40 --connections 16 --r 2 --w 2 >/dev/null 2>&1
}

trap '"$KVORUM" down >/dev/null 2>&1' EXIT

for connections in 16 64; do
  bench "ceiling-read-$connections" --baseline --workload c $REC --warmup 20 --duration 30 --connections "$connections"
  bench "ceiling-write-$connections" --baseline --workload a -p readproportion=0 -p updateproportion=1 $REC \
    --warmup 20 --duration 30 --connections "$connections"
done

for engine in memory log; do
  cluster 1 KVORUM_STORAGE_ENGINE=$engine
  for workload in a b c; do
    bench "one-$engine-$workload" --nodes "$NODES1" --workload $workload $REC --warmup 30 --duration 30 \
      --connections 16 --r 1 --w 1 --baseline
  done
done

cluster 3
warm_three
for workload in a b c f; do
  bench "three-$workload" --nodes "$NODES3" --workload $workload $REC --phase run --warmup 10 --duration 30 \
    --connections 16 --r 2 --w 2
done
bench three-a-64 --nodes "$NODES3" --workload a $REC --phase run --warmup 10 --duration 30 --connections 64 --r 2 --w 2

for workload in a c; do
  say "ycsb-$workload"
  "$KVORUM" bench ycsb -t -db io.kvorum.bench.ycsb.KvorumYcsbClient -P "$ROOT/bench/src/main/resources/workloads/workload$workload" \
    -p kvorum.nodes="$NODES3" $REC -p operationcount=100000000 -p maxexecutiontime=40 -p kvorum.r=2 -p kvorum.w=2 \
    -threads 16 -s >"$OUT/ycsb-$workload.txt" 2>"$OUT/ycsb-$workload.log"
done

say "profile: JFR on every node during workload A"
JCMD="$(kv_java_home "$ROOT")/bin/jcmd" # the nodes run on this JDK
for pid in $(cat "$KVORUM_DATA"/node-*/pid 2>/dev/null); do
  "$JCMD" "$pid" JFR.start name=figures duration=30s settings=profile filename="$OUT/jfr-$pid.jfr" >/dev/null 2>&1 ||
    say "no JFR for pid $pid"
done
bench three-a-profiled --nodes "$NODES3" --workload a $REC --phase run --duration 32 --connections 16 --r 2 --w 2

cluster 3 KVORUM_STORAGE_SYNC=interval
warm_three
for workload in a c; do
  bench "three-interval-$workload" --nodes "$NODES3" --workload $workload $REC --phase run --warmup 10 --duration 30 \
    --connections 16 --r 2 --w 2
done

printf '\n== summary (each run: throughput line, then one line per operation: count, p50 p95 p99 p99.9 max mean ms)\n'
for file in "$OUT"/ceiling-*.txt "$OUT"/one-*.txt "$OUT"/three-[abcf].txt "$OUT"/three-a-64.txt "$OUT"/three-interval-*.txt; do
  printf '%s\n' "$(basename "$file" .txt)"
  # the run phase's ALL line and the operation lines under it (a load phase's lines are left out)
  awk '/^(baseline|kvorum) +run/ { run = 1; print "  " $0; next }
       /^(baseline|kvorum) +load/ || /^$/ { run = 0 }
       run && /^ +(READ|UPDATE|INSERT|READ_MODIFY_WRITE) / { print "  " $0 }' "$file"
done
for workload in a c; do
  printf 'ycsb-%s\n' "$workload"
  grep -E '^\[(OVERALL|READ|UPDATE)\], (Throughput|AverageLatency|99thPercentileLatency)' "$OUT/ycsb-$workload.txt" | sed 's/^/  /'
done
say "done; reports in $OUT"
