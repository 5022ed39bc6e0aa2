"""The image archive writer: both layouts readers use, the same bytes from the same tree,
and a layer that unpacks (with GNU tar, as Mesos's local puller does) to the tree."""

import hashlib
import json
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from imagebuild.docker_archive import write_archive
from imagebuild.errors import ImageError
from imagebuild.recipe import load_recipe

REPO = Path(__file__).resolve().parents[3]


def a_tree(root: Path) -> Path:
    (root / "etc/nginx").mkdir(parents=True)
    (root / "etc/nginx/nginx.conf").write_text("events {}\n")
    (root / "bin").mkdir()
    (root / "bin/sh").write_bytes(b"\x7fELF...")
    os.chmod(root / "bin/sh", 0o755)
    os.link(root / "bin/sh", root / "bin/dash")
    (root / "lib").symlink_to("usr/lib")
    (root / "var/log/nginx").mkdir(parents=True)
    return root


def members(path: Path) -> dict:
    with tarfile.open(path) as archive:
        return {m.name: archive.extractfile(m).read() if m.isfile() else None for m in archive}


def write(root, out, **kw):
    return write_archive(root, out, name="nginx-lab", tag="latest", entrypoint=["/e"], **kw)


def test_both_layouts_name_the_same_layer(tmp_path):
    written = write(a_tree(tmp_path / "root"), tmp_path / "img.tar")
    files = members(written.path)
    layer_id = written.layer_id
    assert json.loads(files["repositories"]) == {"nginx-lab": {"latest": layer_id}}
    legacy = json.loads(files[f"{layer_id}/json"])
    assert legacy["id"] == layer_id and "parent" not in legacy
    assert legacy["config"]["Entrypoint"] == ["/e"]
    assert files[f"{layer_id}/VERSION"] == b"1.0"
    (manifest,) = json.loads(files["manifest.json"])
    assert manifest["RepoTags"] == ["nginx-lab:latest"]
    assert manifest["Layers"] == [f"{layer_id}/layer.tar"]
    config = json.loads(files[manifest["Config"]])
    assert config["rootfs"]["diff_ids"] == [
        "sha256:" + hashlib.sha256(files[f"{layer_id}/layer.tar"]).hexdigest()
    ]
    assert written.diff_id == config["rootfs"]["diff_ids"][0]


def test_same_tree_same_bytes_whatever_the_mtimes(tmp_path):
    root = a_tree(tmp_path / "root")
    first = write(root, tmp_path / "a.tar").path.read_bytes()
    os.utime(root / "etc/nginx/nginx.conf", (1_700_000_000, 1_700_000_000))
    second = write(root, tmp_path / "b.tar").path.read_bytes()
    assert first == second
    (root / "etc/nginx/nginx.conf").write_text("events { }\n")
    assert write(root, tmp_path / "c.tar").path.read_bytes() != first


def test_layer_unpacks_with_gnu_tar_to_the_tree(tmp_path):
    root = a_tree(tmp_path / "root")
    written = write(root, tmp_path / "img.tar")
    layer = tmp_path / "layer.tar"
    layer.write_bytes(members(written.path)[f"{written.layer_id}/layer.tar"])
    out = tmp_path / "out"
    out.mkdir()
    subprocess.run(["tar", "-xf", str(layer), "-C", str(out)], check=True)
    assert (out / "etc/nginx/nginx.conf").read_text() == "events {}\n"
    assert os.readlink(out / "lib") == "usr/lib"
    assert os.stat(out / "bin/sh").st_ino == os.stat(out / "bin/dash").st_ino  # a hard link
    assert os.stat(out / "bin/sh").st_mode & 0o777 == 0o755
    assert (out / "var/log/nginx").is_dir()
    with tarfile.open(layer) as tar:
        names = tar.getnames()
    assert names == sorted(names, key=lambda n: n)  # sorted order


def test_unwritable_output_is_an_image_error(tmp_path):
    with pytest.raises(ImageError, match="cannot write"):
        write(a_tree(tmp_path / "root"), tmp_path / "missing-dir" / "img.tar")


def test_the_nginx_lab_recipe_loads_and_its_digest_follows_its_files(tmp_path):
    recipe = load_recipe(REPO / "images/nginx-lab")
    assert recipe.reference == "nginx-lab:latest" and "nginx-light" in recipe.packages
    copy = tmp_path / "nginx-lab"
    subprocess.run(["cp", "-a", str(REPO / "images/nginx-lab"), str(copy)], check=True)
    assert load_recipe(copy).digest == recipe.digest
    (copy / "files/var/www/html/index.html").write_text("changed\n")
    assert load_recipe(copy).digest != recipe.digest


@pytest.mark.parametrize(
    ("recipe", "message"),
    [
        ({"name": "Nginx"}, "not a Docker repository name"),
        ({"name": "x", "tag": "a:b"}, "not a Docker tag"),
        ({"name": "x", "suite": "sid"}, "suite"),
        ({"name": "x", "packages": "nginx"}, "packages must be a list"),
        ({"name": "x", "colour": "red"}, "unknown key"),
    ],
)
def test_bad_recipes_are_image_errors(tmp_path, recipe, message):
    (tmp_path / "recipe.json").write_text(json.dumps(recipe))
    with pytest.raises(ImageError, match=message):
        load_recipe(tmp_path)
