"""The cached Debian base root file systems (one per release), built once with debootstrap."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from lab import shell
from lab.constants import SUITE
from lab.errors import LabError
from lab.progress import Progress

APT_SOURCES_DIR = Path("/etc/apt/sources.list.d")
APT_SOURCES_LIST = Path("/etc/apt/sources.list")
INCLUDE = (
    "systemd",
    "systemd-sysv",
    "dbus",
    "python3",
    "openssh-server",
    "iproute2",
    "ca-certificates",
    "sudo",
)
OPTIONS_RE = re.compile(r"\[[^\]]*\]")  # `deb [arch=amd64 signed-by=...] uri suite ...`
QUIET_TIMERS = ("apt-daily.timer", "apt-daily-upgrade.timer")
STAMP = Path("etc/mesos-lab/base.json")  # inside the root file system: renamed with it
RECIPE_VERSION = 1  # bump when finalize() changes
DEBOOTSTRAP_TIMEOUT = 1200


@dataclass(frozen=True)
class AptSource:
    """One `deb` source: where and which suites/components."""

    uri: str
    suites: tuple[str, ...]
    components: tuple[str, ...]


@dataclass(frozen=True)
class Recipe:
    """Everything the base depends on; a change means a rebuild."""

    suite: str
    variant: str
    include: tuple[str, ...]
    mirror: str
    sources: tuple[str, ...]  # the machines' sources.list lines
    version: int = RECIPE_VERSION

    def stamp(self) -> dict[str, object]:
        """JSON-friendly form (tuples become lists)."""
        return json.loads(json.dumps(asdict(self)))


def parse_deb822(text: str) -> list[AptSource]:
    """`deb` entries of a deb822 .sources file."""
    sources = []
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line or line[:1].isspace():
                continue
            key, value = line.split(":", 1)
            fields[key.strip().lower()] = value.strip()
        if "deb" not in fields.get("types", "").split() or fields.get("enabled") == "no":
            continue
        for uri in fields.get("uris", "").split():
            sources.append(
                AptSource(
                    uri.rstrip("/"),
                    tuple(fields.get("suites", "").split()),
                    tuple(fields.get("components", "").split()),
                )
            )
    return sources


def parse_one_line(text: str) -> list[AptSource]:
    """`deb` entries of a one-line-style sources.list."""
    sources = []
    for line in text.splitlines():
        words = OPTIONS_RE.sub(" ", line.split("#", 1)[0]).split()
        if len(words) >= 3 and words[0] == "deb":
            sources.append(AptSource(words[1].rstrip("/"), (words[2],), tuple(words[3:])))
    return sources


def host_sources(
    sources_dir: Path = APT_SOURCES_DIR, sources_list: Path = APT_SOURCES_LIST
) -> list[AptSource]:
    """The host's apt `deb` sources, deb822 files first."""
    found: list[AptSource] = []
    for file in sorted(sources_dir.glob("*.sources")) if sources_dir.exists() else []:
        found.extend(parse_deb822(file.read_text()))
    lists = sorted(sources_dir.glob("*.list")) if sources_dir.exists() else []
    for file in [sources_list, *lists]:
        if file.exists():
            found.extend(parse_one_line(file.read_text()))
    return found


def debian_sources(sources: list[AptSource], suite: str = SUITE) -> list[AptSource]:
    """Sources that serve `suite` or its -updates/-security companions."""
    return [s for s in sources if any(x.split("-")[0] == suite for x in s.suites)]


def release_sources(sources: list[AptSource], suite: str) -> list[AptSource]:
    """Sources for `suite`: the host's own, else the host release's with `suite` put in
    (`bookworm-security` -> `bullseye-security`): same mirrors, another release."""
    own = debian_sources(sources, suite)
    if own or suite == SUITE:
        return own
    return [
        AptSource(s.uri, tuple(suite + x[len(SUITE) :] for x in s.suites), s.components)
        for s in debian_sources(sources, SUITE)
    ]


def recipe_from_sources(sources: list[AptSource], suite: str = SUITE) -> Recipe:
    """The base recipe: mirror = first source carrying `suite` itself."""
    usable = release_sources(sources, suite)
    mirror = next((s.uri for s in usable if suite in s.suites), None)
    if mirror is None:
        raise LabError(f"no apt source for Debian {suite} in /etc/apt; cannot pick a mirror")
    lines = tuple(
        f"deb {s.uri} {suite_name} {' '.join(s.components or ('main',))}"
        for s in usable
        for suite_name in s.suites
    )
    return Recipe(suite=suite, variant="minbase", include=INCLUDE, mirror=mirror, sources=lines)


def read_stamp(base: Path) -> dict[str, object] | None:
    """The recipe a base was built with, or None."""
    try:
        return json.loads((base / STAMP).read_text())
    except (OSError, ValueError):
        return None


def ensure_base(base: Path, recipe: Recipe, progress: Progress) -> bool:
    """Make `base` hold a root file system built from `recipe`; True if it was (re)built."""
    if read_stamp(base) == recipe.stamp():
        return False
    base.parent.mkdir(parents=True, exist_ok=True)
    for stale in base.parent.glob(f".{base.name}.*"):
        shutil.rmtree(stale, ignore_errors=True)  # an interrupted earlier build
    building = base.parent / f".{base.name}.building"
    with progress.step(f"debootstrap {recipe.suite} from {recipe.mirror}", announce=True):
        shell.run(
            [
                "debootstrap",
                f"--variant={recipe.variant}",
                f"--include={','.join(recipe.include)}",
                recipe.suite,
                str(building),
                recipe.mirror,
            ],
            timeout=DEBOOTSTRAP_TIMEOUT,
        )
    with progress.step("finalize base root file system"):
        finalize(building, recipe)
    replace_dir(building, base)
    return True


def finalize(root: Path, recipe: Recipe) -> None:
    """Make a fresh debootstrap tree a lab base (shared by every machine)."""
    for deb in (root / "var/cache/apt/archives").glob("*.deb"):
        deb.unlink()  # machines use the shared cache (lab/aptcache.py) instead
    for key in (root / "etc/ssh").glob("ssh_host_*"):
        key.unlink()  # each machine gets its own
    (root / "etc/apt/sources.list").write_text("\n".join(recipe.sources) + "\n")
    (root / "etc/machine-id").write_text("")
    shell.run(["systemctl", f"--root={root}", "enable", "systemd-networkd.service"], timeout=60)
    # Background apt runs would hold the dpkg lock while Ansible installs packages.
    shell.run(["systemctl", f"--root={root}", "disable", *QUIET_TIMERS], timeout=60)
    (root / STAMP).parent.mkdir(parents=True, exist_ok=True)
    (root / STAMP).write_text(json.dumps(recipe.stamp(), indent=2) + "\n")


def replace_dir(new: Path, target: Path) -> None:
    """Put `new` at `target` by rename, so readers never see a half-built tree."""
    old = target.parent / f".{target.name}.old"
    if target.exists():
        target.rename(old)
    new.rename(target)
    if old.exists():
        shutil.rmtree(old)
