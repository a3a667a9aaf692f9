"""`sifa risk_demo`: demo data for the risk pages (run after `sifa demo`; idempotent).

历下区 (370102): four years of closed disputes across its townships (history for the forecast and
for training), a few open ones including a planted red one, and the three agencies' ledgers with
planted discrepancies, compared once."""

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sifa.accounts.models import User
from sifa.regions.choices import DivisionLevel
from sifa.regions.models import Division
from sifa.risk import disputes, generators, services, training
from sifa.risk.models import Dispute, LedgerBatch

COUNTY = "370102"


class Command(BaseCommand):
    help = "为风险预警页面加载演示数据（先运行 sifa demo；可重复运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        clerk = User.objects.filter(username="demo_bureau_county").first()
        supervisor = User.objects.filter(username="demo_supervisor").first()
        if clerk is None or supervisor is None:
            raise CommandError("请先运行 sifa demo。")
        townships = list(
            Division.objects.filter(code__startswith=COUNTY, level=DivisionLevel.TOWNSHIP).values_list(
                "code", flat=True
            )
        )
        if not townships:
            raise CommandError("缺少历下区乡镇（街道）区划数据：请先运行 sifa load_divisions。")
        if Dispute.objects.filter(division__code__startswith=COUNTY).exists():
            self.stdout.write("矛盾纠纷演示数据已存在，跳过。")
        else:
            self._disputes(clerk, townships)
        if LedgerBatch.objects.filter(division_id=COUNTY).exists():
            self.stdout.write("台账演示数据已存在，跳过。")
        else:
            self._ledgers(supervisor)

    def _disputes(self, clerk: User, townships: list[str]) -> None:
        rng = random.Random(2026)  # noqa: S311 (demo data)
        today = timezone.localdate()
        start = today.replace(day=1) - timedelta(days=4 * 365)
        rows = []
        for example in training.synthetic_history(900, seed=26, start=start):
            facts = example.facts
            rows.append(
                Dispute(
                    division_id=rng.choice(townships),
                    type=facts.type,
                    reported_on=facts.reported_on or today,
                    resolved_on=facts.resolved_on,
                    description=facts.description,
                    amount=Decimal(str(facts.amount)),
                    parties_count=facts.parties_count,
                    vulnerable_parties=facts.vulnerable_parties,
                    repeat_reports=facts.repeat_reports,
                    failed_mediations=facts.failed_mediations,
                    outcome="criminal" if example.escalated else "resolved",
                    reported_by=clerk,
                )
            )
        Dispute.objects.bulk_create(rows)
        for facts, _ in training.planted_disputes(6, seed=3, reported_on=today - timedelta(days=3)):
            disputes.dispute_report(
                actor=clerk,
                data=disputes.DisputeData(
                    division_code=rng.choice(townships),
                    type=facts.type,
                    reported_on=facts.reported_on or today,
                    description=facts.description,
                    amount=Decimal(str(facts.amount)) if facts.amount is not None else None,
                    parties_count=facts.parties_count,
                    vulnerable_parties=facts.vulnerable_parties,
                    repeat_reports=facts.repeat_reports,
                    failed_mediations=facts.failed_mediations,
                ),
            )
        self.stdout.write(f"已加载矛盾纠纷：历史 {len(rows)} 件，在办 9 件（含红色预警）")

    def _ledgers(self, supervisor: User) -> None:
        import csv
        import io

        from sifa.risk.ledgers import HEADERS

        data = generators.ledgers(300, seed=4, planted={i * 7 + 3: p for i, p in enumerate(generators.PLANTABLE)})
        for agency in ("police", "procuratorate", "court"):
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(HEADERS[agency]))
            writer.writeheader()
            writer.writerows(getattr(data, agency))
            upload = SimpleUploadedFile(f"{agency}.csv", out.getvalue().encode())
            services.ledger_push(
                actor=supervisor, agency=agency, division_code=COUNTY, upload=upload, filename=f"{agency}.csv"
            )
        services.reconciliation_start(actor=supervisor, division_code=COUNTY, as_of=generators.AS_OF)
        self.stdout.write("已上传三类台账并排队比对（由 sifa db_worker 执行）")
