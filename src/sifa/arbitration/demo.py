"""Demo data of 仲裁 (idempotent)."""


def demo_load() -> None:
    return None
