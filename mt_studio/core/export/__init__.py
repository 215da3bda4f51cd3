"""Export and share: stems and mixes that carry only what people consented to (DESIGN.md §4)."""

from mt_studio.core.export.plan import ExportPlan, HeardPerson, plan_export
from mt_studio.core.export.request import SHARING_PURPOSES, ExportRequest
from mt_studio.core.export.run import ExportCancelled, ExportFailed, ExportResult, export_take

__all__ = ["SHARING_PURPOSES", "ExportCancelled", "ExportFailed", "ExportPlan", "ExportRequest",
           "ExportResult", "HeardPerson", "export_take", "plan_export"]
