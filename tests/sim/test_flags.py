"""Flags, attributes and resources parsed with Mesos's rules; the command line as Mesos
takes it (unknown flags refused with stout's message and exit code 1)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mesos_sim.attributes import AttributeError_, parse_attributes
from mesos_sim.flag_specs import AGENT, MASTER
from mesos_sim.flags import FlagError, Flags
from mesos_sim.resources import Resources, ResourcesError, agent_resources
from tests.support.sim import REPO_ROOT


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MESOS_")}
    environ.update(env or {})
    environ["PYTHONPATH"] = str(REPO_ROOT)
    return subprocess.run(
        [sys.executable, "-m", "mesos_sim", *args],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=REPO_ROOT,
        env=environ,
        check=False,
    )


def test_seed_attributes_are_two_text_attributes():
    assert parse_attributes("rack:r2d2;pod:demo,dev") == [
        {"name": "rack", "type": "TEXT", "text": {"value": "r2d2"}},
        {"name": "pod", "type": "TEXT", "text": {"value": "demo,dev"}},
    ]


def test_attribute_value_types():
    parsed = {a["name"]: a for a in parse_attributes("cores:8;zone:[1-3,5-5];label:a b")}
    assert parsed["cores"] == {"name": "cores", "type": "SCALAR", "scalar": {"value": 8.0}}
    assert parsed["zone"]["ranges"] == {"range": [{"begin": 1, "end": 3}, {"begin": 5, "end": 5}]}
    assert parsed["label"]["text"] == {"value": "ab"}  # Mesos removes spaces


@pytest.mark.parametrize(
    "text,message",
    [
        ("rack", "Invalid attribute key:value pair 'rack'"),
        ("os:{a,b}", "Bad type for attribute os text {a,b} type SET"),
        ("r:[1-2", "Failed to parse attribute r text [1-2 error Mismatched brackets"),
    ],
)
def test_bad_attributes_are_refused(text, message):
    with pytest.raises(
        AttributeError_, match=message.replace("[", r"\[").replace("{", r"\{").replace("}", r"\}")
    ):
        parse_attributes(text)


def test_resources_text_json_and_arithmetic():
    resources = Resources.parse("cpus:2;mem:496;disk:4930;ports:[9000-10000];gpus_kind:{a,b}")
    assert resources.text() == ("cpus:2; mem:496; disk:4930; ports:[9000-10000]; gpus_kind:{a, b}")
    as_json = Resources.parse('[{"name":"cpus","type":"SCALAR","scalar":{"value":1.5}}]')
    assert as_json.scalar("cpus") == 1.5
    left = resources - Resources.parse("cpus:0.5;ports:[9000-9000,9500-9600]")
    assert left.scalar("cpus") == 1.5
    assert left.ranges("ports") == [(9001, 9499), (9601, 10000)]
    assert resources.contains(Resources.parse("ports:[9100-9200]"))
    assert not resources.contains(Resources.parse("ports:[8999-9000]"))
    with pytest.raises(ResourcesError, match="missing or extra ':'"):
        Resources.parse("cpus")
    with pytest.raises(ResourcesError, match="Bad type for resource os value linux type TEXT"):
        Resources.parse("os:linux")


def test_agent_resources_default_and_override(tmp_path):
    detected = agent_resources(None, str(tmp_path))
    assert detected.ranges("ports") == [(31000, 32000)]
    assert detected.scalar("cpus") == float(os.cpu_count())
    assert detected.scalar("mem") > 0 and detected.scalar("disk") > 0
    given = agent_resources("cpus:2;mem:496;ports:[9000-10000]", str(tmp_path))
    assert given.scalar("cpus") == 2 and given.scalar("mem") == 496
    assert given.ranges("ports") == [(9000, 10000)]
    assert given.scalar("disk") == detected.scalar("disk")


def test_flag_syntax_booleans_environment_and_files(tmp_path):
    credentials = tmp_path / "zk"
    credentials.write_text("zk://10.0.0.1:2181/mesos\n")
    flags = Flags(MASTER)
    flags.load(
        [
            "--port=5055",
            "--no-hostname_lookup",
            "--authenticate_http_frameworks",
            f"--zk=file://{credentials}",
        ],
        {"MESOS_QUORUM": "1", "MESOS_PORT": "9999", "MESOS_UNKNOWN_THING": "x"},
    )
    assert flags.port == 5055  # the command line wins over the environment
    assert flags.quorum == 1
    assert flags.hostname_lookup is False
    assert flags.authenticate_http_frameworks is True
    assert flags.zk == "zk://10.0.0.1:2181/mesos\n"
    assert flags.agent_ping_timeout == 15.0
    assert flags.text("agent_ping_timeout") == "15secs"


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--bogus=1"], "Failed to load unknown flag 'bogus'"),
        (["--no-bogus"], "Failed to load unknown flag 'bogus' via 'no-bogus'"),
        (["--port"], "Failed to load non-boolean flag 'port': Missing value"),
        (["--no-port"], "Failed to load non-boolean flag 'port' via 'no-port'"),
        (
            ["--no-quiet=true"],
            "Failed to load boolean flag 'quiet' via 'no-quiet' with value 'true'",
        ),
        (["--port=abc"], "Failed to load flag 'port': Failed to load value 'abc'"),
    ],
)
def test_flag_errors(argv, message):
    with pytest.raises(FlagError, match=message):
        Flags(MASTER).load(argv, {})


def test_unknown_flag_on_the_command_line_exits_1_with_mesos_message():
    result = _run("master", "--ip=127.0.0.1", "--wrok_dir=/tmp")
    assert result.returncode == 1
    assert result.stderr == (
        "Failed to load unknown flag 'wrok_dir'\n\n"
        "See `mesos-master --help` for a list of supported flags.\n"
    )
    agent = _run("agent", "--attribute=rack:r2d2")
    assert agent.returncode == 1
    assert "See `mesos-agent --help`" in agent.stderr


def test_agent_requires_work_dir_and_version_flag():
    result = _run("agent", "--master=127.0.0.1:5050")
    assert result.returncode == 1
    assert result.stderr.startswith("Flag 'work_dir' is required, but it was not provided")
    for args in (["--version"], ["master", "--version"], ["agent", "--version"]):
        shown = _run(*args)
        assert shown.returncode == 0
        assert shown.stdout == "mesos_sim (simulator) 1.11.0\n"


def test_bad_attributes_flag_stops_the_agent(tmp_path):
    result = _run(
        "agent", "--master=127.0.0.1:1", f"--work_dir={tmp_path}", "--attributes=os:{a,b}"
    )
    assert result.returncode == 1
    assert "Bad type for attribute os text {a,b} type SET" in result.stderr


def test_environment_flags_reach_the_process(tmp_path):
    result = _run(
        "master",
        env={"MESOS_WORK_DIR": str(tmp_path), "MESOS_ZK": "zk://x", "MESOS_IP": "127.0.0.1"},
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Need to specify --quorum for replicated log based registry when using ZooKeeper"
    )


def test_path_flags_are_not_fetched(tmp_path):
    credentials = tmp_path / "credentials"
    credentials.write_text("ops secret\n")
    for value in (str(credentials), f"file://{credentials}"):
        flags = Flags(MASTER)
        flags.load([f"--credentials={value}"], {})
        assert flags.credentials == str(credentials)


def test_agent_flags_cover_a_deployment_command_line():
    flags = Flags(AGENT)
    flags.load(
        [
            "--master=zk://192.168.33.10:2181/mesos",
            "--work_dir=/var/lib/mesos",
            "--containerizers=mesos",
            "--launcher=posix",
            "--isolation=posix/cpu,posix/mem",
            "--executor_registration_timeout=5mins",
            "--log_dir=/var/log/mesos",
            "--logging_level=INFO",
            "--attributes=rack:r2d2;pod:demo,dev",
            "--resources=cpus:2;mem:496",
            "--hostname=192.168.33.11",
            "--ip=192.168.33.11",
            "--advertise_ip=192.168.33.11",
        ],
        {},
    )
    assert flags.executor_registration_timeout == 300.0
