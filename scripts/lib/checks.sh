# shellcheck shell=bash
# checks.sh: helpers shared by the scripts that test or measure a running cluster over HTTP
# (compose-test.sh, check-sets.sh, check-handoff.sh, bench-figures.sh). Source it; it defines functions and a few variables only.
#
# Node node-i serves HTTP on 127.0.0.1:$((KV_HTTP_BASE + i)), as `scripts/kvorum up` and the Compose
# file lay them out; set KV_HTTP_BASE (default 8080) before calling. Needs curl. Bash 3.2 compatible:
# no mapfile, no associative arrays, no ${var,,}.

KV_HOST=${KV_HOST:-127.0.0.1}
KV_HTTP_BASE=${KV_HTTP_BASE:-8080}

# The data folder as scripts/kvorum resolves it, without a trailing slash: $KVORUM_DATA (relative to
# the caller's directory) or the repository's data/.
kv_data_dir() { # repository root
  local dir
  case ${KVORUM_DATA:-} in
    '') dir="$1/data" ;;
    /*) dir=$KVORUM_DATA ;;
    *) dir="$PWD/${KVORUM_DATA#./}" ;;
  esac
  printf '%s\n' "${dir%/}"
}

# The script's leading comment block (after the shebang) without the "# ": its --help text.
kv_header_help() { # script
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$1"
}

# JAVA_HOME of the JDK scripts/kvorum uses (the one its nodes run on); fails when there is none.
kv_java_home() { # repository root
  "$1/scripts/kvorum" jdk --home 2>/dev/null
}

kv_port() { # node-3 or 3 -> its HTTP port
  printf '%s\n' "$((KV_HTTP_BASE + ${1#node-}))"
}

# Now as seconds since the epoch with a fraction (bash 5's EPOCHREALTIME, GNU date's %N, else perl,
# else whole seconds), and the seconds between two such readings with one decimal.
kv_now() {
  local t
  if [ -n "${EPOCHREALTIME:-}" ]; then
    t=${EPOCHREALTIME/,/.}
  else
    t=$(date +%s.%N 2>/dev/null) || t=""
    case $t in
      '' | *N* | *[!0-9.]*) t=$(perl -MTime::HiRes=time -e 'printf "%.3f\n", time' 2>/dev/null) || t=$(date +%s) ;;
    esac
  fi
  printf '%s\n' "$t"
}

kv_seconds_between() { # start end -> "12.3"
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", b - a }'
}

kv_seconds_since() { # start -> seconds from then until now, "12.3"
  kv_seconds_between "$1" "$(kv_now)"
}

# The status (up, down, ...) that `observer` reports for `target` in GET /cluster/members, or "?".
kv_status_seen() { # observer target
  local s
  s=$(curl -s --max-time 2 "http://$KV_HOST:$(kv_port "$1")/cluster/members" 2>/dev/null |
    grep -o "\"id\":\"$2\"[^}]*\"status\":\"[a-z]*\"" | sed 's/.*"status":"\([a-z]*\)"/\1/')
  printf '%s\n' "${s:-?}"
}

# Polls until observer sees target in the wanted status; prints the seconds it took, fails on timeout.
kv_wait_status() { # observer target wanted timeout_seconds
  local deadline=$((SECONDS + $4)) t0
  t0=$(kv_now)
  while [ "$(kv_status_seen "$1" "$2")" != "$3" ]; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.25
  done
  kv_seconds_since "$t0"
}

# Polls until every listed node sees every listed node up; fails on timeout.
kv_wait_all_up() { # timeout_seconds node...
  local deadline=$((SECONDS + $1)) o t ok
  shift
  while :; do
    ok=1
    for o in "$@"; do
      for t in "$@"; do
        [ "$(kv_status_seen "$o" "$t")" = up ] || {
          ok=0
          break 2
        }
      done
    done
    [ "$ok" = 1 ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# GET /kv/<key>?r=<r> through a node, retrying a 5xx or no answer (up to 10 tries a second apart):
# prints the body of a 200 or 404. On failure (another 4xx at once) says why on stderr and fails.
kv_read_key() { # node key r
  local port resp code=000
  port=$(kv_port "$1")
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    resp=$(curl -s --max-time 6 -w '\n%{http_code}' "http://$KV_HOST:$port/kv/$2?r=$3&timeout_ms=4000" 2>/dev/null) || true
    code=${resp##*$'\n'}
    case $code in
      200 | 404)
        resp=${resp%$'\n'*} # unquoted: $'..' inside "${..}" is not expanded by every bash
        printf '%s\n' "$resp"
        return 0
        ;;
      4??) break ;;
    esac
    sleep 1
  done
  echo "GET /kv/$2?r=$3 through $1 kept failing (last HTTP ${code:-000})" >&2
  return 1
}

# The "values" array of a GET body, as its JSON text ("" for a 404 or an error body).
kv_values_json() { # body
  printf '%s' "$1" | sed -n 's/.*"values":\(\[.*\]\),"context".*/\1/p'
}

# The context of a GET body ("" when it has none).
kv_context() { # body
  printf '%s' "$1" | sed -n 's/.*"context":"\([^"]*\)".*/\1/p' | head -n 1
}

# The top-level items of a values array whose siblings are arrays of strings (["a","b"],["c"]), one
# per line as JSON text ("a" with its quotes), in the order they appear. Not a JSON parser: meant
# for values this project's checks write themselves (no brackets, commas or spaces inside strings).
kv_set_items() { # values-json
  # shellcheck disable=SC2020 # each of [ ] , becomes a line break
  printf '%s' "$1" | tr -d ' \t\r\n' | tr '[],' '\n\n\n' | grep -v '^$' || true
}

# A metric's number from a node's GET /metrics (a gauge's "value" or a counter's "count"); prints
# nothing when the node does not answer or has no such metric.
kv_metric() { # node name
  local name
  name=$(printf '%s' "$2" | sed 's/\./\\./g')
  curl -s --max-time 3 "http://$KV_HOST:$(kv_port "$1")/metrics" 2>/dev/null |
    grep -oE "\"$name\":\\{\"(value|count)\":[0-9.eE+-]+" | head -n 1 | sed 's/.*://'
}

kv_cpu_ticks() { # pid... -> the processes' user + system CPU time so far, in clock ticks (0 for a pid that is gone)
  local total=0 pid ticks
  for pid in "$@"; do
    # Fields 14 and 15 of /proc/PID/stat, counted after the command name's closing parenthesis.
    ticks=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }')
    total=$((total + ${ticks:-0}))
  done
  printf '%s\n' "$total"
}

kv_cpu_per_op() { # dir name operations -> CPU microseconds per operation between DIR/cpu-before-NAME and DIR/cpu-after-NAME (kv_cpu_ticks output)
  awk -v b="$(cat "$1/cpu-before-$2")" -v a="$(cat "$1/cpu-after-$2")" -v n="$3" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (n > 0) printf "%.0f", (a - b) * 1000000 / hz / n; else print "-" }'
}

kv_ycsb_figure() { # file section metric -> one figure of a YCSB client's output, e.g. OVERALL Throughput(ops/sec)
  grep -F "[$2], $3," "$1" 2>/dev/null | head -n 1 | sed 's/.*, //'
}

kv_heap_mib() { # jcmd pid -> "used | committed" MiB of the JVM's heap, from jcmd GC.heap_info; nothing if it cannot tell
  # Each line with a total and a use is the whole heap (G1: "garbage-first heap total reserved
  # 524288K, committed 266240K, used 123456K" on JDK 25, " garbage-first heap total 1048576K, used
  # 123456K" on JDK 17) or one generation (parallel and serial: "PSYoungGen total 113152K, used
  # 7782K", then the old one); spaces and metaspace give no total.
  "$1" "$2" GC.heap_info 2>/dev/null | grep ' total .* used ' |
    awk '{ for (i = 1; i < NF; i++) { if ($i == "used") { v = $(i + 1); gsub("[K,]", "", v); u += v }
             if ($i == "committed" || ($i == "total" && $(i + 1) != "reserved")) { v = $(i + 1); gsub("[K,]", "", v); c += v } } }
         END { if (NR > 0) printf "%d | %d", u / 1024, c / 1024 }'
}

kv_ms() { # microseconds -> milliseconds with one decimal; nothing for nothing
  [ -n "${1:-}" ] && awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'
}
