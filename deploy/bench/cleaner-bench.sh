#!/bin/bash
# The log cleaner's benchmark (docs/benchmarks.md, "Log cleaner"): cleaning throughput, and produce
# latency on another topic of the same nodes before and while the cleaner runs.
#   deploy/bench/cleaner-bench.sh DATA_DIR BASE_PORT [RECORDS] [KEYS]
# against a local quorum started with `./sluice quorum start --data-dir DATA_DIR --base-port BASE_PORT`;
# run from the project root. Needs kcat (to produce keyed records).
#  1. fills topic kv (RF 3, 1 partition, 16 MiB segments, cleanup.policy=delete) with RECORDS records
#     (default 1,000,000) of 100-byte values over KEYS keys (default 10,000);
#  2. baseline: 1 KiB records at 2,000/s for 30 s, acks=all, to topic load (RF 3, 3 partitions);
#  3. switches kv to cleanup.policy=compact and runs the same load at once: every node's cleaner
#     rewrites its ~120 MB replica of kv meanwhile;
#  4. prints the perf tool's summaries and each node's cleaner lines (bytes read, written, ms, MB/s).
set -euo pipefail
data=${1:?DATA_DIR}; base=${2:?BASE_PORT}; records=${3:-1000000}; keys=${4:-10000}
bs=localhost:$base
stamp=$(date +%s)
kv=kv-$stamp; load=load-$stamp
./sluice topics --bootstrap-server "$bs" --create --topic "$kv" --partitions 1 --replication-factor 3 \
  --config segment.bytes=16777216 --config cleanup.policy=delete >/dev/null
./sluice topics --bootstrap-server "$bs" --create --topic "$load" --partitions 3 --replication-factor 3 \
  --config min.insync.replicas=2 >/dev/null
value=$(head -c 100 /dev/zero | tr '\0' 'v')
echo "# filling $kv: $records records over $keys keys"
awk -v n="$records" -v k="$keys" -v v="$value" 'BEGIN { for (i = 0; i < n; i++) printf "key-%d\t%s-%d\n", i % k, v, i }' \
  | kcat -b "$bs" -P -t "$kv" -K $'\t' -X acks=all -X linger.ms=20 -X batch.size=1000000
perf() {
  ./sluice producer-perf-test --topic "$load" --num-records 60000 --record-size 1024 --throughput 2000 \
    --producer-props bootstrap.servers="$bs" acks=all linger.ms=1 2>&1 | tail -n 1
}
echo "# baseline: 1 KiB at 2,000/s, acks=all, nothing to clean"
perf
echo "# $kv switched to cleanup.policy=compact; the same load while the cleaners run"
./sluice configs --bootstrap-server "$bs" --alter --topic "$kv" --add-config cleanup.policy=compact,min.cleanable.dirty.ratio=0.01 >/dev/null
perf
sleep 5
echo "# cleaner passes (per node)"
for log in "$data"/node-*/node.log; do
  echo "$log"; grep -h "$kv-0: cleaned up to offset" "$log" || echo "  (no pass yet)"
done
