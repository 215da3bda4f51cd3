"""Presets: the shipped files, strict validation with file:line errors, migrations, the catalog."""

from __future__ import annotations

import dataclasses
import tempfile
import textwrap
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mt_studio
from mt_studio.core.domain import SessionKind
from mt_studio.core.errors import InputError
from mt_studio.core.presets import (
    FORMAT_VERSION,
    PRESETS_ENV_VAR,
    AudioFormat,
    Connector,
    ExportProfile,
    InputMap,
    InterfaceInput,
    Migrations,
    PresetCatalog,
    PresetError,
    PresetKind,
    SessionTemplate,
    TemplateInput,
    bundled_presets_folder,
    default_migrations,
    dump_preset,
    kind_of,
    load_preset,
    user_presets_folder,
)
from mt_studio.core.presets.locate import LineLocator

BUNDLED = bundled_presets_folder()
SHIPPED = sorted(BUNDLED.glob("*/*.toml"))
KIND_BY_FOLDER = {kind.folder: kind for kind in PresetKind}
MARK = "# <-"  # marks the line an error must point at in the texts below


def write(folder: Path, relative: str, text: str | bytes) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def marked_line(path: Path) -> int:
    """The line carrying MARK, or 1 when none does (errors about the top level)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if MARK in line:
            return number
    return 1


def load_error(path: Path, **kwargs: object) -> PresetError:
    with pytest.raises(PresetError) as caught:
        load_preset(path, **kwargs)  # type: ignore[arg-type]
    return caught.value


def without_source(preset: object) -> object:
    return dataclasses.replace(preset, source=Path("-"))  # type: ignore[type-var]


TEMPLATE = """
    format_version = 1
    kind = "session-template"
    name = "mine"
    title = "Mine"
    session_kind = "band"
"""


# -- the shipped presets ----------------------------------------------------------------


def test_bundled_folder_is_the_repository_presets_folder() -> None:
    assert BUNDLED == Path(mt_studio.__file__).resolve().parent.parent / "presets"
    assert {p.name for p in BUNDLED.iterdir() if p.is_dir()} >= set(KIND_BY_FOLDER)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_preset_loads_and_round_trips(path: Path, tmp_path: Path) -> None:
    kind = KIND_BY_FOLDER[path.parent.name]
    preset = load_preset(path, kind=kind)
    assert kind_of(preset) is kind
    assert preset.name == path.stem
    assert preset.source == path
    copy = write(tmp_path, "copy.toml", dump_preset(preset))
    again = load_preset(copy, kind=kind)
    assert again.source == copy
    assert without_source(again) == without_source(preset)


def test_shipped_set_is_complete_and_clean() -> None:
    catalog = PresetCatalog([BUNDLED])
    assert catalog.problems() == []
    assert [t.name for t in catalog.session_templates()] == [
        "band",
        "choir",
        "individual-songwriting",
    ]
    assert [p.name for p in catalog.export_profiles()] == [
        "archive-wav",
        "listening-mp3",
        "share-mix-flac",
        "stems-wav",
    ]
    sizes = {m.name: len(m.inputs) for m in catalog.input_maps()}
    assert sizes == {
        "scarlett-2i2": 2,
        "scarlett-4i4": 4,
        "scarlett-18i8": 18,
        "scarlett-18i20": 18,
        "umc404hd": 4,
        "zoom-l-8": 12,
    }
    for input_map in catalog.input_maps():
        assert [i.number for i in input_map.inputs] == list(range(1, len(input_map.inputs) + 1))


def test_shipped_input_maps_describe_the_hardware() -> None:
    catalog = PresetCatalog([BUNDLED])
    connectors = {m.name: [i.connector for i in m.inputs] for m in catalog.input_maps()}
    combo, line, digital = Connector.COMBO, Connector.LINE, Connector.DIGITAL
    assert connectors["scarlett-2i2"] == [combo] * 2
    assert connectors["scarlett-4i4"] == [combo] * 2 + [line] * 2
    assert connectors["scarlett-18i8"] == [combo] * 4 + [line] * 4 + [digital] * 10
    assert connectors["scarlett-18i20"] == [combo] * 8 + [digital] * 10
    assert connectors["umc404hd"] == [combo] * 4
    zoom = catalog.input_map("zoom-l-8")
    assert [i.label for i in zoom.inputs[-2:]] == ["Master mix left", "Master mix right"]


def test_shipped_session_templates() -> None:
    catalog = PresetCatalog([BUNDLED])
    band = catalog.session_template("band")
    assert band.session_kind is SessionKind.BAND
    assert band.tempo_bpm == 100.0 and band.count_in_bars == 1
    assert [(i.label, i.isolated, i.armed) for i in band.inputs] == [
        ("Vocal mic", False, True),
        ("Room mic", False, True),
        ("Bass (DI)", True, True),
        ("Keys (line)", True, True),
    ]
    choir = catalog.session_template("choir")
    assert (
        choir.session_kind is SessionKind.CHOIR
        and choir.count_in_bars == 0
        and choir.tempo_bpm is None
    )
    assert [i.number for i in choir.inputs] == [1, 2]
    solo = catalog.session_template("individual-songwriting")
    assert solo.session_kind is SessionKind.INDIVIDUAL and solo.count_in_bars == 1
    assert [i.isolated for i in solo.inputs] == [False, True]


def test_bundled_presets_speak_the_users_language_and_the_users_own_as_written(
        tmp_path: Path) -> None:
    from mt_studio import i18n

    write(tmp_path, "session-templates/mine.toml", textwrap.dedent("""\
        format_version = 1
        kind = "session-template"
        name = "mine"
        title = "Band session"
        session_kind = "band"
        [[inputs]]
        number = 1
        label = "Room mic"
    """))
    i18n.use_language("nb")
    try:
        catalog = PresetCatalog([BUNDLED, tmp_path])
        band, mine = catalog.session_template("band"), catalog.session_template("mine")
        profiles = {p.name: p.title for p in catalog.export_profiles()}
    finally:
        i18n.use_language("en")
    assert band.title == "Bandøkt"
    assert [i.label for i in band.inputs] == ["Vokalmikrofon", "Rommikrofon", "Bass (DI)",
                                               "Keyboard (linje)"]
    assert profiles["stems-wav"] == "Separate spor (WAV 24-bit, 48 kHz)"
    assert (mine.title, mine.inputs[0].label) == ("Band session", "Room mic")


def test_shipped_export_profiles() -> None:
    catalog = PresetCatalog([BUNDLED])
    share = catalog.export_profile("share-mix-flac")
    assert (share.format, share.bit_depth, share.samplerate) == (AudioFormat.FLAC, 16, 44100)
    assert (share.loudness_lufs, share.true_peak_dbtp, share.stems) == (-16.0, -1.0, False)
    mp3 = catalog.export_profile("listening-mp3")
    assert (mp3.format, mp3.bit_depth, mp3.loudness_lufs) == (AudioFormat.MP3, None, -16.0)
    archive = catalog.export_profile("archive-wav")
    assert (archive.format, archive.bit_depth, archive.stems, archive.loudness_lufs) == (
        AudioFormat.WAV, 32, True, None)
    stems = catalog.export_profile("stems-wav")
    assert (stems.format, stems.bit_depth, stems.samplerate, stems.stems) == (
        AudioFormat.WAV, 24, 48000, True)


@pytest.mark.parametrize(
    ("device", "expected"),
    [
        ("Scarlett 2i2 USB: Audio (hw:1,0)", "scarlett-2i2"),
        ("scarlett 4I4 usb", "scarlett-4i4"),
        ("Scarlett 18i8 USB", "scarlett-18i8"),
        ("Scarlett 18i20 USB: Audio (hw:2,0)", "scarlett-18i20"),
        ("UMC404HD 192k: USB Audio (hw:3,0)", "umc404hd"),
        ("ZOOM L-8 Audio", "zoom-l-8"),
        ("HDA Intel PCH: ALC3246 Analog (hw:0,0)", None),
        ("system", None),
    ],
)
def test_input_map_for_device(device: str, expected: str | None) -> None:
    found = PresetCatalog([BUNDLED]).input_map_for_device(device)
    assert (found.name if found else None) == expected


def test_most_specific_input_map_wins(tmp_path: Path) -> None:
    for name, match in (("generic", "usb"), ("specific", "usb audio codec")):
        write(
            tmp_path,
            f"input-maps/{name}.toml",
            f"""
            format_version = 1
            kind = "input-map"
            name = "{name}"
            title = "{name}"
            match = ["{match}"]
            [[inputs]]
            number = 1
            label = "In"
            connector = "line"
            """,
        )
    catalog = PresetCatalog([tmp_path])
    specific = catalog.input_map_for_device("USB Audio CODEC: x")
    generic = catalog.input_map_for_device("Some USB thing")
    assert specific is not None and specific.name == "specific"
    assert generic is not None and generic.name == "generic"
    assert catalog.input_map("generic").matches("SOME usb") is True
    assert catalog.input_map("specific").matches("usb") is False


# -- versions and migrations ------------------------------------------------------------


def test_newer_format_version_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "future.toml",
        TEMPLATE.replace("format_version = 1", f"format_version = 2  {MARK}"),
    )
    error = load_error(path)
    message = str(error)
    assert message.startswith(f"{path}:1: ")
    assert "newer mt_studio (format_version 2; this version reads up to 1)" in message
    assert error.path == path and error.line == 1 and error.exit_code == 2


def test_newer_file_is_refused_before_its_unknown_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "future.toml",
        TEMPLATE.replace("format_version = 1", "format_version = 7") + "new = 1\n",
    )
    assert "format_version 7" in str(load_error(path))


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        (None, "missing required key 'format_version'"),
        ('format_version = "1"', "must be an integer such as 1, not text"),
        ("format_version = 1.0", "must be an integer such as 1, not a decimal number"),
        ("format_version = true", "must be an integer such as 1, not true/false"),
        ("format_version = 0", "must be 1 or more"),
    ],
)
def test_missing_or_bad_format_version(tmp_path: Path, line: str | None, fragment: str) -> None:
    text = TEMPLATE.replace("format_version = 1\n", "" if line is None else line + "\n")
    path = write(tmp_path, "x.toml", text + "[[inputs]]\nnumber = 1\nlabel = 'a'\n")
    message = str(load_error(path))
    assert message.startswith(f"{path}:1: ")
    assert fragment in message


def _synthetic_migrations() -> Migrations:
    """Pretend that format_version 1 called the tempo "bpm" and version 2 renamed it."""
    migrations = Migrations(current=2)

    @migrations.step(1)
    def rename_bpm(raw: dict) -> dict:
        if "bpm" in raw:
            raw["tempo_bpm"] = raw.pop("bpm")
        return raw

    return migrations


def test_synthetic_migration_is_applied(tmp_path: Path) -> None:
    path = write(tmp_path, "old.toml", TEMPLATE + "bpm = 90\n[[inputs]]\nnumber = 1\nlabel = 'a'\n")
    with pytest.raises(PresetError, match="unknown key 'bpm'"):
        load_preset(path)
    template = load_preset(path, migrations=_synthetic_migrations())
    assert isinstance(template, SessionTemplate)
    assert template.tempo_bpm == 90.0
    current = write(
        tmp_path,
        "current.toml",
        path.read_text().replace("format_version = 1", "format_version = 2"),
    )
    assert "unknown key 'bpm'" in str(load_error(current, migrations=_synthetic_migrations()))
    newer = write(
        tmp_path, "newer.toml", path.read_text().replace("format_version = 1", "format_version = 3")
    )
    assert "reads up to 2" in str(load_error(newer, migrations=_synthetic_migrations()))


def test_migration_gap_and_failing_migration_give_preset_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "old.toml", TEMPLATE + "[[inputs]]\nnumber = 1\nlabel = 'a'\n")
    gap = Migrations(current=3)
    gap.step(2)(lambda raw: raw)
    assert "no migration from 1 to 2" in str(load_error(path, migrations=gap))

    broken = Migrations(current=2)

    @broken.step(1)
    def needs_a_missing_key(raw: dict) -> dict:
        raw["x"] = raw["not there"]
        return raw

    error = load_error(path, migrations=broken)
    assert str(error).startswith(f"{path}:1: cannot upgrade from format_version 1")


def test_migrations_refuse_impossible_steps() -> None:
    migrations = Migrations(current=2)
    migrations.step(1)(lambda raw: raw)
    with pytest.raises(ValueError):
        migrations.step(1)
    with pytest.raises(ValueError):
        migrations.step(2)
    assert default_migrations().current == FORMAT_VERSION == 1


# -- malformed files give file:line errors ----------------------------------------------

INPUTS_OK = """
    [[inputs]]
    number = 1
    label = "One"
"""

MALFORMED = {
    "toml syntax error": (
        f"""
        format_version = 1
        kind = "session-template"
        name = "mine"
        title = "Mine  {MARK}
        """,
        "not valid TOML",
    ),
    "toml duplicate key": (TEMPLATE + f"name = 'again'  {MARK}\n" + INPUTS_OK, "not valid TOML"),
    "wrong type in third inputs entry": (
        TEMPLATE
        + INPUTS_OK
        + """
        [[inputs]]
        number = 2
        label = "Two"

        [[inputs]]
        label = "Three"
        number = "three"  # <-
        """,
        "'inputs[2].number' must be an integer, not text (\"three\")",
    ),
    "bool where an integer is expected": (
        TEMPLATE + f"[[inputs]]\nnumber = true  {MARK}\nlabel = 'a'\n",
        "'inputs[0].number' must be an integer, not true/false",
    ),
    "tempo out of range": (
        TEMPLATE + f"tempo_bpm = 500  {MARK}\n" + INPUTS_OK,
        "between 30 and 300, not 500",
    ),
    "tempo not a number": (TEMPLATE + f"tempo_bpm = nan  {MARK}\n" + INPUTS_OK, "finite"),
    "count-in out of range": (
        TEMPLATE + f"count_in_bars = 5  {MARK}\n" + INPUTS_OK,
        "between 0 and 4",
    ),
    "input number below 1": (
        TEMPLATE + f"[[inputs]]\nnumber = 0  {MARK}\nlabel = 'a'\n",
        "between 1 and",
    ),
    "unknown top-level key": (
        TEMPLATE + f"tempo = 90  {MARK}\n" + INPUTS_OK,
        "did you mean 'tempo_bpm'?",
    ),
    "unknown key inside an input": (
        TEMPLATE + INPUTS_OK + f"\n[[inputs]]\nnumber = 2\nlabl = 'b'  {MARK}\n",
        "unknown key 'inputs[1].labl'; did you mean 'label'?",
    ),
    "duplicate input number": (
        TEMPLATE + INPUTS_OK + f"\n[[inputs]]\nnumber = 1  {MARK}\nlabel = 'b'\n",
        "input number 1 is listed twice: in inputs[0] and inputs[1]",
    ),
    "missing key inside an input": (
        TEMPLATE + INPUTS_OK + f"\n[[inputs]]  {MARK}\nnumber = 2\n",
        "missing required key 'label' in inputs[1]",
    ),
    "missing top-level key": (
        TEMPLATE.replace('title = "Mine"\n', "") + INPUTS_OK,
        "missing required key 'title'",
    ),
    "missing inputs": (TEMPLATE, "missing required key 'inputs'"),
    "empty inputs": (TEMPLATE + f"inputs = []  {MARK}\n", "'inputs' must not be an empty list"),
    "inputs that are not tables": (
        TEMPLATE + f"inputs = [1, 2]  {MARK}\n",
        "'inputs[0]' must be a table",
    ),
    "blank label": (
        TEMPLATE + f"[[inputs]]\nnumber = 1\nlabel = '  '  {MARK}\n",
        "must not be empty",
    ),
    "control character in label": (
        TEMPLATE + f'[[inputs]]\nnumber = 1\nlabel = "a\\u0007b"  {MARK}\n',
        "without control characters",
    ),
    "bad session kind": (
        TEMPLATE.replace('session_kind = "band"', f'session_kind = "orchestra"  {MARK}')
        + INPUTS_OK,
        '\'session_kind\' must be one of "band", "choir", "individual", not "orchestra"',
    ),
    "bad name": (
        TEMPLATE.replace('name = "mine"', f'name = "My Band"  {MARK}') + INPUTS_OK,
        "lowercase letters, digits and single hyphens",
    ),
    "unknown kind": (
        TEMPLATE.replace('kind = "session-template"', f'kind = "preset"  {MARK}'),
        "'kind' must be one of",
    ),
    "bit depth for mp3": (
        f"""
        format_version = 1
        kind = "export-profile"
        name = "mine"
        title = "Mine"
        format = "mp3"
        bit_depth = 16  {MARK}
        """,
        "'bit_depth' does not apply to mp3 files",
    ),
    "bit depth missing for wav": (
        """
        format_version = 1
        kind = "export-profile"
        name = "mine"
        title = "Mine"
        format = "wav"
        """,
        "missing required key 'bit_depth'",
    ),
    "32-bit flac": (
        f"""
        format_version = 1
        kind = "export-profile"
        name = "mine"
        title = "Mine"
        format = "flac"
        bit_depth = 32  {MARK}
        """,
        "'bit_depth' must be one of 16, 24, not 32",
    ),
    "loudness out of range": (
        f"""
        format_version = 1
        kind = "export-profile"
        name = "mine"
        title = "Mine"
        format = "ogg"
        loudness_lufs = -3  {MARK}
        """,
        "'loudness_lufs' must be between -40 and -5, not -3",
    ),
    "odd sample rate": (
        f"""
        format_version = 1
        kind = "export-profile"
        name = "mine"
        title = "Mine"
        format = "ogg"
        samplerate = 22050  {MARK}
        """,
        "'samplerate' must be one of 44100, 48000, 88200, 96000, not 22050",
    ),
    "true peak above zero": (
        f"""
        format_version = 1
        kind = "export-profile"
        name = "mine"
        title = "Mine"
        format = "ogg"
        true_peak_dbtp = 0.5  {MARK}
        """,
        "'true_peak_dbtp' must be between -10 and 0, not 0.5",
    ),
    "bad connector in an inline table": (
        f"""
        format_version = 1
        kind = "input-map"
        name = "mine"
        title = "Mine"
        match = ["mine"]
        inputs = [
            {{ number = 1, label = "One", connector = "mic" }},
            {{ number = 2, label = "Two", connector = "mike" }},  {MARK}
        ]
        """,
        "'inputs[1].connector' must be one of",
    ),
    "match is not a list": (
        f"""
        format_version = 1
        kind = "input-map"
        name = "mine"
        title = "Mine"
        match = "scarlett"  {MARK}
        """,
        "'match' must be a list of texts, not text",
    ),
    "empty match string": (
        f"""
        format_version = 1
        kind = "input-map"
        name = "mine"
        title = "Mine"
        match = [
            "scarlett",
            "",  {MARK}
        ]
        """,
        "'match[1]' must not be empty",
    ),
    "empty file": ("", "the file is empty"),
    "only a comment": ("# nothing here\n", "missing required key 'format_version'"),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_malformed_file_names_file_and_line(tmp_path: Path, case: str) -> None:
    text, fragment = MALFORMED[case]
    path = write(tmp_path, "bad.toml", text)
    error = load_error(path)
    line = marked_line(path)
    assert str(error).startswith(f"{path}:{line}: "), str(error)
    assert fragment in str(error)
    assert error.line == line


def test_toml_error_at_end_of_document_has_a_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.toml", 'format_version = 1\ntitle = """never closed\n\n')
    error = load_error(path)
    assert str(error).startswith(f"{path}:3: not valid TOML")


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "latin1.toml",
        'format_version = 1\nkind = "session-template"\ntitle = "Caf\xe9"\n'.encode("latin-1"),
    )
    error = load_error(path)
    assert str(error).startswith(f"{path}:3: not UTF-8 text")


def test_binary_garbage_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "garbage.toml", bytes(range(256)) * 4)
    assert str(load_error(path)).startswith(f"{path}:")


def test_nul_bytes_in_utf8_text_are_a_toml_error(tmp_path: Path) -> None:
    path = write(tmp_path, "nul.toml", b"format_version = 1\n\x00\x00\n")
    assert str(load_error(path)).startswith(f"{path}:2: not valid TOML")


def test_directory_missing_file_and_huge_numbers(tmp_path: Path) -> None:
    folder = tmp_path / "x.toml"
    folder.mkdir()
    assert str(load_error(folder)) == f"{folder}: this is a folder, not a preset file"
    missing = tmp_path / "missing.toml"
    assert str(load_error(missing)) == f"{missing}: no such file"
    huge = write(tmp_path, "huge.toml", "format_version = " + "9" * 5000 + "\n")
    assert str(load_error(huge)).startswith(f"{huge}: not valid TOML")
    deep = write(tmp_path, "deep.toml", "a = " + "[" * 5000 + "\n")
    assert str(load_error(deep)).startswith(f"{deep}")


def test_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    path = write(tmp_path, "big.toml", b"# " + b"x" * (2 * 1024 * 1024))
    assert "too large for a preset" in str(load_error(path))


def test_relative_path_is_reported_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "rel.toml", "")
    monkeypatch.chdir(tmp_path)
    assert str(load_error(Path("rel.toml"))).startswith(f"{tmp_path / 'rel.toml'}:1: ")


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    text = textwrap.dedent(TEMPLATE + INPUTS_OK).lstrip()
    path = write(tmp_path, "bom.toml", b"\xef\xbb\xbf" + text.encode())
    assert load_preset(path).name == "mine"


def test_kind_must_match_folder(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.toml",
        TEMPLATE.replace('kind = "session-template"', f'kind = "session-template"  {MARK}')
        + INPUTS_OK,
    )
    error = load_error(path, kind=PresetKind.INPUT_MAP)
    assert str(error).startswith(f"{path}:2: ")
    assert 'files in the input-maps folder must have kind = "input-map"' in str(error)
    assert isinstance(load_preset(path, kind=PresetKind.SESSION_TEMPLATE), SessionTemplate)


def test_preset_error_is_an_input_error() -> None:
    error = PresetError(Path("/p.toml"), "broken", 4)
    assert isinstance(error, InputError) and error.exit_code == 2
    assert str(error) == "/p.toml:4: broken"
    assert str(PresetError(None, "no such preset")) == "no such preset"


# -- the catalog ------------------------------------------------------------------------


def test_user_presets_override_bundled_ones(tmp_path: Path) -> None:
    user = tmp_path / "user"
    write(
        user,
        "session-templates/band.toml",
        TEMPLATE.replace('"mine"', '"band"').replace('"Mine"', '"Our band"') + INPUTS_OK,
    )
    catalog = PresetCatalog([BUNDLED, user])
    band = catalog.session_template("band")
    assert band.title == "Our band"
    assert band.source == user / "session-templates" / "band.toml"
    assert [t.name for t in catalog.session_templates()] == [
        "band",
        "choir",
        "individual-songwriting",
    ]
    assert PresetCatalog([user, BUNDLED]).session_template("band").title == "Band session"


def test_malformed_user_file_is_a_problem_and_good_ones_still_load(tmp_path: Path) -> None:
    user = tmp_path / "user"
    broken = write(
        user, "session-templates/broken.toml", TEMPLATE + "tempo_bpm = 'fast'\n" + INPUTS_OK
    )
    write(user, "session-templates/good.toml", TEMPLATE.replace('"mine"', '"good"') + INPUTS_OK)
    write(user, "session-templates/notes.txt", "not a preset")
    catalog = PresetCatalog([BUNDLED, user])
    [problem] = catalog.problems()
    assert str(problem).startswith(f"{broken}:6: 'tempo_bpm' must be a number")
    assert [t.name for t in catalog.session_templates()] == [
        "band",
        "choir",
        "good",
        "individual-songwriting",
    ]
    with pytest.raises(PresetError) as caught:
        catalog.session_template("broken")
    assert str(caught.value) == str(problem)


def test_a_broken_override_shows_its_error_instead_of_the_bundled_preset(tmp_path: Path) -> None:
    user = tmp_path / "user"
    broken = write(user, "session-templates/band.toml", "format_version = 1\nkind = [\n")
    catalog = PresetCatalog([BUNDLED, user])
    with pytest.raises(PresetError) as caught:
        catalog.session_template("band")
    assert caught.value.path == broken
    assert "band" not in [t.name for t in catalog.session_templates()]
    assert [p.path for p in catalog.problems()] == [broken]
    assert catalog.session_template("choir").source == BUNDLED / "session-templates" / "choir.toml"


def test_a_good_override_replaces_a_broken_earlier_file(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write(first, "session-templates/band.toml", "format_version = 1\nkind = [\n")
    fixed = write(second, "session-templates/band.toml",
                  (BUNDLED / "session-templates" / "band.toml").read_text())
    catalog = PresetCatalog([first, second])
    assert catalog.session_template("band").source == fixed


def test_wrong_kind_in_folder_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "input-maps/band.toml", TEMPLATE + INPUTS_OK)
    catalog = PresetCatalog([tmp_path])
    assert catalog.input_maps() == [] and catalog.session_templates() == []
    [problem] = catalog.problems()
    assert str(problem).startswith(f"{path}:2: ")


def test_unknown_name_lists_the_available_ones() -> None:
    catalog = PresetCatalog([BUNDLED])
    with pytest.raises(PresetError) as caught:
        catalog.export_profile("cd")
    assert 'no export-profile preset named "cd"' in str(caught.value)
    assert "archive-wav, listening-mp3, share-mix-flac, stems-wav" in str(caught.value)
    with pytest.raises(PresetError, match=r"available: none"):
        PresetCatalog([]).input_map("scarlett-2i2")


def test_missing_folders_are_fine(tmp_path: Path) -> None:
    catalog = PresetCatalog([BUNDLED, tmp_path / "nowhere"])
    assert catalog.problems() == []
    assert len(catalog.input_maps()) == 6


def test_a_file_where_a_kind_folder_should_be_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "input-maps", "oops")
    [problem] = PresetCatalog([tmp_path]).problems()
    assert problem.path == tmp_path / "input-maps"
    assert "should be a folder" in str(problem)


def test_two_files_with_one_name_in_a_folder(tmp_path: Path) -> None:
    write(tmp_path, "session-templates/a.toml", TEMPLATE + INPUTS_OK)
    second = write(
        tmp_path,
        "session-templates/b.toml",
        TEMPLATE.replace('name = "mine"', f'name = "mine"  {MARK}').replace('"Mine"', '"Other"')
        + INPUTS_OK,
    )
    catalog = PresetCatalog([tmp_path])
    assert catalog.session_template("mine").title == "Mine"
    [problem] = catalog.problems()
    assert str(problem).startswith(f'{second}:3: the name "mine" is already used by')


def test_reload_sees_new_files(tmp_path: Path) -> None:
    catalog = PresetCatalog([tmp_path])
    assert catalog.session_templates() == []
    write(tmp_path, "session-templates/mine.toml", TEMPLATE + INPUTS_OK)
    catalog.reload()
    assert [t.name for t in catalog.session_templates()] == ["mine"]


def test_user_presets_folder_and_default_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PRESETS_ENV_VAR, raising=False)
    default = user_presets_folder()
    assert default.name == "presets" and "mt-studio" in default.parts
    monkeypatch.setenv(PRESETS_ENV_VAR, str(tmp_path))
    assert user_presets_folder() == tmp_path
    write(
        tmp_path,
        "export-profiles/mine.toml",
        """
        format_version = 1
        kind = "export-profile"
        name = "mine"
        title = "Mine"
        format = "ogg"
        """,
    )
    catalog = PresetCatalog.default()
    assert catalog.folders == (BUNDLED, tmp_path)
    assert catalog.export_profile("mine").format is AudioFormat.OGG


# -- the line locator -------------------------------------------------------------------


def test_locator_follows_tables_arrays_and_strings() -> None:
    text = textwrap.dedent(
        '''
        top = 1
        notes = """
        [[inputs]]
        number = 99
        """
        # [[inputs]] in a comment
        [[inputs]]
        number = 1
        [inputs.extra]
        deep = 'x'
        [[inputs]]
        "number" = 2
        a.b = { c = [1,
          2] }
        [table]
        key = "[[inputs]]"
        '''
    ).lstrip()
    locator = LineLocator(text)
    assert locator.line(("top",)) == 1
    assert locator.line(("notes",)) == 2
    assert locator.line(("inputs",)) == 7
    assert locator.line(("inputs", 0, "number")) == 8
    assert locator.line(("inputs", 0, "extra", "deep")) == 10
    assert locator.line(("inputs", 1)) == 11
    assert locator.line(("inputs", 1, "number")) == 12
    assert locator.line(("inputs", 1, "a", "b", "c", 1)) == 14
    assert locator.line(("inputs", 1, "missing")) == 11
    assert locator.line(("table", "key")) == 16
    assert locator.line(("nothing",)) == 1


@given(st.text())
def test_locator_never_fails(text: str) -> None:
    line = LineLocator(text).line(("inputs", 1, "number"))
    assert 1 <= line <= text.count("\n") + 1


# -- robustness and round trips (hypothesis) --------------------------------------------

MUTATIONS = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(b"")),
    st.tuples(
        st.just("flip"), st.floats(0, 1), st.integers(0, 7).map(lambda bit: bytes([1 << bit]))
    ),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
    st.tuples(
        st.just("insert"),
        st.floats(0, 1),
        st.sampled_from(
            [b"\n", b"[", b"]", b'"', b"'", b"=", b"[[inputs]]\n", b"\xff", b"#", b"-", b"1e9"]
        ),
    ),
)


def mutate(data: bytes, mutations: list[tuple[str, float, bytes]]) -> bytes:
    for operation, where, payload in mutations:
        at = int(where * len(data))
        if operation == "truncate":
            data = data[:at]
        elif operation == "flip":
            if data:
                at = min(at, len(data) - 1)
                data = data[:at] + bytes([data[at] ^ payload[0]]) + data[at + 1 :]
        else:
            data = data[:at] + payload + data[at:]
    return data


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.sampled_from(SHIPPED), mutations=st.lists(MUTATIONS, min_size=1, max_size=4))
def test_mutated_presets_load_or_raise_preset_error(
    tmp_path: Path, source: Path, mutations: list[tuple[str, float, bytes]]
) -> None:
    path = tmp_path / source.parent.name / source.name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(mutate(source.read_bytes(), mutations))
    kind = KIND_BY_FOLDER[source.parent.name]
    try:
        preset = load_preset(path, kind=kind)
    except PresetError as error:
        assert str(path) in str(error)
    else:
        assert kind_of(preset) is kind and preset.source == path


NAMES = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}\Z")
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")),
               min_size=1, max_size=30).filter(
    str.strip
)


@st.composite
def numbered_inputs(
    draw: st.DrawFn, make: Callable[[st.SearchStrategy[int]], st.SearchStrategy[Any]]
) -> tuple[Any, ...]:
    """Inputs built by MAKE, with distinct numbers."""
    numbers = draw(st.lists(st.integers(1, 256), min_size=1, max_size=6, unique=True))
    return tuple(draw(make(st.just(n))) for n in numbers)


def template_input(number: st.SearchStrategy[int]) -> st.SearchStrategy[TemplateInput]:
    return st.builds(
        TemplateInput, number=number, label=TEXT, isolated=st.booleans(), armed=st.booleans()
    )


def interface_input(number: st.SearchStrategy[int]) -> st.SearchStrategy[InterfaceInput]:
    return st.builds(
        InterfaceInput, number=number, label=TEXT, connector=st.sampled_from(Connector)
    )


SOURCE = st.just(Path("generated.toml"))
SESSION_TEMPLATES = st.builds(
    SessionTemplate,
    name=NAMES,
    title=TEXT,
    session_kind=st.sampled_from(SessionKind),
    tempo_bpm=st.none() | st.floats(30, 300),
    count_in_bars=st.integers(0, 4),
    inputs=numbered_inputs(template_input),
    source=SOURCE,
)
INPUT_MAPS = st.builds(
    InputMap,
    name=NAMES,
    title=TEXT,
    match=st.lists(TEXT, min_size=1, max_size=3).map(tuple),
    inputs=numbered_inputs(interface_input),
    source=SOURCE,
)


@st.composite
def export_profiles(draw: st.DrawFn) -> ExportProfile:
    audio_format = draw(st.sampled_from(AudioFormat))
    depths = {AudioFormat.WAV: [16, 24, 32], AudioFormat.FLAC: [16, 24]}.get(audio_format)
    return ExportProfile(
        name=draw(NAMES),
        title=draw(TEXT),
        format=audio_format,
        bit_depth=draw(st.sampled_from(depths)) if depths else None,
        samplerate=draw(st.none() | st.sampled_from([44100, 48000, 88200, 96000])),
        loudness_lufs=draw(st.none() | st.floats(-40, -5)),
        true_peak_dbtp=draw(st.none() | st.floats(-10, 0)),
        stems=draw(st.booleans()),
        source=Path("generated.toml"),
    )


@given(st.one_of(SESSION_TEMPLATES, INPUT_MAPS, export_profiles()))
def test_dump_then_load_gives_an_equal_preset(
    preset: SessionTemplate | InputMap | ExportProfile,
) -> None:
    text = dump_preset(preset)
    assert tomllib.loads(text)["format_version"] == FORMAT_VERSION
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.toml"
        path.write_text(text, encoding="utf-8")
        loaded = load_preset(path, kind=kind_of(preset))
    assert without_source(loaded) == without_source(preset)


def test_a_built_wheel_ships_every_bundled_preset_plugin_and_manual(tmp_path: Path) -> None:
    import subprocess
    import sys
    import zipfile

    repo = BUNDLED.parent
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(tmp_path), str(repo)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("mt_studio-*.whl")
    shipped = {name.split(".data/data/share/mt-studio/presets/", 1)[1]
               for name in zipfile.ZipFile(wheel).namelist() if "/share/mt-studio/presets/" in name}
    expected = {str(p.relative_to(BUNDLED)) for p in BUNDLED.rglob("*.toml")}
    assert expected and shipped == expected
    plugins = repo / "plugins"
    shipped = {name.split(".data/data/share/mt-studio/plugins/", 1)[1]
               for name in zipfile.ZipFile(wheel).namelist() if "/share/mt-studio/plugins/" in name}
    expected = {str(p.relative_to(plugins)) for p in plugins.glob("*/*")
                if p.suffix in (".toml", ".py")}
    assert {"chord-sheet/MANIFEST.toml", "share-mix/__init__.py"} <= expected
    assert shipped == expected  # every bundled plugin, whole
    manuals = {p.name for p in (repo / "mt_studio" / "help").glob("*.html")}
    assert manuals == {"manual.en.html", "manual.nb.html"}
    assert {f"mt_studio/help/{name}" for name in manuals} <= set(zipfile.ZipFile(wheel).namelist())
