"""TLS and SASL settings reach every Kafka client and the database driver, as the real constructors
keep them (no broker or server needed here; tests/integration connects for real)."""

import contextlib
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError
from sqlalchemy.engine import make_url

from anpr_runtime.db import create_engine, engine_arguments
from anpr_runtime.kafka import new_admin, new_consumer, new_producer, new_reader
from anpr_runtime.settings import ServiceSettings

from ..tls import Certificates, make_certificates


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


def secured(certificates: Certificates, **overrides: Any) -> ServiceSettings:
    values: dict[str, Any] = {
        "kafka_security_protocol": "SASL_SSL",
        "kafka_ssl_cafile": certificates.ca,
        "kafka_ssl_certfile": certificates.cert,
        "kafka_ssl_keyfile": certificates.key,
        "kafka_sasl_mechanism": "SCRAM-SHA-512",
        "kafka_sasl_username": "anpr-rules",
        "kafka_sasl_password": SecretStr("k3H9-kafka-password"),
    }
    return ServiceSettings(**{**values, **overrides})


@contextlib.asynccontextmanager
async def clients(settings: ServiceSettings) -> AsyncIterator[list[Any]]:
    """The low-level client inside each kind of Kafka client we build (never started)."""
    producer, consumer, reader = new_producer(settings), new_consumer(settings, "t", group_id="g"), new_reader(settings)
    admin = new_admin(settings)
    try:
        yield [producer.client, consumer._client, reader._client, admin._client]
    finally:
        await producer.stop()
        await consumer.stop()
        await reader.stop()
        await admin.close()


async def test_every_kafka_client_gets_tls_and_sasl(certificates: Certificates) -> None:
    async with clients(secured(certificates)) as found:
        assert len(found) == 4
    for client in found:
        assert client._security_protocol == "SASL_SSL"
        assert client._sasl_mechanism == "SCRAM-SHA-512"
        assert client._sasl_plain_username == "anpr-rules"
        assert client._sasl_plain_password == "k3H9-kafka-password"
        context = client._ssl_context
        assert isinstance(context, ssl.SSLContext)
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert [c["subject"] for c in context.get_ca_certs()] == [((("commonName", "anpr test CA"),),)]


async def test_plain_kafka_by_default() -> None:
    async with clients(ServiceSettings()) as found:
        pass
    for client in found:
        assert client._security_protocol == "PLAINTEXT"
        assert client._ssl_context is None
        assert client._sasl_mechanism is None or client._sasl_plain_username is None


def test_sasl_without_credentials_is_refused() -> None:
    with pytest.raises(ValidationError, match="SASL_PLAINTEXT needs KAFKA_SASL_MECHANISM"):
        ServiceSettings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_mechanism="PLAIN")


def test_a_client_certificate_without_its_key_is_refused(certificates: Certificates) -> None:
    with pytest.raises(ValidationError, match="needs both KAFKA_SSL_CERTFILE and KAFKA_SSL_KEYFILE"):
        ServiceSettings(kafka_security_protocol="SSL", kafka_ssl_certfile=certificates.cert)


def test_a_missing_certificate_file_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="kafka_ssl_cafile"):
        ServiceSettings(kafka_security_protocol="SSL", kafka_ssl_cafile=tmp_path / "nowhere.pem")


def test_database_tls_settings_join_the_url(certificates: Certificates, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://anpr:k3H9%40pw@db.example:5432/anpr")
    monkeypatch.setenv("DATABASE_SSLMODE", "verify-full")
    monkeypatch.setenv("DATABASE_SSLROOTCERT", str(certificates.ca))

    url = make_url(ServiceSettings().database_url)

    assert url.query == {"sslmode": "verify-full", "sslrootcert": str(certificates.ca)}
    assert url.password == "k3H9@pw"


def test_verify_full_checks_chain_and_host_name(certificates: Certificates) -> None:
    url = f"postgresql+asyncpg://anpr@db.example/anpr?sslmode=verify-full&sslrootcert={certificates.ca}"

    plain, arguments = engine_arguments(url)

    assert plain == "postgresql+asyncpg://anpr@db.example/anpr"
    context = arguments["ssl"]
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.get_ca_certs()


def test_verify_ca_checks_the_chain_only(certificates: Certificates) -> None:
    context = engine_arguments(f"postgresql+asyncpg://h/db?sslmode=verify-ca&sslrootcert={certificates.ca}")[1]["ssl"]

    assert context.verify_mode == ssl.CERT_REQUIRED
    assert not context.check_hostname


def test_client_certificate_for_postgres(certificates: Certificates) -> None:
    query = f"sslmode=require&sslcert={certificates.cert}&sslkey={certificates.key}"

    context = engine_arguments(f"postgresql+asyncpg://h/db?{query}")[1]["ssl"]

    assert context.verify_mode == ssl.CERT_NONE  # libpq's require: encrypted, not verified


@pytest.mark.parametrize(("mode", "expected"), [("disable", False), ("prefer", "prefer"), ("allow", "allow")])
def test_modes_asyncpg_handles_itself(mode: str, expected: object) -> None:
    assert engine_arguments(f"postgresql+asyncpg://h/db?sslmode={mode}")[1] == {"ssl": expected}


def test_no_tls_parameters_no_connect_arguments() -> None:
    assert engine_arguments("postgresql+asyncpg://postgres@127.0.0.1:15432/anpr") == (
        "postgresql+asyncpg://postgres@127.0.0.1:15432/anpr",
        {},
    )


async def test_the_engine_is_built_without_the_libpq_parameters(certificates: Certificates) -> None:
    engine = create_engine(
        f"postgresql+asyncpg://anpr@db.example/anpr?sslmode=verify-full&sslrootcert={certificates.ca}"
    )
    try:
        assert not engine.url.query
        assert engine.sync_engine.hide_parameters
    finally:
        await engine.dispose()
