"""Export and share: stems and mixes that carry only what people consented to."""

from mt_studio.core.export.plan import (
    ExportFacts,
    ExportPlan,
    HeardPerson,
    Hearing,
    hearing_from,
    plan_export,
    plan_from,
)
from mt_studio.core.export.request import SHARING_PURPOSES, ExportRequest
from mt_studio.core.export.run import (
    ExportCancelled,
    ExportFailed,
    ExportGate,
    ExportResult,
    export_take,
    run_export,
)

# plan_export and export_take are transitional: the window calls them until it goes through
# the studio
__all__ = ["SHARING_PURPOSES", "ExportCancelled", "ExportFacts", "ExportFailed", "ExportGate",
           "ExportPlan", "ExportRequest", "ExportResult", "HeardPerson", "Hearing",
           "export_take", "hearing_from", "plan_export", "plan_from", "run_export"]
