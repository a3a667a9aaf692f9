from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from sifa.core.demo import DEMO_CITIZEN_PHONE, DEMO_PASSWORD, demo_load

# Each service app's own demo cases, loaded after the shared accounts and organisations (idempotent).
SERVICE_DEMOS = [
    "sifa.cases.demo.demo_cases",
    "sifa.consultation.demo.demo_load",
    "sifa.reconsideration.demo.demo_load",
    "sifa.mediation.demo.demo_load",
    "sifa.wage_arrears.demo.demo_load",
    "sifa.notary.demo.demo_load",
    "sifa.arbitration.demo.demo_load",
    "sifa.appraisal.demo.demo_load",
]


class Command(BaseCommand):
    help = "加载演示数据（行政区划、机构、每个角色一个账号、示例人员），可重复运行。"

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_divisions", verbosity=0)
        accounts = demo_load()
        for path in SERVICE_DEMOS:
            import_string(path)()
        call_command("risk_demo", verbosity=0)
        out = self.stdout
        out.write(self.style.SUCCESS("演示数据已就绪。Demo data ready."))
        out.write("")
        out.write("工作人员登录 Staff login: http://127.0.0.1:8000/accounts/login/")
        out.write(f"  密码 password (all demo staff): {DEMO_PASSWORD}")
        out.write("  动态口令 TOTP: add the secret below to an authenticator app, or run `sifa demo_otp USERNAME`")
        out.write("")
        out.write(f"  {'username':<24} {'roles':<22} {'organisation':<20} TOTP secret (base32)")
        for a in accounts:
            out.write(f"  {a.username:<24} {','.join(a.roles):<22} {a.organisation:<20} {a.totp_secret_b32}")
        out.write("")
        out.write("群众登录 Citizen login: http://127.0.0.1:8000/accounts/citizen-login/")
        out.write(
            f"  手机 phone {DEMO_CITIZEN_PHONE}; 验证码 the SMS code appears in var/sms/outbox.jsonl (file SMS backend)"
        )
