"""The check-in and consent board, the consent dialogs and their words."""
