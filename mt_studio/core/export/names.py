"""Finding people's names in text that leaves the library, however they are spelled.

A name is found in any letter case and Unicode form; written without spaces ("KariHansen",
"karihansen"), with punctuation or underscores between its letters ("K.a.r.i", "kari_hansen");
transliterated (å as a or aa, ø as o or oe, æ as ae, other accents dropped); and in its
possessive ("Karis sang", "Kari's song"). It is found as a word, not inside another word
("Ola" is not in "Solan"); a word ends where letters stop, or where a lower-case letter meets
an upper-case one ("KariHansen" is two words).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Letters that NFKD does not take apart: written as Norwegian and Danish keyboards without
# them write them.
_SPELLED = str.maketrans({"æ": "ae", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l",
                          "ß": "ss"})
# Two-letter spellings of one letter, read as that letter wherever they stand ("Kaare" is
# "Kåre", "Bjoern" is "Bjørn"): applied to names and text alike, so both meet.
_PAIRS = {"aa": "a", "oe": "o"}


def names_in(text: str, names: Iterable[str]) -> list[str]:
    """Which of NAMES appear in TEXT, spelled in any of the ways above; a name of several words
    is found by any one of its words of three letters or more too ("Kari's song" names Kari
    Hansen)."""
    letters, starts = _skeleton(text)
    found = []
    for name in names:
        words = [_skeleton(word)[0] for word in name.split()]
        whole = "".join(words)
        parts = {whole, *(w for w in words if len(w) >= 3)} - {""}
        if any(_found(part, letters, starts) for part in parts):
            found.append(name)
    return found


def _found(part: str, letters: str, starts: list[bool]) -> bool:
    """Whether PART stands in LETTERS as a word: from a word's start to a word's end, or to a
    possessive "s" that ends a word."""
    at = letters.find(part)
    while at >= 0:
        end = at + len(part)
        if starts[at] and (starts[end] or letters[end:end + 1] == "s" and starts[end + 1]):
            return True
        at = letters.find(part, at + 1)
    return False


def _skeleton(text: str) -> tuple[str, list[bool]]:
    """TEXT's letters and digits only, folded and transliterated, and for each whether a word
    starts there (one more at the end, always True, for the end of the last word)."""
    letters: list[str] = []
    starts: list[bool] = []
    before = ""
    for ch in unicodedata.normalize("NFC", text):
        if not ch.isalnum():
            before = ""
            continue
        starts_word = not before or (before.islower() and ch.isupper()) \
            or before.isdigit() != ch.isdigit()
        before = ch
        for i, plain in enumerate(_plain(ch)):
            letters.append(plain)
            starts.append(starts_word and i == 0)
    joined, kept = _pairs_joined("".join(letters), starts)
    return joined, [*kept, True]


def _plain(ch: str) -> str:
    """CH folded to lower case, without accents, its special letters spelled out."""
    folded = unicodedata.normalize("NFKD", ch.casefold().translate(_SPELLED))
    return "".join(c for c in folded if not unicodedata.combining(c) and c.isalnum())


def _pairs_joined(letters: str, starts: list[bool]) -> tuple[str, list[bool]]:
    """LETTERS with each two-letter spelling of a letter made that letter, left to right,
    and the start marks that go with them: a pair inside a word ("Kaare"), or two letters
    each standing alone ("B.j.o.e.r.n"), not two words meeting ("Frida Aase")."""
    out: list[str] = []
    kept: list[bool] = []
    marks = [*starts, True, True]
    i = 0
    while i < len(letters):
        pair = letters[i:i + 2]
        alone = marks[i] and marks[i + 1] and marks[i + 2]
        step = 2 if pair in _PAIRS and (not marks[i + 1] or alone) else 1
        out.append(_PAIRS[pair] if step == 2 else letters[i])
        kept.append(starts[i])
        i += step
    return "".join(out), kept
