"""Sharing a take: the export dialog, its form, the consent preview and the run."""
