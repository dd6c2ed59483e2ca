import pytest
from django.conf import settings

from tactful.complaints.models import Complaint

SCREENSHOTS = settings.VAR_DIR / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_anyone_files_a_complaint_on_the_public_page_from_a_phone(live_server, phone_page):
    from playwright.sync_api import expect

    page = phone_page
    page.goto(f"{live_server.url}/complaints/new/")
    expect(page.get_by_role("heading", name="我要投诉")).to_be_visible()
    page.get_by_label("您要投诉什么？").select_option("contacted_others")
    page.get_by_label("发生了什么？").fill("他们给我的同事打电话，说我欠钱。")
    page.get_by_role("button", name="提交投诉").click()

    complaint = Complaint.objects.get()
    expect(page.get_by_role("heading", name=f"投诉 {complaint.number}")).to_be_visible()
    expect(page.get_by_text("调查期间，与此投诉相关的联系已暂停。")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "complaint.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name=f"Complaint {complaint.number}")).to_be_visible()
