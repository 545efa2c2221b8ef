"""Reference data on delegations, and matching what an operator types against it.

The data (``data/reference/delegations.toml``) names its source and date. Matching
forgives case, accents, punctuation and common variants, and offers a "did you
mean" for near misses.

The data is read only when a name must be matched (``speakers add``, a reference by
delegation, the regional groups of a report), once per process, with the compiled
TOML reader the record uses, and kept in the user's cache of validated files.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

GROUP_LABELS = {
    "african": "African States",
    "asia-pacific": "Asia-Pacific States",
    "eastern-european": "Eastern European States",
    "latin-american-and-caribbean": "Latin American and Caribbean States",
    "western-european-and-other": "Western European and other States",
    "": "No regional group",
}


# Named tuples rather than frozen dataclasses: as immutable, and made in a tenth of
# the time when the module is imported (a millisecond of ``speakers add``).
class Delegation(NamedTuple):
    name: str
    category: str
    group: str
    also_groups: tuple[str, ...] = ()
    iso3: str = ""
    french: str = ""
    french_article: str = ""
    english_article: str = ""
    # In a sentence, natural order with the article (English), the article apart
    # (French); the formal name likewise (delegations.toml says which UNTERM forms).
    spoken: str = ""
    french_spoken: str = ""
    french_spoken_article: str = ""
    formal: str = ""
    french_formal: str = ""
    french_formal_article: str = ""


class ReferenceData(NamedTuple):
    source: str
    as_of: str
    delegations: tuple[Delegation, ...]
    by_key: dict[str, Delegation]  # every name, French name, alias and ISO code, folded

    def by_name(self, name: str) -> Delegation | None:
        return self.by_key.get(normalize(name))


_NOT_WORD = re.compile(r"[^\w]+")
_SMALL_WORDS = frozenset(("the", "of", "de", "du", "des", "la", "l"))


def normalize(text: str) -> str:
    """Case, accents, punctuation, spacing and invisible characters folded away."""
    if not text.isascii():  # ASCII text has nothing to decompose
        from hlmctl.text import without_ignorables

        text = without_ignorables(text)  # one "Belarus", whatever joiner it hides
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = _NOT_WORD.sub(" ", text.casefold())
    return " ".join(w for w in folded.split() if w not in _SMALL_WORDS)


def fold(text: str) -> str:
    """``normalize``, with letters of other scripts that look like Latin letters (the
    Cyrillic "а" in "Belаrus") replaced by those letters: two names that look alike
    fold alike. The look-alikes are Unicode's confusables (UTS #39, confusables.txt),
    as the confusable-homoglyphs package ships them, loaded only for text that is not
    ASCII once accents are removed."""
    key = normalize(text)
    if key.isascii():
        return key
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return normalize("".join(_latin_look_alike(c) for c in bare))


@lru_cache(maxsize=65536)
def identity(name: str) -> str:
    """What the duplicate rule compares: the folded official name of the delegation
    ``name`` matches (directly or as a look-alike), else the folded name itself."""
    key = fold(name)
    entry = reference().by_key.get(key) or match(name)
    return fold(entry.name) if entry is not None else key


def look_alike_letters(text: str) -> list[str]:
    """The letters of ``text`` from another script that ``fold`` reads as Latin ones
    (the Cyrillic "а" of "Belаrus"), each once, in order."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return list(dict.fromkeys(c for c in bare if _latin_look_alike(c) != c))


@cache
def _latin_look_alike(char: str) -> str:
    if char.isascii() or not char.isalnum():
        return char
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    for item in found or []:
        for glyph in item.get("homoglyphs", []):
            candidate = glyph.get("c", "")
            if candidate.isascii() and candidate.isalnum():
                return str(candidate)
    return char


def reference_path() -> Path:
    here = Path(__file__).resolve().parent
    installed = here / "data" / "reference" / "delegations.toml"
    if installed.is_file():
        return installed
    return here.parent.parent / "data" / "reference" / "delegations.toml"


@cache
def reference() -> ReferenceData:
    """The reference data, from the user's cache (``cache.py``) once it has been read
    by this code: about 0.3 ms instead of 3 for ``speakers add``."""
    from hlmctl import cache

    raw = reference_path().read_bytes()
    return cache.validated(raw, (__file__,), ReferenceData, lambda: _read_reference(raw))


def _read_reference(raw: bytes) -> ReferenceData:
    import rtoml

    data = rtoml.loads(raw.decode("utf-8"))
    entries: list[Delegation] = []
    index: dict[str, Delegation] = {}
    for row in data.get("delegation", []):
        entry = Delegation(
            name=row["name"],
            category=row["category"],
            group=row.get("group", ""),
            also_groups=tuple(row.get("also_groups", [])),
            iso3=row.get("iso3", ""),
            french=row.get("french", ""),
            french_article=row.get("french_article", ""),
            english_article=row.get("english_article", ""),
            spoken=row.get("spoken", ""),
            french_spoken=row.get("french_spoken", ""),
            french_spoken_article=row.get("french_spoken_article", ""),
            formal=row.get("formal", ""),
            french_formal=row.get("french_formal", ""),
            french_formal_article=row.get("french_formal_article", ""),
        )
        entries.append(entry)
        keys = [entry.name, entry.french, *row.get("aliases", [])]
        for key in keys:
            if key:
                index.setdefault(normalize(key), entry)
        if entry.iso3:
            index.setdefault(entry.iso3.casefold(), entry)
    return ReferenceData(
        source=data.get("source", ""),
        as_of=data.get("as_of", ""),
        delegations=tuple(entries),
        by_key=index,
    )


def match(text: str) -> Delegation | None:
    """The delegation ``text`` names, forgiving case, accents and variants; else the
    UN entity or observer organization it names (entities.toml, read only then)."""
    found = reference().by_name(text)
    if found is None:
        from hlmctl import entities

        return entities.match(text)
    return found


def recorded_name(typed: str, entry: Delegation) -> str:
    """The name a speaker of ``entry`` is recorded under: a State's official short
    name; an entity's English name, or its acronym when typed exactly (entities.py)."""
    if entry.group or entry.category in ("member-state", "observer-state"):
        return entry.name
    from hlmctl import entities

    return entities.recorded(typed, entry)


def suggestions(text: str, limit: int = 3) -> list[str]:
    """Official names close to ``text``, best first, for a "did you mean"."""
    import difflib

    from hlmctl import entities

    ref = reference()
    key = normalize(text)
    if not key:
        return []
    by_key = {**entities.index(), **ref.by_key}
    close = difflib.get_close_matches(key, by_key.keys(), n=limit * 3, cutoff=0.75)
    names: list[str] = []
    for candidate in close:
        name = by_key[candidate].name
        if name not in names:
            names.append(name)
    if not names:
        # A word of the name is often enough: "Micronesia", "Congo".
        for entry in ref.delegations:
            if key in normalize(entry.name).split() or normalize(entry.name).startswith(key):
                names.append(entry.name)
    return names[:limit]


def group_of(delegation: str) -> str:
    entry = match(delegation)
    return entry.group if entry else ""


# --- French: the name with its article, and "of" ("du Bélarus") ---------------------

ARTICLES = ("le", "la", "les", "l'", "")
_OF = {"le": "du ", "la": "de la ", "les": "des ", "l'": "de l'"}


def _starts_with_vowel_sound(text: str) -> bool:
    first = unicodedata.normalize("NFKD", text[:1]).casefold()[:1]
    # Before a vowel and before the mute h of the one name that has it (Haïti).
    return first in "aeiouh"


def french_name(delegation: str) -> tuple[str, str] | None:
    """The French short name and its article, or None for a delegation the
    reference data does not know (its French name would be a guess)."""
    entry = match(delegation)
    if entry is None or not entry.french:
        return None
    return entry.french, entry.french_article


def english_with_article(delegation: str) -> str:
    """The English name as the floor says it: "the Philippines", "Belarus"."""
    entry = match(delegation)
    if entry is not None and entry.english_article and delegation == entry.name:
        return f"{entry.english_article} {delegation}"
    return delegation


def of_form(name: str, article: str) -> str:
    """ "de" with its article before a French name: du Bélarus, de la France,
    des Philippines, de l'Union européenne, de Cuba, d'Israël."""
    if article not in ARTICLES:
        raise ValueError(f"not a French article: {article!r}")
    if article:
        return _OF[article] + name
    return ("d'" if _starts_with_vowel_sound(name) else "de ") + name


_TO = {"le": "au ", "la": "à la ", "les": "aux ", "l'": "à l'"}


def to_form(name: str, article: str) -> str:
    """ "à" with its article before a French name: au Bélarus, à la France,
    aux Philippines, à l'Office des Nations Unies..., à Cuba."""
    if article not in ARTICLES:
        raise ValueError(f"not a French article: {article!r}")
    return _TO[article] + name if article else "à " + name


def with_article(name: str, article: str) -> str:
    """The name as a subject: le Bélarus, l'Union européenne, Israël."""
    if article == "l'":
        return "l'" + name
    return f"{article} {name}" if article else name


# --- near misses: a typo is not a new delegation -----------------------------------------


def near_miss(text: str) -> str | None:
    """The official name of a known delegation that ``text`` is a typo of: within an
    edit distance of 1 (names of 4 to 7 letters) or 2 (8 letters or more), counting a
    swap of two neighbouring letters as one edit. None for an exact match or no match.

    The distance is RapidFuzz's optimal string alignment (Damerau-Levenshtein where
    no part is edited twice), in C++: an import of 5,000 names outside the reference
    data asks this 5,000 times of every name, alias and code (about 5 ms a name in
    Python, a few microseconds here). The nearest wins; between equals, the first in
    the reference data's order."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    key = normalize(text)
    allowed = 2 if len(key) >= 8 else 1 if len(key) >= 4 else 0
    if not allowed or key in reference().by_key:
        return None
    keys, names = _typo_keys()
    found = process.extractOne(key, keys, scorer=OSA.distance, score_cutoff=allowed)
    return names[found[2]] if found is not None else None


@cache
def _typo_keys() -> tuple[list[str], list[str]]:
    """The folded names a typo is measured against (ISO codes and other keys of 3
    letters or fewer are too short to be typos of), and the official name of each."""
    pairs = [(k, e.name) for k, e in reference().by_key.items() if len(k) > 3]
    return [k for k, _ in pairs], [n for _, n in pairs]
