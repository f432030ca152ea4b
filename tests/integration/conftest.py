from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.cloud import Platform, in_process_platform
from tests.support.personas import Personas


@pytest.fixture
def platform() -> Iterator[Platform]:
    yield from in_process_platform()


@pytest.fixture
def personas(platform: Platform) -> Personas:
    return Personas(platform)
