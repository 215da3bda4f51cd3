"""Where a library is: a folder, or a PostgreSQL server's address (`postgresql://USER@HOST/DB`),
read without loading the server's driver."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from mt_studio.core.errors import LibraryError
from mt_studio.i18n import _

SCHEMES = ("postgresql", "postgres")


def is_server_address(location: object) -> bool:
    """Whether LOCATION names a library on a PostgreSQL server rather than a folder."""
    return isinstance(location, str) and location.strip().lower().startswith(
        tuple(f"{scheme}://" for scheme in SCHEMES))


def shown_address(address: str) -> str:
    """ADDRESS as it may be shown and logged: user, host, port and database, nothing more."""
    try:
        parts = urlsplit(address.strip())
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "postgresql://?"
    user = f"{parts.username}@" if parts.username else ""
    service = parse_qs(parts.query).get("service")
    named = f"?service={service[0]}" if service else ""
    return f"postgresql://{user}{parts.hostname or ''}{port}{parts.path}{named}"


def check_address(address: str) -> None:
    """Refuse an address that cannot be read, that names no database, or that holds a password
    (it would end up in a shell's history and in process lists): LibraryError saying where a
    password belongs."""
    try:
        parts = urlsplit(address.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        raise LibraryError(_("{address} is not a PostgreSQL address ({reason}).").format(
            address=shown_address(address), reason=error)) from error
    query = parse_qs(parts.query)
    if parts.password or "password" in query:
        raise LibraryError(_(
            "The library's address {address} holds a password. Give the address without it, "
            "and keep the password in ~/.pgpass (or $PGPASSWORD, or a service file), where "
            "it stays out of the command line and the logs.").format(
                address=shown_address(address)))
    if not parts.path.strip("/") and "service" not in query:
        raise LibraryError(_("The library's address {address} names no database (it ends "
                             "with /DATABASE, or names a service: ?service=NAME).").format(
                                 address=shown_address(address)))
