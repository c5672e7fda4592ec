from collections import defaultdict
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from rich.progress import Progress

from articles import linkcheck
from articles.models import Reference
from core.outbound import PublicOnlyBackend
from core.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Check the URL of every source guides cite and record the HTTP status (or the error) and the date on "
        "it; the admin's source list filters the broken ones. Only public http(s) addresses are asked, "
        "redirects included; any other is recorded as not checked. Sources with only a DOI or PubMed ID are "
        "skipped. On a terminal it shows progress; otherwise (cron) it prints only the summary. The exit "
        "status is 0 when no link is broken, 1 otherwise."
    )

    # Tests pass their own network (a resolver, and local servers allowed); the command line cannot.
    stealth_options = ("backend",)

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=8, metavar="N", help="Requests at a time (8).")
        parser.add_argument(
            "--timeout", type=float, default=10, metavar="SECONDS", help="Wait for each request (10 s)."
        )
        parser.add_argument("--only-broken", action="store_true", help="Check only the links broken last time.")
        parser.add_argument(
            "--older-than", type=int, metavar="DAYS", dest="days", help="Skip links checked in the last DAYS days."
        )

    def handle(self, *args, concurrency: int, timeout: float, only_broken: bool, days: int | None, **options):
        if concurrency < 1:
            raise CommandError("--concurrency must be a whole number, 1 or more.")
        if not timeout > 0:
            raise CommandError("--timeout must be a number of seconds above 0.")
        if days is not None and days < 1:
            raise CommandError("--older-than must be a whole number of days, 1 or more.")
        references = Reference.objects.exclude(url="")
        if only_broken:
            references = references.broken()
        if days is not None:
            checked_before = timezone.now() - timedelta(days=days)
            references = references.filter(Q(checked_at__isnull=True) | Q(checked_at__lt=checked_before))
        by_url: dict[str, list[int]] = defaultdict(list)  # sources citing the same URL share one request
        for pk, url in references.values_list("pk", "url"):
            by_url[url].append(pk)

        checked = self.check_and_record(
            by_url, timeout=timeout, concurrency=concurrency, bar=progress_bar(options), backend=options.get("backend")
        )

        broken = Reference.objects.filter(pk__in=checked).broken().select_related("article")
        broken = broken.order_by("article__title", "order", "pk")
        count = len(broken)
        links = "link" if len(checked) == 1 else "links"
        self.stdout.write(f"Checked {len(checked)} {links}: {len(checked) - count} OK, {count} broken.")
        if skipped := Reference.objects.filter(url="").count():
            sources = "source" if skipped == 1 else "sources"
            self.stdout.write(f"Skipped {skipped} {sources} without a URL (DOI or PubMed ID only).")
        for reference in broken:
            self.stdout.write(
                f"{reference.article.title}: {reference.title}  {reference.url}  {reference.check_outcome}"
            )
        if count:
            raise SystemExit(1)

    def check_and_record(
        self,
        by_url: dict[str, list[int]],
        *,
        timeout: float,
        concurrency: int,
        bar: Progress,
        backend: PublicOnlyBackend | None = None,
    ) -> list[int]:
        """Check each URL and record its result on the sources citing it, advancing `bar`; return their pks."""
        results = linkcheck.check_urls(by_url, timeout=timeout, concurrency=concurrency, backend=backend)
        checked: list[int] = []
        with bar:
            task = bar.add_task("Checking links", total=len(by_url))
            for url, result in results:
                # update(), not save(): no history entry and no re-rendering of the guide for a check,
                # whose result only the admin shows (so the shared pages need no new generation either).
                Reference.objects.filter(pk__in=by_url[url]).update(
                    checked_at=timezone.now(), check_status=result.status, check_error=result.error
                )
                checked += by_url[url]
                bar.advance(task)
        return checked
