#!/usr/bin/env bash
# A throw-away Virtuoso Open Source 7 (Debian's virtuoso-opensource) for tests and local trials.
#
#   scripts/virtuoso.sh start     install if missing, write the test ini, start, wait until /sparql answers
#   scripts/virtuoso.sh stop      shut the instance of VIRTUOSO_HOME down (checkpoint first)
#   scripts/virtuoso.sh status    exit 0 when the instance answers on its HTTP port
#   scripts/virtuoso.sh install   only install the package (non-interactive, dba password preseeded)
#
# Idempotent: `start` on a running instance only reports it; `install` skips when virtuoso-t exists.
# Everything binds 127.0.0.1 only. The dba password is dba: FOR TESTS ONLY (a fresh database has it;
# it is also what the package is preseeded with). Production: see the README section "Store backends".
#
# Environment (defaults in brackets):
#   VIRTUOSO_HOME        database folder, test ini, log, pid  [<repo>/var/virtuoso]
#   VIRTUOSO_HTTP_PORT   HTTP (SPARQL endpoint, Graph Store)  [8890]
#   VIRTUOSO_SQL_PORT    SQL (isql-vt)                        [1111]
#   VIRTUOSO_DIRS_ALLOWED  extra folders for DirsAllowed (bulk loads, ld_dir), comma-separated  [none]
#   VIRTUOSO_MAX_ROWS    [SPARQL] ResultSetMaxRows, the silent row cap  [10000]
#   VIRTUOSO_MAX_TIME_S  [SPARQL] MaxQueryExecutionTime in seconds (anytime queries past it: S1TAT)  [60]
#   VIRTUOSO_MAX_COST_S  [SPARQL] MaxQueryCostEstimationTime: queries the optimiser *estimates* to run
#                        longer are refused before running; 0 = no such refusal  [0]
#                        Measured (7.2.5, the real graph with its merge graph loaded, see kgservice.engine.remote):
#                        cq-mayor-tenures estimated at 7,607 s, run in 1.0 s; with the stock 400 it is refused.
#                        The run time stays bounded by MaxQueryExecutionTime and the service's timeout.
#   VIRTUOSO_START_TIMEOUT_S  how long to wait for the HTTP port  [180]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOME_DIR="${VIRTUOSO_HOME:-$HERE/var/virtuoso}"
HTTP_PORT="${VIRTUOSO_HTTP_PORT:-8890}"
SQL_PORT="${VIRTUOSO_SQL_PORT:-1111}"
DIRS_ALLOWED="${VIRTUOSO_DIRS_ALLOWED:-}"
MAX_ROWS="${VIRTUOSO_MAX_ROWS:-10000}"
MAX_TIME_S="${VIRTUOSO_MAX_TIME_S:-60}"
MAX_COST_S="${VIRTUOSO_MAX_COST_S:-0}"
START_TIMEOUT_S="${VIRTUOSO_START_TIMEOUT_S:-180}"
DBA_PASSWORD=dba  # tests only
SHARE=/usr/share/virtuoso-opensource-7

log() { printf 'virtuoso.sh: %s\n' "$*" >&2; }

answers() {  # the SPARQL endpoint answers a trivial ASK
  curl -fsS -m 5 -o /dev/null \
    "http://127.0.0.1:$HTTP_PORT/sparql?query=ASK%7B%7D&format=application%2Fsparql-results%2Bjson" 2>/dev/null
}

pid_of() {  # the server's pid: virtuoso-t writes VIRT_PID=… into its lock file while it runs
  local pid="" launched=""
  [ -f "$HOME_DIR/virtuoso.lck" ] && pid="$(sed -n 's/^VIRT_PID=\([0-9]*\).*/\1/p' "$HOME_DIR/virtuoso.lck")"
  # before the lock file exists: the process we launched
  [ -z "$pid" ] && [ -f "$HOME_DIR/virtuoso.pid" ] && launched="$(cat "$HOME_DIR/virtuoso.pid")" && pid="$launched"
  [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && grep -q '^virtuoso-t' "/proc/$pid/comm" && echo "$pid"
}

install_package() {
  if command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null; then
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    log "virtuoso-t is not installed and installing needs root (apt-get install virtuoso-opensource)"
    return 1
  fi
  command -v apt-get >/dev/null || { log "no apt-get on this machine"; return 1; }
  log "installing virtuoso-opensource (dba password preseeded)"
  printf '%s\n' \
    "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password $DBA_PASSWORD" \
    "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password $DBA_PASSWORD" \
    | debconf-set-selections
  # The package's postinst starts the system instance with the stock ini (ports 1111 and 8890 on
  # every interface). Keep it from starting: a policy-rc.d that denies, unless one exists already.
  local policy=/usr/sbin/policy-rc.d ours=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && ours=1
  fi
  local rc=0
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends virtuoso-opensource \
      >"${TMPDIR:-/tmp}/virtuoso-apt.log" 2>&1; then
    # a stale package index: refresh once, try once more
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"${TMPDIR:-/tmp}/virtuoso-apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends virtuoso-opensource \
      >>"${TMPDIR:-/tmp}/virtuoso-apt.log" 2>&1 || rc=$?
  fi
  [ -n "$ours" ] && rm -f "$policy"
  if [ "$rc" != 0 ]; then
    log "apt-get install virtuoso-opensource failed; see ${TMPDIR:-/tmp}/virtuoso-apt.log"
    return 1
  fi
  command -v virtuoso-t >/dev/null
}

write_ini() {
  mkdir -p "$HOME_DIR"
  local allowed=". , $SHARE/vad, $HOME_DIR" dir
  IFS=',' read -ra extra <<<"$DIRS_ALLOWED"
  for dir in "${extra[@]}"; do
    dir="$(echo "$dir" | xargs)"
    [ -n "$dir" ] && allowed="$allowed, $(cd "$dir" 2>/dev/null && pwd || echo "$dir")"
  done
  # Written from scratch (not edited from the stock file) so every path and port is ours.
  cat >"$HOME_DIR/virtuoso.ini" <<EOF
; Test instance written by scripts/virtuoso.sh — loopback only, dba/dba. Not for production.
[Database]
DatabaseFile        = $HOME_DIR/virtuoso.db
ErrorLogFile        = $HOME_DIR/virtuoso.log
LockFile            = $HOME_DIR/virtuoso.lck
TransactionFile     = $HOME_DIR/virtuoso.trx
xa_persistent_file  = $HOME_DIR/virtuoso.pxa
ErrorLogLevel       = 7
FileExtend          = 200
MaxCheckpointRemap  = 2000
Striping            = 0
TempStorage         = TempDatabase

[TempDatabase]
DatabaseFile        = $HOME_DIR/virtuoso-temp.db
TransactionFile     = $HOME_DIR/virtuoso-temp.trx
MaxCheckpointRemap  = 2000
Striping            = 0

[Parameters]
ServerPort          = 127.0.0.1:$SQL_PORT
LiteMode            = 0
DisableUnixSocket   = 1
DisableTcpSocket    = 0
MaxClientConnections = 10
CheckpointInterval  = 60
O_DIRECT            = 0
CaseMode            = 2
MaxStaticCursorRows = 5000
CheckpointAuditTrail = 0
AllowOSCalls        = 0
SchedulerInterval   = 10
DirsAllowed         = $allowed
ThreadCleanupInterval = 0
ThreadThreshold     = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize   = 100000
SingleCPU           = 0
VADInstallDir       = $SHARE/vad/
PrefixResultNames   = 0
RdfFreeTextRulesSize = 100
IndexTreeMaps       = 64
MaxMemPoolSize      = 200000000
MaxQueryMem         = 1G
VectorSize          = 1000
MaxVectorSize       = 1000000
AdjustVectorSize    = 0
ThreadsPerQuery     = 2
AsyncQueueMaxThreads = 10
NumberOfBuffers     = 20000
MaxDirtyBuffers     = 15000

[HTTPServer]
ServerPort          = 127.0.0.1:$HTTP_PORT
ServerRoot          = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
DavRoot             = DAV
EnabledDavVSP       = 0
HTTPProxyEnabled    = 0
TempASPXDir         = 0
DefaultMailServer   = localhost:25
ServerThreads       = 10
MaxKeepAlives       = 10
KeepAliveTimeout    = 10
MaxCachedProxyConnections = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize      = 280000
HttpPrintWarningsInOutput = 0
Charset             = UTF-8
MaintenancePage     = atomic.html
EnabledGzipContent  = 1

[AutoRepair]
BadParentLinks      = 0

[Client]
SQL_PREFETCH_ROWS   = 100
SQL_PREFETCH_BYTES  = 16000
SQL_QUERY_TIMEOUT   = 0
SQL_TXN_TIMEOUT     = 0

[Replication]
ServerName          = db
ServerEnable        = 1
QueueMax            = 50000

[URIQA]
DynamicLocal        = 0
DefaultHost         = 127.0.0.1:$HTTP_PORT

[SPARQL]
ResultSetMaxRows           = $MAX_ROWS
MaxQueryCostEstimationTime = $MAX_COST_S
MaxQueryExecutionTime      = $MAX_TIME_S
DefaultQuery               = select distinct ?Concept where {[] a ?Concept} LIMIT 100
DeferInferenceRulesInit    = 0

[Plugins]
LoadPath            = /usr/lib/x86_64-linux-gnu/virtuoso-opensource-7/hosting
EOF
}

start() {
  if answers; then
    # another home's instance (say a test session's left running) would be served as this one's
    if pid_of >/dev/null; then log "already running on 127.0.0.1:$HTTP_PORT (home $HOME_DIR)"; return 0; fi
    log "127.0.0.1:$HTTP_PORT answers, but not for $HOME_DIR: stop that instance first"
    return 1
  fi
  if pid_of >/dev/null; then
    log "virtuoso-t of $HOME_DIR is running but not answering yet: waiting for it"
  else
    install_package
    write_ini
    log "starting virtuoso-t (home $HOME_DIR, HTTP 127.0.0.1:$HTTP_PORT, SQL 127.0.0.1:$SQL_PORT)"
    rm -f "$HOME_DIR/virtuoso.lck"  # the stale lock of a killed instance would stop the start
    # +foreground in the background, exec'd so that $! is virtuoso-t itself (the daemonising +wait
    # mode forks it away); nohup: it outlives this script and the shell that ran it.
    (cd "$HOME_DIR" && exec nohup virtuoso-t +foreground +configfile "$HOME_DIR/virtuoso.ini" \
        >"$HOME_DIR/virtuoso.out" 2>&1 </dev/null) &
    echo $! >"$HOME_DIR/virtuoso.pid"
  fi
  local deadline=$((SECONDS + START_TIMEOUT_S))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if answers; then
      log "up after $((SECONDS + START_TIMEOUT_S - deadline)) s"
      return 0
    fi
    if ! pid_of >/dev/null; then
      log "virtuoso-t exited while starting; last lines of its log:"
      tail -n 20 "$HOME_DIR/virtuoso.log" "$HOME_DIR/virtuoso.out" >&2 2>/dev/null || true
      return 1
    fi
    sleep 1
  done
  log "no answer on 127.0.0.1:$HTTP_PORT within $START_TIMEOUT_S s"
  return 1
}

stop() {
  local pid
  if ! pid="$(pid_of)"; then
    log "not running (home $HOME_DIR)"
    return 0
  fi
  # A clean shutdown (checkpoint) through SQL, then the signal, then SIGKILL: each with a deadline.
  timeout 30 isql-vt "127.0.0.1:$SQL_PORT" dba "$DBA_PASSWORD" -K >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while [ "$SECONDS" -lt "$deadline" ] && [ -d "/proc/$pid" ]; do sleep 0.5; done
  if [ -d "/proc/$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    sleep 3
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$HOME_DIR/virtuoso.pid"
  log "stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) answers ;;
  install) install_package ;;
  *) echo "usage: $0 start|stop|status|install" >&2; exit 2 ;;
esac
