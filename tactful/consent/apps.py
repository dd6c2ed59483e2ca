from django.apps import AppConfig


class ConsentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tactful.consent"

    def ready(self) -> None:
        from tactful.consent.facts import ConsentRecords
        from tactful.contacts.ports import use_consent_source

        # The gate reads consent through its port; this app is where consent is kept.
        use_consent_source(ConsentRecords())
        _register_personal_data()


def _register_personal_data() -> None:
    # The key rotations rewrite the designations' sealed names and numbers, re-index their
    # numbers, and carry refusals and erased designations over to the current index key.
    from tactful.borrowers.models import PHONE_INDEX_KIND
    from tactful.consent.models import EmergencyContact, NumberRefusal
    from tactful.consent.services.emergency_contacts import (
        carry_erased_designations,
        carry_refusals,
    )
    from tactful.privacy.columns import IndexedValues, IndexOnlyRows, SealedColumns, register

    register(
        SealedColumns(
            "emergency_contacts", EmergencyContact, ("phone_encrypted", "name_encrypted")
        ),
        IndexedValues(
            "emergency_contacts",
            EmergencyContact,
            "phone_encrypted",
            "phone_index",
            PHONE_INDEX_KIND,
            sealed=True,
        ),
        IndexOnlyRows(
            "refusals",
            lambda: NumberRefusal.objects.values_list("phone_index", flat=True),
            carry_refusals,
        ),
        IndexOnlyRows(
            "erased_designations",
            lambda: EmergencyContact.objects.filter(phone_encrypted="").values_list(
                "phone_index", flat=True
            ),
            carry_erased_designations,
        ),
    )
