"""`zhenwu train-dispatch`: retrain the dispatch classifier on the town's closed orders."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhenwu.core.actors import SYSTEM
from zhenwu.dispatch.services import classifier_train


class Command(BaseCommand):
    help = "用已办结工单重新训练派单分类模型"

    def handle(self, *args: Any, **options: Any) -> None:
        model = classifier_train(actor=SYSTEM)
        if model is None:
            self.stdout.write("历史工单不足（至少 10 件、两类承办单位），继续仅按派单目录建议。")
            return
        accuracy = "—" if model.cv_accuracy is None else f"{model.cv_accuracy:.1%}"
        self.stdout.write(
            f"已训练派单分类模型：样本 {model.sample_count} 件，{model.class_count} 类，交叉验证准确率 {accuracy}。"
        )
