"""Request and response models of the community routes (never a storage key)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictInt, StringConstraints, model_validator

from coursewave.models import Out, Strict
from functions.community.domain import (
    MAX_ANNOUNCEMENT_BODY,
    MAX_ANNOUNCEMENT_TITLE,
    MAX_COMMENT_LENGTH,
    MAX_REPLY_LENGTH,
    MAX_REVIEW_LENGTH,
)

CommentText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_COMMENT_LENGTH)
]
ReviewText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REVIEW_LENGTH)
]
ReplyText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REPLY_LENGTH)
]
CommentId = Annotated[str, StringConstraints(pattern=r"^cmt_[0-9a-z]{26}$")]
Rating = Annotated[StrictInt, Field(ge=1, le=5)]


class CommentIn(Strict):
    body: CommentText
    parent_id: CommentId | None = Field(
        default=None, description="a top-level comment of the same course (one level of replies)"
    )


class CommentPatch(Strict):
    body: CommentText


class ReviewIn(Strict):
    rating: Rating
    body: ReviewText | None = None


class ReviewPatch(Strict):
    rating: Rating | None = None
    body: ReviewText | None = Field(default=None, description="null clears the text")

    @model_validator(mode="after")
    def _something(self) -> ReviewPatch:
        if not self.model_fields_set:
            raise ValueError("send at least one field to change")
        if "rating" in self.model_fields_set and self.rating is None:
            raise ValueError("rating may not be null")
        return self


class ReviewReplyIn(Strict):
    body: ReplyText


class HideIn(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class AnnouncementIn(Strict):
    title: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ANNOUNCEMENT_TITLE),
    ]
    body: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ANNOUNCEMENT_BODY),
    ]


# -- responses ---------------------------------------------------------------------------------


class AuthorOut(Out):
    id: str
    name: str


class CommentOut(Out):
    id: str
    course_id: str
    parent_id: str | None
    author: AuthorOut | None = Field(description="null once the comment is deleted")
    body: str = Field(description='"[deleted]" once the comment is deleted')
    deleted: bool
    created_at: str
    edited_at: str | None
    reply_count: int


class ThreadOut(CommentOut):
    replies: list[CommentOut] = Field(description="oldest first")


class ThreadPage(Out):
    items: list[ThreadOut]
    next_cursor: str | None


class ReviewReplyOut(Out):
    body: str
    created_at: str


class ReviewOut(Out):
    id: str
    course_id: str
    author: AuthorOut
    rating: int
    body: str | None
    created_at: str
    updated_at: str
    hidden: bool
    reply: ReviewReplyOut | None


class ReviewPage(Out):
    items: list[ReviewOut]
    next_cursor: str | None


class AnnouncementOut(Out):
    id: str
    course_id: str
    author_id: str
    title: str
    body: str
    created_at: str


class AnnouncementPage(Out):
    items: list[AnnouncementOut]
    next_cursor: str | None
