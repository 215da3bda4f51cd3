"""The PyQt6 user interface: windows, widgets and dialogs over the core; no business rules."""
