"""Which files may be uploaded, how large, and where they go."""

from __future__ import annotations

import pytest

from coursewave.errors import Conflict, PayloadTooLarge, UnsupportedMediaType
from functions.media import domain


@pytest.mark.parametrize(
    ("filename", "content_type", "kind", "extension"),
    [
        ("Lesson 1.mp4", "video/mp4", "video", "mp4"),
        ("clip.M4V", "video/mp4", "video", "mp4"),
        ("screen.mov", "video/quicktime", "video", "mov"),
        ("talk.mkv", "video/x-matroska", "video", "mkv"),
        ("talk.mkv", "video/matroska", "video", "mkv"),
        ("web.webm", "video/webm", "video", "webm"),
        ("slide.jpeg", "image/jpeg", "image", "jpg"),
        ("slide.jpg", "image/jpg", "image", "jpg"),
        ("diagram.png", "image/png", "image", "png"),
        ("notes.pdf", "application/pdf", "document", "pdf"),
        ("notes.pdf", "Application/PDF; charset=binary", "document", "pdf"),
    ],
)
def test_accepted_types_map_to_a_kind_and_a_stored_extension(
    filename: str, content_type: str, kind: str, extension: str
) -> None:
    plan = domain.plan_upload("crs_1", "med_1", filename, content_type, 1000)

    assert plan.kind == kind
    assert plan.key == f"uploads/crs_1/med_1/source.{extension}"
    assert plan.max_size_bytes == domain.MAX_SIZE_BYTES[kind]


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("song.mp3", "audio/mpeg"),
        ("page.html", "text/html"),
        ("movie.avi", "video/x-msvideo"),
        ("archive.zip", "application/zip"),
        ("anything", ""),
    ],
)
def test_other_types_are_unsupported(filename: str, content_type: str) -> None:
    with pytest.raises(UnsupportedMediaType) as raised:
        domain.plan_upload("crs_1", "med_1", filename, content_type, 10)
    assert raised.value.status == 415
    assert "video/mp4" in raised.value.details["accepted"]


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("notes.txt", "video/mp4"),
        ("lesson", "video/mp4"),
        ("photo.png", "image/jpeg"),
        ("lesson.mp4.exe", "video/mp4"),
        ("C:\\videos\\lesson.pdf", "video/mp4"),
    ],
)
def test_a_name_contradicting_the_content_type_is_unsupported(
    filename: str, content_type: str
) -> None:
    with pytest.raises(UnsupportedMediaType, match="does not match"):
        domain.plan_upload("crs_1", "med_1", filename, content_type, 10)


def test_windows_paths_in_file_names_are_read_by_their_last_part() -> None:
    plan = domain.plan_upload("crs_1", "med_1", "C:\\videos\\lesson.MP4", "video/mp4", 10)
    assert plan.content_type == "video/mp4"


@pytest.mark.parametrize(
    ("content_type", "filename", "limit"),
    [
        ("video/mp4", "a.mp4", 5 * 1024**3),
        ("image/png", "a.png", 10 * 1024**2),
        ("application/pdf", "a.pdf", 50 * 1024**2),
    ],
)
def test_each_kind_has_its_size_limit(content_type: str, filename: str, limit: int) -> None:
    assert domain.plan_upload("c", "m", filename, content_type, limit).max_size_bytes == limit

    with pytest.raises(PayloadTooLarge) as raised:
        domain.plan_upload("c", "m", filename, content_type, limit + 1)
    assert raised.value.status == 413
    assert raised.value.details == {"max_size_bytes": limit}


def test_only_ready_videos_are_playable() -> None:
    domain.require_playable("ready", "video")

    for status in ("awaiting_upload", "processing", "failed"):
        with pytest.raises(Conflict) as raised:
            domain.require_playable(status, "video")
        assert raised.value.details == {"status": status}
    with pytest.raises(Conflict, match="not a video"):
        domain.require_playable("ready", "image")
