#!/usr/bin/env bash
# Local Keycloak for development, tests and the demo: the official distribution (Maven Central), on
# 127.0.0.1, its data in the project's PostgreSQL (database `keycloak`), the staff realm `anpr`
# imported from deploy/keycloak/import/ on first start. Needs deploy/local/infra.sh up first.
#
#   deploy/keycloak/keycloak.sh up       start (idempotent), wait until the realm answers, update <run>/env
#   deploy/keycloak/keycloak.sh down     stop (data stays in PostgreSQL)
#   deploy/keycloak/keycloak.sh status   one line; exit 0 when running and answering, 3 otherwise
#
# Environment:
#   ANPR_RUN_DIR          default <repo>/.run; <run>/env must exist (written by infra.sh up)
#   ANPR_KEYCLOAK_PORT    default 8180
#   ANPR_PG_PORT          default: the port in ANPR_PG_DSN of <run>/env
#   ANPR_CACHE_DIR        default $HOME/.cache/anpr (the distribution, shared by all run dirs)
set -euo pipefail

readonly KC_VERSION=26.5.6
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
RUN_DIR="${ANPR_RUN_DIR:-.run}"
[[ "$RUN_DIR" == /* ]] || RUN_DIR="$REPO_ROOT/$RUN_DIR"
RUN_DIR="$(realpath -m -- "$RUN_DIR")"
readonly SCRIPT_DIR REPO_ROOT RUN_DIR
readonly CACHE_DIR="${ANPR_CACHE_DIR:-${HOME:-/tmp}/.cache/anpr}/keycloak"
readonly DIST="$CACHE_DIR/keycloak-$KC_VERSION"
readonly PORT="${ANPR_KEYCLOAK_PORT:-8180}"
readonly KC_DIR="$RUN_DIR/keycloak"
readonly HOME_DIR="$KC_DIR/home"       # kc.home.dir: bin and conf copied, lib/themes/providers linked, data/ own
readonly PID_FILE="$KC_DIR/keycloak.pid"
readonly LOG_FILE="$KC_DIR/keycloak.log"
readonly ENV_FILE="$RUN_DIR/env"
readonly ISSUER="http://127.0.0.1:$PORT/realms/anpr"
# Demo people: <VAR>:<username>; VAR names ANPR_DEMO_<VAR>_USER/_PASSWORD in <run>/env.
readonly PEOPLE=(REVIEWER:demo-reviewer REVIEWER_2:demo-reviewer-2 SUPERVISOR:demo-supervisor
  OPERATOR:demo-operator PERMIT_DESK:demo-permit-desk ADMIN:demo-admin)

log() { printf 'keycloak: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] && ((PORT > 0 && PORT < 65536)) || die "ANPR_KEYCLOAK_PORT must be a TCP port, got '$PORT'"

pid_alive() {
  local state
  [[ "$1" =~ ^[0-9]+$ ]] || return 1
  state="$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# Live members of process group $1 (kc.sh and the java it starts), by /proc: no procps needed.
group_members() {
  local stat rest state pgrp
  for stat in /proc/[0-9]*/stat; do
    rest="$(cat "$stat" 2>/dev/null)" || continue
    rest="${rest##*) }"   # after "pid (comm) ": state ppid pgrp ...
    read -r state _ pgrp _ <<<"$rest"
    [[ "$pgrp" == "$1" && "$state" != Z ]] && { stat="${stat#/proc/}"; echo "${stat%/stat}"; }
  done
  return 0
}

# The recorded PID, if alive and really our Keycloak (guards against PID reuse).
kc_pid() {
  local pid
  [[ -s "$PID_FILE" ]] || return 1
  pid="$(cat "$PID_FILE")"
  pid_alive "$pid" || return 1
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"$HOME_DIR/bin/kc.sh"* ]] || return 1
  echo "$pid"
}

port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null; }

realm_answers() {
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$ISSUER/.well-known/openid-configuration")" == 200 ]]
}

persistent_secret() {
  local file="$1"
  if [[ ! -s "$file" ]]; then
    (umask 077 && head -c 18 /dev/urandom | base64 -w0 | tr '+/' '-_' >"$file.tmp" && mv "$file.tmp" "$file")
  fi
  cat "$file"
}

# The distribution, fetched and unpacked once per cache, then built once for PostgreSQL and a local
# (non-clustered) cache so that every start is `start --optimized` and never writes into lib/.
ensure_distribution() {
  mkdir -p "$CACHE_DIR"
  exec 8>"$CACHE_DIR/.lock"
  flock 8
  if [[ ! -s "$DIST/version.txt" ]]; then
    if [[ ! -s "$CACHE_DIR/keycloak-quarkus-dist-$KC_VERSION.zip" ]]; then
      log "fetching org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip (about 165 MB) into $CACHE_DIR"
      mvn -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" \
        -DoutputDirectory="$CACHE_DIR" >&2 || die "maven could not fetch the Keycloak distribution"
    fi
    rm -rf -- "$DIST.tmp" && mkdir -p "$DIST.tmp"
    unzip -q "$CACHE_DIR/keycloak-quarkus-dist-$KC_VERSION.zip" -d "$DIST.tmp"
    rm -rf -- "$DIST" && mv "$DIST.tmp/keycloak-$KC_VERSION" "$DIST" && rmdir "$DIST.tmp"
  fi
  if [[ ! -f "$DIST/.anpr-built" ]]; then
    log "building the distribution for PostgreSQL (once)"
    "$DIST/bin/kc.sh" build --db=postgres --cache=local >"$CACHE_DIR/build.log" 2>&1 \
      || { tail -n 30 "$CACHE_DIR/build.log" >&2; die "kc.sh build failed (see $CACHE_DIR/build.log)"; }
    touch "$DIST/.anpr-built"
  fi
  exec 8>&-
}

prepare_home() {
  mkdir -p "$HOME_DIR/data/import"
  rm -rf -- "$HOME_DIR/bin" "$HOME_DIR/conf"
  cp -r "$DIST/bin" "$DIST/conf" "$HOME_DIR/"
  local d
  for d in lib themes providers; do ln -sfn "$DIST/$d" "$HOME_DIR/$d"; done
  rm -f "$HOME_DIR"/data/import/*.json
  cp "$SCRIPT_DIR"/import/*.json "$HOME_DIR/data/import/"
}

pg_port() {
  if [[ -n "${ANPR_PG_PORT:-}" ]]; then echo "$ANPR_PG_PORT"; return; fi
  local dsn
  dsn="$(sed -n "s/^export ANPR_PG_DSN='\(.*\)'$/\1/p" "$ENV_FILE")"
  [[ "$dsn" =~ :([0-9]+)/ ]] || die "no ANPR_PG_DSN with a port in $ENV_FILE (run deploy/local/infra.sh up)"
  echo "${BASH_REMATCH[1]}"
}

psql_bin() {
  command -v psql 2>/dev/null && return
  local found
  found="$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$found" ]] || die "psql not found"
  echo "$found"
}

create_database() {
  local psql=("$(psql_bin)" -X -q -h 127.0.0.1 -p "$1" -U postgres -d postgres -v ON_ERROR_STOP=1)
  if [[ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'keycloak'")" != 1 ]]; then
    "${psql[@]}" -c 'CREATE DATABASE keycloak' >/dev/null
    log "created database keycloak"
  fi
}

# Replace (never duplicate) our lines in <run>/env.
update_env() {
  local lines=() entry var user
  lines+=("export ANPR_KEYCLOAK_URL='http://127.0.0.1:$PORT'")
  lines+=("export ANPR_OIDC_ISSUER='$ISSUER'")
  lines+=("export ANPR_OIDC_CONSOLE_CLIENT_ID='anpr-console'")
  lines+=("export ANPR_OIDC_CONSOLE_CLIENT_SECRET='$ANPR_OIDC_CONSOLE_CLIENT_SECRET'")
  lines+=("export ANPR_OIDC_TEST_CLIENT_ID='anpr-tests'")
  for entry in "${PEOPLE[@]}"; do
    var="${entry%%:*}" user="${entry#*:}"
    lines+=("export ANPR_DEMO_${var}_USER='$user'")
    lines+=("export ANPR_DEMO_${var}_PASSWORD='$(demo_password "$var")'")
  done
  (
    umask 077
    grep -v -E "^export (ANPR_KEYCLOAK_URL|ANPR_OIDC_ISSUER|ANPR_OIDC_CONSOLE_CLIENT_(ID|SECRET)|ANPR_OIDC_TEST_CLIENT_ID|ANPR_DEMO_[A-Z0-9_]+_(USER|PASSWORD))=" \
      "$ENV_FILE" >"$ENV_FILE.kc.tmp" || true
    printf '%s\n' "${lines[@]}" >>"$ENV_FILE.kc.tmp"
    mv "$ENV_FILE.kc.tmp" "$ENV_FILE"
  )
}

remove_env() {
  [[ -f "$ENV_FILE" ]] || return 0
  grep -v -E "^export (ANPR_KEYCLOAK_URL|ANPR_OIDC_ISSUER|ANPR_OIDC_CONSOLE_CLIENT_(ID|SECRET)|ANPR_OIDC_TEST_CLIENT_ID|ANPR_DEMO_[A-Z0-9_]+_(USER|PASSWORD))=" \
    "$ENV_FILE" >"$ENV_FILE.kc.tmp" || true
  mv "$ENV_FILE.kc.tmp" "$ENV_FILE"
}

demo_password() { persistent_secret "$KC_DIR/secrets/demo-$(tr 'A-Z_' 'a-z-' <<<"$1")-password"; }

export_secrets() {
  mkdir -p "$KC_DIR/secrets" && chmod 700 "$KC_DIR/secrets"
  local entry
  for entry in "${PEOPLE[@]}"; do
    export "ANPR_DEMO_${entry%%:*}_PASSWORD=$(demo_password "${entry%%:*}")"
  done
  ANPR_OIDC_CONSOLE_CLIENT_SECRET="$(persistent_secret "$KC_DIR/secrets/console-client-secret")"
  export ANPR_OIDC_CONSOLE_CLIENT_SECRET
  export KC_BOOTSTRAP_ADMIN_USERNAME=admin
  KC_BOOTSTRAP_ADMIN_PASSWORD="$(persistent_secret "$KC_DIR/secrets/bootstrap-admin-password")"
  export KC_BOOTSTRAP_ADMIN_PASSWORD
}

wait_ready() {
  local pid="$1" i
  for ((i = 0; i < 900; i++)); do   # 180 s: the first start creates the schema and imports the realm
    realm_answers && return 0
    if ! pid_alive "$pid"; then
      log "Keycloak exited during start-up; last lines of $LOG_FILE:"
      tail -n 40 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      exit 1
    fi
    sleep 0.2
  done
  log "the realm did not answer within 180 s; last lines of $LOG_FILE:"
  tail -n 40 "$LOG_FILE" >&2 || true
  exit 1
}

cmd_up() {
  [[ -f "$ENV_FILE" ]] || die "$ENV_FILE is missing: run deploy/local/infra.sh up first"
  command -v java >/dev/null || die "java not found (OpenJDK 17 or later)"
  mkdir -p "$KC_DIR"
  exec 9>"$KC_DIR/.lock"
  flock 9
  export_secrets
  local pid
  if pid="$(kc_pid)"; then
    wait_ready "$pid"
    log "already running (pid $pid, $ISSUER)"
    update_env
    return 0
  fi
  rm -f "$PID_FILE"
  port_open "$PORT" && die "port $PORT is taken by another process (set ANPR_KEYCLOAK_PORT)"
  ensure_distribution
  prepare_home
  local db_port t0
  db_port="$(pg_port)"
  create_database "$db_port"
  t0="$(date +%s)"
  # setsid: own session and process group (Ctrl-C or make's group do not reach it; down stops the group).
  JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" setsid "$HOME_DIR/bin/kc.sh" start --optimized \
    --http-enabled=true --http-host=127.0.0.1 --http-port="$PORT" \
    --hostname="http://127.0.0.1:$PORT" \
    --db-url="jdbc:postgresql://127.0.0.1:$db_port/keycloak" --db-username=postgres \
    --import-realm >>"$LOG_FILE" 2>&1 </dev/null 8>&- 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  wait_ready "$pid"
  log "started in $(($(date +%s) - t0)) s (pid $pid, $ISSUER)"
  update_env
}

cmd_down() {
  local pid
  [[ -d "$KC_DIR" ]] || { log "not running"; return 0; }
  exec 9>"$KC_DIR/.lock"
  flock 9
  if ! pid="$(kc_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    remove_env
    return 0
  fi
  kill -TERM -- "-$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 300; i++)); do
    [[ -z "$(group_members "$pid")" ]] && break
    sleep 0.1
  done
  if [[ -n "$(group_members "$pid")" ]]; then
    log "still running 30 s after SIGTERM; sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || true
    sleep 1
  fi
  [[ -z "$(group_members "$pid")" ]] || die "Keycloak (group $pid) is still alive"
  rm -f "$PID_FILE"
  remove_env
  log "stopped"
}

cmd_status() {
  local pid
  if [[ -d "$KC_DIR" ]] && pid="$(kc_pid)"; then
    if realm_answers; then
      echo "keycloak  running  pid=$pid  port=$PORT  issuer=$ISSUER"
      return 0
    fi
    echo "keycloak  not-ready  pid=$pid  port=$PORT"
  else
    echo "keycloak  stopped  port=$PORT"
  fi
  return 3
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: $0 {up|down|status}" >&2; exit 2 ;;
esac
