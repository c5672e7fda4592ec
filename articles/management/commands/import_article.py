from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importing import ArticleImportError, import_article


class Command(BaseCommand):
    help = "Import a guide from a Markdown file with YAML front matter (see the README)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--replace", action="store_true", help="Overwrite a guide with the same slug.")

    def handle(self, *args, path: Path, replace: bool, **options):
        try:
            article, created = import_article(path, replace=replace)
        except ArticleImportError as error:
            raise CommandError(str(error)) from None
        verb = "Imported" if created else "Replaced"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} '{article.title}' ({article.faqs.count()} FAQs) at {article.get_absolute_url()}"
            )
        )
