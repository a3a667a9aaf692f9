"""Locust user for `bench.cases` (one scenario per run, chosen by SIFA_BENCH_SCENARIO):

- health: GET /api/v1/health (the trivial Django endpoint, the ceiling);
- me: GET /api/v1/accounts/me (trivial, behind token authentication);
- submit: POST /api/v1/cases/ (a legal-aid application with a small PDF attachment, base64);
- progress: GET /api/v1/cases/{id}/timeline for a random existing case.
"""

import base64
import itertools
import json
import os
import random
import uuid

from locust import FastHttpUser, constant, task

from sifa.core.idnumber import check_char

SCENARIO = os.environ.get("SIFA_BENCH_SCENARIO", "health")
TOKENS = json.loads(os.environ.get("SIFA_BENCH_TOKENS", "[]"))
CASE_IDS = json.loads(os.environ.get("SIFA_BENCH_CASE_IDS", "[]"))
ID_NUMBER = "37010219580312135" + check_char("37010219580312135")
PDF = base64.b64encode(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n").decode()
_counter = itertools.count()
_users = itertools.count()


def application() -> dict:
    n = next(_counter)
    return {
        "service_type": "legal_aid",
        "idempotency_key": uuid.uuid4().hex,
        "data": {
            "applicant_name": f"申请人{n}",
            "id_number": ID_NUMBER,
            "phone": "13800138000",
            "division": "370102",
            "matter_type": "劳动争议",
            "title": "追索劳动报酬",
            "facts": "拖欠工资。",
            "hardship": "城乡最低生活保障对象",
            "monthly_income": "650",
            "declaration": "true",
        },
        "files": {"hardship_proof": {"name": "proof.pdf", "content_base64": PDF}},
    }


class ApiUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        token = TOKENS[next(_users) % len(TOKENS)] if TOKENS else ""
        self.headers = {"Authorization": f"Bearer {token}"}

    @task
    def one(self) -> None:
        if SCENARIO == "health":
            self.client.get("/api/v1/health", name="health")
        elif SCENARIO == "me":
            self.client.get("/api/v1/accounts/me", headers=self.headers, name="me")
        elif SCENARIO == "submit":
            with self.client.post(
                "/api/v1/cases/", json=application(), headers=self.headers, name="submit", catch_response=True
            ) as r:
                if r.status_code != 201:
                    r.failure(f"status {r.status_code}")
        else:
            case_id = random.choice(CASE_IDS)
            self.client.get(f"/api/v1/cases/{case_id}/timeline", headers=self.headers, name="progress")
