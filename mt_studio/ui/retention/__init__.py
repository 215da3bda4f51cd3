"""Retention in the window: the takes due for deletion, with who and why."""
