"""What other domains may use of the community domain (nothing: notifications and analytics
learn of comments, reviews and announcements from its events, CommentPosted, ReviewPosted and
AnnouncementPosted)."""

from __future__ import annotations

__all__: list[str] = []
