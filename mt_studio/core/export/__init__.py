"""Export and share: stems and mixes that carry only what people consented to."""

from mt_studio.core.export.plan import (
    ExportFacts,
    ExportPlan,
    HeardPerson,
    Hearing,
    hearing_from,
    plan_from,
)
from mt_studio.core.export.request import ExportRequest
from mt_studio.core.export.run import (
    ExportCancelled,
    ExportFailed,
    ExportGate,
    ExportResult,
    run_export,
)

__all__ = ["ExportCancelled", "ExportFacts", "ExportFailed", "ExportGate", "ExportPlan",
           "ExportRequest", "ExportResult", "HeardPerson", "Hearing", "hearing_from", "plan_from",
           "run_export"]
