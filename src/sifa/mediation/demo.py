"""Demo data of 人民调解 (idempotent)."""


def demo_load() -> None:
    return None
