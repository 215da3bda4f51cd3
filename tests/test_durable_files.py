"""New files that are whole or absent, and never written over an existing one."""

from __future__ import annotations

import errno
import os

import pytest

from mt_studio.core.durable_files import created_atomically
from mt_studio.core.errors import LibraryError


@pytest.mark.parametrize("hard_links", [True, False])
def test_a_new_file_is_made_whole_and_an_existing_one_is_never_replaced(
        tmp_path, monkeypatch, hard_links):
    if not hard_links:  # as on FAT or exFAT, where link() is refused
        def refused(*_args, **_kwargs):
            raise OSError(errno.EPERM, os.strerror(errno.EPERM))
        monkeypatch.setattr(os, "link", refused)
    path = tmp_path / "take-1" / "track-1.wav"
    with created_atomically(path) as file:
        file.write(b"the layer")
    assert path.read_bytes() == b"the layer"
    with pytest.raises(LibraryError, match=str(path)):
        with created_atomically(path) as file:
            file.write(b"another layer")
    assert path.read_bytes() == b"the layer"
    assert [p.name for p in path.parent.iterdir()] == ["track-1.wav"]
    with pytest.raises(RuntimeError, match="the device went"):
        with created_atomically(tmp_path / "take-1" / "track-2.wav") as file:
            file.write(b"half a layer")
            raise RuntimeError("the device went")
    assert [p.name for p in path.parent.iterdir()] == ["track-1.wav"]
