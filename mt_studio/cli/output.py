"""Writing results: JSON for scripts, aligned plain text for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence


def emit_json(value: object) -> None:
    """Write VALUE as JSON on stdout (UTF-8 kept readable)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def emit_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Write ROWS under HEADERS in aligned columns."""
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        line = "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True))
        sys.stdout.write(line.rstrip() + "\n")


def emit_line(text: str = "") -> None:
    """Write one line for people."""
    sys.stdout.write(text + "\n")
