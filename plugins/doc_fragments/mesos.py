"""Options every mesos-lab module shares: where the masters are and how TLS is verified."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  master:
    description:
      - Where the Mesos masters are. A URL (C(http://192.168.33.10:5050)), a list of URLs or
        a comma-separated string of them (the leader is found among them), or a ZooKeeper URL
        (C(zk://host1:2181,host2:2181/mesos), which needs the C(kazoo) library).
      - When omitted, the environment variable C(MESOS_MASTER) of the target host is used,
        then the content of C(/etc/mesos/zk) on it (written by the mesos-lab roles on every
        Mesos host), so ad hoc runs against C(mesos_masters) need no extra option.
    type: raw
  validate_certs:
    description:
      - Verify the master's TLS certificate for C(https://) masters.
      - Verification cannot be turned off; C(false) is refused with an error. Give the CA
        that signed the master's certificate in O(ca_path) instead.
    type: bool
    default: true
  ca_path:
    description: CA bundle to verify the master's certificate with.
    type: path
requirements:
  - python >= 3.10
  - requests
  - kazoo (only for C(zk://) masters)
"""
