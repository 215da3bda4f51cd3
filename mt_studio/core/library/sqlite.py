"""The SQLite the library runs on: SQLCipher's build of it (sqlcipher3, the library bundled in
its wheel). Without a key it reads and writes a plain library exactly as SQLite does; given the
library's key (an encrypted library, docs/architecture.md) every page is encrypted."""

from sqlcipher3 import dbapi2 as sqlite3

__all__ = ["sqlite3"]
