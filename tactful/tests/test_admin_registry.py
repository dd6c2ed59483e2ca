"""Every model of Tactful is in the Django admin; append-only ones can only be read there."""

import pytest
from django.apps import apps
from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.audit.models import AppendOnlyModel


def tactful_models():
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("tactful.")
        for model in config.get_models()
    ]


@pytest.mark.parametrize("model", tactful_models(), ids=lambda model: model._meta.label)
def test_model_is_registered_in_the_admin(model):
    assert admin.site.is_registered(model), f"{model._meta.label} is missing from the admin"


@pytest.mark.parametrize(
    "model",
    [model for model in tactful_models() if issubclass(model, AppendOnlyModel)],
    ids=lambda model: model._meta.label,
)
def test_append_only_models_are_read_only_in_the_admin(model):
    assert isinstance(admin.site._registry[model], ReadOnlyAdmin)


@pytest.mark.django_db
@pytest.mark.parametrize("model", tactful_models(), ids=lambda model: model._meta.label)
def test_an_administrator_can_browse_every_model(client, model):
    from django.urls import reverse

    from tactful.accounts.roles import Role
    from tactful.testing.personas import make_staff, sign_in_staff

    administrator = make_staff("root", Role.ADMIN)
    administrator.is_superuser = True
    administrator.save()
    sign_in_staff(client, administrator)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_admin_needs_the_second_factor(client):
    from tactful.accounts.roles import Role
    from tactful.testing.personas import make_staff, sign_in_staff

    administrator = make_staff("root", Role.ADMIN)
    administrator.is_superuser = True
    administrator.save()
    sign_in_staff(client, administrator, verified=False)
    response = client.get("/admin/loans/loan/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("model", tactful_models(), ids=lambda model: model._meta.label)
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_every_model_is_named_in_chinese_for_a_chinese_reader(model, language):
    """The admin names every table in the reader's language (never "Ledger entrys")."""
    import re

    from django.utils import translation

    with translation.override(language):
        names = [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
    for name in names:
        assert re.search(r"[\u4e00-\u9fff]", name), (model._meta.label, name)
