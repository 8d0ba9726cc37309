from django.conf import settings


def languages(request):
    """The staff pages offer the staff languages; the applicant's pages offer all four."""
    return {"STAFF_LANGUAGES": settings.STAFF_LANGUAGES}
