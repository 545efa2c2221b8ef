"""``hlmctl podium``: the conference officer's console, one key per action.

It is another face of the commands, not a second implementation: each key calls
the command of the same name (``actions``), which changes the record through the
store with the same lock, clock, log and undo as when it is typed. The screen
(``view`` builds what it shows, ``app`` draws it with Textual) follows the record
through the store's watch, so changes made at other desks appear at once.
"""
