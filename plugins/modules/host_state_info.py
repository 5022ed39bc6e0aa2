#!/usr/bin/python
# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ansible module host_state_info: files, directories, packages and units read in one call."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: host_state_info
short_description: Read many files, directories, Debian packages and systemd units at once
description:
  - Reads, in one call, the state of every path, directory, package and unit it is given, so
    a role can compare what a host has with what it wants and run a task only where the two
    differ. A converge that changes nothing then costs one round trip instead of one per file.
  - The roles of this collection (zookeeper, mesos_master, mesos_agent) use it; every difference
    that a M(ansible.builtin.copy), M(ansible.builtin.template) or M(ansible.builtin.file) task
    would correct (type, content, mode, owner, group, presence) shows in its result.
  - Read-only; the same in check mode.
version_added: "1.1.0"
author:
  - mesos-lab maintainers (@mesoslab)
extends_documentation_fragment:
  - mesoslab.mesos.attributes.info_module
options:
  paths:
    description:
      - Paths whose type, mode, owner, group and (for a file) SHA-1 to read.
      - A symlink reads as C(link).
    type: list
    elements: str
    default: []
  follow:
    description: Paths read through a symlink, as C(copy) with C(follow=true) writes them.
    type: list
    elements: str
    default: []
  dirs:
    description:
      - Directories whose entries to read, each as its text content.
      - Anything not a readable text file (a directory, a link, binary content) reads as null.
    type: list
    elements: str
    default: []
  packages:
    description:
      - Debian package names; those C(dpkg) lists as installed come back.
      - A name with a version (C(pkg=1.2)) never does.
    type: list
    elements: str
    default: []
  units:
    description: systemd service names without C(.service) whose state to read.
    type: list
    elements: str
    default: []
notes:
  - Without C(dpkg-query) no package reads as installed; without C(systemctl) no unit is read.
seealso:
  - module: ansible.builtin.stat
"""

EXAMPLES = r"""
- name: Read the agent's flag files, its unit and whether its package is installed
  mesoslab.mesos.host_state_info:
    paths: [/etc/default/mesos-agent]
    dirs: [/etc/mesos-agent]
    packages: [mesos]
    units: [mesos-agent]
  register: host

- name: Rewrite the defaults only where they differ
  ansible.builtin.template:
    src: mesos-agent.j2
    dest: /etc/default/mesos-agent
    mode: "0644"
  vars:
    wanted_sha1: "{{ lookup('ansible.builtin.template', 'mesos-agent.j2') | hash('sha1') }}"
  when: host.files['/etc/default/mesos-agent'].sha1 | default('') != wanted_sha1
"""

RETURN = r"""
files:
  description:
    - The state of each of I(paths) and I(follow), by path.
    - C(state) is C(absent), C(link), C(other) (not a regular file or directory, or unreadable),
      C(directory) (with C(mode), C(owner), C(group)) or C(file) (with C(sha1) as well).
  returned: always
  type: dict
  sample:
    /etc/default/mesos-agent:
      state: file
      mode: "0644"
      owner: root
      group: root
      sha1: 0a4d55a8d778e5022fab701977c5d840bbc486d0
dirs:
  description: The entries of each of I(dirs), name to content; empty for a missing directory.
  returned: always
  type: dict
  sample: {"/etc/mesos-agent": {"port": "5051", "attributes": null}}
packages:
  description: Those of I(packages) that dpkg lists as installed, sorted.
  returned: always
  type: list
  elements: str
  sample: [mesos]
units:
  description: Per unit, its C(LoadState), C(ActiveState), C(UnitFileState) and C(NeedDaemonReload).
  returned: always
  type: dict
  sample:
    mesos-agent:
      LoadState: loaded
      ActiveState: active
      UnitFileState: enabled
      NeedDaemonReload: "no"
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.mesoslab.mesos.plugins.module_utils.host_state import read_host_state

ARGUMENT_SPEC = {
    name: {"type": "list", "elements": "str", "default": []}
    for name in ("paths", "follow", "dirs", "packages", "units")
}


def main():
    module = AnsibleModule(ARGUMENT_SPEC, supports_check_mode=True)
    commands = {name: module.get_bin_path(name) for name in ("dpkg-query", "systemctl")}
    state = read_host_state(
        {name: module.params[name] for name in ARGUMENT_SPEC},
        run=lambda argv: module.run_command(argv, check_rc=False),
        commands=commands,
    )
    module.exit_json(changed=False, **state)


if __name__ == "__main__":
    main()
