#!/usr/bin/env bash
# A local OpenSearch cluster on 127.0.0.1 for referat's second engine (issue #23) and its tests.
#
#   contrib/opensearch-cluster.sh install          fetch OpenSearch from Maven Central (needs mvn, JDK 17)
#   contrib/opensearch-cluster.sh start [N]        start N nodes (default 2) and wait for the cluster
#   contrib/opensearch-cluster.sh stop-node I      stop node I (1..N), e.g. to test failover
#   contrib/opensearch-cluster.sh kill-node I      kill node I at once (SIGKILL: as power loss or the OOM killer)
#   contrib/opensearch-cluster.sh start-node I     start node I again
#   contrib/opensearch-cluster.sh status           cluster health as JSON (from the first node that answers)
#   contrib/opensearch-cluster.sh url              the nodes' URLs, comma-separated (REFERAT_OPENSEARCH_URL)
#   contrib/opensearch-cluster.sh stop             stop every node
#
# Node I answers HTTP on 127.0.0.1:$((OS_HTTP_PORT+I-1)) (default 9200) and talks to the others on
# $((OS_TRANSPORT_PORT+I-1)) (default 9300). Settings by environment: OS_HOME (default
# ~/.cache/referat/opensearch, as root /var/cache/referat/opensearch; a second cluster needs its own),
# OS_DIST (an unpacked distribution to use instead of installing one under OS_HOME), OS_VERSION (2.19.4),
# OS_HEAP (256m), OS_HTTP_PORT, OS_TRANSPORT_PORT, OS_CLUSTER (the cluster's name, default referat).
# OpenSearch refuses to run as root: as root, the nodes run as the system user `referat-os`, made if absent
# (then OS_HOME and its parents must be open to that user).
# `start` stops this OS_HOME's nodes first, and refuses ports another process already listens on.
# Exit codes: 0 done, 1 a step failed (the message says which), 2 usage.
set -euo pipefail

OS_VERSION=${OS_VERSION:-2.19.4}
# As root the nodes run as another user, who cannot enter root's home: then the default is under /var/cache.
if [ "$(id -u)" = 0 ]; then DEFAULT_HOME=/var/cache/referat/opensearch; else DEFAULT_HOME=${XDG_CACHE_HOME:-$HOME/.cache}/referat/opensearch; fi
OS_HOME=${OS_HOME:-$DEFAULT_HOME}
OS_HEAP=${OS_HEAP:-256m}
OS_HTTP_PORT=${OS_HTTP_PORT:-9200}
OS_TRANSPORT_PORT=${OS_TRANSPORT_PORT:-9300}
OS_CLUSTER=${OS_CLUSTER:-referat}
DIST=${OS_DIST:-$OS_HOME/opensearch-$OS_VERSION}
RUN_USER=referat-os

die() { echo "opensearch-cluster: $*" >&2; exit 1; }

java_home() {
  local java
  java=$(command -v java) || die "no java on PATH (OpenSearch $OS_VERSION needs JDK 11-21)"
  dirname "$(dirname "$(readlink -f "$java")")"
}

install() {
  [ -x "$DIST/bin/opensearch" ] && return 0
  [ -z "${OS_DIST:-}" ] || die "OS_DIST=$OS_DIST holds no OpenSearch distribution (bin/opensearch)"
  command -v unzip >/dev/null || die "unzip is needed to unpack OpenSearch"
  command -v mvn >/dev/null || die "mvn is needed to fetch OpenSearch from Maven Central"
  mvn -q dependency:get -Dtransitive=false \
    -Dartifact="org.opensearch.distribution.integ-test-zip:opensearch:$OS_VERSION:zip" \
    || die "could not fetch org.opensearch.distribution.integ-test-zip:opensearch:$OS_VERSION"
  local zip="$HOME/.m2/repository/org/opensearch/distribution/integ-test-zip/opensearch/$OS_VERSION/opensearch-$OS_VERSION.zip"
  mkdir -p "$OS_HOME"
  local tmp
  tmp=$(mktemp -d "$OS_HOME/unpack.XXXX")
  (cd "$tmp" && unzip -q "$zip") || die "could not unpack $zip"
  mv "$tmp/opensearch-$OS_VERSION" "$DIST"
  rmdir "$tmp"
}

# As root: the nodes' user, made before their folders are given to it (a fresh machine has none).
ensure_runner() {
  id "$RUN_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
}

as_runner() {
  if [ "$(id -u)" = 0 ]; then
    ensure_runner
    runuser -u "$RUN_USER" -- "$@"
  else
    "$@"
  fi
}

node_dir() { echo "$OS_HOME/node$1"; }
http_port() { echo $((OS_HTTP_PORT + $1 - 1)); }

configure_node() {
  local i=$1 n=$2 dir seeds="" masters="" j
  dir=$(node_dir "$i")
  for j in $(seq 1 "$n"); do
    seeds+="${seeds:+, }\"127.0.0.1:$((OS_TRANSPORT_PORT + j - 1))\""
    masters+="${masters:+, }\"n$j\""
  done
  mkdir -p "$dir/config" "$dir/data" "$dir/logs"
  cp -r "$DIST/config/." "$dir/config/"
  # The JVM's GC log, error file and heap dumps are relative to the distribution's folder: each node's own.
  sed -i -e "s#file=logs/#file=$dir/logs/#" -e "s#ErrorFile=logs/#ErrorFile=$dir/logs/#" \
    -e "s#HeapDumpPath=data#HeapDumpPath=$dir/data#" "$dir/config/jvm.options"
  cat > "$dir/config/opensearch.yml" <<EOF
cluster.name: $OS_CLUSTER
node.name: n$i
network.host: 127.0.0.1
http.port: $(http_port "$i")
transport.port: $((OS_TRANSPORT_PORT + i - 1))
path.data: $dir/data
path.logs: $dir/logs
discovery.seed_hosts: [$seeds]
cluster.initial_cluster_manager_nodes: [$masters]
cluster.routing.allocation.disk.threshold_enabled: false
# A long question with compound expansion over every text field makes thousands of term clauses (referat's README).
indices.query.bool.max_clause_count: 16384
# A search's shard context waits for its fetch; a coordinating node that dies first leaves it open for the
# default keep-alive (5m), holding its shard copy: when the dead node was the cluster manager and comes back,
# the node keeping the context cannot reopen that copy ("lock already held for [closing shard]") until it is
# freed. Contexts no request renews are freed within 75 s instead.
search.default_keep_alive: 1m
search.keep_alive_interval: 15s
EOF
  if [ "$(id -u)" = 0 ]; then ensure_runner && chown -R "$RUN_USER" "$dir"; fi
  return 0
}

start_node() {
  local i=$1 dir jh
  dir=$(node_dir "$i")
  [ -f "$dir/config/opensearch.yml" ] || die "node $i is not configured: run 'start N' first"
  jh=$(java_home)
  as_runner env OPENSEARCH_JAVA_HOME="$jh" OPENSEARCH_PATH_CONF="$dir/config" \
    OPENSEARCH_JAVA_OPTS="-Xms$OS_HEAP -Xmx$OS_HEAP" \
    "$DIST/bin/opensearch" -d -p "$dir/pid" </dev/null >"$dir/logs/start.out" 2>&1 \
    || die "node $i did not start (see $dir/logs)"
}

stop_node() {  # I [signal]: TERM, and KILL after 20 s; KILL at once when asked
  local pidfile pid
  pidfile="$(node_dir "$1")/pid"
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  kill -"${2:-TERM}" "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_ports_free() {
  local n=$1 i
  for i in $(seq 1 "$n"); do
    for port in "$(http_port "$i")" $((OS_TRANSPORT_PORT + i - 1)); do
      listening "$port" && die "port $port is in use by another process (another cluster? set OS_HTTP_PORT, OS_TRANSPORT_PORT)"
    done
  done
  return 0
}

urls() {
  local n=0 d out=""
  for d in "$OS_HOME"/node*; do [ -d "$d" ] && n=$((n + 1)); done
  for i in $(seq 1 "$n"); do out+="${out:+,}http://127.0.0.1:$(http_port "$i")"; done
  echo "$out"
}

status() {
  local url
  for url in $(urls | tr , ' '); do
    curl -fsS "$url/_cluster/health" 2>/dev/null && { echo; return 0; }
  done
  die "no node of $OS_HOME answers"
}

wait_for_nodes() {
  local n=$1 port
  port=$(http_port 1)
  for _ in $(seq 240); do
    if curl -fsS "127.0.0.1:$port/_cluster/health?wait_for_nodes=$n&timeout=1s" 2>/dev/null | grep -q '"timed_out":false'; then
      return 0
    fi
    sleep 0.5
  done
  die "the cluster did not reach $n nodes within 120 s (see $OS_HOME/node*/logs)"
}

case "${1:-}" in
  install) install ;;
  start)
    n=${2:-2}
    install
    for d in "$OS_HOME"/node*; do [ -d "$d" ] && stop_node "${d##*node}"; done
    check_ports_free "$n"
    for i in $(seq 1 "$n"); do rm -rf "$(node_dir "$i")"; configure_node "$i" "$n"; done
    # in parallel: a node's JVM takes most of a minute to start on a busy machine
    pids=()
    for i in $(seq 1 "$n"); do start_node "$i" & pids+=($!); done
    for pid in "${pids[@]}"; do wait "$pid" || die "a node did not start (see $OS_HOME/node*/logs)"; done
    wait_for_nodes "$n"
    echo "OpenSearch $OS_VERSION: $n nodes on 127.0.0.1:$(http_port 1)-$(http_port "$n")"
    ;;
  stop-node) [ -n "${2:-}" ] || { echo "usage: $0 stop-node I" >&2; exit 2; }; stop_node "$2" ;;
  kill-node) [ -n "${2:-}" ] || { echo "usage: $0 kill-node I" >&2; exit 2; }; stop_node "$2" KILL ;;
  start-node) [ -n "${2:-}" ] || { echo "usage: $0 start-node I" >&2; exit 2; }; start_node "$2" ;;
  status) status ;;
  url) urls ;;
  stop) for d in "$OS_HOME"/node*; do [ -d "$d" ] && stop_node "${d##*node}"; done; true ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2 ;;
esac
