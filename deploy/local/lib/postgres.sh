# shellcheck shell=bash
# Component `postgres`: a throwaway PostgreSQL cluster (the Debian package's binaries, installed with
# apt-get when missing) plus the database `anpr`. Implements the component functions infra.sh calls.

readonly PG_PORT="${ANPR_PG_PORT:-15432}"
readonly PG_LOG="$RUN_DIR/postgres.log"
# <run>/pg holds data/ and socket/ -- or is a symlink to a /tmp dir with that layout (see pg_prepare_base).
readonly PG_LINK="$RUN_DIR/pg"

# shellcheck source=postgres-files.sh
source "$LIB_DIR/postgres-files.sh"

postgres_check_config() { check_port_number ANPR_PG_PORT "$PG_PORT"; }

pg_pid() {   # the postmaster PID from postmaster.pid, if that process is alive and a postgres
  local file="$PG_BASE/data/postmaster.pid" pid
  [[ -n "$PG_BASE" && -s "$file" ]] || return 1
  pid="$(head -n 1 "$file")"
  pid_alive "$pid" || return 1
  [[ "$(pid_cmdline "$pid")" == *postgres* ]] || return 1
  echo "$pid"
}

pg_create_db() {
  local psql=("$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
  if [[ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'anpr'")" != 1 ]]; then
    "${psql[@]}" -c 'CREATE DATABASE anpr' >/dev/null
  fi
}

postgres_up() {
  local pid
  pg_find_bin
  pg_prepare_base
  if pid="$(pg_pid)"; then
    log "infra: postgres already running (pid $pid)"
  else
    port_open "$PG_PORT" && die "port $PG_PORT is taken by another process (set ANPR_PG_PORT)"
    # A killed postmaster can linger as a zombie when PID 1 is slow to reap (containers, VMs);
    # postgres would then take its lock files as live. pg_pid says it is dead, so remove them.
    rm -f "$PG_BASE/data/postmaster.pid" "$PG_BASE/socket/.s.PGSQL.$PG_PORT.lock"
    pg_initdb_if_needed
    pg_write_config
    # No -l: the server writes to pg_ctl's stdout, opened here by the caller, so <run>/postgres.log
    # works even when the postgres user cannot reach the run dir.
    touch "$PG_LOG"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_BASE/data" -w -t 60 start >>"$PG_LOG" 2>&1 </dev/null 9>&- \
      || { tail -n 30 "$PG_LOG" >&2; die "postgres did not start (see $PG_LOG)"; }
    log "infra: postgres started (pid $(pg_pid || echo '?'), 127.0.0.1:$PG_PORT)"
  fi
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 30 || die "pg_isready failed on port $PG_PORT"
  pg_create_db
}

postgres_down() {
  local pid
  pg_base_if_exists
  if ! pid="$(pg_pid)"; then
    log "infra: postgres not running"
    return 0
  fi
  pg_find_bin
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_BASE/data" -m fast -w -t 60 stop >>"$PG_LOG" 2>&1; then
    log "infra: fast shutdown failed; trying immediate"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_BASE/data" -m immediate -w -t 30 stop >>"$PG_LOG" 2>&1 || true
  fi
  # pg_ctl -w returns once postmaster.pid is gone; the process itself may need a moment more to exit.
  wait_pid_gone "$pid" 50 || true
  pid_alive "$pid" && die "postgres (pid $pid) is still alive"
  log "infra: postgres stopped"
}

# One line; true only when the server runs and answers.
postgres_status() {
  local pid rss kid line ok=0
  pg_base_if_exists
  if [[ -d "$RUN_DIR" ]] && pid="$(pg_pid)"; then
    rss="$(rss_kib "$pid")"
    for kid in $(child_pids "$pid"); do rss=$((rss + $(rss_kib "$kid"))); done
    if port_open "$PG_PORT"; then line=running; else line="not-ready"; ok=1; fi
    echo "postgres  $line  pid=$pid  port=$PG_PORT  rss=$(mib "$rss")MiB (postmaster+children)"
  else
    echo "postgres  stopped  port=$PG_PORT"; ok=1
  fi
  return "$ok"
}

postgres_env() {
  echo "export DATABASE_URL='postgresql+asyncpg://postgres@127.0.0.1:$PG_PORT/anpr'"
  echo "export ANPR_PG_DSN='postgresql://postgres@127.0.0.1:$PG_PORT/anpr'"
}

postgres_purge() {
  pg_base_if_exists
  if [[ -L "$PG_LINK" ]]; then
    [[ "$PG_BASE" == /tmp/anpr-pg.* ]] && rm -rf -- "$PG_BASE"
    rm -f -- "$PG_LINK"
  elif [[ -d "$PG_LINK" ]]; then
    rm -rf -- "$PG_LINK"
  fi
  rm -f -- "$PG_LOG"
}
