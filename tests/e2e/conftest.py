"""The e2e suite: one local runner (``python -m local``) per xdist worker, talked to over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from coursewave import resources

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "Demo-Password-2026"


@dataclass
class LocalStack:
    url: str
    state: dict[str, Any]
    log_path: Path

    def api(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kwargs)

    @property
    def env(self) -> dict[str, str]:
        return self.state["env"]

    def aws(self, service: str) -> Any:
        """A boto3 client for the runner's moto server."""
        return boto3.client(
            service, endpoint_url=self.state["moto_endpoint"], region_name=self.env["AWS_REGION"]
        )

    def cognito_token(self, email: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
        result = self.aws("cognito-idp").initiate_auth(
            ClientId=self.env["USER_POOL_CLIENT_ID"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
        return result["AuthenticationResult"]

    def mailbox(self, to: str) -> list[dict[str, Any]]:
        return self.api("GET", "/_local/mailbox", params={"to": to}).json()["items"]


@contextmanager
def local_runner(workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[LocalStack]:
    """A local runner (``python -m local``) in its own process, stopped on exit; ``extra_env``
    configures it."""
    state_file, log_path = workdir / "state.json", workdir / "runner.log"
    env = {
        **os.environ,
        "COURSEWAVE_PORT": "0",  # the runner binds any free port and reports it: no race
        "COURSEWAVE_DEMO_PASSWORD": DEMO_PASSWORD,
        "PYTHONUNBUFFERED": "1",
        # The payments reconcile timer (30 s by default): fast, so a dropped callback settles
        # within the e2e test's patience.
        "PAYMENTS_RECONCILE_SECONDS": os.environ.get("PAYMENTS_RECONCILE_SECONDS", "2"),
        # Every request of a test run comes from 127.0.0.1, so the identity routes' per-address
        # limits (Settings.auth_rate_limit_ip_factor) are relaxed: one worker's browser tests log
        # in through the web app more than 50 times in 15 minutes, and the fuzzer makes a persona
        # per operation. The per-email limits stay; tests/integration/identity tests both.
        "AUTH_RATE_LIMIT_IP_FACTOR": "100000",
    }
    # The runner serves the web app on its own URL unless WEB_APP_URL names another; in-process
    # tests of this worker may have left one in this process's environment.
    env.pop(resources.WEB_APP_URL.env, None)
    env.update(extra_env or {})
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local", "--state-file", str(state_file)],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        # Generous: a start takes ~15 s on an idle 2-core machine, minutes on a crowded one.
        deadline = time.monotonic() + 480
        while not state_file.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"local runner did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        state = json.loads(state_file.read_text())
        yield LocalStack(
            url=state["url"],
            state=state,
            log_path=log_path,
        )
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with local_runner(tmp_path_factory.mktemp("local-runner")) as running:
        yield running


# First: pytest-xdist's own hook turns the xdist_group marks into the groups it schedules.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """One xdist group per e2e module: a module's tests run in order on one worker (they share
    its module-scoped runners and what they create), while modules spread over both workers.
    Each worker starts its own session ``stack`` (any free port, its own state file) the first
    time one of its modules needs it."""
    for item in items:
        path = str(item.path).replace("\\", "/")
        if "tests/e2e/" in path:
            item.add_marker(pytest.mark.xdist_group("e2e:" + path.split("tests/e2e/", 1)[1]))
