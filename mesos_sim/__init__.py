"""mesos_sim: a protocol-faithful Apache Mesos 1.11 master and agent simulator (a test double).

Run ``python -m mesos_sim master|agent --flag=value ...``; see README.md for scope.
"""

MESOS_VERSION = "1.11.0"
PRODUCT = "mesos_sim (simulator)"
VERSION_LINE = f"{PRODUCT} {MESOS_VERSION}"
