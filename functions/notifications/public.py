"""What other domains may use of the notifications domain: nothing. It sits at the top of the
domain order and hears everything it needs as events (``rules.py``)."""

from __future__ import annotations

__all__: list[str] = []
