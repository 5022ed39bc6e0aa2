"""Mesos-style flag loading (stout's rules): ``--name=value``, ``--name``/``--no-name`` for
booleans, ``MESOS_<NAME>`` environment variables, ``file://`` values, unknown flags refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "ms": 1e-3,
    "secs": 1.0,
    "mins": 60.0,
    "hrs": 3600.0,
    "days": 86400.0,
    "weeks": 604800.0,
}
ENV_PREFIX = "MESOS_"


class FlagError(ValueError):
    """A flag problem, worded like stout's ``FlagsBase::load`` errors."""


@dataclass(frozen=True)
class Flag:
    """One flag: ``kind`` is str, path, int, float, bool, duration; ``default`` is its text.

    ``file://`` values of every kind but ``path`` are replaced by the file's content (stout's
    ``flags::fetch``); a ``path`` flag names a file (``/x`` or ``file:///x``)."""

    name: str
    kind: str = "str"
    default: str | None = None
    help: str = ""
    required: bool = False


def parse_duration(text: str) -> float:
    """``15secs`` -> 15.0 seconds (stout Duration syntax)."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-z]+)\s*", text)
    if not match or match.group(2) not in DURATION_UNITS:
        raise FlagError(f"Invalid duration '{text}'")
    return float(match.group(1)) * DURATION_UNITS[match.group(2)]


def _convert(flag: Flag, text: str) -> object:
    if flag.kind == "str":
        return text
    if flag.kind == "path":
        # stout does not fetch Path flags; Mesos strips a file:// prefix where it reads them.
        return text.removeprefix("file://")
    if flag.kind == "bool":
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise FlagError(f"Failed to load value '{text}': Expecting a boolean (e.g., true or false)")
    if flag.kind == "duration":
        try:
            return parse_duration(text)
        except FlagError as exc:
            raise FlagError(f"Failed to load value '{text}': {exc}") from None
    try:
        return int(text) if flag.kind == "int" else float(text)
    except ValueError:
        raise FlagError(
            f"Failed to load value '{text}': Failed to convert '{text}' to number"
        ) from None


def _fetch(text: str) -> str:
    """A ``file://`` value is replaced by the file's content (stout's flags::fetch)."""
    if not text.startswith("file://"):
        return text
    path = text[len("file://") :]
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise FlagError(
            f"Failed to load value '{text}': Error reading file '{path}': {exc.strerror}"
        ) from None


class Flags:
    """Loaded flag values: ``flags.port`` (typed) and ``flags.text("port")`` (as given)."""

    def __init__(self, specs: Sequence[Flag]) -> None:
        self._specs = {f.name: f for f in specs}
        self._text: dict[str, str] = {f.name: f.default for f in specs if f.default is not None}
        self._loaded: set[str] = set()

    def __getattr__(self, name: str) -> object:
        specs = self.__dict__.get("_specs", {})
        if name not in specs:
            raise AttributeError(name)
        text = self._text.get(name)
        if text is None:
            return None
        value = _convert(specs[name], text)
        return value

    def text(self, name: str) -> str | None:
        """The flag's value as text (what GET_FLAGS shows), None when unset."""
        return self._text.get(name)

    def is_set(self, name: str) -> bool:
        """True when the flag was given on the command line or in the environment."""
        return name in self._loaded

    def items(self) -> list[tuple[str, str]]:
        """(name, text) of every flag that has a value, sorted by name."""
        return sorted(self._text.items())

    def load(self, argv: Sequence[str], environ: Mapping[str, str]) -> None:
        """Load command line then environment (command line wins), as stout does."""
        values: dict[str, str | None] = {}
        for arg in argv:
            if arg == "--":
                break
            if not arg.startswith("--"):
                continue
            name, sep, value = arg[2:].partition("=")
            if name in values:
                raise FlagError(f"Flag '{name}' is already loaded via name '{name}'")
            values[name] = value if sep else None
        for key, value in environ.items():
            if not key.startswith(ENV_PREFIX):
                continue
            name = key[len(ENV_PREFIX) :].lower()
            base = name[3:] if name.startswith("no-") else name
            if base in self._specs and name not in values:
                values[name] = value
        self.load_values(values)

    def load_values(self, values: Mapping[str, str | None]) -> None:
        """Load ``name -> value`` pairs already taken from a command line or environment
        (``None``: a bare boolean flag), then check required flags (stout's ``load(map)``)."""
        for name, value in values.items():
            self._load_one(name, value)
        for spec in self._specs.values():
            if spec.required and spec.name not in self._loaded:
                raise FlagError(f"Flag '{spec.name}' is required, but it was not provided")

    def _load_one(self, name: str, value: str | None) -> None:
        negated = name.startswith("no-")
        flag_name = name[3:] if negated else name
        spec = self._specs.get(flag_name)
        if spec is None:
            via = f" via '{name}'" if negated else ""
            raise FlagError(f"Failed to load unknown flag '{flag_name}'{via}")
        if spec.kind != "bool":
            if negated:
                raise FlagError(f"Failed to load non-boolean flag '{flag_name}' via '{name}'")
            if value is None:
                raise FlagError(f"Failed to load non-boolean flag '{flag_name}': Missing value")
            text = value
        elif value is None or value == "":
            text = "false" if negated else "true"
        elif negated:
            raise FlagError(
                f"Failed to load boolean flag '{flag_name}' via '{name}' with value '{value}'"
            )
        else:
            text = value
        try:
            if spec.kind != "path":
                text = _fetch(text)
            if spec.kind not in ("str", "path"):
                text = text.strip()
            _convert(spec, text)
        except FlagError as exc:
            raise FlagError(f"Failed to load flag '{flag_name}': {exc}") from None
        self._text[flag_name] = text
        self._loaded.add(flag_name)

    def usage(self, program: str) -> str:
        """``--help`` text."""
        lines = [f"Usage: {program} [options]", ""]
        for spec in sorted(self._specs.values(), key=lambda s: s.name):
            prefix = f"  --[no-]{spec.name}" if spec.kind == "bool" else f"  --{spec.name}=VALUE"
            default = f" (default: {spec.default})" if spec.default is not None else ""
            lines.append(f"{prefix:<44}{spec.help}{default}")
        return "\n".join(lines)
