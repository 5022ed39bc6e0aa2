"""The Vagrantfile and inventories/vagrant describe the same two VMs as the local lab."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from . import repo, vagrantfile

CLUSTER_GROUPS = ("zookeeper", "mesos_masters", "mesos_agents")


@pytest.fixture(scope="module")
def vagrant() -> vagrantfile.Vagrantfile:
    return vagrantfile.parse(repo.REPO / "Vagrantfile")


@pytest.fixture(scope="module")
def vagrant_inventory() -> dict:
    return repo.inventory(repo.REPO / "inventories" / "vagrant")


@pytest.fixture(scope="module")
def local_inventory() -> dict:
    return repo.inventory(repo.REPO / "inventories" / "local")


def addresses(listing: dict, hosts: set[str]) -> dict[str, str]:
    return {host: repo.host_vars(listing, host).get("ansible_host") for host in hosts}


def test_vagrantfile_declares_master_and_agent(vagrant):
    assert vagrant.machines == {"master": "192.168.33.10", "agent": "192.168.33.11"}


def test_vagrantfile_machines_match_the_vagrant_inventory(vagrant, vagrant_inventory):
    inventory_hosts = repo.group_hosts(vagrant_inventory, "all")
    assert set(vagrant.machines) == inventory_hosts
    assert addresses(vagrant_inventory, inventory_hosts) == vagrant.machines


def test_vagrant_inventory_groups(vagrant_inventory):
    assert repo.group_hosts(vagrant_inventory, "zookeeper") == {"master"}
    assert repo.group_hosts(vagrant_inventory, "mesos_masters") == {"master"}
    assert repo.group_hosts(vagrant_inventory, "mesos_agents") == {"agent"}


@pytest.mark.parametrize("group", CLUSTER_GROUPS)
def test_vagrant_and_local_inventories_describe_the_same_cluster(
    group, vagrant_inventory, local_inventory
):
    vagrant_hosts = repo.group_hosts(vagrant_inventory, group)
    local_hosts = repo.group_hosts(local_inventory, group)
    assert vagrant_hosts == local_hosts
    assert addresses(vagrant_inventory, vagrant_hosts) == addresses(local_inventory, local_hosts)


def test_vagrant_inventory_uses_the_mesos_packages(vagrant_inventory):
    for host in repo.group_hosts(vagrant_inventory, "all"):
        assert repo.host_vars(vagrant_inventory, host).get("mesos_flavor") == "package", host


def test_vagrant_inventory_logs_in_as_vagrant_with_become(vagrant_inventory):
    for host in repo.group_hosts(vagrant_inventory, "all"):
        variables = repo.host_vars(vagrant_inventory, host)
        assert variables.get("ansible_user") == "vagrant", host
        assert variables.get("ansible_become") is True, host


def test_vagrantfile_provisions_site_yml_with_the_vagrant_inventory(vagrant):
    settings = vagrant.provisioner
    assert settings["playbook"] == "site.yml"
    assert settings["inventory_path"] == "inventories/vagrant"
    assert settings["limit"] == "all"
    for key in ("playbook", "inventory_path", "config_file"):
        assert (repo.REPO / settings[key]).exists(), settings[key]


def test_vagrantfile_sizes_and_providers(vagrant):
    assert vagrant.cpus == 2
    assert vagrant.memory_mb == 1024
    assert set(vagrant.providers) == {"virtualbox", "libvirt"}
    for provider, settings in vagrant.providers.items():
        assert settings == {"cpus": "CPUS", "memory": "MEMORY_MB"}, provider


def test_vagrantfile_shares_no_folder_with_the_vms():
    text = (repo.REPO / "Vagrantfile").read_text(encoding="utf-8")
    assert 'config.vm.synced_folder ".", "/vagrant", disabled: true' in text


def test_vagrantfile_box_is_ubuntu_22_04(vagrant):
    assert "ubuntu2204" in vagrant.box or "jammy" in vagrant.box


def test_vagrantfile_is_valid_ruby():
    assert shutil.which("ruby"), "ruby is missing: `make test-deps` installs vagrant (and ruby)"
    result = subprocess.run(
        ["ruby", "-c", str(repo.REPO / "Vagrantfile")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_reader_rejects_a_vagrantfile_without_machines(tmp_path):
    broken = tmp_path / "Vagrantfile"
    broken.write_text('Vagrant.configure("2") do |config|\nend\n', encoding="utf-8")
    with pytest.raises(vagrantfile.VagrantfileFormatError):
        vagrantfile.parse(broken)


def vagrant_validate(directory: Path, scratch: Path) -> subprocess.CompletedProcess:
    """``vagrant validate --ignore-provider`` of ``directory``'s Vagrantfile: Debian's vagrant,
    no hypervisor; its state and home in ``scratch``, no update check (no network)."""
    assert shutil.which("vagrant"), "vagrant is missing: `make test-deps` installs it"
    env = {
        **os.environ,
        "VAGRANT_CWD": str(directory),
        "VAGRANT_HOME": str(scratch / "home"),
        "VAGRANT_DOTFILE_PATH": str(scratch / "dotfile"),
        "VAGRANT_CHECKPOINT_DISABLE": "1",
        "VAGRANT_BOX_UPDATE_CHECK_DISABLE": "1",
    }
    return subprocess.run(
        ["vagrant", "validate", "--ignore-provider"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def test_vagrant_validates_the_vagrantfile(tmp_path):
    result = vagrant_validate(repo.REPO, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Vagrantfile validated successfully" in result.stdout


def test_vagrant_validate_catches_a_wrong_setting(tmp_path):
    """The check above can fail: a misspelt setting in a copy beside the same files."""
    copy = tmp_path / "copy"
    copy.mkdir()
    text = (repo.REPO / "Vagrantfile").read_text(encoding="utf-8")
    assert "node.vm.hostname = name" in text
    (copy / "Vagrantfile").write_text(text.replace("node.vm.hostname", "node.vm.hostnam"))
    for name in ("site.yml", "inventories", "ansible.cfg"):
        (copy / name).symlink_to(repo.REPO / name)
    result = vagrant_validate(copy, tmp_path)
    assert result.returncode != 0, result.stdout
    assert "hostnam" in result.stdout + result.stderr
