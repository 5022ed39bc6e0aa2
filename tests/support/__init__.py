"""Shared test helpers for mesos-lab (used by tests/sim and tests/client). Stable API:

``tests.support.ports``
    ``free_port() -> int``, ``free_ports(n) -> list[int]``: below the ephemeral range, never
    the same port twice in one process.
``tests.support.wait``
    ``wait_until(condition, timeout, interval=0.05, what="...")``: bounded polling; returns the
    first truthy value, raises ``WaitTimeout`` (an AssertionError); OSError counts as "not yet".
``tests.support.zookeeper``
    ``ZooKeeperServer()``: real ZooKeeper (Debian package ``zookeeper``, Java) on 127.0.0.1 at a
    free port with its own temp data dir; ``start()``/``stop()`` or ``with``; ``.port``,
    ``.hosts`` ("127.0.0.1:PORT"), ``.url("/mesos")`` ("zk://127.0.0.1:PORT/mesos").
    ``zookeeper_available() -> str | None`` (None, or why it cannot run here),
    ``four_letter_word(port, "ruok")``.
``tests.support.sim``
    ``SimCluster(masters=1, agents=1, *, zookeeper=None, attributes=SEED_ATTRIBUTES,
    resources=None, heartbeat_interval=0.5, offer_interval=0.2, master_flags=None,
    agent_flags=None, base_dir=None)``: mesos_sim processes on 127.0.0.1 free ports (every
    process gets ``--ip=127.0.0.1 --hostname=127.0.0.1``; masters ``--work_dir``,
    ``--sim_heartbeat_interval`` and ``--allocation_interval``; agents ``--work_dir``,
    ``--sim_status_update_retry_interval=1``; flags dicts map names to values, None for a bare
    boolean flag, and override these); ``with`` or
    ``start()``/``stop()``; ``leader_url()``, ``leader_index()``, ``master_url(i)``,
    ``agent_url(i)``, ``stop_master(i, sig=SIGTERM)``, ``start_master(i)``, ``stop_agent(i)``,
    ``start_agent(i)``, ``wait_for_agents(count=None)``, ``logs()``; ``.masters``/``.agents``
    are ``SimProcess`` objects (``url``, ``address``, ``port``, ``flags``, ``running``,
    ``start()``, ``stop(sig)``, ``kill()``, ``state()``, ``log_tail()``).
    Several masters require a ZooKeeperServer (masters get ``--zk=... --quorum=1``, agents
    ``--master=zk://...``). ``leader_url()`` asks each master's /metrics/snapshot for
    ``master/elected`` (non-leaders redirect /master/state, like Mesos).
    ``SEED_ATTRIBUTES = "rack:r2d2;pod:demo,dev"``; ``REPO_ROOT``.
    ``http_get_json(url)``, ``http_status(url)``: stdlib HTTP helpers.
``tests.support.real_mesos``
    ``RealMesosCluster(agents=1, *, masters=1, zookeeper=None, ...)``: real Mesos (the
    project's .deb, unpacked) with SimCluster's interface; several masters need a
    ZooKeeperServer (``--zk``, ``--quorum`` a majority, ``--registry=replicated_log``).
    ``why_not_available() -> str | None``.
``tests.support.mesos_fixtures``
    fixtures running a test on both kinds: ``mesos`` (fresh sim / the session's shared real
    pair), ``clean_mesos`` (fresh of each kind), ``mesos_kind`` ("sim"/"real") with
    ``mesos_factory`` (``make(kind, start=True, **SimCluster kwargs)``), ``real_mesos_shared``;
    ``build_cluster(kind, **kwargs)``, ``start_cluster(kind, **kwargs)``,
    ``real_mesos_or_skip()``; hooks ``pytest_collection_modifyitems`` (``sim_differs``),
    ``pytest_terminal_summary``, ``pytest_sessionfinish`` (fails a session that left a
    cluster's process running, killed by pid).
``tests.support.leftovers``
    ``processes_under(dirs) -> {pid: cmdline}`` (processes whose command line, cwd or
    environment names a directory), ``kill_all(pids)``.
``tests.support.fixtures``
    pytest fixtures ``zookeeper_server``, ``sim_cluster_factory`` (``make(**SimCluster kwargs)``,
    started, stopped at teardown, logs printed on failure), ``sim_cluster`` (1 master + 1 agent
    with the seed attributes, agent registered) and the hook ``pytest_runtest_makereport``
    (needed for "logs on failure"); import them into your conftest.py.
"""
