#!/usr/bin/env bash
# Local Keycloak: now the component `keycloak` of deploy/local/infra.sh (deploy/local/lib/keycloak.sh),
# started by `infra.sh up` after PostgreSQL and stopped before it; this script is kept for the commands
# people know and forwards to infra.sh with the same environment (ANPR_RUN_DIR, ANPR_KEYCLOAK_PORT, ...).
#
#   deploy/keycloak/keycloak.sh up       infra.sh up: everything, Keycloak included (idempotent), writes <run>/env
#   deploy/keycloak/keycloak.sh down     infra.sh down keycloak: only Keycloak (data stays in PostgreSQL)
#   deploy/keycloak/keycloak.sh status   Keycloak's status line; exit 0 when running and answering, 3 otherwise
#   deploy/keycloak/keycloak.sh restart  infra.sh restart keycloak
set -euo pipefail
infra="$(cd "$(dirname "${BASH_SOURCE[0]}")/../local" && pwd)/infra.sh"

case "${1:-}" in
  up) exec bash "$infra" up ;;
  down) exec bash "$infra" down keycloak ;;
  restart) exec bash "$infra" restart keycloak ;;
  status)
    line="$(bash "$infra" status | grep '^keycloak ')" || true
    echo "${line:-keycloak  unknown}"
    [[ "$line" == "keycloak  running"* ]] || exit 3
    ;;
  *) echo "usage: $0 {up|down|status|restart}" >&2; exit 2 ;;
esac
