"""How a participant is named inside a sentence, in English and in French.

A delegation's short name is for lists and tables; a sentence needs the name in
natural order with its article ("the Bolivarian Republic of Venezuela", "la
République bolivarienne du Venezuela") and, after the function of a Head of State or
Government, the formal name ("President of the French Republic"). The forms come
from the reference data (delegations.toml, entities.toml, groups.toml); "de" and "à"
with the French article are made by delegations.of_form and delegations.to_form, in
one place. A name the data does not know is kept as typed, with ``known`` False so
that French output can say it is English.

An organization on an approved list of participants (the President's lists,
participants.py) is named as the list spells it: its French name where the list
gives one (``listed``, built by ``participants.approved_names``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple


class Spoken(NamedTuple):
    english: str  # with its article: "the Kingdom of the Netherlands"; else as typed
    french: str  # without its article: "Royaume des Pays-Bas"; else as typed
    french_article: str = ""
    french_of: str = ""  # "du Groupe des 77 et de la Chine": given where the rule cannot
    known: bool = True
    listed: bool = False  # as an approved list of participants spells it

    def label(self, french: bool) -> str:
        """The name in natural order without its article, for a heading: "Plurinational
        State of Bolivia", "État plurinational de Bolivie"."""
        if french:
            return self.french
        return self.english.removeprefix("the ") if self.known else self.english

    def of(self, french: bool) -> str:
        """ "of the Kingdom of the Netherlands" / "du Royaume des Pays-Bas"."""
        if not french:
            return f"of {self.english}"
        from hlmctl.delegations import of_form

        return self.french_of or of_form(self.french, self.french_article)

    def to(self, french: bool) -> str:
        """ "to the United Nations Children's Fund" / "au Fonds des Nations Unies pour
        l'enfance"."""
        if not french:
            return f"to {self.english}"
        from hlmctl.delegations import to_form

        return to_form(self.french, self.french_article)


def listed(organizations: Iterable[tuple[str, str | None]]) -> dict[str, Spoken]:
    """The organizations of approved lists of participants, (English name, French
    name or None) each, found by either name forgiving case and accents; the first
    entry of a name wins."""
    from hlmctl.delegations import fold

    names: dict[str, Spoken] = {}
    for english, french in organizations:
        spoken = Spoken(english, french or english, known=bool(french), listed=True)
        for key in (fold(english), fold(french or "")):
            if key:
                names.setdefault(key, spoken)
    return names


def participant(
    name: str, *, formal: bool = False, listed: Mapping[str, Spoken] | None = None
) -> Spoken:
    """A delegation or an entity as a sentence names it (its formal name if asked).
    An organization of ``listed`` (``listed()``) is named as its list spells it when
    the list gives its French name; else as the reference data names it; else as the
    list spells it, or as typed."""
    from hlmctl.delegations import fold, match

    on_list = listed.get(fold(name)) if listed else None
    if on_list is not None and on_list.known:
        return on_list
    entry = match(name)
    if entry is None or not entry.spoken:
        return on_list or Spoken(name, name, known=False)
    if formal and entry.formal:
        return Spoken(entry.formal, entry.french_formal, entry.french_formal_article)
    return Spoken(entry.spoken, entry.french_spoken, entry.french_spoken_article)


def group(text: str) -> Spoken:
    """A group a speaker speaks for, as typed after ``--on-behalf-of``."""
    from hlmctl.entities import match_group

    found = match_group(text)
    if found is None:
        return Spoken(text, text, known=False)
    english = f"{found.english_article} {found.name}" if found.english_article else found.name
    return Spoken(english, found.french, found.french_article, found.french_of)
