"""The partner API's JSON, read within limits: a body larger than
settings.INTAKE_API_MAX_BODY_BYTES or nested deeper than settings.INTAKE_API_MAX_JSON_DEPTH is
refused before the parser sees it (Python's parser recurses, and 5,000 levels ran it out of
stack: a 500 instead of a 400)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# A JSON string, escapes included (unrolled, so that it runs in linear time), and what is left
# of the text once strings are gone: only brackets can nest.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(rb"[^\[\]{}]+")


class BodyOverLimit(ParseError):
    """A body refused for one of the limits, before parsing: which, its value and the figure."""

    def __init__(self, detail: str, *, limit_name: str, limit: int, figure: int) -> None:
        super().__init__(detail)
        self.limit_name, self.limit, self.figure = limit_name, limit, figure


def nesting_depth(data: bytes, *, stop_above: int) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings do not
    count), without recursion; counting stops at the first level above `stop_above`."""
    brackets = _NOT_A_BRACKET.sub(b"", _STRING.sub(b"", data))
    depth = deepest = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_above:
                    break
        else:
            depth -= 1
    return deepest


def check_body(data: bytes) -> None:
    """Raise BodyOverLimit when the body is over a limit."""
    max_bytes: int = settings.INTAKE_API_MAX_BODY_BYTES
    if len(data) > max_bytes:
        raise over_size(len(data))
    max_depth: int = settings.INTAKE_API_MAX_JSON_DEPTH
    depth = nesting_depth(data, stop_above=max_depth)
    if depth > max_depth:
        raise BodyOverLimit(
            f"The JSON nests more than {max_depth} levels deep (it reaches at least {depth}); "
            f"the limit is SAFEPASSAGE_API_MAX_JSON_DEPTH={max_depth}. Send the households as "
            "documented: an object, its members in a list of objects.",
            limit_name="SAFEPASSAGE_API_MAX_JSON_DEPTH", limit=max_depth, figure=depth)


def over_size(size: int) -> BodyOverLimit:
    max_bytes: int = settings.INTAKE_API_MAX_BODY_BYTES
    return BodyOverLimit(
        f"The body has {size} bytes; the limit is SAFEPASSAGE_API_MAX_BODY_BYTES={max_bytes}. "
        "Send fewer households in each request.",
        limit_name="SAFEPASSAGE_API_MAX_BODY_BYTES", limit=max_bytes, figure=size)


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser behind check_body."""

    def parse(self, stream: IO[Any] | None, media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> Any:
        if stream is None:
            raise ParseError("The body is empty: send the households as JSON.")
        data = stream.read(settings.INTAKE_API_MAX_BODY_BYTES + 1)
        check_body(data)
        try:
            return super().parse(io.BytesIO(data), media_type, parser_context)
        except RecursionError:  # the depth limit set above what this stack holds
            raise ParseError("The JSON nests too deep to be read.") from None
