"""Shared apt packages: per-machine archives, hard links to and from the pool."""

import pytest

from lab import aptcache


def test_apt_conf_gives_each_machine_its_own_archives_and_lock():
    text = aptcache.render_apt_conf("t-agent")
    assert 'Dir::Cache::Archives "/var/cache/mesos-lab-apt/machines/t-agent/";' in text
    assert 'APT::Keep-Downloaded-Packages "true";' in text
    assert (
        "cp -ln /var/cache/mesos-lab-apt/pool/*.deb /var/cache/mesos-lab-apt/machines/t-agent/"
        in text
    )
    assert (
        "cp -ln /var/cache/mesos-lab-apt/machines/t-agent/*.deb /var/cache/mesos-lab-apt/pool/"
        in text
    )
    assert text.count("{") == text.count("}")


def test_prepare_seeds_machine_from_pool_by_hard_link(tmp_path):
    cache, root = tmp_path / "apt-archives", tmp_path / "rootfs"
    aptcache.pool(cache).mkdir(parents=True)
    (aptcache.pool(cache) / "hello_1_amd64.deb").write_bytes(b"deb")
    (aptcache.pool(cache) / "Packages").write_text("not a deb")
    aptcache.prepare(cache, root, "t-a")
    seeded = aptcache.machine_archives(cache, "t-a") / "hello_1_amd64.deb"
    assert seeded.stat().st_ino == (aptcache.pool(cache) / "hello_1_amd64.deb").stat().st_ino
    assert not (aptcache.machine_archives(cache, "t-a") / "Packages").exists()
    assert "t-a" in (root / aptcache.APT_CONF).read_text()


def test_harvest_links_new_downloads_into_pool_and_keeps_existing(tmp_path):
    cache = tmp_path / "apt-archives"
    own = aptcache.machine_archives(cache, "t-a")
    own.mkdir(parents=True)
    (own / "new_1_all.deb").write_bytes(b"new")
    aptcache.pool(cache).mkdir()
    (aptcache.pool(cache) / "old_1_all.deb").write_bytes(b"old")
    (own / "old_1_all.deb").write_bytes(b"other copy")
    assert aptcache.harvest(cache, "t-a") == 1
    assert (aptcache.pool(cache) / "new_1_all.deb").read_bytes() == b"new"
    assert (aptcache.pool(cache) / "old_1_all.deb").read_bytes() == b"old"


@pytest.mark.parametrize("missing", ["pool", "machine"])
def test_missing_directories_link_nothing(tmp_path, missing):
    cache = tmp_path / "apt-archives"
    if missing == "pool":
        assert aptcache.link_debs(aptcache.pool(cache), tmp_path / "x") == 0
    else:
        assert aptcache.harvest(cache, "absent") == 0


def test_first_machine_gets_pool_and_own_directory_even_when_the_pool_is_new(tmp_path):
    cache = tmp_path / "apt-archives"
    aptcache.prepare(cache, tmp_path / "rootfs", "t-a")
    assert aptcache.pool(cache).is_dir()
    assert aptcache.machine_archives(cache, "t-a").is_dir()
