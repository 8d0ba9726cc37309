"""`evac db_worker`: django-tasks-db's worker, which first makes sure the daily audit verification is
scheduled (evac/audit/tasks.py). evac.core is listed before django_tasks_db in INSTALLED_APPS so that this
command is the one `evac db_worker` runs."""

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from evac.audit.tasks import ensure_scheduled


class Command(WorkerCommand):
    help = "Run background work (imports, the daily audit verification) from the database queue."

    def handle(self, *args, **options):
        if ensure_scheduled() and options.get("verbosity", 1) > 0:
            self.stdout.write("Daily audit verification scheduled.")
        return super().handle(*args, **options)
