"""Exporting a take: consent gate (before and while writing), formats, loudness, dither, the
share package and the export log. Real files, a real SQLite library."""

from __future__ import annotations

import hashlib
import json
import threading
import zipfile
from pathlib import Path

import mido
import numpy as np
import pytest
import soundfile as sf

from mt_studio.core.domain import Purpose
from mt_studio.core.errors import ConsentRefused, InputError
from mt_studio.core.export import ExportCancelled, ExportRequest, audio, run
from mt_studio.core.library import Library, audit, consent_ledger, exports
from mt_studio.core.mixing import TrackMix, stereo_gains
from mt_studio.core.presets import AudioFormat, ExportProfile
from tests.export_story import FORBIDDEN, RATE, SECONDS, a_song, band_take


@pytest.fixture
def story(library):
    return band_take(library)


def request(story, destination: Path, **fields) -> ExportRequest:
    fields.setdefault("purpose", Purpose.COMMUNITY)
    return ExportRequest(story.take_id, destination=destination, **fields)


def profile(**fields) -> ExportProfile:
    values = {"name": "test", "title": "Test", "format": AudioFormat.WAV, "bit_depth": 24,
              "samplerate": None, "loudness_lufs": None, "true_peak_dbtp": None,
              "stems": False, "source": Path("test.toml")}
    return ExportProfile(**{**values, **fields})


def everything_in(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


def test_an_export_lacking_consent_is_refused_naming_who_and_why_and_writes_nothing(
        library, studio, story, tmp_path):
    consent_ledger.withdraw(library.connection, story.kari, [Purpose.COMMUNITY])
    destination = tmp_path / "out"
    with pytest.raises(ConsentRefused) as refused:
        studio.sharing.export(request(story, destination, format=AudioFormat.FLAC, zip=True))
    assert "Kometen withdrew consent to community" in str(refused.value)
    assert refused.value.exit_code == 3
    assert not destination.exists() or everything_in(destination) == []
    assert library.connection.execute("SELECT count(*) FROM exports").fetchone() == (0,)


def test_only_the_people_heard_on_the_exported_tracks_must_consent(
        library, studio, story, tmp_path):
    consent_ledger.withdraw(library.connection, story.per, [Purpose.PUBLIC])
    with pytest.raises(ConsentRefused, match="Fiolinisten"):  # the room mic hears Per too
        studio.sharing.export(request(story, tmp_path, purpose=Purpose.PUBLIC))
    result = studio.sharing.export(request(story, tmp_path, purpose=Purpose.PUBLIC, stems=True,
                                           track_ids=(story.bass,)))  # Ola's DI alone
    assert [p.pseudonym for p in result.plan.heard] == ["Blåbær"]
    assert result.plan.credits == ("Ola Nordmann",)


def test_a_muted_track_is_left_out_of_the_stems_and_of_who_must_consent(
        library, studio, story, tmp_path):
    consent_ledger.withdraw(library.connection, story.per, [Purpose.GROUP])
    mixes = {story.room: TrackMix(mute=True), story.vocal: TrackMix(mute=True)}
    result = studio.sharing.export(request(story, tmp_path, purpose=Purpose.GROUP, stems=True,
                                           mixes=mixes, format=AudioFormat.WAV))
    audio_files = sorted(p.name for p in result.folder.glob("*.wav"))
    assert audio_files == ["Take 1 - 01 Bass.wav"]
    assert {p.pseudonym for p in result.plan.heard} == {"Blåbær", "Kometen"}


def test_a_withdrawal_while_the_files_are_written_stops_the_export_and_removes_them(
        library, studio, story, tmp_path, monkeypatch):
    started = threading.Event()

    def writes_until_stopped(sources, plan, output, path, gain, tags, stop, advance, effects):
        path.write_bytes(b"partial audio")
        started.set()
        stop.wait()  # a long export: only the watch can end it
        raise audio.Stopped

    monkeypatch.setattr(audio, "write", writes_until_stopped)
    monkeypatch.setattr(run, "RECHECK_SECONDS", 0.0)
    other = Library.open(library.location)  # another program (the window) withdraws meanwhile

    def withdraw_once_writing(_fraction: float) -> None:
        if started.is_set() and not consent_ledger.events(other.connection, [story.ola.id])[-1] \
                .action.value == "withdraw":
            consent_ledger.withdraw(other.connection, story.ola, [Purpose.COMMUNITY])

    destination = tmp_path / "out"
    with pytest.raises(ConsentRefused) as refused:
        studio.sharing.export(request(story, destination, zip=True),
                              progress=withdraw_once_writing)
    other.close()
    assert "Blåbær withdrew consent to community" in str(refused.value)
    assert "stopped" in str(refused.value)
    assert everything_in(destination) == []
    assert library.connection.execute("SELECT count(*) FROM exports").fetchone() == (0,)


def test_a_withdrawal_just_before_publishing_is_caught_by_the_last_check(
        library, studio, story, tmp_path, monkeypatch):
    real_watch = run._watch

    def watch_then_withdraw(gate, plan, job, progress, cancelled):
        real_watch(gate, plan, job, progress, cancelled)  # every file written
        with Library.open(library.location) as other:
            consent_ledger.withdraw(other.connection, story.per, [Purpose.COMMUNITY])

    monkeypatch.setattr(run, "_watch", watch_then_withdraw)
    with pytest.raises(ConsentRefused, match="Fiolinisten"):
        studio.sharing.export(request(story, tmp_path / "out", zip=True))
    assert everything_in(tmp_path / "out") == []


def test_cancelling_leaves_no_file_behind(studio, story, tmp_path, monkeypatch):
    real_write = audio.write
    writing = threading.Event()

    def slow_write(sources, plan, output, path, gain, tags, stop, *rest):
        real_write(sources, plan, output, path, gain, tags, stop, *rest)  # a whole file
        writing.set()
        stop.wait()  # and more to come, until the export is cancelled
        raise audio.Stopped

    monkeypatch.setattr(audio, "write", slow_write)
    destination = tmp_path / "out"
    with pytest.raises(ExportCancelled):
        studio.sharing.export(request(story, destination, format=AudioFormat.MP3, stems=True,
                                      zip=True), cancelled=writing.is_set)
    assert everything_in(destination) == []


def test_what_a_killed_export_left_is_swept_by_the_next(studio, story, tmp_path):
    destination = tmp_path / "out"
    stale = destination / ".Take 1.partial-999999999-abc123"
    stale.mkdir(parents=True)
    (stale / "Take 1.wav").write_bytes(b"half")
    (stale / ".mt-studio-export").write_text('{"folder": "Take 1", "zip": "Take 1.zip"}')
    (destination / "Take 1").mkdir()  # its reservations, still empty
    (destination / "Take 1.zip").write_bytes(b"")
    other = destination / ".backup.partial-20240101"  # somebody else's: left alone
    other.mkdir()
    result = studio.sharing.export(request(story, destination))
    assert sorted(p.name for p in destination.iterdir()) == [other.name, result.folder.name]
    assert result.folder.name == "Take 1"


@pytest.mark.parametrize("reserved", [
    {"folder": "../outside/empty", "zip": "../outside/empty.zip"},
    {"folder": "OUTSIDE/empty", "zip": "OUTSIDE/empty.zip"},  # an absolute path
    {"folder": "into-outside", "zip": "into-outside.zip"},  # links in the destination
])
def test_a_planted_marker_never_makes_the_sweep_remove_anything_outside_the_destination(
        studio, story, tmp_path, reserved):
    destination, outside = tmp_path / "out", tmp_path / "outside"
    (outside / "empty").mkdir(parents=True)
    (outside / "empty.zip").write_bytes(b"")
    (outside / "held").mkdir()
    (outside / "held" / "keep.wav").write_bytes(b"kept")
    (outside / "held" / ".mt-studio-export").write_text('{"folder": "x"}')
    destination.mkdir()
    (destination / "into-outside").symlink_to(outside / "empty")
    (destination / "into-outside.zip").symlink_to(outside / "empty.zip")
    planted = destination / ".Take 1.partial-999999999-abc123"
    planted.mkdir()
    (planted / ".mt-studio-export").write_text(
        json.dumps(reserved).replace("OUTSIDE", str(outside)))
    (destination / ".held.partial-999999999-def456").symlink_to(outside / "held")
    studio.sharing.export(request(story, destination))
    assert (outside / "empty").is_dir() and (outside / "empty.zip").is_file()
    assert (outside / "held" / "keep.wav").read_bytes() == b"kept"
    assert not planted.exists()  # its own hidden folder, inside, goes


@pytest.mark.parametrize("fmt", list(AudioFormat))
def test_no_name_pseudonym_or_therapy_detail_leaks_into_any_exported_byte(
        library, studio, story, tmp_path, fmt):
    a_song(library, story, [story.ola, story.kari])  # lyrics shared: both writers consent
    destination = tmp_path / "out"
    for stems in (True, False):
        studio.sharing.export(request(story, destination, format=fmt, stems=stems, zip=True,
                                      recipient="Fredrikstad kulturhus kor", group="Lysgruppa",
                                      profile=profile(loudness_lufs=-16.0, true_peak_dbtp=-1.0)))
    blobs = {}
    for path in everything_in(destination):
        blobs[str(path.relative_to(destination))] = b""
        if path.is_file():
            blobs[str(path)] = path.read_bytes()
            if path.suffix == ".zip":
                with zipfile.ZipFile(path) as archive:
                    for name in archive.namelist():
                        blobs[f"{path}:{name}"] = archive.read(name)
    assert len([n for n in blobs if n.endswith(f".{fmt.value}")]) >= 10
    for name in FORBIDDEN:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be", "latin-1"):
            needle = name.casefold().encode(encoding, errors="ignore")
            for where, data in blobs.items():
                assert needle not in where.casefold().encode(encoding, errors="ignore"), where
                assert needle not in data.lower(), (name, encoding, where)
    credits = next(p for p in everything_in(destination) if p.name == "credits.txt").read_text()
    assert "Ola Nordmann" in credits and "Kometen" in credits  # as each chose
    assert any(p.name == "lyrics.txt" for p in everything_in(destination))


def test_a_stem_whose_label_names_someone_is_named_by_its_number(studio, story, tmp_path):
    result = studio.sharing.export(request(story, tmp_path, stems=True))
    assert sorted(p.name for p in result.folder.iterdir() if p.suffix in (".wav", ".mid")) == [
        "Take 1 - 01 Room.wav", "Take 1 - 02 Bass.wav", "Take 1 - 03 Track 3.wav",
        "Take 1 - 04 MIDI.mid"]


def test_a_title_naming_someone_not_credited_so_is_refused(studio, story, tmp_path):
    with pytest.raises(InputError, match="title"):
        studio.sharing.export(request(story, tmp_path / "out", title="Sangen til Fiolinisten"))
    assert not (tmp_path / "out").exists()
    result = studio.sharing.export(request(story, tmp_path / "out", title="Ola Nordmann blues"))
    assert result.folder.name == "Ola Nordmann blues"  # Ola chose his name


def riff_chunks(path: Path) -> dict[bytes, bytes]:
    data = path.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    chunks, at = {}, 12
    while at < len(data):
        size = int.from_bytes(data[at + 4:at + 8], "little")
        chunks[data[at:at + 4]] = data[at + 8:at + 8 + size]
        at += 8 + size + (size & 1)
    return chunks


@pytest.mark.parametrize("bits", [16, 24, 32])
def test_wav_files_hold_only_their_format_and_samples(library, studio, story, tmp_path, bits):
    a_song(library, story, [story.ola])
    result = studio.sharing.export(request(story, tmp_path, stems=True, bit_depth=bits,
                                           title="Lyset", group="Lysgruppa"))
    for path in result.folder.glob("*.wav"):
        chunks = riff_chunks(path)
        assert set(chunks) <= {b"fmt ", b"data", b"fact", b"PAD "}, path
        assert set(chunks.get(b"PAD ", b"")) <= {0}  # padding that aligns the samples, empty


def test_exported_midi_keeps_the_notes_of_the_region_and_nothing_that_names_anyone(
        studio, story, tmp_path):
    result = studio.sharing.export(request(story, tmp_path, stems=True,
                                           region=(2 * RATE, 4 * RATE)))
    midi = mido.MidiFile(next(result.folder.glob("*.mid")))
    messages = [m for track in midi.tracks for m in track]
    assert [m.type for m in messages if m.is_meta] == ["end_of_track"]
    starts, seconds = [], 0.0
    for message in midi:
        seconds += message.time
        if message.type == "note_on" and message.velocity:
            starts.append((round(seconds, 3), message.note))
    assert starts == [(0.0, 62), (1.0, 63)]
    assert seconds == pytest.approx(2.0, abs=0.01)


def test_a_region_of_24_bit_stems_is_copied_sample_for_sample(studio, story, tmp_path):
    result = studio.sharing.export(request(story, tmp_path, stems=True, format=AudioFormat.FLAC,
                                           region=(RATE // 3, 5 * RATE + 7)))
    bass = next(result.folder.glob("* Bass.flac"))
    written, rate = sf.read(bass, dtype="float32")
    assert rate == RATE and sf.info(bass).subtype == "PCM_24"
    np.testing.assert_array_equal(written, story.signals[story.bass][RATE // 3:5 * RATE + 7])


def test_reducing_to_16_bits_is_dithered_not_truncated(library, studio, tmp_path):
    story = band_take(library, subtype="FLOAT")
    quiet = np.full(SECONDS * RATE, 0.3 / 32768, dtype=np.float32)  # a third of the last bit
    sf.write(library.folder / f"audio/take-{story.take_id}/track-{story.bass}.wav", quiet, RATE,
             subtype="FLOAT")
    result = studio.sharing.export(request(story, tmp_path, stems=True, bit_depth=16,
                                           track_ids=(story.bass,)))
    written, _rate = sf.read(next(result.folder.glob("*.wav")), dtype="int16")
    assert written.std() > 0.3  # truncation or plain rounding would give silence
    assert written.mean() == pytest.approx(0.3, abs=0.02)  # and the level survives on average


def test_the_mix_honours_gain_pan_and_mute(library, studio, story, tmp_path):
    from mt_studio.core.midi_audio import midi_track_sound

    mixes = {story.room: TrackMix(mute=True), story.bass: TrackMix(gain_db=-6.0, pan=-1.0),
             story.vocal: TrackMix(pan=0.5), story.keys: TrackMix(gain_db=-3.0, pan=0.25)}
    result = studio.sharing.export(request(story, tmp_path, format=AudioFormat.WAV, bit_depth=32,
                                           mixes=mixes))
    written, _rate = sf.read(result.folder / "Take 1.wav", dtype="float32")
    keys = sf.read(midi_track_sound(library.folder, next(library.folder.rglob("*.mid")), RATE,
                                    SECONDS * RATE), dtype="float32")[0]  # as synthesized
    gains = stereo_gains([mixes[story.bass], mixes[story.vocal], mixes[story.keys]])
    expected = (gains.T @ np.stack([story.signals[story.bass], story.signals[story.vocal],
                                    keys])).T
    np.testing.assert_allclose(written, expected, atol=1e-6)
    assert written.shape == (SECONDS * RATE, 2)


def test_loudness_is_brought_to_the_profile_target_under_its_true_peak_ceiling(
        studio, story, tmp_path):
    import pyloudnorm

    result = studio.sharing.export(request(story, tmp_path, format=AudioFormat.WAV, bit_depth=32,
                                           profile=profile(loudness_lufs=-14.0,
                                                           true_peak_dbtp=-1.0)))
    written, rate = sf.read(result.folder / "Take 1.wav")
    assert pyloudnorm.Meter(rate).integrated_loudness(written) == pytest.approx(-14.0, abs=0.3)
    assert result.loudness["result_lufs"] == pytest.approx(-14.0, abs=0.01)
    assert 20 * np.log10(np.abs(written).max()) <= -1.0


def test_the_ceiling_holds_a_peaky_mix_below_the_target_and_says_so(
        library, studio, story, tmp_path):
    import pyloudnorm

    spikes = np.zeros(SECONDS * RATE, np.float32)
    spikes[::RATE // 2] = 0.9  # loud clicks, quiet on average
    sf.write(library.folder / f"audio/take-{story.take_id}/track-{story.bass}.wav", spikes, RATE,
             subtype="FLOAT")
    result = studio.sharing.export(request(story, tmp_path, track_ids=(story.bass,), bit_depth=32,
                                           profile=profile(loudness_lufs=-14.0,
                                                           true_peak_dbtp=-2.0)))
    written, rate = sf.read(result.folder / "Take 1.wav")
    assert result.loudness["result_lufs"] < -20
    assert result.loudness["true_peak_dbtp"] == pytest.approx(-2.0, abs=0.01)
    assert 20 * np.log10(np.abs(written).max()) <= -2.0
    assert pyloudnorm.Meter(rate).integrated_loudness(written) == pytest.approx(
        result.loudness["result_lufs"], abs=0.5)


@pytest.mark.parametrize("fmt", [AudioFormat.FLAC, AudioFormat.MP3, AudioFormat.OGG])
def test_every_format_decodes_to_the_region_at_the_profile_rate(studio, story, tmp_path, fmt):
    result = studio.sharing.export(request(story, tmp_path, format=fmt, region=(0, 3 * RATE),
                                           profile=profile(samplerate=44100, format=fmt,
                                                           bit_depth=16)))
    info = sf.info(next(result.folder.glob(f"*.{fmt.value}")))
    assert (info.samplerate, info.channels) == (44100, 2)
    slack = 0 if fmt is AudioFormat.FLAC else 2400  # an MP3 decoder adds its delay
    assert 3 * 44100 - 1 <= info.frames <= 3 * 44100 + 1 + slack


def test_the_share_package_has_its_texts_manifest_and_zip_and_the_log_its_checksums(
        library, studio, story, tmp_path):
    a_song(library, story, [story.ola, story.kari])
    result = studio.sharing.export(request(story, tmp_path, stems=True, format=AudioFormat.FLAC,
                                           zip=True, recipient="Fredrikstad kulturhus kor",
                                           group="Lysgruppa"))
    names = sorted(p.name for p in result.folder.iterdir())
    assert {"credits.txt", "README.txt", "lyrics.txt", "manifest.json"} <= set(names)
    assert result.folder.name == "Lyset i vinduet"  # the song's title
    manifest = json.loads((result.folder / "manifest.json").read_text())
    assert manifest["purpose"] == "community"
    assert manifest["recipient"] == "Fredrikstad kulturhus kor"
    for entry in manifest["files"]:
        data = (result.folder / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert "brenner for oss" in (result.folder / "lyrics.txt").read_text()
    assert "community music group" in (result.folder / "README.txt").read_text()
    with zipfile.ZipFile(result.zip) as archive:
        assert sorted(archive.namelist()) == sorted(f"Lyset i vinduet/{n}" for n in names)
        assert archive.testzip() is None
    logged = [e for e in audit.entries(library.connection) if e.action == "export.written"]
    assert len(logged) == 1
    details = logged[0].details
    assert details["recipient"] == "Fredrikstad kulturhus kor"
    assert details["purpose"] == "community"
    on_disk = {f.name: f.sha256 for f in exports.files_of(library.connection, result.export_id)}
    assert on_disk[result.zip.name] == hashlib.sha256(result.zip.read_bytes()).hexdigest()
    assert {f["name"]: f["sha256"] for f in details["files"]} == on_disk
    report = consent_ledger.withdraw(library.connection, story.kari, [Purpose.COMMUNITY])
    assert [(e.export_id, e.recipient, e.title) for e in report.exports_to_recall] == [
        (result.export_id, "Fredrikstad kulturhus kor", "Lyset i vinduet")]


def test_lyrics_go_along_only_when_every_writer_shares_them(library, studio, story, tmp_path):
    a_song(library, story, [story.ola, story.per])
    consent_ledger.withdraw(library.connection, story.per, [Purpose.GROUP])
    result = studio.sharing.export(request(story, tmp_path, purpose=Purpose.GROUP,
                                           track_ids=(story.bass,)))
    assert not (result.folder / "lyrics.txt").exists()
    assert result.folder.name == "Lyset i vinduet"


def test_a_song_with_no_writer_named_shares_no_lyrics(library, studio, story, tmp_path):
    a_song(library, story, [])
    result = studio.sharing.export(request(story, tmp_path))
    assert not (result.folder / "lyrics.txt").exists()


def test_an_export_never_replaces_an_earlier_one(studio, story, tmp_path):
    first = studio.sharing.export(request(story, tmp_path, zip=True))
    second = studio.sharing.export(request(story, tmp_path, zip=True))
    assert (first.folder.name, second.folder.name) == ("Take 1", "Take 1 (2)")
    assert (first.zip.name, second.zip.name) == ("Take 1.zip", "Take 1 (2).zip")


@pytest.mark.parametrize("purpose", [Purpose.RECORD, Purpose.KEEP, Purpose.SUPERVISION])
def test_an_export_is_for_sharing_purposes_only(story, tmp_path, purpose):
    with pytest.raises(InputError, match="group, community or public"):
        ExportRequest(story.take_id, purpose, tmp_path)


def test_a_folder_that_cannot_be_made_is_named(studio, story, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(InputError, match="a-file"):
        studio.sharing.export(request(story, blocker / "out"))


def test_a_take_still_being_recorded_is_not_exported(library, studio, tmp_path):
    story = band_take(library)
    library.connection.execute("UPDATE takes SET status = 'recording' WHERE id = ?",
                               (story.take_id,))
    with pytest.raises(InputError, match="still being recorded"):
        studio.sharing.export(request(story, tmp_path / "out"))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fmt", [AudioFormat.FLAC, AudioFormat.MP3, AudioFormat.OGG])
def test_tagged_formats_carry_the_title_the_chosen_credits_and_the_group_only(
        studio, story, tmp_path, fmt):
    import mutagen

    result = studio.sharing.export(request(story, tmp_path, format=fmt, title="Lyset",
                                           group="Lysgruppa"))
    tags = mutagen.File(next(result.folder.glob(f"*.{fmt.value}")), easy=True).tags
    assert dict(tags) == {"title": ["Lyset"], "artist": ["Kometen, Ola Nordmann"],
                          "album": ["Lysgruppa"]}


def test_an_mp3_of_a_96_khz_take_is_made_at_48_khz(library, studio, tmp_path):
    story = band_take(library)
    library.connection.execute("UPDATE takes SET samplerate = 96000 WHERE id = ?",
                               (story.take_id,))
    result = studio.sharing.export(request(story, tmp_path, format=AudioFormat.MP3))
    info = sf.info(next(result.folder.glob("*.mp3")))
    assert info.samplerate == 48000
    assert info.frames == pytest.approx(SECONDS * RATE / 2, abs=2400)


def test_an_export_started_meanwhile_takes_the_next_name_and_zips_under_it(
        studio, story, tmp_path, monkeypatch):
    real_watch = run._watch
    destination = tmp_path / "out"
    second, started = [], []

    def watch_while_another_export_runs(gate, plan, job, progress, cancelled):
        if not started:  # the first export's files are being written: a second one starts
            started.append(True)
            second.append(studio.sharing.export(request(story, destination, zip=True)))
        real_watch(gate, plan, job, progress, cancelled)

    monkeypatch.setattr(run, "_watch", watch_while_another_export_runs)
    first = studio.sharing.export(request(story, destination, zip=True))
    assert (first.folder.name, first.zip.name) == ("Take 1", "Take 1.zip")
    assert (second[0].folder.name, second[0].zip.name) == ("Take 1 (2)", "Take 1 (2).zip")
    for result in (first, second[0]):
        with zipfile.ZipFile(result.zip) as archive:
            assert {n.split("/")[0] for n in archive.namelist()} == {result.folder.name}
    assert sorted(p.name for p in destination.iterdir()) == [
        "Take 1", "Take 1 (2)", "Take 1 (2).zip", "Take 1.zip"]


def test_a_lyrics_writer_withdrawing_while_the_files_are_written_stops_the_export(
        library, studio, story, tmp_path, monkeypatch):
    a_song(library, story, [story.ola, story.kari])
    real_watch = run._watch

    def watch_then_kari_withdraws(gate, plan, job, progress, cancelled):
        real_watch(gate, plan, job, progress, cancelled)
        with Library.open(library.location) as other:
            consent_ledger.withdraw(other.connection, story.kari, [Purpose.COMMUNITY])

    monkeypatch.setattr(run, "_watch", watch_then_kari_withdraws)
    with pytest.raises(ConsentRefused, match="Kometen"):  # she is not heard on the bass
        studio.sharing.export(request(story, tmp_path / "out", track_ids=(story.bass,)))
    assert everything_in(tmp_path / "out") == []


def test_an_export_carrying_lyrics_is_recalled_from_their_writers_too(
        library, studio, story, tmp_path):
    a_song(library, story, [story.ola, story.kari])
    result = studio.sharing.export(request(story, tmp_path, track_ids=(story.bass,)))
    assert (result.folder / "lyrics.txt").exists()
    report = consent_ledger.withdraw(library.connection, story.kari, [Purpose.COMMUNITY])
    assert [e.export_id for e in report.exports_to_recall] == [result.export_id]


@pytest.mark.parametrize("title", ["Karis sang", "Kari's song", "Per  Johansen",
                                   "BLÅBÆR blues", "Bla\u030abær blues", "Hansen-låta"])
def test_a_title_naming_someone_in_any_spelling_is_refused(studio, story, tmp_path, title):
    with pytest.raises(InputError, match="title"):
        studio.sharing.export(request(story, tmp_path / "out", title=title))
    assert not (tmp_path / "out").exists()


def test_summed_stems_do_not_add_their_dither_up(library, studio, tmp_path):
    story = band_take(library, subtype="FLOAT")
    for track in (story.room, story.bass, story.vocal):
        sf.write(library.folder / f"audio/take-{story.take_id}/track-{track}.wav",
                 np.full(SECONDS * RATE, 0.3 / 32768, np.float32), RATE, subtype="FLOAT")
    result = studio.sharing.export(request(story, tmp_path, stems=True, bit_depth=16,
                                           format=AudioFormat.WAV))
    errors = [sf.read(p, dtype="int16")[0] - 0.3 for p in sorted(result.folder.glob("*.wav"))]
    assert abs(np.corrcoef(errors[0], errors[1])[0, 1]) < 0.05


def test_a_midi_region_keeps_the_sound_chosen_before_it(tmp_path):
    from mt_studio.core.export.midi import region_midi

    track = mido.MidiTrack([
        mido.Message("program_change", program=33, time=0),
        mido.Message("control_change", control=64, value=127, time=0),
        mido.Message("control_change", control=7, value=40, time=0),
        mido.Message("control_change", control=7, value=90, time=240),
        mido.Message("note_on", note=62, velocity=90, time=1680),
        mido.Message("note_off", note=62, velocity=0, time=480)])
    midi = mido.MidiFile(type=0, ticks_per_beat=480)
    midi.tracks.append(track)
    midi.save(tmp_path / "keys.mid")
    cut = region_midi(tmp_path / "keys.mid", RATE, 2 * RATE, 4 * RATE)
    at_zero = [m for m in cut.tracks[0] if not m.is_meta][:4]
    assert [(m.type, m.time) for m in at_zero] == [
        ("program_change", 0), ("control_change", 0), ("control_change", 0), ("note_on", 0)]
    assert {(m.control, m.value) for m in at_zero if m.type == "control_change"} == {
        (64, 127), (7, 90)}  # the pedal still down, the volume as last set
