import time

from django.core.management.base import BaseCommand, CommandError

from core.progress import progress_bar
from fatigue_site import synthetic


class Command(BaseCommand):
    help = (
        "For benchmarking only: make synthetic guides and products ('Synthetic guide 1234', filler text, a "
        "synthetic author and reviewer) until there are --guides and --products of them. --clear first "
        "deletes every synthetic row (slugs starting 'synthetic-') and nothing else. Refuses a database that "
        "holds guides or products besides the demo content's unless --force. On a terminal it shows progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--guides", type=int, default=10_000, metavar="N", help="Synthetic guides (10000).")
        parser.add_argument("--products", type=int, default=5_000, metavar="N", help="Synthetic products (5000).")
        parser.add_argument("--clear", action="store_true", help="Delete the synthetic rows first.")
        parser.add_argument("--force", action="store_true", help="Load beside the site's own guides and products.")

    def handle(self, *args, guides: int, products: int, clear: bool, force: bool, **options):
        if guides < 0 or products < 0:
            raise CommandError("--guides and --products must be whole numbers, 0 or more.")
        if clear:
            removed = synthetic.clear()
            self.stdout.write(f"Deleted {removed.guides} synthetic guides and {removed.products} synthetic products.")
        own = synthetic.foreign_content()
        if (guides or products) and any(own.values()) and not force:
            raise CommandError(
                f"This database holds guides or products of its own (guides: {own['guides']}, products: "
                f"{own['products']}, besides the demo content): a synthetic catalogue would be mixed into them. "
                "Use a database kept for benchmarking, or --force."
            )
        bar = progress_bar(options)
        started, before = time.monotonic(), synthetic.present()
        with bar:
            tasks = {
                kind: bar.add_task(f"Synthetic {kind}", total=max(total, done), completed=done)
                for kind, total, done in (("products", products, before.products), ("guides", guides, before.guides))
            }
            loaded = synthetic.load(guides, products, progress=lambda kind, made: bar.advance(tasks[kind], made))
        now = synthetic.present()
        self.stdout.write(
            f"Made {loaded.guides} synthetic guides and {loaded.products} synthetic products in "
            f"{time.monotonic() - started:.1f} s; the database holds {now.guides} and {now.products}."
        )
