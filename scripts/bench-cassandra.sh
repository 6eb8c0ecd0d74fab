#!/usr/bin/env bash
# bench-cassandra.sh (`scripts/kvorum bench-cassandra [OPTIONS]`): issue 16's baseline, Apache
# Cassandra 5.0.9 measured the way bench-ycsb measures Kvorum: YCSB 0.17's own client, through
# io.kvorum.bench.cassandra.CassandraYcsbClient (token-aware, prepared statements, QUORUM reads and
# writes), against a fresh 3-node cluster on 127.0.0.1, 127.0.0.2 and 127.0.0.3 (default ports: 7000
# storage, 9042 CQL; JMX for nodetool on 127.0.0.1:7199, 7299 and 7399), RF=3 (keyspace ycsb,
# SimpleStrategy), 1 GiB heap each (-Xms1G -Xmx1G), Cassandra's JVM options for Java 17 and its
# default settings (commitlog_sync periodic, 10000 ms; 16 vnodes), changed only where three nodes on
# one machine need it (addresses, seeds, directories):
#   load RECORDS records (10 fields x 100 bytes), then workloads A, B and C, each PASSES times with
#   OPERATIONS operations and Zipfian keys, at every thread count of --threads. The last (warm) pass of
#   each workload is the one reported; the earlier ones warm the JIT and the caches.
# It prints the same table as bench-ycsb (ops/s, p99 and p99.9 per operation, max latency, the nodes'
# CPU time per operation) and, per node after the runs: RSS (now and peak), heap used and committed.
#
# Options:
#   --records N       records loaded (default 100000)
#   --operations N    operations per pass (default 200000)
#   --threads "T..."  YCSB client threads, one full set of passes per value (default "16")
#   --workloads "W.." workloads among a b c (default "a b c")
#   --passes N        passes per workload; the last is reported (default 2)
#   --keep            leave the cluster running afterwards (nodetool: see the message at the end)
#   --stop            stop a cluster an earlier --keep left running, and do nothing else
# First use downloads Cassandra 5.0.9 and its dependencies (about 70 MB) from Maven Central and builds
# the binding (bench/cassandra-baseline) into ~/.cache/kvorum/bench-cassandra (KVORUM_CACHE moves it);
# it is rebuilt when that project changes. Cassandra and the client run on a JDK 17 (Cassandra 5.0
# runs on 11 or 17 only): the first of KVORUM_CASSANDRA_JAVA_HOME, /usr/lib/jvm/*17*, or `java` on
# the PATH when that is 17 or 11. Output: $KVORUM_DATA/bench-cassandra/ (the nodes' data and logs,
# each YCSB run's output, summary.txt). The machine's other load counts: compare figures only with a
# run taken back to back with them.
set -uo pipefail

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib/checks.sh
. "$ROOT/scripts/lib/checks.sh"
DATA=$(kv_data_dir "$ROOT")
readonly OUT="$DATA/bench-cassandra"
readonly CLUSTER="$OUT/cluster"
readonly PROJECT="$ROOT/bench/cassandra-baseline"
readonly CASSANDRA_VERSION=5.0.9
readonly NODES=3
readonly HOSTS="127.0.0.1,127.0.0.2,127.0.0.3"

RECORDS=100000
OPERATIONS=200000
THREADS="16"
WORKLOADS="a b c"
PASSES=2
KEEP=0
STOP_ONLY=0
while [ $# -gt 0 ]; do
  case $1 in
    --records) RECORDS=${2:?--records needs a number}; shift 2 ;;
    --operations) OPERATIONS=${2:?--operations needs a number}; shift 2 ;;
    --threads) THREADS=${2:?--threads needs a list such as \"16 64\"}; shift 2 ;;
    --workloads) WORKLOADS=${2:?--workloads needs a list such as \"a b c\"}; shift 2 ;;
    --passes) PASSES=${2:?--passes needs a number}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --stop) STOP_ONLY=1; shift ;;
    -h | --help) kv_header_help "${BASH_SOURCE[0]}"; exit 0 ;;
    *) printf 'bench-cassandra: unknown option %s\n' "$1" >&2; exit 2 ;;
  esac
done
for number in "$RECORDS" "$OPERATIONS" "$PASSES" $THREADS; do
  case $number in
    '' | 0 | *[!0-9]*) printf 'bench-cassandra: --records, --operations, --passes and --threads take positive numbers, got %s\n' "$number" >&2; exit 2 ;;
  esac
done
[ -n "${THREADS// /}" ] || { printf 'bench-cassandra: --threads needs at least one number\n' >&2; exit 2; }
[ -n "${WORKLOADS// /}" ] || { printf 'bench-cassandra: --workloads needs at least one of a b c\n' >&2; exit 2; }
for workload in $WORKLOADS; do
  case $workload in
    a | b | c) ;;
    *) printf 'bench-cassandra: --workloads takes a, b and c, got %s\n' "$workload" >&2; exit 2 ;;
  esac
done

say() {
  printf '[bench-cassandra %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

# The nodes' pids, from the pid files start_node writes; only live Cassandra JVMs count.
node_pid() { # node_pid I
  local pid
  pid=$(cat "$CLUSTER/node-$1/pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && grep -q CassandraDaemon "/proc/$pid/cmdline" 2>/dev/null && printf '%s\n' "$pid"
}

stop_cluster() { # TERM (Cassandra's shutdown hook drains), then KILL whatever is left after 30 s
  local i pid pids=() waited
  for i in $(seq 1 "$NODES"); do
    pid=$(node_pid "$i") && pids+=("$pid")
  done
  [ "${#pids[@]}" -gt 0 ] || return 0
  kill -TERM "${pids[@]}" 2>/dev/null
  for waited in $(seq 1 30); do
    for i in "${!pids[@]}"; do
      kill -0 "${pids[$i]}" 2>/dev/null || unset 'pids[i]'
    done
    [ "${#pids[@]}" -eq 0 ] && return 0
    [ "$waited" -lt 30 ] && sleep 1
  done
  kill -KILL "${pids[@]}" 2>/dev/null
  return 0
}

if [ "$STOP_ONLY" = 1 ]; then
  stop_cluster
  say "no Cassandra node of $CLUSTER is running"
  exit 0
fi

# A JDK Cassandra 5.0 runs on: 17 (or 11).
cassandra_java_home() {
  local home version
  for home in ${KVORUM_CASSANDRA_JAVA_HOME:-} /usr/lib/jvm/*17* "${JAVA_HOME:-}" \
    "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    if [ -z "$home" ] || [ ! -x "$home/bin/java" ] || [ ! -x "$home/bin/jcmd" ]; then
      continue
    fi
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ { print $2 }')
    case $version in
      17 | 11) printf '%s\n' "$home"; return 0 ;;
    esac
  done
  return 1
}
JAVA_17=$(cassandra_java_home) || {
  printf 'bench-cassandra: Cassandra %s runs on Java 17 or 11, and no such JDK was found (set KVORUM_CASSANDRA_JAVA_HOME)\n' "$CASSANDRA_VERSION" >&2
  exit 1
}
readonly JAVA="$JAVA_17/bin/java" JCMD="$JAVA_17/bin/jcmd"

# The binding and Cassandra's jars, built once per version of bench/cassandra-baseline.
CACHE_ROOT=${KVORUM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvorum}/bench-cassandra
STAMP=$(cd "$PROJECT" && find pom.xml src -type f | LC_ALL=C sort | xargs cat | cksum | cut -d' ' -f1)
readonly LIB="$CACHE_ROOT/$CASSANDRA_VERSION-$STAMP/lib"
if [ ! -f "$LIB/.complete" ]; then
  say "building the Cassandra binding and fetching Cassandra $CASSANDRA_VERSION (Maven Central, first use only) into $LIB"
  command -v mvn >/dev/null || { printf 'bench-cassandra: mvn (Maven) is needed for the first run\n' >&2; exit 1; }
  MVN_JAVA=$(kv_java_home "$ROOT") || MVN_JAVA=$JAVA_17
  rm -rf "$LIB" && mkdir -p "$LIB"
  if ! (cd "$PROJECT" && JAVA_HOME=$MVN_JAVA mvn -B -q package dependency:copy-dependencies \
    -DskipTests -DincludeScope=runtime -DoutputDirectory="$LIB") >"$CACHE_ROOT/build.log" 2>&1; then
    say "the build failed: see $CACHE_ROOT/build.log"
    exit 1
  fi
  cp "$PROJECT/target/kvorum-cassandra-baseline-0.1.0-SNAPSHOT.jar" "$LIB/" && touch "$LIB/.complete"
fi
JAMM=$(find "$LIB" -maxdepth 1 -name 'jamm-*.jar' | head -n 1)
readonly CLASSPATH_ALL="$LIB/*"

# Nothing else may hold the ports the nodes need (stop what an earlier --keep left first).
stop_cluster
for i in $(seq 1 "$NODES"); do
  for port in 9042 7000; do
    if (exec 3<>"/dev/tcp/127.0.0.$i/$port") 2>/dev/null; then
      printf 'bench-cassandra: something already listens on 127.0.0.%s:%s; Cassandra node %s needs it\n' "$i" "$port" "$i" >&2
      exit 1
    fi
  done
done
rm -rf "$OUT"
mkdir -p "$OUT"
# The client JVMs (YCSB, nodetool, the set-up helper) have Cassandra's Logback on their classpath:
# warnings and errors to stderr, not Logback's default DEBUG console into YCSB's output.
readonly CLIENT_LOGBACK="$OUT/client-logback.xml"
cat >"$CLIENT_LOGBACK" <<'EOF'
<configuration>
  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%-5level %date{ISO8601} %logger{20} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="STDERR" /></root>
</configuration>
EOF

# The module exports and opens Cassandra 5.0 needs on Java 17, for the server (conf/jvm17-server.options)
# and its tools such as nodetool (conf/jvm17-clients.options).
jpms_options() {
  printf '%s\n' -Djdk.attach.allowAttachSelf=true \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
    --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED \
    --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED \
    --add-exports java.sql/java.sql=ALL-UNNAMED --add-exports java.base/java.lang.ref=ALL-UNNAMED \
    --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED \
    --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED \
    --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED \
    --add-opens java.base/java.lang.module=ALL-UNNAMED --add-opens java.base/jdk.internal.loader=ALL-UNNAMED \
    --add-opens java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED \
    --add-opens java.base/jdk.internal.math=ALL-UNNAMED --add-opens java.base/jdk.internal.module=ALL-UNNAMED \
    --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED \
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED \
    --add-opens java.base/java.lang.reflect=ALL-UNNAMED --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED \
    --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED
}
mapfile -t JPMS < <(jpms_options)

# Cassandra's JVM options for Java 17, from its conf/jvm-server.options and conf/jvm17-server.options,
# plus what its cassandra-env.sh adds (the jamm agent, hotspot_compiler, the GC log, local JMX). The last
# two shorten start-up only (no 30 s waits for gossip to settle on a fresh, empty cluster).
server_options() { # server_options I
  local dir="$CLUSTER/node-$1"
  printf '%s\n' -ea -da:net.openhft... -XX:+UseThreadPriorities -XX:+HeapDumpOnOutOfMemoryError \
    "-XX:HeapDumpPath=$dir/logs" -Xss256k -XX:+AlwaysPreTouch -XX:+UseTLAB -XX:+ResizeTLAB -XX:+UseNUMA \
    -XX:+PerfDisableSharedMem -Djava.net.preferIPv4Stack=true \
    -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1 -XX:G1HeapRegionSize=16m \
    -XX:G1RSetUpdatingPauseTimePercent=5 -XX:MaxGCPauseMillis=300 -XX:InitiatingHeapOccupancyPercent=70 \
    "${JPMS[@]}" \
    -Dio.netty.tryReflectionSetAccessible=true -Dio.netty.allocator.useCacheForAllThreads=true \
    -Dio.netty.allocator.maxOrder=11 \
    -Xms1G -Xmx1G \
    "-XX:CompileCommandFile=$dir/conf/hotspot_compiler" "-javaagent:$JAMM" \
    "-Xlog:gc=info,heap*=trace,age*=debug,safepoint=info,promotion*=trace:file=$dir/logs/gc.log:time,uptime,pid,tid,level:filecount=10,filesize=10485760" \
    "-Dcassandra.jmx.local.port=$((7199 + 100 * ($1 - 1)))" -Dcom.sun.management.jmxremote.authenticate=false \
    "-Dcassandra.config=file://$dir/conf/cassandra.yaml" "-Dlogback.configurationFile=$dir/conf/logback.xml" \
    "-Dcassandra.logdir=$dir/logs" "-Dcassandra.storagedir=$dir" "-Dcassandra-pidfile=$dir/pid" \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.ring_delay_ms=5000
}

# Cassandra 5.0.9's conf/cassandra.yaml as shipped where it sets a value, changed only for three nodes
# on loopback: cluster_name, the directories, listen/rpc addresses and the seed. Everything it leaves
# commented out stays at Cassandra's built-in default.
write_config() { # write_config I
  local dir="$CLUSTER/node-$1"
  mkdir -p "$dir/conf" "$dir/logs" "$dir/data" "$dir/commitlog" "$dir/saved_caches" "$dir/hints" "$dir/cdc_raw"
  unzip -p "$LIB/cassandra-all-$CASSANDRA_VERSION.jar" META-INF/hotspot_compiler >"$dir/conf/hotspot_compiler"
  cat >"$dir/conf/cassandra.yaml" <<EOF
cluster_name: 'kvorum-bench-cassandra'
num_tokens: 16
allocate_tokens_for_local_replication_factor: 3
hinted_handoff_enabled: true
max_hint_window: 3h
hinted_handoff_throttle: 1024KiB
max_hints_delivery_threads: 2
hints_directory: $dir/hints
hints_flush_period: 10000ms
max_hints_file_size: 128MiB
batchlog_replay_throttle: 1024KiB
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
data_file_directories:
  - $dir/data
commitlog_directory: $dir/commitlog
cdc_enabled: false
cdc_raw_directory: $dir/cdc_raw
saved_caches_directory: $dir/saved_caches
disk_failure_policy: stop
commit_failure_policy: stop
commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_segment_size: 32MiB
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:7000"
concurrent_reads: 32
concurrent_writes: 32
concurrent_counter_writes: 32
concurrent_materialized_view_writes: 32
storage_port: 7000
listen_address: 127.0.0.$1
start_native_transport: true
native_transport_port: 9042
rpc_address: 127.0.0.$1
rpc_keepalive: true
endpoint_snitch: SimpleSnitch
internode_compression: dc
storage_compatibility_mode: CASSANDRA_4
EOF
  # conf/logback.xml's appenders: system.log at INFO, debug.log (async) at DEBUG for org.apache.cassandra.
  cat >"$dir/conf/logback.xml" <<EOF
<configuration scan="false">
  <appender name="SYSTEMLOG" class="ch.qos.logback.core.FileAppender">
    <filter class="ch.qos.logback.classic.filter.ThresholdFilter"><level>INFO</level></filter>
    <file>$dir/logs/system.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <appender name="DEBUGLOG" class="ch.qos.logback.core.FileAppender">
    <file>$dir/logs/debug.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <appender name="ASYNCDEBUGLOG" class="ch.qos.logback.classic.AsyncAppender">
    <queueSize>1024</queueSize>
    <discardingThreshold>0</discardingThreshold>
    <includeCallerData>true</includeCallerData>
    <appender-ref ref="DEBUGLOG" />
  </appender>
  <root level="INFO">
    <appender-ref ref="SYSTEMLOG" />
    <appender-ref ref="ASYNCDEBUGLOG" />
  </root>
  <logger name="org.apache.cassandra" level="DEBUG"/>
</configuration>
EOF
}

# $OUT/nodetool: Cassandra's nodetool with the JDK and module options it needs, for the script and for
# a look at a kept cluster ($OUT/nodetool -p 7199 status; 7299 and 7399 are nodes 2 and 3).
{
  printf '#!/usr/bin/env bash\n# nodetool for the cluster of scripts/bench-cassandra.sh (JMX ports 7199, 7299, 7399)\n'
  printf 'exec %q' "$JAVA"
  printf ' %q' "${JPMS[@]}" -cp "$CLASSPATH_ALL" "-Dlogback.configurationFile=$CLIENT_LOGBACK" \
    org.apache.cassandra.tools.NodeTool -h 127.0.0.1
  printf ' "$@"\n'
} >"$OUT/nodetool"
chmod +x "$OUT/nodetool"

nodetool() { # nodetool I ARGS...: nodetool against node I's local JMX port
  local i=$1
  shift
  "$OUT/nodetool" -p "$((7199 + 100 * (i - 1)))" "$@" 2>/dev/null
}

start_node() { # start_node I: start node I and wait (5 minutes at most) until I nodes are UN
  local i=$1 dir="$CLUSTER/node-$1" options waited
  write_config "$i"
  mapfile -t options < <(server_options "$i")
  MALLOC_ARENA_MAX=4 nohup "$JAVA" "${options[@]}" -cp "$CLASSPATH_ALL" org.apache.cassandra.service.CassandraDaemon \
    >"$dir/logs/stdout.log" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$dir/pid"
  for waited in $(seq 1 300); do
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      say "node $i exited while starting: see $dir/logs/system.log and stdout.log"
      return 1
    fi
    if (exec 3<>"/dev/tcp/127.0.0.$i/9042") 2>/dev/null &&
      [ "$(nodetool "$i" status | grep -c '^UN ')" -ge "$i" ]; then
      say "node $i (127.0.0.$i) up after ${waited}s: $i node(s) UN"
      return 0
    fi
    sleep 1
  done
  say "node $i did not come up in 300 s: see $dir/logs/system.log"
  return 1
}

if [ "$KEEP" = 1 ]; then
  trap 'say "the cluster keeps running (CQL on 127.0.0.1-3:9042; $OUT/nodetool -p 7199 status); scripts/kvorum bench-cassandra --stop stops it"' EXIT
else
  trap 'stop_cluster' EXIT
fi
trap 'exit 130' INT TERM

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "a fresh $NODES-node Cassandra $CASSANDRA_VERSION cluster (Java $("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.version =/ { print $2 }')) under $CLUSTER"
for i in $(seq 1 "$NODES"); do
  start_node "$i" || exit 1
done
nodetool 1 status >"$OUT/status-before.txt"
setup() { # setup ARGS...: the CQL set-up helper (wait for the nodes, create the schema)
  "$JAVA" -cp "$CLASSPATH_ALL" "-Dlogback.configurationFile=$CLIENT_LOGBACK" io.kvorum.bench.cassandra.CassandraSetup "$@" >>"$OUT/setup.log" 2>&1
}
if ! setup up "$HOSTS" "$NODES" 120 || ! setup schema "$HOSTS"; then
  say "the schema could not be created: see $OUT/setup.log"
  exit 1
fi

ycsb() { # ycsb NAME -load|-t WORKLOAD THREADS [-p ...]: one YCSB client run, its output in NAME.txt
  local name=$1 mode=$2 workload=$3 threads=$4
  shift 4
  "$JAVA" -cp "$CLASSPATH_ALL" "-Dlogback.configurationFile=$CLIENT_LOGBACK" site.ycsb.Client "$mode" \
    -db io.kvorum.bench.cassandra.CassandraYcsbClient \
    -P "$ROOT/bench/src/main/resources/workloads/workload$workload" -p hosts="$HOSTS" \
    -p cassandra.readconsistencylevel=QUORUM -p cassandra.writeconsistencylevel=QUORUM \
    -p recordcount="$RECORDS" -threads "$threads" -p hdrhistogram.percentiles=50,99,99.9 -s "$@" \
    >"$OUT/$name.txt" 2>"$OUT/$name.log" || say "$name failed (see $OUT/$name.log)"
  if grep -q 'failed:' "$OUT/$name.log" 2>/dev/null; then
    say "$name: some operations failed (see $OUT/$name.log)"
  fi
}



cpu() { # cpu NAME: the nodes' CPU ticks so far, in cpu-NAME
  local pids
  pids=$(for i in 1 2 3; do node_pid "$i"; done)
  # shellcheck disable=SC2086 # one pid per word
  kv_cpu_ticks $pids >"$OUT/cpu-$1"
}


say "load: $RECORDS records, 16 threads"
cpu before-load
ycsb load -load a 16
cpu after-load

declare -a ROWS=()
for threads in $THREADS; do
  for workload in $WORKLOADS; do
    for pass in $(seq 1 "$PASSES"); do
      say "workload $workload, $threads threads, pass $pass of $PASSES: $OPERATIONS operations"
      if [ "$pass" = "$PASSES" ]; then
        cpu "before-$workload-t$threads"
      fi
      ycsb "$workload-t$threads-pass$pass" -t "$workload" "$threads" -p operationcount="$OPERATIONS"
    done
    cpu "after-$workload-t$threads"
    ROWS+=("$workload-t$threads")
  done
done
nodetool 1 status >"$OUT/status-after.txt"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

report() {
  local file row threads workload errors
  printf '== bench-cassandra: Cassandra %s, %s records, %s operations per pass, passes %s, the last reported; %s\n' \
    "$CASSANDRA_VERSION" "$RECORDS" "$OPERATIONS" "$PASSES" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  printf 'machine load average (1, 5, 15 min) before the cluster started: %s; after the runs: %s\n' "$LOAD_BEFORE" "$LOAD_AFTER"
  printf '| phase | threads | ops/s | p99 read ms | p99 write ms | p99.9 read ms | p99.9 write ms | max ms | node CPU µs per op | failed ops |\n'
  printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
  file="$OUT/load.txt"
  printf '| load (insert) | 16 | %s | | %s | | %s | %s | %s | %s |\n' "$(kv_ycsb_figure "$file" OVERALL 'Throughput(ops/sec)' | cut -d. -f1)" \
    "$(kv_ms "$(kv_ycsb_figure "$file" INSERT '99thPercentileLatency(us)')")" "$(kv_ms "$(kv_ycsb_figure "$file" INSERT '99.9PercentileLatency(us)')")" "$(kv_ms "$(kv_ycsb_figure "$file" INSERT 'MaxLatency(us)')")" \
    "$(kv_cpu_per_op "$OUT" load "$RECORDS")" "$(($(kv_ycsb_figure "$file" INSERT-FAILED Operations) + 0))"
  for row in "${ROWS[@]}"; do
    workload=${row%%-*}
    threads=${row#*-t}
    file="$OUT/$row-pass$PASSES.txt"
    local read_max update_max max
    read_max=$(kv_ycsb_figure "$file" READ 'MaxLatency(us)')
    update_max=$(kv_ycsb_figure "$file" UPDATE 'MaxLatency(us)')
    max=$(printf '%s\n%s\n' "${read_max:-0}" "${update_max:-0}" | sort -n | tail -n 1)
    errors=$(($(kv_ycsb_figure "$file" READ-FAILED Operations) + $(kv_ycsb_figure "$file" UPDATE-FAILED Operations) + 0))
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(printf '%s' "$workload" | tr '[:lower:]' '[:upper:]')" "$threads" \
      "$(kv_ycsb_figure "$file" OVERALL 'Throughput(ops/sec)' | cut -d. -f1)" \
      "$(kv_ms "$(kv_ycsb_figure "$file" READ '99thPercentileLatency(us)')")" \
      "$(kv_ms "$(kv_ycsb_figure "$file" UPDATE '99thPercentileLatency(us)')")" \
      "$(kv_ms "$(kv_ycsb_figure "$file" READ '99.9PercentileLatency(us)')")" "$(kv_ms "$(kv_ycsb_figure "$file" UPDATE '99.9PercentileLatency(us)')")" \
      "$(kv_ms "$max")" "$(kv_cpu_per_op "$OUT" "$row" "$OPERATIONS")" "$errors"
  done
  printf '\nper node after the runs (RSS now / peak; heap used / committed from jcmd GC.heap_info):\n'
  printf '| node | RSS MiB | peak RSS MiB | heap used MiB | heap committed MiB | data on disk (nodetool Load) |\n'
  printf '| --- | --- | --- | --- | --- | --- |\n'
  local i pid rss hwm heap load
  for i in $(seq 1 "$NODES"); do
    pid=$(node_pid "$i")
    rss=$(awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null)
    hwm=$(awk '/^VmHWM:/ { printf "%d", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null)
    heap=$(kv_heap_mib "$JCMD" "$pid")
    load=$(awk -v a="127.0.0.$i" '$2 == a { print $3, $4 }' "$OUT/status-after.txt" 2>/dev/null)
    printf '| node-%s | %s | %s | %s | %s |\n' "$i" "${rss:--}" "${hwm:--}" "${heap:-- | -}" "${load:--}"
  done
}
report | tee "$OUT/summary.txt"
say "done; runs and logs in $OUT"
