"""Listeners' questions (听众反映事项): intake, import, screening, answers on air."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhenwu.audit.services import audit_record, snapshot
from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.core.services import document_number
from zhenwu.hotline.capabilities import HotlineCapability
from zhenwu.hotline.choices import (
    ArticleStatus,
    EpisodeStatus,
    Outcome,
    QuestionSource,
    Screening,
)
from zhenwu.hotline.models import (
    Article,
    Episode,
    ListenerIssue,
    Topic,
)
from zhenwu.hotline.services._common import _require, _today, clean_phone
from zhenwu.orgs.scope import user_has_capability

IMPORT_COLUMNS = ["来源", "姓名", "电话", "问题内容", "主题"]
SOURCE_BY_LABEL = {
    "短信": QuestionSource.SMS,
    "网上留言": QuestionSource.WEB,
    "网站": QuestionSource.WEB,
    "微信": QuestionSource.WECHAT,
    "微信留言": QuestionSource.WECHAT,
    "电话": QuestionSource.PHONE,
    "热线电话": QuestionSource.PHONE,
}


# --------------------------------------------------------------------------- questions


def _new_issue_number() -> str:
    return document_number("RX", _today())


QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def issue_query_digest(number: str, code: str) -> str:
    """Keyed digest of a question's query code: the code itself is never stored."""
    import hashlib
    import hmac

    from django.conf import settings

    message = f"hotline:{number.strip().upper()}:{code.strip().upper()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def issue_for_asker(*, number: str, code: str) -> ListenerIssue | None:
    """The question a member of the public asked, if number and code match (else None, saying nothing more)."""
    import hmac as _hmac

    issue = (
        ListenerIssue.objects.select_related("episode", "work_order")
        .filter(number=number.strip().upper())
        .exclude(query_code_hash="")
        .first()
    )
    if issue is None or not _hmac.compare_digest(
        issue.query_code_hash, issue_query_digest(issue.number, code)
    ):
        return None
    return issue


@transaction.atomic
def issue_create(
    *,
    actor: Any,
    episode: Episode,
    text: str,
    source: str,
    caller_name: str = "",
    caller_phone: str = "",
    topic: Topic | None = None,
    during_show: bool = False,
    client_token: str = "",
) -> ListenerIssue:
    """Register a question. `actor` None is the public form. A repeated client_token returns the first."""
    public = actor is None or not getattr(actor, "is_authenticated", False)
    if public:
        if source != QuestionSource.WEB:
            raise PermissionDeniedError()
    else:
        if not (
            user_has_capability(actor, HotlineCapability.OPERATE)
            or user_has_capability(actor, HotlineCapability.MANAGE)
        ):
            raise PermissionDeniedError("您没有登记热线问题的权限。")
    if client_token:
        existing = ListenerIssue.objects.filter(episode=episode, client_token=client_token).first()
        if existing is not None:
            return existing
    status = (
        Episode.objects.select_for_update().filter(pk=episode.pk).values_list("status", flat=True).first()
    )
    if status == EpisodeStatus.CLOSED:  # the public form and the console alike, read under lock
        raise DomainError("本期节目已结束，不再登记新的来电和问题。")
    text = (text or "").strip()
    if len(text) < 5:
        raise DomainError("请填写问题内容（至少 5 个字）。", field="text")
    if len(text) > 2000:
        raise DomainError("问题内容最多 2000 个字。", field="text")
    if source not in QuestionSource.values:
        raise DomainError("请选择问题来源。", field="source")
    if topic is not None and topic.episode_id != episode.pk:
        raise DomainError("主题不属于本期节目。", field="topic")
    issue = ListenerIssue.objects.create(
        episode=episode,
        topic=topic,
        number=_new_issue_number(),
        source=source,
        during_show=during_show,
        caller_name=caller_name.strip()[:40],
        caller_phone=clean_phone(caller_phone),
        text=text,
        screening=Screening.SELECTED if during_show else Screening.NEW,
        client_token=client_token[:64],
        created_by=None if public else actor,
    )
    if public:  # the asker follows the question with its number and a query code shown once
        code = "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(6))
        issue.query_code_hash = issue_query_digest(issue.number, code)
        issue.save(update_fields=["query_code_hash"])
        issue.query_code = code  # type: ignore[attr-defined]
    audit_record(
        actor=None if public else actor, action="hotline.issue_create", obj=issue, after=snapshot(issue)
    )
    return issue


@dataclass
class ImportProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "表头"
        return f"{where}“{self.column}”列：{self.message}" if self.column else f"{where}：{self.message}"


class ImportRefused(DomainError):
    """The whole file is refused; `problems` lists every bad row and column."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(
            f"导入失败，共 {len(problems)} 处问题，未导入任何记录。请修改后重新上传。",
            field="file",
            code="import",
        )
        self.problems = problems


def _read_rows(filename: str, content: bytes) -> list[list[str]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is the same user error
            raise DomainError("无法读取该 Excel 文件，请确认是 .xlsx 格式。", field="file") from exc
        ws = wb.worksheets[0]
        return [["" if v is None else str(v).strip() for v in row] for row in ws.iter_rows(values_only=True)]
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise DomainError("无法识别 CSV 文件的编码，请另存为 UTF-8。", field="file")
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    raise DomainError("只能导入 .csv 或 .xlsx 文件。", field="file")


@transaction.atomic
def issues_import(*, actor: Any, episode: Episode, filename: str, content: bytes) -> list[ListenerIssue]:
    """Import SMS / WeChat comments. Columns 来源, 姓名, 电话, 问题内容, 主题. All rows or none."""
    _require(actor, HotlineCapability.MANAGE, "导入热线问题")
    rows = [r for r in _read_rows(filename, content) if any(c for c in r)]
    if not rows:
        raise DomainError("文件是空的。", field="file")
    header = rows[0]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        raise ImportRefused(
            [ImportProblem(1, c, "缺少该列（表头应为：" + "、".join(IMPORT_COLUMNS) + "）") for c in missing]
        )
    index = {c: header.index(c) for c in IMPORT_COLUMNS}
    topics = {t.name: t for t in episode.topics.all()}
    existing_keys = {
        (i.caller_phone, i.text)
        for i in ListenerIssue.objects.filter(episode=episode).only("caller_phone", "text")
    }
    problems: list[ImportProblem] = []
    seen: dict[tuple[str, str], int] = {}
    parsed: list[dict[str, Any]] = []
    for n, row in enumerate(rows[1:], start=2):
        cell = {c: (row[index[c]] if index[c] < len(row) else "") for c in IMPORT_COLUMNS}
        source = SOURCE_BY_LABEL.get(cell["来源"])
        if source is None:
            problems.append(
                ImportProblem(
                    n, "来源", f"“{cell['来源']}”无法识别，应为 短信、微信留言、网上留言 或 热线电话"
                )
            )
        try:
            phone = clean_phone(cell["电话"])
        except DomainError:
            problems.append(ImportProblem(n, "电话", f"“{cell['电话']}”不是有效的电话号码"))
            phone = cell["电话"]
        text = cell["问题内容"]
        if len(text) < 5:
            problems.append(ImportProblem(n, "问题内容", "为空或少于 5 个字"))
        topic = None
        if cell["主题"]:
            topic = topics.get(cell["主题"])
            if topic is None:
                problems.append(
                    ImportProblem(
                        n, "主题", f"“{cell['主题']}”不是本期的主题（本期：{'、'.join(topics) or '无'}）"
                    )
                )
        key = (phone, text)
        if text and key in seen:
            problems.append(ImportProblem(n, "问题内容", f"与第 {seen[key]} 行重复（同一电话、同一内容）"))
        elif text and key in existing_keys:
            problems.append(ImportProblem(n, "问题内容", "本期已登记过相同电话的相同问题"))
        seen.setdefault(key, n)
        parsed.append(
            {
                "source": source,
                "caller_name": cell["姓名"],
                "caller_phone": phone,
                "text": text,
                "topic": topic,
            }
        )
    if problems:
        raise ImportRefused(problems)
    created = []
    for data in parsed:
        issue = ListenerIssue.objects.create(
            episode=episode, number=_new_issue_number(), created_by=actor, **data
        )
        created.append(issue)
    audit_record(
        actor=actor,
        action="hotline.issues_import",
        obj=episode,
        message=f"{filename}：导入 {len(created)} 条",
    )
    return created


def _summary_of(answer_text: str) -> str:
    first = answer_text.strip().splitlines()[0] if answer_text.strip() else ""
    cut = first.find("。")
    return (first[: cut + 1] if 0 < cut < 120 else first[:120]) or "见答复全文"


@transaction.atomic
def issue_record_published(
    *, actor: Any, episode: Episode, topic: Topic | None, text: str, answer_text: str, show_order: int
) -> ListenerIssue:
    """Record a question and answer exactly as published (text may be missing: then it says so)."""
    _require(actor, HotlineCapability.MANAGE, "录入已刊发的问答")
    if not answer_text.strip():
        raise DomainError("请填写答复全文。", field="answer_text")
    issue = ListenerIssue.objects.create(
        episode=episode,
        topic=topic,
        number=_new_issue_number(),
        source=QuestionSource.PUBLISHED,
        text=text.strip(),
        text_published=bool(text.strip()),
        screening=Screening.SELECTED,
        outcome=Outcome.ANSWERED,
        answer_summary=_summary_of(answer_text),
        answer_text=answer_text.strip(),
        answered_at=timezone.now(),
        show_order=show_order,
        created_by=actor,
    )
    audit_record(actor=actor, action="hotline.issue_record_published", obj=issue, after=snapshot(issue))
    return issue


@transaction.atomic
def issue_screen(
    *, actor: Any, issue: ListenerIssue, screening: str, topic: Topic | None = None
) -> ListenerIssue:
    _require(actor, HotlineCapability.MANAGE, "筛选热线问题")
    if screening not in Screening.values:
        raise DomainError("请选择筛选结果。", field="screening")
    if topic is not None and topic.episode_id != issue.episode_id:
        raise DomainError("主题不属于本期节目。", field="topic")
    before = snapshot(issue, ["screening", "topic"])
    issue.screening = screening
    issue.topic = topic
    issue.save(update_fields=["screening", "topic", "updated_at"])
    audit_record(
        actor=actor,
        action="hotline.issue_screen",
        obj=issue,
        before=before,
        after=snapshot(issue, ["screening", "topic"]),
    )
    return issue


def _require_open_outcome(issue: ListenerIssue) -> None:
    if issue.outcome != Outcome.PENDING:
        raise DomainError(f"该问题已处理（{issue.get_outcome_display()}），不能重复处理。")
    if issue.episode.status == EpisodeStatus.CLOSED:
        raise DomainError("本期节目已结束，请在台账中跟踪后续办理。")


def _next_show_order(episode: Episode) -> int:
    last = (
        episode.issues.exclude(show_order=None)
        .order_by("-show_order")
        .values_list("show_order", flat=True)
        .first()
    )
    return (last or 0) + 1


@transaction.atomic
def issue_answer(*, actor: Any, issue: ListenerIssue, summary: str, answer_text: str = "") -> ListenerIssue:
    """Answered on air: a one-line summary (the full answer may be added for the article)."""
    _require(actor, HotlineCapability.OPERATE, "在直播控制台处理问题")
    issue = ListenerIssue.objects.select_for_update().get(pk=issue.pk)
    _require_open_outcome(issue)
    if not summary.strip():
        raise DomainError("请填写答复摘要。", field="summary")
    issue.outcome = Outcome.ANSWERED
    issue.answer_summary = summary.strip()[:300]
    issue.answer_text = answer_text.strip() or issue.answer_text
    issue.answered_at = timezone.now()
    issue.show_order = issue.show_order or _next_show_order(issue.episode)
    if issue.screening == Screening.NEW:
        issue.screening = Screening.SELECTED  # answered on air: it was taken up in the show
    issue.save()
    audit_record(
        actor=actor,
        action="hotline.issue_answer",
        obj=issue,
        after=snapshot(issue, ["outcome", "answer_summary"]),
    )
    return issue


@transaction.atomic
def issue_article_edit(
    *, actor: Any, issue: ListenerIssue, text: str, answer_text: str, in_article: bool, show_order: int | None
) -> ListenerIssue:
    """Edit a question's published wording and answer for the article."""
    _require(actor, HotlineCapability.MANAGE, "编辑节目文章")
    article = Article.objects.filter(episode_id=issue.episode_id).first()
    if article is not None and article.status != ArticleStatus.DRAFT:
        raise DomainError(
            f"文章当前为“{article.get_status_display()}”，问答不能再修改；如需修改请先退回编辑。",
            field="text",
        )
    before = snapshot(issue, ["text", "answer_text", "in_article", "show_order"])
    if issue.text_published or text.strip():
        issue.text = text.strip()
    issue.answer_text = answer_text.strip()
    issue.in_article = in_article
    issue.show_order = show_order
    issue.save()
    audit_record(
        actor=actor,
        action="hotline.issue_article_edit",
        obj=issue,
        before=before,
        after=snapshot(issue, ["text", "answer_text", "in_article", "show_order"]),
    )
    return issue
