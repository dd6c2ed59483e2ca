"""Every column that holds personal data encrypted is registered, so the rotations reach it."""

from django.apps import apps

from tactful.privacy.columns import REGISTRY, EncryptedModel, IndexedValues, SealedColumns
from tactful.privacy.fields import BlindIndexField
from tactful.privacy.services.key_rotation import encrypted_columns


def test_every_model_with_an_encrypted_field_is_registered():
    registered = {encrypted.model for encrypted in REGISTRY.of_kind(EncryptedModel)}
    holding = {model for model in apps.get_models() if encrypted_columns(model)}

    assert holding, "no model has an encrypted field: the check would pass vacuously"
    assert holding <= registered


def test_every_sealed_column_is_registered():
    # Ciphertext in a plain text field is named *_encrypted by convention.
    sealed = {
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.name.endswith("_encrypted")
    }
    registered = {
        (columns.model, name)
        for columns in REGISTRY.of_kind(SealedColumns)
        for name in columns.fields
    }

    assert sealed
    assert sealed <= registered


def test_every_blind_index_is_re_indexed_or_kept_on_purpose():
    indexed = {
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, BlindIndexField) or field.name == "phone_index"
    }
    registered = {(values.model, values.index_field) for values in REGISTRY.of_kind(IndexedValues)}
    # Index-only rows keep the index they were made under, or get an equivalent row.
    kept_as_they_are = {
        (model, name)
        for model, name in indexed
        if model._meta.label in {"consent.NumberRefusal", "rights.RightsRequest"}
    }

    assert indexed - kept_as_they_are <= registered
