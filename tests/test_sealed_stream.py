"""Sealed files: written as a stream, read from anywhere, recovered after a crash, and refused,
naming the file, when moved, cut short, altered or opened with another key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mt_studio.core.errors import InputError, LibraryError
from mt_studio.core.sealing import keyring
from mt_studio.core.sealing.stream import (
    TAG_BYTES,
    SealedFileError,
    SealedLog,
    SealedReader,
    SealedWriter,
    is_sealed,
    open_file,
    read_header,
    read_sealed_log,
    recover,
    seal_file,
)

CHUNK = 64
KEY = bytes(range(32))
NAME = "audio/take-12/track-34.wav"
META = {"samplerate": 48000, "format": "pcm24"}


def data_of(size: int, seed: int = 0) -> bytes:
    return bytes((i * 7 + seed) % 251 for i in range(size))


def sealed(path: Path, data: bytes, name: str = NAME, pieces: int = 3, key: bytes = KEY,
           take_id: int = 12) -> Path:
    """DATA sealed at PATH through a writer fed in PIECES writes."""
    writer = SealedWriter(path, key, name, take_id, META, chunk_size=CHUNK)
    step = max(1, len(data) // pieces)
    for start in range(0, len(data), step):
        writer.write(data[start:start + step])
    writer.finish()
    return path


def offset_of(path: Path, index: int) -> int:
    header = read_header(path)
    return len(header.raw) + index * (header.chunk_size + TAG_BYTES)


def refused(path: Path, *, name: str = NAME, key: bytes = KEY) -> SealedFileError:
    """The error reading all of PATH gives (it must give one)."""
    with pytest.raises(SealedFileError) as caught:
        open_file(path, key, name)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
    assert isinstance(caught.value, InputError)
    return caught.value


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK, 5 * CHUNK + 17])
def test_a_sealed_file_reads_back_whole_at_every_size(tmp_path, size):
    data = data_of(size)
    path = sealed(tmp_path / "f", data)
    assert is_sealed(path)
    assert open_file(path, KEY, NAME) == data
    with SealedReader(path, KEY, NAME) as reader:
        assert (reader.size, reader.take_id, reader.meta) == (size, 12, META)
    # no plaintext run of the data is left on disk
    assert size < 8 or data[:8] not in path.read_bytes()


@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 6 * CHUNK), reads=st.lists(st.tuples(st.integers(0, 7 * CHUNK),
                                                               st.integers(0, 3 * CHUNK)),
                                                     max_size=8))
def test_a_sealed_file_reads_at_any_offset(tmp_path_factory, size, reads):
    data = data_of(size, seed=size)
    path = sealed(tmp_path_factory.mktemp("s") / "f", data)
    with SealedReader(path, KEY, NAME) as reader:
        for offset, length in reads:
            assert reader.read_at(offset, length) == data[offset:offset + length]


def test_seal_file_and_is_sealed(tmp_path):
    plain = tmp_path / "plain.mid"
    plain.write_bytes(b"MThd" + bytes(40))
    assert not is_sealed(plain) and not is_sealed(tmp_path / "none")
    seal_file(tmp_path / "s", data_of(1000), KEY, NAME, 7, {"kind": "midi"})
    assert open_file(tmp_path / "s", KEY, NAME) == data_of(1000)
    assert read_header(tmp_path / "s").take_id == 7
    seal_file(tmp_path / "s", b"new", KEY, NAME, 7, {"kind": "midi"}, replace=True)
    assert open_file(tmp_path / "s", KEY, NAME) == b"new"
    with pytest.raises(SealedFileError, match="not a sealed file"):
        open_file(plain, KEY, NAME)


@settings(max_examples=40, deadline=None)
@given(size=st.integers(0, 5 * CHUNK), cut=st.floats(0, 1))
def test_finish_keeps_a_beginning_even_inside_a_chunk_already_written(tmp_path_factory, size,
                                                                      cut):
    data = data_of(size)
    keep = int(size * cut)
    path = tmp_path_factory.mktemp("k") / "f"
    writer = SealedWriter(path, KEY, NAME, 12, META, chunk_size=CHUNK)
    writer.write(data)
    assert writer.sealed_bytes == size // CHUNK * CHUNK and writer.written_bytes == size
    writer.finish(keep)
    assert open_file(path, KEY, NAME) == data[:keep]


def test_a_flipped_byte_anywhere_is_refused(tmp_path):
    data = data_of(4 * CHUNK + 10)
    path = sealed(tmp_path / "f", data)
    original = path.read_bytes()
    header_bytes = len(read_header(path).raw)
    for position, says in ((offset_of(path, 1) + 5, "chunk 1 is damaged"),
                           (offset_of(path, 4) + 3, "chunk 4 is damaged"),
                           (9, "cannot be opened"),            # the chunk size
                           (20, "cannot be opened"),           # the salt
                           (header_bytes - 3, "cannot be opened"),  # the meta
                           (0, "not a sealed file")):
        damaged = bytearray(original)
        damaged[position] ^= 0x01
        path.write_bytes(bytes(damaged))
        assert says in str(refused(path))


def test_a_chunk_from_another_file_or_another_place_is_refused(tmp_path):
    data, other_data = data_of(4 * CHUNK + 10), data_of(4 * CHUNK + 10, seed=3)
    path = sealed(tmp_path / "f", data)
    other = sealed(tmp_path / "g", other_data, name="audio/take-12/track-35.wav")
    original = path.read_bytes()
    step = CHUNK + TAG_BYTES

    def with_chunk(source: bytes, at: int) -> None:
        damaged = bytearray(original)
        damaged[offset_of(path, 2):offset_of(path, 2) + step] = source[at:at + step]
        path.write_bytes(bytes(damaged))

    with_chunk(other.read_bytes(), offset_of(other, 2))  # same key and index, other file
    assert "chunk 2 is damaged" in str(refused(path))
    with_chunk(original, offset_of(path, 1))  # the same file's chunk 1 in place of chunk 2
    assert "chunk 2 is damaged" in str(refused(path))
    path.write_bytes(original)
    assert "cannot be opened" in str(refused(path, name="audio/take-13/track-34.wav"))
    assert "cannot be opened" in str(refused(path, key=bytes(32)))
    assert open_file(path, KEY, NAME) == data


def test_a_file_cut_short_is_refused(tmp_path):
    data = data_of(4 * CHUNK + 10)
    path = sealed(tmp_path / "f", data)
    original = path.read_bytes()
    for length, says in ((offset_of(path, 4), "cut off before its end"),  # last chunk missing
                         (offset_of(path, 3) + 8, "cut off before its end"),  # fits no layout
                         (offset_of(path, 3) + 30, "chunk 3 is damaged"),  # inside a chunk
                         (offset_of(path, 4) + 8, "cut off before its end"),  # in the last tag
                         (offset_of(path, 0), "cut off before its end"),  # only the header
                         (20, "cut off before its end")):  # inside the header
        path.write_bytes(original[:length])
        assert says in str(refused(path)), length


def test_an_unfinished_file_reads_its_whole_chunks_when_allowed(tmp_path):
    data = data_of(3 * CHUNK + 5)
    writer = SealedWriter(tmp_path / "f", KEY, NAME, 12, META, chunk_size=CHUNK)
    writer.write(data)
    writer.sync()
    assert "cut off" in str(refused(tmp_path / "f"))
    with SealedReader(tmp_path / "f", KEY, NAME, unfinished_ok=True) as reader:
        assert not reader.finished and reader.size == 3 * CHUNK
        assert reader.read_at(0, 10 * CHUNK) == data[:3 * CHUNK]
    writer.close()


@pytest.mark.parametrize("cut_inside_chunk", [False, True])
@pytest.mark.parametrize("keep_bytes", [None, 2 * CHUNK + 9, 10 * CHUNK])
def test_recovery_keeps_every_chunk_that_opens_and_is_idempotent(tmp_path, cut_inside_chunk,
                                                                 keep_bytes):
    data = data_of(5 * CHUNK + 20)
    path = tmp_path / "f"
    writer = SealedWriter(path, KEY, NAME, 12, META, chunk_size=CHUNK)
    writer.write(data)
    writer.close()  # killed: the 20 buffered bytes and the end were never written
    if cut_inside_chunk:
        os.truncate(path, offset_of(path, 4) + 33)  # chunk 4 torn
    whole = (4 if cut_inside_chunk else 5) * CHUNK
    expected = whole if keep_bytes is None else min(whole, keep_bytes)
    assert recover(path, KEY, NAME, keep_bytes) == expected
    after_once = path.read_bytes()
    assert open_file(path, KEY, NAME) == data[:expected]
    assert recover(path, KEY, NAME, keep_bytes) == expected
    assert recover(path, KEY, NAME) == expected
    assert path.read_bytes() == after_once


def test_recovery_stops_at_the_first_chunk_that_does_not_open(tmp_path):
    data = data_of(5 * CHUNK)
    path = tmp_path / "f"
    writer = SealedWriter(path, KEY, NAME, 12, META, chunk_size=CHUNK)
    writer.write(data)
    writer.close()
    damaged = bytearray(path.read_bytes())
    damaged[offset_of(path, 2) + 1] ^= 0x80
    path.write_bytes(bytes(damaged))
    assert recover(path, KEY, NAME) == 2 * CHUNK
    assert open_file(path, KEY, NAME) == data[:2 * CHUNK]


def test_a_writer_never_writes_over_a_file(tmp_path):
    (tmp_path / "f").write_bytes(b"a recording")
    with pytest.raises(LibraryError, match="never writes over"):
        SealedWriter(tmp_path / "f", KEY, NAME, 12, META)
    assert (tmp_path / "f").read_bytes() == b"a recording"


def test_a_sealed_log_reads_back_up_to_a_torn_last_record(tmp_path):
    path = tmp_path / "journal"
    log = SealedLog(path, KEY, "audio/take-12/journal", 12)
    records = [b"", b"first", bytes(300), b"last one"]
    for record in records:
        log.append(record)
    log.close()
    assert read_sealed_log(path, KEY, "audio/take-12/journal") == records
    assert b"first" not in path.read_bytes()
    whole = path.read_bytes()
    for torn in (len(whole) - 1, len(whole) - 9, len(whole) - len(b"last one") - 18):
        path.write_bytes(whole[:torn])
        assert read_sealed_log(path, KEY, "audio/take-12/journal") == records[:3]
    damaged = bytearray(whole)
    damaged[-1] ^= 1  # the last record altered whole: taken as torn
    path.write_bytes(bytes(damaged))
    assert read_sealed_log(path, KEY, "audio/take-12/journal") == records[:3]
    damaged = bytearray(whole)
    damaged[len(read_header(path).raw) + 30] ^= 1  # a record before the last
    path.write_bytes(bytes(damaged))
    with pytest.raises(SealedFileError, match="damaged"):
        read_sealed_log(path, KEY, "audio/take-12/journal")
    path.write_bytes(whole)
    with pytest.raises(SealedFileError, match="cannot be opened"):
        read_sealed_log(path, KEY, "audio/take-13/journal")


def test_a_one_record_log_with_another_key_is_refused_not_read_as_empty(tmp_path):
    log = SealedLog(tmp_path / "j", KEY, "j", 1)
    log.append(b"record")
    log.close()
    with pytest.raises(SealedFileError, match="cannot be opened"):
        read_sealed_log(tmp_path / "j", bytes(32), "j")


def test_the_keyring_gives_a_file_its_take_key_and_name_in_the_library(tmp_path):
    library = tmp_path / "library"
    part = library / "audio" / "take-12" / "track-34.wav"
    part.parent.mkdir(parents=True)
    keys = {12: KEY}
    assert keyring.writing_key(part, 12) is None  # a plain library: written plain
    keyring.install(library, keys.get)
    try:
        key, name = keyring.writing_key(part, 12)
        assert (key, name) == (KEY, NAME)
        seal_file(part, b"samples", key, name, 12, META)
        assert keyring.file_key(part) == (KEY, NAME)
        assert open_file(part, *keyring.file_key(part)) == b"samples"
        del keys[12]  # the take deleted: its key is gone
        with pytest.raises(SealedFileError, match="take was deleted"):
            keyring.file_key(part)
        with pytest.raises(SealedFileError, match="take was deleted"):
            keyring.writing_key(part, 12)
    finally:
        keyring.uninstall(library)
    with pytest.raises(SealedFileError, match="no library") as caught:
        keyring.file_key(part)
    assert str(part) in str(caught.value)


def test_the_keyring_names_a_file_by_where_it_really_lies_and_only_inside_its_library(tmp_path):
    library = tmp_path / "library"
    part = library / "audio" / "take-12" / "track-34.wav"
    part.parent.mkdir(parents=True)
    beside = tmp_path / "library-old" / "audio" / "take-12" / "track-34.wav"
    beside.parent.mkdir(parents=True)
    (tmp_path / "link").symlink_to(library)
    keyring.install(tmp_path / "link", {12: KEY}.get)
    try:
        assert keyring.writing_key(part, 12) == (KEY, NAME)
        assert keyring.writing_key(tmp_path / "link" / NAME, 12) == (KEY, NAME)
        assert keyring.writing_key(beside, 12) is None  # a folder whose name begins alike
    finally:
        keyring.uninstall(library)
    assert keyring.writing_key(part, 12) is None
