"""The package flavor (AVENTER's Apache Mesos) rendered in check mode against this machine.

Real Mesos cannot be installed here, so these tests run the roles' preflight, install, config
and flag task files with ``--check --diff`` and read what they would write: the apt source,
the key download (served from loopback), /etc/mesos/zk, /etc/default/mesos-* and the flag
files. ZooKeeper is real (on loopback), since preflight waits for it. Nothing is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.zookeeper import ZooKeeperServer, zookeeper_available

from .playbook_run import PlaybookRun, file_server, local_inventory, run_playbook

pytestmark = [
    pytest.mark.zookeeper,
    pytest.mark.skipif(zookeeper_available() is not None, reason=str(zookeeper_available())),
]

SECRET = "TOPSECRET-7f3a"
KEYRING = "/etc/apt/keyrings/aventer-mesos.asc"
WRITTEN_PATHS = [
    "/etc/mesos",
    "/etc/mesos-master",
    "/etc/mesos-agent",
    "/etc/default/mesos",
    "/etc/apt/sources.list.d/aventer-mesos.list",
    KEYRING,
]


def package_plays(**play_vars) -> list[dict]:
    """Preflight, install, config and flags of both roles, package flavor, on checkhost."""
    base_vars = {
        "mesos_flavor": "package",
        "mesos_address": "{{ ansible_facts['all_ipv4_addresses'] | first }}",
        "mesos_agent_attributes": {"rack": "r2d2", "pod": ["demo", "dev"]},
        "mesos_agent_resources": {"cpus": 2, "mem": 1024, "ports": [[31000, 32000]]},
        "mesos_agent_launcher": "posix",
        "mesos_agent_isolation": "posix/cpu,posix/mem",
        "mesos_master_authenticate_frameworks": True,
        "mesos_master_credentials": [{"principal": "lab", "secret": SECRET}],
        "mesos_master_client_packages": [],
    }
    base_vars.update(play_vars)

    def common(tasks_from: str, component: str, **extra) -> dict:
        return {
            "name": f"mesos_common {tasks_from} for the {component}",
            "ansible.builtin.import_role": {"name": "mesos_common", "tasks_from": tasks_from},
            "vars": {
                "mesos_common_component": component,
                "mesos_common_address": "{{ mesos_address }}",
                **extra,
            },
        }

    return [
        {
            "name": "Package flavor, check mode",
            "hosts": "checkhost",
            "gather_facts": True,
            "vars": base_vars,
            "tasks": [
                common("preflight", "agent"),
                {
                    "name": "Agent checks",
                    "ansible.builtin.import_role": {
                        "name": "mesos_agent",
                        "tasks_from": "preflight",
                    },
                },
                {
                    "name": "Master checks",
                    "ansible.builtin.import_role": {
                        "name": "mesos_master",
                        "tasks_from": "preflight",
                    },
                },
                common("install", "agent"),
                {
                    "name": "Master files",
                    "ansible.builtin.import_role": {"name": "mesos_master", "tasks_from": "master"},
                },
                common("config", "master"),
                common("config", "agent"),
                common("flags", "master", mesos_common_flags="{{ __mesos_master_flags }}"),
                common(
                    "flags",
                    "agent",
                    mesos_common_flags="{{ __mesos_agent_flags }}",
                    mesos_common_identity_flags="{{ __mesos_agent_identity_flags }}",
                ),
                # The restart handlers need systemd, which this machine does not run.
                {"name": "Stop before the handlers", "ansible.builtin.meta": "end_play"},
            ],
        }
    ]


@pytest.fixture(scope="module")
def zookeeper():
    """One real ZooKeeper on loopback for the whole module (preflight waits for it)."""
    with ZooKeeperServer() as server:
        yield server


@pytest.fixture(scope="module")
def key_server(tmp_path_factory):
    """A loopback HTTP server with a (fake) repository key and a (broken) .deb."""
    served = tmp_path_factory.mktemp("served")
    (served / "support_aventer.asc").write_text("-----BEGIN PGP PUBLIC KEY BLOCK-----\n")
    (served / "aventer-mesos.deb").write_bytes(b"this is not a Debian package\n")
    with file_server(served) as (base_url, log):
        yield base_url, log


@pytest.fixture(scope="module")
def untouched():
    """The paths the roles would write must not exist before, and still not after."""
    existing = [path for path in WRITTEN_PATHS if Path(path).exists()]
    if existing:
        pytest.skip(f"this machine already has {existing}; cannot prove check mode wrote nothing")
    yield
    assert [path for path in WRITTEN_PATHS if Path(path).exists()] == []


def codename() -> str:
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("VERSION_CODENAME="):
            return line.split("=", 1)[1].strip('"')
    pytest.skip("/etc/os-release names no codename")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, zookeeper, key_server, untouched) -> tuple[PlaybookRun, list, int]:
    base_url, log = key_server
    run = run_playbook(
        tmp_path_factory.mktemp("rendered"),
        local_inventory(zookeeper.port),
        package_plays(mesos_common_package_key_url=f"{base_url}/support_aventer.asc"),
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    return run, log, zookeeper.port


def test_apt_source_line_is_signed_by_the_downloaded_key(rendered):
    run, _, _ = rendered
    (source,) = run.after("Write the repository's apt source").values()
    line = [text for text in source.splitlines() if text.startswith("deb ")]
    assert line == [f"deb [signed-by={KEYRING}] https://rpm.aventer.biz/Debian/ {codename()} main"]


def test_key_comes_from_the_key_url_variable(rendered):
    run, log, _ = rendered
    key = run.result("Download the repository signing key")
    assert key["changed"] is True
    assert key["dest"] == KEYRING
    assert ("HEAD", "/support_aventer.asc") in log


def test_package_install_is_planned_not_failed(rendered):
    run, _, _ = rendered
    result = run.result("Install the Mesos package from the repository")
    assert result.get("failed_when_result") is False


def test_zk_and_default_files(rendered):
    run, _, zk_port = rendered
    assert run.after("Write the ZooKeeper URL to /etc/mesos/zk") == {
        "/etc/mesos/zk": f"zk://127.0.0.1:{zk_port}/mesos\n"
    }
    master_env = run.after("Write /etc/default/mesos-master")["/etc/default/mesos-master"]
    agent_env = run.after("Write /etc/default/mesos-agent")["/etc/default/mesos-agent"]
    assert 'ZK="$(cat /etc/mesos/zk)"' in master_env.splitlines()
    assert 'MASTER="$(cat /etc/mesos/zk)"' in agent_env.splitlines()
    common_env = run.after("Write /etc/default/mesos")["/etc/default/mesos"]
    assert 'ULIMIT="-n 16384"' in common_env.splitlines()


def test_agent_flag_files(rendered):
    run, _, _ = rendered
    written = run.after("Write the flag files")
    written.update(run.after("Write the flag files that make up the identity of mesos-agent"))
    agent = {k.removeprefix("/etc/mesos-agent/"): v for k, v in written.items() if "agent/" in k}
    address = agent["ip"].strip()
    assert agent == {
        "ip": f"{address}\n",
        "hostname": f"{address}\n",
        "port": "5051\n",
        "work_dir": "/var/lib/mesos/agent\n",
        "attributes": "rack:r2d2;pod:demo,dev\n",
        "resources": "cpus:2;mem:1024;ports:[31000-32000]\n",
        "containerizers": "mesos\n",
        "launcher": "posix\n",
        "isolation": "posix/cpu,posix/mem\n",
    }


def test_master_flag_files_with_framework_authentication(rendered):
    run, _, _ = rendered
    written = run.after("Write the flag files")
    master = {k.removeprefix("/etc/mesos-master/"): v for k, v in written.items() if "master/" in k}
    assert master["quorum"] == "1\n"
    assert master["cluster"] == "mesos-lab\n"
    assert master["?authenticate_frameworks"] == ""
    assert master["?authenticate_http_frameworks"] == ""
    assert master["http_framework_authenticators"] == "basic\n"
    assert master["credentials"] == "file:///etc/mesos/credentials.json\n"


def test_credentials_are_written_0600_and_never_shown(rendered):
    run, _, _ = rendered
    result = run.result("Write the framework credentials")
    assert result["censored"].startswith("the output has been hidden")
    assert SECRET not in run.stdout
    assert SECRET not in run.stderr


def test_unreachable_key_fails_naming_the_variables(tmp_path, zookeeper, key_server, untouched):
    base_url, _ = key_server
    run = run_playbook(
        tmp_path,
        local_inventory(zookeeper.port),
        package_plays(mesos_common_package_key_url=f"{base_url}/moved/support_aventer.asc"),
    )
    assert run.returncode != 0
    message = run.result("Explain which settings point at the package")["msg"]
    assert "Download the repository signing key" in message
    for variable in (
        "mesos_common_package_key_url",
        "mesos_common_package_repo_url",
        "mesos_common_package_deb_url",
    ):
        assert variable in message
    assert f"{base_url}/moved/support_aventer.asc" in message


def test_direct_deb_skips_the_repository(tmp_path, zookeeper, key_server, untouched):
    base_url, log = key_server
    seen_before = len(log)
    run = run_playbook(
        tmp_path,
        local_inventory(zookeeper.port),
        package_plays(
            mesos_common_package_key_url=f"{base_url}/support_aventer.asc",
            mesos_common_package_deb_url=f"{base_url}/aventer-mesos.deb",
        ),
    )
    assert run.returncode != 0, "a file that is no .deb must not install"
    requested = [path for _, path in log[seen_before:]]
    assert "/aventer-mesos.deb" in requested
    assert not [path for path in requested if path.endswith(".asc")]
    message = run.result("Explain which settings point at the package")["msg"]
    assert "Install the Mesos package from its .deb" in message
    assert f"mesos_common_package_deb_url (now '{base_url}/aventer-mesos.deb')" in message


def test_linux_launcher_needs_cgroup_v1(tmp_path, zookeeper, key_server, untouched):
    base_url, _ = key_server
    run = run_playbook(
        tmp_path,
        local_inventory(zookeeper.port),
        package_plays(
            mesos_common_package_key_url=f"{base_url}/support_aventer.asc",
            mesos_agent_launcher="",
            mesos_agent_isolation="",
        ),
        "-e",
        "__mesos_agent_cgroup_freezer=/nonexistent/freezer",
    )
    assert run.returncode != 0
    message = run.result("Assert the cgroup layout suits the launcher and isolation")["msg"]
    assert "mesos_agent_launcher: posix" in message
    assert not [t for t in run.tasks if t["task"]["name"].startswith("Download")]


def test_three_masters_get_quorum_two_and_every_zookeeper(
    tmp_path, zookeeper, key_server, untouched
):
    """Growing the inventory is all it takes: 3 masters -> quorum 2, 3 ZooKeepers in the URL."""
    base_url, _ = key_server
    host = {
        "ansible_connection": "local",
        "ansible_host": "127.0.0.1",
        "ansible_python_interpreter": sys.executable,
    }
    inventory = {
        "all": {
            "children": {
                "zookeeper": {
                    "hosts": {f"zk{i}": {"ansible_host": "127.0.0.1"} for i in (1, 2, 3)}
                },
                "mesos_masters": {"hosts": {f"m{i}": host for i in (1, 2, 3)}},
                "mesos_agents": {"hosts": {}},
            },
            "vars": {"mesos_common_zookeeper_port": zookeeper.port},
        }
    }
    play = package_plays(mesos_common_package_key_url=f"{base_url}/support_aventer.asc")[0]
    play["hosts"] = "mesos_masters"
    play["tasks"] = [
        task
        for task in play["tasks"]
        if "agent" not in task["name"]
        and "Agent" not in task["name"]
        and "install" not in task["name"]
    ]
    run = run_playbook(tmp_path, inventory, [play])
    assert run.returncode == 0, run.stdout[-6000:]
    zk_url = f"zk://{','.join([f'127.0.0.1:{zookeeper.port}'] * 3)}/mesos\n"
    for name in ("m1", "m2", "m3"):
        assert run.after("Write the ZooKeeper URL to /etc/mesos/zk", name) == {
            "/etc/mesos/zk": zk_url
        }
        flags = run.after("Write the flag files", name)
        assert flags["/etc/mesos-master/quorum"] == "2\n"


def test_simulator_build_failure_is_reported(tmp_path, zookeeper, untouched):
    """The simulator flavor builds its wheels on the controller; a bad source says why."""
    play = package_plays(mesos_flavor="simulator")[0]
    play["tasks"] = [task for task in play["tasks"] if task["name"].startswith("mesos_common")]
    run = run_playbook(
        tmp_path,
        local_inventory(zookeeper.port),
        [play],
        env={"MESOS_SIM_SOURCE": str(tmp_path / "no" / "mesos_sim")},
    )
    assert run.returncode != 0
    result = run.result("Build the simulator wheelhouse on the controller")
    assert "is not a Python package (no __init__.py)" in result["stderr"]
    assert "Traceback" not in result["stderr"]
