# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Options every mesos-lab module shares: where the masters are and how TLS is used."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  master:
    description:
      - Where the Mesos masters are. A URL (C(http://192.168.33.10:5050)), a list of URLs or
        a comma-separated string of them (the leader is found among them), or a ZooKeeper URL
        (C(zk://host1:2181,host2:2181/mesos), which needs the C(kazoo) library).
      - A master given as C(host:port), without a scheme, is reached over C(http://), or
        C(https://) with O(tls).
      - When omitted, the environment variable C(MESOS_MASTER) of the target host is used,
        then the content of C(/etc/mesos/zk) on it (written by the mesos-lab roles on every
        Mesos host), so ad hoc runs against C(mesos_masters) need no extra option.
    type: raw
  tls:
    description:
      - Use C(https://) for masters found through ZooKeeper (their address in ZooKeeper has
        no scheme; Mesos with C(LIBPROCESS_SSL_ENABLED=true) serves HTTPS on the same port)
        and for masters given as C(host:port). URLs with an explicit scheme keep theirs, and
        a redirect to the leading master keeps the scheme of the master that sent it.
      - The certificate is always verified, against O(ca_path) or the system CA store.
      - When omitted, C(true) if C(/etc/default/mesos) on the target host sets
        C(LIBPROCESS_SSL_ENABLED=true) (the mesos-lab roles write it when the lab runs with
        TLS), otherwise C(false).
    type: bool
  validate_certs:
    description:
      - Verify the master's TLS certificate for C(https://) masters.
      - Verification cannot be turned off; C(false) is refused with an error. Give the CA
        that signed the master's certificate in O(ca_path) instead.
    type: bool
    default: true
  ca_path:
    description:
      - CA bundle (a file, or a directory prepared with C(c_rehash)) to verify the master's
        certificate with. It must exist on the target host.
      - When omitted and TLS is used (O(tls), or an C(https://) master URL), the lab CA
        C(/etc/mesos/ssl/ca.pem) on the target host is used if it exists (the mesos-lab roles
        put it there), otherwise the system CA store.
    type: path
requirements:
  - python >= 3.10
  - requests
  - kazoo (only for C(zk://) masters)
"""
