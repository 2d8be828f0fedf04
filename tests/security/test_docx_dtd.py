"""A DOCX part that declares a DTD is refused by the XML parser's settings, wherever it hides.

The former check looked for ``<!DOCTYPE`` in the first 64 KiB of the parts it read: padding,
UTF-16 or a part it never read let entity declarations through to expat, which expanded them
into the document's text (and only expat's amplification limit stopped a billion-laughs file).
"""

from __future__ import annotations

import io
import sys
import time
import zipfile
from pathlib import Path

import pytest

from services.ingest.extraction import ExtractionError, extract_file

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from make_fixtures import _W_NS, build_docx

PADDING = "<!--" + " " * 70_000 + "-->"  # pushes the declaration past the first 64 KiB
ENTITY = '<!DOCTYPE w:document [<!ENTITY injected "INJECTED TEXT">]>'
BODY = (
    f'<w:document xmlns:w="{_W_NS}"><w:body><w:p><w:r><w:t>before &injected; after</w:t>'
    "</w:r></w:p></w:body></w:document>"
)
LAUGHS = (
    '<!DOCTYPE w:document [<!ENTITY a "lol">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]>"
)


def _docx_with(path: Path, parts: dict[str, bytes]) -> Path:
    """The sample DOCX with some parts replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(build_docx()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info))
        for name, data in parts.items():
            target.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("case", "part", "xml"),
    [
        ("padded", "word/document.xml", ('<?xml version="1.0"?>' + PADDING + ENTITY + BODY)),
        ("utf-16", "word/document.xml", ENTITY + BODY),
        ("styles", "word/styles.xml", PADDING + ENTITY + f'<w:styles xmlns:w="{_W_NS}"/>'),
        ("unread part", "customXml/item1.xml", ENTITY + "<w:document/>"),
        ("billion laughs", "word/document.xml", PADDING + LAUGHS + BODY.replace("injected", "j")),
    ],
)
def test_dtd_in_any_xml_part_is_refused(tmp_path: Path, case: str, part: str, xml: str) -> None:
    data = ("\ufeff" + xml).encode("utf-16-le") if case == "utf-16" else xml.encode()
    path = _docx_with(tmp_path / "dtd.docx", {part: data})
    started = time.process_time()
    with pytest.raises(ExtractionError, match=f"DOCX part {part} declares a DTD"):
        extract_file(path, "docx")
    assert time.process_time() - started < 2


def test_the_sample_without_a_dtd_still_reads(tmp_path: Path) -> None:
    path = _docx_with(tmp_path / "plain.docx", {})
    assert "Batteries store solar power for the evening." in extract_file(path, "docx").text
