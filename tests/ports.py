"""A free TCP port for a server a test starts in another process."""

from __future__ import annotations

import os
import random
import socket

# Below Linux's ephemeral range (32768-60999), where the kernel never hands a port to an outgoing
# connection or to a bind to port 0; a slice of it per pytest-xdist worker.
FIRST, SLICE = 20_000, 1_500
_given: set[int] = set()


def free_port() -> int:
    """A port nobody listens on now, never given out before in this process.

    Asking the kernel for port 0 and closing the socket leaves a gap until the server binds: in it, an
    outgoing connection of the other worker (a test client, a database connection) could take that very
    port, and a second ask could answer the same port again (the drill asks for four in a row). So the port
    comes from this worker's own slice below the ephemeral range, and is remembered."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    low = FIRST + (int(worker) if worker.isdigit() else 0) % 8 * SLICE
    for _ in range(500):
        port = random.randrange(low, low + SLICE)
        if port in _given:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _given.add(port)
        return port
    raise AssertionError(f"no free port between {low} and {low + SLICE}")
