"""Pages for the lending library (members of the group only). Two taps for a loan: a member taps
"Request"; a coordinator or the lender taps "Lend" at the hand-over and "Returned" when it is back.
Thin: every write is a service call; a refused action comes back as a message on the item's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from mutualaid.core import photos
from mutualaid.core.actions import form_action
from mutualaid.core.forms import apply_errors
from mutualaid.groups.access import get_group_for_member
from mutualaid.lending import access, selectors, services
from mutualaid.lending.forms import ItemForm, PhotoForm, RepairForm
from mutualaid.lending.models import Item


@login_required
def library(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    rows = [(item, selectors.status(item)) for item in selectors.items(group)]
    return render(
        request,
        "lending/list.html",
        {"group": group, "rows": rows, "mine": selectors.my_loans(group, request.user)},  # type: ignore[arg-type]
    )


def _data(cleaned: dict[str, Any]) -> services.ItemInput:
    return services.ItemInput(**cleaned)


@login_required
def item_new(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    form = ItemForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        item = services.item_create(group=group, actor=request.user, data=_data(data))  # type: ignore[arg-type]
        messages.success(request, _("The item is in the library."))
        return redirect("lending_item", slug, item.pk)

    return form_action(request, form, save) or render(
        request,
        "lending/form.html",
        {"group": group, "form": form, "title": _("Lend something")},
        status=400 if form.is_bound else 200,
    )


@login_required
def item_edit(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    item, _membership = access.get_item_for_member(request.user, slug, item_id)  # type: ignore[arg-type]
    services.require_manager(request.user, item)  # type: ignore[arg-type]
    initial = {
        "name": item.name,
        "description": item.description,
        "condition": item.condition,
        "loan_days": item.loan_days,
        "own": item.lender_id is not None,
    }
    form = ItemForm(request.POST or None, initial=initial)
    form.fields.pop("own")
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(item=item, actor=request.user, data=_data(form.cleaned_data))  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The item is saved."))
            return redirect("lending_item", slug, item.pk)
    return render(
        request,
        "lending/form.html",
        {"group": item.group, "item": item, "form": form, "title": item.name},
        status=400 if form.is_bound else 200,
    )


def _page(
    request: HttpRequest,
    item: Item,
    repair_form: RepairForm | None = None,
    status: int = 200,
    photo_form: PhotoForm | None = None,
) -> HttpResponse:
    view = selectors.item_view(item, request.user)  # type: ignore[arg-type]
    return render(
        request,
        "lending/item.html",
        {
            "group": item.group,
            "view": view,
            "item": item,
            "repair_form": repair_form or RepairForm(),
            "photo_form": photo_form or PhotoForm(has_photo=bool(item.photo)),
        },
        status=status,
    )


@csrf_exempt  # checked below, once the upload handler is in place (CSRF checks read the body)
@require_POST
def photo_upload(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    """The coordinator or lender sends a photo of the item (or removes it). The photo is read with one
    handler that keeps it in memory and stops past 5 MB: it never reaches the disk before it is
    cleaned (core.photos)."""
    handler = photos.MemoryPhotoHandler(request)
    request.upload_handlers = [handler]
    return _photo_upload(request, slug, item_id, handler)


@csrf_protect
def _photo_upload(
    request: HttpRequest, slug: str, item_id: int, handler: photos.MemoryPhotoHandler
) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    item, _membership = access.get_item_for_member(request.user, slug, item_id)
    services.require_manager(request.user, item)
    # A second "Remove" (a double tap, or another manager first) finds the photo already gone: that is done too.
    form = PhotoForm(request.POST, request.FILES, has_photo=bool(item.photo) or "remove" in request.POST)
    if handler.too_big:
        form.add_error("photo", _("The photo is larger than 5 MB."))
    if form.is_valid():
        upload = form.cleaned_data["photo"]
        if upload or form.cleaned_data.get("remove"):
            try:
                services.item_photo(
                    item=item,
                    actor=request.user,
                    photo=upload.read() if upload else None,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The photo is saved.") if upload else _("The photo is removed."))
                return redirect("lending_item", slug, item.pk)
        else:
            form.add_error("photo", _("Choose a photo."))
    return _page(request, item, status=400, photo_form=form)


@login_required
def photo(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    item, _membership = access.get_item_for_member(request.user, slug, item_id)  # type: ignore[arg-type]
    if not item.photo:
        raise Http404
    response = HttpResponse(photos.from_text(item.photo), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


@login_required
def item_page(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    item, _membership = access.get_item_for_member(request.user, slug, item_id)  # type: ignore[arg-type]
    return _page(request, item)


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def request_item(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    item, _membership = access.get_item_for_member(request.user, slug, item_id)  # type: ignore[arg-type]
    try:
        loan = services.request(item=item, member=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _refused(request, exc)
    else:
        if loan.state == "ready":
            messages.success(request, _("It is held for you. Arrange the pick-up with the lender."))
        else:
            messages.success(request, _("You are on the waitlist. We will tell you when it is your turn."))
    return redirect("lending_item", slug, item.pk)


_ACTIONS = {
    "lend": (services.lend, gettext_lazy("Handed over. It is due back on the date shown.")),
    "return": (services.give_back, gettext_lazy("Returned. The next person in line is told.")),
    "cancel": (services.cancel, gettext_lazy("The request is withdrawn.")),
}


@login_required
@require_POST
def loan_action(request: HttpRequest, slug: str, loan_id: int, action: str) -> HttpResponse:
    if action not in _ACTIONS:
        raise Http404
    loan = access.get_loan_for_member(request.user, slug, loan_id)  # type: ignore[arg-type]
    service, done = _ACTIONS[action]
    try:
        service(loan=loan, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, str(done))
    return redirect("lending_item", slug, loan.item_id)


@login_required
@require_POST
def repair(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    item, _membership = access.get_item_for_member(request.user, slug, item_id)  # type: ignore[arg-type]
    form = RepairForm(request.POST)
    if form.is_valid():
        try:
            services.repair_log(item=item, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The repair log is updated."))
            return redirect("lending_item", slug, item.pk)
    return _page(request, item, form, status=400)


@login_required
@require_POST
def circulation(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    item, _membership = access.get_item_for_member(request.user, slug, item_id)  # type: ignore[arg-type]
    put_back = request.POST.get("in_circulation") == "1"
    services.set_circulation(item=item, actor=request.user, in_circulation=put_back)  # type: ignore[arg-type]
    messages.success(request, _("Back in circulation.") if put_back else _("Out of circulation."))
    return redirect("lending_item", slug, item.pk)
