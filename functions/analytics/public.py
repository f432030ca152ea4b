"""What other domains may use of the analytics domain: nothing. It sits at the top of the
domain order and learns everything from events; its statistics are served by its own routes."""

from __future__ import annotations

__all__: list[str] = []
