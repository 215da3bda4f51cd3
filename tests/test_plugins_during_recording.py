"""A plugin that raises in every hook, called again and again while a take records in the same
process (as in the window), leaves the recording unharmed: every sample in order, no dropout."""

from __future__ import annotations

from datetime import date

import numpy as np
from jack_rig import JackServer, RampsInAChildProcess, seen_by_portaudio
from recorder_rig import RATE, RECORDER_PORTS, check_ramp, read

from mt_studio.core.capture.audio_capture import StopReason
from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.library import consent_ledger, participants, sessions
from mt_studio.core.plugins import ExportContext, PluginFailed, PluginHost, TakeAudio
from mt_studio.core.studio.recording import TakeRequest
from tests.test_plugin_host import RAISES_EVERYWHERE, plugin


def test_a_plugin_raising_in_every_hook_leaves_a_recording_in_progress_unharmed(
        library, studio, tmp_path):
    plugin(tmp_path / "plugins", "raises", RAISES_EVERYWHERE)
    host = PluginHost([(tmp_path / "plugins", True)], tmp_path / "plugins.json")
    host.start()
    db = library.connection
    ola = participants.add(db, "Ola")
    consent_ledger.grant(db, ola, [Purpose.RECORD])
    session = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 12, 2),
                              participants=[ola])
    signal = np.zeros(RATE, np.float32)
    sound = TakeAudio(RATE, RATE, read=lambda a, b: signal[a:b])
    (tmp_path / "export").mkdir()
    context = ExportContext(tmp_path / "export", "T", (), None, sound)
    failures = 0
    with (JackServer(samplerate=RATE, period=128, inputs=2, synchronous=True,
                     realtime=True) as server,
          seen_by_portaudio(server)):
        # In its own process: this one is kept busy on purpose, and a late signal
        # would be the rig's xrun, not the recorder's.
        generator = RampsInAChildProcess(server, 2)
        try:
            recording = studio.recording.start(TakeRequest(session.id, "system", inputs=(1, 2),
                                                           duration_seconds=2))
            generator.connect_to(RECORDER_PORTS)
            while not recording.wait(0.005):
                host.enable("raises")
                block = np.full((512, 2), 0.5, np.float32)
                assert np.array_equal(host.processor("broken", RATE, 2).process(block), block)
                for hook in (lambda: host.run_analysis("boom", sound),
                             lambda: host.run_exporter("boom-files", context)):
                    host.enable("raises")
                    try:
                        hook()
                    except PluginFailed:
                        failures += 1
            result = recording.stop()
        finally:
            generator.close()
    assert failures >= 10  # the plugin failed many times while the take recorded
    assert result.stop_reason is StopReason.DURATION, result.stop_detail
    assert result.dropouts == ()
    assert abs(result.frames - 2 * RATE) <= 128
    starts = [check_ramp(read(f), channel) for channel, f in enumerate(result.files)]
    assert starts[0] == starts[1]
