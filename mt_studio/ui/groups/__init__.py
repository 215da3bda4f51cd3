"""Groups in the window: the service's bands and choirs, and who is a member."""


def open_groups(window) -> None:
    """Show the groups over WINDOW."""
    raise NotImplementedError  # the groups dialog is being built
