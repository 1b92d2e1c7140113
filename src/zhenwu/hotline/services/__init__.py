"""Writes of the 政风热线 programme, one module per aggregate. Keyword-only, one transaction,
permission + scope, audit. Callers import from here: ``from zhenwu.hotline import services``."""

from zhenwu.hotline.services._common import (  # noqa: F401
    _changeable,
    _require,
    _snapshot,
    _today,
    clean_phone,
)
from zhenwu.hotline.services.articles import *  # noqa: F403
from zhenwu.hotline.services.commitments import *  # noqa: F403
from zhenwu.hotline.services.episodes import *  # noqa: F403
from zhenwu.hotline.services.evaluation import *  # noqa: F403
from zhenwu.hotline.services.followup import *  # noqa: F403
from zhenwu.hotline.services.questions import *  # noqa: F403
from zhenwu.hotline.services.questions import (  # noqa: F401
    _next_show_order,
    _require_open_outcome,
)
from zhenwu.hotline.services.schedule import *  # noqa: F403
