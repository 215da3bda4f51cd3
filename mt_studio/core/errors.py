"""Errors that carry their own plain-language message and the command line's exit code."""

from __future__ import annotations


class MtStudioError(Exception):
    """A problem the user can act on; its message names the file, field or person involved."""

    exit_code = 1


class InputError(MtStudioError):
    """Bad input or usage: an unknown name, a malformed value or file."""

    exit_code = 2


class ConsentRefused(MtStudioError):
    """The consent policy refused the action; the message names who blocks it and why."""

    exit_code = 3


class DeviceError(MtStudioError):
    """An audio or MIDI device is missing, lost or failing."""

    exit_code = 4


class LibraryError(MtStudioError):
    """The library folder or database cannot be used; nothing in it was changed."""

    exit_code = 1


class ServerUnreachable(LibraryError):
    """The server of a service's library cannot be reached (or refuses the connection)."""


class AccessRefused(MtStudioError):
    """Nobody who may do this is signed in: a sign-in refused, an account not allowed the
    action, or a participant's studio asked for someone else's data."""

    exit_code = 5
