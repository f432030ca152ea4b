"""``python -m local``: run the whole platform on this machine (see README, `make run`)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

# The functions' JSON logs and metrics are for CloudWatch; in a terminal they drown the runner's
# own lines. Set either variable to see them (e.g. POWERTOOLS_LOG_LEVEL=INFO make run).
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")

from local.runner import LocalPlatform, StartupError


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("COURSEWAVE_PORT", 3000)))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--no-seed", action="store_true", help="start without demo data")
    parser.add_argument("--state-file", type=Path, help="write URLs and local settings here")
    args = parser.parse_args()

    platform = LocalPlatform(
        port=args.port,
        host=args.host,
        demo_password=os.environ.get("COURSEWAVE_DEMO_PASSWORD") or None,
        seed_demo=not args.no_seed,
        log=lambda line: print(line, flush=True),
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        platform.start()
    except StartupError as exc:
        print(f"coursewave: cannot start: {exc}", file=sys.stderr)
        platform.stop()
        return 2
    if args.state_file:
        platform.write_state(args.state_file)
    banner(platform)
    # A timed wait: Python runs signal handlers in the main thread only, between bytecodes; a
    # wait with no timeout can miss a SIGTERM the kernel hands to one of the server threads.
    while not stop.wait(timeout=0.5):
        pass
    print("\nstopping…", flush=True)
    platform.stop()
    return 0


def banner(platform: LocalPlatform) -> None:
    lines = [
        "",
        f"Coursewave is running at {platform.url}",
        f"  health:   curl {platform.url}/v1/health",
        f"  API docs: {platform.url}/_local/docs  (OpenAPI: {platform.url}/_local/openapi.json)",
        f"  mailbox:  {platform.url}/_local/mailbox?to=<email>",
    ]
    if platform.demo:
        lines.append(f"  demo logins (password: {platform.demo_password}):")
        lines.extend(f"    {email}" for email in platform.demo)
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
