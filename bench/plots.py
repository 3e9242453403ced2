"""plots.py - the figures of `make bench`, as SVG, with the standard library.

Each figure is a horizontal bar chart: one bar per arm at its median, a
whisker for its interquartile range and dots at its minimum and maximum
when the data has them, the value written at the end of the bar, and the
method in a caption line under the title, so a figure read alone still
says what was measured and how. bench.py collects the data as it measures
and calls these at the end; results.md embeds the files.
"""
import html
import math
import textwrap

WIDTH = 900
BAR_H = 18
GAP = 8
LEFT = 330   # room for the arm labels
RIGHT = 150  # room for the values
CAPTION_CHARS = 125
PALETTE = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3",
           "#8c8c8c"]


def _esc(s):
    return html.escape(str(s), quote=True)


def _ticks(hi, log):
    if log:
        return [10 ** k for k in range(0, int(math.ceil(math.log10(hi))) + 1)]
    step = 10 ** math.floor(math.log10(hi)) if hi > 0 else 1
    for m in (1, 2, 5, 10):
        if hi / (step * m) <= 6:
            step *= m
            break
    return [i * step for i in range(int(hi // step) + 2)]


def bars(path, title, caption, unit, rows, log=False, fmt=None):
    """rows: dicts with label, med, and optionally q1, q3, lo, hi (same
    unit), color (index), note (text after the value). log: a log scale,
    for data spanning decades (zero bars are drawn at the axis)."""
    fmt = fmt or (lambda v: f"{v:.3g}")
    top = max(max(r.get("hi", r["med"]), r.get("q3", r["med"]), r["med"]) for r in rows) or 1
    ticks = _ticks(top, log)
    hi = ticks[-1] if log else max(top * 1.05, ticks[-1] if ticks[-1] >= top else top)
    plot_w = WIDTH - LEFT - RIGHT

    def x(v):
        if log:
            v = max(v, 1)
            return LEFT + plot_w * math.log10(v) / math.log10(hi)
        return LEFT + plot_w * v / hi

    lines = textwrap.wrap(caption, CAPTION_CHARS)
    y0 = 40 + 16 * len(lines)  # below the title and caption: the bars
    height = y0 + len(rows) * (BAR_H + GAP) + 34
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
           f'<text x="10" y="18" font-size="14" font-weight="bold">{_esc(title)}</text>']
    for i, line in enumerate(lines):
        out.append(f'<text x="10" y="{36 + 16 * i}" fill="#444">{_esc(line)}</text>')
    axis_y = y0 + len(rows) * (BAR_H + GAP)
    for t in ticks:
        if t > hi:
            continue
        tx = x(t)
        out.append(f'<line x1="{tx:.1f}" y1="{y0 - 4}" x2="{tx:.1f}" y2="{axis_y}" '
                   f'stroke="#ddd"/>')
        out.append(f'<text x="{tx:.1f}" y="{axis_y + 14}" text-anchor="middle" '
                   f'fill="#444">{_esc(fmt(t))}</text>')
    out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{axis_y + 30}" text-anchor="middle" '
               f'fill="#444">{_esc(unit)}{" (log scale)" if log else ""}</text>')
    for i, r in enumerate(rows):
        y = y0 + i * (BAR_H + GAP)
        color = PALETTE[r.get("color", i) % len(PALETTE)]
        out.append(f'<text x="{LEFT - 6}" y="{y + BAR_H - 5}" text-anchor="end">'
                   f'{_esc(r["label"])}</text>')
        out.append(f'<rect x="{LEFT}" y="{y}" width="{max(x(r["med"]) - LEFT, 0.5):.1f}" '
                   f'height="{BAR_H}" fill="{color}"/>')
        mid = y + BAR_H / 2
        if "q1" in r and "q3" in r:
            out.append(f'<line x1="{x(r["q1"]):.1f}" y1="{mid}" x2="{x(r["q3"]):.1f}" '
                       f'y2="{mid}" stroke="black" stroke-width="2"/>')
            for q in (r["q1"], r["q3"]):
                out.append(f'<line x1="{x(q):.1f}" y1="{y + 4}" x2="{x(q):.1f}" '
                           f'y2="{y + BAR_H - 4}" stroke="black" stroke-width="2"/>')
        for k in ("lo", "hi"):
            if k in r:
                out.append(f'<circle cx="{x(r[k]):.1f}" cy="{mid}" r="2.5" fill="black"/>')
        value = fmt(r["med"]) + (f" {r['note']}" if r.get("note") else "")
        vx = max(x(r["med"]), x(r.get("hi", 0)), x(r.get("q3", 0))) + 6
        out.append(f'<text x="{vx:.1f}" y="{y + BAR_H - 5}">{_esc(value)}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
