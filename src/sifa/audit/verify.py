"""`sifa audit verify`: rebuild the Merkle tree from the stored entry fields and check it.

One pass over the log in sequence order: every entry's bytes are rebuilt from its columns and hashed
(an entry whose fields no longer hash to its stored leaf hash is named), numbers must run 1, 2, 3 …
without gaps (a missing or moved entry is named), and at each checkpoint's tree size the root of the
rebuilt tree must equal the signed root (a log rewritten *with* fresh leaf hashes is caught there,
and the rewritten range narrowed down with the checkpoint's compact range). Checkpoints beyond the
end of the log name the first missing entry.

On PostgreSQL numbers are taken without a lock and entries may become visible out of number order
(see `voids`): above the latest checkpoint a missing number may belong to a transaction still
committing, or to one that failed and is not voided yet. There the tree stops at the first gap, the
gap is reported as unsettled (not a problem) and later entries are still checked against their own
hashes. Below the latest checkpoint every number must be present, as on SQLite. Void entries are
accepted when their signature holds, reported, and named as forged otherwise.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any

from django.db import connection
from tqdm import tqdm

from sifa.audit import checkpoints, merkle, selectors, voids
from sifa.audit.treehead import TreeHead, TreeHeadError
from sifa.core import crypto

MAX_PROBLEMS = 100


@dataclass(frozen=True)
class Problem:
    kind: str  # missing | altered | reordered | rewritten | extra | forged_void | checkpoint | foreign_log
    message: str
    seq: int | None = None  # the first bad entry when it is known exactly
    seq_range: tuple[int, int] | None = None  # otherwise the range it lies in


class Scanner:
    """Consumes (seq, stored leaf hash, entry bytes) batches in order and grows the tree.

    `gaps_after` (PostgreSQL): numbers above it may be missing for a while (still committing, or
    awaiting their void). The first such gap stops the tree there (`tree.size`); it and later gaps
    are listed in `gaps`, not as problems, and later entries are still checked against their hashes.
    Without it (SQLite, where numbering is gapless inside the writing transaction) a gap is a problem.
    """

    def __init__(
        self, *, tree: merkle.CompactRange, checkpoints: Sequence[TreeHead] = (), gaps_after: int | None = None
    ) -> None:
        self.tree = tree
        self.expected = tree.size + 1
        self.entries = 0
        self.broken = False
        self.gaps_after = gaps_after
        self.stopped = False  # a tolerated gap was met: the tree ends before it
        self.gaps: list[tuple[int, int]] = []
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.checkpoints = sorted((c for c in checkpoints if c.tree_size > tree.size), key=lambda c: c.tree_size)
        self.checked: list[TreeHead] = []
        self._next = 0
        self._last_good = tree.size

    def _problem(self, problem: Problem) -> None:
        self.broken = True
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def feed(self, rows: Sequence[Any]) -> None:
        n = len(rows)
        if not n:
            return
        if (
            not self.broken
            and not self.stopped
            and rows[0][0] == self.expected
            and rows[-1][0] == self.expected + n - 1
        ):
            leaves = [sha256(b"\x00" + r[2]).digest() for r in rows]
            if leaves == [r[1] for r in rows]:
                self._grow(leaves)
                self.expected += n
                self.entries += n
                return
        self._feed_slowly(rows)

    def _feed_slowly(self, rows: Sequence[Any]) -> None:
        for seq, stored, body in rows:
            self.entries += 1
            if not isinstance(seq, int):
                self._problem(Problem("altered", f"entry after {self.expected - 1} has a malformed number {seq!r}"))
                continue
            if seq != self.expected:
                if seq > self.expected and self.gaps_after is not None and self.expected > self.gaps_after:
                    self.gaps.append((self.expected, seq - 1))
                    self.stopped = True
                elif seq > self.expected:
                    gap = f"entry {self.expected} is missing"
                    if seq - 1 > self.expected:
                        gap = f"entries {self.expected}..{seq - 1} are missing"
                    self._problem(Problem("missing", gap, seq=self.expected))
                else:
                    self._problem(Problem("reordered", f"entry {seq} appears again after {self.expected - 1}", seq=seq))
            leaf = merkle.leaf_hash(bytes(body))
            if leaf != bytes(stored):
                self._problem(
                    Problem("altered", f"entry {seq} was altered or moved: its fields do not hash to its leaf", seq=seq)
                )
            elif not self.broken and not self.stopped:
                self._grow([leaf])
            self.expected = max(self.expected, seq + 1)

    def _grow(self, leaves: list[bytes]) -> None:
        start = self.tree.size
        end = start + len(leaves)
        done = 0
        while self._next < len(self.checkpoints) and self.checkpoints[self._next].tree_size <= end:
            head = self.checkpoints[self._next]
            self._next += 1
            upto = head.tree_size - start
            self.tree.extend(leaves[done:upto])
            done = upto
            self._check(head)
            if self.broken:
                return
        self.tree.extend(leaves[done:])

    def _check(self, head: TreeHead) -> None:
        if self.tree.root() == head.root_hash:
            self.checked.append(head)
            self._last_good = head.tree_size
            return
        lo, hi = self._last_good + 1, head.tree_size
        for (start, end), ours, theirs in zip(self.tree.subtrees(), self.tree.hashes, head.compact_range, strict=False):
            if ours != theirs:
                lo, hi = max(start, self._last_good) + 1, end
                break
        where = f"entry {lo}" if lo == hi else f"entries {lo}..{hi}"
        self._problem(
            Problem(
                "rewritten",
                f"the log does not match the checkpoint of {head.tree_size} entries signed at {head.timestamp}: "
                f"entries were rewritten with recomputed hashes; the first rewritten entry is among {where}",
                seq=lo if lo == hi else None,
                seq_range=(lo, hi),
            )
        )

    def finish(self, *, expected_size: int | None = None) -> None:
        last = self.expected - 1
        if not self.broken and self._next < len(self.checkpoints):
            head = self.checkpoints[self._next]
            self._problem(
                Problem(
                    "missing",
                    f"entries {last + 1}..{head.tree_size} are missing: the checkpoint signed at {head.timestamp} "
                    f"covers {head.tree_size} entries, the log ends at {last}",
                    seq=last + 1,
                )
            )
        if expected_size is not None and last < expected_size:
            if self.gaps_after is not None and last >= self.gaps_after:
                self.gaps.append((last + 1, expected_size))  # issued, not visible: committing or failed
                return
            self._problem(
                Problem(
                    "missing", f"the sequencer issued {expected_size} numbers, the log ends at {last}", seq=last + 1
                )
            )


def forged_void(seq: int) -> Problem:
    return Problem(
        "forged_void",
        f"entry {seq} is a void entry without a valid signature of this deployment's key: forged (a void "
        "is written only by the checkpointer, for a number whose transaction never committed)",
        seq=seq,
    )


@dataclass
class Report:
    log_id: str
    entries: int = 0
    tree_size: int = 0
    root_hash: bytes = merkle.EMPTY_ROOT
    checkpoints_checked: int = 0
    latest_checkpoint: TreeHead | None = None
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    voids: list[int] = field(default_factory=list)  # numbers filled by signed void entries
    unsettled: list[tuple[int, int]] = field(default_factory=list)  # missing above the latest checkpoint

    @property
    def ok(self) -> bool:
        return not self.problem_count

    @property
    def first_bad_seq(self) -> int | None:
        """The first altered, missing or moved entry (the start of the range when only a range is known)."""
        seqs = [p.seq for p in self.problems if p.seq is not None]
        seqs += [p.seq_range[0] for p in self.problems if p.seq is None and p.seq_range is not None]
        return min(seqs) if seqs else None


def _load_checkpoints(log_id: str, directory: Path | None, report: Report) -> list[TreeHead]:
    def problem(p: Problem) -> None:
        report.problem_count += 1
        if len(report.problems) < MAX_PROBLEMS:
            report.problems.append(p)

    root = checkpoints.checkpoint_dir(directory)
    for other in checkpoints.log_ids(directory):
        if other != log_id:
            count = sum(1 for _ in checkpoints.iter_files(other, directory))
            problem(
                Problem(
                    "foreign_log",
                    f"{root / other} holds {count} checkpoint(s) of another log ({other}); this database's log is "
                    f"{log_id}: the log was replaced, or the database reset without archiving that directory",
                )
            )
    public_key = crypto.public_key_b64()
    by_size: dict[int, TreeHead] = {}
    for path in checkpoints.iter_files(log_id, directory):
        try:
            head = checkpoints.read_file(path)
            if head.log_id != log_id:
                raise TreeHeadError(f"{path}: names log {head.log_id}")
            if not head.verify_signature(public_key):
                raise TreeHeadError(f"{path}: the signature does not verify with this deployment's public key")
            head.compact()
        except TreeHeadError as exc:
            problem(Problem("checkpoint", f"invalid checkpoint {exc}"))
            continue
        seen = by_size.get(head.tree_size)
        if seen is not None and seen.root_hash != head.root_hash:
            problem(Problem("checkpoint", f"two signed checkpoints of size {head.tree_size} disagree (a forked log)"))
        by_size[head.tree_size] = head
    return [by_size[size] for size in sorted(by_size)]


def verify_log(
    *,
    directory: Path | None = None,
    progress: bool | None = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Check the whole log against its hashes and every checkpoint; see the module docstring.

    `progress` shows a bar on the terminal; `on_progress(done, total)` is called after each batch.
    """
    log_id, last_seq = selectors.log_state()
    report = Report(log_id=log_id)
    heads = _load_checkpoints(log_id, directory, report)
    gaps_after = max((h.tree_size for h in heads), default=0) if connection.vendor == "postgresql" else None
    scanner = Scanner(tree=merkle.CompactRange(), checkpoints=heads, gaps_after=gaps_after)
    with tqdm(
        total=last_seq, unit=" entries", unit_scale=True, disable=None if progress else True, desc="verify"
    ) as bar:
        for rows in selectors.stream_entries(upto=last_seq):
            scanner.feed(rows)
            bar.update(len(rows))
            if on_progress is not None:
                on_progress(scanner.entries, last_seq)
    scanner.finish(expected_size=last_seq)
    for void in voids.stored(log_id=log_id, upto=last_seq):
        if void.valid:
            report.voids.append(void.seq)
        else:
            scanner._problem(forged_void(void.seq))
    now_issued = selectors.last_issued()
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(seq) FROM audit_entry")
        (max_seq,) = cursor.fetchone()
    if max_seq is not None and max_seq > now_issued:
        scanner._problem(
            Problem("extra", f"entries {now_issued + 1}..{max_seq} lie beyond the sequencer", seq=now_issued + 1)
        )
    report.entries = scanner.entries
    report.tree_size = scanner.tree.size
    report.root_hash = scanner.tree.root()
    report.unsettled = scanner.gaps
    report.checkpoints_checked = len(scanner.checked)
    report.latest_checkpoint = scanner.checked[-1] if scanner.checked else None
    report.problems = (report.problems + scanner.problems)[:MAX_PROBLEMS]
    report.problem_count += scanner.problem_count
    return report
