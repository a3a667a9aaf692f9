from typing import Any

import pytest

# A valid resident ID (checksum OK) and a mobile number: they must appear in the files of kinds that
# print full identity, and never in any page or API response (the root conftest scans those).
PARTY_A_ID = "11010519491231002X"
PARTY_B_ID = "370102198001010017"


@pytest.fixture
def agreement_context() -> dict[str, Any]:
    return {
        "number": "历下调〔2026〕第18号",
        "parties": [
            {
                "label": "甲方",
                "name": "王建国",
                "gender": "男",
                "ethnicity": "汉族",
                "age": 46,
                "occupation": "个体工商户",
                "id_number": PARTY_B_ID,
                "phone": "13912345678",
                "address": "济南市历下区解放路 12 号",
            },
            {
                "label": "乙方",
                "name": "李秀英",
                "gender": "女",
                "ethnicity": "汉族",
                "age": 76,
                "id_number": PARTY_A_ID,
                "address": "济南市历下区文化东路 3 号",
            },
        ],
        "facts": "乙方于 2026 年 3 月租用甲方门面房一间，双方因房屋漏水维修费用的承担发生纠纷。",
        "amount": "12345.60",
        "terms": ["甲方向乙方支付维修费用人民币 12,345.60 元。", "双方就本纠纷再无其他争议。"],
        "performance": "甲方于 2026 年 12 月 31 日前一次性支付至乙方指定账户。",
        "mediator": "赵调解",
        "recorder": "钱记录",
        "issuer": "济南市历下区解放路街道人民调解委员会",
    }
