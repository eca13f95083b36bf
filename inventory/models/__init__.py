from .alerts import AlertKind, StockAlert
from .catalogue import DistrictPrice, Item, ItemKind, MinimumLevel
from .counts import CountLine, StockTake, StockTakeStatus
from .stock import Lot, LotSource, Movement, MovementKind
from .transfers import Transfer, TransferLine, TransferStatus

__all__ = [
    "AlertKind",
    "CountLine",
    "DistrictPrice",
    "Item",
    "ItemKind",
    "Lot",
    "LotSource",
    "MinimumLevel",
    "Movement",
    "MovementKind",
    "StockAlert",
    "StockTake",
    "StockTakeStatus",
    "Transfer",
    "TransferLine",
    "TransferStatus",
]
