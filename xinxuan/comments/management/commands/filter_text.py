"""Filter texts from files or standard input against the lexicon: the database's lists,
or lexicon and whitelist files.  Prints a row (or a JSON line) per text."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from xinxuan.comments import filtering, lexicon


class Command(BaseCommand):
    help = "Filter texts (one a line, or JSON lines) against the comment lexicon."

    def add_arguments(self, parser) -> None:
        lexicon.add_arguments(parser)

    def handle(self, *args, **options) -> None:
        args_ns = type("Args", (), {k: v for k, v in options.items()})
        try:
            if options["lexicon"]:
                checker = lexicon.Lexicon.from_files(
                    options["lexicon"], options["whitelist"], options=lexicon.options_from(args_ns)
                )
            else:
                base = filtering.build()
                checker = lexicon.Lexicon(
                    base.entries,
                    base.whitelist + self._whitelist(options["whitelist"]),
                    lexicon.options_from(args_ns),
                )
            texts = lexicon.read_texts(
                lexicon.input_lines(options["inputs"]), json_lines=options["jsonl"]
            )
            lexicon.run(checker, texts, as_json=options["json"], out=self.stdout)
        except (lexicon.LexiconError, OSError) as error:
            raise CommandError(str(error)) from error

    def _whitelist(self, paths: list[str]) -> list[str]:
        words: list[str] = []
        for path in paths:
            with open(path, encoding="utf-8") as handle:
                words += lexicon.parse_whitelist(handle.read())
        return words
