"""mt_studio: a recording and songwriting studio for music therapy sessions."""

__version__ = "0.1.0"
