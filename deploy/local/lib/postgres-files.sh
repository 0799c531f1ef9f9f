# shellcheck shell=bash
# Where the cluster lives and how it is set up: server binaries, the data/socket dir, initdb and the
# config include. Sourced by postgres.sh.

newest_pg_bin() { printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

PG_BIN=""
pg_find_bin() {
  local dir
  dir="$(newest_pg_bin)"
  if [[ -z "$dir" || ! -x "$dir/initdb" ]]; then
    [[ $EUID -eq 0 ]] || die "PostgreSQL server binaries missing; run: sudo apt-get install -y postgresql"
    log "infra: installing PostgreSQL with apt-get ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2 && apt-get install -y postgresql >&2
    dir="$(newest_pg_bin)"
    [[ -x "$dir/initdb" ]] || die "PostgreSQL installation did not provide initdb"
  fi
  PG_BIN="$dir"
}

# PostgreSQL refuses to run as root, so as root every server-side command runs as the `postgres`
# user (created by the Debian package). `cd /` avoids "could not change directory" noise when the
# caller's cwd is unreadable for that user.
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

pg_can_reach() {   # can the server user traverse every path component down to this directory?
  [[ $EUID -ne 0 ]] && return 0
  runuser -u postgres -- test -x "$1" 2>/dev/null
}

# Where the data and socket live. Preferred: <run>/pg/{data,socket}. But the postgres user must be
# able to traverse every parent dir (a checkout under /root is not), and a Unix socket path must stay
# under ~107 bytes. Rather than loosening permissions on directories we do not own, we then fall back
# to a private /tmp/anpr-pg.XXXXXX dir and leave <run>/pg as a symlink to it, which also records the
# choice for later ups and for `down --purge`. (Only our own run dir gets o+x.)
PG_BASE=""
pg_prepare_base() {
  if [[ -L "$PG_LINK" ]]; then
    PG_BASE="$(readlink "$PG_LINK")"
    if [[ ! -d "$PG_BASE" ]]; then   # /tmp was cleared (e.g. reboot): start a fresh cluster
      rm -f "$PG_LINK"
      pg_prepare_base
      return
    fi
  elif [[ -d "$PG_LINK" ]]; then
    PG_BASE="$PG_LINK"
  else
    chmod o+x "$RUN_DIR" 2>/dev/null || true
    local sock="$RUN_DIR/pg/socket/.s.PGSQL.$PG_PORT"
    if pg_can_reach "$RUN_DIR" && (( ${#sock} < 100 )); then
      PG_BASE="$PG_LINK"
      mkdir -p "$PG_BASE"
    else
      PG_BASE="$(mktemp -d /tmp/anpr-pg.XXXXXX)"
      chmod 711 "$PG_BASE"
      ln -s "$PG_BASE" "$PG_LINK"
      log "infra: postgres cannot use $RUN_DIR (unreachable for user postgres or path too long); data in $PG_BASE"
    fi
  fi
  mkdir -p "$PG_BASE/data" "$PG_BASE/socket"
  if [[ $EUID -eq 0 ]]; then
    chown postgres: "$PG_BASE" "$PG_BASE/data" "$PG_BASE/socket"
  fi
  chmod 700 "$PG_BASE/data"
}

pg_base_if_exists() {   # for down/status: never create anything
  if [[ -L "$PG_LINK" ]]; then PG_BASE="$(readlink "$PG_LINK")"
  elif [[ -d "$PG_LINK" ]]; then PG_BASE="$PG_LINK"
  else PG_BASE=""; fi
}

# Settings live in an included file rewritten on every up (ports may change); no `pg_ctl -o`
# quoting trouble with paths that contain spaces.
pg_write_config() {
  local conf="$PG_BASE/data/anpr-local.conf" sock="${PG_BASE//\'/\'\'}/socket"
  cat >"$conf" <<EOC
# Written by deploy/local/infra.sh -- edits are overwritten on the next 'up'.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock'
max_connections = 200
EOC
  [[ $EUID -eq 0 ]] && chown postgres: "$conf"
  grep -q "^include_if_exists = 'anpr-local.conf'" "$PG_BASE/data/postgresql.conf" \
    || echo "include_if_exists = 'anpr-local.conf'" >>"$PG_BASE/data/postgresql.conf"
}

pg_initdb_if_needed() {
  [[ -f "$PG_BASE/data/PG_VERSION" ]] && return 0
  # Locale C: deterministic, and it exists even where no locales are generated.
  as_pg "$PG_BIN/initdb" -D "$PG_BASE/data" -A trust -U postgres -E UTF8 --locale=C >>"$PG_LOG" 2>&1 \
    || { tail -n 20 "$PG_LOG" >&2; die "initdb failed (see $PG_LOG)"; }
}
