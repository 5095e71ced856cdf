"""Active time on task: what the coding and review screens report, kept per task and per day.

A *task* is one user's work on one article in one activity: ``coding`` (the user's
assignment) or ``review`` (a supervisor adjudicating the article). Its ledger row holds the
total; the day rows split it by calendar day (settings.TIME_ZONE) for weekly figures and
payroll; the interval rows are the union of the active stretches accepted so far (disjoint),
which is how two tabs on one task are counted once; the tab rows remember when each browser
tab last reported. Only coding.services.time_on_task writes them, under the ledger's row lock.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .corpus import Article, Project
from .workflow import Assignment

SECONDS_PER_DAY = 86400


class Activity(models.TextChoices):
    CODING = "coding", "Coding"
    REVIEW = "review", "Review"


class TimeLedger(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="time_ledgers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="time_ledgers"
    )
    activity = models.CharField(max_length=8, choices=Activity.choices)
    seconds = models.FloatField(default=0.0, help_text="Active seconds, all days together.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article", "activity"], name="time_ledger_unique_task"
            ),
            models.CheckConstraint(condition=Q(seconds__gte=0), name="time_ledger_seconds_ge_0"),
            models.CheckConstraint(
                condition=Q(activity="coding", assignment__isnull=False)
                | Q(activity="review", assignment__isnull=True),
                name="time_ledger_activity_target",
            ),
        ]
        indexes = [models.Index(fields=["project", "activity", "user"])]

    def __str__(self) -> str:
        return f"{self.activity} {self.user_id} on {self.article_id}: {self.seconds:.0f}s"


class TimeDay(models.Model):
    ledger = models.ForeignKey(TimeLedger, on_delete=models.CASCADE, related_name="days")
    # Copies of the ledger's keys, so the dashboard's weekly sums read one table.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    activity = models.CharField(max_length=8, choices=Activity.choices)
    day = models.DateField()
    seconds = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ledger", "day"], name="time_day_unique"),
            models.CheckConstraint(
                condition=Q(seconds__gte=0) & Q(seconds__lte=SECONDS_PER_DAY),
                name="time_day_seconds_in_day",
            ),
        ]
        indexes = [models.Index(fields=["project", "day", "user"])]

    def __str__(self) -> str:
        return f"{self.day}: {self.seconds:.0f}s"


class TimeInterval(models.Model):
    """One stretch of the union of accepted active time (the rows of a ledger are disjoint)."""

    ledger = models.ForeignKey(TimeLedger, on_delete=models.CASCADE, related_name="intervals")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="time_interval_order"
            )
        ]
        indexes = [models.Index(fields=["ledger", "start"])]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M:%S} – {self.end:%H:%M:%S}"


class TimeTab(models.Model):
    ledger = models.ForeignKey(TimeLedger, on_delete=models.CASCADE, related_name="tabs")
    tab = models.CharField(max_length=64)
    last_report_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ledger", "tab"], name="time_tab_unique")]

    def __str__(self) -> str:
        return self.tab
