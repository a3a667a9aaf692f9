"""The audit ledger's two tables: the append-only entries and the one-row sequencer.

Both models are *unmanaged*: migration 0001 creates their tables (and the triggers that refuse
UPDATE/DELETE), and Django's `flush` (used between TransactionTestCase tests) leaves them alone, as
it must leave an append-only log alone. Their rows are written only by `sifa.audit.services`.
"""

from datetime import UTC, datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryManager(models.Manager["AuditEntry"]):
    """Reads see the entries their own transaction has recorded (numbering any still pending first)."""

    def get_queryset(self) -> models.QuerySet["AuditEntry"]:
        from sifa.audit.pending import flush_pending

        flush_pending(self.db)
        return super().get_queryset()


class AuditEntry(models.Model):
    """One ledger entry: who did what to which record, when, and digests (not values) of the change.

    `leaf_hash` = SHA-256(0x00 || entry bytes) where the entry bytes encode the other fields
    (`sifa.audit.formats.entry_bytes`). No personal data: targets are (model label, primary key).
    """

    seq = models.BigIntegerField(_("序号"), primary_key=True)
    time_us = models.BigIntegerField(_("时间（微秒，UTC）"))
    actor_id = models.BigIntegerField(_("操作人编号"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("操作人"), max_length=150)
    action = models.CharField(_("操作"), max_length=100)
    target_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    before_digest = models.CharField(_("变更前摘要"), max_length=64, blank=True)
    after_digest = models.CharField(_("变更后摘要"), max_length=64, blank=True)
    purpose = models.TextField(_("目的"), blank=True)
    leaf_hash = models.BinaryField(_("叶哈希"), max_length=32)

    objects = AuditEntryManager()

    class Meta:
        managed = False
        db_table = "audit_entry"
        ordering = ["seq"]
        verbose_name = _("审计日志条目")
        verbose_name_plural = _("审计日志条目")
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_entry_target_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    @property
    def created_at(self) -> datetime:
        return datetime.fromtimestamp(self.time_us / 1_000_000, tz=UTC)


class AuditSequencer(models.Model):
    """The single row naming this log in checkpoints (`log_id`) and, on SQLite, handing out numbers.

    SQLite: a business transaction increments `last_seq` with `UPDATE ... RETURNING`, which locks the
    row until commit: writers are serialised, a rollback returns the number, and committed entries
    always form a gapless prefix. Triggers allow only +1 steps. PostgreSQL takes numbers from the
    sequence `audit_seq` instead (see `sifa.audit.voids`); `last_seq` stays where migration 0004 left it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    log_id = models.CharField(max_length=32)

    class Meta:
        managed = False
        db_table = "audit_sequencer"
        verbose_name = _("审计序号器")
        verbose_name_plural = _("审计序号器")

    def __str__(self) -> str:
        return f"audit log {self.log_id} at {self.last_seq}"


class AuditTile(models.Model):
    """Cached root of a full tile: leaves [idx * 2**TILE_HEIGHT, (idx + 1) * 2**TILE_HEIGHT).

    A cache so that proofs cost O(tile + size / tile) instead of O(size); written by the checkpointer,
    never trusted: every proof is checked against the signed root before it is handed out.
    """

    idx = models.BigIntegerField(primary_key=True)
    root = models.BinaryField(max_length=32)

    class Meta:
        managed = False
        db_table = "audit_tile"
        verbose_name = _("审计日志哈希瓦片")
        verbose_name_plural = _("审计日志哈希瓦片")

    def __str__(self) -> str:
        return f"tile {self.idx}"


class VerifyStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("核验中")
    OK = "ok", _("通过")
    FAILED = "failed", _("发现问题")
    ERROR = "error", _("运行出错")


class VerifyRun(models.Model):
    """One run of `verify_log` started by an auditor from the workbench, with its progress and result."""

    started_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=8, choices=VerifyStatus.choices, default=VerifyStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    entries = models.BigIntegerField(_("核验条目数"), default=0)
    root_hash = models.CharField(_("根哈希"), max_length=64, blank=True)
    checkpoints_checked = models.PositiveIntegerField(_("核对的检查点"), default=0)
    first_bad_seq = models.BigIntegerField(_("首个异常条目"), null=True, blank=True)
    problems = models.JSONField(_("问题"), default=list, blank=True)
    voids = models.PositiveIntegerField(_("空号条目"), default=0)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("日志核验")
        verbose_name_plural = _("日志核验")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"verify run {self.pk}: {self.status}"
