"""Demo accounts shared by both services; each service seeds its own albums and photos."""

from __future__ import annotations

from .store import Store
from .users import create_user, get_user

# name -> (password, full name, is Coppermine admin). Demo passwords: a sandbox only.
DEMO_USERS: dict[str, tuple[str, str, bool]] = {
    "admin": ("admin-demo-pw", "Gallery Admin", True),
    "alice": ("alice-demo-pw", "Alice Example", False),
    "bob": ("bob-demo-pw", "Bob Example", False),
    "carol": ("carol-demo-pw", "Carol Viewer", False),
}


def seed_users(store: Store) -> None:
    """Create the demo users that do not exist yet."""
    with store.write() as conn:
        for name, (password, fullname, is_admin) in DEMO_USERS.items():
            if get_user(conn, name=name) is None:
                create_user(conn, name, password, fullname=fullname, is_admin=is_admin)
