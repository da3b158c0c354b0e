#!/bin/bash
# Grows a local cluster by two broker-only nodes while it serves and moves a topic's replicas from
# the voters 1,2,3 onto 3,4,5 under a running acks=all producer, then checks every record reads back
# (docs/operations.md, "Growing the cluster and moving a topic"). Run from the project root; needs
# Kafka's tools (KAFKA_TOOL, default ../shared/bench/kafka-anchor/cluster.sh) and kcat.
set -u
T=${KAFKA_TOOL:-../shared/bench/kafka-anchor/cluster.sh}
./sluice quorum stop --data-dir /tmp/acc >/dev/null 2>&1; rm -rf /tmp/acc
./sluice quorum start --data-dir /tmp/acc | tail -1
$T tool org.apache.kafka.tools.TopicCommand --bootstrap-server localhost:9092 --create --topic mv --partitions 3 --replication-factor 3 --config min.insync.replicas=2 2>&1 | grep -v SLF4J
echo "--- adding two broker-only nodes to the running cluster"
./sluice quorum start --data-dir /tmp/acc --brokers 2 | tail -3
./sluice metadata-quorum --bootstrap-server localhost:9092 describe --replication
$T tool org.apache.kafka.tools.TopicCommand --bootstrap-server localhost:9092 --describe --topic mv 2>&1 | grep -v SLF4J
$T tool org.apache.kafka.tools.ProducerPerformance --topic mv --num-records 150000 --record-size 200 --throughput 5000 --producer-props bootstrap.servers=localhost:9092 acks=all > /tmp/acc-perf.log 2>&1 &
pp=$!
sleep 8
cat > /tmp/acc-plan.json <<'J'
{"version":1,"partitions":[{"topic":"mv","partition":0,"replicas":[3,4,5]},{"topic":"mv","partition":1,"replicas":[4,5,3]},{"topic":"mv","partition":2,"replicas":[5,3,4]}]}
J
./sluice reassign-partitions --bootstrap-server localhost:9092 --execute --reassignment-json-file /tmp/acc-plan.json
for i in $(seq 1 60); do
  out=$(./sluice reassign-partitions --bootstrap-server localhost:9092 --verify --reassignment-json-file /tmp/acc-plan.json); rc=$?
  [ $rc = 0 ] && break; sleep 2
done
echo "$out"
wait $pp; grep -v SLF4J /tmp/acc-perf.log | tail -1; grep -ci "error\|exception" /tmp/acc-perf.log
$T tool org.apache.kafka.tools.TopicCommand --bootstrap-server localhost:9092 --describe --topic mv 2>&1 | grep -v SLF4J
n=$(kcat -b localhost:9094 -C -t mv -o beginning -e -q 2>/dev/null | wc -l); echo "read back: $n"
ls /tmp/acc/node-1/logs/ 2>/dev/null | grep mv
