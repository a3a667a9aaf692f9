"""Demo data of 农民工欠薪绿色通道 (idempotent)."""


def demo_load() -> None:
    return None
