"""Draw the workbench's and oversight's screenshots for docs/ from a running demo.

Start the demo (`make run`, or `TACTFUL_DEMO=1 manage.py seed_demo` and `runserver`), then:

    .venv/bin/python scripts/workbench_screenshots.py [--base http://127.0.0.1:8000]

It signs in as the demo's collector, supervisor and compliance officer (their published
passwords and TOTP keys: demo mode only) with Debian's chromium, and saves each page at
390 px and at 1280 px, in simplified Chinese and English, under docs/screenshots/.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")
# Playwright's sync API runs an event loop in this thread, and the demo's TOTP codes are read
# from the database in between: one process, one thread, nothing concurrent to guard.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
OUT = ROOT / "docs" / "screenshots"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
LANGUAGES = {"zh-hans": "zh-CN", "en": "en-GB"}
CHROMIUM = "/usr/bin/chromium"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for language, locale in LANGUAGES.items():
            for size, viewport in SIZES.items():
                for user, pages in _journeys(args.base).items():
                    context = browser.new_context(viewport=viewport, locale=locale)
                    context.add_cookies(
                        [{"name": "django_language", "value": language, "url": args.base}]
                    )
                    page = context.new_page()
                    _sign_in(page, args.base, user)
                    for name, path in pages:
                        page.goto(f"{args.base}{path}")
                        target = OUT / f"{name}-{language}-{size}.png"
                        page.screenshot(path=str(target))
                        print(f"saved {target.relative_to(ROOT)}", flush=True)
                    context.close()
        browser.close()
    return 0


def _journeys(base: str) -> dict[str, list[tuple[str, str]]]:
    from tactful.casework.selectors import assignee_of
    from tactful.treatments import selectors as plans
    from tactful.treatments.models import Treatment

    plan = plans.latest_plan()
    if plan is None:
        raise SystemExit("no plan yet: seed the demo first")
    review = plans.plan_entries(plan, treatment=Treatment.REVIEW).select_related("loan").first()
    worked = [e for e in plans.plan_entries(plan).select_related("loan")[:200]
              if assignee_of(e.loan) is not None and e.treatment != Treatment.REVIEW]  # fmt: skip
    account = worked[0].loan.external_id if worked else None
    collector = [("worklist", "/staff/work/?who=all")]
    if account:
        collector.append(("account", f"/staff/work/{account}/"))
    supervisor = [("team", "/staff/team/"), ("qa-queue", "/staff/recordings/queue/")]
    if review is not None:
        supervisor.append(("review", f"/staff/work/{review.loan.external_id}/#review"))
    compliance = [
        ("oversight", "/staff/oversight/?days=30"),
        ("oversight-permits", "/staff/oversight/?days=30#permits-per-day"),
        ("oversight-avoided", "/staff/oversight/?days=30#contacts-avoided"),
        ("packs", "/staff/packs/"),
        ("reports", "/staff/reports/"),
    ]
    return {"collector": collector, "supervisor": supervisor, "compliance": compliance}


def _sign_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    from tactful.demo.staff import DEMO_PASSWORD, current_code

    for _try in range(2):
        code = current_code(username)
        if code.seconds_left < 5:  # about to change: wait for the next one
            page.wait_for_timeout((code.seconds_left + 1) * 1000)
            code = current_code(username)
        page.goto(f"{base}/staff/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.fill("#id_otp_token", code.code)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        if page.url.rstrip("/").endswith("/staff"):
            return
        page.wait_for_timeout(31_000)  # a code is used once: sign in with the next one
    raise SystemExit(f"{username} could not sign in (at {page.url})")


if __name__ == "__main__":
    raise SystemExit(main())
