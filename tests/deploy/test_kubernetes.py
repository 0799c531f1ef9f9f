"""deploy/k8s against the Kubernetes API schemas (kubernetes-validate ships them), KEDA's ScaledObject
against a schema of our own (it is a CRD, not in that package), and all of it against the code: settings
each service reads, its port, its consumer group and topics, the topic settings in libs/contracts."""

import functools
import importlib
import json
import re
import shlex
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from pydantic import ValidationError

from anpr_contracts import TOPICS
from anpr_runtime.service import ServiceSpec

from .conftest import (
    ROOT,
    SERVICES,
    default_port,
    load_documents,
    readable_by,
    settings_class,
    without_run_environment,
)

K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.33"
KEDA_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "keda-scaledobject.json").read_text())


@functools.cache
def manifests() -> list[tuple[str, dict[str, Any]]]:
    """Parsed once: the tests only read them."""
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return [(name, doc) for name in kustomization["resources"] for doc in load_documents(K8S / name)]


def objects(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for _, doc in manifests() if doc["kind"] == kind}


def spec_of(service: str) -> ServiceSpec:
    spec: ServiceSpec = importlib.import_module(f"anpr_{service}.bootstrap").SPEC
    return spec


def test_kustomization_lists_every_manifest_in_the_folder() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization["resources"]) == sorted(on_disk)
    assert kustomization["namespace"] == objects("Namespace").popitem()[0]
    assert [image["name"] for image in kustomization["images"]] == ["anpr-platform"]


@pytest.mark.parametrize(
    ("source", "document"),
    [pytest.param(n, d, id=f"{n}:{d['kind']}/{d['metadata']['name']}") for n, d in manifests()],
)
def test_every_object_is_valid_against_its_schema(source: str, document: dict[str, Any]) -> None:
    if document["apiVersion"].startswith("keda.sh/"):
        jsonschema.validate(document, KEDA_SCHEMA)
    else:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_schemas_refuse_what_is_wrong() -> None:
    """Neither check passes anything: a misspelt field fails both."""
    deployment = objects("Deployment")["rules"]
    broken = yaml.safe_load(yaml.safe_dump(deployment).replace("readinessProbe", "readynessProbe"))
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
    scaled = objects("ScaledObject")["rules"]
    misspelt = yaml.safe_load(yaml.safe_dump(scaled).replace("lagThreshold", "lagTreshold"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(misspelt, KEDA_SCHEMA)


def containers(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    pod = deployment["spec"]["template"]["spec"]
    return [*pod.get("initContainers", []), *pod["containers"]]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_runs_its_command_with_probes_resources_and_its_port(service: str) -> None:
    deployment = objects("Deployment")[service]
    [init] = deployment["spec"]["template"]["spec"]["initContainers"]
    [main] = deployment["spec"]["template"]["spec"]["containers"]
    assert init["command"] == ["anpr", "migrate", service]
    assert main["command"] == ["anpr", "run", service]
    port = default_port(service)
    assert main["ports"] == [{"name": "http", "containerPort": port}]
    assert main["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert main["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert main["startupProbe"]["httpGet"]["path"] == "/healthz"
    for container in containers(deployment):
        assert {"cpu", "memory"} <= set(container["resources"]["requests"]), container["name"]
        assert {"cpu", "memory"} <= set(container["resources"]["limits"]), container["name"]
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(port)
    assert objects("Service")[service]["spec"]["ports"][0]["port"] == port
    # The consumer gets 30 s to finish its message after SIGTERM.
    assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > 30


@pytest.mark.parametrize("service", SERVICES)
def test_every_variable_a_service_gets_is_one_its_code_reads(service: str) -> None:
    config, secrets = objects("ConfigMap"), objects("Secret")
    deployment = objects("Deployment")[service]
    for container in containers(deployment):
        given = {item["name"] for item in container.get("env", [])}
        for source in container["envFrom"]:
            if "configMapRef" in source:
                given |= set(config[source["configMapRef"]["name"]]["data"])
            else:
                given |= set(secrets[source["secretRef"]["name"]]["stringData"])
        unknown = given - readable_by(service)
        assert not unknown, f"{service}/{container['name']}: {sorted(unknown)} are read by no setting"
        assert {"KAFKA_BOOTSTRAP", "DATABASE_URL", "ANPR_ADMIN_TOKEN", "ANPR_PSEUDONYM_KEY"} <= given


def test_the_placeholder_secrets_are_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deployment that forgot to replace secret.yaml fails to start instead of running on known keys."""
    values = {**objects("ConfigMap")["anpr-config"]["data"], **objects("Secret")["anpr-secrets"]["stringData"]}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match="placeholder"):
        settings_class("rules")()


def partitions_created() -> dict[str, tuple[int, dict[str, str]]]:
    """Topic -> (partitions, configs) as the topics Job creates them."""
    [job] = objects("Job").values()
    script = job["spec"]["template"]["spec"]["containers"][0]["args"][0]
    created = {}
    for line in script.splitlines():
        if not line.startswith("create --topic "):
            continue
        words = shlex.split(line)
        topic = words[words.index("--topic") + 1]
        configs = dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--config")
        created[topic] = (int(words[words.index("--partitions") + 1]), configs)
    return created


def test_the_topics_job_creates_every_topic_with_the_settings_of_the_contracts() -> None:
    created = partitions_created()
    assert set(created) == {spec.name for spec in TOPICS}
    for spec in TOPICS:
        partitions, configs = created[spec.name]
        assert partitions >= spec.partitions, spec.name
        assert configs.items() >= dict(spec.config).items(), spec.name


@pytest.mark.parametrize("service", [s for s in SERVICES if spec_of(s).consumes])
def test_each_consumer_group_is_scaled_on_its_lag_up_to_its_partitions(service: str) -> None:
    scaled = objects("ScaledObject")[service]
    assert scaled["spec"]["scaleTargetRef"]["name"] == service
    bootstrap = objects("ConfigMap")["anpr-config"]["data"]["KAFKA_BOOTSTRAP"]
    spec = spec_of(service)
    created = partitions_created()
    for trigger in scaled["spec"]["triggers"]:
        metadata = trigger["metadata"]
        assert trigger["type"] == "kafka"
        assert metadata["bootstrapServers"] == bootstrap
        # The runtime's group when ANPR_<SERVICE>_CONSUMER_GROUP is not set (and the manifests never set it).
        assert metadata["consumerGroup"] == f"anpr-{spec.name}"
        assert metadata["topic"] in spec.consumes
        assert scaled["spec"]["maxReplicaCount"] <= created[metadata["topic"]][0]
    assert f"ANPR_{service.upper()}_CONSUMER_GROUP" not in json.dumps(objects("Deployment")[service])


def test_a_deployment_whose_count_an_autoscaler_owns_sets_no_replicas() -> None:
    scaled = {d["spec"]["scaleTargetRef"]["name"] for d in objects("ScaledObject").values()}
    scaled |= {d["spec"]["scaleTargetRef"]["name"] for d in objects("HorizontalPodAutoscaler").values()}
    assert scaled >= {s for s in SERVICES if spec_of(s).consumes}
    for name, deployment in objects("Deployment").items():
        assert ("replicas" in deployment["spec"]) == (name not in scaled), name


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_a_disruption_budget_and_a_service_selecting_its_pods(service: str) -> None:
    labels = objects("Deployment")[service]["spec"]["template"]["metadata"]["labels"]
    budget = objects("PodDisruptionBudget")[service]["spec"]
    assert budget["selector"]["matchLabels"].items() <= labels.items()
    assert objects("Service")[service]["spec"]["selector"].items() <= labels.items()


def test_no_secret_value_is_in_a_config_map() -> None:
    config = objects("ConfigMap")["anpr-config"]["data"]
    assert not {name for name in config if re.search("TOKEN|KEY|PASSWORD|DATABASE_URL", name)}


def test_people_log_in_through_an_external_provider_configured_by_url() -> None:
    """Like Kafka and PostgreSQL, the OIDC provider is not deployed here: only its issuer is configured."""
    config = objects("ConfigMap")["anpr-config"]["data"]
    assert config["ANPR_OIDC_ISSUER"].startswith("https://")  # the services refuse http in production
    assert {"ANPR_OIDC_AUDIENCE", "ANPR_OIDC_ROLES_CLAIM"} <= set(config)
    assert not [d for d in objects("Deployment") if "keycloak" in d]
    # The console's client secret reaches the console only.
    for name, deployment in objects("Deployment").items():
        sources = {s.get("secretRef", {}).get("name") for c in containers(deployment) for s in c["envFrom"]}
        assert ("anpr-console-oidc" in sources) == (name == "console"), name
        assert ("anpr-loket-oidc" in sources) == (name == "console"), name
    assert set(objects("Secret")["anpr-console-oidc"]["stringData"]) == {"ANPR_OIDC_CONSOLE_CLIENT_SECRET"}


def test_the_permit_counter_signs_applicants_in_with_its_own_client_and_secret() -> None:
    """The counter's client (anpr-loket) at the applicants' issuer: its id in the console's env, its secret in
    a Secret of its own that only the console reads, like the staff client's."""
    config = objects("ConfigMap")["anpr-config"]["data"]
    assert config["ANPR_PUBLIC_OIDC_ISSUER"].startswith("https://")
    assert set(objects("Secret")["anpr-loket-oidc"]["stringData"]) == {"ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_SECRET"}
    [main] = objects("Deployment")["console"]["spec"]["template"]["spec"]["containers"]
    env = {item["name"]: item["value"] for item in main["env"]}
    assert env["ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_ID"] == "anpr-loket"


def test_the_console_refuses_the_placeholder_counter_secret_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every secret the console is given is real except the counter's: it still fails to start, naming it."""
    secrets = objects("Secret")
    values = {
        **objects("ConfigMap")["anpr-config"]["data"],
        **{name: "a-real-value-0123456789abcdef" for name in secrets["anpr-secrets"]["stringData"]},
        "ANPR_TOKENS": "",
        "ANPR_OIDC_CONSOLE_CLIENT_SECRET": "a-real-value-0123456789abcdef",
        **secrets["anpr-loket-oidc"]["stringData"],
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match="ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_SECRET"):
        settings_class("console")()


def test_the_console_calls_the_services_by_their_kubernetes_names() -> None:
    [main] = objects("Deployment")["console"]["spec"]["template"]["spec"]["containers"]
    env = {item["name"]: item["value"] for item in main["env"]}
    for name in ("ingest", "rules", "exemptions", "notices"):
        service_port = objects("Service")[name]["spec"]["ports"][0]["port"]
        assert env[f"ANPR_{name.upper()}_URL"] == f"http://{name}:{service_port}"
    assert env["ANPR_CONSOLE_URL"].startswith("https://")


def test_production_settings_ask_for_tls_to_kafka_and_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    """With secret.yaml's placeholders replaced, anpr-config starts a service: TLS to both backends."""
    config = objects("ConfigMap")["anpr-config"]["data"]
    assert (config["ANPR_ENV"], config["KAFKA_SECURITY_PROTOCOL"]) == ("production", "SSL")
    assert config["DATABASE_SSLMODE"] == "verify-full"
    without_run_environment(monkeypatch)
    for name, value in config.items():
        monkeypatch.setenv(name, value)
    for name in ("ANPR_ADMIN_TOKEN", "ANPR_PSEUDONYM_KEY", "ANPR_DEAD_LETTER_KEY"):
        monkeypatch.setenv(name, f"k3H9-real-{name.lower()}")
    database = objects("Secret")["anpr-secrets"]["stringData"]["DATABASE_URL"].replace("changeme", "k3H9-real-password")
    monkeypatch.setenv("DATABASE_URL", database)

    assert "sslmode=verify-full" in settings_class("rules")().database_url


INTERNAL_PATHS = {"/metrics", "/healthz", "/readyz", "/docs", "/docs/oauth2-redirect", "/openapi.json", "/redoc"}


@pytest.mark.parametrize("service", ["ingest", "notices", "console"])
def test_ingest_notices_and_the_console_are_reached_over_tls_at_an_ingress(service: str) -> None:
    ingress = objects("Ingress")[service]
    [tls] = ingress["spec"]["tls"]
    [rule] = ingress["spec"]["rules"]
    assert tls["secretName"] == f"anpr-{service}-tls"
    assert tls["hosts"] == [rule["host"]]
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/force-ssl-redirect"] == "true"
    for path in rule["http"]["paths"]:
        assert path["backend"]["service"] == {"name": service, "port": {"name": "http"}}
        assert path["path"] not in INTERNAL_PATHS
    if service != "console":
        assert [path["path"] for path in rule["http"]["paths"]] == ["/v1"]


def test_the_console_ingress_routes_every_screen_and_nothing_internal() -> None:
    from anpr_console import ConsoleSettings, create_app

    app = create_app(ConsoleSettings(environment="development"))
    routes = {route.path for route in app.routes if hasattr(route, "path")} - INTERNAL_PATHS  # type: ignore[attr-defined]
    [rule] = objects("Ingress")["console"]["spec"]["rules"]
    paths = [(path["path"], path["pathType"]) for path in rule["http"]["paths"]]

    def routed(route: str) -> bool:
        return any(route == p or (kind == "Prefix" and route.startswith(f"{p}/")) for p, kind in paths)

    assert {"/review/{candidate_id}", "/auth/callback", "/"} <= routes
    assert not [route for route in routes if not routed(route)]
    assert not [route for route in INTERNAL_PATHS if routed(route)]
    [tls] = objects("Ingress")["console"]["spec"]["tls"]
    console = {
        item["name"]: item.get("value")
        for item in objects("Deployment")["console"]["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    assert console["ANPR_CONSOLE_URL"] == f"https://{tls['hosts'][0]}"
