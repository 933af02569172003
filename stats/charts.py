"""The monthly series as pictures: server-side SVG by pygal, shown with <img>.

pygal is pure Python (no compiled dependencies, unlike matplotlib with numpy),
maintained, and writes SVG only. Its interactive JavaScript is switched off
(js=[]) and its inline configuration script removed, so the picture is a plain
image under the CSP; the page shows the same numbers in a table beside it and
the image's text alternative says the trend.
"""

import base64
import functools
import math

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

# The site's colours: dark text on white, one strong blue for the bars (contrast > 4.5:1).
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1b1b",
    foreground_strong="#1b1b1b",
    foreground_subtle="#6c6c6c",
    colors=("#0b5cad",),
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    title_font_size=16,
)


def _without_scripts(root):
    for parent in root.iter():
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.endswith("script"):
                parent.remove(child)
    return root


def bar_chart(title: str, labels: list[str], values: list[int]) -> bytes:
    return _bar_chart(title, tuple(labels), tuple(values))


@functools.lru_cache(maxsize=512)
def _bar_chart(title: str, labels: tuple, values: tuple) -> bytes:
    # Remembered: drawing takes a few milliseconds, and a month's figures seldom change
    # between two looks at the page (the same input always gives the same picture).
    chart = pygal.Bar(
        js=[],
        style=STYLE,
        show_legend=False,
        width=800,
        height=320,
        x_label_rotation=45,
        truncate_label=-1,
        title=title,
        print_values=False,
        show_minor_x_labels=True,
    )
    chart.add_xml_filter(_without_scripts)
    # Whole numbers on the axis: these are counts of people.
    top = max(max(values, default=0), 4)
    step = math.ceil(top / 5)
    chart.range = (0, step * 5)
    chart.y_labels = list(range(0, step * 5 + 1, step))
    chart.x_labels = list(labels)
    chart.add(title, list(values))
    return chart.render()


def trend_text(title: str, labels: list[str], values: list[int]) -> str:
    """The text alternative of a chart: what the picture shows, in words."""
    if not values:
        return _("%(title)s: no months in the range.") % {"title": title}
    first, last = values[0], values[-1]
    if last > first:
        trend = _("rising")
    elif last < first:
        trend = _("falling")
    else:
        trend = _("unchanged")
    peak = max(range(len(values)), key=lambda i: values[i])
    return _(
        "%(title)s per month, %(start)s to %(end)s: %(trend)s, from %(first)s to %(last)s; "
        "highest %(peak)s in %(peak_month)s. The numbers are in the table."
    ) % {
        "title": title,
        "start": labels[0],
        "end": labels[-1],
        "trend": trend,
        "first": first,
        "last": last,
        "peak": values[peak],
        "peak_month": labels[peak],
    }


def data_url(title: str, labels: list[str], values: list[int]) -> str:
    svg = bar_chart(title, labels, values)
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
