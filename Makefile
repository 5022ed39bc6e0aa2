# mesos-lab: `make lab` brings up the seed cluster, `make test` proves everything.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
INVENTORY   ?= inventories/local
MESOS_FLAVOR ?=
# MESOS_DEB=<path to a .deb on this host>: real Apache Mesos from that package (package flavor).
MESOS_DEB   ?=
# Real Apache Mesos for the tests: MESOS_DEB, else the package in ../shared/mesos/ (CI has one).
REAL_MESOS_DEB := $(abspath $(or $(MESOS_DEB),$(firstword $(wildcard ../shared/mesos/*.deb))))
PYTEST      := $(BIN)/pytest
FLAVOR_ARG  := $(if $(MESOS_DEB),-e mesos_flavor=package -e mesos_deb=$(abspath $(MESOS_DEB)),$(if $(MESOS_FLAVOR),-e mesos_flavor=$(MESOS_FLAVOR),))
# What the host needs beyond the lab tool's own packages (`python -m lab host-deps`):
# the venv, and for the tests a real ZooKeeper, nginx, openssl, python3-apt, chromium (the web UI
# tests open the master's UI in it) and vagrant (`vagrant validate` of the Vagrantfile, no
# hypervisor).
VENV_PACKAGES := python3-venv
# Real Mesos on loopback (tests/support/real_mesos.py) runs the unpacked .deb: its runtime
# Depends/Recommends come from the package (scripts/find-mesos-deb; none without a package).
TEST_PACKAGES := zookeeper default-jre-headless nginx-light openssl python3-apt openssh-client chromium vagrant \
                 $(shell scripts/find-mesos-deb depends)

export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: help venv host-deps test-deps lab image lab-down lab-status lint test test-unit test-sim test-client \
        test-modules test-conformance test-infra test-roles test-lab test-molecule test-molecule-real \
        verify-ha-lab test-platforms test-e2e test-faults bench collection test-collection test-sanity test-pythons

help:
	@echo "make lab        venv, host packages, lab machines, site.yml (INVENTORY=$(INVENTORY))"
	@echo "make lab-down   remove the lab's machines, bridge and nft rules"
	@echo "make test       lint, unit, simulator, client, modules, conformance, molecule, end-to-end, faults"
	@echo "make bench      benchmarks -> bench/results.md and bench/results.json"

$(BIN)/activate: requirements.txt
	scripts/install-host-packages $(VENV_PACKAGES)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

venv: $(BIN)/activate

host-deps: venv
	$(BIN)/python -m lab host-deps

test-deps: host-deps
	scripts/install-host-packages $(TEST_PACKAGES)

lab: venv $(if $(MESOS_DEB),image,)
	$(BIN)/python -m lab up -i $(INVENTORY)
	$(BIN)/ansible-playbook -i $(INVENTORY) site.yml $(FLAVOR_ARG)

# The nginx-lab image (images/nginx-lab) as .cache/images/nginx-lab:latest.tar, cached by recipe.
image: venv host-deps
	$(BIN)/python -m imagebuild images/nginx-lab --out .cache/images

lab-down: venv
	$(BIN)/python -m lab down -i $(INVENTORY)

lab-status: venv
	$(BIN)/python -m lab status -i $(INVENTORY)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/ansible-lint --profile production

test-unit: venv
	$(PYTEST) tests/unit

test-sim: venv
	$(PYTEST) tests/sim

test-client: venv
	$(PYTEST) tests/client

test-modules: venv
	$(PYTEST) tests/modules

# The same scripted scenarios against real Mesos (the .deb) and mesos_sim, diffed.
test-conformance: venv
	$(PYTEST) tests/conformance

test-infra: venv
	$(PYTEST) tests/infra

test-roles: venv
	$(PYTEST) tests/roles

test-lab: venv
	$(PYTEST) tests/lab

# Every scenario but `real` (below) and the other Debian releases' (test-platforms: a
# debootstrap of each release and a whole site.yml, ~14 min each, too long for every run).
PLATFORM_SCENARIOS := trixie bullseye
test-molecule: venv
	cd $(CURDIR) && $(BIN)/molecule test --all --exclude real $(addprefix --exclude ,$(PLATFORM_SCENARIOS))
	$(MAKE) test-molecule-real

# site.yml and a mesos_task launch on the other Debian releases (molecule trixie).
test-platforms: venv
	cd $(CURDIR) && $(BIN)/molecule test $(addprefix -s ,$(PLATFORM_SCENARIOS))

# The seed cluster on real Apache Mesos (scenario real), when a package is at hand.
test-molecule-real: venv
ifeq ($(REAL_MESOS_DEB),)
	@echo "molecule real: not run: no Mesos .deb (set MESOS_DEB=<path> or put one in ../shared/mesos/)"
else
	$(MAKE) image
	cd $(CURDIR) && MESOS_DEB=$(REAL_MESOS_DEB) $(BIN)/molecule test -s real
endif

# molecule ha's checks (one leader, two redirecting, both racks, nginx, ZooKeeper) against the
# HA lab `make lab INVENTORY=inventories/local-ha [MESOS_DEB=...]` built; that lab has TLS off,
# so test_tls.py (molecule ha runs it with TLS on) does not apply.
verify-ha-lab: venv
	HA_INVENTORY=inventories/local-ha PYTHONPATH=molecule/shared:. $(PYTEST) -p no:cacheprovider \
	  --ansible-inventory=inventories/local-ha molecule/ha/tests --ignore=molecule/ha/tests/test_tls.py

test-e2e: venv
	$(PYTEST) tests/e2e

# Fault tests on the HA labs: leader, ZooKeeper, agent and stream loss, lab restart on
# mesos_sim (inventories/local-ha), then leader and agent loss on real Apache Mesos
# (inventories/local-ha-real) when a package is at hand (MESOS_DEB or ../shared/mesos/;
# MESOS_REAL_REQUIRED=1: a missing one fails). FAULTS_MESOS=sim|real|both (default: both
# with a package); FAULTS_REPEAT rounds of each fault (make test: 2), FAULTS_REAL_REPEAT on
# real Mesos (make test: 1; its lab takes ~8 min to converge, 2 rounds of each would make the
# real part ~14.5 min on a 2-core host, 1 round ~11.5 min; empty: FAULTS_REPEAT).
FAULTS_REPEAT ?= 2
FAULTS_MESOS ?=
FAULTS_REAL_REPEAT ?= 1
test-faults: venv
	FAULTS_REPEAT=$(FAULTS_REPEAT) FAULTS_MESOS=$(FAULTS_MESOS) FAULTS_REAL_REPEAT=$(FAULTS_REAL_REPEAT) \
	  MESOS_DEB=$(REAL_MESOS_DEB) $(PYTEST) tests/faults

test: test-deps lint test-unit test-pythons test-sanity test-collection test-lab test-sim test-client test-modules test-conformance test-infra test-roles test-molecule test-e2e test-faults
	@echo "make test: all suites passed"

# The collection mesoslab.mesos (galaxy.yml) as a tarball in dist/.
collection: venv
	$(BIN)/ansible-galaxy collection build --force --output-path dist

# The tarball installed into a fresh collections path, used by FQCN with an empty ansible.cfg.
test-collection: venv
	$(PYTEST) tests/collection

# ansible-test sanity on the built collection, offline (scripts/collection-sanity says how):
# every test on the controller's Python, compile and import on 3.9, 3.10, 3.12, 3.13 too.
test-sanity: venv
	scripts/collection-sanity

# The client's unit tests on the managed nodes' oldest and newest Python (pyenv interpreters,
# each in its own venv with requirements-managed-nodes.txt, kept beside the lab's caches).
MANAGED_PYTHONS ?= 3.9 3.13
PYENV_ROOT ?= /root/.pyenv
MESOS_LAB_CACHE ?= /var/cache/mesos-lab
test-pythons: venv
	@for version in $(MANAGED_PYTHONS); do \
	  python=$$(ls -d $(PYENV_ROOT)/versions/$$version.*/bin/python 2>/dev/null | sort -V | tail -1); \
	  [ -n "$$python" ] || { echo "no Python $$version under $(PYENV_ROOT)/versions" >&2; exit 2; }; \
	  venv=$(MESOS_LAB_CACHE)/python$$version-venv; \
	  if [ ! -f $$venv/.pins ] || ! cmp -s requirements-managed-nodes.txt $$venv/.pins; then \
	    rm -rf $$venv && $$python -m venv $$venv && \
	    $$venv/bin/pip install --quiet -r requirements-managed-nodes.txt && \
	    cp requirements-managed-nodes.txt $$venv/.pins; \
	  fi; \
	  echo "== tests/unit/client on $$($$venv/bin/python --version)"; \
	  $$venv/bin/python -m pytest -p no:cacheprovider tests/unit/client; \
	done

bench: venv
	$(BIN)/python -m bench
