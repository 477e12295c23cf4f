from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "petitions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from petitions.cache import data_changed
        from petitions.models import Keyword, Member, Topic
        from petitions.services.search_rewrite import rewrite_after_commit

        # Cache invalidation only: the data version moves on once a change commits.
        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(data_changed, dispatch_uid=f"petitions.cache.{name}")

        # A rename naming many petitions queues their search documents (migration 0022).
        for model in (Member, Topic, Keyword):
            post_save.connect(
                rewrite_after_commit, sender=model, dispatch_uid=f"search.{model.__name__}"
            )
