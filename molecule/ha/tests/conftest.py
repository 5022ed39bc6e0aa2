"""Fixtures of the `ha` verifier: whether the scenario runs with TLS, and the lab CA."""

from __future__ import annotations

import ha_probes
import pytest
import yaml

SCENARIO_VARS = ha_probes.INVENTORY / "group_vars" / "all.yml"


@pytest.fixture(scope="session")
def tls_on() -> bool:
    """The scenario's ``mesos_tls`` (TLS on every Mesos endpoint)."""
    return bool(yaml.safe_load(SCENARIO_VARS.read_text(encoding="utf-8")).get("mesos_tls"))


@pytest.fixture(scope="session")
def ca(tls_on) -> str | None:
    """The lab CA the roles generated on the controller; None when TLS is off (plain http)."""
    if not tls_on:
        return None
    path = ha_probes.controller_tls_dir() / "ca.pem"
    assert path.is_file(), f"the roles made no lab CA at {path}"
    return str(path)
