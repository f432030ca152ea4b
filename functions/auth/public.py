"""What the auth domain offers other domains: nothing yet.

Sign-in, codes and sessions are reached over HTTP (``/v1/auth/*``) only; no domain above identity
needs to call into them. Add functions and plain types here (never PynamoDB items or pydantic API
models) when one does.
"""

from __future__ import annotations
