"""`sifa document_sweep`: delete stored document files that no row refers to (left by a rolled-back caller)."""

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from sifa.documents.services import document_sweep_orphans


class Command(BaseCommand):
    help = "删除没有登记记录的文书文件（外层事务回滚遗留）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--older-than-minutes", type=int, default=60)

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = document_sweep_orphans(older_than=timedelta(minutes=options["older_than_minutes"]))
        self.stdout.write(f"deleted {len(deleted)} stray file(s)")
