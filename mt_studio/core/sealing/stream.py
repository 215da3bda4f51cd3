"""Sealed files: the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015; as age and
Tink use it) over AES-256-GCM: written as a stream, read from any chunk, recovered after a
crash, and refused, naming the file, when moved, cut short or altered.

```
header  = b"MTSEALED" | u8 version | u32 chunk_size | u64 take_id | 16-byte salt
          | 7-byte nonce prefix | u16 meta_len | meta (a UTF-8 JSON object)
file key = HKDF-SHA256(take key, salt, b"mt-studio sealed file 1\\0" + NAME)
chunk i = AES-256-GCM(file key, prefix | u32 i | u8 last, plaintext, associated data = header)
```
NAME is the file's library-relative POSIX path where it finally lives. Every chunk but the last
holds exactly chunk_size bytes; the last holds 0 to chunk_size and alone has last = 1, so a
file is finished when its last chunk opens as the last. No nonce is ever used for two
plaintexts: a chunk resealed as the last uses last = 1, which no middle chunk uses, and its
plaintext is a beginning of the chunk's. A sealed log holds records each sealed on its own.
The format's parts are in format.py.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mt_studio.core.durable_files import (
    create_exclusively,
    created_atomically,
    replaced_atomically,
)
from mt_studio.core.sealing.format import (
    DEFAULT_CHUNK_SIZE,
    LOG_CHUNK_SIZE,
    MAGIC,
    TAG_BYTES,
    Header,
    SealedFileError,
    chunk_offset,
    cut_off,
    damaged_chunk,
    file_aead,
    file_layout,
    new_header,
    nonce,
    not_sealed,
    parse_header,
    seal_chunk,
    sealed_elsewhere,
)

__all__ = ["DEFAULT_CHUNK_SIZE", "TAG_BYTES", "Header", "SealedFileError", "SealedLog",
           "SealedReader", "SealedWriter", "is_sealed", "open_file", "read_header",
           "read_sealed_log", "recover", "seal_file"]

_RECORD_LENGTH = struct.Struct(">I")
_READING = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)


def is_sealed(path) -> bool:
    """Whether PATH begins as a sealed file does (False for a plain file, or none at all)."""
    try:
        with open(path, "rb") as file:
            return file.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def read_header(path) -> Header:
    """PATH's header: its take, meta and chunk size, not yet authenticated."""
    fd = os.open(path, _READING)
    try:
        return parse_header(fd, Path(path))
    finally:
        os.close(fd)


class _Chunks:
    """Opens the chunks of one sealed file, read through a descriptor."""

    def __init__(self, fd: int, path: Path, key: bytes, name: str) -> None:
        self.fd, self.path = fd, Path(path)
        self.header = parse_header(fd, self.path)
        if self.header.chunk_size == LOG_CHUNK_SIZE:
            raise not_sealed(self.path)
        self.aead = file_aead(key, self.header.salt, name)

    def open(self, index: int, last: bool) -> bytes | None:
        """Chunk INDEX's plaintext, or None when it does not open (as the last, if LAST)."""
        header = self.header
        sealed = os.pread(self.fd, header.chunk_size + TAG_BYTES, chunk_offset(header, index))
        try:
            plain = self.aead.decrypt(nonce(header.prefix, index, last), sealed, header.raw)
        except InvalidTag:
            return None
        return plain if last or len(plain) == self.header.chunk_size else None

    def present(self) -> int:
        """How many whole chunks the file holds."""
        return max(0, os.fstat(self.fd).st_size - len(self.header.raw)) \
            // (self.header.chunk_size + TAG_BYTES)

    def finished(self) -> tuple[int, bytes] | None:
        """(chunks, the last one's plaintext) of the file if it is finished (its last chunk
        opens)."""
        layout = file_layout(os.fstat(self.fd).st_size, self.header)
        if layout is None:
            return None
        chunks, _last_bytes = layout
        last = self.open(chunks - 1, last=True)
        return None if last is None else (chunks, last)

    def why_unfinished(self) -> SealedFileError:
        """What is wrong with a file whose last chunk does not open."""
        whole = self.present()
        first_opens = whole > 0 and self.open(0, last=False) is not None
        if whole > 0 and not first_opens and (whole < 2 or self.open(1, last=False) is None):
            return sealed_elsewhere(self.path)
        layout = file_layout(os.fstat(self.fd).st_size, self.header)
        if layout is None or self.open(layout[0] - 1, last=False) is not None:
            return cut_off(self.path)
        if whole == 0:  # one short chunk, which opens neither way
            return sealed_elsewhere(self.path)
        return damaged_chunk(self.path, 0 if not first_opens else layout[0] - 1)


class SealedReader:
    """A sealed file read from any offset, each chunk checked as it is read. Opening checks
    that the file is finished, unless UNFINISHED_OK: an unfinished file (being written, or
    left by a crash) then shows the whole chunks it holds."""

    def __init__(self, path, key: bytes, name: str, *, unfinished_ok: bool = False) -> None:
        self.path = Path(path)
        self._fd = os.open(self.path, _READING)
        try:
            self._chunks = _Chunks(self._fd, self.path, key, name)
            header = self._chunks.header
            self.take_id, self.meta = header.take_id, header.meta
            self.chunk_size = header.chunk_size
            finished = self._chunks.finished()
            self.finished = finished is not None
            if finished is None:
                if not unfinished_ok:
                    raise self._chunks.why_unfinished()
                self._count = self._chunks.present()
                self.size = self._count * header.chunk_size
                self._cached: tuple[int, memoryview] = (-1, memoryview(b""))
            else:
                self._count, last = finished
                self.size = (self._count - 1) * header.chunk_size + len(last)
                self._cached = (self._count - 1, memoryview(last))  # opened, and often read
        except BaseException:
            os.close(self._fd)
            raise

    def read_at(self, offset: int, length: int) -> bytes:
        """Up to LENGTH plaintext bytes from OFFSET (fewer only at the end)."""
        out = bytearray(max(0, min(length, self.size - offset)))
        self.readinto_at(offset, out)
        return bytes(out)

    def readinto_at(self, offset: int, buffer) -> int:
        """Plaintext from OFFSET into BUFFER (writable bytes), as much as fits; the bytes put."""
        if offset < 0:
            raise ValueError("offset must not be negative")
        out, filled = memoryview(buffer).cast("B"), 0
        end = min(self.size, offset + len(out))
        while offset + filled < end:
            index, within = divmod(offset + filled, self.chunk_size)
            piece = self._plain(index)[within:within + end - offset - filled]
            out[filled:filled + len(piece)] = piece
            filled += len(piece)
        return filled

    def _plain(self, index: int) -> memoryview:
        cached_index, cached = self._cached
        if cached_index == index:
            return cached
        plain = self._chunks.open(index, last=self.finished and index == self._count - 1)
        if plain is None:
            raise damaged_chunk(self.path, index)
        self._cached = (index, memoryview(plain))
        return self._cached[1]

    def close(self) -> None:
        """Close the file (again does nothing)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> SealedReader:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _write_at(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


def _seal_end(fd: int, aead: AESGCM, header: Header, index: int, tail: bytes) -> None:
    """Make TAIL chunk INDEX, the last, in place of whatever was there and after, and sync."""
    os.ftruncate(fd, chunk_offset(header, index))
    _write_at(fd, seal_chunk(aead, header, index, tail, last=True), chunk_offset(header, index))
    os.fsync(fd)


class SealedWriter:
    """A new sealed file written as a stream, each chunk sealed and written once full. A write
    that failed (a full disk) is tried again by the next, with the same nonce and bytes."""

    def __init__(self, path, key: bytes, name: str, take_id: int, meta: dict,
                 chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if chunk_size < 1:
            raise ValueError("chunk size must be positive")
        self.path = Path(path)
        self._header = new_header(chunk_size, take_id, meta)
        self._aead = file_aead(key, self._header.salt, name)
        self._key, self._name = key, name
        self._fd = create_exclusively(self.path)
        try:
            _write_at(self._fd, self._header.raw, 0)
        except BaseException:
            os.close(self._fd)
            self.path.unlink(missing_ok=True)
            raise
        self._buffer = bytearray()
        self.sealed_bytes = 0
        self.written_bytes = 0

    def write(self, data) -> None:
        """Add DATA; every chunk it fills is sealed and written."""
        self._buffer += data
        self.written_bytes += len(data)
        self._seal_whole_chunks(self.written_bytes)

    def _seal_whole_chunks(self, up_to: int) -> None:
        size = self._header.chunk_size
        whole = (up_to - self.sealed_bytes) // size
        if whole <= 0:
            return
        first = self.sealed_bytes // size
        view = memoryview(self._buffer)
        sealed = b"".join(seal_chunk(self._aead, self._header, first + i,
                                view[i * size:(i + 1) * size], last=False)
                          for i in range(whole))
        view.release()
        _write_at(self._fd, sealed, chunk_offset(self._header, first))
        del self._buffer[:whole * size]
        self.sealed_bytes += whole * size

    def sync(self) -> None:
        """Put what was sealed on disk."""
        os.fsync(self._fd)

    def finish(self, keep_bytes: int | None = None) -> None:
        """Keep the first KEEP_BYTES (all by default; they may end inside a chunk already
        written, which is read back and sealed again as the last), seal the rest as the last
        chunk, sync and close."""
        keep = self.written_bytes if keep_bytes is None else keep_bytes
        if not 0 <= keep <= self.written_bytes:
            raise ValueError(f"cannot keep {keep} of {self.written_bytes} bytes")
        size = self._header.chunk_size
        if keep >= self.sealed_bytes:
            self._seal_whole_chunks(keep)
            index = self.sealed_bytes // size
            tail = bytes(self._buffer[:keep - self.sealed_bytes])
        else:
            index, within = divmod(keep, size)
            tail = self._read_back(index)[:within] if within else b""
        _seal_end(self._fd, self._aead, self._header, index, tail)
        self.sealed_bytes = self.written_bytes = keep
        self._buffer.clear()
        self.close()

    def _read_back(self, index: int) -> bytes:
        fd = os.open(self.path, _READING)
        try:
            chunks = _Chunks(fd, self.path, self._key, self._name)
            plain = chunks.open(index, last=False)
        finally:
            os.close(fd)
        if plain is None:
            raise damaged_chunk(self.path, index)
        return plain

    def close(self) -> None:
        """Close the file as it is, unfinished unless `finish` ran (`recover` ends it)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def recover(path, key: bytes, name: str, keep_bytes: int | None = None) -> int:
    """End a file its writer left unfinished: keep every chunk that opens, in order from the
    first (and at most KEEP_BYTES), and seal the end. Returns the plaintext bytes kept. A
    finished file is left as it is."""
    path = Path(path)
    fd = os.open(path, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    try:
        chunks = _Chunks(fd, path, key, name)
        finished = chunks.finished()
        if finished is not None:
            count, last = finished
            return (count - 1) * chunks.header.chunk_size + len(last)
        size = chunks.header.chunk_size
        present = chunks.present()
        wanted = present * size if keep_bytes is None else min(keep_bytes, present * size)
        opened, last_plain = 0, b""
        while opened * size < wanted:
            plain = chunks.open(opened, last=False)
            if plain is None:
                break
            opened, last_plain = opened + 1, plain
        kept = min(opened * size, wanted)
        index, within = divmod(kept, size)
        tail = last_plain[:within] if within else b""
        _seal_end(fd, chunks.aead, chunks.header, index, tail)
        return kept
    finally:
        os.close(fd)


def _sealed_bytes(header: Header, aead: AESGCM, data) -> list[bytes]:
    size, view = header.chunk_size, memoryview(data)
    whole = len(view) // size
    return [header.raw] + [seal_chunk(aead, header, index, view[index * size:(index + 1) * size],
                                 last=index == whole) for index in range(whole + 1)]


def seal_file(path, data: bytes, key: bytes, name: str, take_id: int, meta: dict, *,
              replace: bool = False, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
    """Write DATA sealed as the file PATH, whole or not at all; a file at PATH is written over
    only if REPLACE."""
    header = new_header(chunk_size, take_id, meta)
    aead = file_aead(key, header.salt, name)
    with (replaced_atomically if replace else created_atomically)(Path(path)) as file:
        for piece in _sealed_bytes(header, aead, data):
            file.write(piece)


def open_file(path, key: bytes, name: str) -> bytes:
    """The whole plaintext of the finished sealed file PATH."""
    with SealedReader(path, key, name) as reader:
        return reader.read_at(0, reader.size)


class SealedLog:
    """A new append-only file of records (a journal, a MIDI log), each sealed and on disk
    before `append` returns; one whose write failed is written again, as sealed, with the next."""

    def __init__(self, path, key: bytes, name: str, take_id: int) -> None:
        self.path = Path(path)
        self._header = new_header(LOG_CHUNK_SIZE, take_id, {"kind": "log"})
        self._aead = file_aead(key, self._header.salt, name)
        self._fd = create_exclusively(self.path)
        self._end, self._index, self._pending = 0, 0, bytearray(self._header.raw)
        try:
            self._flush()
        except BaseException:
            self.close()
            self.path.unlink(missing_ok=True)
            raise

    def append(self, record: bytes) -> None:
        """Seal RECORD after the others, write it and sync."""
        sealed = seal_chunk(self._aead, self._header, self._index, record, last=False)
        self._index += 1
        self._pending += _RECORD_LENGTH.pack(len(sealed)) + sealed
        self._flush()

    def _flush(self) -> None:
        _write_at(self._fd, bytes(self._pending), self._end)
        os.fsync(self._fd)
        self._end += len(self._pending)
        self._pending.clear()

    def close(self) -> None:
        """Close the file (again does nothing)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def read_sealed_log(path, key: bytes, name: str) -> list[bytes]:
    """The records of a sealed log, in order, up to a last one torn by a crash."""
    path = Path(path)
    with open(path, "rb") as file:
        header = parse_header(file.fileno(), path)
        data = file.read()[len(header.raw):] if header.chunk_size == LOG_CHUNK_SIZE else None
    if data is None:
        raise not_sealed(path)
    aead = file_aead(key, header.salt, name)
    records, offset = [], 0
    while offset + _RECORD_LENGTH.size <= len(data):
        (length,) = _RECORD_LENGTH.unpack_from(data, offset)
        start, end = offset + _RECORD_LENGTH.size, offset + _RECORD_LENGTH.size + length
        if end > len(data):
            break  # torn while written
        try:
            records.append(aead.decrypt(nonce(header.prefix, len(records), False),
                                        data[start:end], header.raw))
        except InvalidTag:
            if records and end == len(data):
                break  # the last record, torn by a crash
            raise (damaged_chunk(path, len(records)) if records
                   else sealed_elsewhere(path)) from None
        offset = end
    return records
