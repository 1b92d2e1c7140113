"""Public entry point of the 专项行动 on the home page."""

from zhenwu.core.parts import PortalEntry

ENTRIES = [
    PortalEntry("专项行动", "全镇专项行动的目标、时间表和推进进度。", "campaigns:public_list", "flag", 60),
]
