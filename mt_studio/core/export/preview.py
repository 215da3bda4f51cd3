"""An export's preview, as plain values: everyone heard on what would be exported, where each
stands for the chosen purpose (their chip) and how each will be credited; then the plan, or why
not, with each person who blocks it and the tracks they are heard on.

Who is heard and the verdict are the plan's (`hearing_from`, then `plan_from`), so the preview
shows who holds the purpose as well as who blocks it, and where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mt_studio.core.consent_board import Chip, chip_state
from mt_studio.core.consent_policy import consent_status
from mt_studio.core.domain import ConsentEvent, Credit, Purpose
from mt_studio.core.errors import InputError, MtStudioError
from mt_studio.core.export.plan import ExportFacts, ExportPlan, hearing_from, plan_from
from mt_studio.core.export.request import ExportRequest
from mt_studio.core.take_restrictions import Blocking, who_blocks_where
from mt_studio.i18n import _, ngettext


@dataclass(frozen=True)
class HeardRow:
    """One person heard: their consent to the purpose now, and the credit they chose."""

    participant_id: int
    pseudonym: str
    chip: Chip
    credit: Credit
    credit_text: str | None


@dataclass(frozen=True)
class Preview:
    """What an export would carry: the plan when it may go ahead, else the problem in words."""

    rows: tuple[HeardRow, ...]
    plan: ExportPlan | None
    problem: str = ""
    blocking: tuple[Blocking, ...] = ()  # who lacks the purpose, and the tracks they are on

    @property
    def allowed(self) -> bool:
        """Whether the export may go ahead as it stands."""
        return self.plan is not None


def not_possible(purpose: Purpose, why: str) -> str:
    """The sentence saying that sharing for PURPOSE cannot go ahead, and WHY."""
    return {
        Purpose.GROUP: _("Sharing inside the group is not possible now: {why}."),
        Purpose.COMMUNITY: _("Sharing with a community music group is not possible now: "
                             "{why}."),
        Purpose.PUBLIC: _("Sharing in public is not possible now: {why}."),
    }[purpose].format(why=why)


def preview_from(facts: ExportFacts, request: ExportRequest, at: datetime) -> Preview:
    """The preview of REQUEST at moment AT, from FACTS: the plan, or who blocks it and why."""
    try:
        heard = hearing_from(facts, request, at)
    except InputError as error:
        return Preview((), None, str(error))
    rows = tuple(HeardRow(p.participant_id, p.pseudonym,
                          _chip(heard.ledger, p.participant_id, request.purpose, at),
                          p.credit, p.credit_text) for p in heard.heard)
    if not heard.decision.allowed:
        blockers = heard.decision.blockers
        why = ngettext("{n} person heard lacks this consent",
                       "{n} people heard lack this consent", len(blockers)).format(
                           n=len(blockers))
        blocking = who_blocks_where(blockers, {t.id: t.plan() for t in heard.audio + heard.midi},
                                    heard.present)
        return Preview(rows, None, "\n".join((
            not_possible(request.purpose, why),
            _("Record their consent, or untick the tracks they are heard on:"))), blocking)
    try:
        return Preview(rows, plan_from(facts, request, at, heard))
    except MtStudioError as error:  # a title naming someone
        return Preview(rows, None, str(error))


def _chip(ledger: Sequence[ConsentEvent], participant_id: int, purpose: Purpose,
          at: datetime) -> Chip:
    status = consent_status(ledger, participant_id, purpose, at)
    return Chip(purpose, chip_state(status, at.astimezone().date()), status)
