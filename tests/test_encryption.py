"""An encrypted library: the key unwrapped at sign-in, the database encrypted by SQLCipher, the
take keys, the keyed ledger chain, crypto-shredding, sealing the files recorded before, the
recovery key and plain copies for a therapist."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import library_files
import numpy as np
import pytest
import soundfile as sf

from mt_studio.core.domain import Purpose
from mt_studio.core.domain.accounts import Role
from mt_studio.core.errors import AccessRefused, InputError
from mt_studio.core.library import ledger_chain
from mt_studio.core.library.database import DATABASE_NAME
from mt_studio.core.library.sqlite import sqlite3 as library_sqlite
from mt_studio.core.sealing import keyring
from mt_studio.core.sealing.key_file import KeyFile
from mt_studio.core.sealing.keys import KeyDamaged, subkey, unwrap_take_key
from mt_studio.core.sealing.stream import SealedFileError, SealedReader, is_sealed
from mt_studio.core.studio import Studio
from mt_studio.core.studio.encryption import key_file_path, library_keys
from mt_studio.core.studio.file_sealing import plain_files
from mt_studio.core.waveform import TrackReader

ADMIN, ADMIN_PASS = "Therese", "a song for every morning"
THERAPIST, THERAPIST_PASS = "Tor", "drums before the chorus"
REAL_NAME = "Ola Nordmann"
LYRIC = "Morgenen kommer med regn over fjorden"


def take_samples(studio: Studio, take_id: int) -> dict[int, np.ndarray]:
    """Every audio track of the take as float32 samples, read through the engines."""
    sound = studio.listening.sound(take_id)
    found = {}
    for track in sound.tracks:
        if not track.is_midi:
            with TrackReader(track.files) as reader:
                found[track.id] = reader.read(sound.take.frames).copy()
    return found


@pytest.fixture
def plain(tmp_path):
    """A plain library with a participant and the demo take (its files plain), no account."""
    folder = tmp_path / "library"
    with Studio.open(folder) as studio:
        ola = studio.consent.add_participant("Ola", REAL_NAME)
        studio.sessions.create_demo()
        song = studio.songs.create("Fjorden", [ola.id], LYRIC)
        studio.songs.link_take(song.id, 1)
        assert studio.listening.take(1).frames > 0
    return folder


@pytest.fixture
def encrypted(plain):
    """The same library after its first account: encrypted, and its files sealed."""
    with Studio.open(plain) as studio:
        studio.accounts.add(ADMIN, Role.ADMIN, ADMIN_PASS)
        studio.sign_in(ADMIN, ADMIN_PASS)
        studio.accounts.add(THERAPIST, Role.THERAPIST, THERAPIST_PASS)
        studio.encryption.seal_files()
    return plain


def test_the_first_account_encrypts_the_database(plain):
    with Studio.open(plain) as studio:
        studio.accounts.add(ADMIN, Role.ADMIN, ADMIN_PASS)
    database = plain / DATABASE_NAME
    assert not database.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(database).execute("SELECT * FROM participants").fetchall()
    assert REAL_NAME.encode() not in database.read_bytes()
    with Studio.open(plain) as studio:
        assert studio.protected
        with pytest.raises(AccessRefused):
            studio.consent.participants()
        studio.sign_in(ADMIN, ADMIN_PASS)
        assert studio.check_ledger().intact
        assert studio.read_only is None


def test_a_wrong_passphrase_or_a_damaged_key_is_one_line_and_changes_nothing(encrypted):
    before = {p.name: p.read_bytes() for p in encrypted.iterdir() if p.is_file()}
    with Studio.open(encrypted) as studio:
        with pytest.raises(AccessRefused, match="^The name or the passphrase is wrong.$"):
            studio.sign_in(ADMIN, "not the passphrase at all")
        with pytest.raises(AccessRefused, match="^The name or the passphrase is wrong.$"):
            studio.sign_in("Nobody", ADMIN_PASS)
    keys = key_file_path(encrypted)
    document = json.loads(keys.read_text())
    entry = document["entries"][0]
    wrapped = bytearray(base64.b64decode(entry["wrapped"]))
    wrapped[3] ^= 0x10
    entry["wrapped"] = base64.b64encode(bytes(wrapped)).decode()
    keys.write_text(json.dumps(document))
    with Studio.open(encrypted) as studio, pytest.raises(KeyDamaged) as raised:
        studio.sign_in(ADMIN, ADMIN_PASS)
    assert str(keys) in str(raised.value) and "\n" not in str(raised.value)
    after = {p.name: p.read_bytes() for p in encrypted.iterdir() if p.is_file()}
    assert {n: b for n, b in after.items() if n != keys.name} == {
        n: b for n, b in before.items() if n != keys.name}


def test_a_new_passphrase_rewraps_the_key_and_encrypts_nothing_again(encrypted):
    database = encrypted / DATABASE_NAME
    first_page = database.read_bytes()[:16]  # SQLCipher's salt: the same key, the same salt
    with Studio.open(encrypted) as studio:
        studio.sign_in(THERAPIST, THERAPIST_PASS)
        studio.accounts.set_passphrase(THERAPIST, "a new verse every week",
                                       current=THERAPIST_PASS)
    assert database.read_bytes()[:16] == first_page
    with Studio.open(encrypted) as studio:
        with pytest.raises(AccessRefused):
            studio.sign_in(THERAPIST, THERAPIST_PASS)
        studio.sign_in(THERAPIST, "a new verse every week")


def test_a_disabled_account_no_longer_opens_the_library(encrypted):
    with Studio.open(encrypted) as studio:
        studio.sign_in(ADMIN, ADMIN_PASS)
        studio.accounts.disable(THERAPIST)
    with pytest.raises(AccessRefused):
        KeyFile.load(key_file_path(encrypted)).unlock(THERAPIST, THERAPIST_PASS)


def test_the_recovery_key_opens_the_library(encrypted):
    with Studio.open(encrypted) as studio:
        studio.sign_in(THERAPIST, THERAPIST_PASS)
        with pytest.raises(AccessRefused):
            studio.encryption.recovery_key()
        studio.sign_in(ADMIN, ADMIN_PASS)
        words = studio.encryption.recovery_key()
    assert len(words.split()) == 24
    key_file = KeyFile.load(key_file_path(encrypted))
    by_passphrase, _entry = key_file.unlock(ADMIN, ADMIN_PASS)
    assert key_file.unlock_recovery(words.upper()) == by_passphrase


def test_strings_finds_no_name_lyric_or_header_anywhere_in_the_library(encrypted):
    with Studio.open(encrypted) as studio:
        studio.sign_in(THERAPIST, THERAPIST_PASS)
        studio.listening.sound(1)
        studio.listening.player(1)  # what playing leaves: caches, sealed
    assert list(plain_files(encrypted)) == []
    files = [str(p) for p in encrypted.rglob("*") if p.is_file()]
    found = subprocess.run(["strings", "-a", "-n", "4", *files], check=True,
                           capture_output=True, text=True, errors="replace").stdout
    everything = b"".join(Path(p).read_bytes() for p in files)
    for text in (REAL_NAME, "Nordmann", LYRIC, "over fjorden"):
        assert text.lower() not in found.lower(), text
    # Headers long enough not to turn up by chance in megabytes of ciphertext.
    for header in (b"WAVEfmt ", b"MThd\x00\x00\x00\x06", b"SQLite format 3"):
        assert header not in everything, header


def test_sealed_files_play_exactly_as_they_were_recorded(plain, tmp_path):
    with Studio.open(plain) as studio:
        before = take_samples(studio, 1)
    with Studio.open(plain) as studio:
        studio.accounts.add(ADMIN, Role.ADMIN, ADMIN_PASS)
        studio.sign_in(ADMIN, ADMIN_PASS)
        report = studio.encryption.seal_files()
        assert report.sealed >= 4 and not report.left_plain
        after = take_samples(studio, 1)
    assert before.keys() == after.keys()
    for track_id, samples in before.items():
        assert np.array_equal(samples, after[track_id])


def test_sealing_cut_short_is_taken_up_again(plain):
    with Studio.open(plain) as studio:
        studio.accounts.add(ADMIN, Role.ADMIN, ADMIN_PASS)
        studio.sign_in(ADMIN, ADMIN_PASS)
        before = take_samples(studio, 1)
        todo = list(plain_files(plain))
        calls = []

        def stop_half_way(done, total, name):
            calls.append(name)
            if done == total // 2:
                raise KeyboardInterrupt
        with pytest.raises(KeyboardInterrupt):
            studio.encryption.seal_files(stop_half_way)
        assert 0 < len(list(plain_files(plain))) < len(todo)
    with Studio.open(plain) as studio:
        studio.sign_in(ADMIN, ADMIN_PASS)
        assert studio.encryption.state().plain_files > 0
        studio.encryption.seal_files()
        assert studio.encryption.state().plain_files == 0
        after = take_samples(studio, 1)
    for track_id, samples in before.items():
        assert np.array_equal(samples, after[track_id])


def test_a_deleted_takes_copied_files_cannot_be_read_with_anything_the_library_holds(
        encrypted, tmp_path):
    backup = tmp_path / "backup"
    shutil.copytree(encrypted / "audio" / "take-1", backup)
    with Studio.open(encrypted) as studio:
        studio.sign_in(ADMIN, ADMIN_PASS)
        library_key = studio._shared.library_key
        studio.deletion.delete_take(1, reason="consent to keep ended")
        with pytest.raises(SealedFileError, match="deleted"):
            keyring.file_key(backup / "track-1.wav")
        with library_files.connect(encrypted, ADMIN, ADMIN_PASS) as db:
            held = [(take_id, bytes(wrapped)) for take_id, wrapped in
                    db.execute("SELECT take_id, wrapped FROM take_keys")]
    candidates = [library_key, *(subkey(library_key, p) for p in
                                 ("database", "take keys", "ledger chain"))]
    candidates += [unwrap_take_key(library_key, take_id, wrapped) for take_id, wrapped in held]
    for path in backup.rglob("*"):
        if path.is_file() and is_sealed(path):
            name = f"audio/take-1/{path.relative_to(backup).as_posix()}"
            for key in candidates:
                with pytest.raises(SealedFileError):
                    SealedReader(path, key, name).read_at(0, 1)


def test_the_chain_is_keyed_so_the_database_key_alone_cannot_forge_history(encrypted):
    with Studio.open(encrypted) as studio:
        studio.sign_in(ADMIN, ADMIN_PASS)
        studio.consent.grant(1, [Purpose.GROUP])
    # Someone with the database's key rewrites a consent row and links the chain again the
    # way a plain library is linked (SHA-256): without the chain key it does not match.
    db = library_files.connect(encrypted, ADMIN, ADMIN_PASS)
    for name in ledger_chain.expected_triggers():
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute("UPDATE consent_events SET witness = 'forged'")
    previous = ledger_chain.GENESIS
    for row_id, _stored, content in list(ledger_chain.rows_of(db, "consent_events")):
        previous = hashlib.sha256(previous.encode() + b"\n" + content).hexdigest()
        db.execute("UPDATE consent_events SET hash = ? WHERE id = ?", (previous, row_id))
    for sql in ledger_chain.expected_triggers().values():
        db.execute(sql)
    db.commit()
    db.close()
    with Studio.open(encrypted) as studio:
        studio.sign_in(ADMIN, ADMIN_PASS)
        assert studio.read_only is not None
        assert "consent_events" in studio.read_only.problem


def test_a_take_extracted_is_plain_and_audited(encrypted, tmp_path):
    with Studio.open(encrypted) as studio:
        studio.sign_in(THERAPIST, THERAPIST_PASS)
        expected = take_samples(studio, 1)
        written = studio.encryption.extract(1, tmp_path / "plain")
        with pytest.raises(InputError, match="already there"):
            studio.encryption.extract(1, tmp_path / "plain")
        with pytest.raises(InputError, match="inside the library"):
            studio.encryption.extract(1, encrypted / "out")
        sound = studio.listening.sound(1)
        studio.sign_in(ADMIN, ADMIN_PASS)
        (extracted,) = [r for r in studio.audit.entries() if r.action == "take.extracted"]
        assert extracted.details["folder"] == str(tmp_path / "plain")
    by_track = {int(p.stem.split("-")[3]): p for p in written if p.suffix == ".wav"}
    for track_id, samples in expected.items():
        data, _rate = sf.read(by_track[track_id], dtype="float32")
        assert np.array_equal(data, samples[:len(data)])
    (midi,) = [p for p in written if p.suffix == ".mid"]
    assert midi.read_bytes().startswith(b"MThd")
    assert any(t.is_midi for t in sound.tracks)


def test_the_copies_kept_before_upgrades_are_encrypted_too(tmp_path):
    folder = tmp_path / "library"
    folder.mkdir()
    old = sqlite3.connect(folder / DATABASE_NAME)
    old.executescript((Path(__file__).parent / "data" / "library-v12.sql").read_text())
    old.close()
    Studio.open(folder).close()  # upgraded: a copy of version 12 is kept beside it
    (backup,) = folder.glob("library.sqlite3.v12-*.backup")
    assert b"Nordmann" in backup.read_bytes()
    with Studio.open(folder) as studio:
        studio.sign_in("Therese", "a song for every morning")  # the snapshot's account
    assert not backup.read_bytes().startswith(b"SQLite format 3")
    assert b"Nordmann" not in backup.read_bytes()
    library_key, _entry = KeyFile.load(key_file_path(folder)).unlock(
        "Therese", "a song for every morning")
    copy = library_sqlite.connect(backup)
    copy.execute(f"PRAGMA key = \"x'{library_keys(library_key).database.hex()}'\"")
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 12
    assert ("Ola", "Ola Nordmann") in copy.execute(
        "SELECT pseudonym, real_name FROM participants").fetchall()
    copy.close()


def test_forgotten_passphrases_are_recovered_with_the_recovery_key(encrypted, tmp_path, capsys):
    from mt_studio.cli.main import main

    with Studio.open(encrypted) as studio:
        studio.sign_in(ADMIN, ADMIN_PASS)
        words = studio.encryption.recovery_key()
    new = tmp_path / "new.pass"
    new.write_text("a brand new passphrase\n", encoding="utf-8")
    misspelt = tmp_path / "misspelt"
    misspelt.write_text(" ".join(reversed(words.split())) + "\n", encoding="utf-8")
    recover = ["--library", str(encrypted), "user", "recover", ADMIN,
               "--passphrase-file", str(new), "--recovery-key-file"]
    before = key_file_path(encrypted).read_bytes()
    assert main([*recover, str(misspelt)]) == 2
    assert "recovery" in capsys.readouterr().err
    assert key_file_path(encrypted).read_bytes() == before
    right = tmp_path / "words"
    right.write_text(words.upper() + "\n", encoding="utf-8")
    assert main([*recover, str(right)]) == 0
    with Studio.open(encrypted) as studio:
        with pytest.raises(AccessRefused):
            studio.sign_in(ADMIN, ADMIN_PASS)
        studio.sign_in(ADMIN, "a brand new passphrase")
        assert any(row.action == "account.recovered" for row in studio.audit.entries())
