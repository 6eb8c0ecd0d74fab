# Kvorum node image.
#
#   docker build --build-arg BASE_IMAGE=debian:bookworm-slim --build-arg JDK_IMAGE=eclipse-temurin:21-jdk -t kvorum .
#
# The jars come from the build context: build them first (`./scripts/kvorum build`, or
# `mvn -DskipTests package`), which leaves node/target/kvorum-node.jar and node/target/lib/.
# Two images are needed, both build arguments:
#   BASE_IMAGE  the runtime base: any glibc Linux with bash (default: Debian's public slim image);
#   JDK_IMAGE   a JDK >= 21 whose jlink makes the small Java runtime the node runs on
#               (default: Eclipse Temurin 21). jlink must live at $JAVA_HOME/bin/jlink or on PATH.
# Without a registry, scripts/kvorum compose builds both locally (debootstrap + the host's JDK).
#
# Works with the classic builder (DOCKER_BUILDKIT=0) as well as with BuildKit.

ARG BASE_IMAGE=debian:bookworm-slim
ARG JDK_IMAGE=eclipse-temurin:21-jdk

# --- a minimal Java runtime, made by jlink (modules from `jdeps --print-module-deps` on the node's jars)
FROM ${JDK_IMAGE} AS jre
RUN set -eu; \
    jlink="${JAVA_HOME:+$JAVA_HOME/bin/}jlink"; \
    "$jlink" --add-modules java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.sql,java.xml,jdk.jfr,jdk.management,jdk.net,jdk.unsupported,jdk.zipfs \
        --strip-java-debug-attributes --no-header-files --no-man-pages --compress=zip-6 --output /opt/kvorum-jre

# --- the node
FROM ${BASE_IMAGE}

LABEL org.opencontainers.image.title="Kvorum" \
      org.opencontainers.image.description="Kvorum: a Dynamo-style leaderless key-value store (one node per container)"

# A fixed, non-root uid/gid (written directly: the base image need not have useradd). The data
# directory is created and owned here, before VOLUME, so that a fresh named volume inherits it.
RUN set -eu; \
    grep -q '^kvorum:' /etc/group  || echo 'kvorum:x:10001:' >> /etc/group; \
    grep -q '^kvorum:' /etc/passwd || echo 'kvorum:x:10001:10001:Kvorum node:/var/lib/kvorum:/usr/sbin/nologin' >> /etc/passwd; \
    mkdir -p /var/lib/kvorum /opt/kvorum; \
    chown 10001:10001 /var/lib/kvorum; \
    chmod 0750 /var/lib/kvorum

COPY --from=jre /opt/kvorum-jre /opt/kvorum/jre
COPY node/target/lib/ /opt/kvorum/lib/
COPY node/target/kvorum-node.jar /opt/kvorum/kvorum-node.jar

# Configuration comes from KVORUM_* variables (every setting has one: KVORUM_ + the key in upper
# case with . and - as _). Listen on every interface; a cluster advertises each node by name or
# address in KVORUM_CLUSTER_MEMBERS (id@internodeHost:port/httpHost:port,...), which must be the
# same list, in the same order, on every node. JDK_JAVA_OPTIONS takes JVM options: the heap is
# 512 MiB with G1 by default, as scripts/kvorum starts nodes (setting it replaces all three, e.g.
# -Xmx1g -XX:MaxNewSize=320m -XX:+UseG1GC for more); the read cache takes 40% of the heap unless
# KVORUM_STORAGE_CACHE_SIZE says otherwise (README: memory budget).
ENV KVORUM_HTTP_HOST=0.0.0.0 \
    KVORUM_HTTP_PORT=8081 \
    KVORUM_INTERNODE_HOST=0.0.0.0 \
    KVORUM_INTERNODE_PORT=9081 \
    KVORUM_NODE_DATA_DIR=/var/lib/kvorum \
    JDK_JAVA_OPTIONS="-Xmx512m -XX:MaxNewSize=160m -XX:+UseG1GC" \
    JAVA_HOME=/opt/kvorum/jre \
    PATH=/opt/kvorum/jre/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# The data, the node's log (node.log) and its ring tokens; `docker logs` shows warnings and errors.
VOLUME ["/var/lib/kvorum"]
WORKDIR /var/lib/kvorum
USER 10001:10001
EXPOSE 8081 9081

# /health over bash's /dev/tcp (the base image needs no curl).
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${KVORUM_HTTP_PORT:-8081} && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && IFS= read -r -t 2 status <&3 && [[ $status == *' 200 '* ]]"]

# Exec form: java is PID 1 and gets docker stop's SIGTERM itself; the node's shutdown hook stops it
# cleanly (in-flight requests finish within node.shutdown-timeout, 10 s by default; docker stop
# waits 10 s before SIGKILL, so compose gives the nodes stop_grace_period: 20s).
STOPSIGNAL SIGTERM
# A node that runs out of memory exits at once (and compose's restart policy starts it again).
ENTRYPOINT ["/opt/kvorum/jre/bin/java", "-XX:+ExitOnOutOfMemoryError", "-Dkvorum.log.dir=/var/lib/kvorum", "-cp", "/opt/kvorum/kvorum-node.jar:/opt/kvorum/lib/*", "io.kvorum.node.runtime.Main"]
CMD []
