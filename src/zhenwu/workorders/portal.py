"""Public entry points of work orders on the home page."""

from zhenwu.core.parts import PortalEntry

ENTRIES = [
    PortalEntry(
        "我要反映",
        "向镇里反映问题、提出诉求，可上传照片和位置。",
        "workorders:h5_submit",
        "message-report",
        10,
    ),
    PortalEntry("进度查询", "凭工单编号和查询码查看办理进度并评价。", "workorders:h5_track", "search", 20),
]
