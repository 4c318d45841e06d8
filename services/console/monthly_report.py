"""The district's monthly report as a printable A4 PDF in Chinese: the month's figures, two charts, the
year's targets so far, and a table per street with its communities."""

import io
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart  # type: ignore[import-untyped]
from reportlab.graphics.charts.legends import Legend  # type: ignore[import-untyped]
from reportlab.graphics.shapes import Drawing, String  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from services.console.i18n import translator
from services.console.month import NO_STREET, AreaFigures, Measure, MonthFigures

FONT = "ReemployCJK"
CJK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
"""Debian's CJK fonts, in order of preference (`fonts-wqy-microhei` is what `make` installs)."""
SERIES_COLOURS = (
    colors.HexColor("#1f5f8b"),
    colors.HexColor("#e07b39"),
    colors.HexColor("#3a9d5d"),
    colors.HexColor("#c0392b"),
    colors.HexColor("#8e6bbf"),
)
GRID = colors.HexColor("#b0b7bf")
HEADER_FILL = colors.HexColor("#e8edf2")

t = translator("zh")
TARGET_COLUMNS = ("kind", "area", "indicator", "target", "actual", "progress")


class FontMissing(RuntimeError):
    """No CJK font is installed: the report cannot be set in Chinese."""


@cache
def cjk_font() -> str:
    for path in CJK_FONTS:
        if path.exists():
            pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
            return FONT
    raise FontMissing("no CJK font found; install fonts-wqy-microhei")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=24, spaceAfter=4 * mm),
        "heading": ParagraphStyle(
            "heading", fontName=font, fontSize=13, leading=18, spaceBefore=5 * mm, spaceAfter=2 * mm
        ),
        "body": ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14),
    }


def _table(rows: Sequence[Sequence[object]], font: str, widths: Sequence[float] | None = None) -> Table:
    table = Table([[str(cell) for cell in row] for row in rows], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _street_name(code: str) -> str:
    return t("report.no_street") if code == NO_STREET else code


def _measure_headers() -> list[str]:
    return [t("report.measure." + measure.value) for measure in Measure]


def _counts(area: AreaFigures) -> list[int]:
    return [area.counts[measure] for measure in Measure]


def _streets_chart(figures: MonthFigures, font: str) -> Drawing:
    """The month's figures per street, one bar per measure."""
    drawing = Drawing(170 * mm, 75 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 12 * mm, 110 * mm, 55 * mm
    chart.data = [[street.counts[measure] for street in figures.streets] or [0] for measure in Measure]
    chart.categoryAxis.categoryNames = [_street_name(street.code) for street in figures.streets] or ["—"]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = font
    for position, colour in enumerate(SERIES_COLOURS):
        chart.bars[position].fillColor = colour
    legend = Legend()
    legend.x, legend.y = 128 * mm, 62 * mm
    legend.fontName = font
    legend.fontSize = 8
    legend.colorNamePairs = list(zip(SERIES_COLOURS, _measure_headers(), strict=True))
    drawing.add(chart)
    drawing.add(legend)
    return drawing


def _stages_chart(figures: MonthFigures, font: str) -> Drawing:
    """Open cases by journey stage at the time of printing."""
    stages = figures.open_cases_by_stage or [("assessment", 0)]
    drawing = Drawing(170 * mm, (12 + 7 * len(stages)) * mm)
    chart = HorizontalBarChart()
    chart.x, chart.y = 30 * mm, 6 * mm
    chart.width, chart.height = 120 * mm, 7 * len(stages) * mm
    chart.data = [[count for _, count in reversed(stages)]]
    chart.categoryAxis.categoryNames = [t("stage." + stage) for stage, _ in reversed(stages)]
    chart.categoryAxis.labels.fontName = font
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = font
    chart.bars[0].fillColor = SERIES_COLOURS[0]
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    drawing.add(chart)
    if not figures.open_cases_by_stage:
        drawing.add(String(60 * mm, 8 * mm, t("caseload.none"), fontName=font))
    return drawing


def monthly_report(figures: MonthFigures, *, printed_at: datetime) -> bytes:
    font = cjk_font()
    styles = _styles(font)
    month = f"{figures.month.year}年{figures.month.month}月"
    written = io.BytesIO()
    document = SimpleDocTemplate(
        written,
        pagesize=A4,
        title=f"{t('report.title')} {month}",
        author=t("app.title"),
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    story: list[object] = [
        Paragraph(f"{t('report.title')} · {month}", styles["title"]),
        Paragraph(t("report.printed_at") + printed_at.strftime(" %Y-%m-%d %H:%M UTC"), styles["body"]),
        Paragraph(t("report.district"), styles["heading"]),
        _table(
            [
                [*_measure_headers(), t("supervisor.open_cases")],
                [*(figures.district[measure] for measure in Measure), figures.open_cases],
            ],
            font,
        ),
        Paragraph(t("report.by_street"), styles["heading"]),
        _streets_chart(figures, font),
        Paragraph(t("caseload.by_stage"), styles["heading"]),
        _stages_chart(figures, font),
        Paragraph(f"{t('nav.targets')} {figures.month.year}", styles["heading"]),
    ]
    if figures.targets:
        story.append(
            _table(
                [
                    [t(f"targets.{column}") for column in TARGET_COLUMNS],
                    *(
                        [
                            t("area." + line.area_kind),
                            line.area_code,
                            t("indicator." + line.indicator),
                            line.target,
                            line.actual,
                            f"{line.progress:.0%}",
                        ]
                        for line in figures.targets
                    ),
                ],
                font,
            )
        )
    else:
        story.append(Paragraph(t("targets.none"), styles["body"]))
    story.append(Paragraph(t("report.per_street"), styles["heading"]))
    if not figures.streets:
        story.append(Paragraph(t("report.nothing_happened"), styles["body"]))
    for street in figures.streets:
        rows: list[list[object]] = [
            [t("area.community"), *_measure_headers()],
            *([community.code or "—", *_counts(community)] for community in street.communities),
            [t("report.total"), *_counts(street)],
        ]
        story.append(
            KeepTogether(
                [
                    Paragraph(f"{t('area.street')} {_street_name(street.code)}", styles["body"]),
                    Spacer(1, 1.5 * mm),
                    _table(rows, font),
                    Spacer(1, 4 * mm),
                ]
            )
        )
    document.build(story)
    return written.getvalue()
