#!/usr/bin/env bash
# Oxigraph server (the Rust `oxigraph` command from PyPI's oxigraph package, pinned oxigraph==0.5.13)
# as a remote SPARQL store for tests and local trials.
#
#   scripts/oxigraph_server.sh start    start `oxigraph serve` on 127.0.0.1, wait until /query answers
#   scripts/oxigraph_server.sh stop     stop the server started for OXIGRAPH_LOCATION
#   scripts/oxigraph_server.sh status   exit 0 when it answers
#
# Idempotent: `start` on a running server only reports it. Binds 127.0.0.1 only. Routes: /query,
# /update, /store (Graph Store Protocol). A query without FROM/GRAPH reads the server's own default
# graph, which `plankg load` fills with the merge of the named graphs (each triple
# once, as in the embedded store: kgservice.engine.merge). `--union-default-graph` is never passed: Oxigraph
# 0.5.13 counts a triple of two graphs twice in that union, and it would add the named graphs to the merge.
#
# Environment (defaults in brackets):
#   OXIGRAPH_LOCATION   the store folder; the pid and log files sit beside it  [<repo>/var/oxigraph]
#   OXIGRAPH_PORT       [7878]
#   OXIGRAPH_BIN        [<repo>/.venv/bin/oxigraph, else `oxigraph` on PATH]
#   OXIGRAPH_TIMEOUT_S  --timeout-s: the server cancels queries past it  [30]
#   OXIGRAPH_START_TIMEOUT_S  [60]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCATION="${OXIGRAPH_LOCATION:-$HERE/var/oxigraph}"
PORT="${OXIGRAPH_PORT:-7878}"
TIMEOUT_S="${OXIGRAPH_TIMEOUT_S:-30}"
START_TIMEOUT_S="${OXIGRAPH_START_TIMEOUT_S:-60}"
PIDFILE="$LOCATION.pid"
LOGFILE="$LOCATION.log"

if [ -n "${OXIGRAPH_BIN:-}" ]; then BIN="$OXIGRAPH_BIN"
elif [ -x "$HERE/.venv/bin/oxigraph" ]; then BIN="$HERE/.venv/bin/oxigraph"
else BIN="$(command -v oxigraph || true)"; fi

log() { printf 'oxigraph_server.sh: %s\n' "$*" >&2; }

answers() {
  curl -fsS -m 5 -o /dev/null -H 'Accept: application/sparql-results+json' \
    "http://127.0.0.1:$PORT/query?query=ASK%7B%7D" 2>/dev/null
}

pid_of() {  # our pid file's process, if it is still an oxigraph server
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid="$(cat "$PIDFILE")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'oxigraph' && echo "$pid"
}

start() {
  if answers; then
    # another location's server (say a test session's left running) would be served as this one's
    if pid_of >/dev/null; then log "already running on 127.0.0.1:$PORT"; return 0; fi
    log "127.0.0.1:$PORT answers, but not for $LOCATION: stop that server first"
    return 1
  fi
  if ! pid_of >/dev/null; then
    if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
      log "no oxigraph command: pip install oxigraph==0.5.13 (into .venv), or set OXIGRAPH_BIN"
      return 1
    fi
    mkdir -p "$LOCATION"
    local args=(serve --location "$LOCATION" --bind "127.0.0.1:$PORT" --timeout-s "$TIMEOUT_S")
    log "starting $BIN ${args[*]}"
    nohup "$BIN" "${args[@]}" >"$LOGFILE" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
  fi
  local deadline=$((SECONDS + START_TIMEOUT_S))
  while [ "$SECONDS" -lt "$deadline" ]; do
    answers && { log "up on 127.0.0.1:$PORT"; return 0; }
    if ! pid_of >/dev/null; then
      log "oxigraph exited while starting:"; tail -n 20 "$LOGFILE" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  log "no answer on 127.0.0.1:$PORT within $START_TIMEOUT_S s"
  return 1
}

stop() {
  local pid
  if ! pid="$(pid_of)"; then
    log "not running (location $LOCATION)"
    rm -f "$PIDFILE"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 20))
  while [ "$SECONDS" -lt "$deadline" ] && [ -d "/proc/$pid" ]; do sleep 0.2; done
  [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
  log "stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) answers ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
