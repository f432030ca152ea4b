"""What other domains may use of the certificates domain (nothing yet: notifications will read
a certificate for its message through here)."""

from __future__ import annotations

__all__: list[str] = []
