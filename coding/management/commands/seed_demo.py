from typing import Any

from django.core.management.base import BaseCommand

from coding.services.demo import seed_demo


class Command(BaseCommand):
    help = "Load the demo users, codebook, dictionaries, articles and assignments (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = seed_demo()
        self.stdout.write(
            f"Demo project {report['project']}: {report['articles_created']} articles added, "
            f"{report['articles_existing']} already there, "
            f"{report['assignments_created']} assignments added."
        )
        self.stdout.write("Demo logins (demo only; never use these anywhere else):")
        for name, password, role in report["users"]:
            self.stdout.write(f"  {name:<11} {password:<18} {role}")
