"""Staff sign-in with a password and a TOTP code, enrolment of the app, changing one's own
password, and the staff home."""

from __future__ import annotations

from base64 import b32encode, b64encode

import qrcode
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from tactful.accounts.models import User
from tactful.accounts.services import (
    change_own_password,
    confirm_totp_enrolment,
    start_totp_enrolment,
)
from tactful.errors import InvalidInput
from tactful.staff.account.areas import areas_for
from tactful.staff.account.forms import StaffLoginForm, TotpConfirmForm
from tactful.web.access import is_verified, staff_required

_WRONG_CREDENTIALS = _("The username, password or code is not right. Please try again.")


@require_http_methods(["GET", "POST"])
def staff_login(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _login_page(request, StaffLoginForm())
    form = StaffLoginForm(request.POST)
    if not form.is_valid():
        return _login_page(request, form)
    username, password = form.cleaned_data["username"], form.cleaned_data["password"]
    user = authenticate(request, username=username, password=password)
    if user is None or not isinstance(user, User):
        return _refuse(request, form)
    if not user_has_device(user, confirmed=True):
        # First sign-in: the password lets them in only as far as the enrolment page.
        auth_login(request, user)
        return redirect("staff:otp-setup")
    device = match_token(user, form.cleaned_data["otp_token"] or "")
    if device is None:
        # A wrong code counts towards the lockout exactly like a wrong password.
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
        return _refuse(request, form)
    auth_login(request, user)
    otp_login(request, device)
    return HttpResponseRedirect(_next_url(request))


def _refuse(request: HttpRequest, form: StaffLoginForm) -> HttpResponse:
    if getattr(request, "axes_locked_out", False):
        return _locked_page(request)
    form.add_error(None, _WRONG_CREDENTIALS)
    return _login_page(request, form)


def _locked_page(request: HttpRequest) -> HttpResponse:
    # Axes' middleware would swap our page for its untranslated plain-text one while
    # this flag is set; the page below says the same thing in the visitor's language.
    request.axes_locked_out = False  # type: ignore[attr-defined]
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    return render(request, "staff/account/locked.html", {"minutes": minutes}, status=429)


def _login_page(request: HttpRequest, form: StaffLoginForm) -> HttpResponse:
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "staff/account/login.html", context)


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and safe else reverse("staff:home")


@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        return redirect("staff:login")
    if user_has_device(user, confirmed=True):
        return redirect("staff:home" if is_verified(request) else "staff:login")
    device = start_totp_enrolment(user=user)
    form = TotpConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        confirmed = confirm_totp_enrolment(user=user, token=form.cleaned_data["otp_token"])
        if confirmed is not None:
            otp_login(request, confirmed)
            return redirect("staff:home")
        form.add_error("otp_token", _("That code did not match. Check the time on your phone."))
    return render(request, "staff/account/totp_setup.html", _enrolment_context(device, form))


def _enrolment_context(device: TOTPDevice, form: TotpConfirmForm) -> dict[str, object]:
    secret = b32encode(device.bin_key).decode("ascii")
    grouped = " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))
    return {
        "form": form,
        "secret": grouped,
        "config_url": device.config_url,
        "qr_code": qr_data_uri(device.config_url),
    }


def qr_data_uri(text: str) -> str:
    """Draw `text` as a QR code, here on the server (SVG), as a data: address for an <img>.

    No outside service ever sees the key; an image needs no inline style or script, which
    the Content-Security-Policy forbids.
    """
    image = qrcode.make(text, image_factory=SvgPathImage, box_size=12, border=2)
    return "data:image/svg+xml;base64," + b64encode(image.to_string()).decode("ascii")


@staff_required()
def staff_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    areas = areas_for(user) if isinstance(user, User) else []
    return render(request, "staff/account/home.html", {"areas": areas})


@require_POST
def staff_sign_out(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("public:home")


# The service's names for what it refused, as the fields of Django's password form.
_PASSWORD_FIELDS = {"current": "old_password", "new": "new_password1"}


@require_http_methods(["GET", "POST"])
@staff_required(before_password_change=True)
def change_password(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # staff_required let only staff through
    form = PasswordChangeForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid() and _changed(form, user):
            # Keep this session signed in (its second factor too); others end.
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password is changed."))
            return redirect("staff:home")
        return _password_page(request, form, user, status=422)
    return _password_page(request, form, user)


def _changed(form: PasswordChangeForm, user: User) -> bool:
    try:
        change_own_password(
            user=user,
            current=form.cleaned_data["old_password"],
            new=form.cleaned_data["new_password1"],
        )
    except InvalidInput as refusal:
        for field, problem in refusal.fields.items():
            form.add_error(_PASSWORD_FIELDS.get(field), _password_problem(field, problem))
        return False
    return True


def _password_problem(field: str, problem: str) -> str:
    if field == "new":
        # Django's password validators speak the reader's language already.
        return problem
    if field == "current":
        return str(_("This is not your current password."))
    return str(_("Give your current password and the new one as text."))


def _password_page(
    request: HttpRequest, form: PasswordChangeForm, user: User, *, status: int = 200
) -> HttpResponse:
    context = {"form": form, "required": user.must_change_password}
    return render(request, "staff/account/password.html", context, status=status)
