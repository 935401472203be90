"""
The strategy library: classroom strategies and reasonable adjustments, a starter set
that every school shares and each school's own (no pupil data).
"""

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from pupils.codes import BroadArea
from sendhub.models import Layer
from sendhub.search import whole_words_pattern


class StrategyQuerySet(models.QuerySet):
    def available_to(self, school):
        """The starter set (no school) and this school's own strategies."""
        return self.filter(Q(school__isnull=True) | Q(school=school))

    def matching(self, *, text="", area="", layer=""):
        """Strategies whose title or wording holds `text` as whole words ("reading" finds
        "paired reading", not "threading"), in an area and layer if given."""
        qs = self
        if text.strip():
            pattern = whole_words_pattern(text, vendor=connections[self.db].vendor)
            qs = qs.filter(Q(title__iregex=pattern) | Q(text__iregex=pattern))
        if area:
            qs = qs.filter(broad_area=area)
        if layer:
            qs = qs.filter(layer=layer)
        return qs


class Strategy(models.Model):
    """A classroom strategy or reasonable adjustment in the library (no pupil data)."""

    school = models.ForeignKey(
        "sendhub.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="strategies",
        help_text="Empty for SENDhub's starter set.",
    )
    broad_area = models.CharField("area of need", max_length=4, choices=BroadArea.choices)
    layer = models.CharField(max_length=20, choices=Layer.choices, default=Layer.UNIVERSAL)
    title = models.CharField(max_length=120)
    text = models.TextField("what to do")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(table_name="reviews_historicalstrategy")
    objects = StrategyQuerySet.as_manager()

    class Meta:
        # The library began in the reviews app; its tables keep their first names.
        db_table = "reviews_strategy"
        ordering = ["broad_area", "layer", "title", "pk"]
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(
                condition=Q(broad_area__in=[a.value for a in BroadArea]),
                name="strategy_area_valid",
            ),
            models.CheckConstraint(
                condition=Q(layer__in=[layer.value for layer in Layer]),
                name="strategy_layer_valid",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_starter(self):
        return self.school_id is None
