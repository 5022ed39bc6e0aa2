"""The simulated Mesos agent: registers with the master, runs command tasks for real."""
