from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.cloud import Platform, in_process_platform
from tests.support.personas import Personas


@pytest.fixture(scope="module")
def platform() -> Iterator[Platform]:
    """One platform per module: each test makes its own accounts and asserts on them only."""
    yield from in_process_platform()


@pytest.fixture(scope="module")
def personas(platform: Platform) -> Personas:
    return Personas(platform)
