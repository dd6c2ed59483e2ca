from django.urls import path

from tactful.consent import rights_views, third_party_views, views

app_name = "consent"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/stop/", views.verify_stop, name="verify-stop"),
    path("verify/number/", views.verify_number, name="verify-number"),
    path("verify/rights/", third_party_views.start, name="third-party-start"),
    path("verify/rights/code/", third_party_views.code, name="third-party-code"),
    path("verify/rights/mine/", third_party_views.data, name="third-party-data"),
    path("verify/rights/stop/", third_party_views.stop, name="third-party-stop"),
    path("verify/rights/erase/", third_party_views.erase, name="third-party-erase"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("portal/privacy/", views.privacy, name="privacy"),
    path("portal/privacy/withdraw/", views.withdraw, name="withdraw"),
    path("portal/privacy/contacts/", views.add_contact, name="add-contact"),
    path("portal/privacy/ledger/", views.ledger, name="ledger"),
    path("portal/privacy/ledger/evidence.json", views.ledger_json, name="ledger-json"),
    path("portal/privacy/ledger/evidence.pdf", views.ledger_pdf, name="ledger-pdf"),
    path("portal/privacy/rights/", rights_views.rights_page, name="rights"),
    path("portal/privacy/rights/my-data.json", rights_views.export, name="rights-export"),
    path("portal/privacy/rights/my-data.pdf", rights_views.export_pdf, name="rights-export-pdf"),
    path("portal/privacy/rights/correction/", rights_views.correction, name="rights-correction"),
    path("portal/privacy/rights/erasure/", rights_views.erasure, name="rights-erasure"),
]
