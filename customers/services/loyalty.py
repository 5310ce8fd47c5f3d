"""Loyalty cards and the QR code a customer shows in the store."""
import re
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from customers import matching
from customers.models import ChannelIdentity, Customer

QR_TOKEN_SALT = "customers.qr-check-in"


def loyalty_card_number_new() -> str:
    """A fresh random card number with its check digit (not derived from the id: numbers reveal nothing)."""
    return matching.loyalty_card_from_body(f"{secrets.randbelow(10**10):010d}")


def loyalty_card_issue(*, customer: Customer) -> ChannelIdentity:
    """The customer's card: the one they have, or a new number (a collision, once in billions, draws again)."""
    existing = customer.identities.filter(channel=ChannelIdentity.Channel.LOYALTY).order_by("created_at", "pk").first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ChannelIdentity.objects.create(customer=customer, channel=ChannelIdentity.Channel.LOYALTY,
                                                      external_id=loyalty_card_number_new())
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a free loyalty card number")


def customer_qr_token(*, customer: Customer) -> str:
    """A signed token for the customer's QR code; it expires (SARTORIA_QR_TOKEN_MAX_AGE_S) and names no card."""
    return signing.TimestampSigner(salt=QR_TOKEN_SALT).sign(f"{customer.pk}.{secrets.token_hex(4)}")


def qr_svg(*, text: str, scale: int = 5) -> str:
    """A QR code of `text` as inline SVG (segno; error correction M survives a scratched phone screen)."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, border=2,
                                      svgclass="qr", title="QR")
    return buffer.getvalue().decode()


def barcode_svg(*, number: str) -> str:
    """The card number as a Code 128 barcode in inline SVG (python-barcode), without the XML prologue."""
    import io

    import barcode
    from barcode.writer import SVGWriter

    buffer = io.BytesIO()
    barcode.get("code128", number, writer=SVGWriter()).write(
        buffer, options={"write_text": False, "module_height": 14.0, "quiet_zone": 4.0})
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg"):]
    # python-barcode draws in mm without a viewBox: give it one (1 mm = 96/25.4 user units) so CSS can size it
    size = re.search(r'width="([\d.]+)mm" height="([\d.]+)mm"', svg)
    if size:
        width, height = (float(value) * 96 / 25.4 for value in size.groups())
        svg = svg.replace(size.group(0), f'viewBox="0 0 {width:.2f} {height:.2f}" class="barcode" role="img" '
                          f'aria-label="{escape(_("Barcode of card number %(number)s") % {"number": number})}"', 1)
    return svg


def loyalty_card_send(*, customer: Customer, actor=None) -> str:
    """Email the customer their card number and a link to the printable card; returns the address used."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from config.exceptions import ApplicationError
    from customers.selectors import customer_loyalty_card

    address = customer.email or getattr(customer.user, "email", "")
    if not address:
        raise ApplicationError(_("There is no email address on this account to send the card to."), {"field": "email"})
    number = customer_loyalty_card(customer=customer) or loyalty_card_issue(customer=customer).external_id
    link = settings.SARTORIA_SITE_URL + reverse("loyalty-card")
    body = _("Your Sartoria loyalty card number is %(number)s.\n\nShow it in any Sartoria store to check in for a "
             "fitting, or print your card: %(link)s\n") % {"number": matching.loyalty_card_display(number), "link": link}
    send_mail(_("Your Sartoria loyalty card"), body, None, [address])
    return address
