from celery import shared_task

from zhenwu.core.actors import SYSTEM


@shared_task(name="zhenwu.dispatch.tasks.train_dispatch_classifier")
def train_dispatch_classifier() -> int:
    """Nightly: retrain the dispatch classifier on the closed orders; returns the sample count."""
    from zhenwu.dispatch.services import classifier_train

    model = classifier_train(actor=SYSTEM)
    return model.sample_count if model else 0
