"""Repository-level checks: inventories, Vagrantfile, role argument specs, playbooks."""
