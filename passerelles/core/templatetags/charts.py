"""Bar widths as CSS classes (`pct-0` … `pct-100` in passerelles.css), not `style` attributes: the Content-Security-
Policy forbids inline styles, and a class per whole percent is precise enough for a bar on a screen."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _number(value) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return Decimal(0)
    return number if number.is_finite() and number > 0 else Decimal(0)


@register.filter
def pct(value) -> int:
    """A percentage clamped to 0…100 and rounded: `class="pct-{{ value|pct }}"`."""
    return int(min(_number(value), Decimal(100)).to_integral_value())


@register.simple_tag
def shares(*values) -> list[int]:
    """Whole percentages of each value in their sum, adding up to exactly 100 (largest remainders get the
    rounding), or all 0 when the sum is 0: `{% shares a b c as parts %}` then `pct-{{ parts.0 }}`…"""
    numbers = [_number(v) for v in values]
    total = sum(numbers)
    if not total:
        return [0] * len(numbers)
    exact = [n * 100 / total for n in numbers]
    parts = [int(e) for e in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in by_remainder[: 100 - sum(parts)]:
        parts[i] += 1
    return parts
