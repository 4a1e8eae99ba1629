"""Load the demo: Smart Ibérica's story from 2017 to today, and three demo users.

Idempotent: running it twice changes nothing (the story is loaded once, the users
are only corrected). --reset deletes every record and the demo users first.
Refuses to run with debug off unless --force is given, because it creates
accounts with a known password.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from banking import actions as banking_actions
from funding import actions as funding_actions
from services import actions as services_actions
from smartiberica.board.alert_actions import alert_rules_subscribe
from smartiberica.board.closing import closings_wipe
from smartiberica.board.figures import years_with_data
from smartiberica.board.scenario_actions import scenarios_wipe
from smartiberica.demo import story as demo
from smartiberica.demo.story_bank import load_bank
from smartiberica.demo.story_closing import close_story_years
from smartiberica.demo.story_scenarios import load_scenarios
from smartiberica.kernel.context_processors import DEMO_CACHE_KEY
from smartiberica.kernel.dates import today
from smartiberica.kernel.models import DemoDataset
from smartiberica.kernel.roles import BOARD, STAFF

DEMO_USERS = (
    # username, group, is_staff (admin access), is_superuser
    ("board", BOARD, True, False),
    ("staff", STAFF, True, False),
    ("admin", None, True, True),
)


class Command(BaseCommand):
    help = "Load the demo data and the demo users board, staff and admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="demo", help="password of the demo users (default: demo)")
        parser.add_argument("--force", action="store_true", help="run even with DJANGO_DEBUG off")
        parser.add_argument("--reset", action="store_true", help="delete the demo users first, then load")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to load demo data with DJANGO_DEBUG off: it creates accounts with a known "
                "password. Use --force if you really mean it."
            )
        password: str = options["password"]
        with transaction.atomic():
            if options["reset"]:
                # Scenarios name sources, clients and users (protected): they go first. Invoices and
                # payments refer to nothing in funding, so they go before the funding records.
                scenarios_wipe()
                closings_wipe()
                banking_actions.records_wipe()
                services_actions.records_wipe()
                funding_actions.records_wipe()
                DemoDataset.objects.all().delete()
                get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS]).delete()
            for username, group_name, is_staff, is_superuser in DEMO_USERS:
                self._ensure_user(username, group_name, is_staff, is_superuser, password)
            if DemoDataset.objects.exists():
                self.stdout.write("The demo story is already loaded: nothing to do (--reset starts over).")
            elif years_with_data():
                raise CommandError(
                    "The database already holds records that are not the demo's: "
                    "refusing to mix them (--reset deletes every record first)."
                )
            else:
                until = today()
                summary = demo.load(today=until)
                DemoDataset.objects.create(story_until=until)
                approver = get_user_model().objects.get(username="board")
                closed, token = close_story_years(today=until, approver=approver)
                scenarios = load_scenarios(today=until, author=approver)
                bank = load_bank(today=until, user=get_user_model().objects.get(username="staff"))
                # The board member hears of every alert rule (docs/alerts.md); staff set the rules.
                staff = get_user_model().objects.get(username="staff")
                told = alert_rules_subscribe(by=staff, users=[approver])
                self.stdout.write(
                    f"Loaded the story {demo.FIRST_YEAR}–{until.year}: {summary.invoices} invoices, "
                    f"{summary.payments} payments, {summary.expenses} expenses, {summary.receipts} receipts, "
                    f"{summary.months} months of member turnover."
                )
                self.stdout.write(
                    f"Approved and closed {closed[0]}–{closed[-1]}; the {closed[-1]} pack is shared with "
                    f"Smart Belgium at /shared/{token}/"
                )
                self.stdout.write(f"Wrote {scenarios} projection scenarios (/scenarios/).")
                self.stdout.write(
                    f"Imported {bank.statements} bank statements of 2 accounts ({bank.lines} lines); "
                    f"{bank.lines - bank.reconciled} lines are left to reconcile (/bank/)."
                )
                self.stdout.write(f"Subscribed the board user to the {told} alert rules (send_alerts).")
        cache.delete(DEMO_CACHE_KEY)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Log in with:"))
        for username, group_name, _, is_superuser in DEMO_USERS:
            role = "superuser" if is_superuser else group_name
            self.stdout.write(f"  {username:<6} / {password:<8} ({role})")

    def _ensure_user(
        self, username: str, group_name: str | None, is_staff: bool, is_superuser: bool, password: str
    ) -> None:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            # An address at a reserved domain, so the alert digest has somewhere to write (the console).
            defaults={"is_staff": is_staff, "is_superuser": is_superuser, "email": f"{username}@example.org"},
        )
        changed = created
        if user.is_staff != is_staff or user.is_superuser != is_superuser:
            user.is_staff, user.is_superuser = is_staff, is_superuser
            changed = True
        if not user.check_password(password):
            user.set_password(password)
            changed = True
        if changed:
            user.save()
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
