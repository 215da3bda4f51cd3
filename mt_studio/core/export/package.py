"""The share package around the audio: credits, lyrics, a README for the recipients, a JSON
manifest with checksums, and optionally a zip; and the names of its files."""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from mt_studio import __version__
from mt_studio.core.domain import Purpose
from mt_studio.core.domain.records import ExportedFile
from mt_studio.core.export.plan import ExportPlan
from mt_studio.core.private_files import FILE_MODE
from mt_studio.i18n import _

MANIFEST = "manifest.json"
TEXTS = ("credits.txt", "README.txt", "lyrics.txt", MANIFEST)
"""The names the package's own texts take; no exporter may write them."""
MANIFEST_FORMAT = "mt-studio-share/1"


def safe_name(text: str, fallback: str) -> str:
    """TEXT as a file name any system accepts (letters, digits, space and - _ . ( ) , ')."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[^\w \-.(),']+", "_", text).strip(" ._")
    return text[:80].rstrip(" ._") or fallback


def free_name(folder: Path, stem: str, suffix: str = "") -> str:
    """STEM+SUFFIX, or "STEM (2)+SUFFIX" and on, whichever is not taken in FOLDER yet."""
    name, number = f"{stem}{suffix}", 1
    while (folder / name).exists():
        number += 1
        name = f"{stem} ({number}){suffix}"
    return name


def may_text(purpose: Purpose) -> str:
    """What the recipients may do with the files, in plain words."""
    if purpose is Purpose.GROUP:
        return _("Shared inside the group the music was made in. Please play it to the group "
                 "only, and do not pass it on or publish it.")
    if purpose is Purpose.COMMUNITY:
        return _("Shared with the community music group named below. Please use it within "
                 "that group only (rehearsing, playing, listening together), and do not pass "
                 "it on or publish it.")
    return _("Shared for the public: it may be played, published and passed on, with the "
             "credits below.")


def write_texts(folder: Path, plan: ExportPlan, audio_files: Sequence[str]) -> list[str]:
    """credits.txt, README.txt and, where shared, lyrics.txt in FOLDER; their names."""
    credits = plan.credits
    lines = [plan.title, ""]
    if plan.request.group:
        lines += [_("Group: {group}").format(group=plan.request.group), ""]
    if credits:
        lines += [_("Played and sung by:"), *(f"  {credit}" for credit in credits)]
    else:
        lines.append(_("The people playing chose not to be named."))
    if len(credits) < len(plan.heard) and credits:
        lines.append(_("…and others who chose not to be named."))
    written = {"credits.txt": "\n".join(lines) + "\n"}
    readme = [plan.title, "", may_text(plan.request.purpose), ""]
    if plan.request.recipient:
        readme += [_("For: {recipient}").format(recipient=plan.request.recipient), ""]
    readme += [_("Files:"), *(f"  {name}" for name in audio_files), "",
               _("manifest.json lists every file with its SHA-256 checksum."),
               _("If you are asked to delete these files, please delete every copy.")]
    written["README.txt"] = "\n".join(readme) + "\n"
    if plan.lyrics:
        written["lyrics.txt"] = f"{plan.title}\n\n{plan.lyrics.strip()}\n"
    for name, text in written.items():
        (folder / name).write_text(text, encoding="utf-8")
    return list(written)


def write_manifest(folder: Path, plan: ExportPlan, names: Sequence[str], at: datetime,
                   loudness: dict | None) -> list[ExportedFile]:
    """manifest.json in FOLDER listing NAMES with their checksums (and the library's ledger
    heads when the export began); every file, manifest last."""
    files = [checksum(folder / name, name) for name in names]
    request = plan.request
    manifest = {
        "format": MANIFEST_FORMAT,
        "made_by": f"mt_studio {__version__}",
        "created": at.astimezone().date().isoformat(),
        "title": plan.title,
        "group": request.group or None,
        "purpose": request.purpose.value,
        "may": may_text(request.purpose),
        "recipient": request.recipient or None,
        "credits": list(plan.credits),
        "seconds": round((plan.end - plan.start) / plan.take.samplerate, 3),
        "loudness": loudness,
        "files": [{"name": f.name, "bytes": f.bytes, "sha256": f.sha256} for f in files],
    }
    if plan.chain_heads is not None:  # the ledger as it stood: a later copy must go on from it
        manifest["ledger"] = plan.chain_heads
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                   encoding="utf-8")
    return files + [checksum(folder / MANIFEST, MANIFEST)]


def checksum(path: Path, name: str) -> ExportedFile:
    """NAME's size and SHA-256, read from PATH."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return ExportedFile(name, path.stat().st_size, digest.hexdigest())


def write_zip(folder: Path, names: Sequence[str], target: Path, inner: str) -> None:
    """NAMES from FOLDER into the zip TARGET, under the folder name INNER; fsynced.

    Audio is stored (it is compressed already or would barely shrink); texts are deflated.
    """
    # Made 0600 whatever the umask: a zip of health data is its user's until it is handed on.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
        for name in names:
            kind = zipfile.ZIP_DEFLATED if name.endswith((".txt", ".json", ".mid")) \
                else zipfile.ZIP_STORED
            archive.write(folder / name, f"{inner}/{name}", compress_type=kind)
    with target.open("rb+") as file:
        os.fsync(file.fileno())
