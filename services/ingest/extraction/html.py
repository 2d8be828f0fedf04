"""HTML to plain text with lexbor (through selectolax), a complete HTML5 parser in C.

The tree is parsed as a browser would, then cleaned of what is not the author's text:
scripts, styles, forms' controls and embedded objects; navigation; hidden elements; and the
page's own banner, footer and sidebars. A ``header``, ``footer`` or ``aside`` belongs to the
page only when no ``article``, ``main``, ``section``, ``aside`` or ``nav`` encloses it (the
rule HTML gives for the banner, contentinfo and complementary landmarks; an ``aside`` in
``main`` is still the page's); inside an article it is the
article's own (title, byline, notes) and is kept. A page-level header whose heading is the
document's title is a title block (as pandoc and many static sites write it) and is kept too.
The document's title is ``<title>``, else ``og:title``, else the first ``h1``.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .builder import TextBuilder
from .html_depth import MAX_DEPTH, flatten_deep_nesting
from .html_text import TreeText

_NOT_TEXT = (
    "script style noscript template svg math iframe object embed canvas audio video "
    "select button input textarea nav".split()
)
_HIDDEN = ", ".join(
    (
        "[hidden]",
        '[aria-hidden="true"]',
        *(
            f'[role="{role}"]'
            for role in ("navigation", "banner", "contentinfo", "search", "menubar", "toolbar")
        ),
    )
)
_PAGE_CHROME = "header, footer, aside"
_SECTIONING = frozenset(("article", "main", "section", "aside", "nav"))
_ASIDE_SCOPES = _SECTIONING - {"main"}


def extract_html(source: str) -> TextBuilder:
    source, flattened = flatten_deep_nesting(source)
    tree = LexborHTMLParser(source)
    title = _document_title(tree)
    _clean(tree, title)
    builder = TextBuilder()
    if flattened:
        builder.notes.append(f"HTML blocks nested deeper than {MAX_DEPTH} levels were flattened")
    if tree.body is not None:
        TreeText(builder).walk(tree.body)
    if title:
        builder.title = title
    return builder


def html_fragment_text(fragment: str) -> str:
    """The text of an HTML fragment (e.g. raw HTML inside Markdown), blocks on their own lines."""
    tree = LexborHTMLParser(flatten_deep_nesting(fragment)[0])
    _clean(tree)
    builder = TextBuilder()
    if tree.body is not None:
        TreeText(builder).walk(tree.body)
    return builder.text()


def _document_title(tree: LexborHTMLParser) -> str | None:
    title = tree.css_first("head > title") or tree.css_first("title")
    text = title.text() if title is not None else ""
    if not text.strip():
        meta = tree.css_first('meta[property="og:title"]')
        text = (meta.attributes.get("content") or "") if meta is not None else ""
    return " ".join(text.split())[:300] or None


def _clean(tree: LexborHTMLParser, title: str | None = None) -> None:
    tree.strip_tags(_NOT_TEXT)
    root = tree.root
    if root is None:
        return
    doomed = list(root.css(_HIDDEN))
    doomed += [
        node
        for node in root.css(_PAGE_CHROME)
        if not _inside_sectioning(node, _SECTIONING if node.tag != "aside" else _ASIDE_SCOPES)
        and not _is_title_block(node, title)
    ]
    # Removing a node frees its subtree: remove only the outermost of nested matches.
    ids = {node.mem_id for node in doomed}
    for node in doomed:
        if not any(ancestor.mem_id in ids for ancestor in _ancestors(node)):
            node.decompose()


def _is_title_block(node: LexborNode, title: str | None) -> bool:
    if node.tag != "header" or not title:
        return False
    return any(" ".join(h.text().split()) == title for h in node.css("h1, h2, h3, h4, h5, h6"))


def _ancestors(node: LexborNode) -> list[LexborNode]:
    found = []
    parent = node.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found


def _inside_sectioning(node: LexborNode, scopes: frozenset[str]) -> bool:
    return any(ancestor.tag in scopes for ancestor in _ancestors(node))
