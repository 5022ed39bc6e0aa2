"""Base root file system recipe: host apt sources -> mirror, stamp, rebuild decisions."""

import json

import pytest

from lab import rootfs
from lab.errors import LabError
from lab.progress import Progress

DEB822 = """Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://src.example/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Enabled: no
"""


def test_deb822_sources_parse_types_uris_suites_components():
    sources = rootfs.parse_deb822(DEB822)
    assert sources == [
        rootfs.AptSource(
            "http://deb.debian.org/debian", ("bookworm", "bookworm-updates"), ("main",)
        ),
        rootfs.AptSource(
            "http://deb.debian.org/debian-security", ("bookworm-security",), ("main",)
        ),
    ]


def test_one_line_sources_skip_options_comments_and_deb_src():
    text = (
        "# comment\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian/ bookworm main contrib\n"
        "deb-src http://mirror.example/debian bookworm main\n"
        "deb http://other.example/ubuntu jammy main # trailing\n"
    )
    assert rootfs.parse_one_line(text) == [
        rootfs.AptSource("http://mirror.example/debian", ("bookworm",), ("main", "contrib")),
        rootfs.AptSource("http://other.example/ubuntu", ("jammy",), ("main",)),
    ]


def test_recipe_takes_the_mirror_and_all_bookworm_suites():
    recipe = rootfs.recipe_from_sources(rootfs.parse_deb822(DEB822))
    assert recipe.mirror == "http://deb.debian.org/debian"
    assert recipe.variant == "minbase"
    assert "openssh-server" in recipe.include
    assert "python3" in recipe.include
    assert recipe.sources == (
        "deb http://deb.debian.org/debian bookworm main",
        "deb http://deb.debian.org/debian bookworm-updates main",
        "deb http://deb.debian.org/debian-security bookworm-security main",
    )


def test_no_bookworm_source_is_a_clear_error():
    with pytest.raises(LabError, match="no apt source for Debian bookworm"):
        rootfs.recipe_from_sources([rootfs.AptSource("http://x/ubuntu", ("jammy",), ("main",))])


def test_host_sources_read_both_formats(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d/debian.sources").write_text(DEB822)
    (tmp_path / "sources.list").write_text("deb http://m.example/debian bookworm main\n")
    uris = [s.uri for s in rootfs.host_sources(tmp_path / "d", tmp_path / "sources.list")]
    assert uris == [
        "http://deb.debian.org/debian",
        "http://deb.debian.org/debian-security",
        "http://m.example/debian",
    ]


def test_base_with_matching_stamp_is_not_rebuilt(tmp_path):
    recipe = rootfs.recipe_from_sources(rootfs.parse_deb822(DEB822))
    base = tmp_path / "base-bookworm"
    (base / rootfs.STAMP).parent.mkdir(parents=True)
    (base / rootfs.STAMP).write_text(json.dumps(recipe.stamp()))
    assert rootfs.ensure_base(base, recipe, Progress()) is False


def test_changed_recipe_means_a_different_stamp():
    recipe = rootfs.recipe_from_sources(rootfs.parse_deb822(DEB822))
    other = rootfs.Recipe(**{**recipe.__dict__, "include": (*recipe.include, "curl")})
    assert other.stamp() != recipe.stamp()
    assert rootfs.read_stamp(rootfs.Path("/nonexistent")) is None


def test_replace_dir_swaps_trees_by_rename(tmp_path):
    target, new = tmp_path / "base", tmp_path / ".base.building"
    target.mkdir()
    (target / "old").write_text("1")
    new.mkdir()
    (new / "new").write_text("2")
    rootfs.replace_dir(new, target)
    assert sorted(p.name for p in target.iterdir()) == ["new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base"]


@pytest.mark.parametrize("suite", ["bullseye", "trixie"])
def test_another_release_takes_the_host_mirrors_with_its_suites(suite):
    recipe = rootfs.recipe_from_sources(rootfs.parse_deb822(DEB822), suite)
    assert recipe.suite == suite
    assert recipe.mirror == "http://deb.debian.org/debian"
    assert recipe.sources == (
        f"deb http://deb.debian.org/debian {suite} main",
        f"deb http://deb.debian.org/debian {suite}-updates main",
        f"deb http://deb.debian.org/debian-security {suite}-security main",
    )
    assert recipe.stamp() != rootfs.recipe_from_sources(rootfs.parse_deb822(DEB822)).stamp()
