"""Definition versions in the database: files are synced in, cases pin a stored version.

`definitions_sync()` reads every definition file; a new (code, version) is stored with its text and
hash; a known version whose text changed is refused (bump `version`); the highest version of each
code becomes current. Parsed definitions are cached by hash, so every stored version stays usable.
"""

from functools import lru_cache
from pathlib import Path

from django.db import transaction

from sifa.cases import definitions
from sifa.cases.definitions import Definition, DefinitionError
from sifa.cases.models import ServiceDefinition
from sifa.core.errors import ErrorCode, SifaError


@lru_cache(maxsize=256)
def _parsed(sha256: str, source: str) -> Definition:
    return definitions.parse(source, origin=sha256[:12])


def parsed(row: ServiceDefinition) -> Definition:
    """The validated definition of a stored version (the one a case pinned)."""
    return _parsed(row.sha256, row.source)


@transaction.atomic
def definitions_sync(files: list[Path] | None = None) -> list[ServiceDefinition]:
    """Store new definition versions from the files and mark the newest of each code current."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":  # concurrent first uses after a deploy: one syncer at a time
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('sifa.cases.definitions_sync'))")
    stored: list[ServiceDefinition] = []
    newest: dict[str, int] = {}
    for path in files if files is not None else definitions.definition_files():
        source = path.read_text(encoding="utf-8")
        spec = definitions.parse(source, origin=str(path))
        digest = definitions.sha256(source)
        row = ServiceDefinition.objects.filter(code=spec.code, version=spec.version).first()
        if row is None:
            row = ServiceDefinition.objects.create(
                code=spec.code,
                version=spec.version,
                name=spec.name,
                sha256=digest,
                source=source,
                origin=path.name,
                is_current=False,
            )
        elif row.sha256 != digest:
            raise DefinitionError(
                f"{path}: {spec.code} version {spec.version} is already stored with different content; "
                "increase `version` when a definition changes"
            )
        stored.append(row)
        newest[spec.code] = max(newest.get(spec.code, 0), spec.version)
    for code, version in newest.items():
        current = ServiceDefinition.objects.filter(code=code, is_current=True).first()
        if current is not None and current.version >= version:
            continue
        ServiceDefinition.objects.filter(code=code, is_current=True).update(is_current=False)
        ServiceDefinition.objects.filter(code=code, version=version).update(is_current=True)
    return stored


def definition_current(code: str) -> tuple[ServiceDefinition, Definition]:
    """The current version of a service type (syncing the files once if it is not stored yet)."""
    row = ServiceDefinition.objects.filter(code=code, is_current=True).first()
    if row is None:
        definitions_sync()
        row = ServiceDefinition.objects.filter(code=code, is_current=True).first()
    if row is None:
        raise SifaError(ErrorCode.NOT_FOUND, details={"service_type": code})
    return row, parsed(row)


def catalogue() -> list[tuple[ServiceDefinition, Definition]]:
    """Every current service type (the service hall's catalogue), syncing files if none is stored."""
    rows = list(ServiceDefinition.objects.filter(is_current=True).order_by("code"))
    if not rows:
        definitions_sync()
        rows = list(ServiceDefinition.objects.filter(is_current=True).order_by("code"))
    return [(row, parsed(row)) for row in rows]
