"""The table of counters that every web process shares when there is no Redis (see
limits/counters.py)."""

from django.db import models


class Counter(models.Model):
    """A count that starts again once `expires_at` has passed: the row is reused, so a
    key (a bucket and an address) has one row whatever the number of windows."""

    key = models.CharField(primary_key=True, max_length=200)
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.key}: {self.count} until {self.expires_at:%Y-%m-%d %H:%M:%S}"
