"""`safepassage run-tasks`: the background runner's worker. It runs the tasks of the apps
(imports, duplicate checks, the dashboard's figures) one at a time, beats while it lives, takes
up the tasks of workers that died and enqueues the periodic tasks when due. Run several: on
PostgreSQL they share the queue; give the short tasks a worker of their own (`--queue-name
default`) so that they never wait behind an import.

SIGTERM or Ctrl-C lets the task in hand finish; a second one stops it, and another worker takes
it up.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from safepassage.runner import services


class RunnerWorker(Worker):
    """django-tasks-db's worker with a heartbeat that also keeps the runner."""

    def run(self) -> None:
        services.register_worker(worker_id=self.worker_id, queues=",".join(self.queue_names))
        heartbeat = services.Heartbeat(worker_id=self.worker_id, keep_the_runner=True)
        try:
            services.recover_abandoned_tasks()
            services.enqueue_due_schedules()
            heartbeat.start()
            super().run()
        finally:
            heartbeat.stop()
            services.forget_worker(worker_id=self.worker_id)


class Command(BaseCommand):
    help = "Run the background tasks (imports, duplicate checks, dashboard figures) until stopped."
    # A worker restarted after a crash should take its tasks up at once, not first import every
    # URLconf and template setting to check them (`safepassage check` and the web server do).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="*",
                            help="the queues to work, separated by commas (default: all; the "
                                 "queues are default and imports)")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds to wait when no task is ready")
        parser.add_argument("--batch", action="store_true",
                            help="run the tasks ready now, then stop")
        parser.add_argument("--max-tasks", type=int, default=None,
                            help="stop after this many tasks")
        parser.add_argument("--worker-id", default="",
                            help="this worker's name, unique among the workers (default: host, "
                                 "process and a random part)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
            raise CommandError("The task backend is not the database (TASKS in the settings): "
                               "run that backend's own worker instead.")
        logging.getLogger("django_tasks").setLevel(logging.INFO)
        worker = RunnerWorker(
            queue_names=options["queue_name"].split(","), interval=options["interval"],
            batch=options["batch"], backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not options["batch"], max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or services.new_worker_id(),
            excluded_queue_names=[],
        )
        self.stdout.write(f"worker {worker.worker_id}: queues {options['queue_name']}")
        self.stdout.flush()
        worker.configure_signals()
        worker.run()
