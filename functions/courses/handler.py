"""Catalog and course authoring routes (API.md "Catalog and courses"). The course page and a
lesson, which depend on the caller's enrollment, are served by the enrollment domain."""

from __future__ import annotations

from coursewave.api import PUBLIC, Api, roles
from coursewave.course_views import (
    CourseOut,
    CourseSummaryOut,
    LessonOut,
    SectionOut,
    VideoOut,
    course_out,
    section_out,
)
from coursewave.users import Principal
from functions.courses import catalog, logic
from functions.courses.categories import Category
from functions.courses.logic import LessonSpec, SavedLesson, VideoSpec
from functions.courses.models import (
    CatalogQuery,
    CategoryIn,
    CategoryList,
    CategoryOut,
    CategoryPatch,
    CourseIn,
    CoursePage,
    CoursePatch,
    LessonIn,
    LessonPatch,
    SectionIn,
    SectionPatch,
    UploadVideoIn,
)

app = Api("courses")
lambda_handler = app.lambda_handler

AUTHORS = roles("instructor", "admin", who="the course's instructor (owner), admin")
ADMIN = roles("admin")


def category_out(category: Category) -> CategoryOut:
    return CategoryOut(
        id=category.id,
        name=category.name,
        course_count=category.course_count,
        archived=category.archived,
    )


@app.route(
    "GET",
    "/v1/categories",
    access=PUBLIC,
    summary="Categories with their number of published courses (archived ones too: courses "
    "keep them)",
    response=CategoryList,
)
def list_categories() -> CategoryList:
    return CategoryList(items=[category_out(category) for category in logic.categories()])


@app.route(
    "POST",
    "/v1/admin/categories",
    access=ADMIN,
    summary="Add a category (its id is permanent)",
    status=201,
    body=CategoryIn,
    response=CategoryOut,
    errors=(409,),
    domain="admin",
)
def create_category(body: CategoryIn, principal: Principal) -> CategoryOut:
    return category_out(logic.create_category(principal, body.id, body.name))


@app.route(
    "PATCH",
    "/v1/admin/categories/{id}",
    access=ADMIN,
    summary="Rename a category or archive it (an archived one takes no new courses and stays on "
    "the courses that use it)",
    body=CategoryPatch,
    response=CategoryOut,
    errors=(409,),
    domain="admin",
)
def update_category(id: str, body: CategoryPatch, principal: Principal) -> CategoryOut:
    return category_out(logic.update_category(principal, id, body.changes()))


@app.route(
    "GET",
    "/v1/courses",
    access=PUBLIC,
    summary="The catalog: published courses, filtered, searched and sorted",
    query=CatalogQuery,
    response=CoursePage,
)
def list_courses(query: CatalogQuery) -> CoursePage:
    filters = catalog.Filters(
        q=query.q,
        category=query.category,
        level=query.level,
        price=query.price,
        instructor_id=query.instructor_id,
    )
    summaries, next_cursor = logic.catalog_page(filters, query.sort, query.limit, query.cursor)
    return CoursePage(items=[CourseSummaryOut.of(s) for s in summaries], next_cursor=next_cursor)


@app.route(
    "POST",
    "/v1/courses",
    access=roles("instructor", "admin"),
    summary="Create a draft course; the caller is its owner",
    status=201,
    body=CourseIn,
    response=CourseOut,
)
def create_course(body: CourseIn, principal: Principal) -> CourseOut:
    course = logic.create_course(
        principal,
        title=body.title,
        subtitle=body.subtitle,
        description=body.description,
        category=body.category,
        level=body.level,
        tags=body.tags,
        price=body.price.to_money(),
        prices=[price.to_money() for price in body.prices],
    )
    return course_out(course)


@app.route(
    "PATCH",
    "/v1/courses/{id}",
    access=AUTHORS,
    summary="Change a course's details",
    body=CoursePatch,
    response=CourseOut,
)
def update_course(id: str, body: CoursePatch, principal: Principal) -> CourseOut:
    changes = body.changes()
    if body.price is not None:
        changes["price"] = body.price.to_money()
    if body.prices is not None:
        changes["prices"] = [price.to_money() for price in body.prices]
    return course_out(logic.update_course(principal, id, changes))


@app.route(
    "DELETE",
    "/v1/courses/{id}",
    access=AUTHORS,
    summary="Delete a course; one with enrolled learners is archived instead",
    status=204,
)
def delete_course(id: str, principal: Principal) -> None:
    logic.delete_course(principal, id)


@app.route(
    "POST",
    "/v1/courses/{id}/publish",
    access=AUTHORS,
    summary="Publish a course (it needs at least one lesson)",
    response=CourseOut,
    errors=(409,),
)
def publish_course(id: str, principal: Principal) -> CourseOut:
    return course_out(logic.publish_course(principal, id))


@app.route(
    "POST",
    "/v1/courses/{id}/unpublish",
    access=AUTHORS,
    summary="Take a course out of the catalog (back to draft)",
    response=CourseOut,
    errors=(409,),
)
def unpublish_course(id: str, principal: Principal) -> CourseOut:
    return course_out(logic.unpublish_course(principal, id))


@app.route(
    "POST",
    "/v1/courses/{id}/sections",
    access=AUTHORS,
    summary="Add a section (at the end, or at `position`)",
    status=201,
    body=SectionIn,
    response=SectionOut,
    errors=(409,),
)
def add_section(id: str, body: SectionIn, principal: Principal) -> SectionOut:
    section, position = logic.add_section(principal, id, body.title, body.position)
    return section_out(section, position)


@app.route(
    "PATCH",
    "/v1/courses/{id}/sections/{section_id}",
    access=AUTHORS,
    summary="Rename or move a section",
    body=SectionPatch,
    response=SectionOut,
)
def update_section(
    id: str, section_id: str, body: SectionPatch, principal: Principal
) -> SectionOut:
    section, position = logic.update_section(principal, id, section_id, body.changes())
    return section_out(section, position)


@app.route(
    "DELETE",
    "/v1/courses/{id}/sections/{section_id}",
    access=AUTHORS,
    summary="Delete a section and its lessons",
    status=204,
)
def delete_section(id: str, section_id: str, principal: Principal) -> None:
    logic.delete_section(principal, id, section_id)


def _video_spec(video: object) -> VideoSpec | None:
    if video is None:
        return None
    if isinstance(video, UploadVideoIn):
        return VideoSpec(source=video.source, media_id=video.media_id)
    return VideoSpec(source=video.source, url=video.url)  # type: ignore[attr-defined]


def _lesson_out(saved: SavedLesson) -> LessonOut:
    video = saved.body.video
    return LessonOut(
        id=saved.lesson.id,
        course_id=saved.course.id,
        section_id=saved.section.id,
        title=saved.lesson.title,
        type=saved.lesson.type,
        position=saved.position,
        duration_seconds=saved.lesson.duration_seconds,
        preview=saved.lesson.preview,
        unlock_after_days=saved.lesson.unlock_after_days,
        content=saved.body.content,
        video=VideoOut(**video.as_dict()) if video is not None else None,
    )


@app.route(
    "POST",
    "/v1/courses/{id}/lessons",
    access=AUTHORS,
    summary="Add a text or video lesson to a section",
    status=201,
    body=LessonIn,
    response=LessonOut,
    errors=(409,),
)
def add_lesson(id: str, body: LessonIn, principal: Principal) -> LessonOut:
    spec = LessonSpec(
        section_id=body.section_id,
        title=body.title,
        type=body.type,
        content=body.content,
        video=_video_spec(body.video),
        preview=body.preview,
        duration_seconds=body.duration_seconds,
        unlock_after_days=body.unlock_after_days,
        position=body.position,
    )
    return _lesson_out(logic.add_lesson(principal, id, spec))


@app.route(
    "PATCH",
    "/v1/courses/{id}/lessons/{lesson_id}",
    access=AUTHORS,
    summary="Change or move a lesson",
    body=LessonPatch,
    response=LessonOut,
    errors=(409,),
)
def update_lesson(id: str, lesson_id: str, body: LessonPatch, principal: Principal) -> LessonOut:
    changes = body.changes()
    if "video" in changes:
        changes["video"] = _video_spec(body.video)
    return _lesson_out(logic.update_lesson(principal, id, lesson_id, changes))


@app.route(
    "DELETE",
    "/v1/courses/{id}/lessons/{lesson_id}",
    access=AUTHORS,
    summary="Delete a lesson",
    status=204,
)
def delete_lesson(id: str, lesson_id: str, principal: Principal) -> None:
    logic.delete_lesson(principal, id, lesson_id)
