"""What the background runner keeps beside django-tasks-db's task table: the workers alive (their
heartbeats), so that a task whose worker died is taken up again, and when each periodic task is
next due."""

from __future__ import annotations

from django.db import models


class Worker(models.Model):
    """A `safepassage run-tasks` process, or a command running a task in its own process
    (runner.services.run_here). Its heartbeat is its lease on the tasks it claimed."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    queues = models.CharField(max_length=200, blank=True)  # as --queue-name gives them
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}, pid {self.pid})"


class Schedule(models.Model):
    """When a periodic task (settings.RUNNER_SCHEDULE) is next due: one row per task, locked by
    the worker that enqueues it, so that several workers enqueue it once."""

    task_path = models.CharField(max_length=200, primary_key=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.task_path
