"""What every mesos_* module does around its one job (community.hashi_vault's base-class
pattern): argument type checks before ansible-core converts anything, the client's presence
(``requests``; ``kazoo`` for ``zk://`` masters), the shared options (master, tls, ca_path,
validate_certs, timeout, credentials) turned into a checked ``MasterAccess``, and every
failure turned into ``fail_json`` with a message, never a traceback.

A module is its documentation, its argument spec and::

    def main():
        module = MesosModule(ARGUMENT_SPEC, supports_check_mode=True)
        module.run(lambda access: {"changed": False, ...})

``client`` is the mesos_client package, None when it cannot be imported: building the
MesosModule then fails with what to install, so code after it may use ``client``.
"""

from __future__ import annotations

import os
import traceback

from ansible.module_utils.basic import AnsibleModule, _load_params, missing_required_lib

try:
    from ansible_collections.mesoslab.mesos.plugins.module_utils import mesos_client as client
except ImportError as import_error:
    client = None
    CLIENT_IMPORT_ERROR = import_error
    CLIENT_IMPORT_TRACE = traceback.format_exc()
else:
    # The client imports without requests (ansible-test's import test needs it to); the
    # modules cannot work without it.
    CLIENT_IMPORT_ERROR = client.REQUESTS_IMPORT_ERROR
    CLIENT_IMPORT_TRACE = client.REQUESTS_IMPORT_TRACE


#: The options every module has (besides ``timeout``, whose default differs).
MASTER_OPTIONS = {
    "master": {"type": "raw"},
    "tls": {"type": "bool"},
    "validate_certs": {"type": "bool", "default": True},
    "ca_path": {"type": "path"},
}


class ModuleFailure(Exception):
    """The module cannot do its job; ``details`` go into the failure result."""

    def __init__(self, message, **details):
        super().__init__(message)
        self.details = details


def _failures():
    return (ModuleFailure, client.TaskFailure) if client else (ModuleFailure,)


class MesosModule(AnsibleModule):
    """An AnsibleModule that knows the options every mesos_* module shares; it fails at once
    when the client cannot be imported or an argument has an unusable type.

    ``auth_option`` names the dict option holding ``principal`` and ``secret`` (default: the
    top-level options), and so how a refused-credentials message names them;
    ``session_messages`` explains a lost or refused scheduler session too.
    """

    def __init__(
        self,
        argument_spec,
        auth_option=None,
        session_messages=False,
        **rules,
    ):
        self._problem = None
        if client is not None:
            self._problem, argument_spec = client.check_arguments(_load_params(), argument_spec)
        super().__init__(argument_spec=argument_spec, **rules)
        self._auth_option = auth_option
        self._explain_options = {
            "credential_options": f"{auth_option}.principal and {auth_option}.secret"
            if auth_option
            else "principal and secret",
            "session_messages": session_messages,
        }
        if CLIENT_IMPORT_ERROR is not None:
            self.fail_json(
                msg=missing_required_lib(CLIENT_IMPORT_ERROR.name or "requests"),
                exception=CLIENT_IMPORT_TRACE,
            )
        if self._problem:
            self.fail_json(msg=self._problem)

    def run(self, action, checks=None):
        """Check, resolve the masters, ``action(access)`` -> the result; exit or fail.

        ``checks(params)`` runs first (before anything is contacted) and raises
        :class:`ModuleFailure` (or the client's TaskFailure) naming the option. A ``diff`` in
        the result is dropped unless Ansible runs with ``--diff``.
        """
        params = self.params
        masters = params["master"]
        try:
            if checks is not None:
                checks(params)
            auth = params[self._auth_option] if self._auth_option else None
            access = client.master_access(params, os.environ, auth=auth)
            masters = access.masters
            if client.needs_kazoo(masters):
                self.fail_json(msg=missing_required_lib("kazoo"))
            result = action(access)
        except _failures() as exc:
            self.fail_json(msg=str(exc), **exc.details)
        except (client.MesosError, ValueError, OSError) as exc:
            self.fail_json(msg=client.explain(exc, masters, **self._explain_options))
        if not self._diff:
            result.pop("diff", None)
        self.exit_json(**result)
