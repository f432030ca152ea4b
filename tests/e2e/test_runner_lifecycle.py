"""The local runner's own behaviour: clean shutdown, and a clear error when the port is taken."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def _runner(port: int, state_file: Path) -> Iterator[subprocess.Popen[str]]:
    """The runner in its own process; killed if the test leaves it running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "--no-seed", "--state-file", str(state_file)],
        cwd=REPO_ROOT,
        env={**os.environ, "COURSEWAVE_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_sigterm_stops_the_runner_cleanly(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with _runner(0, state_file) as process:
        deadline = time.monotonic() + 60
        while not state_file.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert state_file.exists(), process.communicate(timeout=5)[0]

        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=90)  # a loaded 2-core machine

    assert process.returncode == 0, output
    assert "stopping" in output


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with _runner(port, tmp_path / "state.json") as process:
            output, _ = process.communicate(timeout=60)

    assert process.returncode == 2
    assert f"port {port}" in output and "COURSEWAVE_PORT" in output
    assert "Traceback" not in output
