"""The sealed file format's parts (see stream.py): the header, the file key, the nonces, the
chunks' places, and the errors that name a file that cannot be read as it was sealed."""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mt_studio.core.errors import InputError
from mt_studio.i18n import _

MAGIC = b"MTSEALED"
VERSION = 1
TAG_BYTES = 16
DEFAULT_CHUNK_SIZE = 65536
FIXED = struct.Struct(">8sBIQ16s7sH")
INFO = b"mt-studio sealed file 1\0"
LOG_CHUNK_SIZE = 0  # a log's header says 0: its records have lengths of their own
MAX_INDEX = 0xFFFFFFFF


class SealedFileError(InputError):
    """A sealed file that cannot be read as it was sealed; the message names it and says why."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = Path(path)


def cut_off(path: Path) -> SealedFileError:
    """PATH ends before its last chunk."""
    return SealedFileError(_("The file {path} is cut off before its end.").format(path=path), path)


def damaged_chunk(path: Path, index: int) -> SealedFileError:
    """Chunk INDEX of PATH does not open (altered, or from another file or place)."""
    return SealedFileError(_("In the file {path}, chunk {index} is damaged or was moved from "
                             "another file.").format(path=path, index=index), path)


def sealed_elsewhere(path: Path) -> SealedFileError:
    """No chunk of PATH opens: another key or name, or a damaged header."""
    return SealedFileError(_("The file {path} cannot be opened: it was sealed for another "
                             "place or take, or it is damaged.").format(path=path), path)


def not_sealed(path: Path) -> SealedFileError:
    """PATH is no sealed file (of this kind)."""
    return SealedFileError(_("The file {path} is not a sealed file of this library.")
                           .format(path=path), path)


@dataclass(frozen=True)
class Header:
    """A sealed file's header as read (nothing in it is authenticated until a chunk opens)."""

    take_id: int
    chunk_size: int
    meta: dict
    salt: bytes
    prefix: bytes
    raw: bytes  # the header's bytes: every chunk's associated data


def new_header(chunk_size: int, take_id: int, meta: dict) -> Header:
    """A new file's header, with a fresh random salt and nonce prefix."""
    if not 0 <= chunk_size <= 0xFFFFFFFF or not 0 <= take_id <= 0xFFFFFFFFFFFFFFFF:
        raise ValueError("chunk size or take id out of range")
    encoded = json.dumps(meta, sort_keys=True, separators=(",", ":")).encode("utf-8")
    if len(encoded) > 0xFFFF:
        raise ValueError("meta too long for a sealed file's header")
    salt, prefix = os.urandom(16), os.urandom(7)
    raw = FIXED.pack(MAGIC, VERSION, chunk_size, take_id, salt, prefix, len(encoded)) + encoded
    return Header(take_id, chunk_size, dict(meta), salt, prefix, raw)


def parse_header(fd: int, path: Path) -> Header:
    """The header of the file open as FD (PATH, for the errors)."""
    fixed = os.pread(fd, FIXED.size, 0)
    if len(fixed) < len(MAGIC) or fixed[:len(MAGIC)] != MAGIC:
        raise not_sealed(path)
    if len(fixed) < FIXED.size:
        raise cut_off(path)
    _magic, version, chunk_size, take_id, salt, prefix, meta_len = FIXED.unpack(fixed)
    if version != VERSION:
        raise SealedFileError(_("The file {path} was sealed in a format this mt_studio does "
                                "not know (version {version}).")
                              .format(path=path, version=version), path)
    encoded = os.pread(fd, meta_len, FIXED.size)
    if len(encoded) < meta_len:
        raise cut_off(path)
    try:
        meta = json.loads(encoded.decode("utf-8"))
    except ValueError:
        meta = None
    if not isinstance(meta, dict):
        raise sealed_elsewhere(path)
    return Header(take_id, chunk_size, meta, salt, prefix, fixed + encoded)


def file_aead(key: bytes, salt: bytes, name: str) -> AESGCM:
    """The cipher of the file NAME sealed with SALT under the take key KEY."""
    if len(key) != 32:
        raise ValueError("a take key is 32 bytes")
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                       info=INFO + name.encode("utf-8")).derive(key))


def nonce(prefix: bytes, index: int, last: bool) -> bytes:
    """Chunk INDEX's nonce; LAST for the file's last chunk."""
    if index > MAX_INDEX:
        raise ValueError("a sealed file holds at most 2**32 chunks")
    return prefix + struct.pack(">IB", index, 1 if last else 0)


def chunk_offset(header: Header, index: int) -> int:
    """Where chunk INDEX begins in the file."""
    return len(header.raw) + index * (header.chunk_size + TAG_BYTES)


def seal_chunk(aead: AESGCM, header: Header, index: int, plaintext, last: bool) -> bytes:
    """PLAINTEXT sealed as chunk INDEX (the last, if LAST)."""
    return aead.encrypt(nonce(header.prefix, index, last), bytes(plaintext), header.raw)


def file_layout(file_bytes: int, header: Header) -> tuple[int, int] | None:
    """(chunks, plaintext bytes in the last) of a finished file this long, or None if none is."""
    whole, tail = divmod(file_bytes - len(header.raw), header.chunk_size + TAG_BYTES)
    if tail == 0 and whole > 0:
        return whole, header.chunk_size
    return (whole + 1, tail - TAG_BYTES) if whole >= 0 and tail >= TAG_BYTES else None
