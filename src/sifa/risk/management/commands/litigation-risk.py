"""`sifa litigation-risk --cases cases.csv --parties parties.csv --out flags.csv` (E1).

Django finds commands by file name, so this file's name is the verb; the code lives in
`sifa.risk.litigation_command` (a module name Python can import normally)."""

from sifa.risk.litigation_command import Command

__all__ = ["Command"]
