"""The role's mesos-init-wrapper turns the same files as Apache's into flags.

The role installs it for mesos_sim and for packages without a wrapper of their own (a plain
Apache Mesos build); it then runs the simulator, or the daemons where the package put them.

The role's templates are rendered with Ansible, then the wrapper runs in a private mount
namespace whose /etc is an overlay (writes land in a temp dir, never in the host's /etc) and
whose /opt holds a stand-in for the simulator's python that records the argv and environment
it was started with. The simulator itself runs for real in the molecule scenario.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEMPLATES = REPO / "roles/mesos_common/templates"
RENDERED = {
    "wrapper": "mesos-init-wrapper.j2",
    "default-mesos": "default-mesos.j2",
    "default-mesos-master": "default-mesos-master.j2",
    "default-mesos-agent": "default-mesos-agent.j2",
    "unit": "mesos.service.j2",
}
# What tasks/package_layout.yml reports for a package with daemons but no wrapper or units.
PACKAGE_LAYOUT = {
    "daemons": {"master": "/opt/mesos/sbin/mesos-master", "agent": "/opt/mesos/sbin/mesos-agent"},
    "package": "mesos",
    "wrapper": None,
    "units": {"master": None, "agent": None},
}
RECORDER = """#!/bin/sh
# Stand-in for /opt/mesos_sim/venv/bin/python: record argv and MESOS_* and LIBPROCESS_*
# environment as JSON.
exec /usr/bin/python3 -c 'import json, os, sys
json.dump({"argv": sys.argv[1:], "env": {k: v for k, v in os.environ.items()
           if k.startswith(("MESOS_", "LIBPROCESS_"))}}, open(os.environ["RECORD_TO"], "w"))' "$@"
"""

TLS_FILES = {
    "ca": "/etc/mesos/ssl/ca.pem",
    "cert": "/etc/mesos/ssl/mesos.pem",
    "key": "/etc/mesos/ssl/mesos.key",
}

pytestmark = pytest.mark.skipif(
    shutil.which("unshare") is None or os.geteuid() != 0,
    reason="needs root and unshare for a private mount namespace",
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """The role's templates rendered by Ansible into a temp directory."""
    out = tmp_path_factory.mktemp("rendered")
    tasks = [
        {
            "name": f"Render {name}",
            "ansible.builtin.template": {"src": str(TEMPLATES / src), "dest": str(out / name)},
            "vars": {"item": "agent"},
        }
        for name, src in RENDERED.items()
    ]
    tasks += [
        {
            "name": f"Render the {name} of a package without one",
            "ansible.builtin.template": {
                "src": str(TEMPLATES / src),
                "dest": str(out / f"{name}-package"),
            },
            "vars": {
                "item": "agent",
                "mesos_common_flavor": "package",
                "mesos_common_package_layout": PACKAGE_LAYOUT,
            },
        }
        for name, src in (("wrapper", RENDERED["wrapper"]), ("unit", RENDERED["unit"]))
    ]
    tasks.append(
        {
            "name": "Render default-mesos with TLS on",
            "ansible.builtin.template": {
                "src": str(TEMPLATES / "default-mesos.j2"),
                "dest": str(out / "default-mesos-tls"),
            },
            "vars": {
                "mesos_common_tls_enabled": True,
                "mesos_common_tls_verify_server_cert": True,
                "mesos_common_tls_ciphers": "ECDHE-RSA-AES128-GCM-SHA256",
                "__mesos_common_tls_files": TLS_FILES,
            },
        }
    )
    play = [
        {
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "vars_files": [str(REPO / "roles/mesos_common/vars/main.yml")],
            "vars": {
                "ansible_python_interpreter": sys.executable,
                "mesos_common_flavor": "simulator",
                "mesos_common_sim_prefix": "/opt/mesos_sim",
                "mesos_common_ulimit": "-n 4096",
                "mesos_common_log_dir": "",
                "mesos_common_environment": {"MESOS_LOGGING_LEVEL": "WARNING"},
                "mesos_common_tls_enabled": False,
                "__mesos_common_wrapper": "/usr/bin/mesos-init-wrapper",
            },
            "tasks": tasks,
        }
    ]
    playbook = out / "render.yml"
    playbook.write_text(yaml.safe_dump(play))
    result = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", "localhost,", str(playbook)],
        cwd=REPO,
        env={**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def run_wrapper(
    tmp_path: Path, rendered: Path, files: dict[str, str], *args: str, wrapper: str = "wrapper"
):
    """Run the rendered wrapper with ``files`` ({path under /etc: content}) in place.

    The simulator's python and the package's daemons are all the recorder.
    """
    upper, work, record = tmp_path / "upper", tmp_path / "work", tmp_path / "record.json"
    upper.mkdir()
    work.mkdir()
    etc = {
        "default/mesos": (rendered / "default-mesos").read_text(),
        "default/mesos-master": (rendered / "default-mesos-master").read_text(),
        "default/mesos-agent": (rendered / "default-mesos-agent").read_text(),
        **files,
    }
    for relative, content in etc.items():
        path = upper / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    (tmp_path / "python").write_text(RECORDER)
    (tmp_path / "python").chmod(0o755)
    script = f"""set -e
mount -t overlay overlay -o lowerdir=/etc,upperdir={upper},workdir={work} /etc
mount -t tmpfs tmpfs /opt
mkdir -p /opt/mesos_sim/venv/bin /opt/mesos/sbin
cp {tmp_path / "python"} /opt/mesos_sim/venv/bin/python
cp {tmp_path / "python"} /opt/mesos/sbin/mesos-master
cp {tmp_path / "python"} /opt/mesos/sbin/mesos-agent
exec bash {rendered / wrapper} "$@"
"""
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "bash", "-c", script, "wrap", *args],
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "RECORD_TO": str(record)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    recorded = json.loads(record.read_text()) if record.exists() else None
    return result, recorded


def test_wrapper_passes_bash_syntax_check(rendered):
    result = subprocess.run(
        ["bash", "-n", str(rendered / "wrapper")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_master_flags_from_files(tmp_path, rendered):
    result, recorded = run_wrapper(
        tmp_path,
        rendered,
        {
            "mesos/zk": "zk://10.0.0.1:2181,10.0.0.2:2181/mesos\n",
            "mesos-master/port": "5050\n",
            "mesos-master/cluster": "my lab\n",
            "mesos-master/?no-hostname_lookup": "",
            "mesos-master/?authenticate_http_frameworks": "",
            "mesos-agent/port": "5051\n",
        },
        "master",
    )
    assert result.returncode == 0, result.stderr
    argv = recorded["argv"]
    assert argv[:3] == ["-m", "mesos_sim", "master"]
    assert sorted(argv[3:]) == sorted(
        [
            "--zk=zk://10.0.0.1:2181,10.0.0.2:2181/mesos",
            "--port=5050",
            "--cluster=my lab",
            "--no-hostname_lookup",
            "--authenticate_http_frameworks",
        ]
    )
    assert recorded["env"] == {"MESOS_LOGGING_LEVEL": "WARNING"}


def test_agent_flags_and_attribute_directories(tmp_path, rendered):
    result, recorded = run_wrapper(
        tmp_path,
        rendered,
        {
            "mesos/zk": "zk://10.0.0.1:2181/mesos\n",
            "mesos-agent/work_dir": "/var/lib/mesos/agent\n",
            "mesos-agent/attributes/rack": "r2d2\n",
            "mesos-agent/attributes/pod": "demo,dev\n",
            "mesos-agent/attributes/empty": "",
            "mesos-agent/resources/cpus": "2\n",
        },
        "agent",
    )
    assert result.returncode == 0, result.stderr
    assert recorded["argv"] == [
        "-m",
        "mesos_sim",
        "agent",
        "--master=zk://10.0.0.1:2181/mesos",
        "--work_dir=/var/lib/mesos/agent",
        "--attributes=pod:demo,dev;rack:r2d2",
        "--resources=cpus:2",
    ]


def test_environment_files_can_set_flags_too(tmp_path, rendered):
    result, recorded = run_wrapper(
        tmp_path,
        rendered,
        {
            "mesos/zk": "zk://10.0.0.1:2181/mesos\n",
            "default/mesos-master": 'ZK="$(cat /etc/mesos/zk)"\nIP=10.0.0.9\nPORT=6060\n',
        },
        "master",
    )
    assert result.returncode == 0, result.stderr
    assert recorded["argv"][3:] == ["--zk=zk://10.0.0.1:2181/mesos", "--ip=10.0.0.9", "--port=6060"]


def test_tls_settings_reach_the_daemon_exported(tmp_path, rendered):
    result, recorded = run_wrapper(
        tmp_path,
        rendered,
        {
            "mesos/zk": "zk://10.0.0.1:2181/mesos\n",
            "default/mesos": (rendered / "default-mesos-tls").read_text(),
        },
        "agent",
    )
    assert result.returncode == 0, result.stderr
    assert recorded["env"] == {
        "MESOS_LOGGING_LEVEL": "WARNING",
        "LIBPROCESS_SSL_ENABLED": "true",
        "LIBPROCESS_SSL_CERT_FILE": TLS_FILES["cert"],
        "LIBPROCESS_SSL_KEY_FILE": TLS_FILES["key"],
        "LIBPROCESS_SSL_CA_FILE": TLS_FILES["ca"],
        "LIBPROCESS_SSL_VERIFY_SERVER_CERT": "true",
        "LIBPROCESS_SSL_REQUIRE_CLIENT_CERT": "false",
        "LIBPROCESS_SSL_VERIFY_IPADD": "true",
        "LIBPROCESS_SSL_CIPHERS": "ECDHE-RSA-AES128-GCM-SHA256",
    }


@pytest.mark.parametrize("args", [(), ("scheduler",)])
def test_anything_but_master_or_agent_is_a_usage_error(tmp_path, rendered, args):
    result, recorded = run_wrapper(tmp_path, rendered, {}, *args)
    assert result.returncode == 64
    assert "usage: mesos-init-wrapper master|agent" in result.stderr
    assert recorded is None


def test_units_run_the_wrapper(rendered):
    unit = (rendered / "unit").read_text()
    assert "ExecStart=/usr/bin/mesos-init-wrapper agent" in unit.splitlines()
    assert "WantedBy=multi-user.target" in unit.splitlines()


def test_package_wrapper_runs_the_packaged_daemon(tmp_path, rendered):
    result, recorded = run_wrapper(
        tmp_path,
        rendered,
        {
            "mesos/zk": "zk://10.0.0.1:2181/mesos\n",
            "mesos-agent/launcher": "posix\n",
            "mesos-agent/?no-systemd_enable_support": "",
            "mesos-agent/attributes/rack": "r2d2\n",
        },
        "agent",
        wrapper="wrapper-package",
    )
    assert result.returncode == 0, result.stderr
    assert recorded["argv"] == [
        "--master=zk://10.0.0.1:2181/mesos",
        "--no-systemd_enable_support",
        "--launcher=posix",
        "--attributes=rack:r2d2",
    ]


def test_package_agent_unit_keeps_tasks_across_restarts(rendered):
    package_unit = (rendered / "unit-package").read_text().splitlines()
    assert "ExecStart=/usr/bin/mesos-init-wrapper agent" in package_unit
    assert "Description=Mesos Agent (Apache Mesos)" in package_unit
    assert "KillMode=process" in package_unit
    simulator_unit = (rendered / "unit").read_text().splitlines()
    assert "Description=Mesos Agent (mesos_sim simulator)" in simulator_unit
    assert "KillMode=process" not in simulator_unit
