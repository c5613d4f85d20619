"""What a person types into the search field, parsed into terms that cannot break a query.

Supported: words, "exact phrases", prefix* and -exclusions. Everything else (stray quotes,
parentheses, AND/OR/NEAR, a lone ``-``, ``*``, ``:``, ``^``) is treated as plain words. Terms
keep only their letters and digits as words, so no backend ever sees query syntax from a user.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"
MAX_TERMS = 32  # a pasted page of text must not become a thousand-term query

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """One term: a word or phrase (its words), whether its last word is a prefix, and polarity."""

    words: tuple[str, ...]
    prefix: bool = False
    exclude: bool = False
    phrase: bool = False


def fold(text: str) -> str:
    """Lower case without accents, for comparisons that match what the index matches."""
    if text.isascii():  # the same result: no accents to strip, and casefold is lower here
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _term(raw: str, *, phrase: bool, exclude: bool) -> Term | None:
    words = tuple(_WORD.findall(raw))
    if not words:
        return None
    stripped = raw.rstrip("*")
    # A star is a prefix marker only straight after a letter or digit ("wit*", not "C++*").
    prefix = not phrase and stripped != raw and bool(_WORD.fullmatch(stripped[-1:] or "_"))
    return Term(words, prefix=prefix, exclude=exclude, phrase=phrase or len(words) > 1)


def parse(text: str) -> list[Term]:
    """Split user input into terms; unbalanced quotes and operators become plain words.

    AND/OR/NOT/NEAR typed as words are words: they simply need to appear in the text.
    """
    terms: list[Term] = []
    text = text or ""
    pos = 0
    while pos < len(text) and len(terms) < MAX_TERMS:
        if text[pos].isspace():
            pos += 1
            continue
        exclude = False
        if text[pos] == "-" and pos + 1 < len(text) and not text[pos + 1].isspace():
            exclude = True
            pos += 1
        if text[pos] == '"':
            end = text.find('"', pos + 1)
            if end != -1:
                term = _term(text[pos + 1 : end], phrase=True, exclude=exclude)
                if term:
                    terms.append(term)
                pos = end + 1
                continue
        end = pos
        while end < len(text) and not text[end].isspace():
            end += 1
        term = _term(text[pos:end], phrase=False, exclude=exclude)
        if term:
            terms.append(term)
        pos = end
    return terms


def positive(terms: list[Term]) -> list[Term]:
    return [t for t in terms if not t.exclude]


def fts5_query(terms: list[Term]) -> str | None:
    """The FTS5 MATCH expression: every word double-quoted, so nothing is syntax."""

    def quoted(term: Term) -> str:
        body = '"' + " ".join(w.replace('"', '""') for w in term.words) + '"'
        return body + ("*" if term.prefix else "")

    wanted = [quoted(t) for t in terms if not t.exclude]
    if not wanted:
        return None
    query = "(" + " AND ".join(wanted) + ")"
    for t in terms:
        if t.exclude:
            query += f" NOT {quoted(t)}"
    return query


def tsquery_parts(terms: list[Term]) -> list[tuple[str, str, bool]]:
    """PostgreSQL pieces: (function, argument, exclude) for each term.

    Plain words and phrases go through ``websearch_to_tsquery`` as a quoted phrase (which never
    raises); a prefix term is built for ``to_tsquery`` from letters and digits only, because
    websearch has no prefix syntax.
    """
    parts = []
    for t in terms:
        if t.prefix:
            lexemes = [f"'{w.lower()}'" for w in t.words]
            lexemes[-1] += ":*"
            parts.append(("to_tsquery", " <-> ".join(lexemes), t.exclude))
        else:
            parts.append(("websearch_to_tsquery", '"' + " ".join(t.words) + '"', t.exclude))
    return parts


def matches(term: Term, text: str) -> bool:
    """Whether ``text`` contains the term, by the same word rules the index uses."""
    words = [fold(w) for w in _WORD.findall(text)]
    wanted = [fold(w) for w in term.words]
    n = len(wanted)
    for i in range(len(words) - n + 1):
        window = words[i : i + n]
        if window[:-1] == wanted[:-1] and (
            window[-1].startswith(wanted[-1]) if term.prefix else window[-1] == wanted[-1]
        ):
            return True
    return False


def highlight(text: str, terms: list[Term], width: int = 160) -> str:
    """A window of ``text`` around the first match with matched words marked (LIKE fallback)."""
    wanted = [t for t in terms if not t.exclude]
    spans = []
    for m in _WORD.finditer(text):
        word = fold(m.group())
        for t in wanted:
            if any(word == fold(w) or (t.prefix and word.startswith(fold(w))) for w in t.words):
                spans.append((m.start(), m.end()))
                break
    if not spans:
        return text[:width] + ("…" if len(text) > width else "")
    first = spans[0][0]
    lo = max(0, first - width // 3)
    hi = min(len(text), lo + width)
    out, pos = [], lo
    for a, b in spans:
        if a < lo or b > hi:
            continue
        out += [text[pos:a], HIGHLIGHT_START, text[a:b], HIGHLIGHT_END]
        pos = b
    out.append(text[pos:hi])
    return ("…" if lo > 0 else "") + "".join(out) + ("…" if hi < len(text) else "")
