from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sifa.accounts.models import User
from sifa.accounts.services import api_token_create


class Command(BaseCommand):
    help = "为账号签发接口令牌（Bearer token），令牌只显示一次。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="machine", help="令牌用途，例如对接的系统名称")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"{username}: 账号不存在或已停用。")
        self.stdout.write(api_token_create(actor=user, user=user, name=name))
