"""`mt-studio consent grant|withdraw|show`: the ledger from the command line."""

from __future__ import annotations

import argparse

from mt_studio.cli.arguments import iso_date, purpose
from mt_studio.cli.output import emit_json, emit_line, emit_table
from mt_studio.core.consent_policy import ConsentStatus
from mt_studio.core.domain import ConsentEvent, Credit, Purpose
from mt_studio.core.studio import Studio
from mt_studio.core.text import printable, shown
from mt_studio.i18n import _, day_text, moment_text


def register(commands: argparse._SubParsersAction) -> None:
    """Add the consent commands to the parser."""
    parser = commands.add_parser("consent", help=_("grant, withdraw and show consent"))
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    purposes_help = _("one or more of: {purposes}").format(
        purposes=" ".join(p.value for p in Purpose))

    grant = actions.add_parser("grant", help=_("record consent given for purposes"))
    grant.add_argument("pseudonym", metavar="PSEUDONYM")
    grant.add_argument("purposes", metavar="PURPOSE", nargs="+", type=purpose, help=purposes_help)
    grant.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD",
                       help=_("last day the consent is valid"))
    grant.add_argument("--witness", metavar="TEXT", help=_("who witnessed it"))
    grant.add_argument("--form-version", metavar="TEXT", help=_("version of the consent form"))
    grant.add_argument("--credit", choices=[c.value for c in Credit],
                       help=_("how they want to be credited where their music is shared"))
    grant.add_argument("--json", action="store_true", help=_("print JSON"))
    grant.set_defaults(run=run_grant)

    withdraw = actions.add_parser("withdraw", help=_("record consent withdrawn, at once"))
    withdraw.add_argument("pseudonym", metavar="PSEUDONYM")
    withdraw.add_argument("purposes", metavar="PURPOSE", nargs="+", type=purpose,
                          help=purposes_help)
    withdraw.add_argument("--reason", metavar="TEXT")
    withdraw.add_argument("--json", action="store_true", help=_("print JSON"))
    withdraw.set_defaults(run=run_withdraw)

    show = actions.add_parser("show", help=_("current consent per purpose, and the history"))
    show.add_argument("pseudonym", metavar="PSEUDONYM")
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(run=run_show)


def run_grant(args: argparse.Namespace, studio: Studio) -> int:
    """Append grant rows."""
    participant = studio.consent.find(args.pseudonym)
    events = studio.consent.grant(
        participant.id, args.purposes, valid_until=args.until, witness=args.witness,
        form_version=args.form_version, credit=Credit(args.credit) if args.credit else None)
    if args.json:
        emit_json({"participant": participant.pseudonym,
                   "events": [_event_json(e) for e in events]})
    else:
        until = (_(" until {date}").format(date=day_text(args.until)) if args.until else "")
        emit_line(_("{pseudonym} consents to {purposes}{until}.").format(
            pseudonym=participant.pseudonym, purposes=", ".join(e.purpose for e in events),
            until=until))
    return 0


def run_withdraw(args: argparse.Namespace, studio: Studio) -> int:
    """Append withdrawal rows and say what they touch."""
    participant = studio.consent.find(args.pseudonym)
    report = studio.consent.withdraw(participant.id, args.purposes, reason=args.reason)
    if args.json:
        emit_json({
            "participant": participant.pseudonym,
            "events": [_event_json(e) for e in report.events],
            "restricted_takes": [
                {"take": t.take_id, "session": t.session_id, "number": t.number}
                for t in report.restricted_takes
            ],
            "exports_to_recall": [
                {"export": e.export_id, "purpose": e.purpose, "recipient": e.recipient,
                 "title": e.title, "created_at": e.created_at.isoformat()}
                for e in report.exports_to_recall
            ],
            "lead_sheets": [
                {"take": s.take_id, "song": s.song_id, "how": s.how, "at": s.at.isoformat()}
                for s in report.lead_sheets
            ],
        })
        return 0
    withdrawn, refused = report.valid_before, report.refused
    if withdrawn:
        emit_line(_("{pseudonym} has withdrawn consent to {purposes}, from now on.").format(
            pseudonym=participant.pseudonym, purposes=", ".join(withdrawn)))
    if refused:
        emit_line(_("{pseudonym} had no valid consent to {purposes}; the refusal is recorded.")
                  .format(pseudonym=participant.pseudonym, purposes=", ".join(refused)))
    if report.restricted_takes:
        emit_line(_("Takes now restricted: {takes}.").format(takes=", ".join(
            _("session {session} take {number}").format(session=t.session_id, number=t.number)
            for t in report.restricted_takes)))
    for export in report.exports_to_recall:
        emit_line(_("Earlier export {id} ({purpose}) went to {recipient} on {date}: "
                    "consider asking for it back.").format(
            id=f"{export.export_id} “{printable(export.title)}”" if export.title
            else export.export_id, purpose=export.purpose, recipient=shown(export.recipient),
            date=day_text(export.created_at.astimezone().date())))
    for sheet in report.lead_sheets:
        emit_line((_("A lead sheet of take {take} with their words was printed on {date}: "
                     "consider asking the group to give it back.") if sheet.how == "printed"
                   else _("A lead sheet of take {take} with their words was saved as PDF on "
                          "{date}: consider asking the group to give it back.")).format(
            take=sheet.take_id, date=day_text(sheet.at.astimezone().date())))
    return 0


def run_show(args: argparse.Namespace, studio: Studio) -> int:
    """Show the state per purpose, the credit choice and the whole history (in the order
    written, which decides), flagging rows stamped in the future."""
    found = studio.consent.history(args.pseudonym)
    participant, states, credit, history = found.participant, found.states, found.credit, \
        found.rows
    if args.json:
        emit_json({
            "participant": {"id": participant.id, "pseudonym": participant.pseudonym},
            "credit": credit.value,
            "purposes": {p.value: _status_json(s) for p, s in states.items()},
            "history": [{**_event_json(e), "stamped_ahead": e.id in found.ahead}
                        for e in history],
        })
        return 0
    emit_line(_("{pseudonym}: credit as {credit}").format(
        pseudonym=participant.pseudonym, credit=credit.value))
    emit_table([_("Purpose"), _("State"), _("Since"), _("Valid until")],
               [(p.value, _state_text(s), s.since or "", s.valid_until or "")
                for p, s in states.items()])
    if history:
        emit_line()
        emit_line(_("History:"))
        emit_table(
            [_("When"), _("Action"), _("Purpose"), _("Until"), _("Credit"), _("Witness"),
             _("Form"), _("Reason")],
            [(_stamp_text(e, found.ahead), e.action.value, e.purpose.value,
              e.valid_until or "", e.credit or "", e.witness or "", e.form_version or "",
              e.reason or "") for e in history])
        if found.ahead:
            emit_line()
            emit_line(_("! Stamped in the future: the computer's clock was ahead when the row "
                        "was written. It counts from when it was written, in the order shown; "
                        "check the clock."))
    return 0


def _stamp_text(event: ConsentEvent, ahead: frozenset[int]) -> str:
    text = moment_text(event.at)
    return f"{text} !" if event.id in ahead else text


def _state_text(status: ConsentStatus) -> str:
    return {
        "granted": _("granted"), "never_granted": _("never given"),
        "expired": _("expired"), "withdrawn": _("withdrawn"),
    }[status.state.value]


def _status_json(status: ConsentStatus) -> dict:
    return {
        "state": status.state.value,
        "valid": status.valid,
        "since": status.since.isoformat() if status.since else None,
        "valid_until": status.valid_until.isoformat() if status.valid_until else None,
    }


def _event_json(event: ConsentEvent) -> dict:
    return {
        "id": event.id,
        "action": event.action.value,
        "purpose": event.purpose.value,
        "at": event.at.isoformat(),
        "valid_until": event.valid_until.isoformat() if event.valid_until else None,
        "credit": event.credit.value if event.credit else None,
        "witness": event.witness,
        "form_version": event.form_version,
        "reason": event.reason,
    }
