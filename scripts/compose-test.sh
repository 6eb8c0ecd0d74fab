#!/usr/bin/env bash
# compose-test.sh (`scripts/kvorum compose-test [--fresh]`): the Docker Compose cluster, tested for
# real, from nothing to nothing:
#   1. starts the 3-node Compose cluster with the `monitoring` profile (installing packages, starting
#      an engine and building the images as `compose up --monitoring` does); --fresh first wipes the
#      engine state this script keeps (images included), as on a new machine; checks that Prometheus
#      reports every node's target up and has loaded Kvorum's alert rules;
#   2. runs the API conformance checks (failsafe's ApiConformanceIT) against it;
#   3. runs a set/counter workload over HTTP (one writer per node) while it partitions node-3 (and
#      checks that the failure detectors on both sides mark the other side down), pauses node-2 and
#      kills node-1 (checking that Prometheus sees its target down, then up again), healing each fault
#      in turn;
#   4. reads every set key with r=3 through every node and checks that every write acknowledged with
#      200 is there (union of the siblings), and that no counter went below its last acknowledged value;
#   5. removes the cluster and its volumes, and stops the engine if this run started it.
# Exit status: 0 pass, 1 fail, 77 this machine cannot run containers (nothing was tested).
# The last line is a one-line summary. State and logs: $KVORUM_DATA/compose/test (default ./data).
set -uo pipefail

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib/checks.sh
. "$ROOT/scripts/lib/checks.sh"
DATA=$(kv_data_dir "$ROOT")
readonly STATE="$DATA/compose"
readonly OUT="$STATE/test"
readonly COMPOSE_SH="$ROOT/scripts/compose.sh"
readonly HOST=127.0.0.1
KV_HTTP_BASE=8080 # node-i on 127.0.0.1:808i, as docker-compose.yml publishes it
readonly SET_KEYS=6
STARTED=$SECONDS
FRESH=0
for arg in "$@"; do
  case $arg in
    --fresh) FRESH=1 ;;
    -h | --help) kv_header_help "${BASH_SOURCE[0]}"; exit 0 ;;
    *) printf 'compose-test: unknown argument %s (usage: scripts/kvorum compose-test [--fresh])\n' "$arg" >&2; exit 2 ;;
  esac
done

log() { printf '[compose-test %3ds] %s\n' "$((SECONDS - STARTED))" "$*"; }
FAILURES=()
fail() { FAILURES+=("$*"); log "FAIL: $*"; }

summary_and_exit() { # status text
  local status=$1 text=$2
  printf 'compose-test: %s in %ds: %s\n' "$([ "$status" = 0 ] && echo PASS || { [ "$status" = 77 ] && echo SKIPPED || echo FAIL; })" \
    "$((SECONDS - STARTED))" "$text"
  exit "$status"
}

rm -rf "$OUT"
mkdir -p "$OUT"
command -v timeout >/dev/null 2>&1 || summary_and_exit 77 "coreutils timeout is missing"

# --- 0. the engine: who starts it decides who stops it ---------------------------------------------
ENGINE_WAS_RUNNING=0
if [ -n "${DOCKER_HOST:-}" ] || { [ -f "$STATE/engine/dockerd.pid" ] && kill -0 "$(cat "$STATE/engine/dockerd.pid")" 2>/dev/null; } ||
  { [ -S /var/run/docker.sock ] && command -v docker >/dev/null 2>&1 && DOCKER_HOST=unix:///var/run/docker.sock timeout 10 docker version >/dev/null 2>&1; }; then
  ENGINE_WAS_RUNNING=1
fi

cid() { # service -> its container id (Compose v1 and v2 name containers differently)
  docker ps -aq --filter "label=com.docker.compose.project=${KVORUM_COMPOSE_PROJECT:-kvorum}" \
    --filter "label=com.docker.compose.service=$1" 2>/dev/null | head -n 1
}

WRITER_PIDS=()
cleanup() {
  local pid
  for pid in "${WRITER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ "${CLUSTER_STARTED:-0}" = 1 ]; then
    if [ "${#FAILURES[@]}" -gt 0 ]; then
      log "saving the nodes' logs under $OUT/logs"
      mkdir -p "$OUT/logs"
      for node in node-1 node-2 node-3; do
        timeout 20 docker exec "$(cid "$node")" cat /var/lib/kvorum/node.log >"$OUT/logs/$node.log" 2>/dev/null || true
      done
    fi
    "$COMPOSE_SH" heal >/dev/null 2>&1 || true
    log "tearing down: the cluster and its volumes"
    KVORUM_COMPOSE_KEEP_ENGINE=1 "$COMPOSE_SH" down --volumes >"$OUT/down.log" 2>&1 || log "compose down failed (see $OUT/down.log)"
  fi
  if [ "$ENGINE_WAS_RUNNING" = 0 ]; then
    log "stopping the engine this run started"
    "$COMPOSE_SH" engine-stop >>"$OUT/down.log" 2>&1 || log "engine-stop failed (see $OUT/down.log)"
  fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

if [ "$FRESH" = 1 ]; then
  if [ "$ENGINE_WAS_RUNNING" = 1 ]; then
    log "--fresh: an engine is already running, so only the cluster and its volumes are removed"
    KVORUM_COMPOSE_KEEP_ENGINE=1 "$COMPOSE_SH" down --volumes >"$OUT/fresh.log" 2>&1 || true
  else
    log "--fresh: wiping the engine state under $STATE/engine (images included)"
    rm -rf "$STATE/engine" "$STATE/rootfs"
  fi
fi

# --- 1. up from nothing -------------------------------------------------------------------------------
log "starting the Compose cluster (scripts/kvorum compose up)"
KVORUM_COMPOSE_KEEP_ENGINE=1 "$COMPOSE_SH" down --volumes >"$OUT/predown.log" 2>&1 || true
UP_STARTED=$SECONDS
CLUSTER_STARTED=1
"$COMPOSE_SH" up --nodes 3 --monitoring >"$OUT/up.log" 2>&1
status=$?
if [ "$status" = 77 ]; then
  cat "$OUT/up.log"
  summary_and_exit 77 "this machine cannot run containers: $(tail -n 1 "$OUT/up.log")"
fi
if [ "$status" != 0 ]; then
  cat "$OUT/up.log"
  fail "compose up failed"
  summary_and_exit 1 "compose up failed (see $OUT/up.log)"
fi
UP_SECONDS=$((SECONDS - UP_STARTED))
# The engine's socket, for the docker commands below.
if [ -z "${DOCKER_HOST:-}" ]; then
  DOCKER_HOST=$(sed -n 's/^Engine: DOCKER_HOST=\([^;]*\);.*/\1/p' "$OUT/up.log")
  export DOCKER_HOST
fi
IMAGE_SIZE=$(docker image inspect -f '{{.Size}}' kvorum:local 2>/dev/null | awk '{printf "%d MB", $1/1000/1000}')
log "cluster healthy ${UP_SECONDS}s after 'up' began (image kvorum:local, $IMAGE_SIZE)"
NODE_USER=$(docker exec "$(cid node-1)" id -u 2>/dev/null)
[ "$NODE_USER" != 0 ] && [ -n "$NODE_USER" ] || fail "the node runs as uid '${NODE_USER}', not as a non-root user"
NODE_PID1=$(docker exec "$(cid node-1)" cat /proc/1/comm 2>/dev/null)
[ "$NODE_PID1" = java ] || fail "PID 1 in the container is '$NODE_PID1', not java"

# --- 1b. Prometheus (profile monitoring) --------------------------------------------------------------
PROM="http://$HOST:9090"
prom_targets_up() { # how many of job kvorum's targets Prometheus reports up
  curl -s --max-time 5 "$PROM/api/v1/targets?state=active" 2>/dev/null | grep -o '"scrapePool":"kvorum"[^{}]*"health":"up"' | wc -l | tr -d ' '
}
prom_wait() { # seconds description command... -> waits until the command succeeds
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || { fail "Prometheus: $what"; return 1; }
    sleep 1
  done
}
targets_up_is() { [ "$(prom_targets_up)" = "$1" ]; }
node1_target_down() { curl -s --max-time 5 "$PROM/api/v1/targets?state=active" 2>/dev/null | grep -q '"scrapeUrl":"http://node-1:8081/metrics/prometheus"[^{}]*"health":"down"'; }
PROM_TARGETS=$(prom_targets_up)
[ "$PROM_TARGETS" = 3 ] || fail "Prometheus reports $PROM_TARGETS of 3 node targets up (see $PROM/targets)"
PROM_RULES=$(curl -s --max-time 5 "$PROM/api/v1/rules?type=alert" 2>/dev/null | grep -o '"name":"Kvorum[A-Za-z]*"' | sort -u | tr -d '"' | sed 's/name://' | tr '\n' ' ')
[ "$(printf '%s' "$PROM_RULES" | wc -w)" = 5 ] || fail "Prometheus loaded alert rules '$PROM_RULES', not the 5 of monitoring/kvorum-rules.yml"
log "Prometheus: $PROM_TARGETS of 3 node targets up; alert rules: $PROM_RULES"
PROM_KILL="not checked"

# --- 2. API conformance ------------------------------------------------------------------------------
log "API conformance: failsafe ApiConformanceIT against http://$HOST:8081..8083"
JAVA_HOME=$(kv_java_home "$ROOT") || JAVA_HOME=""
export JAVA_HOME
JDK_LINE=$(sed -n 's/^JAVA_VERSION="\(.*\)"/Java \1/p' "$JAVA_HOME/release" 2>/dev/null || true)
MAVEN_OPTS="${MAVEN_OPTS:-}"
case $JDK_LINE in *"Java 2"[4-9]* | *"Java "[3-9][0-9]*) MAVEN_OPTS="$MAVEN_OPTS --sun-misc-unsafe-memory-access=allow" ;; esac
export MAVEN_OPTS
CONFORMANCE=ok
# shellcheck disable=SC2086 # KVORUM_MAVEN_ARGS holds several arguments
if ! (cd "$ROOT" && timeout 300 mvn -B ${KVORUM_MAVEN_ARGS:-} -Dstyle.color=never -pl node -am verify \
  -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ApiConformanceIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dkvorum.it.endpoints=http://$HOST:8081,http://$HOST:8082,http://$HOST:8083) >"$OUT/conformance.log" 2>&1; then
  grep -E 'Tests run|FAIL|ERROR' "$OUT/conformance.log" | tail -n 25
  CONFORMANCE=failed
  fail "API conformance (ApiConformanceIT) failed (see $OUT/conformance.log)"
fi
CONFORMANCE_COUNT=$(grep -E 'Tests run: [0-9]+, Failures' "$OUT/conformance.log" | grep -v 'Tests run: 0' | tail -n 1 | sed 's/.*Tests run: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 tests, \2 failures, \3 errors/')
log "API conformance: $CONFORMANCE (${CONFORMANCE_COUNT:-no test report})"

# --- 3. the workload ---------------------------------------------------------------------------------
# One writer per node, each through its own node: blind writes (no context) of unique elements to a
# few shared "set" keys (each acknowledged element must survive as a sibling), and every 4th
# operation an increment of the writer's own counter, written with the context of its last write.
WL="$OUT/workload"
mkdir -p "$WL"
echo steady >"$WL/phase"

writer() { # i
  local i=$1 port n=0 c=0 ctx="" phase key body code resp
  port=$(kv_port "$i")
  while [ ! -f "$WL/stop" ]; do
    n=$((n + 1))
    phase=$(cat "$WL/phase" 2>/dev/null || echo ?)
    if [ $((n % 4)) = 0 ]; then
      c=$((c + 1))
      if [ -n "$ctx" ]; then body="{\"value\": $c, \"context\": \"$ctx\"}"; else body="{\"value\": $c}"; fi
      resp=$(curl -s --max-time 4 -w '\n%{http_code}' -X PUT -H 'Content-Type: application/json' \
        "http://$HOST:$port/kv/wl-counter-w$i?w=2&timeout_ms=1500" -d "$body" 2>/dev/null) || true
      code=${resp##*$'\n'}
      if [ "$code" = 200 ]; then
        ctx=$(kv_context "$resp")
      fi
      printf 'counter %s %s %s\n' "$c" "${code:-000}" "$phase" >>"$WL/w$i.log"
    else
      key="wl-set-$((n % SET_KEYS))"
      code=$(curl -s -o /dev/null --max-time 4 -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
        "http://$HOST:$port/kv/$key?w=2&timeout_ms=1500" -d "{\"value\": \"w$i-$n\"}" 2>/dev/null) || true
      printf 'set %s %s %s %s\n' "w$i-$n" "${code:-000}" "$phase" "$key" >>"$WL/w$i.log"
    fi
    sleep 0.02
  done
}

phase() { echo "$1" >"$WL/phase"; log "workload phase: $1"; }

log "workload: 3 writers (set + counter), through node-1, node-2 and node-3"
for i in 1 2 3; do
  writer "$i" &
  WRITER_PIDS+=($!)
done
sleep 5

# Partition node-3: the detectors on both sides must mark the other side down.
"$COMPOSE_SH" partition node-3 >>"$OUT/faults.log" 2>&1 || fail "partition node-3 failed (see $OUT/faults.log)"
phase partition-node-3
if t=$(kv_wait_status node-1 node-3 down 40); then
  DETECT_PARTITION="node-1 saw node-3 down after ${t}s"
else
  DETECT_PARTITION="node-1 never saw node-3 down"
  fail "partition: node-1 still sees node-3 $(kv_status_seen node-1 node-3) after 40 s: the partition did not cut traffic"
fi
if t=$(kv_wait_status node-3 node-1 down 20); then
  DETECT_PARTITION="$DETECT_PARTITION, node-3 saw node-1 down after ${t}s more"
else
  fail "partition: node-3 still sees node-1 $(kv_status_seen node-3 node-1)"
fi
log "partition: $DETECT_PARTITION"
sleep 4
phase heal-node-3
"$COMPOSE_SH" heal >>"$OUT/faults.log" 2>&1 || fail "heal failed"
kv_wait_all_up 60 node-1 node-2 node-3 || fail "after healing the partition, not every node sees every node up within 60 s"

# Pause node-2 (docker pause: frozen, sockets open).
"$COMPOSE_SH" pause node-2 >>"$OUT/faults.log" 2>&1 || fail "pause node-2 failed"
phase pause-node-2
if t=$(kv_wait_status node-1 node-2 down 40); then DETECT_PAUSE="node-1 saw paused node-2 down after ${t}s"; else
  DETECT_PAUSE="node-1 never saw paused node-2 down"; fail "$DETECT_PAUSE"; fi
log "pause: $DETECT_PAUSE"
sleep 3
phase resume-node-2
"$COMPOSE_SH" resume node-2 >>"$OUT/faults.log" 2>&1 || fail "resume node-2 failed"
kv_wait_all_up 60 node-1 node-2 node-3 || fail "after resuming node-2, not every node sees every node up within 60 s"

# Kill node-1 (SIGKILL), then start it again from its volume.
"$COMPOSE_SH" kill node-1 >>"$OUT/faults.log" 2>&1 || fail "kill node-1 failed"
phase kill-node-1
if t=$(kv_wait_status node-2 node-1 down 40); then DETECT_KILL="node-2 saw killed node-1 down after ${t}s"; else
  DETECT_KILL="node-2 never saw killed node-1 down"; fail "$DETECT_KILL"; fi
log "kill: $DETECT_KILL"
if prom_wait 30 "never reported killed node-1's target down" node1_target_down; then PROM_KILL="node-1's target down"; fi
sleep 3
phase restart-node-1
"$COMPOSE_SH" start node-1 >>"$OUT/faults.log" 2>&1 || fail "start node-1 failed (see $OUT/faults.log)"
kv_wait_all_up 60 node-1 node-2 node-3 || fail "after restarting node-1, not every node sees every node up within 60 s"
if prom_wait 60 "does not report all 3 node targets up again after node-1 restarted" targets_up_is 3; then PROM_KILL="$PROM_KILL, then all 3 up again"; fi
log "Prometheus: $PROM_KILL"
phase steady-after
sleep 3
touch "$WL/stop"
for pid in "${WRITER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
WRITER_PIDS=()

# --- 4. nothing acknowledged is lost -----------------------------------------------------------------
log "checking: every acknowledged write readable with r=3 through every node"
cat "$WL"/w*.log >"$WL/all.log"
: >"$WL/seen-set"
: >"$WL/seen-counters"
for node in node-1 node-2 node-3; do
  for k in $(seq 0 $((SET_KEYS - 1))); do
    kv_read_key "$node" "wl-set-$k" 3 2>>"$WL/read-failures" | grep -o '"w[0-9]-[0-9]*"' | tr -d '"' >>"$WL/seen-set" || true
  done
  for i in 1 2 3; do
    kv_read_key "$node" "wl-counter-w$i" 3 2>>"$WL/read-failures" | sed -n 's/.*"values":\[\([^]]*\)\].*/\1/p' | tr ',' '\n' |
      sed "s/^/w$i /" >>"$WL/seen-counters" || true
  done
done
[ ! -s "$WL/read-failures" ] || fail "$(head -n 1 "$WL/read-failures") ($(wc -l <"$WL/read-failures") such reads)"
sort -u "$WL/seen-set" -o "$WL/seen-set"
awk '$1 == "set" && $3 == "200" { print $2 }' "$WL/all.log" | sort -u >"$WL/acked-set"
comm -23 "$WL/acked-set" "$WL/seen-set" >"$WL/lost-set"
ACKED=$(wc -l <"$WL/acked-set" | tr -d ' ')
LOST=$(wc -l <"$WL/lost-set" | tr -d ' ')
[ "$LOST" = 0 ] || fail "$LOST of $ACKED acknowledged set elements are missing, e.g. $(head -n 5 "$WL/lost-set" | tr '\n' ' ')(see $WL)"
COUNTER_BAD=""
for i in 1 2 3; do
  last=$(awk -v w="w$i" '$1 == "counter" && $3 == "200" { v = $2 } END { print v + 0 }' "$WL/w$i.log")
  best=$(awk -v w="w$i" '$1 == w { if ($2 + 0 > m) m = $2 + 0 } END { print m + 0 }' "$WL/seen-counters")
  [ "$best" -ge "$last" ] || COUNTER_BAD="$COUNTER_BAD w$i: last acked $last, read $best;"
done
[ -z "$COUNTER_BAD" ] || fail "counters went back:$COUNTER_BAD"

# Per phase: acknowledged / failed writes, and through which node.
{
  printf '%-16s %-22s %-22s %-22s\n' PHASE "via node-1 ok/fail" "via node-2 ok/fail" "via node-3 ok/fail"
  for p in steady partition-node-3 heal-node-3 pause-node-2 resume-node-2 kill-node-1 restart-node-1 steady-after; do
    row=$(printf '%-16s' "$p")
    for i in 1 2 3; do
      row="$row $(awk -v p="$p" '$4 == p { if ($3 == "200") ok++; else bad++ } END { printf "%-22s", (ok + 0) "/" (bad + 0) }' "$WL/w$i.log")"
    done
    printf '%s\n' "$row"
  done
} >"$WL/phases.txt"
cat "$WL/phases.txt"
P3=$(awk '$4 == "partition-node-3" { if ($3 == "200") ok++; else bad++ } END { printf "%d ok/%d failed", ok, bad }' "$WL/w3.log")
P12=$(cat "$WL/w1.log" "$WL/w2.log" | awk '$4 == "partition-node-3" { if ($3 == "200") ok++; else bad++ } END { printf "%d ok/%d failed", ok, bad }')
TOTAL=$(wc -l <"$WL/all.log" | tr -d ' ')
TOTAL_OK=$(awk '$3 == "200"' "$WL/all.log" | wc -l | tr -d ' ')
log "workload: $TOTAL writes, $TOTAL_OK acknowledged; during the partition: via node-1/2 $P12, via node-3 (cut off) $P3; lost: $LOST of $ACKED acknowledged set elements"

ELAPSED=$((SECONDS - STARTED))
[ "$ELAPSED" -le 600 ] || fail "took ${ELAPSED}s, over the 10-minute budget"
TEXT="up in ${UP_SECONDS}s (image $IMAGE_SIZE, uid $NODE_USER); prometheus $PROM_TARGETS/3 targets up, kill: $PROM_KILL; conformance $CONFORMANCE (${CONFORMANCE_COUNT:-?}); workload $TOTAL_OK/$TOTAL writes acked, $LOST of $ACKED acked set elements lost; partition: $DETECT_PARTITION; node-3 writes while cut off $P3"
if [ "${#FAILURES[@]}" -gt 0 ]; then
  trap - EXIT
  cleanup
  summary_and_exit 1 "${#FAILURES[@]} failure(s): ${FAILURES[0]}; $TEXT"
fi
trap - EXIT
cleanup
summary_and_exit 0 "$TEXT"
