"""The service report as plain data with exact figures: the command line's `--format json`.

Keys are the report's field names in English, stable for scripts and tests; dates are ISO."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date, datetime
from typing import Any

from mt_studio.core.domain.service_report import ServiceReport


def report_json(report: ServiceReport) -> dict[str, Any]:
    """REPORT as JSON-ready data: every field, `drop_outs` and `community_groups`, groups and
    months with their rates (None when nobody was expected), periods and months as ISO dates."""
    data = {spec.name: _plain(getattr(report, spec.name)) for spec in fields(report)}
    data["drop_outs"] = report.drop_outs
    data["community_groups"] = list(report.community_groups)
    data["groups"] = [{**_plain(group), "attendance_rate": group.attendance_rate}
                      for group in report.groups]
    data["attendance_by_month"] = [{**_plain(month), "rate": month.rate}
                                   for month in report.attendance_by_month]
    return data


def report_json_text(report: ServiceReport) -> str:
    """`report_json` written out, indented, æøå as they are."""
    return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"


def _plain(value: Any) -> Any:
    """VALUE with dataclasses as dicts, tuples as lists and days and times as ISO text."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {spec.name: _plain(getattr(value, spec.name)) for spec in fields(value)}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
