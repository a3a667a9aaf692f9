"""`sifa verify_document FILE.pdf --code CODE`: is this PDF the signed, unrevoked document with this code?

With `--signature` and `--public-key` instead of `--code`, no database is needed (fully offline).
Exit status 0 when authentic, 1 otherwise.
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifa.core import crypto
from sifa.core.errors import SifaError
from sifa.documents import offline
from sifa.documents.selectors import document_verify_facts


class Command(BaseCommand):
    help = "核验 PDF 文书：摘要与登记记录一致且平台签名有效"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--code", default="", help="文书验证码（查询本平台登记记录）")
        parser.add_argument("--signature", default="", help="Ed25519 签名（Base64），离线核验时使用")
        parser.add_argument("--public-key", default="", help="平台公钥（Base64），离线核验时使用")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        data = path.read_bytes()
        digest = offline.sha256_hex(data)
        self.stdout.write(f"SHA-256: {digest}")
        if options["code"]:
            try:
                facts = document_verify_facts(code=options["code"])
            except SifaError as exc:
                raise CommandError(f"验证码不存在：{options['code']}") from exc
            if digest != facts.sha256_pdf:
                raise CommandError("已被篡改：文件与登记的文书不一致")
            if not offline.verify_pdf(data, facts.signature, crypto.public_key_b64()):
                raise CommandError("签名无效：登记记录未通过平台公钥核验")
            if facts.revoked:
                raise CommandError("文件未被篡改，但该文书已被撤销")
            self.stdout.write(self.style.SUCCESS(f"真实有效：{facts.kind_name}《{facts.title}》，{facts.issuer}出具"))
            return
        if not (options["signature"] and options["public_key"]):
            raise CommandError("请给出 --code，或同时给出 --signature 与 --public-key")
        if not offline.verify_pdf(data, options["signature"], options["public_key"]):
            raise CommandError("签名与文件不符：文件已被篡改或签名、公钥有误")
        self.stdout.write(self.style.SUCCESS("真实有效：签名与文件相符"))
