"""Text for people in English or French.

The words live in a gettext message catalog
(``locale/fr/LC_MESSAGES/hlmctl.po``, compiled to the ``.mo`` beside it by
``scripts/catalogs``); dates, times and plural rules come from Babel's CLDR data.
Code never assembles a sentence from translated fragments: every message is one
whole sentence or label with named placeholders (``{delegation}``).

English needs neither the catalog nor Babel, so the commands typed forty times a
meeting do not pay for French: both are loaded only when French is asked for.
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from hlmctl.errors import InputError

if TYPE_CHECKING:
    from hlmctl.meeting import Meeting

LANGUAGES = ("en", "fr")
DOMAIN = "hlmctl"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined, not where it is shown."""
    return message


# The labels of the default ladder and categories (meeting.py) and of the regional
# groups (delegations.py), for the catalog: a meeting file that keeps the default
# labels gets them in French.
DEFAULT_LABELS = (
    N_("Head of State"),
    N_("Vice-President"),
    N_("Crown Prince"),
    N_("Head of Government"),
    N_("Deputy Prime Minister"),
    N_("Minister"),
    N_("Vice-Minister"),
    N_("Head of delegation"),
    N_("Other"),
    N_("Member State"),
    N_("Observer State"),
    N_("Observer"),
    N_("United Nations entity"),
    N_("Intergovernmental organization"),
    N_("Non-governmental organization"),
    N_("African States"),
    N_("Asia-Pacific States"),
    N_("Eastern European States"),
    N_("Latin American and Caribbean States"),
    N_("Western European and other States"),
    N_("No regional group"),
    N_("Chair"),
    N_("Co-Chairs"),
    N_("Moderator"),
    N_("Panelists"),
    N_("Participant"),
    N_("General Assembly Hall"),
    N_("Trusteeship Council Chamber"),
    N_("Economic and Social Council Chamber"),
    N_("Security Council Chamber"),
)


def choose(option: str | None, environ: Mapping[str, str]) -> str:
    """The language: ``--lang``, else ``$HLMCTL_LANG``, else English."""
    given = option if option is not None else environ.get("HLMCTL_LANG")
    if given is None or not given.strip():
        return "en"
    code = given.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        where = "--lang" if option is not None else "HLMCTL_LANG"
        raise InputError(f"{where}: {given!r} is not a language of hlmctl (en or fr)")
    return code


# Courtesy titles as typed (case and spaces folded) -> (the Journal's English, French).
# Only forms that say themselves whom they address; anything else is printed as given.
COURTESY = {
    "h.e.mr.": ("His Excellency Mr.", "S. E. M."),
    "h.e.mrs.": ("Her Excellency Mrs.", "S. E. Mme"),
    "h.e.ms.": ("Her Excellency Ms.", "S. E. Mme"),
    "mr.": ("Mr.", "M."),
    "mrs.": ("Mrs.", "Mme"),
    "ms.": ("Ms.", "Mme"),
    "h.r.h.": ("H.R.H.", "S. A. R."),
    "h.m.": ("H.M.", "S. M."),
    "h.h.": ("H.H.", "S. A."),
    "dr.": ("Dr.", "Dr"),
    "prof.": ("Prof.", "Pr"),
}


def _courtesy(lang: Lang, given: str | None) -> str:
    if not given:
        return ""
    forms = COURTESY.get("".join(given.casefold().split()))
    if forms is None:
        return given
    return forms[1] if lang.french else forms[0]


NBSP = "\u00a0"  # the no-break space French puts before ; : ! ? and inside « »


def french_typography(text: str) -> str:
    """A message in French typography, as the United Nations' French documents write
    it: a no-break space before ``;``, ``:``, ``!`` and ``?`` that end a word or a
    placeholder, and inside « ». Idempotent; placeholders, format specifications
    ("{list!r}", "{n:>4}"), times and addresses ("10:00", "http://") are left alone.
    Applied to messages, never to what users typed."""
    import re

    text = re.sub(r"(?<=[^\s\u00a0\u202f])[ \u202f]?([;:!?])(?=\s|$)", NBSP + r"\1", text)
    text = re.sub(r"«[ \u00a0\u202f]?", "«" + NBSP, text)
    return re.sub(r"[ \u00a0\u202f]?»", NBSP + "»", text)


class Lang(NamedTuple):
    """One language: its messages, its dates and times, its plurals. (A named tuple:
    as immutable as a frozen dataclass, and made in a tenth of its time at start-up.)"""

    code: str
    catalog: gettext.NullTranslations

    def _(self, message: str) -> str:
        if self.code == "fr":
            return _french(self.catalog, message)
        return self.catalog.gettext(message)

    def n_(self, singular: str, plural: str, n: int, **fields: object) -> str:
        """The form for ``n`` (the catalog's plural rule), with ``{n}`` and the other
        named fields filled in."""
        chosen = self.catalog.ngettext(singular, plural, n)
        if self.code == "fr":
            chosen = french_typography(chosen)
        return chosen.format(n=n, **fields)

    @property
    def french(self) -> bool:
        return self.code == "fr"

    def join(self, items: Iterable[str]) -> str:
        """Items of a list, between semicolons: French puts a no-break space before
        one."""
        return (NBSP + "; " if self.french else "; ").join(items)

    def clauses(self, items: Iterable[str]) -> str:
        """Clauses of one sentence, between semicolons: in French, each after the
        first begins in lower case ("Ouverte à 10 h 00 ; levée à 13 h 14")."""
        parts = list(items)
        if not self.french:
            return "; ".join(parts)
        lowered = [parts[0], *(_lower_first(p) for p in parts[1:])] if parts else []
        return self.join(lowered)

    # --- dates and times ----------------------------------------------------------

    def date(self, value: dt.date | dt.datetime) -> str:
        """Monday 13 May 2013 / lundi 13 mai 2013."""
        if not self.french:
            return f"{value:%A} {value.day} {value:%B %Y}"
        from babel.dates import format_date

        return str(format_date(value, format="full", locale="fr"))

    def short_date(self, value: dt.date | dt.datetime) -> str:
        """13 May / 13 mai."""
        if not self.french:
            return f"{value.day} {value:%B}"
        from babel.dates import format_date

        return str(format_date(value, format="d MMMM", locale="fr"))

    def time(self, value: dt.time | dt.datetime | None) -> str:
        """10:00 / 10 h 00; a time not yet known is --:--."""
        if value is None:
            return "--:--"
        if not self.french:
            return f"{value:%H:%M}"
        from babel.dates import format_time

        return str(format_time(value, format="H' h 'mm", locale="fr"))

    def span(self, start: dt.time | dt.datetime | None, end: dt.time | dt.datetime | None) -> str:
        if start is None and end is None:
            return self._("not yet scheduled")
        return self._("{start}-{end}").format(start=self.time(start), end=self.time(end))

    # --- texts from the meeting file and the reference data ------------------------

    def label(self, text: str) -> str:
        """A label of the default ladder, categories or groups; others as written."""
        return self._(text) if self.french and text else text

    def title(self, text: str | None, courtesy: str | None = None) -> str | None:
        """A speaker's function: in French when it is a common one (titles.py), for
        the gender the courtesy title gives (a form that guesses nothing without
        one); else as typed, marked as English."""
        if not text or not self.french:
            return text
        from hlmctl.titles import french

        known = french(text, courtesy)
        if known is not None:
            return known
        return self._("{text} [English only]").format(text=text)

    def courtesy(self, given: str | None) -> str:
        """A courtesy title: the Journal's English ("His Excellency Mr.") or French
        ("S. E. M.") for the forms that name whom they address; others as given."""
        return _courtesy(self, given)

    def level(self, meeting: Meeting, level_id: str) -> str:
        return self.label(meeting.level_label(level_id))

    def category(self, meeting: Meeting, category_id: str) -> str:
        return self.label(meeting.category_label(category_id))

    def text(self, english: str, french: str | None) -> str:
        """A text of the meeting file: the French one when the file gives one, or the
        catalog has the English one (a default such as "General Assembly Hall"); else
        the English one, saying that it is English (never a machine translation)."""
        if not self.french:
            return english
        if french:
            return french
        translated = self._(english)
        if translated != english:
            return translated
        return self._("{text} [English only]").format(text=english)

    def group(self, text: str) -> str:
        """A group spoken for (``--on-behalf-of``), by its name in this language when
        groups.toml knows it ("le Groupe des 77 et la Chine"); else as typed, marked
        as English in French."""
        from hlmctl.delegations import with_article
        from hlmctl.spoken import group

        found = group(text)
        if not found.known:
            return self.text(text, None)
        return with_article(found.french, found.french_article) if self.french else found.english

    def delegation(self, name: str) -> str:
        """A delegation's (or an entity's) short name in this language (as given when
        unknown)."""
        if not self.french:
            return name
        from hlmctl.delegations import french_name

        known = french_name(name)
        return known[0] if known else name


_translated: dict[str, str] = {}


def _lower_first(text: str) -> str:
    """A clause's first letter in lower case, unless its first word is an acronym
    ("ONG dotée du statut...", "ECOSOC")."""
    word = text.split(" ", 1)[0]
    if len(word) > 1 and word.isupper():
        return text
    return text[:1].lower() + text[1:]


def _french(catalog: gettext.NullTranslations, message: str) -> str:
    found = _translated.get(message)
    if found is None:
        translated = catalog.gettext(message)
        # Only the catalog's French: an English text with no translation stays as it is.
        found = french_typography(translated) if translated != message else message
        _translated[message] = found
    return found


@cache
def get(code: str = "en") -> Lang:
    if code == "en":
        return Lang("en", gettext.NullTranslations())
    with (LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as handle:
        return Lang(code, gettext.GNUTranslations(handle))


def english() -> Lang:
    return get("en")
