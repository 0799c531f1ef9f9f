# shellcheck shell=bash
# The commands of infra.sh, run over every component in $COMPONENTS. A component `c` is a file
# lib/c.sh defining c_check_config, c_up, c_down, c_status (one line; true when running and ready),
# c_env (export lines for <run>/env), c_purge, and optionally c_preflight (checks before anything starts).

# Calls c_$1 for every component c given that defines it, in the given order.
each() {
  local step="$1" c
  shift
  for c in "$@"; do
    if declare -F "${c}_$step" >/dev/null; then "${c}_$step"; fi
  done
}

reversed() { local i; for ((i = $#; i > 0; i--)); do echo "${!i}"; done; }

component_names() { (IFS='|'; echo "${COMPONENTS[*]}"); }

write_env() {
  local admin key dead_letter_key
  admin="$(persistent_secret "$RUN_DIR/admin-token")"
  key="$(persistent_secret "$RUN_DIR/pseudonym-key")"
  # Kept like the pseudonym key: dead letters sealed with it must stay readable after a restart.
  dead_letter_key="$(persistent_secret "$RUN_DIR/dead-letter-key")"
  (
    umask 077   # holds the admin token
    {
      echo "# Written by deploy/local/infra.sh up -- source it: . $RUN_DIR/env"
      echo "export ANPR_RUN_DIR=$(shell_quote "$RUN_DIR")"
      # Services run as production unless told: this infrastructure is plaintext on 127.0.0.1, a
      # developer's machine, so what runs against it is development (loopback only, see settings.py).
      echo "export ANPR_ENV='development'"
      each env "${COMPONENTS[@]}"
      echo "export ANPR_ADMIN_TOKEN='$admin'"
      echo "export ANPR_PSEUDONYM_KEY='$key'"
      echo "export ANPR_DEAD_LETTER_KEY='$dead_letter_key'"
      echo "export ANPR_INGEST_URL='http://127.0.0.1:8101'"
      echo "export ANPR_RECOGNITION_URL='http://127.0.0.1:8102'"
      echo "export ANPR_RULES_URL='http://127.0.0.1:8103'"
      echo "export ANPR_EXEMPTIONS_URL='http://127.0.0.1:8104'"
      echo "export ANPR_NOTICES_URL='http://127.0.0.1:8105'"
      echo "export ANPR_CONSOLE_PORT='$CONSOLE_PORT'"
      echo "export ANPR_CONSOLE_URL='http://127.0.0.1:$CONSOLE_PORT'"
      # The permit counter's public pages (the console's /loket), linked from exemptions' status mails.
      echo "export ANPR_EXEMPTIONS_COUNTER_URL='http://127.0.0.1:$CONSOLE_PORT/loket'"
    } >"$RUN_DIR/env.tmp"
    mv "$RUN_DIR/env.tmp" "$RUN_DIR/env"
  )
}

# Prints one line per component; returns 0 only if all are running and answering.
print_status() {
  local ok=0 c
  for c in "${COMPONENTS[@]}"; do
    "${c}_status" || ok=1
  done
  return "$ok"
}

# Deletes only what this script creates: a run dir may contain other run dirs (.run/test in .run).
purge() {
  each purge "${COMPONENTS[@]}"
  rm -f -- "$RUN_DIR/env" "$RUN_DIR/admin-token" "$RUN_DIR/pseudonym-key" "$RUN_DIR/dead-letter-key" "$RUN_DIR/.lock"
  rmdir -- "$RUN_DIR" 2>/dev/null || true
  log "infra: purged data in $RUN_DIR"
}

# up [COMPONENT...]: all components, or only those named (the fault suite runs Kafka and PostgreSQL
# without Keycloak, and brings back a killed Kafka node with `up kafka`).
cmd_up() {
  local c wanted=()
  for c in "$@"; do is_component "$c" || die "usage: $0 up [$(component_names) ...]"; done
  for c in $(reversed "${COMPONENTS[@]}"); do
    if (( $# == 0 )) || [[ " $* " == *" $c "* ]]; then wanted+=("$c"); fi
  done
  lock_run_dir
  each preflight "${wanted[@]}"   # fail before starting anything
  for c in "${wanted[@]}"; do "${c}_up"; done
  write_env
  (( $# == 0 )) && { print_status || true; }
  log "infra: environment in $RUN_DIR/env"
}

# down [--purge] stops every component; down COMPONENT stops only that one (its data and the env
# file stay: purging one component alone could leave the others' data inconsistent with it, e.g. the
# realm in PostgreSQL with passwords whose files were deleted).
cmd_down() {
  local purge_data=0 only=""
  case "${1:-}" in
    "") ;;
    --purge) purge_data=1 ;;
    *) is_component "$1" && only="$1" || die "usage: $0 down [--purge | $(component_names)]" ;;
  esac
  if [[ ! -d "$RUN_DIR" ]]; then
    log "infra: nothing in $RUN_DIR"
    return 0
  fi
  lock_run_dir
  if [[ -n "$only" ]]; then
    "${only}_down"
    return 0
  fi
  each down "${COMPONENTS[@]}"
  (( purge_data )) && purge
  return 0
}

is_component() {
  local c
  for c in "${COMPONENTS[@]}"; do [[ "$1" == "$c" ]] && return 0; done
  return 1
}

cmd_status() {
  print_status && return 0
  return 3
}

cmd_restart() {
  is_component "${1:-}" || die "usage: $0 restart $(component_names)"
  lock_run_dir
  "${1}_down"
  "${1}_up"
}
