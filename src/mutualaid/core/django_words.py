"""Django's own form messages, in the site's words.

Django has no Kreyòl catalogue, so these read in English on Kreyòl pages ("Ensure this value is greater
than or equal to 1."), and its Spanish says "usted" where the site says "tú". Naming them here puts them
in core's catalogues, which Django reads over its own.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

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
