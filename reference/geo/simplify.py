#!/usr/bin/env python3
"""Simplifies the province boundaries for the web maps (Douglas-Peucker per ring, coordinates rounded to 3 decimals,
about 100 m). Every polygon is kept, however small, so the Hoang Sa and Truong Sa islands stay on the map.
Usage: python3 simplify.py SOURCE.geojson OUT.json [tolerance_degrees]"""
import json, sys

def perp(p, a, b):
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0, min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5

def dp(points, tol):
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = 0, None
        for k in range(i + 1, j):
            d = perp(points[k], points[i], points[j])
            if d > best:
                best, idx = d, k
        if idx is not None and best > tol:
            keep[idx] = True
            stack += [(i, idx), (idx, j)]
    return [p for p, k in zip(points, keep) if k]

def ring(r, tol):
    s = dp(r, tol)
    if len(s) < 4:  # a tiny island: keep its shape rather than lose it
        s = r
    out = []
    for x, y in s:
        q = [round(x, 3), round(y, 3)]
        if not out or out[-1] != q:
            out.append(q)
    if out[0] != out[-1]:
        out.append(out[0])
    while len(out) < 4:
        out.insert(1, out[0])
    return out

src, dst = sys.argv[1], sys.argv[2]
tol = float(sys.argv[3]) if len(sys.argv) > 3 else 0.01
data = json.load(open(src, encoding='utf-8'))
features = []
for f in data['features']:
    g = f['geometry']
    polys = g['coordinates'] if g['type'] == 'MultiPolygon' else [g['coordinates']]
    p = f['properties']
    features.append({'type': 'Feature', 'id': p['code'],
                     'properties': {'code': p['code'], 'name': p['name'], 'name_en': p.get('name_en')},
                     'geometry': {'type': 'MultiPolygon', 'coordinates': [[ring(r, tol) for r in poly] for poly in polys]}})
json.dump({'type': 'FeatureCollection', 'features': features}, open(dst, 'w', encoding='utf-8'), ensure_ascii=False, separators=(',', ':'))
