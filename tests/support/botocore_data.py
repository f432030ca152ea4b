"""One botocore data loader per test process, instead of one per botocore session.

Every botocore session parses botocore's JSON data again (the endpoints file, each service's
model and endpoint rule set: ≈1 s of CPU for a session's first clients). PynamoDB opens a session
per thread and the functions open their own, so the suite parsed the same files thousands of
times. The files never change while tests run: sessions now share one loader (its own cache keeps
each parsed file), and only the parsing is saved.
"""

from __future__ import annotations

import functools
from typing import Any

import botocore.session
from botocore.loaders import Loader, create_loader


class _SearchPaths(list[str]):
    """boto3 appends its own data folder to the loader of every session it makes: once is enough
    for a shared loader."""

    def append(self, path: str) -> None:
        if path not in self:
            super().append(path)


@functools.cache
def _shared_loader(search_path_string: str | None) -> Loader:
    loader = create_loader(search_path_string)
    loader._search_paths = _SearchPaths(loader.search_paths)
    return loader


def share_loader() -> None:
    """Make ``botocore.session.Session`` take the shared loader (idempotent)."""

    def shared(search_path_string: Any = None) -> Loader:
        return _shared_loader(search_path_string)

    botocore.session.create_loader = shared  # type: ignore[assignment]
