"""Generate the extraction and summarization test documents.

``python tests/data/make_fixtures.py`` rewrites the small committed files in
``tests/data/files``. The large hostile files are only produced at test time (into a temporary
directory) by the ``write_*`` functions below, so the repository stays small.
PDF and DOCX files are written byte by byte here: no document library is needed to make them.

One fixture comes from a third-party tool instead, so that the DOCX reader meets Office XML as
a real word processor writes it: ``textbox_endnote.docx`` is LibreOffice 7.4's conversion of
``textbox_endnote.fodt`` (a text box, a footnote, an endnote, a running header and footer):
``soffice --headless --convert-to docx --outdir tests/data/files tests/data/files/textbox_endnote.fodt``.
The tests that need pandoc or python-docx make their files at test time.
"""

from __future__ import annotations

import codecs
import io
import json
import zipfile
import zlib
from pathlib import Path

FILES = Path(__file__).parent / "files"

SOLAR_ARTICLE = """\
Solar Power in Cities

Photovoltaic panels convert sunlight directly into electricity. A typical silicon solar cell \
reaches an efficiency of about 22.5 percent, while laboratory cells exceed 47 percent. \
Dr. Maria Keller of the U.S. National Renewable Energy Laboratory studies rooftop solar \
installations in dense cities.

Rooftop solar panels reduce the electricity that a building draws from the grid. On a sunny \
day, a 10 kW rooftop system can produce 1,250.5 kWh in a month. Batteries store the surplus \
solar electricity for the evening, when demand peaks. Grid operators worry that many rooftop \
systems feeding power at noon can destabilise the local grid.

The cost of photovoltaic modules fell by roughly 90 percent between 2010 and 2020. Cheaper \
modules made solar power the least expensive source of new electricity in many countries, \
e.g. Spain, India and Chile. Installers now spend more on labour and permits than on the \
panels themselves.

City planners use solar maps to find roofs with good exposure. A solar map combines aerial \
laser scans with weather records to estimate the yearly output of every roof. Owners of \
suitable roofs receive a letter that estimates their savings... Many of them install panels \
within a year.

Critics point out that solar power depends on the weather. "Storage is the missing piece," \
said Keller. Large batteries, pumped hydro and green hydrogen can shift solar electricity \
from day to night. Together with wind power, solar power could cover most of the \
electricity demand of European cities by 2050.
"""

GERMAN = (
    "Die Stadt hat im letzten Jahr mehr Solaranlagen auf den Dächern installiert als je zuvor. "
    "Das ist nicht nur für die Umwelt gut, sondern auch für die Bürger, die sich an den Kosten "
    "beteiligen. Wir werden die Ergebnisse im nächsten Bericht mit den Zahlen vergleichen."
)
FRENCH = (
    "La ville a installé plus de panneaux solaires sur les toits que jamais. Ce n'est pas "
    "seulement bon pour le climat, mais aussi pour les habitants qui participent aux coûts. "
    "Nous allons comparer les résultats dans le prochain rapport avec les chiffres de l'an dernier."
)
SPANISH = (
    "La ciudad ha instalado más paneles solares en los tejados que nunca. No es solo bueno para "
    "el clima, sino también para los vecinos que participan en los costes. Los resultados del "
    "informe se compararán con las cifras del año pasado y con los datos de la región."
)

MARKDOWN = """\
---
author: test
---
# Solar Guide

Solar panels **convert** *sunlight* into `electricity`, see [the guide](https://example.org/g).

## Costs

- Modules got _cheaper_ every year.
- Labour ~~was~~ is the largest cost.

| Item | Share |
|------|------:|
| Modules | 30% |
| Labour | 45% |

```python
print("code stays as text")
```

Setext Heading
--------------

> Quoted storage advice.
"""

HTML = """<!DOCTYPE html>
<html><head><title>Solar &amp; Storage</title>
<style>body { color: red; }</style><script>var tracking = "SCRIPT_NOISE";</script></head>
<body><nav><a href="/">NAV_NOISE Home</a></nav>
<header>HEADER_NOISE banner</header>
<h1>Solar Storage</h1>
<p>Batteries store solar&nbsp;power for the evening.<br>They are cheap now.</p>
<h2>Options</h2><ul><li>Lithium batteries</li><li>Pumped hydro</li></ul>
<table><tr><th>Kind</th><th>Cost</th></tr><tr><td>Lithium</td><td>low</td></tr></table>
<aside>ASIDE_NOISE related links</aside><footer>FOOTER_NOISE (c) 2024</footer>
<noscript>NOSCRIPT_NOISE</noscript></body></html>
"""

CSV_ROWS = [["name", "age", "city"], ["Alice", "31", "Berlin"], ["Bob", "42", "Paris, France"]]

JSON_DOC = {
    "title": "Solar report",
    "items": [{"title": "Hello"}, {"title": "Panels", "watts": 400}, {"note": "line\nbreak"}],
    "meta": {"tags": ["solar", "grid"], "draft": False, "empty": None},
}


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("cp1252") + b")"


def build_pdf(pages: list[list[str]], *, title: str | None = None) -> bytes:
    """A minimal valid PDF: one Helvetica text line per entry; an empty page list entry gives
    a page that only draws a rectangle (no text, like a scanned page)."""
    objects: list[bytes] = []
    page_count = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(page_count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {page_count} >>".encode())
    font_id = 3 + 2 * page_count
    for index, lines in enumerate(pages):
        content = _page_content(lines)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * index} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    info_ref = b""
    if title:
        objects.append(b"<< /Title " + _pdf_string(title) + b" >>")
        info_ref = b" /Info %d 0 R" % len(objects)
    return assemble_pdf(objects, info_ref)


def _page_content(lines: list[str]) -> bytes:
    if not lines:
        return b"0 0 1 rg 100 100 400 400 re f"
    body = [b"BT /F1 12 Tf 14 TL 72 720 Td"]
    for line in lines:
        body.append(_pdf_string(line) + b" Tj T*")
    body.append(b"ET")
    return b"\n".join(body)


def assemble_pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, trailer_extra))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def build_encrypted_pdf(plain: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
# Localised style ids, as a German Word writes them: the names carry the meaning.
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{_W_NS}">'
    '<w:style w:type="paragraph" w:styleId="Titel"><w:name w:val="Title"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="berschrift2"><w:name w:val="heading 2"/></w:style>'
    "</w:styles>"
)


def _docx_paragraph(text: str, style: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return f'<w:p>{props}<w:r><w:t xml:space="preserve">{escaped}</w:t></w:r></w:p>'


def build_docx(paragraphs: list[tuple[str, str | None]] | None = None) -> bytes:
    """The sample report, or a document of the given (text, style id) paragraphs."""
    cells = [["Kind", "Cost"], ["Lithium", "low"]]
    table = (
        "<w:tbl>"
        + "".join(
            "<w:tr>" + "".join(f"<w:tc>{_docx_paragraph(c)}</w:tc>" for c in row) + "</w:tr>"
            for row in cells
        )
        + "</w:tbl>"
    )
    body = "".join(
        [_docx_paragraph(text, style) for text, style in paragraphs]
        if paragraphs is not None
        else [
            _docx_paragraph("Solar Storage Report", "Titel"),
            _docx_paragraph("Introduction", "berschrift1"),
            _docx_paragraph("Batteries store solar power for the evening."),
            _docx_paragraph("Costs", "berschrift2"),
            _docx_paragraph("Prices fell by 90 percent & more."),
            table,
            _docx_paragraph("Outlook", "berschrift1"),
            _docx_paragraph("Storage will grow."),
        ]
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W_NS}">'
        f"<w:body>{body}</w:body></w:document>"
    )
    out = io.BytesIO()
    parts = {
        "[Content_Types].xml": DOCX_CONTENT_TYPES,
        "_rels/.rels": DOCX_RELS,
        "word/document.xml": document,
        "word/styles.xml": _STYLES,
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            # A fixed timestamp keeps regenerated fixtures byte-identical.
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            archive.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_docx_bomb(path: Path, inflated_mib: int = 64) -> None:
    """A DOCX whose document.xml inflates ~1000:1 (honest headers: the ratio check catches it)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<w:document xmlns:w="{_W_NS}"><w:body>'.encode())
            chunk = b" " * (1024 * 1024)
            for _ in range(inflated_mib):
                member.write(chunk)
            member.write(b"</w:body></w:document>")


def write_deep_json(path: Path, depth: int = 100_000) -> None:
    path.write_text("[" * depth + "]" * depth)


def write_huge_json(path: Path, mib: int = 65) -> None:
    record = json.dumps({"title": "x" * 100}).encode() + b","
    with path.open("wb") as out:
        out.write(b"[")
        for _ in range(mib * 1024 * 1024 // len(record) + 1):
            out.write(record)
        out.write(b"{}]")


def write_long_line_csv(path: Path, mib: int = 100) -> None:
    with path.open("wb") as out:
        out.write(b"name,value\n")
        chunk = b"a" * (1024 * 1024)
        for _ in range(mib):
            out.write(chunk)


def write_many_objects_pdf(path: Path, count: int = 150_000) -> None:
    """A PDF whose single page has a content array of ``count`` tiny stream objects."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
    refs = " ".join(f"{5 + i} 0 R" for i in range(count))
    objects.append(
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ["
        + refs.encode()
        + b"] /Resources << /Font << /F1 4 0 R >> >> >>"
    )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    stream = b"BT /F1 12 Tf 72 720 Td (x) Tj ET"
    objects.extend(
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream) for _ in range(count)
    )
    path.write_bytes(assemble_pdf(objects))


def write_flate_bomb_pdf(path: Path, inflated_mib: int = 120) -> None:
    """A one-page PDF whose content stream inflates to hundreds of MiB of spaces."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    packed = b"".join(compressor.compress(chunk) for _ in range(inflated_mib)) + compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
    ]
    path.write_bytes(assemble_pdf(objects))


def write_all(target: Path = FILES) -> None:
    target.mkdir(parents=True, exist_ok=True)
    (target / "solar.txt").write_text(SOLAR_ARTICLE, encoding="utf-8")
    (target / "solar_bom.txt").write_bytes(codecs.BOM_UTF8 + SOLAR_ARTICLE.encode())
    for name, codec, bom in (
        ("le", "utf-16-le", codecs.BOM_UTF16_LE),
        ("be", "utf-16-be", codecs.BOM_UTF16_BE),
    ):
        (target / f"german_utf16{name}.txt").write_bytes(bom + GERMAN.encode(codec))
    legacy = "Preis: 5 \u20ac \u2013 " + GERMAN  # euro sign and en dash exist in cp1252 only
    (target / "german_cp1252.txt").write_bytes(legacy.encode("cp1252"))
    (target / "invalid_utf8.txt").write_bytes(b"valid start \xff\xfe\xc3 broken \x80 end ok")
    (target / "french.txt").write_text(FRENCH, encoding="utf-8")
    (target / "spanish.txt").write_text(SPANISH, encoding="utf-8")
    (target / "guide.md").write_text(MARKDOWN, encoding="utf-8")
    (target / "storage.html").write_text(HTML, encoding="utf-8")
    csv_text = "\r\n".join(",".join(f'"{c}"' if "," in c else c for c in row) for row in CSV_ROWS)
    (target / "people.csv").write_text(csv_text + "\r\n", encoding="utf-8")
    (target / "people_semicolon.csv").write_text(csv_text.replace(",", ";") + "\n")
    (target / "report.json").write_text(json.dumps(JSON_DOC, indent=1), encoding="utf-8")
    paragraphs = [p.replace("\n", " ") for p in SOLAR_ARTICLE.split("\n\n")]
    first_page = [paragraphs[0], *paragraphs[1].split(". ")[:2]]
    pdf = build_pdf([first_page, ["Page two talks about batteries."]], title="Solar PDF")
    (target / "solar.pdf").write_bytes(pdf)
    (target / "encrypted.pdf").write_bytes(build_encrypted_pdf(pdf))
    (target / "image_only.pdf").write_bytes(build_pdf([[], []]))
    (target / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf\n%%EOF\n")
    (target / "storage.docx").write_bytes(build_docx())
    (target / "broken.docx").write_bytes(b"PK\x03\x04 not a real zip archive")


if __name__ == "__main__":
    write_all()
    print(f"wrote fixtures to {FILES}")
