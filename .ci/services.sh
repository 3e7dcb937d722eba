#!/usr/bin/env bash
# Real servers for the tests, as plain processes on 127.0.0.1 (no systemd
# here). Sourced by .ci/run: one group of functions per service
# (<service>_install, <service>_start, <service>_stop), plus services_start /
# services_stop that run them all. A started service exports the URL its
# tests read (DISRUPTION_TEST_<SERVICE>_URL). Servers live under one mktemp
# directory and are stopped by the pid in their pidfile.

SERVICES_DIR=""
SERVICES_APT_UPDATED=0
REDIS_PORT=${REDIS_PORT:-6391}
RABBITMQ_PORT=${RABBITMQ_PORT:-5673}
RABBITMQ_DIST_PORT=${RABBITMQ_DIST_PORT:-25673}
RABBITMQ_NODE=${RABBITMQ_NODE:-rabbit@localhost}

services_dir() {
  if [ -z "$SERVICES_DIR" ]; then
    SERVICES_DIR=$(mktemp -d -t disruption-services.XXXXXX)
  fi
}

# apt_install PACKAGE: install a Debian package, updating the lists once.
apt_install() {
  if [ "$SERVICES_APT_UPDATED" -eq 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || apt-get update
    SERVICES_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null 2>&1 ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$1"
}

# wait_for_port PORT SECONDS: until something accepts on 127.0.0.1:PORT.
wait_for_port() {
  local port=$1 deadline=$((SECONDS + $2))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "!! nothing answers on 127.0.0.1:$port after $2 s" >&2
  return 1
}

# stop_pidfile FILE NAME [TENTHS]: kill the pid in FILE (read before the
# kill: some servers delete their pidfile while stopping) and wait up to
# TENTHS tenths of a second (default 100) for it to exit.
stop_pidfile() {
  local file=$1 name=$2 tenths=${3:-100} pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 "$tenths"); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "!! $name (pid $pid) did not stop; killing it" >&2
      kill -9 "$pid" 2>/dev/null
    fi
  fi
  rm -f "$file"
}

redis_install() {
  command -v redis-server >/dev/null 2>&1 && return 0
  echo "== installing redis-server from Debian's packages"
  apt_install redis-server
}

redis_start() {
  redis_install || return 1
  services_dir
  local dir="$SERVICES_DIR/redis"
  mkdir -p "$dir"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
    --save '' --appendonly no --dir "$dir" \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" || return 1
  if ! wait_for_port "$REDIS_PORT" 10; then
    cat "$dir/redis.log" >&2
    return 1
  fi
  export DISRUPTION_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  echo "== redis-server on $DISRUPTION_TEST_REDIS_URL"
}

redis_stop() {
  [ -n "$SERVICES_DIR" ] || return 0
  # --daemonize writes the pidfile a moment after the port opens.
  for _ in $(seq 1 20); do
    [ -f "$SERVICES_DIR/redis/redis.pid" ] && break
    [ -d "$SERVICES_DIR/redis" ] || break
    sleep 0.1
  done
  stop_pidfile "$SERVICES_DIR/redis/redis.pid" redis-server
}

rabbitmq_install() {
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && return 0
  echo "== installing rabbitmq-server from Debian's packages"
  apt_install rabbitmq-server
}

# As root, without the /usr/sbin wrappers (they switch to the rabbitmq user
# and its Erlang cookie): the server script itself, with every path in a
# directory of ours, epmd kept on loopback, no plugins and an empty config.
rabbitmq_start() {
  rabbitmq_install || return 1
  services_dir
  local dir="$SERVICES_DIR/rabbitmq"
  mkdir -p "$dir/mnesia" "$dir/log"
  echo "[]." >"$dir/plugins"
  : >"$dir/rabbitmq.conf"
  HOME="$dir" RABBITMQ_NODENAME="$RABBITMQ_NODE" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$RABBITMQ_PORT" \
    RABBITMQ_DIST_PORT="$RABBITMQ_DIST_PORT" ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$dir/pid" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/plugins" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq" \
    setsid nohup /usr/lib/rabbitmq/bin/rabbitmq-server >"$dir/stdout.log" 2>&1 &
  if ! wait_for_port "$RABBITMQ_PORT" 60; then
    tail -n 40 "$dir/stdout.log" >&2
    return 1
  fi
  export DISRUPTION_TEST_AMQP_URL="amqp://guest:guest@127.0.0.1:$RABBITMQ_PORT"
  # For the tests that need rabbitmqctl (a resource alarm): the node and the
  # HOME holding the Erlang cookie the server made.
  export DISRUPTION_TEST_RABBITMQ_NODE="$RABBITMQ_NODE"
  export DISRUPTION_TEST_RABBITMQ_HOME="$dir"
  echo "== rabbitmq-server on 127.0.0.1:$RABBITMQ_PORT"
}

rabbitmq_stop() {
  [ -n "$SERVICES_DIR" ] && [ -d "$SERVICES_DIR/rabbitmq" ] || return 0
  stop_pidfile "$SERVICES_DIR/rabbitmq/pid" rabbitmq-server 300
  # epmd daemonizes and outlives the broker.
  for epmd in /usr/lib/erlang/erts-*/bin/epmd; do
    [ -x "$epmd" ] && ERL_EPMD_ADDRESS=127.0.0.1 "$epmd" -kill >/dev/null 2>&1
  done
  return 0
}

# Start every service; returns non-zero when one failed (the others still start).
services_start() {
  local status=0
  redis_start || status=1
  rabbitmq_start || status=1
  return $status
}

# Stop every service and remove their directory; safe to call twice.
services_stop() {
  redis_stop
  rabbitmq_stop
  if [ -n "$SERVICES_DIR" ]; then
    rm -rf "$SERVICES_DIR"
    SERVICES_DIR=""
  fi
}
