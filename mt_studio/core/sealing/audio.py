"""Sealed audio: a sealed file of samples read by soundfile as the WAV it stands for, and mono
float32 renders written plain (a WAV, by libsndfile) or sealed, as their sources are.

A sealed audio file holds the raw samples only, its meta the sample rate and format; the
reader shows libsndfile the header `wav_stream.header` makes for them, then the samples,
opening only the chunks read, so a seek costs one chunk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf

from mt_studio.core.capture.wav_stream import MAX_DATA_BYTES, SampleFormat, header
from mt_studio.core.sealing import keyring
from mt_studio.core.sealing.files import PlainView, Sealing
from mt_studio.core.sealing.stream import SealedFileError, SealedReader, SealedWriter
from mt_studio.i18n import _

_HASH_BYTES = 1 << 20


def _audio_format(reader: SealedReader) -> tuple[int, SampleFormat]:
    """The sample rate and format a sealed audio file's meta says."""
    try:
        rate, sample_format = int(reader.meta["samplerate"]), SampleFormat(reader.meta["format"])
        if rate > 0:
            return rate, sample_format
    except (KeyError, TypeError, ValueError):
        pass
    raise SealedFileError(_("The file {path} is sealed, but not as audio.")
                          .format(path=reader.path), reader.path)


class _WavView(PlainView):
    """A sealed audio file as a WAV. libsndfile reads through callbacks that cannot raise, so
    a chunk that fails is kept here (and nothing read) for the sound file to raise."""

    failure: Exception | None = None

    def readinto(self, buffer) -> int:
        try:
            return super().readinto(buffer)
        except (SealedFileError, OSError) as error:
            self.failure = error
            return 0


class SealedSoundFile(sf.SoundFile):
    """A sound file read from a sealed audio file; a chunk that fails raises SealedFileError
    naming the file, from the read that met it (a seek reads nothing)."""

    def __init__(self, view: _WavView) -> None:
        self._view = view
        super().__init__(view, mode="r")

    def _checked(self, method, *args, **kwargs):
        try:
            result = method(*args, **kwargs)
        finally:
            failure, self._view.failure = self._view.failure, None
            if failure is not None:
                raise failure
        return result

    def read(self, *args, **kwargs):
        return self._checked(super().read, *args, **kwargs)

    def buffer_read_into(self, *args, **kwargs):
        return self._checked(super().buffer_read_into, *args, **kwargs)

    def close(self) -> None:
        super().close()
        self._view.close()


def open_sealed_audio(path: Path) -> sf.SoundFile:
    """The sealed audio file PATH opened for reading as the WAV it stands for. A file still
    being recorded (its take's lock held) shows the chunks written so far, as a WAV being
    recorded does."""
    key, name = keyring.file_key(Path(path))
    try:
        reader = SealedReader(path, key, name)
    except SealedFileError:
        from mt_studio.core.capture.take_capture import still_recording

        if not still_recording(Path(path).parent):
            raise
        reader = SealedReader(path, key, name, unfinished_ok=True)
    try:
        rate, sample_format = _audio_format(reader)
        frames = reader.size // sample_format.sample_bytes
        # Beyond a WAV's 32-bit sizes the header says "to the end of the file".
        fits = frames * sample_format.sample_bytes <= MAX_DATA_BYTES
        view = _WavView(reader, header(rate, sample_format, frames if fits else None))
    except BaseException:
        reader.close()
        raise
    return SealedSoundFile(view)


def sealed_samples_hash(path: Path, samplerate: int, sample_format: SampleFormat) -> str | None:
    """The SHA-256 of the samples of the sealed audio file PATH, or None when it is not the
    file recorded: sealed at another rate or format, or cut or damaged (SealedFileError only
    when its key cannot be had)."""
    return _plaintext_hash(path, lambda reader: _audio_format(reader) == (
        samplerate, sample_format) and reader.size % sample_format.sample_bytes == 0)


def sealed_file_hash(path: Path) -> str | None:
    """The SHA-256 of the whole plaintext of the sealed file PATH, or None when it is cut or
    damaged (SealedFileError only when its key cannot be had)."""
    return _plaintext_hash(path, lambda _reader: True)


def _plaintext_hash(path: Path, fits: Callable[[SealedReader], bool]) -> str | None:
    key, name = keyring.file_key(Path(path))
    try:
        with SealedReader(path, key, name) as reader:
            if not fits(reader):
                return None
            digest = hashlib.sha256()
            for offset in range(0, reader.size, _HASH_BYTES):
                digest.update(reader.read_at(offset, _HASH_BYTES))
            return digest.hexdigest()
    except SealedFileError:
        return None  # cut short, damaged or moved: not the file recorded


class FloatWavWriter:
    """A new mono float32 render at PATH: a WAV written by libsndfile, or, with SEALING, a
    sealed file of the samples (sealed as they come, so memory stays small); finished when the
    block ends without an error."""

    def __init__(self, path: Path, samplerate: int, sealing: Sealing | None) -> None:
        if sealing is None:
            self._plain: sf.SoundFile | None = sf.SoundFile(path, "w", samplerate, 1, "FLOAT",
                                                            format="WAV")
            self._sealed = None
        else:
            self._plain = None
            self._sealed = SealedWriter(path, sealing.key, sealing.name, sealing.take_id,
                                        {"samplerate": samplerate, "format": "float32"})

    def write(self, samples: np.ndarray) -> None:
        """Append SAMPLES (mono float32 frames)."""
        if self._plain is not None:
            self._plain.write(samples)
        else:
            data = np.ascontiguousarray(samples, dtype="<f4")
            self._sealed.write(memoryview(data).cast("B"))

    def __enter__(self) -> FloatWavWriter:
        return self

    def __exit__(self, kind, _error, _trace) -> None:
        if self._plain is not None:
            self._plain.close()
        elif kind is None:
            self._sealed.finish()
        else:
            self._sealed.close()
