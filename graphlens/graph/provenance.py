"""Provenance of rewritten graphs: each replacement a rewrite made, and where a node came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RewriteRecord:
    """One replacement: `rule` (its name) at `location` (file:line) in `phase` swapped the
    `removed` nodes for the `added` ones (`replaced` the variable, `by` its replacement)."""

    rule: str
    location: str
    phase: str
    removed: tuple
    added: tuple
    replaced: object = None
    by: object = None


@dataclass
class RewriteLog:
    """Every replacement made while a graph was rewritten, in order."""

    records: list = field(default_factory=list)

    def append(self, record: RewriteRecord):
        """Add a record."""
        self.records.append(record)

    def __iter__(self):
        return iter(self.records)

    def __len__(self):
        return len(self.records)

    def counts(self) -> dict:
        """{rule name: number of replacements}, in first-use order."""
        result = {}
        for record in self.records:
            result[record.rule] = result.get(record.rule, 0) + 1
        return result
