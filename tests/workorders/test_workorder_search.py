"""Search that serves Chinese (issue 15): the search_text tokens, the list's q through them with the
same results as the plain substring search (on SQLite and on PostgreSQL), the column kept on
write, the capped count, and hostile input."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from zhenwu.core.actors import SYSTEM
from zhenwu.core.web import CappedPaginator
from zhenwu.testing import login
from zhenwu.workorders import selectors
from zhenwu.workorders.choices import Action
from zhenwu.workorders.models import WorkOrder
from zhenwu.workorders.search import fold, query_tokens, search_text, substring_q
from zhenwu.workorders.services import category_save, workorder_create, workorder_transition

# ---------------------------------------------------------------- the tokens (no database)


def tokens(text: str) -> set[str]:
    return set(search_text(description=text).split())


def test_tokens_are_the_characters_the_bigrams_and_the_ascii_words() -> None:
    t = tokens("路灯不亮 NT-20261128-0042")
    assert {"路", "灯", "路灯", "灯不", "不亮"} <= t
    assert {"NT", "T-", "20261128", "2026", "0042", "042"} <= t
    assert "亮 " not in t and not any(" " in x for x in t)  # whitespace never belongs to a token
    assert "亮N" not in t  # nor joins the words it separates


def test_search_text_is_a_pure_sorted_function_of_the_four_fields() -> None:
    value = search_text("NT-20261128-0042", "标题", "路灯不亮", "丫河村")
    assert value == search_text("NT-20261128-0042", "标题", "路灯不亮", "丫河村")
    assert value.split() == sorted(set(value.split()))
    assert not value.startswith(" ") and not value.endswith(" ")
    assert search_text() == "" and search_text(description="   \n") == ""
    assert "\x00" not in search_text(description="路\x00灯")


def test_text_is_case_folded_as_the_database_upper_does() -> None:
    assert fold("abcÉß") == "ABCÉß"  # ß has no one-character upper case: kept, positions never shift
    assert "NOISE" in tokens("noise") and "NOISE" in query_tokens("NoIsE")


def test_query_tokens_for_each_kind_of_term() -> None:
    assert query_tokens("路灯") == ["路灯"]
    assert query_tokens("灯") == ["灯"]
    assert query_tokens("窨井盖") == ["窨井", "井盖"]
    assert query_tokens("a b") == ["A", "B"]  # no two adjacent characters: the single ones
    assert query_tokens("NT-20261128-0042")[:2] == ["20261128", "0042"]  # the words first
    assert query_tokens("   ") == [] and query_tokens("\x00") == []
    assert len(query_tokens("路" * 10_000)) <= 24 and query_tokens("路" * 10_000) == ["路路"]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("路灯不亮窨井盖ab AB09-_%'\"\\\t。，ßÉ")), max_size=40),
    data=st.data(),
)
def test_every_token_of_a_substring_is_a_token_of_the_text(text: str, data: Any) -> None:
    """The rule the search's exactness rests on: a term inside a field has no token the field lacks."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert set(query_tokens(text[start:end])) <= tokens(text)


# ---------------------------------------------------------------- the list, on the database

TEXTS = [
    ("丫河村路灯晚上不亮已经三天了", "丫河村青洋路"),
    ("卢家巷菜场门口窨井盖松动", "卢家巷菜场"),
    ("红绿灯时间太短，老人过马路来不及", "人民路"),
    ("Street light OFF near the bridge, 路灯坏了", "丫河桥"),
    ("工地夜间施工噪声扰民 noise after 22:00", "牛塘镇区"),
    ("百分号 100% 完成？下划线 a_b 和引号 \"quoted\" 'single' 反斜杠 C:\\temp", "东塘村"),
    ("路 灯 分开写的", ""),
    ("ß straße Éclair é", "南庄社区"),
]


@pytest.fixture
def orders(cast: Any) -> list[WorkOrder]:
    category = category_save(actor=SYSTEM, code="municipal", name="市政设施", time_limit_days=5)
    made = []
    for description, address in TEXTS:
        made.append(
            workorder_create(
                actor=cast.operator,
                channel="phone",
                category=category,
                description=description,
                address=address,
            )
        )
    return made


def found(user: Any, q: str) -> list[int]:
    return [o.pk for o in selectors.order_list(user=user, filters=selectors.OrderFilters(q=q))]


def plain(user: Any, q: str) -> list[int]:
    """The plain substring search the list did before the tokens."""
    qs = selectors.order_list(user=user, filters=selectors.OrderFilters())
    return [o.pk for o in qs.filter(substring_q(q))]


TERMS = [
    "路灯",  # 2 characters
    "灯",  # 1 character
    "窨井盖",  # 3
    "路灯晚上不亮",  # a phrase
    "路灯坏",  # a bigram that exists and one that does not
    "light",  # ASCII, any case
    "LIGHT OFF",
    "noise after",
    "22:00",
    "路灯坏了",  # mixed with ASCII in the same text
    "bridge, 路灯",
    "路 灯",  # with a space
    "100%",
    "%",
    "_",
    "a_b",
    '"quoted"',
    "'single'",
    "C:\\temp",
    "\\",
    "straße",
    "STRASSE",  # upper case of ß is SS: the database does not fold it so, neither do the tokens
    "éclair",
    "菜场",
    "卢家巷菜场",  # the address
    "不存在的词",
]


@pytest.mark.django_db
@pytest.mark.parametrize("term", TERMS)
def test_the_list_finds_what_the_plain_substring_search_finds(
    orders: list[WorkOrder], cast: Any, term: str
) -> None:
    assert found(cast.town_admin, term) == plain(cast.town_admin, term)


@pytest.mark.django_db
def test_the_terms_find_the_orders_they_should(orders: list[WorkOrder], cast: Any) -> None:
    ids = {i: o.pk for i, o in enumerate(orders)}
    admin = cast.town_admin
    assert set(found(admin, "路灯")) == {ids[0], ids[3]}
    assert set(found(admin, "灯")) == {ids[0], ids[2], ids[3], ids[6]}
    assert set(found(admin, "LIGHT")) == {ids[3]}
    assert set(found(admin, "路 灯")) == {ids[6]}
    assert set(found(admin, "%")) == {ids[5]} and set(found(admin, "_")) == {ids[5]}
    assert set(found(admin, "菜场")) == {ids[1]}
    assert found(admin, "不存在的词") == []
    # newest first, as without a term
    assert found(admin, "路灯") == [ids[3], ids[0]]


@pytest.mark.django_db
def test_a_number_finds_its_order_whole_or_in_part(orders: list[WorkOrder], cast: Any) -> None:
    order = orders[2]
    assert found(cast.town_admin, order.number) == [order.pk]
    assert found(cast.town_admin, order.number.lower()) == [order.pk]
    tail = order.number.split("-", 1)[1]  # 20261128-0003
    assert found(cast.town_admin, tail) == [order.pk]
    assert found(cast.town_admin, order.number[-4:]) == plain(cast.town_admin, order.number[-4:])
    assert set(found(cast.town_admin, order.number[:3])) == {o.pk for o in orders}  # the town prefix


@pytest.mark.django_db
def test_the_search_stays_inside_the_persons_scope(orders: list[WorkOrder], cast: Any) -> None:
    workorder_transition(actor=cast.operator, order=orders[0], action=Action.DISPATCH, unit=cast.yahe)
    workorder_transition(actor=cast.operator, order=orders[3], action=Action.DISPATCH, unit=cast.lujiaxiang)
    assert found(cast.yahe_cadre, "路灯") == [orders[0].pk]
    assert found(cast.ljx_cadre, "路灯") == [orders[3].pk]


@pytest.mark.django_db
def test_the_column_follows_the_text_when_it_changes(orders: list[WorkOrder], cast: Any) -> None:
    order = orders[1]
    order.description = "河道有漂浮垃圾"
    order.save(update_fields=["description", "updated_at"])
    order.refresh_from_db()
    assert order.search_text == search_text(order.number, order.title, "河道有漂浮垃圾", order.address)
    assert found(cast.town_admin, "漂浮") == [order.pk]
    assert found(cast.town_admin, "窨井盖") == []
    order.address = "青洋路桥下"
    order.save()
    assert found(cast.town_admin, "桥下") == [order.pk]
    # a save that touches none of the four leaves the column as it is
    WorkOrder.objects.filter(pk=order.pk).update(search_text="")
    order.status = "accepted"
    order.save(update_fields=["status"])
    order.refresh_from_db()
    assert order.search_text == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q",
    [
        "\x00",
        "路灯\x00",
        "路" * 10_000,
        "x" * 10_000,
        "%",
        "_",
        "%_%",
        "'",
        '"',
        "\\",
        "' OR 1=1 --",
        "　",
        " ",
    ],
)
def test_hostile_terms_give_answers_not_errors(
    orders: list[WorkOrder], cast: Any, client: Client, q: str
) -> None:
    c = login(client, cast.town_admin)
    response = c.get(reverse("workorders:list"), {"q": q})
    assert response.status_code == 200
    safe = q.replace("\x00", "")  # the database cannot hold NUL; the form refuses it before
    if safe.strip():
        assert found(cast.town_admin, safe) == plain(cast.town_admin, safe)


@pytest.mark.django_db
def test_the_migration_fills_the_column_of_existing_orders(orders: list[WorkOrder]) -> None:
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    migration = importlib.import_module("zhenwu.workorders.migrations.0007_search_text")
    WorkOrder.objects.update(search_text="")
    migration.fill_search_text(apps, SimpleNamespace(connection=connection))
    for o in WorkOrder.objects.all():
        assert o.search_text == search_text(o.number, o.title, o.description, o.address) != ""


# ---------------------------------------------------------------- the capped count


@pytest.mark.django_db
def test_the_count_stops_past_the_cap_and_the_pages_go_on(orders: list[WorkOrder], cast: Any) -> None:
    qs = selectors.order_list(user=cast.town_admin, filters=selectors.OrderFilters())
    everything = [o.pk for o in qs]
    paginator = CappedPaginator(qs, 3, cap=5)
    assert paginator.count == 6 and paginator.capped and paginator.count_label == "5+"
    pages = []
    number = 1
    while True:
        page = paginator.get_page(number)
        pages.append([o.pk for o in page.object_list])
        if not page.has_next():
            break
        number = page.next_page_number()
    assert [pk for p in pages for pk in p] == everything  # every order once, in order, past the cap
    assert paginator.get_page(99).number == 1  # past the end: back to the first page
    assert paginator.get_page("x").number == 1
    last = paginator.get_page(3)
    assert last.start_index() == 7 and last.end_index() == 8 and not last.has_next()


@pytest.mark.django_db
@pytest.mark.parametrize("keys_max", [20_000, 3])
def test_the_order_list_pages_past_the_cap_are_the_plain_pages_old_orders_too(
    orders: list[WorkOrder], cast: Any, monkeypatch: Any, keys_max: int
) -> None:
    """Past the cap the list is read from the last 30 days, else from the keys of all matching
    orders, else plainly: whichever way, the pages are those of OFFSET … LIMIT on the list."""
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr(selectors, "KEYS_MAX", keys_max)
    now = timezone.now()
    for age, o in zip([400, 400, 200, 45, 45, 3, 1, 0], orders, strict=True):
        WorkOrder.objects.filter(pk=o.pk).update(created_at=now - timedelta(days=age))
    for q in ["", "路", "NT-"]:
        qs = selectors.order_list(user=cast.town_admin, filters=selectors.OrderFilters(q=q))
        plain_ids = [o.pk for o in qs]
        paginator = selectors.OrderListPaginator(qs, 2, cap=1)
        if len(plain_ids) <= 1:
            continue
        assert paginator.capped
        seen = []
        page = paginator.get_page(1)
        while True:
            seen += [o.pk for o in page.object_list]
            if not page.has_next():
                break
            page = paginator.get_page(page.next_page_number())
        assert seen == plain_ids, q


@pytest.mark.django_db
def test_under_the_cap_the_count_is_exact_and_the_pages_read_the_keys(
    orders: list[WorkOrder], cast: Any
) -> None:
    qs = selectors.order_list(user=cast.town_admin, filters=selectors.OrderFilters())
    paginator = CappedPaginator(qs, 3, cap=1000)
    assert (
        paginator.count == len(orders) and not paginator.capped and paginator.count_label == str(len(orders))
    )
    assert paginator.num_pages == 3
    assert [o.pk for o in paginator.get_page(3).object_list] == [o.pk for o in qs][6:]
    empty = CappedPaginator(WorkOrder.objects.none().order_by("pk"), 3)
    assert empty.count == 0 and list(empty.get_page(1).object_list) == []


@pytest.mark.django_db
def test_the_list_page_shows_1000_plus_in_chinese(
    orders: list[WorkOrder], cast: Any, client: Client, monkeypatch: Any
) -> None:
    from zhenwu.workorders import views

    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", 5)
    monkeypatch.setattr(views, "PER_PAGE", 3)
    c = login(client, cast.town_admin)
    html = c.get(reverse("workorders:list")).content.decode()
    assert "共 5+ 件" in html and "第 1 页，共 5+ 条" in html and "下一页" in html
    html = c.get(reverse("workorders:list"), {"page": 3}).content.decode()
    assert "上一页" in html and "下一页" not in html
    html = c.get(reverse("workorders:list"), {"q": "路灯"}).content.decode()
    assert "共 2 件" in html


# ---------------------------------------------------------------- scope with units that lead nothing


@pytest.mark.django_db
def test_a_grid_that_leads_an_order_is_still_in_its_villages_scope(cast: Any) -> None:
    category = category_save(actor=SYSTEM, code="municipal", name="市政设施", time_limit_days=5)
    order = workorder_create(
        actor=cast.operator, channel="phone", category=category, description="网格内路灯不亮"
    )
    workorder_transition(actor=cast.operator, order=order, action=Action.DISPATCH, unit=cast.yahe_grid)
    assert found(cast.yahe_cadre, "路灯") == [order.pk]
    assert list(WorkOrder.objects.visible_to(cast.yahe_cadre).values_list("pk", flat=True)) == [order.pk]
    assert found(cast.ljx_cadre, "路灯") == []


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only")
def test_on_postgresql_the_term_is_served_by_the_gin_index(orders: list[WorkOrder], cast: Any) -> None:
    qs = selectors.order_list(user=cast.town_admin, filters=selectors.OrderFilters(q="窨井盖"))
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        # A table of eight rows is otherwise read whole: leave the planner only index conditions.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "wo_search_tokens" in plan
