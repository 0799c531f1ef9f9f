#!/usr/bin/env bash
# Local infrastructure for development, tests and the demo: a genuine Apache Kafka broker (KRaft,
# single node acting as broker and controller, jars from Maven Central, started with `java`) and a
# throwaway PostgreSQL cluster, both listening on 127.0.0.1 only, all data under the run dir.
#
#   deploy/local/infra.sh up               start both (idempotent), write <run>/env
#   deploy/local/infra.sh down [--purge]   stop both; --purge also deletes their data
#   deploy/local/infra.sh status           exit 0 when both run, 3 otherwise
#   deploy/local/infra.sh restart kafka|postgres
#                                          stop and start one of them, data kept (fault-injection tests)
#
# Environment (see deploy/local/README.md):
#   ANPR_RUN_DIR                 default <repo>/.run (a relative path is taken relative to the repo root)
#   ANPR_KAFKA_PORT              default 19092
#   ANPR_KAFKA_CONTROLLER_PORT   default 19093
#   ANPR_PG_PORT                 default 15432
#   ANPR_CACHE_DIR               default $HOME/.cache/anpr (Kafka jars, shared by all run dirs)
#
# Needs only what a fresh Debian 12 has plus OpenJDK 17 and Maven; installs PostgreSQL with apt-get
# when it is missing. Deliberately uses /proc and bash's /dev/tcp instead of ps/pgrep/nc, because
# procps and netcat are not part of a minimal Debian.
set -euo pipefail

readonly KAFKA_VERSION=4.1.1   # keep in sync with deploy/local/kafka/pom.xml
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT

RUN_DIR="${ANPR_RUN_DIR:-.run}"
[[ "$RUN_DIR" == /* ]] || RUN_DIR="$REPO_ROOT/$RUN_DIR"
# Canonical form: PID ownership checks compare it with the broker's command line.
RUN_DIR="$(realpath -m -- "$RUN_DIR")"
readonly RUN_DIR
readonly KAFKA_PORT="${ANPR_KAFKA_PORT:-19092}"
readonly KAFKA_CONTROLLER_PORT="${ANPR_KAFKA_CONTROLLER_PORT:-19093}"
readonly PG_PORT="${ANPR_PG_PORT:-15432}"
readonly CACHE_DIR="${ANPR_CACHE_DIR:-${HOME:-/tmp}/.cache/anpr}"
readonly KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
readonly KAFKA_LIBS="$KAFKA_HOME/libs"
readonly KAFKA_POM="$SCRIPT_DIR/kafka/pom.xml"

readonly KAFKA_PID_FILE="$RUN_DIR/kafka.pid"
readonly KAFKA_DATA="$RUN_DIR/kafka-data"
readonly KAFKA_LOG="$RUN_DIR/kafka.log"
readonly KAFKA_PROPS="$RUN_DIR/server.properties"
readonly KAFKA_LOG4J="$RUN_DIR/log4j2.properties"
readonly PG_LOG="$RUN_DIR/postgres.log"
# <run>/pg holds data/ and socket/ -- or is a symlink to a /tmp dir with that layout (see pg_prepare_base).
readonly PG_LINK="$RUN_DIR/pg"
readonly MAX_FRAME_BYTES=4194304   # room for ~4 MB camera frames; producer/consumer limits must match

log() { printf '%s\n' "$*" >&2; }
die() { log "infra: error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------------
# Small process/port helpers (no procps needed)
# ---------------------------------------------------------------------------------------------------

# A PID counts as alive unless it is gone or a zombie (in containers nobody may reap it promptly).
pid_alive() {
  local pid="$1" state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  state="$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

pid_cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

# bash's /dev/tcp: a successful connect means the listener is up.
port_open() {
  # shellcheck disable=SC2016  # $1 is expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

rss_kib() {   # resident memory in KiB (0 if the process is gone)
  local v
  v="$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null)" || true
  echo "${v:-0}"
}

# Direct children via the kernel's list when available, else by scanning every PPid.
child_pids() {
  local parent="$1" f
  if [[ -r "/proc/$parent/task/$parent/children" ]]; then
    cat "/proc/$parent/task/$parent/children"
    return 0
  fi
  for f in /proc/[0-9]*/status; do
    awk -v p="$parent" '/^Pid:/ {pid=$2} /^PPid:/ && $2 == p {print pid}' "$f" 2>/dev/null || true
  done
}

shell_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

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

# ---------------------------------------------------------------------------------------------------
# Kafka
# ---------------------------------------------------------------------------------------------------

# Jars live in a cache outside the work tree; the marker records which pom.xml produced them, so a
# rerun is instant and a version bump in the POM refreshes the folder.
kafka_ensure_libs() {
  local want have=""
  want="$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
  [[ -f "$KAFKA_HOME/libs.complete" ]] && have="$(cat "$KAFKA_HOME/libs.complete")"
  [[ "$have" == "$want" && -d "$KAFKA_LIBS" ]] && return 0

  mkdir -p "$KAFKA_HOME"
  (
    flock 8   # two run dirs starting at once must not fill the same cache together
    have=""
    [[ -f "$KAFKA_HOME/libs.complete" ]] && have="$(cat "$KAFKA_HOME/libs.complete")"
    [[ "$have" == "$want" && -d "$KAFKA_LIBS" ]] && exit 0
    command -v mvn >/dev/null || die "mvn not found (needed once to fetch the Kafka jars)"
    log "infra: fetching Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS ..."
    local started=$SECONDS tmp="$KAFKA_HOME/libs.tmp.$$"
    rm -rf "$tmp"
    # The plugin version is pinned: Maven 3.8's default dependency plugin is too old.
    # Output goes to a file (even -q prints colour codes) and is shown only when Maven fails.
    mvn -B -q -Dstyle.color=never -f "$KAFKA_POM" \
      org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" >"$KAFKA_HOME/maven.log" 2>&1 \
      || { tail -n 40 "$KAFKA_HOME/maven.log" >&2; rm -rf "$tmp"; die "maven could not fetch the Kafka jars"; }
    ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || die "kafka jar missing after copy"
    rm -f "$KAFKA_HOME/libs.complete"
    rm -rf "$KAFKA_LIBS"
    mv "$tmp" "$KAFKA_LIBS"
    printf '%s\n' "$want" >"$KAFKA_HOME/libs.complete"
    local jars=("$KAFKA_LIBS"/*.jar)
    log "infra: Kafka jars ready (${#jars[@]} jars, $((SECONDS - started))s)"
  ) 8>"$KAFKA_HOME/.lock"
}

# Rewritten on every `up`, so changed ports take effect; the data dir is what persists.
kafka_write_config() {
  cat >"$KAFKA_PROPS" <<EOF
# Written by deploy/local/infra.sh -- edits are overwritten on the next 'up'.
# Single-node KRaft: this process is broker and controller. Always 127.0.0.1 (the host name may not resolve).
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA

# Topics are created explicitly by the services (with their own partition counts and configs).
auto.create.topics.enable=false
num.partitions=3

# One replica of everything; few internal partitions keep start-up and group joins fast.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0

# Camera frames travel through Kafka: room for ~4 MB records.
message.max.bytes=$MAX_FRAME_BYTES
replica.fetch.max.bytes=$MAX_FRAME_BYTES

# Small footprint: the default dedupe buffer alone would take 128 MiB of heap.
log.cleaner.dedupe.buffer.size=2097152
num.network.threads=2
num.io.threads=2
EOF

  # Log4j 2 (Kafka 4.x). Console goes to stdout, which is appended to kafka.log together with
  # anything the JVM itself prints (e.g. a crash), so one file tells the whole story.
  cat >"$KAFKA_LOG4J" <<'EOF'
# Written by deploy/local/infra.sh -- edits are overwritten on the next 'up'.
status = warn
name = anpr-local-kafka
# Kafka logs its own shutdown from a JVM shutdown hook; Log4j must not stop before that.
shutdownHook = disable
appender.out.type = Console
appender.out.name = STDOUT
appender.out.target = SYSTEM_OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
# Quiet by default: INFO-level Kafka logs every segment roll and group rebalance.
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = STDOUT
# ... but keep the start-up / shutdown milestones.
logger.raft_server.name = kafka.server.KafkaRaftServer
logger.raft_server.level = INFO
logger.broker_server.name = kafka.server.BrokerServer
logger.broker_server.level = INFO
logger.controller_server.name = kafka.server.ControllerServer
logger.controller_server.level = INFO
logger.kafka_server.name = kafka.server.KafkaServer
logger.kafka_server.level = INFO
# Client-side config dumps from internal clients are noise.
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
EOF
}

java_bin() { if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME/bin/java"; else echo java; fi; }

# Format once per fresh data dir (meta.properties is what the formatter writes). The cluster id is
# kept in the run dir for reference; a formatted dir with another id would refuse to start.
kafka_format_if_needed() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  local id_file="$RUN_DIR/kafka-cluster-id" cluster_id
  if [[ ! -s "$id_file" ]]; then
    # The formatter's option parser would read an id starting with '-' as an option.
    cluster_id="$(random_urlsafe 16)"
    while [[ "$cluster_id" == -* ]]; do cluster_id="$(random_urlsafe 16)"; done
    printf '%s\n' "$cluster_id" >"$id_file"
  fi
  cluster_id="$(cat "$id_file")"
  mkdir -p "$KAFKA_DATA"
  # Static controller.quorum.voters => no --standalone.
  "$(java_bin)" -Xmx128m -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_LOG4J" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_PROPS" >>"$KAFKA_LOG" 2>&1 \
    || { tail -n 20 "$KAFKA_LOG" >&2; die "kafka storage format failed (see $KAFKA_LOG)"; }
}

# The recorded PID, if it is alive and really our broker (guards against PID reuse).
kafka_pid() {
  local pid
  [[ -s "$KAFKA_PID_FILE" ]] || return 1
  pid="$(cat "$KAFKA_PID_FILE")"
  pid_alive "$pid" || return 1
  [[ "$(pid_cmdline "$pid")" == *"kafka.Kafka $KAFKA_PROPS"* ]] || return 1
  echo "$pid"
}

# Poll the client port every 0.2 s for up to 60 s; give up at once if the JVM died.
kafka_wait_ready() {
  local pid="$1" i
  for ((i = 0; i < 300; i++)); do
    port_open "$KAFKA_PORT" && return 0
    if ! pid_alive "$pid"; then
      log "infra: kafka exited during start-up; last lines of $KAFKA_LOG:"
      tail -n 40 "$KAFKA_LOG" >&2 || true
      rm -f "$KAFKA_PID_FILE"
      exit 1
    fi
    sleep 0.2
  done
  log "infra: kafka did not open port $KAFKA_PORT within 60 s; last lines of $KAFKA_LOG:"
  tail -n 40 "$KAFKA_LOG" >&2 || true
  exit 1
}

# With our broker not running, an answering port belongs to someone else, and the TCP ready check
# would be fooled by it.
kafka_check_ports_free() {
  port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by another process (set ANPR_KAFKA_PORT)"
  port_open "$KAFKA_CONTROLLER_PORT" \
    && die "port $KAFKA_CONTROLLER_PORT is taken by another process (set ANPR_KAFKA_CONTROLLER_PORT)"
  return 0
}

kafka_up() {
  local pid
  if pid="$(kafka_pid)"; then
    kafka_wait_ready "$pid"   # normally instant; covers a broker that is still starting
    log "infra: kafka already running (pid $pid)"
    return 0
  fi
  rm -f "$KAFKA_PID_FILE"     # stale
  kafka_check_ports_free

  kafka_ensure_libs
  kafka_write_config
  kafka_format_if_needed

  local t0 t1 secs
  t0="$(date +%s.%N)"
  # setsid: own session, so Ctrl-C in the calling terminal or make's process group does not hit
  # the broker. Not a group leader here, so setsid execs java directly and $! is the java PID.
  setsid "$(java_bin)" -Xms128m -Xmx384m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$KAFKA_LOG4J" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_PROPS" >>"$KAFKA_LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$KAFKA_PID_FILE"
  kafka_wait_ready "$pid"
  t1="$(date +%s.%N)"
  secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')"
  echo "$secs" >"$RUN_DIR/kafka-startup-seconds"
  log "infra: kafka started in ${secs}s (pid $pid, 127.0.0.1:$KAFKA_PORT)"
}

kafka_down() {
  local pid i
  if ! pid="$(kafka_pid)"; then
    rm -f "$KAFKA_PID_FILE"
    log "infra: kafka not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do   # controlled shutdown normally takes a few seconds
    pid_alive "$pid" || break
    sleep 0.2
  done
  if pid_alive "$pid"; then
    log "infra: kafka (pid $pid) ignored SIGTERM for 30 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  fi
  pid_alive "$pid" && die "kafka (pid $pid) is still alive"
  rm -f "$KAFKA_PID_FILE"
  log "infra: kafka stopped"
}

# ---------------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------------

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

pg_pid() {   # the postmaster PID from postmaster.pid, if that process is alive and a postgres
  local file="$PG_BASE/data/postmaster.pid" pid
  [[ -n "$PG_BASE" && -s "$file" ]] || return 1
  pid="$(head -n 1 "$file")"
  pid_alive "$pid" || return 1
  [[ "$(pid_cmdline "$pid")" == *postgres* ]] || return 1
  echo "$pid"
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
  cat >"$conf" <<EOF
# Written by deploy/local/infra.sh -- edits are overwritten on the next 'up'.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock'
max_connections = 200
EOF
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

pg_create_db() {
  local psql=("$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
  if [[ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'anpr'")" != 1 ]]; then
    "${psql[@]}" -c 'CREATE DATABASE anpr' >/dev/null
  fi
}

pg_up() {
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

pg_down() {
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
  local i
  # pg_ctl -w returns once postmaster.pid is gone; the process itself may need a moment more to exit.
  for ((i = 0; i < 50; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  pid_alive "$pid" && die "postgres (pid $pid) is still alive"
  log "infra: postgres stopped"
}

# ---------------------------------------------------------------------------------------------------
# env file, status, purge
# ---------------------------------------------------------------------------------------------------

write_env() {
  local admin key
  admin="$(persistent_secret "$RUN_DIR/admin-token")"
  key="$(persistent_secret "$RUN_DIR/pseudonym-key")"
  (
    umask 077   # holds the admin token
    cat >"$RUN_DIR/env.tmp" <<EOF
# Written by deploy/local/infra.sh up -- source it: . $RUN_DIR/env
export ANPR_RUN_DIR=$(shell_quote "$RUN_DIR")
export KAFKA_BOOTSTRAP='127.0.0.1:$KAFKA_PORT'
export DATABASE_URL='postgresql+asyncpg://postgres@127.0.0.1:$PG_PORT/anpr'
export ANPR_PG_DSN='postgresql://postgres@127.0.0.1:$PG_PORT/anpr'
export ANPR_ADMIN_TOKEN='$admin'
export ANPR_PSEUDONYM_KEY='$key'
export ANPR_INGEST_URL='http://127.0.0.1:8101'
export ANPR_RECOGNITION_URL='http://127.0.0.1:8102'
export ANPR_RULES_URL='http://127.0.0.1:8103'
export ANPR_EXEMPTIONS_URL='http://127.0.0.1:8104'
export ANPR_NOTICES_URL='http://127.0.0.1:8105'
EOF
    mv "$RUN_DIR/env.tmp" "$RUN_DIR/env"
  )
}

# Prints one line per component; returns 0 only if both are running and answering.
print_status() {
  local ok=0 pid rss line kid
  if [[ -d "$RUN_DIR" ]] && pid="$(kafka_pid)"; then
    rss="$(rss_kib "$pid")"
    if port_open "$KAFKA_PORT"; then line=running; else line="not-ready"; ok=1; fi
    echo "kafka     $line  pid=$pid  port=$KAFKA_PORT  rss=$(mib "$rss")MiB  startup=$(cat "$RUN_DIR/kafka-startup-seconds" 2>/dev/null || echo '?')s"
  else
    echo "kafka     stopped  port=$KAFKA_PORT"; ok=1
  fi
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

# Deletes only what this script creates: a run dir may contain other run dirs (.run/test in .run).
purge() {
  pg_base_if_exists
  if [[ -L "$PG_LINK" ]]; then
    [[ "$PG_BASE" == /tmp/anpr-pg.* ]] && rm -rf -- "$PG_BASE"
    rm -f -- "$PG_LINK"
  elif [[ -d "$PG_LINK" ]]; then
    rm -rf -- "$PG_LINK"
  fi
  rm -rf -- "$KAFKA_DATA"
  rm -f -- "$KAFKA_PID_FILE" "$KAFKA_LOG" "$KAFKA_PROPS" "$KAFKA_LOG4J" "$PG_LOG" \
    "$RUN_DIR/kafka-cluster-id" "$RUN_DIR/kafka-startup-seconds" "$RUN_DIR/env" \
    "$RUN_DIR/admin-token" "$RUN_DIR/pseudonym-key" "$RUN_DIR/.lock"
  rmdir -- "$RUN_DIR" 2>/dev/null || true
  log "infra: purged data in $RUN_DIR"
}

# ---------------------------------------------------------------------------------------------------

cmd_up() {
  lock_run_dir
  kafka_pid >/dev/null || kafka_check_ports_free   # fail before starting anything
  pg_up
  kafka_up
  write_env
  print_status || true
  log "infra: environment in $RUN_DIR/env"
}

cmd_down() {
  local purge_data=0
  case "${1:-}" in
    "") ;;
    --purge) purge_data=1 ;;
    *) die "usage: $0 down [--purge]" ;;
  esac
  if [[ ! -d "$RUN_DIR" ]]; then
    log "infra: nothing in $RUN_DIR"
    return 0
  fi
  lock_run_dir
  kafka_down
  pg_down
  (( purge_data )) && purge
  return 0
}

cmd_status() {
  print_status && return 0
  return 3
}

cmd_restart() {
  lock_run_dir
  case "${1:-}" in
    kafka) kafka_down; kafka_up ;;
    postgres) pg_down; pg_up ;;
    *) die "usage: $0 restart kafka|postgres" ;;
  esac
}

main() {
  check_port_number ANPR_KAFKA_PORT "$KAFKA_PORT"
  check_port_number ANPR_KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
  check_port_number ANPR_PG_PORT "$PG_PORT"
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    restart) cmd_restart "$@" ;;
    *) echo "usage: $0 {up|down [--purge]|status|restart kafka|postgres}" >&2; exit 2 ;;
  esac
}

main "$@"
