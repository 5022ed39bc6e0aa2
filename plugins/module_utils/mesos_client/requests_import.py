# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``requests``, imported so that the package still imports where it is missing.

The modules then fail with ``missing_required_lib("requests")`` (they check
``REQUESTS_IMPORT_ERROR``) instead of a traceback; ansible-test's import sanity test imports
every file of the package without ``requests`` installed.
"""

from __future__ import annotations

import traceback

__all__ = ["REQUESTS_IMPORT_ERROR", "REQUESTS_IMPORT_TRACE", "requests"]

try:
    import requests
except ImportError as error:
    requests = None
    REQUESTS_IMPORT_ERROR: ImportError | None = error
    REQUESTS_IMPORT_TRACE: str | None = traceback.format_exc()
else:
    REQUESTS_IMPORT_ERROR = None
    REQUESTS_IMPORT_TRACE = None
