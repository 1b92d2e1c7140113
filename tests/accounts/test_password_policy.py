"""Password rules: 8+ characters, 3 of 4 classes, no reuse of the last 5, change at first login and every 90 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zhenwu.accounts.services import user_change_password, user_create
from zhenwu.accounts.validators import ComplexityValidator, character_classes
from zhenwu.core.errors import DomainError
from zhenwu.testing import PASSWORD, login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["Ab1!", "abcdefgh", "abcdefg1", "ABCDEFG1", "12345678!"])
def test_weak_passwords_are_refused(password):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        ComplexityValidator().validate(password)
    assert any("密码" in m for m in exc.value.messages)


@pytest.mark.parametrize("password", ["abcdEF12", "abcdef1!", "ABCDEF1!", "Niutang@2026"])
def test_strong_passwords_pass(password):
    ComplexityValidator().validate(password)
    assert character_classes(password) >= 3


def test_the_last_five_passwords_cannot_be_reused(cast):
    user = cast.yahe_cadre
    current = PASSWORD
    history = [f"Rotate#{i}abc" for i in range(1, 6)]
    for new in history:
        user_change_password(user=user, old_password=current, new_password=new)
        current = new
    # The password from five changes ago is the sixth most recent: allowed again.
    user_change_password(user=user, old_password=current, new_password=PASSWORD)
    with pytest.raises(DomainError) as exc:
        user_change_password(user=user, old_password=PASSWORD, new_password=history[-1])
    assert "最近 5 次" in exc.value.message


def test_wrong_old_password_is_refused_and_audited(cast):
    from zhenwu.audit.models import AuditEvent

    with pytest.raises(DomainError) as exc:
        user_change_password(user=cast.yahe_cadre, old_password="nope", new_password="Another#2026")
    assert exc.value.field == "old_password"
    assert AuditEvent.objects.filter(action="user.change_password", result="failure").exists()


def test_a_new_account_must_change_its_password_at_first_login(client, cast):
    user, temporary = user_create(actor=cast.sysadmin, username="newbie", real_name="新人")
    assert user.must_change_password
    client.force_login(user)
    response = client.get("/workbench/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/password/")
    response = client.post(
        "/accounts/password/?next=/workbench/",
        {
            "old_password": temporary,
            "new_password1": "Fresh#Start2026",
            "new_password2": "Fresh#Start2026",
            "next": "/workbench/",
        },
    )
    assert response.status_code == 302
    assert client.get("/workbench/").status_code == 200


def test_password_older_than_90_days_forces_a_change(client, cast):
    cast.yahe_cadre.password_changed_at = timezone.now() - timedelta(days=91)
    cast.yahe_cadre.save()
    response = login(client, cast.yahe_cadre).get("/workbench/")
    assert response.status_code == 302 and "/accounts/password/" in response["Location"]


def test_password_change_page_names_the_broken_rule_in_chinese(client, cast):
    response = login(client, cast.yahe_cadre).post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    assert "至少需要 8 个字符" in response.content.decode()
