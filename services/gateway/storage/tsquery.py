"""The search box's little language, translated into a PostgreSQL ``tsquery`` text.

    rivers valley        both words (AND)
    rivers OR lakes      either
    -mountain            not this word
    "carry water"        the words in this order (phrase)
    hydro*               words starting with "hydro" (prefix)

Every lexeme is quoted, so no input can inject tsquery operators; anything that does not
parse raises ``InvalidQuery`` (a 400 for the client, never a 500).
"""

from __future__ import annotations

import re

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD_PART = re.compile(r"[\w]+", re.UNICODE)


class InvalidQuery(ValueError):
    """The query is not valid search syntax; the message says why."""


def _lexemes(word: str) -> list[str]:
    return [part.lower() for part in _WORD_PART.findall(word)]


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "''").replace("\\", "\\\\") + "'"


def _phrase(lexemes: list[str], prefix: bool = False) -> str:
    quoted = [_quote(x) for x in lexemes]
    if prefix:
        quoted[-1] += ":*"
    return quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")"


def to_tsquery_text(query: str) -> str:
    query = query.strip()
    if not query:
        raise InvalidQuery("the query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidQuery(f"the query is longer than {MAX_QUERY_CHARS} characters")
    if query.count('"') % 2:
        raise InvalidQuery("a phrase is missing its closing quote")
    groups: list[list[str]] = [[]]  # OR of ANDs
    pending_or = False
    positives = 0
    for match in _TOKEN.finditer(query):
        phrase, word = match.group(1), match.group(2)
        if word == "OR":
            if not groups[-1] or pending_or:
                raise InvalidQuery("OR must stand between two terms")
            pending_or = True
            continue
        negate = word is not None and word.startswith("-") and len(word) > 1
        text = phrase if phrase is not None else word.lstrip("-") if negate else word
        prefix = phrase is None and text.endswith("*")
        lexemes = _lexemes(text.rstrip("*") if prefix else text)
        if not lexemes:
            continue  # punctuation only: nothing to search for
        term = _phrase(lexemes, prefix)
        if pending_or:
            groups.append([])
            pending_or = False
        groups[-1].append("!" + term if negate else term)
        positives += 0 if negate else 1
    if pending_or:
        raise InvalidQuery("OR must stand between two terms")
    terms = sum(len(g) for g in groups)
    if terms == 0:
        raise InvalidQuery("the query has no words to search for")
    if terms > MAX_TERMS:
        raise InvalidQuery(f"the query has more than {MAX_TERMS} terms")
    if positives == 0:
        raise InvalidQuery("the query needs at least one word that is not excluded")
    return " | ".join("(" + " & ".join(g) + ")" for g in groups if g)
