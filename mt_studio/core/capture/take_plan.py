"""What a take would record under the consent rules, decided from plain values before anything
opens: the request, who is present, the consent ledger and the pseudonyms to name people by.

The one place the rule is applied: the studio's `recording.plan` and the start of a take both
ask `plan_take`, which reads nothing itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mt_studio.core.capture.devices import AudioInputDevice
from mt_studio.core.capture.wav_stream import MAX_DATA_BYTES, SampleFormat
from mt_studio.core.consent_policy import RecordDecision, may_record
from mt_studio.core.domain import ConsentEvent, TrackPlan
from mt_studio.core.errors import InputError
from mt_studio.i18n import _

MIDI_KEY = "midi"


@dataclass(frozen=True)
class TakeRequest:
    """What to record: which inputs of which device, who owns them, and how."""

    session_id: int
    device: str
    inputs: tuple[int, ...] | None = None
    owners: Mapping[int | str, tuple[int, ...]] = field(default_factory=dict)
    isolated: frozenset[int] = frozenset()
    midi: str | None = None
    samplerate: int | None = None
    blocksize: int = 0
    sample_format: SampleFormat = SampleFormat.PCM24
    duration_seconds: float | None = None
    split_bytes: int = MAX_DATA_BYTES
    ring_seconds: float = 4.0
    labels: Mapping[int, str] = field(default_factory=dict)  # instrument per input number

    def people(self, present: Iterable[int]) -> set[int]:
        """Everyone whose consent decides: those PRESENT and every input's owners."""
        return set(present) | {p for owners in self.owners.values() for p in owners}


@dataclass(frozen=True)
class TakePlan:
    """What a take would record under the consent rules, and why not, before anything opens.

    `refusal` is the sentence to show when Record must stay off (it names who blocks it);
    `disarm_reasons` says, per disarmed input, whose missing consent disarmed it.
    """

    inputs: tuple[int, ...]
    tracks: tuple[TrackPlan, ...]
    present: tuple[int, ...]
    decision: RecordDecision
    armed: tuple[int, ...]
    disarmed: tuple[int, ...]
    record_midi: bool
    refusal: str | None
    disarm_reasons: Mapping[int | str, str] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        """True when Record may start."""
        return self.refusal is None


def plan_take(request: TakeRequest, inputs: Sequence[int], midi_port: str | None, *,
              present: Sequence[int], ledger: Iterable[ConsentEvent],
              names: Mapping[int, str], at: datetime) -> TakePlan:
    """Decide which of INPUTS and MIDI_PORT record, with PRESENT (participant ids) in the
    session, by the consent rules on LEDGER (at least every row of `request.people(present)`)
    at AT; NAMES (pseudonyms by id) name whoever blocks it."""
    inputs = tuple(inputs)
    present = tuple(present)
    tracks = [TrackPlan(str(n), frozenset(request.owners.get(n, ())), n in request.isolated)
              for n in inputs]
    if midi_port:
        tracks.append(TrackPlan(MIDI_KEY, frozenset(request.owners.get(MIDI_KEY, ())), True))
    ledger = tuple(ledger)
    decision = may_record(tracks, present, ledger, at)
    armed = tuple(n for n in inputs if str(n) in decision.armed)
    disarmed = tuple(n for n in inputs if str(n) in decision.disarmed)
    record_midi = midi_port is not None and MIDI_KEY in decision.armed
    refusal = None
    if not decision.allowed:
        refusal = _("Recording refused: {why}.").format(why=decision.describe(names))
    elif not armed:
        refusal = _("Nothing can be recorded: every armed input belongs to "
                    "someone without consent to record.")
    reasons: dict[int | str, str] = {}
    for track in tracks:
        if track.key in decision.disarmed:
            lacking = may_record([TrackPlan(track.key, track.owners, False)], (), ledger, at)
            key = MIDI_KEY if track.key == MIDI_KEY else int(track.key)
            reasons[key] = lacking.describe(names)
    return TakePlan(inputs, tuple(tracks), present, decision, armed, disarmed, record_midi,
                    refusal, reasons)


def check_inputs(inputs: Sequence[int], device: AudioInputDevice, request: TakeRequest) -> None:
    """InputError naming an input the device does not have, or an isolated input that is not
    recorded or has no owner."""
    for number in (*inputs, *request.isolated,
                   *(k for k in request.owners if isinstance(k, int))):
        if not 1 <= number <= device.inputs:
            raise InputError(_("Input {n} does not exist on {device}, which has {count}.").format(
                n=number, device=device.name, count=device.inputs))
    for number in request.isolated:
        if number not in inputs:
            raise InputError(_("Input {n} is marked isolated but is not recorded.").format(
                n=number))
        if not request.owners.get(number):
            raise InputError(_("Input {n} is marked isolated but has no owner; "
                               "give one with --assign {n}=PSEUDONYM.").format(n=number))
