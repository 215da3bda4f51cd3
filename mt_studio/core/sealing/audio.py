"""Sealed audio: a sealed file of samples read as the WAV it stands for, and mono float32
renders written plain (a WAV, by libsndfile) or sealed, as their sources are.

A sealed audio file holds the raw samples only, its meta the sample rate and format. They are
read as soundfile reads a WAV, opening only the chunks read, so a seek costs one chunk: the
sample types the engines read are decoded with numpy straight from the chunks (libsndfile
would ask Python for every 8 KiB), any other through libsndfile, shown the header
`wav_stream.header` makes for the samples.
"""

from __future__ import annotations

import hashlib
import io
import sys
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
_INT_SCALE = 2.0 ** -31  # libsndfile's float of a 24-bit sample read as int32 (sample << 8)
# Sample types decoded with numpy, exactly as libsndfile converts them (the samples are
# little-endian, as numpy's own types are where mt_studio runs; elsewhere libsndfile decodes).
_DECODED = {(SampleFormat.PCM24, "int32"), (SampleFormat.PCM24, "float32"),
            (SampleFormat.PCM24, "float64"), (SampleFormat.FLOAT32, "float32"),
            (SampleFormat.FLOAT32, "float64")} if sys.byteorder == "little" else set()


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


class SealedAudioFile:
    """A sealed audio file read as the mono WAV it stands for: what the engines use of a
    `soundfile.SoundFile` opened for reading, with its answers (a chunk that fails raises
    SealedFileError naming the file, from the read that met it)."""

    channels = 1
    format = "WAV"

    def __init__(self, reader: SealedReader) -> None:
        self.samplerate, self._format = _audio_format(reader)
        self._reader = reader
        self.name = str(reader.path)
        self.subtype = "PCM_24" if self._format is SampleFormat.PCM24 else "FLOAT"
        self.frames = reader.size // self._format.sample_bytes
        self._position = 0
        self._raw = bytearray()
        self._words = np.empty(0, dtype=np.int32)
        self._libsndfile: SealedSoundFile | None = None
        self.closed = False

    def seek(self, frames: int, whence: int = io.SEEK_SET) -> int:
        """Read from frame FRAMES (from the start, the position or the end) next; where."""
        self._check_open()
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.frames}[whence]
        if not 0 <= base + frames <= self.frames:
            raise sf.SoundFileRuntimeError(f"cannot seek to frame {base + frames} of "
                                           f"{self.frames}")
        self._position = base + frames
        return self._position

    def tell(self) -> int:
        """The frame read next."""
        return self._position

    def read(self, frames: int = -1, dtype: str = "float64", always_2d: bool = False,
             fill_value: float | None = None, out: np.ndarray | None = None) -> np.ndarray:
        """As `soundfile.SoundFile.read`: up to FRAMES frames (all left if negative) as DTYPE,
        into OUT if given (its type then), the frames past the end FILL_VALUE if given."""
        self._check_open()
        if out is None:
            left = self.frames - self._position
            if frames < 0 or (frames > left and fill_value is None):
                frames = left
            out = np.empty((frames, 1) if always_2d else frames, dtype=dtype)
        elif frames < 0 or frames > len(out):
            frames = len(out)
        if ((self._format, out.dtype.name) not in _DECODED or not out.flags.c_contiguous
                or out.size != len(out)):
            return self._read_by_libsndfile(frames, always_2d, fill_value, out)
        got = min(frames, self.frames - self._position)
        self._decode(out.reshape(-1)[:got])
        self._position += got
        if len(out) > got:
            if fill_value is None:
                return out[:got]
            out[got:] = fill_value
        return out

    def _check_open(self) -> None:
        if self.closed:
            raise sf.SoundFileRuntimeError("I/O operation on closed file")

    def _decode(self, target: np.ndarray) -> None:
        """Fill TARGET with the frames from the position on, as libsndfile would (the file
        holds them: the reader fills all it is given)."""
        width = self._format.sample_bytes
        offset = self._position * width
        if self._format is SampleFormat.FLOAT32 and target.dtype == np.float32:
            self._reader.readinto_at(offset, memoryview(target).cast("B"))
            return
        size = len(target) * width
        if len(self._raw) < size + 1:
            self._raw = bytearray(size + 1)  # a spare byte after the last sample: see below
        self._reader.readinto_at(offset, memoryview(self._raw)[:size])
        if self._format is SampleFormat.FLOAT32:
            target[:] = np.frombuffer(self._raw, dtype="<f4", count=len(target))
            return
        # Each 24-bit sample read as the 32-bit integer at its first byte, whose top byte (the
        # next sample's first) is shifted out: sample << 8, in one pass.
        samples = np.ndarray(len(target), dtype="<i4", buffer=self._raw, strides=(3,))
        if target.dtype == np.int32:
            np.left_shift(samples, 8, out=target)
        else:
            words = self._words_for(len(target))
            np.left_shift(samples, 8, out=words)
            np.multiply(words, _INT_SCALE, out=target, dtype=target.dtype)

    def _words_for(self, count: int) -> np.ndarray:
        if len(self._words) < count:
            self._words = np.empty(count, dtype=np.int32)
        return self._words[:count]

    def _read_by_libsndfile(self, frames: int, always_2d: bool, fill_value: float | None,
                            out: np.ndarray) -> np.ndarray:
        """Any other sample type, as libsndfile converts it from the WAV."""
        if self._libsndfile is None:
            self._libsndfile = SealedSoundFile(_wav_view(self._reader, self._format))
        self._libsndfile.seek(self._position)
        result = self._libsndfile.read(frames, always_2d=always_2d, fill_value=fill_value,
                                       out=out)
        self._position = self._libsndfile.tell()
        return result

    def close(self) -> None:
        """Close the file (again does nothing)."""
        if self._libsndfile is not None:
            self._libsndfile.close()
        self._reader.close()
        self.closed = True

    def __enter__(self) -> SealedAudioFile:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _wav_view(reader: SealedReader, sample_format: SampleFormat) -> _WavView:
    """The sealed samples of READER as the WAV file they stand for."""
    rate = _audio_format(reader)[0]
    frames = reader.size // sample_format.sample_bytes
    # Beyond a WAV's 32-bit sizes the header says "to the end of the file".
    fits = frames * sample_format.sample_bytes <= MAX_DATA_BYTES
    return _WavView(reader, header(rate, sample_format, frames if fits else None))


def open_sealed_audio(path: Path) -> SealedAudioFile:
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
        return SealedAudioFile(reader)
    except BaseException:
        reader.close()
        raise


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
