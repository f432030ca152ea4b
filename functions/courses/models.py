"""Request and response models of the catalog and course routes (never a storage key); the
course shapes the enrollment domain returns too are in ``coursewave.course_views``."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    Field,
    GetJsonSchemaHandler,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from coursewave.course_views import CourseSummaryOut
from coursewave.models import Out, Strict
from coursewave.pagination import PageQuery
from coursewave.patterns import SPACES
from functions.courses import money
from functions.courses.categories import ID_PATTERN, MAX_ID_LENGTH
from functions.courses.domain import Money

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=120)]
ShortTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Subtitle = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)
]
Markdown = Annotated[str, StringConstraints(min_length=1, max_length=100_000)]
TAG_PATTERN = r"^\w[\w .+#-]*$"
Tag = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30, pattern=TAG_PATTERN)
]
Level = Literal["beginner", "intermediate", "advanced"]
Position = Annotated[StrictInt, Field(ge=1, le=1000)]
SectionId = Annotated[str, StringConstraints(pattern=r"^sec_[0-9a-z]{26}$")]
MediaId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._~-]{1,128}$")]
UserId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._~-]{1,128}$")]
HttpsUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=2048, pattern=rf"^https://[^{SPACES}]+$"),
]
MAX_DURATION_SECONDS = 24 * 3600
MAX_UNLOCK_DAYS = 3650


# A category id (GET /v1/categories lists them; admins add more): its form is checked here,
# whether it exists and takes courses by the use case.
CategoryId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]
CategoryName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class PriceIn(Strict):
    amount: Annotated[StrictInt, Field(ge=0)]
    # Documented as the ISO 4217 codes accepted (money.CURRENCY_EXPONENTS), not any 3 letters.
    currency: Annotated[
        str,
        StringConstraints(pattern=r"^[A-Z]{3}$"),
        Field(json_schema_extra={"enum": sorted(money.CURRENCY_EXPONENTS)}),
    ]

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if not money.is_currency(value):
            raise ValueError("not an ISO 4217 currency code")
        return value

    @model_validator(mode="after")
    def _sane_amount(self) -> PriceIn:
        if money.is_currency(self.currency) and self.amount > money.max_amount(self.currency):
            raise ValueError(f"amount above {money.max_amount(self.currency)} for {self.currency}")
        return self

    def to_money(self) -> Money:
        return Money(self.amount, self.currency)


class CourseIn(Strict):
    title: Title
    subtitle: Subtitle | None = None
    description: Description
    category: CategoryId
    level: Level
    tags: Annotated[list[Tag], Field(max_length=10)] = []
    price: PriceIn
    prices: Annotated[list[PriceIn], Field(max_length=10)] = []


class NotNullable(Strict):
    """A PATCH body: fields are optional, at least one is sent, and ``null`` only clears the
    fields that may be empty."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The document says what the validator does: ``null`` only where it clears a field
        (the Python defaults of ``None`` mean "not sent", not a value to send)."""
        json_schema = handler(core_schema)
        target = handler.resolve_ref_schema(json_schema)
        for name, prop in target.get("properties", {}).items():
            if name in cls.NULLABLE:
                continue
            prop.pop("default", None)
            options = [o for o in prop.get("anyOf", []) if o.get("type") != "null"]
            if "anyOf" in prop and len(options) == 1:
                del prop["anyOf"]
                prop.update(options[0])
            elif "anyOf" in prop:
                prop["anyOf"] = options
        return json_schema

    @model_validator(mode="after")
    def _something_and_no_bad_nulls(self) -> NotNullable:
        if not self.model_fields_set:
            raise ValueError("send at least one field to change")
        for name in self.model_fields_set - self.NULLABLE:
            if getattr(self, name) is None:
                raise ValueError(f"{name} may not be null")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class CoursePatch(NotNullable):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"subtitle", "thumbnail_url"})

    title: Title | None = None
    subtitle: Subtitle | None = None
    description: Description | None = None
    category: CategoryId | None = None
    level: Level | None = None
    tags: Annotated[list[Tag], Field(max_length=10)] | None = None
    price: PriceIn | None = None
    prices: Annotated[list[PriceIn], Field(max_length=10)] | None = None
    thumbnail_url: HttpsUrl | None = None


class SectionIn(Strict):
    title: ShortTitle
    position: Position | None = None


class SectionPatch(NotNullable):
    title: ShortTitle | None = None
    position: Position | None = None


class UploadVideoIn(Strict):
    source: Literal["upload"]
    media_id: MediaId


class ExternalVideoIn(Strict):
    source: Literal["youtube", "dailymotion"]
    url: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2048)]


VideoIn = Annotated[UploadVideoIn | ExternalVideoIn, Field(discriminator="source")]
Duration = Annotated[StrictInt, Field(ge=0, le=MAX_DURATION_SECONDS)]
UnlockDays = Annotated[StrictInt, Field(ge=0, le=MAX_UNLOCK_DAYS)]


class LessonIn(Strict):
    section_id: SectionId
    title: ShortTitle
    type: Literal["video", "text"]
    content: Markdown | None = None
    video: VideoIn | None = None
    preview: StrictBool = False
    duration_seconds: Duration | None = None
    unlock_after_days: UnlockDays | None = None
    position: Position | None = None


class LessonPatch(NotNullable):
    NULLABLE: ClassVar[frozenset[str]] = frozenset(
        {"content", "video", "duration_seconds", "unlock_after_days"}
    )

    section_id: SectionId | None = None
    title: ShortTitle | None = None
    type: Literal["video", "text"] | None = None
    content: Markdown | None = None
    video: VideoIn | None = None
    preview: StrictBool | None = None
    duration_seconds: Duration | None = None
    unlock_after_days: UnlockDays | None = None
    position: Position | None = None


class CatalogQuery(PageQuery):
    q: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    category: CategoryId | None = None
    level: Level | None = None
    price: Literal["free", "paid"] | None = None
    instructor_id: UserId | None = None
    sort: Literal["newest", "popular", "rating"] = "newest"


# -- responses ---------------------------------------------------------------------------------


class CoursePage(Out):
    items: list[CourseSummaryOut]
    next_cursor: str | None


class CategoryIn(Strict):
    id: Annotated[
        str, StringConstraints(pattern=ID_PATTERN, min_length=2, max_length=MAX_ID_LENGTH)
    ]
    name: CategoryName


class CategoryPatch(NotNullable):
    name: CategoryName | None = None
    archived: StrictBool | None = None


class CategoryOut(Out):
    id: str
    name: str
    course_count: int
    archived: bool = Field(description="takes no new courses; stays on those that use it")


class CategoryList(Out):
    items: list[CategoryOut]
