"""Text for the PDF's core font (Helvetica), which holds Latin-1 only: every other
character is replaced by its nearest Latin-1 spelling, so that a name typed with a dash,
curly quotes or a mathematical sign prints instead of failing the document."""

from __future__ import annotations

import unicodedata

# Characters people paste from word processors, and their plain spelling.
REPLACEMENTS = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2026": "...", "\u2022": "-", "\u2023": "-", "\u2043": "-", "\u25cf": "-",
    "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u2248": "~", "\u2192": "->",
    "\u2190": "<-", "\u2194": "<->", "\u21d2": "=>", "\u2122": "(TM)", "\u20ac": "EUR",
    "\u2030": "o/oo", "\u2116": "No.", "\u2009": " ", "\u200a": " ", "\u2002": " ",
    "\u2003": " ", "\u202f": " ", "\u2007": " ", "\u2008": " ", "\u200b": "", "\u200c": "",
    "\u200d": "", "\u2060": "", "\ufeff": "",
}


def _one(char: str) -> str:
    if char in REPLACEMENTS:
        return REPLACEMENTS[char]
    # A letter with a mark Latin-1 lacks loses the mark (``ş`` → ``s``); a compatibility
    # form becomes its plain one (``ﬁ`` → ``fi``, ``²`` stays, ``𝐀`` → ``A``).
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if ord(c) < 256 and not unicodedata.combining(c))
    return kept or "?"


def to_latin1(text: str) -> str:
    """``text`` with every character the core font cannot print replaced."""
    if all(ord(c) < 256 for c in text):
        return text
    return "".join(c if ord(c) < 256 else _one(c) for c in text)
