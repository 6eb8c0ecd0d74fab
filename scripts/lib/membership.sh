# shellcheck shell=bash
# membership.sh: the membership commands of scripts/kvorum (issue 13): leave, remove, replace,
# transfers, and the wait that 'start' does for a brand-new node until it has joined. Sourced by
# scripts/kvorum after its own helpers (die, info, warn, http_get, node_dir, arg_value, launch_node,
# ...), which it uses; it defines functions only. Bash 3.2 compatible: no mapfile, no associative
# arrays, no ${var,,}.
#
# A node that left, was removed or was replaced keeps its folder (its log is worth reading), with a
# file "gone" saying what happened and when: 'status' shows it, and 'start' and 'up' refuse to bring
# it back with its old data and tokens, which the cluster has already handed to other nodes.

# Seconds a membership command waits for the change to finish before it gives up (the change itself
# goes on in the cluster; 'kvorum transfers' keeps showing it).
membership_timeout() {
  local timeout=${KVORUM_MEMBERSHIP_TIMEOUT:-600}
  require_uint KVORUM_MEMBERSHIP_TIMEOUT "$timeout"
  printf '%s\n' "$timeout"
}

# ---------------------------------------------------------------------------------------------------
# HTTP with a method and an empty body (POST /cluster/leave, POST /cluster/remove/{node}). Sets
# HTTP_STATUS (000 when nothing answered) and HTTP_BODY, as http_get does.

http_post() { # port path
  local port=$1 path=$2 raw
  if command -v curl >/dev/null 2>&1; then
    raw=$(curl -s --max-time 10 -X POST -w '\n%{http_code}' "http://$HOST:$port$path" 2>/dev/null) || true
    HTTP_STATUS=${raw##*$'\n'}
    HTTP_BODY=${raw%$'\n'*}
    [ -n "$HTTP_STATUS" ] || HTTP_STATUS=000
    return 0
  fi
  raw=$(
    exec 3<>"/dev/tcp/$HOST/$port" || exit 0
    printf 'POST %s HTTP/1.0\r\nHost: %s:%s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' "$path" "$HOST" "$port" >&3
    line=""
    while IFS= read -r -t 10 line <&3 || [ -n "$line" ]; do
      printf '%s\n' "${line%$'\r'}"
      line=""
    done
  ) 2>/dev/null || true
  HTTP_STATUS=$(printf '%s\n' "$raw" | sed -n '1{s/^HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p;q;}')
  HTTP_BODY=$(printf '%s\n' "$raw" | sed '1,/^$/d')
  [ -n "$HTTP_STATUS" ] || HTTP_STATUS=000
}

# ---------------------------------------------------------------------------------------------------
# Reading the small, flat JSON objects the nodes answer with, without jq. Not a JSON parser: enough
# for the fields of /cluster/members, /cluster/ring and /cluster/transfers, whose objects hold no
# nested objects.

# The value of one field of a flat object: a string without its quotes, a number, null, or an array
# as its text ("[1,2]"); nothing when the field is absent.
json_field() { # json name
  printf '%s' "$1" | sed -nE 's/.*"'"$2"'"[[:space:]]*:[[:space:]]*("([^"\\]|\\.)*"|\[[^]]*\]|[^,}]*).*/\1/p' | head -n 1 |
    sed -E 's/^"(.*)"$/\1/; s/[[:space:]]+$//; s/\\"/"/g'
}

# One line per innermost object ({...} without braces inside) of a body: members, owners, transfers.
json_objects() { # json
  printf '%s' "$1" | tr -d '\n' | grep -o '{[^{}]*}' || true
}

# The reason a node gave for an error answer: "<error>: <message>", or the raw body.
error_text() { # body
  local code message
  code=$(json_field "$1" error)
  message=$(json_field "$1" message)
  if [ -n "$code" ]; then
    printf '%s%s\n' "$code" "${message:+: $message}"
  else
    printf '%s\n' "${1:-(no body)}"
  fi
}

# ---------------------------------------------------------------------------------------------------
# Nodes that left the cluster

gone_file() {
  printf '%s/gone\n' "$(node_dir "$1")"
}

node_gone() { # id -> prints what happened ("left at ..."), fails when the node is still a member
  local file
  file=$(gone_file "$1")
  [ -f "$file" ] || return 1
  head -n 1 "$file"
}

mark_gone() { # id text
  local dir
  dir=$(node_dir "$1")
  [ -d "$dir" ] || return 0
  printf '%s at %s\n' "$2" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$dir/gone"
  rm -f "$dir/pid"
}

refuse_gone() { # id: die when the node left the cluster, saying how to bring the id back
  local what
  what=$(node_gone "$1") || return 0
  die "$1 $what: the cluster handed its ranges to other nodes, and starting it again with its old data
and tokens would bring back stale copies. To reuse the id as a brand-new node, delete its folder
($(node_dir "$1")) and run '$PROG start $1'"
}

# Running, answering nodes that are still members: ids, one per line. A paused node is left out.
live_nodes() {
  local id pid
  for id in $(known_nodes); do
    node_gone "$id" >/dev/null && continue
    pid=$(node_running_pid "$id") || continue
    pid_is_paused "$pid" && continue
    printf '%s\n' "$id"
  done
}

# ---------------------------------------------------------------------------------------------------
# What the nodes say

# The status (up, down, joining, leaving, removed) observer's /cluster/members gives target; "absent"
# when it is not listed, "?" when the observer does not answer.
status_seen() { # observer_port target
  local object
  http_get "$1" /cluster/members
  [ "$HTTP_STATUS" = 200 ] || {
    printf '?\n'
    return 0
  }
  object=$(json_objects "$HTTP_BODY" | grep "\"id\"[[:space:]]*:[[:space:]]*\"$2\"" | head -n 1)
  if [ -z "$object" ]; then
    printf 'absent\n'
  else
    printf '%s\n' "$(json_field "$object" status)"
  fi
}

# True when observer's /cluster/ring lists target among the owners; fails when it does not, and
# returns 2 when the observer does not answer.
in_ring_of() { # observer_port target
  http_get "$1" /cluster/ring
  [ "$HTTP_STATUS" = 200 ] || return 2
  json_objects "$HTTP_BODY" | grep -q "\"id\"[[:space:]]*:[[:space:]]*\"$2\""
}

# The live nodes other than target that still list it in their ring ("node-1 node-4"), or nothing.
ring_holders() { # target
  local id holders=""
  for id in $(live_nodes); do
    [ "$id" = "$1" ] && continue
    if in_ring_of "$(arg_value "$id" http.port)" "$1"; then
      holders="$holders $id"
    fi
  done
  printf '%s\n' "${holders# }"
}

# Human-readable bytes: 1536 -> 1.5 KiB.
human_bytes() {
  awk -v b="${1:-0}" 'BEGIN {
    split("B KiB MiB GiB TiB", unit, " "); i = 1
    while (b >= 1024 && i < 5) { b /= 1024; i++ }
    if (i == 1) printf "%d B\n", b; else printf "%.1f %s\n", b, unit[i] }'
}

# Every transfer that the live nodes (or the one named) receive, one tab-separated line each:
# node range from to reason state keys bytes bytes_per_s eta_s. Nodes that do not answer are
# listed on stderr. Sets TRANSFERS_ASKED and TRANSFERS_ANSWERED. A change lists a transfer per
# range (hundreds with 128 vnodes), so the body is parsed by one awk, not a process per field.
TRANSFERS_ASKED=0
TRANSFERS_ANSWERED=0
collect_transfers() { # [node...]
  local ids id port
  ids=${*:-$(live_nodes)}
  TRANSFERS_ASKED=0
  TRANSFERS_ANSWERED=0
  for id in $ids; do
    TRANSFERS_ASKED=$((TRANSFERS_ASKED + 1))
    port=$(arg_value "$id" http.port) || port=""
    [ -n "$port" ] || continue
    HTTP_MAX_TIME=5 http_get "$port" /cluster/transfers
    if [ "$HTTP_STATUS" != 200 ]; then
      if [ "$HTTP_STATUS" = 000 ]; then
        printf '%s: no answer\n' "$id" >&2
      else
        printf '%s: HTTP %s %s\n' "$id" "$HTTP_STATUS" "$(error_text "$HTTP_BODY")" >&2
      fi
      continue
    fi
    TRANSFERS_ANSWERED=$((TRANSFERS_ANSWERED + 1))
    json_objects "$HTTP_BODY" | awk -v node="$id" '
      function field(object, name,   re, value) {
        re = "\"" name "\"[ \t]*:[ \t]*(\"[^\"]*\"|\\[[^]]*\\]|[^,}]*)"
        if (!match(object, re)) return ""
        value = substr(object, RSTART, RLENGTH)
        sub(/^"[^"]*"[ \t]*:[ \t]*/, "", value)
        gsub(/^"|"$|[ \t]/, "", value)
        return value
      }
      /"range"/ {
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", node, field($0, "range"), field($0, "from"), field($0, "to"),
          field($0, "reason"), field($0, "state"), field($0, "keys"), field($0, "bytes"), field($0, "bytes_per_s"), field($0, "eta_s")
      }'
  done
}

# One line on the transfers that match an awk condition over the columns of collect_transfers ($1
# node, $3 from, $4 to, $5 reason, $6 state): counts by state, keys and bytes so far; then a tab
# and the bytes as a plain number, for the rate (report_progress). Prints nothing when none match.
transfer_progress() { # awk-condition
  collect_transfers 2>/dev/null | awk -F '\t' '
    function human(b,   u, i) { split("B KiB MiB GiB TiB", u, " "); i = 1
      while (b >= 1024 && i < 5) { b /= 1024; i++ }
      return i == 1 ? sprintf("%d B", b) : sprintf("%.1f %s", b, u[i]) }
    '"$1"' { n++; state[$6]++; keys += $7; bytes += $8 }
    END {
      if (n == 0) exit
      printf "%d range(s): %d done, %d streaming, %d pending, %d failed; %d keys, %s\t%d\n",
        n, state["done"], state["streaming"], state["pending"], state["failed"], keys, human(bytes), bytes }'
}

# The text of a transfer_progress line, without its byte count.
progress_text() { # line
  printf '%s\n' "${1%%	*}"
}

# Prints a progress line when it differs from the last one printed (at most every 2 s), with the
# rate since the last line printed: the ranges a change moves are small and many, so a range's own
# bytes_per_s is seldom caught while it streams.
PROGRESS_LAST=""
PROGRESS_AT=0
PROGRESS_BYTES=""
report_progress() { # prefix line [bytes]
  local line="$2" bytes=${3:-} rate=""
  [ -n "$line" ] || return 0
  [ "$line" != "$PROGRESS_LAST" ] || return 0
  [ $((SECONDS - PROGRESS_AT)) -ge 2 ] || [ -z "$PROGRESS_LAST" ] || return 0
  if [ -n "$bytes" ] && [ -n "$PROGRESS_BYTES" ] && [ "$SECONDS" -gt "$PROGRESS_AT" ] && [ "$bytes" -ge "$PROGRESS_BYTES" ]; then
    rate=", $(human_bytes $(((bytes - PROGRESS_BYTES) / (SECONDS - PROGRESS_AT))))/s"
  fi
  PROGRESS_LAST=$line
  PROGRESS_AT=$SECONDS
  PROGRESS_BYTES=$bytes
  info "  [$1] $line$rate"
}

# ---------------------------------------------------------------------------------------------------
# transfers [--all] [node]

# A change moves one range per vnode and replica (a join with 128 vnodes and N=3: about 380), so
# the table shows the ranges that are streaming or failed, and a line per receiving node and
# source that counts the rest; --all lists every range.
cmd_transfers() {
  local ids="" answered rows id all=0 file
  while [ "$#" -gt 0 ]; do
    case $1 in
      --all) all=1 && shift ;;
      -*) die "transfers: unknown option '$1' (usage: $PROG transfers [--all] [<node>])" ;;
      *)
        [ -z "$ids" ] || die "usage: $PROG transfers [--all] [<node>]"
        id=$(resolve_node "$1")
        node_running_pid "$id" >/dev/null || die "$id is not running"
        ids=$id
        shift
        ;;
    esac
  done
  if [ -z "$ids" ]; then
    ids=$(live_nodes | tr '\n' ' ')
    [ -n "$ids" ] || die "no node is running (data in $DATA)"
  fi
  file=$(mktemp "${TMPDIR:-/tmp}/kvorum-transfers.XXXXXX") || die "cannot create a temporary file"
  # Not in $(...): collect_transfers counts the nodes that answered in variables of this shell.
  # shellcheck disable=SC2086 # the ids are plain words
  collect_transfers $ids >"$file"
  rows=$(cat "$file")
  rm -f "$file"
  answered=$TRANSFERS_ANSWERED
  if [ "$answered" = 0 ]; then
    die "no node answered GET /cluster/transfers (asked: ${ids% })"
  fi
  if [ -z "$rows" ]; then
    info "No transfers active (asked $answered node(s): ${ids% })."
    return 0
  fi
  printf '%s\n' "$rows" | awk -F '\t' -v all="$all" '
    function human(b,   u, i) { split("B KiB MiB GiB TiB", u, " "); i = 1
      while (b >= 1024 && i < 5) { b /= 1024; i++ }
      return i == 1 ? sprintf("%d B", b) : sprintf("%.1f %s", b, u[i]) }
    BEGIN { format = "%-8s %-44s %-8s %-8s %-8s %-10s %10s %11s %12s %8s\n"
            printf format, "NODE", "RANGE (from, to]", "FROM", "TO", "REASON", "STATE", "KEYS", "BYTES", "RATE", "ETA" }
    {
      n++; state[$6]++; keys += $7; bytes += $8
      group = $1 "\t" $3 "\t" $5
      if (!(group in count)) order[++groups] = group
      count[group]++; groupState[group, $6]++; groupKeys[group] += $7; groupBytes[group] += $8
      if (all || $6 == "streaming" || $6 == "failed") {
        range = $2; gsub(/[][]/, "", range); sub(/,/, ", ", range)
        eta = ($10 == "" || $10 == "null") ? "-" : sprintf("%.0fs", $10)
        rate = ($9 == "" || $9 == "null") ? "-" : human($9) "/s"
        printf format, $1, "(" range "]", $3, $4, $5, $6, $7, human($8), rate, eta
        shown++
      }
    }
    END {
      if (!all && shown < n) printf "(%d range(s) pending or done not listed; --all lists every range)\n", n - shown
      for (i = 1; i <= groups; i++) {
        split(order[i], g, "\t")
        printf "%s receives from %s (%s): %d range(s): %d done, %d streaming, %d pending, %d failed; %d keys, %s\n",
          g[1], g[2], g[3], count[order[i]], groupState[order[i], "done"], groupState[order[i], "streaming"],
          groupState[order[i], "pending"], groupState[order[i], "failed"], groupKeys[order[i]], human(groupBytes[order[i]])
      }
      printf "%d transfer(s): %d done, %d streaming, %d pending, %d failed; %d keys, %s\n",
        n, state["done"], state["streaming"], state["pending"], state["failed"], keys, human(bytes) }'
}

# ---------------------------------------------------------------------------------------------------
# leave <node>

cmd_leave() {
  local id pid port timeout deadline started status holders line exited_at=""
  [ "$#" -eq 1 ] || die "usage: $PROG leave <node>"
  id=$(resolve_node "$1")
  refuse_gone "$id"
  clear_stale_pid "$id"
  pid=$(node_running_pid "$id") ||
    die "$id is not running: a node hands its ranges over itself, so it must run to leave. For a dead node use '$PROG remove $id' (its ranges are then streamed from the other replicas), or '$PROG replace $id <new-node>'"
  pid_is_paused "$pid" && die "$id is paused; resume it first ('$PROG resume $id')"
  timeout=$(membership_timeout)
  port=$(arg_value "$id" http.port)
  http_post "$port" /cluster/leave
  case $HTTP_STATUS in
    202) ;;
    000) die "$id did not answer POST /cluster/leave on port $port" ;;
    409)
      case $HTTP_BODY in
        *change_in_flight*) die "$id cannot leave now: $(error_text "$HTTP_BODY") (one membership change at a time, cluster-wide: '$PROG transfers' shows the one in flight; try again when it is done)" ;;
      esac
      die "$id cannot leave: $(error_text "$HTTP_BODY")"
      ;;
    404)
      case $HTTP_BODY in
        *no_such_route*) die "$id does not know POST /cluster/leave: this build has no membership changes" ;;
      esac
      die "$id refused to leave: HTTP 404 $(error_text "$HTTP_BODY")"
      ;;
    *) die "$id refused to leave: HTTP $HTTP_STATUS $(error_text "$HTTP_BODY")" ;;
  esac
  started=$SECONDS
  deadline=$((SECONDS + timeout))
  info "$id is leaving (POST /cluster/leave: $HTTP_STATUS $(json_field "$HTTP_BODY" status)); it streams its ranges to their new owners, then exits"
  while :; do
    holders=$(ring_holders "$id")
    if ! pid_is_node "$pid"; then
      [ -n "$exited_at" ] || exited_at=$SECONDS
      if [ -z "$holders" ]; then
        break
      fi
      # The others learn by gossip that it left; its last announcement takes a round or two to spread.
      if [ $((SECONDS - exited_at)) -ge 30 ]; then
        show_node_output "$id"
        die "$id exited, but after 30s $holders still list it in /cluster/ring (status there: $(status_seen "$(arg_value "${holders%% *}" http.port)" "$id")): it did not finish leaving. Its log is above; 'kvorum transfers' shows what was streamed"
      fi
    fi
    line=$(transfer_progress '$3 == "'"$id"'"')
    report_progress "$((SECONDS - started))s" "$id $(status_seen_by_others "$id")${line:+; $(progress_text "$line")}" "${line##*	}"
    if [ "$SECONDS" -ge "$deadline" ]; then
      die "$id has not left after ${timeout}s (KVORUM_MEMBERSHIP_TIMEOUT): $(status_seen_by_others "$id"); still in the ring of: ${holders:-nobody}. It goes on in the background: 'kvorum transfers' shows the streams"
    fi
    sleep 1
  done
  mark_gone "$id" left
  info "$id left the cluster in $((SECONDS - started))s: its process exited and no live node lists it in /cluster/ring"
  status=$(progress_text "$(transfer_progress '$3 == "'"$id"'"')")
  [ -z "$status" ] || info "  transfers from $id: $status"
}

# "leaving (node-1), absent (node-4)": what the other live nodes' /cluster/members say of id.
status_seen_by_others() { # id
  local other seen="" status
  for other in $(live_nodes); do
    [ "$other" = "$1" ] && continue
    status=$(status_seen "$(arg_value "$other" http.port)" "$1")
    seen="$seen, $status ($other)"
  done
  printf 'is %s\n' "${seen#, }"
}

# ---------------------------------------------------------------------------------------------------
# remove <node> [--via <node>]

# Waits (bounded) until observer shows target neither up nor joining nor leaving, when the target's
# process is known to be dead here: right after a kill, the failure detector needs a few seconds.
await_seen_down() { # observer target seconds
  local port status deadline=$((SECONDS + $3)) said=0
  port=$(arg_value "$1" http.port)
  while :; do
    status=$(status_seen "$port" "$2")
    case $status in
      up | joining | leaving) ;;
      *) return 0 ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || return 1
    if [ "$said" = 0 ]; then
      info "waiting until $1 sees $2 down (it shows it $status; the failure detector takes a few seconds) ..."
      said=1
    fi
    sleep 0.5
  done
}

pick_live_node() { # excluded-id -> a live node other than it
  local id
  for id in $(live_nodes); do
    [ "$id" != "$1" ] && {
      printf '%s\n' "$id"
      return 0
    }
  done
  return 1
}

cmd_remove() {
  local id="" via="" port timeout deadline started holders line
  while [ "$#" -gt 0 ]; do
    case $1 in
      --via) [ "$#" -ge 2 ] || die "--via needs a node"; via=$2; shift 2 ;;
      -*) die "remove: unknown option '$1' (usage: $PROG remove <node> [--via <node>])" ;;
      *) [ -z "$id" ] || die "usage: $PROG remove <node> [--via <node>]"; id=$1; shift ;;
    esac
  done
  [ -n "$id" ] || die "usage: $PROG remove <node> [--via <node>]"
  is_uint "$id" && id="node-$id"
  case $id in */* | . | ..) die "'$id' is not a node id" ;; esac
  if [ -d "$(node_dir "$id")" ]; then
    refuse_gone "$id"
    clear_stale_pid "$id"
    if node_running_pid "$id" >/dev/null && ! pid_is_paused "$(node_pid "$id")"; then
      die "$id is running (pid $(node_pid "$id")): remove is for a dead node. To take a live node out, let it hand its data over: '$PROG leave $id'"
    fi
  fi
  if [ -n "$via" ]; then
    via=$(resolve_node "$via")
    node_running_pid "$via" >/dev/null || die "$via is not running"
  else
    via=$(pick_live_node "$id") || die "no live node to send the removal to (data in $DATA)"
  fi
  timeout=$(membership_timeout)
  port=$(arg_value "$via" http.port)
  if ! node_running_pid "$id" >/dev/null 2>&1; then
    await_seen_down "$via" "$id" 60 || die "$via still sees $id $(status_seen "$port" "$id") 60s after its process was found dead here"
  fi
  http_post "$port" "/cluster/remove/$id"
  case $HTTP_STATUS in
    202) ;;
    000) die "$via did not answer POST /cluster/remove/$id on port $port" ;;
    409)
      case $HTTP_BODY in
        *node_reachable*) die "$via refused: $(error_text "$HTTP_BODY"). remove is for a node that is down; a live node should '$PROG leave'" ;;
      esac
      case $HTTP_BODY in
        *change_in_flight*) die "$via refused: $(error_text "$HTTP_BODY") (one membership change at a time, cluster-wide: '$PROG transfers' shows the one in flight; try again when it is done)" ;;
      esac
      die "$via refused to remove $id: $(error_text "$HTTP_BODY")"
      ;;
    404)
      case $HTTP_BODY in
        *no_such_route*) die "$via does not know POST /cluster/remove: this build has no membership changes" ;;
      esac
      die "$via refused: $(error_text "$HTTP_BODY")"
      ;;
    *) die "$via refused to remove $id: HTTP $HTTP_STATUS $(error_text "$HTTP_BODY")" ;;
  esac
  started=$SECONDS
  deadline=$((SECONDS + timeout))
  info "$id is being removed (POST /cluster/remove/$id to $via: $HTTP_STATUS $(json_field "$HTTP_BODY" status)); its new owners stream its ranges from the surviving replicas"
  while :; do
    holders=$(ring_holders "$id")
    [ -n "$holders" ] || break
    line=$(transfer_progress '$5 == "remove"')
    report_progress "$((SECONDS - started))s" "$id $(status_seen_by_others "$id")${line:+; $(progress_text "$line")}" "${line##*	}"
    if [ "$SECONDS" -ge "$deadline" ]; then
      die "$id is still in the ring of $holders after ${timeout}s (KVORUM_MEMBERSHIP_TIMEOUT). The removal goes on in the background: 'kvorum transfers' shows the streams"
    fi
    sleep 1
  done
  mark_gone "$id" removed
  info "$id was removed in $((SECONDS - started))s: no live node lists it in /cluster/ring"
  holders=$(progress_text "$(transfer_progress '$5 == "remove"')")
  [ -z "$holders" ] || info "  transfers for the removal: $holders"
}

# ---------------------------------------------------------------------------------------------------
# replace <dead-node> <new-node>, and the join of a brand-new node ('start node-K')

# Waits until every live node (the new one included) shows id up, printing transfer progress;
# fails when the node dies or time runs out.
await_joined() { # id what
  local id=$1 what=$2 timeout deadline started other pending status line
  timeout=$(membership_timeout)
  started=$SECONDS
  deadline=$((SECONDS + timeout))
  PROGRESS_LAST=""
  while :; do
    node_running_pid "$id" >/dev/null || node_died "$id"
    pending=""
    for other in $(live_nodes); do
      status=$(status_seen "$(arg_value "$other" http.port)" "$id")
      [ "$status" = up ] || pending="$pending, $status ($other)"
    done
    [ -n "$pending" ] || break
    line=$(transfer_progress '$1 == "'"$id"'"')
    report_progress "$((SECONDS - started))s" "$id is ${pending#, }${line:+; $(progress_text "$line")}" "${line##*	}"
    if [ "$SECONDS" -ge "$deadline" ]; then
      die "$id has not $what after ${timeout}s (KVORUM_MEMBERSHIP_TIMEOUT): it is ${pending#, }. It keeps running; 'kvorum transfers $id' shows its streams"
    fi
    sleep 1
  done
  info "$id is up on every live node ($what in $((SECONDS - started))s)"
  status=$(progress_text "$(transfer_progress '$1 == "'"$id"'"')")
  [ -z "$status" ] || info "  transfers to $id: $status"
}

cmd_replace() {
  local dead new dir via timeout
  [ "$#" -eq 2 ] || die "usage: $PROG replace <dead-node> <new-node>   (e.g. replace node-3 node-6)"
  dead=$(resolve_node "$1")
  refuse_gone "$dead"
  clear_stale_pid "$dead"
  if node_running_pid "$dead" >/dev/null; then
    die "$dead is running (pid $(node_pid "$dead")): replace takes over a dead node's tokens. Kill it first, or let it leave ('$PROG leave $dead') and start a new node"
  fi
  new=$(resolve_node "$2" new)
  [ "$new" != "$dead" ] || die "the new node needs an id of its own (e.g. node-$(($(known_nodes | sed 's/node-//' | sort -n | tail -n 1) + 1)))"
  dir=$(node_dir "$new")
  [ ! -f "$dir/args" ] || die "$new already exists ($dir); name a new node id"
  [[ "$new" =~ ^node-([0-9]+)$ ]] || die "the new node's id must be node-<number>, got '$new'"
  via=$(pick_live_node "$dead") || die "no live node: a replacement streams from the surviving replicas"
  await_seen_down "$via" "$dead" 60 || die "$via still sees $dead $(status_seen "$(arg_value "$via" http.port)" "$dead") 60s after its process was found dead here"
  find_jdk
  [ -f "$NODE_JAR" ] || die "$NODE_JAR is missing; run '$PROG up' (or '$PROG build')"
  write_joiner_args "${BASH_REMATCH[1]}" "$dead"
  printf '%s\n' "--cluster.replace=$dead" >>"$dir/args"
  check_ports_free "$new"
  launch_node "$new"
  info "$new replaces $dead (cluster.replace=$dead): it takes $dead's tokens and streams its ranges from the surviving replicas before it serves"
  await_joined "$new" "replaced $dead"
  # The replacement is done: a later restart of the new node is a plain restart.
  sed '/^--cluster\.replace=/d' "$dir/args" >"$dir/args.tmp" && mv "$dir/args.tmp" "$dir/args"
  timeout=$(membership_timeout)
  local deadline=$((SECONDS + timeout)) holders
  while holders=$(ring_holders "$dead") && [ -n "$holders" ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "$new is up, but $holders still list $dead in /cluster/ring"
    sleep 1
  done
  mark_gone "$dead" "replaced by $new"
  info "$dead was replaced by $new: $new owns its tokens and no live node lists $dead in /cluster/ring"
}
