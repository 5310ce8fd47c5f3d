"""Thin entry points from Django signals: a product changed anywhere (admin, load_demo, the shell) and the public
catalogue answers kept by every web process are stale at once (platform_api.kept_answers)."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from configurator.models import ProductTemplate
from platform_api.kept_answers import public_answers_expire


@receiver(post_save, sender=ProductTemplate, dispatch_uid="configurator.product_saved")
@receiver(post_delete, sender=ProductTemplate, dispatch_uid="configurator.product_deleted")
def product_changed(sender, **kwargs) -> None:
    public_answers_expire()
