"""``python -m imagebuild images/<name> [--out DIR]``: build (or reuse) an image archive."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from imagebuild.build import build_image, publish
from imagebuild.errors import ImageError
from imagebuild.recipe import load_recipe
from lab.rootfs import host_sources, recipe_from_sources

DEFAULT_CACHE = "/var/cache/mesos-lab"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m imagebuild", description=__doc__)
    parser.add_argument("recipe", help="an image directory holding recipe.json (images/NAME)")
    parser.add_argument("--out", default=".cache/images", help="where <name>:<tag>.tar goes")
    args = parser.parse_args(argv)
    cache = Path(os.environ.get("MESOS_LAB_CACHE") or DEFAULT_CACHE)
    try:
        recipe = load_recipe(args.recipe)
        mirror = recipe_from_sources(host_sources(), recipe.suite).mirror
        built = build_image(recipe, cache, mirror)
        target = publish(built, Path(args.out))
    except (ImageError, OSError) as exc:
        print(f"imagebuild: {exc}", file=sys.stderr)
        return 2
    how = f"built in {built.seconds:.0f} s" if built.built else "from the cache"
    print(f"{target}: {built.reference}, {built.size / 1e6:.1f} MB, {how}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
