"""A take's restrictions in words: who no longer consents to what and since when, which sharing
is off, what asks first, and the questions a combination raises. People are named by NAMES
(pseudonyms), tracks by their lanes' titles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mt_studio.core.consent_policy import Blocker, ConsentState
from mt_studio.core.domain import Purpose
from mt_studio.core.take_restrictions import (
    NO_LONGER,
    Blocking,
    ConsentQuestion,
    Restriction,
    Sharing,
    TakeRestrictions,
)
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.dates import day_text


def use_words(purpose: Purpose) -> str:
    """What a purpose lets happen, as a noun in a sentence ("withdrew {use}")."""
    return {
        Purpose.RECORD: _("recording"),
        Purpose.KEEP: _("keeping the recordings"),
        Purpose.SUPERVISION: _("supervision"),
        Purpose.GROUP: _("group sharing"),
        Purpose.COMMUNITY: _("community sharing"),
        Purpose.PUBLIC: _("public sharing"),
    }[purpose]


def export_words(purpose: Purpose) -> str:
    """The export for PURPOSE, as the subject of a sentence."""
    return {
        Purpose.GROUP: _("Export for the group"),
        Purpose.COMMUNITY: _("Export for a community music group"),
        Purpose.PUBLIC: _("Export for the public"),
    }[purpose]


def _who(participant_id: int, names: Mapping[int, str]) -> str:
    return names.get(participant_id, _("participant {id}").format(id=participant_id))


def lapse_text(participant_id: int, purpose: Purpose, state: ConsentState, since,
               names: Mapping[int, str]) -> str:
    """Why someone does not hold PURPOSE now: "Kari withdrew group sharing on 3.12.2026"."""
    who, use = _who(participant_id, names), use_words(purpose)
    day = day_text(since) if since else "?"
    if state is ConsentState.WITHDRAWN:
        return _("{who} withdrew {use} on {day}").format(who=who, use=use, day=day)
    if state is ConsentState.EXPIRED:
        return _("{who}'s consent to {use} expired on {day}").format(who=who, use=use, day=day)
    return _("{who} has not consented to {use}").format(who=who, use=use)


def restriction_text(restriction: Restriction, names: Mapping[int, str]) -> str:
    """One restriction in words."""
    return lapse_text(restriction.participant_id, restriction.purpose, restriction.state,
                      restriction.since, names)


def blocker_text(blocker: Blocker, names: Mapping[int, str]) -> str:
    """One blocker in words."""
    return lapse_text(blocker.participant_id, blocker.purpose, blocker.state, blocker.since,
                      names)


def tracks_text(track_ids: Sequence[int], titles: Mapping[int, str]) -> str:
    """Tracks by their titles: "Vocal mic, Drums (room mic)"."""
    return ", ".join(titles.get(t, "?") for t in track_ids)


def blocking_text(blocking: Blocking, names: Mapping[int, str],
                  titles: Mapping[int, str]) -> str:
    """A blocker and the tracks they are heard on: "Kari (Vocal mic, Room mic) has not
    consented to community sharing"."""
    who = _who(blocking.participant_id, names)
    heard = {**names, blocking.participant_id: _("{who} ({tracks})").format(
        who=who, tracks=tracks_text(blocking.track_ids, titles))}
    return blocker_text(blocking.blocker, heard)


def mark_text(found: TakeRestrictions, names: Mapping[int, str]) -> str:
    """The mark of a restricted take ("" if it is not): "Restricted: Kari withdrew group
    sharing on 3.12.2026"."""
    if not found.restricted:
        return ""
    return _("Restricted: {why}").format(
        why="; ".join(restriction_text(r, names) for r in found.restrictions))


def question_text(question: ConsentQuestion, names: Mapping[int, str]) -> str:
    """A question a combination raises, and what to do about it."""
    still = [use_words(p) for p in question.still_granted]
    return _("{who} withdrew {withdrawn} but {still} is still granted: ask whether that is "
             "still meant.").format(who=_who(question.participant_id, names),
                                    withdrawn=use_words(question.withdrawn),
                                    still=_(" and ").join(still))


def sharing_off_text(sharing: Sharing, names: Mapping[int, str],
                     titles: Mapping[int, str]) -> str:
    """Why sharing the whole take for a purpose is off, and what may still go."""
    why = "; ".join(blocking_text(b, names, titles) for b in sharing.blocking)
    text = _("{export} is off: {why}.").format(export=export_words(sharing.purpose), why=why)
    return " ".join(filter(None, (text, still_shareable_text(sharing, titles))))


def sharing_off_note(sharing: Sharing, names: Mapping[int, str],
                     titles: Mapping[int, str]) -> str:
    """Sharing the whole take for a purpose is off, said in short beneath the reasons: who is
    heard where, and what may still go."""
    where = "; ".join(_("{who} is heard on {tracks}").format(
        who=_who(b.participant_id, names), tracks=tracks_text(b.track_ids, titles))
        for b in sharing.blocking)
    text = _("{export} is off: {where}.").format(export=export_words(sharing.purpose),
                                                   where=where)
    return " ".join(filter(None, (text, still_shareable_text(sharing, titles))))


def no_longer_text(sharing: Sharing, purpose: str, names: Mapping[int, str]) -> str:
    """A sharing (PURPOSE in words) turned off, with who no longer consents to it: "Inside the
    group: off, Kari no longer consents"."""
    lost = [_who(b.participant_id, names) for b in sharing.blocking
            if b.blocker.state in NO_LONGER]
    return ngettext("{purpose}: off, {who} no longer consents",
                    "{purpose}: off, {who} no longer consent", len(lost)).format(
        purpose=purpose, who=_(" and ").join(lost))


def still_shareable_text(sharing: Sharing, titles: Mapping[int, str]) -> str:
    """The tracks that may still be shared for the purpose on their own ("" if none)."""
    if not sharing.shareable:
        return ""
    return _("{tracks} may still be shared on their own.").format(
        tracks=tracks_text(sharing.shareable, titles))


def play_question_text(lost: Sequence[Restriction], names: Mapping[int, str]) -> str:
    """The question Play asks before a take is played to the room."""
    return _("{why}.\n\nPlaying this take in the room shares it with the group. "
             "Play it anyway?").format(why="; ".join(restriction_text(r, names) for r in lost))


def words_left_out_text(blockers: Sequence[Blocker], names: Mapping[int, str]) -> str:
    """Why the lead sheet leaves the song's words out."""
    return _("The lead sheet leaves the words out: {why}.").format(
        why="; ".join(blocker_text(b, names) for b in blockers))


def words_left_out_note(blockers: Sequence[Blocker], names: Mapping[int, str]) -> str:
    """The lead sheet leaves the song's words out, said in short: whose words."""
    return _("The lead sheet leaves out the words of {who}.").format(
        who=_(" and ").join(_who(b.participant_id, names) for b in blockers))
