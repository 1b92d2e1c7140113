"""Warm-up hook of the dispatch part (core.warmup): the first suggestion of a worker would otherwise
wait 1-4 s for jieba's dictionary, scikit-learn and the classifier."""

from __future__ import annotations

SAMPLE = "路灯不亮，晚上黑灯瞎火，小区门口垃圾没人清运"


def warm() -> None:
    from zhenwu.dispatch import engine

    engine.tokens(SAMPLE)  # jieba's dictionary
    engine.build_pipeline()  # scikit-learn's modules, also needed to unpickle a classifier
    snapshot = engine._snapshot()  # catalogue, units and the current classifier of this version
    # The catalogue's vocabulary and the classifier's first prediction.
    engine.rank_types(SAMPLE, snapshot.entries, classifier=snapshot.classifier)
