"""Kafka SASL and TLS for real: a second, throwaway broker (the same jars as deploy/local) whose client
listeners take only SASL_PLAINTEXT and SASL_SSL (PLAIN; a certificate from a throwaway CA). Clients built
from ServiceSettings with the right credentials and CA create topics, produce and read; with a wrong
password, or without trusting that CA, they are refused."""

import asyncio
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import KafkaError
from pydantic import SecretStr

from anpr_contracts import READS
from anpr_runtime.kafka import ensure_topics, new_producer, new_reader
from anpr_runtime.settings import ServiceSettings

from ..tls import make_certificates

USER, PASSWORD = "anpr-ingest", "k3H9-sasl-test-password"
KAFKA_LIBS = Path(os.environ.get("ANPR_CACHE_DIR") or Path.home() / ".cache" / "anpr") / "kafka-4.1.1" / "libs"


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    assert KAFKA_LIBS.is_dir(), f"no Kafka jars in {KAFKA_LIBS}: run the tests through deploy/local/with-infra.sh"
    home = tmp_path_factory.mktemp("sasl-kafka")
    client, secure, internal, controller = free_ports(4)
    certificates = make_certificates(home)
    keystore = home / "keystore.pem"
    keystore.write_text(certificates.key.read_text() + certificates.cert.read_text())
    jaas = f'org.apache.kafka.common.security.plain.PlainLoginModule required user_{USER}="{PASSWORD}";'
    properties = home / "server.properties"
    properties.write_text(
        "\n".join(
            [
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.voters=1@127.0.0.1:{controller}",
                f"listeners=SASL_PLAINTEXT://127.0.0.1:{client},SASL_SSL://127.0.0.1:{secure},"
                f"INTERNAL://127.0.0.1:{internal},CONTROLLER://127.0.0.1:{controller}",
                f"advertised.listeners=SASL_PLAINTEXT://127.0.0.1:{client},SASL_SSL://127.0.0.1:{secure},"
                f"INTERNAL://127.0.0.1:{internal}",
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=INTERNAL",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,"
                "SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
                "sasl.enabled.mechanisms=PLAIN",
                f"listener.name.sasl_plaintext.plain.sasl.jaas.config={jaas}",
                f"listener.name.sasl_ssl.plain.sasl.jaas.config={jaas}",
                "ssl.keystore.type=PEM",
                f"ssl.keystore.location={keystore}",
                f"log.dirs={home / 'data'}",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.cleaner.dedupe.buffer.size=2097152",
                "num.network.threads=1",
                "num.io.threads=1",
            ]
        )
        + "\n"
    )
    java_home = os.environ.get("JAVA_HOME")
    java_bin = f"{java_home}/bin/java" if java_home and Path(java_home, "bin", "java").exists() else "java"
    java = [java_bin, "-Xms64m", "-Xmx256m", "-cp", f"{KAFKA_LIBS}/*"]
    log = (home / "kafka.log").open("w")
    cluster = uuid.uuid4().hex[:22]
    subprocess.run(
        [*java, "kafka.tools.StorageTool", "format", "-t", cluster, "-c", str(properties)],
        check=True,
        stdout=log,
        stderr=log,
    )
    broker = subprocess.Popen([*java, "kafka.Kafka", str(properties)], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert broker.poll() is None, (home / "kafka.log").read_text()[-2000:]
            try:
                for port in (client, secure):
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the SASL broker did not start"
                time.sleep(0.3)
        yield {
            "SASL_PLAINTEXT": f"127.0.0.1:{client}",
            "SASL_SSL": f"127.0.0.1:{secure}",
            "ca": str(certificates.ca),
        }
    finally:
        broker.terminate()
        try:
            broker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            broker.kill()
            broker.wait()
        log.close()


def sasl_settings(
    broker: dict[str, str], password: str, protocol: str = "SASL_PLAINTEXT", **tls: Any
) -> ServiceSettings:
    return ServiceSettings(
        environment="development",  # a SASL_PLAINTEXT broker on 127.0.0.1; production would refuse it
        kafka_bootstrap=broker[protocol],
        kafka_security_protocol=protocol,
        kafka_sasl_mechanism="PLAIN",
        kafka_sasl_username=USER,
        kafka_sasl_password=SecretStr(password),
        topic_prefix=f"sasl{uuid.uuid4().hex[:6]}.",
        **tls,
    )


@pytest.mark.parametrize("protocol", ["SASL_PLAINTEXT", "SASL_SSL"])
async def test_clients_with_the_right_credentials_create_produce_and_read(
    sasl_broker: dict[str, str], protocol: str
) -> None:
    tls = {"kafka_ssl_cafile": sasl_broker["ca"]} if protocol == "SASL_SSL" else {}
    settings = sasl_settings(sasl_broker, PASSWORD, protocol, **tls)
    await ensure_topics(settings, [READS])
    topic = settings.topic(READS.name)
    producer = new_producer(settings)
    await producer.start()
    try:
        sent = await producer.send_and_wait(topic, b"over SASL", key=b"k")
    finally:
        await producer.stop()
    reader = new_reader(settings)
    await reader.start()
    try:
        partition = TopicPartition(topic, sent.partition)
        reader.assign([partition])
        reader.seek(partition, sent.offset)
        records = (await reader.getmany(partition, timeout_ms=10000)).get(partition, [])
    finally:
        await reader.stop()
    assert [r.value for r in records] == [b"over SASL"]


async def test_a_wrong_password_is_refused(sasl_broker: dict[str, str]) -> None:
    producer = new_producer(sasl_settings(sasl_broker, "k3H9-not-the-password"))
    try:
        with pytest.raises(KafkaError):
            await asyncio.wait_for(producer.start(), timeout=60)
    finally:
        await producer.stop()


async def test_a_broker_certificate_from_an_untrusted_ca_is_refused(sasl_broker: dict[str, str]) -> None:
    producer = new_producer(sasl_settings(sasl_broker, PASSWORD, "SASL_SSL"))  # system CAs only
    try:
        with pytest.raises(KafkaError):
            await asyncio.wait_for(producer.start(), timeout=60)
    finally:
        await producer.stop()
