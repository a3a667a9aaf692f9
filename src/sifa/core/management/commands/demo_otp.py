import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sifa.core.demo import DEMO_PREFIX


class Command(BaseCommand):
    help = "打印演示账号当前的动态口令（仅限 demo_ 开头的演示账号）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if not username.startswith(DEMO_PREFIX):
            raise CommandError("只能为演示账号（demo_ 开头）打印动态口令。")
        device = TOTPDevice.objects.filter(user__username=username).first()
        if device is None:
            raise CommandError(f"{username}: 没有动态口令设备。")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        seconds_left = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(f"{code:0{device.digits}d}  ({seconds_left}s)")
