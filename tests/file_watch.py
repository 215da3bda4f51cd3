"""Every file or folder made in some folders, as the Linux kernel reports it (inotify).

A check of a folder at the end cannot see a file that was written and removed on the way; the
kernel's own record of every entry made can. Called through ctypes: libc has had inotify since
2.4.
"""

from __future__ import annotations

import ctypes
import os
import struct
from pathlib import Path

IN_MODIFY = 0x002
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_Q_OVERFLOW = 0x4000
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len (then the name, NUL-padded)

_libc = ctypes.CDLL(None, use_errno=True)


class CreationWatch:
    """Records every entry created, moved in or written in FOLDERS (not below them) until
    closed; `made()` lists them as paths."""

    def __init__(self, *folders: Path) -> None:
        self._fd = _libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self._folders: dict[int, Path] = {}
        for folder in folders:
            wd = _libc.inotify_add_watch(self._fd, os.fsencode(folder),
                                         IN_CREATE | IN_MOVED_TO | IN_MODIFY)
            if wd < 0:
                raise OSError(ctypes.get_errno(), f"cannot watch {folder}")
            self._folders[wd] = Path(folder)
        self._made: list[Path] = []

    def made(self) -> list[Path]:
        """Every path made (or written) in the watched folders so far, in the order made."""
        while True:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                return list(self._made)
            offset = 0
            while offset < len(data):
                wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
                offset += _EVENT.size
                name = data[offset:offset + length].rstrip(b"\0")
                offset += length
                if mask & IN_Q_OVERFLOW:
                    raise AssertionError("inotify lost events: too many to tell")
                self._made.append(self._folders[wd] / os.fsdecode(name))

    def close(self) -> None:
        """Stop watching."""
        os.close(self._fd)

    def __enter__(self) -> CreationWatch:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
