"""How a delivery window's dates read: stored in names alike in every language, shown on pages
in the reader's language and time zone."""

from datetime import datetime, timedelta

from django.utils import dateformat, timezone
from django.utils.translation import pgettext

from tokenhub.formatting import zone_label

DAY = timedelta(days=1)


def window_label(starts: datetime, ends: datetime) -> str:
    """The dates a window covers, stored in its name in a form that reads alike in every
    language (no month names): "2026-12-07–13", "2026-11-30–12-06", "2026-12-07 14:00–14:10
    UTC+8". Pages show `window_label_local` instead, in the reader's language."""
    starts, ends = timezone.localtime(starts), timezone.localtime(ends)
    if (ends - starts) % DAY or starts.hour or starts.minute:
        same_day = starts.date() == ends.date()
        end_text = dateformat.format(ends, "H:i" if same_day else "m-d H:i")
        return f"{dateformat.format(starts, 'Y-m-d H:i')}–{end_text} {zone_label(starts)}"
    last = ends - DAY
    if last.date() == starts.date():
        return dateformat.format(starts, "Y-m-d")
    if starts.year != last.year:
        return f"{dateformat.format(starts, 'Y-m-d')}–{dateformat.format(last, 'Y-m-d')}"
    end_format = "d" if starts.month == last.month else "m-d"
    return f"{dateformat.format(starts, 'Y-m-d')}–{dateformat.format(last, end_format)}"


def window_label_local(starts: datetime, ends: datetime) -> str:
    """The dates a window covers in the reader's language and time zone: "7–13 Dec" /
    "12月7日–13日", "30 Nov–6 Dec" / "11月30日–12月6日", "7 Dec 14:00–14:10 UTC+8"."""
    starts, ends = timezone.localtime(starts), timezone.localtime(ends)
    day_month = pgettext("date format: a day of a month", "j M")
    if (ends - starts) % DAY or starts.hour or starts.minute:
        same_day = starts.date() == ends.date()
        clock = pgettext("date format: a day of a month and a time", "j M H:i")
        end_text = dateformat.format(ends, "H:i" if same_day else clock)
        return f"{dateformat.format(starts, clock)}–{end_text} {zone_label(starts)}"
    last = ends - DAY
    if last.date() == starts.date():
        return dateformat.format(starts, day_month)
    if starts.month == last.month and starts.year == last.year:
        first = pgettext("date format: first day of a range within one month", "j")
        end = pgettext("date format: last day of a range within one month", "j M")
        return f"{dateformat.format(starts, first)}–{dateformat.format(last, end)}"
    return f"{dateformat.format(starts, day_month)}–{dateformat.format(last, day_month)}"
