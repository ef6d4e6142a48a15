from __future__ import annotations

from django.db import models


class Row(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        app_label = "bare"

    def __str__(self) -> str:
        return self.title
