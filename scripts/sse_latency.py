#!/usr/bin/env python3
"""Measures save-to-reload latency of a running `forklar serve`.

    python3 scripts/sse_latency.py PORT FILE [RUNS] [LABEL]

Connects to http://127.0.0.1:PORT/__forklar/events, waits until the server's
watcher reports changes (it rewrites FILE unchanged until a reload arrives),
then RUNS times (default 20): appends a sentence to FILE and measures the time
from just before the write until the `reload` event has been read. Prints
every sample, then median and p90 (nearest rank) in ms. Exits 1 on a build
error event or a timeout. Standard library only.
"""

import math
import select
import socket
import statistics
import sys
import time

TIMEOUT = 30.0  # seconds per run
PAUSE = 0.4  # seconds between runs, so each save is a batch of its own


class Stream:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.sendall(
            b"GET /__forklar/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Accept: text/event-stream\r\n\r\n"
        )
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self._fill(10)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 200"):
            sys.exit(f"events: {head!r}")
        self.sock.setblocking(False)

    def _fill(self, timeout):
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return False
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return False
        if not data:
            sys.exit("the event stream closed")
        self.buf += data
        return True

    def next_event(self, timeout):
        """The next (name, data), or None after `timeout` seconds."""
        deadline = time.perf_counter() + timeout
        while True:
            while b"\n\n" in self.buf:
                block, self.buf = self.buf.split(b"\n\n", 1)
                name, data, fields = "message", [], False
                for line in block.decode("utf-8", "replace").split("\n"):
                    if line.startswith("event:"):
                        name, fields = line[6:].strip(), True
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
                        fields = True
                # Comments (": ping") and "retry:" alone are not events.
                if fields:
                    return name, "\n".join(data)
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            self._fill(left)

    def drain(self, quiet):
        while self.next_event(quiet) is not None:
            pass


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: sse_latency.py PORT FILE [RUNS] [LABEL]")
    port, path = int(sys.argv[1]), sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    label = sys.argv[4] if len(sys.argv) > 4 else path
    stream = Stream(port)
    original = open(path, "rb").read()
    # The server answers before its watcher is set up: wait for it.
    deadline = time.perf_counter() + TIMEOUT
    while True:
        with open(path, "wb") as f:
            f.write(original)
        event = stream.next_event(0.25)
        if event is not None:
            break
        if time.perf_counter() > deadline:
            sys.exit("the watcher never reported a change")
    stream.drain(0.5)

    samples = []
    for i in range(runs):
        time.sleep(PAUSE)
        stream.drain(0.0)
        start = time.perf_counter()
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"\nMålesetning nummer {i + 1} er lagt til for å måle tiden.\n")
        while True:
            event = stream.next_event(TIMEOUT - (time.perf_counter() - start))
            if event is None:
                sys.exit(f"run {i + 1}: no reload within {TIMEOUT} s")
            name, data = event
            if name == "reload":
                break
            if name == "error":
                sys.exit(f"run {i + 1}: build error: {data}")
        samples.append((time.perf_counter() - start) * 1000)
    with open(path, "wb") as f:
        f.write(original)

    ordered = sorted(samples)
    p90 = ordered[math.ceil(0.9 * len(ordered)) - 1]
    print(f"{label}: samples (ms): " + " ".join(f"{s:.1f}" for s in samples))
    print(f"{label}: median {statistics.median(samples):.1f} ms, p90 {p90:.1f} ms ({runs} saves)")


if __name__ == "__main__":
    main()
