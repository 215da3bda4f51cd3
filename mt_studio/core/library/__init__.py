"""The session library: an SQLite database with the audio files beside it in one folder."""

from mt_studio.core.library.database import Library, default_library_folder

__all__ = ["Library", "default_library_folder"]
