from __future__ import annotations

from django.contrib.auth.models import AbstractUser

from tactful.accounts.roles import Role


class User(AbstractUser):
    """A member of staff. Borrowers are not users: they sign in with a one-time code."""

    def roles(self) -> set[Role]:
        names = set(self.groups.values_list("name", flat=True))
        return {role for role in Role if role.value in names}

    def has_role(self, *roles: Role) -> bool:
        return self.is_superuser or bool(self.roles() & set(roles))
