# shellcheck shell=bash
# Component `smtp`: a real SMTP server for the status mails of the permit counter (exemptions), aiosmtpd
# (pinned in the workspace's dev dependencies) run from the project's virtualenv as deploy/local/smtp_sink.py
# on 127.0.0.1; every message it accepts lands as a .eml file in <run>/mail/, nothing is relayed.
# Implements the component functions infra.sh calls.

# Default: next to Keycloak's port (8180 -> 8025, make test's 28180 -> 28025), so run dirs that already
# keep their Keycloaks apart keep their mail servers apart too.
_smtp_default_port() {
  local kc="${ANPR_KEYCLOAK_PORT:-8180}"
  if [[ "$kc" =~ ^[0-9]+$ ]] && ((kc > 155 && kc <= 65535)); then echo $((kc - 155)); else echo 8025; fi
}
readonly SMTP_PORT="${ANPR_SMTP_PORT:-$(_smtp_default_port)}"
readonly SMTP_MAIL_DIR="$RUN_DIR/mail"
readonly SMTP_PID_FILE="$RUN_DIR/smtp.pid"
readonly SMTP_LOG="$RUN_DIR/smtp.log"
readonly SMTP_SCRIPT="$SCRIPT_DIR/smtp_sink.py"
readonly SMTP_PYTHON="${ANPR_PYTHON:-$REPO_ROOT/.venv/bin/python}"

smtp_check_config() { check_port_number ANPR_SMTP_PORT "$SMTP_PORT"; }

# The recorded PID, if alive and really our sink for this run dir (guards against PID reuse).
smtp_pid() {
  local pid
  [[ -s "$SMTP_PID_FILE" ]] || return 1
  pid="$(cat "$SMTP_PID_FILE")"
  pid_alive "$pid" || return 1
  [[ "$(pid_cmdline "$pid")" == *"$SMTP_SCRIPT --port $SMTP_PORT --dir $SMTP_MAIL_DIR"* ]] || return 1
  echo "$pid"
}

smtp_preflight() {
  smtp_pid >/dev/null && return 0
  port_open "$SMTP_PORT" && die "port $SMTP_PORT is taken by another process (set ANPR_SMTP_PORT)"
  "$SMTP_PYTHON" -c 'import aiosmtpd' 2>/dev/null \
    || die "aiosmtpd not importable by $SMTP_PYTHON (run make setup, or set ANPR_PYTHON)"
  return 0
}

smtp_up() {
  local pid i
  if pid="$(smtp_pid)"; then
    log "infra: smtp already running (pid $pid)"
    return 0
  fi
  rm -f "$SMTP_PID_FILE"
  smtp_preflight
  mkdir -p "$SMTP_MAIL_DIR"
  setsid "$SMTP_PYTHON" "$SMTP_SCRIPT" --port "$SMTP_PORT" --dir "$SMTP_MAIL_DIR" \
    >>"$SMTP_LOG" 2>&1 </dev/null 8>&- 9>&- &
  pid=$!
  echo "$pid" >"$SMTP_PID_FILE"
  for ((i = 0; i < 150; i++)); do
    if port_open "$SMTP_PORT"; then
      log "infra: smtp started (pid $pid, 127.0.0.1:$SMTP_PORT, mail in $SMTP_MAIL_DIR)"
      return 0
    fi
    if ! pid_alive "$pid"; then
      tail -n 20 "$SMTP_LOG" >&2 || true
      rm -f "$SMTP_PID_FILE"
      die "smtp exited during start-up (see $SMTP_LOG)"
    fi
    sleep 0.2
  done
  die "smtp did not open port $SMTP_PORT within 30 s (see $SMTP_LOG)"
}

smtp_down() {
  local pid
  if ! pid="$(smtp_pid)"; then
    rm -f "$SMTP_PID_FILE"
    log "infra: smtp not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  wait_pid_gone "$pid" 100 || { kill -KILL "$pid" 2>/dev/null || true; wait_pid_gone "$pid" 20 || true; }
  rm -f "$SMTP_PID_FILE"
  log "infra: smtp stopped"
}

smtp_status() {
  local pid
  if [[ -d "$RUN_DIR" ]] && pid="$(smtp_pid)" && port_open "$SMTP_PORT"; then
    echo "smtp      running  pid=$pid  port=$SMTP_PORT  rss=$(mib "$(rss_kib "$pid")")MiB  mail=$SMTP_MAIL_DIR"
    return 0
  fi
  echo "smtp      stopped  port=$SMTP_PORT"
  return 1
}

# Plaintext on loopback: the sink is local only (production: the municipality's relay with starttls/tls).
smtp_env() {
  echo "export ANPR_SMTP_HOST='127.0.0.1'"
  echo "export ANPR_SMTP_PORT='$SMTP_PORT'"
  echo "export ANPR_SMTP_TLS='none'"
  echo "export ANPR_SMTP_FROM='vergunningen@gemeente.invalid'"
  echo "export ANPR_MAIL_DIR=$(shell_quote "$SMTP_MAIL_DIR")"
}

smtp_purge() { rm -rf -- "$SMTP_MAIL_DIR" "$SMTP_LOG"; }
