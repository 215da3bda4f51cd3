"""A deletion plan in words a therapist reads before anything goes."""

from __future__ import annotations

from mt_studio.core.domain.deletion import Deleted, DeletionPlan
from mt_studio.core.text import printable
from mt_studio.i18n import _, day_text, ngettext, number_text


def table_words(table: str) -> str:
    """What a table of the library holds, as a therapist would call it."""
    return {"takes": _("takes"), "tracks": _("tracks"), "markers": _("markers"),
            "dropouts": _("dropouts"), "annotations": _("analysis findings"),
            "take_listening": _("listening settings"), "song_takes": _("links to songs"),
            "lyric_stamps": _("stamps in the words"), "track_parts": _("file records"),
            "track_participants": _("who is heard"), "layers": _("loop layers"),
            "track_mix": _("mix settings"), "songs": _("songs"),
            "song_writers": _("writers"), "song_versions": _("versions")}.get(table, table)


def size_words(size: int) -> str:
    """SIZE bytes as megabytes."""
    return _("{size} MB").format(size=number_text(size / 1e6, 1))


def summary(plan: DeletionPlan) -> str:
    """One sentence: how many files and how much goes, and what else."""
    files = ngettext("{count} file ({size})", "{count} files ({size})", len(plan.files)).format(
        count=len(plan.files), size=size_words(plan.bytes))
    if plan.kind is Deleted.TAKE:
        return _("Its {files} go for good, with its tracks, markers, analyses and links to "
                 "songs. This cannot be undone.").format(files=files)
    if plan.kind is Deleted.SONG:
        return _("Its words and notes in every version go for good, with their stamps and "
                 "links to takes; the takes stay. This cannot be undone.")
    parts = [text for count, text in (
        (len(plan.takes), ngettext("{count} take they are heard on",
                                   "{count} takes they are heard on", len(plan.takes))),
        (len(plan.tracks), ngettext("{count} track of theirs alone",
                                    "{count} tracks of theirs alone", len(plan.tracks))),
        (len(plan.songs_deleted), ngettext("{count} song they wrote alone",
                                           "{count} songs they wrote alone",
                                           len(plan.songs_deleted)))) if count]
    gone = ", ".join(part.format(count=count) for part, count in zip(
        parts, [n for n in (len(plan.takes), len(plan.tracks), len(plan.songs_deleted)) if n],
        strict=True))
    return _("Their pseudonym and real name go for good, and with them {gone}. Their consent "
             "rows stay, under a tombstone with no name. This cannot be undone.").format(
        gone=_("{what}: {files}").format(what=gone, files=files) if gone
        else _("nothing else of theirs was recorded"))


def details(plan: DeletionPlan) -> list[str]:
    """Every line of what goes and what stays: files with their sizes, rows, takes, songs."""
    lines = []
    if plan.takes and plan.kind is Deleted.PARTICIPANT:
        lines.append(_("Takes deleted: {items}").format(items=", ".join(
            _("take {number} (session {session})").format(number=t.number,
                                                          session=t.session_id)
            for t in plan.takes)))
    if plan.tracks:
        lines.append(_("Tracks deleted alone: {items}").format(items=", ".join(
            _("track {track} of take id {take}").format(track=track, take=take)
            for take, track in plan.tracks)))
    for label, songs in ((_("Songs deleted: {items}"), plan.songs_deleted),
                         (_("Songs no longer linked: {items}"), plan.songs_unlinked),
                         (_("Songs kept without them as a writer: {items}"), plan.songs_kept)):
        if songs:
            lines.append(label.format(items=", ".join(f"“{printable(s.title)}”"
                                                      for s in songs)))
    for where, rows in plan.name_written:
        lines.append(_("Real name blotted out in {where} ({rows})").format(where=where,
                                                                          rows=rows))
    for where, rows in plan.name_kept:
        lines.append(_("Real name kept in {where} ({rows}): append-only").format(
            where=where, rows=rows))
    for backup in plan.backups:
        lines.append(_("The backup {file} still holds them as they were").format(file=backup))
    if plan.rows:
        lines.append(_("Records deleted: {rows}").format(rows=", ".join(
            f"{table_words(table)} {count}" for table, count in plan.rows)))
    if plan.files:
        lines.append(_("Files:"))
        lines += [f"  {f.path}   {size_words(f.bytes)}" for f in plan.files]
    return lines


def recalls(plan: DeletionPlan) -> list[str]:
    """The exports and lead sheets already given out, to ask back."""
    lines = [_("Export {id} “{title}” ({purpose}) to {recipient}, {date}").format(
        id=e.export_id, title=printable(e.title), purpose=e.purpose,
        recipient=printable(e.recipient), date=day_text(e.created_at.astimezone().date()))
        for e in plan.exports_to_recall]
    lines += [_("Lead sheet of take id {take}, {how} {date}").format(
        take=s.take_id, how=_("printed") if s.how == "printed" else _("saved as PDF"),
        date=day_text(s.at.astimezone().date())) for s in plan.lead_sheets]
    return lines
