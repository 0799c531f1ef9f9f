#!/usr/bin/env bash
# Local infrastructure for development, tests and the demo: a genuine Apache Kafka broker (KRaft,
# single node acting as broker and controller, or three such nodes as one cluster; jars from Maven
# Central, started with `java`), a
# throwaway PostgreSQL cluster and Keycloak (people's OpenID Connect logins, the official distribution
# from Maven Central, its data in that PostgreSQL), all on 127.0.0.1 only, all data under the run dir.
#
#   deploy/local/infra.sh up [COMPONENT..] start all, or the named ones (idempotent), write <run>/env
#   deploy/local/infra.sh down [--purge]   stop all; --purge also deletes their data
#   deploy/local/infra.sh down smtp|keycloak|kafka|postgres
#                                          stop only that one (data and <run>/env kept)
#   deploy/local/infra.sh status           exit 0 when all run, 3 otherwise
#   deploy/local/infra.sh restart keycloak|kafka|postgres
#                                          stop and start one of them, data kept (fault-injection tests)
#
# Environment (see deploy/local/README.md):
#   ANPR_RUN_DIR                 default <repo>/.run (a relative path is taken relative to the repo root)
#   ANPR_KAFKA_PORT              default 19092
#   ANPR_KAFKA_CONTROLLER_PORT   default 19093
#   ANPR_KAFKA_BROKERS           default 1 (or what the run dir was formatted with); 3: a three-node KRaft
#                                cluster, node n on ANPR_KAFKA_PORT+2(n-1) and ANPR_KAFKA_CONTROLLER_PORT+2(n-1)
#   ANPR_PG_PORT                 default 15432
#   ANPR_KEYCLOAK_PORT           default 8180
#   ANPR_CONSOLE_PORT            default 8106 (the staff console's port: the realm's redirect URIs follow it)
#   ANPR_SMTP_PORT               default ANPR_KEYCLOAK_PORT - 155, 8025 (the smtp component: mails in <run>/mail/*.eml)
#   ANPR_CACHE_DIR               default $HOME/.cache/anpr (Kafka jars, Keycloak; shared by all run dirs)
#
# Needs only what a fresh Debian 12 has plus OpenJDK 17 and Maven; installs PostgreSQL with apt-get
# when it is missing. The work is in lib/: common.sh and proc.sh (helpers), one file per component
# (keycloak.sh, kafka.sh, postgres.sh), commands.sh (up, down, status, restart over all components).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
LIB_DIR="$SCRIPT_DIR/lib"
readonly SCRIPT_DIR REPO_ROOT LIB_DIR

# A component depends only on those after it: `up` starts them last to first, `down` stops them first
# to last; status lines and <run>/env follow this order. Adding one: lib/<name>.sh (see commands.sh)
# and its name here.
readonly COMPONENTS=(smtp keycloak kafka postgres)

# shellcheck source=lib/common.sh
source "$LIB_DIR/common.sh"
# shellcheck source=lib/proc.sh
source "$LIB_DIR/proc.sh"
for component in "${COMPONENTS[@]}"; do
  # shellcheck source=/dev/null
  source "$LIB_DIR/$component.sh"
done
# shellcheck source=lib/commands.sh
source "$LIB_DIR/commands.sh"

main() {
  each check_config "${COMPONENTS[@]}"
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    restart) cmd_restart "$@" ;;
    *) echo "usage: $0 {up [$(component_names) ...]|down [--purge|$(component_names)]|status|restart $(component_names)}" >&2; exit 2 ;;
  esac
}

main "$@"
