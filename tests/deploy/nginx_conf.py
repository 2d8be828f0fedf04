"""A small reader for nginx configuration: enough structure to check inheritance rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""\#[^\n]*             # comment
      | "(?:\\.|[^"\\])*"   # double-quoted string
      | '(?:\\.|[^'\\])*'   # single-quoted string
      | [{};]
      | [^\s{};"'#]+        # bare word
    """,
    re.VERBOSE,
)


@dataclass
class Directive:
    name: str
    args: list[str]
    children: list[Directive] | None = None
    parents: tuple[str, ...] = field(default=())

    def child_directives(self, name: str) -> list[Directive]:
        return [child for child in self.children or [] if child.name == name]

    def value(self, name: str) -> str | None:
        """The first argument of a direct child directive, or None."""
        found = self.child_directives(name)
        return found[0].args[0] if found else None


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'":
        return token[1:-1]
    return token


def parse(text: str) -> list[Directive]:
    tokens = [t for t in _TOKEN.findall(text) if not t.startswith("#")]
    position = 0

    def block(parents: tuple[str, ...]) -> list[Directive]:
        nonlocal position
        directives: list[Directive] = []
        words: list[str] = []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == ";":
                directives.append(Directive(words[0], words[1:], None, parents))
                words = []
            elif token == "{":
                name = words[0]
                directive = Directive(name, words[1:], [], parents)
                directive.children = block((*parents, name))
                directives.append(directive)
                words = []
            elif token == "}":
                if words:
                    raise ValueError(f"directive {words!r} is missing its ';'")
                return directives
            else:
                words.append(_unquote(token))
        if words or parents:
            raise ValueError("unexpected end of configuration")
        return directives

    return block(())


def walk(directives: list[Directive]) -> Iterator[Directive]:
    for directive in directives:
        yield directive
        if directive.children:
            yield from walk(directive.children)


def blocks_named(directives: list[Directive], name: str) -> list[Directive]:
    return [d for d in walk(directives) if d.name == name and d.children is not None]
