"""How deep a JSON text nests, checked before it is parsed.

``json.loads`` recurses once per nesting level: ``[[[[…]]]]`` a few thousand deep raises
``RecursionError`` (a 500, and in a thread with a small stack worse), long before any model sees
it. No request of ours nests more than a few levels, so anything deeper than ``MAX_JSON_DEPTH``
is refused unparsed.

The scan runs at C speed (about 70 ms for a 1 MB body of brackets, nothing for a body with fewer
brackets than the limit): escaped backslashes, then escaped quotes are dropped, the remaining
quotes split the text into strings and structure, and the depth is the running sum of +1 for
each opening and -1 for each closing bracket outside strings. Up to the first character that
makes a text invalid JSON, this reads it exactly as the parser does, so the parser never goes
deeper than the scan says.
"""

from __future__ import annotations

from itertools import accumulate

MAX_JSON_DEPTH = 64
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


def nests_deeper_than(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the arrays and objects of ``raw`` nest more than ``limit`` levels (brackets
    inside strings do not count)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    unescaped = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = b"".join(unescaped.split(b'"')[::2])  # the pieces between strings
    return max(accumulate(map(_STEP.__getitem__, structure)), default=0) > limit
