"""Read API of the audit ledger: the public signed tree head; proofs and entries for auditors."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from sifa.audit import checkpoints, proofs, selectors
from sifa.audit.models import AuditEntry
from sifa.core.api import BoundedPagination
from sifa.core.errors import ErrorCode, SifaError

router = Router(tags=["audit"])

AUDITOR = "auditor"


def _require_auditor(request: HttpRequest) -> None:
    has_role = getattr(request.user, "has_role", None)
    if not callable(has_role) or not has_role(AUDITOR):
        raise SifaError(ErrorCode.FORBIDDEN)


class TreeHeadOut(Schema):
    format: str
    log_id: str
    tree_size: int
    root_hash: str
    timestamp: str
    signature: str
    public_key: str


class EntryFieldsOut(Schema):
    seq: int
    time_us: int
    actor_id: int | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    before_digest: str
    after_digest: str
    purpose: str


class InclusionProofOut(Schema):
    format: str
    log_id: str
    seq: int
    leaf_index: int
    tree_size: int
    entry: EntryFieldsOut
    entry_bytes: str
    leaf_hash: str
    audit_path: list[str]
    tree_head: TreeHeadOut


class ConsistencyProofOut(Schema):
    format: str
    log_id: str
    old_tree_head: TreeHeadOut
    new_tree_head: TreeHeadOut
    proof: list[str]


class EntryOut(EntryFieldsOut):
    leaf_hash: str

    @staticmethod
    def resolve_leaf_hash(obj: AuditEntry) -> str:
        return bytes(obj.leaf_hash).hex()


class EntryFilter(Schema):
    actor_id: int | None = None
    action: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    seq_from: int | None = None
    seq_to: int | None = None


@router.get("/checkpoints/latest", auth=None, response=TreeHeadOut, summary="最新签名树头（公开）")
def latest_checkpoint(request: HttpRequest) -> dict[str, Any]:
    log_id, _ = selectors.log_state()
    head = checkpoints.latest(log_id)
    if head is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return head.public()


@router.get("/proof/{seq}", response=InclusionProofOut, summary="条目包含证明（审计管理员）")
def inclusion_proof(request: HttpRequest, seq: int, size: int | None = None) -> dict[str, Any]:
    _require_auditor(request)
    try:
        return proofs.inclusion_proof(seq=seq, tree_size=size)
    except proofs.ProofError as exc:
        raise SifaError(ErrorCode.NOT_FOUND) from exc


@router.get("/consistency", response=ConsistencyProofOut, summary="两个树头间的一致性证明（审计管理员）")
def consistency_proof(request: HttpRequest, old_size: int, new_size: int | None = None) -> dict[str, Any]:
    _require_auditor(request)
    try:
        return proofs.consistency_proof(old_size=old_size, new_size=new_size)
    except proofs.ProofError as exc:
        raise SifaError(ErrorCode.NOT_FOUND) from exc


@router.get("/entries", response=list[EntryOut], summary="审计日志条目（审计管理员，新的在前；action 按前缀筛选）")
@paginate(BoundedPagination)
def entry_list(request: HttpRequest, filters: Query[EntryFilter]) -> QuerySet[AuditEntry]:
    _require_auditor(request)
    return selectors.entry_list(
        selectors.EntryFilters(
            actor_id=filters.actor_id,
            action=filters.action or "",
            target_type=filters.target_type or "",
            target_id=filters.target_id or "",
            seq_from=filters.seq_from,
            seq_to=filters.seq_to,
        )
    )
