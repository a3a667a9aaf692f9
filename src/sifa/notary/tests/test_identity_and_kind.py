"""The identity adapter (stub and the settings hook) and the notarial certificate kind."""

import io
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from sifa.documents.services import document_issue
from sifa.notary import identity
from sifa.notary.tests.conftest import valid_id

pytestmark = pytest.mark.django_db


class AlwaysNo:
    def verify(self, name: str, id_number: str) -> identity.IdentityResult:
        return identity.IdentityResult(False, "省政务数据共享平台（测试替身）", timezone.now(), "不一致")


def test_stub_is_deterministic_and_says_it_is_test_data() -> None:
    stub = identity.StubIdentityAdapter()
    ok = stub.verify("张三", valid_id())
    assert ok.matched
    assert "测试数据" in ok.source
    assert not stub.verify("张三", valid_id()[:-1] + ("0" if valid_id()[-1] != "0" else "1")).matched
    assert not stub.verify("王不符", valid_id()).matched
    assert not stub.verify("", valid_id()).matched


def test_settings_select_the_adapter(settings: Any) -> None:
    assert isinstance(identity.adapter(), identity.StubIdentityAdapter)
    settings.SIFA_IDENTITY_ADAPTER = f"{__name__}.AlwaysNo"
    assert not identity.adapter().verify("张三", valid_id()).matched


def text_of(document: Any) -> str:
    raw = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.pdf.read())).pages)
    return raw.replace(" ", "").replace("\n", "")


@pytest.mark.parametrize("shape", ["list", "mapping"])
def test_certificate_kind_renders_names_matter_and_statement(world: Any, shape: str) -> None:
    person = {"name": "李四", "gender": "女", "id_number": valid_id()}
    context: dict[str, Any] = {
        "number": "（2026）鲁济泉证字第7号",
        "matter": "亲属关系",
        "statement": "兹证明李四与李大山系父女关系。",
        "notary": "赵公正",
        "issuer": "济南市泉城公证处",
    }
    context["applicants" if shape == "list" else "applicant"] = [person] if shape == "list" else person
    document = document_issue(
        actor=None, kind="notarial_certificate", title="公证书", context=context, division_code="370102"
    )
    text = text_of(document)
    for expected in (
        "公证书",
        "（2026）鲁济泉证字第7号",
        "申请人：李四，女",
        "公证事项：亲属关系",
        "兹证明李四与李大山系父女关系。",
        "公证员：赵公正",
        "济南市泉城公证处",
    ):
        assert expected in text


def test_certificate_kind_still_requires_an_applicant(world: Any) -> None:
    from sifa.core.errors import SifaError

    with pytest.raises(SifaError) as exc:
        document_issue(
            actor=None,
            kind="notarial_certificate",
            title="公证书",
            context={"number": "1", "matter": "出生", "statement": "x", "notary": "赵", "issuer": "处"},
            division_code="370102",
        )
    assert exc.value.details["missing"] == ["applicants"]
