"""`sifa risk_import_disputes FILE --username NAME [--partial]`: import a dispute ledger (E5)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sifa.accounts.models import User
from sifa.core.errors import SifaError
from sifa.risk import disputes


class Command(BaseCommand):
    help = "导入矛盾纠纷排查台账（UTF-8 CSV 或 Excel），以指定工作人员的身份登记并评分。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--username", required=True, help="以该工作人员身份导入（决定辖区与留痕）")
        parser.add_argument("--partial", action="store_true", help="只导入有效行（默认：有错误则全部不导入）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError("找不到该用户。")
        try:
            with open(options["file"], "rb") as upload:
                report = disputes.disputes_import(actor=user, upload=upload, partial=options["partial"])
        except SifaError as exc:
            raise CommandError(f"{exc.message} {exc.details}") from exc
        for error in report.errors:
            self.stdout.write(f"第 {error['row']} 行：{error['message']} {error['details']}")
        self.stdout.write(f"已导入 {report.created} 件" if report.committed else "有错误，未导入任何记录")
