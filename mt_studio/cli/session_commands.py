"""`mt-studio session new|list|show`."""

from __future__ import annotations

import argparse
from datetime import date

from mt_studio.cli.arguments import iso_date, name_list, record_id
from mt_studio.cli.output import emit_json, emit_line, emit_table
from mt_studio.core.consent_policy import heard_on
from mt_studio.core.domain import SessionKind
from mt_studio.core.errors import InputError
from mt_studio.core.presets import PresetCatalog
from mt_studio.core.studio import Studio
from mt_studio.core.studio.listening import Take, TakeSound
from mt_studio.core.studio.sessions import Session
from mt_studio.i18n import _, day_text


def register(commands: argparse._SubParsersAction) -> None:
    """Add the session commands to the parser."""
    parser = commands.add_parser("session", help=_("create, list and show sessions"))
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    new = actions.add_parser("new", help=_("create a session"))
    new.add_argument("title", metavar="TITLE")
    new.add_argument("--kind", choices=[k.value for k in SessionKind],
                     help=_("the kind of session (the template's if a template is given)"))
    new.add_argument("--template", metavar="NAME",
                     help=_("start from a session template (see 'mt-studio preset list')"))
    new.add_argument("--participants", type=name_list, default=None, metavar="P1,P2,...",
                     help=_("pseudonyms of the participants present (default with --group: "
                            "its members)"))
    new.add_argument("--group", metavar="GROUP",
                     help=_("the band or choir whose session it is (its name or id)"))
    new.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD",
                     help=_("the day of the session (default: today)"))
    new.add_argument("--therapist", metavar="TEXT")
    new.add_argument("--notes", metavar="TEXT", default="")
    new.add_argument("--json", action="store_true", help=_("print JSON"))
    new.set_defaults(run=run_new)

    listing = actions.add_parser("list", help=_("list sessions, newest first"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list)

    attend = actions.add_parser(
        "attend", help=_("write who came, who sent word and who did not come"))
    attend.add_argument("session_id", metavar="SESSION_ID", type=record_id)
    attend.add_argument("--present", type=name_list, default=[], metavar="P1,P2,...")
    attend.add_argument("--sent-word", type=name_list, default=[], metavar="P1,P2,...")
    attend.add_argument("--absent", type=name_list, default=[], metavar="P1,P2,...",
                        help=_("members named nowhere did not come"))
    attend.add_argument("--json", action="store_true", help=_("print JSON"))
    attend.set_defaults(run=run_attend)

    show = actions.add_parser("show", help=_("show a session with its takes"))
    show.add_argument("session_id", metavar="SESSION_ID", type=record_id)
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(run=run_show)


def run_new(args: argparse.Namespace, studio: Studio) -> int:
    """Create a session, from a template if one is named."""
    template = PresetCatalog.default().session_template(args.template) if args.template else None
    group = studio.groups.find(args.group) if args.group else None
    if args.kind is None and template is None and group is None:
        raise InputError(_("session new needs --kind (band, choir or individual), --group or "
                           "--template."))
    kind = SessionKind(args.kind) if args.kind else None
    present = None if args.participants is None else [
        studio.consent.find(pseudonym).id for pseudonym in args.participants]
    session = studio.sessions.create(args.title, kind, on=args.date or date.today(),
                                     present=present, template=template,
                                     therapist=args.therapist, notes=args.notes,
                                     group_id=group and group.id)
    if args.json:
        emit_json({"id": session.id, "title": session.title, "kind": session.kind.value})
    else:
        emit_line(_("Created session {id}: {title}.").format(id=session.id, title=session.title))
    return 0


def run_attend(args: argparse.Namespace, studio: Studio) -> int:
    """Write everyone's answer to a session."""
    def ids(names: list[str]) -> list[int]:
        return [studio.consent.find(pseudonym).id for pseudonym in names]

    expected = studio.groups.attend(args.session_id, ids(args.present), ids(args.sent_word),
                                    ids(args.absent))
    if args.json:
        emit_json([{"pseudonym": e.pseudonym, "answer": e.answer and e.answer.value}
                   for e in expected])
    else:
        words = {"present": _("came"), "sent_word": _("sent word"), "absent": _("did not come")}
        emit_table([_("Participant"), _("Answer")],
                   [(e.pseudonym, words[e.answer.value] if e.answer else "") for e in expected])
    return 0


def run_list(args: argparse.Namespace, studio: Studio) -> int:
    """List sessions, newest first."""
    found = studio.sessions.all()
    if args.json:
        emit_json([
            {"id": s.id, "title": s.title, "kind": s.kind.value, "date": s.date.isoformat(),
             "participants": [p.pseudonym for p in s.participants], "takes": s.take_count}
            for s in found
        ])
    elif not found:
        emit_line(_("No sessions yet. Create one with 'mt-studio session new TITLE --kind band'."))
    else:
        emit_table(
            [_("ID"), _("Date"), _("Kind"), _("Title"), _("Present"), _("Takes")],
            [(s.id, s.date, s.kind.value, s.title, len(s.participants), s.take_count)
             for s in found])
    return 0


def run_show(args: argparse.Namespace, studio: Studio) -> int:
    """Show one session with its takes."""
    session = studio.sessions.get(args.session_id)
    session_takes = studio.sessions.takes(session.id)
    if args.json:
        sounds = [studio.listening.sound(take.id) for take in session_takes]
        emit_json(session_json(session, sounds, studio.consent.pseudonyms()))
        return 0
    emit_line(f"{session.title}  ({session.kind.value}, {day_text(session.date)})")
    if session.therapist:
        emit_line(_("Therapist: {name}").format(name=session.therapist))
    emit_line(_("Present: {names}").format(
        names=", ".join(p.pseudonym for p in session.participants) or _("nobody yet")))
    if session.notes:
        emit_line(_("Notes: {notes}").format(notes=session.notes))
    if session.inputs:
        emit_line(_("Inputs: {inputs}").format(inputs=", ".join(
            f"{i.number} {i.label}" + (_(" (isolated)") if i.isolated else "")
            for i in session.inputs)))
    if not session_takes:
        emit_line(_("No takes yet."))
        return 0
    emit_table(
        [_("Take"), _("Status"), _("Length"), _("Tracks"), _("Markers"), _("Dropouts")],
        [(t.number, t.status.value, _duration(t), len(t.tracks), len(t.markers), len(t.dropouts))
         for t in session_takes])
    return 0


def session_json(session: Session, sounds: list[TakeSound], names: dict[int, str]) -> dict:
    """A session with its takes (as they sound: their files resolved) as the JSON contract
    gives it; files are absolute paths. A track's participants are everyone who can be heard
    on it."""
    present = [p.id for p in session.participants]
    return {
        "id": session.id,
        "title": session.title,
        "kind": session.kind.value,
        "date": session.date.isoformat(),
        "therapist": session.therapist,
        "group_id": session.group_id,
        "notes": session.notes,
        "template": session.template,
        "tempo_bpm": session.tempo_bpm,
        "count_in_bars": session.count_in_bars,
        "participants": [p.pseudonym for p in session.participants],
        "inputs": [{"input": i.number, "label": i.label, "isolated": i.isolated,
                    "armed": i.armed} for i in session.inputs],
        "takes": [
            {
                "id": take.id,
                "number": take.number,
                "status": take.status.value,
                "samplerate": take.samplerate,
                "frames": take.frames,
                "started_at": take.started_at.isoformat(),
                "ended_at": take.ended_at.isoformat() if take.ended_at else None,
                "format": take.sample_format,
                "tracks": [
                    {"id": track.id, "kind": track.kind.value, "input": track.input,
                     "port": track.port, "file": str(sound.folder / track.file),
                     "parts": [str(path) for path in sounding.files] if not sounding.is_midi
                     else [],
                     "participants": [names[p] for p in sorted(
                         heard_on(track.plan(), present), key=lambda p: names[p].casefold())],
                     "isolated": track.isolated, "instrument": track.instrument}
                    for sounding in sound.tracks for track in [sounding.track]
                ],
                "markers": [{"frame": m.frame, "name": m.name} for m in take.markers],
                "dropouts": [{"frame": d.frame, "length": d.length, "cause": d.cause}
                             for d in take.dropouts],
            }
            for sound in sounds for take in [sound.take]
        ],
    }


def _duration(take: Take) -> str:
    seconds = take.frames // take.samplerate
    return f"{seconds // 60}:{seconds % 60:02d}"
