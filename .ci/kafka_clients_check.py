#!/usr/bin/python3
"""CI: Python's Kafka clients (Debian's confluent-kafka on librdkafka, and kafka-python) against a running
Sluice cluster over the Kafka protocol, unmodified: write with acks=all, read back in a consumer group.
Usage: kafka_clients_check.py BOOTSTRAP. Exit 0 only when every record came back."""
import sys
import time
import uuid

bootstrap = sys.argv[1]
run = uuid.uuid4().hex[:8]


def check_confluent():
    from confluent_kafka import Consumer, Producer
    from confluent_kafka.admin import AdminClient, NewTopic
    topic = "ci-confluent-" + run
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=3)])[topic].result(30)
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
                         "compression.type": "lz4"})
    for i in range(1000):
        producer.produce(topic, key=str(i % 10), value=str(i))
    if producer.flush(30) != 0:
        sys.exit("confluent-kafka: records still unacknowledged after 30 s")
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "ci-" + run,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    seen = set()
    deadline = time.time() + 60
    while len(seen) < 1000 and time.time() < deadline:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            sys.exit("confluent-kafka consumer error: %s" % msg.error())
        seen.add(int(msg.value()))
    consumer.commit(asynchronous=False)
    consumer.close()
    if seen != set(range(1000)):
        sys.exit("confluent-kafka: read back %d of 1000 records" % len(seen))
    print("confluent-kafka (librdkafka): 1000 records written with acks=all and lz4, read back in a group")


def check_kafka_python():
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    topic = "ci-kafka-python-" + run
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    futures = [producer.send(topic, str(i).encode()) for i in range(200)]
    for f in futures:
        f.get(timeout=60)
    producer.close()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=10000)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    consumer.assign(partitions)
    consumer.seek_to_beginning()
    seen = {int(m.value) for m in consumer}
    consumer.close()
    if seen != set(range(200)):
        sys.exit("kafka-python: read back %d of 200 records" % len(seen))
    print("kafka-python: 200 records written with acks=all (topic created automatically), read back")


check_confluent()
check_kafka_python()
