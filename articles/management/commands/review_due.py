from django.core.management.base import BaseCommand, CommandError

from articles.models import Article


class Command(BaseCommand):
    help = (
        "List published guides whose medical review is due (never reviewed, or reviewed REVIEW_PERIOD_DAYS or "
        "more days ago), or falls due within DAYS days, with their reviewer. For a daily cron job: the exit "
        "status is 0 when nothing is due, 1 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--within", type=int, default=0, metavar="DAYS", help="Also list reviews due soon.")

    def handle(self, *args, within: int, **options):
        if within < 0:
            raise CommandError("--within must be a whole number of days, 0 or more.")
        due = Article.objects.review_due(within).select_related("reviewed_by").order_by("last_reviewed", "title")
        for article in due:
            when = f"due {article.next_review_due:%Y-%m-%d}" if article.last_reviewed else "never reviewed"
            reviewer = article.reviewed_by.name if article.reviewed_by else "no reviewer"
            self.stdout.write(f"{when}  {article.title} ({reviewer})  {article.get_absolute_url()}")
        count = len(due)
        soon = f" or within {within} days" if within else ""
        self.stdout.write(f"{count} guide{'s' if count != 1 else ''} due for medical review now{soon}.")
        if count:
            raise SystemExit(1)
