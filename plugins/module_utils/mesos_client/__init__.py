# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mesos_client: a client for the Apache Mesos v1 scheduler and operator HTTP APIs.

Public surface:

* :class:`SchedulerSession` (``scheduler``): subscribe a framework, iterate its events with
  timeouts, send every scheduler call; leader changes and silent streams are survived.
* :class:`OperatorClient` (``operator``): GET_HEALTH, GET_STATE, GET_TASKS, TEARDOWN, ...
* :class:`FrameworkInfo` (``framework``), :class:`Credentials` (``transport``).
* Offer matching (``offers``): :class:`Constraint`, :class:`ResourceRequest`,
  :func:`match_offer`, :func:`place_tasks`; TaskInfo building (``taskinfo``):
  :func:`command_task`, :func:`docker_task`.
* Copies of one logical task (``task_copies``): :func:`copies_of`, :func:`pick_keeper`,
  :func:`unacknowledged_terminal`, :func:`fresh_task_id`.
* The task engine (``desired_task``): :class:`DesiredTask` keeps exactly one live copy of a
  task described by :func:`task_spec` (``task_spec``), or none; :func:`check_task_spec` checks
  a spec before anything is contacted; :class:`TaskFailure` says why it could not.
* RecordIO framing (``recordio``): :class:`RecordIODecoder`, :func:`encode`.
* Errors (``errors``): everything derives from :class:`MesosError`; :func:`explain`
  (``explain``) turns one into a one-line message.
* Where the masters are (``masters``): :func:`resolve_masters` (option, ``$MESOS_MASTER``,
  ``/etc/mesos/zk``), :func:`needs_kazoo`, :func:`describe_masters`.
* Attributes and resources as plain dicts (``describe``): :func:`attributes_dict`,
  :func:`resources_summary`.
* TLS policy (``tls_policy``): :func:`refuse_tls_opt_out` for ``validate_certs=false``.
* Module options (``access``, ``arguments``): :func:`master_access` turns the shared options
  (master, tls, ca_path, validate_certs, timeout, credentials) into a checked
  :class:`MasterAccess`; :func:`argument_problem` catches arguments of the wrong type before
  ansible-core converts them, :func:`secret_texts` finds their secrets whatever their shape.

Dependencies: ``requests``; ``kazoo`` only for ``zk://`` masters.
"""

from .access import HostFiles, MasterAccess, OptionError, master_access, ssl_enabled
from .arguments import argument_problem, secret_texts
from .describe import attributes_dict, resources_summary
from .desired_task import DesiredTask
from .errors import (
    AuthenticationFailed,
    CallRejected,
    ConnectionFailed,
    LeaderNotFound,
    MesosError,
    MesosTimeout,
    RecordIODecodeError,
    RedirectError,
    SessionLost,
    SubscriptionRefused,
    TaskFailure,
    TLSError,
)
from .events import EVENT_TYPES, Event, EventDecodeError
from .explain import explain
from .framework import FrameworkInfo
from .leader import make_locator
from .masters import (
    MasterNotConfigured,
    describe_masters,
    locate_masters,
    needs_kazoo,
    resolve_masters,
)
from .offers import (
    Constraint,
    OfferMatch,
    OfferRejection,
    OfferResources,
    ResourceRequest,
    match_offer,
    parse_constraints,
    place_tasks,
)
from .operator import OperatorClient
from .recordio import RecordIODecoder, encode
from .requests_import import REQUESTS_IMPORT_ERROR, REQUESTS_IMPORT_TRACE
from .scheduler import SchedulerSession, Subscription
from .task_copies import (
    copies_of,
    fresh_task_id,
    latest,
    live,
    pick_keeper,
    task_id_prefix,
    unacknowledged_terminal,
)
from .task_spec import check_task_spec, task_spec
from .taskinfo import command_task, docker_task, new_task_id, port_environment
from .tls_policy import TLSVerificationRequired, refuse_tls_opt_out
from .transport import Credentials

__all__ = [
    "EVENT_TYPES",
    "REQUESTS_IMPORT_ERROR",
    "REQUESTS_IMPORT_TRACE",
    "AuthenticationFailed",
    "CallRejected",
    "ConnectionFailed",
    "Constraint",
    "Credentials",
    "DesiredTask",
    "Event",
    "EventDecodeError",
    "FrameworkInfo",
    "HostFiles",
    "LeaderNotFound",
    "MasterAccess",
    "MasterNotConfigured",
    "MesosError",
    "MesosTimeout",
    "OfferMatch",
    "OfferRejection",
    "OfferResources",
    "OperatorClient",
    "OptionError",
    "RecordIODecodeError",
    "RecordIODecoder",
    "RedirectError",
    "ResourceRequest",
    "SchedulerSession",
    "SessionLost",
    "Subscription",
    "SubscriptionRefused",
    "TLSError",
    "TLSVerificationRequired",
    "TaskFailure",
    "argument_problem",
    "attributes_dict",
    "check_task_spec",
    "command_task",
    "copies_of",
    "describe_masters",
    "docker_task",
    "encode",
    "explain",
    "fresh_task_id",
    "latest",
    "live",
    "locate_masters",
    "make_locator",
    "master_access",
    "match_offer",
    "needs_kazoo",
    "new_task_id",
    "parse_constraints",
    "pick_keeper",
    "place_tasks",
    "port_environment",
    "refuse_tls_opt_out",
    "resolve_masters",
    "resources_summary",
    "secret_texts",
    "ssl_enabled",
    "task_id_prefix",
    "task_spec",
    "unacknowledged_terminal",
]
