"""The core stays free of Qt, checked statically (import-linter) and at run time; the window's
code has no import loop."""

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
