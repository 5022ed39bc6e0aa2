"""The simulated Mesos master: scheduler API, operator API, allocator, agent registry."""
