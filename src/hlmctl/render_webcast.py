"""The webcast's index: WebVTT chapters (``report --format vtt``) and the plain
"HH:MM:SS Title" lines that video platforms read (``report --format chapters``),
in English or French."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hlmctl.render import printable
from hlmctl.render_speakers import speaker_delegation, speaker_who

if TYPE_CHECKING:
    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.webcast import Cue


def title(lang: Lang, cue: Cue) -> str:
    """ "Belarus, H.E. Mr. X, Minister for Foreign Affairs", or a fixed item's label
    ("Statement by the Secretary-General"): one line."""
    s = cue.speaker
    if s is None:
        assert cue.item is not None
        return " ".join(printable(lang.text(cue.item.label, cue.item.label_fr)).split())
    row = {
        "delegation": s.delegation,
        "on_behalf_of": s.on_behalf_of,
        "kind": s.kind,
        "courtesy": s.courtesy,
        "name": s.name,
        "title": s.title,
    }
    delegation, who = speaker_delegation(lang, row), speaker_who(lang, row)
    text = (
        lang._("{delegation}, {who}").format(delegation=delegation, who=who) if who else delegation
    )
    # One line: a line break would end the cue (VTT) or start a chapter (chapters).
    return " ".join(printable(text).split())


def stamp(seconds: float, *, millis: bool) -> str:
    """00:01:02.345 (WebVTT) or 00:01:02 (chapters); hours grow past 99 if need be."""
    total_ms = round(seconds * 1000)
    if not millis:
        total_ms -= total_ms % 1000
    secs, ms = divmod(total_ms, 1000)
    minutes, secs = divmod(secs, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}" + (f".{ms:03d}" if millis else "")


def _vtt_text(text: str) -> str:
    """Cue text is markup in WebVTT: &, < and > are written as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vtt(env: Env, lang: Lang, cues: list[Cue]) -> None:
    out = ["WEBVTT", ""]
    for cue in cues:
        out += [
            cue.ident,
            f"{stamp(cue.start, millis=True)} --> {stamp(cue.end, millis=True)}",
            _vtt_text(title(lang, cue)),
            "",
        ]
    env.stdout.write("\n".join(out))


def chapters(env: Env, lang: Lang, cues: list[Cue]) -> None:
    env.stdout.write("".join(f"{stamp(c.start, millis=False)} {title(lang, c)}\n" for c in cues))
