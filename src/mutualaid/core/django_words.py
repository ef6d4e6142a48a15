"""Django's own form messages, in the site's words.

Django has no Kreyòl catalogue, so these read in English on Kreyòl pages ("Ensure this value is greater
than or equal to 1."), and its Spanish says "usted" where the site says "tú". Naming them here puts them
in core's catalogues, which Django reads over its own.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

FORM_MESSAGES = (
    gettext_noop("This field is required."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid URL."),
)

# The password validators (settings.AUTH_PASSWORD_VALIDATORS): their help texts are listed under every new
# password field, and their errors answer a refused one. Kreyòl showed them in English; Django's Spanish
# and French say "usted" and "vous".
PASSWORD_MESSAGES = (
    gettext_noop("Your password can’t be too similar to your other personal information."),  # noqa: RUF001 (Django's own msgid)
    gettext_noop("Your password can’t be a commonly used password."),  # noqa: RUF001 (Django's own msgid)
    gettext_noop("Your password can’t be entirely numeric."),  # noqa: RUF001 (Django's own msgid)
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
)
PASSWORD_PLURALS = (
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
)
