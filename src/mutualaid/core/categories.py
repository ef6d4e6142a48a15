"""The category taxonomy, in the network's own words (DESIGN.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    FOOD = "food", _("Food")
    HOUSING = "housing", _("Housing & eviction defense")
    LEGAL = "legal", _("Bail & legal support")
    DISASTER = "disaster", _("Disaster relief")
    DEFENSE = "defense", _("Community defense")
    CHILDCARE = "childcare", _("Childcare")
    HEALTH = "health", _("Health care")
    TRANSPORT = "transport", _("Transportation")
    SKILLS = "skills", _("Skills & labour")
    SUPPLIES = "supplies", _("Supplies & goods")
    MONEY = "money", _("Money")
    OTHER = "other", _("Other")

    @property
    def deliverable(self) -> bool:
        """Whether a post of this category is goods a driver can carry (a stop of a delivery run):
        food, supplies, disaster relief goods. Not a service (interpreting, childcare, a ride, a
        hearing), housing or money."""
        return self in (Category.FOOD, Category.SUPPLIES, Category.DISASTER)


def deliverable_categories() -> list[str]:
    return [c.value for c in Category if c.deliverable]


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    HAITIAN_CREOLE = "ht", _("Haitian Creole")
    CHINESE = "zh", _("Chinese")
    RUSSIAN = "ru", _("Russian")
    ARABIC = "ar", _("Arabic")
    FRENCH = "fr", _("French")
    BENGALI = "bn", _("Bengali")
    POLISH = "pl", _("Polish")
    KOREAN = "ko", _("Korean")
    VIETNAMESE = "vi", _("Vietnamese")
    TAGALOG = "tl", _("Tagalog")
    PORTUGUESE = "pt", _("Portuguese")
    OTHER = "other", _("Other")


def category_codes() -> set[str]:
    return {c.value for c in Category}


def language_codes() -> set[str]:
    return {c.value for c in Language}
