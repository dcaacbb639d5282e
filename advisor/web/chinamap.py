"""A schematic outline of China for the landing page, drawn in SVG (no external map tiles).

The outline is a few dozen hand-picked border points (longitude, latitude), projected onto
the percent grid of ``Cluster.map_x``/``map_y``. That grid was fitted (least squares) to the
clusters' positions in the knowledge base: x 0→100 % is about 78.9°E→132°E and y 0→100 % is
about 50.3°N→15.8°N, so China's outline runs a little past both edges and the view box is
widened to hold it. It is a sketch to orient the reader, not a map of record; borders are
deliberately simplified.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Size of the 0–100 % grid in SVG units; 600:476 keeps a degree of longitude about 0.82 of a
# degree of latitude, as it is around 35°N.
WIDTH = 600
HEIGHT = 476
LON_MIN, LON_MAX = 78.93, 131.97
LAT_MIN, LAT_MAX = 15.85, 50.31

_MAINLAND = [
    (135.0, 48.4), (131.2, 44.9), (130.6, 42.5), (128.0, 41.9), (124.4, 40.0),
    (121.6, 38.9), (121.9, 40.2), (120.9, 40.6), (119.5, 39.9), (117.8, 39.0),
    (118.9, 37.6), (119.6, 37.1), (120.7, 37.8), (122.5, 37.3), (120.3, 36.0),
    (119.2, 34.7), (120.9, 32.6), (121.9, 31.7), (121.9, 30.8), (121.9, 29.2),
    (120.6, 27.5), (119.6, 25.6), (118.0, 24.4), (116.5, 23.2), (114.3, 22.3),
    (113.5, 22.1), (111.0, 21.4), (110.2, 20.3), (109.6, 21.5), (108.0, 21.5),
    (106.7, 22.8), (105.4, 23.2), (103.9, 22.5), (101.7, 21.2), (99.2, 22.1),
    (98.7, 24.1), (97.6, 24.0), (98.6, 27.6), (97.3, 28.2), (96.0, 29.1),
    (94.0, 28.9), (92.0, 27.8), (89.0, 27.9), (86.0, 27.9), (84.0, 28.6),
    (81.2, 30.0), (79.0, 31.3), (78.7, 32.5), (78.0, 35.5), (75.9, 36.9),
    (74.5, 37.4), (73.5, 39.4), (75.0, 40.4), (76.9, 41.0), (80.2, 42.2),
    (80.8, 43.2), (80.2, 44.9), (82.5, 45.2), (83.0, 47.2), (85.5, 47.1),
    (87.3, 49.1), (88.5, 48.3), (90.8, 46.0), (91.0, 45.3), (95.3, 44.2),
    (96.4, 42.7), (100.8, 42.6), (105.0, 41.6), (107.0, 42.4), (110.4, 42.8),
    (111.9, 43.7), (111.5, 45.0), (113.6, 44.7), (116.7, 46.4), (119.9, 46.7),
    (117.8, 49.5), (119.2, 50.3), (120.8, 52.5), (122.5, 53.3), (125.5, 53.0),
    (127.5, 49.8), (130.7, 48.9), (133.5, 48.2),
]
_HAINAN = [
    (108.6, 19.2), (109.7, 18.2), (110.5, 18.7), (111.0, 19.6), (110.6, 20.1),
    (109.5, 20.0), (108.7, 19.6),
]
_TAIWAN = [(120.1, 23.0), (120.9, 21.9), (121.9, 24.9), (121.5, 25.3), (120.8, 24.6)]


def project(lon: float, lat: float) -> tuple[float, float]:
    x = (lon - LON_MIN) / (LON_MAX - LON_MIN) * WIDTH
    y = (LAT_MAX - lat) / (LAT_MAX - LAT_MIN) * HEIGHT
    return round(x, 1), round(y, 1)


def _path(points: list[tuple[float, float]]) -> str:
    coords = [project(lon, lat) for lon, lat in points]
    head, *rest = coords
    return f"M{head[0]},{head[1]} " + " ".join(f"L{x},{y}" for x, y in rest) + " Z"


OUTLINE_PATHS: tuple[str, ...] = (_path(_MAINLAND), _path(_HAINAN), _path(_TAIWAN))


def _view_box() -> str:
    points = [project(lon, lat) for lon, lat in _MAINLAND + _HAINAN + _TAIWAN]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    # Room on the right for labels of coastal clusters, which sit over the sea.
    left, top = min(xs) - 8, min(ys) - 8
    right, bottom = max(max(xs), WIDTH) + 40, max(ys) + 8
    return f"{left:.0f} {top:.0f} {right - left:.0f} {bottom - top:.0f}"


VIEW_BOX = _view_box()

# Short map labels; the full names are on the cluster cards below the map. Codes are the
# stable vocabulary of DESIGN.md; a cluster added later falls back to its full name.
SHORT_NAMES: dict[str, Promise] = {
    "jjj": _("Jing-Jin-Ji"),
    "yrd": _("Yangtze Delta"),
    "gba": _("Greater Bay Area"),
    "chengyu": _("Chengdu–Chongqing"),
    "mid_yangtze": _("Middle Yangtze"),
    "shandong": _("Shandong"),
    "guanzhong": _("Guanzhong"),
    "northeast": _("Northeast"),
    "west_hub": _("Western hub"),
    "west_strait": _("West Strait"),
    "central_plains": _("Central Plains"),
    "asean_gateway": _("ASEAN gateway"),
}
# Where a label goes when "right of the dot" would run into a neighbour.
# Guanzhong goes left to clear the Central Plains dot just east of it, the ASEAN gateway to
# clear the Greater Bay Area label (tests/web/test_chinamap.py checks every pair).
LABEL_SIDE = {"chengyu": "left", "mid_yangtze": "below", "guanzhong": "left",
              "asean_gateway": "left"}


@dataclass(frozen=True)
class MapPoint:
    code: str
    label: str
    title: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str  # SVG text-anchor: start, end or middle


def map_points(clusters: list) -> list[MapPoint]:
    """Dots for clusters placed by their ``map_x``/``map_y`` percentages."""
    points = []
    for cluster in clusters:
        x = round(max(0.0, min(100.0, float(cluster.map_x))) / 100 * WIDTH, 1)
        y = round(max(0.0, min(100.0, float(cluster.map_y))) / 100 * HEIGHT, 1)
        side = LABEL_SIDE.get(cluster.code, "right")
        if side == "left":
            label_x, label_y, anchor = x - 12, y + 4, "end"
        elif side == "below":
            label_x, label_y, anchor = x, y + 24, "middle"
        else:
            label_x, label_y, anchor = x + 12, y + 4, "start"
        short = SHORT_NAMES.get(cluster.code)
        points.append(
            MapPoint(
                code=cluster.code,
                label=str(short) if short else cluster.name,
                title=str(cluster),
                x=x,
                y=y,
                label_x=label_x,
                label_y=label_y,
                anchor=anchor,
            )
        )
    return points
