"""What the admin-of-users domain offers other domains: nothing yet.

Account administration is reached over HTTP (``/v1/admin/*``) only. Add functions and plain types
here (never PynamoDB items or pydantic API models) when another domain needs one.
"""

from __future__ import annotations
