"""Log in by username or email, the demo password only in the demo, and a password reset in the reader's language."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db

PASSWORD = "a long pass phrase 42"


@pytest.fixture
def giulia():
    return get_user_model().objects.create_user(username="giulia", email="Giulia@Example.com", password=PASSWORD)


@pytest.mark.parametrize("login_name", ["giulia", "giulia@example.com", "GIULIA@example.com ", "Giulia@Example.com"])
def test_a_shopper_logs_in_with_the_username_or_the_email(client, giulia, login_name):
    response = client.post("/accounts/login/", {"username": login_name, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/profile/").status_code == 200


@pytest.mark.parametrize("login_name, password", [("giulia@example.com", "wrong"), ("nobody@example.com", PASSWORD),
                                                  ("", PASSWORD)])
def test_a_wrong_email_or_password_is_refused_in_the_readers_language(client, giulia, login_name, password):
    response = client.post("/accounts/login/", {"username": login_name, "password": password},
                           HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 200
    assert "Nome utente o email e password non corrispondono" in response.content.decode()


def test_an_email_two_old_accounts_share_logs_in_only_the_one_whose_password_matches(client, giulia):
    get_user_model().objects.create_user(username="giulia2", email="giulia@example.com", password="another phrase 43")
    assert client.post("/accounts/login/", {"username": "giulia@example.com", "password": "another phrase 43"}).status_code == 302
    assert client.get("/profile/").context["user"].username == "giulia2"


def test_the_log_in_page_names_the_demo_password_only_in_the_demo(client, settings):
    settings.SARTORIA_DEMO_USERS = False
    page = client.get("/accounts/login/").content.decode()
    assert "sartoria-demo" not in page and "Forgot your password?" in page
    settings.SARTORIA_DEMO_USERS = True
    assert "sartoria-demo" in client.get("/accounts/login/").content.decode()


def test_the_launcher_tells_the_web_process_when_it_loaded_the_demo_users():
    from config.launcher import demo_users_wanted

    assert demo_users_wanted(asked=False, environ={}) is True  # SQLite default: demo users, password shown
    assert demo_users_wanted(asked=False, environ={"DATABASE_URL": "postgres://x/y"}) is False
    assert demo_users_wanted(asked=True, environ={"DATABASE_URL": "postgres://x/y"}) is True


def test_a_password_reset_emails_a_link_in_the_readers_language_that_sets_a_new_password(client, giulia):
    response = client.post("/accounts/password_reset/", {"email": "giulia@example.com"}, HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 302 and response["Location"].endswith("/password_reset/done/")
    (sent,) = mail.outbox
    assert sent.to == [giulia.email]  # as stored (Django lower-cases the domain)
    assert sent.subject == "Scegli una nuova password per Sartoria"
    assert "Ciao giulia" in sent.body and "Il link funziona una volta sola" in sent.body
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", sent.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "a new phrase 77", "new_password2": "a new phrase 77"})
    assert done.status_code == 302
    client.logout()
    assert client.post("/accounts/login/", {"username": "giulia@example.com", "password": "a new phrase 77"}).status_code == 302


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, giulia):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and not mail.outbox


def test_the_reset_pages_are_in_italian(client):
    for path in ("/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/done/",
                 "/accounts/reset/MQ/bad-token/"):
        page = client.get(path, HTTP_ACCEPT_LANGUAGE="it", follow=True).content.decode()
        assert 'lang="it"' in page
        assert "Reset your password" not in page and "Back to log in" not in page and "Django" not in page, path
