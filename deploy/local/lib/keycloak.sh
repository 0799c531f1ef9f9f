# shellcheck shell=bash
# Component `keycloak`: people's identity (OpenID Connect). The official Keycloak distribution from
# Maven Central, started with `java` on 127.0.0.1, its data in the database `keycloak` of the postgres
# component (so it comes after postgres in `up` and goes before it in `down`), the staff realm `anpr`
# imported from deploy/keycloak/import/ on its first start. Implements the component functions.

readonly KC_VERSION=26.5.6   # keep in sync with docker-compose.yml's image
readonly KC_PORT="${ANPR_KEYCLOAK_PORT:-8180}"
readonly KC_CACHE="$CACHE_DIR/keycloak"
readonly KC_DIST="$KC_CACHE/keycloak-$KC_VERSION"
readonly KC_REALM_DIR="$REPO_ROOT/deploy/keycloak/import"
readonly KC_DIR="$RUN_DIR/keycloak"
readonly KC_HOME="$KC_DIR/home"
readonly KC_PID_FILE="$KC_DIR/keycloak.pid"
readonly KC_LOG="$KC_DIR/keycloak.log"
readonly KC_URL="http://127.0.0.1:$KC_PORT"
readonly KC_ISSUER="$KC_URL/realms/anpr"
# The applicants' realm (permit counter): stands in for DigiD / eHerkenning, imported next to `anpr`.
readonly KC_PUBLIC_ISSUER="$KC_URL/realms/anpr-public"
# Demo people, one per role: <VAR>:<username>; VAR names ANPR_DEMO_<VAR>_USER/_PASSWORD in <run>/env.
readonly KC_PEOPLE=(REVIEWER:demo-reviewer REVIEWER_2:demo-reviewer-2 SUPERVISOR:demo-supervisor
  OPERATOR:demo-operator PERMIT_DESK:demo-permit-desk ADMIN:demo-admin)
# Demo applicants in anpr-public: residents carry a BSN-like `bsn` claim, the business a KvK-like `kvk`.
readonly KC_APPLICANTS=(RESIDENT:demo-resident RESIDENT_2:demo-resident-2 BUSINESS:demo-business)

# shellcheck source=keycloak-files.sh
source "$LIB_DIR/keycloak-files.sh"

keycloak_check_config() {
  check_port_number ANPR_KEYCLOAK_PORT "$KC_PORT"
  check_port_number ANPR_CONSOLE_PORT "$CONSOLE_PORT"   # the realm's redirect URIs are built from it
}

# The recorded PID (kc.sh, which stays the parent of its java), if alive and really ours.
kc_pid() {
  local pid
  [[ -s "$KC_PID_FILE" ]] || return 1
  pid="$(cat "$KC_PID_FILE")"
  pid_alive "$pid" || return 1
  [[ "$(pid_cmdline "$pid")" == *"$KC_HOME/bin/kc.sh"* ]] || return 1
  echo "$pid"
}

kc_realm_answers() { [[ "$(http_code "$KC_ISSUER/.well-known/openid-configuration")" == 200 ]]; }

# Up to 300 s: the first start creates the schema and imports the realm (95 s seen on 2 busy cores);
# fails at once if it died.
kc_wait_ready() {
  local pid="$1" i
  for ((i = 0; i < 1500; i++)); do
    kc_realm_answers && return 0
    if ! pid_alive "$pid"; then
      log "infra: keycloak exited during start-up; last lines of $KC_LOG:"
      tail -n 40 "$KC_LOG" >&2 || true
      rm -f "$KC_PID_FILE"
      exit 1
    fi
    sleep 0.2
  done
  log "infra: the realm did not answer within 300 s; last lines of $KC_LOG:"
  tail -n 40 "$KC_LOG" >&2 || true
  exit 1
}

keycloak_preflight() {
  kc_pid >/dev/null && return 0
  port_open "$KC_PORT" && die "port $KC_PORT is taken by another process (set ANPR_KEYCLOAK_PORT)"
  [[ -x "$(command -v "$(java_bin)")" ]] || die "java not found (OpenJDK 17 or later, for Kafka and Keycloak)"
  return 0
}

keycloak_up() {
  local pid
  mkdir -p "$KC_DIR"
  if pid="$(kc_pid)"; then
    kc_wait_ready "$pid"
    log "infra: keycloak already running (pid $pid)"
    return 0
  fi
  rm -f "$KC_PID_FILE"
  keycloak_preflight
  kc_ensure_distribution
  kc_prepare_home
  kc_create_database
  local t0 t1 secs launch_env
  mapfile -t launch_env < <(kc_launch_env)
  t0="$(date +%s.%N)"
  # setsid: own session and process group, so Ctrl-C in the caller's terminal does not reach it and
  # `down` can stop kc.sh together with its java.
  env "${launch_env[@]}" setsid "$KC_HOME/bin/kc.sh" start --optimized \
    --http-enabled=true --http-host=127.0.0.1 --http-port="$KC_PORT" --hostname="$KC_URL" \
    --db-url="jdbc:postgresql://127.0.0.1:$PG_PORT/keycloak" --db-username=postgres \
    --import-realm >>"$KC_LOG" 2>&1 </dev/null 8>&- 9>&- &
  pid=$!
  echo "$pid" >"$KC_PID_FILE"
  kc_wait_ready "$pid"
  t1="$(date +%s.%N)"
  secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')"
  echo "$secs" >"$KC_DIR/startup-seconds"
  log "infra: keycloak started in ${secs}s (pid $pid, $KC_ISSUER)"
  kc_check_console_redirect
}

# Live members of process group $1 (kc.sh and its java), read from /proc: no procps needed.
kc_group_members() {
  local stat rest state pgrp
  for stat in /proc/[0-9]*/stat; do
    rest="$(cat "$stat" 2>/dev/null)" || continue
    rest="${rest##*) }"   # after "pid (comm) ": state ppid pgrp ...
    read -r state _ pgrp _ <<<"$rest"
    [[ "$pgrp" == "$1" && "$state" != Z ]] && { stat="${stat#/proc/}"; echo "${stat%/stat}"; }
  done
  return 0
}

keycloak_down() {
  local pid i
  if ! pid="$(kc_pid)"; then
    rm -f "$KC_PID_FILE"
    log "infra: keycloak not running"
    return 0
  fi
  kill -TERM -- "-$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    [[ -z "$(kc_group_members "$pid")" ]] && break
    sleep 0.1
  done
  if [[ -n "$(kc_group_members "$pid")" ]]; then
    log "infra: keycloak still running 30 s after SIGTERM; sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || true
    sleep 1
  fi
  [[ -z "$(kc_group_members "$pid")" ]] || die "keycloak (group $pid) is still alive"
  rm -f "$KC_PID_FILE"
  log "infra: keycloak stopped"
}

# One line; true only when Keycloak runs and the realm answers.
keycloak_status() {
  local pid rss kid
  if [[ -d "$RUN_DIR" ]] && pid="$(kc_pid)"; then
    rss="$(rss_kib "$pid")"
    for kid in $(child_pids "$pid"); do rss=$((rss + $(rss_kib "$kid"))); done
    if kc_realm_answers; then
      echo "keycloak  running  pid=$pid  port=$KC_PORT  rss=$(mib "$rss")MiB  startup=$(cat "$KC_DIR/startup-seconds" 2>/dev/null || echo '?')s  issuer=$KC_ISSUER"
      return 0
    fi
    echo "keycloak  not-ready  pid=$pid  port=$KC_PORT"
  else
    echo "keycloak  stopped  port=$KC_PORT"
  fi
  return 1
}

# Written whether or not it runs (like the other components): the values are fixed per run dir.
keycloak_env() {
  local entry var
  echo "export ANPR_KEYCLOAK_URL='$KC_URL'"
  echo "export ANPR_OIDC_ISSUER='$KC_ISSUER'"
  echo "export ANPR_OIDC_CONSOLE_CLIENT_ID='anpr-console'"
  echo "export ANPR_OIDC_CONSOLE_CLIENT_SECRET='$(kc_secret console-client-secret)'"
  echo "export ANPR_OIDC_TEST_CLIENT_ID='anpr-tests'"
  echo "export ANPR_PUBLIC_OIDC_ISSUER='$KC_PUBLIC_ISSUER'"
  echo "export ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_ID='anpr-loket'"
  echo "export ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_SECRET='$(kc_secret public-console-client-secret)'"
  echo "export ANPR_PUBLIC_OIDC_TEST_CLIENT_ID='anpr-public-tests'"
  for entry in "${KC_PEOPLE[@]}" "${KC_APPLICANTS[@]}"; do
    var="${entry%%:*}"
    echo "export ANPR_DEMO_${var}_USER='${entry#*:}'"
    echo "export ANPR_DEMO_${var}_PASSWORD='$(kc_demo_password "$var")'"
  done
}

# The database `keycloak` goes with the postgres component's data; the home, log and secrets are here.
keycloak_purge() { rm -rf -- "$KC_DIR"; }
