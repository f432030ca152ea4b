"""What other domains may use of the payments domain (nothing yet: analytics and admin stats
will read the ledger through here)."""

from __future__ import annotations

__all__: list[str] = []
