from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "coding"
    verbose_name = "Athar coding domain"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The workflow calls its completion hooks after commit; agreement listens there.
        # Registered here (not by import side effects) so the order of imports never matters.
        from coding.services import workflow
        from coding.services.agreement_schedule import enqueue_article_agreement

        if enqueue_article_agreement not in workflow.ON_ARTICLE_COMPLETE:
            workflow.ON_ARTICLE_COMPLETE.append(enqueue_article_agreement)
        # Register the tasks with Celery, so services can send them by name (they never
        # import coding.tasks: tasks import services, not the other way round).
        import coding.tasks  # noqa: F401
