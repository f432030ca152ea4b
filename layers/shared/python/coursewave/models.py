"""The pydantic bases of every API model: requests refuse unknown fields, responses never carry
storage keys. Validators are built on first use, not at import (a function uses a few models per
request; its cold start pays for those only)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """A request body or query: unknown fields are refused (DESIGN.md §2.9)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class Out(BaseModel):
    """A response body."""

    model_config = ConfigDict(defer_build=True)


def _name(value: str) -> str:
    if any(ord(char) < 32 for char in value if char not in "\t\n"):
        raise ValueError("must not contain control characters")
    name = " ".join(value.split())
    if not name:
        raise ValueError("must not be blank")
    return name


# A person's display name (registration, profile): no control characters, spaces collapsed.
Name = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_name)]
