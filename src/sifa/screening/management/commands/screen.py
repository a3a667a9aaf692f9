import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from sifa.core.errors import SifaError
from sifa.screening.matcher import DEFAULT_THRESHOLD, REGISTRY_COLUMNS, WATCH_COLUMNS, screen
from sifa.screening.tabular import read_people_csv


class Command(BaseCommand):
    help = (
        "核查比对：名单（person_id,name,id_number,birth_date,gender）对登记库（record_id,…）逐人比对，"
        "输出 person_id,record_id,score,reasons。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--watchlist", type=Path, required=True, help="watch list CSV (UTF-8; GBK detected)")
        parser.add_argument("--registry", type=Path, required=True, help="registry CSV")
        parser.add_argument("--out", type=Path, required=True, help="hits CSV to write")
        parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
        parser.add_argument(
            "--threshold", type=float, default=DEFAULT_THRESHOLD, help=f"minimum score (default {DEFAULT_THRESHOLD})"
        )
        parser.add_argument("--batch-size", type=int, default=50_000, help="watch-list people per batch")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0.0 <= options["threshold"] <= 1.0:
            raise CommandError("--threshold 应在 0 与 1 之间。")
        try:
            watch = read_people_csv(options["watchlist"].read_bytes(), columns=WATCH_COLUMNS, what="名单")
            registry = read_people_csv(options["registry"].read_bytes(), columns=REGISTRY_COLUMNS, what="登记库")
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        except SifaError as exc:
            raise CommandError(exc.message) from exc
        verbosity = int(options["verbosity"])
        bar = tqdm(total=1, unit="批", desc="比对", disable=verbosity < 1, file=self.stderr)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            result = screen(
                watch,
                registry,
                engine=options["engine"],
                threshold=options["threshold"],
                batch_size=options["batch_size"],
                progress=progress,
            )
        except SifaError as exc:
            raise CommandError(exc.message) from exc
        finally:
            bar.close()
        with options["out"].open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["person_id", "record_id", "score", "reasons"])
            for row in result.hits.itertuples(index=False):
                writer.writerow([row.person_id, row.record_id, f"{row.score:.6f}", row.reasons])
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"名单 {len(watch)} 人，登记库 {len(registry)} 条，比对 {result.pairs_scored} 对，"
                    f"命中 {len(result.hits)} 对 → {options['out']}"
                )
            )
