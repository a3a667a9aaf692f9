"""`sifa audit verify | proof | checkpoint`: check the ledger, export proofs, sign checkpoints."""

import json
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifa.audit import checkpoints, proofs
from sifa.audit.verify import verify_log


class Command(BaseCommand):
    help = "审计日志：verify 校验整条日志与检查点，proof 导出包含/一致性证明，checkpoint 签发检查点。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="rebuild the Merkle tree and check every entry and checkpoint")
        verify.add_argument("--dir", type=Path, help="checkpoint directory (default SIFA_CHECKPOINT_DIR)")
        verify.add_argument("--no-progress", action="store_true", help="no progress bar")
        proof = sub.add_parser("proof", help="export an inclusion proof (--seq) or a consistency proof (--from-size)")
        what = proof.add_mutually_exclusive_group(required=True)
        what.add_argument("--seq", type=int, help="the entry to prove")
        what.add_argument("--from-size", type=int, help="prove the tree of this size is a prefix of --size")
        proof.add_argument("--size", type=int, help="tree size of a signed checkpoint (default: the latest)")
        proof.add_argument("--out", type=Path, help="write the JSON here (default: stdout)")
        proof.add_argument("--dir", type=Path, help="checkpoint directory (default SIFA_CHECKPOINT_DIR)")
        cp = sub.add_parser("checkpoint", help="sign a checkpoint of the log now (if it grew)")
        cp.add_argument("--dir", type=Path, help="checkpoint directory (default SIFA_CHECKPOINT_DIR)")
        cp.add_argument("--schedule", action="store_true", help="also (re)start the per-minute checkpoint task")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            self._verify(options)
        elif action == "proof":
            self._proof(options)
        else:
            self._checkpoint(options)

    def _verify(self, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        report = verify_log(directory=options["dir"], progress=None if not options["no_progress"] else False)
        elapsed = time.perf_counter() - started
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"OK: log {report.log_id}, {report.entries} entries, root {report.root_hash.hex()}, "
                    f"{report.checkpoints_checked} checkpoint(s) match ({elapsed:.1f} s)"
                )
            )
            self._settling(report)
            if report.entries and report.latest_checkpoint is None:
                self.stdout.write(self.style.WARNING("no checkpoint covers the log yet: run `sifa audit checkpoint`"))
            elif report.latest_checkpoint and report.latest_checkpoint.tree_size < report.entries:
                uncovered = report.entries - report.latest_checkpoint.tree_size
                self.stdout.write(f"{uncovered} newest entr{'y' if uncovered == 1 else 'ies'} not yet in a checkpoint")
            return
        self._settling(report)
        for problem in report.problems:
            self.stderr.write(f"- {problem.message}")
        if report.problem_count > len(report.problems):
            self.stderr.write(f"- … and {report.problem_count - len(report.problems)} more")
        first = report.first_bad_seq
        named = f"first bad entry: {first}" if first is not None else "the checkpoints do not hold"
        raise CommandError(f"audit log {report.log_id} FAILED verification ({named})", returncode=1)

    def _settling(self, report: Any) -> None:
        """Void entries and numbers not (yet) in the log above the latest checkpoint (PostgreSQL)."""
        if report.voids:
            shown = ", ".join(str(seq) for seq in report.voids[:20]) + (" …" if len(report.voids) > 20 else "")
            self.stdout.write(
                f"{len(report.voids)} void entr{'y' if len(report.voids) == 1 else 'ies'}: {shown} (numbers whose "
                "transaction never committed, filled and signed by the checkpointer)"
            )
        if report.unsettled:
            shown = ", ".join(f"{a}" if a == b else f"{a}..{b}" for a, b in report.unsettled[:20])
            self.stdout.write(
                f"not (yet) in the log, above the latest checkpoint: {shown} (still committing, or taken by a "
                "transaction that failed: voided by the checkpointer after the grace period)"
            )

    def _proof(self, options: dict[str, Any]) -> None:
        try:
            if options["seq"] is not None:
                doc = proofs.inclusion_proof(seq=options["seq"], tree_size=options["size"], directory=options["dir"])
            else:
                doc = proofs.consistency_proof(
                    old_size=options["from_size"], new_size=options["size"], directory=options["dir"]
                )
        except (proofs.ProofError, checkpoints.LedgerIntegrityError) as exc:
            raise CommandError(str(exc), returncode=1) from exc
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
        if options["out"] is None:
            self.stdout.write(text, ending="")
            return
        options["out"].write_text(text)
        self.stdout.write(
            f"wrote {options['out']}; check it with: python -m sifa.audit.offline {options['out']} "
            f"--public-key {doc.get('tree_head', doc.get('new_tree_head', {})).get('public_key')}"
        )

    def _checkpoint(self, options: dict[str, Any]) -> None:
        try:
            head = checkpoints.create(directory=options["dir"])
        except checkpoints.LedgerIntegrityError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        if head is None:
            self.stdout.write("the log has not grown since the latest checkpoint; nothing to sign")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"checkpoint: {head.tree_size} entries, root {head.root_hash.hex()}, {head.timestamp}"
                )
            )
        if options["schedule"]:
            from sifa.audit.tasks import CHECKPOINT_INTERVAL, ensure_checkpoint_schedule

            queued = ensure_checkpoint_schedule(delay=CHECKPOINT_INTERVAL)
            self.stdout.write("checkpoint task queued" if queued else "checkpoint task already queued (or no queue)")
