"""Reference data on the participants that are not States, and on the groups that
speak "on behalf of" others, matched as delegations are (delegations.py).

``data/reference/entities.toml`` holds the entities of the United Nations system and
the organizations with observer status; ``groups.toml`` the groups (the Group of 77
and China, the African Group, CARICOM, ...). Each names its source and date. Both
are read only when a name is not a State's (an entity inscribed, an ``--on-behalf-of``
shown in a sentence), once per process, and kept in the user's cache of validated
files as ``delegations.toml`` is.

An entity is a ``Delegation`` (no regional group): whatever knows a delegation's
names, category and French article knows an entity's.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

from hlmctl import delegations
from hlmctl.delegations import Delegation, normalize

_CODE = (__file__, delegations.__file__)  # the cached entries hold Delegation tuples


class Group(NamedTuple):
    name: str
    category: str
    english_article: str = ""
    acronym: str = ""
    french: str = ""
    french_article: str = ""
    french_acronym: str = ""
    french_of: str = ""  # "du Groupe des 77 et de la Chine": where the rule cannot say it


class Entities(NamedTuple):
    source: str
    as_of: str
    entities: tuple[Delegation, ...]
    by_key: dict[str, Delegation]
    acronyms: dict[str, str]  # the entity's name -> its English and French acronyms
    english: dict[str, tuple[str, ...]]  # the entity's name -> its English forms


class Groups(NamedTuple):
    source: str
    as_of: str
    groups: tuple[Group, ...]
    by_key: dict[str, Group]


def data_path(file: str) -> Path:
    here = Path(__file__).resolve().parent
    installed = here / "data" / "reference" / file
    if installed.is_file():
        return installed
    return here.parent.parent / "data" / "reference" / file


def _keys(row: dict[str, object], *fields: str) -> list[str]:
    keys = [str(row.get(f) or "") for f in fields]
    aliases = row.get("aliases") or []
    if isinstance(aliases, list):
        keys += [str(a) for a in aliases]
    return [k for k in keys if k]


def _read_entities(raw: bytes) -> Entities:
    import rtoml

    data = rtoml.loads(raw.decode("utf-8"))
    entries: list[Delegation] = []
    index: dict[str, Delegation] = {}
    acronyms: dict[str, str] = {}
    english: dict[str, tuple[str, ...]] = {}
    for row in data.get("entity", []):
        article = row.get("article", "")
        entry = Delegation(
            name=row["name"],
            category=row["category"],
            group="",
            french=row["french"],
            french_article=row.get("french_article", ""),
            english_article=article,
            spoken=f"{article} {row['name']}" if article else row["name"],
            french_spoken=row["french"],
            french_spoken_article=row.get("french_article", ""),
            formal=f"{article} {row['name']}" if article else row["name"],
            french_formal=row["french"],
            french_formal_article=row.get("french_article", ""),
        )
        entries.append(entry)
        acronyms[entry.name] = " / ".join(
            dict.fromkeys(a for a in (row.get("acronym"), row.get("french_acronym")) if a)
        )
        english[entry.name] = tuple(_keys(row, "name", "acronym"))
        for key in _keys(row, "name", "french", "acronym", "french_acronym"):
            index.setdefault(normalize(key), entry)
    return Entities(
        data.get("source", ""), data.get("as_of", ""), tuple(entries), index, acronyms, english
    )


def _read_groups(raw: bytes) -> Groups:
    import rtoml

    data = rtoml.loads(raw.decode("utf-8"))
    entries: list[Group] = []
    index: dict[str, Group] = {}
    for row in data.get("group", []):
        entry = Group(
            name=row["name"],
            category=row["category"],
            english_article=row.get("article", ""),
            acronym=row.get("acronym", ""),
            french=row["french"],
            french_article=row.get("french_article", ""),
            french_acronym=row.get("french_acronym", ""),
            french_of=row.get("french_of", ""),
        )
        entries.append(entry)
        for key in _keys(row, "name", "french", "acronym", "french_acronym"):
            index.setdefault(normalize(key), entry)
    return Groups(data.get("source", ""), data.get("as_of", ""), tuple(entries), index)


@cache
def entities() -> Entities:
    from hlmctl import cache as user_cache

    raw = data_path("entities.toml").read_bytes()
    return user_cache.validated(raw, _CODE, Entities, lambda: _read_entities(raw))


@cache
def groups() -> Groups:
    from hlmctl import cache as user_cache

    raw = data_path("groups.toml").read_bytes()
    return user_cache.validated(raw, _CODE, Groups, lambda: _read_groups(raw))


def index() -> dict[str, Delegation]:
    """Every name, French name, acronym and alias of an entity, folded."""
    return entities().by_key


def match(text: str) -> Delegation | None:
    """The UN entity or organization ``text`` names (case, accents, acronyms)."""
    return entities().by_key.get(normalize(text)) if text else None


def recorded(typed: str, entry: Delegation) -> str:
    """The name an entity's speaker is recorded under: as typed when it is the
    entity's English name or acronym exactly ("UN Women", "UNICEF"), else its English
    name ("onudc" is recorded as "United Nations Office on Drugs and Crime")."""
    given = " ".join(typed.split())
    return given if given in entities().english.get(entry.name, ()) else entry.name


def match_group(text: str) -> Group | None:
    """The group ``text`` names ("G77", "Groupe des 77 et la Chine", "african group")."""
    return groups().by_key.get(normalize(text)) if text else None


def group_look_alike(text: str) -> Group | None:
    """The known group that ``text`` imitates with letters of another script that look
    like Latin ones ("Grоup of 77 and China" with a Cyrillic "о"); None when ``text``
    names a group as it is written, or imitates none. ASCII text is never one."""
    key = delegations.fold(text)
    if key == normalize(text) or match_group(text) is not None:
        return None
    return groups().by_key.get(key)


def group_suggestions(text: str, limit: int = 3) -> list[str]:
    """Names of groups close to ``text``, best first, for a "did you mean"."""
    import difflib

    ref = groups()
    key = normalize(text)
    if not key:
        return []
    close = difflib.get_close_matches(key, ref.by_key.keys(), n=limit * 3, cutoff=0.75)
    return list(dict.fromkeys(ref.by_key[c].name for c in close))[:limit]


def group_warning(text: str | None) -> str | None:
    """What `speakers add --on-behalf-of` warns of when ``text`` names no known group
    but is close to some ("did you mean"); None when it names one, or none is close.
    The text is kept as typed either way: a group the data does not know is allowed."""
    if not text or not text.strip() or match_group(text) is not None:
        return None
    close = group_suggestions(text)
    if not close:
        return None
    names = " or ".join(repr(name) for name in close)
    return (
        f"--on-behalf-of {text!r} is no group hlmctl knows: did you mean {names}? (kept as typed)"
    )
