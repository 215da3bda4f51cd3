"""Widgets and helpers shared by the studio window's features."""
