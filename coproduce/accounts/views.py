"""Signing in, and closing an account."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.accounts import closing
from coproduce.accounts.forms import CloseAccountForm, SignInForm
from plans.access import get_person


class LoginView(auth_views.LoginView):
    """Django's sign-in, with a hint listing the demo logins when DEBUG is on."""

    redirect_authenticated_user = True
    form_class = SignInForm

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["demo_hint"] = settings.DEBUG
        return context


@require_http_methods(["GET", "POST"])
def close_account(request: HttpRequest) -> HttpResponse:
    """The person leaves Coproduce. Their plan is closed and kept, not deleted."""
    person = get_person(request.user)
    form = CloseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            closing.close_account(person)
            logout(request)
            return redirect("account_closed")
        return render(request, "accounts/close_account.html", {"form": form}, status=422)
    return render(request, "accounts/close_account.html", {"form": form})


@login_not_required
@require_GET
def account_closed(request: HttpRequest) -> HttpResponse:
    """Said once, after signing out: a page with nothing personal on it."""
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "accounts/account_closed.html", {})
