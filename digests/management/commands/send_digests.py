"""Send the weekly digests now: the same planning and delivery code as the Celery task,
run in this process, one recipient after another."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from agencies.languages import language_for_recipient
from digests import content, services
from digests.models import DigestDelivery


class Command(BaseCommand):
    help = "Send this week's digests now (the code path of the weekly Celery task)."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week, e.g. 2026-W48 (default: this week).")
        parser.add_argument("--user", dest="username", help="Only this user's digests.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would get what; send and record nothing.",
        )

    def handle(self, *args, week=None, username=None, dry_run=False, **options):
        try:
            week = content.parse_week(week) if week else content.current_week()
        except ValueError as problem:
            raise CommandError(str(problem)) from None
        if username and not get_user_model().objects.filter(username=username).exists():
            raise CommandError(f"There is no user named “{username}”.")
        if dry_run:
            self._dry_run(week, username)
            return

        delivery_ids = services.digest_plan_week(week=week, username=username)
        # One builder for the run: every organisation's agenda is read once, up front.
        builder = content.DigestBuilder(week, whole_run=not username)
        outcomes = {}
        for delivery_id in delivery_ids:
            try:
                outcome = services.digest_deliver(delivery_id=delivery_id, builder=builder)
            except services.DigestSendFailed as problem:
                outcome = "failed"
                self.stderr.write(f"Delivery {delivery_id} failed: {problem}")
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
        self.stdout.write(f"Week {week}: {summary or 'nothing left to send'}.")

    def _dry_run(self, week, username):
        recipients = content.digest_recipients(username)
        builder = content.DigestBuilder(week, whole_run=not username)
        self.stdout.write(f"Week {week}, dry run: nothing is sent or recorded.")
        for user, kind in recipients:
            digest = builder.build(user, kind)
            if digest.is_empty:
                what = "nothing to send"
            elif kind == DigestDelivery.Kind.FOCAL_POINT:
                what = (
                    f"{len(digest.overdue)} overdue, {len(digest.due_soon)} due soon, "
                    f"{len(digest.stale)} without update, {len(digest.changes)} changes"
                )
            else:
                what = (
                    f"overview: {digest.overdue_count} overdue, "
                    f"{len(digest.quiet_organisations)} quiet organisations, "
                    f"{len(digest.changes)} changes"
                )
            language = language_for_recipient(user)
            self.stdout.write(f"  {user.username} <{user.email}> {kind}: {what} ({language})")
        if not recipients:
            self.stdout.write("  No recipients.")
