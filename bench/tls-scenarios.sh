#!/bin/bash
# The benchmark scenarios S1-S4 of docs/benchmarks.md with TLS on, against one target; prints the perf
# tools' summary lines. Same scenarios, sizes and settings as the plaintext runs; every client connects
# over SASL_SSL (SCRAM-SHA-512) as the super user admin with the target's generated client config.
#   bench/tls-scenarios.sh kafka [RF]         Kafka 4.4 started with bench/kafka-tls-cluster.sh up
#   bench/tls-scenarios.sh sluice [RF]        ./sluice quorum start --security sasl_ssl, Sluice's perf tools
#   bench/tls-scenarios.sh sluice-kafka [RF]  the same Sluice cluster, Kafka's perf tools (Kafka protocol)
#   bench/tls-scenarios.sh all [RF]           starts Kafka, runs kafka, stops it; starts Sluice, runs sluice
#                                             and sluice-kafka, stops it (one cluster at a time)
# Run from the project root. RF defaults to 3. Environment: RECORDS (S1's record count, default 2000000;
# S2 is RECORDS/4, S3 RECORDS/20, S4 reads 2*RECORDS; e.g. RECORDS=20000 for a quick check that
# everything works), BASE (Kafka's ports, see kafka-tls-cluster.sh), DATA (Kafka's directory),
# SLUICE_DATA (default /tmp/sluice-tls-bench) and SLUICE_PORT (its base port, default 9092).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${1:?kafka, sluice, sluice-kafka or all}; rf=${2:-3}
RECORDS=${RECORDS:-2000000}
export BASE=${BASE:-41000} DATA=${DATA:-/tmp/kafka-tls-anchor}
SLUICE_DATA=${SLUICE_DATA:-/tmp/sluice-tls-bench}; SLUICE_PORT=${SLUICE_PORT:-9092}
ktool() { "$here/kafka-tls-cluster.sh" tool "$@"; }
if [[ $target == all ]]; then
  "$here/kafka-tls-cluster.sh" up || exit 1
  "$0" kafka "$rf"
  "$here/kafka-tls-cluster.sh" down
  rm -rf "$SLUICE_DATA"
  ./sluice quorum start --data-dir "$SLUICE_DATA" --base-port "$SLUICE_PORT" --security sasl_ssl || exit 1
  "$0" sluice "$rf"
  "$0" sluice-kafka "$rf"
  ./sluice quorum stop --data-dir "$SLUICE_DATA"
  exit 0
fi
case "$target" in
  kafka)  bs=127.0.0.1:$((BASE + 1)); cfg=$DATA/admin.properties
          topics()   { ktool org.apache.kafka.tools.TopicCommand "$@"; }
          pperf()    { ktool org.apache.kafka.tools.ProducerPerformance "$@"; }
          cperf()    { ktool org.apache.kafka.tools.ConsumerPerformance "$@"; } ;;
  sluice) bs=localhost:$SLUICE_PORT; cfg=$SLUICE_DATA/admin.properties
          topics()   { ./sluice topics "$@"; }
          pperf()    { ./sluice producer-perf-test "$@"; }
          cperf()    { ./sluice consumer-perf-test "$@"; } ;;
  sluice-kafka) bs=localhost:$SLUICE_PORT; cfg=$SLUICE_DATA/admin.properties
          topics()   { ktool org.apache.kafka.tools.TopicCommand "$@"; }
          pperf()    { ktool org.apache.kafka.tools.ProducerPerformance "$@"; }
          cperf()    { ktool org.apache.kafka.tools.ConsumerPerformance "$@"; } ;;
  *) echo "unknown target $target; use kafka, sluice, sluice-kafka or all" >&2; exit 2 ;;
esac
[[ -f $cfg ]] || { echo "no client config $cfg: is the $target cluster running?" >&2; exit 2; }
stamp=$(date +%s)
mk() {
  topics --bootstrap-server "$bs" --command-config "$cfg" --create --topic "$1" --partitions "$2" \
    --replication-factor "$rf" --config min.insync.replicas=$(( rf > 1 ? 2 : 1 )) 2>&1 | grep -v SLF4J
}
last() { grep -v SLF4J | tail -n "${1:-1}"; }
produce() { # topic records size throughput extra-props...
  local t=$1 n=$2 s=$3 r=$4; shift 4
  pperf --topic "$t" --num-records "$n" --record-size "$s" --throughput "$r" --producer.config "$cfg" \
    --producer-props bootstrap.servers="$bs" acks=all "$@" 2>&1 | last
}
echo "# target=$target rf=$rf tls=SASL_SSL (SCRAM-SHA-512) records=$RECORDS"
mk "s1-$stamp" 6; mk "s3-$stamp" 6
echo "S1 100B x $RECORDS, acks=all, unthrottled (run twice, the second counts)"
produce "s1-$stamp" "$RECORDS" 100 -1
produce "s1-$stamp" "$RECORDS" 100 -1
echo "S2 1KiB x $((RECORDS / 4)), acks=all, unthrottled"
produce "s1-$stamp" $((RECORDS / 4)) 1024 -1
echo "S3 1KiB at 5000/s x $((RECORDS / 20)), acks=all, linger.ms=1 (latency)"
produce "s3-$stamp" $((RECORDS / 20)) 1024 5000 linger.ms=1
echo "S4 consume $((RECORDS * 2)) records of S1 from the beginning"
cperf --bootstrap-server "$bs" --consumer.config "$cfg" --topic "s1-$stamp" --messages $((RECORDS * 2)) \
  --group "cp-$stamp" --timeout 60000 2>&1 | last 2
