"""The one view that belongs to no app: the load balancers' health check."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers, and the reference point of `manage.py bench`."""
    return HttpResponse("ok", content_type="text/plain")
