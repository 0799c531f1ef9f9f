# shellcheck shell=bash
# Component `kafka`: genuine Apache Kafka from Maven Central jars, started with `java`. By default one
# KRaft node (broker and controller); ANPR_KAFKA_BROKERS=3 starts three such combined nodes on 127.0.0.1
# that form one cluster with a controller quorum of three (production's shape: replicated topics, a
# broker may die). Implements the component functions infra.sh calls.
#
# Node 1 keeps the single broker's file names (kafka.pid, kafka-data/, kafka.log, server.properties);
# node n > 1 has kafka-n.pid, kafka-n-data/, kafka-n.log, server-n.properties. Node n listens on
# ANPR_KAFKA_PORT + 2(n-1) and ANPR_KAFKA_CONTROLLER_PORT + 2(n-1).

readonly KAFKA_VERSION=4.1.1   # keep in sync with deploy/local/kafka/pom.xml
readonly KAFKA_PORT="${ANPR_KAFKA_PORT:-19092}"
readonly KAFKA_CONTROLLER_PORT="${ANPR_KAFKA_CONTROLLER_PORT:-19093}"
readonly KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
readonly KAFKA_LIBS="$KAFKA_HOME/libs"
readonly KAFKA_POM="$SCRIPT_DIR/kafka/pom.xml"
readonly KAFKA_LOG4J="$RUN_DIR/log4j2.properties"
# How many nodes the data dirs were formatted for: a quorum cannot be resized by editing the config.
readonly KAFKA_BROKERS_FILE="$RUN_DIR/kafka-brokers"
readonly MAX_FRAME_BYTES=4194304   # room for ~4 MB camera frames; producer/consumer limits must match
# As asked; else as the data dirs were formatted (down, status and restart need no variable); else one.
KAFKA_FORMATTED="$(cat "$KAFKA_BROKERS_FILE" 2>/dev/null || true)"
readonly KAFKA_FORMATTED
readonly KAFKA_BROKERS="${ANPR_KAFKA_BROKERS:-${KAFKA_FORMATTED:-1}}"

# Per-node names and ports (node numbers 1..KAFKA_BROKERS).
kafka_suffix() { (( $1 == 1 )) || echo "-$1"; }
kafka_port() { echo $((KAFKA_PORT + 2 * ($1 - 1))); }
kafka_controller_port() { echo $((KAFKA_CONTROLLER_PORT + 2 * ($1 - 1))); }
kafka_pid_file() { echo "$RUN_DIR/kafka$(kafka_suffix "$1").pid"; }
kafka_data() { echo "$RUN_DIR/kafka$(kafka_suffix "$1")-data"; }
kafka_log() { echo "$RUN_DIR/kafka$(kafka_suffix "$1").log"; }
kafka_props() { echo "$RUN_DIR/server$(kafka_suffix "$1").properties"; }
kafka_nodes() { seq 1 "$KAFKA_BROKERS"; }
# Every node that may have a process or data: also those of a formatted cluster larger than asked for.
kafka_all_nodes() {
  local formatted="${KAFKA_FORMATTED:-1}"
  [[ "$formatted" =~ ^[1-9]$ ]] || formatted=1
  seq 1 $((formatted > KAFKA_BROKERS ? formatted : KAFKA_BROKERS))
}

# shellcheck source=kafka-files.sh
source "$LIB_DIR/kafka-files.sh"

kafka_check_config() {
  [[ "$KAFKA_BROKERS" =~ ^[1-9]$ ]] || die "ANPR_KAFKA_BROKERS must be 1 to 9 (1 or 3 in practice), got '$KAFKA_BROKERS'"
  check_port_number ANPR_KAFKA_PORT "$KAFKA_PORT"
  check_port_number ANPR_KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
  local n ports=()
  for n in $(kafka_nodes); do ports+=("$(kafka_port "$n")" "$(kafka_controller_port "$n")"); done
  check_port_number "the last Kafka node's ports" "$(kafka_controller_port "$KAFKA_BROKERS")"
  check_port_number "the last Kafka node's ports" "$(kafka_port "$KAFKA_BROKERS")"
  [[ "$(printf '%s\n' "${ports[@]}" | sort -u | wc -l)" == "${#ports[@]}" ]] \
    || die "Kafka ports overlap: node n uses ANPR_KAFKA_PORT+2(n-1) and ANPR_KAFKA_CONTROLLER_PORT+2(n-1) (${ports[*]})"
}

# The recorded PID of node $1, if it is alive and really that node (guards against PID reuse).
kafka_pid() {
  local node="${1:-1}" file pid
  file="$(kafka_pid_file "$node")"
  [[ -s "$file" ]] || return 1
  pid="$(cat "$file")"
  pid_alive "$pid" || return 1
  [[ "$(pid_cmdline "$pid")" == *"kafka.Kafka $(kafka_props "$node")"* ]] || return 1
  echo "$pid"
}

# Poll node $1's client port every 0.2 s for up to 90 s; give up at once if its JVM died.
kafka_wait_ready() {
  local node="$1" pid="$2" port log i
  port="$(kafka_port "$node")" log="$(kafka_log "$node")"
  for ((i = 0; i < 450; i++)); do
    port_open "$port" && return 0
    if ! pid_alive "$pid"; then
      log "infra: kafka node $node exited during start-up; last lines of $log:"
      tail -n 40 "$log" >&2 || true
      rm -f "$(kafka_pid_file "$node")"
      exit 1
    fi
    sleep 0.2
  done
  log "infra: kafka node $node did not open port $port within 90 s; last lines of $log:"
  tail -n 40 "$log" >&2 || true
  exit 1
}

# With the node not running, an answering port belongs to someone else, and the TCP ready check
# would be fooled by it.
kafka_check_ports_free() {
  local node="$1" port
  port="$(kafka_port "$node")"
  port_open "$port" && die "port $port is taken by another process (set ANPR_KAFKA_PORT)"
  port="$(kafka_controller_port "$node")"
  port_open "$port" && die "port $port is taken by another process (set ANPR_KAFKA_CONTROLLER_PORT)"
  return 0
}

kafka_preflight() {
  local n
  kafka_check_brokers_file
  for n in $(kafka_nodes); do kafka_pid "$n" >/dev/null || kafka_check_ports_free "$n"; done
}

kafka_check_brokers_file() {
  [[ -f "$(kafka_data 1)/meta.properties" ]] || return 0
  local formatted="${KAFKA_FORMATTED:-1}"
  [[ "$formatted" == "$KAFKA_BROKERS" ]] \
    || die "the Kafka data in $RUN_DIR is a cluster of $formatted broker(s), ANPR_KAFKA_BROKERS asks for $KAFKA_BROKERS: run 'infra.sh down --purge' first"
}

# Starts every node that does not run (so after a crash of one node, `up` brings back just that one),
# then waits for all: a node of a three-node quorum opens its client port only once a majority runs.
kafka_up() {
  local n pid t0 t1 secs started=()
  kafka_check_brokers_file
  kafka_ensure_libs
  kafka_write_log4j
  t0="$(date +%s.%N)"
  for n in $(kafka_nodes); do
    kafka_pid "$n" >/dev/null && continue
    rm -f "$(kafka_pid_file "$n")"   # stale
    kafka_check_ports_free "$n"
    kafka_write_config "$n"
    kafka_format_if_needed "$n"
    # setsid: own session, so Ctrl-C in the calling terminal or make's process group does not hit
    # the broker. Not a group leader here, so setsid execs java directly and $! is the java PID.
    # The heap is taken and touched whole at start (-Xms = -Xmx, AlwaysPreTouch), as production brokers
    # run: a broker's resident size is then flat from its first minute, so memory growth that shows in a
    # soak is a leak, not the heap filling up toward its limit (21 % "growth" in an hour before).
    setsid "$(java_bin)" -Xms384m -Xmx384m -XX:+AlwaysPreTouch -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true -Dlog4j2.configurationFile="$KAFKA_LOG4J" \
      -cp "$KAFKA_LIBS/*" kafka.Kafka "$(kafka_props "$n")" >>"$(kafka_log "$n")" 2>&1 </dev/null 9>&- &
    echo "$!" >"$(kafka_pid_file "$n")"
    started+=("$n")
  done
  for n in $(kafka_nodes); do
    # Right after the fork /proc may still show setsid, not yet java (seen under load): give it 5 s.
    for _ in $(seq 50); do pid="$(kafka_pid "$n")" && break; sleep 0.1; done
    pid="$(kafka_pid "$n")" || die "kafka node $n is not running"
    kafka_wait_ready "$n" "$pid"
  done
  if (( ${#started[@]} == 0 )); then
    log "infra: kafka already running ($KAFKA_BROKERS node(s))"
    return 0
  fi
  t1="$(date +%s.%N)"
  secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')"
  echo "$secs" >"$RUN_DIR/kafka-startup-seconds"
  log "infra: kafka node(s) ${started[*]} started in ${secs}s ($(kafka_bootstrap))"
}

# SIGTERM to every node at once: stopped one by one, the last ones would wait for a controller quorum
# that is already gone.
kafka_down() {
  local n pid pids=() nodes=()
  for n in $(kafka_all_nodes); do
    if pid="$(kafka_pid "$n")"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid") nodes+=("$n")
    else
      rm -f "$(kafka_pid_file "$n")"
    fi
  done
  if (( ${#pids[@]} == 0 )); then
    log "infra: kafka not running"
    return 0
  fi
  for n in "${!pids[@]}"; do
    pid="${pids[$n]}"
    if ! wait_pid_gone "$pid" 300; then   # controlled shutdown normally takes a few seconds
      log "infra: kafka node ${nodes[$n]} (pid $pid) ignored SIGTERM for 30 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_pid_gone "$pid" 50 || true
    fi
    pid_alive "$pid" && die "kafka node ${nodes[$n]} (pid $pid) is still alive"
    rm -f "$(kafka_pid_file "${nodes[$n]}")"
  done
  log "infra: kafka stopped"
}

# One line per node; true only when every node runs and answers.
kafka_status() {
  local n pid rss line ok=0 name port
  for n in $(kafka_nodes); do
    name="kafka"
    (( KAFKA_BROKERS > 1 )) && name="kafka-$n"
    port="$(kafka_port "$n")"
    if [[ -d "$RUN_DIR" ]] && pid="$(kafka_pid "$n")"; then
      rss="$(rss_kib "$pid")"
      if port_open "$port"; then line=running; else line="not-ready"; ok=1; fi
      printf '%-9s %s  pid=%s  port=%s  rss=%sMiB  startup=%ss\n' "$name" "$line" "$pid" "$port" "$(mib "$rss")" \
        "$(cat "$RUN_DIR/kafka-startup-seconds" 2>/dev/null || echo '?')"
    else
      printf '%-9s stopped  port=%s\n' "$name" "$port"; ok=1
    fi
  done
  return "$ok"
}

kafka_bootstrap() {
  local n out=()
  for n in $(kafka_nodes); do out+=("127.0.0.1:$(kafka_port "$n")"); done
  (IFS=,; echo "${out[*]}")
}

kafka_env() {
  echo "export KAFKA_BOOTSTRAP='$(kafka_bootstrap)'"
  echo "export ANPR_KAFKA_BROKERS='$KAFKA_BROKERS'"
}

kafka_purge() {
  local n
  for n in $(kafka_all_nodes); do
    rm -rf -- "$(kafka_data "$n")"
    rm -f -- "$(kafka_pid_file "$n")" "$(kafka_log "$n")" "$(kafka_props "$n")"
  done
  rm -f -- "$KAFKA_LOG4J" "$KAFKA_BROKERS_FILE" "$RUN_DIR/kafka-cluster-id" "$RUN_DIR/kafka-startup-seconds"
}
