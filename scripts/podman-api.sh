#!/usr/bin/env bash
# Podman's Docker-compatible API for moodlectl (no systemd socket unit on these machines).
#
#   podman-api.sh start   if an API already answers ($DOCKER_HOST, /run/podman/podman.sock, /var/run/docker.sock),
#                         say so and do nothing; else start `podman system service --time=0
#                         unix:///run/podman/podman.sock` detached, record its PID in /run/moodlectl/podman-api.pid
#                         and wait (at most 10 s) until /_ping answers
#   podman-api.sh stop    stop the service this script started (by its recorded PID only)
#   podman-api.sh status  say which API answers (exit 0), or that none does (exit 5)
#
# Environment: MOODLECTL_STATE_DIR (log goes there if set; else /var/log/moodlectl-podman-api.log);
# for tests: MOODLECTL_PODMAN_SOCKET (default /run/podman/podman.sock), MOODLECTL_RUN_DIR (default /run/moodlectl).
set -euo pipefail

socket=${MOODLECTL_PODMAN_SOCKET:-/run/podman/podman.sock}
pid_file=${MOODLECTL_RUN_DIR:-/run/moodlectl}/podman-api.pid
if [ -n "${MOODLECTL_STATE_DIR:-}" ]; then
  log_file="$MOODLECTL_STATE_DIR/podman-api.log"
else
  log_file=/var/log/moodlectl-podman-api.log
fi

say() { echo "podman-api: $*" >&2; }

# ping ENDPOINT: ENDPOINT is unix:///path, /path or tcp://host:port; true if /_ping answers OK.
ping_api() {
  local endpoint=$1
  case "$endpoint" in
    unix://*) endpoint=${endpoint#unix://} ;;
    tcp://*)  curl -fsS -m 2 "http://${endpoint#tcp://}/_ping" 2>/dev/null | grep -q OK; return ;;
    http://*|https://*) curl -fsS -m 2 "$endpoint/_ping" 2>/dev/null | grep -q OK; return ;;
  esac
  [ -S "$endpoint" ] || return 1
  curl -fsS -m 2 --unix-socket "$endpoint" http://d/_ping 2>/dev/null | grep -q OK
}

# Prints the first endpoint that answers.
answering_api() {
  local candidates=()
  [ -n "${DOCKER_HOST:-}" ] && candidates+=("$DOCKER_HOST")
  candidates+=("unix://$socket" "unix:///var/run/docker.sock")
  for c in "${candidates[@]}"; do
    if ping_api "$c"; then echo "$c"; return 0; fi
  done
  return 1
}

recorded_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid=$(cat "$pid_file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # Only a live `podman system service` is ours: a recycled PID is not.
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q 'podman system service'; then
    echo "$pid"
    return 0
  fi
  return 1
}

start() {
  local found
  if found=$(answering_api); then
    say "an API already answers at $found: nothing started"
    [ "$found" != "${DOCKER_HOST:-}" ] && say "moodlectl uses it with: export DOCKER_HOST=$found"
    return 0
  fi
  command -v podman >/dev/null 2>&1 || { say "podman is not installed (bash scripts/setup-host.sh installs it)"; exit 12; }
  command -v curl >/dev/null 2>&1 || { say "curl is not installed (apt-get install curl)"; exit 12; }
  local old
  if old=$(recorded_pid); then
    say "the service started earlier (PID $old) is running but does not answer: stopping it first"
    kill "$old" 2>/dev/null || true
    sleep 1
  fi
  mkdir -p "$(dirname "$socket")" "$(dirname "$pid_file")" "$(dirname "$log_file")"
  say "starting: podman system service --time=0 unix://$socket (log: $log_file)"
  setsid podman system service --time=0 "unix://$socket" >>"$log_file" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" > "$pid_file"
  local i
  for i in $(seq 1 50); do
    if ping_api "unix://$socket"; then
      say "API answers at unix://$socket (PID $pid); use: export DOCKER_HOST=unix://$socket"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      say "podman system service exited at once; its log ($log_file) ends with:"
      tail -n 20 "$log_file" >&2 || true
      exit 5
    fi
    sleep 0.2
  done
  say "podman system service (PID $pid) did not answer within 10 s; see $log_file"
  exit 5
}

stop() {
  local pid
  if ! pid=$(recorded_pid); then
    rm -f "$pid_file"
    say "no API service started by moodlectl is running: nothing to stop"
    return 0
  fi
  kill "$pid"
  local i
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "PID $pid did not stop within 5 s: sending SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
  say "stopped the API service (PID $pid)"
}

status() {
  local found pid
  if found=$(answering_api); then
    if pid=$(recorded_pid); then
      echo "API answers at $found (started by moodlectl, PID $pid)"
    else
      echo "API answers at $found (not started by this script)"
    fi
    return 0
  fi
  echo "no Docker/Podman API answers (tried ${DOCKER_HOST:+$DOCKER_HOST, }unix://$socket, unix:///var/run/docker.sock)"
  echo "start one with: bash scripts/podman-api.sh start" >&2
  exit 5
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: podman-api.sh start|stop|status" >&2; exit 2 ;;
esac
