"""Print the entries of a flag directory as JSON ``{name: content}``.

Runs on the managed host as ``python3 -c <this file> DIR`` (stdlib only). A directory (the
wrapper's ``attributes/`` and ``resources/``), a symlink or an unreadable file maps to null, so
the role rewrites or removes it.
"""

import json
import os
import sys


def read_flag_dir(directory: str) -> dict[str, str | None]:
    """``{name: content}`` of every entry of ``directory`` (empty when it does not exist)."""
    entries: dict[str, str | None] = {}
    if not os.path.isdir(directory):
        return entries
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        entries[name] = None
        if os.path.isfile(path) and not os.path.islink(path):
            try:
                with open(path, encoding="utf-8") as handle:
                    entries[name] = handle.read()
            except (OSError, UnicodeDecodeError):
                entries[name] = None
    return entries


print(json.dumps(read_flag_dir(sys.argv[1])))
