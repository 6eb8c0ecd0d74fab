#!/usr/bin/env bash
# bench-join.sh (`scripts/kvorum bench-join [options]`): what a join costs. For each transfer.rate
# setting (default 4MiB,16MiB,64MiB), on a fresh 3-node cluster (N=3, R=2, W=2) holding the same
# --records records (default 50,000 of YCSB's 10 fields x 100 bytes):
#   0. a flat-out run of --warmup seconds (20), discarded: the restarted nodes' JVMs compile first
#      (a paced run on cold nodes fell behind its schedule and never caught up on this machine);
#   1. BEFORE: a steady client load at a fixed --target rate (workload A, 16 connections, r=2, w=2)
#      for --duration seconds (30) after --client-warmup seconds (10) not counted (each run is a new
#      client JVM). Without --target the rate is a third of what the first rate's flat-out warm-up
#      did, rounded down to a multiple of 10 (at least 10): a paced load above what the cluster can
#      do measures only its own queue, and a shared machine's capacity changes by the hour. The same
#      rate then serves every run of every setting;
#   2. DURING: the same run again; --join-at seconds (5) into its counted part `scripts/kvorum start
#      node-4` starts a new node, which joins through its seeds and streams its ranges; the script then
#      waits (at most --join-timeout seconds, 300) until node-1..node-4 all see node-4 `up`.
# Reports per rate: the join's duration (from `start node-4` until `up` everywhere), the ranges, keys
# and bytes node-4 streamed (its transfer.keys / transfer.bytes counters and the log line "received all
# N of N ranges ... (X MB/s)"), the streaming rate, and the client's ops/s, p50/p99/max per operation
# and errors BEFORE against DURING (same target rate, same run length), plus the worst one-second p99 of
# each run (for DURING: of the seconds node-4 was joining). The records are loaded once, into a
# cluster that is then stopped and kept as a snapshot: every rate starts its cluster from a copy of it,
# so every rate streams the same data. MB/s is 10^6 bytes per second; transfer.rate is in MiB/s.
# Raw results under $KVORUM_DATA/bench-join (default ./data/bench-join): per rate before.txt and
# during.txt (the harness' reports), results/ (result.json, report.html), join.tsv (node-4's status,
# bytes and keys every half second), transfers.json (GET /cluster/transfers while it streamed), the
# nodes' logs; summary.txt holds the table printed at the end. 12-20 minutes with the defaults (the
# load of the records and the clusters' start-ups take most of it; longer on a busy machine).
# Ports: KVORUM_HTTP_BASE_PORT and KVORUM_INTERNODE_BASE_PORT, as for `up` (node-4 takes BASE+4).
# Exit status 0 when every join finished, 1 when one did not or a step failed, 2 bad usage.
set -uo pipefail
export LC_ALL=C

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib/checks.sh
. "$ROOT/scripts/lib/checks.sh"
DATA=$(kv_data_dir "$ROOT")
readonly OUT="$DATA/bench-join"
readonly KVORUM="$ROOT/scripts/kvorum"
KV_HTTP_BASE=${KVORUM_HTTP_BASE_PORT:-8080}

RATES=4MiB,16MiB,64MiB
CONCURRENCY=""
RECORDS=50000
TARGET=""
DURATION=30
WARMUP=20
CLIENT_WARMUP=10
JOIN_AT=5
JOIN_TIMEOUT=300
CONNECTIONS=16
WORKLOAD=a
TARGET_NOTE=""

usage() {
  cat <<EOF
Usage: scripts/kvorum bench-join [options]

Per transfer.rate setting, on a fresh 3-node cluster holding the same records: a steady client load
(BEFORE), then the same load again while node-4 joins (DURING); prints the join's duration, bytes,
keys and MB/s, and the client's latency BEFORE against DURING. 12-20 minutes with the defaults.

  --rates LIST          transfer.rate settings, comma-separated (default $RATES)
  --concurrency C       transfer.concurrency on every node (default: the node's default)
  --records R           records loaded before the runs (default $RECORDS, ~1.1 KiB each)
  --target OPS          client rate of every paced run, ops/s (default: a third of the throughput
                        of the first flat-out warm-up, a multiple of 10)
  --duration S          counted length of each run, seconds (default $DURATION)
  --warmup S            flat-out run on the fresh cluster before BEFORE, discarded (default $WARMUP)
  --client-warmup S     uncounted start of each paced run, seconds (default $CLIENT_WARMUP)
  --join-at S           start node-4 this long into DURING's counted part (default $JOIN_AT)
  --join-timeout S      give up on a join after this long (default $JOIN_TIMEOUT)
  --connections N       client connections (default $CONNECTIONS)
  --workload W          YCSB workload of both runs: a, b, c, d or f (default $WORKLOAD)

Raw results and summary.txt under \$KVORUM_DATA/bench-join (default ./data/bench-join). Ports:
KVORUM_HTTP_BASE_PORT and KVORUM_INTERNODE_BASE_PORT, as for 'up'. Exit status 0 when every join
finished, 1 when one did not or a step failed, 2 bad usage.
EOF
}

bad_usage() {
  printf 'bench-join: %s (scripts/kvorum bench-join --help lists the options)\n' "$*" >&2
  exit 2
}

need_uint() { # option value
  case $2 in
    '' | *[!0-9]*) bad_usage "$1 needs a whole number, got '$2'" ;;
  esac
}

need_positive() { # option value
  need_uint "$1" "$2"
  [ "$2" -gt 0 ] || bad_usage "$1 must be at least 1, got '$2'"
}

while [ "$#" -gt 0 ]; do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --rates | --concurrency | --records | --target | --duration | --warmup | --client-warmup | --join-at | \
      --join-timeout | --connections | --workload)
      [ "$#" -ge 2 ] || bad_usage "$1 needs a value"
      case $1 in
        --rates) RATES=$2 ;;
        --concurrency) CONCURRENCY=$2 ;;
        --records) RECORDS=$2 ;;
        --target) TARGET=$2 ;;
        --duration) DURATION=$2 ;;
        --warmup) WARMUP=$2 ;;
        --client-warmup) CLIENT_WARMUP=$2 ;;
        --join-at) JOIN_AT=$2 ;;
        --join-timeout) JOIN_TIMEOUT=$2 ;;
        --connections) CONNECTIONS=$2 ;;
        --workload) WORKLOAD=$2 ;;
      esac
      shift 2
      ;;
    *) bad_usage "unknown argument '$1'" ;;
  esac
done
case $RATES in
  '' | ,* | *, | *,,* | *[!0-9A-Za-z,]*) bad_usage "--rates takes sizes separated by commas (e.g. 4MiB,16MiB), got '$RATES'" ;;
esac
[ -z "$CONCURRENCY" ] || need_positive --concurrency "$CONCURRENCY"
need_positive --records "$RECORDS"
[ -z "$TARGET" ] || need_positive --target "$TARGET"
need_positive --duration "$DURATION"
need_uint --warmup "$WARMUP"
need_uint --client-warmup "$CLIENT_WARMUP"
need_uint --join-at "$JOIN_AT"
need_positive --join-timeout "$JOIN_TIMEOUT"
need_positive --connections "$CONNECTIONS"
case $WORKLOAD in
  a | b | c | d | f) ;;
  *) bad_usage "--workload must be a, b, c, d or f, got '$WORKLOAD'" ;;
esac
[ "$JOIN_AT" -lt "$DURATION" ] || bad_usage "--join-at ($JOIN_AT) must fall inside the run (--duration $DURATION)"
command -v curl >/dev/null 2>&1 || { printf 'bench-join: needs curl\n' >&2; exit 2; }

say() {
  printf '[bench-join %s] %s\n' "$(date +%H:%M:%S)" "$*"
}

load_average() { # the 1-minute load average, or "?"
  local line
  line=$(uptime 2>/dev/null) || line=""
  line=${line##*load average*: }
  line=${line%%,*}
  line=${line%% *} # macOS: "load averages: 1.52 1.60 1.71", no commas
  printf '%s\n' "${line:-?}"
}

NODES3="$KV_HOST:$(kv_port 1),$KV_HOST:$(kv_port 2),$KV_HOST:$(kv_port 3)"
# Settings every node of a rate's cluster (node-4 too) starts with, as KVORUM_<KEY> variables.
node_env() { # rate
  printf '%s\n' "KVORUM_TRANSFER_RATE=$1"
  [ -z "$CONCURRENCY" ] || printf '%s\n' "KVORUM_TRANSFER_CONCURRENCY=$CONCURRENCY"
}

# A run killed earlier may have left its cluster running under $OUT: stop it before deleting its files.
KVORUM_DATA="$OUT/cluster" "$KVORUM" down >/dev/null 2>&1 || true
rm -rf "$OUT"
mkdir -p "$OUT"
export KVORUM_DATA="$OUT/cluster"
# Three restarted nodes replaying their logs on a busy 2-core machine took longer than up's 60 s.
export KVORUM_UP_TIMEOUT=${KVORUM_UP_TIMEOUT:-240}
trap '"$KVORUM" down >/dev/null 2>&1' EXIT
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
LOAD_FIRST=$(load_average)
say "rates $RATES; $RECORDS records; workload $WORKLOAD at ${TARGET:-a third of the first warm-up in} ops/s, $CONNECTIONS connections, ${WARMUP}s flat-out warm-up, then ${CLIENT_WARMUP}s + ${DURATION}s per run; load average $LOAD_FIRST"

fail() {
  say "$*"
  exit 1
}

# The harness' text report: "<count> <p50> <p99> <max> <errors>" of one operation's line (ms), or nothing.
op_figures() { # report-file operation
  awk -v op="$2" '/^kvorum +run +ALL/ { run = 1; next }
    run && $1 == op { errors = $9; for (i = 10; i <= NF; i++) errors = errors " " $i
                      print $2, $3, $5, $7, errors; exit }' "$1"
}

# The operations of a run's report, in the order it lists them.
ops_of() { # report-file
  awk '/^kvorum +run +ALL/ { run = 1; next }
    run && /^ +[A-Z_]+ / { print $1 } run && /^$/ { exit }' "$1"
}

# "<ops/s> <errors>" from the run's ALL line.
all_figures() { # report-file
  sed -n 's/^kvorum  *run  *ALL  *[0-9,]*  *\([0-9,]*\) in .*, \([0-9,]*\) errors.*/\1 \2/p' "$1" | head -n 1
}

# The worst one-second p99 (ms) of a run's timeline in result.json, over the seconds that overlap
# [from, to] (seconds since the counted part began); "-" when the timeline has none there.
worst_p99() { # result.json from to
  awk -v from="$2" -v to="$3" '
    /"elapsed_s"/ { gsub(/[^0-9.]/, "", $3); e = $3 + 0 }
    /"p99_micros"/ { gsub(/[^0-9]/, "", $3); if (e > from && e - 1 < to && $3 + 0 > worst) { worst = $3 + 0; seen = 1 } }
    END { if (seen) printf "%.1f\n", worst / 1000; else print "-" }' "$1"
}

# Appends key=value to a rate's figures file, read back by fig.
put() { # dir key value
  printf '%s=%s\n' "$2" "$3" >>"$1/figures"
}

fig() { # dir key
  sed -n "s/^$2=//p" "$1/figures" 2>/dev/null | tail -n 1
}

bench_run() { # name dir: one counted run of the steady client load
  "$KVORUM" bench --nodes "$NODES3" --workload "$WORKLOAD" -p recordcount="$RECORDS" --phase run \
    --target "$TARGET" --warmup "$CLIENT_WARMUP" --duration "$DURATION" --connections "$CONNECTIONS" --r 2 --w 2 \
    --progress 1 --out "$2/results/$1"
}

load_snapshot() {
  say "loading $RECORDS records into a 3-node cluster (w=2), kept as the snapshot every rate starts from"
  # The first 'up' builds the jar when the sources are newer; the rest of the run uses that jar.
  "$KVORUM" up --nodes 3 >"$OUT/load-up.log" 2>&1 || fail "up failed: see $OUT/load-up.log"
  export KVORUM_NO_BUILD=1
  "$KVORUM" bench --nodes "$NODES3" --workload "$WORKLOAD" -p recordcount="$RECORDS" --phase load \
    --connections "$CONNECTIONS" --w 2 --progress 10 --out "$OUT/results-load" >"$OUT/load.txt" 2>&1 ||
    fail "the load failed: see $OUT/load.txt"
  LOAD_LINE=$(grep -E '^kvorum +load +ALL' "$OUT/load.txt" | sed 's/  */ /g')
  say "loaded: ${LOAD_LINE#kvorum load ALL }"
  "$KVORUM" down >/dev/null 2>&1
  rm -f "$KVORUM_DATA"/node-*/node.log "$KVORUM_DATA"/node-*/stdout.log "$KVORUM_DATA"/node-*/pid
  mv "$KVORUM_DATA" "$OUT/snapshot"
}

# Waits until the harness' report in FILE shows its first counted progress line (one second into
# the counted part) and prints that moment less a second; fails when the harness exits first.
counted_start() { # report-file harness-pid
  local deadline=$((SECONDS + CLIENT_WARMUP + 180)) now
  while ! grep -q '^\[kvorum run\]' "$1" 2>/dev/null; do
    kill -0 "$2" 2>/dev/null || return 1
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
  now=$(kv_now)
  awk -v t="$now" 'BEGIN { printf "%.3f\n", t - 1 }'
}

# True when node-1..node-4 all list node-4 as up.
joined_everywhere() {
  local observer
  for observer in 1 2 3 4; do
    [ "$(kv_status_seen "$observer" node-4)" = up ] || return 1
  done
}

# Polls node-4's join until node-1..node-4 all see it up or --join-timeout passes: node-4's status as
# node-1 sees it, its transfer counters every half second in join.tsv, GET /cluster/transfers of
# node-4 every two seconds in transfers.json. Prints the seconds since T0 when it was up everywhere.
watch_join() { # dir t0
  local dir=$1 t0=$2 deadline=$((SECONDS + JOIN_TIMEOUT)) tick=0 elapsed
  printf 'seconds\tstatus_at_node_1\ttransfer_bytes\ttransfer_keys\tstorage_keys\n' >"$dir/join.tsv"
  while :; do
    elapsed=$(kv_seconds_since "$t0")
    printf '%s\t%s\t%s\t%s\t%s\n' "$elapsed" "$(kv_status_seen 1 node-4)" "$(kv_metric 4 transfer.bytes)" \
      "$(kv_metric 4 transfer.keys)" "$(kv_metric 4 storage.keys)" >>"$dir/join.tsv"
    if [ $((tick % 4)) = 0 ]; then
      printf '{"seconds": %s, "node_4": %s}\n' "$elapsed" \
        "$(curl -s --max-time 2 "http://$KV_HOST:$(kv_port 4)/cluster/transfers" 2>/dev/null || true)" >>"$dir/transfers.json"
    fi
    tick=$((tick + 1))
    if joined_everywhere; then
      kv_seconds_since "$t0"
      return 0
    fi
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# The numbers of node-4's log line "node-4 received all N of N ranges for the join of node-4: K keys,
# B bytes in T s (X MB/s)" as "N K B T X", or nothing when it has not written one.
stream_line() {
  grep -h 'received all [0-9]* of [0-9]* ranges for the join of node-4' "$KVORUM_DATA/node-4/node.log" 2>/dev/null |
    tail -n 1 | sed -n 's/.*received all \([0-9]*\) of [0-9]* ranges[^:]*: \([0-9]*\) keys, \([0-9]*\) bytes in \([0-9.]*\) s (\([0-9.]*\) MB\/s).*/\1 \2 \3 \4 \5/p'
}

# One transfer.rate setting: a fresh cluster from the snapshot, BEFORE, then DURING with node-4's join.
run_rate() { # rate
  local rate=$1 dir="$OUT/rate-$1" pid t_counted t_start up_at start_pid status=0 figures
  mkdir -p "$dir/results"
  put "$dir" rate "$rate"
  put "$dir" load_before "$(load_average)"
  "$KVORUM" down >/dev/null 2>&1
  rm -rf "$KVORUM_DATA"
  cp -Rp "$OUT/snapshot" "$KVORUM_DATA"
  # shellcheck disable=SC2046 # node_env prints whole VAR=value words
  env $(node_env "$rate") "$KVORUM" up --nodes 3 >"$dir/up.log" 2>&1 || {
    put "$dir" failed "up failed (see $dir/up.log)"
    say "transfer.rate=$rate: up failed, see $dir/up.log"
    return 1
  }
  if [ "$WARMUP" -gt 0 ]; then
    say "transfer.rate=$rate: warm-up, ${WARMUP}s flat out (discarded)"
    "$KVORUM" bench --nodes "$NODES3" --workload "$WORKLOAD" -p recordcount="$RECORDS" --phase run \
      --duration "$WARMUP" --connections "$CONNECTIONS" --r 2 --w 2 --progress 5 >"$dir/warmup.txt" 2>&1 ||
      say "the warm-up run failed (see $dir/warmup.txt)"
  fi
  if [ -z "$TARGET" ]; then
    TARGET=$(all_figures "$dir/warmup.txt" | awk '{ gsub(/,/, "", $1); t = int($1 / 3 / 10) * 10; print (t < 10 ? 10 : t) }')
    [ -n "$TARGET" ] || TARGET=10
    TARGET_NOTE="a third of the first warm-up's $(all_figures "$dir/warmup.txt" | awk '{ print $1 }') ops/s"
    say "paced runs at $TARGET ops/s ($TARGET_NOTE)"
  fi
  say "transfer.rate=$rate: BEFORE (${CLIENT_WARMUP}s + ${DURATION}s at $TARGET ops/s)"
  bench_run before "$dir" >"$dir/before.txt" 2>&1 || say "the BEFORE run failed (see $dir/before.txt)"

  say "transfer.rate=$rate: DURING (node-4 starts ${JOIN_AT}s into the counted part)"
  bench_run during "$dir" >"$dir/during.txt" 2>&1 &
  pid=$!
  if t_counted=$(counted_start "$dir/during.txt" "$pid"); then
    sleep "$JOIN_AT"
  else
    say "the DURING run never reached its counted part (see $dir/during.txt); node-4 starts anyway"
    t_counted=$(kv_now)
  fi
  t_start=$(kv_now)
  put "$dir" join_offset "$(kv_seconds_between "$t_counted" "$t_start")"
  # shellcheck disable=SC2046
  env $(node_env "$rate") "$KVORUM" start node-4 >"$dir/start-node-4.log" 2>&1 &
  start_pid=$!
  if up_at=$(watch_join "$dir" "$t_start"); then
    put "$dir" join_s "$up_at"
    say "node-4 is up everywhere ${up_at}s after 'start node-4'"
  else
    put "$dir" failed "node-4 not up everywhere after ${JOIN_TIMEOUT}s"
    say "node-4 was not up everywhere after ${JOIN_TIMEOUT}s (see $dir/join.tsv, $dir/logs)"
    status=1
  fi
  put "$dir" join_end "$(kv_seconds_since "$t_counted")"
  wait "$start_pid" || say "'start node-4' failed (see $dir/start-node-4.log)"
  wait "$pid" || say "the DURING run failed (see $dir/during.txt)"
  figures=$(stream_line)
  put "$dir" stream "$figures"
  put "$dir" transfer_bytes "$(kv_metric 4 transfer.bytes)"
  put "$dir" transfer_keys "$(kv_metric 4 transfer.keys)"
  put "$dir" storage_keys "$(kv_metric 4 storage.keys)"
  put "$dir" load_after "$(load_average)"
  mkdir -p "$dir/logs"
  for node in "$KVORUM_DATA"/node-*; do
    cp "$node/node.log" "$dir/logs/$(basename "$node").log" 2>/dev/null || true
  done
  "$KVORUM" down >/dev/null 2>&1
  return "$status"
}

# "p50 / p99 / max" of one operation in a report, in ms with at most one decimal.
latency_cell() { # report-file operation
  op_figures "$1" "$2" | awk '{ printf "%.1f / %.1f / %.0f", $2, $3, $4 }'
}

errors_cell() { # report-file
  local all kinds
  all=$(all_figures "$1" | awk '{ print $2 }')
  kinds=$(awk '/^kvorum +run +ALL/ { run = 1; next } run && /^ +[A-Z_]+ / { for (i = 9; i <= NF; i++) if ($i ~ /=/) print $i }' "$1" |
    tr '\n' ' ')
  printf '%s%s' "${all:-?}" "${kinds:+ (${kinds% })}"
}

# Both tables, as Markdown (the README takes them as they are).
summary() {
  local dir rate stream ranges keys bytes seconds mbs join ops op cell before during ratio
  printf '### Joins (node-4 joining 3 nodes holding %s records; transfer.concurrency %s)\n\n' "$RECORDS" \
    "${CONCURRENCY:-at the node default}"
  printf '| transfer.rate | join (start to up everywhere) | streaming | ranges | keys | bytes | MB/s |\n'
  printf '| --- | --- | --- | --- | --- | --- | --- |\n'
  for rate in $(printf '%s' "$RATES" | tr ',' ' '); do
    dir="$OUT/rate-$rate"
    stream=$(fig "$dir" stream)
    join=$(fig "$dir" join_s)
    if [ -n "$stream" ]; then
      set -- $stream
      ranges=$1 keys=$2 bytes=$3 seconds=$4 mbs=$5
    else
      ranges=- keys=$(fig "$dir" transfer_keys) bytes=$(fig "$dir" transfer_bytes) seconds=- mbs=-
    fi
    [ -n "$join" ] && join="$join s" || join="not up: $(fig "$dir" failed)"
    [ "$seconds" = - ] || mbs=$(awk -v b="$bytes" -v t="$seconds" 'BEGIN { printf "%.2f", b / t / 1e6 }')
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$rate" "$join" \
      "${seconds} s" "$ranges" "${keys:--}" "$(awk -v b="${bytes:-0}" 'BEGIN { printf "%.1f MB", b / 1e6 }')" "$mbs"
  done
  printf '\n### The client (workload %s at %s ops/s%s, %s connections, r=2 w=2, %s s counted after %s s uncounted)\n\n' \
    "$WORKLOAD" "$TARGET" "${TARGET_NOTE:+: $TARGET_NOTE}" "$CONNECTIONS" "$DURATION" "$CLIENT_WARMUP"
  printf '| transfer.rate | run | ops/s | %s | worst 1-s p99 | errors |\n' \
    "$(for op in $OPS; do printf '%s p50 / p99 / max ms | ' "$op"; done | sed 's/ | $//')"
  printf '| --- | --- | --- |%s --- | --- |\n' "$(for op in $OPS; do printf ' --- |'; done)"
  for rate in $(printf '%s' "$RATES" | tr ',' ' '); do
    dir="$OUT/rate-$rate"
    for run in before during; do
      ops=$(all_figures "$dir/$run.txt" | awk '{ print $1 }')
      printf '| %s | %s | %s |' "$rate" "$(echo "$run" | tr a-z A-Z)" "${ops:-failed}"
      for op in $OPS; do
        cell=$(latency_cell "$dir/$run.txt" "$op")
        if [ "$run" = during ] && [ -n "$cell" ]; then
          before=$(op_figures "$dir/before.txt" "$op" | awk '{ print $3 }')
          during=$(op_figures "$dir/during.txt" "$op" | awk '{ print $3 }')
          ratio=$(awk -v a="$before" -v b="$during" 'BEGIN { if (a > 0) printf "%.1f", b / a }')
          cell="$cell (p99 x$ratio)"
        fi
        printf ' %s |' "${cell:--}"
      done
      if [ "$run" = before ]; then
        printf ' %s ms | %s |\n' "$(worst_p99 "$dir/results/before/result.json" 0 "$DURATION")" "$(errors_cell "$dir/before.txt")"
      else
        printf ' %s ms (while joining) | %s |\n' \
          "$(worst_p99 "$dir/results/during/result.json" "$(fig "$dir" join_offset)" "$(fig "$dir" join_end)")" \
          "$(errors_cell "$dir/during.txt")"
      fi
    done
  done
}

load_snapshot
failed=0
for rate in $(printf '%s' "$RATES" | tr ',' ' '); do
  run_rate "$rate" || failed=1
done
OPS=$(ops_of "$OUT/rate-${RATES%%,*}/before.txt" | tr '\n' ' ')
[ -n "$OPS" ] || OPS="READ UPDATE"
{
  printf 'bench-join, %s to %s: %s\n' "$STARTED" "$(date -u '+%H:%M UTC')" "$LOAD_LINE"
  printf 'load average (1 min) %s at the start' "$LOAD_FIRST"
  for rate in $(printf '%s' "$RATES" | tr ',' ' '); do
    printf '; %s: %s before, %s after' "$rate" "$(fig "$OUT/rate-$rate" load_before)" "$(fig "$OUT/rate-$rate" load_after)"
  done
  printf '\n\n'
  summary
} >"$OUT/summary.txt"
printf '\n'
cat "$OUT/summary.txt"
say "raw results in $OUT"
exit "$failed"
