"""PDF documents (receipts, agreements) drawn from an HTML template with WeasyPrint. Fonts: the system's DejaVu."""

from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """The PDF bytes of `template_name` rendered with `context`. No network access: images must be data URIs
    or files under `base_url` (a `file://` directory)."""
    from weasyprint import HTML  # imported here: loading Pango costs time at start-up

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=base_url or "file:///nonexistent/").write_pdf()
