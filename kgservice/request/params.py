"""Reading a request: its parameters (query string, form body) and its body, under one size cap.

Every route reads through these, so ``settings.max_request_bytes`` holds everywhere (a query string,
a form, a query or update body, a Graph Store upload): past it the answer is 413
(``payload_too_large``) as soon as the cap is passed, before the rest is read.

- ``url_params(request)``: the query string as ``(name, value)`` pairs, in order, repeats kept.
- ``read_body(request)``: the body as bytes.
- ``read_text(request, what)``: the body as text; it must be UTF-8 (the SPARQL Protocol's only
  encoding): a declared ``charset`` other than UTF-8 is a 415, undecodable bytes a 400.
- ``read_form(request)``: a POST's ``application/x-www-form-urlencoded`` fields (a POST of another
  content type is a 415; a POST with neither body nor content type, none); a GET gives none.
- ``request_params(request)``: the query string and, for a form POST, the form fields after it.
- ``values(params, name)``: the values of one parameter.
"""

from __future__ import annotations
from urllib.parse import parse_qsl
from fastapi import Request
from kgservice.request.errors import ServiceError

Params = list[tuple[str, str]]
FORM = "application/x-www-form-urlencoded"


def _limit(request: Request) -> int:
    return request.app.state.settings.max_request_bytes


def parse_form(text: str) -> Params:
    """``a=1&b=2`` as pairs; blank values kept (an empty form field is a given, empty value)."""
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise ServiceError("bad_request", f"malformed form or query string: {exc}") from None


def url_params(request: Request) -> Params:
    raw = request.url.query
    if len(raw.encode()) > _limit(request):
        raise ServiceError("payload_too_large", f"the query string exceeds {_limit(request)} bytes")
    return parse_form(raw)


async def read_body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it passes ``max_request_bytes``."""
    limit = _limit(request)
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            too_long = int(declared) > limit
        except ValueError:
            raise ServiceError("bad_request", f"malformed Content-Length {declared!r}") from None
        if too_long:
            raise ServiceError("payload_too_large", f"the request body exceeds {limit} bytes")
    size, chunks = 0, []
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ServiceError("payload_too_large", f"the request body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def media_type_of(request: Request) -> str:
    """The Content-Type's media type, lower-cased, without parameters ('' when absent)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def charset_of(request: Request) -> str | None:
    for param in request.headers.get("content-type", "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ServiceError("bad_request", f"the {what} is not UTF-8: {exc}") from None


async def read_text(request: Request, what: str) -> str:
    charset = charset_of(request)
    if charset not in (None, "utf-8", "utf8"):
        raise ServiceError("unsupported_media_type", f"the {what} must be UTF-8, not charset={charset}")
    return decode(await read_body(request), what)


async def read_form(request: Request) -> Params:
    if request.method != "POST":
        return []
    ctype = media_type_of(request)
    if not ctype and not await read_body(request):
        return []  # a bare POST: the parameters are all in the query string
    if ctype != FORM:
        raise ServiceError("unsupported_media_type",
                           f"unsupported Content-Type {ctype or '(none)'!r}: send the parameters as {FORM}")
    return parse_form(await read_text(request, "form body"))


async def request_params(request: Request) -> Params:
    return url_params(request) + await read_form(request)


def values(params: Params, name: str) -> list[str]:
    return [v for k, v in params if k == name]
