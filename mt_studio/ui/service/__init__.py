"""The Service view: the service's figures for a period, who may have stopped coming, and a
participant's page (therapists and admins)."""


def open_overview(window) -> None:
    """Show the Service view over WINDOW."""
    raise NotImplementedError  # the Service view is being built
