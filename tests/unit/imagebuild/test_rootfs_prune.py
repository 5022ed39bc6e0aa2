"""What the image build prunes from a root file system: caches that would make two builds of
one recipe differ, documentation, runtime directories; what a container reads stays."""

from pathlib import Path

from imagebuild.rootfs import prune


def a_debootstrapped_tree(root: Path) -> Path:
    for directory in ("etc", "var/log/nginx", "var/cache/ldconfig", "usr/share/doc/nginx", "tmp"):
        (root / directory).mkdir(parents=True)
    (root / "etc/ld.so.cache").write_bytes(b"ld.so-1.7.0")
    (root / "etc/machine-id").write_text("0123456789abcdef\n")
    (root / "var/cache/ldconfig/aux-cache").write_bytes(b"inode 1234 ctime 1733000000")
    (root / "usr/share/doc/nginx/copyright").write_text("BSD\n")
    (root / "var/log/nginx/error.log").write_text("started\n")
    (root / "tmp/debootstrap.log").write_text("...\n")
    return root


def test_ldconfig_aux_cache_is_pruned_and_the_loader_cache_kept(tmp_path):
    root = prune_of(a_debootstrapped_tree(tmp_path))
    assert not (root / "var/cache/ldconfig/aux-cache").exists()
    assert (root / "etc/ld.so.cache").read_bytes() == b"ld.so-1.7.0"


def test_docs_logs_and_runtime_files_go_directories_stay(tmp_path):
    root = prune_of(a_debootstrapped_tree(tmp_path))
    assert not (root / "usr/share/doc/nginx").exists()
    assert not (root / "var/log/nginx/error.log").exists()
    assert (root / "var/log/nginx").is_dir()
    assert list((root / "tmp").iterdir()) == []
    assert (root / "etc/machine-id").read_text() == ""


def prune_of(root: Path) -> Path:
    prune(root)
    return root
