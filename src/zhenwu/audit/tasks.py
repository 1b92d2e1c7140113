from celery import shared_task

from zhenwu.audit.services import audit_seal


@shared_task(name="zhenwu.audit.tasks.seal_audit_chain")
def seal_audit_chain() -> int:
    return audit_seal()


@shared_task(name="zhenwu.audit.tasks.export_audit_anchor")
def export_audit_anchor() -> int:
    from zhenwu.audit.services import audit_anchor_export

    return int(audit_anchor_export()["last_seq"])
