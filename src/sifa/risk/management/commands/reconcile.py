"""`sifa reconcile --police P.csv --procuratorate Q.csv --court C.csv --out discrepancies.csv` (E2)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sifa.core.errors import SifaError
from sifa.risk import reconcile
from sifa.risk.reconcile import TimeLimits


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期须为 YYYY-MM-DD：{text}") from exc


class Command(BaseCommand):
    help = "比对公安、检察院、法院案件台账，输出差异清单（CSV）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--police", required=True, help="公安台账（UTF-8 CSV 或 .xlsx）")
        parser.add_argument("--procuratorate", required=True, help="检察院台账（UTF-8 CSV 或 .xlsx）")
        parser.add_argument("--court", required=True, help="法院台账（UTF-8 CSV 或 .xlsx）")
        parser.add_argument("--out", required=True, help="差异清单输出文件（UTF-8 CSV）")
        parser.add_argument("--as-of", type=_date, default=None, help="期限计算基准日（默认今天，北京时间）")
        parser.add_argument("--review-days", type=int, default=15, help="审查起诉期限一个月之外的延长天数（默认 15）")
        parser.add_argument("--trial-months", type=int, default=3, help="一审审理期限月数（默认 3）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"] or timezone.localdate()
        limits = TimeLimits(review_extra_days=options["review_days"], trial_months=options["trial_months"])
        try:
            with open(options["out"], "w", encoding="utf-8", newline="") as out:
                report = reconcile.reconcile_files(
                    police=options["police"],
                    procuratorate=options["procuratorate"],
                    court=options["court"],
                    out=out,
                    as_of=as_of,
                    limits=limits,
                    progress=not options["no_progress"],
                )
        except SifaError as exc:
            raise CommandError(f"{exc.message} {exc.details}") from exc
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{exc.filename}") from exc
        read = "，".join(f"{k} {v} 行" for k, v in report.rows_read.items())
        self.stdout.write(f"已读取：{read}；基准日 {as_of.isoformat()}")
        for kind in reconcile.TYPES:
            self.stdout.write(f"{kind}\t{report.counts.get(kind, 0)}")
        self.stdout.write(f"差异合计 {report.total} 条，已写入 {options['out']}")
