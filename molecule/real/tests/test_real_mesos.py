"""Scenario real runs Apache Mesos from the package, through the role's own wrapper and units."""

from __future__ import annotations

import mesos_probes
import scenario

testinfra_hosts = ["ansible://mesos_masters"]

# shared/mesos/README.md: built from apache/mesos at this commit, version 1.12.0.
APACHE_VERSION = "1.12.0"
APACHE_COMMIT = "c1b42f79d157aa900be5cbb0c1023f1479962aa7"


def test_version_endpoint_names_the_apache_build():
    version = mesos_probes.http_get(scenario.MASTER_ADDRESS, 5050, "/version").json()
    assert version["version"] == APACHE_VERSION
    assert version["git_sha"] == APACHE_COMMIT
    assert "mesos_sim" not in str(version.values())


def test_daemon_reports_apache_mesos(host):
    assert host.check_output("/usr/sbin/mesos-master --version") == f"mesos {APACHE_VERSION}"


def test_package_is_installed_with_apt(host):
    package = host.package("mesos")
    assert package.is_installed
    assert package.version.startswith(APACHE_VERSION)


def test_role_supplied_the_wrapper_and_units_the_package_lacks(host):
    for path in ("/usr/bin/mesos-init-wrapper", "/etc/systemd/system/mesos-master.service"):
        assert host.file(path).exists, path
        owner = host.run(f"dpkg-query -S {path}")
        assert owner.rc != 0, f"{path} belongs to a package: {owner.stdout}"
    unit = host.file("/etc/systemd/system/mesos-master.service").content_string
    assert "Description=Mesos Master (Apache Mesos)" in unit
    assert "ExecStart=/usr/bin/mesos-init-wrapper master" in unit
