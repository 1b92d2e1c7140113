from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from zhenwu.core.errors import DomainError, NotFoundError, PermissionDeniedError
from zhenwu.hotline import services
from zhenwu.hotline.choices import CommitmentStatus, Outcome
from zhenwu.testing import login

PNG = (  # a real 1x1 image: uploads are decoded and re-encoded
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _commitment(hl, *, unit=None, deadline=date(2026, 12, 11), issue=None):
    episode = issue.episode if issue else hl.episode(status="live")
    return services.commitment_create(
        actor=hl.operator,
        episode=episode,
        issue=issue,
        title="两周内修复村口路灯",
        responsible_unit=unit or hl.cast.yahe,
        responsible_person="李书记",
        deadline=deadline,
        milestones=[("现场勘查", min(deadline, date(2026, 12, 1)))],
    )


def test_a_commitment_from_a_question_sets_its_outcome(hl):
    episode = hl.episode(status="live")
    issue = services.issue_create(
        actor=hl.operator, episode=episode, text="村口路灯坏了两个月", source="phone"
    )
    c = _commitment(hl, issue=issue)
    issue.refresh_from_db()
    assert issue.outcome == Outcome.COMMITMENT and c.progress == 0 and c.status == CommitmentStatus.OPEN
    assert c.milestones.count() == 1


def test_a_commitment_without_a_responsible_unit_is_refused(hl):
    episode = hl.episode(status="live")
    with pytest.raises(DomainError) as exc:
        services.commitment_create(
            actor=hl.operator,
            episode=episode,
            title="修路灯",
            responsible_unit=None,
            responsible_person="李书记",
            deadline=date(2026, 12, 11),
        )
    assert exc.value.field == "responsible_unit" and "责任单位" in exc.value.message


def test_a_commitment_with_a_deadline_in_the_past_is_refused(hl):
    with pytest.raises(DomainError) as exc:
        _commitment(hl, deadline=date(2026, 11, 26))
    assert exc.value.field == "deadline" and "已经过去" in exc.value.message


def test_the_console_form_shows_the_missing_unit_on_its_field(hl, client):
    episode = hl.episode(status="live")
    issue = services.issue_create(
        actor=hl.operator, episode=episode, text="村口路灯坏了两个月", source="phone"
    )
    response = login(client, hl.operator).post(
        f"/hotline/episodes/{episode.pk}/console/issues/{issue.pk}/",
        {
            "mode": "commit",
            f"c{issue.pk}-title": "修路灯",
            f"c{issue.pk}-responsible_person": "李",
            f"c{issue.pk}-deadline": "2026-12-11",
        },
    )
    body = response.content.decode()
    assert "请选择责任单位" in body and 'value="修路灯"' in body
    issue.refresh_from_db()
    assert issue.outcome == Outcome.PENDING


def test_the_responsible_unit_reports_progress_with_evidence(hl, client):
    c = _commitment(hl)
    c_url = c.get_absolute_url()
    response = login(client, hl.cast.yahe_cadre).post(
        c_url,
        {
            "progress": "100",
            "text": "已修复并通电",
            "completed": "on",
            "evidence": SimpleUploadedFile("lamp.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert (
        c.status == CommitmentStatus.COMPLETED and c.progress == 100 and c.completed_on == date(2026, 11, 27)
    )
    report = c.reports.get()
    assert report.evidence is not None and report.status_after == CommitmentStatus.COMPLETED
    services.commitment_transition(actor=hl.cast.town_admin, commitment=c, action="verify")
    c.refresh_from_db()
    assert c.status == CommitmentStatus.VERIFIED


def test_completion_needs_evidence_and_progress_never_goes_back(hl):
    c = _commitment(hl)
    services.commitment_report(actor=hl.cast.yahe_cadre, commitment=c, progress=50, text="已勘查")
    with pytest.raises(DomainError, match="不能低于"):
        services.commitment_report(actor=hl.cast.yahe_cadre, commitment=c, progress=30, text="x")
    with pytest.raises(DomainError, match="佐证材料"):
        services.commitment_report(
            actor=hl.cast.yahe_cadre, commitment=c, progress=100, text="完成", completed=True
        )


def test_illegal_transitions_are_refused_in_chinese(hl):
    c = _commitment(hl)
    with pytest.raises(DomainError) as exc:
        services.commitment_transition(actor=hl.cast.town_admin, commitment=c, action="verify")
    assert "承诺事项当前状态为“已承诺”，不能核验办结" in exc.value.message


def test_a_unit_editing_another_units_commitment_gets_404(hl, client):
    c = _commitment(hl)  # 丫河村's
    c_url = c.get_absolute_url()
    outsider = login(client, hl.cast.ljx_cadre)
    assert outsider.get(c_url).status_code == 404
    assert outsider.post(c_url, {"progress": "10", "text": "x"}).status_code == 404
    with pytest.raises(NotFoundError):
        services.commitment_report(actor=hl.cast.ljx_cadre, commitment=c, progress=10, text="x")
    c.refresh_from_db()
    assert c.progress == 0


def test_a_read_only_member_cannot_report(hl, client):
    c = _commitment(hl)
    assert (
        login(client, hl.cast.yahe_viewer)
        .post(c.get_absolute_url(), {"progress": "10", "text": "x"})
        .status_code
        == 403
    )
    with pytest.raises(PermissionDeniedError):
        services.commitment_report(actor=hl.cast.yahe_viewer, commitment=c, progress=10, text="x")


def test_the_ledger_highlights_overdue_items_and_exports_them(hl, client, time_machine):
    episode = hl.episode(status="live")
    admin = login(client, hl.cast.town_admin)
    issue = services.issue_create(
        actor=hl.operator, episode=episode, text="河道漂浮垃圾需要清理", source="phone"
    )
    services.commitment_create(
        actor=hl.operator,
        episode=episode,
        issue=issue,
        title="清理河道",
        responsible_unit=hl.cast.yahe,
        responsible_person="李",
        deadline=date(2026, 12, 4),
    )
    page = admin.get("/hotline/ledger/").content.decode()
    assert "hl-overdue" not in page
    time_machine.move_to("2026-12-08 10:00+08:00", tick=False)
    admin = login(client, hl.cast.town_admin)  # the idle timeout ended the first session
    page = admin.get("/hotline/ledger/").content.decode()
    assert "hl-overdue" in page and "已逾期" in page
    response = admin.get("/hotline/ledger/export/")
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in ws[1]]
    assert header[:4] == ["序号", "编号", "期次", "播出日期"] and "是否逾期" in header
    row = [cell.value for cell in ws[2]]
    assert row[header.index("是否逾期")] == "是"
    assert ws[2][0].fill.fgColor.rgb.endswith("F8D7DA")
