# shellcheck shell=bash
# Component `kafka`: a genuine Apache Kafka broker, single KRaft node (broker and controller), from
# Maven Central jars, started with `java`. Implements the component functions infra.sh calls.

readonly KAFKA_VERSION=4.1.1   # keep in sync with deploy/local/kafka/pom.xml
readonly KAFKA_PORT="${ANPR_KAFKA_PORT:-19092}"
readonly KAFKA_CONTROLLER_PORT="${ANPR_KAFKA_CONTROLLER_PORT:-19093}"
readonly KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
readonly KAFKA_LIBS="$KAFKA_HOME/libs"
readonly KAFKA_POM="$SCRIPT_DIR/kafka/pom.xml"
readonly KAFKA_PID_FILE="$RUN_DIR/kafka.pid"
readonly KAFKA_DATA="$RUN_DIR/kafka-data"
readonly KAFKA_LOG="$RUN_DIR/kafka.log"
readonly KAFKA_PROPS="$RUN_DIR/server.properties"
readonly KAFKA_LOG4J="$RUN_DIR/log4j2.properties"
readonly MAX_FRAME_BYTES=4194304   # room for ~4 MB camera frames; producer/consumer limits must match

# shellcheck source=kafka-files.sh
source "$LIB_DIR/kafka-files.sh"

kafka_check_config() {
  check_port_number ANPR_KAFKA_PORT "$KAFKA_PORT"
  check_port_number ANPR_KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
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

kafka_preflight() { kafka_pid >/dev/null || kafka_check_ports_free; }

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
  local pid
  if ! pid="$(kafka_pid)"; then
    rm -f "$KAFKA_PID_FILE"
    log "infra: kafka not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_pid_gone "$pid" 300; then   # controlled shutdown normally takes a few seconds
    log "infra: kafka (pid $pid) ignored SIGTERM for 30 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_pid_gone "$pid" 50 || true
  fi
  pid_alive "$pid" && die "kafka (pid $pid) is still alive"
  rm -f "$KAFKA_PID_FILE"
  log "infra: kafka stopped"
}

# One line; true only when the broker runs and answers.
kafka_status() {
  local pid rss line ok=0
  if [[ -d "$RUN_DIR" ]] && pid="$(kafka_pid)"; then
    rss="$(rss_kib "$pid")"
    if port_open "$KAFKA_PORT"; then line=running; else line="not-ready"; ok=1; fi
    echo "kafka     $line  pid=$pid  port=$KAFKA_PORT  rss=$(mib "$rss")MiB  startup=$(cat "$RUN_DIR/kafka-startup-seconds" 2>/dev/null || echo '?')s"
  else
    echo "kafka     stopped  port=$KAFKA_PORT"; ok=1
  fi
  return "$ok"
}

kafka_env() { echo "export KAFKA_BOOTSTRAP='127.0.0.1:$KAFKA_PORT'"; }

kafka_purge() {
  rm -rf -- "$KAFKA_DATA"
  rm -f -- "$KAFKA_PID_FILE" "$KAFKA_LOG" "$KAFKA_PROPS" "$KAFKA_LOG4J" \
    "$RUN_DIR/kafka-cluster-id" "$RUN_DIR/kafka-startup-seconds"
}
