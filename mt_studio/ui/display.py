"""Whether the window has a display to open on, told in one line before Qt would abort."""

from __future__ import annotations

import os
import sys

from mt_studio.i18n import _

# Qt's platforms that need a display server, and the variables that name one.
_NEEDS = {"xcb": ("DISPLAY",), "wayland": ("WAYLAND_DISPLAY",),
          "wayland-egl": ("WAYLAND_DISPLAY",)}


def missing_display(environ: dict[str, str] | None = None) -> str | None:
    """The one line to show when the window cannot have a display (Linux and the like: no
    DISPLAY or WAYLAND_DISPLAY for the platforms QT_QPA_PLATFORM names, or for Qt's default
    choice); None when it may have one, or when Qt was asked for a platform needing none."""
    environ = os.environ if environ is None else environ
    if sys.platform in ("win32", "darwin"):
        return None
    chosen = [entry.split(":", 1)[0].strip()
              for entry in environ.get("QT_QPA_PLATFORM", "").split(";") if entry.strip()]
    wanted = [name for entry in chosen or ["xcb", "wayland"] for name in _NEEDS.get(entry, ("",))]
    if "" in wanted or any(environ.get(name) for name in wanted):
        return None
    return _("mt-studio: there is no display to open the window on ({names} not set); run it "
             "in a desktop session, or give a command (mt-studio --help).").format(
        names=" / ".join(dict.fromkeys(wanted)))


def fatal_start(message: str, earlier: list[str]) -> None:
    """End the process with one line on stderr for Qt's fatal MESSAGE (it would abort with a
    core dump): the first of Qt's EARLIER platform warnings says why best, when there is one."""
    reason = earlier[0] if earlier else message.strip().splitlines()[0]
    sys.stderr.write(_("mt-studio: the window cannot open: {reason}").format(reason=reason)
                     + "\n")
    sys.stderr.flush()
    os._exit(1)
