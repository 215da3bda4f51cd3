"""The core stays free of Qt, checked statically (import-linter) and at run time; the window's
code has no import loop; no module is over 500 lines."""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import REPO

import mt_studio.core


def test_import_linter_contract_keeps_qt_out_of_core():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mt_studio.core never imports Qt or the UI KEPT" in result.stdout


def test_only_the_studio_reads_the_library_and_every_layer_imports_only_those_below_it():
    """The windows, the command line, the plugin API, the engines and the policy never import
    the library or sqlite3 (only the studio does), and the layers hold (docs/architecture.md):
    both contracts in pyproject.toml, with no exception."""
    lint = Path(sys.executable).with_name("lint-imports")
    for contract, name in (
            ("library-behind-the-studio",
             "Nothing but the studio imports the library or sqlite3"),
            ("layers", "Layers: windows and commands, studio, engines and policy, library")):
        result = subprocess.run([str(lint), "--no-cache", "--contract", contract], cwd=REPO,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"{name} KEPT" in result.stdout
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "ignore_imports" not in str(config["tool"]["importlinter"])


def test_the_contracts_name_every_module_of_the_core():
    """A new engine is covered by the contracts as soon as it is written: every module of
    mt_studio.core but the studio and the library is forbidden the library, and has a layer."""
    contracts = {c.get("id"): c for c in tomllib.loads(
        (REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"][
        "contracts"]}
    core = {f"mt_studio.core.{m.name}" for m in pkgutil.iter_modules(mt_studio.core.__path__)}
    engines = core - {"mt_studio.core.studio", "mt_studio.core.library"}
    assert engines <= set(contracts["library-behind-the-studio"]["source_modules"])
    layered = {f"mt_studio.{name.strip()}" for layer in contracts["layers"]["layers"]
               for name in layer.replace("|", ":").split(":")}
    assert core <= layered


def test_the_bundled_plugins_read_no_library():
    """A bundled plugin is code of ours, but it works through the plugin API like anyone's:
    it imports neither the library nor sqlite3, nor any of mt_studio but the plugin API."""
    found = {}
    for path in sorted((REPO / "plugins").glob("*/*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names]
        names += [node.module or "" for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom) and node.level == 0]
        found[path.relative_to(REPO).as_posix()] = names
    assert "plugins/chord-sheet/__init__.py" in found
    wrong = {path: [n for n in names if n.split(".")[0] == "sqlite3"
                    or (n.startswith("mt_studio") and n != "mt_studio.plugin_api")]
             for path, names in found.items()}
    assert {path: names for path, names in wrong.items() if names} == {}


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
OVER_ALREADY: set[str] = set()


def test_no_module_is_over_500_lines():
    """Small modules with names that say what they hold: none over 500 lines."""
    sizes = {path.relative_to(REPO).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in (REPO / "mt_studio").rglob("*.py")}
    assert "mt_studio/ui/main_window.py" in sizes
    assert sorted(p for p, lines in sizes.items()
                  if lines > MOST_LINES and p not in OVER_ALREADY) == []
    assert [p for p in sorted(OVER_ALREADY) if sizes.get(p, 0) <= MOST_LINES] == [], (
        "split now: take it off OVER_ALREADY")


def test_nothing_outside_the_studio_reaches_its_transaction_connection_or_library():
    """The studio's transaction, connection and library are its services' only: a window,
    command, plugin or benchmark that used them would go around every rule."""
    private = re.compile(r"\bstudio\._(transaction|reading|acting|announce|library|service|"
                         r"shared|pinned_actor|check_open|signed_in)\b")
    reached = [f"{path.relative_to(REPO)}:{n}" for folder in ("mt_studio", "plugins", "benchmarks")
               for path in (REPO / folder).rglob("*.py")
               if "core/studio" not in path.as_posix()
               for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if private.search(line)]
    assert reached == []


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


def test_the_code_cites_its_own_account_of_itself_never_a_file_outside_the_repository():
    """docs/architecture.md is the project's account of its layers; a citation of a design
    note kept elsewhere would leave a reader with nothing to open."""
    cited = [path.relative_to(REPO).as_posix()
             for folder in ("mt_studio", "plugins", "tests", "benchmarks", "docs")
             for path in (REPO / folder).rglob("*.py")
             if "DESIGN" + ".md" in path.read_text(encoding="utf-8")
             or "DESIGN" + " §" in path.read_text(encoding="utf-8")]
    assert cited == []
    assert (REPO / "docs" / "architecture.md").is_file()
