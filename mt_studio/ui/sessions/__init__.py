"""The session list and the dialog that creates or edits a session."""
