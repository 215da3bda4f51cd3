"""The list of reasons a course ended: a preset the service can edit, read strictly."""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mt_studio.core.presets import (
    EndingReason,
    EndingReasons,
    PresetCatalog,
    PresetError,
    PresetKind,
    ReasonDetail,
    bundled_presets_folder,
    dump_preset,
    load_preset,
)

BUNDLED = bundled_presets_folder()
MARK = "# <-"  # marks the line an error must point at

HEAD = """\
format_version = 1
kind = "ending-reasons"
name = "standard"
title = "Why they stopped"
"""


def write(folder: Path, relative: str, text: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def marked_line(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    (number,) = [n for n, line in enumerate(lines, start=1) if MARK in line]
    return number


def test_the_shipped_list_has_the_issues_reasons_in_order() -> None:
    catalog = PresetCatalog([BUNDLED])
    reasons = catalog.ending_reasons()
    assert catalog.problems() == []
    assert reasons.name == "standard" and reasons.source == BUNDLED / "ending-reasons/standard.toml"
    assert reasons.keys() == (
        "completed", "community", "work_or_education", "moved_away", "specialist_care",
        "other_treatment", "lost_contact", "not_said", "other",
    )
    assert [r.label for r in reasons.reasons] == [
        "Completed as planned", "Moved on to music in the community", "Work or education",
        "Moved away", "Admitted to specialist care", "Other treatment", "Lost contact",
        "Did not want to say", "Other",
    ]
    community = reasons.find("community")
    assert community is not None
    assert community.details == (
        ReasonDetail("band", "Band"), ReasonDetail("choir", "Choir"),
        ReasonDetail("music_school", "Music school"), ReasonDetail("other", "Other"),
    )
    assert all(r.details == () for r in reasons.reasons if r.key != "community")
    assert [r.name for r in catalog.ending_reason_lists()] == ["standard"]


def test_labels_of_keys_and_of_keys_no_longer_listed() -> None:
    reasons = PresetCatalog([BUNDLED]).ending_reasons()
    assert reasons.label_of("moved_away") == "Moved away"
    assert reasons.detail_label_of("community", "music_school") == "Music school"
    # Endings recorded before the service took a reason off the list keep their key.
    assert reasons.label_of("graduated") == "graduated"
    assert reasons.find("graduated") is None
    assert reasons.detail_label_of("community", "orchestra") == "orchestra"
    assert reasons.detail_label_of("moved_away", "band") == "band"


def test_the_bundled_list_is_shown_in_the_users_language() -> None:
    from mt_studio import i18n

    i18n.use_language("nb")
    try:
        bundled = PresetCatalog([BUNDLED]).ending_reasons()
    finally:
        i18n.use_language("en")
    # "Choir" is already translated for sessions; the rest wait for the lead's catalogue.
    assert bundled.detail_label_of("community", "choir") == "Kor"


def test_the_services_own_list_replaces_the_shipped_one(tmp_path: Path) -> None:
    write(tmp_path, "ending-reasons/standard.toml", HEAD + textwrap.dedent("""
        [[reasons]]
        key = "completed"
        label = "Fullført"

        [[reasons]]
        key = "community"
        label = "Videre til kulturskolen"
        [[reasons.details]]
        key = "music_school"
        label = "Kulturskole"
    """))
    catalog = PresetCatalog([BUNDLED, tmp_path])
    reasons = catalog.ending_reasons()
    assert catalog.problems() == []
    assert reasons.title == "Why they stopped"
    assert reasons.keys() == ("completed", "community")
    assert reasons.label_of("completed") == "Fullført"
    assert reasons.detail_label_of("community", "music_school") == "Kulturskole"
    assert reasons.label_of("lost_contact") == "lost_contact"
    assert reasons.source == tmp_path / "ending-reasons/standard.toml"


def test_a_broken_list_is_named_and_the_shipped_list_stays_in_use(tmp_path: Path) -> None:
    path = write(tmp_path, "ending-reasons/standard.toml", HEAD + textwrap.dedent(f"""
        [[reasons]]
        key = "Moved Away"  {MARK}
        label = "Moved away"
    """))
    catalog = PresetCatalog([BUNDLED, tmp_path])
    (problem,) = catalog.problems()
    assert str(problem).startswith(f"{path}:{marked_line(path)}: ")
    assert catalog.ending_reasons().source == BUNDLED / "ending-reasons/standard.toml"
    # With nothing to fall back on, asking for the list gives the file's error.
    alone = PresetCatalog([tmp_path])
    with pytest.raises(PresetError, match="Moved Away"):
        alone.ending_reasons()


def test_an_unknown_list_names_the_ones_there_are() -> None:
    with pytest.raises(PresetError, match=r'no ending-reasons preset named "ours".*standard'):
        PresetCatalog([BUNDLED]).ending_reasons("ours")


MALFORMED = {
    "duplicate key": (
        """
        [[reasons]]
        key = "moved_away"
        label = "Moved away"

        [[reasons]]
        key = "moved_away"  # <-
        label = "Moved out"
        """,
        'the key "moved_away" is listed twice: in reasons[0] and reasons[1]',
    ),
    "duplicate detail key": (
        """
        [[reasons]]
        key = "community"
        label = "Community"
        details = [
            { key = "band", label = "Band" },
            { key = "band", label = "Another band" },  # <-
        ]
        """,
        'the key "band" is listed twice: in reasons[0].details[0] and reasons[0].details[1]',
    ),
    "key with a hyphen": (
        """
        [[reasons]]
        key = "moved-away"  # <-
        label = "Moved away"
        """,
        "'reasons[0].key' must be a short id of at most 40 lowercase letters, digits and "
        'underscores (like "moved_away"), not "moved-away"',
    ),
    "key not ASCII": (
        '\n[[reasons]]\nkey = "flyttet_bort"\nlabel = "a"\n\n'
        '[[reasons]]\nkey = "fullført"  # <-\nlabel = "b"\n',
        "'reasons[1].key' must be a short id",
    ),
    "key not text": (
        '\n[[reasons]]\nkey = 3  # <-\nlabel = "Three"\n',
        "'reasons[0].key' must be text in quotes, not an integer",
    ),
    "empty label": (
        '\n[[reasons]]\nkey = "other"\nlabel = "  "  # <-\n',
        "'reasons[0].label' must not be empty",
    ),
    "label on two lines": (
        '\n[[reasons]]\nkey = "other"\nlabel = "Other\\nreason"  # <-\n',
        "'reasons[0].label' must be one line of text",
    ),
    "missing label": (
        '\n[[reasons]]  # <-\nkey = "other"\n',
        "missing required key 'label' in reasons[0]",
    ),
    "empty detail label": (
        '\n[[reasons]]\nkey = "community"\nlabel = "Community"\n'
        '[[reasons.details]]\nkey = "band"\nlabel = ""  # <-\n',
        "'reasons[0].details[0].label' must not be empty",
    ),
    "details not a list": (
        '\n[[reasons]]\nkey = "community"\nlabel = "Community"\ndetails = "band, choir"  # <-\n',
        "'reasons[0].details' must be a list of tables, each starting with [[reasons.details]], "
        'not text ("band, choir")',
    ),
    "details a list of texts": (
        '\n[[reasons]]\nkey = "community"\nlabel = "Community"\n'
        'details = [\n  "band",  # <-\n]\n',
        "'reasons[0].details[0]' must be a table, not text",
    ),
    "unknown key in a reason": (
        '\n[[reasons]]\nkey = "other"\nlabel = "Other"\nnote = "free text"  # <-\n',
        "unknown key 'reasons[0].note'",
    ),
    "no reasons": ('\nreasons = []  # <-\n', "'reasons' must not be an empty list"),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_a_malformed_list_names_the_file_and_line(tmp_path: Path, case: str) -> None:
    body, fragment = MALFORMED[case]
    path = write(tmp_path, "ending-reasons/standard.toml", HEAD + textwrap.dedent(body))
    with pytest.raises(PresetError) as caught:
        load_preset(path, kind=PresetKind.ENDING_REASONS)
    line = marked_line(path)
    assert str(caught.value).startswith(f"{path}:{line}: "), str(caught.value)
    assert fragment in str(caught.value)
    catalog = PresetCatalog([BUNDLED, tmp_path])
    assert [p.path for p in catalog.problems()] == [path]
    assert catalog.ending_reasons().keys()[0] == "completed"


KEYS = st.from_regex(r"\A[a-z0-9_]{1,40}\Z")
LABELS = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")),
                 min_size=1, max_size=30).filter(str.strip)
DETAILS = st.lists(st.builds(ReasonDetail, key=KEYS, label=LABELS), max_size=4,
                   unique_by=lambda d: d.key).map(tuple)
REASONS = st.builds(EndingReasons, name=st.just("mine"), title=LABELS,
                    reasons=st.lists(st.builds(EndingReason, key=KEYS, label=LABELS,
                                               details=DETAILS),
                                     min_size=1, max_size=6, unique_by=lambda r: r.key).map(tuple),
                    source=st.just(Path("generated.toml")))


@given(REASONS)
def test_dump_then_load_gives_an_equal_list(reasons: EndingReasons) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mine.toml"
        path.write_text(dump_preset(reasons), encoding="utf-8")
        loaded = load_preset(path, kind=PresetKind.ENDING_REASONS)
    assert loaded == EndingReasons(reasons.name, reasons.title, reasons.reasons, path)
