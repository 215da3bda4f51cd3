"""The core stays free of Qt, checked statically (import-linter) and at run time; the window's
code has no import loop; no module is over 500 lines."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

import mt_studio.core


def test_import_linter_contract_keeps_qt_out_of_core():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mt_studio.core never imports Qt or the UI KEPT" in result.stdout


def test_the_window_has_no_import_loop():
    """Between mt_studio.ui's packages or inside one, an import loop breaks the contract, even
    one held apart by an import inside a function (the export dialog and the takes view were
    one)."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache", "--contract", "ui-without-loops"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mt_studio.ui has no import loop, between its packages or inside one KEPT" in (
        result.stdout)


MOST_LINES = 500
# Over the limit already when the limit came to be checked, in core, which is being reworked
# meanwhile: each leaves this list when it is split.
OVER_ALREADY = {"mt_studio/core/plugins/host.py"}


def test_no_module_is_over_500_lines():
    """Small modules with names that say what they hold: none over 500 lines."""
    sizes = {path.relative_to(REPO).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in (REPO / "mt_studio").rglob("*.py")}
    assert "mt_studio/ui/main_window.py" in sizes
    assert sorted(p for p, lines in sizes.items()
                  if lines > MOST_LINES and p not in OVER_ALREADY) == []
    assert [p for p in sorted(OVER_ALREADY) if sizes.get(p, 0) <= MOST_LINES] == [], (
        "split now: take it off OVER_ALREADY")


def test_importing_every_core_module_loads_no_qt():
    names = [m.name for m in pkgutil.walk_packages(mt_studio.core.__path__, "mt_studio.core.")]
    assert "mt_studio.core.consent_policy" in names
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('PyQt6', 'PyQt5', 'PySide6', 'PySide2') or m.startswith('mt_studio.ui')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def test_the_code_passes_the_linter():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "--no-cache", "mt_studio", "tests", "benchmarks",
                             "plugins"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
