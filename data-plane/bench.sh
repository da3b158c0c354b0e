#!/usr/bin/env bash
# Runs the storage engine's JMH benchmarks (data-plane/src/test/java/io/sluice/storage/bench).
#
#   data-plane/bench.sh                      # every benchmark, short settings (about 10 minutes)
#   data-plane/bench.sh AppendReadBenchmark  # any JMH arguments: a regexp, -f, -wi, -i, -p batchSize=16384 ...
#   BENCH_DIR=/mnt/disk data-plane/bench.sh  # put the benchmark's files on the disk to be measured
#   data-plane/bench.sh recovery [GiB]       # time recovery of a log with a torn tail (default 1 GiB)
#
# Builds the test classes (no tests run), then starts JMH with the test classpath.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl data-plane -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
CP="data-plane/target/test-classes:data-plane/target/classes:$(cat data-plane/target/bench-classpath.txt)"
JAVA_OPTS=(-Xmx2g ${BENCH_DIR:+-Dbench.dir=$BENCH_DIR})
if [[ "${1:-}" == "recovery" ]]; then
  shift
  exec java "${JAVA_OPTS[@]}" -cp "$CP" io.sluice.storage.bench.RecoveryTiming "$@"
fi
if [[ $# -eq 0 ]]; then
  set -- -f 1 -wi 3 -w 2s -i 5 -r 2s 'io.sluice.storage.bench'
fi
exec java "${JAVA_OPTS[@]}" -cp "$CP" org.openjdk.jmh.Main -jvmArgs "${JAVA_OPTS[*]}" "$@"
