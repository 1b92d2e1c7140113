"""The target list (目标任务完成情况表) as towns hand it in, through core's exporter."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from zhenwu.core.exports import Column, xlsx_response


def _quarter(q: int) -> Any:
    def value(t: Any) -> Any:
        s = t.quarters.get(q)
        return "" if s is None or s.actual is None else float(s.actual)

    return value


def targets_xlsx(targets: list[Any], *, year: int) -> HttpResponse:
    numbered = list(enumerate(targets, start=1))
    columns = [
        Column("序号", lambda r: r[0], width=6),
        Column("责任单位", lambda r: r[1].unit.name, width=18),
        Column("类别", lambda r: r[1].category, width=14),
        Column("目标任务", lambda r: r[1].title, width=30),
        Column("计量单位", lambda r: r[1].measure_unit, width=8),
        Column("年度目标值", lambda r: float(r[1].target_value), width=10),
        Column(
            "完成值", lambda r: None if r[1].figures.actual is None else float(r[1].figures.actual), width=10
        ),
        Column(
            "完成率(%)",
            lambda r: None if r[1].figures.percent is None else float(r[1].figures.percent),
            width=10,
        ),
        Column("完成情况", lambda r: r[1].figures.label, width=10),
        Column("数据来源", lambda r: r[1].figures.source_label, width=22),
        *(
            Column(f"{n}季度末", lambda r, q=q: _quarter(q)(r[1]), width=9)
            for q, n in enumerate("一二三四", start=1)
        ),
        Column("备注", lambda r: r[1].note or r[1].evidence_note, width=30),
    ]
    return xlsx_response(
        filename=f"{year}年度目标任务完成情况表",
        title=f"{year}年度目标任务",
        columns=columns,
        rows=numbered,
        note=f"{year}年度目标任务完成情况表；系统指标类完成值为导出时的实时数据，季度末数值为季末冻结的快照。",
    )
