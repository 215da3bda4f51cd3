"""A take's files and the caches made from them, read and written alike whether sealed or
plain: a sealed file is opened with the key the keyring gives for it, a plain one as it is."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import mido

from mt_studio.core.durable_files import replaced_atomically
from mt_studio.core.sealing import keyring
from mt_studio.core.sealing.stream import (
    SealedReader,
    is_sealed,
    open_file,
    read_header,
    seal_file,
)


class PlainView(io.RawIOBase):
    """The plaintext of a sealed file, after PREFIX, as a read-only, seekable binary file that
    opens only the chunks read."""

    def __init__(self, reader: SealedReader, prefix: bytes = b"") -> None:
        super().__init__()
        self.name = str(reader.path)
        self._reader, self._prefix = reader, bytes(prefix)
        self.size = len(self._prefix) + reader.size
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        head = self._prefix[self._position:self._position + len(view)]
        view[:len(head)] = head
        put = len(head) + self._reader.readinto_at(
            max(0, self._position - len(self._prefix)), view[len(head):])
        self._position += put
        return put

    def close(self) -> None:
        if not self.closed:
            self._reader.close()
        super().close()


def open_sealed(path: Path, *, unfinished_ok: bool = False) -> SealedReader:
    """A reader of the sealed file PATH, with the key of its library's take."""
    return SealedReader(path, *keyring.file_key(Path(path)), unfinished_ok=unfinished_ok)


def open_binary(path: Path):
    """PATH opened to read its (plain) bytes, sealed or not, as a seekable binary file."""
    if is_sealed(path):
        return PlainView(open_sealed(path))
    return open(path, "rb")


def read_plain(path: Path) -> bytes:
    """The whole (plain) content of the file PATH, sealed or not."""
    path = Path(path)
    if is_sealed(path):
        return open_file(path, *keyring.file_key(path))
    return path.read_bytes()


def midi_file(path: Path) -> mido.MidiFile:
    """The Standard MIDI File at PATH, sealed or not; mido's errors as mido raises them, and
    SealedFileError naming a sealed file that cannot be opened."""
    if is_sealed(path):
        return mido.MidiFile(file=io.BytesIO(read_plain(path)))
    return mido.MidiFile(path)


@dataclass(frozen=True)
class Sealing:
    """How to seal a new file: its take's key, its final name in the library, its take."""

    key: bytes
    name: str
    take_id: int


def sealing_for(path: Path, sources: Sequence[Path]) -> Sealing | None:
    """How the cache file PATH made from SOURCES (a take's files) is sealed: with the take key
    of the first that is sealed, under PATH's own name in the library (also when it is written
    under another name first). None when all are plain: the cache is plain too."""
    for source in sources:
        if is_sealed(source):
            keyring.file_key(Path(source))  # SealedFileError when its library is not open
            take_id = read_header(source).take_id
            found = keyring.writing_key(Path(path), take_id)
            if found is None:
                raise ValueError(f"{path} is outside the library of {source}")
            return Sealing(*found, take_id)
    return None


def write_whole(path: Path, data: bytes, sealing: Sealing | None, kind: str) -> None:
    """Write DATA as the file PATH, replacing it whole: sealed (its meta saying KIND) when
    SEALING says how, else plain."""
    if sealing is None:
        with replaced_atomically(Path(path)) as file:
            file.write(data)
    else:
        seal_file(path, data, sealing.key, sealing.name, sealing.take_id, {"kind": kind},
                  replace=True)
