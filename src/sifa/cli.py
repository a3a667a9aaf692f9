"""The `sifa` command: Sifa's own verbs (`sifa demo`, `sifa audit verify`) are management commands,
so every manage.py command passes through unchanged (`sifa migrate`, `sifa runserver`).

`sifa init-env` runs before Django is set up: it writes `.env` with fresh keys when one is missing.
"""

import base64
import os
import secrets
import sys
from pathlib import Path

ENV_FILE = Path(__file__).resolve().parent.parent.parent / ".env"


def init_env(path: Path = ENV_FILE) -> None:
    existing = path.read_text() if path.exists() else ""
    wanted = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SIFA_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "SIFA_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    present = {line.split("=", 1)[0] for line in existing.splitlines() if "=" in line}
    added = [f"{k}={v}" for k, v in wanted.items() if k not in present and k not in os.environ]
    if added:
        with path.open("a") as f:
            f.write(("" if not existing or existing.endswith("\n") else "\n") + "\n".join(added) + "\n")
        path.chmod(0o600)
        print(f"wrote {len(added)} new key(s) to {path}")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["init-env"]:
        init_env()
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sifa.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sifa", *args])


if __name__ == "__main__":
    main()
