"""A whole 政风热线 show in the browser: schedule, live console, three outcomes, close, publish, follow-up."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from zhenwu.accounts.town_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def schedule_unit(page: Any, base: str, day: str, unit: str, head_title: str, head_name: str) -> None:
    page.goto(f"{base}/hotline/schedule/?year=2026")
    page.get_by_label("上线日期").fill(day)
    page.get_by_label("上线单位").select_option(label=unit)
    page.get_by_label("一把手职务").fill(head_title)
    page.get_by_label("一把手姓名").fill(head_name)
    page.get_by_label("联络人", exact=True).fill("刘联络")
    page.get_by_label("联络人电话").fill("13800138777")
    page.get_by_role("button", name="保存安排").click()
    expect(page.locator(".alert-success.alert-dismissible")).to_contain_text(unit)


def open_episode_from_slot(page: Any, unit: str, topics: str) -> None:
    page.locator("tr", has_text=unit).filter(has_text="已排定").get_by_role("link", name="详情").click()
    page.get_by_label("主题").fill(topics)
    page.get_by_role("button", name="建立本期节目").click()
    expect(page.locator(".alert-success.alert-dismissible")).to_contain_text("节目期次已建立")


def take_call(page: Any, text: str, phone: str) -> None:
    take = page.locator("#hl-take")
    take.get_by_label("电话").fill(phone)
    take.get_by_label("问题内容").fill(text)
    take.get_by_role("button", name="登记问题").click()
    expect(take.locator(".alert-success")).to_be_visible()
    expect(page.locator("#hl-list")).to_contain_text(text[:10])


def pick(page: Any, text: str) -> Any:
    page.locator("#hl-list .hl-issue", has_text=text[:10]).first.click()
    panel = page.locator("#hl-panel")
    expect(panel).to_contain_text(text[:10])
    return panel


def test_a_whole_show(demo_site: Any, desktop: Any, phone: Any, shot: Any) -> None:
    base = demo_site.url
    page = desktop
    page.on("dialog", lambda d: d.accept())
    sign_in(page, base, "town_admin")

    # 1. schedule a unit; a holiday is refused with a clear message
    page.goto(f"{base}/hotline/schedule/?year=2026")
    page.get_by_label("上线日期").fill("2026-10-01")
    page.get_by_label("上线单位").select_option(label="社会事业局")
    page.get_by_label("一把手职务").fill("局长")
    page.get_by_label("一把手姓名").fill("张局长")
    page.get_by_label("联络人", exact=True).fill("刘联络")
    page.get_by_role("button", name="保存安排").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("节假日或休息日")
    schedule_unit(page, base, "2026-12-15", "社会事业局", "局长", "张局长")
    shot(page, "hotline-01-schedule")
    open_episode_from_slot(page, "社会事业局", "养老服务、教育")

    # 2. open the live console: the slot is in December, so going on air today is early and asks why
    page.get_by_label("提前开播的理由").fill("直播间档期调整，提前播出")
    page.get_by_role("button", name="开始直播").click()
    expect(page.get_by_role("heading", name="直播控制台")).to_be_visible()

    # 3. three calls, three outcomes
    q1, q2, q3 = (
        "村里的老年食堂什么时候能开起来？",
        "南庄路口的路灯坏了一个多月，晚上很危险。",
        "小学门口上下学时段交通拥堵，能否增派人手疏导？",
    )
    take_call(page, q1, "13912340001")
    # nothing was typed since: a reload restores nothing and says nothing about a draft
    page.reload()
    expect(page.locator("#hl-take [data-draft-note]")).to_be_hidden()
    # a half-typed call survives a reload, and the console says so
    page.locator("#hl-take").get_by_label("问题内容").fill("草稿：河边护栏松动")
    page.reload()
    expect(page.locator("#hl-take").get_by_label("问题内容")).to_have_value("草稿：河边护栏松动")
    expect(page.locator("#hl-take [data-draft-note]")).to_be_visible()
    page.locator("#hl-take").get_by_label("问题内容").fill("")
    take_call(page, q2, "13912340002")
    take_call(page, q3, "13912340003")
    expect(page.locator("#hl-list")).to_contain_text("139****0003")
    shot(page, "hotline-02-console-queue")

    panel = pick(page, q1)
    panel.get_by_label("答复摘要").fill("局长答复：老年食堂下月中旬开业。")
    panel.get_by_role("button", name="标记为节目中已答复").click()
    expect(panel).to_contain_text("节目中答复")

    panel = pick(page, q2)
    panel.get_by_role("tab", name="转为工单").click()
    # the picker shows Chinese names in tree order, never the code
    light = panel.locator("select[name$=category] option", has_text="路灯/市政设施").first
    assert "municipal" not in light.inner_text()
    panel.get_by_label("诉求分类").select_option(value=light.get_attribute("value"))
    panel.get_by_label("派往单位（主办）").select_option(label="城市管理办公室")
    panel.get_by_label("节目中答复").fill("请城管办三个工作日内修复")
    panel.get_by_role("button", name="转为工单").click()
    expect(panel).to_contain_text("转为工单")
    expect(panel).to_contain_text("NT-")

    panel = pick(page, q3)
    panel.get_by_role("tab", name="登记承诺").click()
    panel.get_by_label("承诺事项").fill("两周内在小学门口增设上下学护学岗")
    panel.get_by_label("责任单位").select_option(label="社会事业局")
    panel.get_by_label("责任人").fill("张局长")
    panel.get_by_label("承诺期限").fill("2026-12-31")
    panel.get_by_role("button", name="登记承诺事项").click()
    expect(panel).to_contain_text("作出承诺")
    expect(page.locator("#hl-list")).to_contain_text("已处理（3）")
    shot(page, "hotline-03-console-handled")

    # 4. close the episode
    page.get_by_role("button", name="结束本期").click()
    expect(page.locator(".alert-success.alert-dismissible")).to_contain_text("已结束本期")

    # 5. the article: draft, submit, leader approves, publish
    page.get_by_role("link", name="节目文章").click()
    page.get_by_role("button", name="生成文章草稿").click()
    expect(page.get_by_role("button", name="发布", exact=True)).to_have_count(0)
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".alert-success.alert-dismissible")).to_contain_text("已提交审核")
    article_url = page.url
    sign_in(page, base, "leader")
    page.goto(article_url)
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".alert-success.alert-dismissible")).to_contain_text("审核通过")
    sign_in(page, base, "town_admin")
    page.goto(article_url)
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.locator(".alert-success.alert-dismissible")).to_contain_text("已发布")
    shot(page, "hotline-04-article-published")

    phone.goto(f"{base}/public/hotline/?q=老年食堂")
    expect(phone.locator("h2 a").first).to_contain_text("社会事业局")
    phone.locator("h2 a").first.click()
    expect(phone.locator("article")).to_contain_text("问：" + q1)
    expect(phone.locator("article")).to_contain_text("答：局长答复：老年食堂下月中旬开业。")
    shot(phone, "hotline-05-public-article-phone")
    phone.goto(f"{base}/public/hotline/commitments/")
    expect(phone.locator("body")).to_contain_text("两周内在小学门口增设上下学护学岗")
    shot(phone, "hotline-06-public-tracker-phone")

    # 6. the next episode's follow-up lists the open items
    schedule_unit(page, base, "2026-12-22", "建设局", "局长", "钱局长")
    open_episode_from_slot(page, "建设局", "城乡建设")
    page.get_by_role("link", name="追踪反馈").click()
    page.get_by_role("button", name="从往期汇编").click()
    body = page.locator(".card").first
    expect(body).to_contain_text("两周内在小学门口增设上下学护学岗")
    expect(body).to_contain_text("已转工单")
    shot(page, "hotline-07-next-episode-followup")

    page.goto(f"{base}/hotline/ledger/")
    expect(page.locator("table")).to_contain_text("转为工单")
    shot(page, "hotline-08-ledger")
