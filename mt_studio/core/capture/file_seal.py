"""What seals one file of a take: the take's key and id and the file's name in the library.

The studio hands the capture engine a take's key (None: a plain library, plain files as
before); every file the engine makes of the take is then sealed (sealing/stream.py) under it,
bound to the take and to the name the file lives at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from mt_studio.core.capture.wav_stream import SampleFormat


@dataclass(frozen=True)
class FileSeal:
    """The take KEY (kept out of any repr), its TAKE_ID and NAME, the file's library-relative
    POSIX path."""

    key: bytes = field(repr=False)
    take_id: int
    name: str


def seal_for(key: bytes | None, take_id: int | None, name: str | PurePosixPath
             ) -> FileSeal | None:
    """The seal of the file NAME of take TAKE_ID under KEY; None when KEY is (a plain file)."""
    if key is None:
        return None
    if take_id is None:
        raise ValueError("a take key needs the take's id")
    return FileSeal(key, take_id, PurePosixPath(name).as_posix())


def audio_meta(samplerate: int, sample_format: SampleFormat) -> dict:
    """What a sealed audio file's header says of its samples."""
    return {"samplerate": samplerate, "format": sample_format.value}


def audio_chunk_bytes(samplerate: int, sample_format: SampleFormat) -> int:
    """The plaintext bytes of each chunk of a sealed recording: whole samples, at most 64 KiB
    and at most an eighth of a second, so that a sync each second leaves at most that much
    sealed only in part (only whole chunks are durable)."""
    width = sample_format.sample_bytes
    return width * max(1, min(65536 // width, samplerate // 8))
