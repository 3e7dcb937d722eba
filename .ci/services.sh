#!/usr/bin/env bash
# Real servers for the tests, as plain processes on 127.0.0.1 (no systemd
# here). Sourced by .ci/run: one group of functions per service
# (<service>_install, <service>_start, <service>_stop), plus services_start /
# services_stop that run them all. A started service exports the URL its
# tests read (DISRUPTION_TEST_<SERVICE>_URL). Servers live under one mktemp
# directory and are stopped by the pid in their pidfile.
#
# A port that already answers belongs to someone else (another run, a system
# server): starting there would test, and FLUSH, their server, so a start
# refuses a busy port and only succeeds once the listener is the process it
# launched.

SERVICES_DIR=""
SERVICES_APT_UPDATED=0
REDIS_PORT=${REDIS_PORT:-6391}
RABBITMQ_PORT=${RABBITMQ_PORT:-5673}
RABBITMQ_DIST_PORT=${RABBITMQ_DIST_PORT:-25673}
# Unique per run: epmd refuses a second node of the same name, and a system
# broker (Debian's is rabbit@<hostname>) or another run must never clash.
RABBITMQ_NODE=${RABBITMQ_NODE:-disruption-ci-$$@localhost}

services_dir() {
  if [ -z "$SERVICES_DIR" ]; then
    SERVICES_DIR=$(mktemp -d -t disruption-services.XXXXXX)
  fi
}

# apt_install PACKAGE...: install Debian packages, updating the lists once.
# Debian's postinst scripts start the services they install (a system
# rabbit@<hostname> on 0.0.0.0:5672, redis on 6379) that would outlive the
# run; a policy-rc.d answering 101 ("action forbidden") stops that, for
# invoke-rc.d and deb-systemd-invoke alike. An existing policy is put back,
# by services_stop too when a signal cuts the install short.
SERVICES_POLICY_RC=/usr/sbin/policy-rc.d
SERVICES_POLICY_RC_BACKUP=""
SERVICES_POLICY_RC_OURS=0
apt_install() {
  local status=0
  if [ "$SERVICES_APT_UPDATED" -eq 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || apt-get update
    SERVICES_APT_UPDATED=1
  fi
  if [ -e "$SERVICES_POLICY_RC" ]; then
    SERVICES_POLICY_RC_BACKUP=$(mktemp -t policy-rc.d.XXXXXX) || return 1
    cp -p "$SERVICES_POLICY_RC" "$SERVICES_POLICY_RC_BACKUP" || return 1
  fi
  SERVICES_POLICY_RC_OURS=1
  printf '#!/bin/sh\n# .ci/services.sh: no service starts while it installs.\nexit 101\n' \
    >"$SERVICES_POLICY_RC" && chmod 755 "$SERVICES_POLICY_RC"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" || status=1
  restore_policy_rc
  return $status
}

# restore_policy_rc: put back the policy-rc.d apt_install replaced (or
# remove its own); safe to call twice.
restore_policy_rc() {
  [ "$SERVICES_POLICY_RC_OURS" -eq 1 ] || return 0
  if [ -n "$SERVICES_POLICY_RC_BACKUP" ]; then
    mv -f "$SERVICES_POLICY_RC_BACKUP" "$SERVICES_POLICY_RC"
  else
    rm -f "$SERVICES_POLICY_RC"
  fi
  SERVICES_POLICY_RC_BACKUP=""
  SERVICES_POLICY_RC_OURS=0
}

# port_answers PORT: whether something accepts on 127.0.0.1:PORT.
port_answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# refuse_busy_port PORT VARIABLE: fail when PORT is already taken.
refuse_busy_port() {
  if port_answers "$1"; then
    echo "!! port $1 is in use by another process: set $2 to a free port" >&2
    return 1
  fi
}

# listener_session PORT: the session id of the process listening on
# 127.0.0.1:PORT, from /proc (empty when none is found).
listener_session() {
  local hex inodes fd link pid stat
  hex=$(printf '%04X' "$1")
  # State 0A is LISTEN; field 10 is the socket's inode.
  inodes=$(awk -v port=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == port { print $10 }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null)
  [ -n "$inodes" ] || return 0
  for fd in /proc/[0-9]*/fd/*; do
    link=$(readlink "$fd" 2>/dev/null) || continue
    case "$link" in socket:\[*\]) ;; *) continue ;; esac
    link=${link#socket:[}
    link=${link%]}
    if grep -qxF "$link" <<<"$inodes"; then
      pid=${fd#/proc/}
      pid=${pid%%/*}
      stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
      # After "(comm) ": state, ppid, pgrp, session.
      read -r _ _ _ stat _ <<<"${stat##*) }"
      echo "$stat"
      return 0
    fi
  done
}

# wait_for_server NAME PID PORT SECONDS: until the server launched as PID
# (a session leader, started with setsid) listens on 127.0.0.1:PORT. Fails at
# once when PID exits, and when the listener belongs to another session.
wait_for_server() {
  local name=$1 pid=$2 port=$3 deadline=$((SECONDS + $4)) session
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "!! $name (pid $pid) exited while starting" >&2
      return 1
    fi
    if port_answers "$port"; then
      # Without /proc (not Linux) the busy-port check before the start is
      # the only guard.
      [ -r /proc/net/tcp ] || return 0
      session=$(listener_session "$port")
      if [ "$session" = "$pid" ]; then
        return 0
      elif [ -n "$session" ]; then
        echo "!! port $port answers, but not from $name (pid $pid): another process took it" >&2
        return 1
      fi
    fi
    sleep 0.1
  done
  echo "!! $name (pid $pid) does not answer on 127.0.0.1:$port after $4 s" >&2
  return 1
}

# stop_pid PID NAME [TENTHS]: kill PID and wait up to TENTHS tenths of a
# second (default 100) for it to exit.
stop_pid() {
  local pid=$1 name=$2 tenths=${3:-100}
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
}

# stop_pidfile FILE NAME [TENTHS]: stop_pid on the pid in FILE, then remove it.
stop_pidfile() {
  local file=$1
  [ -f "$file" ] || return 0
  stop_pid "$(cat "$file")" "$2" "${3:-100}"
  rm -f "$file"
}

redis_install() {
  command -v redis-server >/dev/null 2>&1 && return 0
  echo "== installing redis-server from Debian's packages"
  apt_install redis-server
}

# In the foreground of its own session (not --daemonize, which exits 0
# before the bind): the pid we keep is the server's.
redis_start() {
  redis_install || return 1
  refuse_busy_port "$REDIS_PORT" REDIS_PORT || return 1
  services_dir
  local dir="$SERVICES_DIR/redis"
  mkdir -p "$dir"
  setsid redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize no \
    --save '' --appendonly no --dir "$dir" --logfile "$dir/redis.log" \
    </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/redis.pid"
  if ! wait_for_server redis-server $! "$REDIS_PORT" 10; then
    tail -n 20 "$dir/redis.log" >&2
    return 1
  fi
  export DISRUPTION_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  echo "== redis-server on $DISRUPTION_TEST_REDIS_URL"
}

redis_stop() {
  [ -n "$SERVICES_DIR" ] || return 0
  stop_pidfile "$SERVICES_DIR/redis/redis.pid" redis-server
}

rabbitmq_install() {
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && return 0
  echo "== installing rabbitmq-server from Debian's packages"
  apt_install rabbitmq-server
}

# As root, without the /usr/sbin wrappers (they switch to the rabbitmq user
# and its Erlang cookie): the server script itself, run from a directory of
# ours (a crash dump lands there, not in the repository) with every path in
# it, epmd and the distribution port on loopback, no plugins and an empty
# config. The launched script waits on the broker, so its pid lives exactly
# as long as the broker does.
rabbitmq_start() {
  rabbitmq_install || return 1
  refuse_busy_port "$RABBITMQ_PORT" RABBITMQ_PORT || return 1
  refuse_busy_port "$RABBITMQ_DIST_PORT" RABBITMQ_DIST_PORT || return 1
  services_dir
  local dir="$SERVICES_DIR/rabbitmq" pid
  mkdir -p "$dir/mnesia" "$dir/log"
  echo "[]." >"$dir/plugins"
  : >"$dir/rabbitmq.conf"
  (
    cd "$dir" || exit 1
    HOME="$dir" RABBITMQ_NODENAME="$RABBITMQ_NODE" \
      RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$RABBITMQ_PORT" \
      RABBITMQ_DIST_PORT="$RABBITMQ_DIST_PORT" ERL_EPMD_ADDRESS=127.0.0.1 \
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
      ERL_CRASH_DUMP="$dir/erl_crash.dump" \
      RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
      RABBITMQ_PID_FILE="$dir/pid" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/plugins" \
      RABBITMQ_CONFIG_FILE="$dir/rabbitmq" \
      exec setsid /usr/lib/rabbitmq/bin/rabbitmq-server </dev/null >"$dir/stdout.log" 2>&1
  ) &
  pid=$!
  echo "$pid" >"$dir/launched.pid"
  if ! wait_for_server rabbitmq-server "$pid" "$RABBITMQ_PORT" 60; then
    tail -n 40 "$dir/stdout.log" >&2
    for log in "$dir"/log/*.log; do
      [ -f "$log" ] && tail -n 20 "$log" >&2
    done
    return 1
  fi
  export DISRUPTION_TEST_AMQP_URL="amqp://guest:guest@127.0.0.1:$RABBITMQ_PORT"
  # For the tests that need rabbitmqctl (a resource alarm): the node and the
  # HOME holding the Erlang cookie the server made.
  export DISRUPTION_TEST_RABBITMQ_NODE="$RABBITMQ_NODE"
  export DISRUPTION_TEST_RABBITMQ_HOME="$dir"
  echo "== rabbitmq-server $RABBITMQ_NODE on 127.0.0.1:$RABBITMQ_PORT"
}

rabbitmq_stop() {
  [ -n "$SERVICES_DIR" ] && [ -d "$SERVICES_DIR/rabbitmq" ] || return 0
  # The broker's own pidfile, then the launched script (it is all that is
  # left when the broker died or never wrote one).
  stop_pidfile "$SERVICES_DIR/rabbitmq/pid" rabbitmq-server 300
  stop_pidfile "$SERVICES_DIR/rabbitmq/launched.pid" rabbitmq-server 100
  # epmd daemonizes and outlives the broker; it refuses to die while another
  # node (someone else's) is registered.
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
  restore_policy_rc
  redis_stop
  rabbitmq_stop
  if [ -n "$SERVICES_DIR" ]; then
    rm -rf "$SERVICES_DIR"
    SERVICES_DIR=""
  fi
}
