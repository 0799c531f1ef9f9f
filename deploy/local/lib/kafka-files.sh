# shellcheck shell=bash
# What the brokers run from: the jars (fetched once with Maven into the cache), their config files
# (rewritten on every `up`) and the formatted data dirs. Sourced by kafka.sh.

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
  local node="$1" voters=() n replicas=1 min_isr=1
  for n in $(kafka_nodes); do voters+=("$n@127.0.0.1:$(kafka_controller_port "$n")"); done
  # Three or more nodes: what production runs (a write is acknowledged by two of three replicas, so one
  # broker may die); one node: nothing can be replicated.
  if (( KAFKA_BROKERS >= 3 )); then replicas=3 min_isr=2; fi
  cat >"$(kafka_props "$node")" <<EOC
# Written by deploy/local/infra.sh -- edits are overwritten on the next 'up'.
# KRaft node $node of $KAFKA_BROKERS: broker and controller in one process. Always 127.0.0.1 (the host name may not resolve).
process.roles=broker,controller
node.id=$node
controller.quorum.voters=$(IFS=,; echo "${voters[*]}")
listeners=PLAINTEXT://127.0.0.1:$(kafka_port "$node"),CONTROLLER://127.0.0.1:$(kafka_controller_port "$node")
advertised.listeners=PLAINTEXT://127.0.0.1:$(kafka_port "$node")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$(kafka_data "$node")

# Topics are created explicitly by the services (with their own partition counts and configs).
auto.create.topics.enable=false
num.partitions=3

# Replicas of everything as the cluster allows; few internal partitions keep start-up and group joins fast.
default.replication.factor=$replicas
min.insync.replicas=$min_isr
offsets.topic.replication.factor=$replicas
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=$replicas
transaction.state.log.min.isr=$min_isr
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=$replicas
share.coordinator.state.topic.min.isr=$min_isr
group.initial.rebalance.delay.ms=0
# Never elect a replica that missed acknowledged writes (the default, said because loss depends on it).
unclean.leader.election.enable=false

# Camera frames travel through Kafka: room for ~4 MB records.
message.max.bytes=$MAX_FRAME_BYTES
replica.fetch.max.bytes=$MAX_FRAME_BYTES

# Small footprint: the default dedupe buffer alone would take 128 MiB of heap.
log.cleaner.dedupe.buffer.size=2097152
num.network.threads=2
num.io.threads=2
EOC
}

kafka_write_log4j() {
  # Log4j 2 (Kafka 4.x). Console goes to stdout, which is appended to kafka.log together with
  # anything the JVM itself prints (e.g. a crash), so one file tells the whole story.
  cat >"$KAFKA_LOG4J" <<'EOC'
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
EOC
}

# Format once per fresh data dir (meta.properties is what the formatter writes). The cluster id is
# kept in the run dir for reference and for the other nodes; a formatted dir with another id would
# refuse to start. kafka-brokers records the quorum's size.
kafka_format_if_needed() {
  local node="$1" data
  data="$(kafka_data "$node")"
  [[ -f "$data/meta.properties" ]] && return 0
  local id_file="$RUN_DIR/kafka-cluster-id" cluster_id
  if [[ ! -s "$id_file" ]]; then
    # The formatter's option parser would read an id starting with '-' as an option.
    cluster_id="$(random_urlsafe 16)"
    while [[ "$cluster_id" == -* ]]; do cluster_id="$(random_urlsafe 16)"; done
    printf '%s\n' "$cluster_id" >"$id_file"
  fi
  cluster_id="$(cat "$id_file")"
  mkdir -p "$data"
  # Static controller.quorum.voters => no --standalone. Every node of a cluster gets the same id.
  "$(java_bin)" -Xmx128m -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_LOG4J" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$(kafka_props "$node")" >>"$(kafka_log "$node")" 2>&1 \
    || { tail -n 20 "$(kafka_log "$node")" >&2; die "kafka storage format failed (see $(kafka_log "$node"))"; }
  echo "$KAFKA_BROKERS" >"$KAFKA_BROKERS_FILE"
}
