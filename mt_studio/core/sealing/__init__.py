"""The library's files encrypted: every file made from a take is sealed with a key derived from
that take's own key, in chunks that can be read from anywhere and fail, naming the file, when
moved, cut short or altered (docs/architecture.md)."""
