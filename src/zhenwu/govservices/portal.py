"""Public entry points of 小牛办 on the home page."""

from zhenwu.core.parts import PortalEntry

ENTRIES = [
    PortalEntry(
        "办事指南", "事项、一件事套餐、所需材料和办理时限；可在线申请。", "govservices:guide", "book", 50
    ),
    PortalEntry("预约取号", "预约便民服务中心窗口的办理时段。", "govservices:booking", "calendar", 52),
    PortalEntry(
        "办件查询", "凭申请编号和查询码查看办理进度、补正材料和评价。", "govservices:track", "search", 54
    ),
    PortalEntry(
        "证照核验", "扫码或输入编号，核验电子证照是否有效。", "govservices:licence_lookup", "certificate", 56
    ),
]
