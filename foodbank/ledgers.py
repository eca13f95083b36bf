"""The two ledgers checked together: stock movements against lots, points entries against
household balances. Balances are cached sums; the ledgers are the truth."""

from __future__ import annotations

from dataclasses import dataclass, field

from inventory.selectors import ledger_mismatches as lot_mismatches
from inventory.services.ledger import rebuild_lot_balances
from points.selectors import ledger_mismatches as balance_mismatches
from points.services.ledger import rebuild_balances


@dataclass
class LedgerReport:
    lots: list[int] = field(default_factory=list)
    households: list[int] = field(default_factory=list)
    rebuilt: bool = False

    @property
    def mismatched(self) -> bool:
        return bool(self.lots or self.households)

    def lines(self) -> list[str]:
        verb = "rebuilt" if self.rebuilt else "off"
        return [
            f"lots {verb}: {len(self.lots)} {self.lots[:20]}",
            f"household balances {verb}: {len(self.households)} {self.households[:20]}",
        ]


def check_ledgers(*, rebuild: bool = False) -> LedgerReport:
    report = LedgerReport(lot_mismatches(), balance_mismatches())
    if rebuild and report.mismatched:
        rebuild_lot_balances()
        rebuild_balances()
        report.rebuilt = True
    return report
