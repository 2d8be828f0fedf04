"""Streaming CSV structure check: every record has the header's field count, fields stay sane.

The scan works on raw bytes, which is safe for UTF-8 and 8-bit text because quote, delimiter and
newline are ASCII and never occur inside a multi-byte character. Quoted sections are removed by
splitting on ``"`` (RFC 4180: each quote toggles the quoted state, ``""`` toggles twice), then
records are the newline-separated rest. A block of records is proven consistent without a Python
object per record: deleting every byte but delimiters and newlines must leave exactly
``(delimiter * (columns - 1) + newline) * records``. Only a block that fails this goes through the
per-record path, to find (or forgive: blank lines) the culprit. Per-byte Python loops are avoided:
this sits on the upload path for files of up to 100 MB.
"""

from __future__ import annotations

from itertools import repeat

from services.gateway.intake.refusals import InvalidContent

CANDIDATE_DELIMITERS = (b",", b";", b"\t", b"|")
# Python's csv module refuses fields above 131072 characters by default; extraction uses it.
DEFAULT_MAX_FIELD_BYTES = 131_072
DEFAULT_MAX_RECORD_BYTES = 4 * 1024 * 1024
# Chunks are scanned in slices no longer than this: a record inside one slice is then known to
# be shorter than the field limit without measuring it.
SLICE_BYTES = 64 * 1024


def _outside_quotes(segments: list[bytes], in_quotes: bool) -> tuple[list[bytes], list[bytes]]:
    """Split ``chunk.split(b'"')`` into (outside, inside) pieces given the state at its start."""
    if in_quotes:
        return segments[1::2], segments[0::2]
    return segments[0::2], segments[1::2]


class CsvCheck:
    def __init__(
        self,
        *,
        max_field_bytes: int = DEFAULT_MAX_FIELD_BYTES,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    ) -> None:
        self.delimiter: bytes | None = None
        self.columns: int | None = None
        self.records = 0  # complete records seen, blank lines included (for error positions)
        self._max_field = max_field_bytes
        self._max_record = max_record_bytes
        self._header = bytearray()  # raw bytes held back until the delimiter is known
        self._in_quotes = False
        self._quoted_run = 0  # length of a quoted section still open at the chunk edge
        self._partial: list[bytes] = []  # outside-quote text of the record open at the chunk edge
        self._partial_len = 0
        self._slice = min(SLICE_BYTES, max_field_bytes)
        self._all_but_separators = b""  # bytes to delete to leave delimiters and newlines

    def feed(self, chunk: bytes) -> None:
        if self.delimiter is not None:
            if len(chunk) <= self._slice:
                self._scan(chunk)
            else:
                for start in range(0, len(chunk), self._slice):
                    self._scan(chunk[start : start + self._slice])
            return
        self._header += chunk
        if b"\n" in chunk:
            self._maybe_start()
        if self.delimiter is None and len(self._header) > self._max_record:
            raise InvalidContent(f"the first CSV row is longer than {self._max_record} bytes")

    def finish(self) -> None:
        if self.delimiter is None:
            self._start(bytes(self._header))
        if self._in_quotes:
            raise InvalidContent("a quoted CSV field is never closed", record=self.records + 1)
        last = b"".join(self._partial)
        if last.strip():
            self._check_records([last], self.records)
        if self.columns is None:
            raise InvalidContent("the CSV file has no rows")

    def close(self) -> None:
        return None

    def _maybe_start(self) -> None:
        header = bytes(self._header)
        outside, _ = _outside_quotes(header.split(b'"'), in_quotes=False)
        if b"\n" in b"".join(outside):
            self._start(header)

    def _start(self, held_back: bytes) -> None:
        outside, _ = _outside_quotes(held_back.split(b'"'), in_quotes=False)
        first_row = b"".join(outside).split(b"\n", 1)[0]
        best = max(CANDIDATE_DELIMITERS, key=first_row.count)
        self.delimiter = best if first_row.count(best) else b","
        kept = {self.delimiter[0], ord("\n")}
        self._all_but_separators = bytes(b for b in range(256) if b not in kept)
        self._header = bytearray()
        self.feed(held_back)

    def _scan(self, chunk: bytes) -> None:
        segments = chunk.split(b'"')
        outside, inside = _outside_quotes(segments, self._in_quotes)
        self._check_quoted(segments, inside)
        text = b"".join(outside)
        first_end = text.find(b"\n")
        if first_end < 0:
            self._partial.append(text)
            self._partial_len += len(text)
        else:
            self._partial.append(text[:first_end])
            first = b"".join(self._partial)
            last_end = text.rfind(b"\n")
            self._partial = [text[last_end + 1 :]]
            self._partial_len = len(text) - last_end - 1
            self._check_records([first], self.records)
            if last_end > first_end:
                self._check_block(text, first_end + 1, last_end)
        if self._partial_len > self._max_record:
            raise InvalidContent(
                f"CSV record {self.records + 1} is longer than {self._max_record} bytes",
                record=self.records + 1,
            )

    def _check_quoted(self, segments: list[bytes], inside: list[bytes]) -> None:
        was_in_quotes = self._in_quotes
        if len(segments) == 1:
            longest = self._quoted_run + len(segments[0]) if was_in_quotes else 0
        else:
            longest = max(map(len, inside), default=0)
            if was_in_quotes:
                longest = max(longest, self._quoted_run + len(segments[0]))
            self._in_quotes = was_in_quotes ^ bool((len(segments) - 1) & 1)
        if longest > self._max_field:
            raise InvalidContent(
                f"a quoted CSV field near record {self.records + 1} is longer than "
                f"{self._max_field} bytes",
                record=self.records + 1,
            )
        if self._in_quotes:
            self._quoted_run = longest if len(segments) == 1 else len(segments[-1])
        else:
            self._quoted_run = 0

    def _check_block(self, text: bytes, start: int, end: int) -> None:
        """Records ``text[start:end]`` (newline-separated, all shorter than the field limit)."""
        separators = text.translate(None, self._all_but_separators)
        block = separators[separators.find(b"\n") + 1 : separators.rfind(b"\n") + 1]
        count = block.count(b"\n")
        if self.columns is not None and self.delimiter is not None:
            if block == (self.delimiter * (self.columns - 1) + b"\n") * count:
                self.records += count
                return
        self._check_records(text[start:end].split(b"\n"), self.records)

    def _check_records(self, records: list[bytes], first_index: int) -> None:
        delimiter = self.delimiter
        assert delimiter is not None
        counts = set(map(bytes.count, records, repeat(delimiter)))
        longest = max(map(len, records))
        if self.columns is None and len(counts) == 1 and records[0].strip():
            self.columns = counts.pop() + 1
            counts = {self.columns - 1}
        if self.columns is not None and counts == {self.columns - 1} and longest <= self._max_field:
            self.records += len(records)
            return
        self._check_one_by_one(records, first_index, delimiter)

    def _check_one_by_one(self, records: list[bytes], first_index: int, delimiter: bytes) -> None:
        """The slow path: find the offending record, tolerating blank lines."""
        for position, record in enumerate(records, start=first_index + 1):
            if not record.strip():
                continue
            fields = record.count(delimiter) + 1
            if self.columns is None:
                self.columns = fields
            elif fields != self.columns:
                raise InvalidContent(
                    f"CSV record {position} has {fields} fields, expected {self.columns}",
                    record=position,
                )
            if len(record) > self._max_field and max(map(len, record.split(delimiter))) > (
                self._max_field
            ):
                raise InvalidContent(
                    f"a field of CSV record {position} is longer than {self._max_field} bytes",
                    record=position,
                )
        self.records += len(records)
