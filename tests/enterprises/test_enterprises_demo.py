"""The 2022 demo reproduces the source figures from records (nothing typed)."""

from __future__ import annotations

import io
import json
import time

import pytest
from django.core.management import call_command

from zhenwu.enterprises.models import Enterprise, HighTechRecord


@pytest.mark.django_db
def test_the_demo_reproduces_the_2022_source_figures() -> None:
    from zhenwu.accounts.town_demo import load_demo

    started = time.perf_counter()
    load_demo()
    elapsed = time.perf_counter() - started
    out = io.StringIO()
    call_command("enterprise_figures", "--year", "2022", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures == {
        "hightech_applied": 52,
        "hightech_certified": 38,
        "hightech_net_increase": 31,
        "hightech_valid": 92,
        "techsme_registered": 110,
        "techsme_target": 100,
        "sme_attracted": 6,
        "sme_attracted_target": 5,
        "sme_city_filed": 4,
        "talents": {
            "“龙城英才计划”创业类": 5,
            "市领军型创新人才引进培育项目": 1,
            "“武进英才计划”领军型创新人才“倍增工程”": 1,
        },
        "iur_agreements": 22,
        "iur_amount_wan": 1086,
        "diagnoses": 57,
    }, elapsed
    # the figures come from records: the 38 are 38 certificates of 2022
    assert (
        HighTechRecord.objects.filter(year=2022, status="certified").exclude(certificate_no="").count() == 38
    )
    kpr = Enterprise.objects.get(name="常州康普瑞汽车空调有限公司")
    assert not kpr.is_sample and kpr.diagnoses.get().systems == ["ERP", "MES", "WMS", "SRM"]
    assert kpr.honours.count() == 4
    assert not Enterprise.objects.exclude(pk=kpr.pk).filter(is_sample=False).exists()
    count = Enterprise.objects.count()
    load_demo()  # idempotent
    assert Enterprise.objects.count() == count
