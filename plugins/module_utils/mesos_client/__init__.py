"""mesos_client: a client for the Apache Mesos v1 scheduler and operator HTTP APIs.

Public surface:

* :class:`SchedulerSession` (``scheduler``): subscribe a framework, iterate its events with
  timeouts, send every scheduler call; leader changes and silent streams are survived.
* :class:`OperatorClient` (``operator``): GET_HEALTH, GET_STATE, GET_TASKS, TEARDOWN, ...
* :class:`FrameworkInfo` (``framework``), :class:`Credentials` (``transport``).
* Offer matching (``offers``): :class:`Constraint`, :class:`ResourceRequest`,
  :func:`match_offer`, :func:`place_tasks`; TaskInfo building (``taskinfo``):
  :func:`command_task`, :func:`docker_task`.
* RecordIO framing (``recordio``): :class:`RecordIODecoder`, :func:`encode`.
* Errors (``errors``): everything derives from :class:`MesosError`; :func:`explain`
  (``explain``) turns one into a one-line message.
* Where the masters are (``masters``): :func:`resolve_masters` (option, ``$MESOS_MASTER``,
  ``/etc/mesos/zk``), :func:`needs_kazoo`, :func:`describe_masters`.
* Attributes and resources as plain dicts (``describe``): :func:`attributes_dict`,
  :func:`resources_summary`.
* TLS policy (``tls_policy``): :func:`refuse_tls_opt_out` for ``validate_certs=false``.

Dependencies: ``requests``; ``kazoo`` only for ``zk://`` masters.
"""

from .describe import attributes_dict, resources_summary
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
    TLSError,
)
from .events import EVENT_TYPES, Event, EventDecodeError
from .explain import explain
from .framework import FrameworkInfo
from .leader import make_locator
from .masters import MasterNotConfigured, describe_masters, needs_kazoo, resolve_masters
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
from .scheduler import SchedulerSession, Subscription
from .taskinfo import command_task, docker_task, new_task_id, port_environment
from .tls_policy import TLSVerificationRequired, refuse_tls_opt_out
from .transport import Credentials

__all__ = [
    "EVENT_TYPES",
    "AuthenticationFailed",
    "CallRejected",
    "ConnectionFailed",
    "Constraint",
    "Credentials",
    "Event",
    "EventDecodeError",
    "FrameworkInfo",
    "LeaderNotFound",
    "MasterNotConfigured",
    "MesosError",
    "MesosTimeout",
    "OfferMatch",
    "OfferRejection",
    "OfferResources",
    "OperatorClient",
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
    "attributes_dict",
    "command_task",
    "describe_masters",
    "docker_task",
    "encode",
    "explain",
    "make_locator",
    "match_offer",
    "needs_kazoo",
    "new_task_id",
    "parse_constraints",
    "place_tasks",
    "port_environment",
    "refuse_tls_opt_out",
    "resolve_masters",
    "resources_summary",
]
