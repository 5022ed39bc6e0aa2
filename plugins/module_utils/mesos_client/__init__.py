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
* Errors (``errors``): everything derives from :class:`MesosError`.

Dependencies: ``requests``; ``kazoo`` only for ``zk://`` masters.
"""

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
from .framework import FrameworkInfo
from .leader import make_locator
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
    "command_task",
    "docker_task",
    "encode",
    "make_locator",
    "match_offer",
    "new_task_id",
    "parse_constraints",
    "place_tasks",
    "port_environment",
]
