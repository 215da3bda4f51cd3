"""Every message has a Norwegian bokmål translation, with the same placeholders, compiled."""

from __future__ import annotations

import importlib.util
import io
import re
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent
PO = REPO / "mt_studio/locale/nb/LC_MESSAGES/mt_studio.po"
FIELD = re.compile(r"\{([^{}]*)\}")

_loader = SourceFileLoader("update_translations", str(REPO / ".ci/update-translations"))
updater = importlib.util.module_from_spec(importlib.util.spec_from_loader(_loader.name, _loader))
_loader.exec_module(updater)


@pytest.fixture(scope="module")
def norwegian():
    with open(PO, "rb") as source:
        return read_po(source)


def forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def fields(text: str) -> set[str]:
    return {match.split(":")[0].split("!")[0] for match in FIELD.findall(text)}


def test_every_message_in_the_source_is_translated(norwegian):
    missing = [message.id for message in updater.template() if message.id
               and not (norwegian.get(message.id) and updater.translated(
                   norwegian.get(message.id)))]
    assert missing == [], "run .ci/update-translations and translate these"


def test_translations_keep_every_placeholder(norwegian):
    wrong = []
    for message in norwegian:
        if not message.id:
            continue
        expected = set().union(*(fields(text) for text in forms(message.id)))
        for text in forms(message.string):
            if text and fields(text) - expected:
                wrong.append((message.id, text))
            if text and not isinstance(message.id, tuple) and fields(text) != expected:
                wrong.append((message.id, text))
    assert wrong == []


def messages_of(mo: bytes) -> dict:
    """What gettext would find in a compiled catalogue, but for the compiler's own version."""
    header = re.compile(r"^Generated-By: .*$\n?", re.MULTILINE)
    return {(message.context, str(message.id)): header.sub("", str(message.string))
            for message in read_mo(io.BytesIO(mo))}


def test_the_compiled_catalogue_is_the_current_one(norwegian):
    compiled = io.BytesIO()
    write_mo(compiled, norwegian)
    assert messages_of(PO.with_suffix(".mo").read_bytes()) == messages_of(
        compiled.getvalue()), "run .ci/update-translations"
