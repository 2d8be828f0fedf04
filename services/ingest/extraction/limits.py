"""Hard limits that keep one hostile document from exhausting a worker.

Each limit fails the document with a clear reason (or truncates, where a partial result is
still useful and the note says so). The process-level wall-clock and memory limits in
``isolation`` are the backstop for anything these checks do not foresee.
"""

MIB = 1024 * 1024

# Largest file accepted per kind, checked with stat() before reading a byte.
MAX_FILE_BYTES = {
    "txt": 64 * MIB,
    "md": 64 * MIB,
    "html": 64 * MIB,
    "csv": 256 * MIB,
    "json": 64 * MIB,
    "pdf": 128 * MIB,
    "docx": 64 * MIB,
}

# Extracted text beyond this is cut off (truncated=True plus a note).
MAX_TEXT_CHARS = 10_000_000

# CSV: one physical line or one field above this fails the document.
MAX_CSV_LINE_CHARS = 1 * MIB
# CSV sampling: the first rows are kept verbatim, the rest is a uniform reservoir sample.
CSV_HEAD_ROWS = 2_000
CSV_SAMPLE_ROWS = 2_000

# JSON: nesting deeper than this fails; one scalar token longer than this fails.
MAX_JSON_DEPTH = 256
MAX_JSON_TOKEN_CHARS = 8 * MIB

# PDF: pages beyond this are not read (truncated=True).
MAX_PDF_PAGES = 2_000

# DOCX (a zip): refuse members that inflate beyond these before inflating anything.
MAX_DOCX_MEMBER_BYTES = 128 * MIB
MAX_DOCX_TOTAL_BYTES = 256 * MIB
MAX_DOCX_RATIO = 200
MAX_DOCX_MEMBERS = 10_000
