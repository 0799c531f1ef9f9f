import random

import pytest
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.partitioner import murmur2 as aiokafka_murmur2

from anpr_runtime.kafka import new_producer
from anpr_runtime.partitioner import kafka_default_partitioner, murmur2
from anpr_runtime.pseudonym import vehicle_key
from anpr_runtime.settings import ServiceSettings


@pytest.mark.parametrize("length", range(0, 41))
def test_murmur2_is_kafkas_for_every_tail_length(length: int) -> None:
    rng = random.Random(length)
    for _ in range(50):
        data = bytes(rng.randrange(256) for _ in range(length))
        assert murmur2(data) == aiokafka_murmur2(data)


def test_known_values_of_the_java_client() -> None:
    # From org.apache.kafka.common.utils.UtilsTest.testMurmur2 (as signed 32-bit numbers there).
    cases = {b"21": -973932308, b"foobar": -790332482, b"a-little-bit-long-string": -985981536}
    for data, java in cases.items():
        assert murmur2(data) == java & 0xFFFFFFFF


def test_a_vehicle_key_lands_on_the_partition_aiokafka_would_choose() -> None:
    partitions = list(range(12))
    for n in range(500):
        key = vehicle_key(f"GH{n:03d}K", "k1").encode()
        expected = DefaultPartitioner()(key, partitions, partitions)
        assert kafka_default_partitioner(key, partitions, partitions) == expected


def test_no_key_goes_to_an_available_partition() -> None:
    assert kafka_default_partitioner(None, [0, 1, 2], [2]) == 2
    assert kafka_default_partitioner(None, [0, 1, 2], []) in (0, 1, 2)


async def test_the_services_producers_use_it() -> None:
    producer = new_producer(ServiceSettings(environment="development", kafka_bootstrap="127.0.0.1:9"))
    try:
        assert producer._partitioner is kafka_default_partitioner
    finally:
        await producer.stop()
