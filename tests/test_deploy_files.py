"""Static checks of the container files: no Docker engine runs here (nor in CI)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def test_dockerfile_is_slim_non_root_with_a_healthcheck() -> None:
    text = (REPO / "Dockerfile").read_text()
    instructions = [line.split()[0] for line in text.splitlines() if line and not line.startswith(("#", " "))]
    assert instructions[0] == "FROM" and "slim" in text.splitlines()[1]
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] not in ("root", "0")
    assert "HEALTHCHECK" in instructions and "/health" in text
    assert "torch==2.13.0" in text and "whl/cpu" in text
    assert re.search(r'^CMD \["looplab", "serve"\]', text, re.M)


def test_compose_has_postgres_s3_and_stateless_replicas() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "minio", "server", "console"} <= set(services)
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        depends = service.get("depends_on", {})
        for dependency in depends if isinstance(depends, list) else depends.keys():
            assert dependency in services, f"{name} depends on unknown {dependency}"
    server = services["server"]
    assert server["deploy"]["replicas"] >= 2
    env = server["environment"]
    assert env["LOOPLAB_DATABASE_URL"].startswith("postgresql://")
    assert env["LOOPLAB_BLOB_URL"].startswith("s3://")
    assert "volumes" not in server  # replicas keep nothing on their own disk
    assert services["console"]["environment"]["LOOPLAB_SERVER_URL"].startswith("http://server:")


def test_devcontainer_installs_what_the_tests_need() -> None:
    config = json.loads((REPO / ".devcontainer" / "devcontainer.json").read_text())
    assert "3.11" in config["image"]
    assert {8000, 8501} <= set(config["forwardPorts"])
    for package in ("postgresql", "chromium"):
        assert package in config["postCreateCommand"]
    assert "make install" in config["postCreateCommand"]
