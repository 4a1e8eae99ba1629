"""The board pack of a closed year (page and PDF), and the links that share it with funders.

Signed-in users with the dashboard permission read any closed year's pack and manage its links.
A funder's link needs no account: `shared/<token>/` and its PDF show that one pack and nothing
else; no login happens, so every other URL still asks the visitor to sign in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from axes.helpers import get_client_ip_address
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartiberica.board import funder_links, pack
from smartiberica.board.figures import BASES, Basis
from smartiberica.board.models import FunderLink
from smartiberica.kernel.roles import DASHBOARD_PERMISSION

PACK_TEMPLATE = "board/pack.html"
MSG_LINK_REVOKED = gettext_lazy("The link for %(name)s is revoked: it no longer opens the pack.")


def _user(request: HttpRequest) -> User:
    # `permission_required` lets only a signed-in user through; this tells the type checker so.
    if isinstance(request.user, AnonymousUser):
        raise PermissionDenied
    return request.user


def _basis(request: HttpRequest) -> Basis:
    value = request.GET.get("basis", "accrual")
    return value if value in BASES else "accrual"  # type: ignore[return-value]


def _pack_or_404(year: int, basis: Basis) -> pack.Pack:
    found = pack.year_pack(year=year, basis=basis)
    if found is None:
        raise Http404(_("Only an approved (closed) year has a board pack."))
    return found


def _render_pack(request: HttpRequest, the_pack: pack.Pack, *, pdf_url: str, **extra: object) -> HttpResponse:
    query = f"?{urlencode({'basis': the_pack.basis})}"
    return render(request, PACK_TEMPLATE, {"pack": the_pack, "pdf_url": pdf_url + query, **extra})


def _pdf(request: HttpRequest, the_pack: pack.Pack, **extra: object) -> HttpResponse:
    html = render_to_string(PACK_TEMPLATE, {"pack": the_pack, "for_pdf": True, **extra}, request=request)
    try:
        content = pack.to_pdf(html)
    except pack.PdfUnavailable:
        context = {"pack": the_pack, "packages": " ".join(pack.PDF_SYSTEM_PACKAGES)}
        return render(request, "board/pack_unavailable.html", context, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"smartiberica-{the_pack.year}-{the_pack.basis}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def year_pack(request: HttpRequest, year: int) -> HttpResponse:
    the_pack = _pack_or_404(year, _basis(request))
    return _render_pack(
        request,
        the_pack,
        pdf_url=reverse("year-pack-pdf", args=[year]),
        back_url=reverse("year", args=[year]),
    )


@require_GET
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def year_pack_pdf(request: HttpRequest, year: int) -> HttpResponse:
    return _pdf(request, _pack_or_404(year, _basis(request)))


def _shared(request: HttpRequest, token: str) -> FunderLink:
    """The link of `token`, this visit logged; 404 for any link that opens nothing."""
    try:
        return funder_links.funder_link_open(
            token=token,
            address=get_client_ip_address(request),
            user_agent=request.headers.get("User-Agent", ""),
            path=request.path,
        )
    except funder_links.FunderLinkNotFound:
        raise Http404(_("This link does not open anything: it may have expired or been revoked.")) from None


def _private(response: HttpResponse) -> HttpResponse:
    # The token is in the URL: keep it out of other sites' logs and of search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
@never_cache
@login_not_required
def shared_pack(request: HttpRequest, token: str) -> HttpResponse:
    link = _shared(request, token)
    the_pack = _pack_or_404(link.year, _basis(request))
    pdf_url = reverse("shared-pack-pdf", args=[token])
    return _private(_render_pack(request, the_pack, pdf_url=pdf_url, shared_with=link.reader_name))


@require_GET
@never_cache
@login_not_required
def shared_pack_pdf(request: HttpRequest, token: str) -> HttpResponse:
    link = _shared(request, token)
    return _private(_pdf(request, _pack_or_404(link.year, _basis(request)), shared_with=link.reader_name))


class FunderLinkForm(forms.Form):
    reader_name = forms.CharField(label=gettext_lazy("Reader's name"), max_length=200)
    reader_email = forms.EmailField(label=gettext_lazy("Reader's e-mail"))
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        initial=funder_links.DEFAULT_DAYS,
        min_value=1,
        max_value=funder_links.MAX_DAYS,
    )


def _refused(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for refusal in errors:
                form.add_error(field if field in form.fields else None, refusal)
    else:
        for message in error.messages:
            form.add_error(None, message)


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def funder_link_new(request: HttpRequest, year: int) -> HttpResponse:
    """The form (also on the closed year's page); a POST creates the link and shows it, once."""
    _pack_or_404(year, "accrual")
    form = FunderLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link, token = funder_links.funder_link_create(
                year=year, created_by=_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            # Rendered, not redirected: the token is shown here once and stored nowhere readable.
            url = request.build_absolute_uri(reverse("shared-pack", args=[token]))
            return render(request, "board/funder_link_created.html", {"link": link, "url": url})
    status = 400 if form.is_bound else 200
    return render(request, "board/funder_link_new.html", {"year": year, "form": form}, status=status)


@require_POST
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def funder_link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(FunderLink, pk=pk)
    try:
        funder_links.funder_link_revoke(link=link, user=_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, MSG_LINK_REVOKED % {"name": link.reader_name})
    return redirect(f"{reverse('year', args=[link.year])}#funder-links")
