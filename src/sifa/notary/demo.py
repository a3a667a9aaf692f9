"""Demo data of 公证 (idempotent)."""


def demo_load() -> None:
    return None
