from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})

EXPECTED = {
    "steering:dashboard": ("get", None, READERS, 200),
}
TARGETS: dict = {}
