"""The applicant's form in a real Chromium, in Dari (right-to-left), from the first screen to the
reference number, on a phone-sized screen and without running any script of ours."""

import re

import pytest

from evac.cases.models import Application
from evac.conftest import make_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_applicant_applies_in_dari_from_first_screen_to_reference_number(browser_page):
    page = browser_page
    make_org("canada")

    page.goto("/apply/")
    page.locator("ul.choices").get_by_role("link", name="دری").click()
    page.wait_for_url("**/apply/fa/program/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "fa"
    page.screenshot(path="var/browser-intake-program.png", full_page=True)
    page.locator("button[type=submit].primary").click()

    page.wait_for_url("**/apply/fa/applicant/")
    page.locator("#id_native_name").fill("حمیدالله")
    page.locator("#id_father_name").fill("گل احمد")
    page.locator("#id_birth_date").fill("۱۳۶۵")
    page.locator("#id_tazkira_number").fill("1400-0101-12345678")
    page.screenshot(path="var/browser-intake-applicant.png", full_page=True)
    page.locator("button[type=submit].primary").click()

    page.wait_for_url("**/apply/fa/family/")
    page.locator("a.button[href$='/family/add/']").click()
    page.locator("#id_relationship").select_option("child")
    page.locator("#id_native_name").fill("مریم")
    page.locator("#id_birth_date").fill("1395")
    page.locator("button[type=submit].primary").click()
    page.wait_for_url("**/apply/fa/family/")
    assert "مریم" in page.locator("ul.people").inner_text()
    page.locator("form:not(.discard) button[type=submit].primary").click()

    page.wait_for_url("**/apply/fa/employment/")
    page.locator("#id_employer_name").fill("Canada Armed Forces")
    page.locator("#id_role").select_option("interpreter")
    page.locator("#id_start").fill("1388")
    page.locator("button[type=submit].primary").click()

    page.wait_for_url("**/apply/fa/contact/")
    page.locator("#id_phone").fill("+93 79 912 3456")
    page.locator("#id_province").select_option("AF-KAN")
    page.locator("button[type=submit].primary").click()

    page.wait_for_url("**/apply/fa/review/")
    trap = page.locator(".extra-field").bounding_box()
    assert trap["width"] <= 1 and trap["height"] <= 1
    # Nothing sticks out sideways: on a phone in right-to-left the page must not scroll horizontally.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#id_confirm").check()
    page.screenshot(path="var/browser-intake-review.png", full_page=True)
    page.locator("form:not(.discard) button[type=submit].primary").click()

    page.wait_for_url("**/apply/fa/done/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}", reference)
    page.screenshot(path="var/browser-intake-done.png", full_page=True)
    case = Application.objects.get()
    assert case.display_reference == reference and case.language == "fa"
    assert case.principal_name == "حمیدالله" and case.family_size == 2
