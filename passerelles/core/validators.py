from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_logo(file) -> None:
    if file and file.size > settings.LOGO_MAX_BYTES:
        raise ValidationError(_("Le logo dépasse 512 Ko."), code="too_large")
