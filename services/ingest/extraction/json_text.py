"""JSON to text lines ``key.path[3].name: value``, streamed with an explicit stack.

The file is tokenised chunk by chunk and never materialised as Python objects, so memory
stays bounded by the longest token and by the output cap, and nesting depth is a counter
checked against ``MAX_JSON_DEPTH`` instead of a recursion that could crash the process.
String and number values are emitted; null and booleans carry too little text to matter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TextIO

from .builder import TextBuilder
from .encoding import open_text_stream
from .limits import MAX_JSON_DEPTH, MAX_JSON_TOKEN_CHARS, MAX_TEXT_CHARS
from .model import ExtractionError

# Possessive quantifiers: a string cut off by the end of the buffer fails after one forward
# scan instead of backing off character by character.
_TOKEN = re.compile(
    r'[ \t\r\n]*+(?:([{}\[\],:])|("[^"\\]*+(?:\\.[^"\\]*+)*+")'
    r"|(-?(?:0|[1-9]\d*+)(?:\.\d++)?(?:[eE][+-]?\d++)?|true|false|null))"
)
_CHUNK_CHARS = 1024 * 1024
_TITLE_KEYS = ("title", "name", "headline", "subject")


class _Tokens:
    """Yields (kind, text, offset) with kind in {"punct", "string", "literal"}."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._buffer = ""
        self._pos = 0
        self._consumed = 0  # characters dropped from the front of the buffer so far
        self._eof = False

    def next(self) -> tuple[str, str, int] | None:
        while True:
            match = _TOKEN.match(self._buffer, self._pos)
            # A token touching the buffer's end might continue in the next chunk.
            if match and (match.end() < len(self._buffer) or self._eof):
                if match.end() - match.start() > MAX_JSON_TOKEN_CHARS:
                    raise self._too_long()
                self._pos = match.end()
                offset = self._consumed + match.start(match.lastindex or 0)
                kind = ("punct", "string", "literal")[(match.lastindex or 1) - 1]
                return kind, match.group(match.lastindex or 0), offset
            if self._eof:
                if self._buffer[self._pos :].strip(" \t\r\n"):
                    raise ExtractionError(f"malformed JSON at character {self._where()}")
                return None
            if len(self._buffer) - self._pos > MAX_JSON_TOKEN_CHARS:
                raise self._too_long()
            self._refill()

    def _too_long(self) -> ExtractionError:
        return ExtractionError(
            f"JSON value longer than {MAX_JSON_TOKEN_CHARS // (1024 * 1024)} MiB"
        )

    def _where(self) -> int:
        return self._consumed + self._pos

    def _refill(self) -> None:
        # Read at least as much as is pending: a long token is then rescanned a logarithmic
        # number of times, and the total work stays linear in its length.
        chunk = self._stream.read(max(_CHUNK_CHARS, len(self._buffer) - self._pos))
        self._consumed += self._pos
        self._buffer = self._buffer[self._pos :] + chunk
        self._pos = 0
        self._eof = not chunk


class _Frame:
    __slots__ = ("index", "is_object", "key", "path")

    def __init__(self, is_object: bool, path: str) -> None:
        self.is_object = is_object
        self.path = path
        self.key: str | None = None
        self.index = 0

    def child_path(self) -> str:
        if self.is_object:
            return f"{self.path}.{self.key}" if self.path else str(self.key)
        return f"{self.path}[{self.index}]"


def _decode_string(token: str) -> str:
    return json.loads(token) if "\\" in token else token[1:-1]


def extract_json(path: Path) -> TextBuilder:
    builder = TextBuilder()
    with open_text_stream(path) as stream:
        _walk(_Tokens(stream), builder)
    return builder


def _walk(tokens: _Tokens, builder: TextBuilder) -> None:
    stack: list[_Frame] = []
    expect = "value"  # value | value_or_end | key | key_or_end | colon | comma_or_end
    seen_root = False
    while (token := tokens.next()) is not None:
        kind, text, offset = token
        frame = stack[-1] if stack else None

        def bad() -> ExtractionError:
            return ExtractionError(f"malformed JSON at character {offset}")  # noqa: B023

        if expect in ("key", "key_or_end") and frame is not None:
            if kind == "string":
                frame.key = _decode_string(text)
                expect = "colon"
            elif text == "}" and expect == "key_or_end":
                stack.pop()
                expect = "comma_or_end"
            else:
                raise bad()
            continue
        if expect == "colon":
            if text != ":":
                raise bad()
            expect = "value"
            continue
        if expect == "comma_or_end":
            if frame is None:
                raise bad()
            if text == ",":
                if not frame.is_object:
                    frame.index += 1
                expect = "key" if frame.is_object else "value"
            elif text == ("}" if frame.is_object else "]"):
                stack.pop()
            else:
                raise bad()
            continue
        # expect is "value" or "value_or_end"
        if seen_root and frame is None:
            raise bad()
        if text == "]" and expect == "value_or_end" and frame is not None:
            stack.pop()
            expect = "comma_or_end"
            continue
        value_path = frame.child_path() if frame is not None else ""
        seen_root = True
        if text in ("{", "["):
            if len(stack) >= MAX_JSON_DEPTH:
                raise ExtractionError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
            stack.append(_Frame(text == "{", value_path))
            expect = "key_or_end" if text == "{" else "value_or_end"
            continue
        if kind == "punct":
            raise bad()
        if kind == "string" or text not in ("true", "false", "null"):
            value = _decode_string(text) if kind == "string" else text
            _emit(builder, value_path, value, depth=len(stack))
            if builder.length > MAX_TEXT_CHARS:
                builder.truncated = True
                builder.notes.append(
                    f"JSON text capped at {MAX_TEXT_CHARS} characters; the rest was not read"
                )
                return
        expect = "comma_or_end"
    if stack or not seen_root:
        raise ExtractionError("malformed JSON: unexpected end of input")


def _emit(builder: TextBuilder, path: str, value: str, depth: int) -> None:
    if not value.strip():
        return
    builder.add_block(f"{path}: {value}" if path else value)
    if builder.title is None and depth == 1 and path in _TITLE_KEYS:
        builder.title = value.strip()[:300]
