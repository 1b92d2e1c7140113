"""Public entry points of the 融合考核 on the home page."""

from zhenwu.core.parts import PortalEntry

ENTRIES = [
    PortalEntry("红黑榜", "各村（社区）城市管理融合考核月度红黑榜。", "assessment:public_board", "award", 50),
]
