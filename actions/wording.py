"""How the portal says a percentage, and a progress nobody has reported, in the active
language: every page, download cell in words, history entry and e-mail says them so."""

from django.utils.translation import gettext


def percent(number: int | float) -> str:
    """A percentage as the active language writes it: "40%", "40 %" (French puts a
    no-break space before the sign)."""
    return gettext("%(progress)s%%") % {"progress": number}


def progress_in_words(progress: int | None) -> str:
    """An action's progress: "40%", or "not reported" where nobody has stated one (the
    sources give no figure, and no report since): never a made-up 0 %."""
    if progress is None:
        return gettext("not reported")
    return percent(progress)
