#!/usr/bin/env bash
# Run a command with the local Kafka, PostgreSQL and Keycloak up, and stop them afterwards whatever the
# command did. Used by `make test`; the run dir and ports come from the environment (see infra.sh). The
# command gets <run>/env exported: KAFKA_BOOTSTRAP, DATABASE_URL, ANPR_OIDC_ISSUER, ANPR_DEMO_*, ...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cleanup() {
  local code=$?
  # Services a test may have started are process groups recorded under the run dir (anpr_cli.processes):
  # the whole group, so no HTTP worker is left behind.
  for pidfile in "${ANPR_RUN_DIR:-$here/../../.run}"/services/*.pid; do
    [ -f "$pidfile" ] && { kill -TERM -- "-$(cat "$pidfile")" || kill -TERM "$(cat "$pidfile")"; } 2>/dev/null || true
  done
  # A fault run with a Kafka cluster of its own (anpr_bench.faults.infra) that was killed before its own
  # clean-up: its brokers and PostgreSQL run from <run>/faults-*-infra, which says what to stop.
  for own in "${ANPR_RUN_DIR:-$here/../../.run}"/faults-*-infra; do
    [ -d "$own" ] && ANPR_RUN_DIR="$own" bash "$here/infra.sh" down kafka && ANPR_RUN_DIR="$own" bash "$here/infra.sh" down postgres || true
  done
  bash "$here/infra.sh" down || true
  exit "$code"
}
trap cleanup EXIT INT TERM
bash "$here/infra.sh" up
set -a
# shellcheck disable=SC1091
source "${ANPR_RUN_DIR:-$here/../../.run}/env"
set +a
"$@"
