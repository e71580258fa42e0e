"""League roles are Django groups; superusers count as Administrator."""

ADMINISTRATOR = "Administrator"
EDITOR = "Editor"
VIEWER = "Viewer"
ROLES = (ADMINISTRATOR, EDITOR, VIEWER)  # highest first: each role can do what those below can


def roles_of(user) -> list[str]:
    if not user or not user.is_authenticated:
        return []
    cached = getattr(user, "_league_roles", None)
    if cached is None:
        names = {group.name for group in user.groups.all()}
        if user.is_superuser:
            names.add(ADMINISTRATOR)
        cached = [role for role in ROLES if role in names]
        user._league_roles = cached
    return cached


def is_administrator(user) -> bool:
    return ADMINISTRATOR in roles_of(user)


def can_write(user) -> bool:
    roles = roles_of(user)
    return ADMINISTRATOR in roles or EDITOR in roles


def role_rank(user) -> int:
    """3 Administrator, 2 Editor, 1 Viewer, 0 no league role."""
    roles = roles_of(user)
    return max((len(ROLES) - ROLES.index(role) for role in roles), default=0)


def has_role(user, role: str) -> bool:
    """`role` or a higher one: an Administrator can do what an Editor can, an Editor what a
    Viewer can."""
    return role_rank(user) >= len(ROLES) - ROLES.index(role)
