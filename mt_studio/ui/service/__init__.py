"""The Service view: the service's figures for a period, who may have stopped coming, and a
participant's page (therapists and admins)."""

from __future__ import annotations


def open_overview(window):
    """Show the Service view over WINDOW, one for each window (raised if open already); the
    view. Qt Charts loads here, not with the window."""
    from mt_studio.ui.service.service_view import ServiceView

    view = window.findChild(ServiceView)
    if view is None:
        view = ServiceView(window.studio, window.bridge, window.reporter, window)
    elif not view.isVisible():
        view.refresh()
    view.show()
    view.raise_()
    view.activateWindow()
    return view
