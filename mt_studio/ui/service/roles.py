"""Who sees the service's preferences in the Service view."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio


def is_admin(studio: Studio) -> bool:
    """Whether whoever is signed in may change the service's preferences (in a library
    without accounts, whoever uses it); the studio refuses anyone else anyway."""
    return not studio.protected or (studio.actor is not None and studio.actor.account.is_admin)
