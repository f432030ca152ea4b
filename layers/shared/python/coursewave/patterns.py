"""Character classes spelled out, for the patterns the OpenAPI document states.

``\\s``, ``\\d`` and ``\\w`` name different sets in JSON Schema's ECMA-262 (what clients and the
fuzzer read), Python's ``re`` and pydantic's Rust regex: U+0085 is a space to Python and Rust but
not to ECMA, U+FEFF the other way round, Arabic-Indic digits are ``\\d`` to Python only. A
documented pattern built from these classes means the same set in all three.
"""

from __future__ import annotations

# Every character any of the three calls a space: Python's str.isspace() set plus U+FEFF.
SPACES = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
DIGITS = "0-9"
