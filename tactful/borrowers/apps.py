from django.apps import AppConfig


class BorrowersConfig(AppConfig):
    name = "tactful.borrowers"
    verbose_name = "Borrowers"

    def ready(self) -> None:
        # The key rotations rewrite what this app keeps encrypted and indexed.
        from tactful.borrowers.models import (
            NATIONAL_ID_INDEX_KIND,
            PHONE_INDEX_KIND,
            Borrower,
            PhoneNumber,
        )
        from tactful.privacy.columns import EncryptedModel, IndexedValues, register

        register(
            EncryptedModel("borrowers", Borrower),
            EncryptedModel("phone_numbers", PhoneNumber),
            IndexedValues(
                "borrowers", Borrower, "national_id", "national_id_index", NATIONAL_ID_INDEX_KIND
            ),
            IndexedValues("phone_numbers", PhoneNumber, "e164", "e164_index", PHONE_INDEX_KIND),
        )
