"""Public entry points of the 政风热线 on the home page."""

from zhenwu.core.parts import PortalEntry

ENTRIES = [
    PortalEntry(
        "政风热线", "往期节目文字实录，直播前可在线提问。", "hotline:public_archive", "microphone", 30
    ),
    PortalEntry("承诺事项追踪", "节目中作出的承诺及其办理进度。", "hotline:public_tracker", "checklist", 40),
]
