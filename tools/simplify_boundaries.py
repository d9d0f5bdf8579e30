#!/usr/bin/env python3
"""Simplify Indonesia's province and regency boundaries for the portal's map, once.

Reads a checkout of github.com/mashadinoor/Indonesia-Geojson-2026 (MIT; see
data/boundaries/README.md) and writes data/boundaries/provinces.txt and regencies.txt:
one line per region, `code<TAB>name<TAB>rings`, rings separated by `;`, each ring
`lon,lat lon,lat ...` in integer hundredths of a degree (about 1.1 km), simplified by
Douglas-Peucker. The server reads these files with integer arithmetic only.

    python3 tools/simplify_boundaries.py SOURCE_CHECKOUT data/boundaries
"""

import json
import os
import sys

# Tolerances in hundredths of a degree: the national map is ~800 px across 46 degrees
# (~17 px a degree), a province map a few hundred px across a few degrees.
PROVINCE_TOLERANCE = 4
REGENCY_TOLERANCE = 1
# Rings smaller than this (bounding box, in hundredths of a degree) are dropped, except
# a region's largest ring: islets that would be under a pixel.
PROVINCE_MIN_RING = 6
REGENCY_MIN_RING = 2


def distance_squared_to_segment(point, start, end):
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return (px - ax) ** 2 + (py - ay) ** 2
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    qx, qy = ax + t * dx, ay + t * dy
    return (px - qx) ** 2 + (py - qy) ** 2


def douglas_peucker(points, tolerance):
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    limit = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, None
        for i in range(first + 1, last):
            d = distance_squared_to_segment(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index is not None and worst > limit:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep) if k]


def rings_of(geometry):
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    else:
        polygons = geometry["coordinates"]
    # Outer rings only: holes (lakes) are not drawn at this scale.
    return [polygon[0] for polygon in polygons if polygon]


def simplify(geometry, tolerance, min_ring):
    rings = []
    for ring in rings_of(geometry):
        points = []
        for lon, lat in (coordinate[:2] for coordinate in ring):
            point = (round(lon * 100), round(lat * 100))
            if not points or points[-1] != point:
                points.append(point)
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        closed = points + points[:1]
        simple = douglas_peucker(closed, tolerance)[:-1]
        if len(simple) < 3:
            continue
        xs, ys = [p[0] for p in simple], [p[1] for p in simple]
        size = max(max(xs) - min(xs), max(ys) - min(ys))
        rings.append((size, simple))
    if not rings:
        return []
    rings.sort(key=lambda r: -r[0])
    kept = [rings[0]] + [r for r in rings[1:] if r[0] >= min_ring]
    return [ring for _, ring in kept]


def line(code, name, rings):
    text = ";".join(" ".join(f"{x},{y}" for x, y in ring) for ring in rings)
    return f"{code}\t{name}\t{text}\n"


def provinces(source):
    path = os.path.join(source, "Geojson", "indonesia_provinsi.geojson")
    with open(path, encoding="utf-8") as file:
        features = json.load(file)["features"]
    out = []
    for feature in features:
        code = feature["properties"]["KODE_PROV"]
        name = feature["properties"]["PROVINSI"]
        rings = simplify(feature["geometry"], PROVINCE_TOLERANCE, PROVINCE_MIN_RING)
        out.append((code, line(code, name, rings)))
    return [text for _, text in sorted(out)]


def regencies(source):
    out, skipped = [], []
    root = os.path.join(source, "Kabupaten")
    for province in sorted(os.listdir(root)):
        for name in sorted(os.listdir(os.path.join(root, province))):
            path = os.path.join(root, province, name)
            with open(path, encoding="utf-8") as file:
                features = json.load(file).get("features") or []
            feature = features[0] if len(features) == 1 else None
            properties = (feature or {}).get("properties") or {}
            code = (properties.get("KDPKAB") or "").replace(".", "")
            if feature is None or not feature.get("geometry") or len(code) != 4:
                skipped.append(f"{province}/{name}")
                continue
            rings = simplify(feature["geometry"], REGENCY_TOLERANCE, REGENCY_MIN_RING)
            out.append((code, line(code, properties.get("WADMKK", ""), rings)))
    out.sort()
    codes = [code for code, _ in out]
    duplicated = sorted({code for code in codes if codes.count(code) > 1})
    return [text for code, text in out if code not in duplicated], skipped, duplicated


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, target = sys.argv[1], sys.argv[2]
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, "provinces.txt"), "w", encoding="utf-8") as file:
        file.writelines(provinces(source))
    lines, skipped, duplicated = regencies(source)
    with open(os.path.join(target, "regencies.txt"), "w", encoding="utf-8") as file:
        file.writelines(lines)
    for entry in skipped:
        print(f"skipped (no single feature with a geometry and a regency code): {entry}")
    for code in duplicated:
        print(f"skipped (code in more than one file): {code}")


if __name__ == "__main__":
    main()
