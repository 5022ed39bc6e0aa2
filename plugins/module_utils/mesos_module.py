"""What every mesos_* module does around its one job (community.hashi_vault's base-class
pattern): argument type checks on the arguments as given, the client's presence
(``requests``; ``kazoo`` for ``zk://`` masters), the shared options (master, tls, ca_path,
validate_certs, timeout, credentials) turned into a checked ``MasterAccess``, and every
failure turned into ``fail_json`` with a message, never a traceback.

A module is its documentation, its argument spec and::

    def main():
        module = MesosModule(ARGUMENT_SPEC, supports_check_mode=True)
        module.run(lambda access: {"changed": False, ...})

``client`` is the mesos_client package, None when it cannot be imported: building the
MesosModule then fails with what to install, so code after it may use ``client``.

Only public ansible-core APIs are used. The module's own AnsibleModule gets its real
argument_spec and rules (what ansible-test's validate-modules reads, and what validates and
converts the arguments); the arguments as given, before any conversion, come from a second
AnsibleModule built after it whose options are all ``raw`` (:class:`_ArgumentsAsGiven`).
"""

from __future__ import annotations

import os
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.validation import check_type_dict

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


class _Refused(Exception):
    """AnsibleModule refused the arguments; raised instead of exiting."""


class _ArgumentsAsGiven(AnsibleModule):
    """The module's arguments as the task gave them, in ``params``: every option is ``raw``,
    so ansible-core converts, parses and fills in nothing. It never exits (options the module
    does not have are its own AnsibleModule's to report) and never logs (``no_log``).

    Built only after the module's own AnsibleModule: ansible-test's validate-modules reads the
    argument_spec of the first one, which must be the real one.
    """

    def __init__(self, argument_spec):
        as_given = {
            # An explicit no_log keeps ansible-core from warning about secret-like names twice.
            name: {"type": "raw", "no_log": bool(option.get("no_log", False))}
            for name, option in argument_spec.items()
        }
        self.params = None
        try:
            super().__init__(argument_spec=as_given, no_log=True, supports_check_mode=True)
        except _Refused:
            pass

    def fail_json(self, msg, **kwargs):
        raise _Refused(msg)


class MesosModule(AnsibleModule):
    """An AnsibleModule that knows the options every mesos_* module shares; it fails at once
    when the client cannot be imported or an argument has an unusable type.

    ``auth_option`` names the dict option holding ``principal`` and ``secret`` (default: the
    top-level options), and so how a refused-credentials message names them;
    ``session_messages`` explains a lost or refused scheduler session too.

    Failures, in this order: an argument of an unusable type (named; ansible-core would
    convert it to text, or fail without naming it), then whatever else ansible-core refuses
    in the arguments (missing, mutually exclusive ...), then a client that cannot be imported.
    """

    def __init__(
        self,
        argument_spec,
        auth_option=None,
        session_messages=False,
        **rules,
    ):
        self._arguments_checked = False
        broken = None
        try:
            # Refused arguments end in fail_json inside, which checks them first (below).
            super().__init__(argument_spec=argument_spec, **rules)
        except TypeError as exc:
            # ansible-core's own validation breaks on some shapes (a number where a dict of
            # suboptions belongs) before it can fail: the failure below names the option.
            if not hasattr(self, "params"):
                raise
            broken = f"ansible-core could not validate the arguments: {exc}"
        if broken:
            self.fail_json(msg=broken)  # outside the except: no traceback in the result
        problem = self._argument_problem()
        self._auth_option = auth_option
        self._explain_options = {
            "credential_options": f"{auth_option}.principal and {auth_option}.secret"
            if auth_option
            else "principal and secret",
            "session_messages": session_messages,
        }
        if problem:
            self.fail_json(msg=problem)
        if CLIENT_IMPORT_ERROR is not None:
            self.fail_json(
                msg=missing_required_lib(CLIENT_IMPORT_ERROR.name or "requests"),
                exception=CLIENT_IMPORT_TRACE,
            )

    def _argument_problem(self):
        """What is wrong with the arguments as given that ansible-core would not say, or not
        by name (None when nothing is); from now on their secrets are no_log values, whatever
        their shape. Checked once."""
        if self._arguments_checked or client is None:
            return None
        self._arguments_checked = True
        given = _ArgumentsAsGiven(self.argument_spec).params
        self.no_log_values.update(client.secret_texts(given, self.argument_spec, check_type_dict))
        return client.argument_problem(given, self.argument_spec)

    def fail_json(self, msg, **kwargs):
        """Fail; while AnsibleModule is still validating the arguments, an argument of an
        unusable type is the message (ansible-core's own would not name it)."""
        if not self._arguments_checked:
            msg = self._argument_problem() or msg
        super().fail_json(msg=msg, **kwargs)

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
