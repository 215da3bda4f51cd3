"""Encryption at rest in the window: the files recorded before a library was encrypted sealed
after a sign-in (docs/architecture.md, "Encrypted at rest"; the rules are the studio's)."""
