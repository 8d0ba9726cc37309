from evac.accounts.models import Organisation
from evac.core.text import fold
from evac.rosters.models import Employer


def resolve_employer(organisation: Organisation, written: str) -> Employer | None:
    """The organisation's employer this name means, or None: the name as written is kept either way."""
    folded = fold(written)
    if not folded:
        return None
    for employer in Employer.objects.filter(organisation=organisation):
        if fold(employer.name) == folded:
            return employer
    return None
