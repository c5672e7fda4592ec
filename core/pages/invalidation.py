"""When shared pages go stale: any change to what they show starts a new generation (now, and again
when its transaction commits), and every page is rendered afresh on its next visit.

Signals rather than calls in each write path: the admin, the import and seed commands and anything
added later all write these rows, and a missed path would serve stale prices. An app whose content
pages show registers all its models with watch_app() in its AppConfig.ready(), naming only those
that pages do not show, so a new model is watched without anyone listing it. Bulk writes send no
signal; they call content_changed() themselves (orders/placing.py, Order.cancel)."""

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from core import versions
from core.cache import after_lost_writes
from core.pages.storage import new_generation

after_lost_writes.append(new_generation)  # a lost write may have been an invalidation: replace everything


def content_changed(**kwargs) -> None:
    """Start a new generation, now and when the transaction commits. (A signal receiver.)"""
    versions.now_and_on_commit(new_generation)


def watch(*watched: type[models.Model]) -> None:
    """Start a new generation whenever a row of one of these models is saved or deleted."""
    for model in watched:
        label = model._meta.label
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pages-save-{label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"pages-delete-{label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(content_changed, sender=field.remote_field.through, dispatch_uid=f"pages-m2m-{field}")


def watch_app(app_config: AppConfig, *, ignore: tuple[type[models.Model], ...] = ()) -> None:
    """Watch every model of the app but those in `ignore` (rows no shared page shows)."""
    watch(*(model for model in app_config.get_models() if model not in ignore))


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """With several processes, a change must reach them all: the page cache needs a shared cache."""
    if settings.PAGE_CACHE_SECONDS and "LocMemCache" in settings.CACHES["default"]["BACKEND"]:
        hint = "Set REDIS_URL, or PAGE_CACHE_SECONDS=0 to turn the page cache off."
        message = "The page cache is local to each process: a change made in one is not seen by the others."
        return [checks.Warning(message, hint=hint, id="pages.W001")]
    return []
