"""Speakers' functions in French, with the grammatical gender taken only from the
courtesy title given (data/reference/titles.toml, read only for French output)."""

from __future__ import annotations

from functools import cache
from typing import Literal, NamedTuple

Gender = Literal["m", "f", ""]

# Courtesy titles as typed (case and spaces folded) that say whom they address.
_GENDER: dict[str, Gender] = {
    "h.e.mr.": "m",
    "mr.": "m",
    "m.": "m",
    "s.e.m.": "m",
    "h.e.mrs.": "f",
    "h.e.ms.": "f",
    "mrs.": "f",
    "ms.": "f",
    "mme": "f",
    "s.e.mme": "f",
    "h.m.thequeen": "f",
    "h.m.theking": "m",
}


def gender(courtesy: str | None) -> Gender:
    """ "m" or "f" when the courtesy title says it, else "" (never a guess)."""
    if not courtesy:
        return ""
    return _GENDER.get("".join(courtesy.casefold().split()), "")


class Title(NamedTuple):
    english: str
    masculine: str
    feminine: str
    neutral: str

    def french(self, given: Gender) -> str:
        if given == "f":
            return self.feminine or self.masculine
        if given == "m":
            return self.masculine
        return self.neutral or self.masculine


def _key(text: str) -> str:
    from hlmctl.delegations import normalize

    return normalize(text.replace("-", " "))


@cache
def table() -> dict[str, Title]:
    """Every English function and alias, folded, to its row."""
    import rtoml

    from hlmctl.entities import data_path

    data = rtoml.loads(data_path("titles.toml").read_text(encoding="utf-8"))
    out: dict[str, Title] = {}
    for row in data.get("title", []):
        title = Title(row["english"], row["masculine"], row["feminine"], row["neutral"])
        for name in (row["english"], *row.get("aliases", [])):
            out.setdefault(_key(name), title)
    return out


def lookup(text: str) -> Title | None:
    return table().get(_key(text)) if text else None


def french(text: str, courtesy: str | None) -> str | None:
    """The French of a common function, for the gender the courtesy title gives; None
    for a function the table does not hold."""
    found = lookup(text)
    return found.french(gender(courtesy)) if found is not None else None
