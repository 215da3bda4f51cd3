"""Take pictures of the groups dialog and of a band session's check-in, to look at them.

    xvfb-run -a -s "-screen 0 1366x768x24" \
        .venv/bin/python docs/screenshots/groups_dialogs.py [FOLDER]

Builds a library in a temporary folder (a band of eight, one of whom left, and a choir; a
session of the band with answers written down) and saves groups.png, new-group.png,
session-new-group.png and session-check-in.png in FOLDER (default: /tmp).
SHOTS_LANGUAGE=nb takes them in Norwegian.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))  # this checkout's

from mt_studio import i18n  # noqa: E402
from mt_studio.core.domain.groups import Answer, GroupKind  # noqa: E402
from mt_studio.core.library import Library  # noqa: E402
from mt_studio.core.studio import Studio  # noqa: E402

PEOPLE = ("Ola", "Kari", "Øyvind", "Sam", "Robin", "Mira", "Alexandra-Marie", "Tor",
          "Jonas", "Ingrid")


def main(folder: Path) -> None:
    i18n.use_language(os.environ.get("SHOTS_LANGUAGE", "en"))
    from PyQt6.QtWidgets import QApplication

    from mt_studio.ui.bridge import StudioBridge
    from mt_studio.ui.groups.groups_dialog import GroupsDialog
    from mt_studio.ui.sessions.session_dialog import SessionDialog

    app = QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as temporary, \
            Library.open(Path(temporary) / "library") as library:
        studio = Studio(library)
        ids = {name: studio.consent.add_participant(name, None).id for name in PEOPLE}
        start = date.today() - timedelta(days=90)
        band = studio.groups.add("Tuesday band", GroupKind.BAND,
                                 [ids[n] for n in PEOPLE[:8]], on=start)
        studio.groups.leave(band.id, ids["Mira"], on=start + timedelta(days=40))
        studio.groups.add("Community choir", GroupKind.CHOIR, [ids["Jonas"], ids["Ingrid"]],
                          on=start)
        session = studio.sessions.create("Tuesday band", None, on=date.today(),
                                         group_id=band.id)
        studio.groups.attend(session.id, [ids["Ola"], ids["Kari"], ids["Sam"]],
                             sent_word=[ids["Øyvind"]])

        groups = GroupsDialog(studio, StudioBridge(studio))
        groups.show()
        groups.select(band.id)
        groups.choose_member(ids["Sam"])
        app.processEvents()
        shoot(groups, folder / "groups.png")
        new = groups.open_new_group()
        new.name.setText("Thursday band")
        new.members.tick([ids["Robin"], ids["Mira"]])
        app.processEvents()
        shoot(new, folder / "new-group.png")
        new.reject()

        making = SessionDialog(studio)
        making.show()
        making.choose_group("Tuesday band")
        app.processEvents()
        shoot(making, folder / "session-new-group.png")

        check_in = SessionDialog(studio, session.id)
        check_in.show()
        check_in.answers.choose(ids["Robin"], Answer.ABSENT)
        app.processEvents()
        shoot(check_in, folder / "session-check-in.png")


def shoot(widget, path: Path) -> None:
    widget.grab().save(str(path))
    print(f"saved {path} ({widget.width()}x{widget.height()})")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp"))
