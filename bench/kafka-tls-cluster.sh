#!/bin/bash
# A real Apache Kafka 4.4 three-node KRaft cluster (combined broker+controller) on 127.0.0.1 with TLS on
# every listener, set up as `./sluice quorum start --security sasl_ssl` sets up Sluice: clients on a
# SASL_SSL listener (SCRAM-SHA-512, super user admin), replication on an INTERNAL SSL listener with
# client certificates required, the KRaft controller listener on mutual TLS, StandardAuthorizer on.
# One private CA and EC P-256 certificates (as Sluice's), made with openssl under $DATA.
#   bench/kafka-tls-cluster.sh up|down|tool CLASS ARGS...
# Ports (BASE, default 41000): node N clients BASE+N, INTERNAL BASE+10+N, controller BASE+20+N.
# $DATA/admin.properties is the client config of admin (Kafka's tools: --command-config / --producer.config).
# LIB: a directory of Kafka's jars (default /tmp/kafka-lib-4.4.0; fetched with bench/kafka-lib/pom.xml
# when missing). DATA defaults to /tmp/kafka-tls-anchor. KAFKA_EXTRA_PROPS=k=v,k=v adds broker settings.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KVER=$(sed -n "s:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p" "$here/kafka-lib/pom.xml")
LIB=${LIB:-/tmp/kafka-lib-$KVER}; DATA=${DATA:-/tmp/kafka-tls-anchor}; BASE=${BASE:-41000}
PASS=bench-keystore-pass; ADMIN_PASS=admin-bench-secret
if [[ ! -d $LIB ]]; then mvn -q -f "$here/kafka-lib/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIB"; fi
CP="$LIB/*"
LOG4J="$DATA.log4j2.properties"
cat > "$LOG4J" <<'L'
rootLogger.level=WARN
rootLogger.appenderRef.f.ref=F
appender.f.type=File
appender.f.name=F
appender.f.fileName=${sys:kafka.logs.dir}/server.log
appender.f.layout.type=PatternLayout
appender.f.layout.pattern=%d %p %c{1} %m%n
L
certs() {
  local d=$DATA/tls
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/ca.key" -out "$DATA/ca.pem" \
    -days 30 -subj "/CN=Kafka bench CA" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/node.key" -out "$d/node.csr" \
    -subj "/CN=kafka-bench-node" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' > "$d/ext.cnf"
  openssl x509 -req -in "$d/node.csr" -CA "$DATA/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -out "$d/node.crt" \
    -days 30 -extfile "$d/ext.cnf" 2>/dev/null
  openssl pkcs12 -export -in "$d/node.crt" -inkey "$d/node.key" -certfile "$DATA/ca.pem" -out "$d/node.p12" \
    -passout "pass:$PASS"
  cat > "$DATA/admin.properties" <<P
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$ADMIN_PASS";
ssl.truststore.type=PEM
ssl.truststore.location=$DATA/ca.pem
P
}
case "$1" in
up)
  rm -rf "$DATA"; mkdir -p "$DATA"
  certs
  cid=$(java -cp "$CP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
  voters="1@127.0.0.1:$((BASE + 21)),2@127.0.0.1:$((BASE + 22)),3@127.0.0.1:$((BASE + 23))"
  for n in 1 2 3; do
    mkdir -p "$DATA/$n"
    cat > "$DATA/$n.properties" <<P
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=SASL_SSL://127.0.0.1:$((BASE + n)),INTERNAL://127.0.0.1:$((BASE + 10 + n)),CONTROLLER://127.0.0.1:$((BASE + 20 + n))
advertised.listeners=SASL_SSL://127.0.0.1:$((BASE + n)),INTERNAL://127.0.0.1:$((BASE + 10 + n))
controller.listener.names=CONTROLLER
listener.security.protocol.map=SASL_SSL:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL
inter.broker.listener.name=INTERNAL
ssl.keystore.type=PKCS12
ssl.keystore.location=$DATA/tls/node.p12
ssl.keystore.password=$PASS
ssl.key.password=$PASS
ssl.truststore.type=PEM
ssl.truststore.location=$DATA/ca.pem
listener.name.internal.ssl.client.auth=required
listener.name.controller.ssl.client.auth=required
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:CN=kafka-bench-node
log.dirs=$DATA/$n/data
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
min.insync.replicas=2
group.initial.rebalance.delay.ms=0
P
    [[ -n ${KAFKA_EXTRA_PROPS:-} ]] && tr ',' '\n' <<<"$KAFKA_EXTRA_PROPS" >> "$DATA/$n.properties"
    java -Dlog4j2.configurationFile="$LOG4J" -Dkafka.logs.dir="$DATA/$n" -cp "$CP" kafka.tools.StorageTool format \
      -t "$cid" -c "$DATA/$n.properties" --add-scram "SCRAM-SHA-512=[name=admin,password=$ADMIN_PASS]" \
      >"$DATA/$n/format.log" 2>&1
    nohup java -Xms1g -Xmx1g -XX:+UseG1GC -Dlog4j2.configurationFile="$LOG4J" -Dkafka.logs.dir="$DATA/$n" -cp "$CP" \
      kafka.Kafka "$DATA/$n.properties" >"$DATA/$n/stdout.log" 2>&1 &
    echo $! > "$DATA/$n.pid"
  done
  for _ in $(seq 90); do
    if java -cp "$CP" -Dlog4j2.configurationFile="$LOG4J" -Dkafka.logs.dir=/tmp org.apache.kafka.tools.TopicCommand \
        --bootstrap-server "127.0.0.1:$((BASE + 1))" --command-config "$DATA/admin.properties" --list >/dev/null 2>&1; then
      echo "kafka up (SASL_SSL on 127.0.0.1:$((BASE + 1))-$((BASE + 3)); client config $DATA/admin.properties)"; exit 0
    fi
    sleep 2
  done
  echo "kafka did not come up; see $DATA/N/server.log"; exit 1;;
down)
  for n in 1 2 3; do [[ -f $DATA/$n.pid ]] && kill "$(cat "$DATA/$n.pid")" 2>/dev/null || true; done
  sleep 3
  for n in 1 2 3; do [[ -f $DATA/$n.pid ]] && kill -9 "$(cat "$DATA/$n.pid")" 2>/dev/null || true; rm -f "$DATA/$n.pid"; done;;
tool)
  shift; cls=$1; shift
  exec java -Dlog4j2.configurationFile="$LOG4J" -Dkafka.logs.dir=/tmp -cp "$CP" "$cls" "$@";;
*) echo "usage: $0 up|down|tool CLASS ARGS..." >&2; exit 2;;
esac
