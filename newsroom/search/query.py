"""The search query language: parsed here, never handed to SQLite raw.

    bus station            both words, anywhere in the release (AND is implied)
    "bus station"          the words next to each other, in that order
    park*                  any word starting with "park"
    bus OR tram            either
    parking NOT permit     the first without the second
    (bus OR tram) fares    grouping

Operators are the upper-case words AND, OR, NOT; lower-case "and" is a word.
Words are split and folded the way SQLite's ``unicode61`` tokenizer does
(letters and digits; case and accents ignored), so the same query means the
same thing to the FTS5 index and to the slower scan (``matches``).

Every problem is a ``QueryError`` with a message for people: an unbalanced
quotation mark, ``*`` on its own, a NOT with nothing before it, a query too
long. ``to_fts`` quotes every word it emits, so no user text is ever read as
FTS5 syntax.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

MAX_LENGTH = 1000  # characters
MAX_TERMS = 64

_TOKEN = re.compile(r"[^\W_]+")
_OPERATORS = {"AND", "OR", "NOT"}


class QueryError(ValueError):
    """A query that cannot be searched for, with a message saying why."""


@dataclass(frozen=True)
class Term:
    """One word or phrase: folded tokens that must appear in this order."""

    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Op:
    kind: str  # "AND", "OR", "NOT" (left and not right)
    left: Node
    right: Node


Node = Term | Op


def fold(text: str) -> str:
    """Lower case without accents, as unicode61 with remove_diacritics."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The folded words of ``text``."""
    return _TOKEN.findall(fold(text))


def token_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded word) for each word of ``text``, in ``text``'s positions."""
    lowered = text.lower()
    if len(lowered) == len(text):  # every character still one: the positions hold
        # Only a word with accents (or the like) needs folding beyond lower case.
        return [
            (m.start(), m.end(), word if (word := m.group()).isascii() else fold(word))
            for m in _TOKEN.finditer(lowered)
        ]
    return [(m.start(), m.end(), fold(m.group())) for m in _TOKEN.finditer(text)]


# ---------------------------------------------------------------------------
# Parsing


def _lex(query: str) -> list[tuple[str, str]]:
    """(kind, text) pieces: "word", "phrase", "op", "(", ")"."""
    pieces: list[tuple[str, str]] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QueryError('A phrase is missing its closing quotation mark (").')
            pieces.append(("phrase", query[i + 1 : end]))
            i = end + 1
            if i < n and query[i] == "*":  # "bus stat"* : the phrase's last word as a prefix
                pieces[-1] = ("phrase*", pieces[-1][1])
                i += 1
        elif char in "()":
            pieces.append((char, char))
            i += 1
        else:
            end = i
            while end < n and not query[end].isspace() and query[end] not in '"()':
                end += 1
            word = query[i:end]
            pieces.append(("op" if word in _OPERATORS else "word", word))
            i = end
    return pieces


class _Parser:
    def __init__(self, pieces: list[tuple[str, str]]) -> None:
        self.pieces = pieces
        self.at = 0
        self.terms = 0

    def peek(self) -> tuple[str, str] | None:
        return self.pieces[self.at] if self.at < len(self.pieces) else None

    def take(self) -> tuple[str, str]:
        piece = self.pieces[self.at]
        self.at += 1
        return piece

    def either(self) -> Node | None:
        left = self.both()
        while self.peek() == ("op", "OR"):
            self.take()
            right = self.both()
            if left is None or right is None:
                raise QueryError("OR needs something on both sides: try 'bus OR tram'.")
            left = Op("OR", left, right)
        return left

    def both(self) -> Node | None:
        left = None
        while (piece := self.peek()) is not None and piece not in (("op", "OR"), (")", ")")):
            if piece == ("op", "NOT"):
                self.take()
                right = self.unit()
                if left is None or right is None:
                    raise QueryError(
                        "NOT needs something before and after it: try 'parking NOT permit'."
                    )
                left = Op("NOT", left, right)
                continue
            if piece == ("op", "AND"):
                self.take()
                right = self.unit()
                if left is None or right is None:
                    raise QueryError("AND needs something on both sides: try 'bus AND station'.")
            else:
                right = self.unit()
                if right is None:
                    continue  # punctuation only: nothing to look for
            left = right if left is None else Op("AND", left, right)
        return left

    def unit(self) -> Node | None:
        piece = self.peek()
        if piece is None:
            return None
        kind, text = self.take()
        if kind == "(":
            inner = self.either()
            if self.peek() != (")", ")"):
                raise QueryError("A bracket is not closed: every ( needs a ).")
            self.take()
            return inner
        if kind == ")":
            raise QueryError("A ) has no ( before it.")
        if kind == "op":
            raise QueryError(f"{text} cannot follow another operator.")
        prefix = kind == "phrase*" or (kind == "word" and text.endswith("*"))
        words = tokens(text.rstrip("*") if kind == "word" else text)
        if not words:
            if prefix:
                raise QueryError("A * must follow at least one letter or digit, as in park*.")
            return None
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QueryError(f"Too many words: at most {MAX_TERMS} in one search.")
        return Term(tuple(words), prefix)


def parse(query: str) -> Node:
    """The query as a tree, or ``QueryError`` saying what is wrong with it."""
    if len(query) > MAX_LENGTH:
        raise QueryError(
            f"The search is too long ({len(query):,} characters; at most {MAX_LENGTH:,})."
        )
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") and not c.isspace() for c in query):
        raise QueryError("The search contains control characters; type words instead.")
    parser = _Parser(_lex(query))
    node = parser.either()
    if parser.peek() is not None:  # only a stray ) stops the parser early
        raise QueryError("A ) has no ( before it.")
    if node is None:
        raise QueryError("Nothing to search for: type a word.")
    return node


def as_you_type(text: str, shortest: int = 3) -> str:
    """``text`` as a search box means it while it is being typed: an open phrase is
    closed, and a last word still being typed (no space after it yet, at least
    ``shortest`` letters) is a prefix, so "bus stat" finds "bus station".

    Shorter last words stay whole: "l*" would match most of a library and rank
    it all, for a word nobody means yet.
    """
    if text.count('"') % 2:
        typing = not text[-1:].isspace() and bool(tokens(text[text.rfind('"') :]))
        return text + '"*' if typing else text + '"'
    if not text or text[-1].isspace() or text[-1] in '*")':
        return text
    pieces = _lex(text)
    kind, word = pieces[-1]
    words = tokens(word)
    if kind != "word" or not words or len(words[-1]) < shortest:
        return text  # an operator, punctuation only, or too short yet
    return text + "*"


# ---------------------------------------------------------------------------
# For SQLite FTS5


def to_fts(node: Node, expand: Callable[[str], list[str] | None] | None = None) -> str:
    """An FTS5 expression: every word a quoted string, so none is read as syntax.

    With ``expand`` (a prefix to the index's words that start with it, or None when
    it cannot say), a prefix becomes those words joined by OR: the same matches,
    but SQLite walks each word's list lazily instead of merging every list that
    the prefix covers before the first row (tens of milliseconds for "cou*" at
    100,000 releases).
    """
    if isinstance(node, Term):
        words = expand(node.tokens[-1]) if expand is not None and node.prefix else None
        if words:
            head = node.tokens[:-1]
            return "(" + " OR ".join(_quoted((*head, word)) for word in words) + ")"
        return _quoted(node.tokens) + (" *" if node.prefix else "")
    return f"({to_fts(node.left, expand)} {node.kind} {to_fts(node.right, expand)})"


def _quoted(tokens: tuple[str, ...]) -> str:
    return '"' + " ".join(tokens).replace('"', '""') + '"'


def terms(node: Node) -> list[Term]:
    """Every term a match may show, left to right (those under NOT's right side excluded)."""
    if isinstance(node, Term):
        return [node]
    if node.kind == "NOT":
        return terms(node.left)
    return terms(node.left) + terms(node.right)


# ---------------------------------------------------------------------------
# For the scan (no FTS5) and for highlighting


def _term_at(term: Term, words: list[str], i: int) -> bool:
    count = len(term.tokens)
    if i + count > len(words):
        return False
    for offset, want in enumerate(term.tokens):
        word = words[i + offset]
        last = offset == count - 1
        if not (word == want or (last and term.prefix and word.startswith(want))):
            return False
    return True


def term_positions(term: Term, words: list[str]) -> list[int]:
    """Where in ``words`` the term starts."""
    if len(term.tokens) == 1:  # most terms: one comparison a word, not a call
        want = term.tokens[0]
        if term.prefix:
            return [i for i, word in enumerate(words) if word.startswith(want)]
        return [i for i, word in enumerate(words) if word == want]
    return [i for i in range(len(words)) if _term_at(term, words, i)]


def matches(node: Node, words: list[str], vocabulary: set[str] | None = None) -> bool:
    """Whether a document of these folded ``words`` matches (a phrase within one field:
    pass each field's words separated by an empty string)."""
    if isinstance(node, Term):
        if len(node.tokens) == 1 and not node.prefix and vocabulary is not None:
            return node.tokens[0] in vocabulary
        return bool(term_positions(node, words))
    if node.kind == "AND":
        return matches(node.left, words, vocabulary) and matches(node.right, words, vocabulary)
    if node.kind == "OR":
        return matches(node.left, words, vocabulary) or matches(node.right, words, vocabulary)
    return matches(node.left, words, vocabulary) and not matches(node.right, words, vocabulary)


def highlights(node: Node, text: str) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of every word that a term of ``node`` matches."""
    spans = token_spans(text)
    words = [word for _, _, word in spans]
    found: set[tuple[int, int]] = set()
    for term in terms(node):
        for i in term_positions(term, words):
            found.add((spans[i][0], spans[i + len(term.tokens) - 1][1]))
    return sorted(found)
