SCHEDULE = {
    "workorders-sla-scan": {"task": "zhenwu.workorders.tasks.sla_scan", "schedule": 300.0},
}
