#!/usr/bin/env bash
# check-handoff.sh (`scripts/kvorum check-handoff [options]`): how long a replica that missed writes
# takes to catch up, by hinted handoff, by anti-entropy, or by both. Per mode, on a fresh 3-node
# cluster (N=3, R=2, W=2) started by `scripts/kvorum up` under $KVORUM_DATA/check-handoff/<mode>:
#   1. kills node-3 and waits until node-1 and node-2 both show it "down" in GET /cluster/members;
#   2. writes --keys distinct keys (default 10,000) with w=2 through node-1 and node-2, --parallel
#      streams of keep-alive PUTs (default 8), and counts the ones not answered 200;
#   3. starts node-3 again and polls its GET /metrics gauge storage.keys (the keys in node-3's own
#      engine) until it holds every key, or --timeout seconds (default 300) have passed.
# Modes: hints (KVORUM_ANTI_ENTROPY_ENABLED=false), anti-entropy (KVORUM_HANDOFF_ENABLED=false),
# both; default: all three, one after the other. A build that does not know handoff.enabled or
# anti-entropy.enabled ignores the variable (the node ignores KVORUM_* variables that name no key):
# the output says so. Prints per mode: writes ok/failed, the write duration, and the seconds until
# node-3 held every key (or how many it held when the wait gave up); node-3's key count over time is
# kept in <mode>/catch-up.tsv. Exit status 0 when in every mode all writes succeeded and node-3
# caught up in time, 1 otherwise, 2 bad usage.
set -uo pipefail
export LC_ALL=C

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib/checks.sh
. "$ROOT/scripts/lib/checks.sh"
DATA=$(kv_data_dir "$ROOT")
readonly DATA
readonly OUT="$DATA/check-handoff"
readonly KVORUM_SCRIPT="$ROOT/scripts/kvorum"
readonly ALL_MODES="hints anti-entropy both"

MODES=$ALL_MODES
KEYS=10000
TIMEOUT=300
PARALLEL=8
AE_INTERVAL=${KVORUM_ANTI_ENTROPY_INTERVAL:-}

usage() {
  cat <<EOF
Usage: scripts/kvorum check-handoff [options]

Per mode, on a fresh 3-node cluster (N=3, R=2, W=2): kill node-3, wait until node-1 and node-2 see
it down, write --keys distinct keys with w=2 through node-1 and node-2, start node-3, and time how
long until node-3's gauge storage.keys reaches --keys. Exit status 0 when every mode's writes all
succeeded and node-3 caught up within --timeout, 1 otherwise.

  --mode M                   hints (anti-entropy off), anti-entropy (handoff off), both, or all
                             (default: all three, each on its own fresh cluster)
  --keys K                   distinct keys to write (default $KEYS)
  --timeout SECONDS          give up waiting for node-3 after this long (default $TIMEOUT)
  --parallel P               concurrent PUT streams (default $PARALLEL)
  --anti-entropy-interval D  sets anti-entropy.interval (e.g. 10s) on every node; default: the
                             node's own default, or \$KVORUM_ANTI_ENTROPY_INTERVAL

State and logs under \$KVORUM_DATA/check-handoff/<mode> (default ./data): the cluster's data and node
logs, writes.log (one line per PUT: HTTP code and key), catch-up.tsv (seconds since 'start node-3',
keys node-3 holds). Ports: KVORUM_HTTP_BASE_PORT and KVORUM_INTERNODE_BASE_PORT, as for 'up'.
EOF
}

bad_usage() {
  printf 'check-handoff: %s (scripts/kvorum check-handoff --help lists the options)\n' "$*" >&2
  exit 2
}

need_uint() { # option value
  case $2 in
    '' | *[!0-9]*) bad_usage "$1 needs a whole number, got '$2'" ;;
  esac
}

while [ "$#" -gt 0 ]; do
  case $1 in
    --mode)
      [ "$#" -ge 2 ] || bad_usage "--mode needs a value"
      case $2 in
        hints | anti-entropy | both) MODES=$2 ;;
        all) MODES=$ALL_MODES ;;
        *) bad_usage "--mode must be hints, anti-entropy, both or all, got '$2'" ;;
      esac
      shift 2
      ;;
    --keys | --timeout | --parallel)
      [ "$#" -ge 2 ] || bad_usage "$1 needs a value"
      need_uint "$1" "$2"
      case $1 in
        --keys) KEYS=$2 ;;
        --timeout) TIMEOUT=$2 ;;
        --parallel) PARALLEL=$2 ;;
      esac
      shift 2
      ;;
    --anti-entropy-interval)
      [ "$#" -ge 2 ] || bad_usage "$1 needs a duration"
      AE_INTERVAL=$2
      shift 2
      ;;
    -h | --help) usage && exit 0 ;;
    *) bad_usage "unknown argument '$1'" ;;
  esac
done
[ "$KEYS" -ge 1 ] || bad_usage "--keys must be at least 1"
[ "$PARALLEL" -ge 1 ] || bad_usage "--parallel must be at least 1"
command -v curl >/dev/null 2>&1 || {
  echo "check-handoff: needs curl" >&2
  exit 1
}

STARTED=$SECONDS
mkdir -p "$OUT"
rm -f "$OUT/run.log" "$OUT/summary.txt"
log() {
  printf '[check-handoff %4ds] %s\n' "$((SECONDS - STARTED))" "$*"
  printf '[check-handoff %4ds] %s\n' "$((SECONDS - STARTED))" "$*" >>"$OUT/run.log"
}

# The settings of a mode, as the environment its nodes start with. `scripts/kvorum start` does not
# record the environment, so node-3 must be started again with the same one.
MODE=""
MODE_DIR=""
mode_env() { # prints NAME=VALUE words for env(1)
  local handoff=true anti_entropy=true
  case $MODE in
    hints) anti_entropy=false ;;
    anti-entropy) handoff=false ;;
  esac
  printf '%s\n' "KVORUM_DATA=$MODE_DIR/cluster" KVORUM_QUORUM_N=3 KVORUM_QUORUM_R=2 KVORUM_QUORUM_W=2 \
    KVORUM_STORAGE_ENGINE=log "KVORUM_HANDOFF_ENABLED=$handoff" "KVORUM_ANTI_ENTROPY_ENABLED=$anti_entropy"
  [ -z "$AE_INTERVAL" ] || printf '%s\n' "KVORUM_ANTI_ENTROPY_INTERVAL=$AE_INTERVAL"
}

kvorum() {
  local settings=()
  while IFS= read -r line; do settings+=("$line"); done <<EOF
$(mode_env)
EOF
  env "${settings[@]}" "$KVORUM_SCRIPT" "$@"
}

CLUSTER_UP=0
cleanup() {
  if [ "$CLUSTER_UP" = 1 ]; then
    kvorum down >>"$MODE_DIR/down.log" 2>&1 || log "down failed (see $MODE_DIR/down.log)"
    CLUSTER_UP=0
  fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# Which of the settings this check relies on the build knows: they are listed by the node's --help.
KNOWN_SETTINGS=""
missing_settings() { # prints the ones the built node does not know
  local java key
  if [ -z "$KNOWN_SETTINGS" ]; then
    java="$(kv_java_home "$ROOT")/bin/java"
    KNOWN_SETTINGS=$("$java" -cp "$ROOT/node/target/kvorum-node.jar:$ROOT/node/target/lib/*" \
      io.kvorum.node.runtime.Main --help 2>/dev/null | sed -n 's/^ *--\([a-z.-]*\)=.*/\1/p' | tr '\n' ' ')
    KNOWN_SETTINGS=" ${KNOWN_SETTINGS:-?} "
  fi
  for key in handoff.enabled anti-entropy.enabled anti-entropy.interval; do
    [ "$key" != anti-entropy.interval ] || [ -n "$AE_INTERVAL" ] || continue
    case $KNOWN_SETTINGS in
      *" $key "*) ;;
      *) printf '%s ' "$key" ;;
    esac
  done
}

# A metric summed over node-1..3 ("n/a" when no node has it).
metric_sum() { # name
  local node value sum=""
  for node in node-1 node-2 node-3; do
    value=$(kv_metric "$node" "$1")
    [ -n "$value" ] || continue
    sum=$(awk -v a="${sum:-0}" -v b="$value" 'BEGIN { printf "%d\n", a + b }')
  done
  printf '%s\n' "${sum:-n/a}"
}

# Writes KEYS keys through node-1 and node-2: PARALLEL curl processes, each sending its share of the
# keys over one keep-alive connection (a curl config file with one request per key). writes.log gets
# one line per answered PUT: "HTTP-CODE KEY".
write_keys() {
  local w pids="" pid port
  for w in $(seq 0 $((PARALLEL - 1))); do
    port=$(kv_port "node-$((1 + w % 2))")
    awk -v w="$w" -v p="$PARALLEL" -v keys="$KEYS" -v host="$KV_HOST" -v port="$port" 'BEGIN {
      for (i = w + 1; i <= keys; i += p) {
        printf "url = \"http://%s:%s/kv/handoff-%d?w=2\"\n", host, port, i
        print "request = \"PUT\""
        print "header = \"Content-Type: application/json\""
        printf "data = \"{\\\"value\\\":%d}\"\n", i
        print "output = \"/dev/null\""
        printf "write-out = \"%%{http_code} handoff-%d\\n\"\n", i
        print "max-time = 10"
        print "next"
      }
    }' >"$MODE_DIR/writes-$w.curl"
    curl -s -K "$MODE_DIR/writes-$w.curl" >"$MODE_DIR/writes-$w.log" 2>/dev/null &
    pids="$pids $!"
  done
  for pid in $pids; do wait "$pid"; done
  cat "$MODE_DIR"/writes-*.log >"$MODE_DIR/writes.log"
  rm -f "$MODE_DIR"/writes-*.curl "$MODE_DIR"/writes-*.log
}

RESULTS=()
FAILED_MODES=0

run_mode() { # mode
  local t0 start_seconds keys=0 deadline caught="" ok failed write_seconds missing elapsed counters line
  MODE=$1
  MODE_DIR="$OUT/$MODE"
  rm -rf "$MODE_DIR"
  mkdir -p "$MODE_DIR"
  log "=== mode $MODE: $(mode_env | grep -E 'HANDOFF|ANTI_ENTROPY' | tr '\n' ' ')"
  CLUSTER_UP=1
  if ! kvorum up --nodes 3 >"$MODE_DIR/up.log" 2>&1; then
    tail -n 20 "$MODE_DIR/up.log"
    RESULTS+=("mode $MODE: the cluster did not start (see $MODE_DIR/up.log)")
    FAILED_MODES=$((FAILED_MODES + 1))
    cleanup
    return
  fi
  KV_HTTP_BASE=$(($(sed -n 's/^--http\.port=//p' "$MODE_DIR/cluster/node-1/args" | tail -n 1) - 1))
  missing=$(missing_settings | sed 's/ $//; s/ /, /g')
  [ -z "$missing" ] || log "note: this build does not know $missing: the nodes ignore those variables"

  kvorum kill node-3 >>"$MODE_DIR/faults.log" 2>&1 || log "kill node-3 failed (see $MODE_DIR/faults.log)"
  for node in node-1 node-2; do
    if t=$(kv_wait_status "$node" node-3 down 60); then
      log "$node sees node-3 down after ${t}s"
    else
      log "$node still sees node-3 $(kv_status_seen "$node" node-3) after 60s; writing anyway"
    fi
  done

  log "writing $KEYS keys with w=2 through node-1 and node-2 ($PARALLEL streams)"
  t0=$(kv_now)
  write_keys
  write_seconds=$(kv_seconds_since "$t0")
  ok=$(awk '$1 == "200"' "$MODE_DIR/writes.log" | wc -l | tr -d ' ')
  failed=$((KEYS - ok))
  log "writes: $ok ok, $failed failed, in ${write_seconds}s"

  t0=$(kv_now)
  kvorum start node-3 >>"$MODE_DIR/faults.log" 2>&1 || log "start node-3 failed (see $MODE_DIR/faults.log)"
  start_seconds=$(kv_seconds_since "$t0")
  log "node-3 started and healthy ${start_seconds}s after 'start node-3'; polling its storage.keys"
  printf 'seconds\tkeys\n' >"$MODE_DIR/catch-up.tsv"
  deadline=$((SECONDS + TIMEOUT))
  while :; do
    keys=$(kv_metric node-3 storage.keys)
    elapsed=$(kv_seconds_since "$t0")
    printf '%s\t%s\n' "$elapsed" "${keys:-?}" >>"$MODE_DIR/catch-up.tsv"
    if [ -n "$keys" ] && [ "${keys%.*}" -ge "$KEYS" ]; then
      caught=$elapsed
      break
    fi
    [ "$SECONDS" -lt "$deadline" ] || break
    sleep 0.5
  done
  counters="hints.stored=$(metric_sum hints.stored) hints.delivered=$(metric_sum hints.delivered)"
  counters="$counters hints.dropped=$(metric_sum hints.dropped) hints.pending=$(metric_sum hints.pending)"
  counters="$counters anti-entropy.keys-repaired=$(metric_sum anti-entropy.keys-repaired) kv.read-repairs=$(metric_sum kv.read-repairs)"
  log "metrics summed over the nodes: $counters"
  cleanup

  line="mode $MODE: writes $ok ok / $failed failed in ${write_seconds}s; "
  if [ -n "$caught" ]; then
    line="${line}node-3 held all $KEYS keys ${caught}s after 'start node-3' (healthy after ${start_seconds}s)"
  else
    line="${line}node-3 held ${keys:-?} of $KEYS keys when the wait gave up after ${TIMEOUT}s"
  fi
  [ -z "$missing" ] || line="$line (this build lacks $missing)"
  if [ "$failed" != 0 ] || [ -z "$caught" ]; then FAILED_MODES=$((FAILED_MODES + 1)); fi
  RESULTS+=("$line")
  log "$line"
}

for mode in $MODES; do
  run_mode "$mode"
done
trap - EXIT
for line in "${RESULTS[@]}"; do
  printf 'check-handoff: %s\n' "$line" | tee -a "$OUT/summary.txt"
done
if [ "$FAILED_MODES" -gt 0 ]; then
  printf 'check-handoff: FAIL in %d of %d mode(s) (logs in %s)\n' "$FAILED_MODES" "${#RESULTS[@]}" "$OUT" | tee -a "$OUT/summary.txt"
  exit 1
fi
printf 'check-handoff: PASS (logs in %s)\n' "$OUT" | tee -a "$OUT/summary.txt"
exit 0
