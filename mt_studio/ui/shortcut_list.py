"""Every keyboard shortcut of the studio in words, by where it works: Help shows this list, and
a test holds it against the shortcuts the window really has."""

from __future__ import annotations

from dataclasses import dataclass

from PyQt6.QtGui import QKeySequence

from mt_studio.i18n import _


@dataclass(frozen=True)
class Shortcut:
    """KEYS (Qt's portable text, "Ctrl+R") do WHAT, on the tab or in the part named WHERE.

    A key that a widget reads itself while it has the focus (the take's lanes zooming, Enter
    in a marker's name) is no QShortcut: `by_widget`, and its KEYS are shown as they are.
    """

    keys: str
    where: str
    what: str
    by_widget: bool = False

    def keys_text(self) -> str:
        """The keys as this computer writes them ("Ctrl+R"; "⌘R" on a Mac)."""
        if self.by_widget:
            return self.keys
        return QKeySequence(self.keys).toString(QKeySequence.SequenceFormat.NativeText)


def shortcuts() -> list[Shortcut]:
    """The shortcuts, in the order of the window's tabs. None of the single keys acts while
    the cursor is in a text field."""
    window, record, takes = _("Whole window"), _("Record"), _("Takes")
    looper, songs = _("Looper"), _("Songs")
    return [
        Shortcut("Ctrl+N", window, _("New session")),
        Shortcut("F1", window, _("This manual")),
        Shortcut("Ctrl+L", window, _("Lock: nothing shows until someone signs in again (a "
                                     "take being recorded goes on)")),
        Shortcut("Ctrl+Q", window, _("Quit (a take being recorded is finished and kept)")),
        Shortcut("R", record, _("Start a take (after the count-in, if chosen); cancel a "
                                "count-in")),
        Shortcut("Ctrl+R", record, _("Stop the take (no key you type stops it)")),
        Shortcut("M", record, _("Drop a marker and type its name")),
        Shortcut(_("Enter"), record, _("Keep the marker's name and go on"), by_widget=True),
        Shortcut("Space", takes, _("Play or stop")),
        Shortcut("Home", takes, _("Back to the start")),
        Shortcut("L", takes, _("Loop the part between the markers around the playhead")),
        Shortcut("M", takes, _("Name a marker at the playhead")),
        Shortcut("T", takes, _("Tap the tempo")),
        Shortcut("F2", takes, _("Name the take and give it a note")),
        Shortcut("+", takes, _("Zoom in"), by_widget=True),
        Shortcut("−", takes, _("Zoom out"), by_widget=True),
        Shortcut("0", takes, _("Show the whole take"), by_widget=True),
        Shortcut("← →", takes, _("Move the playhead a second"), by_widget=True),
        Shortcut(_("Ctrl+wheel"), takes, _("Zoom around the mouse"), by_widget=True),
        Shortcut("R", looper, _("Record the loop, then one more layer")),
        Shortcut("T", looper, _("Tap the tempo")),
        Shortcut("Ctrl+Z", looper, _("Undo the newest layer (it is kept)")),
        Shortcut("Ctrl+Shift+Z", looper, _("Bring back the layer undone last")),
        Shortcut("Ctrl+S", songs, _("Save the words and notes")),
        Shortcut("Ctrl+T", songs, _("Stamp the line with the playhead's place")),
        Shortcut("Ctrl+Return", songs, _("Play from the stamp on this line")),
    ]


def shortcuts_html() -> str:
    """The list as an HTML table, for the manual."""
    rows = []
    where = None
    for shortcut in shortcuts():
        if shortcut.where != where:
            where = shortcut.where
            rows.append(f"<tr><th colspan='2' align='left'><br>{_escape(where)}</th></tr>")
        rows.append(f"<tr><td><b>{_escape(shortcut.keys_text())}</b>&nbsp;&nbsp;</td>"
                    f"<td>{_escape(shortcut.what)}</td></tr>")
    return "<table cellspacing='4'>" + "".join(rows) + "</table>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
