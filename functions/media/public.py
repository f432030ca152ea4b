"""What other domains may use of the media domain: plain functions and plain types.

Media is the top domain today: nothing above it needs anything from it yet, so this module exposes
nothing. Courses learns what it needs of a lesson's media from the MediaReady/MediaFailed events
(and from ``courses.public.track_media`` when an upload starts), not from media's records.
"""

from __future__ import annotations

__all__: list[str] = []
