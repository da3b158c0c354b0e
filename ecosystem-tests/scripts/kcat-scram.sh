#!/usr/bin/env bash
# kcat with SASL/SCRAM over TLS against `./sluice quorum start --security sasl_ssl`: the admin user
# (SCRAM-SHA-512) writes and reads; a user alice (SCRAM-SHA-256), created with `./sluice users`, is
# refused a write until `./sluice acls` allows it, then writes.
#
# SCRAM needs librdkafka 2.6.1 or later on the client side: Debian 12's librdkafka 2.0.2 sends a wrong
# client-final nonce, which Kafka 4.x and Sluice both refuse (docs/security.md). This script builds a
# current librdkafka from the sources npm's node-rdkafka package ships (npm and Debian are what this
# machine reaches), once, under $RDKAFKA_BUILD, and runs Debian's kcat against it through
# LD_LIBRARY_PATH (librdkafka keeps its ABI). Not part of .ci/run: the build takes a few minutes.
#
# Usage, from the repository root: ecosystem-tests/scripts/kcat-scram.sh [BASE_PORT]   (default 41000)
set -euo pipefail
cd "$(dirname "$0")/../.."
base=${1:-41000}
build=${RDKAFKA_BUILD:-/tmp/sluice-librdkafka}
lib=$build/package/deps/librdkafka/src

if [[ ! -f $lib/librdkafka.so.1 ]]; then
  echo "Building librdkafka from npm's node-rdkafka sources under $build ..."
  apt-get install -y -qq kcat build-essential libssl-dev libsasl2-dev zlib1g-dev libzstd-dev liblz4-dev >/dev/null
  mkdir -p "$build"
  (cd "$build" && npm pack -q node-rdkafka@3.6.1 >/dev/null && tar xzf node-rdkafka-3.6.1.tgz)
  (cd "$build/package/deps/librdkafka" && ./configure --disable-curl >/dev/null && make -j2 libs >/dev/null)
fi
export LD_LIBRARY_PATH=$lib
grep -o 'RD_KAFKA_VERSION *0x[0-9a-f]*' "$lib/rdkafka.h"

data=$(mktemp -d)
trap './sluice quorum stop --data-dir "$data" >/dev/null 2>&1 || true; rm -rf "$data"' EXIT
./sluice quorum start --security sasl_ssl --data-dir "$data" --base-port "$base"
bs=localhost:$base
admin=$data/admin.properties
password=$(grep -o 'password="[^"]*"' "$admin" | cut -d'"' -f2)
tls=(-b "$bs" -X security.protocol=SASL_SSL -X ssl.ca.location="$data/ca.pem")
as_admin=("${tls[@]}" -X sasl.mechanisms=SCRAM-SHA-512 -X sasl.username=admin -X sasl.password="$password")
as_alice=("${tls[@]}" -X sasl.mechanisms=SCRAM-SHA-256 -X sasl.username=alice -X sasl.password=alice-secret)

# The brokers register a moment after the command returns: wait until kcat sees all three.
for _ in $(seq 60); do
  kcat "${as_admin[@]}" -L -m 5 2>/dev/null | grep -q '3 brokers' && break
  sleep 1
done
./sluice topics --bootstrap-server "$bs" --command-config "$admin" --create --topic kcat-scram \
  --partitions 3 --replication-factor 3
seq 100 | kcat "${as_admin[@]}" -P -t kcat-scram -X acks=all
got=$(kcat "${as_admin[@]}" -C -t kcat-scram -o beginning -e -q | wc -l)
[[ $got == 100 ]] || { echo "Error: admin read back $got records, not 100" >&2; exit 1; }
echo "kcat as admin (SCRAM-SHA-512 over TLS): 100 records written and read back"

./sluice users --bootstrap-server "$bs" --command-config "$admin" --alter --entity-name alice \
  --add-config 'SCRAM-SHA-256=[password=alice-secret]'
refused=$(echo refused | kcat "${as_alice[@]}" -P -t kcat-scram -X acks=all 2>&1 || true)
if [[ $refused == *'Topic authorization failed'* ]]; then
  echo "kcat as alice (SCRAM-SHA-256) without an ACL: refused (TOPIC_AUTHORIZATION_FAILED)"
else
  echo "Error: alice wrote without an ACL" >&2; exit 1
fi
./sluice acls --bootstrap-server "$bs" --command-config "$admin" --add --allow-principal User:alice \
  --operation Write --topic kcat-scram
echo alice-was-here | kcat "${as_alice[@]}" -P -t kcat-scram -X acks=all
kcat "${as_admin[@]}" -C -t kcat-scram -o beginning -e -q | grep -qx alice-was-here
echo "kcat as alice after the Write ACL: written, and read back by admin"
