"""Accounts and signing in, in the studio: the first account closes the library, roles, the
lock, failed sign-ins made to wait, passphrases kept only as hashes, and every audit row
naming who did it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import library_files
import pytest
from conftest import library_here

from mt_studio.core import passphrases
from mt_studio.core.domain import SessionKind
from mt_studio.core.domain.accounts import Role
from mt_studio.core.errors import AccessRefused, InputError
from mt_studio.core.studio import Studio

ADMIN_PASS = "a song for every morning"
THERAPIST_PASS = "drums before the chorus"


@pytest.fixture
def studio(tmp_path):
    with Studio.open(library_here()) as opened:
        yield opened


@pytest.fixture
def staffed(studio):
    """A library with an admin (Therese) and a therapist (Tor), Therese signed in."""
    studio.accounts.add("Therese", Role.ADMIN, ADMIN_PASS, ADMIN_PASS)
    studio.sign_in("Therese", ADMIN_PASS)
    studio.accounts.add("Tor", Role.THERAPIST, THERAPIST_PASS, THERAPIST_PASS)
    return studio


def test_a_library_without_accounts_is_open_and_the_first_account_closes_it(studio, tmp_path):
    assert not studio.protected and studio.open_to_use
    studio.sessions.create("Tuesday band", SessionKind.BAND, on=date(2026, 11, 3))
    first = studio.accounts.add("Therese", Role.THERAPIST, ADMIN_PASS, ADMIN_PASS)
    assert first.role is Role.ADMIN  # the first account manages the others
    assert studio.protected and not studio.open_to_use
    with pytest.raises(AccessRefused, match="Sign in first"):
        studio.sessions.all()
    with Studio.open(library_here()) as again:  # closed for the next one to open it too
        assert again.protected
        with pytest.raises(AccessRefused):
            again.consent.participants()
        again.sign_in("therese", ADMIN_PASS)  # any letter case
        assert [s.title for s in again.sessions.all()] == ["Tuesday band"]


def test_a_lock_closes_every_service_until_someone_signs_in(staffed, tmp_path):
    kept = staffed.consent  # held from before the lock: locked all the same
    staffed.lock()
    with pytest.raises(AccessRefused):
        kept.participants(real_names=True)
    for service in ("sessions", "consent", "recording", "listening", "sharing", "songs",
                    "plugins", "audit"):
        with pytest.raises(AccessRefused):
            getattr(staffed, service)
    staffed.sign_in("Tor", THERAPIST_PASS)
    assert staffed.actor.account.name == "Tor"
    assert staffed.sessions.all() == []


@pytest.mark.parametrize(("passphrase", "again", "words"), [
    ("", "", "empty"), ("   ", "   ", "empty"), ("short one", "short one", "too short"),
    ("a long enough one", "a long enough 1", "not the same"),
])
def test_a_bad_new_passphrase_is_refused_and_changes_nothing(studio, passphrase, again, words):
    with pytest.raises(InputError, match=words):
        studio.accounts.add("Therese", Role.ADMIN, passphrase, again)
    assert not studio.protected
    assert studio.accounts.all() == []


def test_only_an_admin_manages_accounts_and_reads_the_audit(staffed):
    staffed.lock()
    staffed.sign_in("Tor", THERAPIST_PASS)
    for attempt in (lambda: staffed.accounts.add("Una", Role.THERAPIST, THERAPIST_PASS),
                    lambda: staffed.accounts.disable("Therese"),
                    lambda: staffed.accounts.set_passphrase("Therese", "taken over at last"),
                    lambda: staffed.audit.entries()):
        with pytest.raises(AccessRefused, match="admin"):
            attempt()
    staffed.accounts.set_passphrase("Tor", "a new song every week",  # one's own is fine
                                     current=THERAPIST_PASS)
    staffed.lock()
    staffed.sign_in("Tor", "a new song every week")
    assert [a.name for a in staffed.accounts.all()] == ["Therese", "Tor"]


def test_ones_own_passphrase_changes_only_with_the_current_one(staffed):
    """Someone at a keyboard left signed in cannot take the account over."""
    staffed.lock()
    staffed.sign_in("Tor", THERAPIST_PASS)
    with pytest.raises(AccessRefused, match="current passphrase"):
        staffed.accounts.set_passphrase("Tor", "taken over at last")
    with pytest.raises(AccessRefused, match="current passphrase is not"):
        staffed.accounts.set_passphrase("Tor", "taken over at last",
                                        current="a guess at the current one")
    staffed.lock()
    staffed.sign_in("Tor", THERAPIST_PASS)  # unchanged
    staffed.lock()
    staffed.sign_in("Therese", ADMIN_PASS)
    with pytest.raises(AccessRefused, match="current passphrase"):  # an admin's own too
        staffed.accounts.set_passphrase("Therese", "taken over at last")
    staffed.accounts.set_passphrase("Tor", "reset by the admin")  # another's: no need
    refused = [r for r in staffed.audit.entries() if r.action == "account.sign_in_refused"]
    assert [(r.subject, r.details["reason"]) for r in refused] == [("account:2", "passphrase")]


def test_a_disabled_account_cannot_sign_in_and_the_last_admin_cannot_be_disabled(staffed):
    with pytest.raises(InputError, match="last admin"):
        staffed.accounts.disable("Therese")
    assert staffed.accounts.disable("Tor") and not staffed.accounts.disable("Tor")
    staffed.lock()
    with pytest.raises(AccessRefused, match="disabled"):
        staffed.sign_in("Tor", THERAPIST_PASS)
    staffed.sign_in("Therese", ADMIN_PASS)
    staffed.accounts.enable("Tor")
    staffed.lock()
    staffed.sign_in("Tor", THERAPIST_PASS)


def clock_at(monkeypatch) -> tuple[datetime, list[datetime]]:
    """The accounts' clock stopped at a start; moved by setting the list's one item."""
    start = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    now = [start]
    monkeypatch.setattr("mt_studio.core.studio.accounts.utc_now", lambda: now[0])
    monkeypatch.setattr("mt_studio.core.library.accounts.utc_now", lambda: now[0])
    return start, now


def test_after_five_wrong_passphrases_each_next_try_waits_longer(staffed, monkeypatch):
    staffed.lock()
    start, now = clock_at(monkeypatch)
    for _try in range(5):
        with pytest.raises(AccessRefused, match="passphrase is wrong"):
            staffed.sign_in("Tor", "not the right one at all")
    with pytest.raises(AccessRefused, match=r"try again in 1 second\."):
        staffed.sign_in("Tor", THERAPIST_PASS)  # even the right one waits
    now[0] = start + timedelta(seconds=1)
    with pytest.raises(AccessRefused, match="passphrase is wrong"):  # the sixth is tried...
        staffed.sign_in("Tor", "still not the right one")
    with pytest.raises(AccessRefused, match=r"try again in 2 seconds"):  # ...and waits longer
        staffed.sign_in("Tor", THERAPIST_PASS)
    now[0] = start + timedelta(seconds=3)
    staffed.sign_in("Tor", THERAPIST_PASS)
    assert staffed.actor.account.name == "Tor"  # and the count starts again
    assert passphrases.wait_after(5) == 1 and passphrases.wait_after(12) == 128
    assert passphrases.wait_after(40) == passphrases.LONGEST_WAIT


def test_passphrases_are_kept_only_as_argon2id_hashes_and_never_logged(staffed, tmp_path):
    staffed.lock()
    with pytest.raises(AccessRefused):
        staffed.sign_in("Tor", "a guess that is wrong")
    staffed.sign_in("Tor", THERAPIST_PASS)
    staffed.close()
    raw = b"".join(p.read_bytes() for p in (tmp_path / "library").rglob("*") if p.is_file())
    raw += b"".join(p.read_bytes() for p in (tmp_path / "logs").rglob("*") if p.is_file())
    for secret in (ADMIN_PASS, THERAPIST_PASS, "a guess that is wrong"):
        assert secret.encode() not in raw
    db = library_files.connect(library_here(), "Tor", THERAPIST_PASS)
    kept = [row[0] for row in db.execute("SELECT passphrase FROM accounts")]
    db.close()
    assert all(h.startswith("$argon2id$") for h in kept)


def test_every_audit_row_names_its_actor(staffed):
    staffed.lock()
    staffed.sign_in("Tor", THERAPIST_PASS)
    person = staffed.consent.add_participant("Ola", "Ola Nordmann")
    session = staffed.sessions.create("Tuesday band", SessionKind.BAND, on=date(2026, 11, 3),
                                      present=[person.id])
    staffed.lock()
    staffed.sign_in("Therese", ADMIN_PASS)
    names = staffed.audit.actors()
    rows = {(r.action, r.subject): names.get(r.actor_id) for r in staffed.audit.entries()}
    assert rows[("participant.added", f"participant:{person.id}")] == "Tor"
    assert rows[("session.created", f"session:{session.id}")] == "Tor"
    assert rows[("account.added", "account:2")] == "Therese"
    assert rows[("account.signed_in", "account:2")] == "Tor"
    by_tor = staffed.audit.entries(actor="tor")
    assert by_tor and {names[r.actor_id] for r in by_tor} == {"Tor"}


def test_looking_at_health_data_is_audited_once_for_each_sign_in(staffed):
    take = staffed.sessions.takes(staffed.sessions.create_demo())[-1]
    staffed.lock()
    staffed.sign_in("Tor", THERAPIST_PASS)
    for _look in range(3):
        staffed.consent.board(take.session_id)
        staffed.consent.participants(real_names=True)
        staffed.listening.player(take.id)
        staffed.sharing.lead_sheet(take.id)
    staffed.consent.participants()  # pseudonyms only: nothing to audit
    staffed.lock()
    staffed.sign_in("Therese", ADMIN_PASS)
    looks = [(r.action, r.subject) for r in staffed.audit.entries(actor="Tor")
             if r.action.endswith((".shown", ".played", ".made"))]
    assert looks == [("consent.shown", f"session:{take.session_id}"),
                     ("real_names.shown", "participants"),
                     ("take.played", f"take:{take.id}"),
                     ("lead_sheet.made", f"take:{take.id}")]


def test_real_names_are_left_out_unless_asked_for(studio):
    ola = studio.consent.add_participant("Ola", "Ola Nordmann")
    session = studio.sessions.create("Tuesday band", SessionKind.BAND, on=date(2026, 11, 3),
                                     present=[ola.id])
    assert studio.consent.participants()[0].real_name is None
    assert studio.consent.find("ola").real_name is None
    assert studio.sessions.get(session.id).participants[0].real_name is None
    assert studio.sessions.all()[0].participants[0].real_name is None
    assert studio.consent.participants(real_names=True)[0].real_name == "Ola Nordmann"


def test_tries_made_at_once_all_count_and_only_one_is_checked(staffed, monkeypatch):
    """Each try is counted before its passphrase is checked: a burst of tries after the
    fifth failure gets one try, not one each."""
    import threading

    staffed.lock()
    start, now = clock_at(monkeypatch)
    for _try in range(5):
        with pytest.raises(AccessRefused):
            staffed.sign_in("Tor", "not the right one at all")
    now[0] = start + timedelta(seconds=1)  # the wait after the fifth is over
    answers: list[str] = []

    def guess(n: int) -> None:
        try:
            staffed.accounts.check("Tor", f"guess number {n} of many")
        except AccessRefused as refused:
            answers.append("waits" if "try again" in str(refused) else "checked")

    guessers = [threading.Thread(target=guess, args=(n,)) for n in range(8)]
    for thread in guessers:
        thread.start()
    for thread in guessers:
        thread.join()
    assert sorted(answers) == ["checked"] + ["waits"] * 7


def test_a_refused_sign_in_does_not_say_which_names_are_accounts(staffed):
    """An unknown name, a wrong passphrase and a disabled account's wrong passphrase are
    refused in the same words, without the name typed (which may be a passphrase typed in
    the wrong field); only the right passphrase learns that its account is disabled."""
    staffed.accounts.disable("Tor")
    staffed.lock()
    said = set()
    for name, passphrase in (("Nobody", THERAPIST_PASS), ("Therese", THERAPIST_PASS),
                             ("Tor", ADMIN_PASS), ("my secret words", "")):
        with pytest.raises(AccessRefused) as refused:
            staffed.sign_in(name, passphrase)
        assert name not in str(refused.value)
        said.add(str(refused.value))
    assert said == {"The name or the passphrase is wrong."}
    with pytest.raises(AccessRefused, match="disabled"):
        staffed.sign_in("Tor", THERAPIST_PASS)


def test_unknown_and_disabled_sign_ins_are_audited_too(staffed):
    staffed.accounts.disable("Tor")
    with pytest.raises(AccessRefused):
        staffed.accounts.check("Nobody", THERAPIST_PASS)
    with pytest.raises(AccessRefused):
        staffed.accounts.check("Tor", THERAPIST_PASS)
    refused = [(r.subject, r.details["reason"]) for r in staffed.audit.entries()
               if r.action == "account.sign_in_refused"]
    assert refused == [("account:?", "unknown"), ("account:2", "disabled")]


def test_an_account_made_elsewhere_closes_a_studio_already_open(tmp_path):
    with Studio.open(library_here()) as window, Studio.open(library_here()) as cli:
        assert window.open_to_use
        cli.accounts.add("Therese", Role.ADMIN, ADMIN_PASS)
        assert window.protected and not window.open_to_use
        with pytest.raises(AccessRefused):
            window.sessions.all()


def test_the_demo_session_is_written_as_done_by_whoever_made_it(staffed):
    session_id = staffed.sessions.create_demo()
    rows = [r for r in staffed.audit.entries() if r.subject == f"session:{session_id}"]
    assert rows and {staffed.audit.actors()[r.actor_id] for r in rows} == {"Therese"}


def test_disabling_an_account_signs_it_out_wherever_it_is_signed_in(staffed, tmp_path):
    with Studio.open(library_here()) as elsewhere:  # another window or process
        elsewhere.sign_in("Tor", THERAPIST_PASS)
        kept = elsewhere.sessions  # held from before: refused all the same
        assert elsewhere.still_signed_in() and kept.all() == []
        staffed.accounts.disable("Tor")
        with pytest.raises(AccessRefused, match="disabled"):
            kept.all()
        assert elsewhere.actor is None and not elsewhere.still_signed_in()
        with pytest.raises(AccessRefused):
            elsewhere.sessions.all()


def test_a_disabled_accounts_passphrase_cannot_be_guessed_faster(staffed, monkeypatch):
    """Its right passphrase is told apart (it says disabled), so its tries wait as well."""
    staffed.accounts.disable("Tor")
    staffed.lock()
    clock_at(monkeypatch)
    for _try in range(5):
        with pytest.raises(AccessRefused, match="passphrase is wrong"):
            staffed.sign_in("Tor", "a guess that is wrong")
    with pytest.raises(AccessRefused, match="try again in 1 second"):
        staffed.sign_in("Tor", THERAPIST_PASS)
