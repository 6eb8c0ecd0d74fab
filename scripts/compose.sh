#!/usr/bin/env bash
# compose.sh: the Docker Compose cluster (docker-compose.yml) on a machine that may have no running
# Docker engine and no registry. Called as `scripts/kvorum compose <verb>`; see usage() below.
#
# What it does for you (see ../shared/docs/containers.md for why):
#  - installs docker.io, docker-compose, debootstrap and iptables from Debian packages when they are
#    missing and it runs as root (otherwise it says exactly what is missing);
#  - uses the engine DOCKER_HOST (or /var/run/docker.sock) names when one answers; else starts its
#    own dockerd with its data-root, exec-root, pidfile and socket under $KVORUM_DATA/compose/engine,
#    and stops it again on `down` (its iptables chains and bridges removed);
#  - without a registry, makes the two images the Dockerfile needs locally: a Debian base made by
#    debootstrap (localhost/debian-base:bookworm) and a JDK image from the host's JDK for jlink;
#  - builds the node's jars when they are missing or stale, builds the image, starts the cluster and
#    waits until every container is healthy and every node sees every member up.
set -euo pipefail

readonly PROG="kvorum compose"
ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib/checks.sh
. "$ROOT/scripts/lib/checks.sh" # for kv_data_dir
DATA=$(kv_data_dir "$ROOT")
readonly STATE="$DATA/compose"
readonly ENGINE="$STATE/engine"
readonly ENGINE_SOCK="$ENGINE/docker.sock"
readonly PROJECT=${KVORUM_COMPOSE_PROJECT:-kvorum}
readonly BASE_IMAGE_LOCAL=localhost/debian-base:bookworm
readonly HOST=127.0.0.1
readonly NODE_JAR="$ROOT/node/target/kvorum-node.jar"

export COMPOSE_DOCKER_CLI_BUILD=0 DOCKER_BUILDKIT=0 COMPOSE_PROJECT_NAME="$PROJECT"

die() { printf '%s: %s\n' "$PROG" "$*" >&2; exit 1; }
warn() { printf '%s: %s\n' "$PROG" "$*" >&2; }
info() { printf '%s\n' "$*"; }
# Exit status 77: this machine cannot run containers at all (compose-test and .ci/run read it as "skip").
cannot() { printf '%s: %s\n' "$PROG" "$*" >&2; exit 77; }

usage() {
  cat <<EOF
Usage: scripts/kvorum compose <verb> [arguments]

  up [--nodes 3|5] [--monitoring]
                     start the cluster (node-i on http://$HOST:808i): install what is missing, start
                     an engine if none runs, build the images, wait until all are healthy;
                     --monitoring adds the compose profile 'monitoring' (Prometheus on
                     http://$HOST:9090 with Kvorum's alert rules) and waits until it scrapes every node
  down [--volumes]   stop and remove the containers (and, with --volumes, their data); stop the
                     engine if this script started it
  status             containers, their health, and each node's view of the members
  partition <node>   cut the node off from its peers (iptables in its network namespace; clients on
                     $HOST still reach it)
  heal [<node>]      undo partitions (of every node by default)
  pause <node>       freeze the container (docker pause); resume <node> unfreezes it
  kill <node>        SIGKILL the container (it stays down: restart policy unless-stopped)
  start <node>       start a stopped or killed container and wait until it is healthy
  logs <node>        follow the node's log (node.log in its volume)
  engine-stop        stop the engine this script started (and remove its iptables chains)

Environment: KVORUM_DATA (state under \$KVORUM_DATA/compose, default ./data), DOCKER_HOST (an engine
to use instead), KVORUM_BASE_IMAGE / KVORUM_JDK_IMAGE (build arguments; default here: the local
debootstrap and host-JDK images), KVORUM_UP_TIMEOUT (seconds, default 180), KVORUM_NO_BUILD=1 (use
the jars that are there), KVORUM_MAVEN_ARGS (extra Maven arguments, e.g. -o).
EOF
}

# ---------------------------------------------------------------------------------------------------
# Tools

COMPOSE=()

missing_packages() { # prints the Debian packages whose commands are missing
  local need=""
  command -v docker >/dev/null 2>&1 || need="$need docker.io"
  command -v dockerd >/dev/null 2>&1 || case $need in *docker.io*) ;; *) need="$need docker.io" ;; esac
  if ! command -v docker-compose >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; then
    need="$need docker-compose"
  fi
  command -v iptables >/dev/null 2>&1 || need="$need iptables"
  command -v nsenter >/dev/null 2>&1 || need="$need util-linux"
  command -v curl >/dev/null 2>&1 || need="$need curl"
  if [ "${1:-}" = with-debootstrap ]; then
    command -v debootstrap >/dev/null 2>&1 || need="$need debootstrap"
  fi
  printf '%s\n' "${need# }"
}

install_packages() { # packages...
  [ "$#" -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    cannot "missing: $* (commands: docker, dockerd, docker-compose, iptables, nsenter, curl, debootstrap).
Install them as root, e.g.: apt-get install -y $*"
  fi
  info "installing Debian packages: $* ..."
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >"$STATE/apt.log" 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$STATE/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >>"$STATE/apt.log" 2>&1 ||
      cannot "apt-get install $* failed (see $STATE/apt.log)"
  fi
}

ensure_tools() { # [with-debootstrap]
  local need
  mkdir -p "$STATE"
  need=$(missing_packages "${1:-}")
  # shellcheck disable=SC2086 # package names are plain words
  [ -z "$need" ] || install_packages $need
  if command -v docker-compose >/dev/null 2>&1; then
    COMPOSE=(docker-compose)
  else
    COMPOSE=(docker compose)
  fi
}

# The cluster secret (issue 14) of the Compose cluster: 64 random bytes in $STATE/cluster.secret,
# made once and kept with the cluster's state. Compose mounts it into every node as the secret
# cluster-secret (/run/secrets/cluster-secret); a bind mount keeps the file's owner and mode, so it
# belongs to the image's user (uid 10001) and only it may read it (a node refuses a secret others can read).
readonly NODE_UID=10001
compose_secret() {
  local file="$STATE/cluster.secret"
  mkdir -p "$STATE"
  if [ ! -s "$file" ]; then
    (umask 077 && head -c 64 /dev/urandom >"$file.tmp" && mv "$file.tmp" "$file") || die "cannot write the cluster secret $file"
    info "made a new cluster secret in $file"
  fi
  chmod 600 "$file"
  if [ "$(stat -c %u "$file")" != "$NODE_UID" ]; then
    chown "$NODE_UID:$NODE_UID" "$file" 2>/dev/null ||
      die "cannot give $file to uid $NODE_UID (the nodes' user in the image); run as root, or chown it yourself"
  fi
}

compose() { # compose arguments, with the right files (and the monitoring profile when it is on)
  local files=(-f "$ROOT/docker-compose.yml")
  export KVORUM_SECRET_FILE=${KVORUM_SECRET_FILE:-$STATE/cluster.secret}
  [ "$(node_count)" -le 3 ] || files+=(-f "$ROOT/docker-compose.5.yml")
  ! monitoring_on || files+=(--profile monitoring)
  "${COMPOSE[@]}" -p "$PROJECT" --project-directory "$ROOT" "${files[@]}" "$@"
}

# Whether the last `up` asked for --monitoring (down always includes it, to remove its container).
monitoring_on() {
  [ "${FORCE_MONITORING:-0}" = 1 ] || { [ -f "$STATE/monitoring" ] && [ "$(cat "$STATE/monitoring")" = 1 ]; }
}

node_count() {
  if [ -f "$STATE/nodes" ]; then cat "$STATE/nodes"; else echo 3; fi
}

# ---------------------------------------------------------------------------------------------------
# The engine

engine_answers() { timeout 10 docker version >/dev/null 2>&1; }

engine_is_ours() { [ -f "$ENGINE/dockerd.pid" ] && kill -0 "$(cat "$ENGINE/dockerd.pid")" 2>/dev/null; }

# Uses a running engine when there is one; otherwise starts ours. Sets DOCKER_HOST.
ensure_engine() {
  if [ -n "${DOCKER_HOST:-}" ]; then
    engine_answers || die "DOCKER_HOST=$DOCKER_HOST does not answer (unset it to let this script start an engine)"
    return 0
  fi
  if engine_is_ours; then
    export DOCKER_HOST="unix://$ENGINE_SOCK"
    engine_answers && return 0
  fi
  if [ -S /var/run/docker.sock ] && DOCKER_HOST=unix:///var/run/docker.sock engine_answers; then
    export DOCKER_HOST=unix:///var/run/docker.sock
    return 0
  fi
  start_engine
}

start_engine() {
  [ "$(id -u)" = 0 ] || cannot "no Docker engine answers and only root can start one (run as root, or start dockerd and set DOCKER_HOST)"
  mkdir -p "$ENGINE/root" "$ENGINE/exec"
  rm -f "$ENGINE_SOCK"
  info "starting dockerd (data-root $ENGINE/root, socket $ENGINE_SOCK, log $ENGINE/dockerd.log) ..."
  # No default docker0 bridge, no IP forwarding or masquerading: the cluster's own bridge network is
  # all it needs, and the host's forwarding setting is left alone.
  setsid dockerd --data-root "$ENGINE/root" --exec-root "$ENGINE/exec" --pidfile "$ENGINE/dockerd.pid" \
    -H "unix://$ENGINE_SOCK" --bridge=none --ip-forward=false --ip-masq=false \
    >"$ENGINE/dockerd.log" 2>&1 </dev/null &
  local pid=$! deadline=$((SECONDS + 60))
  export DOCKER_HOST="unix://$ENGINE_SOCK"
  until engine_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 15 "$ENGINE/dockerd.log" >&2 || true
      cannot "dockerd exited at start-up (log above: $ENGINE/dockerd.log)"
    fi
    [ "$SECONDS" -lt "$deadline" ] || cannot "dockerd does not answer after 60 s (see $ENGINE/dockerd.log)"
    sleep 0.3
  done
  info "dockerd is up (pid $pid)"
}

# Deletes every iptables rule that jumps to or names a DOCKER chain, then the chains themselves.
clean_docker_iptables() {
  command -v iptables-save >/dev/null 2>&1 || return 0
  local table rule chain
  for table in filter nat; do
    iptables-save -t "$table" 2>/dev/null | grep -E '^-A ' | grep -E 'DOCKER|br-[0-9a-f]{12}' |
      grep -vE '^-A DOCKER' | while IFS= read -r rule; do
        # shellcheck disable=SC2086 # the rule is iptables-save's own quoting-free text
        eval "iptables -t $table -D ${rule#-A }" 2>/dev/null || true
      done
    for chain in $(iptables-save -t "$table" 2>/dev/null | sed -n 's/^:\(DOCKER[A-Z0-9_-]*\) .*/\1/p'); do
      iptables -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $(iptables-save -t "$table" 2>/dev/null | sed -n 's/^:\(DOCKER[A-Z0-9_-]*\) .*/\1/p'); do
      iptables -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
}

stop_engine() {
  engine_is_ours || return 0
  local pid deadline
  pid=$(cat "$ENGINE/dockerd.pid")
  info "stopping dockerd (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      warn "dockerd did not stop in 30 s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.3
  done
  rm -f "$ENGINE/dockerd.pid" "$ENGINE_SOCK"
  clean_docker_iptables
  local link
  for link in docker0 $(ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: \(br-[0-9a-f]\{12\}\)[:@].*/\1/p'); do
    ip link show "$link" >/dev/null 2>&1 && ip link delete "$link" 2>/dev/null || true
  done
  # Mounts a killed engine may leave behind.
  grep -F " $ENGINE/" /proc/mounts 2>/dev/null | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done || true

  info "dockerd stopped; its iptables chains and bridges are removed"
}

# ---------------------------------------------------------------------------------------------------
# Images

apt_mirror() { # the Debian mirror of this machine's own apt sources
  local url
  url=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n 1) || true
  if [ -z "$url" ]; then
    url=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v security |
      sed -E 's/^deb (\[[^]]*\] )?([^ ]+).*/\2/' | head -n 1) || true
  fi
  [ -n "$url" ] || die "no Debian mirror in /etc/apt/sources.list(.d); set KVORUM_BASE_IMAGE to an image you have"
  printf '%s\n' "$url"
}

ensure_base_image() {
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return 0
  [ "$BASE_IMAGE" = "$BASE_IMAGE_LOCAL" ] || die "base image $BASE_IMAGE is not available (no registry here); unset KVORUM_BASE_IMAGE to build $BASE_IMAGE_LOCAL"
  command -v debootstrap >/dev/null 2>&1 || install_packages debootstrap
  local rootfs="$STATE/rootfs" mirror
  mirror=$(apt_mirror)
  rm -rf "$rootfs"
  info "making $BASE_IMAGE_LOCAL: debootstrap --variant=minbase bookworm from $mirror (about 30 s) ..."
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$STATE/debootstrap.log" 2>&1 ||
    die "debootstrap failed (see $STATE/debootstrap.log)"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - "$BASE_IMAGE_LOCAL" >/dev/null
  rm -rf "$rootfs"
}

# A JDK image for the Dockerfile's jlink stage: the base image plus the host's JDK at /opt/jdk.
ensure_jdk_image() {
  docker image inspect "$JDK_IMAGE" >/dev/null 2>&1 && return 0
  case $JDK_IMAGE in
    localhost/kvorum-jdk:*) ;;
    *) die "JDK image $JDK_IMAGE is not available (no registry here); unset KVORUM_JDK_IMAGE to build one from the host's JDK" ;;
  esac
  local container
  info "making $JDK_IMAGE from $JAVA_HOME ..."
  container=$(docker create "$BASE_IMAGE" true)
  # -h: a packaged JDK links some files elsewhere (lib/security/cacerts -> /etc/ssl/...).
  tar -C "$JAVA_HOME" -ch --transform 's,^\.,jdk,' . | docker cp - "$container:/opt" >/dev/null
  docker commit --change 'ENV JAVA_HOME=/opt/jdk' \
    --change 'ENV PATH=/opt/jdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$container" "$JDK_IMAGE" >/dev/null
  docker rm "$container" >/dev/null
}

find_jdk() {
  JAVA_HOME=$(kv_java_home "$ROOT") || die "no JDK >= 21 found (scripts/kvorum jdk)"
  export JAVA_HOME
  JDK_MAJOR=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" 2>/dev/null || true)
}

jars_are_stale() {
  [ -f "$NODE_JAR" ] && [ -d "$ROOT/node/target/lib" ] || return 0
  [ -n "$(find "$ROOT"/pom.xml "$ROOT"/{config,ring,storage,gossip,http-api,node}/pom.xml \
    "$ROOT"/{config,ring,storage,gossip,http-api,node}/src/main -newer "$NODE_JAR" -print 2>/dev/null | head -n 1)" ]
}

build_jars() {
  if [ "${KVORUM_NO_BUILD:-0}" = 1 ]; then
    [ -f "$NODE_JAR" ] || die "$NODE_JAR is missing and KVORUM_NO_BUILD=1 forbids building it"
    return 0
  fi
  jars_are_stale || return 0
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to build the node's jars"
  info "building the node's jars (mvn -pl node -am package) ..."
  local opts=${MAVEN_OPTS:-}
  [ "${JDK_MAJOR:-0}" -lt 24 ] || opts="$opts --sun-misc-unsafe-memory-access=allow"
  # -DskipTests, not -Dmaven.test.skip: the node module needs its siblings' test jars resolved, and a
  # fresh clone (no target/test-classes from an earlier build) has them only if they are packaged.
  # shellcheck disable=SC2086 # KVORUM_MAVEN_ARGS holds several arguments
  (cd "$ROOT" && MAVEN_OPTS="$opts" mvn -q -B -Dstyle.color=never ${KVORUM_MAVEN_ARGS:-} -pl node -am package -DskipTests) ||
    die "the build failed (Maven's output is above)"
}

build_image() {
  find_jdk
  BASE_IMAGE=${KVORUM_BASE_IMAGE:-$BASE_IMAGE_LOCAL}
  JDK_IMAGE=${KVORUM_JDK_IMAGE:-localhost/kvorum-jdk:${JDK_MAJOR:-local}}
  export KVORUM_BASE_IMAGE="$BASE_IMAGE" KVORUM_JDK_IMAGE="$JDK_IMAGE"
  build_jars
  ensure_base_image
  ensure_jdk_image
  info "building the image (base $BASE_IMAGE, jlink from $JDK_IMAGE) ..."
  compose build --force-rm node-1 >"$STATE/build.log" 2>&1 || { tail -n 30 "$STATE/build.log" >&2; die "docker build failed (see $STATE/build.log)"; }
  if monitoring_on; then
    info "building the Prometheus image (Debian's prometheus package on $BASE_IMAGE) ..."
    compose build --force-rm prometheus >"$STATE/build-prometheus.log" 2>&1 ||
      { tail -n 30 "$STATE/build-prometheus.log" >&2; die "docker build of prometheus failed (see $STATE/build-prometheus.log)"; }
  fi
  # The jlink stage's leftovers (about 500 MB), only in an engine of our own.
  if engine_is_ours; then docker image prune -f >/dev/null 2>&1 || true; fi
}

# ---------------------------------------------------------------------------------------------------
# Nodes

resolve() { # "2" or "node-2" -> node-2
  local id=${1:-}
  [ -n "$id" ] || die "name a node, e.g. node-1"
  case $id in [0-9]*) id="node-$id" ;; esac
  [[ "$id" =~ ^node-[1-9]$ ]] && [ "${id#node-}" -le "$(node_count)" ] || die "no node '$1' (nodes: node-1..node-$(node_count))"
  printf '%s\n' "$id"
}

container_of() { compose ps -q "$1" 2>/dev/null | head -n 1; }

container_pid() { # node -> pid of its init (java) on the host, or fails
  local c pid
  c=$(container_of "$1")
  [ -n "$c" ] || die "$1 has no container (is the cluster up?)"
  pid=$(docker inspect -f '{{.State.Pid}}' "$c")
  [ "$pid" != 0 ] || die "$1 is not running"
  printf '%s\n' "$pid"
}

network_name() { printf '%s_kvorum\n' "$PROJECT"; }

http_port() { printf '%s\n' "$((8080 + ${1#node-}))"; }

curl_json() { curl -s --max-time "${2:-2}" "$1" 2>/dev/null || true; }

statuses_seen_by() { # node -> "node-1=up node-2=down ..." as that node sees them
  curl_json "http://$HOST:$(http_port "$1")/cluster/members" |
    grep -o '"id":"[^"]*"[^}]*"status":"[a-z]*"' |
    sed 's/"id":"\([^"]*\)".*"status":"\([a-z]*\)"/\1=\2/' | tr '\n' ' ' || true
}

health_of_container() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1" 2>/dev/null || echo gone; }

# Waits until the named nodes' containers are healthy and each of them sees all its peers up.
wait_healthy() { # nodes...
  local timeout=${KVORUM_UP_TIMEOUT:-180} deadline node c waiting count view
  deadline=$((SECONDS + timeout))
  count=$(node_count)
  while :; do
    waiting=""
    for node in "$@"; do
      c=$(container_of "$node")
      if [ -z "$c" ]; then waiting="$node has no container"; break; fi
      case $(health_of_container "$c") in
        healthy) ;;
        exited | dead) docker logs --tail 20 "$c" >&2 || true; die "$node exited (its output is above)" ;;
        *) waiting="$node is $(health_of_container "$c")"; break ;;
      esac
      view=$(statuses_seen_by "$node")
      if [ "$(printf '%s' "$view" | grep -o '=up' | wc -l)" -ne "$count" ]; then
        waiting="$node sees: ${view:-nothing}"
        break
      fi
    done
    [ -z "$waiting" ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || die "not healthy after ${timeout}s: $waiting ('$PROG status' shows more)"
    sleep 0.5
  done
}

all_nodes() { seq -f 'node-%g' 1 "$(node_count)"; }

# Prints how many of job kvorum's targets Prometheus reports with health "up" (0 while it has none:
# grep's "no match" must not end the script under set -e, which made 'up' fail when the first poll
# came before Prometheus' first scrape).
prometheus_targets_up() {
  curl_json "http://$HOST:9090/api/v1/targets?state=active" 5 | { grep -o '"scrapePool":"kvorum"[^{}]*"health":"up"' || true; } |
    wc -l | tr -d ' '
}

# Waits until Prometheus scrapes every node successfully (its targets of job kvorum are all "up").
wait_prometheus() {
  local timeout=${KVORUM_UP_TIMEOUT:-180} deadline up
  deadline=$((SECONDS + timeout))
  while :; do
    up=$(prometheus_targets_up)
    [ "$up" = "$(node_count)" ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || die "Prometheus reports ${up:-0} of $(node_count) node targets up after ${timeout}s (http://$HOST:9090/targets)"
    sleep 1
  done
}

# ---------------------------------------------------------------------------------------------------
# Verbs

cmd_up() {
  local count=3 monitoring=0 started=$SECONDS
  while [ "$#" -gt 0 ]; do
    case $1 in
      --nodes) count=${2:-}; shift 2 || die "--nodes needs 3 or 5" ;;
      --nodes=*) count=${1#--nodes=}; shift ;;
      --monitoring) monitoring=1; shift ;;
      *) die "up: unknown argument '$1' (usage: $PROG up [--nodes 3|5] [--monitoring])" ;;
    esac
  done
  case $count in 3 | 5) ;; *) die "--nodes must be 3 or 5 (docker-compose.yml, plus docker-compose.5.yml)" ;; esac
  ensure_tools with-debootstrap
  printf '%s\n' "$count" >"$STATE/nodes"
  printf '%s\n' "$monitoring" >"$STATE/monitoring"
  ensure_engine
  build_image
  # compose() defaults KVORUM_SECRET_FILE to the cluster's own file, so an earlier call (building,
  # a 'down') may have set it already: make that file unless the caller named another one.
  if [ -z "${KVORUM_SECRET_FILE:-}" ] || [ "$KVORUM_SECRET_FILE" = "$STATE/cluster.secret" ]; then
    compose_secret
  fi
  info "starting $count node(s) ..."
  compose up -d --no-build >"$STATE/up.log" 2>&1 || { cat "$STATE/up.log" >&2; die "docker-compose up failed"; }
  # shellcheck disable=SC2046 # node ids are plain words
  wait_healthy $(all_nodes)
  if monitoring_on; then
    info "waiting until Prometheus scrapes every node ..."
    wait_prometheus
  fi
  info "Kvorum (Compose) is up in $((SECONDS - started)) s: $count nodes, every one healthy and seeing all members up"
  local node
  for node in $(all_nodes); do info "  $node  http://$HOST:$(http_port "$node")"; done
  ! monitoring_on || info "  Prometheus  http://$HOST:9090 (every node's target up; alerts: http://$HOST:9090/alerts)"
  info "Engine: DOCKER_HOST=$DOCKER_HOST; stop everything with: scripts/kvorum compose down"
}

cmd_down() {
  local volumes=()
  case ${1:-} in
    --volumes | -v) volumes=(--volumes) ;;
    '') ;;
    *) die "down: unknown argument '$1' (usage: $PROG down [--volumes])" ;;
  esac
  ensure_tools
  if [ -n "${DOCKER_HOST:-}" ] || engine_is_ours || { [ -S /var/run/docker.sock ] && DOCKER_HOST=unix:///var/run/docker.sock engine_answers; }; then
    ensure_engine
    FORCE_MONITORING=1 compose down --remove-orphans "${volumes[@]}" -t 20 >"$STATE/down.log" 2>&1 || { cat "$STATE/down.log" >&2; warn "docker-compose down failed"; }
    info "cluster removed${volumes:+ (and its volumes)}"
  else
    info "no engine runs: no cluster to remove"
  fi
  [ "${KVORUM_COMPOSE_KEEP_ENGINE:-0}" = 1 ] || stop_engine
}

cmd_status() {
  ensure_tools
  if [ -z "${DOCKER_HOST:-}" ] && ! engine_is_ours; then
    info "no engine started by this script runs ($ENGINE); start the cluster with: scripts/kvorum compose up"
    return 0
  fi
  ensure_engine
  local node c
  printf '%-7s %-13s %-10s %-22s %s\n' NODE CONTAINER STATE HTTP "MEMBERS (its view)"
  for node in $(all_nodes); do
    c=$(container_of "$node")
    if [ -z "$c" ]; then printf '%-7s %-13s %-10s\n' "$node" - absent; continue; fi
    printf '%-7s %-13s %-10s %-22s %s\n' "$node" "${c:0:12}" "$(docker inspect -f '{{if .State.Paused}}paused{{else}}{{.State.Status}}{{end}}' "$c")/$(health_of_container "$c")" \
      "http://$HOST:$(http_port "$node")" "$(partitioned "$node" && printf 'PARTITIONED ')$(statuses_seen_by "$node")"
  done
}

partitioned() { # node: true when its partition chain exists
  local pid
  pid=$(docker inspect -f '{{.State.Pid}}' "$(container_of "$1")" 2>/dev/null) || return 1
  [ "$pid" != 0 ] && nsenter -t "$pid" -n iptables -S KVORUM-IN >/dev/null 2>&1
}

cmd_partition() {
  [ "$#" -eq 1 ] || die "usage: $PROG partition <node>"
  ensure_tools
  ensure_engine
  local node pid subnet gateway
  node=$(resolve "$1")
  pid=$(container_pid "$node")
  subnet=$(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$(network_name)")
  gateway=$(docker network inspect -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' "$(network_name)")
  partitioned "$node" && { info "$node is already partitioned"; return 0; }
  # Drop everything from and to the cluster's subnet except the gateway, through which clients on
  # the host reach the node's published port: the node stays reachable to clients, not to its peers.
  nsenter -t "$pid" -n sh -e -c "
    iptables -N KVORUM-IN; iptables -A KVORUM-IN -s $gateway -j RETURN; iptables -A KVORUM-IN -s $subnet -j DROP
    iptables -N KVORUM-OUT; iptables -A KVORUM-OUT -d $gateway -j RETURN; iptables -A KVORUM-OUT -d $subnet -j DROP
    iptables -I INPUT 1 -j KVORUM-IN; iptables -I OUTPUT 1 -j KVORUM-OUT"
  info "partitioned $node: its traffic to and from $subnet (but $gateway) is dropped; '$PROG heal' undoes it"
}

heal_one() {
  local node=$1 pid c
  c=$(container_of "$node")
  [ -n "$c" ] || return 0
  pid=$(docker inspect -f '{{.State.Pid}}' "$c")
  [ "$pid" != 0 ] || return 0
  nsenter -t "$pid" -n sh -c '
    iptables -D INPUT -j KVORUM-IN 2>/dev/null; iptables -D OUTPUT -j KVORUM-OUT 2>/dev/null
    iptables -F KVORUM-IN 2>/dev/null; iptables -X KVORUM-IN 2>/dev/null
    iptables -F KVORUM-OUT 2>/dev/null; iptables -X KVORUM-OUT 2>/dev/null; true'
}

cmd_heal() {
  ensure_tools
  ensure_engine
  local node
  if [ "$#" -eq 1 ]; then
    node=$(resolve "$1")
    heal_one "$node"
    info "healed $node"
  else
    for node in $(all_nodes); do heal_one "$node"; done
    info "healed every node"
  fi
}

cmd_docker_verb() { # verb docker-command node
  local verb=$1 command=$2 node c
  shift 2
  [ "$#" -eq 1 ] || die "usage: $PROG $verb <node>"
  ensure_tools
  ensure_engine
  node=$(resolve "$1")
  c=$(container_of "$node")
  [ -n "$c" ] || die "$node has no container (is the cluster up?)"
  docker "$command" "$c" >/dev/null
  case $verb in
    start)
      local count
      count=$(node_count)
      wait_healthy "$node"
      info "started $node; it is healthy and sees all $count members up"
      ;;
    kill) info "killed $node (SIGKILL; it stays down until '$PROG start $node')" ;;
    *) info "${verb}d $node" ;;
  esac
}

cmd_logs() {
  [ "$#" -eq 1 ] || die "usage: $PROG logs <node>"
  ensure_tools
  ensure_engine
  local node
  node=$(resolve "$1")
  exec docker exec "$(container_of "$node")" tail -n 100 -F /var/lib/kvorum/node.log
}

main() {
  local verb=${1:-help}
  [ "$#" -gt 0 ] && shift
  case $verb in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    partition) cmd_partition "$@" ;;
    heal) cmd_heal "$@" ;;
    pause) cmd_docker_verb pause pause "$@" ;;
    resume) cmd_docker_verb resume unpause "$@" ;;
    kill) cmd_docker_verb kill kill "$@" ;;
    start) cmd_docker_verb start start "$@" ;;
    logs) cmd_logs "$@" ;;
    engine-stop) ensure_tools; stop_engine ;;
    help | -h | --help) usage ;;
    *) die "unknown verb '$verb'; '$PROG help' lists them" ;;
  esac
}

main "$@"
