"""Thin entry points from Django signals: a token revoked, or its user made inactive, is no longer honoured by the
answers the web processes keep (platform_api.kept_answers), at once on every machine."""
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from platform_api.kept_answers import tokens_forget


@receiver(post_delete, sender=Token, dispatch_uid="platform_api.token_deleted")
def token_deleted(sender, instance, **kwargs) -> None:
    tokens_forget([instance.key])


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="platform_api.user_saved")
def user_saved(sender, instance, **kwargs) -> None:
    if not instance.is_active:
        tokens_forget(Token.objects.filter(user=instance).values_list("key", flat=True))
