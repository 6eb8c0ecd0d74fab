#!/usr/bin/env bash
# check-membership.sh (`scripts/kvorum check-membership [options]`): elastic membership (issue 13)
# on real processes, with clients running throughout. On a fresh cluster started by
# `scripts/kvorum up` under $KVORUM_DATA/check-membership/cluster (N=3, R=2, W=2):
#   1. starts 3 nodes; the clients (scripts/lib/MembershipWorkload.java) preload --keys keys with
#      w=all, then --writers threads write new keys (default w) and --readers threads read keys that
#      were acknowledged before the read began (default r), through the current members;
#   2. grows the cluster to 5: `start node-4`, then `start node-5`, each returning once every live
#      node shows the new node up (it has streamed its ranges);
#   3. `leave node-2`: it streams its ranges away, leaves the ring and exits;
#   4. `kill node-3`, then `remove node-3`: its ranges are streamed from the surviving replicas;
#   5. stops the clients, reads every node's metrics, then reads every acknowledged key with r=all.
# It prints: reads of acknowledged keys that answered 404 (must be 0), lost writes (acknowledged,
# then missing or wrong in the r=all reads; must be 0), failed writes, the time of each step, the
# bytes and keys streamed (transfer.bytes, transfer.keys), storage.keys on every remaining node, and
# transfer.keys against the read repairs (kv.read-repairs) and anti-entropy repairs: the data must
# have arrived by streaming. Exit status 0 pass, 1 fail, 2 bad usage.
# State and logs: $KVORUM_DATA/check-membership (default ./data/check-membership).
set -uo pipefail
export LC_ALL=C

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib/checks.sh
. "$ROOT/scripts/lib/checks.sh"
DATA=$(kv_data_dir "$ROOT")
readonly DATA
readonly OUT="$DATA/check-membership"
readonly CLUSTER_DATA="$OUT/cluster"
readonly RUN="$OUT/run"
readonly KVORUM_SCRIPT="$ROOT/scripts/kvorum"
# Repairs other than streaming may fix a few keys that a write's slowest replica had not stored yet
# when a read came; more than this share of the keys streamed means streaming did not do the work.
readonly REPAIR_SHARE_MAX_PERCENT=10

KEYS=2000
WRITERS=2
READERS=2
VALUE_BYTES=1000
WRITE_W=""
KEEP=0
STEP_TIMEOUT=600
SEED=$(($$ ^ $(date +%s) & 32767))

usage() {
  cat <<EOF
Usage: scripts/kvorum check-membership [options]

Writers and readers run while a fresh 3-node cluster (N=3, R=2, W=2) grows to 5 (start node-4,
start node-5), loses node-2 by 'leave' and node-3 by 'kill' + 'remove'. Checks that no acknowledged
key ever read 404, that none was lost, and that the data moved by streaming. Exit 0 pass, 1 fail.

  --keys K            keys preloaded with w=all before the changes (default $KEYS)
  --writers W         writer threads during the changes (default $WRITERS)
  --readers R         reader threads during the changes (default $READERS)
  --value-bytes B     size of each value's JSON (default $VALUE_BYTES)
  --w W               w of the writers' PUTs (default: the nodes' default, 2)
  --step-timeout S    seconds each step may take (default $STEP_TIMEOUT)
  --seed S            seed of the clients' key names and reads (default: random, printed)
  --keep              leave the cluster running at the end

State and logs under \$KVORUM_DATA/check-membership (default ./data/check-membership); the cluster
keeps its data and node logs in \$KVORUM_DATA/check-membership/cluster, on KVORUM_HTTP_BASE_PORT and
KVORUM_INTERNODE_BASE_PORT like 'up' (node-1..node-5 take BASE+1..BASE+5).
EOF
}

bad_usage() {
  printf 'check-membership: %s (scripts/kvorum check-membership --help lists the options)\n' "$*" >&2
  exit 2
}

need_uint() { # option value
  case $2 in
    '' | *[!0-9]*) bad_usage "$1 needs a whole number, got '$2'" ;;
  esac
}

while [ "$#" -gt 0 ]; do
  case $1 in
    --keys | --writers | --readers | --value-bytes | --step-timeout | --seed)
      [ "$#" -ge 2 ] || bad_usage "$1 needs a value"
      need_uint "$1" "$2"
      case $1 in
        --keys) KEYS=$2 ;;
        --writers) WRITERS=$2 ;;
        --readers) READERS=$2 ;;
        --value-bytes) VALUE_BYTES=$2 ;;
        --step-timeout) STEP_TIMEOUT=$2 ;;
        --seed) SEED=$2 ;;
      esac
      shift 2
      ;;
    --w)
      [ "$#" -ge 2 ] || bad_usage "--w needs a value"
      case $2 in
        1 | 2 | 3 | one | quorum | all) WRITE_W=$2 ;;
        *) bad_usage "--w must be 1, 2, 3, one, quorum or all, got '$2'" ;;
      esac
      shift 2
      ;;
    --keep) KEEP=1 && shift ;;
    -h | --help) usage && exit 0 ;;
    *) bad_usage "unknown argument '$1'" ;;
  esac
done
[ "$WRITERS" -ge 1 ] || bad_usage "--writers must be at least 1"
command -v curl >/dev/null 2>&1 || {
  echo "check-membership: needs curl" >&2
  exit 1
}

mkdir -p "$OUT"
STARTED=$SECONDS
log() {
  printf '[check-membership %4ds] %s\n' "$((SECONDS - STARTED))" "$*"
  printf '[check-membership %4ds] %s\n' "$((SECONDS - STARTED))" "$*" >>"$OUT/run.log"
}
FAILURES=()
fail() {
  FAILURES+=("$*")
  log "FAIL: $*"
}

kvorum() {
  KVORUM_DATA="$CLUSTER_DATA" KVORUM_QUORUM_N=3 KVORUM_QUORUM_R=2 KVORUM_QUORUM_W=2 \
    KVORUM_MEMBERSHIP_TIMEOUT="$STEP_TIMEOUT" "$KVORUM_SCRIPT" "$@"
}

# --- 0. a fresh cluster ----------------------------------------------------------------------------
if [ -n "$(kvorum status 2>/dev/null | awk 'NR > 1 && ($3 == "running" || $3 == "paused")')" ]; then
  echo "check-membership: stopping the cluster an earlier 'check-membership --keep' left running under $CLUSTER_DATA" >&2
  kvorum down >/dev/null 2>&1 || true
fi
rm -rf "$RUN" "$CLUSTER_DATA" "$OUT/run.log" "$OUT/summary.txt" "$OUT/up.log"
mkdir -p "$RUN"

CLUSTER_STARTED=0
WORKLOAD_PID=""
cleanup() {
  touch "$RUN/stop" "$RUN/verify" 2>/dev/null
  [ -z "$WORKLOAD_PID" ] || kill "$WORKLOAD_PID" 2>/dev/null || true
  if [ "$CLUSTER_STARTED" = 1 ] && [ "$KEEP" = 0 ]; then
    log "stopping the cluster (its data and logs stay in $CLUSTER_DATA)"
    kvorum down >>"$RUN/down.log" 2>&1 || log "down failed (see $RUN/down.log)"
  fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

log "starting a fresh 3-node cluster (scripts/kvorum up, N=3 R=2 W=2, data in $CLUSTER_DATA)"
CLUSTER_STARTED=1
if ! kvorum up --nodes 3 >"$OUT/up.log" 2>&1; then
  tail -n 30 "$OUT/up.log"
  printf 'check-membership: FAIL: the cluster did not start (see %s)\n' "$OUT/up.log"
  exit 1
fi
FIRST_PORT=$(sed -n 's/^--http\.port=//p' "$CLUSTER_DATA/node-1/args" | tail -n 1)
KV_HTTP_BASE=$((FIRST_PORT - 1))
JAVA_HOME=$(kv_java_home "$ROOT") || {
  printf 'check-membership: FAIL: no JDK >= 21 for the clients (scripts/kvorum jdk)\n'
  exit 1
}

# The nodes the clients talk to, rewritten whole (rename) so the clients never read half a list.
MEMBERS="node-1 node-2 node-3"
set_targets() { # node...
  local node
  MEMBERS="$*"
  for node in "$@"; do printf 'http://%s:%s\n' "$KV_HOST" "$(kv_port "$node")"; done >"$RUN/targets.new"
  mv "$RUN/targets.new" "$RUN/targets"
}
set_targets $MEMBERS

# --- 1. the clients --------------------------------------------------------------------------------
WORKLOAD_ARGS=(--out "$RUN" --targets "$RUN/targets" --preload "$KEYS" --writers "$WRITERS" --readers "$READERS"
  --value-bytes "$VALUE_BYTES" --seed "$SEED")
[ -z "$WRITE_W" ] || WORKLOAD_ARGS+=(--w "$WRITE_W")
"$JAVA_HOME/bin/java" -Xmx256m "$ROOT/scripts/lib/MembershipWorkload.java" "${WORKLOAD_ARGS[@]}" >"$RUN/workload.log" 2>&1 &
WORKLOAD_PID=$!
log "clients: preloading $KEYS keys of ${VALUE_BYTES} bytes with w=all (seed $SEED; output in $RUN/workload.log)"
until [ -f "$RUN/preloaded" ]; do
  kill -0 "$WORKLOAD_PID" 2>/dev/null || {
    tail -n 20 "$RUN/workload.log"
    printf 'check-membership: FAIL: the clients exited during the preload (see %s)\n' "$RUN/workload.log"
    exit 1
  }
  sleep 0.5
done
log "clients: $(sed -n 's/^preloaded/preloaded/p' "$RUN/workload.log" | tail -n 1); now $WRITERS writer(s) and $READERS reader(s) run${WRITE_W:+ (writes with w=$WRITE_W)}"

progress() { # the clients' last progress line
  sed -n 's/^progress //p' "$RUN/workload.log" | tail -n 1
}

# A metric of one node now ("" when it does not answer or lacks it).
metric() { kv_metric "$1" "$2"; }

# The departed nodes' last readings of the counters that are summed at the end: "node name value".
: >"$RUN/departed-metrics"
readonly SUMMED="transfer.bytes transfer.keys kv.read-repairs anti-entropy.keys-repaired"
remember_metrics() { # node
  local name
  for name in $SUMMED; do printf '%s %s %s\n' "$1" "$name" "$(metric "$1" "$name")"; done >>"$RUN/departed-metrics"
}

STEP_LINES=()
step_done() { # name seconds
  STEP_LINES+=("$1: $2 s")
  log "step '$1' took $2 s; clients: $(progress)"
}

run_step() { # name command...: runs a kvorum command, its output into steps.log; fails the step on error
  local name=$1 t0 output status
  shift
  t0=$(kv_now)
  log "step '$name': scripts/kvorum $*"
  output=$(kvorum "$@" 2>&1)
  status=$?
  printf '=== %s (exit %s)\n%s\n' "$name" "$status" "$output" >>"$RUN/steps.log"
  printf '%s\n' "$output" | sed 's/^/    /'
  if [ "$status" != 0 ]; then
    fail "step '$name' failed: $(printf '%s' "$output" | grep 'kvorum:' | tail -n 1)"
    return 1
  fi
  step_done "$name" "$(kv_seconds_since "$t0")"
}

# --- 2..4. the membership changes ------------------------------------------------------------------
sleep 3 # a few seconds of plain traffic first, so the counters show the steady state too
if run_step "start node-4" start node-4; then set_targets node-1 node-2 node-3 node-4; fi
[ "${#FAILURES[@]}" -gt 0 ] || if run_step "start node-5" start node-5; then set_targets node-1 node-2 node-3 node-4 node-5; fi
if [ "${#FAILURES[@]}" = 0 ]; then
  # The clients move off node-2 first, as a load balancer would be told to.
  set_targets node-1 node-3 node-4 node-5
  remember_metrics node-2
  run_step "leave node-2" leave node-2
fi
if [ "${#FAILURES[@]}" = 0 ]; then
  remember_metrics node-3
  T_KILL=$(kv_now)
  log "step 'kill node-3 + remove': scripts/kvorum kill node-3"
  kvorum kill node-3 >>"$RUN/steps.log" 2>&1 || fail "kill node-3 failed (see $RUN/steps.log)"
  set_targets node-1 node-4 node-5
  if run_step "remove node-3" remove node-3; then
    STEP_LINES+=("kill node-3 until removed: $(kv_seconds_since "$T_KILL") s")
  fi
fi
REMAINING="node-1 node-4 node-5"
sleep 2

# --- 5. stop the clients, read the metrics, verify --------------------------------------------------
log "stopping the clients"
touch "$RUN/stop"
until [ -f "$RUN/stopped" ]; do
  kill -0 "$WORKLOAD_PID" 2>/dev/null || break
  sleep 0.2
done
# Metrics before the verification's r=all reads (which repair whatever a replica lacks).
sum_metric() { # name -> over the remaining nodes now plus the departed nodes' last readings
  local name=$1 node total=0 value
  for node in $REMAINING; do
    value=$(metric "$node" "$name")
    total=$(awk -v a="$total" -v b="${value:-0}" 'BEGIN { printf "%d\n", a + b }')
  done
  value=$(awk -v n="$name" '$2 == n && $3 != "" { s += $3 } END { printf "%d\n", s }' "$RUN/departed-metrics")
  awk -v a="$total" -v b="$value" 'BEGIN { printf "%d\n", a + b }'
}
has_metric() { # name: some remaining node reports it
  local node
  for node in $REMAINING; do [ -n "$(metric "$node" "$1")" ] && return 0; done
  return 1
}
TRANSFER_BYTES=$(sum_metric transfer.bytes)
TRANSFER_KEYS=$(sum_metric transfer.keys)
READ_REPAIRS=$(sum_metric kv.read-repairs)
AE_REPAIRS=$(sum_metric anti-entropy.keys-repaired)
STORAGE_LINE=""
for node in $REMAINING; do
  STORAGE_LINE="$STORAGE_LINE $node=$(metric "$node" storage.keys)"
done
log "metrics before verifying: transfer.bytes=$TRANSFER_BYTES transfer.keys=$TRANSFER_KEYS kv.read-repairs=$READ_REPAIRS anti-entropy.keys-repaired=$AE_REPAIRS; storage.keys:$STORAGE_LINE"
REPAIRS_BEFORE_VERIFY=$READ_REPAIRS

log "verifying: every acknowledged key read with r=all through $REMAINING"
touch "$RUN/verify"
wait "$WORKLOAD_PID"
WORKLOAD_STATUS=$?
WORKLOAD_PID=""
RESULT=$(sed -n 's/^RESULT //p' "$RUN/workload.log" | tail -n 1)
field() { printf '%s\n' "$RESULT" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
if [ -z "$RESULT" ]; then
  tail -n 20 "$RUN/workload.log"
  fail "the clients ended without a result (exit $WORKLOAD_STATUS; see $RUN/workload.log)"
fi
ACKED=$(field acked)
READ_404=$(field read_404)
LOST=$(field lost)
VERIFY_REPAIRS=$(($(sum_metric kv.read-repairs) - REPAIRS_BEFORE_VERIFY))

# --- checks -----------------------------------------------------------------------------------------
if [ -n "$RESULT" ]; then
  [ "${READ_404:-1}" = 0 ] || fail "$READ_404 reads of acknowledged keys answered 404 (see $RUN/read-404.log)"
  [ "${LOST:-1}" = 0 ] || fail "$LOST acknowledged writes are lost: missing or wrong in r=all reads (see $RUN/lost.log)"
  [ "$(field unverifiable)" = 0 ] || fail "$(field unverifiable) acknowledged keys could not be read with r=all (see $RUN/unverifiable.log)"
  [ "$(field read_wrong)" = 0 ] || fail "$(field read_wrong) reads returned another key's value (see $RUN/read-wrong.log)"
fi
if ! has_metric transfer.keys; then
  fail "the nodes have no transfer.keys metric: this build does not stream ranges"
elif [ "$TRANSFER_KEYS" -le 0 ]; then
  fail "transfer.keys is 0 on every node: nothing was streamed"
else
  if [ $((READ_REPAIRS * 100)) -gt $((TRANSFER_KEYS * REPAIR_SHARE_MAX_PERCENT)) ]; then
    fail "read repairs ($READ_REPAIRS) exceed $REPAIR_SHARE_MAX_PERCENT% of the keys streamed ($TRANSFER_KEYS): the data did not arrive by streaming"
  fi
  if [ $((AE_REPAIRS * 100)) -gt $((TRANSFER_KEYS * REPAIR_SHARE_MAX_PERCENT)) ]; then
    fail "anti-entropy repaired $AE_REPAIRS keys, more than $REPAIR_SHARE_MAX_PERCENT% of the keys streamed ($TRANSFER_KEYS)"
  fi
fi
# With N=3 and three nodes left, every node replicates every key (only once all steps were done).
STEPS_FAILED=${#FAILURES[@]}
for pair in $STORAGE_LINE; do
  [ "$STEPS_FAILED" = 0 ] || break
  node=${pair%%=*}
  keys=${pair#*=}
  if [ -z "$keys" ]; then
    fail "$node did not report storage.keys"
  elif [ -n "${ACKED:-}" ] && [ "$keys" -lt "$ACKED" ]; then
    fail "$node holds $keys keys before the r=all reads, fewer than the $ACKED acknowledged (N=3 on 3 nodes: each holds all)"
  fi
done

# --- summary ----------------------------------------------------------------------------------------
log "steps: $(printf '%s; ' "${STEP_LINES[@]+"${STEP_LINES[@]}"}")"
log "clients: $RESULT"
log "streamed: $(awk -v b="$TRANSFER_BYTES" 'BEGIN { printf "%.1f MiB", b / 1048576 }') in $TRANSFER_KEYS keys (transfer.bytes, transfer.keys); repairs during the run: $READ_REPAIRS read repairs, $AE_REPAIRS by anti-entropy; during the r=all verification: $VERIFY_REPAIRS read repairs"
log "storage.keys before verifying:$STORAGE_LINE (acknowledged keys: ${ACKED:-?})"
TEXT="read_404=${READ_404:-?} lost=${LOST:-?} acknowledged=${ACKED:-?} failed_writes=$(field write_failed) streamed_bytes=$TRANSFER_BYTES streamed_keys=$TRANSFER_KEYS read_repairs=$READ_REPAIRS"
DETAIL="steps: $(printf '%s; ' "${STEP_LINES[@]+"${STEP_LINES[@]}"}")storage.keys:$STORAGE_LINE; seed $SEED; logs in $RUN"
trap - EXIT
cleanup
if [ "${#FAILURES[@]}" -gt 0 ]; then
  printf 'check-membership: FAIL %s (%d failure(s): %s; %s)\n' "$TEXT" "${#FAILURES[@]}" "${FAILURES[0]}" "$DETAIL" | tee "$OUT/summary.txt"
  exit 1
fi
printf 'check-membership: PASS %s (%s)\n' "$TEXT" "$DETAIL" | tee "$OUT/summary.txt"
exit 0
