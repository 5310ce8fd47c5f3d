"""Safe defaults: no known secret key with DEBUG off, `check --deploy` clean, demo users only where asked for."""
import os
import stat
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from config.launcher import demo_users_wanted
from config.secret_key import secret_key_load
from configurator.models import ProductTemplate
from tests.conftest import BASE_DIR

STRONG = "k" * 30 + "0123456789abcdefghijklmnopqrstuv"


def manage(*args, **env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


@pytest.mark.parametrize("weak", ["django-insecure-dev-only", "short", "a" * 80])
def test_a_weak_configured_key_is_refused_with_debug_off_and_allowed_with_debug_on(tmp_path, weak):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        secret_key_load(configured=weak, data_dir=tmp_path, debug=False)
    assert secret_key_load(configured=weak, data_dir=tmp_path, debug=True) == weak
    assert secret_key_load(configured=STRONG, data_dir=tmp_path, debug=False) == STRONG


def test_without_a_configured_key_each_installation_makes_its_own_and_keeps_it(tmp_path):
    (tmp_path / "a").mkdir()
    first = secret_key_load(configured="", data_dir=tmp_path / "a", debug=False)
    assert len(first) >= 50 and first == secret_key_load(configured="", data_dir=tmp_path / "a", debug=False)
    (tmp_path / "b").mkdir()
    assert secret_key_load(configured="", data_dir=tmp_path / "b", debug=False) != first
    assert stat.S_IMODE((tmp_path / "a" / "secret_key").stat().st_mode) == 0o600  # nobody else reads it


def test_the_app_refuses_to_start_with_debug_off_and_the_development_key(tmp_path):
    done = manage("check", DJANGO_SECRET_KEY="django-insecure-dev-only", DJANGO_DEBUG="0",
                  SARTORIA_DATA_DIR=str(tmp_path))
    assert done.returncode != 0 and "DJANGO_SECRET_KEY is refused with DEBUG off" in done.stderr


def test_check_deploy_is_clean_with_the_production_settings_the_readme_documents(tmp_path):
    done = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_SECURE="1",
                  DJANGO_ALLOWED_HOSTS="shop.example.com", SARTORIA_DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.parametrize("asked, environ, wanted", [
    (False, {}, True),                                                   # make run with nothing configured
    (False, {"DATABASE_URL": "postgres://db/sartoria"}, False),          # a real database: no known passwords
    (True, {"DATABASE_URL": "postgres://db/sartoria"}, True),            # --demo asks for them
])
def test_demo_users_only_on_the_embedded_default_or_when_asked(asked, environ, wanted):
    assert demo_users_wanted(asked=asked, environ=environ) is wanted


@pytest.mark.django_db
def test_catalogue_only_loads_products_and_no_user():
    call_command("load_demo", "--catalogue-only")
    assert ProductTemplate.objects.filter(slug__in=["shoe", "insole"]).count() == 2
    assert not get_user_model().objects.filter(username__in=["demo", "admin", "production", "store"]).exists()
