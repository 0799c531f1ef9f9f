# shellcheck shell=bash
# Settings every component shares, logging, secrets and the run-dir lock. Sourced by infra.sh, which
# has set SCRIPT_DIR and REPO_ROOT.

RUN_DIR="${ANPR_RUN_DIR:-.run}"
[[ "$RUN_DIR" == /* ]] || RUN_DIR="$REPO_ROOT/$RUN_DIR"
# Canonical form: PID ownership checks compare it with the broker's command line.
RUN_DIR="$(realpath -m -- "$RUN_DIR")"
readonly RUN_DIR
readonly CACHE_DIR="${ANPR_CACHE_DIR:-${HOME:-/tmp}/.cache/anpr}"
# The staff console is a service (anpr run console), not a component; its port is here because the
# realm's redirect URIs (keycloak) and ANPR_CONSOLE_URL in <run>/env (commands.sh) both follow it.
readonly CONSOLE_PORT="${ANPR_CONSOLE_PORT:-8106}"

# Kafka and Keycloak both run on the JVM.
java_bin() { if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME/bin/java"; else echo java; fi; }

log() { printf '%s\n' "$*" >&2; }
die() { log "infra: error: $*"; exit 1; }

shell_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# URL-safe base64 of N random bytes, without padding.
random_urlsafe() { head -c "$1" /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='; }

# Prints the content of a secret file, creating it once (kept across ups so tokens stay stable).
persistent_secret() {
  local file="$1"
  if [[ ! -s "$file" ]]; then
    (umask 077 && random_urlsafe 32 >"$file.tmp" && mv "$file.tmp" "$file")
  fi
  cat "$file"
}

check_port_number() {
  if ! [[ "$2" =~ ^[0-9]+$ ]] || (( $2 < 1 || $2 > 65535 )); then
    die "$1 must be a TCP port number, got '$2'"
  fi
}

# Serialise up/down per run dir, so that e.g. parallel test workers calling `up` do not race.
# Long-lived children (java, postmaster) must be started with 9>&- or they would hold the lock forever.
lock_run_dir() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/.lock"
  flock 9
}
