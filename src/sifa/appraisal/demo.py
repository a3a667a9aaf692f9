"""Demo data of 司法鉴定 (idempotent)."""


def demo_load() -> None:
    return None
