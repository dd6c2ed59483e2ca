from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "tactful.contacts"
    verbose_name = "Contacts and permits"
