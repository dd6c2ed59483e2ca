from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "tactful.rights"
    verbose_name = "Data-subject rights"

    def ready(self) -> None:
        # The key rotations rewrite the sealed values of correction requests; a third
        # party's request keeps the index it was made under (a record, never carried over).
        from tactful.privacy.columns import IndexOnlyRows, SealedColumns, register
        from tactful.rights.models import RightsRequest

        register(
            SealedColumns("rights_requests", RightsRequest, ("value_encrypted", "note_encrypted")),
            IndexOnlyRows(
                "third_party_requests",
                lambda: RightsRequest.objects.exclude(phone_index="").values_list(
                    "phone_index", flat=True
                ),
            ),
        )
