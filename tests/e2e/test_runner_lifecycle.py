"""The local runner's own behaviour: clean shutdown, and a clear error when the port is taken."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _start(port: int, state_file: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "local", "--no-seed", "--state-file", str(state_file)],
        cwd=REPO_ROOT,
        env={**os.environ, "COURSEWAVE_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_sigterm_stops_the_runner_cleanly(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    process = _start(0, state_file)
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
        process = _start(port, tmp_path / "state.json")
        output, _ = process.communicate(timeout=60)

    assert process.returncode == 2
    assert f"port {port}" in output and "COURSEWAVE_PORT" in output
    assert "Traceback" not in output
