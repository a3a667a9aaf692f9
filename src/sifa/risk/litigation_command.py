"""The `sifa litigation-risk` command (E1); see docs/risk.md for the file formats."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sifa.core.errors import SifaError
from sifa.risk import litigation


class Command(BaseCommand):
    help = "虚假诉讼、滥诉、涉众案件风险筛查：读取案件和当事人文件，输出预警清单（CSV）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", required=True, help="案件文件（UTF-8 CSV 或 .xlsx）")
        parser.add_argument("--parties", required=True, help="当事人文件（UTF-8 CSV 或 .xlsx）")
        parser.add_argument("--out", required=True, help="预警清单输出文件（UTF-8 CSV）")
        parser.add_argument("--since", default=None, help="只输出该日期（YYYY-MM-DD）及以后立案的案件")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        since = options["since"]
        if since:
            try:
                date.fromisoformat(since)
            except ValueError as exc:
                raise CommandError(f"日期须为 YYYY-MM-DD：{since}") from exc
        try:
            with open(options["out"], "w", encoding="utf-8", newline="") as out:
                report = litigation.score_files(
                    cases=options["cases"],
                    parties=options["parties"],
                    out=out,
                    since=since,
                    progress=not options["no_progress"],
                )
        except SifaError as exc:
            raise CommandError(f"{exc.message} {exc.details}") from exc
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{exc.filename}") from exc
        self.stdout.write(f"已读取：案件 {report.cases} 件，当事人 {report.parties} 条")
        for category in litigation.CATEGORIES:
            self.stdout.write(f"{category}\t{report.categories.get(category, 0)}")
        for kind in litigation.WARNINGS:
            self.stdout.write(f"{kind}\t{report.warnings.get(kind, 0)}")
        self.stdout.write(f"预警案件 {report.flagged_cases} 件，已写入 {options['out']}")
