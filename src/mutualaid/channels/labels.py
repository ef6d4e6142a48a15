"""Names used in text messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from mutualaid.core.categories import Category

# Short names for a phone screen (the taxonomy's full names are long for SMS).
SMS_LABELS = {
    Category.FOOD: gettext_lazy("Food"),
    Category.HOUSING: gettext_lazy("Housing"),
    Category.LEGAL: gettext_lazy("Bail & legal"),
    Category.DISASTER: gettext_lazy("Disaster relief"),
    Category.DEFENSE: gettext_lazy("Community defense"),
    Category.CHILDCARE: gettext_lazy("Childcare"),
    Category.HEALTH: gettext_lazy("Health care"),
    Category.TRANSPORT: gettext_lazy("Transportation"),
    Category.SKILLS: gettext_lazy("Skills & labour"),
    Category.SUPPLIES: gettext_lazy("Supplies & goods"),
    Category.MONEY: gettext_lazy("Money"),
    Category.OTHER: gettext_lazy("Other"),
}
