#!/usr/bin/env bash
# check-sets.sh (`scripts/kvorum check-sets [options]`): a Jepsen-style set workload against a local
# cluster of real processes, under a nemesis that kills and pauses one node at a time.
#   1. starts a fresh 3-node cluster with `scripts/kvorum up` under $KVORUM_DATA/check-sets/cluster
#      (or, with --use-running, uses the cluster already running under $KVORUM_DATA);
#   2. runs one client per node, each through its own node: read-modify-write of a few keys whose
#      values are JSON arrays of unique elements (GET, union of the siblings' arrays, add an element,
#      PUT with the GET's context); an element is acknowledged only by a 200;
#   3. meanwhile, for --duration seconds, the nemesis kills or pauses one random node for a few
#      seconds, brings it back (start / resume) and waits until every node sees every node up before
#      the next fault: never more than one node is faulty at a time;
#   4. stops the clients and heals everything (start / resume every node), then measures the time to
#      converge: until, for every key, reads with r=1 through every node, repeated, all return the
#      same set holding every acknowledged element, and the gauge hints.pending is 0 on every node
#      (a build without that gauge counts as 0, and the summary says so);
#   5. reads every key with r=all (r=3 with N=3) through every node: lost (acknowledged, but in no
#      read) and invented (read, but never attempted) must be 0, and the union must equal the set it
#      converged to.
# The last line is a one-line summary; exit status 0 pass, 1 fail, 2 bad usage.
# State and logs: $KVORUM_DATA/check-sets (default ./data/check-sets).
set -uo pipefail
export LC_ALL=C # one sort order for sort and comm

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib/checks.sh
. "$ROOT/scripts/lib/checks.sh"
DATA=$(kv_data_dir "$ROOT")
readonly DATA
readonly OUT="$DATA/check-sets"
readonly KVORUM_SCRIPT="$ROOT/scripts/kvorum"
readonly FAULT_SECONDS_MIN=3 FAULT_SECONDS_MAX=10 # how long one fault lasts
readonly READ_REPEATS=3                             # r=1 reads per node and key in a convergence round

DURATION=60
KEYS=6
NODE_COUNT=3
USE_RUNNING=0
KEEP=0
CONVERGE_TIMEOUT=120
SEED=$(($$ ^ $(date +%s) & 32767))

usage() {
  cat <<EOF
Usage: scripts/kvorum check-sets [options]

A set workload (read-modify-write with contexts, one client per node) under a nemesis that kills or
pauses one node at a time; then heals, measures convergence and checks that nothing acknowledged is
lost and nothing is invented. Exit status 0 pass, 1 fail.

  --duration SECONDS          how long the nemesis runs, with the clients (default $DURATION)
  --keys K                    set keys the clients share (default $KEYS)
  --nodes N                   nodes of the cluster it starts (default $NODE_COUNT)
  --use-running               use the cluster running under \$KVORUM_DATA (from 'scripts/kvorum up')
                              instead of starting one; it is healed but left running afterwards
  --keep                      leave the cluster it started running at the end
  --converge-timeout SECONDS  give up waiting for convergence after this long (default $CONVERGE_TIMEOUT)
  --seed S                    seed of the nemesis's choices (default: random, printed)

State and logs under \$KVORUM_DATA/check-sets (default ./data/check-sets); the cluster it starts
keeps its data and node logs in \$KVORUM_DATA/check-sets/cluster, on KVORUM_HTTP_BASE_PORT and
KVORUM_INTERNODE_BASE_PORT like 'up'.
EOF
}

bad_usage() {
  printf 'check-sets: %s (scripts/kvorum check-sets --help lists the options)\n' "$*" >&2
  exit 2
}

need_uint() { # option value
  case $2 in
    '' | *[!0-9]*) bad_usage "$1 needs a whole number, got '$2'" ;;
  esac
}

while [ "$#" -gt 0 ]; do
  case $1 in
    --duration | --keys | --nodes | --converge-timeout | --seed)
      [ "$#" -ge 2 ] || bad_usage "$1 needs a value"
      need_uint "$1" "$2"
      case $1 in
        --duration) DURATION=$2 ;;
        --keys) KEYS=$2 ;;
        --nodes) NODE_COUNT=$2 ;;
        --converge-timeout) CONVERGE_TIMEOUT=$2 ;;
        --seed) SEED=$2 ;;
      esac
      shift 2
      ;;
    --use-running) USE_RUNNING=1 && shift ;;
    --keep) KEEP=1 && shift ;;
    -h | --help) usage && exit 0 ;;
    *) bad_usage "unknown argument '$1'" ;;
  esac
done
[ "$KEYS" -ge 1 ] || bad_usage "--keys must be at least 1"
[ "$NODE_COUNT" -ge 2 ] || bad_usage "--nodes must be at least 2"
command -v curl >/dev/null 2>&1 || {
  echo "check-sets: needs curl" >&2
  exit 1
}

STARTED=$SECONDS
log() {
  printf '[check-sets %3ds] %s\n' "$((SECONDS - STARTED))" "$*"
  printf '[check-sets %3ds] %s\n' "$((SECONDS - STARTED))" "$*" >>"$OUT/run.log"
}
FAILURES=()
fail() {
  FAILURES+=("$*")
  log "FAIL: $*"
}

if [ "$USE_RUNNING" = 1 ]; then
  CLUSTER_DATA=$DATA
else
  CLUSTER_DATA="$OUT/cluster"
fi
readonly CLUSTER_DATA
kvorum() { KVORUM_DATA="$CLUSTER_DATA" "$KVORUM_SCRIPT" "$@"; }
node_states() { # "node-1 running", "node-2 paused", ... from `scripts/kvorum status`
  kvorum status 2>/dev/null | awk 'NR > 1 && $1 ~ /^node-/ { print $1, $3 }'
}
heal_all() { # resumes every paused node and starts every stopped one; fails if any stays down
  local id state status=0
  while read -r id state; do
    case $state in
      paused) kvorum resume "$id" >>"$OUT/run/nemesis.log" 2>&1 || status=1 ;;
      stopped | dead) kvorum start "$id" >>"$OUT/run/nemesis.log" 2>&1 || status=1 ;;
    esac
  done <<EOF
$(node_states)
EOF
  return "$status"
}

# The user's own cluster (scripts/kvorum up, data in $DATA) holds the ports a fresh cluster would
# take when it runs on the same bases: say so, and what to do, instead of "ports already in use".
own_cluster_in_the_way() {
  local id state port key i busy=""
  local http_base=${KVORUM_HTTP_BASE_PORT:-8080} internode_base=${KVORUM_INTERNODE_BASE_PORT:-9080}
  while read -r id state; do
    [ "$state" = running ] || [ "$state" = paused ] || continue
    for key in http.port internode.port; do
      port=$(sed -n "s/^--${key//./\\.}=//p" "$DATA/$id/args" 2>/dev/null | tail -n 1)
      for i in $(seq 1 "$NODE_COUNT"); do
        if [ "$port" = "$((http_base + i))" ] || [ "$port" = "$((internode_base + i))" ]; then
          busy="$busy $id:$port"
        fi
      done
    done
  done <<EOF
$(KVORUM_DATA="$DATA" "$KVORUM_SCRIPT" status 2>/dev/null | awk 'NR > 1 && $1 ~ /^node-/ { print $1, $3 }')
EOF
  [ -n "$busy" ] || return 1
  printf '%s\n' "${busy# }"
}

# --- 0. a cluster --------------------------------------------------------------------------------
if [ "$USE_RUNNING" = 0 ] && in_the_way=$(own_cluster_in_the_way); then
  mkdir -p "$OUT"
  {
    echo "check-sets: your cluster from 'scripts/kvorum up' (data in $DATA) is running on the ports a fresh"
    echo "cluster for this check needs ($in_the_way). Either stop it first with 'scripts/kvorum down',"
    echo "or test it as it is with 'scripts/kvorum check-sets --use-running', or give the check other"
    echo "ports with KVORUM_HTTP_BASE_PORT and KVORUM_INTERNODE_BASE_PORT."
  } >&2
  exit 1
fi
if [ "$USE_RUNNING" = 0 ] && [ -n "$(node_states | awk '$2 == "running" || $2 == "paused"')" ]; then
  mkdir -p "$OUT"
  echo "check-sets: stopping the cluster an earlier 'check-sets --keep' left running under $CLUSTER_DATA" >&2
  kvorum down >/dev/null 2>&1 || true
fi
rm -rf "$OUT/run" "$OUT/run.log" "$OUT/up.log" "$OUT/summary.txt"
[ "$USE_RUNNING" = 1 ] || rm -rf "$CLUSTER_DATA"
readonly RUN="$OUT/run"
mkdir -p "$RUN"

CLUSTER_STARTED=0
CLIENT_PIDS=() # "${a[@]}" of an empty array is an unbound variable in bash < 4.4, hence ${a[@]+...} below
cleanup() {
  local pid
  touch "$RUN/stop" 2>/dev/null
  for pid in ${CLIENT_PIDS[@]+"${CLIENT_PIDS[@]}"}; do kill "$pid" 2>/dev/null || true; done
  if [ "$CLUSTER_STARTED" = 1 ] && [ "$KEEP" = 0 ]; then
    log "stopping the cluster (its data and logs stay in $CLUSTER_DATA)"
    kvorum down >>"$RUN/down.log" 2>&1 || log "down failed (see $RUN/down.log)"
  elif [ "$CLUSTER_STARTED" = 1 ] || [ "$USE_RUNNING" = 1 ]; then
    heal_all >/dev/null 2>&1
  fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

if [ "$USE_RUNNING" = 1 ]; then
  NODES=()
  for node in $(node_states | awk '$2 == "running" { print $1 }'); do NODES+=("$node"); done
  [ "${#NODES[@]}" -gt 0 ] || {
    log "no node is running under $CLUSTER_DATA (start one with scripts/kvorum up, or drop --use-running)"
    exit 1
  }
  [ -z "$(node_states | awk '$2 != "running"')" ] ||
    log "note: not every node under $CLUSTER_DATA is running: $(node_states | awk '$2 != "running"' | tr '\n' ' ')"
else
  log "starting a fresh $NODE_COUNT-node cluster (scripts/kvorum up, data in $CLUSTER_DATA)"
  CLUSTER_STARTED=1
  if ! kvorum up --nodes "$NODE_COUNT" >"$OUT/up.log" 2>&1; then
    tail -n 30 "$OUT/up.log"
    log "FAIL: scripts/kvorum up failed (see $OUT/up.log)"
    printf 'check-sets: FAIL: the cluster did not start\n'
    exit 1
  fi
  NODES=()
  for i in $(seq 1 "$NODE_COUNT"); do NODES+=("node-$i"); done
fi
FIRST_NODE=${NODES[0]}
FIRST_PORT=$(sed -n 's/^--http\.port=//p' "$CLUSTER_DATA/$FIRST_NODE/args" | tail -n 1)
KV_HTTP_BASE=$((FIRST_PORT - ${FIRST_NODE#node-}))
for node in "${NODES[@]}"; do
  port=$(sed -n 's/^--http\.port=//p' "$CLUSTER_DATA/$node/args" | tail -n 1)
  [ "$port" = "$(kv_port "$node")" ] || {
    log "FAIL: $node serves on port $port, not on $(kv_port "$node") as the others' layout says"
    exit 1
  }
done
NODE_TOTAL=${#NODES[@]}
log "cluster: ${NODES[*]} on http://$KV_HOST:$(kv_port "$FIRST_NODE").. (W and R: the nodes' defaults); seed $SEED"

# --- 1. clients -----------------------------------------------------------------------------------
# Each line of client-I.log: "try KEY ELEMENT" before a PUT, "put KEY ELEMENT HTTP-CODE" after it,
# "read KEY HTTP-CODE" for a GET that failed (then nothing is written).
KEY_PREFIX="check-sets-$(date +%Y%m%d%H%M%S)-$$-k"
readonly KEY_PREFIX
readonly ELEMENT_RE='^"e[0-9][0-9]*-[0-9][0-9]*"$'

client() { # i node
  local i=$1 port n=0 key resp code body ctx items element value log="$RUN/client-$1.log"
  port=$(kv_port "$2")
  while [ ! -f "$RUN/stop" ]; do
    n=$((n + 1))
    key="$KEY_PREFIX$(((n + i) % KEYS))"
    resp=$(curl -s --max-time 6 -w '\n%{http_code}' "http://$KV_HOST:$port/kv/$key" 2>/dev/null) || true
    code=${resp##*$'\n'}
    body=${resp%$'\n'*}
    if [ "$code" != 200 ] && [ "$code" != 404 ]; then
      printf 'read %s %s\n' "$key" "${code:-000}" >>"$log"
      sleep 0.2
      continue
    fi
    ctx=$(kv_context "$body")
    items=$(kv_set_items "$(kv_values_json "$body")" | sort -u | tr '\n' ',')
    element="e$i-$n"
    value="[$items\"$element\"]"
    if [ -n "$ctx" ]; then body="{\"value\":$value,\"context\":\"$ctx\"}"; else body="{\"value\":$value}"; fi
    printf 'try %s %s\n' "$key" "$element" >>"$log"
    code=$(curl -s -o /dev/null --max-time 6 -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
      "http://$KV_HOST:$port/kv/$key" -d "$body" 2>/dev/null) || true
    printf 'put %s %s %s\n' "$key" "$element" "${code:-000}" >>"$log"
    if [ "$code" = 200 ]; then sleep 0.05; else sleep 0.2; fi
  done
}

i=0
for node in "${NODES[@]}"; do
  i=$((i + 1))
  client "$i" "$node" &
  CLIENT_PIDS+=($!)
done
log "clients: $i, one through each node, on $KEYS keys ($KEY_PREFIX*)"

# --- 2. nemesis -----------------------------------------------------------------------------------
RANDOM=$SEED
KILLS=0
PAUSES=0
sleep 3
NEMESIS_END=$((SECONDS + DURATION))
log "nemesis: ${DURATION}s of faults, one node at a time; the last one stays until the heal"
while :; do
  victim=${NODES[RANDOM % NODE_TOTAL]}
  hold=$((FAULT_SECONDS_MIN + RANDOM % (FAULT_SECONDS_MAX - FAULT_SECONDS_MIN + 1)))
  left=$((NEMESIS_END - SECONDS))
  [ "$hold" -le "$left" ] || hold=$((left > FAULT_SECONDS_MIN ? left : FAULT_SECONDS_MIN))
  if [ $((RANDOM % 2)) = 0 ]; then
    fault="kill"
    heal="start"
    KILLS=$((KILLS + 1))
  else
    fault="pause"
    heal="resume"
    PAUSES=$((PAUSES + 1))
  fi
  if ! kvorum "$fault" "$victim" >>"$RUN/nemesis.log" 2>&1; then
    fail "nemesis: $fault $victim failed (see $RUN/nemesis.log)"
    break
  fi
  log "nemesis: $fault $victim for ${hold}s"
  sleep "$hold"
  [ "$SECONDS" -lt "$NEMESIS_END" ] || break
  kvorum "$heal" "$victim" >>"$RUN/nemesis.log" 2>&1 || fail "nemesis: $heal $victim failed (see $RUN/nemesis.log)"
  if kv_wait_all_up 60 "${NODES[@]}"; then
    log "nemesis: $heal $victim; every node sees every node up again"
  else
    log "nemesis: $heal $victim; not every node sees every node up after 60 s (going on)"
  fi
  sleep $((1 + RANDOM % 3))
done

log "stopping the clients; the last fault ($fault $victim) is still in place"
touch "$RUN/stop"
for pid in ${CLIENT_PIDS[@]+"${CLIENT_PIDS[@]}"}; do wait "$pid" 2>/dev/null || true; done
CLIENT_PIDS=()
cat "$RUN"/client-*.log >"$RUN/all.log"
awk '$1 == "try" { print $2, $3 }' "$RUN/all.log" | sort -u >"$RUN/tried"
awk '$1 == "put" && $4 == "200" { print $2, $3 }' "$RUN/all.log" | sort -u >"$RUN/acked"
ACKED=$(wc -l <"$RUN/acked" | tr -d ' ')
FAILED=$(awk '$1 == "put" && $4 != "200"' "$RUN/all.log" | wc -l | tr -d ' ')
READ_FAILED=$(awk '$1 == "read"' "$RUN/all.log" | wc -l | tr -d ' ')
log "clients: $ACKED writes acknowledged, $FAILED failed (indeterminate), $READ_FAILED reads failed (nothing written)"
[ "$ACKED" -gt 0 ] || fail "no write was acknowledged: nothing was tested"

# --- 3. heal and converge -------------------------------------------------------------------------
# One round: every node reads every key READ_REPEATS times with r=1; lines "KEY NODE SET", where SET
# is the sorted union of the siblings' elements joined by commas, "-" when empty (404), "!CODE" when
# the read failed.
read_round() { # file
  local node pids="" pid
  for node in "${NODES[@]}"; do
    (
      port=$(kv_port "$node")
      for k in $(seq 0 $((KEYS - 1))); do
        for _ in $(seq 1 "$READ_REPEATS"); do
          resp=$(curl -s --max-time 6 -w '\n%{http_code}' "http://$KV_HOST:$port/kv/$KEY_PREFIX$k?r=1" 2>/dev/null) || true
          code=${resp##*$'\n'}
          case $code in
            200)
              body=${resp%$'\n'*} # unquoted: $'..' inside "${..}" is not expanded by every bash
              set=$(kv_set_items "$(kv_values_json "$body")" | tr -d '"' | sort -u | tr '\n' ',')
              set=${set%,}
              ;;
            404) set="" ;;
            *) set="!${code:-000}" ;;
          esac
          printf '%s %s %s\n' "$KEY_PREFIX$k" "$node" "${set:--}"
        done
      done
    ) >"$1.$node" &
    pids="$pids $!"
  done
  for pid in $pids; do wait "$pid"; done
  cat "$1".node-* >"$1"
  rm -f "$1".node-*
}

# Prints why a round has not converged (nothing when it has): replies that differ, failed reads,
# acknowledged elements missing.
round_verdict() { # acked-file round-file
  awk 'FNR == NR { acked[$1] = acked[$1] " " $2; next }
    {
      if (!($1 in set)) { set[$1] = $3; keys[++n] = $1 }
      else if (set[$1] != $3 && !($1 in bad)) bad[$1] = "replies differ (" $2 ")"
      if ($3 ~ /^!/) bad[$1] = "a read through " $2 " failed (HTTP " substr($3, 2) ")"
    }
    END {
      for (i = 1; i <= n; i++) {
        k = keys[i]
        if (k in bad) { print k ": " bad[k]; continue }
        delete have
        m = split(set[k], e, ",")
        for (j = 1; j <= m; j++) have[e[j]] = 1
        missing = 0
        c = split(acked[k], a, " ")
        for (j = 1; j <= c; j++) if (!(a[j] in have)) missing++
        if (missing > 0) print k ": " missing " acknowledged elements missing"
      }
    }' "$1" "$2"
}

HINTS_ABSENT=0
hints_verdict() { # prints why hints are not done; sets HINTS_ABSENT to the nodes without the gauge
  local node value
  HINTS_ABSENT=0
  for node in "${NODES[@]}"; do
    value=$(kv_metric "$node" hints.pending)
    if [ -z "$value" ]; then
      HINTS_ABSENT=$((HINTS_ABSENT + 1))
    elif awk -v v="$value" 'BEGIN { exit !(v + 0 != 0) }'; then
      printf '%s has hints.pending %s\n' "$node" "$value"
    fi
  done
}

log "healing every node (start / resume)"
HEAL_AT=$(kv_now)
heal_all || fail "healing: a node did not come back (see $RUN/nemesis.log)"
log "healed in $(kv_seconds_since "$HEAL_AT")s; reading every key with r=1 through every node, ${READ_REPEATS} times, until they agree"
CONVERGE=""
ROUND=0
CONVERGE_DEADLINE=$((SECONDS + CONVERGE_TIMEOUT))
while :; do
  ROUND=$((ROUND + 1))
  read_round "$RUN/round"
  why=$(round_verdict "$RUN/acked" "$RUN/round")
  [ -n "$why" ] || why=$(hints_verdict)
  if [ -z "$why" ]; then
    CONVERGE=$(kv_seconds_since "$HEAL_AT")
    cp "$RUN/round" "$RUN/converged-round"
    break
  fi
  printf 'round %d at %ss: %s\n' "$ROUND" "$(kv_seconds_since "$HEAL_AT")" "$(printf '%s' "$why" | head -n 1)" >>"$RUN/converge.log"
  if [ "$SECONDS" -ge "$CONVERGE_DEADLINE" ]; then
    fail "no convergence ${CONVERGE_TIMEOUT}s after the heal: $(printf '%s' "$why" | head -n 1) (see $RUN/converge.log)"
    break
  fi
  sleep 0.5
done
hints_verdict >/dev/null
if [ "$HINTS_ABSENT" = "$NODE_TOTAL" ]; then
  HINTS_NOTE="hints.pending: not in this build, taken as 0"
elif [ "$HINTS_ABSENT" -gt 0 ]; then
  HINTS_NOTE="hints.pending: missing on $HINTS_ABSENT node(s), taken as 0 there"
else
  HINTS_NOTE="hints.pending: 0 on every node"
fi
[ -n "$CONVERGE" ] && log "converged ${CONVERGE}s after the heal (round $ROUND of r=1 reads; $HINTS_NOTE)"

# --- 4. nothing lost, nothing invented --------------------------------------------------------------
log "checking: every key read with r=all through every node"
: >"$RUN/seen"
: >"$RUN/read-failures"
for node in "${NODES[@]}"; do
  for k in $(seq 0 $((KEYS - 1))); do
    if body=$(kv_read_key "$node" "$KEY_PREFIX$k" all 2>>"$RUN/read-failures"); then
      kv_set_items "$(kv_values_json "$body")" | sed "s/^/$KEY_PREFIX$k /" >>"$RUN/seen"
    fi
  done
done
[ ! -s "$RUN/read-failures" ] || fail "$(head -n 1 "$RUN/read-failures") ($(wc -l <"$RUN/read-failures" | tr -d ' ') such reads)"
# Elements as written ("e1-5", no quotes); anything else read stays as it was, so it counts as invented.
awk -v re="$ELEMENT_RE" '{ if ($2 ~ re) gsub(/"/, "", $2); print $1, $2 }' "$RUN/seen" | sort -u >"$RUN/seen-union"
comm -23 "$RUN/acked" "$RUN/seen-union" >"$RUN/lost"
comm -23 "$RUN/seen-union" "$RUN/tried" >"$RUN/invented"
LOST=$(wc -l <"$RUN/lost" | tr -d ' ')
INVENTED=$(wc -l <"$RUN/invented" | tr -d ' ')
[ "$LOST" = 0 ] || fail "$LOST acknowledged elements are missing from the r=all reads, e.g. $(head -n 3 "$RUN/lost" | tr '\n' ' ')(see $RUN/lost)"
[ "$INVENTED" = 0 ] || fail "$INVENTED elements were read that no client attempted, e.g. $(head -n 3 "$RUN/invented" | tr '\n' ' ')(see $RUN/invented)"
if [ -n "$CONVERGE" ]; then
  # What the r=1 reads converged to must be exactly what r=all reads through every node show.
  awk '{ n = split($3, e, ","); for (i = 1; i <= n; i++) if (e[i] != "-") print $1, e[i] }' "$RUN/converged-round" |
    sort -u >"$RUN/converged-set"
  if ! cmp -s "$RUN/converged-set" "$RUN/seen-union"; then
    fail "the set the r=1 reads converged to differs from the r=all union ($(comm -3 "$RUN/converged-set" "$RUN/seen-union" | wc -l | tr -d ' ') elements; see $RUN/converged-set and $RUN/seen-union)"
  fi
fi

# --- 5. summary -------------------------------------------------------------------------------------
for i in $(seq 1 "$NODE_TOTAL"); do
  [ -f "$RUN/client-$i.log" ] || continue
  log "client $i: $(awk '$1 == "put" { if ($4 == "200") ok++; else bad++ } $1 == "read" { r++ } END { printf "%d acknowledged, %d failed writes, %d failed reads", ok, bad, r }' "$RUN/client-$i.log")"
done
if [ -n "$CONVERGE" ]; then CONVERGE_TEXT="${CONVERGE}s"; else CONVERGE_TEXT="none within ${CONVERGE_TIMEOUT}s"; fi
TEXT="acknowledged=$ACKED failed=$FAILED lost=$LOST invented=$INVENTED converge=$CONVERGE_TEXT"
DETAIL="$NODE_TOTAL nodes, $KEYS keys, ${DURATION}s of faults ($KILLS kills, $PAUSES pauses, seed $SEED); $HINTS_NOTE; logs in $RUN"
trap - EXIT
cleanup
if [ "${#FAILURES[@]}" -gt 0 ]; then
  printf 'check-sets: FAIL %s (%d failure(s): %s; %s)\n' "$TEXT" "${#FAILURES[@]}" "${FAILURES[0]}" "$DETAIL" | tee "$OUT/summary.txt"
  exit 1
fi
printf 'check-sets: PASS %s (%s)\n' "$TEXT" "$DETAIL" | tee "$OUT/summary.txt"
exit 0
