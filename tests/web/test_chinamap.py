"""The landing page's schematic map: every cluster gets a short label that clears the others.

Label boxes are estimated from the stylesheet's 16 px map text (site.css): a Latin character
about 0.6 em wide, a Hangul or CJK character 1 em, the box 1 em tall above the baseline.
That is a generous overestimate, so a pass means the labels really do not touch.
"""

from __future__ import annotations

import unicodedata

import pytest
from django.utils import translation

from advisor.web import chinamap
from clusters.models import Cluster
from clusters.vocabulary import CLUSTERS

pytestmark = pytest.mark.django_db

FONT = 16
DOT_RADIUS = 8


def _width(text: str) -> float:
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in ("W", "F"))
    return (wide * 1.0 + (len(text) - wide) * 0.6) * FONT


def _label_box(point: chinamap.MapPoint) -> tuple[float, float, float, float]:
    width = _width(point.label)
    left = {"start": point.label_x, "end": point.label_x - width,
            "middle": point.label_x - width / 2}[point.anchor]
    return left, point.label_y - FONT, left + width, point.label_y + 0.25 * FONT


def _touches(box: tuple[float, float, float, float], x: float, y: float, r: float) -> bool:
    left, top, right, bottom = box
    nearest_x, nearest_y = min(max(x, left), right), min(max(y, top), bottom)
    return (nearest_x - x) ** 2 + (nearest_y - y) ** 2 < r * r


def test_every_cluster_of_the_vocabulary_has_a_short_map_label():
    assert set(chinamap.SHORT_NAMES) == set(CLUSTERS)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_no_map_label_covers_another_clusters_dot_or_label(language):
    with translation.override(language):
        points = chinamap.map_points(list(Cluster.objects.all()))
    assert len(points) == len(CLUSTERS)
    boxes = {p.code: _label_box(p) for p in points}
    for point in points:
        for other in points:
            if other.code == point.code:
                continue
            assert not _touches(boxes[point.code], other.x, other.y, DOT_RADIUS), (
                point.code, other.code)
            a, b = boxes[point.code], boxes[other.code]
            overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            assert not overlap, (point.code, other.code)
