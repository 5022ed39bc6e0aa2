# mesos-lab: `make lab` brings up the seed cluster, `make test` proves everything.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
INVENTORY   ?= inventories/local
MESOS_FLAVOR ?=
PYTEST      := $(BIN)/pytest
FLAVOR_ARG  := $(if $(MESOS_FLAVOR),-e mesos_flavor=$(MESOS_FLAVOR),)
# What the host needs beyond the lab tool's own packages (`python -m lab host-deps`):
# the venv, and for the tests a real ZooKeeper, nginx, openssl, python3-apt and vagrant
# (`vagrant validate` of the Vagrantfile, no hypervisor).
VENV_PACKAGES := python3-venv
# Real Mesos on loopback (tests/support/real_mesos.py) runs the unpacked .deb: its runtime
# Depends/Recommends come from the package (scripts/mesos-deb; none without a package).
TEST_PACKAGES := zookeeper default-jre-headless nginx-light openssl python3-apt openssh-client vagrant \
                 $(shell scripts/mesos-deb depends)

export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: help venv host-deps test-deps lab lab-down lab-status lint test test-unit test-sim test-client \
        test-modules test-conformance test-infra test-roles test-lab test-molecule test-e2e test-faults bench

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

lab: venv
	$(BIN)/python -m lab up -i $(INVENTORY)
	$(BIN)/ansible-playbook -i $(INVENTORY) site.yml $(FLAVOR_ARG)

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

test-molecule: venv
	cd $(CURDIR) && $(BIN)/molecule test --all

test-e2e: venv
	$(PYTEST) tests/e2e

# Fault tests on the HA lab (inventories/local-ha): leader, ZooKeeper, agent and stream loss,
# lab restart. FAULTS_REPEAT rounds of each fault (make test: 2; more with FAULTS_REPEAT=N).
FAULTS_REPEAT ?= 2
test-faults: venv
	FAULTS_REPEAT=$(FAULTS_REPEAT) $(PYTEST) tests/faults

test: test-deps lint test-unit test-lab test-sim test-client test-modules test-conformance test-infra test-roles test-molecule test-e2e test-faults
	@echo "make test: all suites passed"

bench: venv
	$(BIN)/python -m bench
