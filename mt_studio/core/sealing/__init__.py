"""The library's files and database key, encrypted at rest (docs/architecture.md)."""
