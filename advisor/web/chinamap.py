"""A schematic outline of China for the landing page, drawn in SVG (no external map tiles).

The outline is a few dozen hand-picked border points (longitude, latitude), projected onto
the same percent grid as ``Cluster.map_x``/``map_y`` (x: 73°E→135°E, y: 54°N→18°N). It is a
sketch to orient the reader, not a map of record; borders are deliberately simplified.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 700
HEIGHT = 520
LON_MIN, LON_MAX = 73.0, 135.0
LAT_MIN, LAT_MAX = 18.0, 54.0

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


@dataclass(frozen=True)
class MapPoint:
    code: str
    label: str
    x: float
    y: float
    label_x: float
    anchor: str  # "start" or "end": labels near the east edge go to the left of the dot


def map_points(clusters: list) -> list[MapPoint]:
    """Dots for clusters placed by their ``map_x``/``map_y`` percentages."""
    points = []
    for cluster in clusters:
        x = max(0.0, min(100.0, float(cluster.map_x))) / 100 * WIDTH
        y = max(0.0, min(100.0, float(cluster.map_y))) / 100 * HEIGHT
        east = x > WIDTH * 0.72
        points.append(
            MapPoint(
                code=cluster.code,
                label=cluster.name,
                x=round(x, 1),
                y=round(y, 1),
                label_x=round(x - 12 if east else x + 12, 1),
                anchor="end" if east else "start",
            )
        )
    return points
